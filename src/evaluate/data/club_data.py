"""A whole club folder, read and checked once: what every report starts from.

:func:`load_club_data` runs the folder check (:func:`evaluate.data.checks.check_club`), stops
with one error listing every problem, and returns the club's files as a :class:`ClubData`.
The decision analysis, the candidate profile and the usage review all start here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from evaluate.data.assumptions import ASSUMPTIONS_FILE, Assumptions
from evaluate.data.checkins import CheckinProfile
from evaluate.data.checks import FolderCheck, check_club
from evaluate.data.club import CLUB_FILE, ClubInfo
from evaluate.data.equipment import EQUIPMENT_FILE
from evaluate.data.members import MEMBERS_FILE
from evaluate.data.roster import log_visits, roster_date


@dataclass(frozen=True)
class ClubData:
    """Everything read from one club folder, checked (see :func:`evaluate.data.checks.check_club`).

    ``checkins`` and ``usage`` are ``None`` when the club has no such log; ``checkins`` is
    the log's :class:`~evaluate.data.checkins.CheckinProfile` (counts per hour of the week, all the
    model reads from it), or a loaded log. ``check`` keeps what was read, what was missing and
    every warning, for the data-quality section. ``roster_date`` is the day every report is
    as of unless its ``as_of`` says otherwise. When the roster records no member's
    ``visits_per_week`` and the club has a check-in log, ``members`` holds each member's visits
    a week from the log up to the roster date (:func:`evaluate.data.roster.log_visits`), so
    that the model caps sessions at the visits the log shows rather than at none.
    """

    data_dir: Path
    club: ClubInfo
    members: pd.DataFrame
    equipment: pd.DataFrame
    assumptions: Assumptions
    checkins: CheckinProfile | pd.DataFrame | None
    usage: pd.DataFrame | None
    check: FolderCheck

    @cached_property
    def roster_date(self) -> pd.Timestamp:
        """The club's roster date (:func:`evaluate.data.roster.roster_date`), its logs counted.

        ``club.yml``'s ``export_date``, else the latest join or cancel date, check-in or
        machine session, within that function's limits; worked out once.
        """
        return roster_date(self.members, self.checkins, self.usage, self.club.export_date)


def load_club_data(data_dir: Path) -> ClubData:
    """Read and check the whole club folder once; raise one error listing every problem."""
    check = check_club(Path(data_dir))
    check.raise_errors()
    loaded = check.loaded

    def log(name: str) -> pd.DataFrame | None:
        frame = loaded.get(name)
        return None if frame is None or frame.attrs.get("file") is None else frame

    members, checkins = loaded[MEMBERS_FILE], log("check-ins")
    if checkins is not None and members["visits_per_week"].isna().all():
        if not isinstance(checkins, CheckinProfile):
            checkins = CheckinProfile.of(checkins)
        day = roster_date(members, checkins, log("equipment usage"),
                          loaded[CLUB_FILE].export_date)
        visits = log_visits(Path(data_dir), members, checkins, day)
        if visits is not None:
            members = members.assign(visits_per_week=visits[0])
    if isinstance(loaded.get("check-ins"), CheckinProfile):  # its rows are not kept after this
        loaded["check-ins"] = replace(loaded["check-ins"], loaded=None)
    return ClubData(data_dir=Path(data_dir), club=loaded[CLUB_FILE],
                    members=members, equipment=loaded[EQUIPMENT_FILE],
                    assumptions=loaded[ASSUMPTIONS_FILE], checkins=log("check-ins"),
                    usage=log("equipment usage"), check=check)
