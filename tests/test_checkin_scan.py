"""check_checkins: the check-in log checked as load_checkins checks it, kept as its profile."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from evaluate.data import checkins as checkins_module
from evaluate.data.checkins import CheckinProfile, check_checkins, hourly_profile, load_checkins
from evaluate.data.checks import check_club
from evaluate.data.club_data import load_club_data
from evaluate.data.members import load_members
from evaluate.errors import DataError
from evaluate.model.demand import peak_share
from evaluate.paths import DEMO_DATA_DIR

FIXTURES = Path(__file__).parent / "fixtures" / "checkins"
AS_OF = "2026-11-01"
ROSTER = pd.Index(["M001", "M002", "M003"])
TIMES = ["2026-03-02 06:05", "2026-03-02 18:30", "2026-03-08 23:59", "2026-03-09 00:00",
         "2026-10-31 23:59"]


def stamps(unit: str = "ms", times: list[str | None] = TIMES) -> pa.Array:
    return pa.array(pd.to_datetime(pd.Series(times)).astype(f"datetime64[{unit}]"),
                    pa.timestamp(unit))


def write(folder: Path, ids: pa.Array, when: pa.Array, **names: str) -> Path:
    columns = {names.get("member_id", "member_id"): ids,
               names.get("timestamp", "timestamp"): when}
    pq.write_table(pa.table(columns), folder / "checkins.parquet")
    return folder


def scanned(monkeypatch) -> None:
    """Fail the test if check_checkins falls back to loading the log row by row."""
    def refuse(*args, **kwargs):
        raise AssertionError("fell back to load_checkins")

    monkeypatch.setattr(checkins_module, "load_checkins", refuse)


def same_as_loaded(folder: Path, member_ids: pd.Index | None = ROSTER) -> CheckinProfile:
    loaded = load_checkins(folder, member_ids, as_of=AS_OF)
    profile = check_checkins(folder, member_ids, as_of=AS_OF)
    pd.testing.assert_frame_equal(hourly_profile(profile), hourly_profile(loaded),
                                  check_exact=True)
    assert len(profile) == len(loaded) and profile.empty == loaded.empty
    assert profile.attrs["file"] == loaded.attrs["file"]
    assert [str(p) for p in profile.attrs["warnings"]] == [
        str(p) for p in loaded.attrs["warnings"]]
    return profile


def same_errors(folder: Path, member_ids: pd.Index | None = ROSTER) -> list[str]:
    with pytest.raises(DataError) as loaded:
        load_checkins(folder, member_ids, as_of=AS_OF)
    with pytest.raises(DataError) as checked:
        check_checkins(folder, member_ids, as_of=AS_OF)
    expected = [str(p) for p in loaded.value.problems]
    assert [str(p) for p in checked.value.problems] == expected
    return expected


def test_the_demo_log_is_scanned_to_the_loaded_logs_profile(monkeypatch):
    members = load_members(DEMO_DATA_DIR)
    ids = pd.Index(members["member_id"])
    loaded = load_checkins(DEMO_DATA_DIR, ids, as_of=AS_OF)
    scanned(monkeypatch)
    profile = check_checkins(DEMO_DATA_DIR, ids, as_of=AS_OF)
    assert isinstance(profile, CheckinProfile) and len(profile) == len(loaded)
    pd.testing.assert_frame_equal(hourly_profile(profile), hourly_profile(loaded),
                                  check_exact=True)
    assert profile.attrs == {"file": DEMO_DATA_DIR / "checkins.parquet", "warnings": []}
    assert peak_share(profile, {}) == peak_share(loaded, {})


@pytest.mark.parametrize("unit", ["s", "ms", "us"])
@pytest.mark.parametrize("encoding", ["dictionary", "plain", "large"])
def test_every_clean_parquet_layout_is_scanned_batch_by_batch(tmp_path, monkeypatch, unit,
                                                               encoding):
    values = [" M002", "M001", "M003 ", "M001", "M002"]  # trimmed, as the loader trims
    ids = {"dictionary": pa.array(values).dictionary_encode(), "plain": pa.array(values),
           "large": pa.array(values, pa.large_string())}[encoding]
    write(tmp_path, ids, stamps(unit))
    expected = hourly_profile(load_checkins(tmp_path, ROSTER, as_of=AS_OF))
    monkeypatch.setattr(checkins_module, "SCAN_BATCH_ROWS", 2)  # three batches
    scanned(monkeypatch)
    for roster in (ROSTER, None):
        profile = check_checkins(tmp_path, roster, as_of=AS_OF)
        pd.testing.assert_frame_equal(hourly_profile(profile), expected, check_exact=True)
        assert (profile.rows, profile.attrs["warnings"]) == (5, [])


def test_mapped_column_names_are_followed(tmp_path, monkeypatch):
    (tmp_path / "columns.yml").write_text("checkins.parquet:\n  Kunde: member_id\n  "
                                          "Zeit: timestamp\n")
    write(tmp_path, pa.array(["M001"] * 5), stamps(), member_id="Kunde", timestamp="Zeit")
    scanned(monkeypatch)
    assert check_checkins(tmp_path, ROSTER, as_of=AS_OF).rows == 5


@pytest.mark.parametrize("case", ["future", "null time", "null id", "blank id", "unknown id",
                                  "zone", "missing column", "text times", "integer ids",
                                  "nanoseconds"])
def test_a_log_with_a_problem_gives_the_loaders_problems(tmp_path, case):
    ids, when = pa.array(["M001", "M002", "M003", "M001", "M002"]), stamps()
    if case == "future":
        when = stamps(times=[*TIMES[:4], "2026-11-02 00:00"])
    elif case == "null time":
        when = stamps(times=[*TIMES[:4], None])
    elif case == "null id":
        ids = pa.array(["M001", None, "M003", "M001", "M002"])
    elif case == "blank id":
        ids = pa.array(["M001", "  ", "M003", "M001", "M002"])
    elif case == "unknown id":
        ids = pa.array(["M001", "M009", "M003", "M001", "M002"]).dictionary_encode()
    elif case == "zone":
        when = when.cast(pa.timestamp("ms", tz="Europe/Berlin"))
    elif case == "text times":
        when = pa.array([*TIMES[:4], "yesterday"])
    elif case == "integer ids":
        ids = pa.array([1, 2, 3, 1, 2])
    elif case == "nanoseconds":
        when = stamps(times=[*TIMES[:4], "2027-01-01 00:00"]).cast(pa.timestamp("ns"))
    if case == "missing column":
        pq.write_table(pa.table({"member_id": ids}), tmp_path / "checkins.parquet")
    else:
        write(tmp_path, ids, when)
    assert same_errors(tmp_path)


def test_an_unused_unknown_id_in_the_dictionary_is_no_problem(tmp_path):
    ids = pa.DictionaryArray.from_arrays(pa.array([0, 1, 0, 1, 0], pa.int32()),
                                         pa.array(["M001", "M002", "M999"]))
    write(tmp_path, ids, stamps())
    same_as_loaded(tmp_path)


def test_empty_missing_csv_and_integer_id_logs_match_the_loader(tmp_path):
    assert same_as_loaded(tmp_path).empty  # no log: empty, with the loader's warning
    write(tmp_path, pa.array([], pa.string()), stamps(times=[]))
    assert same_as_loaded(tmp_path).empty
    write(tmp_path, pa.array([1, 2, 3, 1, 2]), stamps())
    same_as_loaded(tmp_path, pd.Index(["1", "2", "3"]))
    (tmp_path / "checkins.parquet").unlink()
    shutil.copy(FIXTURES / "checkins_clean.csv", tmp_path / "checkins.csv")
    same_as_loaded(tmp_path)


def test_the_club_check_keeps_the_profile_and_the_decision_reads_it():
    check = check_club(DEMO_DATA_DIR)
    assert isinstance(check.loaded["check-ins"], CheckinProfile)
    assert "checkins.parquet" in check.checked
    data = load_club_data(DEMO_DATA_DIR)
    members = data.members
    loaded = load_checkins(DEMO_DATA_DIR, pd.Index(members["member_id"]))
    assert peak_share(data.checkins, data.assumptions) == peak_share(loaded, data.assumptions)
