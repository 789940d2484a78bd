"""Reading an event log (CSV or Parquet) into arrays, and the checks every log shares.

The check-in and usage loaders are tested with their own files (tests/data/test_checkins.py,
tests/data/test_usage.py); here the shared pieces, on a small log of their own.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from evaluate.data.logs import (
    LogColumns,
    LogSchema,
    as_of_date,
    check_ids,
    check_timestamps,
    find_log,
    flag_rows,
    id_index,
    known_positions,
    local_minutes,
    missing_log_warning,
    parquet_source,
    parse_timestamps,
    read_log,
    value_reader,
    weekday_counts,
    weekday_hour,
)
from evaluate.data.validation import MAX_LISTED, Findings
from evaluate.errors import DataError

VISITS = LogSchema(stem="visits", what="the visit log", required=("member_id", "timestamp"),
                   optional=("minutes",), ids=("member_id",), numbers=("minutes",))
ROSTER = pd.Index(["M001", "M002", "M003"], dtype="str")


def write_csv(folder: Path, text: str) -> Path:
    path = folder / "visits.csv"
    path.write_text(text, encoding="utf-8")
    return path


def log_of(member_ids: list[str | None], times: list[str]) -> LogColumns:
    """A log read from text cells, as the CSV reader leaves it."""
    ids = pd.Series([m if m is not None else "" for m in member_ids], dtype="str")
    return LogColumns(Path("visits.csv"), parse_timestamps(pd.Series(times, dtype="str")),
                      ids={"member_id": pd.Categorical(ids.where(ids != ""))},
                      text={"member_id": ids, "timestamp": pd.Series(times, dtype="str")})


def test_the_schema_lists_required_columns_first():
    assert VISITS.columns == ("member_id", "timestamp", "minutes")


def test_local_times_with_or_without_seconds_and_t_parse_and_nothing_else_does():
    raw = pd.Series(["2026-03-02 18:05", "2026-03-02T06:30:15", "", "2026-03-02",
                     "2026-03-02 18:05+01:00", "yesterday", "2026-02-30 10:00"], dtype="str")
    parsed = parse_timestamps(raw)
    assert parsed.dtype == np.dtype("datetime64[us]")
    assert parsed[0] == np.datetime64("2026-03-02T18:05")
    assert parsed[1] == np.datetime64("2026-03-02T06:30:15")
    assert np.isnat(parsed[2:]).all()  # empty, a date alone, a time zone, text, no such day


def test_minutes_and_hours_of_the_week_count_from_monday_midnight():
    stamps = pd.Series(pd.to_datetime(["1970-01-01 00:00", "2026-03-02 00:30",
                                       "2026-03-08 23:59", "2026-03-04 18:05"]))
    minutes = local_minutes(stamps)
    assert minutes[0] == 0 and minutes.dtype == np.int64
    assert minutes[1] == (pd.Timestamp("2026-03-02 00:30") - pd.Timestamp(0)).total_seconds() / 60
    # 1970-01-01 was a Thursday; 2026-03-02 a Monday, 2026-03-08 a Sunday.
    assert weekday_hour(minutes).tolist() == [72, 0, 167, 2 * 24 + 18]


def test_weekday_counts_of_a_span_of_days():
    monday = (pd.Timestamp("2026-03-02") - pd.Timestamp(0)).days
    assert weekday_counts(monday, monday + 6).tolist() == [1] * 7
    assert weekday_counts(monday, monday + 9).tolist() == [2, 2, 2, 1, 1, 1, 1]
    assert weekday_counts(0, 0).tolist() == [0, 0, 0, 1, 0, 0, 0]  # a Thursday


def test_as_of_is_the_given_day_or_today():
    assert as_of_date("2026-11-01 17:30") == pd.Timestamp("2026-11-01")
    assert as_of_date(None) == pd.Timestamp.now().normalize()


def test_a_log_is_one_file_csv_or_parquet_or_none(tmp_path):
    assert find_log(tmp_path, VISITS) is None
    csv = write_csv(tmp_path, "member_id,timestamp\n")
    assert find_log(tmp_path, VISITS) == csv
    (tmp_path / "visits.parquet").write_bytes(b"")
    with pytest.raises(DataError) as caught:
        find_log(tmp_path, VISITS)
    [problem] = caught.value.problems
    assert problem.message == "both visits.csv and visits.parquet are present"
    assert problem.file == tmp_path
    assert problem.fix == "keep the newer export and remove the other"


def test_the_warning_for_a_missing_log_names_both_files_and_what_is_used_instead(tmp_path):
    warning = missing_log_warning(tmp_path, VISITS, "visits come from the roster")
    assert warning.severity == "warning" and warning.file == tmp_path
    assert warning.message == "the visit log was not found (visits.csv or visits.parquet)"
    assert warning.fix == "visits come from the roster; add the file to use the club's own figures"


def test_flagged_rows_are_spreadsheet_rows_and_a_long_list_is_counted():
    findings = Findings(Path("visits.csv"))
    values = [f"v{i}" for i in range(10)]
    flag_rows(findings, np.array([False, True] + [False] * 8), values.__getitem__, "minutes",
              "too long", rule="r", fix="f")
    [one] = findings.problems
    assert (one.row, one.value, one.column) == (3, "v1", "minutes")  # data row 1: row 3
    flags = np.ones(10, dtype=bool)
    flag_rows(findings, flags, values.__getitem__, "minutes", "too long", rule="r", fix="f",
              severity="warning")
    many = findings.problems[1]
    assert many.message == "too long (10 rows)" and many.severity == "warning"
    assert many.row == f"2, 3, 4, 5, 6 and {10 - MAX_LISTED} more"
    assert many.value == values[:MAX_LISTED]
    flag_rows(findings, np.zeros(10, dtype=bool), values.__getitem__, "minutes", "x", "r", "f")
    assert len(findings.problems) == 2  # nothing flagged, nothing added


def test_timestamps_missing_unreadable_or_after_the_export_day_are_flagged():
    log = log_of(["M001"] * 4, ["2026-03-02 18:05", "", "tomorrow", "2026-11-02 00:00"])
    findings = Findings(log.path)
    check_timestamps(log, findings, pd.Timestamp("2026-11-01"))
    by_message = {p.message: p for p in findings.problems}
    assert by_message["timestamp is missing"].row == 3
    assert by_message["not a local date-time in YYYY-MM-DD HH:MM form"].row == 4
    assert by_message["not a local date-time in YYYY-MM-DD HH:MM form"].value == "tomorrow"
    future = by_message["timestamp in the future"]
    assert future.row == 5 and future.rule == "timestamps are no later than 2026-11-01"


def test_ids_missing_or_unknown_are_flagged_and_the_rest_recoded_onto_the_roster():
    log = log_of(["M002", None, "M009", "M001"], ["2026-03-02 18:05"] * 4)
    findings = Findings(log.path)
    recoded = check_ids(log, findings, "member_id", ROSTER, what="member", where="members.csv")
    missing, unknown = findings.problems
    assert (missing.message, missing.row) == ("member_id is missing", 3)
    assert (unknown.message, unknown.row, unknown.value) == ("unknown member", 4, "M009")
    assert unknown.fix == "add the member to members.csv, or correct the id"
    assert list(recoded.categories) == list(ROSTER)
    assert recoded.codes.tolist() == [1, -1, -1, 0]
    unchecked = Findings(log.path)
    own = check_ids(log, unchecked, "member_id", None, what="member", where="members.csv")
    assert [p.message for p in unchecked.problems] == ["member_id is missing"]
    assert sorted(own.categories) == ["M001", "M002", "M009"]
    assert check_ids(log, unchecked, "equipment_id", ROSTER, "machine", "equipment.csv") is None


def test_id_index_is_unique_text_and_positions_are_minus_one_where_absent():
    assert id_index(ROSTER) is ROSTER  # hashed once, whatever checks it
    index = id_index(["b", "a", "b"])
    assert list(index) == ["b", "a"] and index.dtype == "str"
    positions = known_positions(pa.array(["M003", "M404", "M001"]), ROSTER)
    assert positions.tolist() == [2, -1, 0]


def test_a_csv_log_is_read_through_columns_yml_into_arrays(tmp_path):
    write_csv(tmp_path, "Member,When,Minutes\n M002 ,2026-03-02 18:05,12\nM001,2026-03-02T07:00,"
                        "\n")
    (tmp_path / "columns.yml").write_text(
        "visits.csv:\n  Member: member_id\n  When: timestamp\n", encoding="utf-8")
    log = read_log(tmp_path / "visits.csv", VISITS, Findings(tmp_path / "visits.csv"))
    assert len(log) == 2
    assert list(log.ids["member_id"]) == ["M002", "M001"]  # trimmed
    assert np.isnan(log.numbers["minutes"][1]) and log.numbers["minutes"][0] == 12
    # Values for messages are the cells as the file holds them (trimmed by the reader).
    assert value_reader(log, "member_id")(0) == "M002"
    assert value_reader(log, "minutes")(0) == "12"


def test_a_parquet_log_is_read_with_its_ids_coded_against_the_known_ones(tmp_path):
    path = tmp_path / "visits.parquet"
    pq.write_table(pa.table({
        "member_id": pa.array(["M003", " M001", "M404", ""]).dictionary_encode(),
        "timestamp": pa.array(pd.to_datetime(["2026-03-02 18:05"] * 4), pa.timestamp("ms")),
        "minutes": pa.array([10, 20, 30, 40], pa.int32()),
    }), path)
    log = read_log(path, VISITS, Findings(path), {"member_id": ROSTER})
    ids = log.ids["member_id"]
    assert list(ids.categories[:3]) == list(ROSTER)  # the roster's ids first, then strangers
    assert log.known_prefix["member_id"] == 3
    assert [None if pd.isna(v) else v for v in ids] == ["M003", "M001", "M404", None]
    assert log.numbers["minutes"].tolist() == [10.0, 20.0, 30.0, 40.0]
    assert (log.timestamp == np.datetime64("2026-03-02T18:05")).all()
    assert value_reader(log, "timestamp")(0) == "2026-03-02 18:05:00"
    assert value_reader(log, "minutes")(1) == 20.0  # a number column holds no text


def test_parquet_source_maps_the_columns_or_gives_none_for_a_problem(tmp_path):
    path = tmp_path / "visits.parquet"
    pq.write_table(pa.table({"Member ID": ["M001"], "timestamp": ["2026-03-02 18:05"]}), path)
    source, schema = parquet_source(path, VISITS)
    assert source == {"member_id": "Member ID", "timestamp": "timestamp"}
    assert schema.names == ["Member ID", "timestamp"]
    pq.write_table(pa.table({"member_id": [1.5], "timestamp": ["2026-03-02 18:05"]}), path)
    assert parquet_source(path, VISITS) is None  # a float is no id: read_log says so
    with pytest.raises(DataError, match="type double is not an identifier"):
        read_log(path, VISITS, Findings(path))
    pq.write_table(pa.table({"member": ["M001"], "timestamp": ["2026-03-02 18:05"]}), path)
    assert parquet_source(path, VISITS) is None
    path.write_text("not parquet")
    assert parquet_source(path, VISITS) is None
    with pytest.raises(DataError, match="not a readable Parquet file"):
        read_log(path, VISITS, Findings(path))


# A check-in export with everything the batched reader must match the whole-file reader on:
# rows left out by keep, a bad date, a blank time, a blank, an unknown and a padded id, ids
# that are numbers and one that is not, and a row after the filter in a later batch.
EXPORT = ("Card,Day,Clock,Status,Name\n"
          "1,01/05/2026,06:42 AM,Approved,A\n"
          "2,01/05/2026,07:00 PM,Denied,B\n"
          "9,12/05/2026,08:00 AM,Approved,C\n"
          ",01/06/2026,08:00 AM,Approved,D\n"
          " 3,01/06/2026,,approved ,E\n"
          "X7,01/07/2026,11:59 PM,Approved,F\n"
          "1,12/31/2026,11:59 PM,Approved,G\n"
          "3,01/08/2026,12:00 AM,Approved,H\n")
EXPORT_COLUMNS = ("visits.csv:\n  file: Door*.csv\n  columns:\n    Card: member_id\n"
                  "    Day: {to: date, format: \"%m/%d/%Y\"}\n"
                  "    Clock: {to: time, format: \"%I:%M %p\"}\n"
                  "  keep: {Status: [Approved]}\n")
CHECKINS = LogSchema(stem="visits", what="the visit log", required=("timestamp",),
                     optional=("member_id",), ids=("member_id",))


def read_both(folder: Path, monkeypatch, known: pd.Index | None) -> list[tuple]:
    """(log, problems) from the batched reader, then from the whole-file reader."""
    import evaluate.data.logs as logs

    results = []
    for batched in (True, False):
        if not batched:
            monkeypatch.setattr(logs, "streamed", lambda path, schema: None)
        findings = Findings(folder / "visits.csv")
        log = read_log(folder / "visits.csv", CHECKINS, findings, {"member_id": known})
        check_timestamps(log, findings, pd.Timestamp("2026-11-01"))
        ids = check_ids(log, findings, "member_id", known, what="member", where="members.csv")
        results.append((log.timestamp, ids, [str(p) for p in findings.problems]))
    return results


def test_a_bad_date_in_a_batched_export_is_named_on_its_row_with_the_rest(tmp_path):
    (tmp_path / "Door_2026.csv").write_text(EXPORT.replace("12/05/2026", "13/05/2026"),
                                            encoding="utf-8")
    (tmp_path / "columns.yml").write_text(EXPORT_COLUMNS, encoding="utf-8")
    findings = Findings(tmp_path / "visits.csv")
    known = pd.Index(["1", "2", "3"])
    log = read_log(tmp_path / "visits.csv", CHECKINS, findings, {"member_id": known})
    check_ids(log, findings, "member_id", known, what="member", where="members.csv")
    said = [str(p) for p in findings.problems]
    assert any("row 4, column 'Day': not a date in the format %m/%d/%Y (got '13/05/2026')"
               in s for s in said)  # its row in the export, rows left out counted
    assert any("row 4, 7, column 'member_id': unknown member" in s for s in said)


@pytest.mark.parametrize("known", [pd.Index(["1", "2", "3"]), pd.Index(["1", "3", "900000"]),
                                   pd.Index(["M1"]), None])
def test_a_mapped_export_read_in_batches_matches_the_whole_file_reader(tmp_path, monkeypatch,
                                                                         known):
    import evaluate.data.logs as logs

    (tmp_path / "Door_2026.csv").write_text(EXPORT, encoding="utf-8")
    (tmp_path / "columns.yml").write_text(EXPORT_COLUMNS, encoding="utf-8")
    assert logs.streamed(tmp_path / "visits.csv", CHECKINS) is not None
    monkeypatch.setattr(logs, "STREAM_BLOCK_BYTES", 64)  # a few rows a batch
    (stamps, ids, said), (whole_stamps, whole_ids, whole_said) = read_both(
        tmp_path, monkeypatch, known)
    assert np.array_equal(stamps, whole_stamps, equal_nan=True)
    assert list(ids.astype(object)) == list(whole_ids.astype(object))
    assert sorted(said) == sorted(whole_said)
    assert any("1 of 8 rows left out" in s for s in said)
    assert any("row 6, column 'timestamp': timestamp is missing" in s for s in said)


def test_a_zoned_export_read_in_batches_becomes_local_time(tmp_path, monkeypatch):
    (tmp_path / "club.yml").write_text("name: X\ncurrency: GBP\ntimezone: Europe/London\n",
                                       encoding="utf-8")
    (tmp_path / "Door_2026.csv").write_text(
        "Card,Day,Clock,Status\n1,03/29/2026,01:30 AM +0000,Approved\n"
        "1,10/25/2026,12:30 AM +0000,Approved\n1,10/25/2026,01:30 AM +0000,Approved\n",
        encoding="utf-8")
    (tmp_path / "columns.yml").write_text(EXPORT_COLUMNS.replace("%I:%M %p", "%I:%M %p %z"),
                                          encoding="utf-8")
    (stamps, _, said), (whole, _, whole_said) = read_both(tmp_path, monkeypatch, None)
    assert not said and not whole_said
    assert list(stamps) == list(whole) == list(pd.to_datetime(
        ["2026-03-29 02:30", "2026-10-25 01:30", "2026-10-25 01:30"]).to_numpy())


@pytest.mark.parametrize(("text", "said"), [
    ("Card,Day,Clock,Status\n1,01/05/2026,06:42 AM,Approved\n1,01/05/2026,06:42 AM,Ok,x\n",
     "row 3: a row does not fit the header"),
    ("Card,Day,Clock,Status\n1,01/05/2026,06:42 AM,Appr\u00f6ved\n".encode("latin-1"),
     "row 2: not UTF-8 text"),
])
def test_an_export_read_in_batches_that_pyarrow_cannot_read_is_refused_in_words(tmp_path,
                                                                                text, said):
    path = tmp_path / "Door_2026.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    (tmp_path / "columns.yml").write_text(EXPORT_COLUMNS, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_log(tmp_path / "visits.csv", CHECKINS, Findings(tmp_path / "visits.csv"))
    assert said in str(caught.value)
