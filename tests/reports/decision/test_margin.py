"""The margin tornado: which inputs could change the winner, on the demo club."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.mcda.criteria import DecisionCriteria
from evaluate.model.prepared import model_inputs
from evaluate.reports.decision.margin import margin_tornado, margin_tornado_from_inputs

# ---------------------------------------------------------------- tornado on the margin


def test_margin_tornado_on_the_demo_club(demo):
    out = margin_tornado(demo["members"], demo["equipment"], demo["assumptions"])
    assert out.attrs["winner"] != out.attrs["runner_up"]
    assert out.attrs["margin_most_likely"] >= 0
    assert (np.diff(out["swing"]) <= 0).all()
    np.testing.assert_allclose(out["swing"], (out["margin_at_high"]
                                              - out["margin_at_low"]).abs())
    # Where the margin stays positive the winner stays first in that run.
    holds = out["margin_at_low"] > 0
    assert (out.loc[holds, "top_at_low"] == out.attrs["winner"]).all()
    # A fixed input (no range) does not move the margin.
    fixed = out["low_value"] == out["high_value"]
    np.testing.assert_allclose(out.loc[fixed, "swing"], 0.0, atol=1e-12)


def test_margin_tornado_of_a_prepared_model_is_the_same(demo):
    m, e, a = demo["members"], demo["equipment"], demo["assumptions"]
    inputs = model_inputs(m, e, a)
    criteria = DecisionCriteria(weights={"npv": 2.0, "weekly_uses": 1.0})
    found = margin_tornado_from_inputs(inputs, e, criteria, normalization="vector")
    expected = margin_tornado(m, e, a, criteria, normalization="vector")
    pd.testing.assert_frame_equal(found, expected, check_exact=True)
    assert found.attrs == expected.attrs
    with pytest.raises(ValueError, match="in their order"):
        margin_tornado_from_inputs(inputs, e.iloc[::-1])
    with pytest.raises(ValueError, match="at least two"):
        margin_tornado_from_inputs(inputs.select(["reverse_hyper"]), e.iloc[:1])


def test_margin_tornado_changes_with_the_weights(demo):
    npv_only = DecisionCriteria(weights={"npv": 1.0})
    out = margin_tornado(demo["members"], demo["equipment"], demo["assumptions"], npv_only)
    # With NPV as the only criterion, the margin is winner NPV minus runner-up NPV over the
    # NPV spread: a price of the winner swings it.
    assert any(a.startswith("price (") for a in out.loc[out["swing"] > 0, "assumption"])
