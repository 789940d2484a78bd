"""The decision matrix: each criterion taken from the model, and from each Monte Carlo draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.data.assumptions import load_assumptions
from evaluate.data.equipment import load_equipment
from evaluate.data.members import load_members
from evaluate.mcda.criteria import (
    CRITERIA,
    EVIDENCE_HALF_WIDTH,
    EVIDENCE_POINTS,
    SUPERVISION_POINTS,
    DecisionCriteria,
    category_points,
)
from evaluate.mcda.normalization import signs_and_bounds
from evaluate.mcda.robustness import rank_acceptability
from evaluate.mcda.scoring import weighted_sum, wsm_core
from evaluate.model.demand import forecast_usage
from evaluate.model.finance import finance_summary
from evaluate.model.uncertainty import simulate
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports.decision.matrix import (
    NOTHING,
    NOTHING_LABEL,
    decision_draws,
    decision_matrix,
    draws_with_nothing,
    evidence_draws,
    matrix_from_outputs,
    with_nothing,
)


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


def test_evidence_is_drawn_within_half_a_grade_of_its_points(demo):
    """Each candidate's evidence points vary across the draws, within half a grade of its
    grade's points and inside the ladder 0-3, with the grade's points as their median; the
    other criteria are the model's draws, untouched."""
    e = demo["equipment"]
    result = simulate(demo["members"], e, demo["assumptions"], draws=2000, seed=4)
    draws = decision_draws(result, e)
    evidence = draws[..., list(CRITERIA).index("evidence")]
    points = category_points(e["evidence_grade"], EVIDENCE_POINTS)
    assert (np.abs(evidence - points) <= EVIDENCE_HALF_WIDTH + 1e-12).all()
    assert (evidence >= 0).all() and (evidence <= 3).all()
    assert (evidence.std(axis=0) > 0.1).all()
    np.testing.assert_allclose(np.median(evidence, axis=0), points, atol=0.05)
    # Its own stream: not tied to the model's draws, and the same for the same seed.
    assert abs(np.corrcoef(evidence[:, 0], result.draws["npv"][:, 0])[0, 1]) < 0.1
    np.testing.assert_array_equal(evidence, evidence_draws(e, 2000, 4))
    assert not np.array_equal(evidence, evidence_draws(e, 2000, 5))
    # The most-likely matrix keeps the grade's points.
    likely = decision_matrix(e, demo["forecast"], demo["finance"])
    np.testing.assert_array_equal(likely["evidence"], points)


def test_a_candidates_evidence_draws_do_not_depend_on_the_others(demo):
    e = demo["equipment"]
    alone = evidence_draws(e.iloc[[2]], 300, 9)
    np.testing.assert_array_equal(evidence_draws(e.iloc[::-1], 300, 9)[:, len(e) - 3], alone[:, 0])


def test_without_a_seed_the_evidence_stays_at_its_points(demo):
    """The margin tornado's one-way runs keep every judgement at its most-likely value."""
    e = demo["equipment"]
    outputs = {k: np.ones((3, len(e))) for k in
               ("npv", "weekly_sessions", "added_back_pain_users", "cost_per_use")}
    fixed = matrix_from_outputs(outputs, e)[..., list(CRITERIA).index("evidence")]
    np.testing.assert_array_equal(fixed, np.broadcast_to(
        category_points(e["evidence_grade"], EVIDENCE_POINTS), (3, len(e))))


def placebo_matrix(evidence: float = 0.0) -> pd.DataFrame:
    """The reverse hyper, the GHD and a placebo at the reverse hyper's price: low relevance on
    every need, so its uses are tiny, its cost per use the worst and its NPV negative."""
    return pd.DataFrame({
        "weekly_uses": [92.0, 83.0, 1.5], "back_pain_served": [65.0, 50.0, 0.4],
        "npv": [21_000.0, 18_000.0, -2_600.0], "cost_per_use": [0.18, 0.25, 11.7],
        "floor_space": [4.32, 5.64, 4.32], "evidence": [1.0, 0.0, evidence],
        "supervision": [2.0, 2.0, 1.0]},
        index=pd.Index(["reverse_hyper", "glute_ham_developer", "placebo"],
                       name="equipment_id"))


def test_buying_nothing_is_the_club_as_it_is():
    matrix = placebo_matrix()
    out = with_nothing(matrix)
    assert list(out.index) == [*matrix.index, NOTHING] and NOTHING_LABEL == "Buy nothing"
    row = out.loc[NOTHING]
    assert row.drop("cost_per_use").eq(0.0).all()  # no use, no money, no floor, no claim
    assert row["cost_per_use"] == matrix["cost_per_use"].max()  # no use: the worst seen
    with pytest.raises(ValueError, match="already holds"):
        with_nothing(out)
    assert list(with_nothing(matrix[["npv", "floor_space"]]).loc[NOTHING]) == [0.0, 0.0]


@pytest.mark.parametrize("grade", ["very_low", "low"])
def test_a_placebo_does_not_rank_above_buying_nothing(grade):
    """Under the default weights: buying nothing ties the placebo on cost per use, beats it on
    money, floor and supervision, and loses only its few uses (and, graded low, its claim)."""
    c = DecisionCriteria()
    matrix = with_nothing(placebo_matrix(EVIDENCE_POINTS[grade]))
    scores = weighted_sum(matrix, c.resolved_weights().to_dict(), c.directions)
    assert scores[NOTHING] > scores["placebo"]
    assert scores.idxmax() == "reverse_hyper"


def test_buying_nothing_in_every_draw_and_its_chance_of_ranking_first():
    rng = np.random.default_rng(2)
    base = placebo_matrix().to_numpy()
    draws = base * rng.lognormal(0.0, 0.2, size=(500, *base.shape))
    draws[..., 2] = base[:, 2] + rng.normal(0.0, 500.0, size=(500, 3))  # NPV: keeps its sign
    c = DecisionCriteria()
    out = draws_with_nothing(draws, c.names)
    assert out.shape == (500, 4, len(c.names))
    np.testing.assert_array_equal(out[:, :3], draws)
    nothing = out[:, 3]
    cost = c.names.index("cost_per_use")
    np.testing.assert_array_equal(nothing[:, cost], draws[..., cost].max(axis=1))
    assert (np.delete(nothing, cost, axis=1) == 0).all()
    ids = [*placebo_matrix().index, NOTHING]
    ranks = rank_acceptability(out, c.resolved_weights().to_dict(), c.directions, c.names, ids)
    p_first = ranks.attrs["p_first"]
    assert NOTHING in p_first.index and p_first.sum() == pytest.approx(1.0)
    assert p_first["placebo"] == 0.0
    scores = np.asarray(wsm_core(out, c.resolved_weights().to_numpy(),
                                 signs_and_bounds(c.names, c.directions, None)[0]))
    assert (scores[:, 3] > scores[:, 2]).all()  # never below the placebo, in any draw
    with pytest.raises(ValueError, match="criteria"):
        draws_with_nothing(draws[..., :3], c.names)


def test_buying_nothing_ranks_first_when_every_candidate_loses_money_and_serves_no_one():
    c = DecisionCriteria()
    draws = np.zeros((10, 2, len(c.names)))
    draws[..., c.names.index("npv")] = -1000.0
    draws[..., c.names.index("floor_space")] = 4.0
    draws[..., c.names.index("cost_per_use")] = np.inf
    ranks = rank_acceptability(draws_with_nothing(
        np.where(np.isfinite(draws), draws, 1.0), c.names), c.resolved_weights().to_dict(),
        c.directions, c.names, ["a", "b", NOTHING])
    assert ranks.attrs["p_first"][NOTHING] == 1.0
