"""How correlated the criteria are across the draws: Spearman's rank correlation, the pairs
named above the threshold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from evaluate.mcda.correlation import (
    CORRELATION_DRAWS,
    REDUNDANT_RHO,
    correlated_pairs,
    criteria_correlation,
)

NAMES = ["uses", "cost", "noise", "floor"]


def forecast_draws(draws: int = 800, seed: int = 3) -> np.ndarray:
    """(draws, 4 candidates, 4 criteria): uses from one forecast, cost per use falling with
    it (a monotone, non-linear relation), an independent criterion, and a fixed floor area."""
    rng = np.random.default_rng(seed)
    uses = rng.lognormal(np.log([90.0, 80.0, 60.0, 20.0]), 0.3, size=(draws, 4))
    return np.stack([uses, 500.0 / uses, rng.normal(size=(draws, 4)),
                     np.broadcast_to([4.0, 5.0, 4.0, 3.0], (draws, 4))], axis=-1)


def test_one_forecast_gives_a_perfect_rank_correlation_and_noise_none():
    out = criteria_correlation(forecast_draws(), NAMES).set_index(["criterion_a", "criterion_b"])
    assert len(out) == 6  # every pair once
    assert out.loc[("uses", "cost"), "rho"] == pytest.approx(-1.0)
    assert out.loc[("uses", "cost"), "rho_draws"] == pytest.approx(-1.0)
    assert abs(out.loc[("uses", "noise"), "rho"]) < 0.1
    assert abs(out.loc[("uses", "noise"), "rho_draws"]) < 0.1
    # A fixed criterion varies between candidates only: pooled yes, across the draws no.
    assert np.isfinite(out.loc[("uses", "floor"), "rho"])
    assert np.isnan(out.loc[("uses", "floor"), "rho_draws"])


def test_pooled_correlation_is_spearmans_with_ties_at_their_average_rank():
    draws = forecast_draws(200)
    draws[..., 2] = np.round(draws[..., 2])  # many ties
    flat = draws.reshape(-1, len(NAMES))
    out = criteria_correlation(draws, NAMES)
    expected = spearmanr(flat).statistic
    for row in out.itertuples():
        i, j = NAMES.index(row.criterion_a), NAMES.index(row.criterion_b)
        assert row.rho == pytest.approx(expected[i, j])
        if "floor" in (row.criterion_a, row.criterion_b):  # fixed: no correlation across draws
            assert np.isnan(row.rho_draws)
            continue
        per_candidate = [spearmanr(draws[:, c, i], draws[:, c, j]).statistic for c in range(4)]
        assert row.rho_draws == pytest.approx(np.median(per_candidate))


def test_candidates_that_differ_correlate_pooled_but_not_across_draws():
    """Two criteria both higher for candidate 2 but drawn independently: the pooled figure
    sees the candidates' difference, the across-draws figure sees no shared doubt."""
    rng = np.random.default_rng(5)
    level = np.array([0.0, 10.0])
    draws = np.stack([level + rng.normal(size=(500, 2)), level + rng.normal(size=(500, 2))],
                     axis=-1)
    row = criteria_correlation(draws, ["a", "b"]).iloc[0]
    assert row["rho"] > 0.7 and abs(row["rho_draws"]) < 0.15


def test_only_the_first_draws_are_read():
    draws = forecast_draws(CORRELATION_DRAWS + 50)
    draws[CORRELATION_DRAWS:, :, 1] = np.random.default_rng(1).normal(size=(50, 4))
    out = criteria_correlation(draws, NAMES)
    assert out.loc[0, "rho"] == pytest.approx(-1.0)
    assert criteria_correlation(draws, NAMES, max_draws=10**6).loc[0, "rho"] > -1.0


def test_pairs_at_or_above_the_threshold_are_named_strongest_first():
    table = pd.DataFrame({"criterion_a": ["a", "a", "b", "c"],
                          "criterion_b": ["b", "c", "c", "d"],
                          "rho": [0.71, -0.9, 0.2, np.nan], "rho_draws": [0.1, -0.8, 0.75, 0.9]})
    pooled = correlated_pairs(table)
    assert list(zip(pooled["criterion_a"], pooled["criterion_b"], strict=True)) == [
        ("a", "c"), ("a", "b")]
    draws = correlated_pairs(table, column="rho_draws")
    assert list(draws["criterion_b"]) == ["d", "c", "c"]
    assert correlated_pairs(table, 0.95).empty
    assert REDUNDANT_RHO == 0.7


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"column": "r"}, "column must be"), ({"threshold": 0.0}, "threshold must be"),
    ({"threshold": 1.5}, "threshold must be")])
def test_bad_pair_options_are_errors(kwargs, message):
    table = criteria_correlation(forecast_draws(20), NAMES)
    with pytest.raises(ValueError, match=message):
        correlated_pairs(table, **kwargs)


@pytest.mark.parametrize("shape", [(10, 3), (10, 3, 2), (1, 3, 4)])
def test_bad_draws_are_errors(shape):
    with pytest.raises(ValueError, match="draws"):
        criteria_correlation(np.zeros(shape), NAMES)
