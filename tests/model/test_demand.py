"""Usage forecast: uptake by segment, sessions bounded by visits, relevance, adoption."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluate.data.assumptions import default_assumptions
from evaluate.model.demand import (
    DRAWN,
    adoption_curve,
    capped_visits,
    demand_segments,
    expected_total,
    forecast_core,
    forecast_usage,
    level_codes,
    peak_share,
    ramp_factor,
    relevance_levels,
    segment_moments,
    user_probability,
    visit_curves,
)
from model_support import AS_OF, machines, roster

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


def elementwise_moments(weight, back_pain, posterior_need):
    """The segment moments as the forecast first summed them: elementwise, then along segments."""
    w, p, q = (np.asarray(x, dtype=float) for x in (weight, back_pain, posterior_need))
    return tuple(np.asarray(m)[..., None] for m in
                 (w.sum(-1), (w * q).sum(-1), (w * p).sum(-1), (w * p * q).sum(-1)))


@pytest.mark.parametrize("weight_per_draw", [False, True])
@pytest.mark.parametrize("pain_per_draw", [False, True])
def test_segment_moments_match_the_elementwise_sums(weight_per_draw, pain_per_draw):
    """The matrix products (rewritten for speed) give the elementwise sums to 1e-12 relative."""
    rng = np.random.default_rng(3)
    draws, segments = 50, 197
    weight = rng.uniform(0, 80, (draws, segments) if weight_per_draw else segments)
    back_pain = rng.uniform(0, 1, (draws, segments) if pain_per_draw else segments)
    need = rng.integers(0, 2, segments).astype(float)
    found = segment_moments(weight, back_pain, need)
    for got, want in zip(found, elementwise_moments(weight, back_pain, need), strict=True):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)


def test_model_with_owned_machines_is_unchanged_by_the_faster_moments(demo, monkeypatch):
    """Every output of the Monte Carlo's core, beside owned machines (substitution and second
    units), equals the one of the elementwise moments (the forecast as first written) to 1e-12
    of its scale: the moments computed once and by matrix products change only rounding.
    """
    from evaluate.model import demand
    from evaluate.model.prepared import model_core, model_inputs
    from evaluate.model.sampling import draw_assumptions

    model = model_inputs(demo["members"], demo["equipment"], demo["assumptions"],
                         checkins=demo["checkins"], owned=demo["equipment"])
    assert model.owned.ids and (model.same_as >= 0).any() and (model.same_as < 0).any()
    values = draw_assumptions(model.ranges, 2_000, 11)
    fast = model_core(model, values)
    monkeypatch.setattr(demand, "segment_moments", elementwise_moments)
    first = model_core(model, values)
    assert fast.keys() == first.keys()
    for key, want in first.items():
        scale = np.max(np.abs(want[np.isfinite(want)]), initial=0.0)
        np.testing.assert_allclose(fast[key], want, rtol=1e-12, atol=1e-12 * scale,
                                   err_msg=key)


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


@pytest.mark.parametrize("rows", ["one row", "two days", "every visit at 18:00"])
def test_a_log_too_short_or_odd_for_the_busiest_hour_leaves_the_assumption(demo, rows):
    """Measured, the one-row log's busiest hour held 100% of the week's visits: the reverse
    hyper was "busy 1540% of the time" with an infinite wait. Such a log is not used."""
    log = demo["checkins"]
    day = log["timestamp"].dt.normalize()
    odd = {"one row": log.head(1), "two days": log.loc[day < day.min() + pd.Timedelta(days=2)],
           "every visit at 18:00": log.assign(timestamp=day + pd.Timedelta(hours=18))}[rows]
    a = demo["assumptions"]["peak_hour_share"]
    peak = peak_share(odd, demo["assumptions"])
    assert (peak.value, peak.source) == ((a.low, a.most_likely, a.high),
                                         "assumption peak_hour_share")
    assert peak.hour is None and peak.note.startswith(("it covers", "its check-ins fall"))
    out = forecast_usage(demo["members"], demo["equipment"], demo["assumptions"], odd)
    assert out.attrs["peak_note"] == peak.note and out.attrs["peak_hour"] is None
    likely = out.loc[out["scenario"] == "most_likely"]
    assert (likely["utilisation"] < 1).all() and np.isfinite(likely["wait_minutes"]).all()
    measured = forecast_usage(demo["members"], demo["equipment"], demo["assumptions"], log)
    assert measured.attrs["peak_note"] is None and measured.attrs["peak_hour"] == "Mon 18:00"
    assert peak_share(None, demo["assumptions"]).note is None  # no log: nothing to explain
