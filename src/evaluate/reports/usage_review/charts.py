"""Charts of the usage review, in the house style of :mod:`evaluate.reports.charts`.

Each function takes a tidy frame from :mod:`evaluate.reports.usage_review.analysis` and
returns a Plotly figure, or ``None`` when the privacy gate left nothing of the log to draw
(the report then says why); nothing is shown, saved or computed beyond layout. A value the
gate hid (NaN) is drawn as nothing. Actual and forecast differ in colour and in mark (a solid
line with dots against a dashed line, bars against a line); each figure carries its text
alternative, a sentence from :mod:`evaluate.reports.chart_summaries`.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from evaluate.reports import chart_summaries
from evaluate.reports.charts import PALETTE, TEXT_GREY, describe, house_layout, join_notes, rgba
from evaluate.reports.formatting import number, share
from evaluate.reports.privacy import MIN_GROUP_SIZE

ACTUAL_COLOUR = PALETTE[0]  # blue: what happened
FORECAST_COLOUR = PALETTE[1]  # orange: what the model said
BAND_FILL = rgba(FORECAST_COLOUR, 0.18)  # the forecast colour, light
LIMIT_COLOUR = TEXT_GREY


def _left_out(what: str, min_group_size: int) -> str:
    """The footnote for values the privacy gate hid."""
    return (f"{what} that rest on fewer than {min_group_size} members, or would give such a "
            "figure away, are left out.")


def weekly_chart(weekly: pd.DataFrame, machine: str,
                 min_group_size: int = MIN_GROUP_SIZE) -> go.Figure | None:
    """Sessions per full week: the log's against the forecast's most likely and P10-P90 band.

    ``weekly`` is :attr:`evaluate.reports.usage_review.analysis.UsageReview.weekly`; partial
    weeks are left out (their sessions would read as dips), and so are weeks the privacy gate
    hid; ``None`` when no week is shown. ``machine`` is the name in a sentence ("the leg
    press").
    """
    full = weekly.loc[weekly["full_week"]]
    if full["sessions"].isna().all():
        return None
    weeks = list(full["week_start"])
    fig = go.Figure([
        go.Scatter(x=weeks, y=list(full["forecast_p90"]), mode="lines", line={"width": 0},
                   hoverinfo="skip", showlegend=False),
        go.Scatter(x=weeks, y=list(full["forecast_p10"]), mode="lines", line={"width": 0},
                   fill="tonexty", fillcolor=BAND_FILL, name="Forecast range (P10–P90)",
                   customdata=list(full["forecast_p90"]),
                   hovertemplate="Week of %{x|%d %b %Y}: forecast %{y:.0f}–%{customdata:.0f}"
                   "<extra></extra>"),
        go.Scatter(x=weeks, y=list(full["forecast_most_likely"]), mode="lines",
                   line={"color": FORECAST_COLOUR, "dash": "dash", "width": 2},
                   name="Forecast, most likely",
                   hovertemplate="Week of %{x|%d %b %Y}: forecast %{y:.0f}<extra></extra>"),
        go.Scatter(x=weeks, y=list(full["sessions"]), mode="lines+markers",
                   line={"color": ACTUAL_COLOUR, "width": 2}, marker={"size": 5},
                   name="Actual (usage log)",
                   hovertemplate="Week of %{x|%d %b %Y}: %{y:,} sessions<extra></extra>"),
    ])
    fig.update_yaxes(rangemode="tozero")
    note = "Full weeks only; the shaded band holds 8 in 10 simulated futures."
    if full["sessions"].isna().any():
        note = join_notes(note, _left_out("Weeks", min_group_size))
    house_layout(fig, f"Sessions a week on {machine}: actual against forecast",
                 "Week (Monday start)", "Sessions per week", note)
    return describe(fig, chart_summaries.weekly_summary(full, machine))


def hours_chart(hours: pd.DataFrame, machine: str, busiest_day: str, comfortable: float,
                min_group_size: int = MIN_GROUP_SIZE) -> go.Figure | None:
    """Sessions starting in each hour: the busiest weekday and an average day, vs capacity.

    ``hours`` is :attr:`evaluate.reports.usage_review.analysis.UsageReview.hours`;
    ``busiest_day`` names its weekday in plural ("Mondays"; empty when the busiest hour is
    not shown, and so are its bars); ``comfortable`` is the busy share (0-1) from which
    members start to queue, drawn as a share of the capacity. Hours the privacy gate hid are
    left out; ``None`` when no hour is shown.
    """
    if hours[["busiest_day", "average_day"]].isna().all().all():
        return None
    labels = [f"{h:02d}:00" for h in hours["hour"]]
    capacity = float(hours["capacity"].iloc[0])
    traces = []
    if busiest_day and not hours["busiest_day"].isna().all():
        traces.append(go.Bar(x=labels, y=list(hours["busiest_day"]),
                             name=f"{busiest_day} (busiest day)", marker_color=ACTUAL_COLOUR,
                             hovertemplate="%{x}: %{y:.1f} sessions an hour<extra>"
                             + busiest_day + "</extra>"))
    traces.append(go.Scatter(x=labels, y=list(hours["average_day"]), mode="lines+markers",
                             name="Average day", line={"color": PALETTE[2], "width": 2},
                             hovertemplate="%{x}: %{y:.1f} sessions an hour"
                             "<extra>average day</extra>"))
    fig = go.Figure(traces)
    fig.add_hline(y=capacity, line={"color": LIMIT_COLOUR, "width": 2},
                  annotation_text=f"capacity: {number(capacity, '.1f')} sessions an hour at "
                  "the log's average session length",
                  annotation_position="top left")
    fig.add_hline(y=capacity * comfortable, line={"color": LIMIT_COLOUR, "dash": "dot"},
                  annotation_text=f"{share(comfortable)} of capacity: queues start to form",
                  annotation_position="top left")
    top = max(capacity, *(float(v) for v in hours[["busiest_day", "average_day"]].max()
                          if pd.notna(v)))
    fig.update_yaxes(range=[0, top * 1.12])
    drawn = ["average_day", "busiest_day"] if busiest_day else ["average_day"]
    note = join_notes(
        "" if busiest_day else "No busiest day: its busiest hour rests on too few members.",
        _left_out("Hours", min_group_size) if hours[drawn].isna().any().any() else "")
    house_layout(fig, f"When {machine} is used: sessions by hour of day against capacity",
                 "Hour of day (session start)", "Sessions per hour", note)
    return describe(fig, chart_summaries.hours_summary(hours, machine, busiest_day,
                                                       comfortable))
