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
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaluate.data.members import OCCUPATIONS, SEXES, TRAINING_GOALS
from evaluate.data.roster import roster_date

if TYPE_CHECKING:  # annotations only: a roster frame needs neither
    from evaluate.data.club_data import ClubData
    from evaluate.data.roster import Roster

ACTIVITIES = (*OCCUPATIONS, "unknown")  # codes 0-3; desk is code 0
GOALS = (*TRAINING_GOALS, "unknown")
DESK, UNKNOWN_ACTIVITY = 0, len(OCCUPATIONS)
UNDER_BANDS, UNKNOWN_AGE = "under 18", "unknown"


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
    the member profile): its roster date counts the newest check-in and machine session
    (:func:`evaluate.data.roster.roster_date`). A roster frame alone gives the roster's own
    latest join or cancel date: the logs are not at hand to move it on.
    """
    if as_of not in (None, ""):
        return pd.Timestamp(as_of)
    return roster_date(club) if isinstance(club, pd.DataFrame) else club.roster_date


def active_mask(members: pd.DataFrame, day: pd.Timestamp) -> np.ndarray:
    """Members active on ``day``: joined by then, and active, or cancelled after it.

    The same rule as :func:`evaluate.reports.member_profile.select_members` with
    ``status="active"``.
    """
    joined = members["join_date"].to_numpy() <= day.to_datetime64()
    status = members["status"]  # compared as a Series: a categorical compares its codes
    cancel = members["cancel_date"].to_numpy()
    later = ((status == "cancelled").to_numpy(bool) & ~np.isnat(cancel)
             & (cancel > day.to_datetime64()))
    return joined & ((status == "active").to_numpy(bool) | later)


def member_codes(members: pd.DataFrame, band_min: np.ndarray, day: pd.Timestamp) -> MemberCodes:
    """Code every member's age band (age = ``day``'s year - birth year), sex, activity, goal.

    ``band_min`` are the age bands' lower bounds (years, ascending): code 0 is under the first,
    ``len(band_min) + 1`` unknown age.
    """
    age = day.year - members["birth_year"].to_numpy(dtype=float, na_value=np.nan)
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
