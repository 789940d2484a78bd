"""Loading equipment.csv: the demo loads clean; placeholders are flagged; bad input is named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluate.data.equipment import (
    COLUMNS,
    DEMO_IDS,
    EQUIPMENT_FILE,
    load_equipment,
    muscles_long,
    placeholder_figures,
)
from evaluate.errors import DataError
from evaluate.paths import DEMO_DATA_DIR

FIXTURES = Path(__file__).parents[1] / "fixtures" / "equipment"


def club_folder(tmp_path: Path, fixture: str) -> Path:
    shutil.copy(FIXTURES / fixture, tmp_path / EQUIPMENT_FILE)
    return tmp_path


def load_error(folder: Path) -> DataError:
    with pytest.raises(DataError) as caught:
        load_equipment(folder)
    return caught.value


def test_demo_loads_clean_with_types():
    equipment = load_equipment(DEMO_DATA_DIR)
    assert list(equipment.columns) == list(COLUMNS)
    assert tuple(equipment["equipment_id"]) == DEMO_IDS
    assert equipment["price"].dtype == "float64"
    assert equipment["stations"].dtype == "int64"
    assert (equipment["price"] > 0).all() and (equipment["footprint_m2"] > 0).all()
    owned = dict(zip(equipment["equipment_id"], equipment["owned_units"], strict=True))
    assert owned == {"reverse_hyper": 0, "glute_ham_developer": 0, "back_extension_45": 1,
                     "cable_tower": 0, "rower": 2, "leg_press": 1}
    assert all(p.severity == "warning" for p in equipment.attrs["warnings"])


def test_reverse_hyper_price_is_a_flagged_placeholder_with_basis_and_range():
    equipment = load_equipment(DEMO_DATA_DIR).set_index("equipment_id")
    rh = equipment.loc["reverse_hyper"]
    assert rh["price_status"] == "placeholder"
    assert rh["price_low"] <= rh["price"] <= rh["price_high"]
    assert "PLACEHOLDER" in rh["price_source"] and "vendor quote" in rh["price_source"]
    warning = next(p for p in load_equipment(DEMO_DATA_DIR).attrs["warnings"]
                   if p.column == "price")
    assert warning.row == "2, 4"  # the reverse hyper and the 45-degree back extension
    assert "placeholder" in warning.message
    table = placeholder_figures(equipment.reset_index())
    assert {"reverse_hyper", "back_extension_45"} == set(
        table.loc[table["figure"] == "price", "equipment_id"])
    assert (equipment.loc[equipment["price_status"] != "placeholder", "price_low"].isna()).all()


def test_every_figure_has_a_source_and_a_status():
    equipment = load_equipment(DEMO_DATA_DIR)
    for col in ("price_source", "installation_source", "maintenance_source", "lifespan_source",
                "footprint_source", "usage_source", "evidence_source"):
        assert (equipment[col].str.len() > 10).all(), col
    blank = equipment["installation_cost"].isna()
    assert (equipment.loc[blank, "installation_status"] == "placeholder").all()


def test_bad_values_are_all_reported_at_once(tmp_path):
    error = load_error(club_folder(tmp_path, "equipment_bad_values.csv"))
    found = {(p.column, p.row, p.message) for p in error.problems}
    assert found == {
        ("price", 3, "value out of range"),
        ("lifespan_years", 4, "value out of range"),
        ("footprint_m2", 5, "value out of range"),
        ("stations", 6, "value out of range"),
        ("session_minutes", 7, "not a number"),
        ("supervision", 8, "unknown value"),
        ("equipment_id", "2, 9", "equipment_id is used more than once: 'reverse_hyper' (2 rows)"),
        ("price_source", 10, "value is missing"),
        ("muscles", 11, "unknown muscle name"),
        ("price_low", 12, "a placeholder price without a range"),
        ("installation_cost", 13, "blank but not a placeholder"),
    }
    for problem in error.problems:
        assert problem.file == tmp_path / EQUIPMENT_FILE
        assert problem.rule and problem.fix
    rules = {p.column: p.rule for p in error.problems}
    assert rules["price"] == "price >= 0"
    assert rules["lifespan_years"] == "lifespan_years > 0"
    assert "none, brief, trainer" in rules["supervision"]
    muscle = next(p for p in error.problems if p.column == "muscles")
    assert muscle.value == "glutes_maximus" and "did you mean 'gluteus_maximus'" in muscle.fix
    text = str(error)
    assert "equipment.csv, row 3, column 'price'" in text


def test_misspelled_required_column_gets_a_did_you_mean(tmp_path):
    error = load_error(club_folder(tmp_path, "equipment_misspelled_column.csv"))
    assert [(p.column, p.row) for p in error.problems] == [("footprint_m2", 1)]
    assert "did you mean 'footprint_m'" in error.problems[0].fix


def test_vendor_quotes_and_absent_optional_columns(tmp_path):
    equipment = load_equipment(
        club_folder(tmp_path, "equipment_vendor_quote_no_optional_columns.csv"))
    row = equipment.iloc[0]
    assert row["price_status"] == "vendor_quote"  # "quote" is read as vendor_quote
    assert row["installation_status"] == "vendor_quote"  # "Vendor Quote", any case
    assert (row["price"], row["installation_cost"], row["lifespan_years"]) == (2150, 150, 10)
    assert row["owned_units"] == 0 and pd.isna(row["price_low"])
    assert row["model"].startswith("Rogue RH-2")  # a column left out: the catalogue's
    assert equipment.attrs["warnings"] == []


def test_missing_and_empty_files(tmp_path):
    assert "equipment.csv not found" in str(load_error(tmp_path))
    header = (FIXTURES / "equipment_misspelled_column.csv").read_text().splitlines()[0]
    (tmp_path / EQUIPMENT_FILE).write_text(header.replace("footprint_m,", "footprint_m2,") + "\n")
    assert "no machines" in str(load_error(tmp_path))


def test_muscles_long_is_one_row_per_muscle():
    long = muscles_long(load_equipment(DEMO_DATA_DIR))
    rh = long.loc[long["equipment_id"] == "reverse_hyper", "muscle"]
    assert list(rh) == ["erector_spinae", "gluteus_maximus", "hamstrings"]


RATE = 'exchange_rates: {USD: {rate: 0.79, date: 2026-11-01, source: "Bank of England spot"}}\n'


def by_id_club(tmp_path: Path, equipment: str, currency: str = "USD", rates: str = "") -> Path:
    """A club whose equipment.csv lists machines by catalogue id (and a few overrides)."""
    (tmp_path / "club.yml").write_text(f"name: Club\ncurrency: {currency}\n{rates}",
                                       encoding="utf-8")
    (tmp_path / EQUIPMENT_FILE).write_text(equipment, encoding="utf-8")
    return tmp_path


def test_a_catalogued_machine_needs_only_its_id_and_owned_units(tmp_path):
    folder = by_id_club(tmp_path, "equipment_id,owned_units\nreverse_hyper,0\nrower,2\n")
    equipment = load_equipment(folder)
    demo = load_equipment(DEMO_DATA_DIR).set_index("equipment_id")
    for _, row in equipment.iterrows():  # the catalogue's figures: the demo's, in USD
        expected = demo.loc[row["equipment_id"]]
        for col in COLUMNS:
            if col not in ("equipment_id", "owned_units", "notes"):
                assert row[col] == expected[col] or (pd.isna(row[col])
                                                     and pd.isna(expected[col])), col
    assert list(equipment["owned_units"]) == [0, 2]


def test_catalogue_prices_are_converted_and_the_source_says_so(tmp_path):
    folder = by_id_club(tmp_path, "equipment_id,owned_units\nreverse_hyper,0\nglute_ham_developer,"
                        "0\n", currency="GBP", rates=RATE)
    equipment = load_equipment(folder).set_index("equipment_id")
    rh, ghd = equipment.loc["reverse_hyper"], equipment.loc["glute_ham_developer"]
    assert (rh["price"], rh["price_low"], rh["price_high"]) == pytest.approx((612.25, 395, 790))
    assert rh["price_source"].endswith("; converted from USD 775 (range 500-1000) at 0.79 GBP "
                                       "per USD (Bank of England spot, 2026-11-01)")
    assert ghd["price"] == pytest.approx(775 * 0.79)
    assert ghd["price_source"].endswith("converted from USD 775 at 0.79 GBP per USD "
                                        "(Bank of England spot, 2026-11-01)")


def test_a_catalogue_price_without_a_rate_is_refused_with_the_fix(tmp_path):
    folder = by_id_club(tmp_path, "equipment_id,owned_units\nrower,1\n", currency="GBP")
    [problem] = load_error(folder).problems
    assert (problem.row, problem.column, problem.value) == (2, "price", "rower")
    assert "in USD, the club's currency is GBP" in problem.message
    assert problem.fix == ("add exchange_rates: {USD: {rate: ..., date: ..., source: ...}} to "
                           "club.yml, or give the price in GBP in equipment.csv")


def test_the_clubs_cells_override_the_catalogue_and_blanks_leave_it(tmp_path):
    folder = by_id_club(tmp_path, "equipment_id,owned_units,price,footprint_m2,session_minutes\n"
                        "rower,1,850,,\nleg_press,0,1900,7.5,12\n", currency="GBP")
    equipment = load_equipment(folder).set_index("equipment_id")
    rower, press = equipment.loc["rower"], equipment.loc["leg_press"]
    # The club's price is its own quote in GBP: no rate needed, no catalogue range or source.
    assert (rower["price"], rower["price_status"]) == (850, "vendor_quote")
    assert rower["price_source"] == "the club's figure in equipment.csv"
    assert rower["footprint_m2"] == 5 and "Sport England" in rower["footprint_source"]
    assert (press["footprint_m2"], press["session_minutes"], press["stations"]) == (7.5, 12, 1)
    assert press["footprint_source"] == "the club's figure in equipment.csv"
    assert press["usage_source"].startswith("session_minutes: the club's figure in equipment.csv;"
                                            " otherwise assumption")


def test_a_machine_not_in_the_catalogue_needs_every_column(tmp_path):
    folder = by_id_club(tmp_path, "equipment_id,owned_units\nrower,1\nlegpress,0\n")
    [problem] = load_error(folder).problems
    assert (problem.row, problem.column, problem.value) == (3, "equipment_id", "legpress")
    assert problem.message == "machine not in the catalogue: every column is needed"
    assert "missing: name, equipment_type, price" in problem.rule
    assert problem.fix.startswith("did you mean 'leg_press'? use a catalogue id (reverse_hyper, ")


def test_a_semicolon_file_reads_its_decimal_commas_and_the_catalogues_points(tmp_path):
    folder = by_id_club(tmp_path, "equipment_id;owned_units;price\nreverse_hyper;0;\n"
                        "treadmill;0;7.450,50\n", currency="EUR",
                        rates="exchange_rates: {USD: {rate: 0.92, date: 2026-11-01, "
                              "source: ECB}}\n")
    equipment = load_equipment(folder).set_index("equipment_id")
    assert equipment.loc["treadmill", "price"] == 7450.5  # the club's quote, in EUR
    rh = equipment.loc["reverse_hyper"]
    assert (rh["price"], rh["footprint_m2"]) == (pytest.approx(775 * 0.92), 4.32)


def test_new_joins_need_a_source_and_a_number_of_zero_or_more(tmp_path):
    folder = by_id_club(tmp_path, "equipment_id,owned_units,new_joins_per_year,new_joins_source\n"
                        "reverse_hyper,0,3,\nglute_ham_developer,0,-1,assumption\n"
                        "rower,1,,\n", rates=RATE)
    error = load_error(folder)
    found = {(p.column, p.row, p.message) for p in error.problems}
    assert found == {("new_joins_per_year", 2, "new joins without a source"),
                     ("new_joins_per_year", 3, "value out of range")}
    unsourced = next(p for p in error.problems if p.row == 2)
    assert unsourced.file == folder / EQUIPMENT_FILE
    assert "new_joins_source" in unsourced.fix and "leave new_joins_per_year blank" in (
        unsourced.fix)


def test_new_joins_with_a_source_load_and_a_blank_is_none_given(tmp_path):
    folder = by_id_club(tmp_path, "equipment_id,owned_units,new_joins_per_year,new_joins_source\n"
                        "reverse_hyper,0,3,measured: join survey 2025\nrower,1,,\n")
    equipment = load_equipment(folder)
    assert equipment["new_joins_per_year"].iloc[0] == 3
    assert equipment["new_joins_source"].iloc[0] == "measured: join survey 2025"
    assert pd.isna(equipment["new_joins_per_year"].iloc[1])
    assert load_equipment(DEMO_DATA_DIR)["new_joins_per_year"].isna().all()
