"""Monte Carlo: reproducible runs, tidy bands, the tornado, calibration, adoption."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from evaluate.model.demand import forecast_usage
from evaluate.model.prepared import RELEVANCE_PREFIX, ModelInputs, model_inputs
from evaluate.model.uncertainty import (
    BAND_METRICS,
    one_way_swings,
    one_way_swings_from_inputs,
    probability_positive,
    simulate,
    simulate_from_inputs,
)
from model_support import fixed

DRAWS = 2_000


def without_price_ranges(equipment: pd.DataFrame) -> pd.DataFrame:
    return equipment.assign(price_low=np.nan, price_high=np.nan)


def labels_as_given(inputs: ModelInputs) -> ModelInputs:
    """The prepared model with every back-care relevance label fixed at its label."""
    return dataclasses.replace(inputs, ranges={
        name: (r[1],) * 3 if name.startswith(RELEVANCE_PREFIX) else r
        for name, r in inputs.ranges.items()})


# ---------------------------------------------------------------- the Monte Carlo

def test_simulate_is_reproducible_and_seeds_differ(demo):
    args = (demo["members"], demo["equipment"], demo["assumptions"])
    one = simulate(*args, draws=DRAWS, seed=11)
    again = simulate(*args, draws=DRAWS, seed=11)
    other = simulate(*args, draws=DRAWS, seed=12)
    assert one.draws.keys() == again.draws.keys()
    for key, values in one.draws.items():
        assert values.shape == (DRAWS, len(demo["equipment"]))
        np.testing.assert_array_equal(values, again.draws[key])
    pd.testing.assert_frame_equal(one.bands, again.bands)
    assert not np.array_equal(one.draws["npv"], other.draws["npv"])


def test_the_npv_counting_measured_and_published_items_is_banded_with_its_chance(demo):
    """Every benefit of the demo is an assumption, but a machine's new joins from a published
    source: the sourced NPV is minus the costs' present value for the others (no chance of
    being positive) and counts the published joins for it."""
    equipment = demo["equipment"].assign(new_joins_per_year=np.nan, new_joins_source="")
    equipment.loc[0, ["new_joins_per_year", "new_joins_source"]] = [
        4.0, "Example et al. 2020, Journal of Club Studies"]
    assumptions = {name: a.model_copy(update={"source": "Example et al. 2020"})
                   if name == "dues_contribution_margin" else a
                   for name, a in demo["assumptions"].items()}
    result = simulate(demo["members"], equipment, assumptions, draws=DRAWS, seed=3)
    draws = result.draws
    others = slice(1, None)
    np.testing.assert_allclose(draws["npv_sourced"][:, others], -draws["pv_costs"][:, others])
    np.testing.assert_allclose(draws["npv_sourced"][:, 0],
                               draws["pv_new_joins"][:, 0] - draws["pv_costs"][:, 0])
    summary = result.summary.set_index("equipment_id")
    np.testing.assert_array_equal(summary["p_npv_positive_sourced"],
                                  probability_positive(draws["npv_sourced"]))
    assert (summary["p_npv_positive_sourced"].iloc[1:] == 0).all()
    assert summary["p_npv_positive_sourced"].iloc[0] > 0
    band = result.band("npv_sourced")
    assert (band["p90"].iloc[1:] < 0).all()
    assert (band["p50"] <= result.band("npv")["p50"]).all()  # fewer items, never more money


def test_adding_a_candidate_changes_no_other_candidates_draws(demo):
    m, e, a = demo["members"], demo["equipment"], demo["assumptions"]
    three = simulate(m, e.iloc[:3], a, draws=DRAWS, seed=5)
    four = simulate(m, e.iloc[[3, 0, 1, 2]], a, draws=DRAWS, seed=5)  # new one put first
    np.testing.assert_array_equal(three.draws["npv"], four.draws["npv"][:, 1:])


def test_result_frames_are_tidy(demo):
    result = simulate(demo["members"], demo["equipment"], demo["assumptions"], draws=DRAWS,
                      seed=3, method="triangular")
    ids = list(demo["equipment"]["equipment_id"])
    bands = result.bands
    assert list(bands.columns) == ["equipment_id", "metric", "unit", "p10", "p50", "p90",
                                   "mean"]
    assert len(bands) == len(ids) * len(BAND_METRICS)
    assert (bands["p10"] <= bands["p50"]).all() and (bands["p50"] <= bands["p90"]).all()
    assert result.summary["equipment_id"].tolist() == ids
    npv = bands[bands["metric"] == "npv"].set_index("equipment_id")
    np.testing.assert_allclose(npv.loc[ids, "p50"],
                               np.quantile(result.draws["npv"], 0.5, axis=0,
                                           method="inverted_cdf"))
    assert result.inputs["discount_rate"].shape == (DRAWS, 1)


def test_monte_carlo_median_is_the_deterministic_result_where_the_model_is_linear(demo):
    """Only trainer_session_price varies, symmetrically (40, 55, 70), and NPV is linear in it,
    so the median NPV converges on the NPV at 55. PERT(40, 55, 70) has sd 5.67, so the median
    of 10,000 draws has a standard error of about 1.2533 × 5.67 / 100 = 0.071 in price, 0.24%
    of the 30-wide range. Tolerance: 1% of the tornado swing of that price (about 4 s.e.)."""
    m, e = demo["members"], without_price_ranges(demo["equipment"])
    a = fixed(demo["assumptions"], trainer_session_price=(40.0, 55.0, 70.0))
    inputs = labels_as_given(model_inputs(m, e, a))
    result = simulate_from_inputs(inputs, draws=10_000, seed=21)
    swings = one_way_swings_from_inputs(inputs, "reverse_hyper").set_index("assumption")
    line = swings.loc["trainer_session_price"]
    assert line["swing"] > 0
    median = np.median(result.draws["npv"][:, 0])
    assert median == pytest.approx(swings.attrs["npv_most_likely"], abs=0.01 * line["swing"])
    assert (swings.drop(index="trainer_session_price")["swing"] == 0).all()


def test_probability_of_positive_npv_is_one_or_zero_at_the_extremes(demo):
    m, a = demo["members"], demo["assumptions"]
    free = demo["equipment"].assign(price=0.0, price_low=0.0, price_high=0.0,
                                    installation_cost=0.0, annual_maintenance=0.0,
                                    footprint_m2=0.0)
    gains = fixed(a, new_joins_per_year=(1.0, 2.0, 3.0))  # every draw has joins: NPV > 0
    assert (simulate(m, free, gains, draws=DRAWS, seed=1).summary["p_npv_positive"] == 1).all()
    dear = demo["equipment"].assign(price=1e9, price_low=1e9, price_high=2e9)
    assert (simulate(m, dear, a, draws=DRAWS, seed=1).summary["p_npv_positive"] == 0).all()
    assert probability_positive(np.array([[1.0, -1.0], [2.0, 0.0]])).tolist() == [1.0, 0.0]


# ---------------------------------------------------------------- tornado

def test_tornado_swings_are_sorted_non_negative_and_zero_without_range(demo):
    m, e, a = demo["members"], demo["equipment"], demo["assumptions"]
    swings = one_way_swings(m, e, a, "reverse_hyper")
    assert list(swings.columns) == ["assumption", "unit", "low_value", "high_value",
                                    "npv_at_low", "npv_at_high", "swing"]
    assert (swings["swing"] >= 0).all()
    assert swings["swing"].is_monotonic_decreasing
    by_name = swings.set_index("assumption")
    assert a["horizon_years"].low == a["horizon_years"].high
    assert by_name.loc["horizon_years", "swing"] == 0
    assert by_name.loc["price", ["low_value", "high_value"]].tolist() == [500.0, 1000.0]
    assert by_name.loc["price", "npv_at_low"] > by_name.loc["price", "npv_at_high"]
    assert by_name.loc["discount_rate", "low_value"] == a["discount_rate"].low
    with pytest.raises(ValueError, match="unknown candidate 'treadmill'"):
        one_way_swings(m, e, a, "treadmill")


def test_a_model_prepared_once_gives_the_same_simulation_and_swings(demo):
    """From one prepared model of every candidate: the frame versions' results, exactly."""
    m, e, a = demo["members"], demo["equipment"], demo["assumptions"]
    inputs = model_inputs(m, e, a)
    once = simulate_from_inputs(inputs, draws=DRAWS, seed=7, method="triangular")
    again = simulate(m, e, a, draws=DRAWS, seed=7, method="triangular")
    for key, values in once.draws.items():
        np.testing.assert_array_equal(values, again.draws[key])
    pd.testing.assert_frame_equal(once.bands, again.bands, check_exact=True)
    for candidate in e["equipment_id"]:
        pd.testing.assert_frame_equal(one_way_swings_from_inputs(inputs, candidate),
                                      one_way_swings(m, e, a, candidate), check_exact=True)
    with pytest.raises(ValueError, match="unknown candidate 'treadmill'"):
        one_way_swings_from_inputs(inputs, "treadmill")


def test_each_candidate_can_have_its_own_calibration_factor(demo):
    """A factor per candidate gives each the result of calibrating it alone."""
    from evaluate.model.calibration import Calibration

    members, equipment, assumptions = demo["members"], demo["equipment"], demo["assumptions"]
    ids = list(equipment["equipment_id"])

    def calibration(factor: float) -> Calibration:
        return Calibration(factor, None, "test", pd.DataFrame())

    per_candidate = {ids[0]: calibration(0.5), ids[2]: calibration(2.0)}
    mixed = simulate(members, equipment, assumptions, draws=200, seed=3,
                     calibration=per_candidate)
    for i, factor in ((0, 0.5), (1, 1.0), (2, 2.0)):
        alone = simulate(members, equipment, assumptions, draws=200, seed=3,
                         calibration=calibration(factor))
        np.testing.assert_allclose(mixed.draws["weekly_sessions"][:, i],
                                   alone.draws["weekly_sessions"][:, i])
    forecast = forecast_usage(members, equipment, assumptions,
                              uptake_factor={ids[0]: 0.5, ids[2]: 2.0})
    for i, factor in ((0, 0.5), (1, 1.0), (2, 2.0)):
        alone = forecast_usage(members, equipment, assumptions, uptake_factor=factor)
        pick = forecast["equipment_id"] == ids[i]
        np.testing.assert_allclose(forecast.loc[pick, "weekly_sessions"],
                                   alone.loc[alone["equipment_id"] == ids[i],
                                             "weekly_sessions"])


def test_adoption_band_holds_the_draws_and_keeps_the_deterministic_line(demo):
    """P10 <= line <= P90 each month; once every draw has adopted, the band is the sessions'."""
    from evaluate.model.demand import adoption_curve
    from evaluate.model.uncertainty import adoption_band

    m, e, a = demo["members"], demo["equipment"], demo["assumptions"]
    result = simulate(m, e, a, draws=400, seed=5)
    curve = adoption_curve(forecast_usage(m, e, a), a)
    band = adoption_band(result, months=24, most_likely=curve)
    wide = band.pivot_table(index=["equipment_id", "month"], columns="scenario",
                            values="weekly_sessions", observed=True)
    assert (wide["low"] <= wide["most_likely"] + 1e-9).all()
    assert (wide["most_likely"] <= wide["high"] + 1e-9).all()
    assert band.attrs["band"].startswith("P10-P90")
    line = curve[curve["scenario"] == "most_likely"].set_index(["equipment_id", "month"])
    np.testing.assert_allclose(wide["most_likely"], line["weekly_sessions"].reindex(wide.index))
    slowest = a["adoption_months"].high
    late = band[band["month"] > slowest + 1]
    bands = result.bands[result.bands["metric"] == "weekly_sessions"].set_index("equipment_id")
    for row in late[late["scenario"] == "high"].itertuples():
        assert row.weekly_sessions == pytest.approx(bands.loc[row.equipment_id, "p90"])
