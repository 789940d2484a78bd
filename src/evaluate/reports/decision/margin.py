"""The margin tornado: which single input could change the top choice, and how far.

Each uncertain input of the model alone at its low and high end, the others at their
most-likely values (as :func:`evaluate.model.uncertainty.one_way_swings`), the whole model and
the decision matrix re-evaluated, and the weighted-sum margin of the most-likely winner over
the most-likely runner-up recorded. A negative margin means that input alone changes the top
choice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.equipment import ID
from evaluate.mcda.criteria import DecisionCriteria
from evaluate.mcda.normalization import signs_and_bounds
from evaluate.mcda.scoring import wsm_core
from evaluate.model.calibration import Calibrations
from evaluate.model.exposure import ExposureParameters
from evaluate.model.prepared import (
    PRICE_PREFIX,
    RELEVANCE_PREFIX,
    ModelInputs,
    model_core,
    model_inputs,
)
from evaluate.reports.decision.matrix import matrix_from_outputs


def margin_tornado(members: pd.DataFrame, equipment: pd.DataFrame,
                   assumptions: Mapping[str, Assumption],
                   criteria: DecisionCriteria | None = None, *,
                   checkins: pd.DataFrame | None = None, calibration: Calibrations | None = None,
                   exposure: ExposureParameters | None = None,
                   monthly_dues: float | None = None, annual_churn: float | None = None,
                   as_of: date | str | None = None, normalization: str = "minmax",
                   ranges: Mapping[str, tuple[float, float]] | None = None) -> pd.DataFrame:
    """One-way swings of the winner's weighted-sum margin over the runner-up (tidy).

    Every uncertain input of the Monte Carlo (:func:`evaluate.model.prepared.model_inputs`)
    alone at its low and its high end, all ``2 K + 1`` model runs in one vectorised call,
    each scored with the decision's weights (``normalization`` and ``ranges`` as for
    :func:`evaluate.mcda.scoring.weighted_sum`; each run is normalised on its own). Other
    arguments as for :func:`evaluate.model.uncertainty.simulate`.

    Returns
    -------
    pandas.DataFrame
        ``assumption``, ``unit``, ``low_value``, ``high_value``, ``margin_at_low``,
        ``margin_at_high`` (score points, winner minus runner-up), ``swing``
        (``|high - low|``), ``top_at_low`` and ``top_at_high`` (the first alternative in
        that run), largest swing first. ``attrs``: ``winner``, ``runner_up``,
        ``margin_most_likely``.
    """
    if len(equipment) < 2:
        raise ValueError("a margin needs at least two candidates")
    inputs = model_inputs(members, equipment, assumptions, checkins=checkins,
                          calibration=calibration, exposure=exposure,
                          monthly_dues=monthly_dues, annual_churn=annual_churn, as_of=as_of)
    return margin_tornado_from_inputs(inputs, equipment, criteria, normalization=normalization,
                                      ranges=ranges)


def margin_tornado_from_inputs(inputs: ModelInputs, equipment: pd.DataFrame,
                               criteria: DecisionCriteria | None = None, *,
                               normalization: str = "minmax",
                               ranges: Mapping[str, tuple[float, float]] | None = None
                               ) -> pd.DataFrame:
    """:func:`margin_tornado` on a model prepared once for the candidates of ``equipment``.

    ``equipment`` gives the criteria the model does not compute (floor space, evidence,
    supervision), one row per prepared candidate in the same order; ``ValueError`` otherwise,
    or for fewer than two candidates.
    """
    criteria = criteria or DecisionCriteria()
    if len(inputs.equipment_ids) < 2:
        raise ValueError("a margin needs at least two candidates")
    if tuple(equipment[ID].astype(str)) != inputs.equipment_ids:
        raise ValueError("equipment must hold the prepared candidates, in their order: "
                         + ", ".join(inputs.equipment_ids))
    names, values = inputs.one_way()
    matrices = matrix_from_outputs(model_core(inputs, values), equipment, criteria)
    w = criteria.resolved_weights().to_numpy(float)
    signs, low, high = signs_and_bounds(criteria.names, criteria.directions, ranges)
    scores = np.asarray(wsm_core(matrices, w, signs, normalization, low, high))
    order = np.argsort(-scores[0], kind="stable")
    winner, runner = int(order[0]), int(order[1])
    margin = scores[:, winner] - scores[:, runner]
    ids = np.asarray(inputs.equipment_ids)
    top = ids[np.argmax(scores, axis=1)]
    frame = pd.DataFrame({
        "assumption": [f"price ({n[len(PRICE_PREFIX):]})" if n.startswith(PRICE_PREFIX)
                       else f"back-care relevance ({n[len(RELEVANCE_PREFIX):]})"
                       if n.startswith(RELEVANCE_PREFIX) else n for n in names],
        "unit": [inputs.units[n] for n in names],
        "low_value": [inputs.ranges[n][0] for n in names],
        "high_value": [inputs.ranges[n][2] for n in names],
        "margin_at_low": margin[1::2], "margin_at_high": margin[2::2],
        "swing": np.abs(margin[2::2] - margin[1::2]),
        "top_at_low": top[1::2], "top_at_high": top[2::2]})
    frame = frame.sort_values("swing", ascending=False, kind="stable", ignore_index=True)
    frame.attrs.update(winner=str(ids[winner]), runner_up=str(ids[runner]),
                       margin_most_likely=float(margin[0]))
    return frame
