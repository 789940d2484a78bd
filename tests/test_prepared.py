"""The model prepared once and evaluated for many draws: it agrees with the frame functions."""

from __future__ import annotations

import numpy as np
import pytest

from evaluate.data.assumptions import load_assumptions
from evaluate.data.equipment import load_equipment
from evaluate.data.members import load_members
from evaluate.model.demand import forecast_usage
from evaluate.model.finance import finance_summary
from evaluate.model.prepared import model_core, model_inputs
from evaluate.model.uncertainty import one_way_swings
from evaluate.paths import DEMO_DATA_DIR


@pytest.fixture(scope="module")
def demo() -> dict:
    return {"members": load_members(DEMO_DATA_DIR), "equipment": load_equipment(DEMO_DATA_DIR),
            "assumptions": load_assumptions(DEMO_DATA_DIR)}


def test_most_likely_run_equals_the_deterministic_model(demo):
    """All quantities at most likely reproduce forecast_usage + finance_summary exactly."""
    m, e, a = demo["members"], demo["equipment"], demo["assumptions"]
    inputs = model_inputs(m, e, a)
    out = model_core(inputs, inputs.most_likely())
    usage = forecast_usage(m, e, a)
    money = finance_summary(e, usage, a, monthly_dues=inputs.monthly_dues)
    likely = usage[usage["scenario"] == "most_likely"].set_index("equipment_id").loc[e[
        "equipment_id"]]  # forecast_usage sorts by id
    np.testing.assert_allclose(out["npv"][0], money["npv"], rtol=1e-12)
    np.testing.assert_allclose(out["cost_per_use"][0], money["cost_per_use"], rtol=1e-12)
    np.testing.assert_allclose(out["weekly_sessions"][0], likely["weekly_sessions"], rtol=1e-12)
    swings = one_way_swings(m, e, a, "reverse_hyper")
    assert swings.attrs["npv_most_likely"] == pytest.approx(money["npv"].iloc[0], rel=1e-12)
