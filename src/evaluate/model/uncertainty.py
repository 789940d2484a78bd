"""Uncertainty: a seeded Monte Carlo over every ranged input, and one-way swings for a tornado.

Every uncertain quantity (each assumption with ``low < high``, the published back-pain
prevalence within its interval, each candidate's price range; see
:mod:`evaluate.model.prepared`) is drawn independently from Beta-PERT (λ = 4) or triangular,
each from its own stream of one seed (:mod:`evaluate.model.sampling`), so the same seed gives
the same numbers and adding a candidate changes no other draw. The model then runs once,
vectorised over draws × candidates (:func:`evaluate.model.prepared.model_core`).

Results (:class:`SimulationResult`) are tidy frames:

- ``bands``: P10 / P50 / P90 and the mean of each candidate's users, sessions, NPV (with every
  benefit item, and ``npv_sourced``: measured and published items only), cost per use and
  payback. Percentiles are order statistics (``numpy.quantile(...,
  method="inverted_cdf")``: always a value some draw produced, so ``inf``, "never pays back",
  stays ``inf`` rather than becoming NaN).
- ``summary``: per candidate, ``p_npv_positive`` (share of draws with NPV > 0),
  ``expected_npv`` (the mean over draws) and ``p_npv_positive_sourced`` (share of draws whose
  NPV counting measured and published benefit items only is above 0,
  :func:`evaluate.model.finance.npv_sourced`).

How often each candidate ranks first is a question of the decision's criteria, not of the NPV
alone: :func:`evaluate.mcda.robustness.rank_acceptability` answers it on the same draws.

The raw arrays stay available for later steps: ``result.draws["npv"]`` is
``(draws, candidates)`` and ``result.inputs[name]`` the drawn values, ``(draws, 1)``.

Independence between quantities is an assumption of its own: no correlations are modelled
(e.g. between uptake of back care and of posterior-chain training).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.model.calibration import Calibrations
from evaluate.model.demand import ramp_factor
from evaluate.model.exposure import ExposureParameters
from evaluate.model.prepared import (
    DEMAND_ERROR_PREFIX,
    PRICE_PREFIX,
    RELEVANCE_PREFIX,
    ModelInputs,
    draw_quantities,
    model_core,
    model_inputs,
)
from evaluate.model.sampling import Method

DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20_261_124
PERCENTILES = (0.10, 0.50, 0.90)
# Outputs summarised in ``bands``, with their units.
BAND_METRICS: dict[str, str] = {
    "regular_users": "members",
    "back_pain_users": "members",
    "added_users": "members",
    "added_back_pain_users": "members",
    "weekly_sessions": "sessions/week",
    "utilisation": "fraction",
    "npv": "currency",
    "npv_sourced": "currency",
    "cost_per_use": "currency/session",
    "payback_years": "years",
    "discounted_payback_years": "years",
}


@dataclass(frozen=True)
class SimulationResult:
    """A Monte Carlo's outcome (see the module docstring for each frame's columns).

    ``draws`` maps each output of :func:`~evaluate.model.prepared.model_core` to an
    array ``(n_draws, candidates)``; ``inputs`` each drawn quantity to ``(n_draws, 1)``;
    ``ranges`` and ``units`` each quantity's ``(low, most_likely, high)`` and unit.
    """

    equipment_ids: tuple[str, ...]
    n_draws: int
    seed: int
    method: str
    draws: dict[str, np.ndarray]
    inputs: dict[str, np.ndarray]
    ranges: dict[str, tuple[float, float, float]]
    units: dict[str, str]
    bands: pd.DataFrame
    summary: pd.DataFrame

    def band(self, metric: str) -> pd.DataFrame:
        """P10 / P50 / P90 of one metric (``BAND_METRICS``), one row per candidate (by id)."""
        rows = self.bands[self.bands["metric"] == metric]
        return rows.set_index("equipment_id")[["p10", "p50", "p90"]]


def probability_positive(values: np.ndarray) -> np.ndarray:
    """Share of draws (0-1) with a value above 0, per candidate: ``(D, C) -> (C,)``."""
    return np.mean(np.asarray(values) > 0.0, axis=0)


def band_frame(draws: Mapping[str, np.ndarray], equipment_ids: tuple[str, ...],
               metrics: Mapping[str, str] = BAND_METRICS) -> pd.DataFrame:
    """P10 / P50 / P90 and mean of each metric per candidate (long, tidy).

    Columns ``equipment_id``, ``metric``, ``unit``, ``p10``, ``p50``, ``p90``, ``mean``, in
    the metric's unit; one row per candidate and metric, candidates in input order.
    """
    parts = []
    for name, unit in metrics.items():
        values = np.asarray(draws[name], dtype=float)
        low, mid, high = np.quantile(values, PERCENTILES, axis=0, method="inverted_cdf")
        parts.append(pd.DataFrame({"equipment_id": list(equipment_ids), "metric": name,
                                   "unit": unit, "p10": low, "p50": mid, "p90": high,
                                   "mean": values.mean(axis=0)}))
    frame = pd.concat(parts, ignore_index=True)
    order = {i: k for k, i in enumerate(equipment_ids)}
    key = frame["equipment_id"].map(order)
    return frame.iloc[np.argsort(key.to_numpy(), kind="stable")].reset_index(drop=True)


def simulate(members: pd.DataFrame, equipment: pd.DataFrame,
             assumptions: Mapping[str, Assumption], *, draws: int = DEFAULT_DRAWS,
             seed: int = DEFAULT_SEED, method: Method = "pert",
             checkins: pd.DataFrame | None = None, calibration: Calibrations | None = None,
             exposure: ExposureParameters | None = None, monthly_dues: float | None = None,
             annual_churn: float | None = None,
             as_of: date | str | None = None) -> SimulationResult:
    """Run the Monte Carlo: draw every uncertain input, evaluate the model once, summarise.

    Parameters
    ----------
    members, equipment, assumptions, checkins
        From the loaders (:mod:`evaluate.data.members`, :mod:`evaluate.data.equipment`,
        :mod:`evaluate.data.assumptions`, :mod:`evaluate.data.checkins`; the log is optional).
    draws
        Number of simulated futures.
    seed
        The same seed (with the same inputs) gives identical arrays.
    method
        ``"pert"`` (Beta-PERT, λ = 4, the default) or ``"triangular"``.
    calibration, exposure, monthly_dues, annual_churn, as_of
        As for :func:`evaluate.model.prepared.model_inputs`: a calibration factor on the
        uptakes, the exposure parameters, the dues (currency/month, default the active
        members' mean), the club's measured churn (fraction/year, fixed; default drawn from
        ``baseline_annual_churn``), the roster's date.

    Returns
    -------
    SimulationResult
        Frames ``bands`` and ``summary``, and the raw arrays.
    """
    inputs = model_inputs(members, equipment, assumptions, checkins=checkins,
                          calibration=calibration, exposure=exposure,
                          monthly_dues=monthly_dues, annual_churn=annual_churn, as_of=as_of)
    return simulate_from_inputs(inputs, draws=draws, seed=seed, method=method)


def simulate_from_inputs(inputs: ModelInputs, *, draws: int = DEFAULT_DRAWS,
                         seed: int = DEFAULT_SEED, method: Method = "pert") -> SimulationResult:
    """:func:`simulate` on a model prepared once (:func:`evaluate.model.prepared.model_inputs`).

    ``draws``, ``seed`` and ``method`` as for :func:`simulate`; the same inputs and seed give
    the same arrays.
    """
    drawn = draw_quantities(inputs, draws, seed, method)
    outputs = model_core(inputs, drawn)
    ids = inputs.equipment_ids
    summary = pd.DataFrame({
        "equipment_id": list(ids), "p_npv_positive": probability_positive(outputs["npv"]),
        "expected_npv": outputs["npv"].mean(axis=0),
        "p_npv_positive_sourced": probability_positive(outputs["npv_sourced"])})
    return SimulationResult(equipment_ids=ids, n_draws=draws, seed=seed, method=method,
                            draws=outputs, inputs=drawn, ranges=inputs.ranges,
                            units=inputs.units, bands=band_frame(outputs, ids),
                            summary=summary)


def one_way_swings(members: pd.DataFrame, equipment: pd.DataFrame,
                   assumptions: Mapping[str, Assumption], candidate: str, *,
                   output: str = "npv", checkins: pd.DataFrame | None = None,
                   calibration: Calibrations | None = None,
                   exposure: ExposureParameters | None = None,
                   monthly_dues: float | None = None, annual_churn: float | None = None,
                   as_of: date | str | None = None) -> pd.DataFrame:
    """One-way sensitivity of one candidate's NPV, for a tornado chart (tidy).

    Each uncertain quantity in turn is set to its low and then its high end with every other
    at its most-likely value; all ``2 K + 1`` runs are one vectorised call. The candidate's
    price appears as ``price``.

    Parameters
    ----------
    members, equipment, assumptions, checkins, calibration, exposure, monthly_dues, \
annual_churn, as_of
        As for :func:`simulate`.
    candidate
        The ``equipment_id`` to analyse.
    output
        Which output of :func:`~evaluate.model.prepared.model_core` to swing; the
        column names keep ``npv`` whatever it is.

    Returns
    -------
    pandas.DataFrame
        ``assumption``, ``unit``, ``low_value``, ``high_value`` (in the unit),
        ``npv_at_low``, ``npv_at_high`` (currency for NPV) and ``swing``
        (``|npv_at_high - npv_at_low|``, ≥ 0), largest swing first (ties keep catalogue
        order). ``attrs``: ``candidate``, ``output`` and ``npv_most_likely`` (everything at
        its most-likely value).

    Raises
    ------
    ValueError
        If ``candidate`` is not in ``equipment``.
    """
    chosen = equipment.loc[equipment["equipment_id"] == candidate]
    if chosen.empty:
        known = ", ".join(equipment["equipment_id"].astype(str))
        raise ValueError(f"unknown candidate {candidate!r}; candidates are: {known}")
    inputs = model_inputs(members, chosen.reset_index(drop=True), assumptions,
                          checkins=checkins, calibration=calibration, exposure=exposure,
                          monthly_dues=monthly_dues, annual_churn=annual_churn, as_of=as_of)
    return one_way_swings_from_inputs(inputs, candidate, output=output)


def one_way_swings_from_inputs(inputs: ModelInputs, candidate: str, *,
                               output: str = "npv") -> pd.DataFrame:
    """:func:`one_way_swings` on a model prepared once, for one of its candidates.

    The quantities swung are ``candidate``'s alone (:meth:`ModelInputs.select`: the other
    candidates' prices do not appear). Raises ``ValueError`` if ``candidate`` is not one of
    the prepared candidates.
    """
    inputs = inputs.select([candidate])
    names, values = inputs.one_way()
    result = model_core(inputs, values)[output][:, 0]
    at_low, at_high = result[1::2], result[2::2]
    frame = pd.DataFrame({
        "assumption": ["price" if n.startswith(PRICE_PREFIX)
                       else "back_care_relevance" if n.startswith(RELEVANCE_PREFIX)
                       else "model_error" if n.startswith(DEMAND_ERROR_PREFIX) else n
                       for n in names],
        "unit": [inputs.units[n] for n in names],
        "low_value": [inputs.ranges[n][0] for n in names],
        "high_value": [inputs.ranges[n][2] for n in names],
        "npv_at_low": at_low, "npv_at_high": at_high,
        "swing": np.abs(at_high - at_low)})
    frame = frame.sort_values("swing", ascending=False, kind="stable", ignore_index=True)
    frame.attrs.update(candidate=candidate, output=output, npv_most_likely=float(result[0]))
    return frame


def adoption_band(result: SimulationResult, months: int = 24,
                  most_likely: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weekly sessions month by month after installation, P10 / P50 / P90 over the draws.

    Each draw's full-adoption sessions times its own linear ramp (its ``adoption_months``),
    so the band holds the uncertainty of both. Same shape as
    :func:`evaluate.model.demand.adoption_curve`, with ``scenario`` ``low`` = P10,
    ``most_likely`` = P50 and ``high`` = P90 (``attrs["band"]`` says so). With
    ``most_likely`` (an :func:`~evaluate.model.demand.adoption_curve`), its most-likely rows
    replace the P50, so the line is the deterministic forecast the report quotes.
    """
    month = np.arange(1, months + 1)
    adoption = np.asarray(result.inputs["adoption_months"], dtype=float)  # (D, 1)
    ramp = ramp_factor(month[None, :], adoption)  # (D, months)
    sessions = np.asarray(result.draws["weekly_sessions"], dtype=float)  # (D, C)
    parts = []
    for c, equipment_id in enumerate(result.equipment_ids):
        levels = np.quantile(sessions[:, c:c + 1] * ramp, PERCENTILES, axis=0,
                             method="inverted_cdf")  # (3, months)
        for scenario, values in zip(("low", "most_likely", "high"), levels, strict=True):
            parts.append(pd.DataFrame({"equipment_id": equipment_id, "scenario": scenario,
                                       "month": month, "weekly_sessions": values}))
    frame = pd.concat(parts, ignore_index=True)
    if most_likely is not None:
        line = most_likely[(most_likely["scenario"].astype(str) == "most_likely")
                           & (most_likely["month"] <= months)]
        line = line[["equipment_id", "scenario", "month", "weekly_sessions"]]
        frame = pd.concat([frame[frame["scenario"] != "most_likely"], line.astype(
            {"scenario": str})], ignore_index=True)
    frame["scenario"] = pd.Categorical(frame["scenario"],
                                       categories=["low", "most_likely", "high"])
    frame = frame.sort_values(["equipment_id", "scenario", "month"], kind="stable",
                              ignore_index=True)
    frame.attrs["band"] = "P10-P90 of the Monte Carlo"
    return frame
