"""The decision report's words and tables: the headline and the summary fields."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest

from evaluate.data.assumptions import Assumptions
from evaluate.data.checkins import HOURS_PER_WEEK, CheckinProfile
from evaluate.reports.decision import sections as report
from evaluate.reports.decision.analysis import analyse_decision
from evaluate.reports.formatting import UNSTABLE_QUEUE
from evaluate.reports.notebook_params import DecisionReportParams
from evaluate.reports.summary_schema import DecisionSummary
from support import DRAWS, NON_FINITE


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


def test_a_one_row_log_and_a_machine_over_capacity_read_right_on_the_first_screen(data):
    """A check-in log of one row made its hour hold 100% of the week's visits: the first
    screen read "at the busiest hour (Sat 07:00) it is busy 1540% of the time, so the average
    wait then is about inf minutes". The log is not used now, the page says why, and with a
    busiest-hour share so high that the machine is over capacity the queue is said in words."""
    counts = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
    counts[5 * 24 + 7] = 1  # Saturday 07:00
    one_row = CheckinProfile(counts, 20_393, 20_393, 1, {"file": Path("checkins.csv")})
    high = {"low": 0.3, "most_likely": 0.4, "high": 0.5}
    assumptions = Assumptions({
        name: a.model_copy(update=high) if name == "peak_hour_share" else a
        for name, a in data.assumptions.items()},
        data.assumptions.warnings, data.assumptions.file)
    club = dataclasses.replace(data, checkins=one_row, assumptions=assumptions)
    analysis = analyse_decision(DecisionReportParams(draws=DRAWS), club)
    text = report.headline_markdown(analysis)
    use = next(line for line in text.splitlines() if line.startswith("- **Use:**"))
    assert f"at the busiest hour {UNSTABLE_QUEUE} (forecast demand " in use
    assert ("The busiest hour is taken to carry 40% of a week's sessions (the documented "
            "assumption peak_hour_share): the check-in log cannot measure it, as it covers 1 "
            "day, fewer than 28 (four full weeks)") in use
    assert not NON_FINITE.search(text) and not re.search(r"busy \d{3,}%", text)
    fields = report.summary_fields(analysis)
    assert not NON_FINITE.search(json.dumps(fields, allow_nan=False))
