"""source.yml: its shape checked, every mistake on its line, the password never in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluate.data.sql_source import (
    DuckDB,
    Postgres,
    load_source,
    required_problems,
)
from evaluate.errors import DataError

POSTGRES = """\
postgresql:
  host: db.example.org
  dbname: club
  user: analyst
  password_env: CLUB_DB_PASSWORD
"""
MEMBERS = """\
members:
  table: crm.members
  columns:
    member_id: barcode
    sex: {column: gender, values: {Male: M, Female: F, "": X}}
    birth_date: {column: dob, format: "%m/%d/%Y"}
  set: {status: active}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "source.yml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> str:
    with pytest.raises(DataError) as caught:
        load_source(path)
    return str(caught.value)


def test_a_postgres_source_with_a_table_and_a_query(tmp_path):
    source = load_source(write(tmp_path, POSTGRES + MEMBERS + """\
checkins:
  query: |
    SELECT barcode AS member_id, visited_at AS timestamp FROM visits;
club: {name: Riverside, currency: GBP}
"""))
    assert source.database == Postgres("db.example.org", 5432, "club", "analyst",
                                       "CLUB_DB_PASSWORD")
    members = source.entries["members"]
    assert members.table == ("crm", "members") and members.query is None
    assert members.columns == {"member_id": "barcode", "sex": "gender", "birth_date": "dob"}
    assert members.rules["sex"].values == {"male": "M", "female": "F", "": "X"}
    assert members.rules["birth_date"].format == "%m/%d/%Y"
    assert members.set == {"status": "active"} and members.needs_mapping
    checkins = source.entries["checkins"]
    assert checkins.query == "SELECT barcode AS member_id, visited_at AS timestamp FROM visits"
    assert not checkins.needs_mapping and checkins.contract_file == "checkins.csv"
    assert source.club == {"name": "Riverside", "currency": "GBP"}


def test_a_duckdb_file_is_relative_to_source_yml(tmp_path):
    source = load_source(write(tmp_path, "duckdb: {file: data/club.duckdb}\n" + MEMBERS))
    assert source.database == DuckDB((tmp_path / "data" / "club.duckdb").resolve())


def test_a_password_in_the_file_is_refused_without_repeating_it(tmp_path):
    text = problems_of(write(tmp_path, POSTGRES + "  password: hunter2-secret\n" + MEMBERS))
    assert "a password in source.yml is refused" in text and "row 6" in text
    assert "password_env: CLUB_DB_PASSWORD" in text
    assert "hunter2-secret" not in text


def test_the_password_comes_from_the_environment(tmp_path, monkeypatch):
    spec = load_source(write(tmp_path, POSTGRES + MEMBERS)).database
    monkeypatch.setenv("CLUB_DB_PASSWORD", "from-the-env")
    assert spec.password(tmp_path / "source.yml") == "from-the-env"
    monkeypatch.delenv("CLUB_DB_PASSWORD")
    with pytest.raises(DataError, match="the environment variable CLUB_DB_PASSWORD is not set"):
        spec.password(tmp_path / "source.yml")
    assert "from-the-env" not in spec.describe()


def test_mistakes_are_listed_at_once_each_on_its_line(tmp_path):
    text = problems_of(write(tmp_path, """\
postgresql:
  host: db
  dbname: club
  user: analyst
  prot: 5433
  sslmode: requir
members:
  table: members
  query: SELECT 1
  columns:
    member_idd: barcode
    sex: {colum: gender}
checkins:
  columns:
    date: visit_date
usage: {table: sessions, set: {equipment_id: rower, duration_min: [1]}}
"""))
    assert "row 5, column 'postgresql': unknown key 'prot'" in text and "'port'" in text
    assert "row 6, column 'postgresql': unknown sslmode 'requir'" in text
    assert "give a table or a query, not both" in text
    assert "row 11, column 'members': 'member_idd' is not a column of members.csv" in text
    assert "did you mean 'member_id'?" in text
    assert "row 12, column 'members': unknown key 'colum'" in text
    assert "give either a table or a query" in text
    assert "'date' needs a format" in text
    assert "a date column needs a time column" in text
    assert "row 16, column 'usage': expected text or a number" in text


def test_one_database_and_members_are_required(tmp_path):
    text = problems_of(write(tmp_path, "checkins: {table: visits}\n"))
    assert "name one database: postgresql or duckdb" in text
    assert "no members: entry" in text
    both = problems_of(write(tmp_path, POSTGRES + "duckdb: {file: x.duckdb}\n" + MEMBERS))
    assert "not both postgresql and duckdb" in both


def test_a_missing_file_and_unsafe_yaml_are_refused(tmp_path):
    assert "source.yml not found" in problems_of(tmp_path / "source.yml")
    text = problems_of(write(tmp_path, "members: !!python/object/apply:os.system [ls]\n"))
    assert "refused: the YAML asks to build a Python object" in text


def test_required_columns_that_nothing_gives(tmp_path):
    entry = load_source(write(tmp_path, POSTGRES + MEMBERS)).entries["members"]
    found = {"member_id": "barcode", "sex": "gender"}
    problems = required_problems(entry, found, tmp_path / "source.yml")
    assert [p.message for p in problems] == [
        "no column gives 'monthly_dues' in table crm.members",
        "no column gives 'birth_date or birth_year or age' in table crm.members"]
    assert "members: {columns: {monthly_dues: <database column>}}" in problems[0].fix
    found |= {"monthly_dues": "fee", "age": "age"}
    assert required_problems(entry, found, tmp_path / "source.yml") == []
