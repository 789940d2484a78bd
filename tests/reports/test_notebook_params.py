"""Every notebook's parameters cell and its pydantic model agree, and the models check values."""

from __future__ import annotations

import ast
import shutil

import papermill
import pytest
from pydantic import ValidationError

from evaluate.data.checks import check_club
from evaluate.errors import BadParameter
from evaluate.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR
from evaluate.reports.notebook_params import (
    ACTIVE_MEMBERS,
    PARAMETER_MODELS,
    USAGE_LOG,
    CandidateProfileParams,
    DecisionReportParams,
    MemberProfileParams,
    UsageReviewParams,
    missing_data,
    roster_problem,
)

STEMS = sorted(PARAMETER_MODELS)


def notebook(stem: str):
    return NOTEBOOKS_DIR / f"{stem}.ipynb"


@pytest.mark.parametrize("stem", STEMS)
def test_notebook_parameters_match_the_model(stem):
    declared = papermill.inspect_notebook(str(notebook(stem)))
    fields = PARAMETER_MODELS[stem].model_fields
    assert sorted(declared) == sorted(fields)  # the notebook orders them for reading
    for name, param in declared.items():
        default = fields[name].get_default(call_default_factory=True)
        assert ast.literal_eval(param["default"]) == default, name
        assert param["help"], f"{name} has no help comment"


def test_every_notebook_has_a_model_and_every_model_a_notebook():
    stored = {p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb")}
    assert stored == set(PARAMETER_MODELS)
    assert PARAMETER_MODELS["member_profile"] is MemberProfileParams


def test_defaults_and_resolution():
    params = MemberProfileParams()
    assert params.resolved_data_dir == DEMO_DATA_DIR
    assert params.as_of_date is None
    assert MemberProfileParams(as_of="2026-01-31").as_of_date.isoformat() == "2026-01-31"


@pytest.mark.parametrize("bad", [
    {"status": "paused"},
    {"min_group_size": 5},
    {"as_of": "31/01/2026"},
    {"statu": "active"},  # unknown names are refused, not ignored
])
def test_bad_member_profile_parameters_are_refused(bad):
    with pytest.raises(ValidationError):
        MemberProfileParams(**bad)


@pytest.mark.parametrize(("bad", "words"), [
    ({"weights": {"npvv": 1}}, "did you mean 'npv'"),
    ({"weights": {"npv": -1}}, ">= 0"),
    ({"weights": {"npv": 0}}, "at least one weight"),
    ({"pairwise": {"npv": {"weekly_uses": 3}, "cost_per_use": {"npv": 2}}}, "missing"),
    ({"normalization": "zscore"}, "normalization 'zscore' is unknown"),
    ({"normalization": "fixed"}, "needs value_ranges"),
    ({"value_ranges": {"npv": [0]}}, "[worst, best]"),
    ({"ri_table": "saaty"}, "ri_table"),
    ({"weight_sampling": "uniform"}, "weight_sampling"),
    ({"budget": -1}, "budget"),
    ({"draws": 10}, "draws"),
    ({"currency": "usd"}, "currency"),
    ({"budjet": 100}, "budjet"),
])
def test_bad_decision_parameters_are_refused_with_the_reason(bad, words):
    with pytest.raises(ValidationError) as err:
        DecisionReportParams(**bad)
    assert words in str(err.value)


def test_decision_criteria_follow_the_parameters():
    assert DecisionReportParams().criteria.names[0] == "weekly_uses"
    chosen = DecisionReportParams(weights={"npv": 3, "floor_space": 1})
    assert chosen.criteria.resolved_weights().to_dict() == {"npv": 0.75, "floor_space": 0.25}
    ahp = DecisionReportParams(pairwise={"npv": {"weekly_uses": 3}})
    weights = ahp.criteria.resolved_weights()
    assert weights["npv"] == pytest.approx(0.75)
    fixed = DecisionReportParams(weights={"npv": 1}, normalization="fixed",
                                 value_ranges={"npv": [-1000, 5000]})
    assert fixed.ranges == {"npv": (-1000.0, 5000.0)}
    assert DecisionReportParams().ranges is None


def test_candidate_profile_needs_a_machine():
    with pytest.raises(ValidationError):
        CandidateProfileParams(equipment_id="")


NOTEBOOK = NOTEBOOKS_DIR / "usage_review.ipynb"


def test_parameters_cell_matches_the_model():
    """The same checks tests/reports/test_notebook_params.py makes of the member profile."""
    assert PARAMETER_MODELS["usage_review"] is UsageReviewParams
    declared = papermill.inspect_notebook(str(NOTEBOOK))
    fields = UsageReviewParams.model_fields
    assert list(declared) == list(fields)
    for name, param in declared.items():
        assert ast.literal_eval(param["default"]) == fields[name].default, name
        assert param["help"], f"{name} has no help comment"
    assert declared["installed"]["inferred_type_name"] == "str"
    assert declared["calibrate"]["inferred_type_name"] == "bool"


def test_installed_is_a_date_or_empty():
    assert UsageReviewParams().installed_date is None
    assert UsageReviewParams(installed="2025-11-01").installed_date.isoformat() == "2025-11-01"
    with pytest.raises(ValueError, match="installed must be a date as YYYY-MM-DD"):
        UsageReviewParams(installed="1/11/2025")


def test_what_each_report_needs_of_the_data_is_declared_on_its_model():
    assert MemberProfileParams.needs == frozenset()
    assert DecisionReportParams.needs == CandidateProfileParams.needs == {ACTIVE_MEMBERS}
    assert UsageReviewParams.needs == {ACTIVE_MEMBERS, USAGE_LOG}


def club_copy(tmp_path, usage_log: str | None = None):
    """The demo club without its usage log, or with the CSV rows ``usage_log`` as its log."""
    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club, ignore=shutil.ignore_patterns("equipment_usage.*"))
    if usage_log is not None:
        (club / "equipment_usage.csv").write_text(
            "timestamp,equipment_id,duration_min,member_id\n" + usage_log, encoding="utf-8")
    return club


def test_a_usage_review_without_a_usage_log_is_not_built(tmp_path):
    params = UsageReviewParams(data_dir=str(club_copy(tmp_path)), equipment_id="rower")
    reason = ("the club has no usage log (equipment_usage.csv or equipment_usage.parquet)")
    assert missing_data(params) == missing_data(params, given={"equipment_id"}) == reason
    assert missing_data(UsageReviewParams()) is None  # the demo club logs back_extension_45
    assert missing_data(CandidateProfileParams(data_dir=params.data_dir)) is None


def test_a_machine_missing_from_the_usage_log_is_not_built_or_refused_if_named(tmp_path):
    club = club_copy(tmp_path, "2026-10-05 17:50,rower,30,M000001\n")
    params = UsageReviewParams(data_dir=str(club))  # the default machine, back_extension_45
    assert missing_data(params).startswith("the usage log (equipment_usage.csv) has no "
                                           "sessions of back_extension_45")
    with pytest.raises(BadParameter, match="no sessions of machine 'back_extension_45'") as e:
        missing_data(params, given={"equipment_id"})
    assert e.value.parameter == "equipment_id" and "rower" in e.value.fix
    assert missing_data(UsageReviewParams(data_dir=str(club), equipment_id="rower"),
                        given={"equipment_id"}) is None


def test_a_model_report_on_a_roster_without_an_active_member_is_a_data_problem(tmp_path):
    club = club_copy(tmp_path)
    check = check_club(club)
    assert roster_problem(DecisionReportParams(data_dir=str(club)), check) is None
    problem = roster_problem(DecisionReportParams(data_dir=str(club), as_of="2000-01-01"),
                             check)
    assert problem.file == club / "members.csv" and problem.column == "join_date"
    assert problem.message.startswith("no member is active on 2000-01-01: 0 active, ")
    # Not a model report: a member profile needs no active member.
    assert roster_problem(MemberProfileParams(data_dir=str(club), as_of="2000-01-01"),
                          check) is None
