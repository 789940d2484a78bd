"""Criteria of the club decision: defaults, overrides, AHP judgements, category points."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from evaluate.data.equipment import CATEGORIES
from evaluate.mcda.criteria import (
    CRITERIA,
    DEFAULT_UNITS,
    EVIDENCE_HALF_WIDTH,
    EVIDENCE_POINTS,
    FORECAST_CRITERIA,
    SUPERVISION_POINTS,
    DecisionCriteria,
    category_points,
    pairwise_matrix,
)


def test_default_criteria_are_documented_and_weights_sum_to_one():
    c = DecisionCriteria()
    assert c.names == list(CRITERIA)
    assert c.directions["npv"] == "max" and c.directions["cost_per_use"] == "min"
    assert c.directions["floor_space"] == "min" and c.directions["supervision"] == "min"
    assert c.resolved_weights().sum() == pytest.approx(1.0)
    table = c.table()
    assert list(table.columns) == ["criterion", "direction", "unit", "weight", "meaning"]
    assert (table["meaning"].str.len() > 10).all() and (table["unit"] != "").all()


def test_weights_are_overridden_and_normalised():
    c = DecisionCriteria(weights={"npv": 3, "back_pain_served": 1, "evidence": 0})
    assert c.names == ["back_pain_served", "npv", "evidence"]  # catalogue order
    assert c.resolved_weights().to_dict() == {"back_pain_served": 0.25, "npv": 0.75,
                                              "evidence": 0.0}


@pytest.mark.parametrize(("weights", "message"), [
    ({"weekly_use": 1.0}, "did you mean 'weekly_uses'"),
    ({"npv": -1.0}, ">= 0"),
    ({"npv": float("nan")}, ">= 0"),
    ({"npv": 0.0, "evidence": 0.0}, "at least one weight"),
    ({}, "at least one criterion"),
])
def test_bad_weights_are_errors(weights, message):
    with pytest.raises(ValidationError, match=message):
        DecisionCriteria(weights=weights)


def test_unknown_fields_are_errors():
    with pytest.raises(ValidationError, match="extra"):
        DecisionCriteria(weight={"npv": 1})


def test_ahp_weights_from_consistent_judgements():
    """npv is 2× back_pain_served and 4× evidence; back_pain_served 2× evidence: consistent,
    so the eigenvector is (4, 2, 1) / 7 and CR = 0."""
    c = DecisionCriteria(pairwise={"npv": {"back_pain_served": 2, "evidence": 4},
                                   "evidence": {"back_pain_served": 0.5}})
    w = c.resolved_weights()
    assert c.names == ["back_pain_served", "npv", "evidence"]
    np.testing.assert_allclose(w[["npv", "back_pain_served", "evidence"]], [4 / 7, 2 / 7, 1 / 7])
    assert w.attrs["consistency_ratio"] == pytest.approx(0.0, abs=1e-9)
    m = pairwise_matrix(c.pairwise)
    np.testing.assert_allclose(m.to_numpy() * m.to_numpy().T, 1.0)


def test_inconsistent_judgements_are_flagged():
    c = DecisionCriteria(pairwise={"npv": {"weekly_uses": 9, "evidence": 1 / 9},
                                   "weekly_uses": {"evidence": 9}})
    w = c.resolved_weights()
    assert w.attrs["consistency_ratio"] > 0.10 and w.attrs["ahp"].inconsistent


@pytest.mark.parametrize(("pairwise", "message"), [
    ({"npv": {"evidence": 2}, "weekly_uses": {"npv": 1}}, "missing: weekly_uses vs evidence"),
    ({"npv": {"evidance": 2}}, "did you mean 'evidence'"),
    ({"npv": {"evidence": 0}}, "judgement > 0"),
    ({"npv": {"evidence": 2}, "evidence": {"npv": 0.5}}, "given twice"),
])
def test_bad_pairwise_judgements_are_errors(pairwise, message):
    with pytest.raises(ValidationError, match=message):
        DecisionCriteria(pairwise=pairwise)


def test_unknown_ahp_options_are_errors():
    with pytest.raises(ValidationError, match="did you mean 'saaty2005'"):
        DecisionCriteria(pairwise={"npv": {"evidence": 2}}, ri_table="saaty2500")
    with pytest.raises(ValidationError, match="ahp_method"):
        DecisionCriteria(ahp_method="mean")


def test_weights_and_pairwise_together_are_an_error():
    with pytest.raises(ValidationError, match="not both"):
        DecisionCriteria(weights={"npv": 1}, pairwise={"npv": {"evidence": 2}})


def test_category_points_cover_every_allowed_value_in_order():
    """Every grade the loader allows has points, best grade most points (evidence) and the
    lightest supervision fewest (less is better)."""
    assert set(EVIDENCE_POINTS) == set(CATEGORIES["evidence_grade"])
    assert set(SUPERVISION_POINTS) == set(CATEGORIES["supervision"])
    evidence = category_points(pd.Series(CATEGORIES["evidence_grade"]), EVIDENCE_POINTS)
    assert (np.diff(evidence) < 0).all()  # listed best first
    supervision = category_points(pd.Series(CATEGORIES["supervision"]), SUPERVISION_POINTS)
    assert (np.diff(supervision) > 0).all()  # listed least first
    with pytest.raises(ValueError, match="no points"):
        category_points(pd.Series(["strong"]), EVIDENCE_POINTS)


def test_default_weights_count_the_one_forecast_once():
    """Weekly uses, back-pain served and cost per use come from one forecast: together they
    weigh as much as the NPV (2 units of 7), split 2 : 2 : 1; floor space, evidence and
    supervision 1 unit each. So 4/35, 4/35, 10/35, 2/35, 5/35, 5/35, 5/35."""
    w = DecisionCriteria().resolved_weights()
    np.testing.assert_allclose(w[list(CRITERIA)], np.array([4, 4, 10, 2, 5, 5, 5]) / 35)
    assert set(FORECAST_CRITERIA) == {"weekly_uses", "back_pain_served", "cost_per_use"}
    forecast = w[list(FORECAST_CRITERIA)].sum()
    others = w.drop(list(FORECAST_CRITERIA))
    assert forecast == pytest.approx(others.max())  # the one forecast weighs as one criterion
    assert sum(DEFAULT_UNITS.values()) == pytest.approx(7.0)


def test_evidence_half_width_keeps_each_grade_nearest_its_own_points():
    steps = np.diff(sorted(EVIDENCE_POINTS.values()))
    assert 0 < EVIDENCE_HALF_WIDTH <= steps.min() / 2
