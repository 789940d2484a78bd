"""Every chart the reports draw can be read without telling colours apart.

Each chart of the four report notebooks and the chain roll-up is drawn here from the demo
club as its notebook draws it, and checked for three promises:

- it uses only the palette's colours (Okabe and Ito's, :data:`evaluate.reports.charts.PALETTE`)
  and the chart greys (:data:`evaluate.reports.charts.NEUTRALS`), some made see-through;
- where colour tells traces or bars apart, something else does too: the kind of mark, the
  dash, the symbol, the hatching, the width, the panel, or a label written on it;
- it carries its text alternative: a title and a one-sentence summary.

The palette itself is checked under simulated colour-vision deficiency: Machado, Oliveira and
Fernandes (2009), "A physiologically-based model for simulation of color vision deficiency",
IEEE TVCG 15(6), severity 1.0 matrices (linear RGB), with distances in CIELAB (D65).
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from evaluate.reports import charts as member_charts
from evaluate.reports import model_charts, tables
from evaluate.reports.charts import NEUTRALS, OKABE_ITO, PALETTE, chart_text
from evaluate.reports.decision import charts as decision_charts
from evaluate.reports.decision import sections as decision_sections
from evaluate.reports.decision.analysis import analyse_decision
from evaluate.reports.member_profile import (
    age_sex_table,
    goal_table,
    select_members,
    tenure_table,
    visits_table,
)
from evaluate.reports.notebook_params import DecisionReportParams
from evaluate.reports.usage_review import analysis as usage_review
from evaluate.reports.usage_review import charts as usage_charts
from support import DRAWS

ALLOWED = {c.lower() for c in (*PALETTE, *NEUTRALS)}
COLOUR_KEYS = ("color", "fillcolor", "fgcolor", "bgcolor", "bordercolor", "gridcolor",
               "linecolor", "tickcolor", "zerolinecolor", "plot_bgcolor", "paper_bgcolor")


@pytest.fixture(scope="module")
def figures(demo_club) -> dict[str, go.Figure]:
    """Every chart the reports draw, from the demo club, as the notebooks call them."""
    members = select_members(demo_club.members)
    analysis = analyse_decision(DecisionReportParams(draws=DRAWS), demo_club)
    names, money = analysis.names, analysis.currency
    target = analysis.data.assumptions["target_peak_utilisation"].most_likely
    npv = tables.npv_summary(dict(zip(analysis.simulation.equipment_ids,
                                      analysis.simulation.draws["npv"].T, strict=True)))
    swings, margin = analysis.npv_tornado, analysis.margin_tornado
    review = usage_review.review_usage(demo_club, "back_extension_45", draws=DRAWS, seed=3)
    outcomes = pd.DataFrame({
        "club": ["North", "North", "South", "South"], "name": ["Rower", "Reverse hyper"] * 2,
        "npv_p50": [1200.0, -300.0, -50.0, 4000.0], "recommended": [True, False, False, True]})
    found = {
        "age and sex": member_charts.age_sex_chart(age_sex_table(members)),
        "visits": member_charts.visits_chart(visits_table(members)),
        "tenure": member_charts.tenure_chart(tenure_table(members)),
        "goals": member_charts.goal_chart(goal_table(members)),
        "contributions": decision_charts.score_contributions_chart(analysis.contributions,
                                                                   names),
        "value for money": decision_charts.value_for_money_chart(
            analysis.value_for_money, names, currency=money),
        "adoption": model_charts.adoption_chart(analysis.adoption, names),
        "npv": model_charts.npv_distribution_chart(npv, names, currency=money),
        "npv tornado": model_charts.tornado_chart(
            swings, "npv_at_low", "npv_at_high", swings.attrs["npv_most_likely"],
            value_title="Net present value", names=names, currency=money,
            zero_label="NPV turns negative"),
        "peak load": model_charts.peak_load_chart(analysis.forecast, names, target=target),
        "ranks": decision_charts.rank_acceptability_chart(analysis.acceptability, names),
        "margin tornado": model_charts.tornado_chart(
            margin, "margin_at_low", "margin_at_high", margin.attrs["margin_most_likely"],
            value_title="Score margin", names=names, zero_label="Top choice changes"),
        "pyramid": decision_charts.exposure_pyramid_chart(
            decision_sections.exposure_table(analysis)),
        "weekly": usage_charts.weekly_chart(review.weekly, review.name),
        "hours": usage_charts.hours_chart(review.hours, review.name, review.peak.day,
                                          review.peak.comfortable),
        "chain": model_charts.chain_npv_chart(outcomes, currency=money),
    }
    assert all(fig is not None for fig in found.values())
    return found


def colours_in(node: object, key: str = "") -> list[str]:
    """Every colour a figure's JSON names (colour scales included), the template left out."""
    found: list[str] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k != "template":
                found += colours_in(v, k)
    elif isinstance(node, (list, tuple, np.ndarray)):
        for v in node:
            found += colours_in(v, key)
    elif isinstance(node, str) and (key in COLOUR_KEYS or key == "colorscale"
                                    or key.endswith("color")):
        found.append(node)
    return found


def base_colour(colour: str) -> str:
    """``#rrggbb`` of a hex or ``rgba(r,g,b,a)`` colour (the palette's colour made see-through)."""
    rgba = re.fullmatch(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*[\d.]+)?\)", colour)
    if rgba:
        return "#" + "".join(f"{int(c):02x}" for c in rgba.groups())
    return {"white": "#ffffff"}.get(colour.lower(), colour.lower())


def test_every_chart_uses_only_the_palette_and_greys(figures):
    for name, fig in figures.items():
        used = {base_colour(c) for c in colours_in(fig.to_plotly_json())}
        assert used, name
        assert used <= ALLOWED, (name, used - ALLOWED)


def trace_colour(trace: dict) -> str:
    marker, line = trace.get("marker") or {}, trace.get("line") or {}
    colour = marker.get("color", line.get("color", trace.get("fillcolor", "")))
    return str(colour) if not isinstance(colour, (list, tuple, np.ndarray)) else "array"


def second_channel(trace: dict) -> tuple:
    """What tells a trace apart other than its colour."""
    marker, line = trace.get("marker") or {}, trace.get("line") or {}
    pattern = (marker.get("pattern") or {}).get("shape", "")
    return (trace.get("type"), trace.get("mode"), trace.get("fill"), line.get("dash"),
            str(marker.get("symbol")), str(pattern), str(trace.get("width")),
            trace.get("xaxis"), trace.get("yaxis"))


def test_where_colour_tells_traces_apart_something_else_does_too(figures):
    for name, fig in figures.items():
        traces = [t for t in fig.to_plotly_json()["data"] if t.get("type") != "heatmap"]
        for a, b in itertools.combinations(traces, 2):
            if trace_colour(a) != trace_colour(b):
                assert second_channel(a) != second_channel(b), (name, a.get("name"),
                                                                b.get("name"))


def test_where_colour_tells_bars_apart_within_a_trace_hatching_does_too(figures):
    checked = 0
    for name, fig in figures.items():
        for trace in fig.to_plotly_json()["data"]:
            marker = trace.get("marker") or {}
            colours = marker.get("color")
            if isinstance(colours, (list, tuple, np.ndarray)) and len(set(colours)) > 1:
                apart = marker.get("symbol", (marker.get("pattern") or {}).get("shape"))
                assert apart is not None, name
                pairs = {(str(c), str(s)) for c, s in zip(colours, apart, strict=True)}
                # each colour goes with one mark, and different colours with different marks
                assert len(pairs) == len(set(colours)) == len({s for _, s in pairs}), name
                checked += 1
    assert checked >= 2  # the peak load's bars above the target, the value for money's dots


def test_heatmaps_write_every_cell_they_colour(figures):
    for name in ("ranks", "chain"):
        [heat] = [t for t in figures[name].data if t.type == "heatmap"]
        for values, texts in zip(np.asarray(heat.z, float), heat.text, strict=True):
            for value, text in zip(values, texts, strict=True):
                assert (not text) == (np.isnan(value) or (name == "ranks" and value == 0))
    chain_cells = [t for row in figures["chain"].data[0].text for t in row]
    assert any(t.startswith("-") for t in chain_cells)  # a loss reads as one without colour


def test_every_chart_has_a_title_and_a_summary(figures):
    for name, fig in figures.items():
        title, summary = chart_text(fig)
        assert title and summary.endswith("."), name
        assert summary.count(". ") == 0, (name, summary)  # one sentence


def test_a_red_green_pair_fails_the_colour_check():
    fig = go.Figure([go.Bar(y=[1], marker_color="#d62728"), go.Bar(y=[2], marker_color="green")])
    used = {base_colour(c) for c in colours_in(fig.to_plotly_json())}
    assert used - ALLOWED == {"#d62728", "green"}
    assert second_channel(fig.to_plotly_json()["data"][0]) == \
        second_channel(fig.to_plotly_json()["data"][1])


# --- the palette under simulated colour-vision deficiency ---------------------------------------

# Machado et al. (2009), severity 1.0, on linear RGB. Written out here (nine numbers each)
# rather than adding a colour-science package for one test.
MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
# CIELAB distance (ΔE*ab) below which two colours of small marks are taken as hard to tell
# apart; about 2.3 is just noticeable side by side, and chart marks need far more than that.
MIN_DELTA_E = 15.0


def linear_rgb(colour: str) -> np.ndarray:
    c = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of a linear sRGB colour."""
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ np.clip(rgb, 0, 1)
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen(colour: str, deficiency: str) -> np.ndarray:
    return lab(np.array(MACHADO[deficiency]) @ linear_rgb(colour))


@pytest.mark.parametrize("deficiency", MACHADO)
def test_palette_colours_stay_apart_under_colour_vision_deficiency(deficiency):
    for (a, ca), (b, cb) in itertools.combinations(OKABE_ITO.items(), 2):
        distance = float(np.linalg.norm(seen(ca, deficiency) - seen(cb, deficiency)))
        assert distance >= MIN_DELTA_E, (deficiency, a, b, round(distance, 1))


def test_red_and_green_merge_under_deuteranopia():
    """The check can fail: the usual red and green are too close for a deuteranope."""
    distance = np.linalg.norm(seen("#d62728", "deuteranopia") - seen("#2ca02c", "deuteranopia"))
    assert distance < MIN_DELTA_E
    assert np.linalg.norm(lab(linear_rgb("#d62728")) - lab(linear_rgb("#2ca02c"))) > 50
