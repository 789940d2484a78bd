"""Partial pooling of per-machine log factors (empirical Bayes, closed form)."""

from __future__ import annotations

import numpy as np
import pytest

from evaluate.model.pooling import chosen_covariates, partial_pooling


def test_one_machine_gives_its_own_factor_to_every_candidate():
    pooled = partial_pooling(np.array([0.4]), np.array([0.1]))
    assert pooled.tau2 == 0
    assert pooled.predict(count=3) == pytest.approx([0.4] * 3)
    assert pooled.shrunk == pytest.approx([0.4])


def test_identical_machines_have_no_spread_between_them():
    pooled = partial_pooling(np.array([0.7, 0.7, 0.7, 0.7]), np.array([0.1, 0.2, 0.1, 0.3]))
    assert pooled.tau2 == 0
    assert pooled.predict()[0] == pytest.approx(0.7)
    assert pooled.shrunk == pytest.approx([0.7] * 4)


def test_dersimonian_laird_by_hand():
    """Three machines, intercept only: Q, τ², the weighted mean and the shrunk estimates."""
    y, se = np.array([-0.5, 0.5, 1.2]), np.array([0.1, 0.1, 0.2])
    w = 1 / se**2
    fixed = (w * y).sum() / w.sum()
    q = (w * (y - fixed) ** 2).sum()
    tau2 = (q - 2) / (w.sum() - (w**2).sum() / w.sum())
    w_star = 1 / (se**2 + tau2)
    mu = (w_star * y).sum() / w_star.sum()
    pooled = partial_pooling(y, se)
    assert pooled.tau2 == pytest.approx(tau2)
    assert pooled.predict()[0] == pytest.approx(mu)
    assert pooled.cov[0, 0] == pytest.approx(1 / w_star.sum())
    expected = (y / se**2 + mu / tau2) / (1 / se**2 + 1 / tau2)
    assert pooled.shrunk == pytest.approx(expected)
    # Each machine's estimate lies between its own log factor and the pooled mean.
    assert np.all((pooled.shrunk - y) * (pooled.shrunk - mu) <= 0)


def test_noisier_machines_are_pulled_further_to_the_mean():
    pooled = partial_pooling(np.array([0.0, 1.0, 0.0, 1.0]), np.array([0.05, 0.05, 0.5, 0.5]))
    mu = pooled.predict()[0]
    assert abs(pooled.shrunk[3] - mu) < abs(pooled.shrunk[1] - mu)


def test_a_covariate_needs_machines_to_spare_and_to_vary():
    cardio = np.array([0.0, 0.0, 1.0])
    assert chosen_covariates({"cardio": cardio}, 3) == ()  # three machines: intercept only
    five = np.array([0.0, 0.0, 1.0, 1.0, 0.0])
    assert chosen_covariates({"cardio": five}, 5) == ("cardio",)
    assert chosen_covariates({"cardio": np.zeros(5)}, 5) == ()  # no variation
    levels = np.array([0.0, 1.0, 2.0, 0.0, 1.0, 2.0])
    assert chosen_covariates({"cardio": np.array([0, 0, 1, 1, 0, 1.0]),
                              "back_care_relevance": levels}, 6) == ("cardio",
                                                                      "back_care_relevance")


def test_with_a_covariate_a_candidate_takes_its_own_kind_s_factor():
    """Cardio machines used twice as much as the model says, strength ones as forecast."""
    y = np.log([2.0, 2.0, 2.0, 1.0, 1.0, 1.0])
    cardio = np.array([1.0, 1, 1, 0, 0, 0])
    pooled = partial_pooling(y, np.full(6, 0.1), {"cardio": cardio})
    assert pooled.covariates == ("cardio",)
    assert np.exp(pooled.predict({"cardio": np.array([1.0, 0.0])}, 2)) == pytest.approx(
        [2.0, 1.0])


def test_no_machine_is_refused():
    with pytest.raises(ValueError, match="at least one machine"):
        partial_pooling(np.array([]), np.array([]))
