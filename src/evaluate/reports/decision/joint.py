"""The best set's candidates, valued jointly: what each machine's score and NPV owe to its users.

:func:`evaluate.mcda.portfolio.best_portfolios` values a set of machines jointly: machines
that serve the same need share its users (:mod:`evaluate.model.joint`), so the part of each
machine's value that comes from the users it adds counts in a set only in the share of users
the set adds together over the sum of what its machines add alone. This module says which part
that is, for both objectives:

- **NPV**: the benefit items that scale with the users a machine adds (retention) and with
  the back-pain users it adds (trainer sessions), from
  :func:`evaluate.model.joint.npv_split`; costs and new joins count in full.
- **Score**: the contributions (weight × normalised value) of the criteria that come from
  the machine's forecast users (:data:`SCALES_WITH`); floor space, evidence and supervision
  count in full. A set's score is then what a manager would expect of it: two machines that
  serve the same members score less together than the sum of their scores, because their
  uses, cost per use, NPV and back-pain members served overlap. The shares are the users',
  the criteria's own scales are not recomputed for the set (a score is relative to the
  candidates compared, so a set's score is a ranking device, not a measurement).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.data.equipment import ID
from evaluate.mcda.portfolio import JOINT_COUNTS
from evaluate.model.joint import JointUsers, joint_added_users, npv_split
from evaluate.model.prepared import ModelInputs

# The criteria that come from a machine's forecast users, and the users each scales with in a
# set. A criterion not listed counts in full in a set (never more than its members' sum).
SCALES_WITH = {"weekly_uses": "added_users", "cost_per_use": "added_users",
               "npv": "added_users", "back_pain_served": "added_back_pain_users"}


def portfolio_options(model: ModelInputs, forecast: pd.DataFrame, finance: pd.DataFrame,
                      ranking: pd.DataFrame, scores: pd.Series, parts: pd.DataFrame
                      ) -> tuple[pd.DataFrame, JointUsers]:
    """The candidates' table for :func:`~evaluate.mcda.portfolio.best_portfolios`, joint.

    Parameters
    ----------
    model, forecast
        The prepared model and its most-likely forecast
        (:func:`evaluate.model.prepared.forecast_from_inputs`).
    finance
        The most-likely money (:func:`evaluate.model.finance.finance_summary`: each benefit
        item's present value).
    ranking
        :func:`evaluate.reports.decision.analysis.ranking_table` (``npv``, ``up_front``,
        ``floor_m2``).
    scores, parts
        Weighted-sum scores and their contributions (:func:`evaluate.mcda.scoring.contributions`).

    Returns
    -------
    tuple
        The table indexed by ``equipment_id`` (``score``, ``npv``, ``cost``, ``floor_m2``,
        each member's :data:`~evaluate.mcda.portfolio.JOINT_COUNTS` and each objective's
        parts ``<objective>_from_<count>``) and the function of the sets' joint counts
        (:func:`evaluate.model.joint.joint_added_users`), in the table's order.
    """
    ids = list(scores.index)
    chosen = model.select(ids)
    money = npv_split(finance)
    likely = forecast[forecast["scenario"].astype(str) == "most_likely"].set_index(ID)
    table = pd.DataFrame({"score": scores, "npv": ranking["npv"].reindex(ids),
                          "cost": ranking["up_front"].reindex(ids),
                          "floor_m2": ranking["floor_m2"].reindex(ids)},
                         index=pd.Index(ids, name=ID))
    by = parts.assign(scales=parts["criterion"].map(SCALES_WITH))
    for count in JOINT_COUNTS:
        table[count] = likely[count].reindex(ids).to_numpy(float)
        mine = by[by["scales"] == count]
        score_part = mine.groupby("alternative")["contribution"].sum()
        table[f"score_from_{count}"] = np.maximum(score_part.reindex(ids).fillna(0.0), 0.0)
        table[f"npv_from_{count}"] = np.maximum(money[count].reindex(ids), 0.0)
    return table, joint_added_users(chosen)
