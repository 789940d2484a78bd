"""Decision-report charts: plain names, units in titles, privacy, small figures, right order.

The charts of the model's outputs it shows too are tested in reports/test_model_charts.py; here,
with the decision's own, on the demo club.
"""

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
from evaluate.reports import model_charts as mc
from evaluate.reports.decision import charts as dc
from evaluate.reports.decision.margin import margin_tornado
from evaluate.reports.decision.matrix import decision_draws, decision_matrix
from evaluate.reports.member_profile import age_sex_table, aggregate_exposure, select_members
from evaluate.reports.tables import npv_summary
from support import notes

NAMES = {"rh": "Reverse hyperextension", "bx": "45-degree back extension", "rw": "Rowing machine"}


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


def test_forty_close_machines_leave_unlabelled_the_labels_that_would_overlap():
    """40 machines in two tight rows: no label is printed over another; the frontier keeps
    its labels, the others without a place go unlabelled (named on hover) and are counted."""
    ids = [f"m{i}" for i in range(40)]
    scores = pd.Series(np.r_[np.linspace(0.9, 0.75, 20), np.linspace(0.5, 0.35, 20)], index=ids)
    costs = pd.Series(np.r_[np.linspace(500, 2000, 20), np.linspace(600, 2100, 20)], index=ids)
    table = value_for_money(scores, costs)
    names = {i: f"Machine number {i[1:]}" for i in ids}
    fig = dc.value_for_money_chart(table, names, currency="USD")
    points = next(t for t in fig.data if t.mode == "markers+text")
    shown = [t for t in points.text if t]
    assert 0 < len(shown) < 40
    on = table["on_frontier"].to_numpy()
    assert all(points.text[k] for k in np.flatnonzero(on))  # the frontier is named
    assert list(points.customdata) == [names[a] for a in table["alternative"]]
    assert (f"{40 - len(shown)} of the 40 machines are not labelled: their labels would "
            "overlap") in notes(fig)
    few = dc.value_for_money_chart(value_for_money(scores.iloc[:3], costs.iloc[:3]), names,
                                   currency="USD")
    assert "not labelled" not in notes(few)


# ------------------------------------------------------------------ rank acceptability

def test_rank_heatmap_of_forty_machines_puts_the_low_places_in_one_column():
    """40 places would print 40 percentages across the page over each other: the first 11
    keep a column each, the 12th to the 40th share the last, and each row still adds up."""
    ids = [f"m{i:02d}" for i in range(40)]
    rng = np.random.default_rng(4)
    chances = rng.dirichlet(np.ones(40), size=40)
    frame = pd.DataFrame({"alternative": np.repeat(ids, 40), "rank": np.tile(np.arange(1, 41), 40),
                          "probability": chances.ravel()})
    fig = dc.rank_acceptability_chart(frame, {i: f"Machine {i}" for i in ids})
    heat = fig.data[0]
    assert len(heat.x) == dc.RANK_COLUMNS == 12
    assert list(heat.x[:3]) == ["1st", "2nd", "3rd"] and heat.x[-1] == "12th–40th"
    np.testing.assert_allclose(np.asarray(heat.z).sum(axis=1), 100.0)
    assert "12th–40th: any place from 12th down." in notes(fig)
    assert len(heat.y) == 40


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

def test_pyramid_never_plots_a_suppressed_group(exposure_tables):
    table = aggregate_exposure(*exposure_tables)
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
    fig = dc.exposure_pyramid_chart(aggregate_exposure(age_sex, segments))
    assert "xaxis3" not in fig.layout
    assert "another or not stated sex are in such small groups" in notes(fig)


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
    exposure = aggregate_exposure(age_sex_table(select_members(d["members"])),
                                  exposure_by_segment(d["members"]))
    costs = d["finance"].set_index("equipment_id")["up_front"]
    return {
        "contributions": dc.score_contributions_chart(d["contributions"], names),
        "value": dc.value_for_money_chart(value_for_money(d["scores"], costs), names,
                                          currency="USD"),
        "adoption": mc.adoption_chart(adoption_curve(d["forecast"], d["assumptions"]), names),
        "npv": mc.npv_distribution_chart(npv_summary(dict(zip(
            result.equipment_ids, result.draws["npv"].T, strict=True))), names, currency="USD"),
        "npv_tornado": mc.tornado_chart(swings, "npv_at_low", "npv_at_high",
                                        swings.attrs["npv_most_likely"], names=names,
                                        value_title="Net present value (USD)",
                                        currency="USD", zero_label="NPV = 0"),
        "margin_tornado": mc.tornado_chart(margin, "margin_at_low", "margin_at_high",
                                           margin.attrs["margin_most_likely"], names=names,
                                           value_title="Lead over the runner-up (points)",
                                           currency="USD", zero_label="Top choice changes"),
        "ranks": dc.rank_acceptability_chart(ranks, names),
        "pyramid": dc.exposure_pyramid_chart(exposure),
        "peak": mc.peak_load_chart(d["forecast"], names, target=d["assumptions"][
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
