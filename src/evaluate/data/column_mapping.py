"""The grown ``columns.yml``: how a club system's export becomes a contract file.

Per contract file, either a plain rename (``Member No: member_id``) or the grown form::

    members.csv:
      file: "Member_List_*.csv"     # the export's own name, a glob: the newest match is read
      columns:
        Barcode: member_id                                    # a plain rename
        Join Date: {to: join_date, format: "%m/%d/%Y"}        # read with this strptime format
        Gender: {to: sex, values: {Male: M, Female: F, "": X}}
      set: {status: active}         # a contract column the export lacks: one value for all rows
      keep: {Member Type: [Member]} # only rows holding one of these values; drop: the opposite

:func:`load_file_mappings` reads and checks the file's own shape (every mistake a
:class:`~evaluate.errors.Problem` on its line); :func:`apply_file_mapping` turns the
export's text into text the loaders read as if the club had written the contract file:
values mapped, dates written as ISO (a zoned time as UTC with ``Z``), a date and a time
column joined into ``timestamp``, rows left out. Everything runs on whole columns (on the
distinct values of a column where values are mapped), never row by row.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import yaml

from evaluate.data.yaml_files import SAFE_LOADER, read_yaml, top_line
from evaluate.errors import DataError, Problem, did_you_mean

COLUMN_MAPPING_FILE = "columns.yml"
FILE_KEYS = ("file", "columns", "set", "keep", "drop")  # keys of the grown form
COLUMN_KEYS = ("to", "format", "values")
MAX_UNMAPPED = 20  # distinct unmapped values listed in one problem; the rest are counted
DATE_COLUMNS = ("join_date", "cancel_date", "birth_date")  # columns a date format may fill
BIRTH_DATE = "birth_date"  # a two-digit year of birth is never after the reference date
# Any other two-digit year is put at most this many years after the reference date: a future
# start or the end of a fixed term lies a few years ahead at most, and a join or visit
# 90 years back is as unlikely as one 10 years ahead.
FUTURE_YEARS = 10
LOG_PARTS = ("date", "time")  # a log's date and time columns, joined into its timestamp
TIMESTAMP = "timestamp"
# A timestamp written for the loader: local time, or an instant in UTC (turned into the
# club's local time with club.yml's timezone, see evaluate.data.logs.local_timestamps)
_ISO = {False: "%Y-%m-%d %H:%M:%S", True: "%Y-%m-%dT%H:%M:%SZ"}
GUIDE = "see 'Mapping a club system's export' in data/README.md"
Scalar = str | int | float


@dataclass(frozen=True)
class ColumnRule:
    """What becomes of one export column: its contract name, date format and value map."""

    to: str
    format: str | None = None
    values: dict[str, str] | None = None  # folded export value -> contract text


@dataclass(frozen=True)
class FileMapping:
    """How one export becomes one contract file (see the module docstring)."""

    columns: dict[str, ColumnRule] = field(default_factory=dict)  # export header -> rule
    file: str | None = None
    set: dict[str, str] = field(default_factory=dict)
    keep: dict[str, list[str]] = field(default_factory=dict)
    drop: dict[str, list[str]] = field(default_factory=dict)

    @property
    def renames(self) -> dict[str, str]:
        """Export header -> contract column, as the loaders rename headers."""
        return {k: r.to for k, r in self.columns.items() if r.to not in LOG_PARTS}

    @property
    def grown(self) -> bool:
        """True when the entry does more than rename columns."""
        return bool(self.file or self.set or self.keep or self.drop or any(
            r.format or r.values is not None or r.to in LOG_PARTS
            for r in self.columns.values()))


def fold(text: object) -> str:
    """Case and space folding of headers and values: ``' Active  Member'`` -> ``active_member``."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())


def _node_line(root: yaml.Node | None, keys: Iterable[str]) -> int | None:
    """Line of the deepest of ``keys`` (a path of mapping keys) found in a composed YAML."""
    line = None
    node = root
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            break
        found = next(((k, v) for k, v in node.value if str(k.value) == str(key)), None)
        if found is None:
            break
        line, node = found[0].start_mark.line + 1, found[1]
    return line


class LineProblems:
    """Collects the problems of one YAML file (``columns.yml``, ``source.yml``) on their lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.root = yaml.compose(path.read_text("utf-8"), Loader=SAFE_LOADER)
        except yaml.YAMLError:
            self.root = None
        self.problems: list[Problem] = []

    def add(self, where: tuple[str, ...], message: str, value: object, rule: str,
            fix: str) -> None:
        """A problem at ``where`` (keys from the top), on the line of that key in the file."""
        self.problems.append(Problem(message, file=self.path, row=_node_line(self.root, where),
                                     column=where[0], value=value, rule=rule, fix=fix))

    def unknown_keys(self, where: tuple[str, ...], mapping: Iterable[object],
                     allowed: Sequence[str], hint: str = "") -> bool:
        """A problem for each key of ``mapping`` not in ``allowed``; whether all were known."""
        unknown = [key for key in mapping if key not in allowed]
        for key in unknown:
            self.add(where + (str(key),), f"unknown key '{key}'", key,
                     "keys: " + ", ".join(allowed),
                     did_you_mean(str(key), allowed) + "use one of those keys" + hint)
        return not unknown


def _scalar(value: object) -> bool:
    """A value a cell can hold: text or a number (not a YAML yes/no, list or mapping)."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _text(value: Scalar) -> str:
    """A mapped value as the cell text the loaders read (29.9 -> '29.9').

    A number with exactly three decimals gets a fourth, a zero (12.345 -> '12.3450'): as
    '12.345' it would read as thousands in a ';' file, and is ambiguous as money elsewhere.
    """
    if isinstance(value, str):
        return value
    text = repr(value)
    return text + "0" if re.fullmatch(r"-?\d+\.\d{3}", text) else text


QUOTE = "quote it (yes, no, on, off, true and false are not text in YAML unless quoted)"


def _check_format(fmt: str) -> bool:
    """True when ``fmt`` is a strptime format that reads back what it writes."""
    if "%" not in fmt:
        return False
    try:
        sample = datetime(2001, 2, 3, 16, 5, 6, tzinfo=UTC if zoned_format(fmt) else None)
        time.strptime(sample.strftime(fmt), fmt)
    except ValueError:
        return False
    return True


def column_rule(reader: LineProblems, where: tuple[str, ...], spec: object) -> ColumnRule | None:
    """One ``columns`` entry: a contract name, or ``{to:, format:, values:}``."""
    if isinstance(spec, str):
        return ColumnRule(spec)
    rule = "Export name: contract_column, or Export name: {to: column, format: ..., values: ...}"
    if not isinstance(spec, dict):
        reader.add(where, "expected a contract column or {to: ..., format: ..., values: ...}",
                   spec, rule, f"write the contract column's name ({GUIDE})")
        return None
    ok = reader.unknown_keys(where, spec, COLUMN_KEYS)
    to, fmt, values = spec.get("to"), spec.get("format"), spec.get("values")
    if not isinstance(to, str):
        reader.add(where, "no contract column: 'to' is missing", spec, rule,
                   "add to: <contract column>")
        ok = False
    if fmt is not None and not (isinstance(fmt, str) and _check_format(fmt)):
        reader.add(where + ("format",), "not a date format", fmt,
                   "a strptime format such as \"%m/%d/%Y\" or \"%I:%M %p\"",
                   "write the format with % codes, e.g. \"%d/%m/%Y\" for 31/01/2026 "
                   "(codes: docs.python.org, strftime and strptime format codes)")
        ok = False
    folded: dict[str, str] = {}
    if values is not None:
        if not isinstance(values, dict):
            reader.add(where + ("values",), "expected a mapping of export value to value",
                       values, "values: {Export value: contract value, ...}",
                       "write it as {Male: M, Female: F}")
            return None
        for key, value in values.items():
            if key is None:
                key = ""
            if not (_scalar(key) and _scalar(value)):
                reader.add(where + ("values",), f"'{key}: {value}' is not text or a number",
                           {key: value}, "values map text or numbers onto text or numbers",
                           QUOTE)
                ok = False
                continue
            if fold(key) in folded:
                reader.add(where + ("values",), f"'{key}' is given twice (case and spaces "
                           "are ignored)", key, "each export value once",
                           "keep one of the two")
                ok = False
            folded[fold(key)] = _text(value)
    if not ok or not isinstance(to, str):  # a missing 'to' is among the problems
        return None
    return ColumnRule(to, fmt, folded if values is not None else None)


def _value_lists(reader: LineProblems, where: tuple[str, ...], spec: object
                 ) -> dict[str, list[str]]:
    """A ``keep`` or ``drop`` entry: export column -> the values it names."""
    rule = f"{where[-1]}: {{Export column: [value, ...]}}"
    if not isinstance(spec, dict):
        reader.add(where, "expected a mapping of export column to values", spec, rule,
                   "write it as {Check In Status: [Approved]}")
        return {}
    lists = {}
    for column, values in spec.items():
        values = values if isinstance(values, list) else [values]
        if not all(_scalar(v) for v in values):
            reader.add(where + (str(column),), "expected text or numbers", values, rule, QUOTE)
            continue
        lists[str(column)] = [_text(v) for v in values]
    return lists


def _file_mapping(reader: LineProblems, name: str, entry: object) -> FileMapping | None:
    """One file's entry: a plain rename mapping or the grown form."""
    rule = "per file, export column: contract column, e.g. members.csv: {Member No: member_id}"
    if not isinstance(entry, dict):
        reader.add((name,), "expected, per file, a mapping of export column to contract column",
                   entry, rule, f"write it indented under {name}:, one 'Export name: "
                   f"contract_name' a line ({GUIDE})")
        return None
    if not any(key in FILE_KEYS for key in entry):  # the plain form: every key a header
        entry = {"columns": entry}
    count = len(reader.problems)
    reader.unknown_keys((name,), entry, FILE_KEYS, " (export columns go under columns:)")
    columns = entry.get("columns") or {}
    rules = {}
    if not isinstance(columns, dict):
        reader.add((name, "columns"), "expected a mapping of export column to contract column",
                   columns, rule, GUIDE)
        columns = {}
    for export, spec in columns.items():
        found = column_rule(reader, (name, "columns", str(export)), spec)
        if found is not None:
            rules[str(export)] = found
    glob = entry.get("file")
    if glob is not None and not isinstance(glob, str):
        reader.add((name, "file"), "expected the export's file name, or a pattern with *",
                   glob, "file: \"Member_List_*.csv\"", "write one file name in quotes")
    fixed = entry.get("set") or {}
    if not (isinstance(fixed, dict) and all(_scalar(v) for v in fixed.values())):
        reader.add((name, "set"), "expected a mapping of contract column to one value", fixed,
                   "set: {status: active}", QUOTE)
        fixed = {}
    keep = _value_lists(reader, (name, "keep"), entry.get("keep") or {})
    drop = _value_lists(reader, (name, "drop"), entry.get("drop") or {})
    if len(reader.problems) > count:
        return None
    file = glob if isinstance(glob, str) else None  # another value is among the problems
    return FileMapping(rules, file, {str(k): _text(v) for k, v in fixed.items()}, keep, drop)


def load_file_mappings(data_dir: Path) -> dict[str, FileMapping]:
    """Read ``columns.yml`` (none: no mapping); raise a :class:`DataError` for its mistakes.

    Only the file's own shape is checked here; :func:`check_file_mappings` checks names
    against the contracts and the exports.
    """
    path = Path(data_dir) / COLUMN_MAPPING_FILE
    if not path.is_file():
        return {}
    content = read_yaml(path) or {}
    if not isinstance(content, dict):
        raise DataError.single("expected, per file, a mapping of export column to contract "
                               "column", file=path, row=top_line(path.read_text("utf-8")) or 1,
                               value=content, rule="per file, export column: contract column",
                               fix=GUIDE)
    reader = LineProblems(path)
    mappings = {str(name): _file_mapping(reader, str(name), entry)
                for name, entry in content.items()}
    if reader.problems:
        raise DataError(problems=reader.problems)
    return {name: m for name, m in mappings.items() if m is not None}


def export_path(path: Path) -> Path:
    """The file to read for the contract file ``path``: the newest match of its ``file`` glob.

    Newest by modification time, then by name; without a glob, ``path`` itself. Raises a
    :class:`DataError` on columns.yml's line when nothing matches.
    """
    path = Path(path)
    mapping = load_file_mappings(path.parent).get(path.name)
    if mapping is None or mapping.file is None:
        return path
    matches = [p for p in path.parent.glob(mapping.file) if p.is_file()]
    if not matches:
        reader = LineProblems(path.parent / COLUMN_MAPPING_FILE)
        reader.add((path.name, "file"), f"no file in {path.parent} matches '{mapping.file}'",
                   mapping.file, f"the export for {path.name} is in the club data folder",
                   "put the export in the folder, or correct the file name")
        raise DataError(problems=reader.problems)
    return max(matches, key=lambda p: (p.stat().st_mtime, p.name))


def _export_header(path: Path) -> list[str] | None:
    """The export's header (read alone), or None when it cannot be read: its loader says why."""
    try:
        path = export_path(path)
        if path.suffix != ".csv" or not path.is_file():
            return None
        return list(pd.read_csv(path, nrows=0, dtype=str, encoding="utf-8-sig",
                                sep=None, engine="python").columns)
    except (DataError, ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError):
        return None


def check_file_mappings(data_dir: Path, contracts: Mapping[str, Iterable[str]],
                        logs: Iterable[str] = ()) -> dict[str, FileMapping]:
    """Read ``columns.yml`` and check it against the contracts and the exports it names.

    ``contracts`` gives, per file name, the columns of its contract; ``logs`` names the
    log files, whose timestamp may come from a date and a time column. Raises a
    :class:`DataError` listing every problem, each on its line in columns.yml.
    """
    mappings = load_file_mappings(data_dir)
    reader = LineProblems(Path(data_dir) / COLUMN_MAPPING_FILE)
    files, logs = list(contracts), set(logs)
    for name, mapping in mappings.items():
        if name not in contracts:
            reader.add((name,), f"'{name}' is not a file of a club data folder", None,
                       "files: " + ", ".join(files), did_you_mean(name, files)
                       + "rename the entry")
            continue
        _check_entry(reader, Path(data_dir) / name, mapping, list(contracts[name]),
                     name in logs)
    if reader.problems:
        raise DataError(problems=reader.problems)
    return mappings


def _check_entry(reader: LineProblems, path: Path, mapping: FileMapping, known: list[str],
                 log: bool) -> None:
    """Check one file's entry against its contract columns and its export's header."""
    name = path.name
    targets = known + list(LOG_PARTS) if log else known
    where = (name, "columns") if mapping.grown else (name,)
    for export, rule in mapping.columns.items():
        if rule.to not in targets:
            reader.problems.append(Problem(
                f"'{export}' is mapped to '{rule.to}', which is not a column of {name}",
                file=reader.path, row=_node_line(reader.root, where + (export,)), column=name,
                value=rule.to, rule=f"columns of {name}: " + ", ".join(targets),
                fix=did_you_mean(rule.to, targets)
                + "map it to one of those columns, or leave it out"))
        if rule.to in LOG_PARTS and log and not rule.format:
            reader.add(where + (export,), f"'{rule.to}' needs a format", rule.to,
                       "a log's date and time columns are read with a format",
                       f"write {{to: {rule.to}, format: ...}}, e.g. \"%m/%d/%Y\" or \"%H:%M\"")
        dated = DATE_COLUMNS + (TIMESTAMP,) + LOG_PARTS
        if rule.format and rule.to in targets and rule.to not in dated:
            reader.add(where + (export, "format"), f"'{rule.to}' is not a date column",
                       rule.format,
                       "format reads dates: " + ", ".join(c for c in dated if c in targets),
                       "leave out format")
    parts = [r.to for r in mapping.columns.values() if r.to in LOG_PARTS]
    if log and parts and sorted(parts) != sorted(LOG_PARTS):
        reader.add((name, "columns"), "a date column needs a time column, and a time column "
                   "a date column", parts, "date and time make the timestamp",
                   "map both, e.g. {to: date, format: \"%m/%d/%Y\"} and "
                   "{to: time, format: \"%I:%M %p\"}")
    for column in mapping.set:
        if column not in known:
            reader.add((name, "set", column), f"'{column}' is not a column of {name}", column,
                       f"columns of {name}: " + ", ".join(known),
                       did_you_mean(column, known) + "set one of those columns")
        elif column in [r.to for r in mapping.columns.values()]:
            reader.add((name, "set", column), f"'{column}' is both set and mapped from a "
                       "column", column, "a contract column comes from one place",
                       "leave out one of the two")
    if path.suffix == ".parquet" and mapping.grown:
        reader.add((name,), "a Parquet log takes only plain renames", None,
                   "file, format, values, set, keep and drop are for CSV exports",
                   "export the log as CSV, or store its columns ready in the Parquet file")
    header = _export_header(path)
    if header is None:
        return
    folded = [fold(h) for h in header]
    for key in ("keep", "drop"):
        for column in getattr(mapping, key):
            if fold(column) not in folded:
                reader.add((name, key, column), f"the export has no column '{column}'", column,
                           f"{key} names a column of the export", did_you_mean(column, header)
                           + "name a column of the export's header")


def _positions_text(rows: pd.Index) -> str:
    head = ", ".join(str(r) for r in rows[:5])
    return head if len(rows) <= 5 else f"{head} and {len(rows) - 5} more"


def _column(frame: pd.DataFrame, name: str) -> str | None:
    """The frame's header that ``name`` names, after case and space folding."""
    return next((c for c in frame.columns if fold(c) == fold(name)), None)


def _folded(raw: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Codes of a column's distinct values, the values, and them folded (one fold each)."""
    codes, distinct = pd.factorize(raw.fillna(""))
    distinct = pd.Series(distinct, dtype="str")
    return pd.Series(codes, index=raw.index), distinct, distinct.map(fold)


def _filter(frame: pd.DataFrame, mapping: FileMapping) -> tuple[pd.DataFrame, list[str]]:
    """Rows kept by ``keep`` and not dropped by ``drop``; and what left rows out."""
    keep = pd.Series(True, index=frame.index)
    reasons = []
    for key, wanted in (("keep", True), ("drop", False)):
        for name, values in getattr(mapping, key).items():
            column = _column(frame, name)
            if column is None:
                continue
            codes, _, distinct = _folded(frame[column])
            hit = distinct.isin([fold(v) for v in values]).to_numpy()[codes.to_numpy()]
            keep &= hit if wanted else ~hit
            reasons.append(f"{key}: {name} in [{', '.join(values)}]")
    return frame[keep], reasons


def _map_values(frame: pd.DataFrame, column: str, values: dict[str, str], path: Path,
                problems: list[Problem]) -> pd.Series:
    """The column with its values mapped; unmapped values become one problem."""
    codes, written, distinct = _folded(frame[column])
    mapped = distinct.map(values)
    blank = distinct == ""
    unmapped = mapped.isna() & ~blank
    if unmapped.any():
        counts = codes.value_counts()
        listed = sorted(((written[i], int(counts[i])) for i in unmapped[unmapped].index),
                        key=lambda vc: (-vc[1], vc[0]))
        shown = ", ".join(f"'{v}' ({n} row{'s' * (n != 1)})" for v, n in listed[:MAX_UNMAPPED])
        if len(listed) > MAX_UNMAPPED:
            shown += f" and {len(listed) - MAX_UNMAPPED} more"
        problems.append(Problem(f"values not in the column's values map: {shown}", file=path,
                                column=column, rule=f"{COLUMN_MAPPING_FILE} maps every value "
                                f"of '{column}'", fix="add them to values in columns.yml"))
    text = mapped.fillna(written)  # unmapped values stay as written (reported above)
    return pd.Series(text.to_numpy(dtype=object)[codes.to_numpy()], index=frame.index,
                     dtype="str")


def two_digit_years(parsed: pd.Series, reference: pd.Timestamp, *,
                    birth: bool = False) -> pd.Series:
    """Dates read with a two-digit year (``%y``) put in the century the rule gives.

    A date of birth (``birth``) is never after ``reference``: the year is taken in
    ``reference``'s century, or the one before when that would put the date after
    ``reference`` ('7/24/97' is 1997, '3/1/05' 2005, if 1 March 2005 is not after
    ``reference``). Any other date (a join or cancel date, a log's date, which may lie a
    little after the roster date: a future start, the end of a fixed term) is put in the
    hundred years that end :data:`FUTURE_YEARS` years after ``reference``'s year ('1/5/27'
    is 2027 and '6/1/76' 1976 in 2026). Whole columns at once; NaT stays NaT.
    """
    year = parsed.dt.year
    base = reference.year // 100 * 100 + year % 100
    day = reference.normalize()
    if birth:
        stamp = _with_year(parsed, base)
        base = base.where(~(stamp.dt.normalize() > day), base - 100)
    else:
        base = base.where(base <= reference.year + FUTURE_YEARS, base - 100)
    return _with_year(parsed, base)


def _with_year(parsed: pd.Series, year: pd.Series) -> pd.Series:
    """``parsed`` with its year replaced (29 February in a year without one: NaT)."""
    days = pd.to_datetime(pd.DataFrame({"year": year, "month": parsed.dt.month,
                                        "day": parsed.dt.day}), errors="coerce")
    return days + (parsed - parsed.dt.normalize())


def zoned_format(fmt: str) -> bool:
    """True when a date format reads a time zone: its times are instants, read as UTC."""
    return "%z" in fmt or "%Z" in fmt


def _parse(raw: pd.Series, column: str, fmt: str, path: Path, problems: list[Problem],
           reference: pd.Timestamp, birth: bool = False) -> pd.Series:
    """Dates read with ``fmt``; cells that do not fit become one problem on their rows.

    With a two-digit year (``%y``) the century follows :func:`two_digit_years` on
    ``reference`` (``birth``: a date of birth, never after it).
    """
    text = raw.fillna("").str.strip()
    parsed = pd.to_datetime(text.where(text != ""), format=fmt, errors="coerce",
                            utc=zoned_format(fmt))
    if "%y" in fmt:
        parsed = two_digit_years(parsed, reference, birth=birth)
    bad = parsed.isna() & (text != "")
    if bad.any():
        rows = bad[bad].index + 2  # the header is spreadsheet row 1; rows keep their place
        values = text[bad].head(5).tolist()
        problems.append(Problem(f"not a date in the format {fmt}"
                                + (f" ({len(rows)} rows)" if len(rows) > 5 else ""),
                                file=path, row=_positions_text(rows), column=column,
                                value=values[0] if len(rows) == 1 else values,
                                rule=f"{COLUMN_MAPPING_FILE} reads '{column}' as {fmt}",
                                fix=f"correct the cells, or the format in {COLUMN_MAPPING_FILE}"))
    return parsed


def apply_file_mapping(frame: pd.DataFrame, mapping: FileMapping, path: Path,
                       reference: pd.Timestamp | None = None
                       ) -> tuple[pd.DataFrame, list[Problem]]:
    """The export ``frame`` (all text) rewritten as the contract file's text, and problems.

    Rows are left out by ``keep``/``drop`` (a note counts them), values mapped, dates
    written as ISO text, a log's date and time joined into ``timestamp`` and ``set``
    columns added. The frame keeps each row's place in the export, so problems name
    spreadsheet rows. Headers keep the export's names; the loader renames them.
    ``reference`` (default: today) decides the century of two-digit years
    (:func:`two_digit_years`).
    """
    reference = pd.Timestamp.today() if reference is None else pd.Timestamp(reference)
    problems: list[Problem] = []
    total = len(frame)
    frame, reasons = _filter(frame, mapping)
    if len(frame) < total:
        problems.append(Problem(f"{total - len(frame):,} of {total:,} rows left out by "
                                f"{COLUMN_MAPPING_FILE} ({'; '.join(reasons)})", file=path,
                                severity="info"))
    frame = frame.copy()
    parts: dict[str, pd.Series] = {}
    for name, rule in mapping.columns.items():
        column = _column(frame, name)
        if column is None:
            continue
        if rule.values is not None:
            frame[column] = _map_values(frame, column, rule.values, path, problems)
        if rule.format:
            parsed = _parse(frame[column], column, rule.format, path, problems, reference,
                            birth=rule.to == BIRTH_DATE)
            if rule.to in LOG_PARTS:
                parts[rule.to] = parsed
                frame = frame.drop(columns=column)
                continue
            iso = "%Y-%m-%d" if rule.to in DATE_COLUMNS else _ISO[zoned_format(rule.format)]
            frame[column] = parsed.dt.strftime(iso).fillna(frame[column])
    if len(parts) == len(LOG_PARTS):  # a zoned time is in UTC: its clock may pass midnight
        zone = parts["time"].dt.tz
        clock = parts["time"] - pd.Timestamp("1900-01-01", tz=zone)  # strptime's own day
        stamp = (parts["date"].dt.normalize() + clock).dt.strftime(_ISO[zone is not None])
        frame[TIMESTAMP] = stamp.fillna("")
    for column, value in mapping.set.items():
        frame[column] = value
    return frame, problems
