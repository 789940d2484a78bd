"""Usage forecast: uptake, sessions bounded by visits, adoption, Erlang C, calibration."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluate.data.assumptions import default_assumptions, load_assumptions
from evaluate.data.checkins import load_checkins
from evaluate.data.equipment import load_equipment
from evaluate.data.members import load_members
from evaluate.data.usage import load_equipment_usage
from evaluate.model.calibration import (
    calibrate_uptake,
    calibrated_assumptions,
    comparable_machine,
    observed_weekly_sessions,
)
from evaluate.model.demand import (
    DRAWN,
    adoption_curve,
    capped_visits,
    demand_segments,
    expected_total,
    forecast_core,
    forecast_usage,
    level_codes,
    ramp_factor,
    relevance_levels,
    user_probability,
    visit_curves,
)
from evaluate.model.exposure import ExposureParameters
from evaluate.model.queueing import erlang_c, mean_wait_minutes, peak_queue
from evaluate.paths import DEMO_DATA_DIR
from model_support import AS_OF, machines, roster

LOAD = st.floats(0.0, 50.0)
SERVERS = st.integers(1, 12)


@pytest.fixture(scope="module")
def exposure() -> ExposureParameters:
    return ExposureParameters.load()


@pytest.fixture(scope="module")
def demo() -> dict:
    members = load_members(DEMO_DATA_DIR)
    equipment = load_equipment(DEMO_DATA_DIR)
    ids = pd.Index(members["member_id"])
    return {
        "members": members, "equipment": equipment,
        "assumptions": load_assumptions(DEMO_DATA_DIR),
        "checkins": load_checkins(DEMO_DATA_DIR, ids, as_of=AS_OF),
        "usage": load_equipment_usage(DEMO_DATA_DIR, pd.Index(equipment["equipment_id"]), ids,
                                      as_of=AS_OF),
    }


# ---------------------------------------------------------------- Erlang C (textbook values)

def test_erlang_c_textbook_values():
    """M/M/1: C = ρ. M/M/2 with a = 1 erlang: B = 0.2, C = 2·0.2 / (2 - 0.8) = 1/3.
    M/M/3 with a = 2: C = 4/9 (e.g. Kleinrock, Queueing Systems I, §3.5; any OR textbook).
    M/M/2 with a = 0.5: B = 1/13, C = 0.1.
    """
    assert erlang_c(1, 0.3) == pytest.approx(0.3)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)
    assert erlang_c(2, 0.5) == pytest.approx(0.1)


def _erlang_c_log_space(c: int, a: float) -> float:
    """Direct formula in log space, as an oracle for large c."""
    log_terms = [k * math.log(a) - math.lgamma(k + 1) for k in range(c)]
    log_last = c * math.log(a) - math.lgamma(c + 1) + math.log(c / (c - a))
    top = max(log_terms + [log_last])
    total = sum(math.exp(t - top) for t in log_terms) + math.exp(log_last - top)
    return math.exp(log_last - top) / total


def test_erlang_c_is_stable_for_many_servers():
    assert erlang_c(200, 180.0) == pytest.approx(_erlang_c_log_space(200, 180.0), rel=1e-9)
    assert erlang_c(5, 4.5) == pytest.approx(_erlang_c_log_space(5, 4.5), rel=1e-12)


def test_erlang_c_edges_and_arrays():
    got = erlang_c(np.array([1, 2, 3]), np.array([0.0, 2.0, 7.0]))
    np.testing.assert_allclose(got, [0.0, 1.0, 1.0])
    assert mean_wait_minutes(1, 0.0, 10.0) == 0.0
    assert mean_wait_minutes(1, 1.0, 10.0) == np.inf


def test_mean_wait_by_hand():
    """M/M/1, 3 arrivals an hour, 10-minute sessions: a = 0.5, W_q = 0.5 × 10 / 0.5 = 10 min.
    M/M/2, a = 1: W_q = (1/3) × 10 / (2 - 1) = 3.33 min.
    """
    assert mean_wait_minutes(1, 0.5, 10.0) == pytest.approx(10.0)
    assert mean_wait_minutes(2, 1.0, 10.0) == pytest.approx(10 / 3)


@given(SERVERS, LOAD, LOAD)
def test_wait_and_utilisation_grow_with_load(servers, a, b):
    low, high = sorted((a, b))
    assert erlang_c(servers, low) <= erlang_c(servers, high) + 1e-12
    assert mean_wait_minutes(servers, low, 8.0) <= mean_wait_minutes(servers, high, 8.0) + 1e-9
    q_low = peak_queue(np.array([low * 60]), 0.1, 10.0, servers)
    q_high = peak_queue(np.array([high * 60]), 0.1, 10.0, servers)
    assert q_low["utilisation"][0] <= q_high["utilisation"][0]
    assert 0.0 <= erlang_c(servers, high) <= 1.0


def test_peak_queue_by_hand():
    """100 sessions a week, 2% at peak: 2 an hour; 10-minute sessions on 1 unit: a = 1/3."""
    q = peak_queue(np.array([100.0]), 0.02, 10.0, 1)
    assert q["arrivals_per_hour"][0] == pytest.approx(2.0)
    assert q["capacity_per_hour"][0] == pytest.approx(6.0)
    assert q["utilisation"][0] == pytest.approx(1 / 3)
    assert q["wait_minutes"][0] == pytest.approx((1 / 3) * 10 / (2 / 3))
    zero = peak_queue(np.array([0.0]), 0.02, 10.0, 1)
    assert zero["wait_minutes"][0] == 0.0 and zero["p_wait"][0] == 0.0


# ---------------------------------------------------------------- array cores

def test_user_probability_by_hand():
    """p = 0.4, strength goal, rates 0.08 / 0.15 / 0.03:
    1 - (1 - 0.032)(1 - 0.15)(1 - 0.03) = 1 - 0.968 × 0.85 × 0.97 = 0.201884.
    """
    assert user_probability(0.4, 1.0, 0.08, 0.15, 0.03) == pytest.approx(0.201884, abs=1e-6)
    assert user_probability(0.4, 0.0, 0.08, 0.15, 0.0) == pytest.approx(0.032)


def test_expected_total_equals_the_segment_sum():
    rng = np.random.default_rng(1)
    draws, candidates, segments = 4, 3, 7
    weight = rng.uniform(0, 50, (draws, segments))
    back_pain = rng.uniform(0, 1, (draws, segments))
    need = rng.integers(0, 2, segments).astype(float)
    rates = [rng.uniform(0, 0.5, (draws, candidates)) for _ in range(3)]
    direct = (weight[:, None, :] * user_probability(
        back_pain[:, None, :], need, *(r[..., None] for r in rates))).sum(-1)
    np.testing.assert_allclose(expected_total(weight, back_pain, need, *rates), direct)


def test_visit_curves_cap_sessions_at_visits():
    """One segment with visits 0.5, 1 and 3 a week: Σ min(x, v) is 2.5 at x = 1,
    0.5 + 0.75 + 0.75 = 2.0 at x = 0.75, 4.5 from x = 3 on, 0 at x = 0.
    """
    curves = visit_curves(np.array([0.5, 1.0, 3.0]), np.zeros(3, dtype=int), 1)
    got = capped_visits(curves, np.array([0.0, 0.75, 1.0, 3.0, 10.0, 1.02]))
    np.testing.assert_allclose(got[:, 0], [0.0, 2.0, 2.5, 4.5, 4.5, 2.52], atol=1e-12)


def test_ramp_by_hand():
    """A = 3 months: averages over each month of min(1, t/3): 1/6, 1/2, 5/6, 1, 1.
    A = 1.5: 1/3, then (1.5² - 1)/3 + 0.5 = 0.916667, then 1. A = 0: 1 at once.
    """
    np.testing.assert_allclose(ramp_factor(np.arange(1, 6), 3.0), [1 / 6, 1 / 2, 5 / 6, 1, 1])
    np.testing.assert_allclose(ramp_factor(np.arange(1, 4), 1.5), [1 / 3, 0.916667, 1],
                               atol=1e-6)
    np.testing.assert_allclose(ramp_factor(np.arange(1, 3), 0.0), [1, 1])


# ---------------------------------------------------------------- wrappers, by hand

def test_forecast_by_hand(exposure):
    """Ten women of 35, desk workers training for strength, 2 visits a week; one machine of
    high back-care and posterior-chain relevance that needs a trainer (general: low).

    p = 0.459525 (see test_exposure); rates 0.08, 0.15, 0.03 × 0.1 = 0.003;
    u = 1 - (1 - 0.036762)(0.85)(0.997) = 0.183704; users = 1.837040;
    sessions = users × min(1, 2) = 1.837040 a week; back-pain users =
    10 × 0.459525 × (1 - 0.92 × 0.85 × 0.997) = 1.012546.
    Peak: 2% → 0.036741 an hour, a = 0.006123, wait = a × 10 / (1 - a) = 0.061612 min.
    """
    members = roster([{"occupation_activity": "desk", "training_goal": "strength"}] * 10)
    equipment = machines([{"equipment_id": "rh"}])
    out = forecast_usage(members, equipment, default_assumptions(), exposure=exposure,
                         as_of=AS_OF).set_index("scenario")
    row = out.loc["most_likely"]
    assert row["regular_users"] == pytest.approx(1.837040, abs=1e-6)
    assert row["weekly_sessions"] == pytest.approx(1.837040, abs=1e-6)
    assert row["back_pain_users"] == pytest.approx(1.012546, abs=1e-6)
    assert row["arrivals_per_hour"] == pytest.approx(0.036741, abs=1e-6)
    assert row["utilisation"] == pytest.approx(0.006123, abs=1e-6)
    assert row["wait_minutes"] == pytest.approx(0.061612, abs=1e-6)
    assert out.attrs["peak_source"] == "assumption peak_hour_share"
    assert out.loc["low", "weekly_sessions"] < row["weekly_sessions"] < out.loc[
        "high", "weekly_sessions"]


def test_sessions_capped_by_each_members_visits(exposure):
    """Half the members come 0.5 times a week: sessions = 5u × 1 + 5u × 0.5 = 1.377780."""
    members = roster([{"occupation_activity": "desk", "training_goal": "strength"}] * 5
                     + [{"occupation_activity": "desk", "training_goal": "strength",
                         "visits_per_week": 0.5}] * 5)
    out = forecast_usage(members, machines([{"equipment_id": "rh"}]), default_assumptions(),
                         exposure=exposure, as_of=AS_OF)
    assert out.loc[out["scenario"] == "most_likely", "weekly_sessions"].iloc[0] == (
        pytest.approx(1.377780, abs=1e-6))


def test_relevance_levels_of_the_demo_machines(demo):
    levels = relevance_levels(demo["equipment"]).pivot(index="equipment_id", columns="need",
                                                       values="level").astype(str)
    assert levels.loc["reverse_hyper"].to_dict() == {
        "back_care": "high", "posterior_chain": "high", "general_fitness": "low"}
    assert levels.loc["rower"].to_dict() == {
        "back_care": "low", "posterior_chain": "medium", "general_fitness": "high"}
    assert levels.loc["back_extension_45", "general_fitness"] == "medium"
    assert levels.loc["cable_tower", "posterior_chain"] == "low"


# ---------------------------------------------------------------- properties

def _core_inputs(exposure, visits, goals, uptake=None):
    members = roster([{"visits_per_week": v, "training_goal": g,
                       "occupation_activity": "desk" if i % 2 else None}
                      for i, (v, g) in enumerate(zip(visits, goals, strict=True))])
    segments = demand_segments(members, exposure, as_of=AS_OF)
    equipment = machines([{"equipment_id": "a"}, {"equipment_id": "b", "supervision": "none",
                           "back_care_relevance": "low", "muscles": "quadriceps"}])
    params = {name: np.array([a.most_likely]) for name, a in default_assumptions().items()
              if name in DRAWN}
    params.update(odds_ratio=np.array([1.47]), desk_share=np.array([0.45]),
                  uptake_factor=np.array([1.0]))
    if uptake is not None:
        params.update({f"uptake_{need}": np.array([uptake]) for need in
                       ("back_care", "posterior_chain", "general_fitness")})
    return segments, level_codes(equipment), np.array([10.0, 10.0]), np.array([1, 1]), params


VISITS = st.lists(st.floats(0.0, 14.0), min_size=1, max_size=12)
GOAL = st.sampled_from(["strength", "sport", "general_fitness", "rehab", None])


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_more_members_never_fewer_users(exposure, data):
    visits = data.draw(VISITS)
    goals = data.draw(st.lists(GOAL, min_size=len(visits), max_size=len(visits)))
    extra = data.draw(st.integers(0, len(visits) - 1))
    before = forecast_core(*_core_inputs(exposure, visits, goals))
    after = forecast_core(*_core_inputs(exposure, visits + [visits[extra]],
                                        goals + [goals[extra]]))
    assert np.all(after["regular_users"] >= before["regular_users"] - 1e-9)
    assert np.all(after["weekly_sessions"] >= before["weekly_sessions"] - 1e-9)


@settings(max_examples=40, deadline=None)
@given(VISITS, st.floats(0.0, 14.0), st.floats(0.0, 1.0))
def test_sessions_never_exceed_visits(exposure, visits, per_user, uptake):
    inputs = _core_inputs(exposure, visits, ["strength"] * len(visits), uptake)
    inputs[-1]["sessions_per_user_week"] = np.array([per_user])
    out = forecast_core(*inputs)
    assert np.all(out["weekly_sessions"] <= sum(visits) + 1e-9)
    assert np.all(out["regular_users"] <= len(visits) + 1e-9)


def test_zero_uptake_gives_zero_sessions(exposure):
    out = forecast_core(*_core_inputs(exposure, [1.0, 3.0, 2.0], ["strength", None, "sport"],
                                      uptake=0.0))
    assert np.all(out["weekly_sessions"] == 0) and np.all(out["regular_users"] == 0)
    assert np.all(out["wait_minutes"] == 0) and np.all(out["utilisation"] == 0)


def test_draws_axis_matches_draw_by_draw(exposure):
    segments, levels, minutes, servers, params = _core_inputs(
        exposure, [1.0, 3.0, 2.0, 0.5], ["strength", None, "sport", "rehab"])
    rng = np.random.default_rng(3)
    many = {name: rng.uniform(0.5, 1.5, 5) * value for name, value in params.items()}
    together = forecast_core(segments, levels, minutes, servers, many)
    assert together["weekly_sessions"].shape == (5, 2)
    for d in range(5):
        alone = forecast_core(segments, levels, minutes, servers,
                              {name: value[d:d + 1] for name, value in many.items()})
        for key, value in alone.items():
            np.testing.assert_allclose(together[key][d], value[0], rtol=1e-12)


# ---------------------------------------------------------------- demo club

def test_demo_forecast_magnitudes(demo, exposure):
    """Demo club (synthetic, 1,585 active members), most likely, full adoption:
    reverse hyper about 125 regular users and 105 sessions a week; at the busiest hour
    (Mon 18:00, 1.85% of weekly check-ins) about 1.9 sessions an hour against a capacity of 6,
    busy about 32% of the hour with a mean wait of about 5 minutes (M/M/1).
    """
    out = forecast_usage(demo["members"], demo["equipment"], demo["assumptions"],
                         demo["checkins"])
    assert out.attrs["peak_source"] == "check-in log" and out.attrs["peak_hour"] == "Mon 18:00"
    rh = out.loc[(out["equipment_id"] == "reverse_hyper")].set_index("scenario")
    likely = rh.loc["most_likely"]
    assert 90 < likely["regular_users"] < 160
    assert 80 < likely["weekly_sessions"] < 130
    assert 0.015 < likely["peak_share"] < 0.022
    assert 0.2 < likely["utilisation"] < 0.45 and 2 < likely["wait_minutes"] < 10
    assert rh["weekly_sessions"].is_monotonic_increasing
    assert (out["back_pain_users"] <= out["regular_users"]).all()
    total_visits = demo["members"].loc[demo["members"]["status"] == "active",
                                       "visits_per_week"].sum()
    assert (out["weekly_sessions"] < total_visits).all()
    pd.testing.assert_frame_equal(out, forecast_usage(
        demo["members"], demo["equipment"], demo["assumptions"], demo["checkins"]))
    curve = adoption_curve(out, demo["assumptions"], months=12)
    full = curve.loc[(curve["equipment_id"] == "reverse_hyper")
                     & (curve["scenario"] == "most_likely")]
    assert full["weekly_sessions"].iloc[-1] == pytest.approx(likely["weekly_sessions"])
    assert full["ramp"].iloc[0] == pytest.approx(1 / 6)  # adoption over 3 months


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
    """Demo: back extension forecast 119.7 a week, log 105.6, so the factor is about 0.88."""
    cal = calibrate_uptake(demo["members"], demo["equipment"], demo["usage"],
                           demo["assumptions"], "reverse_hyper", demo["checkins"])
    assert cal.comparable == "back_extension_45"
    assert 0.8 < cal.factor < 0.95
    table = cal.table.set_index("quantity")
    model = table.loc["weekly sessions on back_extension_45: model"]
    log = table.loc["weekly sessions on back_extension_45: log"]
    assert model["after"] == pytest.approx(log["after"], rel=1e-9)
    assert model["before"] == pytest.approx(119.7, abs=0.5)
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
