"""Charts of the model's outputs, drawn by every report that shows them.

The decision report and the candidate profile both show how use builds up
(:func:`adoption_chart`), the NPV across simulated futures (:func:`npv_distribution_chart`),
what moves a result most (:func:`tornado_chart`) and the load in the busiest hour
(:func:`peak_load_chart`); the chain roll-up shows each club's median NPV
(:func:`chain_npv_chart`). Each takes the model's tidy frame and returns a Plotly figure in
the house style of :mod:`evaluate.reports.charts`, read by a club manager, often on paper:

- machines are named by their plain names (``names``: ``equipment_id`` -> name; see
  :func:`evaluate.reports.charts.machine_name`), and any text from the club's files is
  shown literally (:func:`evaluate.reports.charts.plain`), never as Plotly's HTML;
- money axes carry the club's currency code (``currency``, e.g. ``"USD"``);
- values are labelled directly (bar ends, a right-hand column, panel titles, a subtitle
  saying what solid and hatched bars are), so charts read without a legend, in black and
  white and without telling colours apart (colours from the one palette,
  :data:`evaluate.reports.charts.PALETTE`);
- each figure carries its text alternative, a sentence from
  :mod:`evaluate.reports.chart_summaries` (:func:`evaluate.reports.charts.describe`);
- figures hold summaries, never raw draws: the NPV chart draws
  :func:`evaluate.reports.tables.npv_summary`, three quantiles per machine, not 10,000
  numbers (a few kB of JSON in the report).

Functions only build figures; notebooks call :func:`evaluate.reports.charts.show` (no toolbar).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from evaluate.model.exposure import SCENARIOS
from evaluate.model.prepared import DEMAND_ERROR_PREFIX
from evaluate.reports import chart_summaries
from evaluate.reports.charts import (
    INK,
    PALETTE,
    ROW_HEIGHT,
    TEXT_GREY,
    WHISKER_GREY,
    WHITE,
    describe,
    finish_figure,
    join_notes,
    machine_label,
    machine_name,
    money_label,
    number_label,
    percent_label,
    plain,
    rgba,
    value_with_unit,
)
from evaluate.reports.formatting import (
    OVER_CAPACITY,
    UNSTABLE_QUEUE,
    number,
    share,
    utilisation,
)
from evaluate.reports.tables import require_columns, tornado_rows

__all__ = [
    "adoption_chart",
    "chain_npv_chart",
    "npv_distribution_chart",
    "peak_load_chart",
    "tornado_chart",
]

LOW_END, HIGH_END = PALETTE[0], PALETTE[1]  # tornado: assumption at its low / high end


# --- adoption ------------------------------------------------------------------------------------

def adoption_chart(curve: pd.DataFrame, names: Mapping[str, str], *,
                   candidates: Sequence[str] | None = None,
                   title: str = "How use builds up after installation",
                   note: str | None = None) -> go.Figure:
    """Weekly sessions by month after installation: one small panel per machine.

    ``curve`` is :func:`evaluate.model.demand.adoption_curve` (columns ``equipment_id``,
    ``scenario`` with ``low``/``most_likely``/``high``, ``month``, ``weekly_sessions``).
    ``candidates`` picks and orders the machines (default: all, in the frame's order). Each
    panel has the most-likely line, a shaded band from the low to the high case and the
    full-adoption figure at the line's end; panels share one scale (three to a row) because
    overlapping bands on one plot cannot be told apart. The note under the chart says what
    the band is: the simulated futures' P10-P90 when ``curve.attrs`` has ``band``
    (:func:`evaluate.model.uncertainty.adoption_band`), else the low and high cases.
    """
    if note is None:
        note = ("Line: most likely. Shaded: 10th to 90th percentile of the simulated futures "
                "(use and speed of adoption both uncertain)." if curve.attrs.get("band") else
                "Line: most likely. Shaded: from the slow, low-uptake case to the fast, "
                "high-uptake case.")
    require_columns(curve, ["equipment_id", "scenario", "month", "weekly_sessions"],
                    "the adoption curve")
    ids = [str(i) for i in (candidates if candidates is not None
                            else dict.fromkeys(curve["equipment_id"].astype(str)))]
    if not ids:
        raise ValueError("no machine to chart")
    cols = min(len(ids), 3)
    rows = -(-len(ids) // cols)
    fig = make_subplots(rows=rows, cols=cols, shared_xaxes=False, shared_yaxes="all",
                        subplot_titles=[machine_label(i, names) for i in ids],
                        horizontal_spacing=0.05, vertical_spacing=0.2 / rows)
    scenario = curve["scenario"].astype(str)
    colour = PALETTE[0]
    for k, eid in enumerate(ids):
        row, col = divmod(k, cols)
        mine = curve.loc[curve["equipment_id"].astype(str) == eid]
        if mine.empty:
            raise ValueError(f"no adoption curve for {eid!r}")
        lines = {s: mine.loc[scenario[mine.index] == s].sort_values("month")
                 for s in SCENARIOS}
        name = machine_label(eid, names)
        if not lines["low"].empty and not lines["high"].empty:
            fig.add_trace(go.Scatter(
                x=np.r_[lines["high"]["month"], lines["low"]["month"][::-1]],
                y=np.r_[lines["high"]["weekly_sessions"], lines["low"]["weekly_sessions"][::-1]],
                fill="toself", fillcolor=rgba(colour, 0.18), line={"width": 0},
                hoverinfo="skip", showlegend=False), row=row + 1, col=col + 1)
        likely = lines["most_likely"]
        if likely.empty:
            raise ValueError(f"no most_likely adoption curve for {eid!r}")
        fig.add_trace(go.Scatter(
            x=likely["month"], y=likely["weekly_sessions"], mode="lines", name=name,
            line={"color": colour, "width": 3}, showlegend=False,
            hovertemplate=name + "<br>month %{x}: %{y:.0f} sessions/week<extra></extra>"),
            row=row + 1, col=col + 1)
        last = likely.iloc[-1]
        fig.add_annotation(x=float(last["month"]), y=float(last["weekly_sessions"]),
                           text=f"{number(last['weekly_sessions'], ',.0f')} a week",
                           showarrow=False,
                           xanchor="right", yanchor="bottom", yshift=3,
                           font={"size": 12, "color": INK}, row=row + 1, col=col + 1)
    months = float(curve["month"].max())
    fig.update_xaxes(range=[0, months + 0.5], dtick=6 if months > 12 else 3)
    fig.update_yaxes(rangemode="tozero")
    finish_figure(fig, title, "", "", note, height=180 + 280 * rows)
    for col in range(1, cols + 1):  # axis titles on the outer panels only
        fig.update_xaxes(title_text="Months after installation", row=rows, col=col)
    for row in range(1, rows + 1):
        fig.update_yaxes(title_text="Sessions per week", row=row, col=1)
    return describe(fig, chart_summaries.adoption_summary(curve, names, ids))


# --- NPV distribution ---------------------------------------------------------------------------

def _right_column(fig: go.Figure, header: str, labels: Sequence[str],
                  values: Sequence[str]) -> None:
    """A column of figures right of the plot, one per bar, under a bold header."""
    fig.add_annotation(x=1.02, y=1.0, xref="paper", yref="paper", yanchor="bottom",
                       xanchor="left", showarrow=False, align="left",
                       text=f"<b>{header}</b>", font={"size": 12})
    for label, value in zip(labels, values, strict=True):
        fig.add_annotation(x=1.02, y=label, xref="paper", yref="y", xanchor="left",
                           showarrow=False, text=value, font={"size": 14})
    fig.update_layout(margin={"r": 120})


def npv_distribution_chart(summary: pd.DataFrame, names: Mapping[str, str], *, currency: str,
                           title: str = "Net present value across simulated futures"
                           ) -> go.Figure:
    """Each machine's NPV range (P10-P90 bar, P50 diamond) and the chance the NPV is above 0.

    ``summary`` is :func:`evaluate.reports.tables.npv_summary` (columns ``equipment_id``,
    ``p10``, ``p50``, ``p90``, ``p_positive``, ``draws``): only these few numbers enter the
    figure, so the JSON stays a few kB whatever the number of draws. Machines are ordered
    by median NPV, best on top; P10 and P90 are written at the bar ends, the median above
    its diamond, a line marks NPV = 0 and the right-hand column gives P(NPV > 0).
    """
    require_columns(summary, ["equipment_id", "p10", "p50", "p90", "p_positive", "draws"],
                    "the NPV summary")
    summary = summary.sort_values("p50", ascending=False, kind="stable")
    labels = [machine_label(e, names) for e in summary["equipment_id"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=labels, x=summary["p90"] - summary["p10"], base=summary["p10"], orientation="h",
        marker={"color": PALETTE[4], "line": {"color": PALETTE[0], "width": 1}}, width=0.36,
        showlegend=False, customdata=np.c_[summary["p10"], summary["p90"]],
        hovertemplate="%{y}<br>P10 %{customdata[0]:,.0f} to P90 %{customdata[1]:,.0f} "
        + currency + "<extra></extra>"))
    fig.add_trace(go.Scatter(
        y=labels, x=summary["p50"], mode="markers", showlegend=False,
        marker={"color": INK, "size": 11, "symbol": "diamond"},
        hovertemplate="%{y}<br>median %{x:,.0f} " + currency + "<extra></extra>"))
    for label, row in zip(labels, summary.itertuples(), strict=True):
        for x, text, anchor, shift in ((row.p10, money_label(row.p10), "right", -4),
                                       (row.p90, money_label(row.p90), "left", 4)):
            fig.add_annotation(x=x, y=label, text=text, xanchor=anchor, xshift=shift,
                               showarrow=False, font={"size": 12, "color": TEXT_GREY})
        fig.add_annotation(x=row.p50, y=label, text=f"<b>{money_label(row.p50)}</b>",
                           yanchor="bottom", yshift=11, showarrow=False, font={"size": 12})
    low, high = float(min(summary["p10"].min(), 0.0)), float(max(summary["p90"].max(), 0.0))
    pad = 0.14 * (high - low or 1.0)
    fig.update_xaxes(range=[low - pad, high + pad], tickformat=",")
    fig.update_yaxes(autorange="reversed")
    fig.add_vline(x=0, line={"color": INK, "width": 1.5})
    _right_column(fig, "Chance<br>above 0", labels,
                  [share(p) for p in summary["p_positive"]])
    count = int(summary["draws"].max()) if len(summary) else 0
    note = join_notes(f"Bar: the middle 80% of {number(count, ',')} simulated futures, from P10 "
                      "(left number) to P90 (right); diamond and bold number: the median (P50).",
                      "Vertical line: NPV = 0, where the machine just pays for itself.")
    finish_figure(fig, title, f"Net present value ({currency})", "", note,
                  height=240 + 60 * len(labels))
    return describe(fig, chart_summaries.npv_distribution_summary(summary, names, currency))


# --- tornado ------------------------------------------------------------------------------------

def _assumption_label(name: str, names: Mapping[str, str],
                      assumption_labels: Mapping[str, str] | None) -> str:
    if assumption_labels and name in assumption_labels:
        return assumption_labels[name]
    if name.startswith("price (") and name.endswith(")"):  # margin_tornado: "price (id)"
        return f"{machine_name(name[7:-1], names)} price"
    if name.startswith(DEMAND_ERROR_PREFIX):  # one machine's use against its forecast
        return f"{machine_name(name[len(DEMAND_ERROR_PREFIX):], names)} use"
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def tornado_chart(swings: pd.DataFrame, low_column: str, high_column: str, base: float, *,
                  value_title: str, names: Mapping[str, str] | None = None,
                  currency: str = "", assumption_labels: Mapping[str, str] | None = None,
                  top: int = 10, base_label: str = "Most likely",
                  zero_label: str = "", title: str = "What moves the result most"
                  ) -> go.Figure:
    """One-way sensitivity: bars from the base result to the result at each input's ends.

    ``swings`` is :func:`evaluate.model.uncertainty.one_way_swings` (``npv_at_low``,
    ``npv_at_high``; base ``attrs["npv_most_likely"]``) or
    :func:`evaluate.reports.decision.margin.margin_tornado` (``margin_at_low``,
    ``margin_at_high``; base ``attrs["margin_most_likely"]``); both have ``assumption``,
    ``unit``, ``low_value`` and ``high_value``. The ``top`` inputs that move the result most
    are shown, largest on top (:func:`evaluate.reports.tables.tornado_rows`). Each bar end is
    labelled with the input's value there (fractions as percents, ``currency`` for money
    units); dark bars are the low ends, light bars the high ends, as the subtitle says (no
    legend to look up). Assumptions are named by ``assumption_labels``, else by the name
    with spaces (``price (id)`` becomes the machine's price). ``zero_label`` (e.g. "Top
    choice changes") draws 0 on the axis, always in view, so the reader sees how far the
    bars stay from it.
    """
    require_columns(swings, ["assumption", "unit", "low_value", "high_value", low_column,
                             high_column], "the tornado")
    names = names or {}
    rows = tornado_rows(swings, low_column, high_column, top)
    labels = [plain(_assumption_label(str(a), names, assumption_labels))
              for a in rows["assumption"]]
    at = {"low": rows[low_column].to_numpy(float), "high": rows[high_column].to_numpy(float)}
    fig = go.Figure()
    for end, colour, pattern in (("low", LOW_END, ""), ("high", HIGH_END, "/")):
        fig.add_trace(go.Bar(
            y=labels, x=at[end] - base, base=base, orientation="h",
            marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": WHITE,
                                                 "fillmode": "overlay", "size": 8}},
            name=f"Input at its {end} end", showlegend=False, customdata=at[end],
            hovertemplate="%{y}, " + end + " end: %{customdata:,.4~g}<extra></extra>"))
    for i, label in enumerate(labels):
        for end, other in (("low", "high"), ("high", "low")):
            result = at[end][i]
            side = np.sign(result - base) or -np.sign(at[other][i] - base)
            text = plain(value_with_unit(rows[f"{end}_value"].iloc[i], rows["unit"].iloc[i],
                                         currency))
            fig.add_annotation(x=result, y=label, text=text, showarrow=False,
                               xanchor="left" if side > 0 else "right", xshift=4 * side,
                               font={"size": 12})
    fig.update_layout(barmode="overlay", bargap=0.35)
    fig.update_yaxes(autorange="reversed")
    values = np.r_[at["low"], at["high"], base, [0.0] if zero_label else []]
    low, high = float(values.min()), float(values.max())
    pad = 0.25 * (high - low or abs(base) or 1.0)
    fig.update_xaxes(range=[low - pad, high + pad], tickformat=",")
    fig.add_vline(x=base, line={"color": INK, "width": 1.5})
    fig.add_annotation(x=base, y=1.0, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                       text=f"{base_label}: {number_label(base)}", font={"size": 12})
    if zero_label:
        fig.add_vline(x=0, line={"color": PALETTE[5], "width": 1.5, "dash": "dash"})
        fig.add_annotation(x=0, y=0, xref="x", yref="paper", yanchor="bottom", xanchor="left",
                           xshift=4, showarrow=False, text=zero_label,
                           font={"size": 12, "color": INK})  # vermilion text: 3.9:1
    note = ("Each input alone at the low or high end of its range, every other input at its "
            "most likely value.")
    finish_figure(fig, title, value_title, "", note,
                  subtitle="Solid dark bars: input at the low end of its range; hatched light "
                  "bars: at the high end. Labels give the input's value.",
                  height=260 + ROW_HEIGHT * len(labels))
    if rows.empty:
        return describe(fig, f"No input moves the result from {base_label.lower()} "
                        f"{number_label(base)}.")
    first = rows.iloc[0]
    return describe(fig, chart_summaries.tornado_summary(
        rows, low_column, high_column, base,
        label=_assumption_label(str(first["assumption"]), names, assumption_labels),
        low_value=value_with_unit(first["low_value"], first["unit"], currency),
        high_value=value_with_unit(first["high_value"], first["unit"], currency),
        value_title=value_title, base_label=base_label, result=number_label))


# --- peak load ----------------------------------------------------------------------------------

def peak_load_chart(forecast: pd.DataFrame, names: Mapping[str, str], *, target: float,
                    title: str = "How busy each machine would be in the club's busiest hour"
                    ) -> go.Figure:
    """Forecast utilisation at the peak hour per machine, against the comfortable target.

    ``forecast`` is :func:`evaluate.model.demand.forecast_usage` (columns ``equipment_id``,
    ``scenario``, ``utilisation`` as a 0-1 share of the hour's capacity; ``attrs``
    ``peak_hour`` and ``peak_source`` name the hour, ``peak_note`` why a check-in log was not
    used, which the footnote says). ``target`` is the assumption ``target_peak_utilisation``
    (0-1): above it members start to queue. A utilisation of 100% or more reads "over
    capacity" in the labels, never "busy 1540%": the queue then grows without limit.

    Why this view: a manager's question is "will members queue?", and the busy share of the
    busiest hour answers it for every machine on one scale (percent of capacity), which
    arrivals per hour against each machine's own capacity would not. Bar: most likely (its
    number in the right-hand column); whisker: low to high case; a dashed line at the target
    and a solid one at 100% (full). Bars above the target are orange and hatched.
    """
    require_columns(forecast, ["equipment_id", "scenario", "utilisation"], "the forecast")
    wide = forecast.pivot_table(index="equipment_id", columns="scenario", values="utilisation",
                                aggfunc="first", observed=True, sort=False)
    wide.columns = wide.columns.astype(str)
    if "most_likely" not in wide.columns:
        raise ValueError("the forecast needs a most_likely scenario")
    wide = wide.sort_values("most_likely", ascending=False, kind="stable")
    likely = wide["most_likely"].to_numpy(float)
    low = wide["low"].to_numpy(float) if "low" in wide else likely
    high = wide["high"].to_numpy(float) if "high" in wide else likely
    labels = [machine_label(e, names) for e in wide.index]
    over = likely > target
    fig = go.Figure(go.Bar(
        y=labels, x=100 * likely, orientation="h", showlegend=False,
        marker={"color": [PALETTE[5] if o else PALETTE[0] for o in over],
                "pattern": {"shape": ["/" if o else "" for o in over], "fgcolor": WHITE,
                            "fillmode": "overlay"}},
        error_x={"type": "data", "symmetric": False, "array": 100 * (high - likely),
                 "arrayminus": 100 * (likely - low), "color": WHISKER_GREY, "thickness": 1.5,
                 "width": 6},
        hovertext=[f"{label}: {utilisation(m)} most likely (low {utilisation(lo)} to high "
                   f"{utilisation(hi)})" for label, m, lo, hi in zip(labels, likely, low, high,
                                                                      strict=True)],
        hovertemplate="%{hovertext}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    right = max(110.0, float(np.nanmax(100 * high)) * 1.05)
    fig.update_xaxes(range=[0, right], ticksuffix="%")
    for x, text, dash in ((100 * target, f"Target {percent_label(target)}", "dash"),
                          (100.0, "Full", "solid")):
        fig.add_vline(x=x, line={"color": INK, "width": 1.5, "dash": dash})
        fig.add_annotation(x=x, y=1.0, xref="x", yref="paper", yanchor="bottom",
                           showarrow=False, text=text, font={"size": 12})
    _right_column(fig, "Most<br>likely", labels,
                  [OVER_CAPACITY if v >= 1 else percent_label(v) for v in likely])
    hour = forecast.attrs.get("peak_hour")
    source = forecast.attrs.get("peak_source", "")
    subtitle = (f"Busiest hour of the week: {hour} ({source})" if hour
                else f"Busiest hour from the {source}" if source else "")
    note = join_notes("Bar: most likely; whisker: from the low to the high case.",
                      f"Above the target ({percent_label(target)} of capacity in use) members "
                      "start to queue; bars above it are orange and hatched.",
                      f"Right of Full (100%) {UNSTABLE_QUEUE}." if (likely >= 1).any()
                      else "",
                      "The check-in log is too short or too odd to measure the busiest hour: "
                      "the assumption is used (evaluate validate says why)."
                      if forecast.attrs.get("peak_note") else "")
    finish_figure(fig, title, "Share of the machine's capacity in use at the busiest hour (%)",
                  "", note, subtitle=subtitle, height=260 + ROW_HEIGHT * len(labels))
    return describe(fig, chart_summaries.peak_load_summary(
        [machine_name(e, names) for e in wide.index], likely, target, percent_label))


# --- chain roll-up ------------------------------------------------------------------------------

def chain_npv_chart(outcomes: pd.DataFrame, *, currency: str,
                    title: str = "Median NPV of each machine at each club") -> go.Figure:
    """Heatmap of clubs (rows) × machines (columns): each cell the median NPV, in thousands.

    ``outcomes`` is :func:`evaluate.reports.chain.outcomes_table` (``club``, ``name``, ``npv_p50``,
    ``recommended``). Diverging colours around 0 (blue: gains, vermilion: losses), so a loss
    reads at a glance, and every cell's number carries its sign, so it reads without the
    colours too; each club's recommended machine is marked with a star.
    """
    require_columns(outcomes, ["club", "name", "npv_p50", "recommended"], "the chain outcomes")
    grid = outcomes.pivot_table(index="club", columns="name", values="npv_p50", sort=False)
    chosen = outcomes.pivot_table(index="club", columns="name", values="recommended",
                                  aggfunc="max", sort=False).reindex_like(grid)
    values = grid.to_numpy(float)
    limit = float(np.nanmax(np.abs(values))) or 1.0
    text = [[("" if np.isnan(v) else f"{number(v / 1000, ',.1f')}k")
             + (" ★" if star is True else "")
             for v, star in zip(row, stars, strict=True)]
            for row, stars in zip(values, chosen.to_numpy(object), strict=True)]
    fig = go.Figure(go.Heatmap(
        z=values, x=[plain(c) for c in grid.columns], y=[plain(c) for c in grid.index],
        text=text,
        texttemplate="%{text}", zmin=-limit, zmax=limit, showscale=False, xgap=2, ygap=2,
        colorscale=[[0, PALETTE[5]], [0.5, WHITE], [1, PALETTE[0]]],
        hovertemplate="%{y}, %{x}: median NPV %{z:,.0f} " + currency + "<extra></extra>"))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, ticks="")
    note = (f"Median NPV over the simulated futures, in thousands of {currency}; "
            "★ the club's recommended machine.")
    fig = finish_figure(fig, title, "", "", note, height=240 + ROW_HEIGHT * len(grid))
    fig.update_layout(margin={"t": 140})
    return describe(fig, chart_summaries.chain_npv_summary(outcomes, currency))
