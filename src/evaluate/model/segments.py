"""Segment the roster: integer codes per member, and the segment grid they index.

Segments are age band × sex × occupation activity (the exposure segments), optionally crossed
with the training goal (the demand segments). Everything is coded to small integers once, so a
roster of 1,000,000 members aggregates with ``numpy.bincount`` in well under a second
(``bench/model_speed.py``). Unknown occupation and goal get their own code, ``unknown``; so do
ages under the youngest published band and unknown years of birth.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaluate.data.members import MEMBERS_FILE, OCCUPATIONS, SEXES, TRAINING_GOALS, age_on
from evaluate.data.roster import roster_date
from evaluate.errors import Problem

if TYPE_CHECKING:  # annotations only: a roster frame needs neither
    from evaluate.data.club_data import ClubData
    from evaluate.data.roster import Roster

ACTIVITIES = (*OCCUPATIONS, "unknown")  # codes 0-3; desk is code 0
GOALS = (*TRAINING_GOALS, "unknown")
DESK, UNKNOWN_ACTIVITY = 0, len(OCCUPATIONS)
UNDER_BANDS, UNKNOWN_AGE = "under 18", "unknown"
# Visit-frequency bands (visits a week, lower bounds): under once a week, once to under twice,
# twice or more. Whole visits a week are the thresholds a manager reads; retention studies of
# UK clubs link cancellation to visit frequency (Hillsdon 2015, "TRP 10,000", Health Club
# Management). Three bands keep each large enough to measure a cancellation rate in a club
# of a few hundred members (evaluate.model.churn.MIN_MEMBER_YEARS).
VISIT_BANDS = (0.0, 1.0, 2.0)
VISIT_BAND_LABELS = ("under 1", "1 to under 2", "2 or more")
UNKNOWN_VISITS = len(VISIT_BANDS)  # the band code of a member whose visits are not known


def age_labels(band_labels: tuple[str, ...]) -> tuple[str, ...]:
    """Labels of the age codes: under the youngest band, each band, unknown age."""
    return (UNDER_BANDS, *band_labels, UNKNOWN_AGE)


@dataclass(frozen=True)
class MemberCodes:
    """Integer codes per member (numpy arrays), the basis of every segmentation.

    ``age`` indexes :func:`age_labels` (0 under the bands, last unknown); ``sex``
    :data:`evaluate.data.members.SEXES`; ``activity`` :data:`ACTIVITIES`; ``goal`` :data:`GOALS`;
    ``visits`` is visits per week (NaN where unknown).
    """

    age: np.ndarray
    sex: np.ndarray
    activity: np.ndarray
    goal: np.ndarray
    visits: np.ndarray


def as_of_day(club: ClubData | Roster | pd.DataFrame,
              as_of: date | str | None = None) -> pd.Timestamp:
    """The date ages and status are taken on: ``as_of`` when set, else the roster date.

    Every report decides its date here. ``club`` is the club as loaded
    (:class:`~evaluate.data.club_data.ClubData`, or :class:`~evaluate.data.roster.Roster` for
    the member profile): its roster date is ``club.yml``'s ``export_date`` or counts the
    newest check-in and machine session (:func:`evaluate.data.roster.roster_date`). A roster
    frame alone gives the roster's own latest join or cancel date: the logs are not at hand
    to move it on.
    """
    if as_of not in (None, ""):
        return pd.Timestamp(as_of)
    return roster_date(club) if isinstance(club, pd.DataFrame) else club.roster_date


def _joined(members: pd.DataFrame, day: pd.Timestamp) -> np.ndarray:
    """Members who had joined by ``day``: join date on or before it, or not recorded.

    A member on the roster whose join date is not recorded joined at some time before the
    roster's export; one whose join date is after ``day`` has not started.
    """
    join = members["join_date"].to_numpy()
    return np.isnat(join) | (join <= day.to_datetime64())


def _gone(members: pd.DataFrame, day: pd.Timestamp) -> np.ndarray:
    """Members whose cancel date is on or before ``day``: no longer members on it."""
    cancel = members["cancel_date"].to_numpy()
    return ~np.isnat(cancel) & (cancel <= day.to_datetime64())


def active_mask(members: pd.DataFrame, day: pd.Timestamp) -> np.ndarray:
    """Members active on ``day``: joined by then, active or cancelled, and not yet gone.

    Joined: join date on or before ``day``, or not recorded. Not yet gone: no cancel date on
    or before ``day``; so a member cancelled after ``day`` was active on it, and an active
    member with a cancel date after it (a pending cancellation) is active. The same rule as
    :func:`evaluate.reports.member_profile.select_members` with ``status="active"``.
    """
    status = members["status"]  # compared as a Series: a categorical compares its codes
    dated = members["cancel_date"].notna()  # a cancelled member with no date: gone
    member = ((status == "active") | ((status == "cancelled") & dated)).to_numpy(bool)
    return _joined(members, day) & member & ~_gone(members, day)


@dataclass(frozen=True)
class RosterDay:
    """How the roster stands on ``day``: members active, gone, frozen and not yet joined.

    The four counts add up to the roster: ``active`` by :func:`active_mask`; of those who had
    joined by ``day`` and are not active, ``frozen`` (frozen, with no cancel date on or before
    ``day``) and ``cancelled`` (the others: gone by then); ``joined_after`` (a join_date after
    ``day``: not yet started).
    """

    day: pd.Timestamp
    active: int
    cancelled: int
    frozen: int
    joined_after: int


def roster_on(members: pd.DataFrame, day: pd.Timestamp) -> RosterDay:
    """Count the roster on ``day`` (see :class:`RosterDay`)."""
    active, joined = active_mask(members, day), _joined(members, day)
    frozen = joined & (members["status"] == "frozen").to_numpy(bool) & ~_gone(members, day)
    return RosterDay(day=day, active=int(active.sum()),
                     cancelled=int((joined & ~active & ~frozen).sum()),
                     frozen=int(frozen.sum()), joined_after=int((~joined).sum()))


def _day_with_members(members: pd.DataFrame, day: pd.Timestamp) -> pd.Timestamp | None:
    """The day nearest ``day`` on which some member was active, or ``None`` if none ever was.

    The last such day before ``day``, else the first after it; ``None`` when every member is
    frozen (or cancelled on the day they joined).
    """
    join, cancel = members["join_date"], members["cancel_date"]
    status = members["status"]
    member = (status == "active") | (status == "cancelled")
    ended = member & cancel.notna() & (join.isna() | (cancel > join))
    last_days = (cancel[ended] - pd.Timedelta(days=1))  # each one's last day as a member
    before = last_days[last_days < day]
    if len(before):
        return before.max()
    after = join[member & (cancel.isna() | (cancel > join)) & (join > day)]
    return after.min() if len(after) else None


def no_active_member(members: pd.DataFrame, day: pd.Timestamp,
                     file: str | Path = MEMBERS_FILE) -> Problem | None:
    """The problem when no member of the roster is active on ``day``, else ``None``.

    The model forecasts use by the members active on its roster date; with none there is
    nothing to forecast or decide. The problem names ``file`` (the roster), the column to
    check (``join_date`` when every member joins after ``day``, else ``status``), the counts
    of :func:`roster_on` and a date when members were active.
    """
    counts = roster_on(members, day)
    if counts.active:
        return None
    shown = f"{day:%Y-%m-%d}"
    message = (f"no member is active on {shown}: 0 active, {counts.cancelled:,} cancelled, "
               f"{counts.frozen:,} frozen, {counts.joined_after:,} joined after it")
    nearest = _day_with_members(members, day)
    other_day = (f"give as_of a date when members were active, e.g. {nearest:%Y-%m-%d}"
                 if nearest is not None else "give as_of a date when members were active")
    if counts.joined_after == len(members):
        return Problem(message, file=file, column="join_date",
                       rule="a member joined on or before the roster date (as_of)",
                       fix=f"{other_day}; or leave as_of empty for the roster's latest date")
    return Problem(message, file=file, column="status",
                   rule="a member is active on the roster date (as_of, empty: the roster's "
                        "latest date): joined by then, with status active, or cancelled "
                        "after it",
                   fix=f"check the status column (are the active members in the export?); "
                       f"or {other_day}")


def member_codes(members: pd.DataFrame, band_min: np.ndarray, day: pd.Timestamp) -> MemberCodes:
    """Code every member's age band (age on ``day``), sex, activity and goal.

    Ages are :func:`evaluate.data.members.age_on` (exact from a date of birth, else ``day``'s
    year - birth year).

    ``band_min`` are the age bands' lower bounds (years, ascending): code 0 is under the first,
    ``len(band_min) + 1`` unknown age.
    """
    age = age_on(members, day)
    band = np.searchsorted(band_min, np.nan_to_num(age, nan=-1.0), side="right")
    band[np.isnan(age)] = len(band_min) + 1
    sex = pd.Categorical(members["sex"], categories=list(SEXES)).codes.astype(np.int64)
    occupation = pd.Categorical(members["occupation_activity"], categories=list(OCCUPATIONS))
    goal = pd.Categorical(members["training_goal"], categories=list(TRAINING_GOALS))
    return MemberCodes(age=band, sex=sex,
                       activity=np.where(occupation.codes < 0, UNKNOWN_ACTIVITY,
                                         occupation.codes).astype(np.int64),
                       goal=np.where(goal.codes < 0, len(TRAINING_GOALS),
                                     goal.codes).astype(np.int64),
                       visits=members["visits_per_week"].to_numpy(float))


def visit_band(visits: np.ndarray) -> np.ndarray:
    """Each member's visit band: an index into :data:`VISIT_BANDS`, :data:`UNKNOWN_VISITS` if NaN.

    ``visits`` are visits a week; a member on a band's lower bound is in that band (1.0 is
    "1 to under 2").
    """
    visits = np.asarray(visits, dtype=float)
    band = np.searchsorted(VISIT_BANDS, np.nan_to_num(visits, nan=0.0), side="right") - 1
    return np.where(np.isnan(visits), UNKNOWN_VISITS, band).astype(np.int64)


def segment_index(codes: MemberCodes, with_goal: bool = False) -> np.ndarray:
    """One integer per member: its segment age × sex × activity (× goal), row-major."""
    index = (codes.age * len(SEXES) + codes.sex) * len(ACTIVITIES) + codes.activity
    return index * len(GOALS) + codes.goal if with_goal else index


def segment_frame(labels: tuple[str, ...], with_goal: bool = False) -> pd.DataFrame:
    """Every segment's labels in :func:`segment_index` order (categorical columns)."""
    axes = {"age_band": labels, "sex": SEXES, "activity": ACTIVITIES}
    if with_goal:
        axes["training_goal"] = GOALS
    grid = pd.MultiIndex.from_product(list(axes.values()), names=list(axes)).to_frame(index=False)
    return grid.astype({name: pd.CategoricalDtype(list(values)) for name, values in axes.items()})
