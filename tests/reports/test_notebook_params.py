"""Every notebook's parameters cell and its pydantic model agree, and the models check values."""

from __future__ import annotations

import ast

import papermill
import pytest
from pydantic import ValidationError

from evaluate.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR
from evaluate.reports.notebook_params import (
    PARAMETER_MODELS,
    CandidateProfileParams,
    DecisionReportParams,
    MemberProfileParams,
    UsageReviewParams,
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
