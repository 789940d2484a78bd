"""How robust the top choice is: weight-stability intervals and rank acceptability.

The two views decision tools give of robustness: D-Sight's and Visual PROMETHEE's weight
stability intervals (the range of a weight over which the top choice stays on top; for the
weighted sum they have a closed form, O'Shea, Deeney, Triantaphyllou et al., *Expert Systems
with Applications* 296, 2026), and SMAA's rank acceptability indices (Lahdelma & Salminen,
SMAA-2, *Operations Research* 49(3), 2001; Tervonen & Lahdelma, *EJOR* 178, 2007).

**Weight-stability intervals** (weighted sum, closed form, no search). With the normalised
matrix ``V`` (alternatives × criteria, as :func:`evaluate.mcda.scoring.wsm_core` normalises it)
and weights ``w`` summing to 1, set criterion ``j``'s weight to ``t`` and rescale the others
proportionally, ``w_k(t) = w_k (1 - t) / (1 - w_j)``, so their ratios are kept (Hiview's
rule, not pyrepo's equal spreading). Every score is then linear in ``t``::

    s_a(t) = t V[a, j] + (1 - t) R[a, j],   R[a, j] = (s_a - w_j V[a, j]) / (1 - w_j)

and the winner ``a`` stays ahead of ``b`` while ``d_b(t) = s_a(t) - s_b(t) >= 0``: one root
per rival. The interval is the largest ``[lower, upper]`` in ``[0, 1]`` around ``w_j`` where
no rival's difference is negative; the rival whose root bounds it takes over just beyond.
At the bound itself the two tie. When ``w_j = 1`` (no other weight to rescale) the others
share ``1 - t`` equally. The normalisation is fixed while the weights move (it depends on
the matrix only), which is what makes the closed form exact.

**Rank acceptability** (SMAA-style). For each Monte Carlo draw of the decision matrix
(:func:`evaluate.reports.decision.matrix.decision_draws`) the weighted sum ranks the
alternatives; the share of draws giving alternative ``i`` rank ``r`` is its rank
acceptability (ties share the ranks they span, as in :func:`rank_probabilities`). Optionally
the weights are drawn too (:func:`sample_weights`), one weight vector per draw:

- ``"simplex"``: uniformly on the part of the simplex where every weight is at least
  ``(1 - spread)`` of the managers' weight, ``w' = (1 - spread) w + spread u`` with ``u``
  uniform on the simplex (Dirichlet(1, ..., 1), not uniform-then-normalise, which is biased;
  ADRIA.jl#327). ``spread = 1`` is the whole simplex (SMAA with no weight information);
  ``spread -> 0`` the managers' weights. The region contains ``w`` but its centre is pulled
  toward equal weights by ``spread``.
- ``"dirichlet"``: ``w' ~ Dirichlet(concentration × w)``: mean exactly ``w``, spread
  shrinking as ``concentration`` grows (variance ``w (1 - w) / (concentration + 1)``).

Criteria the managers weighted 0 stay at 0 in both: a zero weight means "not a criterion".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from evaluate.mcda.normalization import normalize_matrix, signs_and_bounds
from evaluate.mcda.scoring import validate_weights, wsm_core

WeightSampling = Literal["simplex", "dirichlet"]


def stability_core(values: np.ndarray, weights: np.ndarray
                   ) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weight-stability intervals of the weighted-sum winner (see the module docstring).

    Parameters
    ----------
    values
        Normalised matrix ``(A, C)``, higher better in every column.
    weights
        ``(C,)``, ≥ 0; normalised to sum 1 here.

    Returns
    -------
    winner, lower, upper, taker_below, taker_above
        The winner's row (first of equals); per criterion the lowest and highest weight
        (0-1, sum-1 scale) keeping it first; the row of the alternative that overtakes just
        below ``lower`` / above ``upper`` (``-1``: none, the bound is 0 or 1).
    """
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    count = v.shape[1]
    score = v @ w
    a = int(np.argmax(score))
    lower, upper = np.zeros(count), np.ones(count)
    below, above = np.full(count, -1), np.full(count, -1)
    rivals = np.arange(len(v)) != a
    for j in range(count):  # C criteria, each a vectorised pass over the rivals
        if w[j] < 1.0:
            rest = (score - w[j] * v[:, j]) / (1.0 - w[j])
        else:
            rest = np.delete(v, j, axis=1).mean(axis=1) if count > 1 else np.zeros(len(v))
        alpha = (rest[a] - rest)[rivals]  # d_b(t) = alpha + beta t
        beta = ((v[a, j] - v[:, j]) - (rest[a] - rest))[rivals]
        index = np.flatnonzero(rivals)
        with np.errstate(divide="ignore", invalid="ignore"):
            root = -alpha / beta
        rising = beta > 0
        if rising.any() and np.max(root[rising]) > 0:
            k = np.flatnonzero(rising)[np.argmax(root[rising])]
            lower[j], below[j] = min(root[k], w[j]), index[k]
        falling = beta < 0
        if falling.any() and np.min(root[falling]) < 1:
            k = np.flatnonzero(falling)[np.argmin(root[falling])]
            upper[j], above[j] = max(root[k], w[j]), index[k]
    return a, lower, upper, below, above


def stability_intervals(matrix: pd.DataFrame, weights: Mapping[str, float],
                        directions: Mapping[str, str], normalization: str = "minmax",
                        ranges: Mapping[str, tuple[float, float]] | None = None
                        ) -> pd.DataFrame:
    """How far each weight can move before the weighted-sum winner changes (closed form).

    Parameters
    ----------
    matrix
        Alternatives × criteria (e.g. :func:`evaluate.reports.decision.matrix.decision_matrix`).
    weights, directions
        Criterion -> weight (≥ 0, any scale) and -> ``"max"``/``"min"``.
    normalization, ranges
        As for :func:`evaluate.mcda.scoring.weighted_sum`.

    Returns
    -------
    pandas.DataFrame
        One row per criterion: ``criterion``, ``weight`` (normalised to sum 1), ``lower``
        and ``upper`` (the weight's range, same scale, others rescaled proportionally),
        ``taker_below`` and ``taker_above`` (the alternative that becomes first beyond the
        bound; missing, ``pd.isna``, when the bound is 0 or 1 and nothing takes over).
        ``attrs``: ``winner`` (the top choice) and ``normalization``.
    """
    names = list(matrix.columns)
    w = validate_weights(dict(weights), names).to_numpy()
    values = normalize_matrix(matrix, directions, normalization, ranges).to_numpy(float)
    winner, lower, upper, below, above = stability_core(values, w)
    labels = np.asarray(matrix.index.astype(str))

    def name(rows: np.ndarray) -> list[str | None]:
        return [str(labels[r]) if r >= 0 else None for r in rows]

    frame = pd.DataFrame({"criterion": names, "weight": w / w.sum(), "lower": lower,
                          "upper": upper, "taker_below": name(below),
                          "taker_above": name(above)})
    frame.attrs.update(winner=str(labels[winner]), normalization=normalization)
    return frame


def sample_weights(weights: np.ndarray, n: int, seed: int, *,
                   method: WeightSampling = "simplex", spread: float = 0.5,
                   concentration: float = 50.0) -> np.ndarray:
    """``n`` weight vectors ``(n, C)`` around ``weights`` (see the module docstring).

    Zero weights stay 0; each row sums to 1. ``spread`` (0-1] is for ``"simplex"``,
    ``concentration`` (> 0) for ``"dirichlet"``. The same seed gives the same draws.
    """
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    live = w > 0
    rng = np.random.default_rng(seed)
    out = np.zeros((n, len(w)))
    if method == "simplex":
        if not 0 < spread <= 1:
            raise ValueError(f"spread must be in (0, 1], got {spread}")
        u = rng.dirichlet(np.ones(live.sum()), size=n)
        out[:, live] = (1 - spread) * w[live] + spread * u
    elif method == "dirichlet":
        if not concentration > 0:
            raise ValueError(f"concentration must be > 0, got {concentration}")
        out[:, live] = rng.dirichlet(concentration * w[live], size=n)
    else:
        raise ValueError(f"method must be 'simplex' or 'dirichlet', not {method!r}")
    return out


def rank_probabilities(values: np.ndarray) -> np.ndarray:
    """Probability (0-1) of each rank, highest value first, as ``(candidates, ranks)``.

    ``values`` is ``(draws, candidates)``, without NaN. A candidate with ``g`` others strictly
    above it and ``e`` candidates equal to it (itself included) in a draw holds each rank
    ``g + 1 .. g + e`` with weight ``1 / e``. Rows and columns each sum to 1. Memory
    ``O(draws × candidates²)`` booleans.
    """
    v = np.asarray(values, dtype=float)
    draws, count = v.shape
    greater = (v[:, None, :] > v[:, :, None]).sum(axis=-1)  # (D, C): others above
    equal = (v[:, None, :] == v[:, :, None]).sum(axis=-1)  # (D, C): ties, itself included
    weight = 1.0 / equal
    candidate = np.broadcast_to(np.arange(count), v.shape)
    width = count + 1
    start = np.bincount((candidate * width + greater).ravel(), weight.ravel(),
                        minlength=count * width)
    stop = np.bincount((candidate * width + greater + equal).ravel(), weight.ravel(),
                       minlength=count * width)
    held = np.cumsum((start - stop).reshape(count, width), axis=1)[:, :count]
    # A share of draws lies in 0-1; the running sum of tie weights (1/3, ...) can round to
    # -1e-17 at a rank nobody holds, or past 1 at one always held, so the ends are kept.
    return np.clip(held / draws, 0.0, 1.0)


def rank_acceptability(draws: np.ndarray, weights: Mapping[str, float],
                       directions: Mapping[str, str], criteria: list[str],
                       alternatives: list[str], *, weight_sampling: WeightSampling | None = None,
                       seed: int = 0, spread: float = 0.5, concentration: float = 50.0,
                       normalization: str = "minmax",
                       ranges: Mapping[str, tuple[float, float]] | None = None,
                       reference: str | None = None) -> pd.DataFrame:
    """Probability of each rank for each alternative under the weighted sum (tidy).

    Parameters
    ----------
    draws
        Decision matrices ``(D, A, C)`` from the Monte Carlo
        (:func:`evaluate.reports.decision.matrix.decision_draws`), criteria in ``criteria`` order.
    weights, directions
        The managers' weights and each criterion's direction.
    criteria, alternatives
        Names of the last two axes.
    weight_sampling
        ``None`` (the managers' weights in every draw), ``"simplex"`` or ``"dirichlet"``
        (one sampled weight vector per draw; :func:`sample_weights` with ``seed``,
        ``spread``, ``concentration``).
    normalization, ranges
        As for :func:`evaluate.mcda.scoring.weighted_sum`; each draw is normalised on its own.
    reference
        An alternative to compare every other with, draw by draw (e.g. buying nothing).

    Returns
    -------
    pandas.DataFrame
        ``alternative``, ``rank`` (1 = best), ``probability`` (0-1); each alternative's
        probabilities sum to 1, and so do each rank's. ``attrs``: ``draws``,
        ``weight_sampling``, ``p_first`` (Series, alternative -> probability of rank 1);
        with ``reference``, ``p_beats_reference`` (Series, alternative -> share of draws in
        which it scores above ``reference``).
    """
    values = np.asarray(draws, dtype=float)
    w = validate_weights(dict(weights), criteria).to_numpy()
    signs, low, high = signs_and_bounds(criteria, directions, ranges)
    if weight_sampling is not None:
        w = sample_weights(w, values.shape[0], seed, method=weight_sampling, spread=spread,
                           concentration=concentration)
    scores = np.asarray(wsm_core(values, w, signs, normalization, low, high))
    held = rank_probabilities(scores)
    count = len(alternatives)
    frame = pd.DataFrame({"alternative": np.repeat(alternatives, count),
                          "rank": np.tile(np.arange(1, count + 1), count),
                          "probability": held.ravel()})
    frame.attrs.update(draws=values.shape[0], weight_sampling=weight_sampling,
                       normalization=normalization,
                       p_first=pd.Series(held[:, 0], index=alternatives, name="p_first"))
    if reference is not None:
        above = scores > scores[:, [alternatives.index(reference)]]
        frame.attrs["p_beats_reference"] = pd.Series(above.mean(axis=0), index=alternatives,
                                                     name="p_beats_reference")
    return frame
