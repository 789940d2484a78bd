"""Weighted sum, TOPSIS and AHP against published worked examples.

pymcdm 1.4 is used only here, as an independent oracle on random matrices.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pymcdm import normalizations as pn
from pymcdm.methods import TOPSIS, WSM
from pymcdm.weights.subjective import AHP

from evaluate.mcda.scoring import (
    RANDOM_INDEX,
    ahp_weights,
    contributions,
    judgement_errors,
    judgements_to_revisit,
    topsis,
    topsis_core,
    weighted_sum,
    wsm_core,
)

TOL = 5e-5  # published values are rounded to 4 decimals: half a unit in the last place
TOL3 = 5e-4  # ... to 3 decimals


def frame(rows, criteria=None, alternatives=None) -> pd.DataFrame:
    rows = np.asarray(rows, dtype=float)
    criteria = criteria or [f"c{j}" for j in range(rows.shape[1])]
    alternatives = alternatives or [f"a{i}" for i in range(rows.shape[0])]
    return pd.DataFrame(rows, index=alternatives, columns=criteria)


def pairwise(names, upper: dict) -> pd.DataFrame:
    """A reciprocal matrix from the comparisons above the diagonal."""
    a = pd.DataFrame(1.0, index=names, columns=names)
    for (i, j), v in upper.items():
        a.loc[i, j], a.loc[j, i] = v, 1.0 / v
    return a


# --- golden tests: TOPSIS ---------------------------------------------------------------------

def test_topsis_tzeng_huang_2011():
    """Tzeng & Huang (2011), Multiple Attribute Decision Making, CRC (via scikit-criteria's
    test_TOPSIS_tzeng2011multiple): vector normalisation, all benefit."""
    m = frame([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]])
    c = topsis(m, dict(c0=0.3, c1=0.4, c2=0.3), dict.fromkeys(m.columns, "max"))
    np.testing.assert_allclose(c, [0.5037, 0.6581, 0.7482, 0.3340], atol=TOL)
    assert c.rank(ascending=False).astype(int).tolist() == [3, 2, 1, 4]
    assert c.attrs["normalization"] == "vector" and c.attrs["notes"] == []


@pytest.mark.parametrize("normalization, expected", [
    ("minmax", [0.500, 0.617, 0.500]),  # pymcdm's TOPSIS test
    ("vector", [0.762, 0.722, 0.238]),  # the same data, vector normalisation (computed)
])
def test_topsis_opricovic_tzeng_2004(normalization, expected):
    """Opricovic & Tzeng (2004), Eur. J. Oper. Res. 156: one cost and one benefit criterion.

    pymcdm's TOPSIS test expects the min-max figures; vector normalisation picks another winner.
    """
    m = frame([[1, 3000], [2, 3750], [5, 4500]], ["x", "y"])
    c = topsis(m, dict(x=0.5, y=0.5), dict(x="min", y="max"), normalization)
    np.testing.assert_allclose(c, expected, atol=TOL3)


def test_topsis_pymcdm_readme_example():
    """pymcdm README example (min-max), types [1, -1, 1]."""
    m = frame([[4, 4, 0.2], [1, 5, 0.5], [3, 2, 0.3], [4, 3, 0.5]])
    c = topsis(m, dict(c0=0.3, c1=0.5, c2=0.2), dict(c0=1, c1=-1, c2="+"), "minmax")
    np.testing.assert_allclose(c, [0.469, 0.255, 0.765, 0.747], atol=TOL3)


def test_weighted_sum_tzeng_matrix_by_hand():
    """Min-max WSM on the Tzeng matrix: column ranges 5-8, 4-8, 4-8, computed by hand."""
    m = frame([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]])
    s = weighted_sum(m, dict(c0=3, c1=4, c2=3), dict.fromkeys(m.columns, "max"))
    np.testing.assert_allclose(s, [0.4, 0.3 * 2 / 3 + 0.2 + 0.3, 0.3 + 0.4 + 0.15,
                                   0.2 + 0 + 0.15], atol=1e-12)


# --- golden tests: AHP ------------------------------------------------------------------------

DRINKS = ["coffee", "wine", "tea", "beer", "soda", "milk", "water"]
DRINK_COMPARISONS = {
    ("coffee", "wine"): 9, ("coffee", "tea"): 5, ("coffee", "beer"): 2, ("coffee", "soda"): 1,
    ("coffee", "milk"): 1, ("coffee", "water"): 1 / 2, ("wine", "tea"): 1 / 3,
    ("wine", "beer"): 1 / 9, ("wine", "soda"): 1 / 9, ("wine", "milk"): 1 / 9,
    ("wine", "water"): 1 / 9, ("tea", "beer"): 1 / 3, ("tea", "soda"): 1 / 4,
    ("tea", "milk"): 1 / 3, ("tea", "water"): 1 / 9, ("beer", "soda"): 1 / 2,
    ("beer", "milk"): 1, ("beer", "water"): 1 / 3, ("soda", "milk"): 2, ("soda", "water"): 1 / 2,
    ("milk", "water"): 1 / 3,
}


def test_ahp_saaty_2008_drinks():
    """Saaty (2008), 'Decision making with the analytic hierarchy process', Int. J. Services
    Sciences 1(1) 83-98: relative drink consumption in the US; eigenvector weights and
    CR = 0.022 with the Saaty 2005 RI (as reproduced by AHPy's README, random_index='saaty')."""
    r = ahp_weights(pairwise(DRINKS, DRINK_COMPARISONS), ri_table="saaty2005")
    expected = dict(coffee=0.177, wine=0.019, tea=0.042, beer=0.116, soda=0.190, milk=0.129,
                    water=0.327)
    np.testing.assert_allclose(r.weights[DRINKS], [expected[d] for d in DRINKS], atol=TOL3)
    assert r.consistency_ratio == pytest.approx(0.022, abs=TOL3)
    assert r.random_index == 1.35 and not r.inconsistent
    assert r.consistency_index == pytest.approx((r.lambda_max - 7) / 6)
    # the same judgments against Saaty's 1980 table: RI(7) = 1.32 instead of 1.35
    r80 = ahp_weights(pairwise(DRINKS, DRINK_COMPARISONS))
    assert r80.consistency_ratio == pytest.approx(r.consistency_index / 1.32)


def test_ahp_ahpy_readme_complete_example():
    """AHPy README ('complete'): weights b .3917, a .3742, d .1349, c .0991 and CR .0372 with
    the Donegan & Dodd (1991) RI(4) = 0.8286, AHPy's default table (Donegan, H. A. & Dodd,
    F. J., A note on Saaty's random indexes, Mathematical and Computer Modelling 15(10))."""
    r = ahp_weights(pairwise(list("abcd"), {("a", "b"): 1, ("a", "c"): 5, ("a", "d"): 2,
                                            ("b", "c"): 3, ("b", "d"): 4, ("c", "d"): 3 / 4}))
    np.testing.assert_allclose(r.weights[list("abcd")], [0.3742, 0.3917, 0.0991, 0.1349],
                               atol=TOL)
    assert r.consistency_index / 0.8286 == pytest.approx(0.0372, abs=TOL)


@pytest.mark.parametrize("method", ["eigenvector", "geometric"])
def test_ahp_consistent_judgments_give_exact_weights(method):
    w = np.array([0.5, 0.25, 0.15, 0.1])
    names = ["npv", "uses", "space", "evidence"]
    a = pd.DataFrame(w[:, None] / w[None, :], index=names, columns=names)
    r = ahp_weights(a, method=method)
    np.testing.assert_allclose(r.weights, w, atol=1e-12)
    assert r.lambda_max == pytest.approx(4) and r.consistency_ratio == pytest.approx(0, abs=1e-9)


@pytest.mark.parametrize("table, values", [
    ("saaty1980", [0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49]),
    ("saaty2005", [0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49]),
    ("tummala_ling1998", [0.5799, 0.8921, 1.1159, 1.2358, 1.3322]),
])
def test_random_index_tables_match_the_published_values(table, values):
    """RI for n = 3, 4, ... as published: Saaty (1980), The Analytic Hierarchy Process; Saaty
    (2005), Theory and Applications of the Analytic Network Process, p. 31; Tummala & Ling
    (1998), Theory and Decision 44(3)."""
    assert RANDOM_INDEX[table][:2] == (0.0, 0.0)
    assert list(RANDOM_INDEX[table][2:2 + len(values)]) == values


def test_ahp_flags_inconsistent_judgments_and_uses_the_chosen_table():
    a = pairwise(["x", "y", "z"], {("x", "y"): 9, ("y", "z"): 9, ("x", "z"): 1 / 9})
    r80, r05 = ahp_weights(a), ahp_weights(a, method="geometric", ri_table="saaty2005")
    assert r80.inconsistent and r05.inconsistent
    assert r80.consistency_ratio == pytest.approx(r80.consistency_index / 0.58)
    assert r05.consistency_ratio == pytest.approx(r80.consistency_index / 0.52)
    assert (r05.method, r05.ri_table) == ("geometric", "saaty2005")


def test_ahp_accepts_rounded_reciprocals_and_rejects_bad_matrices():
    a = pd.DataFrame([[1, 3, 0.5], [0.33, 1, 0.25], [2, 4, 1]], index=list("abc"),
                     columns=list("abc"))
    assert ahp_weights(a).weights.sum() == pytest.approx(1)
    assert ahp_weights(a[["c", "a", "b"]]).weights.equals(ahp_weights(a).weights)
    bad = a.copy()
    bad.loc["b", "a"] = 0.5
    with pytest.raises(ValueError, match=r"'a' vs 'b' \(3\) and the reverse \(0.5\) are not rec"):
        ahp_weights(bad)
    with pytest.raises(ValueError, match="square"):
        ahp_weights(a.iloc[:, :2])
    with pytest.raises(ValueError, match="ri_table 'saaty'.*did you mean"):
        ahp_weights(a, ri_table="saaty")
    eleven = pd.DataFrame(np.ones((11, 11)), index=range(11), columns=range(11))
    with pytest.raises(ValueError, match="covers up to 10"):
        ahp_weights(eleven)
    assert ahp_weights(eleven, ri_table="tummala_ling1998").consistency_ratio == 0


def test_ahp_two_criteria_are_always_consistent():
    r = ahp_weights(pairwise(["a", "b"], {("a", "b"): 3}))
    np.testing.assert_allclose(r.weights, [0.75, 0.25])
    assert r.consistency_ratio == 0 and not r.inconsistent


def consistent(weights, names) -> pd.DataFrame:
    w = np.asarray(weights, dtype=float)
    return pd.DataFrame(w[:, None] / w[None, :], index=names, columns=names)


def test_one_wrong_judgement_is_the_one_named_to_revisit():
    """Consistent judgements from weights .3 .25 .2 .1 .1 .05, then b vs e turned from 2.5
    to 1/5: Saaty's (2003) errors a_ij w_j / w_i put b vs e first, and revising it alone
    brings the consistency ratio to 0.10 or below, so it is the only one named."""
    a = consistent([0.3, 0.25, 0.2, 0.1, 0.1, 0.05], list("abcdef"))
    a.loc["b", "e"], a.loc["e", "b"] = 1 / 5, 5
    assert ahp_weights(a).inconsistent
    errors = judgement_errors(a)
    assert tuple(errors.iloc[0][["criterion", "other"]]) == ("b", "e")
    assert errors.iloc[0]["judgement"] == pytest.approx(0.2)
    revisit = judgements_to_revisit(a)
    assert list(zip(revisit["criterion"], revisit["other"], strict=True)) == [("b", "e")]


def test_judgement_errors_split_the_consistency_index_exactly():
    """lambda_max - n = (1/n) sum_{i<j} (e_ij + 1/e_ij - 2) (Saaty 1990): the shares add up
    to the whole inconsistency, each error is the factor between a judgement and w_i / w_j."""
    a = pairwise(list("abcd"), {("a", "b"): 5, ("a", "c"): 3, ("a", "d"): 1 / 3,
                                ("b", "c"): 5, ("b", "d"): 1 / 5, ("c", "d"): 7})
    found, errors = ahp_weights(a), judgement_errors(a)
    terms = errors["error"] + 1 / errors["error"] - 2
    assert terms.sum() / 4 == pytest.approx(found.lambda_max - 4)
    assert errors["share"].sum() == pytest.approx(1)
    assert errors["share"].is_monotonic_decreasing
    w = found.weights
    for row in errors.itertuples():
        assert row.implied == pytest.approx(w[row.criterion] / w[row.other])
        ratio = row.judgement / row.implied
        assert row.error == pytest.approx(max(ratio, 1 / ratio))


def test_with_three_criteria_in_a_cycle_every_judgement_is_named():
    """x > y > z > x, 9 times each: every judgement errs by the same factor, so any one may be
    the wrong one; revising one at a time leaves the others inconsistent, so all three."""
    a = pairwise(["x", "y", "z"], {("x", "y"): 9, ("y", "z"): 9, ("x", "z"): 1 / 9})
    assert len(judgements_to_revisit(a)) == 3
    np.testing.assert_allclose(judgement_errors(a)["share"], 1 / 3)


def test_consistent_judgements_have_nothing_to_revisit():
    a = consistent([0.5, 0.25, 0.15, 0.1], ["npv", "uses", "space", "evidence"])
    assert (judgement_errors(a)["share"] == 0).all()
    assert judgements_to_revisit(a).empty
    slightly = pairwise(["a", "b", "c"], {("a", "b"): 3, ("a", "c"): 5, ("b", "c"): 2})
    assert not ahp_weights(slightly).inconsistent and judgements_to_revisit(slightly).empty


# --- validation and reporting -----------------------------------------------------------------

M = frame([[10, 500, 2.0], [14, 800, 2.5], [8, 300, 1.5]], ["uses", "cost", "space"])
D = dict(uses="max", cost="min", space="min")
W = dict(uses=2, cost=1, space=1)


@pytest.mark.parametrize("weights, message", [
    (dict(uses=1, cost=1), "missing for criteria \\['space'\\]"),
    (dict(uses=1, cost=1, space=1, spcae=1), "'spcae'.*did you mean 'space'"),
    (dict(uses=1, cost=-1, space=1), "criterion 'cost': weight -1.0"),
    (dict(uses=1, cost=float("nan"), space=1), "criterion 'cost'"),
    (dict(uses="x", cost=1, space=1), "criterion 'uses'.*not a number"),
    (dict(uses=0, cost=0, space=0), "every weight is zero"),
])
def test_bad_weights_are_refused_by_name(weights, message):
    with pytest.raises(ValueError, match=message):
        weighted_sum(M, weights, D)
    with pytest.raises(ValueError, match=message):
        topsis(M, weights, D)


def test_bad_directions_matrix_and_options_are_refused():
    with pytest.raises(ValueError, match="criterion 'cost': direction 'lowest'"):
        weighted_sum(M, W, dict(D, cost="lowest"))
    with pytest.raises(ValueError, match="directions missing.*'space'"):
        weighted_sum(M, W, dict(uses="max", cost="min"))
    with pytest.raises(ValueError, match="'minmaxx'.*did you mean 'minmax'"):
        weighted_sum(M, W, D, "minmaxx")
    with pytest.raises(ValueError, match="criterion 'cost', alternative 'a1'.*missing"):
        weighted_sum(M.assign(cost=[500, np.nan, 300]), W, D)
    with pytest.raises(ValueError, match="ranges only apply"):
        weighted_sum(M, W, D, ranges=dict(uses=(0, 20)))
    with pytest.raises(ValueError, match="needs ranges"):
        weighted_sum(M, W, D, "fixed")
    with pytest.raises(ValueError, match="criterion 'uses'.*decreasing.*'max'"):
        weighted_sum(M, W, D, "fixed", dict(uses=(20, 0), cost=(0, 1000), space=(0, 4)))
    with pytest.raises(ValueError, match="criterion 'npv'.*needs values ≥ 0"):
        weighted_sum(frame([[-5.0], [3.0]], ["npv"]), dict(npv=1), dict(npv="max"), "max")


def test_ahp_weights_series_feed_the_scores_directly():
    a = pairwise(["uses", "cost", "space"], {("uses", "cost"): 2, ("uses", "space"): 2,
                                             ("cost", "space"): 1})
    w = ahp_weights(a).weights
    np.testing.assert_allclose(w, [0.5, 0.25, 0.25])
    pd.testing.assert_series_equal(weighted_sum(M, w, pd.Series(D)), weighted_sum(M, W, D))


def test_weights_are_normalised_and_everything_is_reported():
    s = weighted_sum(M, W, D)
    assert s.attrs["weights"] == dict(uses=0.5, cost=0.25, space=0.25)
    assert s.attrs["directions"] == D and s.attrs["method"] == "weighted_sum"
    assert s.name == "score" and s.index.equals(M.index)


def test_constant_column_and_zero_weight_are_reported_never_nan():
    m = M.assign(space=2.0)
    for normalization in ("minmax", "vector", "sum", "max"):
        for f in (weighted_sum, topsis):
            s = f(m, dict(W, cost=0), D, normalization)
            assert s.notna().all(), (f, normalization)
            notes = " ".join(s.attrs["notes"])
            assert "'space' has the same value (2)" in notes
            assert "'cost' has weight 0" in notes
            assert ("would divide by 0" in notes) == (normalization == "minmax")
    # the flat criterion contributes nothing: same order as without it
    a = weighted_sum(m, W, D).rank()
    b = weighted_sum(m.drop(columns="space"), dict(uses=2, cost=1),
                     dict(uses="max", cost="min")).rank()
    assert a.equals(b)


def test_all_flat_topsis_ties_at_one_half_with_a_note():
    m = frame([[3, 7], [3, 7], [3, 7]])
    c = topsis(m, dict(c0=1, c1=1), dict(c0="max", c1="min"))
    assert c.tolist() == [0.5, 0.5, 0.5]
    assert any("closeness 0.5" in n for n in c.attrs["notes"])


def test_fixed_values_outside_the_range_are_noted():
    s = weighted_sum(M, W, D, "fixed", dict(uses=(0, 12), cost=(1000, 0), space=(0, 4)))
    assert s.notna().all()
    assert any("'uses': ['a1'] lie outside" in n for n in s.attrs["notes"])


# --- contributions ----------------------------------------------------------------------------

@pytest.mark.parametrize("normalization", ["minmax", "vector", "sum", "max"])
def test_contributions_sum_to_the_score(normalization):
    c = contributions(M, W, D, normalization)
    assert list(c.columns) == ["alternative", "criterion", "raw", "normalised", "weight",
                               "contribution"]
    assert len(c) == 9 and c["weight"].groupby(c["alternative"]).sum().eq(1).all()
    total = c.groupby("alternative", sort=False)["contribution"].sum()
    pd.testing.assert_series_equal(total, weighted_sum(M, W, D, normalization),
                                   check_names=False, check_index_type=False)
    assert c.loc[(c.alternative == "a1") & (c.criterion == "cost"), "raw"].item() == 800


# --- cross-checks against pymcdm 1.4 ----------------------------------------------------------

PYMCDM_NORMALIZATIONS = {
    "minmax": pn.minmax_normalization,
    "vector": pn.vector_normalization,
    "sum": pn.sum_normalization,
    "max": pn.max_normalization,
}


@pytest.mark.parametrize("normalization", list(PYMCDM_NORMALIZATIONS))
def test_wsm_and_topsis_match_pymcdm_on_random_matrices(normalization):
    rng = np.random.default_rng(20261124)
    oracle_norm = PYMCDM_NORMALIZATIONS[normalization]
    for _ in range(50):
        n_alt, n_crit = rng.integers(3, 12), rng.integers(2, 8)
        x = rng.uniform(1, 100, size=(n_alt, n_crit))
        w = rng.dirichlet(np.ones(n_crit))
        types = rng.choice([-1, 1], size=n_crit)
        m = frame(x)
        dirs = {c: ("max" if t > 0 else "min") for c, t in zip(m.columns, types, strict=True)}
        ws = dict(zip(m.columns, w, strict=True))
        expected_wsm = WSM(oracle_norm)(x, w, types, validation=False)
        expected_topsis = TOPSIS(oracle_norm)(x, w, types, validation=False)
        np.testing.assert_allclose(weighted_sum(m, ws, dirs, normalization), expected_wsm,
                                   rtol=1e-10)
        np.testing.assert_allclose(topsis(m, ws, dirs, normalization), expected_topsis,
                                   rtol=1e-10)


def test_ahp_matches_pymcdm_weights_and_consistency_ratio():
    rng = np.random.default_rng(5)
    scale = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9], dtype=float)
    for _ in range(30):
        n = int(rng.integers(3, 10))
        a = np.ones((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                v = rng.choice(scale) ** rng.choice([-1, 1])
                a[i, j], a[j, i] = v, 1 / v
        oracle = AHP(matrix=np.ones((n, n)))  # pymcdm accepts only 2-decimal input ...
        oracle.matrix = a  # ... so give it the exact reciprocal matrix afterwards
        names = [f"k{i}" for i in range(n)]
        r = ahp_weights(pd.DataFrame(a, index=names, columns=names), ri_table="tummala_ling1998")
        np.testing.assert_allclose(r.weights, oracle._matrix_to_weights(), rtol=1e-9)
        assert r.consistency_ratio == pytest.approx(oracle.get_cr(), rel=1e-9, abs=1e-12)


# --- vectorised cores -------------------------------------------------------------------------

def test_cores_score_every_draw_like_the_wrappers():
    rng = np.random.default_rng(3)
    values = rng.uniform(0, 50, size=(25, 6, 4))
    signs = np.array([1.0, -1.0, 1.0, -1.0])
    weights = rng.dirichlet(np.ones(4), size=25)
    criteria = ["u", "v", "x", "y"]
    dirs = dict(zip(criteria, ["max", "min", "max", "min"], strict=True))
    pairs = [(wsm_core, weighted_sum, "minmax"), (topsis_core, topsis, "vector")]
    for core, wrapper, norm in pairs:
        got = core(values, weights, signs, norm)
        assert got.shape == (25, 6)
        for d in (0, 7, 24):
            ws = dict(zip(criteria, weights[d], strict=True))
            np.testing.assert_allclose(got[d], wrapper(frame(values[d], criteria), ws, dirs, norm),
                                       rtol=1e-12)
    shared = wsm_core(values, weights[0], signs)
    np.testing.assert_allclose(shared[4], wsm_core(values[4], weights[0], signs), rtol=1e-12)


# --- properties -------------------------------------------------------------------------------

def matrices(min_alt=2, max_alt=7, max_crit=4):
    """Random decision matrices with distinct, well-separated values (no float ties)."""
    return st.tuples(st.integers(min_alt, max_alt), st.integers(1, max_crit),
                     st.integers(0, 2**32 - 1)).map(
        lambda t: np.random.default_rng(t[2]).uniform(1, 100, size=(t[0], t[1])))


@settings(max_examples=60)
@given(matrices(), st.integers(0, 2**32 - 1), st.floats(1e-3, 1e4), st.floats(-1e4, 1e4))
def test_rescaling_a_criterion_unit_never_changes_a_minmax_result(x, seed, scale, shift):
    rng = np.random.default_rng(seed)
    m = frame(x)
    ws = dict(zip(m.columns, rng.uniform(0.1, 1, m.shape[1]), strict=True))
    dirs = dict(zip(m.columns, rng.choice(["max", "min"], m.shape[1]), strict=True))
    j = int(rng.integers(m.shape[1]))
    rescaled = m.copy()
    rescaled.iloc[:, j] = m.iloc[:, j] * scale + shift  # e.g. EUR -> kEUR, °C -> °F
    for f in (weighted_sum, topsis):
        np.testing.assert_allclose(f(rescaled, ws, dirs, "minmax"), f(m, ws, dirs, "minmax"),
                                   atol=1e-9)


@settings(max_examples=60)
@given(matrices(max_crit=1), st.sampled_from(["minmax", "vector", "max", "sum"]))
def test_reversing_a_sole_criterion_direction_reverses_the_order(x, normalization):
    m = frame(x, ["only"])
    for f in (weighted_sum, topsis):
        up = f(m, dict(only=1), dict(only="max"), normalization)
        down = f(m, dict(only=1), dict(only="min"), normalization)
        order = np.argsort(x[:, 0])
        assert (np.diff(up.to_numpy()[order]) > 0).all()
        assert (np.diff(down.to_numpy()[order]) < 0).all()


@settings(max_examples=60)
@given(matrices(), st.integers(0, 2**32 - 1), st.floats(1e-3, 1e3),
       st.sampled_from(["minmax", "vector", "max", "sum"]))
def test_weights_differing_by_a_factor_give_the_same_scores(x, seed, factor, normalization):
    rng = np.random.default_rng(seed)
    m = frame(x)
    w = rng.uniform(0, 1, m.shape[1]) + 0.01
    dirs = dict(zip(m.columns, rng.choice(["max", "min"], m.shape[1]), strict=True))
    for f in (weighted_sum, topsis):
        a = f(m, dict(zip(m.columns, w, strict=True)), dirs, normalization)
        b = f(m, dict(zip(m.columns, w * factor, strict=True)), dirs, normalization)
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


@settings(max_examples=80)
@given(matrices(min_alt=3), st.integers(0, 2**32 - 1))
def test_with_fixed_scales_removing_a_loser_never_changes_the_winner(x, seed):
    rng = np.random.default_rng(seed)
    m = frame(x)
    ws = dict(zip(m.columns, rng.uniform(0.1, 1, m.shape[1]), strict=True))
    dirs = dict(zip(m.columns, rng.choice(["max", "min"], m.shape[1]), strict=True))
    ranges = {c: (0.0, 120.0) for c in m.columns}  # set by the analyst, not by the data
    for f in (weighted_sum, topsis):
        score = f(m, ws, dirs, "fixed", ranges)
        winner = score.idxmax()
        assume(score.nlargest(2).diff().abs().iloc[-1] > 1e-9)
        for loser in m.index.drop(winner):
            assert f(m.drop(loser), ws, dirs, "fixed", ranges).idxmax() == winner


# The concrete rank reversals: dropping a candidate that does not win changes the winner.
RR = frame([[2, 9], [1, 1], [5, 9], [3, 10]], ["sessions", "members_helped"],
           ["rower", "bike", "hyper", "sled"])
RR_W, RR_D = dict(sessions=1, members_helped=1), dict(sessions="max", members_helped="max")


def test_minmax_weighted_sum_rank_reversal_when_the_worst_candidate_is_dropped():
    before = weighted_sum(RR, RR_W, RR_D, "minmax")
    assert before.idxmin() == "bike" and before.idxmax() == "hyper"
    after = weighted_sum(RR.drop("bike"), RR_W, RR_D, "minmax")
    assert after.idxmax() == "sled"  # the bike set the scale's lower ends
    np.testing.assert_allclose(after, [0.0, 0.5, 2 / 3])
    # with the analyst's fixed scales the hyper wins both times
    ranges = dict(sessions=(0, 10), members_helped=(0, 10))
    assert weighted_sum(RR, RR_W, RR_D, "fixed", ranges).idxmax() == "hyper"
    assert weighted_sum(RR.drop("bike"), RR_W, RR_D, "fixed", ranges).idxmax() == "hyper"


def test_vector_topsis_rank_reversal_when_a_loser_is_dropped():
    m = frame([[0, 9], [9, 1], [9, 2]], ["x", "y"], ["A", "B", "C"])
    w, d = dict(x=1, y=1), dict(x="max", y="max")
    before = topsis(m, w, d)
    assert before.idxmax() == "A" and before.idxmin() == "B"
    assert topsis(m.drop("B"), w, d).idxmax() == "C"
    ranges = dict(x=(0, 10), y=(0, 10))
    assert topsis(m, w, d, "fixed", ranges).idxmax() == topsis(
        m.drop("B"), w, d, "fixed", ranges).idxmax()


# --- scores stay in their ranges by construction ----------------------------------------------

CRITERIA_NAMES = ("weekly_uses", "back_pain_served", "npv", "cost_per_use", "floor_space",
                  "evidence", "supervision")


def test_a_machine_best_on_every_criterion_scores_at_most_1_for_small_integer_weights():
    """Weights 5, 2, 3, 3 normalised to sum 1 sum to 1 + 2e-16; the score used to be
    1.0000000000000002, which summary.json's schema refuses (the report failed)."""
    import itertools

    from evaluate.mcda.criteria import DecisionCriteria

    names = list(CRITERIA_NAMES[:4])
    matrix = pd.DataFrame([[10.0, 10.0, 10.0, 1.0], [5.0, 5.0, 5.0, 2.0]], index=["a", "b"],
                          columns=names)
    seen = 0
    for weights in itertools.product(range(6), repeat=4):
        if not any(weights):
            continue
        criteria = DecisionCriteria(weights=dict(zip(names, weights, strict=True)))
        resolved = criteria.resolved_weights()
        score = weighted_sum(matrix, resolved.to_dict(), criteria.directions)
        assert 0.0 <= score["b"] <= score["a"] <= 1.0, weights
        seen += resolved.sum() > 1.0  # the cases that used to fail
    assert seen > 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=2, max_size=7).filter(any),
       st.integers(2, 8), st.integers(0, 2**32 - 1),
       st.sampled_from(["minmax", "vector", "max", "sum"]), st.booleans())
def test_scores_and_shares_stay_in_their_ranges(weights, alternatives, seed, normalization,
                                                 normalised_first):
    """Any integer weights (normalised first, as a decision does, or not) on any matrix, ties
    and a machine best on everything included: weighted-sum scores, TOPSIS closeness and each
    rank's probability stay within 0-1, and contributions add up to the score."""
    from evaluate.mcda.robustness import rank_acceptability

    rng = np.random.default_rng(seed)
    names = list(CRITERIA_NAMES[:len(weights)])
    values = rng.integers(1, 6, size=(alternatives, len(names))).astype(float)  # ties, often
    values *= rng.choice([1.0, 0.1, 1e3, 1e6], size=len(names))
    directions = {n: rng.choice(["max", "min"]) for n in names}
    signs = np.array([1.0 if directions[n] == "max" else -1.0 for n in names])
    values[0] = np.where(signs > 0, values.max(axis=0), values.min(axis=0))  # best on all
    matrix = pd.DataFrame(values, index=[f"m{i}" for i in range(alternatives)], columns=names)
    w = pd.Series(weights, index=names, dtype=float)
    given_weights = (w / w.sum() if normalised_first else w).to_dict()

    score = weighted_sum(matrix, given_weights, directions, normalization=normalization)
    assert ((score >= 0.0) & (score <= 1.0)).all(), score.to_dict()
    if normalization == "minmax":
        assert score.iloc[0] == score.max()
    closeness = topsis(matrix, given_weights, directions, normalization=normalization)
    assert ((closeness >= 0.0) & (closeness <= 1.0)).all(), closeness.to_dict()
    parts = contributions(matrix, given_weights, directions, normalization=normalization)
    total = parts.groupby("alternative", sort=False)["contribution"].sum()
    np.testing.assert_allclose(total.reindex(matrix.index), score, rtol=0, atol=1e-12)

    draws = values[None] * rng.uniform(0.5, 1.5, size=(50, *values.shape)).round(1)
    ranks = rank_acceptability(draws, given_weights, directions, names, list(matrix.index),
                               normalization=normalization)
    assert ranks["probability"].between(0.0, 1.0).all()
    assert ranks.attrs["p_first"].between(0.0, 1.0).all()


@settings(max_examples=100, deadline=None)
@given(st.integers(3, 7), st.integers(0, 2**32 - 1))
def test_ahp_weights_give_scores_within_0_and_1(count, seed):
    """Weights derived from any Saaty-scale judgements score within 0-1 as well."""
    rng = np.random.default_rng(seed)
    names = list(CRITERIA_NAMES[:count])
    scale = [1 / 9, 1 / 7, 1 / 5, 1 / 3, 1.0, 3.0, 5.0, 7.0, 9.0]
    pairwise = pd.DataFrame(np.ones((count, count)), index=names, columns=names)
    for i in range(count):
        for j in range(i + 1, count):
            x = float(rng.choice(scale))
            pairwise.iloc[i, j], pairwise.iloc[j, i] = x, 1.0 / x
    weights = ahp_weights(pairwise, ri_table="tummala_ling1998").weights.to_dict()
    matrix = pd.DataFrame(rng.uniform(0, 10, size=(4, count)), columns=names)
    matrix.iloc[0] = matrix.max()
    score = weighted_sum(matrix, weights, dict.fromkeys(names, "max"))
    assert ((score >= 0.0) & (score <= 1.0)).all() and score.iloc[0] == 1.0
