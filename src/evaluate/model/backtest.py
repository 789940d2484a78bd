"""How good the forecasts have been at this club: each owned machine forecast without its log.

**Leave one out** (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, on
evaluation against held-out data and a naive benchmark). Every machine the club owns with
sessions in the usage log is forecast as the pipeline forecasts a candidate: beside the other
owned machines, calibrated on the *other* machines' logs only (pooled,
:mod:`evaluate.model.calibration`), at full adoption, with the units the club owns. The log
then gives the truth: its sessions a week over the whole log (``actual``).

The figures (:class:`Backtest`):

- ``ratio``: actual / forecast per machine;
- ``median_ape``: the median of ``|actual - forecast| / actual`` (0.57 = 57%);
- ``bias``: the geometric mean of actual / forecast (1 = unbiased, 2 = actuals twice the
  forecasts on average);
- ``coverage``: the share of actuals inside their P10-P90 band (about 0.8 for an honest band);
- ``skill_vs_naive``: ``1 - mean|log(actual / forecast)| / mean|log(actual / naive)|`` where
  the naive forecast of a machine is the other owned machines' average sessions a week per
  unit, times its units: above 0 the model beats it, at or below 0 it does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from evaluate.model.owned_logs import fit_owned, forecast_owned, pool
from evaluate.model.prepared import RELEVANCE_DOUBT, Z90, ModelInputs, draw_quantities
from evaluate.model.sampling import Method, draw_range, stream

BACKTEST_DRAWS = 2_000  # draws of each held-out machine's band
BACKTEST_SEED = 20_261_207
# The model error's floor when fewer than MIN_MACHINES machines are logged: a spread of 0.5 on
# the log scale (a factor of 1.9 either side at P10 and P90). ASSUMPTION: about the error of
# the naive forecast measured on the demo club (mean absolute log error 0.56, decision-
# quality.md §2); two machines cannot measure the model's error, so it is taken at least as
# large as the error of not modelling at all.
MIN_MACHINES = 3
ERROR_FLOOR = 0.5
RELEVANCE = "relevance:held-out"  # the held-out machine's drawn back-care label

# Columns of Backtest.table, one row per owned machine with sessions in the usage log.
TABLE_COLUMNS = ("equipment_id", "units", "forecast", "p10", "p90", "actual", "ratio", "naive",
                 "users_forecast", "users_actual", "sessions_per_user")


@dataclass(frozen=True)
class Backtest:
    """A leave-one-out backtest of the club's owned, logged machines (module docstring).

    ``table`` has :data:`TABLE_COLUMNS`: ``units`` owned; ``forecast``, ``p10``, ``p90``,
    ``actual`` and ``naive`` in sessions a week; ``ratio`` actual / forecast;
    ``users_forecast`` the model's regular users and ``users_actual`` the log's (members with
    at least the regular-use threshold of sessions a week, see
    :func:`evaluate.data.usage.user_frequency`); ``sessions_per_user`` the log's sessions a
    week per regular user. ``sigma`` is the spread (standard deviation of the logarithm) of the
    model error the Monte Carlo applies to every candidate's demand, and ``sigma_basis`` says
    where it comes from: ``"backtest"`` or ``"floor"`` (fewer than three machines logged).
    """

    table: pd.DataFrame
    sigma: float
    sigma_basis: str

    @property
    def machines(self) -> int:
        """How many machines the figures rest on."""
        return len(self.table)

    @property
    def median_ape(self) -> float:
        """Median absolute percentage error, as a fraction (NaN without machines)."""
        actual, forecast = self._pair()
        return float(np.median(np.abs(actual - forecast) / actual)) if len(actual) else np.nan

    @property
    def bias(self) -> float:
        """Geometric mean of actual / forecast (1 = unbiased; NaN without machines)."""
        actual, forecast = self._pair()
        return float(np.exp(np.mean(np.log(actual / forecast)))) if len(actual) else np.nan

    @property
    def coverage(self) -> float:
        """Share (0-1) of actuals inside their forecast's P10-P90 band."""
        t = self.table
        inside = (t["actual"] >= t["p10"]) & (t["actual"] <= t["p90"])
        return float(inside.mean()) if len(t) else np.nan

    @property
    def skill_vs_naive(self) -> float:
        """``1 - mean|log(a/f)| / mean|log(a/naive)|``: above 0 the model beats naive.

        NaN when there is no naive forecast (fewer than two machines logged).
        """
        actual, forecast = self._pair()
        naive = self.table["naive"].to_numpy(float)
        ok = np.isfinite(naive) & (naive > 0)
        if not ok.any():
            return np.nan
        model = np.mean(np.abs(np.log(actual[ok] / forecast[ok])))
        benchmark = np.mean(np.abs(np.log(actual[ok] / naive[ok])))
        return float(1.0 - model / benchmark) if benchmark > 0 else np.nan

    @property
    def beats_naive(self) -> bool:
        """Whether the model's forecasts beat the naive forecast (False when unknown)."""
        return bool(self.skill_vs_naive > 0)

    def _pair(self) -> tuple[np.ndarray, np.ndarray]:
        return self.table["actual"].to_numpy(float), self.table["forecast"].to_numpy(float)


def model_error(errors: np.ndarray, spread: np.ndarray) -> tuple[float, str]:
    """The model error's spread from backtest log errors, and its basis.

    ``errors`` are ``log(actual / forecast)`` of the held-out machines and ``spread`` the
    variance of each one's log forecast over the Monte Carlo's draws (the inputs' own
    uncertainty): the model error is what is left, ``σ² = max(0, mean(errors²) -
    mean(spread))``, so the band with both holds the actuals' spread, widened to Student's
    t's P10-P90 on as many degrees of freedom as machines. With fewer than
    :data:`MIN_MACHINES` machines ``σ`` is at least :data:`ERROR_FLOOR` (``"floor"``).
    """
    errors = np.asarray(errors, dtype=float)
    sigma = (float(np.sqrt(max(0.0, np.mean(errors**2) - np.mean(spread))))
             if len(errors) else 0.0)
    # A spread estimated from n machines predicts the next machine's error with Student's t
    # on n degrees of freedom (the mean error is 0 after calibration): widen σ so that the
    # normal band's P10-P90 is the t's (× 1.28 with three machines, × 1.07 with twenty).
    sigma *= float(stdtrit(len(errors), 0.9)) / Z90 if len(errors) else 1.0
    if len(errors) < MIN_MACHINES and sigma < ERROR_FLOOR:
        return ERROR_FLOOR, "floor"
    return sigma, "backtest"


def backtest(model: ModelInputs, usage: pd.DataFrame, equipment: pd.DataFrame, *,
             machines: Sequence[str] | None = None, draws: int = BACKTEST_DRAWS,
             seed: int = BACKTEST_SEED, method: Method = "pert") -> Backtest | None:
    """Forecast every owned logged machine without its own log (leave one out).

    Each machine's uptake and frequency factors are pooled from the *other* machines' fits
    (:func:`evaluate.model.owned_logs.pool`), it is forecast beside the other owned machines
    at the most-likely inputs (``forecast``) and over ``draws`` Monte Carlo draws with a
    model error whose spread comes from the other machines' errors (``p10``, ``p90``); the
    naive forecast is the other machines' mean sessions a week per unit, times its units.
    ``machines`` as for :func:`~evaluate.model.owned_logs.fit_owned` (the caller leaves out
    machines whose logs rest on too few members). ``None`` when no machine is logged.
    """
    fits = fit_owned(model, usage, equipment, machines)
    if fits.empty:
        return None
    values = draw_quantities(model, draws, seed, method)
    z = stream(seed, "model error").standard_normal(draws)
    one = model.most_likely(1)
    rows, errors, spreads = [], [], []
    for k, machine in enumerate(fits["equipment_id"]):
        rest = fits.drop(index=fits.index[k])
        position = model.owned.ids.index(machine)
        label = float(fits["back_care_relevance"].iloc[k])
        if len(rest):
            pooled = pool(rest)
            covariates = {"cardio": fits["cardio"].to_numpy(float)[k:k + 1],
                          "back_care_relevance": np.array([label])}
            factor = float(np.exp(pooled.uptake.predict(covariates)[0]))
            frequency = float(np.exp(pooled.frequency.predict(covariates)[0]))
            per_unit = rest["weekly_sessions"] / rest["units"]
            naive = float(per_unit.mean() * fits["units"].iloc[k])
        else:
            factor, frequency, naive = 1.0, 1.0, np.nan
        likely = forecast_owned(model, position, one, np.array([factor]), frequency)
        level = draw_range(stream(seed, RELEVANCE), (max(0.0, label - RELEVANCE_DOUBT), label,
                                                     min(2.0, label + RELEVANCE_DOUBT)),
                           draws, method)
        drawn = forecast_owned(model, position, values, np.full(draws, factor), frequency,
                               level=level)["weekly_sessions"][:, 0]
        rows.append({"equipment_id": machine, "units": int(fits["units"].iloc[k]),
                     "forecast": float(likely["weekly_sessions"][0, 0]), "drawn": drawn,
                     "actual": float(fits["weekly_sessions"].iloc[k]), "naive": naive,
                     "users_forecast": float(likely["regular_users"][0, 0]),
                     "users_actual": float(fits["regular_users"].iloc[k]),
                     "sessions_per_user": float(fits["sessions_per_user"].iloc[k])})
        errors.append(np.log(rows[-1]["actual"] / rows[-1]["forecast"]))
        spreads.append(float(np.var(np.log(np.maximum(drawn, 1e-12)))))
    errors_, spreads_ = np.array(errors), np.array(spreads)
    for k, row in enumerate(rows):
        keep = np.arange(len(rows)) != k
        sigma, _ = model_error(errors_[keep], spreads_[keep])
        banded = row.pop("drawn") * np.exp(sigma * z)
        row["p10"], row["p90"] = np.quantile(banded, [0.1, 0.9], method="inverted_cdf")
        row["ratio"] = row["actual"] / row["forecast"]
    sigma, basis = model_error(errors_, spreads_)
    return Backtest(table=pd.DataFrame(rows)[list(TABLE_COLUMNS)], sigma=sigma,
                    sigma_basis=basis)
