"""Value for money and the best set of machines under the budget and the free floor space.

The last step of the decision, as decision tools offer it: 1000minds' value-for-money chart
(score against cost, with the Pareto frontier) and a budget optimiser like Decision Lens' or
Expert Choice's resource aligner, here exact and with the floor space as a second limit.

- :func:`value_for_money`: each alternative's score against its cost, the score per unit of
  cost, and whether it is on the **Pareto frontier**: an alternative is on it unless another
  has a higher-or-equal score at a lower-or-equal cost, with at least one of the two strict.
- :func:`fits_limits`: whether a cost and a floor area fit the budget and the free floor, the
  one test of "fits" for a single machine and for a set.
- :func:`best_portfolios`: the best sets of candidates whose total cost fits the budget and
  whose total floor area fits the free floor space, **exact** by enumerating all ``2**n``
  subsets (``n <= 20``, about a million sets) with numpy, no Python loop over sets. The
  objective is additive, the sum of the members' values: their weighted-sum scores
  (``objective="score"``) or their NPVs (``objective="npv"``). Summing scores assumes each
  machine's value does not depend on which others are bought (no shared users, no
  cannibalisation), and min-max scores are relative to the candidates scored together.
  The empty set (buy nothing) is a valid answer; with NPV it wins when every NPV is negative.

Subset enumeration: subset ``m`` (an integer) holds candidate ``i`` when bit ``i`` of ``m``
is set. The totals of all subsets of the low ``h`` candidates (``2**h`` of them) and of the
high ``n - h`` are built by doubling (:func:`subset_sums`); the total of every subset is
then an outer sum ``high[m >> h] + low[m & (2**h - 1)]``, laid out so that position ``m``
holds subset ``m``. Memory: three float64 arrays of ``2**n`` (24 MiB at ``n = 20``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

MAX_EXACT = 20  # candidates; 2**20 subsets
TOLERANCE = 1e-9  # relative slack on the budget and floor checks (rounding in sums)
Objective = Literal["score", "npv"]


def pareto_frontier(score: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """True where no other alternative has score ≥ and cost ≤, one of them strict.

    ``score`` (higher better) and ``cost`` (lower better) are ``(alternatives,)``; equal
    alternatives (same score and cost) are both on the frontier. ``O(n²)`` booleans.
    """
    s, c = np.asarray(score, dtype=float), np.asarray(cost, dtype=float)
    no_worse = (s[None, :] >= s[:, None]) & (c[None, :] <= c[:, None])  # [a, b]: b vs a
    better = (s[None, :] > s[:, None]) | (c[None, :] < c[:, None])
    return ~np.any(no_worse & better, axis=1)


def fits_limits(cost: np.ndarray | pd.Series, floor_m2: np.ndarray | pd.Series, *,
                budget: float, free_floor_m2: float) -> np.ndarray:
    """True where a cost fits the budget and a floor area the free floor (both limits).

    The one test of "fits" for single machines and for sets (:func:`best_portfolios`), with
    :data:`TOLERANCE` of slack for rounding in sums. ``cost`` in currency, ``floor_m2`` in m².
    """
    c, f = np.asarray(cost, dtype=float), np.asarray(floor_m2, dtype=float)
    return ((c <= budget * (1 + TOLERANCE) + TOLERANCE)
            & (f <= free_floor_m2 * (1 + TOLERANCE) + TOLERANCE))


def value_for_money(scores: pd.Series, costs: pd.Series) -> pd.DataFrame:
    """Score against cost, with the Pareto frontier flag (tidy, one row per alternative).

    Parameters
    ----------
    scores
        Weighted-sum score per alternative (e.g. :func:`evaluate.mcda.scoring.weighted_sum`),
        indexed by alternative.
    costs
        Cost per alternative in currency, same index (for example ``up_front`` from
        :func:`evaluate.model.finance.finance_summary`, or the present value of costs).

    Returns
    -------
    pandas.DataFrame
        ``alternative``, ``score``, ``cost``, ``score_per_1000`` (score per 1,000 of cost;
        ``inf`` at zero cost) and ``on_frontier``, ordered by cost then score descending.
    """
    costs = costs.reindex(scores.index)
    if costs.isna().any():
        raise ValueError(f"no cost for {list(costs.index[costs.isna()])}")
    s, c = scores.to_numpy(float), costs.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(c > 0, 1000.0 * s / np.where(c > 0, c, 1.0), np.inf)
    frame = pd.DataFrame({"alternative": scores.index.astype(str), "score": s, "cost": c,
                          "score_per_1000": ratio, "on_frontier": pareto_frontier(s, c)})
    return frame.sort_values(["cost", "score"], ascending=[True, False], kind="stable",
                             ignore_index=True)


def subset_sums(values: np.ndarray) -> np.ndarray:
    """Total of ``values`` over every subset, ``(2**n,)``: position ``m`` = subset ``m``.

    Built by doubling: after candidate ``i``, the first ``2**i`` totals are the subsets
    without it and the next ``2**i`` the same subsets with it, so bit ``i`` of ``m`` says
    whether candidate ``i`` is in.
    """
    totals = np.zeros(1)
    for v in np.asarray(values, dtype=float):
        totals = np.concatenate([totals, totals + v])
    return totals


def all_subset_totals(values: np.ndarray) -> np.ndarray:
    """:func:`subset_sums` for ``n`` up to :data:`MAX_EXACT`, via two half tables (fast)."""
    v = np.asarray(values, dtype=float)
    h = len(v) // 2
    low, high = subset_sums(v[:h]), subset_sums(v[h:])
    return (high[:, None] + low[None, :]).ravel()  # index (m >> h) * 2**h + (m & low mask)


def subset_members(masks: np.ndarray, n: int) -> np.ndarray:
    """Membership ``(sets, n)`` booleans of the subsets numbered ``masks``."""
    m = np.asarray(masks, dtype=np.int64)
    return ((m[:, None] >> np.arange(n)) & 1).astype(bool)


def best_portfolios(candidates: pd.DataFrame, *, budget: float, free_floor_m2: float,
                    objective: Objective = "score", top: int = 5) -> pd.DataFrame:
    """The ``top`` best sets of candidates within the budget and the free floor space, exact.

    Parameters
    ----------
    candidates
        One row per candidate, indexed by ``equipment_id``, with ``cost`` (currency, what the
        budget pays: e.g. price plus installation, ``up_front`` in
        :func:`evaluate.model.finance.finance_summary`), ``floor_m2`` (m², clearance included) and
        the objective's column: ``score`` or ``npv``.
    budget
        Money available for the purchase (currency, ≥ 0).
    free_floor_m2
        Free floor area (m², ≥ 0).
    objective
        ``"score"``: maximise the sum of the members' scores; ``"npv"``: the sum of NPVs.
    top
        How many sets to return (the best first, then the next-best).

    Returns
    -------
    pandas.DataFrame
        ``rank`` (1 = best), ``members`` (tuple of ``equipment_id``, catalogue order),
        ``size``, ``objective`` (the summed value), ``cost`` (currency), ``floor_m2``, for the
        feasible sets in decreasing objective; ties go to the lower cost, then the smaller
        floor area, then fewer machines. Fewer than ``top`` rows when fewer sets fit.
        ``attrs``: ``objective``, ``budget``, ``free_floor_m2``, ``feasible_sets``.

    Raises
    ------
    ValueError
        With more than :data:`MAX_EXACT` candidates (shortlist first), a missing column,
        a negative cost or area, or a NaN.
    """
    column = {"score": "score", "npv": "npv"}.get(objective)
    if column is None:
        raise ValueError(f"objective must be 'score' or 'npv', not {objective!r}")
    n = len(candidates)
    if n > MAX_EXACT:
        raise ValueError(
            f"the exact portfolio enumerates all 2**n sets and handles at most {MAX_EXACT} "
            f"candidates; got {n} ({2**n:,} sets). Shortlist to {MAX_EXACT} or fewer first "
            "(e.g. drop candidates off the value-for-money frontier)")
    needed = [c for c in (column, "cost", "floor_m2") if c not in candidates.columns]
    if needed:
        raise ValueError(f"candidates need columns {needed}")
    value, cost, floor = (candidates[c].to_numpy(float) for c in (column, "cost", "floor_m2"))
    if np.isnan(np.r_[value, cost, floor]).any() or (cost < 0).any() or (floor < 0).any():
        raise ValueError("objective, cost and floor_m2 must be numbers, cost and area >= 0")
    if budget < 0 or free_floor_m2 < 0:
        raise ValueError("budget and free_floor_m2 must be >= 0")
    totals = {k: all_subset_totals(v) for k, v in
              (("objective", value), ("cost", cost), ("floor_m2", floor))}
    fits = fits_limits(totals["cost"], totals["floor_m2"], budget=budget,
                       free_floor_m2=free_floor_m2)
    masks = np.flatnonzero(fits)
    chosen = _top_masks(masks, totals, top)
    ids = np.asarray(candidates.index.astype(str))
    member = subset_members(chosen, n)
    frame = pd.DataFrame({
        "rank": np.arange(1, len(chosen) + 1),
        "members": [tuple(ids[row]) for row in member],
        "size": member.sum(axis=1),
        "objective": totals["objective"][chosen],
        "cost": totals["cost"][chosen],
        "floor_m2": totals["floor_m2"][chosen]})
    frame.attrs.update(objective=objective, budget=float(budget),
                       free_floor_m2=float(free_floor_m2), feasible_sets=len(masks))
    return frame


def _top_masks(masks: np.ndarray, totals: dict[str, np.ndarray], top: int) -> np.ndarray:
    """The ``top`` feasible masks by objective, ties by cost, floor, size, then number."""
    if top < 1 or len(masks) == 0:
        return masks[:0]
    objective = totals["objective"][masks]
    if len(masks) > top:  # keep every set tied with the top-th best, then sort those
        threshold = np.partition(objective, len(masks) - top)[len(masks) - top]
        keep = objective >= threshold
        masks, objective = masks[keep], objective[keep]
    size = np.bitwise_count(masks.astype(np.uint64))
    order = np.lexsort((masks, size, totals["floor_m2"][masks], totals["cost"][masks],
                        -objective))
    return masks[order[:top]]
