"""evaluate extract's reading: a real PostgreSQL server on loopback and a DuckDB file.

The tables hold the abc-datatrak fixture's exports with their personal columns
(``sql_support``); the extracted folder must hold the contract's columns alone and load as
the fixture's own folder (its exports and columns.yml) does.
"""

from __future__ import annotations

import os
import sys
import traceback
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import sql_support as db
from evaluate.data.checkins import load_checkins
from evaluate.data.extract import extract_club
from evaluate.data.members import load_members
from evaluate.data.usage import load_equipment_usage
from evaluate.errors import DataError, InputError
from evaluate.paths import DEMO_DATA_DIR

ROSTER_DAY = date(2026, 11, 2)  # the fixture's export date
CLUB = db.CLUB | {"export_date": ROSTER_DAY.isoformat()}


@pytest.fixture(params=["postgresql", "duckdb"])
def database(request, monkeypatch, tmp_path) -> dict:
    """source.yml's database entry for each kind, the password in its environment variable."""
    if request.param == "duckdb":
        file = request.getfixturevalue("duckdb_file")
        return {"duckdb": {"file": os.path.relpath(file, tmp_path)}}
    monkeypatch.setenv(db.PASSWORD_ENV, db.PASSWORD)
    return db.postgres_database(request.getfixturevalue("postgres_server"))


def write_source(folder: Path, database: dict, **entries) -> Path:
    path = folder / "source.yml"
    path.write_text(db.source_yml(database, **entries), encoding="utf-8")
    return path


def extract(tmp_path: Path, database: dict, out: Path | None = None, **entries):
    entries = {"members": db.MEMBERS, "checkins": db.CHECKINS, "usage": db.USAGE,
               "club": CLUB} | entries
    source = write_source(tmp_path, database, **entries)
    return extract_club(source, out or tmp_path / "club", today=ROSTER_DAY)


def written_text(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*"))
                     if p.is_file())


def test_only_contract_columns_leave_the_database(tmp_path, database):
    result = extract(tmp_path, database)
    out = result.out_dir
    assert result.rows == {"members.csv": 420, "checkins.csv": 5469,
                           "equipment_usage.csv": 60}
    headers = {p.name: p.read_text().splitlines()[0].split(",") for p in out.glob("*.csv")}
    assert headers["members.csv"] == ["member_id", "birth_date", "sex", "join_date", "status",
                                      "cancel_date", "monthly_dues", "dues_period"]
    assert headers["checkins.csv"] == ["member_id", "timestamp"]
    assert headers["equipment_usage.csv"] == ["timestamp", "equipment_id", "duration_min",
                                              "member_id"]
    text = written_text(out)
    names, rows = db.export_rows(db.MEMBER_EXPORT)
    for column in ("first_name", "last_name", "cell_phone"):
        values = {r[names.index(column)] for r in rows}
        assert not [v for v in values if v in text], column
    for word in (*db.PERSONAL, "@example.com", "555-01", "Springfield", db.PASSWORD):
        assert word not in text
    assert sorted(p.name for p in out.iterdir()) == ["checkins.csv", "club.yml",
                                                     "equipment.csv", "equipment_usage.csv",
                                                     "members.csv"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left
    assert result.check.errors == [] and result.check.data_dir == out


def test_the_extract_loads_as_the_csv_exports_it_came_from(tmp_path, database, monkeypatch):
    """The fixture's folder (its exports and columns.yml) and the extract load the same.

    Values and formats are mapped 97 rows at a time here: chunks join up as one file.
    """
    monkeypatch.setattr("evaluate.data.extract.CHUNK_ROWS", 97)
    out = extract(tmp_path, database).out_dir
    members = load_members(out)
    expected = load_members(db.EXPORT)
    pd.testing.assert_frame_equal(members.reset_index(drop=True),
                                  expected.reset_index(drop=True), check_like=True)
    ids = pd.Index(members["member_id"])
    visits = load_checkins(out, ids, as_of=ROSTER_DAY)
    exported = load_checkins(db.EXPORT, ids, as_of=ROSTER_DAY)
    pd.testing.assert_frame_equal(visits.reset_index(drop=True),
                                  exported.reset_index(drop=True))


def test_typed_columns_come_out_as_the_contract_reads_them(tmp_path, database):
    out = extract(tmp_path, database).out_dir
    usage = pd.read_csv(out / "equipment_usage.csv", dtype=str)
    assert usage["timestamp"].iloc[0] == "2026-10-01 06:00:07"  # 06:00:07.5, to the second
    loaded = load_equipment_usage(out, None, None, as_of=ROSTER_DAY)
    assert len(loaded) == 60 and loaded["duration_min"].iloc[0] == 10.0


def test_a_query_gives_members_too_and_only_its_contract_columns_are_read(tmp_path, database):
    query = {"query": "SELECT m.*, first_name || ' ' || last_name AS full_name "
                      "FROM crm.members AS m",
             "columns": db.MEMBERS["columns"]}
    out = extract(tmp_path, database, members=query).out_dir
    assert len(load_members(out)) == 420
    text = written_text(out)
    assert "full_name" not in text and "Evans" not in text


def test_a_missing_column_is_named_with_its_line_in_source_yml(tmp_path, database):
    members = {"table": "crm.members",
               "columns": db.MEMBERS["columns"] | {"sex": {"column": "gendr"}}}
    with pytest.raises(DataError) as caught:
        extract(tmp_path, database, members=members)
    text = str(caught.value)
    assert "source.yml" in text and "column 'members'" in text
    assert "table crm.members has no column 'gendr'" in text and "did you mean 'gender'" in text
    line = next(i for i, t in enumerate((tmp_path / "source.yml").read_text().splitlines(), 1)
                if t.strip().startswith("sex:"))
    assert f"row {line}" in text
    assert not (tmp_path / "club").exists()


def test_a_missing_table_and_a_broken_query_are_named(tmp_path, database):
    with pytest.raises(DataError, match=r"table crm\.membrs cannot be read in"):
        extract(tmp_path, database, members={"table": "crm.membrs"})
    broken = {"query": "SELECT barcode AS member_id FROM no_such_table"}
    with pytest.raises(DataError, match="the query cannot be read in") as caught:
        extract(tmp_path, database, checkins=broken)
    assert "no_such_table" in str(caught.value)


def test_a_required_column_from_nowhere_is_named(tmp_path, database):
    members = {"table": "crm.members", "columns": {"member_id": "barcode"}}
    with pytest.raises(DataError) as caught:
        extract(tmp_path, database, members=members)
    text = str(caught.value)
    assert "no column gives 'sex' in table crm.members" in text
    assert "no column gives 'status'" in text
    assert "birth_date" not in text.split("problems")[0]  # found by its name: not missing
    assert "member_status" in text  # the table's columns are listed to choose from


def test_bad_data_fails_with_file_row_and_column_and_out_keeps_its_content(tmp_path,
                                                                          database):
    out = tmp_path / "club"
    out.mkdir()
    (out / "members.csv").write_text("the previous roster\n")
    (out / "assumptions.yml").write_text("# the analyst's\n")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    query = {"query": "SELECT barcode, birth_date, gender, date_signed, member_status, "
                      "cancel_date, billing, CASE WHEN barcode = '2000107' THEN '-$5.00' "
                      "ELSE plan_fee END AS fee FROM crm.members",
             "columns": db.MEMBERS["columns"] | {"monthly_dues": "fee"}}
    with pytest.raises(DataError) as caught:
        extract(tmp_path, database, out, members=query)
    text = str(caught.value)
    assert "members.csv (read from its query, source.yml members:), row 3, column " \
           "'monthly_dues'" in text
    assert "fix:" in text
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_an_unmapped_value_names_source_yml(tmp_path, database):
    members = {"table": "crm.members", "columns": db.MEMBERS["columns"] | {
        "status": {"column": "member_status", "values": {"Active": "active"}}}}
    with pytest.raises(DataError) as caught:
        extract(tmp_path, database, members=members)
    text = str(caught.value)
    assert "values not in the column's values map" in text and "'Expired'" in text
    assert "map the values in source.yml (members.columns)" in text


def test_out_keeps_its_other_files_and_the_old_log_form_is_replaced(tmp_path, database):
    out = tmp_path / "club"
    out.mkdir()
    (out / "equipment.csv").write_bytes((db.EXPORT / "equipment.csv").read_bytes())
    assumptions = (DEMO_DATA_DIR / "assumptions.yml").read_bytes()
    (out / "assumptions.yml").write_bytes(assumptions)
    (out / "checkins.parquet").write_bytes(b"an old log")
    result = extract(tmp_path, database, out)
    assert (out / "equipment.csv").read_bytes() == (db.EXPORT / "equipment.csv").read_bytes()
    assert (out / "assumptions.yml").read_bytes() == assumptions
    assert not (out / "checkins.parquet").exists() and "checkins.parquet" in result.replaced
    assert "equipment.csv" not in result.written


def test_a_columns_yml_that_maps_an_export_onto_a_written_file_is_refused(tmp_path, database):
    out = tmp_path / "club"
    out.mkdir()
    (out / "columns.yml").write_text("members.csv:\n  file: Member_List_*.csv\n  columns: "
                                     "{Barcode: member_id}\n")
    with pytest.raises(DataError, match="columns.yml in .* maps members.csv from an export"):
        extract(tmp_path, database, out)


def test_without_club_it_keeps_out_s_club_yml(tmp_path, database):
    out = tmp_path / "club"
    out.mkdir()
    club = (db.EXPORT / "club.yml").read_bytes()
    (out / "club.yml").write_bytes(club)
    source = write_source(tmp_path, database, members=db.MEMBERS, checkins=db.CHECKINS)
    result = extract_club(source, out, today=ROSTER_DAY)
    assert (out / "club.yml").read_bytes() == club and "club.yml" not in result.written
    assert not (out / "equipment_usage.csv").exists()


def test_a_missing_password_variable_is_an_error_before_anything_is_written(
        tmp_path, postgres_server, monkeypatch):
    monkeypatch.delenv(db.PASSWORD_ENV, raising=False)
    with pytest.raises(DataError, match=f"the environment variable {db.PASSWORD_ENV} is not "
                                        "set") as caught:
        extract(tmp_path, db.postgres_database(postgres_server))
    assert f"export {db.PASSWORD_ENV}=" in str(caught.value)
    assert not (tmp_path / "club").exists()


def test_a_wrong_password_is_refused_without_showing_it(tmp_path, postgres_server, monkeypatch):
    wrong = "Wr0ng-but-secret-too"
    monkeypatch.setenv(db.PASSWORD_ENV, wrong)
    with pytest.raises(DataError) as caught:
        extract(tmp_path, db.postgres_database(postgres_server))
    text = str(caught.value)
    assert "could not connect to PostgreSQL club_reader@127.0.0.1" in text
    assert "password authentication failed" in text
    shown = "".join(traceback.format_exception(caught.value))
    assert wrong not in shown and db.PASSWORD not in shown
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_missing_driver_says_how_to_install_it(tmp_path, duckdb_file, monkeypatch):
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now raises ImportError
    with pytest.raises(InputError, match=r'pip install -e "\.\[sql\]"'):
        extract(tmp_path, {"duckdb": {"file": str(duckdb_file)}})


def test_a_missing_duckdb_file_is_named(tmp_path):
    with pytest.raises(DataError, match="the DuckDB file .*nowhere.duckdb does not exist"):
        extract(tmp_path, {"duckdb": {"file": "nowhere.duckdb"}})


def test_without_club_yml_anywhere_the_fix_names_source_yml_and_no_staging_path(tmp_path,
                                                                                database):
    source = write_source(tmp_path, database, members=db.MEMBERS)
    with pytest.raises(DataError) as caught:
        extract_club(source, tmp_path / "club", today=ROSTER_DAY)
    text = str(caught.value)
    assert f"club.yml not found in {tmp_path / 'club'}" in text
    assert "give the club's facts in source.yml: club: {name: ..., currency: ...}" in text
    assert ".extract-" not in text and not (tmp_path / "club").exists()


def test_a_query_may_end_with_a_comment_or_a_semicolon(tmp_path, database):
    for end in (" -- visits only", ";\n"):
        checkins = db.CHECKINS | {"query": db.CHECKINS["query"] + end}
        result = extract(tmp_path, database, checkins=checkins)
        assert result.rows["checkins.csv"] == 5469
