"""Calibration against a comparable owned machine's usage log."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluate.model.calibration import (
    calibrate_uptake,
    calibrated_assumptions,
    comparable_machine,
    observed_weekly_sessions,
)
from evaluate.model.demand import (
    demand_segments,
    forecast_usage,
)

# ---------------------------------------------------------------- calibration

def test_comparable_machines(demo):
    assert comparable_machine(demo["equipment"], "reverse_hyper", demo["usage"]) == (
        "back_extension_45", 1.0)
    assert comparable_machine(demo["equipment"], "glute_ham_developer", demo["usage"]) is None
    empty = demo["usage"].iloc[0:0]
    assert comparable_machine(demo["equipment"], "reverse_hyper", empty) is None


def test_observed_sessions_by_hand():
    """Three sessions over a log spanning 14 days: 3 / 14 × 7 = 1.5 a week."""
    usage = pd.DataFrame({
        "timestamp": pd.to_datetime(["2026-01-05 10:00", "2026-01-10 10:00",
                                     "2026-01-18 10:00"]).astype("datetime64[us]"),
        "equipment_id": pd.Categorical(["x", "x", "x"]), "duration_min": 5.0,
        "member_id": pd.Categorical([None, None, None], categories=["M1"])})
    assert observed_weekly_sessions(usage, "x") == pytest.approx(1.5)


def test_calibration_matches_the_log_and_shows_its_effect(demo):
    """Demo: back extension forecast 117.4 a week (juniors add no back-pain users), log 105.6,
    so the factor is about 0.90."""
    cal = calibrate_uptake(demo["members"], demo["equipment"], demo["usage"],
                           demo["assumptions"], "reverse_hyper", demo["checkins"])
    assert cal.comparable == "back_extension_45"
    assert 0.8 < cal.factor < 0.95
    table = cal.table.set_index("quantity")
    model = table.loc["weekly sessions on back_extension_45: model"]
    log = table.loc["weekly sessions on back_extension_45: log"]
    assert model["after"] == pytest.approx(log["after"], rel=1e-9)
    assert model["before"] == pytest.approx(117.4, abs=0.5)
    assert table.loc["uptake_back_care (most likely)", "after"] == pytest.approx(
        0.08 * cal.factor)
    assert "bisection" in cal.method
    calibrated = calibrated_assumptions(demo["assumptions"], cal)
    assert calibrated["uptake_posterior_chain"].high == pytest.approx(0.30 * cal.factor)
    assert calibrated["uptake_posterior_chain"].origin == "calibrated"
    assert calibrated["sessions_per_user_week"] == demo["assumptions"]["sessions_per_user_week"]
    after = forecast_usage(demo["members"], demo["equipment"], calibrated, demo["checkins"])
    forecast = after.set_index(["equipment_id", "scenario"])
    assert forecast.loc[("reverse_hyper", "most_likely"), "weekly_sessions"] == pytest.approx(
        table.loc["weekly sessions on reverse_hyper: model (1 unit)", "after"])


def test_calibration_on_segments_already_built_is_the_same(demo, exposure):
    args = (demo["members"], demo["equipment"], demo["usage"], demo["assumptions"],
            "reverse_hyper", demo["checkins"])
    segments = demand_segments(demo["members"], exposure)
    given = calibrate_uptake(*args, exposure=exposure, segments=segments)
    built = calibrate_uptake(*args, exposure=exposure)
    assert given.factor == built.factor and given.method == built.method
    pd.testing.assert_frame_equal(given.table, built.table, check_exact=True)


def test_no_comparable_machine_leaves_uptake_alone(demo):
    cal = calibrate_uptake(demo["members"], demo["equipment"], demo["usage"],
                           demo["assumptions"], "glute_ham_developer")
    assert cal.factor == 1.0 and cal.comparable is None
    assert calibrated_assumptions(demo["assumptions"], cal) == dict(demo["assumptions"])
