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

import pandas as pd

from evaluate.data.column_mapping import (
    COLUMN_MAPPING_FILE,
    apply_file_mapping,
    check_file_mappings,
    export_path,
    load_file_mappings,
)
from evaluate.data.yaml_files import undecodable_line
from evaluate.errors import DataError, Problem, did_you_mean

MAX_LISTED = 5  # rows and values quoted per problem; the rest are counted


def row_list(rows: list[int]) -> int | str:
    """Spreadsheet row numbers as one number, or a short list with a count of the rest."""
    if len(rows) == 1:
        return rows[0]
    head = ", ".join(str(r) for r in rows[:MAX_LISTED])
    return head if len(rows) <= MAX_LISTED else f"{head} and {len(rows) - MAX_LISTED} more"


@dataclass
class Findings:
    """The problems found in one file: errors stop a build, warnings are reported."""

    file: Path
    problems: list[Problem] = field(default_factory=list)
    # Spreadsheet row of each data row when columns.yml left rows out (logs, read as arrays)
    row_numbers: pd.Index | None = None

    @property
    def errors(self) -> list[Problem]:
        """Problems that make the data unusable."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth knowing that do not stop a build."""
        return [p for p in self.problems if p.severity != "error"]

    def add(self, message: str, **where: object) -> None:
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
        values = [raw.iloc[i] for i in positions[:MAX_LISTED]]
        if len(rows) > MAX_LISTED:
            message = f"{message} ({len(rows)} rows)"
        self.problems.append(Problem(message, file=self.file, row=row_list(rows), column=column,
                                     value=values[0] if len(rows) == 1 else values, rule=rule,
                                     fix=fix, severity=severity))

    def raise_errors(self) -> None:
        """Raise a :class:`DataError` listing every error, if there is any."""
        if self.errors:
            raise DataError(problems=self.errors)


def normalise_name(name: str) -> str:
    """Header spelling the loaders accept: ``' Birth Year '`` -> ``'birth_year'``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _first_long_row(path: Path, delimiter: str) -> int | None:
    """Spreadsheet row number of the first row with more fields than the header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle, delimiter=delimiter)
        width = len(next(rows, []))
        for number, row in enumerate(rows, start=2):
            if len(row) > width:
                return number
    return None


def _sniff_delimiter(path: Path) -> str | None:
    """The delimiter of the header line when it is not a comma (``;`` or tab), else None."""
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline()
    if "," in header:
        return None
    return next((d for d in (";", "\t", "|") if d in header), None)


def read_text_table(path: Path, *, what: str, fix_missing: str) -> pd.DataFrame:
    """Read a CSV file with every cell as text; raise a :class:`DataError` saying why not.

    ``what`` names the file's content for messages ("the member roster"), and
    ``fix_missing`` says what to do when the file is absent. When the folder's
    ``columns.yml`` maps this file from an export, the export is read and rewritten
    (:func:`evaluate.data.column_mapping.apply_file_mapping`); what that found is in
    ``frame.attrs["mapping_problems"]``, which :func:`check_columns` records (and the
    file read in ``frame.attrs["export"]``, which later problems name).
    """
    mapping = load_file_mappings(path.parent).get(path.name)
    if mapping is not None and mapping.grown:
        source = export_path(path)
        frame, problems = apply_file_mapping(_read_text_table(source, what, fix_missing),
                                             mapping, source)
        frame.attrs["mapping_problems"] = problems
        frame.attrs["export"] = source
        return frame
    return _read_text_table(path, what, fix_missing)


def _read_text_table(path: Path, what: str, fix_missing: str) -> pd.DataFrame:
    if not path.is_file():
        raise DataError.single(f"{path.name} not found in {path.parent}", file=path,
                               rule=f"{what} is in the club data folder", fix=fix_missing)
    from evaluate.data.limits import check_csv_size

    check_csv_size(path)  # before pandas reads it whole
    delimiter = _sniff_delimiter(path)
    try:
        with warnings.catch_warnings():  # more fields than the header: an error, not a warning
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                                index_col=False)
    except UnicodeDecodeError as exc:
        raise DataError.single(f"not UTF-8 text ({exc.reason})", file=path,
                               row=undecodable_line(path), rule=f"{path.name} is UTF-8 encoded",
                               fix="save it again as 'CSV UTF-8' from your spreadsheet") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError.single("the file is empty", file=path, row=1,
                               rule="a header row and data",
                               fix=f"export {what} again") from exc
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        if delimiter:  # decimal commas in a ';' file: the commas are not stray, ';' is wrong
            raise _delimiter_error(path, delimiter) from exc
        raise DataError.single("a row has more fields than the header", file=path,
                               row=_first_long_row(path, ","),
                               rule="every row has as many fields as the header",
                               fix="look for stray commas or quotes in that row") from exc
    if delimiter and len(frame.columns) == 1:
        raise _delimiter_error(path, delimiter)
    return frame


_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")


def _delimiter_error(path: Path, delimiter: str) -> DataError:
    """The file's columns are separated by ``delimiter``, not commas: say so, on row 1.

    A European spreadsheet writes ``;`` between columns and a decimal comma in numbers
    (``29,90``); read as comma-separated, those commas look like extra fields, so the
    message names the delimiter and, when the second row holds such numbers, the decimal
    commas too.
    """
    shown = {"\t": "tabs"}.get(delimiter, f"'{delimiter}'")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle, delimiter=delimiter)
        next(rows, None)
        second = next(rows, [])
    decimals = [cell for cell in second if _DECIMAL_COMMA.match(cell.strip())]
    message = f"the columns are separated by {shown}, not commas"
    fix = "export as CSV with commas (in a spreadsheet: 'CSV UTF-8 (comma delimited)')"
    if decimals:
        message += f", and numbers have decimal commas ({decimals[0]} in row 2)"
        fix = ("export as CSV with commas between columns and a point in numbers (a "
               "spreadsheet set to a European language writes ';' and decimal commas: set "
               "its separators, or the system's region, to '.' for decimals and ',' for "
               "lists before exporting 'CSV UTF-8 (comma delimited)')")
    rule = "comma-separated values" + (", a point in numbers" if decimals else "")
    return DataError(problems=[Problem(message, file=path, row=1, rule=rule, fix=fix)])


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
    """Numbers from text; blank and unreadable cells become NaN (report them separately)."""
    return pd.to_numeric(raw.where(raw != ""), errors="coerce")


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
