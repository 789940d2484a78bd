"""Drawing assumptions: PERT and triangular draws, one reproducible stream per quantity."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluate.model.sampling import draw_assumptions, draw_range, pert_mean, stream
from model_support import fixed

# ---------------------------------------------------------------- drawing

RANGE = st.tuples(st.floats(-1e3, 1e3), st.floats(0.01, 1e3), st.floats(0.0, 1.0)).map(
    lambda t: (t[0], t[0] + t[2] * t[1], t[0] + t[1]))  # low < high, most likely inside


@settings(max_examples=40, deadline=None)
@given(RANGE, st.integers(0, 2**32 - 1))
def test_pert_draws_stay_in_range_and_have_the_pert_mean(value, seed):
    """Mean of PERT = (low + 4 ml + high) / 6. Its sd is at most 0.19 (high - low) (Beta with
    α + β = 6), so with 20,000 draws the mean's standard error is under 0.0014 (high - low):
    the tolerance 0.01 (high - low) is about 7 standard errors."""
    low, likely, high = value
    x = draw_range(stream(seed, "x"), value, 20_000, "pert")
    assert x.min() >= low and x.max() <= high
    assert pert_mean(low, likely, high) == pytest.approx((low + 4 * likely + high) / 6)
    assert abs(x.mean() - pert_mean(low, likely, high)) <= 0.01 * (high - low)


@settings(max_examples=20, deadline=None)
@given(RANGE, st.integers(0, 2**32 - 1))
def test_triangular_draws_stay_in_range_and_have_the_triangular_mean(value, seed):
    low, likely, high = value
    x = draw_range(stream(seed, "x"), value, 20_000, "triangular")
    assert x.min() >= low and x.max() <= high
    assert abs(x.mean() - (low + likely + high) / 3) <= 0.01 * (high - low)


def test_draws_are_reproducible_by_seed_and_fixed_ranges_are_constant(demo):
    a = demo["assumptions"]
    one = draw_assumptions(a, 500, seed=1)
    again = draw_assumptions(a, 500, seed=1)
    other = draw_assumptions(a, 500, seed=2)
    assert list(one) == list(a)
    for name, values in one.items():
        assert values.shape == (500, 1)
        np.testing.assert_array_equal(values, again[name])
        if a[name].low < a[name].high:
            assert not np.array_equal(values, other[name])
        else:
            assert (values == a[name].low).all()
    assert (one["horizon_years"] == 5).all()


def test_a_quantity_draws_the_same_whatever_else_is_drawn():
    """Each name has its own stream: adding a quantity or reordering changes no other draw."""
    alone = draw_assumptions({"b": (0.0, 1.0, 2.0)}, 100, seed=9)
    more = draw_assumptions({"price:new": (1.0, 2.0, 3.0), "a": (5.0, 6.0, 9.0),
                             "b": (0.0, 1.0, 2.0)}, 100, seed=9)
    np.testing.assert_array_equal(alone["b"], more["b"])


def test_integer_assumptions_are_rounded_and_bad_input_refused(demo):
    a = fixed(demo["assumptions"], horizon_years=(3, 5, 8))
    years = draw_assumptions(a, 1_000, seed=3)["horizon_years"]
    assert np.array_equal(years, np.round(years)) and set(np.unique(years)) <= set(range(3, 9))
    with pytest.raises(ValueError, match="method"):
        draw_range(stream(1, "x"), (0.0, 1.0, 2.0), 10, "uniform")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="out of order"):
        draw_range(stream(1, "x"), (0.0, 3.0, 2.0), 10)
