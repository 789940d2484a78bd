"""``evaluate extract``: a club data folder written from a database, then checked.

:func:`extract_club` reads ``source.yml`` (:mod:`evaluate.data.sql_source`), connects to
PostgreSQL (psycopg) or opens a DuckDB file read-only, and for each of members, check-ins and
usage selects the contract's columns alone, named as the contract names them: from a table,
``SELECT "barcode" AS "member_id", ... FROM "crm"."members"``; from a query,
``SELECT "member_id", ... FROM (<query>) AS "source"``. Personal columns are never selected,
so they never leave the database. Identifiers are quoted by the driver's rules
(``psycopg.sql.Identifier``; DuckDB's double quotes), never pasted in as written.

Rows are streamed to disk and never held whole: PostgreSQL's
``COPY (SELECT ...) TO STDOUT WITH (FORMAT csv, HEADER)`` through psycopg's copy, DuckDB's
own ``COPY (SELECT ...) TO 'file.csv'``. Value maps and date formats, where source.yml gives
them, are applied by :func:`~evaluate.data.column_mapping.apply_file_mapping` a chunk of
rows at a time, as ``columns.yml`` is.

Everything is written into a staging folder beside ``--out`` (holding links to ``--out``'s
other files: ``club.yml``, ``equipment.csv``, ``assumptions.yml``), checked there as
``evaluate validate`` checks a folder, and only then moved into place: on any failure
``--out`` keeps what it held. The password is read from the environment variable
``password_env`` names, and no message, file or log ever holds it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from evaluate.data.checks import FolderCheck, check_club
from evaluate.data.club import CLUB_FILE
from evaluate.data.column_mapping import (
    COLUMN_MAPPING_FILE,
    DATE_COLUMNS,
    TIMESTAMP,
    LineProblems,
    apply_file_mapping,
    load_file_mappings,
)
from evaluate.data.equipment import EQUIPMENT_FILE
from evaluate.data.logs import LOG_SUFFIXES
from evaluate.data.sql_source import (
    CONTRACT,
    CONTRACT_FILE,
    DuckDB,
    Entry,
    Postgres,
    Source,
    load_source,
    required_problems,
)
from evaluate.data.validation import normalise_name
from evaluate.errors import DataError, InputError, Problem, SourceUnavailable, did_you_mean

CHUNK_ROWS = 200_000  # rows mapped at once where source.yml maps values or date formats
INSTALL = 'pip install -e ".[sql]"'
# Database types (PostgreSQL type OIDs, DuckDB type names) of dates and times of day.
PG_TIMESTAMP, PG_TIMESTAMPTZ = 1114, 1184
_STAGING = ".{}.extract-{}"


@dataclass
class ExtractResult:
    """What :func:`extract_club` wrote into ``out_dir`` and what the check found."""

    out_dir: Path
    rows: dict[str, int]  # contract file -> rows written
    written: list[str]  # every file written (club.yml, equipment.csv when new)
    replaced: list[str]  # files of --out removed because the extract replaces them
    check: FolderCheck
    decisions: list[str] = field(default_factory=list)


# --- the databases ---------------------------------------------------------------------------


def _driver(name: str) -> Any:
    """Import a database driver of the ``sql`` extra, or say how to install it."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        raise InputError.single(
            f"the database driver {name} is not installed",
            rule="evaluate extract reads PostgreSQL with psycopg and DuckDB files with duckdb, "
                 "the suite's sql extra", fix=f"install it: {INSTALL}") from None


def _scrub(text: str, secret: str | None) -> str:
    """``text`` with the password, should a driver ever repeat it, blotted out."""
    return text.replace(secret, "***") if secret else text


class _Database:
    """One open connection; quotes names and streams a SELECT into a CSV file."""

    error: type[Exception] = Exception  # what the driver raises for a refused statement

    def __init__(self, source: Source) -> None:
        self.source = source
        self.secret: str | None = None

    def name(self, parts: tuple[str, ...]) -> Any:
        """A table's name, quoted: ``("crm", "members")`` -> ``"crm"."members"``."""
        raise NotImplementedError

    def subquery(self, query: str) -> Any:
        """``query`` as a relation to select from."""
        raise NotImplementedError

    def columns(self, relation: Any) -> list[tuple[str, Any]]:
        """The relation's columns and types, no row read (``LIMIT 0``)."""
        raise NotImplementedError

    def select(self, items: list[tuple[str, str, Any]], relation: Any) -> Any:
        """``SELECT column AS contract_column, ...`` of ``items`` from ``relation``."""
        raise NotImplementedError

    def copy(self, select: Any, path: Path) -> int:
        """Stream the rows of ``select`` into the CSV file ``path``; return their number."""
        raise NotImplementedError

    def close(self) -> None:
        """Close the connection."""
        raise NotImplementedError


def _answers(host: str, port: int, timeout: float | None) -> bool:
    """Whether anything accepts a connection at ``host``:``port`` (a folder: its socket)."""
    import socket

    if host.startswith("/"):  # a unix socket folder, as libpq reads it
        return (Path(host) / f".s.PGSQL.{port}").exists()
    try:
        with socket.create_connection((host, port), timeout=timeout or 10):
            return True
    except OSError:
        return False


class _Postgres(_Database):
    def __init__(self, source: Source, spec: Postgres) -> None:
        super().__init__(source)
        psycopg = _driver("psycopg")
        from psycopg import sql

        self.sql = sql
        self.error = psycopg.Error
        self.secret = spec.password(source.path)
        options = {"host": spec.host, "port": spec.port, "dbname": spec.dbname,
                   "user": spec.user, "connect_timeout": spec.connect_timeout,
                   "application_name": "evaluate extract", "client_encoding": "UTF8",
                   # ISO dates, UTC instants, and nothing this session could change
                   "options": "-c DateStyle=ISO,YMD -c TimeZone=UTC "
                              "-c default_transaction_read_only=on"}
        if spec.sslmode:
            options["sslmode"] = spec.sslmode
        try:
            self.connection = psycopg.connect(password=self.secret, **options)
        except psycopg.Error as exc:
            if not _answers(spec.host, spec.port, spec.connect_timeout):
                # No server at the address: not the input, so a scheduler may try again later.
                # (libpq gives a refused login and a refused connection the same error class
                # and no SQLSTATE: only asking the address again tells them apart.)
                raise SourceUnavailable(
                    f"no server answered at {spec.describe()} (nothing was "
                    f"written): {_scrub(str(exc).strip(), self.secret)}; check that it is "
                    f"running and that host and port in {source.path.name} are right, then "
                    "run evaluate extract again") from None
            raise DataError.single(
                f"could not connect to {spec.describe()}: "
                f"{_scrub(str(exc).strip(), self.secret)}", file=source.path,
                column="postgresql", rule="source.yml names a server this machine reaches, "
                "and a user the password in password_env lets in",
                fix=f"check host, port, dbname and user in {source.path.name}, and that "
                    f"{spec.password_env or 'password_env'} holds this user's password"
            ) from None

    def name(self, parts: tuple[str, ...]) -> Any:
        return self.sql.Identifier(*parts)

    def columns(self, relation: Any) -> list[tuple[str, Any]]:
        query = self.sql.SQL("SELECT * FROM {} LIMIT 0").format(relation)
        with self.connection.cursor() as cursor:
            cursor.execute(query)
            found = [(d.name, d.type_code) for d in cursor.description]
        self.connection.rollback()
        return found

    def subquery(self, query: str) -> Any:
        # The newline ends a comment the query may end with (-- ...) before the bracket.
        return self.sql.SQL("({}\n) AS {}").format(self.sql.SQL(query),
                                                 self.sql.Identifier("source"))

    def select(self, items: list[tuple[str, str, Any]], relation: Any) -> Any:
        sql = self.sql
        parts = []
        for column, alias, type_code in items:
            expr = sql.Identifier(column)
            if alias in DATE_COLUMNS and type_code in (PG_TIMESTAMP, PG_TIMESTAMPTZ):
                expr = sql.SQL("CAST({} AS date)").format(expr)
            elif alias == TIMESTAMP and type_code in (PG_TIMESTAMP, PG_TIMESTAMPTZ):
                expr = sql.SQL("date_trunc('second', {})").format(expr)
            parts.append(sql.SQL("{} AS {}").format(expr, sql.Identifier(alias)))
        return sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(parts), relation)

    def copy(self, select: Any, path: Path) -> int:
        statement = self.sql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER)").format(select)
        with self.connection.cursor() as cursor, path.open("wb") as out:
            with cursor.copy(statement) as copy:
                for block in copy:  # a block at a time: the table is never held whole
                    out.write(block)
            rows = cursor.rowcount
        self.connection.rollback()
        return rows

    def close(self) -> None:
        self.connection.close()


class _DuckDB(_Database):
    def __init__(self, source: Source, spec: DuckDB) -> None:
        super().__init__(source)
        duckdb = _driver("duckdb")
        self.error = duckdb.Error
        if not spec.file.is_file():
            raise DataError.single(f"the DuckDB file {spec.file} does not exist",
                                   file=source.path, column="duckdb",
                                   rule="duckdb: {file: ...} names a database file, relative "
                                        "to source.yml", fix="correct the file's path")
        try:
            self.connection = duckdb.connect(str(spec.file), read_only=True)
            self.connection.execute("SET TimeZone = 'UTC'")
        except duckdb.Error as exc:
            raise DataError.single(f"could not open {spec.describe()}: {exc}",
                                   file=source.path, column="duckdb",
                                   rule="a DuckDB database file that this duckdb reads",
                                   fix="check the file, and that no other process writes "
                                       "it") from None

    @staticmethod
    def _quote(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'  # DuckDB's quoted identifier

    def name(self, parts: tuple[str, ...]) -> str:
        return ".".join(self._quote(p) for p in parts)

    def columns(self, relation: str) -> list[tuple[str, Any]]:
        cursor = self.connection.execute(f"SELECT * FROM {relation} LIMIT 0")
        return [(d[0], str(d[1])) for d in cursor.description]

    def subquery(self, query: str) -> str:
        return f"({query}\n) AS {self._quote('source')}"

    def select(self, items: list[tuple[str, str, Any]], relation: str) -> str:
        parts = []
        for column, alias, type_name in items:
            expr = self._quote(column)
            if str(type_name).startswith("TIMESTAMP") and alias in DATE_COLUMNS:
                expr = f"CAST({expr} AS DATE)"
            elif str(type_name).startswith("TIMESTAMP") and alias == TIMESTAMP:
                expr = f"date_trunc('second', {expr})"
            parts.append(f"{expr} AS {self._quote(alias)}")
        return f"SELECT {', '.join(parts)} FROM {relation}"

    def copy(self, select: str, path: Path) -> int:
        target = str(path).replace("'", "''")
        found = self.connection.execute(
            f"COPY ({select}) TO '{target}' (FORMAT csv, HEADER, DELIMITER ',')").fetchone()
        return int(found[0]) if found else 0

    def close(self) -> None:
        self.connection.close()


@contextmanager
def connect(source: Source) -> Iterator[_Database]:
    """An open connection to ``source``'s database, closed afterwards."""
    spec = source.database
    database: _Database = (_Postgres(source, spec) if isinstance(spec, Postgres)
                           else _DuckDB(source, spec))
    try:
        yield database
    finally:
        database.close()


# --- one contract file -----------------------------------------------------------------------


def _match(name: str, names: list[str]) -> str | None:
    """The database column ``name`` names: exactly, else the one equal but for case."""
    if name in names:
        return name
    folded = [n for n in names if n.lower() == name.lower()]
    return folded[0] if len(folded) == 1 else None


def plan_select(entry: Entry, columns: list[tuple[str, Any]], source: Path
                ) -> list[tuple[str, str, Any]]:
    """(database column, contract column, type) of every column to select, contract ones only.

    A contract column that ``columns`` does not map comes from the column of its name (case,
    spaces and hyphens folded). Raises a :class:`DataError` naming source.yml's line when a
    mapped column is not in the table or query, or a required column comes from nowhere.
    """
    names = [n for n, _ in columns]
    types = dict(columns)
    reader = LineProblems(source)
    items: list[tuple[str, str, Any]] = []
    for to, column in entry.columns.items():
        found = _match(column, names)
        if found is None:
            reader.add((entry.kind, "columns", to), f"{entry.where()} has no column "
                       f"'{column}'", column, f"{entry.kind}.columns names columns of "
                       f"{entry.where()}: " + ", ".join(names),
                       did_you_mean(column, names) + "name one of its columns")
            continue
        items.append((found, to, types[found]))
    mapped = set(entry.columns) | set(entry.set)
    for to in CONTRACT[entry.kind]:
        if to in mapped:
            continue
        same = [n for n in names if normalise_name(n) == to]
        if same:
            items.append((same[0], to, types[same[0]]))
    if reader.problems:
        raise DataError(problems=reader.problems)
    missing = required_problems(entry, {to: c for c, to, _ in items}, source)
    if missing:
        for problem in missing:
            problem.message += f" (its columns: {', '.join(names)})"
        raise DataError(problems=missing)
    return items


def _relation(database: _Database, entry: Entry) -> tuple[Any, list[tuple[str, Any]]]:
    """The table, or the query as a subquery, and its columns; a refusal becomes a problem."""
    source = database.source
    relation = (database.name(entry.table) if entry.table
                else database.subquery(entry.query or ""))
    try:
        return relation, database.columns(relation)
    except database.error as exc:
        first = _scrub(str(exc).strip(), database.secret).splitlines()[0]
        key = "table" if entry.table else "query"
        what = f"table {'.'.join(entry.table)}" if entry.table else "the query"
        reader = LineProblems(source.path)
        reader.add((entry.kind, key), f"{what} cannot be read in "
                   f"{source.database.describe()}: {first}", None,
                   f"{entry.kind}.{key} names a {key} of the database",
                   "correct the name (schema.table), or the query" if entry.table else
                   "correct the query; run it in the database's own client to see why")
        raise DataError(problems=reader.problems) from None


def extract_entry(database: _Database, entry: Entry, folder: Path) -> int:
    """Write ``entry``'s contract file into ``folder``; return its rows.

    Raises a :class:`DataError` naming source.yml's line for a missing table or column,
    a query the database refuses, or a value the value map does not hold.
    """
    relation, columns = _relation(database, entry)
    items = plan_select(entry, columns, database.source.path)
    select = database.select(items, relation)
    target = folder / entry.contract_file
    raw = target.with_name(f".{target.name}.raw") if entry.needs_mapping else target
    try:
        rows = database.copy(select, raw)
    except database.error as exc:
        first = _scrub(str(exc).strip(), database.secret).splitlines()[0]
        raise DataError.single(f"reading {entry.where()} failed: {first}",
                               file=database.source.path, column=entry.kind,
                               rule="every selected column can be read",
                               fix="check the columns source.yml names") from None
    if entry.needs_mapping:
        _apply_mapping(entry, raw, target, database.source.path)
        raw.unlink()
    return rows


def _apply_mapping(entry: Entry, raw: Path, target: Path, source: Path) -> None:
    """Map values and date formats a chunk of rows at a time, as columns.yml's loader does."""
    mapping = entry.mapping()
    label = Path(f"{source.name} {entry.kind} ({entry.where()})")
    problems: dict[str, Problem] = {}
    reference = pd.Timestamp.today()
    chunks = pd.read_csv(raw, dtype=str, keep_default_na=False, chunksize=CHUNK_ROWS)
    with target.open("w", encoding="utf-8", newline="") as out:
        for number, chunk in enumerate(chunks):
            frame, found = apply_file_mapping(chunk, mapping, label, reference)
            for problem in found:
                if problem.severity == "error":
                    problems.setdefault(f"{problem.column}: {problem.message}", problem)
            frame.to_csv(out, header=number == 0, index=False)
    if problems:
        for problem in problems.values():
            problem.fix = (f"map the values in {source.name} ({entry.kind}.columns), or "
                           "correct them in the database")
        raise DataError(problems=list(problems.values()))


# --- the folder ------------------------------------------------------------------------------


def _files_of(entry: Entry) -> list[str]:
    """The files of ``--out`` an entry replaces: its contract file and a log's other form."""
    stem = Path(entry.contract_file).stem
    return [f"{stem}{suffix}" for suffix in LOG_SUFFIXES] if entry.kind != "members" else [
        entry.contract_file]


def _refuse_mapped_exports(source: Source, out_dir: Path) -> None:
    """A columns.yml in --out that maps a file extract writes would read an export instead."""
    if not (out_dir / COLUMN_MAPPING_FILE).is_file():
        return
    mapped = load_file_mappings(out_dir)
    clash = [name for entry in source.entries.values() for name in _files_of(entry)
             if name in mapped]
    if clash:
        raise DataError.single(
            f"{COLUMN_MAPPING_FILE} in {out_dir} maps {', '.join(clash)} from an export",
            file=out_dir / COLUMN_MAPPING_FILE, rule="evaluate extract writes these files in "
            "the contract's own columns, which need no mapping",
            fix=f"remove the entries for {', '.join(clash)} from {COLUMN_MAPPING_FILE}, or "
                "give --out another folder")


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _staging(out_dir: Path, replaced: list[str]) -> Path:
    """A new staging folder beside ``out_dir`` holding ``out_dir``'s files but ``replaced``."""
    staging = out_dir.parent / _STAGING.format(out_dir.name, os.getpid())
    if staging.exists():
        shutil.rmtree(staging)
    if out_dir.is_dir():
        shutil.copytree(out_dir, staging, copy_function=_link_or_copy,
                        ignore=lambda folder, names: [n for n in names if n in replaced]
                        if Path(folder) == out_dir else [])
    else:
        staging.mkdir(parents=True)
    return staging


def _publish(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` in the place of ``out_dir`` (two renames; the old one kept until then)."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    backup = out_dir.parent / f".{out_dir.name}.previous-{os.getpid()}"
    os.rename(out_dir, backup)
    try:
        os.rename(staging, out_dir)
    except OSError:
        os.rename(backup, out_dir)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _club_yml(club: dict, day: date) -> str:
    """club.yml from source.yml's ``club:``; its export date, unless given, the extract's day."""
    import yaml

    facts = dict(club)
    facts.setdefault("export_date", day)
    return ("# Written by evaluate extract from source.yml's club: entry; export_date is the\n"
            "# day the data was read, unless club: gives it. Edit source.yml, not this file.\n"
            + yaml.safe_dump(facts, sort_keys=False, allow_unicode=True))


def _equipment_csv(folder: Path) -> tuple[str, list[str]]:
    """A starting equipment.csv as ``evaluate init`` writes it, and the other catalogue ids.

    The machines the usage log names are added when they are catalogue ids.
    """
    from evaluate.data.init_club import distinct_counts, equipment_ids

    kept, others = equipment_ids()
    usage = folder / CONTRACT_FILE["usage"]
    if usage.is_file():
        used = list(distinct_counts(usage, ",", ["equipment_id"])["equipment_id"].index)
        kept += [m for m in used if m in others]
        others = [m for m in others if m not in kept]
    return "equipment_id,owned_units\n" + "".join(f"{i},0\n" for i in kept), others



def _relabel(problems: list[Problem], staging: Path, out_dir: Path, source: Source) -> None:
    """Name the files a problem is in as the analyst knows them, never the staging folder."""
    origin = {entry.contract_file: f"{entry.contract_file} (read from {entry.where()}, "
              f"{source.path.name} {entry.kind}:)" for entry in source.entries.values()}
    if source.club is not None:
        origin[CLUB_FILE] = f"{CLUB_FILE} (from {source.path.name} club:)"
    for problem in problems:
        for key in ("message", "rule", "fix"):  # a folder named in the text, too
            text = getattr(problem, key)
            if text and str(staging) in text:
                setattr(problem, key, text.replace(str(staging), str(out_dir)))
        if problem.file is None:
            continue
        path = Path(problem.file)
        try:
            relative = path.relative_to(staging)
        except ValueError:
            continue
        name = str(relative)
        problem.file = out_dir if name == "." else (origin.get(name) or out_dir / relative)
        if name == CLUB_FILE and source.club is None and "not found" in problem.message:
            problem.fix = (f"give the club's facts in {source.path.name}: club: {{name: ..., "
                           f"currency: ...}}, or {problem.fix}")


def extract_club(source_path: Path, out_dir: Path, *, today: date | None = None
                 ) -> ExtractResult:
    """Write the club data folder ``out_dir`` from ``source.yml``'s database, then check it.

    ``out_dir``'s other files (club.yml, equipment.csv, assumptions.yml) are kept;
    ``club.yml`` is written from source.yml's ``club:`` when it has one, ``equipment.csv``
    as ``evaluate init`` starts it when ``out_dir`` has none. Raises a :class:`DataError`
    (exit 2) for a mistake in source.yml, a table or column the database lacks, or data the
    check refuses, and an :class:`InputError` when the driver is not installed; ``out_dir``
    is then as it was.
    """
    source = load_source(Path(source_path))
    out_dir = Path(out_dir).absolute()
    day = today or date.today()
    _refuse_mapped_exports(source, out_dir)
    replaced = [n for e in source.entries.values() for n in _files_of(e)]
    if source.club is not None:
        replaced.append(CLUB_FILE)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = _staging(out_dir, replaced)
    try:
        rows = {}
        with connect(source) as database:
            for entry in source.entries.values():
                rows[entry.contract_file] = extract_entry(database, entry, staging)
        written = list(rows)
        decisions = []
        if source.club is not None:
            (staging / CLUB_FILE).write_text(_club_yml(source.club, day), encoding="utf-8")
            written.append(CLUB_FILE)
        elif not (staging / CLUB_FILE).is_file():
            decisions.append(f"{CLUB_FILE}: give the club's name and currency under club: in "
                             f"{source.path.name}, or write {out_dir / CLUB_FILE}")
        if not (staging / EQUIPMENT_FILE).is_file():
            text, others = _equipment_csv(staging)
            (staging / EQUIPMENT_FILE).write_text(text, encoding="utf-8")
            written.append(EQUIPMENT_FILE)
            decisions.append(f"{EQUIPMENT_FILE}: set owned_units of each machine the club "
                             "owns (0 where it owns none), and add a row per catalogue "
                             "machine to compare" + (f" (others: {', '.join(others)})"
                                                     if others else ""))
        check = check_club(staging)
        _relabel(check.problems, staging, out_dir, source)
        check.data_dir = out_dir
        check.raise_errors()
        removed = [n for n in replaced if (out_dir / n).is_file() and n not in written]
        _publish(staging, out_dir)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return ExtractResult(out_dir, rows, written, removed, check, decisions)
