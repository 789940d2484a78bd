"""The roster date: the one day a club's figures describe, decided in one place.

Ages, who is active and every member count are taken on the club's **roster date** unless a
report's ``as_of`` names another day. It is ``club.yml``'s ``export_date`` when given: the day
``members.csv`` was exported. Without it, it is the latest day the club's data speaks of,
told so that dates lying ahead never move it:

1. The roster's dates: the latest join date, and the latest cancel date of a *cancelled*
   member. An active or frozen member's cancel date (a pending cancellation, or the end of a
   fixed term) lies ahead and never counts.
2. The logs, when the club has them: the day of the newest check-in and of the newest
   machine session. A small club may have had no join or cancellation for years while its
   members check in every day; the roster's dates alone would date its reports years back.
3. With a log, never more than :data:`LOG_LEAD_DAYS` day after its newest entry: a join or
   cancel date later than that lies ahead (a member who signed up to start later), so the
   roster date stays on the log's last day + 1. The day after is allowed because an export
   taken before the doors open holds that morning's joins and cancellations but none of its
   visits. Without a log the roster's dates alone cannot tell a future start from a join:
   ``export_date`` can.

No log entry may lie after the day the data is checked
(:func:`evaluate.data.logs.check_timestamps`), nor after ``export_date`` when it is given
(:func:`log_date_problems`).

:func:`roster_date` decides it from what is loaded; :class:`evaluate.data.club_data.ClubData`
keeps it for the reports that read the whole folder, and :func:`load_roster` reads it with the
roster for the member profile, which reads no other file but ``club.yml``. Ages are taken
on it (:func:`evaluate.data.members.date_ages`: a stated age is the age on the roster date).

With a check-in log, :func:`load_roster` also replaces the roster's ``visits_per_week`` by
each member's visits a week counted in the log (:func:`log_visits`); the roster's own column
is used only when the club has no log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.data.checkins import (
    MIN_WEEKS_OBSERVED,
    CheckinProfile,
    check_checkins,
    is_anonymous,
    member_checkins,
)
from evaluate.data.club import CLUB_FILE, load_club
from evaluate.data.logs import TIMESTAMP
from evaluate.data.members import (
    MEMBERS_FILE,
    ROSTER_DATE,
    cancel_date_problems,
    date_ages,
    load_members,
    own_date,
)
from evaluate.data.usage import load_equipment_usage
from evaluate.errors import DataError, Problem

#: Days the roster date may lie after the newest log entry (see the module's rule 3).
LOG_LEAD_DAYS = 1


def last_day(log: CheckinProfile | pd.DataFrame | None) -> pd.Timestamp | None:
    """The day of a log's newest entry (midnight), or None without a log or entries.

    ``log`` is a check-in log's :class:`~evaluate.data.checkins.CheckinProfile` or a loaded log
    (check-ins or equipment usage: a frame with a ``timestamp`` column).
    """
    if log is None or log.empty:
        return None
    if isinstance(log, CheckinProfile):
        return pd.Timestamp(log.last_day, unit="D")
    return pd.Timestamp(log[TIMESTAMP].max()).normalize()


def roster_date(members: pd.DataFrame, checkins: CheckinProfile | pd.DataFrame | None = None,
                usage: pd.DataFrame | None = None, export_date: date | None = None, *,
                data_dir: Path | None = None) -> pd.Timestamp:
    """The club's roster date: ``export_date``, else the day its data speaks of last.

    ``members`` is :func:`evaluate.data.members.load_members`' frame; ``checkins`` and
    ``usage`` the logs as :func:`evaluate.data.club_data.load_club_data` keeps them (``None``
    or empty when the club has none); ``export_date`` is ``club.yml``'s. Without it, the
    latest join date, cancel date of a cancelled member, check-in or machine session, never
    more than :data:`LOG_LEAD_DAYS` after the newest log entry (the module's rule).
    ``data_dir``: the club's folder, named in the error.

    Raises
    ------
    DataError
        When no date at all is known: no ``export_date``, no log, and a roster with no join
        date and no cancelled member.
    """
    if export_date is not None:
        return pd.Timestamp(export_date)
    logs = [day for day in (last_day(checkins), last_day(usage)) if day is not None]
    roster = own_date(members)
    if not logs:
        if roster is None:
            raise DataError.single(
                "the roster date cannot be told: members.csv has no join date and no "
                "cancelled member, and there is no check-in or machine-session log",
                file=Path(data_dir or "") / CLUB_FILE, column="export_date",
                rule="the roster date is club.yml's export_date, else the data's latest date",
                fix="give club.yml export_date: the day members.csv was exported, e.g. "
                    "export_date: 2026-11-01")
        return pd.Timestamp(roster)
    newest = max(logs)
    if roster is None or roster <= newest:
        return newest
    return min(pd.Timestamp(roster), newest + pd.Timedelta(days=LOG_LEAD_DAYS))


def log_date_problems(checkins: CheckinProfile | pd.DataFrame | None,
                      usage: pd.DataFrame | None, export_date: date | None,
                      data_dir: Path) -> list[Problem]:
    """An error for each log whose newest entry is after ``club.yml``'s ``export_date``.

    The export date is the roster date: a visit after it is of a day the roster does not
    describe (its members, its cancellations), so the date, or the log, is wrong.
    """
    if export_date is None:
        return []
    problems = []
    for log, what in ((checkins, "check-in"), (usage, "machine session")):
        day = last_day(log)
        if log is None or day is None or day.date() <= export_date:
            continue
        found = log.attrs.get("file")
        problems.append(Problem(
            f"a {what} after the export date {export_date}: the log runs to {day.date()}",
            file=found or data_dir / CLUB_FILE, column=TIMESTAMP,
            rule="no check-in or machine session after club.yml's export_date (the roster "
                 "date)",
            fix=f"give club.yml export_date the day members.csv was exported (on or after "
                f"{day.date()} if the logs were exported with it), or export the log again up "
                f"to {export_date}"))
    return problems


@dataclass(frozen=True)
class Roster:
    """A club's roster with its roster date: what the member profile reads.

    ``members`` is :func:`~evaluate.data.members.load_members`' frame, its ages checked on
    ``roster_date`` (:func:`roster_date`, the club's logs counted).
    """

    members: pd.DataFrame
    roster_date: pd.Timestamp
    #: With a check-in log: the days the visits were counted over (:class:`VisitWindow`);
    #: None when ``visits_per_week`` is the roster's own column.
    visits_window: VisitWindow | None = None
    #: True when the club's check-in log names no member (an anonymous door log): visits a
    #: week are then the roster's own, or not known.
    anonymous_log: bool = False


# Visits a week are counted over each member's last twelve weeks as a member in the log: a
# quarter of a year holds enough visits that one missed week moves a weekly rate by under a
# tenth, and is recent enough to tell how members come now, not when they joined.
VISIT_WINDOW_WEEKS = 12


@dataclass(frozen=True)
class VisitWindow:
    """The days the check-in log's visits a week were counted over, for the report to say.

    ``first`` and ``last`` (both included) bound the window of a member present throughout:
    the :data:`VISIT_WINDOW_WEEKS` weeks up to ``last``, the profile date or the log's last
    day if earlier, cut at the log's first day. A member who joined later or left earlier is
    counted over their own last weeks as a member in the log, if at least
    :data:`~evaluate.data.checkins.MIN_WEEKS_OBSERVED`. ``log_first`` is the log's first day.
    """

    first: date
    last: date
    log_first: date


def _read_members(data_dir: Path) -> pd.DataFrame:
    """The roster, its ages left to check on the roster date; if it cannot be read, the error.

    An unreadable roster is read again with its ages checked on its own latest date, the
    only date it has, so that its error lists every problem of the file at once.
    """
    try:
        return load_members(data_dir, check_ages=False)
    except DataError:
        pass
    return load_members(data_dir)


def log_visits(data_dir: Path, members: pd.DataFrame, log: CheckinProfile,
               day: pd.Timestamp) -> tuple[pd.Series, VisitWindow] | None:
    """Each member's visits a week from the check-in log, and the window they were counted in.

    A member's window is their last :data:`VISIT_WINDOW_WEEKS` weeks as a member (joined, not
    yet cancelled) up to ``day`` or the log's last day, within the log's span; their rate is
    check-ins over the window's weeks, NaN when it is shorter than
    :data:`~evaluate.data.checkins.MIN_WEEKS_OBSERVED` weeks (too short for a weekly rate).
    None when the log is empty, ends before it starts (no window), or names no member
    (an anonymous door log: each member's visits are not known from it). A member whose
    join date is not recorded counts as a member since before the log began.
    """
    if log.empty or is_anonymous(log):
        return None
    last = min(int((day.normalize() - pd.Timestamp(0)).days), log.last_day)
    if last < log.first_day:
        return None
    epoch = pd.Timestamp(0)
    join = (members["join_date"] - epoch).dt.days.to_numpy(dtype=float, na_value=-np.inf)
    cancel = (members["cancel_date"] - epoch).dt.days.to_numpy(dtype=float, na_value=np.inf)
    # A member's last day as a member is the day before their cancel date (an active or
    # frozen member's lies ahead of the roster date: a pending cancellation).
    end = np.minimum(cancel, last + 1)
    start = np.maximum.reduce([end - 7 * VISIT_WINDOW_WEEKS, join,
                               np.full(len(end), log.first_day)])
    start = np.where(np.isfinite(start), start, end)
    stop = np.where(np.isfinite(end), end, start)
    counts = member_checkins(data_dir, members["member_id"], start.astype(np.int64),
                             np.maximum(stop, start).astype(np.int64), log.loaded)
    weeks = (stop - start).clip(0) / 7.0
    rate = np.where(weeks >= MIN_WEEKS_OBSERVED, counts / np.where(weeks > 0, weeks, 1), np.nan)
    days = [max(last + 1 - 7 * VISIT_WINDOW_WEEKS, log.first_day), last, log.first_day]
    window = VisitWindow(*((epoch + pd.Timedelta(days=d)).date() for d in days))
    return pd.Series(rate, index=members.index, name="visits_per_week"), window


def load_roster(data_dir: Path, as_of: date | str | None = None) -> Roster:
    """Read the roster of the club in ``data_dir`` and its roster date, checked.

    The check-in and equipment-usage logs, when present, are read and checked against the
    roster as the folder check reads them (:func:`evaluate.data.checks.check_club`), for their
    newest day, and ``club.yml`` for its ``export_date``; ages and the cancel dates of active
    or frozen members are checked on the roster date. With a check-in log, ``visits_per_week``
    is each member's visits a week in it up to ``as_of`` (empty: the roster date), as
    :func:`log_visits` counts them, and ``visits_window`` says over which days. Raises the
    loaders' :class:`~evaluate.errors.DataError`, every problem of the file that failed at once.
    """
    data_dir = Path(data_dir)
    members = _read_members(data_dir)
    ids = pd.Index(members["member_id"])
    checkins = check_checkins(data_dir, ids)
    usage = load_equipment_usage(data_dir, member_ids=ids)
    export_date = load_club(data_dir).export_date
    day = roster_date(members, checkins, usage, export_date, data_dir=data_dir)
    members, problems = date_ages(members, day, data_dir / MEMBERS_FILE, ROSTER_DATE)
    problems += cancel_date_problems(members, day, data_dir / MEMBERS_FILE)
    problems += log_date_problems(checkins, usage, export_date, data_dir)
    if problems:
        raise DataError(problems=problems)
    visits = log_visits(data_dir, members, checkins,
                        day if as_of in (None, "") else pd.Timestamp(as_of))
    if visits is None:
        return Roster(members=members, roster_date=day, anonymous_log=is_anonymous(checkins))
    return Roster(members=members.assign(visits_per_week=visits[0]), roster_date=day,
                  visits_window=visits[1])
