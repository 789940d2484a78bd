"""Loading the equipment-usage log and its per-machine aggregations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from evaluate.data.members import load_members
from evaluate.data.usage import (
    hourly_utilisation,
    load_equipment_usage,
    peak_hour_utilisation,
    weekly_sessions,
)
from evaluate.errors import DataError
from evaluate.paths import DEMO_DATA_DIR

FIXTURES = Path(__file__).parents[1] / "fixtures" / "usage"
AS_OF = "2026-11-01"
MACHINES = pd.Index(["back_extension_45", "leg_press", "rower"])
MEMBERS = pd.Index(["M001", "M002", "M003"])
UNITS = {"back_extension_45": 1, "leg_press": 1, "rower": 2}


def folder_with(tmp_path: Path, fixture: str) -> Path:
    shutil.copy(FIXTURES / fixture, tmp_path / "equipment_usage.csv")
    return tmp_path


def load(folder: Path, **kwargs) -> pd.DataFrame:
    return load_equipment_usage(folder, MACHINES, MEMBERS, as_of=AS_OF, **kwargs)


def test_demo_loads_clean():
    members = load_members(DEMO_DATA_DIR)
    usage = load_equipment_usage(DEMO_DATA_DIR, MACHINES, pd.Index(members["member_id"]),
                                 as_of=AS_OF)
    assert list(usage.columns) == ["timestamp", "equipment_id", "duration_min", "member_id"]
    assert set(usage["equipment_id"].unique()) == set(MACHINES)
    assert (usage["duration_min"] > 0).all()
    assert usage.attrs["warnings"] == []


def test_clean_csv(tmp_path):
    usage = load(folder_with(tmp_path, "usage_clean.csv"))
    assert list(usage["equipment_id"]) == ["leg_press", "rower", "rower", "back_extension_45"]
    assert usage["duration_min"].tolist() == [30.0, 20.0, 15.0, 5.0]
    assert usage["member_id"].isna().tolist() == [False, True, False, False]  # optional


def test_bad_values_are_all_reported_and_long_sessions_only_warn(tmp_path):
    with pytest.raises(DataError) as caught:
        load(folder_with(tmp_path, "usage_bad_values.csv"))
    error = caught.value
    expected = {  # (column, message part): spreadsheet row
        ("equipment_id", "unknown machine"): 3,
        ("duration_min", "zero or negative"): "4, 5",
        ("duration_min", "not a number"): 6,
        ("member_id", "unknown member"): 7,
        ("equipment_id", "missing"): 8,
    }
    found = {(p.column, p.message): p for p in error.problems}
    for (column, message), row in expected.items():
        match = [p for (c, m), p in found.items() if c == column and message in m]
        assert match and match[0].row == row, (column, message, str(error))
    assert len(error.problems) == len(expected)  # the long session is not an error
    unknown = next(p for p in error.problems if "unknown machine" in p.message)
    assert unknown.value == "treadmill" and "equipment.csv" in unknown.rule
    assert all(p.file == tmp_path / "equipment_usage.csv" and p.fix for p in error.problems)


def test_long_session_is_a_warning(tmp_path):
    (tmp_path / "equipment_usage.csv").write_text(
        "timestamp,equipment_id,duration_min\n2026-03-02 19:00,rower,240\n", encoding="utf-8")
    usage = load(tmp_path)
    (warning,) = usage.attrs["warnings"]
    assert (warning.row, warning.column, warning.value) == (2, "duration_min", "240")
    assert "long" in warning.message


def test_a_semicolon_log_is_read_with_decimal_commas(tmp_path):
    (tmp_path / "equipment_usage.csv").write_text(
        "timestamp;equipment_id;duration_min\n2026-03-02 19:00;rower;12,5\n"
        "2026-03-02 19:30;leg_press;30\n", encoding="utf-8")
    usage = load(tmp_path)
    assert usage["duration_min"].tolist() == [12.5, 30.0]
    (note,) = usage.attrs["warnings"]
    assert note.severity == "info" and note.message.startswith("read with ';' between columns")


def test_mapped_headers_and_absent_member_column(tmp_path):
    usage = load(folder_with(tmp_path, "usage_no_member_column.csv"))
    assert usage["member_id"].isna().all() and usage["duration_min"].tolist() == [8.0]


def test_missing_log_warns(tmp_path):
    usage = load(tmp_path)
    assert usage.empty and usage.attrs["file"] is None
    assert "equipment-usage log" in usage.attrs["warnings"][0].message


def test_parquet_durations_checked_with_csv_row_numbers(tmp_path):
    table = pa.table({
        "timestamp": pa.array(pd.to_datetime(["2026-03-02 18:00"] * 3).to_numpy(), pa.timestamp(
            "ms")),
        "equipment_id": pa.array(["rower", "rower", "leg_press"]),
        "duration_min": pa.array([10, 0, 5], pa.int32()),
    })
    pq.write_table(table, tmp_path / "equipment_usage.parquet")
    with pytest.raises(DataError) as caught:
        load(tmp_path)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "duration_min", 0.0)


def test_hourly_utilisation_splits_sessions_across_hours(tmp_path):
    usage = load(folder_with(tmp_path, "usage_clean.csv"))
    hourly = hourly_utilisation(usage, UNITS).set_index(["equipment_id", "weekday", "hour"])
    assert len(hourly) == 3 * 168
    # Leg press, Monday 17:50-18:20; the log spans two Mondays (2 and 9 March).
    assert hourly.loc[("leg_press", 0, 17), "minutes_per_week"] == 5.0
    assert hourly.loc[("leg_press", 0, 18), "minutes_per_week"] == 10.0
    assert hourly.loc[("leg_press", 0, 18), "busy_share"] == pytest.approx(10 / 60)
    # Rower, two units: 20 + 15 minutes in Monday 18h over two Mondays.
    assert hourly.loc[("rower", 0, 18), "busy_share"] == pytest.approx(17.5 / 120)
    assert hourly["minutes_per_week"].sum() == pytest.approx((30 + 20 + 15) / 2 + 5)


def test_peak_hour_is_the_busiest_cell_per_machine(tmp_path):
    usage = load(folder_with(tmp_path, "usage_clean.csv"))
    peak = peak_hour_utilisation(usage, UNITS).set_index("equipment_id")
    assert peak.loc["leg_press", "hour"] == 18
    assert peak.loc["back_extension_45", ["weekday_name", "hour"]].tolist() == ["Tue", 7]
    assert peak.loc["back_extension_45", "busy_share"] == pytest.approx(5 / 60)
    with pytest.raises(ValueError, match="units"):
        hourly_utilisation(usage, {"rower": 2})


def test_weekly_sessions(tmp_path):
    weekly = weekly_sessions(load(folder_with(tmp_path, "usage_clean.csv")))
    rower = weekly[weekly["equipment_id"] == "rower"]
    assert rower["sessions"].tolist() == [1, 1]
    assert rower["minutes"].tolist() == [20.0, 15.0]
    assert len(weekly) == 3 * 2  # every machine, every week
    assert weekly["sessions"].sum() == 4


def test_zoned_session_starts_become_the_clubs_local_time(tmp_path):
    (tmp_path / "club.yml").write_text("name: X\ncurrency: GBP\ntimezone: Europe/London\n",
                                       encoding="utf-8")
    (tmp_path / "equipment_usage.csv").write_text(
        "timestamp,equipment_id,duration_min\n2026-03-29T01:30:00Z,rower,20\n"
        "2026-10-25T00:30+00:00,rower,20\n", encoding="utf-8")
    usage = load(tmp_path)
    assert usage["timestamp"].tolist() == [pd.Timestamp("2026-03-29 02:30"),
                                           pd.Timestamp("2026-10-25 01:30")]
