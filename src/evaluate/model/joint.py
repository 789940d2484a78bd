"""A set of candidates valued jointly: the users it adds together, and each machine's money split.

Two machines that serve the same need add fewer users together than the sum of what each adds
alone: inside a set ``T`` substitution applies as it does beside the owned machines ``S``
(:mod:`evaluate.model.substitution`), with the set's coverage of need ``k``::

    C_k(S ∪ T) = (1 - ρ) [1 - (1 - C_k(S)) Π_{c in T} (1 - r_ck)] + ρ max(C_k(S), max_T r_ck)

and the users it adds ``ΔU_T = Σ_s n_s [U_s(S ∪ T) - U_s(S)]`` (the same for the users with
back pain). ``C_k`` and ``U_s`` are monotone and submodular in ``T`` (a product of ``1 - r``
and a maximum are, and ``U_s = 1 - Π_k (1 - need_sk C_k)`` is increasing with non-positive
second derivatives), so ``ΔU_T`` never exceeds the sum of its members' ``ΔU_c``. A second unit
of an owned machine covers no need the first does not: it adds only the members the owned
units cannot serve at the busiest hour (:func:`evaluate.model.demand.forecast_core`), and in a
set those add to the rest (a club compares at most one second unit of each machine).

:func:`joint_added_users` computes ``ΔU_T`` at the most-likely values for many sets at once:
every subset of up to 20 candidates (about a million) by doubling, as
:func:`evaluate.mcda.portfolio.subset_sums` builds sums (:func:`every_subset`), or the sets
given as membership rows. :func:`npv_split` splits each candidate's NPV into the parts that
scale with its added users, with its added back-pain users, its costs and the rest, so a set's
money can count the users it adds jointly (:func:`evaluate.mcda.portfolio.best_portfolios`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from evaluate.data.equipment import ID
from evaluate.model.demand import NEEDS, expected_total, forecast_core, relevance_rates
from evaluate.model.exposure import back_pain_core
from evaluate.model.finance import BENEFIT_ITEMS
from evaluate.model.prepared import ModelInputs, demand_params
from evaluate.model.substitution import NEW, coverage

JOINT_COUNTS = ("added_users", "added_back_pain_users")  # what a set adds jointly, in order
# Each benefit item of the money model scales with one of JOINT_COUNTS at given assumptions:
# retention with the users a machine adds, trainer sessions with its added back-pain users.
# Costs (COST_ITEMS) and every other item (new joins) are the part "costs" or "rest".
SCALES_WITH = {"retention": "added_users", "trainer_sessions": "added_back_pain_users"}
SPLIT = ("costs", *JOINT_COUNTS, "rest")  # the columns of npv_split
JointUsers = Callable[[np.ndarray | None], np.ndarray]


def every_subset(rows: np.ndarray, start: float,
                 combine: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """``rows`` ``(n, k)`` combined over every subset, ``(2**n, k)``: row ``m`` is subset ``m``.

    Built by doubling from ``start`` (the empty set's value): after row ``i`` the first
    ``2**i`` results are the subsets without it and the next ``2**i`` the same subsets combined
    with it (``combine(previous, row)``), so bit ``i`` of ``m`` says whether row ``i`` is in.
    E.g. ``np.multiply`` with ``start=1`` gives products, ``np.maximum`` with 0 maxima.
    """
    rows = np.asarray(rows, dtype=float)
    out = np.full((1, rows.shape[1]), start)
    for row in rows:
        out = np.concatenate([out, combine(out, row)])
    return out


def member_subsets(member: np.ndarray, rows: np.ndarray, start: float,
                   combine: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> np.ndarray:
    """:func:`every_subset` for the sets of ``member`` ``(sets, n)`` booleans: ``(sets, k)``."""
    member = np.asarray(member, dtype=bool)
    rows = np.asarray(rows, dtype=float)
    out = np.full((len(member), rows.shape[1]), start)
    for i, row in enumerate(rows):
        out = np.where(member[:, i, None], combine(out, row), out)
    return out


def joint_added_users(inputs: ModelInputs) -> JointUsers:
    """The users and back-pain users sets of candidates add jointly, at the most-likely values.

    Returns a function of ``member``: a ``(sets, candidates)`` boolean array (candidates in
    ``inputs.equipment_ids``' order), or ``None`` for every subset in subset order (position
    ``m`` holds the set of the candidates whose bit is set in ``m``; up to about 20
    candidates: ``2**n`` rows). It returns ``(sets, 2)``: the members each set adds to the
    club as it is, then those with back pain (:data:`JOINT_COUNTS`; see the module
    docstring). A set of one gives the candidate's ``added_users`` and
    ``added_back_pain_users`` of :func:`evaluate.model.demand.forecast_core` at the
    most-likely values (to rounding). Every subset of 20 candidates takes 0.08-0.2 s and
    112 MiB at peak (``bench/portfolio_speed.py``).
    """
    params = demand_params(inputs, inputs.scenario("most_likely"))
    segments, owned = inputs.segments, inputs.owned
    base = segments.base[1]
    single = forecast_core(segments, inputs.levels, inputs.session_minutes, inputs.servers,
                           params, base, owned=owned, same_as=inputs.same_as)
    n = len(inputs.equipment_ids)
    same = np.full(n, NEW) if inputs.same_as is None else np.asarray(inputs.same_as)
    second = same != NEW
    # A second unit covers nothing new (rate 0 here); its capacity gain adds to the set's.
    rates = np.where(second[:, None], 0.0, relevance_rates(inputs.levels, params)[0])
    extra = np.where(second[:, None], np.column_stack([single[k][0] for k in JOINT_COUNTS]),
                     0.0)
    mine = relevance_rates(owned.levels, {**params, "uptake_factor": owned.factor[None, :]})
    covered = coverage(mine)[0]  # (needs,)
    rho = float(np.asarray(params.get("substitution", 0.0), dtype=float).ravel()[0])
    odds = np.asarray(params["odds_ratio"], dtype=float)[:, None]
    share = np.asarray(params["desk_share"], dtype=float)[:, None]
    back_pain = back_pain_core(base, segments.activity, odds, share)[0]  # (segments,)
    weights = (segments.members, segments.members * back_pain)
    pains = (back_pain, np.ones_like(back_pain))

    def users_of(cover: np.ndarray) -> np.ndarray:  # (sets, needs) -> (sets, 2)
        rate = [cover[None, :, k] for k in range(len(NEEDS))]
        return np.column_stack([expected_total(w, p, segments.posterior_need, *rate)[0]
                                for w, p in zip(weights, pains, strict=True)])

    before = users_of(covered[None, :])

    def added(member: np.ndarray | None = None) -> np.ndarray:
        if member is None:
            product = every_subset(1.0 - rates, 1.0, np.multiply)
            best = every_subset(rates, 0.0, np.maximum)
            gain = every_subset(extra, 0.0, np.add)
        else:
            product = member_subsets(member, 1.0 - rates, 1.0, np.multiply)
            best = member_subsets(member, rates, 0.0, np.maximum)
            gain = member_subsets(member, extra, 0.0, np.add)
        cover = (1.0 - rho) * (1.0 - (1.0 - covered) * product)
        cover += rho * np.maximum(covered, best)
        del product, best
        return np.maximum(users_of(cover) - before, 0.0) + gain

    return added


def npv_split(finance: pd.DataFrame) -> pd.DataFrame:
    """Each candidate's most-likely NPV split by what each part scales with.

    ``finance`` is :func:`evaluate.model.finance.finance_summary` (``pv_costs`` and each
    benefit item's ``pv_<item>``: the benefits count the users a machine adds). One row per
    candidate, indexed by ``equipment_id``, columns :data:`SPLIT` (currency, present values):
    ``costs`` (the cost items net of salvage, negative), ``added_users`` (the benefit items
    that scale with the users it adds: :data:`SCALES_WITH`), ``added_back_pain_users`` (those
    that scale with its added back-pain users) and ``rest`` (new joins and any other item).
    They sum to the candidate's NPV. A set of machines is worth its members' costs and rest
    plus each benefit part scaled by the users the set adds jointly over the sum of what its
    members add alone (:func:`evaluate.mcda.portfolio.best_portfolios`): per added user, the
    set's benefit is its members' average weighted by their added users. This is the one
    place that says which money item scales with which users.
    """
    money = finance.set_index(finance[ID].astype(str))
    split = pd.DataFrame({part: 0.0 for part in SPLIT}, index=money.index.rename(ID))
    split["costs"] = -money["pv_costs"]
    for item in BENEFIT_ITEMS:
        part = SCALES_WITH.get(item, "rest")
        split[part] = split[part] + money[f"pv_{item}"]
    return split
