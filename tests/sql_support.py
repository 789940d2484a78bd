"""A real PostgreSQL server on loopback and a DuckDB file, holding a club export's rows.

The tables are shaped like a club system's database: the ABC DataTrak-like fixture's member
list and check-in history (tests/fixtures/exports/abc-datatrak) as text columns, personal
columns included (names, phone, city), plus a typed machine-session table with an operator's
e-mail. ``evaluate extract`` must bring the contract's columns out of them and nothing else.

The server is Debian's ``postgresql`` (``apt-get install -y postgresql``; ``.ci/run`` installs
it): initdb into a temporary folder owned by the postgres user (the server refuses to run as
root), password authentication (scram-sha-256) on 127.0.0.1 at a free port, its unix socket
in the same folder. Without the binaries the tests skip on a developer's machine and fail in
CI (env ``CI`` set).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

EXPORT = Path(__file__).parent / "fixtures" / "exports" / "abc-datatrak"
MEMBER_EXPORT = EXPORT / "Member_List_20261102.csv"
CHECKIN_EXPORT = EXPORT / "Check_In_History_20261102.csv"
PASSWORD = "s3cret-Pa55word-for-tests"  # what every test greps the outputs for
PASSWORD_ENV = "EVALUATE_TEST_DB_PASSWORD"
USER, DBNAME = "club_reader", "club"
# Personal columns of the tables: none of their names or values may be written out.
PERSONAL = ("first_name", "last_name", "cell_phone", "city", "operator_email")


def column_name(header: str) -> str:
    """An export header as a database column: ``'Agreement #'`` -> ``agreement``."""
    return re.sub(r"[^a-z0-9]+", "_", header.lower()).strip("_")


def export_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """An export's header, as database columns, and its rows as text."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return [column_name(h) for h in rows[0]], rows[1:]


def session_rows(member_ids: list[str]) -> list[tuple]:
    """Machine sessions of some members, deterministic: (started, machine, minutes, id, email)."""
    rows = []
    for i, member in enumerate(member_ids[:60]):
        day, hour = 1 + i % 28, 6 + i % 14
        machine = ("back_extension_45", "cable_tower", "rower")[i % 3]
        rows.append((f"2026-10-{day:02d} {hour:02d}:{i % 60:02d}:07.5", machine,
                     10.0 + i % 20, member, f"coach{i % 4}@example.com"))
    return rows


def _ddl(table: str, columns: list[str]) -> str:
    return f"CREATE TABLE {table} ({', '.join(f'{c} text' for c in columns)})"


SESSION_DDL = ("CREATE TABLE machine_sessions (started_at timestamp, machine text, "
               "minutes double precision, barcode text, operator_email text)")


def load_tables(execute, insert) -> None:
    """Create the club's tables and load the fixture's rows, through the driver's callbacks.

    ``execute(sql)`` runs a statement; ``insert(table, columns, rows)`` loads rows.
    """
    execute("CREATE SCHEMA crm")
    header, rows = export_rows(MEMBER_EXPORT)
    execute(_ddl("crm.members", header))
    insert("crm.members", header, rows)
    header, rows = export_rows(CHECKIN_EXPORT)
    execute(_ddl("checkin_history", header))
    insert("checkin_history", header, rows)
    ids = [r[header.index("barcode")] for r in rows]
    execute(SESSION_DDL)
    insert("machine_sessions", ["started_at", "machine", "minutes", "barcode",
                                "operator_email"], session_rows(sorted(set(ids))))


# --- DuckDB ----------------------------------------------------------------------------------


def make_duckdb(path: Path) -> Path:
    """A DuckDB file holding the club's tables."""
    import duckdb

    connection = duckdb.connect(str(path))

    def insert(table: str, columns: list[str], rows: list) -> None:
        import pandas as pd

        frame = pd.DataFrame(rows, columns=columns)  # noqa: F841 (read by name in the SQL)
        if table == "machine_sessions":
            frame["started_at"] = pd.to_datetime(frame["started_at"])
        connection.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM frame")

    load_tables(connection.execute, insert)
    connection.close()
    return path


# --- PostgreSQL ------------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    """Debian's PostgreSQL server binaries (the newest installed), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running PostgreSQL server for the tests: where it listens and who may read it."""

    host: str
    port: int
    dbname: str
    user: str
    data: Path
    bin: Path
    as_postgres: list[str]

    def connect(self, **kwargs):
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, dbname=self.dbname,
                               user=self.user, password=PASSWORD, **kwargs)

    def stop(self) -> None:
        """``pg_ctl stop -m fast``; the postmaster killed by its pid when that fails."""
        stopped = subprocess.run([*self.as_postgres, str(self.bin / "pg_ctl"), "-D",
                                  str(self.data), "-m", "fast", "-w", "-t", "30", "stop"],
                                 capture_output=True, text=True)
        pidfile = self.data / "postmaster.pid"
        if stopped.returncode != 0 and pidfile.is_file():
            pid = int(pidfile.read_text().splitlines()[0])
            os.kill(pid, signal.SIGKILL)


def start_postgres(folder: Path) -> Server:
    """initdb, start and fill a server in ``folder``; skip (or fail in CI) without binaries."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        message = ("Debian's PostgreSQL server is not installed (apt-get install -y "
                   "postgresql): the database tests need it")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root: as the postgres user
        as_postgres = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data = folder / "data"
    pwfile = folder / "pw"
    pwfile.write_text(PASSWORD + "\n")
    if as_postgres:
        shutil.chown(pwfile, "postgres")
    subprocess.run([*as_postgres, str(bin_dir / "initdb"), "-D", str(data), "-U", "admin",
                    "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8",
                    "--locale=C.UTF-8", "--no-sync"], check=True, capture_output=True, text=True)
    pwfile.unlink()
    port = _free_port()
    subprocess.run([*as_postgres, str(bin_dir / "pg_ctl"), "-D", str(data), "-l",
                    str(folder / "server.log"), "-w", "-t", "60", "-o",
                    f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off",
                    "start"], check=True, capture_output=True, text=True)
    server = Server("127.0.0.1", port, DBNAME, USER, data, bin_dir, as_postgres)
    try:
        _fill(server)
    except BaseException:
        server.stop()
        raise
    return server


def _fill(server: Server) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            admin = psycopg.connect(host=server.host, port=server.port, dbname="postgres",
                                    user="admin", password=PASSWORD, autocommit=True)
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    with admin:
        admin.execute(f"CREATE ROLE {USER} LOGIN PASSWORD '{PASSWORD}'")
        admin.execute(f"CREATE DATABASE {DBNAME} OWNER {USER}")
    with server.connect(autocommit=True) as connection:
        def insert(table: str, columns: list[str], rows: list) -> None:
            with connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN"
                                          ) as copy:
                for row in rows:
                    copy.write_row(row)

        load_tables(connection.execute, insert)


def source_yml(database: dict, **entries) -> str:
    """source.yml's text: the database and the entries."""
    import yaml

    return yaml.safe_dump({**database, **entries}, sort_keys=False)


def postgres_database(server: Server) -> dict:
    """source.yml's postgresql: entry for the test server."""
    return {"postgresql": {"host": server.host, "port": server.port, "dbname": server.dbname,
                           "user": server.user, "password_env": PASSWORD_ENV,
                           "sslmode": "disable"}}


# The abc-datatrak fixture's columns.yml, said the database's way: contract column first.
MEMBERS = {
    "table": "crm.members",
    "columns": {
        "member_id": "barcode",
        "birth_date": {"column": "birth_date", "format": "%m/%d/%Y"},
        "sex": {"column": "gender", "values": {"Male": "M", "Female": "F", "": "X"}},
        "join_date": {"column": "date_signed", "format": "%m/%d/%Y"},
        "status": {"column": "member_status", "values": {
            "Active": "active", "Cancel Pending": "active", "Frozen": "frozen",
            "Expired": "cancelled"}},
        "cancel_date": {"column": "cancel_date", "format": "%m/%d/%Y"},
        "monthly_dues": "plan_fee",
        "dues_period": {"column": "billing", "values": {"Monthly": "month",
                                                        "Annually": "year"}},
    },
}
CHECKINS = {
    "query": "SELECT barcode, check_in_date, check_in_time, check_in_status\n"
             "FROM checkin_history WHERE check_in_status = 'Approved'",
    "columns": {"member_id": "barcode",
                "date": {"column": "check_in_date", "format": "%m/%d/%Y"},
                "time": {"column": "check_in_time", "format": "%I:%M %p"}},
}
USAGE = {"table": "machine_sessions",
         "columns": {"timestamp": "started_at", "equipment_id": "machine",
                     "duration_min": "minutes", "member_id": "barcode"}}
CLUB = {"name": "Lakeside Athletic Club (synthetic)", "currency": "USD", "synthetic": True,
        "timezone": "America/Chicago"}
