"""The bundled equipment catalogue: 20 common machines, a source for every figure."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluate.data.catalogue import load_catalogue
from evaluate.data.equipment import (
    CATALOGUE_FILE,
    CATALOGUE_SOURCES,
    CLUB_ONLY,
    COLUMNS,
    DEMO_IDS,
    FIGURES,
    OWNED,
)
from evaluate.errors import DataError
from evaluate.paths import DEMO_DATA_DIR, REFERENCE_DATA_DIR

COMMON = ("treadmill", "upright_bike", "air_bike", "elliptical", "ski_erg", "lat_pulldown",
          "seated_row", "chest_press", "leg_curl", "leg_extension", "hip_thrust",
          "smith_machine", "power_rack")


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return load_catalogue()


def test_twenty_common_machines_with_the_demo_ids_first(catalogue):
    ids = list(catalogue["equipment_id"])
    assert len(ids) >= 20 and len(set(ids)) == len(ids)
    assert tuple(ids[:6]) == DEMO_IDS
    assert set(COMMON) <= set(ids)
    assert list(catalogue.columns) == [c for c in COLUMNS if c not in CLUB_ONLY] + [
        "price_currency", "price_date", "muscles_source", "supervision_source"]


def test_every_figure_of_every_row_has_a_source(catalogue):
    for figure, source in CATALOGUE_SOURCES.items():
        assert (catalogue[source].str.len() > 20).all(), (figure, source)
        assert catalogue[figure].notna().all() or figure in (
            "installation_cost", "annual_maintenance", "lifespan_years"), figure
    assert (catalogue["price_currency"] == "USD").all()
    assert catalogue["price_date"].notna().all()
    # A placeholder says so in its source; a blank figure is always a placeholder.
    for figure, (status, source) in FIGURES.items():
        placeholder = catalogue[status] == "placeholder"
        assert catalogue.loc[placeholder, source].str.contains("PLACEHOLDER").all(), figure
        assert (catalogue.loc[catalogue[figure].isna(), status] == "placeholder").all()
    priced = catalogue.set_index("equipment_id")
    flagged = priced[priced["price_status"] == "placeholder"]
    assert (flagged["price_low"] <= flagged["price"]).all()
    assert (flagged["price"] <= flagged["price_high"]).all()
    assert {"treadmill", "elliptical", "seated_row"} <= set(
        priced.index[priced["price_status"] == "published"])


def test_the_demo_machines_keep_their_figures(catalogue):
    demo = pd.read_csv(DEMO_DATA_DIR / "equipment.csv", dtype=str, keep_default_na=False)
    listed = pd.read_csv(REFERENCE_DATA_DIR / CATALOGUE_FILE, dtype=str, keep_default_na=False)
    shared = [c for c in demo.columns if c != OWNED]
    pd.testing.assert_frame_equal(listed.loc[:5, shared], demo[shared])


def test_a_figure_without_its_source_is_refused(tmp_path):
    frame = pd.read_csv(REFERENCE_DATA_DIR / CATALOGUE_FILE, dtype=str, keep_default_na=False)
    frame.loc[6, "footprint_source"] = ""
    frame.loc[7, "price_currency"] = "dollars"
    frame.to_csv(tmp_path / CATALOGUE_FILE, index=False)
    with pytest.raises(DataError) as caught:
        load_catalogue(tmp_path)
    found = {(p.column, p.row, p.message) for p in caught.value.problems}
    assert found == {("footprint_source", 8, "value is missing"),
                     ("price_currency", 9, "not a currency code")}


def test_numbers_read_the_same_in_a_club_file_with_decimal_commas():
    """A ';' file reads '1.234' as 1234: no catalogue number has exactly three decimals."""
    listed = pd.read_csv(REFERENCE_DATA_DIR / CATALOGUE_FILE, dtype=str, keep_default_na=False)
    numbers = listed[["price", "price_low", "price_high", "installation_cost",
                      "annual_maintenance", "lifespan_years", "footprint_m2", "session_minutes",
                      "stations"]]
    assert not numbers.apply(lambda s: s.str.fullmatch(r"\d+\.\d{3}")).any().any()
