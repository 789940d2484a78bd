"""Robustness: weight-stability intervals (closed form), rank acceptability, rank probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluate.mcda.robustness import (
    rank_acceptability,
    rank_probabilities,
    sample_weights,
    stability_core,
    stability_intervals,
)
from evaluate.mcda.scoring import weighted_sum

# Each column already spans 0..1, so min-max normalisation leaves it unchanged.
HAND = pd.DataFrame({"c1": [1.0, 0.0, 0.5], "c2": [0.0, 1.0, 0.5], "c3": [0.5, 1.0, 0.0]},
                    index=["a1", "a2", "a3"])
HAND_WEIGHTS = {"c1": 0.5, "c2": 0.3, "c3": 0.2}
MAX3 = dict.fromkeys(HAND.columns, "max")


def test_stability_intervals_on_a_hand_example():
    """Scores: a1 0.5 + 0 + 0.1 = 0.6, a2 0 + 0.3 + 0.2 = 0.5, a3 0.25 + 0.15 + 0 = 0.4.

    c1 at t (c2, c3 keep 3:2, sharing 1 - t): R = (s - 0.5 V1) / 0.5 = (0.2, 1.0, 0.3), so
    a1 = 0.2 + 0.8 t, a2 = 1 - t, a3 = 0.3 + 0.2 t. a1 >= a2 iff t >= 0.8 / 1.8 = 4/9;
    a1 >= a3 iff t >= 1/6. Interval [4/9, 1], a2 takes over below.
    c2 at t: R = (s - 0.3 V2) / 0.7 = (6/7, 2/7, 5/14): a1 = 6/7 (1 - t),
    a2 = t + 2/7 (1 - t), a3 = t/2 + 5/14 (1 - t). a1 >= a2 iff 4/7 >= 11/7 t, t <= 4/11;
    a1 >= a3 iff t <= 1/2. Interval [0, 4/11], a2 above.
    c3 at t: R = (s - 0.2 V3) / 0.8 = (0.625, 0.375, 0.5): a1 = 0.625 - 0.125 t,
    a2 = 0.375 + 0.625 t, a3 = 0.5 - 0.5 t. a1 >= a2 iff t <= 1/3; a3 never passes a1.
    Interval [0, 1/3], a2 above."""
    out = stability_intervals(HAND, HAND_WEIGHTS, MAX3).set_index("criterion")
    assert out.attrs["winner"] == "a1"
    np.testing.assert_allclose(out["lower"], [4 / 9, 0, 0], atol=1e-12)
    np.testing.assert_allclose(out["upper"], [1, 4 / 11, 1 / 3], atol=1e-12)
    assert out.loc["c1", "taker_below"] == "a2" and pd.isna(out.loc["c1", "taker_above"])
    assert pd.isna(out.loc["c2", "taker_below"]) and out.loc["c2", "taker_above"] == "a2"
    assert out.loc["c3", "taker_above"] == "a2"
    np.testing.assert_allclose(out["weight"], [0.5, 0.3, 0.2])


def test_stability_intervals_ignore_units_and_direction_coding():
    """Min-max is unit-free: rescaling c1 (× 1000 + 7) and coding c3 as a cost (1 - c3,
    direction min) leave every interval as in the hand example; so does the weight scale."""
    recoded = HAND.assign(c1=HAND["c1"] * 1000 + 7, c3=1 - HAND["c3"])
    out = stability_intervals(recoded, {k: 10 * v for k, v in HAND_WEIGHTS.items()},
                              {**MAX3, "c3": "min"})
    np.testing.assert_allclose(out["lower"], [4 / 9, 0, 0], atol=1e-12)
    np.testing.assert_allclose(out["upper"], [1, 4 / 11, 1 / 3], atol=1e-12)


def moved(weights: np.ndarray, j: int, t: float) -> np.ndarray:
    """Criterion j's weight set to t, the others rescaled proportionally (sum 1)."""
    w = weights / weights.sum()
    out = w * (1 - t) / (1 - w[j])
    out[j] = t
    return out


def winner(matrix: pd.DataFrame, w: np.ndarray, directions: dict) -> str:
    scores = weighted_sum(matrix, dict(zip(matrix.columns, w, strict=True)), directions)
    return str(scores.idxmax())


def test_just_inside_keeps_the_winner_and_just_outside_changes_it():
    out = stability_intervals(HAND, HAND_WEIGHTS, MAX3)
    w = np.array(list(HAND_WEIGHTS.values()))
    eps = 1e-6
    for j, row in out.iterrows():
        if row["lower"] > 0:
            assert winner(HAND, moved(w, j, row["lower"] + eps), MAX3) == "a1"
            assert winner(HAND, moved(w, j, row["lower"] - eps), MAX3) == row["taker_below"]
        if row["upper"] < 1:
            assert winner(HAND, moved(w, j, row["upper"] - eps), MAX3) == "a1"
            assert winner(HAND, moved(w, j, row["upper"] + eps), MAX3) == row["taker_above"]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 6), st.integers(2, 5))
def test_interval_bounds_are_where_the_winner_changes_on_random_matrices(seed, alts, crits):
    """Random normalised matrices: at 1e-7 inside each bound the winner holds; 1e-7 outside,
    the named rival scores above it. Skipped where a bound sits within 1e-5 of another root
    or of the weight itself (near-degenerate)."""
    rng = np.random.default_rng(seed)
    v = rng.uniform(0, 1, (alts, crits))
    w = rng.dirichlet(np.ones(crits))
    a, lower, upper, below, above = stability_core(v, w)
    eps = 1e-7
    for j in range(crits):
        for bound, rival, side in ((lower[j], below[j], -1), (upper[j], above[j], 1)):
            if rival < 0 or abs(bound - w[j]) < 1e-5:
                continue
            inside = v @ moved(w, j, bound - side * eps)
            outside = v @ moved(w, j, bound + side * eps)
            assert inside[a] >= inside.max() - 1e-12
            assert outside[rival] > outside[a]
        assert lower[j] <= w[j] <= upper[j]
        if below[j] < 0:
            assert lower[j] == 0
        if above[j] < 0:
            assert upper[j] == 1


def test_a_zero_weight_criterion_has_an_interval_from_zero():
    out = stability_intervals(HAND, {"c1": 0.6, "c2": 0.4, "c3": 0.0}, MAX3)
    row = out.set_index("criterion").loc["c3"]
    assert row["weight"] == 0 and row["lower"] == 0
    # a1 = 0.6 + 0.5 t - 0.6 t, a2 = 0.4 + 0.6 t: a2 passes a1 at t = 0.2 / 0.7.
    assert row["upper"] == pytest.approx(0.2 / 0.7) and row["taker_above"] == "a2"


# ---------------------------------------------------------------- rank acceptability

def random_draws(seed: int = 3, draws: int = 400) -> np.ndarray:
    rng = np.random.default_rng(seed)
    base = np.array([[10.0, 3.0, 5.0], [8.0, 2.0, 6.0], [9.0, 4.0, 4.0], [7.0, 1.0, 1.0]])
    return base * rng.uniform(0.7, 1.3, (draws, 4, 3))


@pytest.mark.parametrize("sampling", [None, "simplex", "dirichlet"])
def test_rank_acceptability_rows_and_ranks_sum_to_one(sampling):
    out = rank_acceptability(random_draws(), {"x": 0.5, "y": 0.3, "z": 0.2},
                             {"x": "max", "y": "min", "z": "max"}, ["x", "y", "z"],
                             list("abcd"), weight_sampling=sampling, seed=9)
    table = out.pivot(index="alternative", columns="rank", values="probability")
    np.testing.assert_allclose(table.sum(axis=1), 1.0)
    np.testing.assert_allclose(table.sum(axis=0), 1.0)
    assert ((table >= 0) & (table <= 1)).all().all()
    assert out.attrs["p_first"].sum() == pytest.approx(1.0)


def test_rank_acceptability_of_fixed_draws_is_the_deterministic_ranking():
    base = random_draws(draws=1)
    draws = np.repeat(base, 50, axis=0)
    weights, directions = {"x": 1.0, "y": 1.0, "z": 1.0}, dict.fromkeys("xyz", "max")
    out = rank_acceptability(draws, weights, directions, list("xyz"), list("abcd"))
    scores = weighted_sum(pd.DataFrame(base[0], columns=list("xyz"), index=list("abcd")),
                          weights, directions)
    expected = scores.rank(ascending=False).astype(int)
    got = out.loc[out["probability"] == 1.0].set_index("alternative")["rank"]
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()


def test_a_dominated_alternative_is_never_first_whatever_the_weights():
    """d is below a on every criterion in every draw, so no weight vector ranks it first."""
    draws = random_draws()
    draws[:, 3, :] = draws[:, 0, :] - 1.0
    out = rank_acceptability(draws, {"x": 1, "y": 1, "z": 1}, dict.fromkeys("xyz", "max"),
                             list("xyz"), list("abcd"), weight_sampling="simplex", spread=1.0)
    assert out.attrs["p_first"]["d"] == 0.0


@pytest.mark.parametrize("method", ["simplex", "dirichlet"])
def test_sampled_weights_stay_on_the_simplex_around_the_managers(method):
    w = np.array([0.5, 0.3, 0.2, 0.0])
    got = sample_weights(w, 20_000, seed=1, method=method, spread=0.4, concentration=60)
    np.testing.assert_allclose(got.sum(axis=1), 1.0)
    assert (got[:, 3] == 0).all()
    if method == "simplex":
        # w' = 0.6 w + 0.4 u with u ~ Dirichlet(1,1,1): each weight >= 0.6 w, mean
        # 0.6 w + 0.4 / 3.
        assert (got[:, :3] >= 0.6 * w[:3] - 1e-12).all()
        np.testing.assert_allclose(got[:, :3].mean(axis=0), 0.6 * w[:3] + 0.4 / 3, atol=3e-3)
    else:  # Dirichlet(60 w): mean w, sd sqrt(w (1 - w) / 61) <= 0.065; se of the mean < 5e-4
        np.testing.assert_allclose(got.mean(axis=0), w, atol=3e-3)
    again = sample_weights(w, 20_000, seed=1, method=method, spread=0.4, concentration=60)
    np.testing.assert_array_equal(got, again)


def test_bad_weight_sampling_is_an_error():
    with pytest.raises(ValueError, match="spread"):
        sample_weights(np.ones(3), 5, 0, spread=0.0)
    with pytest.raises(ValueError, match="method"):
        sample_weights(np.ones(3), 5, 0, method="uniform")  # type: ignore[arg-type]


def test_rank_probabilities_by_hand():
    """Draw 1: A and B tie for first (half of ranks 1 and 2 each), C third. Draw 2: C, B, A."""
    p = rank_probabilities(np.array([[5.0, 5.0, 1.0], [1.0, 2.0, 3.0]]))
    np.testing.assert_allclose(p, [[0.25, 0.25, 0.5], [0.25, 0.75, 0.0], [0.5, 0.0, 0.5]])


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 40), st.integers(1, 7), st.integers(0, 2**32 - 1))
def test_rank_probabilities_sum_to_one_even_with_ties(draws, candidates, seed):
    values = np.random.default_rng(seed).integers(0, 3, (draws, candidates)).astype(float)
    p = rank_probabilities(values)
    np.testing.assert_allclose(p.sum(axis=0), 1.0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    best = values == values.max(axis=1, keepdims=True)
    first = (best / best.sum(axis=1, keepdims=True)).mean(axis=0)
    np.testing.assert_allclose(p[:, 0], first)
