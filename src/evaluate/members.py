"""Load the club's member roster (``members.csv``) and club facts (``club.yml``), checked once.

The loader is the boundary of the suite: it reads the analyst's export, checks every rule,
collects *all* problems into one :class:`~evaluate.errors.DataError` (each naming file,
spreadsheet row, column, value, rule and fix), drops columns that are not in the contract
(names, e-mails, phone numbers never get past this point) and returns a tidy, typed frame.
Nothing downstream re-checks the data. The contract is written up in ``data/README.md``.
"""

from __future__ import annotations

import csv
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluate.errors import DataError, Problem, did_you_mean

MEMBERS_FILE = "members.csv"

REQUIRED_COLUMNS = ("member_id", "birth_year", "sex", "join_date", "status", "monthly_dues")
OPTIONAL_COLUMNS = ("cancel_date", "occupation_activity", "training_goal", "visits_per_week")
COLUMNS = ("member_id", "birth_year", "sex", "join_date", "status", "cancel_date",
           "monthly_dues", "occupation_activity", "training_goal", "visits_per_week")

SEXES = ("F", "M", "X")  # X: another sex, or not stated
STATUSES = ("active", "cancelled", "frozen")
OCCUPATIONS = ("desk", "mixed", "active")
TRAINING_GOALS = ("general_fitness", "strength", "weight_loss", "rehab", "sport")

MIN_AGE, MAX_AGE = 14, 110  # years, on the latest date in the file
MAX_VISITS_PER_WEEK = 14.0  # twice a day, every day
MAX_LISTED = 5  # rows and values quoted per problem; the rest are counted

# Spellings that roster exports commonly use, after trimming and case-folding.
SEX_ALIASES = {"FEMALE": "F", "WOMAN": "F", "W": "F", "MALE": "M", "MAN": "M",
               "OTHER": "X", "DIVERSE": "X", "D": "X", "NOT_STATED": "X", "UNKNOWN": "X"}
STATUS_ALIASES = {"canceled": "cancelled", "paused": "frozen", "on_hold": "frozen"}


@dataclass
class _Check:
    """Where and what: the fixed parts of the problems found in one file."""

    file: Path
    problems: list[Problem]

    def rows(self, bad: pd.Series, raw: pd.Series, column: str, message: str, rule: str,
             fix: str) -> None:
        """Add one problem covering every row where ``bad`` is true."""
        if not bad.any():
            return
        positions = [i for i, flag in enumerate(bad.to_numpy()) if flag]
        rows = [i + 2 for i in positions]  # header is spreadsheet row 1
        values = [raw.iloc[i] for i in positions[:MAX_LISTED]]
        self.problems.append(Problem(message, file=self.file, row=_row_list(rows),
                                     column=column,
                                     value=values[0] if len(rows) == 1 else values,
                                     rule=rule, fix=fix))


def _row_list(rows: list[int]) -> int | str:
    """Spreadsheet row numbers as one number, or a short list with a count of the rest."""
    if len(rows) == 1:
        return rows[0]
    head = ", ".join(str(r) for r in rows[:MAX_LISTED])
    return head if len(rows) <= MAX_LISTED else f"{head} and {len(rows) - MAX_LISTED} more"


def _normalise_name(name: str) -> str:
    """Header spelling the loader accepts: ``' Birth Year '`` -> ``'birth_year'``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _read_csv(path: Path) -> pd.DataFrame:
    """Read every cell as text, or raise a DataError saying why the file cannot be read."""
    if not path.is_file():
        raise DataError.single(f"{path.name} not found in {path.parent}", file=path,
                               fix="export the roster as members.csv into the data folder, "
                                   "or point data_dir at the folder that holds it")
    try:
        with warnings.catch_warnings():  # more fields than the header: an error, not a warning
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                               index_col=False)
    except UnicodeDecodeError as exc:
        raise DataError.single(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=path,
                               rule="members.csv is UTF-8 encoded",
                               fix="save it again as 'CSV UTF-8' from your spreadsheet") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError.single("the file is empty", file=path, rule="a header row and data",
                               fix="export the roster again") from exc
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise DataError.single("a row has more fields than the header", file=path,
                               row=_first_long_row(path),
                               rule="every row has as many fields as the header",
                               fix="look for stray commas or quotes in that row") from exc


def _first_long_row(path: Path) -> int | None:
    """Spreadsheet row number of the first row with more fields than the header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = csv.reader(handle)
        width = len(next(rows, []))
        for number, row in enumerate(rows, start=2):
            if len(row) > width:
                return number
    return None


def _check_columns(frame: pd.DataFrame, check: _Check) -> tuple[pd.DataFrame, list[str]]:
    """Rename headers to the contract's spelling; report missing ones; drop the rest."""
    renamed = {col: _normalise_name(col) for col in frame.columns}
    frame = frame.rename(columns=renamed)
    duplicated = sorted({c for c in frame.columns if list(frame.columns).count(c) > 1})
    for col in duplicated:
        check.problems.append(Problem("column appears more than once", file=check.file, row=1,
                                      column=col, rule="each column once",
                                      fix="delete or rename the extra column"))
    extra = [c for c in dict.fromkeys(frame.columns) if c not in COLUMNS]
    for col in REQUIRED_COLUMNS:
        if col in frame.columns:
            continue
        hint = did_you_mean(col, extra)
        fix = (f"{hint}Rename that column to '{col}'" if hint
               else f"add a column '{col}' (see data/README.md)")
        check.problems.append(Problem("required column is missing", file=check.file, row=1,
                                      column=col, rule="required columns: "
                                      + ", ".join(REQUIRED_COLUMNS), fix=fix))
    frame = frame.loc[:, ~frame.columns.duplicated()]
    kept = [c for c in COLUMNS if c in frame.columns]
    return frame[kept].fillna("").apply(lambda s: s.str.strip()), extra


def _parse_category(raw: pd.Series, aliases: dict[str, str], upper: bool) -> pd.Series:
    """Trim, fold case and spaces, map known aliases; unknown values stay as they are."""
    folded = raw.str.upper() if upper else raw.str.lower()
    folded = folded.str.replace(r"[\s\-]+", "_", regex=True)
    return folded.map(lambda v: aliases.get(v, v))


def _check_required_blank(frame: pd.DataFrame, check: _Check) -> None:
    for col in REQUIRED_COLUMNS:
        if col in frame.columns:
            check.rows(frame[col] == "", frame[col], col, "value is missing",
                       rule=f"{col} is required in every row", fix="fill in the value")


def _check_ids(frame: pd.DataFrame, check: _Check) -> None:
    if "member_id" not in frame.columns:
        return
    ids = frame["member_id"]
    dup = ids.duplicated(keep=False) & (ids != "")
    check.rows(dup, ids, "member_id", "member_id is used more than once",
               rule="one row per member: member_id is unique",
               fix="merge or remove the duplicate rows")


def _parse_number(raw: pd.Series) -> pd.Series:
    return pd.to_numeric(raw.where(raw != ""), errors="coerce")


def _parse_date(raw: pd.Series) -> pd.Series:
    return pd.to_datetime(raw.where(raw != ""), format="%Y-%m-%d", errors="coerce")


def _check_dates(frame: pd.DataFrame, check: _Check) -> dict[str, pd.Series]:
    dates = {}
    for col in ("join_date", "cancel_date"):
        if col not in frame.columns:
            continue
        dates[col] = _parse_date(frame[col])
        check.rows((frame[col] != "") & dates[col].isna(), frame[col], col,
                   "not a date in YYYY-MM-DD form", rule=f"{col} is an ISO date, e.g. 2024-03-15",
                   fix="write the date as year-month-day, e.g. 2024-03-15")
    return dates


def _check_birth_year(frame: pd.DataFrame, latest: pd.Timestamp | None,
                      check: _Check) -> pd.Series:
    if "birth_year" not in frame.columns:
        return pd.Series(dtype=float)
    raw = frame["birth_year"]
    year = _parse_number(raw)
    whole = year.notna() & (year == year.round())
    check.rows((raw != "") & ~whole, raw, "birth_year", "not a whole year",
               rule="birth_year is a four-digit year, e.g. 1984",
               fix="write the year of birth only, as a number")
    if latest is not None:
        age = latest.year - year
        bad = whole & ((age < MIN_AGE) | (age > MAX_AGE))
        check.rows(bad, raw, "birth_year", "age out of range",
                   rule=f"members are {MIN_AGE}–{MAX_AGE} years old on {latest.date()} "
                        "(the latest date in the file)",
                   fix="correct the year of birth (a typo such as 1895 for 1985?)")
    return year


def _check_categories(frame: pd.DataFrame, check: _Check) -> dict[str, pd.Series]:
    specs = {
        "sex": (SEXES, SEX_ALIASES, True, False),
        "status": (STATUSES, STATUS_ALIASES, False, False),
        "occupation_activity": (OCCUPATIONS, {"sedentary": "desk"}, False, True),
        "training_goal": (TRAINING_GOALS, {}, False, True),
    }
    parsed = {}
    for col, (allowed, aliases, upper, optional) in specs.items():
        if col not in frame.columns:
            continue
        values = _parse_category(frame[col], aliases, upper)
        bad = (frame[col] != "") & ~values.isin(allowed)
        blank = " or blank" if optional else ""
        check.rows(bad, frame[col], col, "unknown value",
                   rule=f"{col} is one of {', '.join(allowed)}{blank} (any case)",
                   fix=f"use one of {', '.join(allowed)}" + (", or leave it blank" * optional))
        parsed[col] = values.where(values.isin(allowed))
    return parsed


def _check_numbers(frame: pd.DataFrame, check: _Check) -> dict[str, pd.Series]:
    parsed = {}
    if "monthly_dues" not in frame.columns:
        return parsed
    dues = _parse_number(frame["monthly_dues"])
    check.rows((frame["monthly_dues"] != "") & dues.isna(), frame["monthly_dues"],
               "monthly_dues", "not a number", rule="monthly_dues is a plain number, e.g. 49.00",
               fix="remove currency signs and thousands separators")
    check.rows(dues < 0, frame["monthly_dues"], "monthly_dues", "negative dues",
               rule="monthly_dues >= 0", fix="write dues as a positive amount; 0 for free")
    parsed["monthly_dues"] = dues
    if "visits_per_week" in frame.columns:
        raw = frame["visits_per_week"]
        visits = _parse_number(raw)
        check.rows((raw != "") & visits.isna(), raw, "visits_per_week", "not a number",
                   rule="visits_per_week is a number or blank",
                   fix="write e.g. 1.5, or leave it blank")
        check.rows((visits < 0) | (visits > MAX_VISITS_PER_WEEK), raw, "visits_per_week",
                   "out of range", rule=f"0 <= visits_per_week <= {MAX_VISITS_PER_WEEK:g}",
                   fix="give the average number of visits in a week")
        parsed["visits_per_week"] = visits
    return parsed


def _check_cancellation(frame: pd.DataFrame, status: pd.Series | None, dates: dict[str, pd.Series],
                        check: _Check) -> None:
    if "cancel_date" not in dates or "join_date" not in dates or status is None:
        return
    cancel, join = dates["cancel_date"], dates["join_date"]
    check.rows(cancel < join, frame["cancel_date"], "cancel_date", "cancelled before joining",
               rule="cancel_date is on or after join_date",
               fix="check both dates; they may be swapped")
    check.rows((status == "cancelled") & (frame["cancel_date"] == ""), frame["status"],
               "cancel_date", "cancelled member without a cancel date",
               rule="a cancelled member has a cancel_date",
               fix="fill in the date the membership ended")
    check.rows(status.isin(["active", "frozen"]) & cancel.notna(), frame["cancel_date"],
               "cancel_date", "cancel date on a member who is not cancelled",
               rule="cancel_date is empty unless status is cancelled",
               fix="clear cancel_date, or set status to cancelled")


def _typed_frame(frame: pd.DataFrame, year: pd.Series, dates: dict[str, pd.Series],
                 categories: dict[str, pd.Series], numbers: dict[str, pd.Series]) -> pd.DataFrame:
    """Assemble the tidy typed frame; absent optional columns are all-missing."""
    n = len(frame)

    def category(col: str, allowed: tuple[str, ...]) -> pd.Categorical:
        values = categories.get(col, pd.Series([None] * n, index=frame.index, dtype=object))
        return pd.Categorical(values, categories=list(allowed))

    missing_dates = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    return pd.DataFrame({
        "member_id": frame["member_id"].astype("str"),
        "birth_year": year.astype("int64"),
        "sex": category("sex", SEXES),
        "join_date": dates["join_date"].astype("datetime64[us]"),
        "status": category("status", STATUSES),
        "cancel_date": dates.get("cancel_date", missing_dates).astype("datetime64[us]"),
        "monthly_dues": numbers["monthly_dues"].astype("float64"),
        "occupation_activity": category("occupation_activity", OCCUPATIONS),
        "training_goal": category("training_goal", TRAINING_GOALS),
        "visits_per_week": numbers.get("visits_per_week",
                                       pd.Series(float("nan"), index=frame.index)).astype(float),
    }).reset_index(drop=True)


def load_members(data_dir: Path) -> pd.DataFrame:
    """Read and check ``members.csv`` in ``data_dir``; return one typed row per member.

    Columns: ``member_id`` (str), ``birth_year`` (int), ``sex`` (category F/M/X),
    ``join_date`` and ``cancel_date`` (datetime64, NaT when empty), ``status`` (category
    active/cancelled/frozen), ``monthly_dues`` (float, club currency per month),
    ``occupation_activity`` and ``training_goal`` (category, NaN when unknown),
    ``visits_per_week`` (float, NaN when unknown). Columns outside the contract are dropped
    and listed in ``frame.attrs["dropped_columns"]``.

    Raises
    ------
    DataError
        Listing every problem found, each with file, spreadsheet row, column, rule and fix.
    """
    path = Path(data_dir) / MEMBERS_FILE
    check = _Check(path, [])
    frame, dropped = _check_columns(_read_csv(path), check)
    if frame.empty and not check.problems:
        raise DataError.single("no members: the file has a header but no rows", file=path,
                               rule="at least one member row", fix="export the roster again")
    _check_required_blank(frame, check)
    _check_ids(frame, check)
    dates = _check_dates(frame, check)
    known = pd.concat(list(dates.values())).dropna()
    latest = known.max() if len(known) else None
    year = _check_birth_year(frame, latest, check)
    categories = _check_categories(frame, check)
    numbers = _check_numbers(frame, check)
    _check_cancellation(frame, categories.get("status"), dates, check)
    if check.problems:
        raise DataError(problems=check.problems)
    members = _typed_frame(frame, year, dates, categories, numbers)
    members.attrs["dropped_columns"] = dropped
    return members
