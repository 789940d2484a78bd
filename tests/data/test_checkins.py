"""Loading the check-in log (CSV or Parquet) and its aggregations."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from evaluate.data import checkins as checkins_module
from evaluate.data.checkins import (
    HOURS_PER_WEEK,
    PEAK_MIN_CHECKINS,
    PEAK_MIN_DAYS,
    PEAK_MIN_HOURS,
    CheckinProfile,
    check_checkins,
    hourly_profile,
    is_anonymous,
    load_checkins,
    member_checkins,
    peak_shortfall,
    peak_warning,
    visit_frequency,
    weekly_visits,
)
from evaluate.data.members import load_members
from evaluate.errors import DataError
from evaluate.model.demand import peak_share
from evaluate.paths import DEMO_DATA_DIR

FIXTURES = Path(__file__).parents[1] / "fixtures" / "checkins"
AS_OF = "2026-11-01"
ROSTER = pd.Index(["M001", "M002", "M003"])


def folder_with(tmp_path: Path, fixture: str) -> Path:
    shutil.copy(FIXTURES / fixture, tmp_path / "checkins.csv")
    return tmp_path


def load_error(folder: Path, member_ids: pd.Index | None = ROSTER) -> DataError:
    with pytest.raises(DataError) as caught:
        load_checkins(folder, member_ids, as_of=AS_OF)
    return caught.value


def problem_for(error: DataError, column: str, message: str):
    found = [p for p in error.problems if p.column == column and message in p.message]
    assert found, f"no problem '{message}' on {column}: {error}"
    return found[0]


def write_parquet(folder: Path, columns: dict[str, pa.Array]) -> Path:
    path = folder / "checkins.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def test_demo_loads_clean_and_fast():
    members = load_members(DEMO_DATA_DIR)
    began = time.perf_counter()
    checkins = load_checkins(DEMO_DATA_DIR, pd.Index(members["member_id"]), as_of=AS_OF)
    assert time.perf_counter() - began < 0.5
    assert list(checkins.columns) == ["member_id", "timestamp"]
    assert len(checkins) > 100_000
    assert str(checkins["timestamp"].dtype) == "datetime64[us]"
    assert list(checkins["member_id"].cat.categories) == list(members["member_id"])
    assert checkins["member_id"].notna().all() and checkins["timestamp"].notna().all()
    assert checkins.attrs["warnings"] == []
    assert checkins.attrs["file"] == DEMO_DATA_DIR / "checkins.parquet"


def test_clean_csv_trims_ids_and_accepts_t_and_seconds(tmp_path):
    checkins = load_checkins(folder_with(tmp_path, "checkins_clean.csv"), ROSTER, as_of=AS_OF)
    assert list(checkins["member_id"]) == ["M001", "M002", "M001", "M003"]
    assert checkins["timestamp"].iloc[2] == pd.Timestamp("2026-03-09 18:30")
    assert checkins["timestamp"].iloc[3] == pd.Timestamp("2026-03-09 06:15:40")


def test_missing_log_is_an_empty_frame_with_a_warning(tmp_path):
    checkins = load_checkins(tmp_path, ROSTER)
    assert checkins.empty and list(checkins.columns) == ["member_id", "timestamp"]
    assert checkins.attrs["file"] is None
    (warning,) = checkins.attrs["warnings"]
    assert warning.severity == "warning" and "check-in log" in warning.message
    assert "members.csv" in warning.fix
    assert hourly_profile(checkins)["checkins_per_week"].sum() == 0


def test_csv_and_parquet_together_are_an_error(tmp_path):
    folder_with(tmp_path, "checkins_clean.csv")
    write_parquet(tmp_path, {"member_id": pa.array(["M001"]),
                             "timestamp": pa.array([np.datetime64("2026-03-02T18:05", "ms")])})
    error = load_error(tmp_path)
    assert "both checkins.csv and checkins.parquet" in str(error)


def test_misspelled_column_gets_a_did_you_mean_and_personal_columns_are_dropped(tmp_path):
    error = load_error(folder_with(tmp_path, "checkins_misspelled_column.csv"))
    (problem,) = error.problems
    assert (problem.column, problem.row) == ("timestamp", 1)
    assert "did you mean 'timestmp'" in problem.fix


def test_bad_values_are_all_reported_with_rows(tmp_path):
    error = load_error(folder_with(tmp_path, "checkins_bad_values.csv"))
    expected = {  # (column, message part): spreadsheet row
        ("member_id", "unknown member"): 3,
        ("timestamp", "not a local date-time"): "4, 8",
        ("timestamp", "missing"): 5,
        ("member_id", "missing"): 6,
        ("timestamp", "future"): 7,
    }
    for (column, message), row in expected.items():
        assert problem_for(error, column, message).row == row, (column, message)
    assert len(error.problems) == len(expected)
    for problem in error.problems:
        assert problem.file == tmp_path / "checkins.csv"
        assert problem.rule and problem.fix
    unknown = problem_for(error, "member_id", "unknown")
    assert unknown.value == "M999" and "members.csv" in unknown.rule
    assert problem_for(error, "timestamp", "not a local").value == ["02/03/2026 18:15",
                                                                    "2026-03-03"]
    assert "2026-11-01" in problem_for(error, "timestamp", "future").rule


def test_without_a_roster_unknown_members_are_not_checked(tmp_path):
    folder = folder_with(tmp_path, "checkins_bad_values.csv")
    error = load_error(folder, member_ids=None)
    assert not [p for p in error.problems if "unknown" in p.message]


def test_parquet_rows_are_numbered_like_csv_and_ids_coded_to_the_roster(tmp_path):
    stamps = np.array(["2026-03-02T18:05", "2026-03-02T18:06", "2026-03-02T18:07",
                       "2026-03-02T18:08"], dtype="datetime64[ms]")
    ids = pa.array(["M001", "M002", "M777", "M003"]).dictionary_encode()
    write_parquet(tmp_path, {"member_id": ids, "timestamp": pa.array(stamps)})
    problem = problem_for(load_error(tmp_path), "member_id", "unknown")
    assert (problem.row, problem.value) == (4, "M777")  # data row 3 -> row 4, as in CSV
    ok = pa.array([" M003", "M001", None, "M002"])  # plain strings, padded, one missing
    write_parquet(tmp_path, {"member_id": ok, "timestamp": pa.array(stamps)})
    problem = problem_for(load_error(tmp_path), "member_id", "missing")
    assert problem.row == 4
    write_parquet(tmp_path, {"member_id": pa.array(["M003", "M001", "M001", "M002"]),
                             "timestamp": pa.array(stamps)})
    checkins = load_checkins(tmp_path, ROSTER, as_of=AS_OF)
    assert list(checkins["member_id"].cat.codes) == [2, 0, 0, 1]
    assert checkins["timestamp"].iloc[3] == pd.Timestamp("2026-03-02 18:08")


def test_parquet_schema_problems_name_the_column_and_type(tmp_path):
    write_parquet(tmp_path, {"member": pa.array(["M001"]), "timestamp": pa.array([1.5])})
    error = load_error(tmp_path)
    assert "did you mean 'member'" in problem_for(error, "member_id", "required").fix
    assert "not a date-time" in problem_for(error, "timestamp", "type double").message
    zoned = pa.array([0], pa.timestamp("ms", tz="Europe/Berlin"))
    write_parquet(tmp_path, {"member_id": pa.array(["M001"]), "timestamp": zoned})
    assert "local" in problem_for(load_error(tmp_path), "timestamp", "time-zone").rule


def test_parquet_text_timestamps_and_integer_ids_are_read(tmp_path):
    write_parquet(tmp_path, {"member_id": pa.array([1, 2]),
                             "timestamp": pa.array(["2026-03-02 18:05", "not a time"])})
    error = load_error(tmp_path, pd.Index(["1", "2"]))
    (problem,) = error.problems
    assert (problem.row, problem.value) == (3, "not a time")


def test_not_a_parquet_file(tmp_path):
    (tmp_path / "checkins.parquet").write_bytes(b"member_id,timestamp\n")
    assert "not a readable Parquet file" in str(load_error(tmp_path))


def test_hourly_profile_averages_over_weekdays_in_the_span(tmp_path):
    checkins = load_checkins(folder_with(tmp_path, "checkins_clean.csv"), ROSTER, as_of=AS_OF)
    profile = hourly_profile(checkins)
    assert len(profile) == 168
    cell = profile.set_index(["weekday_name", "hour"])["checkins_per_week"]
    # Span Mon 2 Mar to Mon 9 Mar: two Mondays (18:05, 18:30 -> 1 a week at 18h; 06:15 -> 0.5
    # a week at 6h), one Tuesday (07:00 -> 1 a week at 7h).
    assert cell[("Mon", 18)] == 1.0
    assert cell[("Mon", 6)] == 0.5
    assert cell[("Tue", 7)] == 1.0
    assert cell.sum() == 2.5


def test_weekly_visits_per_enrolled_member():
    members = pd.DataFrame({
        "member_id": ["A", "B"],
        "join_date": pd.to_datetime(["2026-01-01", "2026-03-04"]),
        "cancel_date": pd.to_datetime([None, None]),
    })
    stamps = pd.to_datetime(["2026-03-02 08:00", "2026-03-03 08:00", "2026-03-09 08:00",
                             "2026-03-10 08:00", "2026-03-15 08:00"])
    checkins = pd.DataFrame({"member_id": pd.Categorical(["A", "A", "A", "B", "B"],
                                                         categories=["A", "B"]),
                             "timestamp": stamps})
    weekly = weekly_visits(checkins, members)
    assert list(weekly["week_start"]) == list(pd.to_datetime(["2026-03-02", "2026-03-09"]))
    assert list(weekly["days"]) == [7, 7]
    assert list(weekly["checkins"]) == [2, 3]
    # Week 1: A all 7 days, B from Wednesday (5 days) -> 12/7 members on average.
    assert weekly["members_enrolled"].tolist() == pytest.approx([12 / 7, 2.0])
    assert weekly["visits_per_member"].tolist() == pytest.approx([2 / (12 / 7), 1.5])
    assert list(weekly_visits(checkins).columns) == ["week_start", "days", "checkins"]


def test_visit_frequency_counts_members_per_band_without_member_rows():
    days = pd.date_range("2026-01-05", periods=56, freq="D")  # eight weeks, Monday start
    heavy = days[::2][:24]  # 24 visits in 8 weeks -> 3 a week
    light = days[::14]  # 4 visits -> 0.5 a week
    checkins = pd.DataFrame({
        "member_id": pd.Categorical(["H"] * len(heavy) + ["L"] * len(light) + ["Z"],
                                    categories=["H", "L", "Z", "N"]),
        "timestamp": heavy.append(light).append(pd.DatetimeIndex([days[-1]]))})
    members = pd.DataFrame({"member_id": ["H", "L", "N", "Z"],
                            "join_date": pd.to_datetime(["2025-01-01"] * 3 + ["2026-02-28"]),
                            "cancel_date": pd.to_datetime([None] * 4)})
    table = visit_frequency(checkins, members).set_index("band")
    assert table.loc["0", "members"] == 1  # N never came
    assert table.loc["0.5-1", "members"] == 1
    assert table.loc["3-5", "members"] == 1
    assert table["members"].sum() == 3  # Z was present under four weeks: not counted
    assert table["share"].sum() == pytest.approx(1.0)
    assert "member_id" not in table.columns
    assert visit_frequency(checkins).loc[0, "members"] == 0  # without a roster: no zeros


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


# ---------------------------------------------------------------- enough to measure the peak

def spread(days: int, rows: int, hours: int) -> CheckinProfile:
    """A log of ``rows`` check-ins over ``days`` days, in the first ``hours`` hours of the week."""
    counts = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
    if rows:
        counts[:hours] = rows // hours
        counts[: rows % hours] += 1
    return CheckinProfile(counts, 20_000, 20_000 + days - 1, rows)


def test_the_rule_for_measuring_the_busiest_hour_is_four_weeks_5000_checkins_14_hours():
    assert (PEAK_MIN_DAYS, PEAK_MIN_CHECKINS, PEAK_MIN_HOURS) == (28, 5_000, 14)
    assert peak_shortfall(spread(28, 5_000, 14)) is None
    assert peak_shortfall(spread(27, 5_000, 14)) == ("it covers 27 days, fewer than 28 (four "
                                                     "full weeks)")
    assert peak_shortfall(spread(28, 4_999, 14)) == "it holds 4,999 check-ins, fewer than 5,000"
    assert peak_shortfall(spread(365, 117_125, 13)).startswith(
        "its check-ins fall in 13 hours of the week, fewer than 14")
    assert peak_shortfall(spread(1, 0, 1)) == "it holds no check-ins"


@pytest.mark.parametrize(("days", "rows", "hours", "said"), [
    (1, 1, 1, ["it covers 1 day,", "it holds 1 check-in,", "fall in 1 hour of"]),  # one row
    (2, 477, 30, ["it covers 2 days,", "it holds 477 check-ins,"]),  # two days
    (365, 117_125, 7, ["fall in 7 hours of the week"]),  # every visit at 18:00
])
def test_short_or_odd_logs_say_why_they_cannot_measure_the_busiest_hour(days, rows, hours,
                                                                        said):
    reason = peak_shortfall(spread(days, rows, hours))
    assert all(part in reason for part in said), reason
    assert reason.count(";") == len(said) - 1


def test_the_demo_log_measures_its_busiest_hour_but_not_with_every_visit_at_one_hour():
    members = load_members(DEMO_DATA_DIR)
    log = load_checkins(DEMO_DATA_DIR, pd.Index(members["member_id"]), as_of=AS_OF)
    assert peak_shortfall(log) is None
    assert peak_shortfall(check_checkins(DEMO_DATA_DIR, as_of=AS_OF)) is None
    day = log["timestamp"].dt.normalize()
    odd = log.assign(timestamp=day + pd.Timedelta(hours=18))
    assert peak_shortfall(odd) == ("its check-ins fall in 7 hours of the week, fewer than 14 "
                                   "(are the times of day missing?)")


def test_the_warning_names_the_log_the_rule_and_the_assumption_used(tmp_path):
    profile = check_checkins(folder_with(tmp_path, "checkins_clean.csv"), ROSTER, as_of=AS_OF)
    (warning,) = peak_warning(profile)
    assert warning.severity == "warning" and warning.file == tmp_path / "checkins.csv"
    assert warning.message.startswith("the busiest hour is not measured from the check-in "
                                      "log: it covers ")
    assert "4 full weeks and 5,000 check-ins" in warning.rule
    assert "peak_hour_share" in warning.fix
    assert peak_warning(check_checkins(tmp_path / "nothing", ROSTER)) == []  # no log: no rule


def day_number(day: str) -> int:
    return (pd.Timestamp(day) - pd.Timestamp(0)).days


def test_member_checkins_counts_each_member_in_their_own_window(tmp_path):
    """Per-member windows of days (first included, last not), the same from CSV and Parquet;
    a roster member with no check-in counts 0, a log row of a member outside the list none."""
    stamps = ["2026-03-01 07:00", "2026-03-02 18:05", "2026-03-09 23:59", "2026-03-10 00:00",
              "2026-03-02 10:00", "2026-03-20 10:00"]
    who = ["M001", "M001", "M001", "M001", "M002", "M002"]
    ids = pd.Index(["M003", "M002", "M001"])
    start = np.array([day_number("2026-01-01"), day_number("2026-03-03"),
                      day_number("2026-03-02")])
    stop = np.array([day_number("2026-12-01"), day_number("2026-03-21"),
                     day_number("2026-03-10")])
    (tmp_path / "csv").mkdir()
    pd.DataFrame({"member_id": [f" {w}" for w in who], "timestamp": stamps}).to_csv(
        tmp_path / "csv" / "checkins.csv", index=False)
    write_parquet(tmp_path, {"member_id": pa.array(who),
                             "timestamp": pa.array(pd.to_datetime(stamps), pa.timestamp("ms"))})
    for folder in (tmp_path / "csv", tmp_path):
        assert member_checkins(folder, ids, start, stop).tolist() == [0, 1, 2]
    assert member_checkins(tmp_path / "none", ids, start, stop).tolist() == [0, 0, 0]


def test_member_checkins_of_the_demo_log_match_from_parquet_and_csv(tmp_path):
    members = load_members(DEMO_DATA_DIR)
    start = np.full(len(members), day_number("2026-08-09"))
    stop = np.full(len(members), day_number("2026-11-01"))
    scanned = member_checkins(DEMO_DATA_DIR, members["member_id"], start, stop)
    log = load_checkins(DEMO_DATA_DIR, pd.Index(members["member_id"]))
    log.to_csv(tmp_path / "checkins.csv", index=False)
    assert (member_checkins(tmp_path, members["member_id"], start, stop) == scanned).all()
    inside = log["timestamp"].between("2026-08-09", "2026-10-31 23:59:59")
    assert scanned.sum() == inside.sum() > 10_000


LONDON = "name: X\ncurrency: GBP\ntimezone: Europe/London\n"
# Europe/London: clocks go forward at 01:00 UTC on 2026-03-29 and back at 01:00 UTC on
# 2026-10-25, so 01:30 local time does not exist in March and happens twice in October.
DST_UTC = ["2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", "2026-10-25T00:30Z",
           "2026-10-25T01:30+00:00", "2026-10-25T02:30+01:00"]
DST_LOCAL = pd.to_datetime(["2026-03-29 00:30", "2026-03-29 02:30", "2026-10-25 01:30",
                            "2026-10-25 01:30", "2026-10-25 01:30"])


def zoned_log(folder: Path, stamps: list[str], club: str = LONDON) -> Path:
    (folder / "club.yml").write_text(club, encoding="utf-8")
    rows = "".join(f"M001,{s}\n" for s in stamps)
    (folder / "checkins.csv").write_text("member_id,timestamp\n" + rows, encoding="utf-8")
    return folder


def test_zoned_timestamps_become_the_clubs_local_time_across_daylight_saving(tmp_path):
    checkins = load_checkins(zoned_log(tmp_path, DST_UTC), ROSTER, as_of=AS_OF)
    assert list(checkins["timestamp"]) == list(DST_LOCAL)
    profile = check_checkins(tmp_path, ROSTER, as_of=AS_OF)
    assert profile.rows == 5 and profile.counts.sum() == 5


def test_zoned_parquet_timestamps_become_the_clubs_local_time(tmp_path):
    (tmp_path / "club.yml").write_text(LONDON, encoding="utf-8")
    instants = pd.to_datetime(DST_UTC, format="ISO8601", utc=True)
    write_parquet(tmp_path, {"member_id": pa.array(["M001"] * 5),
                             "timestamp": pa.array(instants, pa.timestamp("ms", tz="UTC"))})
    checkins = load_checkins(tmp_path, ROSTER, as_of=AS_OF)
    assert list(checkins["timestamp"]) == list(DST_LOCAL)
    profile = check_checkins(tmp_path, ROSTER, as_of=AS_OF)  # not the UTC hours
    assert profile.counts.tolist() == CheckinProfile.of(checkins).counts.tolist()


def test_zoned_timestamps_without_a_club_timezone_are_refused_with_the_fix(tmp_path):
    folder = zoned_log(tmp_path, DST_UTC[:2], club="name: X\ncurrency: GBP\n")
    (problem,) = load_error(folder).problems
    assert "club.yml names no time zone" in problem.message and problem.row == "2, 3"
    assert problem.fix == ("add `timezone: Europe/London` (the club's IANA time zone) to "
                           "club.yml")


def test_zoned_and_unzoned_timestamps_in_one_log_are_refused_with_their_counts(tmp_path):
    folder = zoned_log(tmp_path, [*DST_UTC, "2026-03-02 18:05"])
    (problem,) = load_error(folder).problems
    assert "(5 rows with a zone, 1 row without)" in problem.message and problem.row == 7
    assert not any(word in problem.fix for word in ("delete", "remove", "strip"))


# The shape of a public door-controller log (GitHub mgerlach-klick/gym-heatmap,
# resources/gyminout.csv): no member id, a row per passage, "In" and "Out".
DOOR_LOG = ("DeviceName,Direction,AlarmDateTime\n"
            "Front door,In,2/2/2015 8:11\nFront door,Out,2/2/2015 9:02\n"
            "Front door,In,2/2/2015 17:45\nFront door,In,2/3/2015 8:30\n")
DOOR_COLUMNS = ("checkins.csv:\n  file: gyminout.csv\n  columns:\n"
                "    AlarmDateTime: {to: timestamp, format: \"%m/%d/%Y %H:%M\"}\n"
                "  keep: {Direction: [In]}\n")


def door_log(folder: Path) -> Path:
    (folder / "gyminout.csv").write_text(DOOR_LOG, encoding="utf-8")
    (folder / "columns.yml").write_text(DOOR_COLUMNS, encoding="utf-8")
    return folder


def test_an_anonymous_door_log_gives_the_hourly_profile_and_says_visits_are_not_known(
        tmp_path):
    checkins = load_checkins(door_log(tmp_path), ROSTER, as_of=AS_OF)
    assert checkins["timestamp"].tolist() == list(pd.to_datetime(
        ["2015-02-02 08:11", "2015-02-02 17:45", "2015-02-03 08:30"]))
    assert checkins["member_id"].isna().all() and is_anonymous(checkins)
    info = [p for p in checkins.attrs["warnings"] if p.severity == "info"]
    assert any("names no member" in p.message and "not known" in p.message for p in info)
    profile = check_checkins(tmp_path, ROSTER, as_of=AS_OF)
    assert is_anonymous(profile) and profile.rows == 3
    cell = hourly_profile(profile).set_index(["weekday_name", "hour"])["checkins_per_week"]
    assert (cell[("Mon", 8)], cell[("Mon", 17)], cell[("Tue", 8)]) == (1.0, 1.0, 1.0)
    bands = visit_frequency(checkins)
    assert bands["members"].isna().all()  # not known, not zero


def test_an_anonymous_parquet_log_is_loaded_and_said_to_be_anonymous(tmp_path):
    stamps = np.array(["2026-03-02T18:05", "2026-03-03T07:00"], dtype="datetime64[ms]")
    write_parquet(tmp_path, {"timestamp": pa.array(stamps)})
    profile = check_checkins(tmp_path, ROSTER, as_of=AS_OF)
    assert is_anonymous(profile) and profile.rows == 2


def test_a_column_named_like_member_id_is_not_read_as_an_anonymous_log(tmp_path):
    (tmp_path / "checkins.csv").write_text("member_no,timestamp\nM001,2026-03-02 18:05\n",
                                           encoding="utf-8")
    problem = problem_for(load_error(tmp_path), "member_id", "required column is missing")
    assert problem.row == 1 and "did you mean 'member_no'" in problem.fix
