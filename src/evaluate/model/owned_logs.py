"""What the club's own machines say about the model: fits on their logs and pooled calibration.

Every machine the club owns with sessions in the usage log holds the truth for one forecast.
**Fit** (:func:`fit_owned`): each such machine is forecast as the pipeline forecasts a
candidate, beside the other owned machines (:mod:`evaluate.model.substitution`), at the
most-likely value of every input, at full adoption, with the units the club owns. Users and
frequency are fitted apart, because retention is priced on users and capacity on sessions:

- the **uptake factor** ``k`` (multiplying the three ``uptake_*`` assumptions, each capped at 1)
  that makes the forecast regular users equal the log's regular users (members with at least
  the low end of ``sessions_per_user_week`` sessions a week,
  :func:`evaluate.data.usage.user_frequency`); found on a grid of factors evaluated in one
  vectorised call (users rise with ``k``), interpolated on the log scale;
- the **frequency factor** ``f``: the log's sessions a week over the forecast's at ``k``, which
  multiplies the sessions per user.

Their logarithms have standard errors ``1/√users`` (a Poisson count of users; the delta
method). A log without member ids fits ``k`` on the sessions instead, with ``f = 1``.

**Pooled calibration** (:func:`pooled_calibration`): the log factors of every owned, logged
machine are pooled (:func:`evaluate.model.pooling.partial_pooling`: empirical Bayes, machine
type and back-care relevance as covariates where the machines allow) and every candidate takes
the pooled estimate for its covariates, so a candidate with no comparable machine is calibrated
too; each owned machine keeps its own pooled estimate, for what candidates share with it. With
one owned machine every candidate takes that machine's factor.

Caveats: the log measures machines that have been in place for longer than the adoption
ramp; a machine that is busy at its peak loses sessions to members who do not wait, so its
factor is then too low; each machine is fitted beside the others at their documented uptakes.
Machines whose logs rest on too few members are left out by the caller
(:func:`evaluate.reports.privacy.private_machines`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from evaluate.data.usage import user_frequency
from evaluate.model.demand import NEEDS, forecast_core
from evaluate.model.pooling import Pooled, partial_pooling
from evaluate.model.prepared import (
    PREVALENCE,
    ModelInputs,
    demand_params,
    prevalence_base,
)
from evaluate.model.substitution import OwnedMachines

GRID_POINTS = 241  # factors on the grid, log-spaced
GRID_LOW = 1e-3  # the smallest factor tried
FIT_COLUMNS = ("equipment_id", "units", "cardio", "back_care_relevance", "weekly_sessions",
               "regular_users", "sessions_per_user", "users_at_1", "sessions_at_1",
               "uptake_factor", "frequency_factor", "log_uptake", "log_frequency", "se")


def regular_threshold(model: ModelInputs) -> float:
    """Sessions a week from which a member counts as a regular user of a machine.

    The low end of ``sessions_per_user_week``: a member who does at least the fewest sessions
    the model allows a regular user.
    """
    return float(model.ranges["sessions_per_user_week"][0])


def others(owned: OwnedMachines, position: int) -> OwnedMachines:
    """The owned machines without the one at ``position``."""
    keep = [k for k in range(len(owned.ids)) if k != position]
    return OwnedMachines(ids=tuple(owned.ids[k] for k in keep), levels=owned.levels[keep],
                         servers=owned.servers[keep],
                         session_minutes=owned.session_minutes[keep],
                         factor=owned.factor[keep],
                         cardio=None if owned.cardio is None else owned.cardio[keep])


def forecast_owned(model: ModelInputs, position: int, values: dict[str, np.ndarray],
                   factor: np.ndarray, frequency: np.ndarray | float = 1.0,
                   level: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Forecast the owned machine at ``position`` as a candidate beside the other owned ones.

    ``values`` holds each quantity ``(draws, 1)`` (as for
    :func:`evaluate.model.prepared.model_core`); ``factor`` the uptake factor ``(draws,)``
    and ``frequency`` the frequency factor; ``level`` the machine's back-care relevance
    position per draw ``(draws,)`` (default its label). Returns
    :func:`evaluate.model.demand.forecast_core`'s arrays, ``(draws, 1)``.
    """
    owned = model.owned
    levels = owned.levels[position:position + 1].astype(float)
    if level is not None:
        levels = np.repeat(levels[None], len(level), axis=0)
        levels[:, 0, NEEDS.index("back_care")] = level
    params = demand_params(replace(model, equipment_ids=(owned.ids[position],),
                                   uptake_factor=np.ones(1), frequency_factor=None,
                                   demand_error=None), values)
    params["uptake_factor"] = np.asarray(factor, dtype=float).reshape(-1, 1)
    params["frequency_factor"] = np.asarray(frequency, dtype=float)
    return forecast_core(model.segments, levels, owned.session_minutes[position:position + 1],
                         owned.servers[position:position + 1], params,
                         prevalence_base(model.segments.base, values[PREVALENCE]),
                         owned=others(owned, position))


def _solve(grid: np.ndarray, predicted: np.ndarray, observed: float) -> float:
    """The factor on ``grid`` whose prediction is ``observed`` (log-log interpolation)."""
    rising = np.maximum.accumulate(np.log(np.maximum(predicted, 1e-12)))
    return float(np.exp(np.interp(np.log(max(observed, 1e-12)), rising, np.log(grid))))


def fit_owned(model: ModelInputs, usage: pd.DataFrame, equipment: pd.DataFrame,
              machines: Sequence[str] | None = None) -> pd.DataFrame:
    """The uptake and frequency factors of each owned machine in the log (module docstring).

    ``equipment`` is the club's ``equipment.csv`` (for the covariates); ``machines`` the owned
    machines to fit (default every owned machine with sessions in ``usage``). Columns
    :data:`FIT_COLUMNS`: the log's ``weekly_sessions``, ``regular_users`` and
    ``sessions_per_user``; the forecast's users and sessions at factor 1; the two factors,
    their logarithms and the standard error ``se`` of each logarithm.
    """
    measured = user_frequency(usage, regular_threshold(model)).set_index("equipment_id")
    owned = model.owned
    chosen = [m for m in (owned.ids if machines is None else machines)
              if m in owned.ids and m in measured.index
              and measured.loc[m, "weekly_sessions"] > 0]
    rows = equipment.set_index(equipment["equipment_id"].astype(str))
    likely = model.most_likely(GRID_POINTS)
    ceiling = 1.0 / min(model.ranges[f"uptake_{need}"][1] for need in NEEDS
                        if model.ranges[f"uptake_{need}"][1] > 0)
    grid = np.geomspace(GRID_LOW, max(ceiling, 1.0), GRID_POINTS)
    one = model.most_likely(1)
    found = []
    for machine in chosen:
        k = owned.ids.index(machine)
        at = forecast_owned(model, k, likely, grid)
        users_grid, sessions_grid = at["regular_users"][:, 0], at["weekly_sessions"][:, 0]
        base = forecast_owned(model, k, one, np.ones(1))
        users, sessions = (float(v) for v in measured.loc[machine, ["regular_users",
                                                                   "weekly_sessions"]])
        if np.isfinite(users) and users > 0:
            factor = _solve(grid, users_grid, users)
            fitted = forecast_owned(model, k, one, np.array([factor]))
            frequency = sessions / float(fitted["weekly_sessions"][0, 0])
            se = 1.0 / np.sqrt(users)
        else:  # no member ids: sessions only
            factor = _solve(grid, sessions_grid, sessions)
            frequency = 1.0
            se = 1.0 / np.sqrt(max(sessions * float(measured.loc[machine, "weeks"]), 1.0))
        found.append({
            "equipment_id": machine, "units": int(rows.loc[machine, "owned_units"]),
            "cardio": float(rows.loc[machine, "equipment_type"] == "cardio"),
            "back_care_relevance": float(owned.levels[k, NEEDS.index("back_care")]),
            "weekly_sessions": sessions, "regular_users": users,
            "sessions_per_user": float(measured.loc[machine, "sessions_per_user"]),
            "users_at_1": float(base["regular_users"][0, 0]),
            "sessions_at_1": float(base["weekly_sessions"][0, 0]),
            "uptake_factor": factor, "frequency_factor": frequency,
            "log_uptake": float(np.log(factor)), "log_frequency": float(np.log(frequency)),
            "se": float(se)})
    return pd.DataFrame(found, columns=list(FIT_COLUMNS))


@dataclass(frozen=True)
class PooledCalibration:
    """The owned machines' fits and their pooled uptake and frequency factors.

    ``fits`` from :func:`fit_owned`; ``uptake`` and ``frequency`` the pooled log factors
    (:class:`~evaluate.model.pooling.Pooled`).
    """

    fits: pd.DataFrame
    uptake: Pooled
    frequency: Pooled

    def factors(self, cardio: np.ndarray, relevance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Uptake and frequency factors of machines with these covariates, each ``(n,)``."""
        values = {"cardio": np.asarray(cardio, dtype=float),
                  "back_care_relevance": np.asarray(relevance, dtype=float)}
        count = len(values["cardio"])
        return (np.exp(self.uptake.predict(values, count)),
                np.exp(self.frequency.predict(values, count)))

    def owned_factors(self, owned: OwnedMachines) -> np.ndarray:
        """Each owned machine's uptake factor: its pooled estimate if fitted.

        A machine without a fit (its log rests on too few members) takes the pooled factor
        for its covariates.
        """
        fitted = dict(zip(self.fits["equipment_id"], np.exp(self.uptake.shrunk), strict=True))
        back = NEEDS.index("back_care")
        cardio = np.zeros(len(owned.ids)) if owned.cardio is None else owned.cardio
        default = self.factors(cardio, owned.levels[:, back])[0]
        return np.array([fitted.get(m, d) for m, d in zip(owned.ids, default, strict=True)])


def pool(fits: pd.DataFrame) -> PooledCalibration:
    """Pool the log factors of ``fits`` (at least one machine)."""
    covariates = {name: fits[name].to_numpy(float) for name in ("cardio",
                                                                "back_care_relevance")}
    se = fits["se"].to_numpy(float)
    return PooledCalibration(
        fits=fits,
        uptake=partial_pooling(fits["log_uptake"].to_numpy(float), se, covariates),
        frequency=partial_pooling(fits["log_frequency"].to_numpy(float), se, covariates))


def pooled_calibration(model: ModelInputs, usage: pd.DataFrame, equipment: pd.DataFrame,
                       machines: Sequence[str] | None = None) -> PooledCalibration | None:
    """Fit every owned logged machine and pool them; ``None`` when none is logged."""
    fits = fit_owned(model, usage, equipment, machines)
    return pool(fits) if len(fits) else None


def candidate_covariates(model: ModelInputs) -> tuple[np.ndarray, np.ndarray]:
    """The prepared candidates' covariates for :meth:`PooledCalibration.factors`."""
    return (model.is_cardio.astype(float),
            model.levels[:, NEEDS.index("back_care")].astype(float))


def calibrate_model(model: ModelInputs, pooled: PooledCalibration,
                    demand_error: np.ndarray | None = None) -> ModelInputs:
    """``model`` with every candidate and owned machine calibrated by ``pooled``."""
    uptake, frequency = pooled.factors(*candidate_covariates(model))
    return model.with_factors(uptake, frequency, pooled.owned_factors(model.owned),
                              demand_error)
