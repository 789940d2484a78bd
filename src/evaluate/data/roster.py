"""The roster date: the one day a club's figures describe, decided in one place.

Ages (the roster holds years of birth), who is active and every member count are taken on the
club's **roster date** unless a report's ``as_of`` names another day. It is the latest day the
club's data speaks of: the latest join or cancel date in ``members.csv`` and, when the logs
exist, the day of the newest check-in and of the newest machine session. A small club may have
had no join or cancellation for years while its members still check in every day; taking the
roster's own dates alone would then date its reports years back and make every age that many
years low. No log entry may lie after the day the data is checked
(:func:`evaluate.data.logs.check_timestamps`), so the logs never move the date past today.

:func:`roster_date` decides it from what is loaded; :class:`evaluate.data.club_data.ClubData`
keeps it for the reports that read the whole folder, and :func:`load_roster` reads it with the
roster for the member profile, which reads no other file.

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
from evaluate.data.logs import TIMESTAMP
from evaluate.data.members import MEMBERS_FILE, ROSTER_DATE, age_problems, load_members
from evaluate.data.usage import load_equipment_usage
from evaluate.errors import DataError


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
                usage: pd.DataFrame | None = None) -> pd.Timestamp:
    """The club's roster date: its latest join or cancel date, check-in or machine session.

    ``members`` is :func:`evaluate.data.members.load_members`' frame; ``checkins`` and
    ``usage`` the logs as :func:`evaluate.data.club_data.load_club_data` keeps them (``None``
    or empty when the club has none). Without logs it is the roster's own latest date.
    """
    days = [members["join_date"].max(), members["cancel_date"].max(), last_day(checkins),
            last_day(usage)]
    return max(pd.Timestamp(day) for day in days if day is not None and not pd.isna(day))


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
    (an anonymous door log: each member's visits are not known from it).
    """
    if log.empty or is_anonymous(log):
        return None
    last = min(int((day.normalize() - pd.Timestamp(0)).days), log.last_day)
    if last < log.first_day:
        return None
    epoch = pd.Timestamp(0)
    join = (members["join_date"] - epoch).dt.days.to_numpy(dtype=float, na_value=np.inf)
    cancel = (members["cancel_date"] - epoch).dt.days.to_numpy(dtype=float, na_value=np.inf)
    cancelled = (members["status"] == "cancelled").to_numpy(bool)
    # A cancelled member's last day as a member is the day before their cancel date.
    end = np.minimum(np.where(cancelled, cancel, np.inf), last + 1)
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
    newest day; ages are checked on the roster date. With a check-in log, ``visits_per_week``
    is each member's visits a week in it up to ``as_of`` (empty: the roster date), as
    :func:`log_visits` counts them, and ``visits_window`` says over which days. Raises the
    loaders' :class:`~evaluate.errors.DataError`, every problem of the file that failed at once.
    """
    data_dir = Path(data_dir)
    members = _read_members(data_dir)
    ids = pd.Index(members["member_id"])
    checkins = check_checkins(data_dir, ids)
    day = roster_date(members, checkins, load_equipment_usage(data_dir, member_ids=ids))
    problems = age_problems(members["birth_year"], day, data_dir / MEMBERS_FILE, ROSTER_DATE)
    if problems:
        raise DataError(problems=problems)
    visits = log_visits(data_dir, members, checkins,
                        day if as_of in (None, "") else pd.Timestamp(as_of))
    if visits is None:
        return Roster(members=members, roster_date=day, anonymous_log=is_anonymous(checkins))
    return Roster(members=members.assign(visits_per_week=visits[0]), roster_date=day,
                  visits_window=visits[1])
