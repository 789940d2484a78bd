"""The decision matrix: the model's outputs for each criterion, per candidate and per draw.

:func:`decision_matrix` builds the alternatives × criteria table from the model's outputs at
one scenario; :func:`matrix_from_outputs` and :func:`decision_draws` build the same table for
every Monte Carlo draw, ``(draws, alternatives, criteria)``, for rank acceptability. The
criteria, their directions and the points of the categorical ones are
:mod:`evaluate.mcda.criteria`'s.

``cost_per_use`` is infinite for a machine nobody is forecast to use; a weighted sum cannot
take it, so :func:`decision_matrix` and the draws versions replace it by the largest finite
cost per use among the alternatives (in that draw): "no use" then counts as the worst seen.

In the draws (:func:`decision_draws`), each candidate's evidence points are drawn within
:data:`~evaluate.mcda.criteria.EVIDENCE_HALF_WIDTH` of its grade's points (the grade is a
judgement; :func:`evidence_draws`); the most-likely matrix keeps the grade's points.

**Buying nothing** is an alternative too (:func:`with_nothing`, :func:`draws_with_nothing`):
the club as it is, id :data:`NOTHING` ("Buy nothing"). It adds no uses and serves no member
with back pain, its NPV is 0 by definition (nothing changes), it takes no floor space, needs
no supervision and makes no back-care claim (evidence 0). It has no use, so its cost per use
follows the rule above for a machine nobody uses: the worst finite cost per use among the
alternatives. A candidate must then beat leaving the money in the bank on the same criteria:
one that serves almost nobody and loses money ranks below buying nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.data.equipment import EVIDENCE, FOOTPRINT, ID, SUPERVISION
from evaluate.mcda.criteria import (
    CRITERIA,
    EVIDENCE_HALF_WIDTH,
    EVIDENCE_POINTS,
    SUPERVISION_POINTS,
    DecisionCriteria,
    category_points,
)
from evaluate.model.finance import ADDED_BACK_PAIN_USERS as ADDED_BACK_PAIN
from evaluate.model.sampling import stream
from evaluate.model.uncertainty import SimulationResult

# Criterion -> output of the model per draw (evaluate.model.prepared.model_core).
DRAWN_OUTPUT = {"weekly_uses": "weekly_sessions", "back_pain_served": "added_back_pain_users",
                "npv": "npv", "cost_per_use": "cost_per_use"}
# Buying nothing: its id (reserved: with_nothing refuses a matrix that already holds it), its
# plain name, and its value on each criterion but cost per use (see the module docstring).
NOTHING, NOTHING_LABEL = "buy_nothing", "Buy nothing"
NOTHING_VALUES: dict[str, float] = {"weekly_uses": 0.0, "back_pain_served": 0.0, "npv": 0.0,
                                    "floor_space": 0.0, "evidence": 0.0, "supervision": 0.0}
EVIDENCE_STREAM = "evidence_grade:"  # + equipment_id: each candidate's own random stream


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
        :func:`evaluate.model.demand.forecast_usage`: ``weekly_sessions`` and
        ``added_back_pain_users`` (members with back pain the machine adds to those the owned
        machines serve; ``back_pain_users`` where the frame has no added users). The back-pain
        users are the exposure model's members with back pain, so exposure enters here.
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
               "back_pain_served": usage[ADDED_BACK_PAIN if ADDED_BACK_PAIN in usage.columns
                                         else "back_pain_users"].to_numpy(float),
               "npv": money["npv"].to_numpy(float),
               "cost_per_use": _worst_finite(money["cost_per_use"].to_numpy(float)),
               **_fixed_columns(equipment)}
    frame = pd.DataFrame({n: columns[n] for n in criteria.names},
                         index=pd.Index(ids, name=ID))
    frame.attrs["directions"] = criteria.directions
    return frame


def evidence_draws(equipment: pd.DataFrame, draws: int, seed: int) -> np.ndarray:
    """Each candidate's evidence points in every draw, ``(draws, alternatives)``.

    Uniform within :data:`~evaluate.mcda.criteria.EVIDENCE_HALF_WIDTH` of the grade's points
    (:data:`~evaluate.mcda.criteria.EVIDENCE_POINTS`), clipped to the ladder's ends (0 and 3),
    so the grade's points are each candidate's median. Each candidate draws from its own
    stream, :func:`evaluate.model.sampling.stream` of ``seed`` and
    ``"evidence_grade:<equipment_id>"``: independent of every other quantity's draws, and
    unchanged when candidates are added, removed or reordered.
    """
    points = category_points(equipment[EVIDENCE], EVIDENCE_POINTS)
    top = max(EVIDENCE_POINTS.values())
    columns = [np.clip(stream(seed, EVIDENCE_STREAM + str(machine)).uniform(
        p - EVIDENCE_HALF_WIDTH, p + EVIDENCE_HALF_WIDTH, draws), 0.0, top)
        for machine, p in zip(equipment[ID].astype(str), points, strict=True)]
    return np.stack(columns, axis=-1) if columns else np.zeros((draws, 0))


def matrix_from_outputs(outputs: Mapping[str, np.ndarray], equipment: pd.DataFrame,
                        criteria: DecisionCriteria | None = None, *,
                        seed: int | None = None) -> np.ndarray:
    """The decision matrix for every draw: ``(draws, alternatives, criteria)``.

    ``outputs`` are :func:`evaluate.model.prepared.model_core`'s arrays
    ``(draws, alternatives)`` for the alternatives of ``equipment`` in the same order;
    floor space and supervision do not vary between draws. Evidence is drawn around each
    grade (:func:`evidence_draws` with ``seed``) when ``seed`` is given, else the grade's
    points in every draw (as the margin tornado's one-way runs need). Criteria (last axis)
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
        elif name == "evidence" and seed is not None:
            layer = evidence_draws(equipment, draws, seed)
        else:
            layer = np.broadcast_to(fixed[name], (draws, len(fixed[name])))
        layers.append(layer)
    return np.stack(layers, axis=-1)


def decision_draws(result: SimulationResult, equipment: pd.DataFrame,
                   criteria: DecisionCriteria | None = None) -> np.ndarray:
    """:func:`matrix_from_outputs` for a :class:`evaluate.model.uncertainty.SimulationResult`.

    ``equipment`` must hold the simulated candidates; rows are taken in the result's
    ``equipment_ids`` order. The evidence points are drawn with the result's seed
    (:func:`evidence_draws`). Returns ``(draws, alternatives, criteria)``.
    """
    ids = list(result.equipment_ids)
    chosen = equipment.set_index(equipment[ID].astype(str)).loc[ids].reset_index(drop=True)
    return matrix_from_outputs(result.draws, chosen, criteria, seed=result.seed)


def _nothing_row(worst_cost_per_use: np.ndarray, names: list[str]) -> np.ndarray:
    """Buying nothing's values ``(..., criteria)``, cost per use given per draw ``(...,)``."""
    unknown = [n for n in names if n not in NOTHING_VALUES and n != "cost_per_use"]
    if unknown:
        raise ValueError(f"no value for buying nothing on {unknown}; known criteria: "
                         + ", ".join(CRITERIA))
    return np.stack([worst_cost_per_use if n == "cost_per_use"
                     else np.full_like(worst_cost_per_use, NOTHING_VALUES[n])
                     for n in names], axis=-1)


def with_nothing(matrix: pd.DataFrame) -> pd.DataFrame:
    """``matrix`` (:func:`decision_matrix`) with buying nothing as its last alternative.

    The row :data:`NOTHING` holds :data:`NOTHING_VALUES` and, for cost per use, the largest
    among the candidates (see the module docstring); ``attrs`` are kept. ``ValueError`` if
    ``matrix`` already holds :data:`NOTHING` or a criterion with no value for buying nothing.
    """
    if NOTHING in matrix.index:
        raise ValueError(f"the matrix already holds {NOTHING!r}, the id reserved for buying "
                         f"nothing: rename that machine's equipment_id in equipment.csv")
    names = list(matrix.columns)
    worst = np.asarray(float(matrix["cost_per_use"].max()) if "cost_per_use" in names
                       and len(matrix) else 0.0)
    row = pd.DataFrame([_nothing_row(worst, names)], columns=names,
                       index=pd.Index([NOTHING], name=matrix.index.name))
    frame = pd.concat([matrix, row])
    frame.attrs = dict(matrix.attrs)
    return frame


def draws_with_nothing(draws: np.ndarray, criteria: list[str]) -> np.ndarray:
    """The draws ``(draws, alternatives, criteria)`` with buying nothing as the last alternative.

    ``criteria`` names the last axis (:attr:`DecisionCriteria.names`). In each draw, buying
    nothing's cost per use is the largest among the candidates of that draw; its other values
    are :data:`NOTHING_VALUES` in every draw. Returns ``(draws, alternatives + 1, criteria)``;
    the alternatives' names for :func:`evaluate.mcda.robustness.rank_acceptability` are the
    candidates' followed by :data:`NOTHING`.
    """
    values = np.asarray(draws, dtype=float)
    if values.ndim != 3 or values.shape[-1] != len(criteria):
        raise ValueError(f"draws must be (draws, alternatives, {len(criteria)} criteria), "
                         f"got shape {values.shape}")
    if "cost_per_use" in criteria and values.shape[1]:
        worst = values[..., criteria.index("cost_per_use")].max(axis=1)
    else:
        worst = np.zeros(values.shape[0])
    return np.concatenate([values, _nothing_row(worst, list(criteria))[:, None, :]], axis=1)
