"""The decision report's words and tables: the headline and the summary fields."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from evaluate.data.assumptions import Assumptions
from evaluate.reports.decision import sections as report
from evaluate.reports.decision.analysis import analyse_decision
from evaluate.reports.formatting import money
from evaluate.reports.notebook_params import DecisionReportParams
from evaluate.reports.summary_schema import DecisionSummary
from support import DRAWS, visible


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
    assert "Its NPV is negative (−\\$" in text and "would turn negative" not in text
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


# --- words on the page: names and money as written, ties called ties ------------------------

#: Machine names with what Markdown and its maths would read as markup.
MARKDOWN_NAMES = {"reverse_hyper": "Reverse *hyper*_2 for $5", "glute_ham_developer":
                  "GHD [x](y) | ~~z~~", "cable_tower": "# Cable tower $1"}


def test_names_and_money_read_as_written(default):
    """Bold next to two money amounts stays bold; a name's asterisks, brackets, dollar signs
    and a leading '#' are its characters, not markup."""
    named = dataclasses.replace(default, names={**default.names, **MARKDOWN_NAMES})
    headline = visible(report.headline_markdown(named))
    assert "Buy the reverse *hyper*_2 for $5." in headline and "**" not in headline
    money_line = headline.split("Money: ", 1)[1].split("\n", 1)[0]
    assert money_line.startswith(money(named.ranking.iloc[0]["up_front"], "USD") + " up front")
    best = visible(report.portfolio_markdown(named))
    assert best.startswith("Within a budget of $5,000 and ") and "**" not in best
    assert "the best set is: reverse *hyper*_2 for $5, GHD [x](y) | ~~z~~, for $" in best
    calibrated = visible(report.calibration_markdown(named))
    assert "GHD [x](y) | ~~z~~" in calibrated and "# Cable tower $1" in calibrated


@pytest.fixture(scope="module")
def twins(data):
    """The decision with a twin of the reverse hyperextension (identical inputs, another
    name) and a budget for one machine of the two."""
    equipment = data.equipment
    twin = equipment[equipment["equipment_id"] == "reverse_hyper"].assign(
        equipment_id="twin_hyper", name="Twin hyperextension")
    club = dataclasses.replace(data, equipment=pd.concat([equipment, twin], ignore_index=True))
    return analyse_decision(DecisionReportParams(draws=DRAWS, budget=900.0), club)


def test_machines_that_score_the_same_are_called_a_tie(twins, default):
    ranking = twins.ranking
    assert ranking.loc["reverse_hyper", "score"] == ranking.loc["twin_hyper", "score"]
    assert report.leaders(twins) == ["reverse_hyper", "twin_hyper"]
    assert report.leaders(default) == ["reverse_hyper"]
    points = report.points(ranking.iloc[0]["score"])
    tie = ("The reverse hyperextension and the twin hyperextension score the same "
           f"({points} of 100)")
    text = report.headline_markdown(twins)
    assert text.startswith(f"**{tie}.** The figures below are the reverse hyperextension's")
    assert "Buy the" not in text and "scores second" not in text
    assert f"{tie}: whatever favours one of them decides." in text
    assert report.summary_fields(twins)["headline"].startswith(f"{tie}; the reverse ")
    best = report.portfolio_markdown(twins)
    assert (f"2 sets tie for best, with the same score ({points}): **reverse "
            "hyperextension**; **twin hyperextension**. The first comes to $") in best
    assert "the best set is" not in best
    alone = report.headline_markdown(default)  # a clear winner is named, and the runner-up
    assert alone.startswith("**Buy the reverse hyperextension.**")
    assert f"the {report.in_sentence(default.names[default.runner_up])} scores second" in alone
