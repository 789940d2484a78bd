"""The decision matrix: the model's outputs for each criterion, per candidate and per draw.

:func:`decision_matrix` builds the alternatives × criteria table from the model's outputs at
one scenario; :func:`matrix_from_outputs` and :func:`decision_draws` build the same table for
every Monte Carlo draw, ``(draws, alternatives, criteria)``, for rank acceptability. The
criteria, their directions and the points of the categorical ones are
:mod:`evaluate.mcda.criteria`'s.

``cost_per_use`` is infinite for a machine nobody is forecast to use; a weighted sum cannot
take it, so :func:`decision_matrix` and the draws versions replace it by the largest finite
cost per use among the alternatives (in that draw): "no use" then counts as the worst seen.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.data.equipment import EVIDENCE, FOOTPRINT, ID, SUPERVISION
from evaluate.mcda.criteria import (
    EVIDENCE_POINTS,
    SUPERVISION_POINTS,
    DecisionCriteria,
    category_points,
)
from evaluate.model.uncertainty import SimulationResult

# Criterion -> output of the model per draw (evaluate.model.prepared.model_core).
DRAWN_OUTPUT = {"weekly_uses": "weekly_sessions", "back_pain_served": "back_pain_users",
                "npv": "npv", "cost_per_use": "cost_per_use"}


def _worst_finite(values: np.ndarray) -> np.ndarray:
    """Replace ``inf`` by the largest finite value along the last axis (the alternatives)."""
    finite = np.where(np.isfinite(values), values, -np.inf)
    worst = np.max(finite, axis=-1, keepdims=True)
    worst = np.where(np.isfinite(worst), worst, 0.0)
    return np.where(np.isfinite(values), values, worst)


def _fixed_columns(equipment: pd.DataFrame) -> dict[str, np.ndarray]:
    return {"floor_space": equipment[FOOTPRINT].to_numpy(float),
            "evidence": category_points(equipment[EVIDENCE], EVIDENCE_POINTS),
            "supervision": category_points(equipment[SUPERVISION], SUPERVISION_POINTS)}


def decision_matrix(equipment: pd.DataFrame, forecast: pd.DataFrame, finance: pd.DataFrame,
                    criteria: DecisionCriteria | None = None, *,
                    scenario: str = "most_likely") -> pd.DataFrame:
    """The alternatives × criteria table from the model's outputs at one scenario.

    Parameters
    ----------
    equipment
        :func:`evaluate.data.equipment.load_equipment` (floor space, evidence, supervision).
    forecast
        :func:`evaluate.model.demand.forecast_usage`: ``weekly_sessions`` and ``back_pain_users``
        (its back-pain users are the exposure model's members with back pain who use the
        machine, so exposure enters here).
    finance
        :func:`evaluate.model.finance.finance_summary` (``npv``, ``cost_per_use``), computed from
        the same scenario of the forecast.
    criteria
        Which criteria (columns, in :attr:`DecisionCriteria.names` order); default all.
    scenario
        The forecast's scenario (``low``, ``most_likely``, ``high``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``equipment_id`` in catalogue order, one column per criterion in its unit
        (:data:`CRITERIA`); ``attrs["directions"]`` maps each column to ``max``/``min``.
    """
    criteria = criteria or DecisionCriteria()
    ids = equipment[ID].astype(str).to_numpy()
    usage = forecast
    if "scenario" in forecast.columns:
        usage = forecast.loc[forecast["scenario"].astype(str) == scenario]
    usage = usage.set_index(usage[ID].astype(str)).reindex(ids)
    money = finance.set_index(finance[ID].astype(str)).reindex(ids)
    missing = [i for i in ids if pd.isna(usage.loc[i, "weekly_sessions"])
               or pd.isna(money.loc[i, "npv"])]
    if missing:
        raise ValueError(f"no forecast or finance row for {missing} (scenario {scenario!r})")
    columns = {"weekly_uses": usage["weekly_sessions"].to_numpy(float),
               "back_pain_served": usage["back_pain_users"].to_numpy(float),
               "npv": money["npv"].to_numpy(float),
               "cost_per_use": _worst_finite(money["cost_per_use"].to_numpy(float)),
               **_fixed_columns(equipment)}
    frame = pd.DataFrame({n: columns[n] for n in criteria.names},
                         index=pd.Index(ids, name=ID))
    frame.attrs["directions"] = criteria.directions
    return frame


def matrix_from_outputs(outputs: Mapping[str, np.ndarray], equipment: pd.DataFrame,
                        criteria: DecisionCriteria | None = None) -> np.ndarray:
    """The decision matrix for every draw: ``(draws, alternatives, criteria)``.

    ``outputs`` are :func:`evaluate.model.prepared.model_core`'s arrays
    ``(draws, alternatives)`` for the alternatives of ``equipment`` in the same order;
    floor space, evidence and supervision do not vary between draws. Criteria (last axis)
    in :attr:`DecisionCriteria.names` order, each in its unit.
    """
    criteria = criteria or DecisionCriteria()
    fixed = _fixed_columns(equipment)
    draws = np.asarray(outputs["npv"]).shape[0]
    layers = []
    for name in criteria.names:
        if name in DRAWN_OUTPUT:
            layer = np.asarray(outputs[DRAWN_OUTPUT[name]], dtype=float)
            layer = _worst_finite(layer) if name == "cost_per_use" else layer
        else:
            layer = np.broadcast_to(fixed[name], (draws, len(fixed[name])))
        layers.append(layer)
    return np.stack(layers, axis=-1)


def decision_draws(result: SimulationResult, equipment: pd.DataFrame,
                   criteria: DecisionCriteria | None = None) -> np.ndarray:
    """:func:`matrix_from_outputs` for a :class:`evaluate.model.uncertainty.SimulationResult`.

    ``equipment`` must hold the simulated candidates; rows are taken in the result's
    ``equipment_ids`` order. Returns ``(draws, alternatives, criteria)``.
    """
    ids = list(result.equipment_ids)
    chosen = equipment.set_index(equipment[ID].astype(str)).loc[ids].reset_index(drop=True)
    return matrix_from_outputs(result.draws, chosen, criteria)
