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
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaluate.data.checkins import CheckinProfile, check_checkins
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


def load_roster(data_dir: Path) -> Roster:
    """Read the roster of the club in ``data_dir`` and its roster date, checked.

    The check-in and equipment-usage logs, when present, are read and checked against the
    roster as the folder check reads them (:func:`evaluate.data.checks.check_club`), for their
    newest day; ages are checked on the roster date. Raises the loaders'
    :class:`~evaluate.errors.DataError`, every problem of the file that failed at once.
    """
    data_dir = Path(data_dir)
    members = _read_members(data_dir)
    ids = pd.Index(members["member_id"])
    day = roster_date(members, check_checkins(data_dir, ids),
                      load_equipment_usage(data_dir, member_ids=ids))
    problems = age_problems(members["birth_year"], day, data_dir / MEMBERS_FILE, ROSTER_DATE)
    if problems:
        raise DataError(problems=problems)
    return Roster(members=members, roster_date=day)
