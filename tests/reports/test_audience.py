"""Whom a machine serves: group counts, expected back pain and users, privacy kept."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.data.assumptions import default_assumptions, load_assumptions
from evaluate.data.equipment import load_equipment
from evaluate.data.members import load_members
from evaluate.model.calibration import Calibration
from evaluate.model.demand import forecast_usage
from evaluate.model.exposure import back_pain_probability
from evaluate.model.prepared import model_inputs
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports.audience import GROUPS, audience_from_inputs, audience_table, group_masks
from model_support import AS_OF, machines, roster


def club(n_desk: int, n_old: int, n_lifters: int, n_cancelled: int = 0) -> pd.DataFrame:
    rows = ([{"occupation_activity": "desk"}] * n_desk
            + [{"birth_year": 1970}] * n_old
            + [{"training_goal": "strength"}] * n_lifters
            + [{"occupation_activity": "desk", "status": "cancelled",
                "cancel_date": "2025-01-01"}] * n_cancelled)
    return roster(rows)


def test_groups_count_active_members_only():
    members = club(12, 11, 15, n_cancelled=5)
    masks = group_masks(members, AS_OF)
    assert [int(m.sum()) for m in masks.values()] == [38, 12, 11, 15]
    assert list(masks) == list(GROUPS)


def test_back_pain_and_users_add_up_over_the_group():
    members = club(12, 11, 15)
    assumptions = default_assumptions()
    machine = machines([{"equipment_id": "rh"}])
    table = audience_table(members, assumptions, machine, as_of=AS_OF).set_index("group")
    probability = back_pain_probability(members, as_of=AS_OF)
    desk = (members["occupation_activity"] == "desk").to_numpy()
    assert table.loc["Desk workers", "with_back_pain"] == pytest.approx(probability[desk].sum())
    whole = forecast_usage(members, machine, assumptions, as_of=AS_OF)
    likely = whole[whole["scenario"] == "most_likely"].iloc[0]
    assert table.loc["All active members", "users"] == pytest.approx(likely["regular_users"])
    parts = table.loc[["Desk workers", "Aged 45 or over", "Train for strength or sport"],
                      "users"].sum()
    assert parts == pytest.approx(likely["regular_users"])  # these groups do not overlap here


def test_small_groups_are_hidden_with_their_figures():
    members = club(12, 9, 15)
    table = audience_table(members, default_assumptions(), machines([{"equipment_id": "rh"}]),
                           as_of=AS_OF)
    row = table.set_index("group").loc["Aged 45 or over"]
    assert row["suppressed"]
    assert np.isnan([row["members"], row["with_back_pain"], row["users"],
                     row["users_with_back_pain"]]).all()
    assert not table.set_index("group").loc["Desk workers", "suppressed"]
    without = audience_table(members, default_assumptions(), as_of=AS_OF)
    assert "users" not in without.columns


def test_a_prepared_model_gives_the_same_audience():
    """From a candidate's prepared model (calibrated too): audience_table's figures, exactly."""
    members, equipment = load_members(DEMO_DATA_DIR), load_equipment(DEMO_DATA_DIR)
    assumptions = load_assumptions(DEMO_DATA_DIR)
    machine = equipment[equipment["equipment_id"] == "reverse_hyper"].reset_index(drop=True)
    for factor in (1.0, 0.7):
        inputs = model_inputs(members, equipment, assumptions).calibrated(
            Calibration(factor, None, "test", pd.DataFrame())).select(["reverse_hyper"])
        expected = audience_table(members, assumptions, machine, uptake_factor=factor)
        assert not expected["suppressed"].any()
        pd.testing.assert_frame_equal(audience_from_inputs(members, inputs), expected,
                                      check_exact=True)
    with pytest.raises(ValueError, match="one candidate"):
        audience_from_inputs(members, model_inputs(members, equipment, assumptions))


def test_audience_hides_a_group_whose_complement_is_small():
    from evaluate.data.assumptions import default_assumptions
    from evaluate.reports.audience import audience_table
    from model_support import AS_OF, roster

    members = roster([{"occupation_activity": "desk"}] * 12 + [{}] * 4)
    table = audience_table(members, default_assumptions(), as_of=AS_OF).set_index("group")
    assert table.loc["All active members", "members"] == 16
    assert table.loc["Desk workers", "suppressed"]  # 12 of 16 would show the other 4
    assert np.isnan(table.loc["Desk workers", "with_back_pain"])
