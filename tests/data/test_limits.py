"""Input limits (evaluate.data.limits): a file too large to read is refused before it is read.

Large files are sparse (``os.truncate``): they take their size in ``stat`` and almost no
disk. The limits on a whole club folder and on the command line are tested in
tests/promises/test_input_limits.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from evaluate.data import limits
from evaluate.errors import DataError, PlanError
from evaluate.paths import DEMO_DATA_DIR


def sparse(path: Path, size: int) -> Path:
    """``path``, ``size`` bytes long without writing them."""
    path.touch()
    os.truncate(path, size)
    return path


@pytest.mark.parametrize(("size", "text"), [
    (0, "0 bytes"), (999, "999 bytes"), (1000, "1 kB"), (12_345, "12 kB"),
    (limits.MiB, "1 MiB"), (600 * limits.MiB, "600 MiB"), (limits.GiB, "1.0 GiB"),
    (3 * limits.GiB // 2, "1.5 GiB"),
])
def test_sizes_read_in_the_unit_that_suits_them(size, text):
    assert limits.size_text(size) == text


def test_a_file_at_its_limit_is_read_and_one_byte_more_is_refused_in_words(tmp_path):
    path = sparse(tmp_path / "club.yml", 2000)
    limits.check_size(path, 2000, fix="use the right file")  # at the limit: fine
    sparse(path, 2001)
    with pytest.raises(DataError) as caught:
        limits.check_size(path, 2000, fix="use the right file")
    [problem] = caught.value.problems
    assert problem.file == path
    assert problem.message == "the file is too large to read: 2 kB"
    assert problem.rule.startswith("club.yml is at most 2 kB")
    assert problem.fix == "use the right file"
    with pytest.raises(PlanError):  # the caller says which kind of input it is
        limits.check_size(path, 2000, fix="x", error=PlanError)


def test_a_file_without_a_size_is_left_to_its_reader(tmp_path):
    limits.check_size(tmp_path / "missing.csv", 0, fix="x")


@pytest.mark.parametrize(("name", "limit", "fix"), [
    ("members.csv", limits.MEMBERS_CSV_MAX, "export only the contract's columns"),
    ("checkins.csv", limits.LOG_CSV_MAX, "export the log as Parquet (checkins.parquet)"),
    ("equipment_usage.csv", limits.LOG_CSV_MAX,
     "export the log as Parquet (equipment_usage.parquet)"),
    ("equipment.csv", limits.TABLE_CSV_MAX, "it should hold one row per machine"),
])
def test_each_csv_file_has_its_limit_and_its_fix(tmp_path, name, limit, fix):
    path = sparse(tmp_path / name, limit)
    limits.check_csv_size(path)
    sparse(path, limit + 1)
    with pytest.raises(DataError) as caught:
        limits.check_csv_size(path)
    [problem] = caught.value.problems
    assert fix in problem.fix
    assert f"{name} is at most {limits.size_text(limit)}" in problem.rule


def test_a_parquet_log_beyond_its_size_is_refused_and_a_broken_one_left_to_its_reader(
        tmp_path):
    path = sparse(tmp_path / "checkins.parquet", limits.LOG_PARQUET_MAX + 1)
    with pytest.raises(DataError, match="too large to read: 1.0 GiB"):
        limits.check_parquet_log(path)
    path.write_text("not parquet")
    limits.check_parquet_log(path)  # read_log says what is wrong with it


def test_the_limits_hold_the_largest_club_the_suite_is_measured_on():
    # README "Speed": 1,000,000 members, a 60 MB members.csv, a 199 MB year of check-ins
    # of 78 million rows.
    assert limits.MEMBERS_CSV_MAX > 60_000_000
    assert limits.LOG_PARQUET_MAX > 199_000_000
    assert limits.LOG_ROWS_MAX > 78_000_000
    assert limits.CSV_LIMITS == {"members.csv": limits.MEMBERS_CSV_MAX,
                                 "checkins.csv": limits.LOG_CSV_MAX,
                                 "equipment_usage.csv": limits.LOG_CSV_MAX}


def test_a_parquet_log_with_too_many_rows_or_a_compression_bomb_is_refused(tmp_path,
                                                                           monkeypatch):
    # Rows: the demo's 117,125 check-ins against a limit lowered for the test.
    monkeypatch.setattr(limits, "LOG_ROWS_MAX", 100_000)
    with pytest.raises(DataError, match="too many rows to read: 117,125"):
        limits.check_parquet_log(DEMO_DATA_DIR / "checkins.parquet")
    monkeypatch.undo()
    limits.check_parquet_log(DEMO_DATA_DIR / "checkins.parquet")  # the demo's log is fine
    # A bomb: 2,000 member ids of 100 kB each, one letter repeated, compress to nothing.
    path = tmp_path / "checkins.parquet"
    table = pa.table({"member_id": ["M" * 100_000] * 2_000,
                      "timestamp": pa.array([0] * 2_000, pa.timestamp("ms"))})
    pq.write_table(table, path, use_dictionary=False, compression="zstd")
    assert path.stat().st_size < 1_000_000
    with pytest.raises(DataError, match="unpacks to 191 MiB, 100,0"):
        limits.check_parquet_log(path)


def test_a_mapped_export_has_its_contract_files_limit_and_a_streamed_log_its_own(tmp_path):
    export = sparse(tmp_path / "Member_List_2026.csv", limits.TABLE_CSV_MAX + 1)
    limits.check_csv_size(export, "members.csv")  # a roster export, not equipment.csv's 16 MiB
    with pytest.raises(DataError, match="too large"):
        limits.check_csv_size(export)
    from evaluate.data.checkins import CHECKINS_SCHEMA
    from evaluate.data.logs import find_log

    (tmp_path / "columns.yml").write_text(
        "checkins.csv:\n  file: Check_In_History.csv\n  columns:\n"
        "    Day: {to: date, format: \"%m/%d/%Y\"}\n    Clock: {to: time, format: \"%H:%M\"}\n",
        encoding="utf-8")
    sparse(tmp_path / "Check_In_History.csv", limits.LOG_CSV_MAX + 1)
    assert find_log(tmp_path, CHECKINS_SCHEMA) == tmp_path / "checkins.csv"  # read in batches
    sparse(tmp_path / "Check_In_History.csv", limits.STREAMED_LOG_CSV_MAX + 1)
    with pytest.raises(DataError, match="too large"):
        find_log(tmp_path, CHECKINS_SCHEMA)
