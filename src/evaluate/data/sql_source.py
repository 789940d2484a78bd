"""``source.yml``: where ``evaluate extract`` reads a club's members, check-ins and usage.

One database, PostgreSQL or a DuckDB file, and for each of ``members``, ``checkins`` and
``usage`` either a ``table`` or a SQL ``query``::

    postgresql:
      host: db.example.org
      port: 5432
      dbname: club
      user: analyst
      password_env: CLUB_DB_PASSWORD   # the password is read from this environment variable
      sslmode: require                 # optional
    # or:  duckdb: {file: club.duckdb}  (relative to source.yml)
    members:
      table: crm.members
      columns:                         # contract column: database column
        member_id: barcode
        sex: {column: gender, values: {Male: M, Female: F, "": X}}
        birth_date: {column: dob_text, format: "%m/%d/%Y"}
      set: {dues_period: month}
    checkins:
      query: SELECT barcode AS member_id, visited_at AS timestamp FROM visits WHERE ok
    club: {name: Riverside, currency: GBP, timezone: Europe/London}   # optional: club.yml

A contract column not under ``columns`` is taken from the table's (or the query's) column
of the same name, case and spaces folded. Only contract columns are ever selected, so
personal columns (names, e-mails, phones) never leave the database. A ``password:`` key is
refused: the password lives in an environment variable, never in a file.

:func:`load_source` reads the file with the suite's safe YAML reader and checks its shape;
every mistake is a :class:`~evaluate.errors.Problem` on its line. Value maps and date
formats follow ``columns.yml``'s rules (:mod:`evaluate.data.column_mapping`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from evaluate.data.checkins import CHECKINS_SCHEMA, CHECKINS_STEM
from evaluate.data.column_mapping import (
    LOG_PARTS,
    ColumnRule,
    FileMapping,
    LineProblems,  # problems on their line of a YAML file
    column_rule,  # the same value-map and format rules as columns.yml
)
from evaluate.data.members import BIRTH_COLUMNS, CONTRACT_COLUMNS, MEMBERS_FILE
from evaluate.data.members import REQUIRED_COLUMNS as MEMBER_REQUIRED
from evaluate.data.usage import USAGE_SCHEMA, USAGE_STEM
from evaluate.data.yaml_files import read_yaml
from evaluate.errors import DataError, Problem, did_you_mean

SOURCE_FILE = "source.yml"
KINDS = ("members", "checkins", "usage")
# The contract file each kind is written to, and its columns (a log's date and time columns
# are joined into its timestamp, as columns.yml does).
CONTRACT_FILE = {"members": MEMBERS_FILE, "checkins": f"{CHECKINS_STEM}.csv",
                 "usage": f"{USAGE_STEM}.csv"}
CONTRACT = {"members": CONTRACT_COLUMNS,
            "checkins": CHECKINS_SCHEMA.required + CHECKINS_SCHEMA.optional,
            "usage": USAGE_SCHEMA.required + USAGE_SCHEMA.optional}
REQUIRED = {"members": MEMBER_REQUIRED, "checkins": CHECKINS_SCHEMA.required,
            "usage": USAGE_SCHEMA.required}
DATABASES = ("postgresql", "duckdb")
TOP_KEYS = DATABASES + KINDS + ("club",)
POSTGRES_KEYS = ("host", "port", "dbname", "user", "password_env", "sslmode",
                 "connect_timeout")
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
DUCKDB_KEYS = ("file",)
ENTRY_KEYS = ("table", "query", "columns", "set")
COLUMN_KEYS = ("column", "format", "values")
GUIDE = "see 'Reading from a database' in README.md"
PASSWORD_FIX = ("remove the password from source.yml and name an environment variable "
                "instead: password_env: CLUB_DB_PASSWORD, then export CLUB_DB_PASSWORD before "
                "running evaluate extract")


@dataclass(frozen=True)
class Postgres:
    """A PostgreSQL server; the password is read from ``password_env`` when connecting."""

    host: str
    port: int
    dbname: str
    user: str
    password_env: str | None = None
    sslmode: str | None = None
    connect_timeout: int = 10

    def password(self, source: Path) -> str | None:
        """The password from the environment; a :class:`DataError` when the variable is unset."""
        if self.password_env is None:
            return None
        value = os.environ.get(self.password_env)
        if not value:
            raise DataError.single(
                f"the environment variable {self.password_env} is not set (or empty)",
                file=source,
                column="postgresql.password_env", rule="the database password is read from "
                "the environment variable password_env names, never from a file",
                fix=f"export {self.password_env}=... (from your password manager or the "
                    "scheduler's secret store) before running evaluate extract")
        return value

    def describe(self) -> str:
        """The server as messages name it (never the password)."""
        return f"PostgreSQL {self.user}@{self.host}:{self.port}/{self.dbname}"


@dataclass(frozen=True)
class DuckDB:
    """A DuckDB database file, opened read-only."""

    file: Path

    def describe(self) -> str:
        """The file as messages name it."""
        return f"DuckDB {self.file}"


@dataclass(frozen=True)
class Entry:
    """Where one contract file comes from: a table or a query, and how its columns map."""

    kind: str
    table: tuple[str, ...] | None  # the name's parts: ("crm", "members")
    query: str | None
    columns: dict[str, str]  # contract column (or a log's date/time) -> database column
    rules: dict[str, ColumnRule]  # contract column -> its format and values, where given
    set: dict[str, str] = field(default_factory=dict)

    @property
    def contract_file(self) -> str:
        """The file this entry is written to."""
        return CONTRACT_FILE[self.kind]

    def where(self) -> str:
        """The table or "the query", as messages name it."""
        return f"table {'.'.join(self.table)}" if self.table else "its query"

    def mapping(self) -> FileMapping:
        """The rules as :func:`~evaluate.data.column_mapping.apply_file_mapping` reads them.

        The extracted file's headers are already the contract's names.
        """
        return FileMapping(columns=dict(self.rules), set=dict(self.set))

    @property
    def needs_mapping(self) -> bool:
        """True when values, formats, fixed columns or a date and time column need applying."""
        return bool(self.set) or any(r.format or r.values is not None
                                     for r in self.rules.values())


@dataclass(frozen=True)
class Source:
    """What ``source.yml`` says: the database, the entries and club.yml's facts."""

    path: Path
    database: Postgres | DuckDB
    entries: dict[str, Entry]
    club: dict | None = None


def _top(reader: LineProblems, message: str, value: object, rule: str, fix: str) -> None:
    """A problem of the whole file (no key to point at): on its first line."""
    reader.problems.append(Problem(message, file=reader.path, row=1, value=value, rule=rule,
                                   fix=fix))


def _database(reader: LineProblems, content: dict, path: Path) -> Postgres | DuckDB | None:
    named = [k for k in DATABASES if k in content]
    if len(named) != 1:
        _top(reader, "name one database: postgresql or duckdb" if not named else
                   "name one database, not both postgresql and duckdb", named or None,
                   "postgresql: {host, port, dbname, user, password_env} or duckdb: {file}",
                   GUIDE)
        return None
    kind = named[0]
    spec = content[kind]
    if not isinstance(spec, dict):
        reader.add((kind,), f"expected the {kind} connection's keys", spec,
                   "postgresql: {host, port, dbname, user, password_env} or duckdb: {file}",
                   GUIDE)
        return None
    if "password" in spec:  # never echo its value
        reader.add((kind, "password"), "a password in source.yml is refused", None,
                   "the password comes from an environment variable, never from a file",
                   PASSWORD_FIX)
    keys = POSTGRES_KEYS if kind == "postgresql" else DUCKDB_KEYS
    reader.unknown_keys((kind,), [key for key in spec if key != "password"], keys)
    if kind == "duckdb":
        file = spec.get("file")
        if not isinstance(file, str) or not file:
            reader.add((kind,), "no database file: 'file' is missing", None,
                       "duckdb: {file: club.duckdb}, relative to source.yml",
                       "add file: <the DuckDB file>")
            return None
        return DuckDB((path.parent / file).resolve())
    ok = True
    for key in ("host", "dbname", "user"):
        if not isinstance(spec.get(key), str) or not spec[key]:
            reader.add((kind, key) if key in spec else (kind,), f"'{key}' is missing or not "
                       "text", spec.get(key), "postgresql needs host, dbname and user",
                       f"add {key}: ...")
            ok = False
    port = spec.get("port", 5432)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        reader.add((kind, "port"), "not a port number", port, "port: 1-65535 (5432 by default)",
                   "write the server's port as a number")
        ok = False
    env = spec.get("password_env")
    if env is not None and not (isinstance(env, str) and env.replace("_", "").isalnum()):
        reader.add((kind, "password_env"), "not the name of an environment variable", None,
                   "password_env: NAME, letters, digits and _", "write the variable's name, "
                   "e.g. CLUB_DB_PASSWORD, not the password")
        ok = False
    ssl = spec.get("sslmode")
    if ssl is not None and ssl not in SSL_MODES:
        reader.add((kind, "sslmode"), f"unknown sslmode '{ssl}'", ssl,
                   "sslmode: " + ", ".join(SSL_MODES), did_you_mean(str(ssl), SSL_MODES)
                   + "use one of those")
        ok = False
    timeout = spec.get("connect_timeout", 10)
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 1:
        reader.add((kind, "connect_timeout"), "not a number of seconds", timeout,
                   "connect_timeout: whole seconds, 10 by default", "write a whole number")
        ok = False
    if not ok or "password" in spec:
        return None
    return Postgres(spec["host"], port, spec["dbname"], spec["user"], env, ssl, timeout)


def _entry(reader: LineProblems, kind: str, spec: object) -> Entry | None:
    shape = (f"{kind}: {{table: name}} or {{query: SELECT ...}}, with columns: {{contract "
             "column: database column}} and set: {column: value}")
    if not isinstance(spec, dict):
        reader.add((kind,), "expected a table or a query", spec, shape, GUIDE)
        return None
    count = len(reader.problems)
    reader.unknown_keys((kind,), spec, ENTRY_KEYS)
    table, query = spec.get("table"), spec.get("query")
    if (table is None) == (query is None):
        reader.add((kind,), "give either a table or a query" if table is None else
                   "give a table or a query, not both", None, shape, GUIDE)
    if table is not None and not (isinstance(table, str) and all(table.split("."))):
        reader.add((kind, "table"), "expected a table name, e.g. members or crm.members",
                   table, "table: [schema.]name", "write the table's name")
    if query is not None and not (isinstance(query, str) and query.strip()):
        reader.add((kind, "query"), "expected a SQL query", query, "query: SELECT ...",
                   "write the query as text (a | block for several lines)")
    known = list(CONTRACT[kind]) + (list(LOG_PARTS) if kind != "members" else [])
    columns: dict[str, str] = {}
    rules: dict[str, ColumnRule] = {}
    given = spec.get("columns") or {}
    if not isinstance(given, dict):
        reader.add((kind, "columns"), "expected a mapping of contract column to database "
                   "column", given, "columns: {member_id: barcode, ...}", GUIDE)
        given = {}
    for to, source in given.items():
        where = (kind, "columns", str(to))
        if to not in known:
            reader.add(where, f"'{to}' is not a column of {CONTRACT_FILE[kind]}", to,
                       f"columns of {CONTRACT_FILE[kind]}: " + ", ".join(known),
                       did_you_mean(str(to), known) + "map one of those columns")
            continue
        if isinstance(source, str) and source:
            columns[to] = source
            if to in LOG_PARTS:
                reader.add(where, f"'{to}' needs a format", to, "a date and a time column "
                           "are read with a format", f"write {{column: {source}, format: "
                           "...}, e.g. \"%Y-%m-%d\" or \"%H:%M:%S\"")
            continue
        if not isinstance(source, dict):
            reader.add(where, "expected a database column or {column: ..., format: ..., "
                       "values: ...}", source, "contract column: database column", GUIDE)
            continue
        reader.unknown_keys(where, source, COLUMN_KEYS)
        name = source.get("column")
        if not isinstance(name, str) or not name:
            reader.add(where, "no database column: 'column' is missing", None,
                       "{column: <database column>, ...}", "add column: <database column>")
            continue
        columns[to] = name
        rule = column_rule(reader, where, {"to": to} | {
            k: v for k, v in source.items() if k in ("format", "values")})
        if rule is not None and (rule.format or rule.values is not None):
            rules[to] = rule
        if to in LOG_PARTS and (rule is None or not rule.format):
            reader.add(where, f"'{to}' needs a format", to, "a date and a time column are "
                       "read with a format", "add format: \"%Y-%m-%d\" or \"%H:%M:%S\"")
    parts = [p for p in LOG_PARTS if p in columns]
    if parts and len(parts) != len(LOG_PARTS):
        reader.add((kind, "columns"), "a date column needs a time column, and a time column "
                   "a date column", parts, "date and time make the timestamp", "map both")
    if parts and "timestamp" in columns:
        reader.add((kind, "columns"), "timestamp comes from one place: a timestamp column, "
                   "or a date and a time column", None, "one of the two", "leave out one")
    fixed = spec.get("set") or {}
    if not isinstance(fixed, dict):
        reader.add((kind, "set"), "expected a mapping of contract column to one value", fixed,
                   "set: {status: active}", GUIDE)
        fixed = {}
    for column, value in fixed.items():
        if column not in CONTRACT[kind]:
            reader.add((kind, "set", str(column)), f"'{column}' is not a column of "
                       f"{CONTRACT_FILE[kind]}", column, "columns: " + ", ".join(CONTRACT[kind]),
                       did_you_mean(str(column), CONTRACT[kind]) + "set one of those columns")
        elif column in columns:
            reader.add((kind, "set", str(column)), f"'{column}' is both set and mapped from "
                       "a column", column, "a contract column comes from one place",
                       "leave out one of the two")
        elif not isinstance(value, str | int | float) or isinstance(value, bool):
            reader.add((kind, "set", str(column)), "expected text or a number", value,
                       "set: {status: active}", "quote it")
    if len(reader.problems) > count:
        return None
    return Entry(kind, tuple(table.split(".")) if table else None,
                 query.strip().rstrip(";") if query else None, columns, rules,
                 {str(k): str(v) for k, v in fixed.items()})


def load_source(path: Path) -> Source:
    """Read and check ``source.yml``; raise one :class:`DataError` listing every mistake."""
    path = Path(path)
    if not path.is_file():
        raise DataError.single(f"{path.name} not found", file=path,
                               rule="--source names the YAML file that says where the club's "
                                    "data is", fix=f"write it ({GUIDE})")
    content = read_yaml(path)
    reader = LineProblems(path)
    if not isinstance(content, dict):
        raise DataError.single("expected keys such as postgresql: and members:", file=path,
                               row=1, rule="source.yml is a mapping of keys to values",
                               fix=GUIDE)
    reader.unknown_keys((), content, TOP_KEYS)
    database = _database(reader, content, path)
    if "members" not in content:
        _top(reader, "no members: entry", None, "members is required; checkins and usage "
                   "are optional", "add members: {table: ...} or {query: ...}")
    entries = {}
    for kind in KINDS:
        if kind in content:
            entry = _entry(reader, kind, content[kind])
            if entry is not None:
                entries[kind] = entry
    club = content.get("club")
    if club is not None and not isinstance(club, dict):
        reader.add(("club",), "expected club.yml's keys", club,
                   "club: {name: ..., currency: GBP, timezone: Europe/London}",
                   "write the club's facts as club.yml holds them")
    if reader.problems:
        raise DataError(problems=reader.problems)
    assert database is not None
    return Source(path, database, entries, club)


def required_problems(entry: Entry, found: dict[str, str], source: Path) -> list[Problem]:
    """Contract columns that nothing gives: neither ``columns``, ``set`` nor a same-named column.

    ``found`` maps each contract column that will be selected to its database column.
    """
    given = set(found) | set(entry.set)
    if "date" in given and "time" in given:
        given.add("timestamp")
    missing = [c for c in REQUIRED[entry.kind] if c not in given]
    if entry.kind == "members" and not set(BIRTH_COLUMNS) & given:
        missing.append(" or ".join(BIRTH_COLUMNS))
    return [Problem(f"no column gives '{c}' in {entry.where()}", file=source,
                    column=f"{entry.kind}.columns", rule=f"{entry.contract_file} needs "
                    + ", ".join(REQUIRED[entry.kind]), fix=f"map it: {entry.kind}: {{columns: "
                    f"{{{c.split()[0]}: <database column>}}}}, or name it so in the query")
            for c in missing]
