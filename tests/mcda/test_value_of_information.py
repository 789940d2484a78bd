"""The value of perfect and partial perfect information (regression method)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import norm

from evaluate.mcda.value_of_information import (
    KNOTS,
    conditional_means,
    evpi,
    evppi,
    spline_basis,
)

DRAWS = 20_000


def two_options(mu: float, sigma: float, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Option 0 at 0, option 1 at N(mu, sigma²); returns the net benefit and its driver."""
    z = np.random.default_rng(seed).standard_normal(DRAWS)
    return np.column_stack([np.zeros(DRAWS), mu + sigma * z]), z


def closed_form(mu: float, sigma: float) -> float:
    """EVPI of two options whose difference is N(mu, sigma²)."""
    return sigma * norm.pdf(mu / sigma) - abs(mu) * norm.cdf(-abs(mu) / sigma)


@pytest.mark.parametrize(("mu", "sigma"), [(0.0, 1.0), (500.0, 1000.0), (-800.0, 1000.0),
                                           (2.0, 1.0)])
def test_two_normal_options_match_the_closed_form_within_monte_carlo_error(
        mu: float, sigma: float) -> None:
    nb, z = two_options(mu, sigma)
    # The estimate is a mean over draws of max(0, Δ) - max(0, mean Δ): its standard error is
    # at most sigma / sqrt(draws) for each term; four of them is a wide, honest margin.
    tolerance = 4 * sigma / math.sqrt(DRAWS)
    assert evpi(nb) == pytest.approx(closed_form(mu, sigma), abs=tolerance)
    # Learning the one input that drives the difference is learning everything.
    assert evppi(nb, z) == pytest.approx(closed_form(mu, sigma), abs=tolerance)


def test_evppi_of_a_partial_driver_matches_its_own_closed_form() -> None:
    """Δ = mu + b φ + noise: learning φ is worth the closed form at the spread of b φ."""
    rng = np.random.default_rng(2)
    phi, noise = rng.standard_normal(DRAWS), rng.standard_normal(DRAWS)
    mu, b, s = 100.0, 600.0, 800.0
    nb = np.column_stack([np.zeros(DRAWS), mu + b * phi + s * noise])
    assert evppi(nb, phi) == pytest.approx(closed_form(mu, b), abs=4 * b / math.sqrt(DRAWS))
    assert evppi(nb, noise) == pytest.approx(closed_form(mu, s), abs=4 * s / math.sqrt(DRAWS))


def test_the_spline_follows_a_curved_effect() -> None:
    """Δ = φ² - 1 (φ standard normal): EVPPI = E[(φ² - 1)⁺] = 2 × pdf(1); a line finds 0."""
    phi = np.random.default_rng(3).standard_normal(DRAWS)
    nb = np.column_stack([np.zeros(DRAWS), phi**2 - 1])
    assert evppi(nb, phi) == pytest.approx(2 * norm.pdf(1.0), rel=0.05)


def test_evpi_bounds_every_evppi_and_both_are_never_negative() -> None:
    rng = np.random.default_rng(4)
    inputs = rng.uniform(size=(DRAWS, 4))
    nb = np.column_stack([np.zeros(DRAWS), 1000 * (inputs[:, 0] - 0.4) + 300 * inputs[:, 1],
                          800 * (inputs[:, 2] - 0.5) ** 2 - 50 + 200 * inputs[:, 0],
                          -100 + 10 * rng.standard_normal(DRAWS)])
    total = evpi(nb)
    assert total > 0
    groups = [inputs[:, [0]], inputs[:, [1]], inputs[:, [2]], inputs[:, [3]], inputs[:, :3],
              inputs]
    values = [evppi(nb, g) for g in groups]
    assert all(0.0 <= v <= total for v in values)
    assert values[3] < 0.01 * total  # an input that moves nothing is worth nothing
    assert values[4] >= max(values[:3]) - 0.01 * total  # more inputs learnt, more worth


def test_evpi_is_zero_when_one_option_wins_every_draw() -> None:
    rng = np.random.default_rng(5)
    base = rng.normal(0, 100, DRAWS)
    nb = np.column_stack([base, base + 1 + rng.uniform(0, 50, DRAWS), base - 5])
    assert evpi(nb) == 0.0
    assert evppi(nb, rng.uniform(size=(DRAWS, 2))) == 0.0
    assert evpi(np.zeros((10, 1))) == 0.0


def test_an_input_that_shifts_or_scales_every_option_alike_is_worth_about_nothing() -> None:
    rng = np.random.default_rng(6)
    shift, other = rng.lognormal(0, 1, DRAWS), rng.standard_normal(DRAWS)
    nb = np.column_stack([np.zeros(DRAWS), 50 + 400 * other, -20 + 300 * other]) + \
        5000 * shift[:, None]
    assert evpi(nb) > 100
    # Only the draws' noise is fitted: a few per mille of the EVPI at most.
    assert evppi(nb, shift) < 0.01 * evpi(nb)
    # A positive factor on every option's net benefit never changes which is best either.
    factor = rng.lognormal(0, 0.3, DRAWS)
    scaled = nb * factor[:, None]
    assert evppi(scaled, factor) < 0.01 * evpi(scaled)


def test_an_input_that_never_varies_is_worth_nothing_and_its_fit_is_the_means() -> None:
    nb, _ = two_options(0.0, 1.0)
    constant = np.full(DRAWS, 3.0)
    assert evppi(nb, constant) == 0.0
    assert np.allclose(conditional_means(nb, constant), nb.mean(axis=0))
    assert spline_basis(constant).shape == (DRAWS, 0)


def test_the_basis_has_a_line_and_a_bend_per_inner_knot_and_is_natural() -> None:
    x = np.linspace(-3, 7, 10_001)
    basis = spline_basis(x)
    assert basis.shape == (x.size, KNOTS - 1)
    assert np.allclose(basis[:, 0], (x + 3) / 10)
    # Natural: the second derivative vanishes at the boundary knots (the data's ends).
    second = np.abs(np.diff(basis, n=2, axis=0))
    assert second[:2].max() < 1e-3 * second.max()
    assert second[-2:].max() < 1e-3 * second.max()
    # Two distinct values: a straight line only.
    assert spline_basis(np.array([0.0, 1.0] * 50)).shape == (100, 1)


def test_shapes_are_checked() -> None:
    with pytest.raises(ValueError, match="draws"):
        evpi(np.zeros(5))
    with pytest.raises(ValueError, match="finite"):
        evpi(np.array([[0.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="draws"):
        evppi(np.zeros((5, 2)), np.zeros(4))
