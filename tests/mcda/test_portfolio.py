"""Value for money (Pareto frontier) and the exact best sets under budget and floor space."""

from __future__ import annotations

import ctypes
import itertools
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluate.mcda import portfolio
from evaluate.mcda.portfolio import (
    JOINT_COUNTS,
    MAX_EXACT,
    SOLVER_RESOLUTION,
    _standard_output_silenced,
    all_subset_totals,
    best_portfolios,
    fits_limits,
    joint_set_values,
    pareto_frontier,
    set_totals,
    subset_members,
    subset_sums,
    value_for_money,
)


def test_pareto_frontier_on_a_hand_example():
    """a (0.9, 5000) and b (0.6, 1000) and d (0.3, 400) trade score for cost: on the frontier.
    c (0.5, 2000) is beaten by b (higher score, lower cost); e (0.6, 1500) has b's score at a
    higher cost (dominated, one strict); f equals b exactly (neither strictly better): on it."""
    scores = pd.Series([0.9, 0.6, 0.5, 0.3, 0.6, 0.6], index=list("abcdef"))
    costs = pd.Series([5000, 1000, 2000, 400, 1500, 1000], index=list("abcdef"), dtype=float)
    frame = value_for_money(scores, costs).set_index("alternative")
    assert frame["on_frontier"].to_dict() == {"a": True, "b": True, "c": False, "d": True,
                                              "e": False, "f": True}
    assert frame.loc["b", "score_per_1000"] == pytest.approx(0.6)
    assert list(frame["cost"]) == sorted(costs)


def test_value_for_money_needs_a_cost_for_every_alternative():
    with pytest.raises(ValueError, match="no cost"):
        value_for_money(pd.Series([1.0, 2.0], index=["a", "b"]), pd.Series([1.0], index=["a"]))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=10))
def test_subset_totals_follow_the_bits(values):
    v = np.array(values)
    totals = all_subset_totals(v)
    assert totals.shape == (2 ** len(v),)
    member = subset_members(np.arange(2 ** len(v)), len(v))
    np.testing.assert_allclose(totals, member @ v, atol=1e-9)
    np.testing.assert_allclose(subset_sums(v), member @ v, atol=1e-9)


def brute_force(frame: pd.DataFrame, budget: float, floor: float, column: str) -> list[float]:
    """Objective of every feasible set, best first, by itertools (the oracle)."""
    found = []
    for size in range(len(frame) + 1):
        for rows in itertools.combinations(range(len(frame)), size):
            chosen = frame.iloc[list(rows)]
            if chosen["cost"].sum() <= budget and chosen["floor_m2"].sum() <= floor:
                found.append(float(chosen[column].sum()))
    return sorted(found, reverse=True)


CASE = st.integers(1, 9).flatmap(lambda n: st.tuples(
    st.lists(st.floats(0, 1), min_size=n, max_size=n),
    st.lists(st.floats(-5e3, 5e3), min_size=n, max_size=n),
    st.lists(st.integers(100, 5000), min_size=n, max_size=n),
    st.lists(st.integers(1, 12), min_size=n, max_size=n),
    st.integers(0, 20_000), st.integers(0, 40), st.sampled_from(["score", "npv"]),
    st.integers(1, 6)))


@settings(max_examples=120, deadline=None)
@given(CASE)
def test_best_portfolios_match_brute_force(case):
    scores, npvs, costs, floors, budget, floor, objective, top = case
    frame = pd.DataFrame({"score": scores, "npv": npvs, "cost": np.array(costs, float),
                          "floor_m2": np.array(floors, float)},
                         index=[f"m{i}" for i in range(len(scores))])
    out = best_portfolios(frame, budget=budget, free_floor_m2=floor, objective=objective,
                          top=top)
    expected = brute_force(frame, budget, floor, objective)
    assert len(out) == min(top, len(expected))
    np.testing.assert_allclose(out["objective"], expected[:len(out)], atol=1e-6)
    assert (out["cost"] <= budget).all() and (out["floor_m2"] <= floor).all()
    assert (np.diff(out["objective"]) <= 1e-9).all()  # next-best sets in order
    assert list(out["rank"]) == list(range(1, len(out) + 1))
    for row in out.itertuples():  # totals are those of the listed members
        members = frame.loc[list(row.members)]
        assert row.cost == pytest.approx(members["cost"].sum())
        assert row.floor_m2 == pytest.approx(members["floor_m2"].sum())
        assert row.objective == pytest.approx(members[objective].sum(), abs=1e-6)
        assert row.size == len(row.members)
    assert len(set(out["members"])) == len(out)  # no set twice


def test_a_hand_portfolio_and_its_next_best_sets():
    """Budget 3000, floor 10 m². Sets that fit, by score: {a, c} 1.3 (2500, 8 m²), {b, c}
    1.2 (3000, 9 m²), {a} 0.8, {b} 0.7; {a, b} costs 3500 and {a, b, c} does not fit."""
    frame = pd.DataFrame({"score": [0.8, 0.7, 0.5], "npv": [100.0, -50.0, 20.0],
                          "cost": [1500.0, 2000.0, 1000.0], "floor_m2": [4.0, 5.0, 4.0]},
                         index=["a", "b", "c"])
    out = best_portfolios(frame, budget=3000, free_floor_m2=10, top=4)
    assert list(out["members"]) == [("a", "c"), ("b", "c"), ("a",), ("b",)]
    assert out["objective"].tolist() == pytest.approx([1.3, 1.2, 0.8, 0.7])
    by_npv = best_portfolios(frame, budget=3000, free_floor_m2=10, objective="npv", top=2)
    assert list(by_npv["members"]) == [("a", "c"), ("a",)]


def test_a_machine_fits_alone_exactly_when_its_set_of_one_fits():
    """One test of "fits" for a machine and for the best sets: a machine at the limit fits,
    a cent or a hundredth of a m² over does not, and budget 0 fits only a free machine."""
    frame = pd.DataFrame({"score": [0.9, 0.5, 0.4, 0.1], "cost": [814.0, 814.01, 2310.0, 0.0],
                          "floor_m2": [4.25, 4.0, 4.26, 1.0]}, index=list("abcd"))
    for budget, floor in ((814.0, 4.25), (0.0, 12.0), (5000.0, 4.25), (0.0, 0.0)):
        fits = fits_limits(frame["cost"], frame["floor_m2"], budget=budget,
                           free_floor_m2=floor)
        sets = best_portfolios(frame, budget=budget, free_floor_m2=floor, top=16)
        alone = {m[0] for m in sets["members"] if len(m) == 1}
        assert alone == set(frame.index[fits])
    assert list(fits_limits(frame["cost"], frame["floor_m2"], budget=814, free_floor_m2=4.25)
                ) == [True, False, False, True]


def test_ties_go_to_the_cheaper_set_and_buying_nothing_can_win():
    """Four sets score 0.5: {y} 800, {x} 900 (1 m²), {y, zero} 900 (2 m²), {x, zero} 1000."""
    frame = pd.DataFrame({"score": [0.5, 0.5, 0.0], "npv": [-10.0, -20.0, -1.0],
                          "cost": [900.0, 800.0, 100.0], "floor_m2": [1.0, 1.0, 1.0]},
                         index=["x", "y", "zero"])
    out = best_portfolios(frame, budget=1000, free_floor_m2=5, top=3)
    assert list(out["members"]) == [("y",), ("x",), ("y", "zero")]
    nothing = best_portfolios(frame, budget=1000, free_floor_m2=5, objective="npv", top=1)
    assert nothing["members"].iloc[0] == () and nothing["objective"].iloc[0] == 0


def test_only_the_enumeration_stops_at_twenty_candidates():
    frame = pd.DataFrame({"score": np.ones(21), "cost": np.ones(21), "floor_m2": np.ones(21)})
    with pytest.raises(ValueError, match="at most 20 candidates; got 21"):
        best_portfolios(frame, budget=10, free_floor_m2=10, method="enumerate")
    out = best_portfolios(frame, budget=10, free_floor_m2=10)
    assert out.attrs["method"] == "milp" and out.attrs["feasible_sets"] is None
    assert list(out["size"]) == [10] * 5  # every set of ten ties: ordered by subset number
    assert out["members"].iloc[0] == tuple(map(str, range(10)))
    assert out["members"].iloc[1] == tuple(map(str, (*range(9), 10)))


@pytest.mark.parametrize(("change", "message"), [
    ({"objective": "irr"}, "objective must be"),
    ({"budget": -1.0}, "budget and free_floor_m2"),
])
def test_bad_arguments_are_errors(change, message):
    frame = pd.DataFrame({"score": [1.0], "cost": [1.0], "floor_m2": [1.0]})
    kwargs = {"budget": 10.0, "free_floor_m2": 10.0, **change}
    with pytest.raises(ValueError, match=message):
        best_portfolios(frame, **kwargs)


def test_twenty_candidates_run_exactly():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"score": rng.uniform(0, 1, 20), "cost": rng.uniform(300, 3000, 20),
                          "floor_m2": rng.uniform(1, 8, 20)})
    out = best_portfolios(frame, budget=8000, free_floor_m2=30, top=3)
    assert len(out) == 3 and out.attrs["feasible_sets"] > 1000
    assert out.attrs["method"] == "enumerate" and out.attrs["candidates"] == MAX_EXACT
    assert (out["cost"] <= 8000).all() and (out["floor_m2"] <= 30).all()


def test_pareto_frontier_is_the_set_nothing_dominates():
    rng = np.random.default_rng(1)
    s, c = rng.integers(0, 5, 40).astype(float), rng.integers(0, 5, 40).astype(float)
    on = pareto_frontier(s, c)
    for i in range(40):
        dominated = any((s[k] >= s[i]) and (c[k] <= c[i]) and ((s[k] > s[i]) or (c[k] < c[i]))
                        for k in range(40))
        assert on[i] == (not dominated)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=12))
def test_set_totals_are_the_enumerated_totals_to_the_bit(values):
    """The integer program reports and fits a set by the very float the enumeration has."""
    v = np.array(values)
    masks = np.arange(2 ** len(v))
    np.testing.assert_array_equal(set_totals(subset_members(masks, len(v)), v),
                                  all_subset_totals(v))


def portfolio_case(values: st.SearchStrategy) -> st.SearchStrategy:
    """Up to 12 candidates: scores and NPVs from ``values``, costs, areas, limits, top."""
    return st.integers(1, 12).flatmap(lambda n: st.tuples(
        st.lists(values, min_size=n, max_size=n),
        st.lists(values.map(lambda x: 1000 * x - 500), min_size=n, max_size=n),
        st.lists(st.integers(1, 8).map(lambda c: 250.0 * c), min_size=n, max_size=n),
        st.lists(st.integers(0, 6).map(float), min_size=n, max_size=n),
        st.integers(0, 8000), st.integers(0, 20), st.sampled_from(["score", "npv"]),
        st.integers(1, 6)))


def both_methods(case) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    scores, npvs, costs, floors, budget, floor, objective, top = case
    frame = pd.DataFrame({"score": scores, "npv": npvs, "cost": costs, "floor_m2": floors},
                         index=[f"m{i}" for i in range(len(scores))])
    kwargs = {"budget": budget, "free_floor_m2": floor, "objective": objective, "top": top}
    return (frame, best_portfolios(frame, method="enumerate", **kwargs),
            best_portfolios(frame, method="milp", **kwargs))


@settings(max_examples=60, deadline=None)
@given(portfolio_case(st.integers(0, 8).map(lambda k: k / 8)))
def test_the_integer_program_gives_the_enumerations_sets_with_its_ties(case):
    """Values in eighths, costs in 250s, whole m²: sums are exact, so ties are real ties
    (equal scores, the same machine twice, a machine worth 0, sets of equal cost) and the
    integer program must order them exactly as the enumeration does."""
    _, enumerated, solved = both_methods(case)
    columns = ["rank", "members", "size", "objective", "cost", "floor_m2"]
    pd.testing.assert_frame_equal(solved[columns], enumerated[columns], check_dtype=False)
    assert solved.attrs["method"] == "milp" and enumerated.attrs["method"] == "enumerate"


@settings(max_examples=40, deadline=None)
@given(portfolio_case(st.floats(0, 1)))
def test_the_integer_program_finds_sets_as_good_as_the_enumerations(case):
    """Any values: the same number of sets, each fitting, with the enumeration's objectives
    to within the solver's resolution, and totals that are their members' own."""
    frame, enumerated, solved = both_methods(case)
    column, budget, floor = case[6], case[4], case[5]
    slack = SOLVER_RESOLUTION * np.abs(frame[column]).sum() + 1e-12
    assert len(solved) == len(enumerated)
    np.testing.assert_allclose(solved["objective"], enumerated["objective"], rtol=0, atol=slack)
    assert (solved["cost"] <= budget).all() and (solved["floor_m2"] <= floor).all()
    assert len(set(solved["members"])) == len(solved)
    for row in solved.itertuples():
        assert row.objective == pytest.approx(frame.loc[list(row.members), column].sum())


def test_thirty_candidates_give_the_best_sets_of_those_that_fit():
    """Of 30 candidates, 18 cannot fit alone (over the budget or the floor), so the best sets
    are those of the other 12, which the enumeration finds: the integer program, on all 30,
    must give the same, ties included (two machines repeat one, one is worth nothing)."""
    rng = np.random.default_rng(30)
    small = pd.DataFrame({"score": rng.integers(1, 40, 12) / 40,
                          "cost": rng.integers(2, 12, 12) * 250.0,
                          "floor_m2": rng.integers(1, 6, 12).astype(float)})
    small.iloc[10] = small.iloc[9]
    small.iloc[11] = small.iloc[3]
    small.loc[4, "score"] = 0.0
    big = pd.DataFrame({"score": rng.uniform(0.5, 1.0, 18),
                        "cost": np.where(np.arange(18) % 2 == 0, 9000.0, 500.0),
                        "floor_m2": np.where(np.arange(18) % 2 == 0, 2.0, 40.0)})
    frame = pd.concat([small, big], ignore_index=True).iloc[rng.permutation(30)]
    frame.index = [f"m{i:02d}" for i in range(30)]
    kwargs = {"budget": 8000.0, "free_floor_m2": 15.0, "top": 6}
    out = best_portfolios(frame, **kwargs)
    assert out.attrs == {"objective": "score", "budget": 8000.0, "free_floor_m2": 15.0,
                         "candidates": 30, "joint": False, "proven": True, "method": "milp",
                         "feasible_sets": None}
    fitting = frame.loc[(frame["cost"] <= 8000) & (frame["floor_m2"] <= 15)]
    assert len(fitting) == 12
    expected = best_portfolios(fitting, **kwargs, method="enumerate")
    assert list(out["members"]) == list(expected["members"])
    np.testing.assert_allclose(out["objective"], expected["objective"], atol=1e-12)
    np.testing.assert_allclose(out["cost"], expected["cost"], atol=1e-9)


def test_what_the_solver_prints_stays_out_of_the_report(capfd):
    """HiGHS prints a debugging line to file descriptor 1 (which a notebook kernel puts in
    the report) now and then: C's printf and raw writes there are silenced, Python's own
    output after is not."""
    libc = ctypes.CDLL(None)
    with _standard_output_silenced():
        libc.printf(b"HighsMipSolverData::transformNewIntegerFeasibleSolution\n")
        os.write(1, b"raw\n")
    print("after")
    assert capfd.readouterr().out == "after\n"


# --- sets valued jointly: machines that serve the same members share them ------------------

USERS = 100.0  # members of each group a machine with rate 1 reaches


def coverage_joint(rates: np.ndarray):
    """Joint counts of a toy model: each group's members reached, ``100 (1 - Π_T (1 - r))``.

    Like the model's, it is submodular: a machine adds fewer members beside others."""
    rates = np.asarray(rates, dtype=float)

    def joint(member: np.ndarray | None) -> np.ndarray:
        if member is None:
            member = subset_members(np.arange(2 ** len(rates)), len(rates))
        left = np.where(member[:, :, None], 1.0 - rates[None], 1.0).prod(axis=1)
        return USERS * (1.0 - left)

    return joint


def joint_frame(rest, parts, rates, costs, floors, objective: str) -> pd.DataFrame:
    """Candidates whose value is ``rest`` plus two parts that scale with their members."""
    parts, rates = np.asarray(parts, dtype=float), np.asarray(rates, dtype=float)
    frame = pd.DataFrame({objective: np.asarray(rest, dtype=float) + parts.sum(axis=1),
                          "cost": np.asarray(costs, dtype=float),
                          "floor_m2": np.asarray(floors, dtype=float)},
                         index=[f"m{i}" for i in range(len(rest))])
    for g, count in enumerate(JOINT_COUNTS):
        frame[count] = USERS * rates[:, g]
        frame[f"{objective}_from_{count}"] = parts[:, g]
    return frame


def joint_case(most: int):
    """Up to ``most`` candidates: rests, parts, rates, costs, areas, limits, objective, top."""
    unit = st.integers(0, 16).map(lambda k: k / 16)
    return st.integers(1, most).flatmap(lambda n: st.tuples(
        st.lists(st.integers(-8, 8).map(lambda k: k / 8), min_size=n, max_size=n),
        st.lists(st.tuples(unit, unit), min_size=n, max_size=n),
        st.lists(st.tuples(unit, unit), min_size=n, max_size=n),
        st.lists(st.integers(1, 8).map(lambda c: 250.0 * c), min_size=n, max_size=n),
        st.lists(st.integers(0, 6).map(float), min_size=n, max_size=n),
        st.integers(0, 8000), st.integers(0, 20), st.sampled_from(["score", "npv"]),
        st.integers(1, 6)))


def joint_brute_force(frame: pd.DataFrame, joint, budget: float, floor: float,
                      objective: str) -> list[tuple[float, tuple[str, ...]]]:
    """Every feasible set's joint value by itertools, best first, ties as the enumeration."""
    found = []
    n = len(frame)
    for size in range(n + 1):
        for rows in itertools.combinations(range(n), size):
            chosen = frame.iloc[list(rows)]
            if chosen["cost"].sum() > budget or chosen["floor_m2"].sum() > floor:
                continue
            member = np.zeros((1, n), dtype=bool)
            member[0, list(rows)] = True
            together = joint(member)[0]
            value = chosen[objective].sum()
            for g, count in enumerate(JOINT_COUNTS):
                alone = chosen[count].sum()
                share = min(1.0, together[g] / alone) if alone > 0 else 1.0
                value -= (1.0 - share) * chosen[f"{objective}_from_{count}"].sum()
            number = sum(2**i for i in rows)
            found.append((-value, chosen["cost"].sum(), chosen["floor_m2"].sum(), size, number,
                          tuple(frame.index[list(rows)])))
    return [(-key[0], key[-1]) for key in sorted(found)]


@settings(max_examples=100, deadline=None)
@given(joint_case(8))
def test_a_sets_value_never_exceeds_the_sum_of_its_members(case):
    """Valued jointly, every set listed is worth at most the sum of its members' values, and
    a set of one exactly its member's."""
    rest, parts, rates, costs, floors, budget, floor, objective, top = case
    frame = joint_frame(rest, parts, rates, costs, floors, objective)
    out = best_portfolios(frame, budget=budget, free_floor_m2=floor, objective=objective,
                          top=top, joint=coverage_joint(rates))
    assert out.attrs["joint"] and out.attrs["proven"]
    for row in out.itertuples():
        alone = frame.loc[list(row.members), objective].sum()
        assert row.objective <= alone + 1e-9
        if row.size == 1:
            assert row.objective == pytest.approx(alone, abs=1e-12)


@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=20),
       st.lists(st.tuples(st.floats(0, 1e3), st.floats(0, 1e3)), min_size=20, max_size=20),
       st.lists(st.tuples(st.floats(0, 1e3), st.floats(0, 1e3)), min_size=20, max_size=20),
       st.lists(st.tuples(st.floats(0, 2e3), st.floats(0, 2e3)), min_size=20, max_size=20))
def test_joint_set_values_never_exceed_the_additive_ones(additive, parts, counts, joint):
    """Whatever the joint counts (even above the members' sum), the parts only shrink."""
    n = len(additive)
    found = joint_set_values(np.array(additive), np.array(parts[:n]), np.array(counts[:n]),
                             np.array(joint[:n]))
    assert (found <= np.array(additive)).all()
    assert (found >= np.array(additive) - np.array(parts[:n]).sum(axis=1) - 1e-9).all()


def test_two_copies_of_one_machine_are_worth_less_than_twice_one():
    """Two identical machines serving the same members: together they reach 1 - 0.6² = 64%
    of them, not 80%, so the set's value is 2 × 0.2 + 2 × 0.5 × 64 / 80 = 1.2, not 1.4."""
    frame = joint_frame([0.2, 0.2], [[0.5, 0.0], [0.5, 0.0]], [[0.4, 0.0], [0.4, 0.0]],
                        [100, 100], [1, 1], "score")
    out = best_portfolios(frame, budget=1000, free_floor_m2=10, top=1,
                          joint=coverage_joint([[0.4, 0.0], [0.4, 0.0]]))
    assert out.iloc[0]["members"] == ("m0", "m1")
    assert out.iloc[0]["objective"] == pytest.approx(1.2)
    assert out.iloc[0]["objective"] < 2 * frame.loc["m0", "score"]
    summed = best_portfolios(frame, budget=1000, free_floor_m2=10, top=1)
    assert summed.iloc[0]["objective"] == pytest.approx(1.4)
    assert not summed.attrs["joint"]


@settings(max_examples=100, deadline=None)
@given(joint_case(8))
def test_the_joint_enumeration_equals_a_brute_force_loop(case):
    rest, parts, rates, costs, floors, budget, floor, objective, top = case
    frame = joint_frame(rest, parts, rates, costs, floors, objective)
    joint = coverage_joint(rates)
    out = best_portfolios(frame, budget=budget, free_floor_m2=floor, objective=objective,
                          top=top, joint=joint, method="enumerate")
    expected = joint_brute_force(frame, joint, budget, floor, objective)[:top]
    np.testing.assert_allclose(out["objective"], [v for v, _ in expected], atol=1e-9)
    values = np.array([v for v, _ in expected])
    if len(values) < 2 or np.min(np.abs(np.diff(values))) > 1e-9:  # no near-tie to round
        assert list(out["members"]) == [m for _, m in expected]


@settings(max_examples=15, deadline=None)
@given(joint_case(12))
def test_the_integer_program_and_the_enumeration_agree_on_joint_values(case):
    """The integer program bounds the joint values by cuts and values sets until no set left
    can beat the best found: the same values as listing every set, and the same sets where
    no two tie within the solver's resolution. (Without its cap on the sets it values, so
    every case is proven.)"""
    rest, parts, rates, costs, floors, budget, floor, objective, top = case
    frame = joint_frame(rest, parts, rates, costs, floors, objective)
    kwargs = {"budget": budget, "free_floor_m2": floor, "objective": objective,
              "joint": coverage_joint(rates)}
    every = best_portfolios(frame, method="enumerate", top=2**12, **kwargs)
    listed = every.iloc[:top]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(portfolio, "MAX_JOINT_SETS", 2**12)
        solved = best_portfolios(frame, method="milp", top=top, **kwargs)
    assert solved.attrs["method"] == "milp" and solved.attrs["proven"]
    margin = SOLVER_RESOLUTION * frame[objective].abs().sum()
    assert len(solved) == len(listed)
    np.testing.assert_allclose(solved["objective"], listed["objective"], atol=margin)
    gaps = np.abs(np.diff(every["objective"].to_numpy()[:top + 1]))
    if len(gaps) == 0 or gaps.min() > margin:
        assert list(solved["members"]) == list(listed["members"])


def test_joint_values_need_their_columns_and_parts_of_at_least_zero():
    frame = joint_frame([0.1], [[0.2, 0.1]], [[0.5, 0.5]], [100], [1], "score")
    joint = coverage_joint([[0.5, 0.5]])
    with pytest.raises(ValueError, match="needs columns"):
        best_portfolios(frame.drop(columns="added_users"), budget=500, free_floor_m2=5,
                        joint=joint)
    frame.loc["m0", "score_from_added_users"] = -0.1
    with pytest.raises(ValueError, match=">= 0"):
        best_portfolios(frame, budget=500, free_floor_m2=5, joint=joint)
    frame.loc["m0", "score_from_added_users"] = 0.2
    with pytest.raises(ValueError, match="shape"):
        best_portfolios(frame, budget=500, free_floor_m2=5, joint=lambda member: np.zeros(3))
