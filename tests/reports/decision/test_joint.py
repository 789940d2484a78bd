"""The best set valued jointly: machines that serve the same members share them."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from evaluate.mcda.portfolio import JOINT_COUNTS
from evaluate.reports.decision import sections as report
from evaluate.reports.decision.analysis import analyse_decision, prepare_model
from evaluate.reports.decision.joint import SCALES_WITH, portfolio_options
from evaluate.reports.notebook_params import DecisionReportParams
from support import DRAWS


def test_the_best_sets_are_valued_jointly(default):
    """The reverse hyperextension and the GHD both serve back care: together they score less
    than the sum of their scores, and no set is worth more than the sum of its members."""
    sets = default.portfolios
    assert sets.attrs["joint"] and sets.attrs["method"] == "enumerate"
    for row in sets.itertuples():
        alone = default.scores.reindex(list(row.members)).sum()
        assert row.objective <= alone + 1e-12
        if row.size == 1:
            assert row.objective == pytest.approx(alone, abs=1e-12)
    pair = sets[sets["members"] == ("reverse_hyper", "glute_ham_developer")].iloc[0]
    assert pair["objective"] < default.scores[["reverse_hyper", "glute_ham_developer"]].sum()
    text = report.portfolio_markdown(default)
    assert ("Sets are valued jointly: machines that serve the same members share them, so a "
            "set counts only the users its machines add together and is worth at most the sum "
            "of their scores") in text


def test_the_parts_that_scale_with_users_are_the_use_criteria_and_benefits(default):
    a = default
    model, *_ = prepare_model(a.data, a.candidates, as_of=None, calibrate=a.params.calibrate)
    options, joint = portfolio_options(model, a.forecast, a.finance, a.ranking, a.scores,
                                       a.contributions)
    ids = list(a.scores.index)
    assert list(options.index) == ids
    by = a.contributions.assign(scales=a.contributions["criterion"].map(SCALES_WITH))
    for count in JOINT_COUNTS:
        part = by[by["scales"] == count].groupby("alternative")["contribution"].sum()
        np.testing.assert_allclose(options[f"score_from_{count}"], part.reindex(ids))
    parts = options[[f"npv_from_{c}" for c in JOINT_COUNTS]].sum(axis=1)
    assert (parts >= 0).all()
    alone = joint(np.eye(len(ids), dtype=bool))
    np.testing.assert_allclose(alone, options[list(JOINT_COUNTS)].to_numpy(), atol=1e-9)


def test_by_npv_a_pair_that_shares_its_members_is_worth_less_than_the_sum(data):
    """The twin of the reverse hyperextension (same inputs, another name) serves the same
    members: the pair's NPV counts their retention and trainer income once, not twice."""
    equipment = data.equipment
    twin = equipment[equipment["equipment_id"] == "reverse_hyper"].assign(
        equipment_id="twin_hyper", name="Twin hyperextension")
    club = dataclasses.replace(data, equipment=pd.concat([equipment, twin], ignore_index=True))
    analysis = analyse_decision(DecisionReportParams(draws=DRAWS, portfolio_objective="npv"),
                                club)
    sets = analysis.portfolios
    both = sets[sets["members"] == ("reverse_hyper", "twin_hyper")].iloc[0]["objective"]
    assert both < 2 * analysis.ranking.loc["reverse_hyper", "npv"]
    for row in sets.itertuples():
        assert row.objective <= analysis.ranking["npv"].reindex(list(row.members)).sum() + 1e-9
