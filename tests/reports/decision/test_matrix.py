"""The decision matrix: each criterion taken from the model, and from each Monte Carlo draw."""

from __future__ import annotations

import numpy as np
import pytest

from evaluate.data.assumptions import load_assumptions
from evaluate.data.equipment import load_equipment
from evaluate.data.members import load_members
from evaluate.mcda.criteria import (
    CRITERIA,
    EVIDENCE_POINTS,
    SUPERVISION_POINTS,
    DecisionCriteria,
)
from evaluate.model.demand import forecast_usage
from evaluate.model.finance import finance_summary
from evaluate.model.uncertainty import simulate
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports.decision.matrix import decision_draws, decision_matrix


@pytest.fixture(scope="module")
def demo() -> dict:
    members, equipment = load_members(DEMO_DATA_DIR), load_equipment(DEMO_DATA_DIR)
    assumptions = load_assumptions(DEMO_DATA_DIR)
    forecast = forecast_usage(members, equipment, assumptions)
    likely = forecast.loc[forecast["scenario"] == "most_likely"]
    dues = float(members.loc[members["status"] == "active", "monthly_dues"].mean())
    finance = finance_summary(equipment, likely, assumptions, monthly_dues=dues)
    return {"members": members, "equipment": equipment, "assumptions": assumptions,
            "forecast": forecast, "finance": finance, "dues": dues}


def test_decision_matrix_takes_each_criterion_from_the_model(demo):
    e = demo["equipment"]
    matrix = decision_matrix(e, demo["forecast"], demo["finance"])
    assert list(matrix.columns) == list(CRITERIA)
    assert list(matrix.index) == list(e["equipment_id"])
    likely = demo["forecast"].loc[demo["forecast"]["scenario"] == "most_likely"]
    np.testing.assert_allclose(matrix["weekly_uses"], likely.set_index("equipment_id").loc[
        matrix.index, "weekly_sessions"])
    np.testing.assert_allclose(matrix["npv"], demo["finance"]["npv"])
    np.testing.assert_allclose(matrix["floor_space"], e["footprint_m2"])
    rh = e.set_index("equipment_id").loc["reverse_hyper"]
    assert matrix.loc["reverse_hyper", "evidence"] == EVIDENCE_POINTS[rh["evidence_grade"]]
    assert matrix.loc["reverse_hyper", "supervision"] == SUPERVISION_POINTS[rh["supervision"]]
    assert matrix.attrs["directions"] == DecisionCriteria().directions
    assert np.isfinite(matrix.to_numpy()).all()


def test_decision_matrix_keeps_only_the_chosen_criteria_and_scenario(demo):
    c = DecisionCriteria(weights={"weekly_uses": 1, "floor_space": 1})
    low = decision_matrix(demo["equipment"], demo["forecast"], demo["finance"], c,
                          scenario="low")
    assert list(low.columns) == ["weekly_uses", "floor_space"]
    likely = decision_matrix(demo["equipment"], demo["forecast"], demo["finance"], c)
    assert (low["weekly_uses"] < likely["weekly_uses"]).all()


def test_infinite_cost_per_use_counts_as_the_worst_seen(demo):
    finance = demo["finance"].copy()
    finance.loc[0, "cost_per_use"] = np.inf
    matrix = decision_matrix(demo["equipment"], demo["forecast"], finance)
    assert matrix["cost_per_use"].iloc[0] == finance["cost_per_use"].iloc[1:].max()


def test_missing_rows_are_an_error(demo):
    with pytest.raises(ValueError, match="no forecast or finance row"):
        decision_matrix(demo["equipment"], demo["forecast"], demo["finance"].iloc[1:])


def test_decision_draws_from_the_monte_carlo(demo):
    result = simulate(demo["members"], demo["equipment"], demo["assumptions"], draws=300,
                      seed=4)
    draws = decision_draws(result, demo["equipment"].iloc[::-1])  # any row order
    names = list(CRITERIA)
    assert draws.shape == (300, len(demo["equipment"]), len(names))
    np.testing.assert_array_equal(draws[..., names.index("npv")], result.draws["npv"])
    np.testing.assert_array_equal(draws[..., names.index("weekly_uses")],
                                  result.draws["weekly_sessions"])
    floor = draws[..., names.index("floor_space")]
    assert (floor == floor[0]).all()  # does not vary between draws
    np.testing.assert_allclose(floor[0], demo["equipment"]["footprint_m2"])
    assert np.isfinite(draws).all()
