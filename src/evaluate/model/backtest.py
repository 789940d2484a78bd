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

from dataclasses import dataclass

import numpy as np
import pandas as pd

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
