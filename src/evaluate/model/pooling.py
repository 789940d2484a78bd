"""Partial pooling of per-machine log factors: empirical Bayes in closed form.

Each machine the club owns and logs says how far the model's forecast was off for it: a log
factor ``y_m`` with a standard error ``se_m``. A candidate has no log of its own; what it
borrows from the owned machines is their pooled estimate. Following Gelman & Hill (*Data
Analysis Using Regression and Multilevel/Hierarchical Models*, 2007; the "eight schools"
example), the log factors are modelled as

    y_m ~ Normal(x_m β, se_m² + τ²)

with covariates ``x_m`` (an intercept, and where the machines allow it the machine type and
the back-care relevance) and a between-machine spread ``τ²``. Everything is closed form:

- ``τ²`` by the method of moments of DerSimonian & Laird (1986), generalised to
  meta-regression: ``τ² = max(0, (Q - (n - p)) / tr(P))`` with ``Q`` the weighted residual sum
  of squares of the fixed-effect fit, ``P = W - W X (X'W X)⁻¹ X'W``, ``W = diag(1/se²)``;
  it is 0 when the machines agree (identical machines: the spread goes to 0) and when there
  are no more machines than coefficients;
- ``β`` by weighted least squares with weights ``1 / (se² + τ²)``, with covariance
  ``(X'W*X)⁻¹``;
- each owned machine's pooled estimate ``(y_m/se_m² + μ_m/τ²) / (1/se_m² + 1/τ²)`` with
  ``μ_m = x_m β`` (``μ_m`` itself when ``τ² = 0``);
- a candidate's estimate ``x_c β``: with one owned machine, that machine's own ``y``.

A covariate is used only when it varies among the machines and leaves at least two machines
more than coefficients (:data:`COVARIATES`, in that order), so three machines pool on the
intercept alone rather than fit a line through every point.

Written by hand: the estimator is a dozen lines of linear algebra on a handful of machines;
statsmodels' meta-analysis module would add a large dependency for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

COVARIATES = ("cardio", "back_care_relevance")  # tried in this order after the intercept
SPARE_MACHINES = 2  # machines beyond the coefficients a covariate needs before it is used


@dataclass(frozen=True)
class Pooled:
    """Pooled log factors (module docstring).

    ``covariates`` names the columns of ``beta`` after the intercept; ``shrunk`` each
    machine's pooled estimate; ``tau2`` the between-machine variance (log scale).
    """

    beta: np.ndarray
    cov: np.ndarray
    tau2: float
    covariates: tuple[str, ...]
    shrunk: np.ndarray

    def predict(self, covariates: dict[str, np.ndarray] | None = None,
                count: int = 1) -> np.ndarray:
        """``x β`` for machines with these covariate values (name -> array), ``(count,)``."""
        x = _design(covariates or {}, self.covariates, count)
        return x @ self.beta


def _design(values: dict[str, np.ndarray], names: tuple[str, ...], count: int) -> np.ndarray:
    columns = [np.ones(count)] + [np.asarray(values[name], dtype=float) for name in names]
    return np.column_stack(columns)


def chosen_covariates(values: dict[str, np.ndarray], count: int) -> tuple[str, ...]:
    """The covariates the machines can support (see the module docstring)."""
    chosen: tuple[str, ...] = ()
    for name in COVARIATES:
        column = np.asarray(values.get(name, np.zeros(count)), dtype=float)
        if np.ptp(column) > 0 and count >= len(chosen) + 2 + SPARE_MACHINES:
            chosen = (*chosen, name)
    return chosen


def partial_pooling(y: np.ndarray, se: np.ndarray,
                    covariates: dict[str, np.ndarray] | None = None) -> Pooled:
    """Pool log factors ``y`` with standard errors ``se`` (module docstring).

    ``covariates`` maps names of :data:`COVARIATES` to one value per machine; those the
    machines cannot support are left out. At least one machine.
    """
    y = np.asarray(y, dtype=float)
    se = np.asarray(se, dtype=float)
    if y.size == 0:
        raise ValueError("partial pooling needs at least one machine")
    values = covariates or {}
    names = chosen_covariates(values, len(y))
    x = _design(values, names, len(y))
    w = 1.0 / se**2
    xtw = x.T * w
    fixed = np.linalg.solve(xtw @ x, xtw @ y)
    q = float(np.sum(w * (y - x @ fixed) ** 2))
    df = len(y) - x.shape[1]
    tau2 = 0.0
    if df > 0:
        trace = float(w.sum() - np.trace(np.linalg.solve(xtw @ x, (x.T * w**2) @ x)))
        tau2 = max(0.0, (q - df) / trace) if trace > 0 else 0.0
    w_star = 1.0 / (se**2 + tau2)
    xtw_star = x.T * w_star
    cov = np.linalg.inv(xtw_star @ x)
    beta = cov @ (xtw_star @ y)
    mu = x @ beta
    shrunk = mu if tau2 == 0 else (y / se**2 + mu / tau2) / (1.0 / se**2 + 1.0 / tau2)
    return Pooled(beta=beta, cov=cov, tau2=float(tau2), covariates=names, shrunk=shrunk)
