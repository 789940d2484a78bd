"""Reference data: the shipped tables load clean, carry their sources, and hold the published
figures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluate.data.reference import (
    BENCHMARKS_FILE,
    GRADES,
    PREVALENCE_FILE,
    SEDENTARY_FILE,
    desk_work_odds_ratio,
    load_back_pain_prevalence,
    load_benchmarks,
    load_sedentary_work,
    sources_table,
)
from evaluate.errors import DataError
from evaluate.paths import REFERENCE_DATA_DIR

LOADERS = {PREVALENCE_FILE: load_back_pain_prevalence, SEDENTARY_FILE: load_sedentary_work,
           BENCHMARKS_FILE: load_benchmarks}


@pytest.mark.parametrize("name", list(LOADERS))
def test_shipped_tables_load_clean_with_sources(name):
    table = LOADERS[name]()
    assert len(table) > 0
    assert table.attrs["warnings"] == []
    for col in ("source", "url", "unit", "population"):
        assert (table[col].str.strip() != "").all(), col
    assert table["url"].str.startswith("https://").all()
    assert table["reliability"].notna().all()
    assert set(table["reliability"]) <= set(GRADES)
    assert table["derived"].dtype == bool
    assert (table["value"].notna() | (table["low"].notna() & table["high"].notna())).all()


def prevalence(measure: str, age_band: str, sex: str) -> pd.Series:
    table = load_back_pain_prevalence()
    rows = table[(table["measure"] == measure) & (table["age_band"] == age_band)
                 & (table["sex"] == sex)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(("age_band", "sex", "value", "grade"), [
    ("18+", "all", 39.0, "A"), ("18-29", "all", 28.4, "B"), ("30-44", "all", 35.2, "B"),
    ("45-64", "all", 44.3, "B"), ("65+", "all", 45.6, "B"), ("18+", "F", 40.6, "B"),
    ("18+", "M", 37.2, "B"),
])
def test_nhis_2019_figures_match_the_reference_file(age_band, sex, value, grade):
    """Lucas, Connor, Bose. NCHS Data Brief 415 (2021): NHIS 2019, back pain past 3 months."""
    row = prevalence("back_pain_3mo", age_band, sex)
    assert row["value"] == value
    assert row["reliability"] == grade
    assert row["year"] == 2019 and not row["derived"]


def test_nhis_age_bands_are_contiguous_and_typed():
    table = load_back_pain_prevalence()
    bands = table[(table["measure"] == "back_pain_3mo") & (table["age_band"] != "18+")]
    assert list(bands["age_min"]) == [18, 30, 45, 65]
    assert list(bands["age_max"].astype("float").fillna(-1)) == [29, 44, 64, -1]
    assert str(table["age_min"].dtype) == "Int64"


def test_desk_work_odds_ratio_is_dzakpasu_2021():
    """Dzakpasu et al. 2021, Int J Behav Nutr Phys Act 18:159: workplace sitting OR 1.47."""
    row = desk_work_odds_ratio()
    assert (row["value"], row["low"], row["high"]) == (1.47, 1.12, 1.92)
    assert row["unit"] == "odds ratio" and row["reliability"] == "A"
    assert "PMC8666269" in row["url"]


def test_benchmarks_exact_figures_and_derived_flags():
    table = load_benchmarks().set_index("metric_id")
    assert table.loc["monthly_dues_average", "value"] == 65
    assert table.loc["visits_per_member_week", "value"] == 1.5
    assert table.loc["retained_12_months", "value"] == 67.2
    assert table.loc["pt_price_per_session", "value"] == 55.87
    assert table.loc["floor_area_per_piece", ["value", "unit"]].tolist() == [5, "m2"]
    peak = table.loc["peak_members_share"]
    assert pd.isna(peak["value"]) and (peak["low"], peak["high"]) == (10, 12)
    derived = set(table.index[table["derived"]])
    assert derived == {"member_share_55_plus", "annual_cancellation_rate"}
    assert table.loc["member_share_55_plus", "value"] == pytest.approx(100 - 30.8 - 33.8 - 12.3)


def test_sources_table_lists_each_citation_once():
    sources = sources_table()
    assert not sources.duplicated(["source", "url"]).any()
    assert sources["rows"].sum() == sum(len(load()) for load in LOADERS.values())
    dzakpasu = sources[sources["source"].str.startswith("Dzakpasu")].iloc[0]
    assert dzakpasu["tables"] == SEDENTARY_FILE and dzakpasu["rows"] == 2


def copy_reference(tmp_path: Path) -> Path:
    shutil.copytree(REFERENCE_DATA_DIR, tmp_path, dirs_exist_ok=True)
    return tmp_path


def test_bad_reference_rows_are_all_named(tmp_path):
    folder = copy_reference(tmp_path)
    path = folder / PREVALENCE_FILE
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",39.0,", ",139.0,").replace(",A,false,", ",D,false,")
    lines[2] = lines[2].replace(",B,false,", ",B,maybe,").replace("https://www.", "www.")
    lines[3] = lines[3].replace(",35.2,,,", ",35.2,40,30,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_back_pain_prevalence(folder)
    found = {(p.row, p.column, p.message) for p in caught.value.problems}
    assert found == {
        (2, "value", "percent above 100"),
        (2, "reliability", "unknown grade"),
        (3, "derived", "not true or false"),
        (3, "url", "not a web address"),
        (4, "value", "value outside its low-high range"),
    }
    assert all(p.file == path and p.rule and p.fix for p in caught.value.problems)


def test_missing_source_and_column_are_errors(tmp_path):
    folder = copy_reference(tmp_path)
    path = folder / SEDENTARY_FILE
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[0, "source"] = ""
    table.to_csv(path, index=False)
    with pytest.raises(DataError) as caught:
        load_sedentary_work(folder)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "source")]
    table.drop(columns="reliability").rename(columns={"url": "link"}).to_csv(path, index=False)
    with pytest.raises(DataError) as caught:
        load_sedentary_work(folder)
    assert {p.column for p in caught.value.problems} == {"reliability", "url"}


def test_missing_reference_file_says_where(tmp_path):
    with pytest.raises(DataError, match="industry_benchmarks.csv not found"):
        load_benchmarks(tmp_path)
