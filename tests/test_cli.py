"""The command line's other commands: params, demo-data, init, help and version."""

from __future__ import annotations

import shutil
from pathlib import Path

from evaluate import __version__
from evaluate.paths import DEMO_DATA_DIR
from support import NOTEBOOKS, broken_club, run_cli

EXPORTS = Path(__file__).parent / "fixtures" / "exports" / "activenet"
INIT = ("--members", EXPORTS / "Member_List_20261101.csv",
        "--checkins", EXPORTS / "Check_In_History_20261101.csv")


def test_params_command_lists_parameters():
    result = run_cli("params", NOTEBOOKS / "chart.ipynb")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["greeting", "str", "default", "'hello'"]
    assert "text shown in the report" in lines[0]
    assert lines[2].split()[:4] == ["ratio", "float", "default", "0.5"]


def test_params_of_a_missing_notebook_is_a_usage_error(tmp_path):
    result = run_cli("params", tmp_path / "nope.ipynb")
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_demo_data_regenerates_the_committed_demo(tmp_path):
    result = run_cli("demo-data", "--out", tmp_path, "--today", "2026-11-01")
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in DEMO_DATA_DIR.iterdir())
    for name in written:
        assert (tmp_path / name).read_bytes() == (DEMO_DATA_DIR / name).read_bytes(), name


def test_a_generated_club_of_any_size_validates(tmp_path):
    result = run_cli("demo-data", "--out", tmp_path, "--members", "400", "--seed", "5")
    assert result.returncode == 0, result.stderr
    check = run_cli("validate", "--data-dir", tmp_path)
    assert check.returncode == 0, check.stderr + check.stdout
    assert "0 error(s)" in check.stdout and "checkins.parquet" in check.stdout


def test_help_and_version():
    result = run_cli("--help")
    assert result.returncode == 0
    assert all(c in result.stdout for c in ("build", "params", "demo-data"))
    assert __version__ in run_cli("--version").stdout
    build_help = run_cli("build", "--help").stdout
    for option in ("--plan", "--data-dir", "--out", "--jobs", "--only", "--param",
                   "--cell-timeout", "--dry-run"):
        assert option in build_help


def test_validate_command_exit_codes_and_report(tmp_path):
    clean = run_cli("validate", "--data-dir", DEMO_DATA_DIR)
    assert clean.returncode == 0 and "0 error(s)" in clean.stdout
    broken = run_cli("validate", "--data-dir", broken_club(tmp_path))
    assert broken.returncode == 2
    assert "members.csv:" in broken.stderr and "club.yml:" in broken.stderr
    assert "row 5" in broken.stderr and "column 'status'" in broken.stderr
    assert "fix:" in broken.stderr and "rule:" in broken.stderr
    missing = run_cli("validate", "--data-dir", tmp_path / "nowhere")
    assert missing.returncode == 2 and "club data folder not found" in missing.stderr


def test_init_writes_the_folder_and_lists_what_is_left_to_decide(tmp_path):
    club = tmp_path / "riverside"
    result = run_cli("init", club, *INIT, "--currency", "usd")
    said = result.stdout + result.stderr
    assert "Traceback" not in said
    assert f"wrote columns.yml, club.yml, equipment.csv into {club}; copied " \
           "Member_List_20261101.csv, Check_In_History_20261101.csv" in result.stdout
    assert "left to decide (edit the files, then run evaluate validate --data-dir" in said
    assert "  - columns.yml, line 21: 'Member Status' value 'Expired' -> cancelled: guessed: " \
           "a membership that has ended" in result.stdout
    assert "  - club.yml, line 2: the folder's name: write the club's name" in result.stdout
    assert "  - equipment.csv: set owned_units" in result.stdout
    assert f"checked {club}:" in said  # the folder check's report follows
    assert "currency: USD  # given to evaluate init" in (club / "club.yml").read_text()
    shutil.copy(DEMO_DATA_DIR / "equipment.csv", club / "equipment.csv")
    assert run_cli("validate", "--data-dir", club).returncode == 0


def test_init_exits_0_when_the_started_folder_validates(tmp_path):
    result = run_cli("init", tmp_path / "club", *INIT, "--currency", "USD")
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith(f"next: evaluate build --data-dir {tmp_path / 'club'}")
    assert "other machines of the catalogue (a row each in equipment.csv): " in result.stdout


def test_init_exits_2_with_the_check_s_problems_when_the_folder_does_not_validate(tmp_path):
    result = run_cli("init", tmp_path / "club", *INIT)  # the fees carry no currency sign
    assert result.returncode == 2
    assert "club.yml, line 3: not known: the fees carry no currency sign" in result.stdout
    assert "key 'currency'" in result.stderr and "error(s)" in result.stderr


def test_init_refuses_to_overwrite_and_a_bad_currency(tmp_path):
    club = tmp_path / "club"
    assert run_cli("init", club, *INIT, "--currency", "USD").returncode in (0, 2)
    before = {p.name: p.read_bytes() for p in club.iterdir()}
    again = run_cli("init", club, *INIT)
    assert again.returncode == 2 and "Traceback" not in again.stderr
    assert "already in" in again.stderr and "add --force to overwrite" in again.stderr
    assert {p.name: p.read_bytes() for p in club.iterdir()} == before
    assert run_cli("init", club, *INIT, "--force", "--currency", "GBP").returncode in (0, 2)
    assert "currency: GBP" in (club / "club.yml").read_text()
    bad = run_cli("init", tmp_path / "other", *INIT, "--currency", "dollars")
    assert bad.returncode == 2 and "not an ISO 4217 code" in bad.stderr
    assert not (tmp_path / "other").exists()


def _extract_source(tmp_path, server, **entries):
    import sql_support as db

    club = db.CLUB | {"export_date": "2026-11-02"}  # the fixture's roster date
    entries = {"members": db.MEMBERS, "checkins": db.CHECKINS, "club": club} | entries
    path = tmp_path / "source.yml"
    path.write_text(db.source_yml(db.postgres_database(server), **entries))
    return path


def test_extract_writes_the_folder_from_postgres_and_checks_it(tmp_path, postgres_server):
    import os

    import sql_support as db

    source = _extract_source(tmp_path, postgres_server)
    env = os.environ | {db.PASSWORD_ENV: db.PASSWORD}
    result = run_cli("extract", "--source", source, "--out", tmp_path / "club", env=env)
    assert result.returncode == 0, result.stderr
    assert "wrote members.csv (420 rows), checkins.csv (5,469 rows); club.yml, equipment.csv" \
        in result.stdout
    assert "0 error(s)" in result.stdout and "next: evaluate build --data-dir" in result.stdout
    for text in (result.stdout, result.stderr,
                 *(p.read_text() for p in (tmp_path / "club").iterdir())):
        assert db.PASSWORD not in text and "555-01" not in text
    check = run_cli("validate", "--data-dir", tmp_path / "club")
    assert check.returncode == 0, check.stdout


def test_extract_without_the_password_or_with_a_wrong_one_exits_2(tmp_path, postgres_server):
    import os

    import sql_support as db

    source = _extract_source(tmp_path, postgres_server)
    env = {k: v for k, v in os.environ.items() if k != db.PASSWORD_ENV}
    unset = run_cli("extract", "--source", source, "--out", tmp_path / "club", env=env)
    assert unset.returncode == 2
    assert f"the environment variable {db.PASSWORD_ENV} is not set" in unset.stderr
    wrong = "N0t-the-Password"
    refused = run_cli("extract", "--source", source, "--out", tmp_path / "club",
                      env=env | {db.PASSWORD_ENV: wrong})
    assert refused.returncode == 2 and "password authentication failed" in refused.stderr
    assert wrong not in refused.stderr + refused.stdout and "Traceback" not in refused.stderr
    assert not (tmp_path / "club").exists()


def test_extract_of_bad_data_exits_2_naming_row_and_column(tmp_path, duckdb_file):
    import sql_support as db

    members = {"query": "SELECT * REPLACE (CASE WHEN barcode = '2000107' THEN '-$5.00' "
                        "ELSE plan_fee END AS plan_fee) FROM crm.members",
               "columns": db.MEMBERS["columns"]}
    source = tmp_path / "source.yml"
    source.write_text(db.source_yml({"duckdb": {"file": str(duckdb_file)}}, members=members,
                                    club=db.CLUB))
    result = run_cli("extract", "--source", source, "--out", tmp_path / "club")
    assert result.returncode == 2
    assert "members.csv (read from its query, source.yml members:), row 3, column " \
           "'monthly_dues': negative dues (got '-$5.00')" in result.stderr
    assert not (tmp_path / "club").exists()


def test_extract_from_a_server_that_does_not_answer_exits_3(tmp_path, postgres_server):
    """No server at the address is 'not now' (a scheduler may retry), unlike a refused login."""
    import dataclasses
    import os
    import socket

    import sql_support as db

    with socket.socket() as probe:  # a port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = _extract_source(tmp_path, dataclasses.replace(postgres_server, port=port))
    out = tmp_path / "club"
    out.mkdir()
    (out / "members.csv").write_text("kept\n")
    result = run_cli("extract", "--source", source, "--out", out,
                     env=os.environ | {db.PASSWORD_ENV: db.PASSWORD})
    assert result.returncode == 3, result.stderr
    assert f"no server answered at PostgreSQL club_reader@127.0.0.1:{port}" \
        in result.stderr
    assert "run evaluate extract again" in result.stderr and "Traceback" not in result.stderr
    assert db.PASSWORD not in result.stderr + result.stdout
    assert [p.name for p in out.iterdir()] == ["members.csv"]
    assert (out / "members.csv").read_text() == "kept\n"
