"""Loading assumptions.yml: the demo loads clean; bad input is named; the YAML is safe."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evaluate.data.assumptions import (
    ASSUMPTIONS_FILE,
    CATALOGUE,
    Assumption,
    load_assumptions,
)
from evaluate.data.reference import desk_work_odds_ratio
from evaluate.errors import DataError
from evaluate.paths import DEMO_DATA_DIR

FIXTURES = Path(__file__).parents[1] / "fixtures" / "assumptions"


def club_folder(tmp_path: Path, fixture: str | None = None, text: str | None = None) -> Path:
    target = tmp_path / ASSUMPTIONS_FILE
    if fixture:
        shutil.copy(FIXTURES / fixture, target)
    else:
        target.write_text(text, encoding="utf-8")
    return tmp_path


def load_error(folder: Path) -> DataError:
    with pytest.raises(DataError) as caught:
        load_assumptions(folder)
    return caught.value


def test_demo_loads_clean_and_complete():
    assumptions = load_assumptions(DEMO_DATA_DIR)
    assert list(assumptions) == list(CATALOGUE)
    assert assumptions.warnings == []
    assert assumptions.file == DEMO_DATA_DIR / ASSUMPTIONS_FILE
    for name, item in assumptions.items():
        assert isinstance(item, Assumption) and item.origin == "file"
        assert item.low <= item.most_likely <= item.high
        assert item.unit == CATALOGUE[name].unit
        assert item.source and item.meaning
    assert assumptions["discount_rate"].line == 8
    assert not assumptions["uptake_back_care"].is_sourced


def test_demo_defaults_match_the_catalogue_and_the_reference():
    assumptions = load_assumptions(DEMO_DATA_DIR)
    for name, spec in CATALOGUE.items():
        item = assumptions[name]
        assert (item.low, item.most_likely, item.high) == spec.default, name
    odds = desk_work_odds_ratio()
    item = assumptions["sedentary_odds_ratio"]
    assert (item.low, item.most_likely, item.high) == (odds["low"], odds["value"], odds["high"])
    assert item.is_sourced and "Dzakpasu" in item.source


def test_missing_file_falls_back_to_defaults_with_a_warning(tmp_path):
    assumptions = load_assumptions(tmp_path)
    assert list(assumptions) == list(CATALOGUE)
    assert all(item.origin == "default" for item in assumptions.values())
    assert assumptions.file is None
    [warning] = assumptions.warnings
    assert warning.severity == "warning" and "default" in warning.message


def test_python_object_tag_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "MARKER"
    text = (f"discount_rate:\n  low: !!python/object/apply:os.system ['touch {marker}']\n"
            "  most_likely: 0.07\n")
    error = load_error(club_folder(tmp_path, text=text))
    assert not marker.exists()
    [problem] = error.problems
    assert problem.row == 2 and "refused" in problem.message and "Python" in problem.message
    assert "!!python" in problem.fix
    assert problem.file == tmp_path / ASSUMPTIONS_FILE


def test_misspelled_key_gets_a_did_you_mean_and_the_required_one_is_missing(tmp_path):
    error = load_error(club_folder(tmp_path, "assumptions_misspelled_key.yml"))
    found = {(p.row, p.column, p.message) for p in error.problems}
    assert found == {(8, "discount_rat", "unknown assumption"),
                     (None, "discount_rate", "required assumption is missing")}
    unknown = next(p for p in error.problems if p.column == "discount_rat")
    assert "did you mean 'discount_rate'" in unknown.fix
    missing = next(p for p in error.problems if p.column == "discount_rate")
    assert "add discount_rate: {low: 0.04, most_likely: 0.07, high: 0.1" in missing.fix


def test_bad_entries_are_all_reported_with_their_lines(tmp_path):
    error = load_error(club_folder(tmp_path, "assumptions_bad_entries.yml"))
    found = {(p.row, p.column, p.message) for p in error.problems}
    assert found == {
        (9, "discount_rate", "low outside the possible range"),
        (10, "discount_rate", "most_likely outside the possible range"),
        (11, "discount_rate", "high outside the possible range"),
        (19, "horizon_years", "high is not a whole number"),
        (28, "floor_cost_per_m2_year", "unit does not match the model's"),
        (64, "salvage_share", "field 'source' is missing"),
        (87, "uptake_back_care", "range out of order"),
        (137, "adoption_months", "unknown field 'most_likley'"),
        (135, "adoption_months", "field 'most_likely' is missing"),
        (192, "new_joins_per_year", "low is not a number"),
    }
    by_message = {p.message: p for p in error.problems}
    assert by_message["range out of order"].rule == "low <= most_likely <= high"
    assert by_message["range out of order"].value == [0.1, 0.08, 0.15]
    assert by_message["low outside the possible range"].rule == "0 <= low <= 0.5 fraction/year"
    assert "did you mean 'most_likely'" in by_message["unknown field 'most_likley'"].fix
    assert by_message["unit does not match the model's"].value == "USD/sqft/year"
    assert all(p.file == tmp_path / ASSUMPTIONS_FILE and p.fix for p in error.problems)


def test_missing_required_is_an_error_missing_optional_takes_its_default(tmp_path):
    error = load_error(club_folder(tmp_path, "assumptions_missing_entries.yml"))
    assert [(p.column, p.message) for p in error.problems] == [
        ("churn_reduction_users", "required assumption is missing")]
    assert not CATALOGUE["peak_hour_share"].required  # left out of the same fixture
    text = (FIXTURES / "assumptions_missing_entries.yml").read_text(encoding="utf-8")
    demo = (DEMO_DATA_DIR / ASSUMPTIONS_FILE).read_text(encoding="utf-8")
    churn = demo[demo.index("churn_reduction_users:"):].split("\n\n")[0]
    assumptions = load_assumptions(club_folder(tmp_path, text=text + "\n" + churn + "\n"))
    assert assumptions["peak_hour_share"].origin == "default"
    assert assumptions["peak_hour_share"].line is None
    assert assumptions["churn_reduction_users"].origin == "file"


@pytest.mark.parametrize(("fixture", "row", "expected"), [
    ("assumptions_not_a_mapping.yml", 1, "expected one entry per assumption"),
    ("assumptions_broken_yaml.yml", 3, "not valid YAML"),
])
def test_malformed_files(tmp_path, fixture, row, expected):
    [problem] = load_error(club_folder(tmp_path, fixture)).problems
    assert expected in problem.message and problem.row == row


def test_an_entry_that_is_not_a_mapping(tmp_path):
    demo = (DEMO_DATA_DIR / ASSUMPTIONS_FILE).read_text(encoding="utf-8")
    text = demo.replace("discount_rate:\n  low: 0.04",
                        "discount_rate: 0.07\nx_discount:\n  low: 0.04")
    error = load_error(club_folder(tmp_path, text=text))
    problem = next(p for p in error.problems if p.column == "discount_rate")
    assert problem.row == 8 and problem.value == 0.07 and "mapping" in problem.rule


def yen_club(tmp_path: Path, rates: str = "") -> Path:
    (tmp_path / "club.yml").write_text(f"name: Yen Club\ncurrency: JPY\n{rates}",
                                       encoding="utf-8")
    return tmp_path


def test_the_money_defaults_say_their_currency():
    money = {name for name, spec in CATALOGUE.items() if spec.currency}
    assert money == {"trainer_session_price", "floor_cost_per_m2_year"}
    assert {s.currency for s in CATALOGUE.values() if s.unit.startswith("currency")} == {"USD"}


def test_a_yen_club_without_a_rate_never_gets_dollar_defaults(tmp_path):
    error = load_error(yen_club(tmp_path))
    found = {p.column: p for p in error.problems}
    assert set(found) == {"trainer_session_price", "floor_cost_per_m2_year"}
    price = found["trainer_session_price"]
    assert "in USD, the club's currency is JPY" in price.message and price.value == 55.87
    assert price.fix.startswith("add exchange_rates: {USD: {rate: ..., date: ..., source: ...}} "
                                "to club.yml, or set trainer_session_price in assumptions.yml "
                                "in JPY")


def test_with_a_rate_the_defaults_are_converted_and_say_so(tmp_path):
    folder = yen_club(tmp_path, "exchange_rates: {USD: {rate: 150, date: 2026-11-01, "
                                "source: \"Bank of Japan\"}}\n")
    price = load_assumptions(folder)["trainer_session_price"]
    assert (price.low, price.most_likely, price.high) == pytest.approx((7500, 8380.5, 10500))
    assert price.source.endswith("; converted from USD 50 / 55.87 / 70 at 150 JPY per USD "
                                 "(Bank of Japan, 2026-11-01)")
    assert load_assumptions(folder)["discount_rate"].source == "assumption"  # not money
    floor = load_assumptions(folder)["floor_cost_per_m2_year"]
    assert floor.source.startswith("assumption; converted from USD 50 / 150 / 300 at 150 JPY")
    assert not floor.is_sourced and price.is_sourced  # still a judgement, and still cited


def test_a_clubs_own_price_in_yen_is_within_the_converted_bound(tmp_path):
    text = (DEMO_DATA_DIR / ASSUMPTIONS_FILE).read_text(encoding="utf-8")
    text = text.replace("  low: 50\n  most_likely: 55.87\n  high: 70\n",
                        "  low: 7000\n  most_likely: 8000\n  high: 11000\n")
    assert "most_likely: 8000" in text
    folder = club_folder(tmp_path, text=text)
    yen_club(folder)  # no rate: no upper bound in another currency
    assert load_assumptions(folder)["trainer_session_price"].most_likely == 8000
    yen_club(folder, "exchange_rates: {USD: {rate: 10, date: 2026-11-01, source: test}}\n")
    error = load_error(folder)  # 1000 USD is 10,000 JPY at this rate
    [problem] = error.problems
    assert problem.column == "trainer_session_price" and "10000" in problem.rule
