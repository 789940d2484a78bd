"""The model prepared once and evaluated for many draws: it agrees with the frame functions."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from evaluate.data.checkins import load_checkins
from evaluate.errors import DataError
from evaluate.model.calibration import Calibration
from evaluate.model.demand import forecast_usage
from evaluate.model.finance import finance_summary
from evaluate.model.prepared import (
    DEMAND_ERROR_PREFIX,
    draw_quantities,
    forecast_from_inputs,
    model_core,
    model_inputs,
)
from evaluate.model.uncertainty import one_way_swings
from evaluate.paths import DEMO_DATA_DIR
from model_support import AS_OF


def test_most_likely_run_equals_the_deterministic_model(demo):
    """All quantities at most likely reproduce forecast_usage + finance_summary exactly."""
    m, e, a = demo["members"], demo["equipment"], demo["assumptions"]
    inputs = model_inputs(m, e, a)
    out = model_core(inputs, inputs.most_likely())
    usage = forecast_usage(m, e, a)
    money = finance_summary(e, usage, a, monthly_dues=inputs.monthly_dues,
                            annual_churn=inputs.ranges["baseline_annual_churn"][1],
                            users_churn=out["users_churn"][0])
    likely = usage[usage["scenario"] == "most_likely"].set_index("equipment_id").loc[e[
        "equipment_id"]]  # forecast_usage sorts by id
    np.testing.assert_allclose(out["npv"][0], money["npv"], rtol=1e-12)
    np.testing.assert_allclose(out["cost_per_use"][0], money["cost_per_use"], rtol=1e-12)
    np.testing.assert_allclose(out["weekly_sessions"][0], likely["weekly_sessions"], rtol=1e-12)
    swings = one_way_swings(m, e, a, "reverse_hyper")
    assert swings.attrs["npv_most_likely"] == pytest.approx(money["npv"].iloc[0], rel=1e-12)


def calibration(factor: float) -> Calibration:
    return Calibration(factor, None, "test", pd.DataFrame())


def test_forecast_from_inputs_is_forecast_usage_to_the_digit(demo):
    """The prepared model's forecast is forecast_usage's frame, calibrated or not, log or not."""
    m, e, a = demo["members"], demo["equipment"], demo["assumptions"]
    checkins = load_checkins(DEMO_DATA_DIR, pd.Index(m["member_id"]))
    ids = list(e["equipment_id"])
    factors = {ids[0]: 0.5, ids[2]: 2.0}
    for log in (None, checkins):
        inputs = model_inputs(m, e, a, checkins=log)
        assert inputs.peak.source == ("check-in log" if log is not None
                                      else "assumption peak_hour_share")
        pd.testing.assert_frame_equal(forecast_from_inputs(inputs), forecast_usage(m, e, a, log),
                                      check_exact=True)
        calibrated = inputs.calibrated({i: calibration(k) for i, k in factors.items()})
        found = forecast_from_inputs(calibrated)
        expected = forecast_usage(m, e, a, log, uptake_factor=factors)
        pd.testing.assert_frame_equal(found, expected, check_exact=True)
        assert found.attrs == expected.attrs


def test_selected_inputs_are_those_of_the_candidates_alone(demo):
    m, e, a = demo["members"], demo["equipment"], demo["assumptions"]
    ids = list(e["equipment_id"])
    per_candidate = {ids[0]: calibration(0.5), ids[2]: calibration(2.0)}
    selected = model_inputs(m, e, a, calibration=per_candidate).select([ids[2], ids[0]])
    alone = model_inputs(m, e.iloc[[2, 0]].reset_index(drop=True), a,
                         calibration=per_candidate)
    assert selected.equipment_ids == alone.equipment_ids
    assert list(selected.ranges.items()) == list(alone.ranges.items())
    assert list(selected.units.items()) == list(alone.units.items())
    for name in ("levels", "session_minutes", "servers", "installation", "maintenance",
                 "lifespan_years", "footprint_m2", "is_cardio", "uptake_factor"):
        np.testing.assert_array_equal(getattr(selected, name), getattr(alone, name))
    values = alone.most_likely(3)
    for key, found in model_core(selected, values).items():
        np.testing.assert_array_equal(found, model_core(alone, values)[key])
    with pytest.raises(ValueError, match="unknown candidate 'treadmill'"):
        selected.select(["treadmill"])


def test_calibrated_inputs_are_the_inputs_built_calibrated(demo):
    m, e, a = demo["members"], demo["equipment"], demo["assumptions"]
    built = model_inputs(m, e, a, calibration=calibration(0.8))
    np.testing.assert_array_equal(model_inputs(m, e, a).calibrated(calibration(0.8))
                                  .uptake_factor, built.uptake_factor)
    np.testing.assert_array_equal(built.calibrated(None).uptake_factor, np.ones(len(e)))


@pytest.mark.parametrize("change", ["cancelled", "frozen", "as_of before every join"])
def test_a_roster_without_an_active_member_is_a_clear_data_error(demo, change):
    """All cancelled, all frozen, or a date before anyone joined: no one to forecast for."""
    m, e, a = demo["members"].copy(), demo["equipment"], demo["assumptions"]
    as_of = None
    if change == "cancelled":
        gone = m["status"] != "cancelled"
        m.loc[gone, "cancel_date"] = m["cancel_date"].max()
        m.loc[gone, "status"] = "cancelled"
    elif change == "frozen":
        m.loc[m["status"] == "active", "status"] = "frozen"
    else:
        as_of = "2000-01-01"
    with pytest.raises(DataError) as raised:
        model_inputs(m, e, a, as_of=as_of)
    [problem] = raised.value.problems
    assert problem.file == "members.csv"
    assert problem.message.startswith("no member is active on ")
    assert problem.column == ("join_date" if as_of else "status")
    assert "give as_of a date when members were active" in problem.fix


def test_the_draws_value_new_joins_within_the_cap_and_label_every_item(demo):
    """The demo's items all rest on assumptions: counted alone, the NPV is minus the costs.

    Given 40 joins a year to the cable tower and 20 to the owned leg press, against a cap of
    new_joins_cap_share × the roster's joins in the year, the draws credit the tower its share
    of the cap and never more; owned candidates (the rower, the leg press) add none.
    """
    m, a = demo["members"], demo["assumptions"]
    e = demo["equipment"].assign(new_joins_per_year=np.nan, new_joins_source="")
    e.loc[e["equipment_id"] == "cable_tower", ["new_joins_per_year", "new_joins_source"]] = (
        40.0, "assumption: the club's guess")
    e.loc[e["equipment_id"] == "leg_press", "new_joins_per_year"] = 20.0
    inputs = model_inputs(m, e, a, owned=e)
    assert inputs.club_joins_per_year > 0
    out = model_core(inputs, inputs.most_likely(3))
    np.testing.assert_array_equal(out["npv_sourced"], -out["pv_costs"])
    assert {str(b) for basis in inputs.benefit_bases.values() for b in basis} == {"assumption"}
    ids = list(e["equipment_id"])
    cap = a["new_joins_cap_share"].most_likely * inputs.club_joins_per_year
    assert cap < 40 + 20
    joins = out["pv_new_joins"][0]
    assert joins[ids.index("cable_tower")] > 0
    assert joins[ids.index("leg_press")] == joins[ids.index("rower")] == 0
    alone = model_core(inputs.select(["cable_tower"]), inputs.most_likely())
    assert alone["pv_new_joins"][0, 0] == pytest.approx(joins[ids.index("cable_tower")])
    uncapped = model_core(replace(inputs, club_joins_per_year=1e9), inputs.most_likely())
    share = cap * 40 / 60 / 40  # the tower keeps 40/60 of the cap: this share of its claim
    assert joins[ids.index("cable_tower")] == pytest.approx(
        share * uncapped["pv_new_joins"][0, ids.index("cable_tower")])


def test_the_most_likely_outputs_are_computed_once_per_model(demo):
    inputs = model_inputs(demo["members"], demo["equipment"], demo["assumptions"])
    found = inputs.likely_outputs
    assert inputs.likely_outputs is found  # one run, shared by every reader
    np.testing.assert_array_equal(found["npv"], model_core(inputs, inputs.most_likely())["npv"])
    assert "likely_outputs" not in inputs.select(list(inputs.equipment_ids[:2])).__dict__


def test_the_model_error_is_lognormal_per_candidate_and_scales_its_demand(demo):
    """Median 1, P10 and P90 at the range's ends; its own stream; users scale with it."""
    m, e, a = demo["members"], demo["equipment"].iloc[[0, 1]], demo["assumptions"]
    base = model_inputs(m, e, a, as_of=AS_OF)
    inputs = base.with_factors(np.ones(2), np.ones(2), np.ones(0), np.array([0.4, 0.0]))
    name = DEMAND_ERROR_PREFIX + inputs.equipment_ids[0]
    assert DEMAND_ERROR_PREFIX + inputs.equipment_ids[1] not in inputs.ranges  # no spread
    low, likely, high = inputs.ranges[name]
    assert likely == 1.0 and low == pytest.approx(np.exp(-1.2816 * 0.4), rel=1e-3)
    drawn = draw_quantities(inputs, 20_000, seed=7)[name][:, 0]
    assert np.median(drawn) == pytest.approx(1.0, abs=0.02)
    assert np.quantile(drawn, [0.1, 0.9]) == pytest.approx([low, high], rel=0.03)
    alone = inputs.select([inputs.equipment_ids[0]])
    np.testing.assert_array_equal(draw_quantities(alone, 20_000, seed=7)[name][:, 0], drawn)
    # Twice the error multiplier is twice the uptake factor.
    values = inputs.most_likely(1)
    values[name] = np.full((1, 1), 2.0)
    doubled = model_core(inputs, values)["regular_users"][0, 0]
    twice = base.with_factors(np.array([2.0, 1.0]), np.ones(2), np.ones(0))
    assert doubled == pytest.approx(twice.likely_outputs["regular_users"][0, 0])
