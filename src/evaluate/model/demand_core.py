"""Array cores of the usage forecast (see :mod:`evaluate.model.demand` for the model).

Pure numpy functions without validation: every argument broadcasts, so a Monte Carlo passes
parameters with a leading draws axis and gets draws × candidates back in one call.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from evaluate.data.members import MAX_VISITS_PER_WEEK

NEEDS = ("back_care", "posterior_chain", "general_fitness")
VISIT_GRID = np.linspace(0.0, MAX_VISITS_PER_WEEK, 281)  # visits/week, steps of 0.05


def user_probability(back_pain: np.ndarray, posterior_need: np.ndarray, rate_back: np.ndarray,
                     rate_posterior: np.ndarray, rate_general: np.ndarray) -> np.ndarray:
    """Probability (0-1) that a member becomes a regular user: ``1 - Π (1 - need × rate)``.

    All arguments broadcast: e.g. ``back_pain`` ``(draws, 1, segments)``, ``posterior_need``
    ``(segments,)`` (0-1), rates ``(draws, candidates, 1)`` (fractions).
    """
    return 1.0 - ((1.0 - np.asarray(back_pain) * rate_back)
                  * (1.0 - np.asarray(posterior_need) * rate_posterior) * (1.0 - rate_general))


def expected_total(weight: np.ndarray, back_pain: np.ndarray, posterior_need: np.ndarray,
                   rate_back: np.ndarray, rate_posterior: np.ndarray,
                   rate_general: np.ndarray) -> np.ndarray:
    """``Σ_s weight_s × user_probability_s`` without forming draws × candidates × segments.

    ``weight`` and ``back_pain`` are ``(draws, segments)`` or ``(segments,)``;
    ``posterior_need`` ``(segments,)``; the rates ``(draws, candidates)``. The product expands
    into four segment moments, each ``(draws,)``. With ``weight`` = members it gives expected
    regular users; with ``weight`` = capped visits (:func:`capped_visits`), weekly sessions.

    Returns
    -------
    numpy.ndarray
        Shape ``(draws, candidates)``, in the unit of ``weight``.
    """
    w = np.asarray(weight, dtype=float)
    p = np.asarray(back_pain, dtype=float)
    q = np.asarray(posterior_need, dtype=float)
    m0, m1 = w.sum(-1), (w * q).sum(-1)
    m2, m3 = (w * p).sum(-1), (w * p * q).sum(-1)
    m0, m1, m2, m3 = (np.asarray(m)[..., None] for m in (m0, m1, m2, m3))
    return m0 - (1.0 - rate_general) * (m0 - rate_posterior * m1
                                        - rate_back * (m2 - rate_posterior * m3))


def visit_curves(visits: np.ndarray, segment: np.ndarray, n_segments: int,
                 grid: np.ndarray = VISIT_GRID) -> np.ndarray:
    """``Σ_{i in s} min(x, v_i)`` per segment at each grid point ``x``: shape ``(segments, grid)``.

    Exact at the grid points for any visits; ``visits`` in visits/week, no NaN.
    """
    position = np.searchsorted(grid, visits, side="right")  # grid points <= v_i
    size = n_segments * (len(grid) + 1)
    cell = segment * (len(grid) + 1) + position
    count = np.bincount(cell, minlength=size).reshape(n_segments, -1)
    total = np.bincount(cell, weights=visits, minlength=size).reshape(n_segments, -1)
    below_count = np.cumsum(count, axis=1)[:, :-1]  # members with v_i < x_g
    below_total = np.cumsum(total, axis=1)[:, :-1]
    members = count.sum(axis=1, keepdims=True)
    return below_total + grid[None, :] * (members - below_count)


def capped_visits(curves: np.ndarray, sessions_per_user: np.ndarray | float,
                  grid: np.ndarray = VISIT_GRID) -> np.ndarray:
    """Interpolate :func:`visit_curves` at ``sessions_per_user`` (shape ``(draws,)``).

    Returns ``(draws, segments)``: each segment's sessions a week if every member were a
    regular user, each capped at their own visits (sessions/week).
    """
    x = np.clip(np.atleast_1d(np.asarray(sessions_per_user, dtype=float)), grid[0], grid[-1])
    upper = np.clip(np.searchsorted(grid, x, side="left"), 1, len(grid) - 1)
    fraction = (x - grid[upper - 1]) / (grid[upper] - grid[upper - 1])
    return (curves[:, upper - 1] * (1.0 - fraction) + curves[:, upper] * fraction).T


def ramp_factor(month: np.ndarray, adoption_months: np.ndarray | float) -> np.ndarray:
    """Share of full uptake reached on average during month ``t`` (1 = the first month).

    The ramp ``min(1, τ / A)`` over months ``τ`` is averaged over ``[t - 1, t]``; ``A = 0``
    means full uptake at once. E.g. ``A = 3``: 1/6, 1/2, 5/6, then 1. Broadcasts.
    """
    t = np.asarray(month, dtype=float)
    a = np.asarray(adoption_months, dtype=float)

    def area(tau: np.ndarray) -> np.ndarray:  # ∫_0^tau min(1, x / A) dx
        with np.errstate(divide="ignore", invalid="ignore"):
            inside = tau**2 / (2.0 * a)
        return np.where(tau <= a, inside, tau - a / 2.0)

    return np.where(a > 0, area(t) - area(t - 1.0), 1.0)


def relevance_rates(levels: np.ndarray, params: Mapping[str, np.ndarray]) -> np.ndarray:
    """Uptake rate per draw, candidate and need: ``uptake_<need> × weight(level)``, (D, C, 3).

    ``levels`` are codes into :data:`LEVELS`, shape ``(candidates, needs)``; ``params`` holds
    arrays ``(draws,)`` named as in :data:`DRAWN`. Uptakes are scaled by ``uptake_factor``
    (calibration; ``(draws,)`` for one factor on every candidate, or ``(draws, candidates)``
    for a factor per candidate) and capped at 1.
    """
    ones = np.ones_like(np.asarray(params["relevance_weight_medium"], dtype=float))
    weight = np.stack([ones, params["relevance_weight_medium"], params["relevance_weight_low"]],
                      axis=-1)  # (D, 3 levels)
    uptake = np.stack([params[f"uptake_{need}"] for need in NEEDS], axis=-1)  # (D, 3 needs)
    factor = np.asarray(params["uptake_factor"], dtype=float)
    factor = factor[:, None, None] if factor.ndim == 1 else factor[:, :, None]  # (D, 1|C, 1)
    uptake = np.minimum(1.0, uptake[:, None, :] * factor)  # (D, 1|C, needs)
    by_level = weight[:, levels]  # (D, C, needs)
    return uptake * by_level
