"""Reading a club's files and reporting every problem in them at once.

Each loader (members, equipment, check-ins, ...) reads its file as text with
:func:`read_text_table`, maps and checks its header with :func:`check_columns`,
parses columns with the ``parse_*`` helpers and records each broken rule with
:meth:`Findings.rows`: one :class:`~evaluate.errors.Problem` per rule, naming the
file, the spreadsheet rows (the header is row 1), the column, the offending
values, the rule and the fix. Errors stop a build; warnings (a few ages missing)
are reported and the build goes on.

Why not pandera: its lazy validation collects failures well, but a value that
cannot be coerced makes the later checks of that column fail with a TypeError
instead of a failure case (seen with pandera 0.35: ``in_range`` on a column
where "x" failed to coerce), and its failure cases carry no spreadsheet row or
fix. The checks here are vectorised pandas expressions, parse first and check
the parsed values, which keeps the messages exact and 1,000,000 rows fast.
"""

from __future__ import annotations

import csv
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Unpack

import numpy as np
import pandas as pd

from evaluate.data.club import readable_club
from evaluate.data.column_mapping import (
    COLUMN_MAPPING_FILE,
    apply_file_mapping,
    check_file_mappings,
    export_path,
    load_file_mappings,
)
from evaluate.data.yaml_files import undecodable_line
from evaluate.errors import DataError, Location, Problem, did_you_mean

MAX_LISTED = 5  # rows quoted per problem; the rest are counted
MAX_DISTINCT = 20  # distinct bad values listed per problem, each counted; then "and N more"


def row_list(rows: list[int]) -> int | str:
    """Spreadsheet row numbers as one number, or a short list with a count of the rest."""
    if len(rows) == 1:
        return rows[0]
    head = ", ".join(str(r) for r in rows[:MAX_LISTED])
    return head if len(rows) <= MAX_LISTED else f"{head} and {len(rows) - MAX_LISTED} more"


def counted(values: pd.Series) -> str:
    """Each distinct value with its row count, most first ('' is "blank").

    The first :data:`MAX_DISTINCT` are listed, then how many more there are.
    """
    counts = values.astype(str).value_counts().rename_axis("value").reset_index(name="n")
    counts = counts.sort_values(["n", "value"], ascending=[False, True])
    shown = ", ".join(f"{repr(v) if v else 'blank'} ({n} row{'s' * (n != 1)})"
                      for v, n in counts.head(MAX_DISTINCT).itertuples(index=False))
    more = len(counts) - MAX_DISTINCT
    return shown + (f" and {more} more" if more > 0 else "")


@dataclass(frozen=True)
class LeftOutRows:
    """Spreadsheet rows of the rows kept, told from the rows ``columns.yml`` left out.

    Indexed like ``Findings.row_numbers``, by positions among the kept rows; holds only the
    left-out rows' 0-based positions in the export (sorted), not one number per kept row,
    so a log of tens of millions of rows read in batches needs no index of them.
    """

    left_out: np.ndarray

    def __getitem__(self, kept: np.ndarray) -> np.ndarray:
        shifted = self.left_out - np.arange(len(self.left_out))  # kept rows before each one
        kept = np.asarray(kept, dtype=np.int64)
        return kept + 2 + np.searchsorted(shifted, kept, side="right")


@dataclass
class Findings:
    """The problems found in one file: errors stop a build, warnings are reported."""

    file: Path
    problems: list[Problem] = field(default_factory=list)
    # Spreadsheet row of each data row when columns.yml left rows out (logs, read as arrays)
    row_numbers: pd.Index | LeftOutRows | None = None

    @property
    def errors(self) -> list[Problem]:
        """Problems that make the data unusable."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth knowing that do not stop a build."""
        return [p for p in self.problems if p.severity != "error"]

    def add(self, message: str, **where: Unpack[Location]) -> None:
        """Record one problem in this file."""
        self.problems.append(Problem(message, file=self.file, **where))

    def rows(self, bad: pd.Series, raw: pd.Series, column: str, message: str, rule: str,
             fix: str, severity: str = "error") -> None:
        """Record one problem covering every row where ``bad`` is true."""
        flags = bad.fillna(False).to_numpy(dtype=bool)
        if not flags.any():
            return
        positions = flags.nonzero()[0]
        # The header is spreadsheet row 1; rows left out by columns.yml keep their place.
        rows = [int(i) + 2 for i in raw.index[positions]]
        if len(rows) > MAX_LISTED:
            message = f"{message} ({len(rows)} rows)"
        if len(rows) > 1:
            message = f"{message}: {counted(raw.iloc[positions])}"
        self.problems.append(Problem(message, file=self.file, row=row_list(rows), column=column,
                                     value=raw.iloc[positions[0]] if len(rows) == 1 else None,
                                     rule=rule, fix=fix, severity=severity))

    def raise_errors(self) -> None:
        """Raise a :class:`DataError` listing every error, if there is any."""
        if self.errors:
            raise DataError(problems=self.errors)


def normalise_name(name: str) -> str:
    """Header spelling the loaders accept: ``' Birth Year '`` -> ``'birth_year'``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


DELIMITERS = {",": "','", ";": "';'", "\t": "tabs"}  # read; as named in messages
STRAY = {",": "commas", ";": "semicolons", "\t": "tabs"}
# In a ';' file, a point before groups of three digits groups thousands ("1.234,50",
# "1.234"); a leading 0 ("0.125") is a decimal point, as are other points ("49.90").
_THOUSANDS_DOTS = r"[-+]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?"
_DECIMAL_COMMA = r"[-+]?\d*,\d+"


def _first_long_row(path: Path, delimiter: str) -> int | None:
    """Spreadsheet row number of the first row with more fields than the header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle, delimiter=delimiter)
        width = len(next(rows, []))
        for number, row in enumerate(rows, start=2):
            if len(row) > width:
                return number
    return None


def _sniff_delimiter(path: Path) -> str:
    """The delimiter of the header line: ',', ';' or tab; ',' when it has one column.

    Quoted names are left out (a quoted name may hold any character). A header with more
    than one of them, or with '|' alone, is refused: which one separates the columns
    cannot be told, or is not one the suite reads.
    """
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline()
    bare = re.sub(r'"[^"]*"', "", header)
    found = [d for d in DELIMITERS if d in bare]
    if len(found) == 1:
        return found[0]
    named = " and ".join(DELIMITERS[d] for d in found)
    if len(found) > 1:
        raise DataError.single(
            f"the header holds both {named}: which one separates the columns cannot be told",
            file=path, row=1, rule="one separator between columns: ',', ';' or tabs",
            fix="export the file again with one separator, or quote a column name that "
                "holds a comma or a semicolon")
    if "|" in bare:
        raise DataError.single(
            "the columns are separated by '|', which is not read", file=path, row=1,
            rule="columns separated by ',', ';' or tabs",
            fix="export as CSV (in a spreadsheet: 'CSV UTF-8 (comma delimited)')")
    return ","


def two_digit_reference(data_dir: Path) -> pd.Timestamp:
    """The day two-digit years are placed against: ``club.yml``'s ``export_date``, or today.

    The roster date is not known before the files are read; the export date is, when the
    club gives it, and otherwise no date of birth or visit lies after today.
    """
    club = readable_club(data_dir)
    if club is not None and club.export_date is not None:
        return pd.Timestamp(club.export_date)
    return pd.Timestamp.today().normalize()


def read_text_table(path: Path, *, what: str, fix_missing: str,
                    findings: Findings | None = None) -> pd.DataFrame:
    """Read a CSV file with every cell as text; raise a :class:`DataError` saying why not.

    ``what`` names the file's content for messages ("the member roster"), and
    ``fix_missing`` says what to do when the file is absent. The columns may be separated
    by ',', ';' or tabs, as the header line shows; the one found is in
    ``frame.attrs["delimiter"]``, and when it is not ',' a note saying so is added to
    ``findings``. In a ';' file numbers have a decimal comma: :func:`parse_number` reads
    them so. When the folder's ``columns.yml`` maps this file from an export, the export is
    read and rewritten (:func:`evaluate.data.column_mapping.apply_file_mapping`); what that
    found is in ``frame.attrs["mapping_problems"]``, which :func:`check_columns` records (and
    the file read in ``frame.attrs["export"]``, which later problems name).
    """
    mapping = load_file_mappings(path.parent).get(path.name)
    if mapping is not None and mapping.grown:
        source = export_path(path)
        raw = _read_text_table(source, what, fix_missing, findings, path.name)
        frame, problems = apply_file_mapping(raw, mapping, source,
                                             reference=two_digit_reference(path.parent))
        frame.attrs["mapping_problems"] = problems
        frame.attrs["export"] = source
        frame.attrs["delimiter"] = raw.attrs["delimiter"]  # how its numbers are written
        return frame
    return _read_text_table(path, what, fix_missing, findings)


def _read_text_table(path: Path, what: str, fix_missing: str,
                     findings: Findings | None, name: str | None = None) -> pd.DataFrame:
    if not path.is_file():
        raise DataError.single(f"{path.name} not found in {path.parent}", file=path,
                               rule=f"{what} is in the club data folder", fix=fix_missing)
    from evaluate.data.limits import check_csv_size

    check_csv_size(path, name)  # before pandas reads it whole (name: the contract file's)
    delimiter = _sniff_delimiter(path)
    frame = _read_with_pyarrow(path, delimiter)
    if frame is None:
        frame = _read_with_c_parser(path, delimiter, what)
    mixed = _delimiter_error(path, delimiter)
    if mixed:
        raise mixed
    frame.attrs["delimiter"] = delimiter
    if delimiter != "," and findings is not None:
        decimal = (", and numbers with a decimal comma ('1.234,50' is 1234.5)"
                   if delimiter == ";" else "")
        findings.add(f"read with {DELIMITERS[delimiter]} between columns{decimal}", row=1,
                     rule="columns separated by ',', ';' or tabs", severity="info")
    return frame


def _read_with_pyarrow(path: Path, delimiter: str) -> pd.DataFrame | None:
    """The file read whole by pyarrow's CSV reader, or None when pyarrow cannot read it.

    pyarrow reads a 1,000,000-member roster about five times as fast as pandas' C parser, in
    three quarters of the memory (``bench/csv_engine.py``). It stops at anything it does not
    read (bad UTF-8, a row with more or fewer fields than the header, a line break inside a
    quoted value, an empty file): then :func:`_read_with_c_parser` reads the file again,
    which either accepts it as before (short rows, quoted line breaks) or words the error
    with the file and row. Both give the same text in every cell.
    """
    import pyarrow as pa

    try:
        return pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False,
                           encoding="utf-8-sig", engine="pyarrow")
    except (pa.ArrowException, pd.errors.ParserError, ValueError):
        return None


def _read_with_c_parser(path: Path, delimiter: str, what: str) -> pd.DataFrame:
    """The file read whole by pandas' C parser, or a DataError naming the file, row and fix."""
    try:
        with warnings.catch_warnings():  # more fields than the header: an error, not a warning
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False,
                               encoding="utf-8-sig", index_col=False)
    except UnicodeDecodeError as exc:
        raise DataError.single(f"not UTF-8 text ({exc.reason})", file=path,
                               row=undecodable_line(path), rule=f"{path.name} is UTF-8 encoded",
                               fix="save it again as 'CSV UTF-8' from your spreadsheet") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError.single("the file is empty", file=path, row=1,
                               rule="a header row and data",
                               fix=f"export {what} again") from exc
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        mixed = _delimiter_error(path, delimiter)
        if mixed:  # ',' between names, ';' and decimal commas in the rows: not stray commas
            raise mixed from exc
        raise DataError.single("a row has more fields than the header", file=path,
                               row=_first_long_row(path, delimiter),
                               rule="every row has as many fields as the header",
                               fix=f"look for stray {STRAY[delimiter]} or quotes in that row"
                               ) from exc


def _delimiter_error(path: Path, delimiter: str) -> DataError | None:
    """The header is separated by ``delimiter`` but row 2 by another one: say so, or None.

    An export whose header and rows disagree (a ',' header above ';' rows with decimal
    commas, written by hand or by two programs) is not read: which is right cannot be told.
    Only row 2 is looked at: an export writes every row alike.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = csv.reader(handle, delimiter=delimiter)
        width = len(next(lines, []))
        second = next(lines, None)
    if second is None or len(second) == width:
        return None
    line = delimiter.join(second)
    other = next((d for d in DELIMITERS if d != delimiter and d in line
                  and len(next(csv.reader([line], delimiter=d))) == width), None)
    if other is None:
        return None
    decimals = re.findall(rf"(?<![\d.]){_DECIMAL_COMMA}(?![\d,])", line) if other == ";" else []
    message = (f"the header is separated by {DELIMITERS[delimiter]} but row 2 by "
               f"{DELIMITERS[other]}")
    if decimals:
        message += f", with decimal commas ({decimals[0]})"
    return DataError(problems=[Problem(
        message, file=path, row=2, rule="one separator between columns, the same in every row",
        fix=f"export the file again; or write the header with {DELIMITERS[other]} between "
            "the column names")])


def load_column_mapping(data_dir: Path) -> dict[str, dict[str, str]]:
    """Read ``columns.yml``: per file, the club export's column names -> the contract's.

    An analyst maps a club system's export once, here, instead of editing each
    export by hand. A missing file means no mapping. Raises a :class:`DataError`
    naming each mistake in the file's shape on its line; :func:`check_column_mapping`
    also checks the file and column names. The grown form (values, formats, filters)
    is read by :func:`evaluate.data.column_mapping.load_file_mappings`.
    """
    return {name: m.renames for name, m in load_file_mappings(data_dir).items()}


def check_column_mapping(data_dir: Path, contracts: Mapping[str, Iterable[str]],
                         logs: Iterable[str] = ()) -> dict[str, dict[str, str]]:
    """Read ``columns.yml`` and check it maps only files and columns the suite knows.

    ``contracts`` gives, per file name, the columns of its contract (``logs`` names the
    log files, whose timestamp may be a date and a time column). A misspelt file
    name or contract column would otherwise be ignored without a word, and the export's
    column reported missing. Raises a :class:`DataError` listing every problem.
    """
    mappings = check_file_mappings(data_dir, contracts, logs)
    return {name: m.renames for name, m in mappings.items()}


def check_columns(frame: pd.DataFrame, findings: Findings, *, required: Iterable[str],
                  optional: Iterable[str] = (),
                  mapping: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Map and normalise headers; report missing or repeated ones; drop the rest.

    Returns the frame with only the contract's columns (text, trimmed) and the
    names of the columns dropped (names, e-mails and the like never get further).
    """
    findings.problems.extend(frame.attrs.get("mapping_problems", []))
    findings.file = frame.attrs.get("export", findings.file)  # later problems name the export
    required, optional = tuple(required), tuple(optional)
    known = required + optional
    mapping = {normalise_name(k): v for k, v in (mapping or {}).items()}
    frame = frame.rename(columns=lambda c: mapping.get(normalise_name(c), normalise_name(c)))
    names = list(frame.columns)
    for col in sorted({c for c in names if names.count(c) > 1}):
        findings.add("column appears more than once", row=1, column=col, rule="each column once",
                     fix="delete or rename the extra column")
    extra = [c for c in dict.fromkeys(names) if c not in known]
    for col in required:
        if col in names:
            continue
        hint = did_you_mean(col, extra)
        fix = (f"{hint}Rename that column to '{col}', or map it in {COLUMN_MAPPING_FILE}"
               if hint else f"add a column '{col}' (see data/README.md)")
        findings.add("required column is missing", row=1, column=col,
                     rule="required columns: " + ", ".join(required), fix=fix)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    kept = [c for c in known if c in frame.columns]
    return frame[kept].fillna("").apply(lambda s: s.str.strip()), extra


def check_required_filled(frame: pd.DataFrame, findings: Findings,
                          required: Iterable[str]) -> None:
    """Report empty cells in required columns."""
    for col in required:
        if col in frame.columns:
            findings.rows(frame[col] == "", frame[col], col, "value is missing",
                          rule=f"{col} is required in every row", fix="fill in the value")


def check_unique(frame: pd.DataFrame, findings: Findings, column: str, what: str) -> None:
    """Report values of an identifier column used on more than one row."""
    if column not in frame.columns:
        return
    ids = frame[column]
    findings.rows(ids.duplicated(keep=False) & (ids != ""), ids, column,
                  f"{column} is used more than once",
                  rule=f"one row per {what}: {column} is unique",
                  fix="merge or remove the duplicate rows")


def parse_number(raw: pd.Series) -> pd.Series:
    """Numbers from text; blank and unreadable cells become NaN (report them separately).

    A column read from a ';' file (``raw.attrs["delimiter"]``, set by
    :func:`read_text_table`) has a decimal comma: "149,00" is 149.0, "1.234,50" 1234.5 and
    "1.234" 1234 (a point before groups of three digits groups thousands); any other point
    is a decimal point ("49.90", "0.125"), so a ';' file written with points reads too.
    """
    if raw.attrs.get("delimiter") == ";":
        raw = _from_decimal_comma(raw)
    return pd.to_numeric(raw.where(raw != ""), errors="coerce")


def _from_decimal_comma(raw: pd.Series) -> pd.Series:
    """Decimal-comma numbers rewritten with a point; on the distinct values, spread back."""
    codes, distinct = pd.factorize(raw.fillna(""))
    text = pd.Series(distinct, dtype="str")
    grouped = text.str.fullmatch(_THOUSANDS_DOTS)
    text = text.mask(grouped, text.str.replace(".", "", regex=False))
    text = text.mask(text.str.fullmatch(_DECIMAL_COMMA), text.str.replace(",", ".", regex=False))
    return pd.Series(text.to_numpy(dtype=object)[codes], index=raw.index, dtype="str")


def parse_date(raw: pd.Series) -> pd.Series:
    """ISO dates (YYYY-MM-DD) from text; blank and unreadable cells become NaT."""
    return pd.to_datetime(raw.where(raw != ""), format="%Y-%m-%d", errors="coerce")


def parse_category(raw: pd.Series, aliases: Mapping[str, str], upper: bool = False) -> pd.Series:
    """Trim, fold case and spaces, map known aliases; unknown values stay as they are.

    A category column has few distinct values in many rows, so the folding runs on
    the distinct values only and is spread back by code (1,000,000 rows: 7 s -> 0.1 s).
    """
    codes, distinct = pd.factorize(raw.fillna(""))
    folded = pd.Series(distinct, dtype="str")
    folded = folded.str.upper() if upper else folded.str.lower()
    folded = folded.str.replace(r"[\s\-]+", "_", regex=True).map(lambda v: aliases.get(v, v))
    return pd.Series(folded.to_numpy(dtype=object)[codes], index=raw.index, dtype="str")
