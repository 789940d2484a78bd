"""The usage review's charts: weekly sessions against the forecast band, the busy hours."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluate.reports.usage_review import charts as usage_charts

# ---------------------------------------------------------------- charts

def test_weekly_chart_draws_full_weeks_against_the_band():
    weeks = pd.DataFrame({
        "week_start": pd.to_datetime(["2026-01-05", "2026-01-12", "2026-01-19"]),
        "days": [3, 7, 7], "full_week": [False, True, True], "sessions": [4, 10, 12],
        "forecast_most_likely": [5.0, 11.0, 11.0], "forecast_p10": [3.0, 8.0, 8.0],
        "forecast_p50": [5.0, 11.0, 11.0], "forecast_p90": [7.0, 15.0, 15.0]})
    fig = usage_charts.weekly_chart(weeks, "the back bench")
    top, bottom, likely, actual = fig.data
    assert list(actual.y) == [10, 12] and len(actual.x) == 2  # the partial week is left out
    assert list(top.y) == [15.0, 15.0] and list(bottom.y) == [8.0, 8.0]
    assert bottom.fill == "tonexty" and not top.showlegend
    assert list(likely.y) == [11.0, 11.0] and likely.line.dash == "dash"
    assert fig.layout.title.text == "Sessions a week on the back bench: actual against forecast"
    assert fig.layout.yaxis.title.text == "Sessions per week"
    assert fig.layout.xaxis.title.text == "Week (Monday start)"


def test_hours_chart_shows_capacity_and_where_queues_start():
    hours = pd.DataFrame({"hour": [17, 18], "busiest_day": [1.0, 2.0],
                          "average_day": [0.5, 1.0], "capacity": [6.0, 6.0]})
    fig = usage_charts.hours_chart(hours, "the back bench", "Mondays", 0.4)
    bars, line = fig.data
    assert list(bars.x) == ["17:00", "18:00"] and list(bars.y) == [1.0, 2.0]
    assert bars.name == "Mondays (busiest day)" and list(line.y) == [0.5, 1.0]
    assert sorted(shape.y0 for shape in fig.layout.shapes) == [pytest.approx(2.4), 6.0]
    assert fig.layout.yaxis.title.text == "Sessions per hour"
    assert fig.layout.xaxis.title.text == "Hour of day (session start)"
    assert "against capacity" in fig.layout.title.text


def test_weeks_and_hours_the_privacy_gate_hid_are_not_drawn():
    weeks = pd.DataFrame({
        "week_start": pd.to_datetime(["2026-01-05", "2026-01-12", "2026-01-19"]),
        "days": [7, 7, 7], "full_week": True, "sessions": [float("nan"), 10.0, 12.0],
        "forecast_most_likely": 11.0, "forecast_p10": 8.0, "forecast_p50": 11.0,
        "forecast_p90": 15.0})
    fig = usage_charts.weekly_chart(weeks, "the back bench")
    actual = fig.data[-1]
    assert pd.isna(actual.y[0]) and list(actual.y[1:]) == [10.0, 12.0]
    assert "Weeks that rest on fewer than 10 members" in fig.layout.annotations[0].text
    assert usage_charts.weekly_chart(weeks.assign(sessions=float("nan")), "it") is None

    hours = pd.DataFrame({"hour": [17, 18], "busiest_day": [float("nan"), 2.0],
                          "average_day": [0.5, 1.0], "capacity": [6.0, 6.0]})
    fig = usage_charts.hours_chart(hours, "the back bench", "Mondays", 0.4)
    assert [t.name for t in fig.data] == ["Mondays (busiest day)", "Average day"]
    assert "Hours that rest on fewer than 10 members" in fig.layout.annotations[-1].text
    alone = usage_charts.hours_chart(hours.assign(busiest_day=float("nan")), "it", "", 0.4)
    assert [t.name for t in alone.data] == ["Average day"]
    assert "No busiest day" in alone.layout.annotations[-1].text
    nothing = hours.assign(busiest_day=float("nan"), average_day=float("nan"))
    assert usage_charts.hours_chart(nothing, "it", "", 0.4) is None
