"""The documented schema of a decision report's summary.json: what it accepts and refuses."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from evaluate.reports.summary_schema import DecisionSummary, DecisionSummaryFile, json_schema

BAND = {"p10": 1.0, "p50": 2.0, "p90": 3.0}


def candidate(rank: int, **changes: object) -> dict:
    return {"name": f"Machine {rank}", "rank": rank, "score": 0.5, "topsis": 0.5,
            "p_best": 0.5, "p_npv_positive": 0.9, "weekly_uses": BAND, "npv": BAND,
            "back_pain_served": 12.0, "payback_years": None, "cost_per_use": None,
            "up_front": 800.0, "floor_m2": 4.3, **changes}


def summary(**changes: object) -> dict:
    return {"club": "Riverside", "recommendation": "a", "currency": "EUR", "draws": 1000,
            "seed": 7, "normalization": "minmax", "weights": {"uses": 0.6, "cost": 0.4},
            "candidates": {"a": candidate(1), "b": candidate(2)},
            "best_set": {"members": ["a"], "cost": 800.0, "floor_m2": 4.3},
            "headline": "Buy machine a.", "key_figures": [{"label": "NPV", "text": "+€1"}],
            **changes}


def test_a_complete_summary_is_read_with_its_defaults():
    read = DecisionSummary(**summary())
    assert read.kind == "decision" and read.method == "weighted_sum"
    assert read.candidates["b"].rank == 2 and read.candidates["a"].npv.p50 == 2.0
    assert read.candidates["a"].payback_years is None  # null: not within the horizon
    assert DecisionSummary(**summary(best_set=None)).best_set is None  # nothing fits


def test_what_fits_the_limits_and_the_ahp_consistency_are_read_when_given():
    """Extensions: the limits, what the report says to buy within them (null: nothing fits),
    whether each candidate fits, and the AHP judgements to revisit."""
    read = DecisionSummary(**summary(
        recommendation_within_limits="b", limits={"budget": 900.0, "free_floor_m2": 4.25},
        candidates={"a": candidate(1, fits_limits=False), "b": candidate(2, fits_limits=True)},
        ahp={"consistency_ratio": 0.31, "inconsistent": True,
             "revisit": [["uses", "cost"]]}))
    assert read.recommendation == "a" and read.recommendation_within_limits == "b"
    assert read.limits.free_floor_m2 == 4.25 and read.ahp.revisit == [("uses", "cost")]
    assert not read.candidates["a"].fits_limits
    old = DecisionSummary(**summary())  # a summary without them still reads
    assert old.limits is None and old.ahp is None and old.candidates["a"].fits_limits is None


@pytest.mark.parametrize(("changes", "words"), [
    ({"recommendation_within_limits": "z"}, "recommendation_within_limits 'z' is not a cand"),
    ({"limits": {"budget": -1, "free_floor_m2": 4}}, "budget"),
    ({"recommendation": "z"}, "recommendation 'z' is not a candidate"),
    ({"recommendation": "b"}, "the recommendation must have rank 1"),
    ({"currency": "euro"}, "currency"),
    ({"draws": 0}, "draws"),
    ({"surprise": 1}, "surprise"),  # an undocumented field is refused
    ({"candidates": {"a": candidate(1, p_best=1.2)}}, "p_best"),
    ({"candidates": {"a": candidate(1, weekly_uses={"p10": 1, "p50": 2})}}, "p90"),
    ({"candidates": {"a": candidate(0)}}, "rank"),
])
def test_a_summary_that_breaks_the_schema_is_refused_naming_the_field(changes, words):
    with pytest.raises(ValidationError, match=words):
        DecisionSummary(**summary(**changes))


def test_the_file_holds_the_builds_keys_too_and_may_gain_new_ones():
    build = {"report": "decision", "title": "Decision", "status": "ok", "build_id": "b1",
             "data": "demo", "parameters": {"draws": 1000}, "figures": {}, "failure": None}
    read = DecisionSummaryFile(**summary(), **build, later_key=True)
    assert read.status == "ok" and read.model_extra == {"later_key": True}
    with pytest.raises(ValidationError, match="status"):
        DecisionSummaryFile(**summary(), **{**build, "status": "failed"})
    with pytest.raises(ValidationError, match="report"):
        DecisionSummaryFile(**summary())  # the build's keys are required in the file


BACKTEST = {"machines": 3, "median_ape": 0.5, "bias": 1.26, "coverage": 0.33,
            "skill_vs_naive": -0.4, "beats_naive": False, "sigma": 0.5,
            "sigma_basis": "backtest"}


def test_the_backtest_figures_are_read_and_may_be_null():
    """Extension: how good the forecasts have been at this club; null without a logged owned
    machine, and a figure null where it is not defined or privacy hides it."""
    read = DecisionSummary(**summary(backtest=BACKTEST)).backtest
    assert read.machines == 3 and read.median_ape == 0.5 and read.bias == 1.26
    assert read.coverage == 0.33 and read.skill_vs_naive == -0.4 and not read.beats_naive
    assert read.sigma == 0.5 and read.sigma_basis == "backtest"
    hidden = {**BACKTEST, "median_ape": None, "bias": None, "coverage": None,
              "skill_vs_naive": None, "beats_naive": None, "sigma": None}
    assert DecisionSummary(**summary(backtest=hidden)).backtest.median_ape is None
    required = {k: BACKTEST[k] for k in ("machines", "median_ape", "bias", "coverage",
                                         "skill_vs_naive")}
    assert DecisionSummary(**summary(backtest=required)).backtest.sigma is None
    assert DecisionSummary(**summary()).backtest is None  # older summaries still read
    assert "backtest" in json_schema()["properties"]


@pytest.mark.parametrize(("changes", "words"), [
    ({"coverage": 1.5}, "coverage"), ({"bias": 0.0}, "bias"), ({"median_ape": -0.1}, "median"),
    ({"skill_vs_naive": 1.5}, "skill_vs_naive"), ({"sigma_basis": "guess"}, "sigma_basis"),
    ({"machines": -1}, "machines"), ({"surprise": 1}, "surprise"),
])
def test_backtest_figures_that_break_the_schema_are_refused(changes, words):
    with pytest.raises(ValidationError, match=words):
        DecisionSummary(**summary(backtest={**BACKTEST, **changes}))
    with pytest.raises(ValidationError, match="coverage"):
        DecisionSummary(**summary(backtest={k: v for k, v in BACKTEST.items()
                                            if k != "coverage"}))


def test_json_schema_documents_every_field_scheduled_consumers_need():
    schema = json_schema()
    assert {"recommendation", "candidates"} <= set(schema["required"])
    candidate = schema["$defs"]["CandidateSummary"]
    assert {"rank", "score", "p_best", "p_npv_positive", "weekly_uses",
            "npv"} <= set(candidate["required"])
    assert set(schema["$defs"]["Band"]["required"]) == {"p10", "p50", "p90"}


EVIDENCE = {"added_users": {"p10": 20.0, "p50": 40.0, "p90": 62.0},
            "npv_sourced": {"p10": -4800.0, "p50": -3600.0, "p90": -2600.0},
            "p_npv_positive_sourced": 0.0, "break_even_members": 0.77,
            "benefits": {"retention": {"pv": 2761.6, "basis": "assumption"},
                         "trainer_sessions": {"pv": 1996.8, "basis": "published"},
                         "new_joins": {"pv": 0.0, "basis": "measured"}},
            "p_beats_nothing": 0.96}


def test_what_a_machine_adds_what_its_money_rests_on_and_buying_nothing_are_read():
    """Extensions: per candidate the users it adds, the NPV counting measured and published
    items only, its chance of being positive, the break-even in members a year, each benefit
    item's present value and basis; buying nothing's score and chances. Older summaries
    without them still read."""
    read = DecisionSummary(**summary(
        candidates={"a": candidate(1, **EVIDENCE), "b": candidate(2)},
        buy_nothing={"score": 0.45, "p_first": 0.04, "about_as_good": True}))
    a = read.candidates["a"]
    assert a.added_users.p50 == 40.0 and a.npv_sourced.p10 == -4800.0
    assert a.p_npv_positive_sourced == 0.0 and a.break_even_members == 0.77
    assert a.benefits["trainer_sessions"].basis == "published"
    assert a.benefits["retention"].pv == 2761.6
    assert read.buy_nothing.p_first == 0.04 and read.buy_nothing.about_as_good
    old = read.candidates["b"]
    assert old.added_users is None and old.benefits is None and old.p_beats_nothing is None
    assert DecisionSummary(**summary()).buy_nothing is None


@pytest.mark.parametrize(("changes", "words"), [
    ({"benefits": {"retention": {"pv": 1.0, "basis": "guess"}}}, "basis"),
    ({"benefits": {"parking": {"pv": 1.0, "basis": "measured"}}}, "parking"),
    ({"benefits": {"retention": {"pv": 1.0}}}, "basis"),
    ({"p_npv_positive_sourced": 1.5}, "p_npv_positive_sourced"),
    ({"break_even_members": -1.0}, "break_even_members"),
    ({"npv_sourced": {"p10": 1.0, "p50": 2.0}}, "p90"),
])
def test_evidence_fields_that_break_the_schema_are_refused(changes, words):
    with pytest.raises(ValidationError, match=words):
        DecisionSummary(**summary(candidates={"a": candidate(1, **changes)}))
    with pytest.raises(ValidationError, match="p_first"):
        DecisionSummary(**summary(buy_nothing={"score": 0.4, "p_first": 2.0,
                                               "about_as_good": False}))


def test_json_schema_documents_the_evidence_fields():
    schema = json_schema()
    candidate_fields = schema["$defs"]["CandidateSummary"]["properties"]
    assert {"added_users", "npv_sourced", "p_npv_positive_sourced", "break_even_members",
            "benefits"} <= set(candidate_fields)
    assert schema["$defs"]["Benefit"]["properties"]["basis"]["enum"] == [
        "measured", "published", "assumption"]
    assert "buy_nothing" in schema["properties"]


def test_the_value_of_information_is_read_and_an_older_summary_without_it_still_reads():
    read = DecisionSummary(**summary(evpi=442.0, evppi={"substitution": 233.0,
                                                        "demand:a": 0.0}))
    assert read.evpi == 442.0 and read.evppi["substitution"] == 233.0
    old = DecisionSummary(**summary())
    assert old.evpi is None and old.evppi is None
    properties = json_schema()["properties"]
    assert "perfect information" in properties["evpi"]["description"]
    assert "Strong, Oakley & Brennan" in properties["evppi"]["description"]


@pytest.mark.parametrize(("changes", "words"), [
    ({"evpi": -1.0}, "evpi"),
    ({"evpi": 100.0, "evppi": {"substitution": 150.0}}, "evppi['substitution']"),
    ({"evpi": 100.0, "evppi": {"prices": -0.5}}, "evppi['prices']"),
])
def test_a_value_of_information_out_of_its_bounds_is_refused(changes, words):
    with pytest.raises(ValidationError, match=words.replace("[", r"\[")):
        DecisionSummary(**summary(**changes))
