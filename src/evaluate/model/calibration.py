"""Calibrate the uptake assumptions on a comparable machine the club already owns.

**Comparable machine** (:func:`comparable_machine`): a machine the club owns
(``owned_units >= 1``) with sessions in the usage log, of the same ``equipment_type`` and the
same ``back_care_relevance`` as the candidate, whose muscles overlap the candidate's by a
Jaccard similarity of at least :data:`MIN_MUSCLE_SIMILARITY` (shared muscles / muscles of
either). The most similar one is used (ties: more sessions in the log). For the demo's reverse
hyper that is the 45° back extension (both strength, high back-care relevance, the same three
muscles).

**Method** (:func:`calibrate_uptake`): the observed weekly sessions on the comparable machine
(all sessions in the log over the weeks it spans) are set against the model's forecast for
that machine at full adoption, with the most-likely assumptions, the club's active members on
the roster's date and the units the club owns. The factor ``k`` that multiplies all three
``uptake_*`` assumptions (capped at 1) so that the forecast equals the observation is found by
bisection (the forecast rises with ``k``); ``k`` then scales the low, most-likely and high of
each uptake. Caveats the report should carry: the log measures sessions, so ``k`` also absorbs
any error in ``sessions_per_user_week``; a machine that is busy at peak loses sessions to
members who do not wait, so a high peak busy share (in the table) means ``k`` is too low; the
comparable machine has been in place for longer than the adoption ramp.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.usage import peak_hour_utilisation, weekly_sessions
from evaluate.model.demand import (
    NEEDS,
    Segments,
    demand_segments,
    forecast_core,
    level_codes,
    peak_share,
    scenario_params,
)
from evaluate.model.exposure import ExposureParameters

MIN_MUSCLE_SIMILARITY = 0.6  # Jaccard similarity of the muscles trained
UPTAKES = tuple(f"uptake_{need}" for need in NEEDS)
BISECTION_STEPS = 60


def comparable_machine(equipment: pd.DataFrame, candidate: str,
                       usage: pd.DataFrame) -> tuple[str, float] | None:
    """The owned, logged machine most like ``candidate``, and its muscle similarity (0-1).

    ``None`` when no machine qualifies (see the module docstring for the rule).
    """
    table = equipment.set_index("equipment_id")
    target = table.loc[candidate]
    muscles = set(target["muscles"].split(";"))
    logged = usage["equipment_id"].value_counts()
    best: tuple[float, int, str] | None = None
    # Rewritten for speed: rows as named tuples, not Series (each Series deep-copied the
    # frame's attrs, most of a 20-machine decision's calibration time); the same rule.
    columns = ["owned_units", "equipment_type", "back_care_relevance", "muscles"]
    for machine, row in zip(table.index, table[columns].itertuples(index=False), strict=True):
        sessions = int(logged.get(machine, 0))
        if (row.owned_units < 1 or sessions == 0
                or row.equipment_type != target["equipment_type"]
                or row.back_care_relevance != target["back_care_relevance"]):
            continue
        other = set(row.muscles.split(";"))
        similarity = len(muscles & other) / len(muscles | other)
        if similarity >= MIN_MUSCLE_SIMILARITY and (best is None
                                                    or (similarity, sessions) > best[:2]):
            best = (similarity, sessions, str(machine))
    return None if best is None else (best[2], best[0])


def observed_weekly_sessions(usage: pd.DataFrame, equipment_id: str) -> float:
    """Sessions a week on ``equipment_id`` over the whole log (sessions / days × 7)."""
    weeks = weekly_sessions(usage)
    rows = weeks.loc[weeks["equipment_id"] == equipment_id]
    days = rows["days"].sum()
    return float(rows["sessions"].sum() / days * 7.0) if days else float("nan")


@dataclass(frozen=True)
class Calibration:
    """A calibration's outcome: the factor on the uptakes, how it was found, and its effect.

    ``factor`` multiplies every ``uptake_*`` assumption (1 when nothing was calibrated);
    ``comparable`` is the machine used (None if none); ``table`` has columns ``quantity``,
    ``unit``, ``before``, ``after`` and ``note``.
    """

    factor: float
    comparable: str | None
    method: str
    table: pd.DataFrame


# One calibration for every candidate, or one per candidate by equipment_id.
Calibrations = Calibration | Mapping[str, Calibration]


def _solve_factor(predict: Callable[[float], float], observed: float, ceiling: float) -> float:
    """Bisection for ``k`` in [0, ceiling] with ``predict(k) = observed`` (predict rises)."""
    low, high = 0.0, ceiling
    if predict(high) <= observed:
        return high
    for _ in range(BISECTION_STEPS):
        middle = (low + high) / 2.0
        low, high = (middle, high) if predict(middle) < observed else (low, middle)
    return (low + high) / 2.0


def calibrate_uptake(members: pd.DataFrame, equipment: pd.DataFrame,
                     usage: pd.DataFrame, assumptions: Mapping[str, Assumption],
                     candidate: str, checkins: pd.DataFrame | None = None, *,
                     exposure: ExposureParameters | None = None,
                     as_of: date | str | None = None,
                     segments: Segments | None = None) -> Calibration:
    """Find the factor on the uptake assumptions that reproduces a comparable machine's use.

    Parameters
    ----------
    members, equipment, usage, assumptions, checkins
        From the loaders; ``usage`` is :func:`evaluate.data.usage.load_equipment_usage`.
    candidate
        The ``equipment_id`` to calibrate for, e.g. ``reverse_hyper``.
    exposure
        Default :meth:`ExposureParameters.load` with ``assumptions``.
    as_of
        Date of the roster's ages and active status; default its latest join or cancel date
        (a report passes the club's roster date: :func:`~evaluate.model.segments.as_of_day`).
    segments
        The roster already aggregated on ``as_of`` under ``exposure``
        (:func:`~evaluate.model.demand.demand_segments`, e.g. a prepared model's), so as not
        to aggregate it again; default: aggregated here.

    Returns
    -------
    Calibration
        Factor 1 and an explanation when no comparable machine is in the log.
    """
    exposure = exposure or ExposureParameters.load(assumptions)
    match = comparable_machine(equipment, candidate, usage)
    likely = {name: assumptions[name].most_likely for name in UPTAKES}
    if match is None:
        table = pd.DataFrame({"quantity": list(UPTAKES), "unit": "fraction",
                              "before": list(likely.values()), "after": list(likely.values()),
                              "note": "not calibrated"})
        return Calibration(1.0, None, f"no owned machine comparable to {candidate} in the "
                           "usage log: uptakes are the documented assumptions", table)
    machine, similarity = match
    if segments is None:
        segments = demand_segments(members, exposure, as_of=as_of)
    peak = peak_share(checkins, assumptions)
    rows = equipment.set_index("equipment_id").loc[[machine, candidate]]
    # Fixed for every step of the bisection: built once (rebuilding the relevance levels each
    # step was three quarters of the calibration's time).
    levels = level_codes(rows.reset_index())
    minutes = rows["session_minutes"].to_numpy(float)
    stations = rows["stations"].to_numpy(np.int64)

    def predict(factor: float, which: int, units: int) -> float:
        params = scenario_params(assumptions, exposure, peak, "most_likely", factor)
        pick = slice(which, which + 1)
        result = forecast_core(segments, levels[pick], minutes[pick], units * stations[pick],
                               params)
        return float(result["weekly_sessions"][0, 0])

    owned = int(rows["owned_units"].iloc[0])
    observed = observed_weekly_sessions(usage, machine)
    ceiling = 1.0 / max(min(v for v in likely.values() if v > 0), 1e-9)
    factor = _solve_factor(lambda k: predict(k, 0, owned), observed, ceiling)
    units = dict(zip(equipment["equipment_id"], equipment["owned_units"].clip(lower=1),
                     strict=True))
    busy = peak_hour_utilisation(usage, units).set_index("equipment_id").loc[machine]
    quantity = [*(f"{name} (most likely)" for name in UPTAKES),
                f"weekly sessions on {machine}: model", f"weekly sessions on {machine}: log",
                f"weekly sessions on {candidate}: model (1 unit)",
                f"peak-hour busy share of {machine}: log"]
    before = [*likely.values(), predict(1.0, 0, owned), observed, predict(1.0, 1, 1),
              float(busy["busy_share"])]
    after = [*(min(1.0, v * factor) for v in likely.values()), predict(factor, 0, owned),
             observed, predict(factor, 1, 1), before[-1]]
    table = pd.DataFrame({
        "quantity": quantity,
        "unit": ["fraction"] * 3 + ["sessions/week"] * 3 + ["fraction"],
        "before": before, "after": after,
        "note": ["scaled by the factor, capped at 1"] * 3
        + ["forecast at full adoption, owned units", "observed, whole log", "the candidate",
           "high values mean lost sessions: the factor is then too low"]})
    method = (f"{machine} is the owned machine most like {candidate} (same type and back-care "
              f"relevance, muscle similarity {similarity:.2f}); its log shows {observed:.1f} "
              f"sessions a week against a forecast of {before[3]:.1f}, so every uptake "
              f"assumption is multiplied by {factor:.3f} (bisection, forecast = observation)")
    return Calibration(factor, machine, method, table)


def calibrated_assumptions(assumptions: Mapping[str, Assumption],
                           calibration: Calibration) -> dict[str, Assumption]:
    """A copy of ``assumptions`` with each ``uptake_*`` range scaled by the factor (cap 1).

    Changed entries get ``origin = "calibrated"``; nothing changes when the factor is 1.
    """
    out = dict(assumptions)
    if calibration.factor == 1.0:
        return out
    for name in UPTAKES:
        a = assumptions[name]
        scale = calibration.factor
        out[name] = a.model_copy(update={"low": min(1.0, a.low * scale),
                                         "most_likely": min(1.0, a.most_likely * scale),
                                         "high": min(1.0, a.high * scale),
                                         "origin": "calibrated"})
    return out
