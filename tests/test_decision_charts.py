"""Decision-report charts: plain names, units in titles, privacy, small figures, right order."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from evaluate.data.assumptions import load_assumptions
from evaluate.data.checkins import load_checkins
from evaluate.data.equipment import load_equipment
from evaluate.data.members import load_members
from evaluate.mcda.criteria import DecisionCriteria
from evaluate.mcda.portfolio import value_for_money
from evaluate.mcda.robustness import rank_acceptability
from evaluate.mcda.scoring import contributions
from evaluate.model.demand import adoption_curve, forecast_usage
from evaluate.model.exposure import exposure_by_segment
from evaluate.model.finance import finance_summary
from evaluate.model.uncertainty import one_way_swings, simulate
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports.decision import charts as dc
from evaluate.reports.decision.margin import margin_tornado
from evaluate.reports.decision.matrix import decision_draws, decision_matrix
from evaluate.reports.member_profile import age_sex_table, select_members
from evaluate.reports.privacy import suppress_small_groups

NAMES = {"rh": "Reverse hyperextension", "bx": "45-degree back extension", "rw": "Rowing machine"}


def notes(fig: go.Figure) -> str:
    """Every annotation's text, joined (footnotes, column headers, labels)."""
    return " | ".join(a.text for a in fig.layout.annotations)


def texts(fig: go.Figure) -> list[str]:
    """Category labels and point texts of every trace, as strings."""
    out: list[str] = []
    for trace in fig.data:
        for key in ("y", "text"):
            values = getattr(trace, key, None)
            if values is not None and not isinstance(values, str):
                out += [str(v) for v in np.ravel(np.asarray(values, dtype=object))]
    return out


# ------------------------------------------------------------------ score contributions

@pytest.fixture
def contribution_table() -> pd.DataFrame:
    matrix = pd.DataFrame({"weekly_uses": [100.0, 120.0, 70.0], "npv": [20e3, 25e3, 10e3],
                           "floor_space": [4.3, 3.8, 2.5]}, index=["rh", "bx", "rw"])
    return contributions(matrix, {"weekly_uses": 2, "npv": 2, "floor_space": 1},
                         {"weekly_uses": "max", "npv": "max", "floor_space": "min"})


def test_contributions_best_on_top_named_in_plain_words(contribution_table):
    fig = dc.score_contributions_chart(contribution_table, NAMES)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [b.name for b in bars] == ["Weekly uses", "Net present value", "Floor space"]
    totals = contribution_table.groupby("alternative")["contribution"].sum()
    expected = [NAMES[a] for a in totals.sort_values(ascending=False).index]
    assert list(bars[0].y) == expected  # listed best first ...
    assert fig.layout.yaxis.autorange == "reversed"  # ... and drawn top down
    stacked = np.sum([b.x for b in bars], axis=0)
    np.testing.assert_allclose(stacked, totals.sort_values(ascending=False).to_numpy())
    label = next(t for t in fig.data if t.type == "scatter")
    assert [s.strip() for s in label.text] == [f"{v:.2f}" for v in
                                               totals.sort_values(ascending=False)]
    assert fig.layout.barmode == "stack"
    assert "0–1" in fig.layout.xaxis.title.text
    assert fig.layout.title.text
    assert "worst of these machines" in notes(fig)  # min-max explained


# ------------------------------------------------------------------ value for money

def test_value_for_money_frontier_is_a_step_through_the_frontier_points():
    scores = pd.Series({"rh": 0.8, "bx": 0.5, "rw": 0.2, "x": 0.4})
    costs = pd.Series({"rh": 2500.0, "bx": 900.0, "rw": 400.0, "x": 1500.0})
    table = value_for_money(scores, costs)
    fig = dc.value_for_money_chart(table, {**NAMES, "x": "Cable tower"}, currency="EUR",
                                   cost_label="Up-front cost: price plus installation")
    line = next(t for t in fig.data if t.mode == "lines")
    assert line.line.shape == "hv"
    assert list(line.x) == [400.0, 900.0, 2500.0]  # the frontier, by cost
    assert list(line.y) == [0.2, 0.5, 0.8]
    points = next(t for t in fig.data if t.mode == "markers+text")
    assert set(points.text) == {"Reverse hyperextension", "45-degree back extension",
                                "Rowing machine", "Cable tower"}
    hollow = [s for s, name in zip(points.marker.symbol, points.text, strict=True)
              if name == "Cable tower"]
    assert hollow == ["circle-open"]  # dominated: 0.4 at 1,500 vs 0.5 at 900
    assert fig.layout.xaxis.title.text == "Cost (EUR)"
    assert "higher is better" in fig.layout.yaxis.title.text
    assert "Up-front cost: price plus installation (EUR)" in notes(fig)


def test_a_single_frontier_point_draws_no_line():
    table = value_for_money(pd.Series({"rh": 0.9, "bx": 0.5}), pd.Series({"rh": 500.0,
                                                                        "bx": 900.0}))
    fig = dc.value_for_money_chart(table, NAMES, currency="USD")
    assert not [t for t in fig.data if t.mode == "lines"]
    assert "Solid dot" in notes(fig)


def test_close_labels_are_moved_apart():
    x = np.array([100.0, 101.0, 500.0])
    y = np.array([0.50, 0.49, 0.10])
    positions = dc._label_positions(x, y, ["Machine one", "Machine two", "Far"], 600.0, 1.0,
                                    above=np.zeros(3, bool))
    assert positions[0] != positions[1]  # two labels for nearly the same spot
    assert positions[2] == "middle right"  # a lone point keeps the default


# ------------------------------------------------------------------ adoption

@pytest.fixture
def curve() -> pd.DataFrame:
    rows = []
    for eid, full in (("rh", 100.0), ("bx", 80.0)):
        for scenario, factor, months in (("low", 0.5, 6), ("most_likely", 1.0, 3),
                                         ("high", 1.5, 1)):
            for month in range(1, 13):
                ramp = min(month / months, 1.0)
                rows.append((eid, scenario, month, ramp, ramp * full * factor))
    return pd.DataFrame(rows, columns=["equipment_id", "scenario", "month", "ramp",
                                       "weekly_sessions"])


def test_adoption_has_a_panel_per_machine_with_line_and_band(curve):
    fig = dc.adoption_chart(curve, NAMES)
    panel_titles = [a.text for a in fig.layout.annotations][:2]
    assert panel_titles == ["Reverse hyperextension", "45-degree back extension"]
    bands = [t for t in fig.data if t.fill == "toself"]
    lines = [t for t in fig.data if t.mode == "lines" and t.fill != "toself"]
    assert len(bands) == len(lines) == 2
    rh_high = curve.query("equipment_id == 'rh' and scenario == 'high'")["weekly_sessions"]
    rh_low = curve.query("equipment_id == 'rh' and scenario == 'low'")["weekly_sessions"]
    np.testing.assert_allclose(bands[0].y, np.r_[rh_high, rh_low[::-1]])
    assert lines[0].name == "Reverse hyperextension"
    assert "100 a week" in notes(fig)  # the full-adoption level at the line's end
    assert fig.layout.xaxis.title.text == "Months after installation"
    assert fig.layout.yaxis.title.text == "Sessions per week"


def test_adoption_picks_candidates_and_rejects_unknown_ones(curve):
    fig = dc.adoption_chart(curve, NAMES, candidates=["bx"])
    assert [t.name for t in fig.data if t.mode == "lines" and t.fill != "toself"] == [
        "45-degree back extension"]
    with pytest.raises(ValueError, match="no adoption curve for 'zz'"):
        dc.adoption_chart(curve, NAMES, candidates=["zz"])


# ------------------------------------------------------------------ NPV distribution

def test_npv_summary_matches_the_draws():
    rng = np.random.default_rng(0)
    draws = {"rh": rng.normal(1000, 2000, 5000), "bx": rng.normal(-500, 100, 5000)}
    summary = dc.npv_summary(draws)
    assert list(summary["equipment_id"]) == ["rh", "bx"]
    for row in summary.itertuples():
        v = draws[row.equipment_id]
        np.testing.assert_allclose([row.p10, row.p50, row.p90], np.quantile(
            v, (0.1, 0.5, 0.9), method="inverted_cdf"))
        assert row.p_positive == pytest.approx(np.mean(v > 0))
    frame = dc.npv_summary(pd.DataFrame(draws))  # one column per machine works too
    pd.testing.assert_frame_equal(frame, summary)


def test_npv_chart_is_small_ordered_and_marks_zero():
    rng = np.random.default_rng(1)
    ids = [f"m{i}" for i in range(6)]
    draws = {eid: rng.normal(1000 * i, 3000, 10_000) for i, eid in enumerate(ids)}
    names = {eid: f"Machine {i}" for i, eid in enumerate(ids)}
    fig = dc.npv_distribution_chart(draws, names, currency="USD")
    size = len(fig.to_json())
    assert size < 50_000, size
    assert all(len(t.x) <= 6 for t in fig.data)  # summaries, not draws
    bar = fig.data[0]
    assert list(bar.y) == [f"Machine {i}" for i in range(5, -1, -1)]  # best median on top
    assert fig.layout.xaxis.title.text == "Net present value (USD)"
    assert any(s.x0 == 0 and s.x1 == 0 for s in fig.layout.shapes)  # the NPV = 0 line
    assert "Chance<br>above 0" in notes(fig)
    p = float(np.mean(draws["m5"] > 0))
    assert dc._probability(p) in [a.text for a in fig.layout.annotations]


@pytest.mark.parametrize(("p", "text"), [(0.0, "0%"), (0.003, "<1%"), (0.42, "42%"),
                                         (0.9991, ">99%"), (1.0, "100%")])
def test_probabilities_never_round_to_certainty(p, text):
    assert dc._probability(p) == text


# ------------------------------------------------------------------ tornado

@pytest.fixture
def swings() -> pd.DataFrame:
    frame = pd.DataFrame({
        "assumption": ["uptake_back_care", "discount_rate", "floor_cost_per_m2_year",
                       "horizon_years", "price", "new_joins_per_year"],
        "unit": ["fraction", "fraction/year", "currency/m2/year", "years", "currency",
                 "members/year"],
        "low_value": [0.04, 0.04, 50.0, 5.0, 500.0, 0.0],
        "high_value": [0.15, 0.10, 300.0, 5.0, 1000.0, 6.0],
        "npv_at_low": [900.0, 1200.0, 1300.0, 1000.0, 1100.0, -400.0],
        "npv_at_high": [1500.0, 800.0, 600.0, 1000.0, 900.0, 3000.0]})
    frame["swing"] = (frame["npv_at_high"] - frame["npv_at_low"]).abs()
    frame.attrs["npv_most_likely"] = 1000.0
    return frame


def test_tornado_sorted_by_swing_limited_and_labelled(swings):
    fig = dc.tornado_chart(swings, "npv_at_low", "npv_at_high",
                           swings.attrs["npv_most_likely"], value_title="Net present value (GBP)",
                           currency="GBP", top=3, zero_label="NPV = 0",
                           assumption_labels={"new_joins_per_year": "New members a year"})
    low, high = fig.data
    assert list(low.y) == ["New members a year", "Floor cost per m2 year", "Uptake back care"]
    np.testing.assert_allclose(low.base, 1000.0)
    np.testing.assert_allclose(np.asarray(low.x) + 1000.0, [-400.0, 1300.0, 900.0])
    np.testing.assert_allclose(np.asarray(high.x) + 1000.0, [3000.0, 600.0, 1500.0])
    labels = notes(fig)
    assert "0 members/year" in labels and "6 members/year" in labels
    assert "50 GBP/m²/year" in labels and "300 GBP/m²/year" in labels
    assert "4%" in labels and "15%" in labels
    assert "Most likely: 1,000" in labels and "NPV = 0" in labels
    assert fig.layout.xaxis.title.text == "Net present value (GBP)"
    assert "low end" in fig.layout.title.subtitle.text


def test_tornado_drops_inputs_that_move_nothing(swings):
    fig = dc.tornado_chart(swings, "npv_at_low", "npv_at_high", 1000.0,
                           value_title="Net present value (USD)")
    assert len(fig.data[0].y) == 5  # horizon_years has no range
    assert "Horizon years" not in fig.data[0].y
    assert list(dc.tornado_rows(swings, "npv_at_low", "npv_at_high", 2)["assumption"]) == [
        "new_joins_per_year", "floor_cost_per_m2_year"]  # swings 3,400 and 700


def test_tornado_names_a_machines_price_by_its_name():
    frame = pd.DataFrame({"assumption": ["price (rh)"], "unit": ["currency"],
                          "low_value": [500.0], "high_value": [1000.0],
                          "margin_at_low": [0.2], "margin_at_high": [0.1]})
    fig = dc.tornado_chart(frame, "margin_at_low", "margin_at_high", 0.15, names=NAMES,
                           value_title="Lead over the runner-up (score points)",
                           currency="USD")
    assert list(fig.data[0].y) == ["Reverse hyperextension price"]
    assert "1,000 USD" in notes(fig)


@pytest.mark.parametrize(("value", "unit", "text"), [
    (0.04, "fraction", "4%"), (0.015, "fraction", "1.5%"), (0.1, "fraction/year", "10% a year"),
    (50.0, "currency/m2/year", "50 EUR/m²/year"), (1.12, "odds ratio", "1.12 odds ratio"),
    (0.5, "position in the published interval (0 low, 1 high)", "0.5"),
    (2399.99, "currency", "2,400 EUR")])
def test_values_read_in_plain_units(value, unit, text):
    assert dc.value_with_unit(value, unit, "EUR") == text


# ------------------------------------------------------------------ rank acceptability

def test_rank_heatmap_orders_by_expected_rank_and_prints_percents():
    frame = pd.DataFrame({"alternative": np.repeat(["rh", "bx", "rw"], 3),
                          "rank": np.tile([1, 2, 3], 3),
                          "probability": [0.3, 0.6, 0.1, 0.7, 0.3, 0.0, 0.0, 0.1, 0.9]})
    frame.attrs["draws"] = 2000
    fig = dc.rank_acceptability_chart(frame, NAMES)
    heat = fig.data[0]
    assert list(heat.y) == ["45-degree back extension", "Reverse hyperextension",
                            "Rowing machine"]
    assert list(heat.x) == ["1st", "2nd", "3rd"]
    assert [list(r) for r in heat.text] == [["70%", "30%", ""], ["30%", "60%", "10%"],
                                            ["", "10%", "90%"]]
    assert "2,000 simulated futures" in notes(fig)
    assert fig.layout.xaxis.title.text == "Rank (1st = best)"
    same = dc.rank_acceptability_chart(frame.rename(columns={"alternative": "equipment_id"}),
                                       NAMES)
    assert list(same.data[0].y) == list(heat.y)


# ------------------------------------------------------------------ exposure pyramid

@pytest.fixture
def exposure_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    counts = [120, 100, 14, 90, 80, 3, 60, 50, 4]
    age_sex = pd.DataFrame({"age_band": np.repeat(["18–29", "30–44", "45–64"], 3),
                            "sex": ["Women", "Men", "Another or not stated"] * 3,
                            "members": counts})
    age_sex["share"] = age_sex["members"] / age_sex["members"].sum()
    age_sex = suppress_small_groups(age_sex)
    rows = []
    for band, (f, m, x) in zip(["18-29", "30-44", "45-64"], np.reshape(counts, (3, 3)),
                               strict=True):
        for sex, n in (("F", f), ("M", m), ("X", x)):  # two activities per age and sex
            rows += [(band, sex, "desk", n - n // 2, 0.4 * (n - n // 2)),
                     (band, sex, "active", n // 2, 0.25 * (n // 2))]
    segments = pd.DataFrame(rows, columns=["age_band", "sex", "activity", "members",
                                           "expected_with_back_pain_most_likely"])
    return age_sex, segments


def test_aggregate_exposure_sums_segments_and_hides_small_groups(exposure_tables):
    age_sex, segments = exposure_tables
    table = dc.aggregate_exposure(age_sex, segments)
    women = table.loc[(table["age_band"] == "18–29") & (table["sex"] == "Women")].iloc[0]
    assert women["expected_with_back_pain"] == pytest.approx(0.4 * 60 + 0.25 * 60)
    hidden = table["suppressed"]
    assert hidden.sum() == 2  # 3 and 4 members
    assert table.loc[hidden, "expected_with_back_pain"].isna().all()
    assert table.loc[~hidden, "expected_with_back_pain"].notna().all()


def test_aggregate_exposure_refuses_tables_of_different_members(exposure_tables):
    age_sex, segments = exposure_tables
    other = segments.assign(members=segments["members"] + 5)
    with pytest.raises(ValueError, match="same members and date"):
        dc.aggregate_exposure(age_sex, other)


def test_pyramid_never_plots_a_suppressed_group(exposure_tables):
    table = dc.aggregate_exposure(*exposure_tables)
    fig = dc.exposure_pyramid_chart(table)
    other = [t for t in fig.data if t.xaxis == "x3"]  # the third panel
    assert len(other) == 2
    for trace in other:
        assert list(trace.x)[1:] == [None, None]  # 30–44 and 45–64 hidden
        assert list(trace.text)[1:] == ["", ""]
    assert list(other[0].x)[0] == 14
    women = fig.data[0]
    assert list(women.x) == [120, 90, 60] and fig.layout.xaxis.range[0] > 0  # grows left
    assert "fewer than 10 members are not shown" in notes(fig)
    for axis in ("xaxis", "xaxis2", "xaxis3"):
        assert fig.layout[axis].title.text == "Members (count)"
    assert fig.layout.yaxis.title.text == "Age band (years)"
    assert "3" not in texts(fig) and "4" not in texts(fig)


def test_pyramid_without_a_visible_third_group_says_so(exposure_tables):
    age_sex, segments = exposure_tables
    age_sex = age_sex.copy()
    x = age_sex["sex"] == "Another or not stated"
    age_sex.loc[x, "members"] = pd.NA
    age_sex.loc[x, "suppressed"] = True
    fig = dc.exposure_pyramid_chart(dc.aggregate_exposure(age_sex, segments))
    assert "xaxis3" not in fig.layout
    assert "another or not stated sex are in such small groups" in notes(fig)


# ------------------------------------------------------------------ peak load

def test_peak_load_against_the_target():
    forecast = pd.DataFrame({
        "equipment_id": np.repeat(["rh", "bx"], 3),
        "scenario": ["low", "most_likely", "high"] * 2,
        "utilisation": [0.1, 0.3, 0.9, 0.2, 0.6, 1.2]})
    forecast.attrs.update(peak_hour="Mon 18:00", peak_source="check-in log")
    fig = dc.peak_load_chart(forecast, NAMES, target=0.5)
    bar = fig.data[0]
    assert list(bar.y) == ["45-degree back extension", "Reverse hyperextension"]
    np.testing.assert_allclose(bar.x, [60.0, 30.0])
    np.testing.assert_allclose(bar.error_x.array, [60.0, 60.0])
    np.testing.assert_allclose(bar.error_x.arrayminus, [40.0, 20.0])
    assert list(bar.marker.pattern.shape) == ["/", ""]  # above the target: hatched
    assert {s.x0 for s in fig.layout.shapes} == {50.0, 100.0}
    assert "Target 50%" in notes(fig) and "60%" in notes(fig)
    assert "Mon 18:00" in fig.layout.title.subtitle.text
    assert "(%)" in fig.layout.xaxis.title.text


# ------------------------------------------------------------------ the demo club

@pytest.fixture(scope="module")
def demo() -> dict:
    members, equipment = load_members(DEMO_DATA_DIR), load_equipment(DEMO_DATA_DIR)
    assumptions = load_assumptions(DEMO_DATA_DIR)
    checkins = load_checkins(DEMO_DATA_DIR, members["member_id"])
    forecast = forecast_usage(members, equipment, assumptions, checkins)
    likely = forecast.loc[forecast["scenario"] == "most_likely"]
    dues = float(members.loc[members["status"] == "active", "monthly_dues"].mean())
    finance = finance_summary(equipment, likely, assumptions, monthly_dues=dues)
    criteria = DecisionCriteria()
    matrix = decision_matrix(equipment, forecast, finance, criteria)
    weights = criteria.resolved_weights()
    parts = contributions(matrix, weights, criteria.directions)
    scores = parts.groupby("alternative", sort=False)["contribution"].sum()
    result = simulate(members, equipment, assumptions, checkins=checkins, draws=2000)
    return {"members": members, "equipment": equipment, "assumptions": assumptions,
            "checkins": checkins, "forecast": forecast, "finance": finance,
            "criteria": criteria, "weights": weights, "contributions": parts,
            "scores": scores, "result": result,
            "names": dict(zip(equipment["equipment_id"], equipment["name"], strict=True))}


def demo_figures(d: dict) -> dict[str, go.Figure]:
    names, c = d["names"], d["criteria"]
    result = d["result"]
    swings = one_way_swings(d["members"], d["equipment"], d["assumptions"], "reverse_hyper",
                            checkins=d["checkins"])
    margin = margin_tornado(d["members"], d["equipment"], d["assumptions"], c,
                            checkins=d["checkins"])
    ranks = rank_acceptability(decision_draws(result, d["equipment"], c), d["weights"],
                               c.directions, c.names, list(result.equipment_ids))
    exposure = dc.aggregate_exposure(age_sex_table(select_members(d["members"])),
                                     exposure_by_segment(d["members"]))
    costs = d["finance"].set_index("equipment_id")["up_front"]
    return {
        "contributions": dc.score_contributions_chart(d["contributions"], names),
        "value": dc.value_for_money_chart(value_for_money(d["scores"], costs), names,
                                          currency="USD"),
        "adoption": dc.adoption_chart(adoption_curve(d["forecast"], d["assumptions"]), names),
        "npv": dc.npv_distribution_chart(dict(zip(result.equipment_ids,
                                                  result.draws["npv"].T, strict=True)),
                                         names, currency="USD"),
        "npv_tornado": dc.tornado_chart(swings, "npv_at_low", "npv_at_high",
                                        swings.attrs["npv_most_likely"], names=names,
                                        value_title="Net present value (USD)",
                                        currency="USD", zero_label="NPV = 0"),
        "margin_tornado": dc.tornado_chart(margin, "margin_at_low", "margin_at_high",
                                           margin.attrs["margin_most_likely"], names=names,
                                           value_title="Lead over the runner-up (points)",
                                           currency="USD", zero_label="Top choice changes"),
        "ranks": dc.rank_acceptability_chart(ranks, names),
        "pyramid": dc.exposure_pyramid_chart(exposure),
        "peak": dc.peak_load_chart(d["forecast"], names, target=d["assumptions"][
            "target_peak_utilisation"].most_likely),
    }


def test_every_chart_draws_the_demo_club_by_name(demo):
    ids = list(demo["equipment"]["equipment_id"])
    for key, fig in demo_figures(demo).items():
        payload = fig.to_json()
        assert json.loads(payload)["layout"]["title"]["text"], key
        assert len(payload) < 50_000, (key, len(payload))
        for eid in ids:
            assert eid not in payload, (key, eid)  # managers never see ids
        if key in {"value", "npv", "npv_tornado"}:
            assert "USD" in payload, key
