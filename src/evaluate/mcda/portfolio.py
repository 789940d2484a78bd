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
  whose total floor area fits the free floor space, **exact**: up to :data:`MAX_EXACT`
  candidates by enumerating all ``2**n`` subsets (about a million sets at 20) with numpy, no
  Python loop over sets; beyond, by solving the 0/1 knapsack with its two limits as an
  integer program (``scipy.optimize.milp``, the HiGHS solver). The objective is additive,
  the sum of the members' values: their weighted-sum scores (``objective="score"``) or their
  NPVs (``objective="npv"``). Summing scores assumes each machine's value does not depend
  on which others are bought (no shared users, no cannibalisation), and min-max scores are
  relative to the candidates scored together. The empty set (buy nothing) is a valid answer;
  with NPV it wins when every NPV is negative.

**Sets valued jointly** (``joint``): two machines that serve the same need share its users,
so together they add fewer users than the sum of what each adds alone, and a set is worth
less than the sum of its members. Each candidate's value is split into the part that grows
with the users it adds (``<objective>_from_added_users``), the part that grows with the
back-pain users it adds (``<objective>_from_added_back_pain_users``) and the rest (costs,
new joins, criteria that do not come from its users). A set counts its members' rests in full
and each of the two parts in proportion to the users the set adds jointly (``joint``, from
the model) over the sum of what its members add alone (``added_users``,
``added_back_pain_users``), a share of at most 1::

    V(T) = Σ_T v_c − Σ_g (1 − min(1, J_g(T) / Σ_T n_gc)) Σ_T part_gc

That is each part's value per added user, averaged over the set's members by their added
users, times the users the set adds. With the parts at least 0 a set's value never exceeds
the sum of its members', and a set of one is worth its member's value. The integer program's
objective is then no longer a sum. It maximises an **upper bound** of the joint value by
constraint generation (:func:`_milp_joint_top`): the joint counts are submodular (each
machine adds fewer users beside more machines), so every set valued gives linear cuts that
bound them from above everywhere and are exact at that set (Nemhauser and Wolsey 1981, "Maximizing
submodular set functions: formulations and analysis of algorithms"); the first cut is the
sum of the members' counts, so the bound starts at the additive value. A set valued is the
next best once it is worth at least the bound of every set left, less the solver's
resolution: exact, since no set's joint value exceeds its bound. Listing sets by their
additive value alone was tried and is far slower (overlapping machines keep many sets' sums
above the best joint value). At most :data:`MAX_JOINT_SETS` sets are valued (``attrs``
``proven`` says whether the best were proven best; if not, they are the best valued).

Subset enumeration: subset ``m`` (an integer) holds candidate ``i`` when bit ``i`` of ``m``
is set. The totals of all subsets of the low ``h`` candidates (``2**h`` of them) and of the
high ``n - h`` are built by doubling (:func:`subset_sums`); the total of every subset is
then an outer sum ``high[m >> h] + low[m & (2**h - 1)]``, laid out so that position ``m``
holds subset ``m``. Memory: three float64 arrays of ``2**n`` (24 MiB at ``n = 20``).

Integer program: one 0/1 variable per candidate, the budget and the floor as two rows.
The best set is the solver's optimum; the next best are found one at a time, each earlier
set excluded by a no-good cut (``sum of x over the set's non-members - sum over its members
>= 1 - size``). Ties are broken as the enumeration breaks them, by solving again: among the
sets within the solver's resolution (:data:`SOLVER_RESOLUTION`) of the best objective, the
lowest cost; among those, the smallest floor area, then the fewest machines, then the lowest
subset number (fixing candidates out from the last one while a set still qualifies). Totals
are recomputed from the members in the enumeration's order of summation
(:func:`set_totals`), so both methods report the same numbers and fit the same sets.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Literal

import numpy as np
import pandas as pd

MAX_EXACT = 20  # candidates enumerated; 2**20 subsets. Beyond: the integer program
# Sets the integer program values jointly before it gives the best found unproven: each is
# one solve, slower as cuts accumulate (about 0.2 s each at 20 candidates on a shared 2-core
# machine), so a report with more than MAX_EXACT candidates waits half a minute at most.
MAX_JOINT_SETS = 30
JOINT_COUNTS = ("added_users", "added_back_pain_users")  # what a set adds jointly, in order
TOLERANCE = 1e-9  # relative slack on the budget and floor checks (rounding in sums)
# Values the integer program cannot tell apart, as a fraction of the sum of the candidates'
# absolute values (of the objective, the cost or the floor area): 10 times HiGHS' default
# tolerances on the optimality gap and on a 0/1 value (mip_abs_gap and
# mip_feasibility_tolerance, both 1e-6), so no set closer than this is missed. Sets this
# close count as tied and go, as in the enumeration, to the lower cost, area, size, number.
SOLVER_RESOLUTION = 1e-5
# HiGHS proves the optimum (no relative gap). Presolve is off: programs of two rows and a few
# cuts gain little from it, and HiGHS' presolve prints a debugging line to the terminal.
SOLVER_OPTIONS = {"mip_rel_gap": 0.0, "presolve": False}
Objective = Literal["score", "npv"]
Method = Literal["auto", "enumerate", "milp"]
Solve = Callable[..., "np.ndarray | None"]  # see _knapsack_solver
# The counts of JOINT_COUNTS each set adds jointly, (sets, 2), from membership (sets, n), or
# from None for every subset in subset order (see best_portfolios).
JointCounts = Callable[["np.ndarray | None"], np.ndarray]


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


def set_totals(member: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Total of ``values`` over each set of ``member`` ``(sets, n)``, summed as enumerated.

    The low ``n // 2`` candidates are added in order from 0, the high ones likewise, then the
    two halves (:func:`all_subset_totals`): the same floating-point total as the enumeration
    gives the same set, so both methods compare, fit and report sets alike.
    """
    member = np.asarray(member, dtype=bool)
    parts = np.where(member, np.asarray(values, dtype=float), 0.0)
    h = member.shape[1] // 2
    low, high = np.zeros(len(member)), np.zeros(len(member))
    for i in range(h):
        low = low + parts[:, i]
    for i in range(h, member.shape[1]):
        high = high + parts[:, i]
    return high + low


def joint_set_values(additive: np.ndarray, parts: np.ndarray, counts: np.ndarray,
                     joint: np.ndarray) -> np.ndarray:
    """Sets' values with substitution inside each set (module docstring, "valued jointly").

    ``additive`` ``(sets,)`` is each set's sum of its members' values; ``parts`` and
    ``counts`` ``(sets, 2)`` the sums of its members' parts that scale with the added users
    and back-pain users, and of those counts (:data:`JOINT_COUNTS`); ``joint`` ``(sets, 2)``
    the counts the set adds jointly. Each part counts in the share ``min(1, joint / count)``
    (1 where the members add no one). With ``parts >= 0`` the result never exceeds
    ``additive``.
    """
    counts = np.asarray(counts, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = np.where(counts > 0, np.asarray(joint, dtype=float)
                         / np.where(counts > 0, counts, 1.0), 1.0)
    lost = (1.0 - np.clip(share, 0.0, 1.0)) * np.asarray(parts, dtype=float)
    return np.asarray(additive, dtype=float) - lost.sum(axis=1)


def best_portfolios(candidates: pd.DataFrame, *, budget: float, free_floor_m2: float,
                    objective: Objective = "score", top: int = 5,
                    method: Method = "auto", joint: JointCounts | None = None) -> pd.DataFrame:
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
    method
        ``"enumerate"``: list all ``2**n`` sets (at most :data:`MAX_EXACT` candidates);
        ``"milp"``: the integer program, any number of candidates; ``"auto"`` (default): the
        enumeration up to :data:`MAX_EXACT` candidates, the integer program beyond.
    joint
        Value sets jointly (module docstring, "valued jointly"): a function of a membership
        array ``(sets, n)`` (candidates in ``candidates``' order), or of ``None`` for every
        subset in subset order (bit ``i`` of position ``m`` = candidate ``i``), that returns
        the :data:`JOINT_COUNTS` each set adds jointly, ``(sets, 2)``: e.g.
        :func:`evaluate.model.joint.joint_added_users`. ``candidates`` then need the columns
        ``added_users`` and ``added_back_pain_users`` (each member's own, ≥ 0) and the
        objective's parts that scale with them, ``<objective>_from_added_users`` and
        ``<objective>_from_added_back_pain_users`` (≥ 0). Default: the sum of the members'.

    Returns
    -------
    pandas.DataFrame
        ``rank`` (1 = best), ``members`` (tuple of ``equipment_id``, catalogue order),
        ``size``, ``objective`` (the summed value, or the joint one with ``joint``), ``cost``
        (currency), ``floor_m2``, for the
        feasible sets in decreasing objective; ties go to the lower cost, then the smaller
        floor area, then fewer machines (the integer program counts as tied the values
        within :data:`SOLVER_RESOLUTION`). Fewer than ``top`` rows when fewer sets fit.
        ``attrs``: ``objective``, ``budget``, ``free_floor_m2``, ``candidates`` (how many),
        ``method`` (``"enumerate"`` or ``"milp"``, the one used), ``feasible_sets`` (how many
        sets fit; ``None`` from the integer program, which does not list them), ``joint``
        (whether sets were valued jointly) and ``proven`` (False only when the integer
        program stopped at :data:`MAX_JOINT_SETS` sets before proving the best joint sets).

    Raises
    ------
    ValueError
        With more than :data:`MAX_EXACT` candidates and ``method="enumerate"``, a missing
        column, a negative cost or area, or a NaN.
    """
    column = {"score": "score", "npv": "npv"}.get(objective)
    if column is None:
        raise ValueError(f"objective must be 'score' or 'npv', not {objective!r}")
    if method not in ("auto", "enumerate", "milp"):
        raise ValueError(f"method must be 'auto', 'enumerate' or 'milp', not {method!r}")
    n = len(candidates)
    if method == "enumerate" and n > MAX_EXACT:
        raise ValueError(
            f"the enumeration lists all 2**n sets and handles at most {MAX_EXACT} "
            f"candidates; got {n} ({2**n:,} sets). Use method='milp' (or 'auto')")
    needed = [c for c in (column, "cost", "floor_m2") if c not in candidates.columns]
    if needed:
        raise ValueError(f"candidates need columns {needed}")
    value, cost, floor = (candidates[c].to_numpy(float) for c in (column, "cost", "floor_m2"))
    if np.isnan(np.r_[value, cost, floor]).any() or (cost < 0).any() or (floor < 0).any():
        raise ValueError("objective, cost and floor_m2 must be numbers, cost and area >= 0")
    if budget < 0 or free_floor_m2 < 0:
        raise ValueError("budget and free_floor_m2 must be >= 0")
    attrs = {"objective": objective, "budget": float(budget),
             "free_floor_m2": float(free_floor_m2), "candidates": n,
             "joint": joint is not None, "proven": True}
    split = None if joint is None else _joint_columns(candidates, column)
    if method == "milp" or (method == "auto" and n > MAX_EXACT):
        if joint is None or split is None:
            member = _milp_top(value, cost, floor, budget=budget, free_floor_m2=free_floor_m2,
                               top=top)
            jointly = set_totals(member, value)
        else:
            member, jointly, attrs["proven"] = _milp_joint_top(
                value, cost, floor, split, joint, budget=budget, free_floor_m2=free_floor_m2,
                top=top)
        sums = {"objective": jointly, "cost": set_totals(member, cost),
                "floor_m2": set_totals(member, floor)}
        return _portfolio_frame(candidates, member, sums,
                                {**attrs, "method": "milp", "feasible_sets": None})
    totals = {k: all_subset_totals(v) for k, v in
              (("objective", value), ("cost", cost), ("floor_m2", floor))}
    if joint is not None and split is not None:
        parts, counts = (np.column_stack([all_subset_totals(v) for v in half.T])
                         for half in split)
        totals["objective"] = joint_set_values(totals["objective"], parts, counts,
                                               _checked(joint(None), 2**n))
    fits = fits_limits(totals["cost"], totals["floor_m2"], budget=budget,
                       free_floor_m2=free_floor_m2)
    masks = np.flatnonzero(fits)
    chosen = _top_masks(masks, totals, top)
    return _portfolio_frame(candidates, subset_members(chosen, n),
                            {k: v[chosen] for k, v in totals.items()},
                            {**attrs, "method": "enumerate", "feasible_sets": len(masks)})


def _joint_columns(candidates: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """The objective's parts and the counts that scale them, each ``(n, 2)``, checked."""
    names = [f"{column}_from_{g}" for g in JOINT_COUNTS]
    needed = [c for c in (*names, *JOINT_COUNTS) if c not in candidates.columns]
    if needed:
        raise ValueError(f"valuing sets jointly needs columns {needed}")
    parts, counts = (candidates[list(c)].to_numpy(float) for c in (names, JOINT_COUNTS))
    if not (np.isfinite(parts).all() and np.isfinite(counts).all()) or (parts < 0).any() \
            or (counts < 0).any():
        raise ValueError(f"{', '.join(names)} and {', '.join(JOINT_COUNTS)} must be numbers "
                         ">= 0")
    return parts, counts


def _checked(found: np.ndarray, sets: int) -> np.ndarray:
    """``joint``'s answer as ``(sets, 2)`` floats, or a ValueError saying what came back."""
    found = np.asarray(found, dtype=float)
    if found.shape != (sets, len(JOINT_COUNTS)):
        raise ValueError(f"joint returned shape {found.shape}, not {(sets, len(JOINT_COUNTS))}")
    return found


def _joint_of(member: np.ndarray, value: np.ndarray, split: tuple[np.ndarray, np.ndarray],
              joint: JointCounts) -> np.ndarray:
    """The joint value of the sets of ``member`` ``(sets, n)``, summed as enumerated."""
    parts, counts = (np.column_stack([set_totals(member, v) for v in half.T])
                     for half in split)
    return joint_set_values(set_totals(member, value), parts, counts,
                            _checked(joint(member), len(member)))


def _portfolio_frame(candidates: pd.DataFrame, member: np.ndarray,
                     sums: dict[str, np.ndarray], attrs: dict) -> pd.DataFrame:
    """The table :func:`best_portfolios` returns, from the sets' membership and totals."""
    ids = np.asarray(candidates.index.astype(str))
    frame = pd.DataFrame({
        "rank": np.arange(1, len(member) + 1),
        "members": [tuple(ids[row]) for row in member],
        "size": member.sum(axis=1),
        "objective": sums["objective"],
        "cost": sums["cost"],
        "floor_m2": sums["floor_m2"]})
    frame.attrs.update(attrs)
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


def _milp_top(value: np.ndarray, cost: np.ndarray, floor: np.ndarray, *, budget: float,
              free_floor_m2: float, top: int) -> np.ndarray:
    """Membership ``(sets, n)`` of the ``top`` best sets by the integer program, in order.

    A set fits as in the enumeration (:data:`TOLERANCE` of slack). The best remaining
    set is the solver's optimum with the sets already chosen cut off; solving once more
    without it says whether another set ties with it (within :data:`SOLVER_RESOLUTION`),
    and that next optimum is the best remaining set of the next round. A tie is broken by
    :func:`_break_tie`. The sets are returned in the enumeration's order (objective, cost,
    floor area, size, subset number).
    """
    n = len(value)
    if n == 0:  # nothing to choose: the empty set, which always fits
        return np.zeros((min(top, 1), 0), dtype=bool)
    rows, solve, _ = _scaled_solver(value, cost, floor, budget, free_floor_m2)
    found: list[np.ndarray] = []
    best = solve(-rows[0], found) if top >= 1 else None
    while best is not None and len(found) < top:
        after = solve(-rows[0], [*found, best])
        tied = after is not None and rows[0] @ after >= rows[0] @ best - SOLVER_RESOLUTION
        chosen = _break_tie(best, rows, found, solve) if tied else best
        found.append(chosen)
        best = after if np.array_equal(chosen, best) else best  # the best still remaining
    member = np.array(found, dtype=bool).reshape(-1, n)
    totals = [set_totals(member, v) for v in (value, cost, floor)]
    order = np.lexsort((*member.T.astype(np.int8), member.sum(axis=1), totals[2], totals[1],
                        -totals[0]))
    return member[order]


def _scaled_solver(value: np.ndarray, cost: np.ndarray, floor: np.ndarray, budget: float,
                   free_floor_m2: float) -> tuple[list[np.ndarray], Solve, float]:
    """The scaled rows (objective, cost, floor), their solver, and the objective's scale.

    A set fits as in the enumeration (:data:`TOLERANCE` of slack). Each row is scaled to a
    sum of absolute values of 1 (a row of zeros is left as it is), so the resolution is a
    fraction of it; the scale is that sum for the objective.
    """
    caps = (budget * (1 + TOLERANCE) + TOLERANCE, free_floor_m2 * (1 + TOLERANCE) + TOLERANCE)
    scale = [float(np.abs(v).sum()) or 1.0 for v in (value, cost, floor)]
    rows = [v / k for v, k in zip((value, cost, floor), scale, strict=True)]
    solve = _knapsack_solver(rows[1:], [caps[0] / scale[1], caps[1] / scale[2]],
                             lambda s: bool(fits_limits(
                                 set_totals(s[None], cost), set_totals(s[None], floor),
                                 budget=budget, free_floor_m2=free_floor_m2)[0]))
    return rows, solve, scale[0]


def _milp_joint_top(value: np.ndarray, cost: np.ndarray, floor: np.ndarray,
                    split: tuple[np.ndarray, np.ndarray], joint: JointCounts, *,
                    budget: float, free_floor_m2: float,
                    top: int) -> tuple[np.ndarray, np.ndarray, bool]:
    """The ``top`` best sets valued jointly, their joint values, and whether proven best.

    Constraint generation on an upper bound (module docstring, "valued jointly"): the master
    integer program maximises ``Σ rest_c x_c + Σ_g y_g`` with ``y_g`` at most the members'
    summed part ``Σ p_gc x_c`` and at most the highest part per added user times ``η_g``
    (plus the parts of members that add no one) and at most ``Σ p_gc x_c`` less the lowest
    part per added user times the users lost to overlap, ``Σ n_gc x_c - η_g``; ``η_g`` is at
    most every Nemhauser-Wolsey
    cut of the joint count ``J_g`` generated so far (``J_g`` is submodular and never falls
    as machines are added: at a set ``T0``, ``J_g(T) <= J_g(T0) + Σ_{j not in T0} ρ_j(T0)
    x_j - Σ_{j in T0} ρ_j(N - j) (1 - x_j)`` with ``ρ_j(A)`` what ``j`` adds beside the set
    ``A`` and ``N`` every candidate). Each master solution is valued jointly and its cuts
    added; the best valued set not yet taken is the next best once it is worth at least the
    master's bound less the solver's resolution (no set left can beat it). A set taken is cut
    off (no-good cut), as is a master solution already valued. After :data:`MAX_JOINT_SETS`
    valuations the best valued are returned, ``proven`` False. Order as the enumeration's:
    joint value, cost, floor area, size, subset number.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    n, groups = len(value), len(JOINT_COUNTS)
    if n == 0:  # nothing to choose: the empty set, which always fits
        member = np.zeros((min(top, 1), 0), dtype=bool)
        return member, _joint_of(member, value, split, joint), True
    parts, counts = split
    rest = value - parts.sum(axis=1)
    scale = float(np.abs(value).sum()) or 1.0
    margin = SOLVER_RESOLUTION * scale
    width = n + 2 * groups  # x, then η_g, then y_g
    caps = (budget * (1 + TOLERANCE) + TOLERANCE, free_floor_m2 * (1 + TOLERANCE) + TOLERANCE)
    rows, upper = [], []
    for limit, v in zip(caps, (cost, floor), strict=True):
        k = float(np.abs(v).sum()) or 1.0
        rows.append(np.r_[v / k, np.zeros(2 * groups)])
        upper.append(limit / k)
    for g in range(groups):
        y = np.zeros(width)
        y[n + groups + g] = 1.0
        rows.append(y - np.r_[parts[:, g], np.zeros(2 * groups)])  # y_g <= Σ p x
        upper.append(0.0)
        users = counts[:, g] > 0
        per_user = parts[users, g] / counts[users, g]
        link = y - np.r_[np.where(users, 0.0, parts[:, g]), np.zeros(2 * groups)]
        link[n + g] = -float(per_user.max(initial=0.0))  # y_g <= most per user × η_g + ...
        rows.append(link)
        upper.append(0.0)
        least = float(per_user.min(initial=0.0))  # y_g <= Σ p x - least per user × users lost
        lost = y - np.r_[parts[:, g] - least * counts[:, g], np.zeros(2 * groups)]
        lost[n + g] = -least
        rows.append(lost)
        upper.append(0.0)
    goal = -np.r_[rest, np.zeros(groups), np.ones(groups)] / scale
    cut_off: list[np.ndarray] = []  # sets the master may not return again
    valued: dict[bytes, tuple[np.ndarray, float]] = {}
    taken: list[bytes] = []

    everyone = np.ones(n, dtype=bool)
    full = _checked(joint(np.vstack([everyone, ~np.eye(n, dtype=bool)])), n + 1)
    least_gain = full[0] - full[1:]  # ρ_j(N - j): the least candidate j ever adds, (n, g)

    def add_cuts(at: np.ndarray) -> None:
        found = _checked(joint(np.vstack([at, at | np.eye(n, dtype=bool)])), n + 1)
        gain = np.where(at[:, None], least_gain, found[1:] - found[0])  # (n, g)
        for g in range(groups):
            row = np.zeros(width)
            row[:n] = -gain[:, g]
            row[n + g] = 1.0
            rows.append(row)
            upper.append(float(found[0, g] - gain[at, g].sum()))

    def master() -> tuple[np.ndarray, float] | None:
        constraints = [LinearConstraint(np.vstack(rows), -np.inf, np.array(upper))]
        if cut_off:
            cut = np.array(cut_off, dtype=bool)
            constraints.append(LinearConstraint(
                np.hstack([np.where(cut, -1.0, 1.0), np.zeros((len(cut), 2 * groups))]),
                1.0 - cut.sum(axis=1), np.inf))
        with _standard_output_silenced():
            result = milp(goal, integrality=np.r_[np.ones(n), np.zeros(2 * groups)],
                          constraints=constraints,
                          bounds=Bounds(np.zeros(width), np.r_[np.ones(n),
                                                               np.full(2 * groups, np.inf)]),
                          options=dict(SOLVER_OPTIONS))
        if result.status == 2:
            return None
        if result.status != 0:
            raise RuntimeError(f"the integer program of the best set failed: {result.message}")
        return result.x[:n] > 0.5, -float(result.fun) * scale

    def first_left() -> bytes | None:
        left = [key for key in valued if key not in taken]
        if not left:
            return None
        member = np.array([valued[k][0] for k in left])
        totals = [set_totals(member, v) for v in (cost, floor)]
        order = np.lexsort((*member.T.astype(np.int8), member.sum(axis=1), totals[1],
                            totals[0], -np.array([valued[k][1] for k in left])))
        return left[order[0]]

    add_cuts(np.zeros(n, dtype=bool))
    proven = True
    while len(taken) < top:
        best = first_left()
        solved = master()
        if best is not None and (solved is None or valued[best][1] >= solved[1] - margin):
            taken.append(best)
            cut_off.append(valued[best][0])
            continue
        if solved is None:
            break
        chosen = solved[0]
        key = chosen.tobytes()
        fits = bool(fits_limits(set_totals(chosen[None], cost), set_totals(chosen[None], floor),
                                budget=budget, free_floor_m2=free_floor_m2)[0])
        if key in valued or not fits:  # valued already (it waits in the pool), or over
            cut_off.append(chosen)
            continue
        if len(valued) >= MAX_JOINT_SETS:
            proven = False
            break
        valued[key] = (chosen, float(_joint_of(chosen[None], value, split, joint)[0]))
        add_cuts(chosen)
    while not proven and len(taken) < top and (best := first_left()) is not None:
        taken.append(best)  # unproven: the best valued so far
    member = np.array([valued[k][0] for k in taken], dtype=bool).reshape(-1, n)
    jointly = np.array([valued[k][1] for k in taken], dtype=float)
    totals = [set_totals(member, v) for v in (cost, floor)]
    order = np.lexsort((*member.T.astype(np.int8), member.sum(axis=1), totals[1], totals[0],
                        -jointly))
    return member[order], jointly[order], proven


def _knapsack_solver(rows: list[np.ndarray], limits: list[float],
                     fits: Callable[[np.ndarray], bool]) -> Solve:
    """``solve(goal, cuts, pins=(), lower=None, upper=None)``: the set minimising ``goal``.

    Subject to ``rows @ x <= limits`` (cost and floor), a no-good cut for each set of
    ``cuts``, the extra ``pins`` (``LinearConstraint``) and the bounds ``lower``/``upper`` on
    each 0/1 variable; ``None`` when no set qualifies. A set the solver returns that does not
    ``fit`` (over a limit by the solver's own tolerance, beyond :data:`TOLERANCE`) is cut
    off for good and the program solved again.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    refused: list[np.ndarray] = []
    limit = LinearConstraint(np.vstack(rows), -np.inf, limits)

    def solve(goal: np.ndarray, cuts: Sequence[np.ndarray], pins: Sequence = (),
              lower: np.ndarray | None = None, upper: np.ndarray | None = None
              ) -> np.ndarray | None:
        n = len(goal)
        while True:
            constraints = [limit, *pins]
            if cuts or refused:
                cut = np.array([*cuts, *refused], dtype=bool)
                constraints.append(LinearConstraint(np.where(cut, -1.0, 1.0),
                                                    1.0 - cut.sum(axis=1), np.inf))
            with _standard_output_silenced():
                result = milp(goal, integrality=np.ones(n), constraints=constraints,
                              bounds=Bounds(np.zeros(n) if lower is None else lower,
                                            np.ones(n) if upper is None else upper),
                              options=dict(SOLVER_OPTIONS))
            if result.status == 2:  # infeasible: no such set
                return None
            if result.status != 0:
                raise RuntimeError(f"the integer program of the best set failed: "
                                   f"{result.message}")
            chosen = result.x > 0.5
            if fits(chosen):
                return chosen
            refused.append(chosen)

    return solve


@contextmanager
def _standard_output_silenced() -> Iterator[None]:
    """The process's standard output (file descriptor 1) sent to the null device meanwhile.

    HiGHS, as scipy ships it, prints a debugging line ("HighsMipSolverData::
    transformNewIntegerFeasibleSolution tmpSolver.run();") straight to file descriptor 1 when
    it repairs a solution, whatever its output options; a notebook kernel forwards that
    descriptor into the report. C's buffer is flushed before the descriptor is restored.
    """
    sys.stdout.flush()
    saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        if os.name == "posix":
            ctypes.CDLL(None).fflush(None)
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _break_tie(best: np.ndarray, rows: list[np.ndarray], found: list[np.ndarray],
               solve: Solve) -> np.ndarray:
    """Among the sets tied with ``best`` on the objective, the enumeration's first.

    The objective is pinned (at least ``best``'s, less :data:`SOLVER_RESOLUTION`); while
    another set qualifies, the next key is solved for and pinned too: lowest cost, then
    floor area, then size. Sets still tied on all four go to the lowest subset number:
    candidates are fixed out from the last one while a set still qualifies.
    """
    from scipy.optimize import LinearConstraint

    n = len(best)
    objective_row, cost_row, floor_row = rows
    pins = [LinearConstraint(objective_row, objective_row @ best - SOLVER_RESOLUTION, np.inf)]
    stages = [  # what to minimise, and the pin that keeps the sets tied with the best on it
        (cost_row, lambda s: LinearConstraint(cost_row, -np.inf,
                                              cost_row @ s + SOLVER_RESOLUTION)),
        (floor_row, lambda s: LinearConstraint(floor_row, -np.inf,
                                               floor_row @ s + SOLVER_RESOLUTION)),
        (np.ones(n), lambda s: LinearConstraint(np.ones(n), s.sum() - 0.5, s.sum() + 0.5)),
    ]
    for goal, pin in stages:
        tied = solve(goal, found, pins)
        assert tied is not None  # the last best meets every pin so far: a set qualifies
        best = tied
        pins.append(pin(best))
        if solve(np.zeros(n), [*found, best], pins) is None:
            return best
    lower, upper = np.zeros(n), np.ones(n)
    for i in reversed(range(n)):  # tied on every key: the lowest subset number
        upper[i] = 0.0
        if best[i]:
            other = solve(np.zeros(n), found, pins, lower, upper)
            if other is None:
                upper[i] = lower[i] = 1.0
            else:
                best = other
    return best
