"""Charts: pure functions of aggregated tables; the renderer that survives HTML export."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from evaluate.reports import charts
from evaluate.reports.privacy import suppress_small_groups


@pytest.fixture
def age_sex() -> pd.DataFrame:
    table = pd.DataFrame({
        "age_band": ["18–29", "18–29", "18–29", "30–44", "30–44", "30–44"],
        "sex": ["Women", "Men", "Another or not stated"] * 2,
        "members": [40, 55, 2, 60, 3, 1],
    })
    table["share"] = table["members"] / table["members"].sum()
    return suppress_small_groups(table)


def test_age_sex_chart_groups_bars_and_leaves_hidden_cells_empty(age_sex):
    fig = charts.age_sex_chart(age_sex)
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data] == ["Women", "Men"]  # X has nothing to show
    women, men = fig.data
    assert list(women.x) == ["18–29", "30–44"]
    assert list(women.y) == [40, 60]
    assert list(men.y) == [55, None]
    assert list(men.text) == ["55", ""]
    assert fig.layout.barmode == "group"
    assert fig.layout.title.text == "Members by age and sex"
    assert fig.layout.xaxis.title.text == "Age band (years)"
    assert fig.layout.yaxis.title.text == "Members (count)"
    assert "fewer than 10 members are not shown" in fig.layout.annotations[0].text


def test_no_note_when_nothing_is_hidden():
    table = suppress_small_groups(pd.DataFrame({
        "visits_band": ["under 1", "1 to under 2"], "members": [30, 1200], "share": [0.1, 0.9]}))
    fig = charts.visits_chart(table)
    assert len(fig.data) == 1 and list(fig.data[0].y) == [30, 1200]
    assert fig.layout.annotations == ()
    assert "week" in fig.layout.xaxis.title.text


def test_tenure_and_goal_charts():
    tenure = suppress_small_groups(pd.DataFrame({
        "tenure_band": ["under 3", "3–6"], "members": [20, 30], "share": [0.4, 0.6]}))
    fig = charts.tenure_chart(tenure)
    assert fig.layout.xaxis.title.text == "Time as a member (months)"
    goals = suppress_small_groups(pd.DataFrame({
        "goal": ["Strength", "Sport"], "members": [50, 20], "share": [0.7, 0.3]}))
    fig = charts.goal_chart(goals)
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == ["Strength", "Sport"] and list(bar.x) == [50, 20]
    assert fig.layout.yaxis.autorange == "reversed"  # first row on top
    assert fig.layout.xaxis.title.text == "Members (count)"


def test_charts_use_the_house_template(age_sex):
    fig = charts.age_sex_chart(age_sex)
    assert fig.layout.template.layout.font.size == 14
    assert fig.layout.template.layout.title.x == 0


def test_configure_plotly_sets_renderer_and_template():
    before = (pio.renderers.default, pio.templates.default)
    try:
        charts.configure_plotly()
        assert pio.renderers.default == "plotly_mimetype"  # drawn by evaluate.build.html_export
        assert charts.HOUSE_TEMPLATE in pio.templates
        assert pio.templates.default.endswith(charts.HOUSE_TEMPLATE)
    finally:
        pio.renderers.default, pio.templates.default = before


def test_show_turns_off_the_toolbar(monkeypatch):
    seen = {}
    monkeypatch.setattr(go.Figure, "show", lambda self, **kw: seen.update(kw))
    charts.show(go.Figure())
    assert seen["config"]["displayModeBar"] is False


@pytest.mark.parametrize(("value", "unit", "text"), [
    (0.04, "fraction", "4%"), (0.015, "fraction", "1.5%"), (0.1, "fraction/year", "10% a year"),
    (50.0, "currency/m2/year", "50 EUR/m²/year"), (1.12, "odds ratio", "1.12 odds ratio"),
    (0.5, "position in the published interval (0 low, 1 high)", "0.5"),
    (2399.99, "currency", "2,400 EUR")])
def test_values_read_in_plain_units(value, unit, text):
    assert charts.value_with_unit(value, unit, "EUR") == text
