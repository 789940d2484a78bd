"""Load the club's member roster (``members.csv``) and club facts (``club.yml``), checked once.

The loader is the boundary of the suite: it reads the analyst's export, checks every rule,
collects *all* problems into one :class:`~evaluate.errors.DataError` (each naming file,
spreadsheet row, column, value, rule and fix), drops columns that are not in the contract
(names, e-mails, phone numbers never get past this point) and returns a tidy, typed frame.
Nothing downstream re-checks the data. The contract is written up in ``data/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.data.club import readable_club
from evaluate.data.money import DUES_PERIODS, check_money, check_periods
from evaluate.data.validation import (
    Findings,
    check_columns,
    check_required_filled,
    check_unique,
    load_column_mapping,
    parse_category,
    parse_date,
    parse_number,
    read_text_table,
)
from evaluate.errors import DataError, Problem, did_you_mean

MEMBERS_FILE = "members.csv"

REQUIRED_COLUMNS = ("member_id", "sex", "status", "monthly_dues")
# One of these is required: the year or date of birth, or the age on the roster date. When a
# row gives more than one, the most exact is used (this order) and the others must agree.
BIRTH_COLUMNS = ("birth_date", "birth_year", "age")
OPTIONAL_COLUMNS = ("join_date", "cancel_date", "occupation_activity", "training_goal",
                    "visits_per_week", "dues_period")
COLUMNS = ("member_id", "birth_year", "birth_date", "age", "sex", "join_date", "status",
           "cancel_date", "monthly_dues", "occupation_activity", "training_goal",
           "visits_per_week")
# Every column the file may hold: dues_period is read into monthly_dues, not kept
CONTRACT_COLUMNS = COLUMNS + ("dues_period",)

SEXES = ("F", "M", "X")  # X: another sex, or not stated
STATUSES = ("active", "cancelled", "frozen")
OCCUPATIONS = ("desk", "mixed", "active")
TRAINING_GOALS = ("general_fitness", "strength", "weight_loss", "rehab", "sport")

MIN_AGE, MAX_AGE = 5, 110  # years, on the roster date (evaluate.data.roster)
# Junior members are those under 18 (from MIN_AGE): counted and shown apart, and left out
# of the back-pain figures, whose published rates (NHIS 2019) are of adults, 18 and over.
JUNIOR_AGE = 18
# What the day ages are checked on is, in a rule: the club's roster date, or the roster's own
# latest date when the roster is read alone.
ROSTER_DATE = ("the roster date: club.yml's export_date, else the data's latest join, cancel, "
               "check-in or session date")
LATEST_IN_FILE = "the latest date in the file"
MAX_VISITS_PER_WEEK = 14.0  # twice a day, every day
DAYS_PER_MONTH = 365.25 / 12  # a month of membership (tenure, time to cancel, to adopt)

# Spellings that roster exports commonly use, after trimming and case-folding.
SEX_ALIASES = {"FEMALE": "F", "WOMAN": "F", "W": "F", "MALE": "M", "MAN": "M",
               "OTHER": "X", "DIVERSE": "X", "D": "X", "NOT_STATED": "X", "UNKNOWN": "X"}
STATUS_ALIASES = {"canceled": "cancelled", "paused": "frozen", "on_hold": "frozen"}


def _check_dates(frame: pd.DataFrame, check: Findings) -> dict[str, pd.Series]:
    dates = {}
    for col in ("join_date", "cancel_date"):
        if col not in frame.columns:
            continue
        dates[col] = parse_date(frame[col])
        check.rows((frame[col] != "") & dates[col].isna(), frame[col], col,
                   "not a date in YYYY-MM-DD form", rule=f"{col} is an ISO date, e.g. 2024-03-15",
                   fix="write the date as year-month-day, e.g. 2024-03-15")
    if "join_date" in frame.columns:
        check.rows(frame["join_date"] == "", frame["join_date"], "join_date",
                   "join date not recorded", rule="join_date is known for every member",
                   fix="fill it in where known; until then these members count as members "
                       "since before the roster date and are left out of the time-as-a-member "
                       "figures", severity="warning")
    return dates


def _whole_number(frame: pd.DataFrame, check: Findings, column: str, message: str,
                  rule: str, fix: str) -> pd.Series:
    """A column of whole numbers (a year of birth, an age): NaN where blank, absent or not one."""
    if column not in frame.columns:
        return pd.Series(float("nan"), index=frame.index)
    raw = frame[column]
    value = parse_number(raw)
    whole = value.notna() & (value == value.round())
    check.rows((raw != "") & ~whole, raw, column, message, rule=rule, fix=fix)
    return value.where(whole)


def _check_birth_year(frame: pd.DataFrame, check: Findings) -> pd.Series:
    return _whole_number(frame, check, "birth_year", "not a whole year",
                         rule="birth_year is a four-digit year, e.g. 1984",
                         fix="write the year of birth only, as a number")


def _check_birth_date(frame: pd.DataFrame, check: Findings) -> pd.Series:
    if "birth_date" not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    raw = frame["birth_date"]
    born = parse_date(raw)
    check.rows((raw != "") & born.isna(), raw, "birth_date", "not a date in YYYY-MM-DD form",
               rule="birth_date is an ISO date, e.g. 1984-03-15 (or read with a format in "
                    "columns.yml)",
               fix="write the date as year-month-day, e.g. 1984-03-15, or give its format "
                   "in columns.yml")
    return born


def _check_age(frame: pd.DataFrame, check: Findings) -> pd.Series:
    return _whole_number(frame, check, "age", "not a whole number of years",
                         rule="age is the member's age in whole years on the roster date, "
                              "e.g. 42",
                         fix="write the age in whole years, as a number")


def _check_birth(frame: pd.DataFrame, check: Findings
                 ) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Year of birth, date of birth and stated age, checked; which is used when several are.

    Returns the year of birth (from ``birth_date`` where given, else ``birth_year``), the
    date of birth and the stated age (NaN or NaT where not given). A row giving none is a
    warning; ``birth_date`` and ``birth_year`` that disagree are an error. A stated age is
    checked against the others on the roster date (:func:`date_ages`).
    """
    present = [c for c in BIRTH_COLUMNS if c in frame.columns]
    year, born, age = _check_birth_year(frame, check), _check_birth_date(frame, check), \
        _check_age(frame, check)
    if not present:
        return year, born, age
    blank = pd.concat([frame[c] == "" for c in present], axis=1).all(axis=1)
    named = " or ".join(present)
    check.rows(blank, frame[present[0]], present[0],
               f"{'year' if present == ['birth_year'] else 'age or date'} of birth not "
               "recorded", rule=f"{named} is known for every member",
               fix="fill it in where known; until then these members are left out of "
                   "age figures", severity="warning")
    if "birth_year" in frame.columns and "birth_date" in frame.columns:
        check.rows(born.notna() & year.notna() & (born.dt.year != year), frame["birth_year"],
                   "birth_year", "birth_year is not the year of birth_date",
                   rule="when both are given, birth_year is the year of birth_date",
                   fix="correct one of the two, or leave out birth_year")
    if len(present) > 1:
        used = [c for c in present if frame[c].ne("").any()]
        check.add(f"{', '.join(present)} are all given: each row's age is taken from the "
                  f"first it holds, in this order ({present[0]} is the most exact)"
                  if len(present) > 2 else
                  f"{present[0]} and {present[1]} are both given: each row's age is taken "
                  f"from {present[0]} where it holds one, else from {present[1]}",
                  row=1, column=present[0], value=used or None,
                  rule="one of birth_date, birth_year or age; the others must agree",
                  severity="info")
    return year.where(born.isna(), born.dt.year), born, age


def age_on(members: pd.DataFrame, day: pd.Timestamp) -> np.ndarray:
    """Each member's age in whole years on ``day`` (NaN where unknown), as every figure takes it.

    Exact from ``birth_date`` where the roster gives one (the birthday counted); else
    ``day``'s year - ``birth_year``, which may be one year high (a stated age was turned
    into a birth year on the roster date by :func:`date_ages`, so it reads back as given
    there). A frame without a ``birth_date`` column reads its birth years.
    """
    year = members["birth_year"].to_numpy(dtype=float, na_value=np.nan)
    age = day.year - year
    if "birth_date" not in members.columns:
        return age
    born = pd.DatetimeIndex(members["birth_date"])
    before = (born.month > day.month) | ((born.month == day.month) & (born.day > day.day))
    exact = day.year - born.year.to_numpy(dtype=float) - before
    return np.where(born.isna(), age, exact)


def date_ages(members: pd.DataFrame, day: pd.Timestamp, file: Path,
              what: str = ROSTER_DATE) -> tuple[pd.DataFrame, list[Problem]]:
    """The roster with its ages taken on the roster date ``day``, and their problems.

    A stated ``age`` (on the roster date) becomes a year of birth, ``day``'s year - age, so
    that it reads back as given on ``day`` (:func:`age_on`); where a date or year of birth
    is given too, the age must agree with it (from a year of birth: ``day``'s year - year,
    or one less). Problems: "age out of range" for members under :data:`MIN_AGE` or over
    :data:`MAX_AGE` on ``day``, a date of birth after ``day``, a stated age that disagrees.
    ``what`` names ``day`` in the rule. Ages are checked on the club's roster date
    (:func:`evaluate.data.roster.roster_date`), which the logs may move past the roster's
    own dates: the folder check does it once the logs are read.
    """
    stated = pd.Series(members["age"].to_numpy(dtype=float, na_value=np.nan)
                       if "age" in members.columns else np.nan, index=members.index)
    check = Findings(file)
    given = members["birth_year"].to_numpy(dtype=float, na_value=np.nan)
    exact = age_on(members, day)
    born = (members["birth_date"] if "birth_date" in members.columns
            else pd.Series(pd.NaT, index=members.index))
    agrees = np.where(born.notna(), stated == exact,
                      (stated == day.year - given) | (stated == day.year - given - 1))
    check.rows(stated.notna() & ~np.isnan(given) & ~agrees, stated.map("{:.0f}".format), "age",
               "age disagrees with the date or year of birth",
               rule=f"age is the age on {day.date()} ({what}); when a date or year of birth "
                    "is given too, they agree",
               fix="correct one of them, or leave out the age column")
    year = np.where(np.isnan(given), day.year - stated.to_numpy(), given)
    dated = members.assign(birth_year=pd.array(year, dtype="Float64").astype("Int64"))
    age = pd.Series(age_on(dated, day), index=members.index)
    shown = np.where(born.notna(), born.dt.strftime("%Y-%m-%d"),
                     np.where(stated.notna() & np.isnan(given), stated.map("{:.0f}".format),
                              pd.Series(year).map("{:.0f}".format)))
    column = np.where(born.notna(), "birth_date",
                      np.where(stated.notna() & np.isnan(given), "age", "birth_year"))
    for name in BIRTH_COLUMNS:
        mine = pd.Series(column == name, index=members.index)
        raw = pd.Series(shown, index=members.index)
        check.rows(mine & (age < 0), raw, name, "born after the roster date",
                   rule=f"a date of birth is on or before {day.date()} ({what})",
                   fix="correct the date of birth (a two-digit year read in the wrong "
                       "century? see data/README.md)")
        check.rows(mine & (age >= 0) & ((age < MIN_AGE) | (age > MAX_AGE)), raw, name,
                   "age out of range",
                   rule=f"members are {MIN_AGE}–{MAX_AGE} years old on {day.date()} ({what})",
                   fix="correct the year of birth (a typo such as 1895 for 1985?)"
                   if name == "birth_year" else f"correct the {name.replace('_', ' ')}")
    return dated, check.problems


def _check_categories(frame: pd.DataFrame, check: Findings) -> dict[str, pd.Series]:
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
        values = parse_category(frame[col], aliases, upper)
        bad = (frame[col] != "") & ~values.isin(allowed)
        blank = " or blank" if optional else ""
        check.rows(bad, frame[col], col, "unknown value",
                   rule=f"{col} is one of {', '.join(allowed)}{blank} (any case)",
                   fix=f"use one of {', '.join(allowed)}" + (", or leave it blank" * optional))
        parsed[col] = values.where(values.isin(allowed))
    return parsed


def _check_numbers(frame: pd.DataFrame, check: Findings, currency: str | None
                   ) -> dict[str, pd.Series]:
    parsed: dict[str, pd.Series] = {}
    if "monthly_dues" not in frame.columns:
        return parsed
    dues = check_money(frame["monthly_dues"], check, "monthly_dues", currency)
    period = check_periods(frame.get("dues_period"), check, index=frame.index)
    dues = dues * period.map(DUES_PERIODS).astype(float)  # every fee a month's from here on
    check.rows(dues < 0, frame["monthly_dues"], "monthly_dues", "negative dues",
               rule="monthly_dues >= 0", fix="write dues as a positive amount; 0 for free")
    parsed["monthly_dues"] = dues
    if "visits_per_week" in frame.columns:
        raw = frame["visits_per_week"]
        visits = parse_number(raw)
        check.rows((raw != "") & visits.isna(), raw, "visits_per_week", "not a number",
                   rule="visits_per_week is a number or blank",
                   fix="write e.g. 1.5, or leave it blank")
        check.rows((visits < 0) | (visits > MAX_VISITS_PER_WEEK), raw, "visits_per_week",
                   "out of range", rule=f"0 <= visits_per_week <= {MAX_VISITS_PER_WEEK:g}",
                   fix="give the average number of visits in a week")
        parsed["visits_per_week"] = visits
    return parsed


def _check_cancellation(frame: pd.DataFrame, status: pd.Series | None, dates: dict[str, pd.Series],
                        check: Findings) -> None:
    """A cancel date never before the join date; every cancelled member has one.

    An active or frozen member's cancel date (a pending cancellation, or the end of a fixed
    term) is checked on the roster date, which the logs and ``club.yml`` may set
    (:func:`cancel_date_problems`).
    """
    if "cancel_date" not in dates:
        return
    cancel = dates["cancel_date"]
    if "join_date" in dates:
        check.rows(cancel < dates["join_date"], frame["cancel_date"], "cancel_date",
                   "cancelled before joining", rule="cancel_date is on or after join_date",
                   fix="check both dates; they may be swapped")
    if status is not None:
        check.rows((status == "cancelled") & (frame["cancel_date"] == ""), frame["status"],
                   "cancel_date", "cancelled member without a cancel date",
                   rule="a cancelled member has a cancel_date",
                   fix="fill in the date the membership ended")


#: Statuses whose cancel date, when given, lies ahead: a pending cancellation or a fixed
#: term's end. Such a member is a member, in that status, until the cancel date.
PENDING_STATUSES = ("active", "frozen")


def own_date(members: pd.DataFrame) -> pd.Timestamp | None:
    """The roster's own date, its logs and ``club.yml`` aside; None when it holds none.

    Its latest join date or cancel date of a cancelled member. An active or frozen member's
    cancel date lies ahead (a pending cancellation) and never moves it. ``members`` is
    :func:`load_members`' frame.
    """
    cancel = members["cancel_date"]
    if "status" in members:
        cancel = cancel.where(~members["status"].isin(PENDING_STATUSES).to_numpy(bool))
    days = [day for day in (members["join_date"].max(), cancel.max()) if not pd.isna(day)]
    return max(days) if days else None


def cancel_date_problems(members: pd.DataFrame, day: pd.Timestamp, file: Path,
                         what: str = ROSTER_DATE) -> list[Problem]:
    """An active or frozen member whose cancel date is not after ``day``, the roster date.

    Such a member's cancel date is a pending cancellation or a fixed term's end: after the
    roster date, the member is a member on it in the status the export gives; on or before
    it, the status and the date contradict each other (a membership that has ended, or a
    returning member's old date). ``members`` is :func:`load_members`' frame; ``what``
    names ``day`` in the rule.
    """
    pending = members["status"].isin(PENDING_STATUSES).to_numpy(bool)
    cancel = members["cancel_date"]
    check = Findings(file)
    check.rows(pd.Series(pending & (cancel <= day).to_numpy(bool), index=_rows(members)),
               pd.Series(cancel.dt.strftime("%Y-%m-%d").to_numpy(object),
                         index=_rows(members)),
               "cancel_date", "an active or frozen member's cancel date is not after the "
               "roster date",
               rule=f"an active or frozen member's cancel_date (a pending cancellation) is "
                    f"after {day.date()} ({what}); a member who has left is cancelled",
               fix="set status to cancelled if the membership has ended; clear cancel_date "
                   "if the member has come back; or, if members.csv is older than the logs, "
                   "give club.yml export_date: the day it was exported")
    return check.problems


def not_started(members: pd.DataFrame, day: pd.Timestamp, file: Path) -> list[Problem]:
    """An info line counting the members whose join date is after ``day``, the roster date.

    They have not started: no report counts them as members on that day
    (:func:`evaluate.model.segments.active_mask`). Only a count: the roster's rows are
    not named, so the line may go into a build's record.
    """
    count = int((members["join_date"] > day).sum())
    if not count:
        return []
    who = "1 member joins" if count == 1 else f"{count:,} members join"
    return [Problem(f"{who} after the roster date {day.date()}: not yet started, not counted "
                    "as members",
                    file=file, column="join_date",
                    rule="a member whose join_date is after the roster date has not started",
                    fix="nothing to do if they have signed up to start later; else check the "
                        "roster date (club.yml export_date) or the join dates",
                    severity="info")]


def _rows(members: pd.DataFrame) -> pd.Index:
    """Each member's place in the file (spreadsheet row - 2), as :class:`Findings` counts.

    Kept by :func:`load_members` when ``columns.yml`` left rows out; else the index.
    """
    rows = members.attrs.get("rows")
    return members.index if rows is None or len(rows) != len(members) else pd.Index(rows)


def _typed_frame(frame: pd.DataFrame, birth: tuple[pd.Series, pd.Series, pd.Series],
                 dates: dict[str, pd.Series], categories: dict[str, pd.Series],
                 numbers: dict[str, pd.Series]) -> pd.DataFrame:
    """Assemble the tidy typed frame; absent optional columns are all-missing."""
    n = len(frame)

    def category(col: str, allowed: tuple[str, ...]) -> pd.Categorical:
        values = categories.get(col, pd.Series([None] * n, index=frame.index, dtype=object))
        return pd.Categorical(values, categories=list(allowed))

    missing_dates = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    return pd.DataFrame({
        "member_id": frame["member_id"].astype("str"),
        "birth_year": birth[0].astype("Int64"),  # missing where not recorded (a warning)
        "birth_date": birth[1].astype("datetime64[us]"),
        "age": birth[2].astype("Int64"),
        "sex": category("sex", SEXES),
        "join_date": dates.get("join_date", missing_dates).astype("datetime64[us]"),
        "status": category("status", STATUSES),
        "cancel_date": dates.get("cancel_date", missing_dates).astype("datetime64[us]"),
        "monthly_dues": numbers["monthly_dues"].astype("float64"),
        "occupation_activity": category("occupation_activity", OCCUPATIONS),
        "training_goal": category("training_goal", TRAINING_GOALS),
        "visits_per_week": numbers.get("visits_per_week",
                                       pd.Series(float("nan"), index=frame.index)).astype(float),
    }).reset_index(drop=True)


def load_members(data_dir: Path, *, check_ages: bool = True,
                 currency: str | None = None) -> pd.DataFrame:
    """Read and check ``members.csv`` in ``data_dir``; return one typed row per member.

    Columns: ``member_id`` (str), ``birth_year`` (Int64, missing where not recorded; the
    year of ``birth_date`` where given; for a member with only a stated age, the year it
    gives on the roster date, see :func:`date_ages`), ``birth_date`` (datetime64, NaT unless
    given), ``age`` (Int64, the stated age on the roster date, missing unless given; ages are
    taken with :func:`age_on`), ``sex`` (category F/M/X),
    ``join_date`` and ``cancel_date`` (datetime64, NaT when empty or the column is absent:
    a roster may lack join dates), ``status`` (category
    active/cancelled/frozen), ``monthly_dues`` (float, club currency per month, turned into
    a month's from the ``dues_period`` each fee was given for; a note counts them),
    ``occupation_activity`` and ``training_goal`` (category, NaN when unknown),
    ``visits_per_week`` (float, NaN when unknown). Columns outside the contract are dropped
    and listed in ``frame.attrs["dropped_columns"]``; warnings (problems that do not stop a
    build, such as a missing year of birth) are in ``frame.attrs["warnings"]``. When
    ``columns.yml`` left rows out, ``frame.attrs["rows"]`` holds each member's spreadsheet row
    less 2 (a tuple: pandas compares ``attrs`` when it joins frames).

    Headers are matched after trimming case and spaces, and through the data
    folder's ``columns.yml`` mapping if there is one.

    Fees may be written as money (``$39.99``, ``1.234,50 €``; :mod:`evaluate.data.money`):
    a sign or code must be of ``currency``, the club's, read from ``club.yml`` when not given
    (when it cannot be read, a fee with a sign or code is refused).

    Ages are checked, and stated ages dated, on the latest date in the file, and the cancel
    dates of active or frozen members on the roster's own date (:func:`own_date`); without
    ``check_ages`` these are left to :func:`date_ages` and :func:`cancel_date_problems` on the
    club's roster date, which only the logs and ``club.yml`` can tell
    (:func:`evaluate.data.checks.check_club` and :func:`evaluate.data.roster.load_roster` do),
    and a member with only a stated age has no ``birth_year`` until then.

    Raises
    ------
    DataError
        Listing every problem found, each with file, spreadsheet row, column, rule and fix.
    """
    path = Path(data_dir) / MEMBERS_FILE
    check = Findings(path)
    raw = read_text_table(path, what="the member roster",
                          fix_missing="export the roster as members.csv into the data folder, "
                                      "or point data_dir at the folder that holds it",
                          findings=check)
    frame, dropped = check_columns(raw, check, required=REQUIRED_COLUMNS,
                                   optional=BIRTH_COLUMNS + OPTIONAL_COLUMNS,
                                   mapping=load_column_mapping(data_dir).get(MEMBERS_FILE))
    if frame.empty and not check.problems:
        raise DataError.single("no members: the file has a header but no rows", file=path,
                               rule="at least one member row", fix="export the roster again")
    if not any(c in frame.columns for c in BIRTH_COLUMNS) and "member_id" in frame.columns:
        hint = did_you_mean("birth_year", dropped) or did_you_mean("birth_date", dropped)
        check.add("required column is missing", row=1, column="birth_year",
                  rule="one of birth_date, birth_year or age (on the roster date)",
                  fix=f"{hint}Rename that column, or map it in columns.yml" if hint else
                  "add a column 'birth_year', 'birth_date' or 'age' (see data/README.md)")
    check_required_filled(frame, check, REQUIRED_COLUMNS)
    if "join_date" not in frame.columns:
        check.add("no join_date column: every member counts as joined before the roster date, "
                  "and how long members have belonged is not known", column="join_date",
                  rule="join_date is optional", severity="info",
                  fix="add the join (start) date if the club's system exports it")
    check_unique(frame, check, "member_id", "member")
    dates = _check_dates(frame, check)
    birth = _check_birth(frame, check)
    known = pd.concat(list(dates.values())).dropna() if dates else pd.Series()
    categories = _check_categories(frame, check)
    if currency is None:
        club = readable_club(data_dir)  # None: the folder check refuses the club.yml
        currency = club.currency if club is not None else None
    numbers = _check_numbers(frame, check, currency)
    _check_cancellation(frame, categories.get("status"), dates, check)
    if check_ages and len(known):  # on the file's rows, so that problems name their places
        ages = pd.DataFrame(dict(zip(("birth_year", "birth_date", "age"), birth, strict=True)))
        ages, problems = date_ages(ages, known.max(), check.file, LATEST_IN_FILE)
        check.problems += problems
        birth = (ages["birth_year"], *birth[1:])
    if check_ages and "status" in categories and "cancel_date" in dates:
        read = pd.DataFrame({"status": categories["status"], "cancel_date": dates["cancel_date"],
                             "join_date": dates.get("join_date", pd.NaT)})
        if (day := own_date(read)) is not None:
            check.problems += cancel_date_problems(read, day, path, LATEST_IN_FILE)
    check.raise_errors()
    members = _typed_frame(frame, birth, dates, categories, numbers)
    if not frame.index.equals(pd.RangeIndex(len(frame))):  # columns.yml left rows out
        members.attrs["rows"] = tuple(frame.index.tolist())  # each one's spreadsheet row - 2
    members.attrs["dropped_columns"] = dropped
    members.attrs["warnings"] = check.warnings
    return members
