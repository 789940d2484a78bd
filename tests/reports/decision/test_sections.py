"""The decision report's words and tables: the headline and the summary fields."""

from __future__ import annotations

import dataclasses

import pytest

from evaluate.data.assumptions import Assumptions
from evaluate.reports.decision import sections as report
from evaluate.reports.decision.analysis import analyse_decision
from evaluate.reports.notebook_params import DecisionReportParams
from evaluate.reports.summary_schema import DecisionSummary
from support import DRAWS, many_candidates_club


def test_a_machine_that_loses_money_is_not_recommended_as_a_buy(data):
    """With every benefit at 0 every NPV is negative, and the first screen says so."""
    zero = {"new_joins_per_year", "churn_reduction_users", "trainer_led_share"}
    assumptions = Assumptions({
        name: (a.model_copy(update={"low": 0.0, "most_likely": 0.0, "high": 0.0})
               if name in zero else a) for name, a in data.assumptions.items()},
        data.assumptions.warnings, data.assumptions.file)
    poor = dataclasses.replace(data, assumptions=assumptions)
    analysis = analyse_decision(DecisionReportParams(draws=DRAWS), poor)
    assert (analysis.ranking["npv"] < 0).all()
    text = report.headline_markdown(analysis)
    assert text.startswith("**The best-scoring machine is the")
    assert "buying nothing is the safer choice" in text
    assert "Its NPV is negative (−$" in text and "would turn negative" not in text
    assert report.summary_fields(analysis)["headline"].startswith("The best-scoring machine")


def test_summary_fields_follow_the_documented_schema(default):
    fields = report.summary_fields(default)
    summary = DecisionSummary(**fields)
    assert summary.recommendation == "reverse_hyper"
    assert set(summary.candidates) == set(default.ranking.index)
    winner = summary.candidates["reverse_hyper"]
    assert winner.rank == 1
    assert winner.weekly_uses.p10 <= winner.weekly_uses.p50 <= winner.weekly_uses.p90
    assert summary.headline.startswith("Buy the reverse hyperextension")
    with pytest.raises(ValueError):
        DecisionSummary(**{**fields, "recommendation": "cable_tower"})  # not rank 1


@pytest.mark.parametrize("weights", [
    {"weekly_uses": 2, "back_pain_served": 5, "npv": 3, "cost_per_use": 3},
    {"weekly_uses": 5, "back_pain_served": 2, "npv": 3, "cost_per_use": 3},
    {"back_pain_served": 1, "npv": 1, "cost_per_use": 1},
])
def test_ordinary_weights_give_a_summary_the_schema_accepts(data, weights):
    """Small integer weights whose normalised sum is 1 + 2e-16 once put the machine best on
    every weighted criterion at a score of 1.0000000000000002: the schema refused the summary
    and the report failed (exit 1)."""
    params = DecisionReportParams(draws=DRAWS, weights=weights)
    summary = DecisionSummary(**report.summary_fields(analyse_decision(params, data)))
    assert all(0 <= c.score <= 1 for c in summary.candidates.values())


def test_the_best_set_of_more_than_twenty_candidates_says_how_it_was_found(tmp_path):
    """25 candidates: the best sets come from the integer program, which does not count the
    sets that fit; the paragraph says how many sets there are and how the best was found."""
    club = many_candidates_club(tmp_path, 25)
    analysis = analyse_decision(DecisionReportParams(draws=DRAWS, data_dir=str(club)))
    sets = analysis.portfolios
    assert len(analysis.ranking) == 25 and len(sets) == 5
    assert sets.attrs["method"] == "milp" and sets.attrs["feasible_sets"] is None
    assert (sets["cost"] <= 5000.0).all() and (sets["floor_m2"] <= 12.0).all()
    text = report.portfolio_markdown(analysis)
    assert ("With 25 candidates there are 33,554,432 possible sets, too many to list: an "
            "integer program (the HiGHS solver) found the best without listing them; the next "
            "best are below.") in text
    assert "sets fit" not in text
    assert len(report.portfolio_table(analysis)) == 5
    assert DecisionSummary(**report.summary_fields(analysis)).best_set is not None
