"""Reading the club's event logs (check-ins, equipment usage) from CSV or Parquet, checked once.

A log is one file, ``<stem>.csv`` or ``<stem>.parquet``; both at once is an error, none at all
is fine (the log is optional). CSV goes through :mod:`evaluate.data.validation` like the roster
(encoding, delimiter, did-you-mean for headers, ``columns.yml`` mapping). Parquet is read with
pyarrow: its schema (names and types) is checked before any data is read, then the columns
are read whole and turned into numpy arrays, identifiers into codes over their distinct values.

Why codes: a year of check-ins of 1,000,000 members is about 75 million rows. As Python
strings the member ids alone would take several GiB and every comparison would hash a string;
as int32 codes into one dictionary of the distinct ids they take 4 bytes a row, Parquet stores
them that way already (dictionary encoding), and checking them against the roster hashes each
distinct id once instead of once per row.

Row numbers in messages are spreadsheet rows: the header is row 1, the first data row is row 2.
Parquet has no header, but its rows are numbered the same way, as if the file were exported to
CSV (the first data row is row 2), so a message reads the same whichever format the club uses.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from evaluate.data.club import TIMEZONE_FIX, club_timezone
from evaluate.data.column_mapping import (
    LOG_PARTS,
    FileMapping,
    apply_file_mapping,
    export_path,
    fold,
    load_file_mappings,
    zoned_format,
)
from evaluate.data.validation import (
    COLUMN_MAPPING_FILE,
    MAX_LISTED,
    Findings,
    LeftOutRows,
    _first_long_row,
    _sniff_delimiter,
    check_columns,
    load_column_mapping,
    normalise_name,
    parse_number,
    read_text_table,
    row_list,
)
from evaluate.errors import DataError, Problem, did_you_mean

LOG_SUFFIXES = (".csv", ".parquet")
TIMESTAMP = "timestamp"
TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")  # local time, "T" also accepted
TIMESTAMP_DTYPE = "datetime64[us]"
# A timestamp that ends in a time zone: a clock time, then Z or an offset (+01:00, -0500, +01)
ZONED = r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"
MINUTES_PER_DAY = 1440
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class LogSchema:
    """What one log holds: its file stem, its columns and which of them are ids or numbers."""

    stem: str
    what: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    # Optional columns whose absence beside a column with a close name is an error: the
    # export probably has it under another name (a check-in log's member_id, see _lookalikes)
    lookalike: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        """Every column of the contract, required first."""
        return self.required + self.optional


@dataclass
class LogColumns:
    """A log read into arrays, one entry per data row in file order (before any check)."""

    path: Path
    timestamp: np.ndarray  # datetime64[us] local time; NaT where empty or unreadable
    ids: dict[str, pd.Categorical] = field(default_factory=dict)  # NaN where empty
    numbers: dict[str, np.ndarray] = field(default_factory=dict)  # float64, NaN where empty
    text: dict[str, pd.Series] = field(default_factory=dict)  # cells as written (text only)
    known_prefix: dict[str, int] = field(default_factory=dict)  # leading categories known

    def __len__(self) -> int:
        return len(self.timestamp)


def find_log(data_dir: Path, schema: LogSchema) -> Path | None:
    """The log's file in ``data_dir`` (CSV or Parquet), or None when the club has none.

    Raises a :class:`DataError` when both are present, or the file is too large to read.
    """
    found = [Path(data_dir) / f"{schema.stem}{s}" for s in LOG_SUFFIXES]
    mappings = load_file_mappings(data_dir)  # a file: glob in columns.yml names the export
    found = [p for p in found if p.is_file() or getattr(mappings.get(p.name), "file", None)]
    if len(found) > 1:
        raise DataError.single(f"both {found[0].name} and {found[1].name} are present",
                               file=found[0].parent, rule=f"{schema.what} is one file, CSV or "
                               "Parquet", fix="keep the newer export and remove the other")
    if found:  # too large to read: refused before any reader opens it (evaluate.data.limits)
        from evaluate.data.limits import (
            STREAMED_LOG_CSV_MAX,
            check_csv_size,
            check_parquet_log,
            check_size,
        )

        source = export_path(found[0])
        if found[0].suffix == ".parquet":
            check_parquet_log(source)
        elif streamed(found[0], schema) is not None:
            check_size(source, STREAMED_LOG_CSV_MAX, fix="export a shorter period (the last "
                       "year), or check that this is the right file")
        else:
            check_csv_size(source, found[0].name)
    return found[0] if found else None


def missing_log_warning(data_dir: Path, schema: LogSchema, fallback: str) -> Problem:
    """The warning that a loader attaches when the optional log is absent."""
    return Problem(f"{schema.what} was not found ({schema.stem}.csv or {schema.stem}.parquet)",
                   file=Path(data_dir), rule=f"{schema.what} is optional",
                   fix=f"{fallback}; add the file to use the club's own figures",
                   severity="warning")


def flag_rows(findings: Findings, flags: np.ndarray, value_at: Callable[[int], object],
              column: str, message: str, rule: str, fix: str, severity: str = "error") -> None:
    """Record one problem for every data row where ``flags`` is true (cf. ``Findings.rows``).

    ``value_at(i)`` gives the offending value of data row ``i`` (0-based); only the first few
    are read, so this costs one pass over ``flags`` however long the log is.
    """
    positions = np.flatnonzero(flags)
    if not len(positions):
        return
    rows = (positions[: MAX_LISTED + 1] + 2).tolist()  # the header is spreadsheet row 1
    if findings.row_numbers is not None:  # rows left out by columns.yml keep their place
        rows = findings.row_numbers[positions[: MAX_LISTED + 1]].tolist()
    values = [value_at(int(i)) for i in positions[:MAX_LISTED]]
    shown = row_list(rows[:MAX_LISTED])
    if len(positions) > MAX_LISTED:
        shown = f"{shown} and {len(positions) - MAX_LISTED} more"
        message = f"{message} ({len(positions)} rows)"
    findings.problems.append(Problem(message, file=findings.file, row=shown, column=column,
                                     value=values[0] if len(positions) == 1 else values,
                                     rule=rule, fix=fix, severity=severity))


def read_log(path: Path, schema: LogSchema, findings: Findings,
             known: Mapping[str, pd.Index | None] | None = None) -> LogColumns:
    """Read a log file into arrays; raise a :class:`DataError` if its columns are unusable.

    ``known`` maps an id column to the ids it may hold (e.g. the roster's member ids): the
    Parquet reader then codes ids against them directly; checking happens in
    :func:`check_ids` either way.
    """
    mapping = load_column_mapping(path.parent).get(path.name)
    timezone = club_timezone(path.parent)
    if path.suffix == ".parquet":
        return _read_parquet(path, schema, findings, mapping, known or {}, timezone)
    batched = streamed(path, schema)
    if batched is not None:
        return _read_csv_stream(path, schema, findings, batched, timezone, known or {})
    return _read_csv(path, schema, findings, mapping, timezone)


def parse_timestamps(raw: pd.Series) -> np.ndarray:
    """Local date-times from text; NaT where empty or unreadable.

    Accepts ``YYYY-MM-DD HH:MM`` with optional seconds, and ``T`` between date and time.
    A date alone, or a time-zone offset, does not parse here: :func:`local_timestamps`
    reads zoned timestamps.
    """
    text = raw.where(raw != "").str.replace("T", " ", n=1, regex=False)
    parsed = pd.to_datetime(text, format=TIMESTAMP_FORMATS[0], errors="coerce")
    for fmt in TIMESTAMP_FORMATS[1:]:
        retry = parsed.isna() & text.notna()
        if retry.any():
            parsed = parsed.mask(retry, pd.to_datetime(text[retry], format=fmt, errors="coerce"))
    return parsed.to_numpy(dtype=TIMESTAMP_DTYPE)


def to_local(utc: pd.Series | pd.DatetimeIndex, timezone: str) -> np.ndarray:
    """Instants (tz-aware) as the wall-clock time of ``timezone``, daylight saving included.

    Returned as datetime64[us] without a zone, as the logs hold local times.
    """
    index = pd.DatetimeIndex(utc)
    return index.tz_convert(timezone).tz_localize(None).to_numpy(dtype=TIMESTAMP_DTYPE)


def _rows(flags: np.ndarray) -> str:
    count = int(flags.sum())
    return f"{count:,} row{'s' * (count != 1)}"


def local_timestamps(raw: pd.Series, findings: Findings, timezone: str | None) -> np.ndarray:
    """Timestamps from text as the club's local time; NaT where empty or unreadable.

    A timestamp without a zone is local time already (:func:`parse_timestamps`). One with a
    zone (``2026-03-29T01:30:00Z``, ``+01:00``) is an instant, turned into the wall-clock time
    of the club's ``timezone`` (club.yml). Refused, on their rows: zoned timestamps when
    club.yml names no time zone (which clock they become cannot be told), and a file
    holding both zoned and unzoned timestamps (which clock the unzoned ones follow cannot be
    told). Both are vectorised over the column.
    """
    zoned = raw.str.contains(ZONED, regex=True).to_numpy(dtype=bool)
    if not zoned.any():
        return parse_timestamps(raw)
    text = raw.where(raw != "")
    naive = ~zoned & text.notna().to_numpy()
    stamps = parse_timestamps(raw.where(naive, "")).copy()

    def value(i: int) -> object:
        return raw.iloc[i]

    if naive.any():
        flag_rows(findings, naive, value, TIMESTAMP,
                  f"timestamps with and without a time zone in one file ({_rows(zoned)} "
                  f"with a zone, {_rows(naive)} without)",
                  rule="a log's timestamps all carry a time zone (Z, +01:00), or none does",
                  fix="export the whole log again from one system, every timestamp in the "
                      "same form: which clock the ones without a zone follow cannot be told")
    if timezone is None:
        flag_rows(findings, zoned, value, TIMESTAMP,
                  "timestamp has a time zone, and club.yml names no time zone for the club",
                  rule="zoned timestamps are turned into the club's local time, the "
                       "timezone club.yml names", fix=TIMEZONE_FIX)
    instants = pd.to_datetime(text[zoned].str.strip(), format="ISO8601", utc=True,
                              errors="coerce")
    stamps[zoned] = to_local(instants, timezone or "UTC")  # UTC: refused above, not used
    return stamps


def _categorical(values: np.ndarray | pd.Series) -> pd.Categorical:
    """Identifiers as a categorical over their distinct values; empty text becomes missing."""
    values = pd.Series(values, dtype="str").str.strip()
    return pd.Categorical(values.where(values != ""))


def _lookalikes(schema: LogSchema, found: Iterable[str], extra: list[str],
                findings: Findings, row: int | None = None) -> None:
    """Report a :attr:`LogSchema.lookalike` column that is absent beside a column like it.

    A log that names its member column otherwise is not read as an anonymous log.
    """
    for col in schema.lookalike:
        hint = did_you_mean(col, extra)
        if col not in found and hint:
            findings.add("required column is missing", column=col,
                         rule=f"{col} is optional only when the log has no such column",
                         fix=f"{hint}Rename that column to '{col}', or map it in "
                             f"{COLUMN_MAPPING_FILE}", row=row)


def _read_csv(path: Path, schema: LogSchema, findings: Findings,
              mapping: Mapping[str, str] | None, timezone: str | None) -> LogColumns:
    raw = read_text_table(path, what=schema.what,
                          fix_missing=f"export {schema.what} as {path.name}", findings=findings)
    if "mapping_problems" in raw.attrs:
        findings.row_numbers = raw.index + 2
    frame, extra = check_columns(raw, findings, required=schema.required,
                                 optional=schema.optional, mapping=mapping)
    _lookalikes(schema, frame.columns, extra, findings, row=1)
    findings.raise_errors()
    log = LogColumns(path, local_timestamps(frame[TIMESTAMP], findings, timezone),
                     text={c: frame[c] for c in frame.columns})
    for col in schema.ids:
        if col in frame.columns:
            log.ids[col] = _categorical(frame[col].to_numpy())
    for col in schema.numbers:
        if col in frame.columns:
            log.numbers[col] = parse_number(frame[col]).to_numpy(dtype=float)
    return log


# --- a mapped CSV log read in batches ---------------------------------------------------------
# A club system's check-in export is one row per visit: a year of a 1,000,000-member club is
# 78 million rows, 3 GB of text. Read whole with pandas it would take tens of GiB; read here
# with pyarrow's streaming CSV reader, STREAM_BLOCK_BYTES of text at a time, each batch
# becomes two arrays (member codes, int32, and seconds since 1970, int64) before the next is
# read. Dates, times and filter values are looked up once per distinct value of the batch
# (dictionary-encoded with pyarrow.compute); numeric member ids are looked up as numbers.
# The result is the same LogColumns the whole-file reader gives, with the same problems, so
# every check after it runs unchanged.

STREAM_BLOCK_BYTES = 16 * 2**20  # CSV text parsed per batch
_NAT = np.iinfo(np.int64).min  # NaT: a missing or unreadable timestamp
_EPOCH_1900 = -2_208_988_800  # 1900-01-01, the day strptime gives a time alone, in Unix seconds
# Numeric ids spread over at most this many times as many numbers as there are ids (card
# barcodes issued in sequence) are looked up in a table of that span, 4 bytes a number.
DENSE_IDS_FACTOR = 8


def streamed(path: Path, schema: LogSchema) -> FileMapping | None:
    """The ``columns.yml`` entry of a CSV log read in batches; None when it is read whole.

    Read in batches: a log of ids and a timestamp (the check-in log) exported as CSV and
    mapped by ``columns.yml`` with a date format for its timestamp, or a date and a time
    column, without value maps on those columns.
    """
    if path.suffix != ".csv" or schema.numbers:
        return None
    mapping = load_file_mappings(path.parent).get(path.name)
    if mapping is None or not mapping.grown or set(mapping.set) & set(schema.columns):
        return None
    rules = [r for r in mapping.columns.values() if r.to in (*schema.columns, *LOG_PARTS)]
    dated = {r.to for r in rules if r.format}
    if any(r.values is not None for r in rules) or not (
            TIMESTAMP in dated or set(LOG_PARTS) <= dated):
        return None
    return mapping


def _header_of(rule_name: str, header: list[str]) -> str | None:
    return next((h for h in header if fold(h) == fold(rule_name)), None)


def _folded(values: pa.Array) -> pa.Array:
    """:func:`evaluate.data.column_mapping.fold` of each value, in pyarrow."""
    lowered = pc.utf8_lower(pc.utf8_trim_whitespace(values.cast(pa.string())))
    return pc.replace_substring_regex(lowered, r"[\s\-]+", "_")


def _distinct(column: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """A column's distinct values (trimmed text) and each row's index into them."""
    if not pa.types.is_dictionary(column.type):
        column = pc.dictionary_encode(column)
    values = pc.utf8_trim_whitespace(column.dictionary.cast(pa.string()))
    return values, column.indices.to_numpy(zero_copy_only=False)


@dataclass
class _BadCells:
    """Cells of one export column that do not fit its format: counted, the first few kept."""

    column: str
    fmt: str
    count: int = 0
    rows: list[int] = field(default_factory=list)
    values: list[str] = field(default_factory=list)

    def add(self, flags: np.ndarray, rows: np.ndarray, text: Callable[[int], str]) -> None:
        where = np.flatnonzero(flags)
        self.count += len(where)
        for i in where[:MAX_LISTED - len(self.rows)]:
            self.rows.append(int(rows[i]))
            self.values.append(text(int(i)))

    def problem(self, file: Path) -> Problem:
        shown = ", ".join(str(r) for r in self.rows)
        more = self.count - len(self.rows)
        return Problem(f"not a date in the format {self.fmt}"
                       + (f" ({self.count} rows)" if more else ""), file=file,
                       row=f"{shown} and {more} more" if more else shown, column=self.column,
                       value=self.values[0] if self.count == 1 else self.values,
                       rule=f"{COLUMN_MAPPING_FILE} reads '{self.column}' as {self.fmt}",
                       fix=f"correct the cells, or the format in {COLUMN_MAPPING_FILE}")


def _seconds(column: pa.Array, fmt: str, bad: _BadCells, rows: np.ndarray) -> np.ndarray:
    """Seconds since 1970 of a text column read with ``fmt``; :data:`_NAT` where not one.

    Each distinct value is parsed once; unreadable cells (not blank ones) go to ``bad``.
    """
    values, index = _distinct(column)
    parsed = pc.strptime(values, format=fmt, unit="s", error_is_null=True)
    seconds = parsed.cast(pa.int64()).fill_null(_NAT).to_numpy()
    unreadable = (parsed.is_null().to_numpy(zero_copy_only=False)
                  & pc.not_equal(values, "").to_numpy(zero_copy_only=False))
    if unreadable.any():
        bad.add(unreadable[index], rows, lambda i: values[index[i]].as_py())
    return seconds[index]


def _local_seconds(utc: np.ndarray, timezone: str) -> np.ndarray:
    """Unix seconds of instants as the wall-clock time of ``timezone`` (:data:`_NAT` kept)."""
    stamps = pa.array(utc, pa.timestamp("s", tz=timezone), mask=utc == _NAT)
    return pc.local_timestamp(stamps).cast(pa.int64()).fill_null(_NAT).to_numpy()


class _IdCoder:
    """Member ids of the batches as codes over ``known`` (the roster's ids) then strangers.

    Ids that are whole numbers, as card barcodes are, are looked up as numbers when every
    known id is one written plainly (no leading zero): ten times faster than as text.
    """

    def __init__(self, known: pd.Index | None) -> None:
        self.known = id_index([] if known is None else known)
        self.strangers: dict[str, int] = {}
        plain = self.known.str.fullmatch(r"-?[1-9]\d{0,17}|0")
        self.numbers = (pd.Index(self.known.astype(np.int64)) if len(self.known)
                        and bool(plain.all()) else None)
        self.table, self.low = None, 0
        if self.numbers is not None:  # ids close together: a table, a fifth of hashing's time
            self.low = int(self.numbers.min())
            span = int(self.numbers.max()) - self.low + 1
            if span <= DENSE_IDS_FACTOR * len(self.known):
                self.table = np.full(span, -1, dtype=np.int32)
                self.table[self.numbers.to_numpy() - self.low] = np.arange(len(self.known))

    def _number_codes(self, values: np.ndarray) -> np.ndarray:
        """Positions in ``known`` of ids read as numbers; -1 where not known."""
        assert self.numbers is not None  # asked only of ids read as numbers (see codes)
        if self.table is None:
            return self.numbers.get_indexer(values).astype(np.int32)
        at = values - self.low
        inside = (at >= 0) & (at < len(self.table))
        codes = np.full(len(values), -1, dtype=np.int32)
        codes[inside] = self.table[at[inside]]
        return codes

    def _stranger_codes(self, texts: Iterable[str]) -> np.ndarray:
        start = len(self.known)
        return np.array([self.strangers.setdefault(v, start + len(self.strangers))
                         for v in texts], dtype=np.int32)

    def codes(self, column: pa.Array) -> np.ndarray:
        """Codes of one batch's ids (-1 where blank)."""
        column = column.cast(pa.string())
        # "007" is not the known id "7": a batch with a leading zero is looked up as text
        if self.numbers is not None and not pc.any(pc.starts_with(column, "0")).as_py():
            try:
                values = pc.cast(column, pa.int64()).to_numpy(zero_copy_only=False)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                values = None  # a blank or a text id in this batch: looked up as text
            if values is not None:
                codes = self._number_codes(values)
                unknown = codes < 0
                if unknown.any():
                    distinct, at = np.unique(values[unknown], return_inverse=True)
                    codes[unknown] = self._stranger_codes(distinct.astype(str))[at]
                return codes
        values, index = _distinct(column)
        lookup = known_positions(values, self.known).astype(np.int32)
        blank = pc.equal(values, "").to_numpy(zero_copy_only=False)
        unknown = (lookup < 0) & ~blank
        if unknown.any():
            lookup[unknown] = self._stranger_codes(
                values.filter(pa.array(unknown)).to_pylist())
        lookup[blank] = -1
        return lookup[index]

    def categories(self) -> pd.Index:
        return (self.known.append(pd.Index(list(self.strangers), dtype="str"))
                if self.strangers else self.known)


def _csv_errors(source: Path, delimiter: str, exc: pa.ArrowException) -> DataError:
    """The whole-file reader's words for what stopped pyarrow reading the export."""
    from evaluate.data.yaml_files import undecodable_line

    if "UTF8" in str(exc) or "UTF-8" in str(exc):
        return DataError.single("not UTF-8 text", file=source, row=undecodable_line(source),
                                rule=f"{source.name} is UTF-8 encoded",
                                fix="save it again as 'CSV UTF-8' from your spreadsheet")
    return DataError.single(f"a row does not fit the header ({exc})", file=source,
                            row=_first_long_row(source, delimiter),
                            rule="every row has as many fields as the header",
                            fix="look for stray separators or quotes in that row")


def _read_csv_stream(path: Path, schema: LogSchema, findings: Findings, mapping: FileMapping,
                     timezone: str | None, known: Mapping[str, pd.Index | None]) -> LogColumns:
    """Read a mapped CSV log in batches (see :func:`streamed`) into a :class:`LogColumns`.

    The same columns, rows and problems as :func:`_read_csv` of the same export, with
    bounded memory: about 12 bytes a row in the end, one batch of text at a time.
    """
    source = export_path(path)
    delimiter = _sniff_delimiter(source)
    with source.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        header = next(csv.reader(handle, delimiter=delimiter), [])  # bad bytes: pyarrow says
    findings.file = source
    shell, _ = apply_file_mapping(pd.DataFrame(columns=header, dtype="str"), mapping, source)
    frame, extra = check_columns(shell, findings, required=schema.required,
                                 optional=schema.optional, mapping=mapping.renames)
    _lookalikes(schema, frame.columns, extra, findings, row=1)
    findings.raise_errors()
    renames = {normalise_name(k): v for k, v in mapping.renames.items()}
    id_headers = {c: h for h in header for c in schema.ids
                  if renames.get(normalise_name(h), normalise_name(h)) == c}
    formats = {r.to: (h, r.format) for name, r in mapping.columns.items()
               if r.format and r.to in (TIMESTAMP, *LOG_PARTS)
               and (h := _header_of(name, header)) is not None}
    filters = [(key, name, _header_of(name, header), values)
               for key in ("keep", "drop") for name, values in getattr(mapping, key).items()]
    filters = [f for f in filters if f[2] is not None]
    # All text: dictionary-encoding a parsed batch is faster than the reader's own (measured)
    types = {h: pa.string() for h in [*id_headers.values(), *(h for h, _ in formats.values()),
                                       *(h for *_, h, _ in filters)]}
    coders = {c: _IdCoder(known.get(c)) for c in id_headers}
    bad = {part: _BadCells(h, fmt) for part, (h, fmt) in formats.items()}
    zoned = any(zoned_format(fmt) for _, fmt in formats.values())
    codes: dict[str, list[np.ndarray]] = {c: [] for c in id_headers}
    stamps, left_out = [], []
    read = 0  # data rows of the export read so far
    try:
        reader = pacsv.open_csv(
            source, read_options=pacsv.ReadOptions(block_size=STREAM_BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(types), column_types=types, strings_can_be_null=False,
                quoted_strings_can_be_null=False))
        for batch in reader:
            rows = np.arange(read + 2, read + 2 + batch.num_rows)  # spreadsheet rows
            keep = np.ones(batch.num_rows, dtype=bool)
            for key, _, column, values in filters:
                distinct, index = _distinct(batch.column(column))
                hit = pc.is_in(_folded(distinct), value_set=pa.array(
                    [fold(v) for v in values])).to_numpy(zero_copy_only=False)[index]
                keep &= hit if key == "keep" else ~hit
            if not keep.all():
                left_out.append(np.flatnonzero(~keep) + read)
                batch, rows = batch.filter(pa.array(keep)), rows[keep]
            read += len(keep)
            parsed = {part: _seconds(batch.column(h), fmt, bad[part], rows)
                      for part, (h, fmt) in formats.items()}
            if TIMESTAMP in parsed:
                seconds = parsed[TIMESTAMP]
            else:
                day, clock = parsed["date"], parsed["time"]
                missing = (day == _NAT) | (clock == _NAT)
                seconds = day // 86_400 * 86_400 + (clock - _EPOCH_1900)
                seconds[missing] = _NAT
            if zoned and timezone is not None:
                seconds = _local_seconds(seconds, timezone)
            stamps.append(seconds)
            for c, h in id_headers.items():
                codes[c].append(coders[c].codes(batch.column(h)))
    except pa.ArrowException as exc:
        raise _csv_errors(source, delimiter, exc) from exc
    if left_out:
        total = read
        left = sum(len(x) for x in left_out)
        reasons = "; ".join(f"{key}: {name} in [{', '.join(values)}]"
                            for key, name, _, values in filters)
        findings.problems.append(Problem(f"{left:,} of {total:,} rows left out by "
                                         f"{COLUMN_MAPPING_FILE} ({reasons})", file=source,
                                         severity="info"))
        findings.row_numbers = LeftOutRows(np.concatenate(left_out))
    findings.problems.extend(b.problem(source) for b in bad.values() if b.count)
    seconds = np.concatenate(stamps) if stamps else np.empty(0, dtype=np.int64)
    del stamps
    missing = seconds == _NAT
    np.multiply(seconds, 1_000_000, out=seconds)  # seconds -> microseconds, in place
    seconds[missing] = _NAT
    log = LogColumns(path, seconds.view(TIMESTAMP_DTYPE))
    if zoned and timezone is None:
        flag_rows(findings, ~missing, lambda i: str(pd.Timestamp(log.timestamp[i])) + " UTC",
                  TIMESTAMP, "timestamp has a time zone, and club.yml names no time zone "
                  "for the club", rule="zoned timestamps are turned into the club's local "
                  "time, the timezone club.yml names", fix=TIMEZONE_FIX)
    for c, coder in coders.items():
        joined = np.concatenate(codes[c]) if codes[c] else np.empty(0, dtype=np.int32)
        log.ids[c] = pd.Categorical.from_codes(joined, categories=coder.categories())
        if known.get(c) is not None:
            log.known_prefix[c] = len(coder.known)
    return log


def _parquet_columns(path: Path, schema: LogSchema, findings: Findings,
                     mapping: Mapping[str, str] | None) -> tuple[dict[str, str], pa.Schema]:
    """Map the file's column names onto the contract's; report missing and repeated ones."""
    try:
        arrow_schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataError.single(f"not a readable Parquet file ({exc})", file=path,
                               rule=f"{schema.what} is CSV or Parquet",
                               fix="export it again, or as CSV") from exc
    mapping = {normalise_name(k): v for k, v in (mapping or {}).items()}
    source: dict[str, str] = {}
    extra = []
    for name in arrow_schema.names:
        contract = mapping.get(normalise_name(name), normalise_name(name))
        if contract in source:
            findings.add("column appears more than once", column=contract,
                         rule="each column once", fix="delete or rename the extra column")
        elif contract in schema.columns:
            source[contract] = name
        else:
            extra.append(name)
    for col in schema.required:
        if col not in source:
            hint = did_you_mean(col, extra)
            fix = (f"{hint}Rename that column to '{col}', or map it in {COLUMN_MAPPING_FILE}"
                   if hint else f"add a column '{col}' (see data/README.md)")
            findings.add("required column is missing", column=col,
                         rule="required columns: " + ", ".join(schema.required), fix=fix)
    _lookalikes(schema, source, extra, findings)
    return source, arrow_schema


def _type_problem(col: str, kind: str, dtype: pa.DataType,
                  timezone: str | None = None) -> tuple[str, str, str] | None:
    """(message, rule, fix) when a Parquet column's type cannot hold this kind of value.

    A time-zone-aware timestamp is refused only when ``timezone`` (the club's) is None.
    """
    text = pa.types.is_string(dtype) or pa.types.is_large_string(dtype)
    if pa.types.is_dictionary(dtype):
        dtype, text = dtype.value_type, pa.types.is_string(dtype.value_type)
    if kind == "timestamp":
        if pa.types.is_timestamp(dtype) and dtype.tz is not None and timezone is None:
            return (f"time-zone-aware timestamps ({dtype.tz}), and club.yml names no time "
                    "zone for the club", "zoned timestamps are turned into the club's local "
                    "time, the timezone club.yml names", TIMEZONE_FIX)
        if not (pa.types.is_timestamp(dtype) or text):
            return (f"type {dtype} is not a date-time", f"{col} is a timestamp, or text "
                    "like 2026-03-02 18:05", f"store {col} as a timestamp")
    elif kind == "id" and not (text or pa.types.is_integer(dtype)):
        return (f"type {dtype} is not an identifier", f"{col} is text or a whole number",
                f"store {col} as text")
    elif kind == "number" and not (text or pa.types.is_integer(dtype)
                                   or pa.types.is_floating(dtype)):
        return (f"type {dtype} is not a number", f"{col} is a number",
                f"store {col} as a number")
    return None


def parquet_source(path: Path, schema: LogSchema) -> tuple[dict[str, str], pa.Schema] | None:
    """The file's column for each contract column of a Parquet log, and the file's schema.

    None when the columns have a problem (a missing, repeated or mistyped column, or an
    unreadable file): :func:`read_log` then says which, with every detail. Only the schema
    is read. Names go through the folder's ``columns.yml`` as in :func:`read_log`.
    """
    findings = Findings(path)
    try:
        source, arrow_schema = _parquet_columns(
            path, schema, findings, load_column_mapping(path.parent).get(path.name))
    except DataError:
        return None
    kinds = {c: "id" if c in schema.ids else "number" if c in schema.numbers else "timestamp"
             for c in source}
    zone = club_timezone(path.parent)
    if findings.problems or any(_type_problem(c, kind, arrow_schema.field(source[c]).type, zone)
                                for c, kind in kinds.items()):
        return None
    return source, arrow_schema


def id_index(known: pd.Index | Sequence[str]) -> pd.Index:
    """Known ids as a unique text index, the categories id columns are coded against.

    A text index is kept as it is, so that its hash table (a roster of a million ids takes
    a tenth of a second to hash) is built once for every log checked against it.
    """
    if not (isinstance(known, pd.Index) and known.dtype == "str"):
        known = pd.Index(known, dtype="str")
    return known if known.is_unique else known.drop_duplicates()


def known_positions(values: pa.Array, known: pd.Index) -> np.ndarray:
    """Each id's position in ``known`` (unique text, see :func:`id_index`); -1 where absent.

    Looked up in the index's own hash table, built once per index however many logs and
    dictionaries are checked against it (``pyarrow.compute.index_in`` would hash the
    roster again on every call).
    """
    return known.get_indexer(pd.Index(values.to_pandas(), dtype="str")).astype(np.int64)


def _dictionary_codes(column: pa.ChunkedArray,
                      known: pd.Index | None) -> tuple[pd.Categorical, int]:
    """Identifiers as int32 codes, looking up each distinct dictionary once, not each row.

    Returns the codes as a categorical and how many leading categories are ``known`` (the
    roster's ids, in order; any other id follows them), or the log's own distinct ids when
    ``known`` is None (0 known). Values are trimmed and empty ones become missing. Chunks that
    share a dictionary (those of a row group, and every row group of a file written by
    :func:`evaluate.data.demo.write_log`) share one lookup; a plain-encoded column is
    dictionary-encoded chunk by chunk first, slower but still vectorised.
    """
    if not pa.types.is_dictionary(column.type):
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            column = column.cast(pa.string())
        column = column.dictionary_encode()
    slots: dict[tuple[int, ...], int] = {}  # dictionary buffers -> position in `dictionaries`
    dictionaries: list[pa.Array] = []
    chunk_slot: list[int] = []
    for chunk in column.chunks:
        key = (*(b.address if b is not None else 0 for b in chunk.dictionary.buffers()),
               chunk.dictionary.offset, len(chunk.dictionary))
        if key not in slots:
            slots[key] = len(dictionaries)
            dictionaries.append(chunk.dictionary.cast(pa.string()))
        chunk_slot.append(slots[key])
    values = pc.utf8_trim_whitespace(pa.chunked_array(dictionaries, pa.string()))
    values = pc.if_else(pc.equal(values, ""), pa.scalar(None, pa.string()), values)
    values = values.combine_chunks()
    if known is None:
        encoded = values.dictionary_encode()
        lookup = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        categories, prefix = pd.Index(encoded.dictionary.to_pandas(), dtype="str"), 0
    else:
        prefix = len(known)
        lookup = known_positions(values, known)  # writable: unknown ids are filled in below
        unknown = (lookup < 0) & values.is_valid().to_numpy(zero_copy_only=False)
        strangers = values.filter(pa.array(unknown))
        extra = pc.unique(strangers)
        lookup[unknown] = prefix + pc.index_in(strangers, value_set=extra).to_numpy()
        categories = known.append(pd.Index(extra.to_pandas(), dtype="str")) if len(
            extra) else known  # the same index: its uniqueness is known already
    bounds = np.cumsum([0] + [len(d) for d in dictionaries])
    tables = [np.append(lookup[bounds[i]:bounds[i + 1]], -1).astype(np.int32)
              for i in range(len(dictionaries))]
    codes = np.empty(len(column), dtype=np.int32)
    at = 0
    for chunk, slot in zip(column.chunks, chunk_slot, strict=True):
        indices = chunk.indices.fill_null(-1).to_numpy()  # -1 picks the "missing" entry
        codes[at:at + len(chunk)] = tables[slot][indices]
        at += len(chunk)
    return pd.Categorical.from_codes(codes, categories=categories), prefix


def _timestamps(column: pa.ChunkedArray, timezone: str | None = None) -> np.ndarray:
    """A timestamp column as datetime64[us] (NaT where null), filled chunk by chunk.

    Chunk by chunk so that peak memory stays one column plus one chunk, not three columns.
    A time-zone-aware column becomes the wall-clock time of ``timezone`` (the club's).
    """
    out = np.empty(len(column), dtype=TIMESTAMP_DTYPE)
    ticks = out.view(np.int64)
    scale = {"s": 1_000_000, "ms": 1_000, "us": 1, "ns": None}[column.type.unit]
    if column.type.tz is not None:
        zone = pa.timestamp(column.type.unit, tz=timezone)
        column = pc.local_timestamp(column.cast(zone))
    at = 0
    for chunk in column.chunks:
        if scale is None or chunk.null_count:
            chunk = chunk.cast(pa.timestamp("us")).fill_null(np.iinfo(np.int64).min)
            ticks[at:at + len(chunk)] = chunk.cast(pa.int64()).to_numpy()
        else:
            np.multiply(chunk.cast(pa.int64()).to_numpy(), scale, out=ticks[at:at + len(chunk)])
        at += len(chunk)
    return out


def _read_parquet(path: Path, schema: LogSchema, findings: Findings,
                  mapping: Mapping[str, str] | None,
                  known: Mapping[str, pd.Index | None], timezone: str | None) -> LogColumns:
    source, arrow_schema = _parquet_columns(path, schema, findings, mapping)
    kinds = {c: "id" if c in schema.ids else "number" if c in schema.numbers else "timestamp"
             for c in source}
    for col, kind in kinds.items():
        problem = _type_problem(col, kind, arrow_schema.field(source[col]).type, timezone)
        if problem:
            message, rule, fix = problem
            findings.add(message, column=col, rule=rule, fix=fix)
    findings.raise_errors()
    strings = [source[c] for c in schema.ids if c in source
               and pa.types.is_string(arrow_schema.field(source[c]).type)]
    try:
        table = pq.read_table(path, columns=list(source.values()), read_dictionary=strings)
    except (pa.ArrowException, OSError) as exc:
        raise DataError.single(f"the Parquet file cannot be read ({exc})", file=path,
                               rule=f"{schema.what} is CSV or Parquet",
                               fix="export it again, or as CSV") from exc
    columns = {c: table.column(name) for c, name in source.items()}
    del table  # the arrays below replace it column by column
    log = LogColumns(path, np.empty(0, dtype=TIMESTAMP_DTYPE))
    stamps = columns.pop(TIMESTAMP)
    if pa.types.is_timestamp(stamps.type):
        log.timestamp = _timestamps(stamps, timezone)
    else:
        log.text[TIMESTAMP] = pd.Series(stamps.fill_null("").to_pandas(), dtype="str")
        log.timestamp = local_timestamps(log.text[TIMESTAMP].str.strip(), findings, timezone)
    del stamps
    for col, values in columns.items():
        if col in schema.ids:
            ids = known.get(col)
            log.ids[col], log.known_prefix[col] = _dictionary_codes(
                values, None if ids is None else id_index(ids))
        elif pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            log.text[col] = pd.Series(values.fill_null("").to_pandas(), dtype="str").str.strip()
            log.numbers[col] = parse_number(log.text[col]).to_numpy(dtype=float)
        else:
            log.numbers[col] = values.cast(pa.float64()).to_numpy()
    return log


def value_reader(log: LogColumns, column: str) -> Callable[[int], object]:
    """A function giving the value of ``column`` in data row ``i`` as the file holds it."""
    if column in log.text:
        return lambda i: log.text[column].iloc[i]
    if column in log.ids:
        return lambda i: log.ids[column][i]
    if column in log.numbers:
        return lambda i: float(log.numbers[column][i])
    return lambda i: str(pd.Timestamp(log.timestamp[i]))


def check_timestamps(log: LogColumns, findings: Findings, as_of: pd.Timestamp) -> None:
    """Report empty or unreadable timestamps, and timestamps after the day ``as_of``."""
    missing = np.isnat(log.timestamp)
    raw = log.text.get(TIMESTAMP)
    blank = missing if raw is None else missing & (raw == "").to_numpy()
    flag_rows(findings, blank, lambda i: "", TIMESTAMP, "timestamp is missing",
              rule="every row has a timestamp", fix="fill in the date and time, or remove the row")
    if raw is not None:
        flag_rows(findings, missing & ~blank, value_reader(log, TIMESTAMP), TIMESTAMP,
                  "not a local date-time in YYYY-MM-DD HH:MM form",
                  rule="timestamp is local time, e.g. 2026-03-02 18:05 (seconds allowed), "
                       "or an instant with its zone, e.g. 2026-03-02T18:05Z or +01:00",
                  fix="export date and time in ISO form, with the zone the system gives "
                      "(club.yml's timezone then says the club's clock)")
    limit = np.datetime64(as_of.normalize() + pd.Timedelta(days=1), "us")
    flag_rows(findings, log.timestamp >= limit, value_reader(log, TIMESTAMP), TIMESTAMP,
              "timestamp in the future",
              rule=f"timestamps are no later than {as_of.date()}",
              fix="check the year and the clock of the system that exported the log")


def check_ids(log: LogColumns, findings: Findings, column: str, known: pd.Index | None,
              what: str, where: str, required: bool = True) -> pd.Categorical | None:
    """Report missing ids and ids outside ``known``; return the ids recoded onto ``known``.

    With ``known`` None only missing ids are checked and the categories are the log's own.
    ``where`` names the file that lists the known ids (for the message).
    """
    ids = log.ids.get(column)
    if ids is None:
        return None
    codes = ids.codes
    if required:
        flag_rows(findings, codes < 0, lambda i: "", column, f"{column} is missing",
                  rule=f"every row names a {what}", fix=f"fill in the {column}")
    if known is None:
        return ids
    prefix = log.known_prefix.get(column)
    if prefix is not None:  # coded against `known` while reading: known ids come first
        unknown = codes >= prefix
        recoded = ids if prefix == len(ids.categories) else pd.Categorical.from_codes(
            np.where(unknown, -1, codes), categories=ids.categories[:prefix])
    else:
        known = id_index(known)
        position = np.append(known.get_indexer(ids.categories), -1).astype(np.int32)
        unknown = (codes >= 0) & (position[codes] < 0)
        recoded = pd.Categorical.from_codes(position[codes], categories=known)
    flag_rows(findings, unknown, value_reader(log, column), column,
              f"unknown {what}", rule=f"every {column} is listed in {where}",
              fix=f"add the {what} to {where}, or correct the id")
    return recoded


def as_of_date(as_of: object) -> pd.Timestamp:
    """The day after which timestamps count as future: ``as_of``, or today when None."""
    return pd.Timestamp.now().normalize() if as_of is None else pd.Timestamp(as_of).normalize()


def local_minutes(timestamps: pd.Series) -> np.ndarray:
    """Minutes since 1970-01-01 00:00 local time (int64), the unit the aggregations count in."""
    return timestamps.to_numpy(dtype=TIMESTAMP_DTYPE).view(np.int64) // 60_000_000


def weekday_hour(minutes: np.ndarray) -> np.ndarray:
    """Hour of the week (0 = Monday 0:00-1:00, 167 = Sunday 23:00) of local minutes."""
    return (minutes // 60 + 72) % 168  # 1970-01-01 00:00 was Thursday, hour 72 of its week


def weekday_counts(first_day: int, last_day: int) -> np.ndarray:
    """How many Mondays ... Sundays the days ``first_day``-``last_day`` (inclusive) contain."""
    days = np.arange(first_day, last_day + 1)
    return np.bincount((days + 3) % 7, minlength=7)  # 1970-01-01 was a Thursday
