"""The decision report's words and tables: the headline and the summary fields."""

from __future__ import annotations

import dataclasses
from datetime import date

import pandas as pd
import pytest

from evaluate.data.assumptions import Assumptions
from evaluate.data.club_data import load_club_data
from evaluate.reports.decision import sections as report
from evaluate.reports.decision.analysis import analyse_decision
from evaluate.reports.notebook_params import DecisionReportParams
from evaluate.reports.summary_schema import DecisionSummary
from support import DRAWS, LOGS_END, STALE_ROSTER, stale_club


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


@pytest.fixture(scope="module")
def stale(tmp_path_factory):
    """The decision of a club with no join since 2019 whose check-ins run to 2026-10-31."""
    club = stale_club(tmp_path_factory.mktemp("stale"))
    return analyse_decision(DecisionReportParams(draws=DRAWS), load_club_data(club))


def test_the_report_is_as_of_the_last_check_in_not_the_last_join(stale):
    assert report.roster_day(stale) == pd.Timestamp(LOGS_END)
    assert f"Roster date: {LOGS_END}." in report.provenance_markdown(stale)
    # Ages on 2026-10-31: the pyramid counts nobody under 18 (every member is 24 or over
    # then; on 2019-03-03 the youngest were 17).
    assert "under 18" not in set(report.exposure_table(stale)["age_band"])
    assert report.roster_notice(stale, today=date(2026, 12, 6)) == ""  # last month: current
    assert report.roster_notice(stale, today=date(2027, 6, 1)) == (
        "> **These figures are for the roster on 31 October 2026**, 7 months before this "
        "report was made (1 June 2027): set as_of or export a newer roster.")


def test_an_explicit_as_of_still_wins(stale):
    old = dataclasses.replace(stale, params=stale.params.model_copy(
        update={"as_of": STALE_ROSTER}))
    assert report.roster_day(old) == pd.Timestamp(STALE_ROSTER)
    assert f"Roster date: {STALE_ROSTER}." in report.provenance_markdown(old)
    assert "under 18" in set(report.exposure_table(old)["age_band"])  # ages on that day
    assert report.roster_notice(old, today=date(2026, 12, 6)) == (
        "> **These figures are for the roster on 3 March 2019**, 7 years before this report "
        "was made (6 December 2026): the date set by as_of.")
