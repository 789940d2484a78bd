"""Who a machine would serve: the club's member groups behind a back-care machine's case.

A back-care machine's case, the reverse hyper's first, rests on desk workers, members over 45
and lifters who train the squat and deadlift. :func:`audience_table` counts those groups among
the active members, the members in each who likely have back pain now (the exposure model's
expected count), and, for a candidate, the regular users the demand model expects from each
group.

The demand model adds up over members (each segment's users are its members times their
rates), so a group's expected users are the forecast run on that group alone. Groups overlap
(a desk worker may be over 45), so the rows do not add up to the total.

Counts of fewer than ``min_group_size`` members are hidden (NaN, ``suppressed``), and so are
the expected figures of such a group, since they would describe a handful of members. A group
is also hidden when the active members outside it are that few: with the total printed
beside it, its count would give them away by subtraction (10 desk workers of 12 active
members: the 2 others).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.members import age_on
from evaluate.model.demand import POSTERIOR_CHAIN_GOALS, demand_segments, forecast_usage
from evaluate.model.exposure import ExposureParameters, back_pain_probability
from evaluate.model.prepared import ModelInputs, forecast_from_inputs
from evaluate.model.segments import active_mask, as_of_day
from evaluate.reports.privacy import MIN_GROUP_SIZE, SUPPRESSED, shown_split

OVER_AGE = 45  # years: the age from which back pain is most common (NHIS 2019 bands)
GROUPS = ("All active members", "Desk workers", f"Aged {OVER_AGE} or over",
          "Train for strength or sport")
# The roster column each group is told from, where the roster may not record it at all.
GROUP_COLUMNS = {"Desk workers": "occupation_activity",
                 "Train for strength or sport": "training_goal"}


def group_masks(members: pd.DataFrame, as_of: date | str | None = None
                ) -> dict[str, np.ndarray]:
    """Boolean masks over ``members`` for each of :data:`GROUPS`, active members only."""
    day = as_of_day(members, as_of)
    active = active_mask(members, day)
    age = age_on(members, day)
    desk = (members["occupation_activity"].astype("string") == "desk").fillna(False)
    goal = members["training_goal"].astype("string").isin(POSTERIOR_CHAIN_GOALS).fillna(False)
    return dict(zip(GROUPS, (active, active & desk.to_numpy(bool),
                             active & (age >= OVER_AGE), active & goal.to_numpy(bool)),
                    strict=True))


def audience_table(members: pd.DataFrame, assumptions: Mapping[str, Assumption],
                   candidate: pd.DataFrame | None = None, *,
                   checkins: pd.DataFrame | None = None,
                   exposure: ExposureParameters | None = None, uptake_factor: float = 1.0,
                   as_of: date | str | None = None,
                   min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Each group's size, its members likely with back pain, and a candidate's users from it.

    Parameters
    ----------
    members, assumptions, checkins
        From the loaders.
    candidate
        One catalogue row (costs need not be filled); without it only the group columns.
    exposure, uptake_factor, as_of
        As for :func:`evaluate.model.demand.forecast_usage`.
    min_group_size
        Smaller groups are hidden.

    Returns
    -------
    pandas.DataFrame
        ``group``, ``members``, ``with_back_pain`` (expected members with back pain in the
        last three months, most likely), and with a candidate ``users`` (expected regular
        users, most likely) and ``users_with_back_pain``; NaN where hidden, flagged in
        ``suppressed``.
    """
    exposure = exposure or ExposureParameters.load(assumptions)
    day = as_of_day(members, as_of)

    def forecast(group: str, mask: np.ndarray) -> pd.DataFrame:
        return forecast_usage(members.loc[mask], candidate, assumptions, checkins,
                              exposure=exposure, uptake_factor=uptake_factor, as_of=day)

    return _audience(members, exposure, day, None if candidate is None else forecast,
                     min_group_size)


def audience_from_inputs(members: pd.DataFrame, inputs: ModelInputs, *,
                         min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """:func:`audience_table` for a candidate's model prepared once on ``members``.

    ``inputs`` is :func:`evaluate.model.prepared.model_inputs` for these members and one
    candidate (e.g. a decision's, :meth:`~evaluate.model.prepared.ModelInputs.select`-ed):
    its roster date, exposure, peak-hour share and calibration serve every group, and its
    segments the whole club; only the smaller groups are aggregated on their own. Raises
    ``ValueError`` when ``inputs`` holds more than one candidate.
    """
    if len(inputs.equipment_ids) != 1:
        raise ValueError("the audience is one candidate's: select it from the prepared model, "
                         f"not {', '.join(inputs.equipment_ids)}")
    day = inputs.as_of

    def forecast(group: str, mask: np.ndarray) -> pd.DataFrame:
        if group == GROUPS[0]:
            return forecast_from_inputs(inputs)
        segments = demand_segments(members.loc[mask], inputs.exposure, as_of=day)
        return forecast_from_inputs(replace(inputs, segments=segments))

    return _audience(members, inputs.exposure, day, forecast, min_group_size)


def _audience(members: pd.DataFrame, exposure: ExposureParameters, day: pd.Timestamp,
              forecast: Callable[[str, np.ndarray], pd.DataFrame] | None,
              min_group_size: int) -> pd.DataFrame:
    """The table of :func:`audience_table`; ``forecast(group, mask)`` forecasts one group."""
    masks = group_masks(members, day)
    probability = back_pain_probability(members, exposure, as_of=day).to_numpy(float)
    total = int(masks[GROUPS[0]].sum())
    rows = []
    for group, mask in masks.items():
        count = int(mask.sum())
        hidden = count < min_group_size or not shown_split(count, total, min_group_size)
        row = {"group": group, "members": np.nan if hidden else count,
               "with_back_pain": np.nan if hidden else float(probability[mask].sum())}
        if forecast is not None:
            users = (np.nan, np.nan)
            if not hidden:
                found = forecast(group, mask)
                likely = found[found["scenario"].astype(str) == "most_likely"].iloc[0]
                users = (float(likely["regular_users"]), float(likely["back_pain_users"]))
            row.update(users=users[0], users_with_back_pain=users[1])
        row[SUPPRESSED] = hidden
        rows.append(row)
    table = pd.DataFrame(rows)
    # Groups the roster cannot tell at all (the column is blank for every member): "not
    # recorded", which a report says instead of a hidden or zero count.
    table.attrs["not_recorded"] = [g for g, col in GROUP_COLUMNS.items()
                                   if members[col].isna().all()]
    return table
