"""Benchmark: ``evaluate extract`` of a 1,000,000-member table, from PostgreSQL and DuckDB.

Starts a PostgreSQL server on loopback as the tests do (``tests/sql_support.py``: Debian's
``postgresql``, initdb into a temporary folder), and makes a DuckDB file; in each, a table of
1,000,000 members with the contract's columns typed (dates, numeric dues) and three personal
columns (name, e-mail, phone) that must stay behind. Then, each in a fresh process:

- *stream*: the members' contract columns read into ``members.csv`` (``COPY ... TO STDOUT``
  through psycopg; DuckDB's own ``COPY``), nothing else;
- *extract*: the whole of :func:`evaluate.data.extract.extract_club`, the staging folder, the
  folder check (which loads and checks the 1,000,000 members) and the move into place.

Prints the wall time and the process's peak resident memory (``ru_maxrss``) of each, and
its peak once the suite and the drivers are imported, before any row is read.

Run on demand: ``python bench/extract_speed.py [--members N]``. The machines are shared and
noisy: compare figures from one run only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import sql_support as db  # noqa: E402

PG_TABLE = """
CREATE TABLE bench_members AS SELECT
  'M' || lpad(i::text, 7, '0') AS member_id,
  DATE '1950-01-01' + CAST(i * 7919 % 20000 AS integer) AS birth_date,
  (ARRAY['F', 'M', 'X'])[1 + i % 3] AS sex,
  DATE '2015-01-01' + CAST(i * 104729 % 3500 AS integer) AS join_date,
  CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'active' END AS status,
  CASE WHEN i % 10 = 0 THEN DATE '2025-06-01' + CAST(i % 300 AS integer) END AS cancel_date,
  CAST(19.99 + (i % 5) * 10 AS numeric(8, 2)) AS monthly_dues,
  'First' || i || ' Last' || i AS full_name,
  'person' || i || '@example.com' AS email,
  '555-' || lpad(i::text, 7, '0') AS phone
FROM generate_series(CAST(1 AS bigint), {n}) AS i
"""
DUCKDB_TABLE = """
CREATE TABLE bench_members AS SELECT
  'M' || lpad(CAST(i AS VARCHAR), 7, '0') AS member_id,
  DATE '1950-01-01' + CAST(i * 7919 % 20000 AS INTEGER) AS birth_date,
  ['F', 'M', 'X'][1 + i % 3] AS sex,
  DATE '2015-01-01' + CAST(i * 104729 % 3500 AS INTEGER) AS join_date,
  CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'active' END AS status,
  CASE WHEN i % 10 = 0 THEN DATE '2025-06-01' + CAST(i % 300 AS INTEGER) END AS cancel_date,
  CAST(19.99 + (i % 5) * 10 AS DECIMAL(8, 2)) AS monthly_dues,
  'First' || i || ' Last' || i AS full_name,
  'person' || i || '@example.com' AS email,
  '555-' || lpad(CAST(i AS VARCHAR), 7, '0') AS phone
FROM range(1, {n} + 1) AS t(i)
"""
CLUB = {"name": "Bench club (synthetic)", "currency": "USD", "synthetic": True,
        "export_date": "2026-11-01"}
# Run in a fresh process: its own peak memory, nothing imported beforehand.
CHILD = """
import json, resource, sys, time
from pathlib import Path
source, out, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
import psycopg, duckdb
from evaluate.data.extract import connect, extract_club, extract_entry
from evaluate.data.sql_source import load_source
imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
if mode == "stream":
    spec = load_source(source)
    out.mkdir(parents=True)
    with connect(spec) as database:
        rows = extract_entry(database, spec.entries["members"], out)
else:
    result = extract_club(source, out)
    rows = result.rows["members.csv"]
    assert not result.check.errors
seconds = time.perf_counter() - start
print(json.dumps({"rows": rows, "seconds": seconds, "imported_mb": imported,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "mb_written": (out / "members.csv").stat().st_size / 1e6}))
"""


def run(source: Path, out: Path, mode: str) -> dict:
    """One measured run in a new process."""
    env = os.environ | {"PYTHONPATH": str(ROOT / "src"), db.PASSWORD_ENV: db.PASSWORD}
    done = subprocess.run([sys.executable, "-c", CHILD, str(source), str(out), mode],
                          capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout)


def measure(name: str, database: dict, folder: Path) -> None:
    """Both runs against one database; the personal columns checked absent."""
    source = folder / f"{name}.yml"
    members = {"table": "bench_members"}  # contract columns found by their names
    source.write_text(db.source_yml(database, members=members, club=CLUB))
    for mode in ("stream", "extract"):
        out = folder / f"{name}-{mode}"
        figures = run(source, out, mode)
        text = (out / "members.csv").open().readline()
        assert "email" not in text and "phone" not in text and "full_name" not in text
        print(f"{name:10} {mode:8} {figures['rows']:>9,} rows  {figures['seconds']:6.1f} s  "
              f"peak RSS {figures['peak_mb']:4.0f} MB ({figures['imported_mb']:.0f} MB after "
              f"imports)  members.csv "
              f"{figures['mb_written']:.0f} MB")


def main() -> None:  # noqa: D103
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="extract-bench-") as work:
        folder = Path(work)
        import duckdb

        duck = folder / "club.duckdb"
        connection = duckdb.connect(str(duck))
        connection.execute(DUCKDB_TABLE.format(n=args.members))
        connection.close()
        pg_folder = Path(tempfile.mkdtemp(prefix="evaluate-pg-"))
        server = db.start_postgres(pg_folder)
        try:
            with server.connect(autocommit=True) as connection:
                started = time.perf_counter()
                connection.execute(PG_TABLE.format(n=args.members))
                print(f"PostgreSQL table of {args.members:,} members made in "
                      f"{time.perf_counter() - started:.1f} s")
            measure("postgresql", db.postgres_database(server), folder)
            measure("duckdb", {"duckdb": {"file": str(duck)}}, folder)
        finally:
            server.stop()
            import shutil

            shutil.rmtree(pg_folder, ignore_errors=True)


if __name__ == "__main__":
    main()
