"""Charts for the management decision report: the model's tidy frames in, Plotly figures out.

Every chart follows the house style of :mod:`evaluate.reports.charts` (template, Okabe-Ito palette,
left-aligned plain-language title, axis titles with units, footnotes in grey) and is read by a
club manager, often on paper:

- machines are named by their plain names (``names``: ``equipment_id`` -> name); an id with
  no name falls back to the id with spaces, never silently to nothing; names, and any other
  text from the club's files, are shown literally (:func:`evaluate.reports.charts.plain`), never
  as Plotly's HTML;
- money axes carry the club's currency code (``currency``, e.g. ``"USD"``);
- values and series are labelled directly (bar ends, point labels, panel titles, a
  subtitle saying what dark and light bars are), so charts read without a legend and in
  black and white; the one legend lists the criteria of the stacked score bars, which are
  also hatched differently;
- figures hold summaries, never raw draws: the NPV chart keeps three quantiles per machine,
  not 10,000 numbers (a few kB of JSON in the report);
- member counts come already suppressed (:func:`evaluate.reports.privacy.suppress_small_groups`):
  a hidden group is drawn as nothing and a footnote says so.

Functions only build figures; notebooks call :func:`evaluate.reports.charts.show` (no toolbar).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from evaluate.mcda.criteria import CRITERIA
from evaluate.reports.charts import PALETTE, SEX_COLOURS, _layout, _note, plain
from evaluate.reports.member_profile import SEX_LABELS
from evaluate.reports.privacy import MIN_GROUP_SIZE, SUPPRESSED

__all__ = [
    "CRITERION_LABELS",
    "adoption_chart",
    "aggregate_exposure",
    "exposure_pyramid_chart",
    "machine_name",
    "npv_distribution_chart",
    "npv_summary",
    "peak_load_chart",
    "rank_acceptability_chart",
    "score_contributions_chart",
    "tornado_chart",
    "tornado_rows",
    "value_for_money_chart",
    "value_with_unit",
]

# Plain words for the criteria of evaluate.mcda.criteria.CRITERIA.
CRITERION_LABELS: dict[str, str] = {name: c.label for name, c in CRITERIA.items()}
# What a 0-1 normalised value means, per normalisation (evaluate.mcda.normalization).
NORMALISATION_WORDS: dict[str, str] = {
    "minmax": "0 = the worst of these machines on it, 1 = the best",
    "fixed": "0 and 1 = the ends of the range the analyst set",
}
TEXT_GREY = "#555555"
ROW_HEIGHT = 46  # px per bar row in horizontal charts
LOW_END, HIGH_END = PALETTE[0], PALETTE[1]  # tornado: assumption at its low / high end


# --- shared helpers ----------------------------------------------------------------------------

def machine_name(equipment_id: object, names: Mapping[str, str]) -> str:
    """The machine's plain name; an unnamed id is shown with spaces for underscores."""
    key = str(equipment_id)
    return str(names.get(key) or key.replace("_", " "))


def _label(equipment_id: object, names: Mapping[str, str]) -> str:
    """:func:`machine_name` as a figure shows it: literally (:func:`evaluate.reports.charts.plain`)."""
    return plain(machine_name(equipment_id, names))


def _finish(fig: go.Figure, title: str, x_title: str, y_title: str, note: str = "",
            subtitle: str = "", height: int | None = None) -> go.Figure:
    """House layout (:func:`evaluate.reports.charts._layout`), then subtitle, height and footnote room.

    The footnote sits in the bottom margin at a fixed distance in pixels below the plot,
    so it never overlaps the x-axis title whatever the figure's height.
    """
    _layout(fig, title, x_title, y_title, "")
    if subtitle:
        fig.update_layout(title={"subtitle": {"text": plain(subtitle),
                                              "font": {"size": 13, "color": TEXT_GREY}}},
                          margin={"t": 100})
    if height:
        fig.update_layout(height=height)
    if note:
        lines = note.count("<br>") + 1
        fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=0, yshift=-62,
                           xanchor="left", yanchor="top", align="left", showarrow=False,
                           font={"size": 12, "color": TEXT_GREY})
        fig.update_layout(margin={"b": 80 + 18 * lines})
    return fig


def _join(*notes: str) -> str:
    return "<br>".join(n for n in notes if n)


def _percent(share: float) -> str:
    """A share as a percent for labels: whole percents, one decimal below 10%."""
    value = 100 * float(share)
    whole = abs(value) >= 10 or round(value, 1) == round(value)
    text = f"{value:.0f}" if whole else f"{value:.1f}"
    return text + "%"


def _probability(p: float) -> str:
    """A probability as a label that never shows 0% or 100% for what merely rounds there."""
    if p <= 0:
        return "0%"
    if p >= 1:
        return "100%"
    if p < 0.005:
        return "<1%"
    if p >= 0.995:
        return ">99%"
    return f"{p:.0%}"


def _money(value: float) -> str:
    """Whole currency units with thousands separators and a sign for losses (no code)."""
    return f"{value:,.0f}".replace("-", "−")


def _number(value: float) -> str:
    """A result for a label: whole units from 100 up, else three significant digits."""
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return text.replace("-", "−")


def _unit_words(unit: str, currency: str) -> str:
    return unit.replace("currency", currency).replace("m2", "m²")


def value_with_unit(value: float, unit: str, currency: str = "") -> str:
    """An assumption's value with its unit as a manager reads it (fractions as percents)."""
    if unit.startswith("fraction"):
        rest = unit[len("fraction"):]
        return _percent(value) + (" a " + rest[1:] if rest.startswith("/") else rest)
    number = f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if not unit or "(" in unit:  # long explanatory units belong in the assumptions table
        return number
    return f"{number} {_unit_words(unit, currency)}"


def _column(frame: pd.DataFrame, *choices: str) -> str:
    """The first of ``choices`` in ``frame`` (ids are ``alternative`` or ``equipment_id``)."""
    for name in choices:
        if name in frame.columns:
            return name
    raise ValueError(f"expected a column named {' or '.join(choices)}; "
                     f"got {list(frame.columns)}")


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs columns {missing}; got {list(frame.columns)}")


# --- 1. score contributions --------------------------------------------------------------------

def score_contributions_chart(contributions: pd.DataFrame, names: Mapping[str, str], *,
                              criterion_labels: Mapping[str, str] = CRITERION_LABELS,
                              title: str = "What each machine's score is made of"
                              ) -> go.Figure:
    """Horizontal stacked bars: each machine's weighted-sum score split by criterion.

    ``contributions`` is :func:`evaluate.mcda.scoring.contributions` (columns ``alternative``,
    ``criterion``, ``contribution``; ``attrs["normalization"]`` is used for the footnote).
    The best score is on top and each bar ends in its total; segments follow the criteria's
    order, each with its own colour and hatching so they stay apart in black and white.
    """
    _require(contributions, ["alternative", "criterion", "contribution"], "the contributions")
    totals = contributions.groupby("alternative", sort=False)["contribution"].sum()
    order = totals.sort_values(ascending=False, kind="stable").index
    labels = [_label(a, names) for a in order]
    fig = go.Figure()
    patterns = ("", "/", ".", "x", "\\", "-", "+")
    criteria = list(dict.fromkeys(contributions["criterion"]))
    for k, criterion in enumerate(criteria):
        part = contributions.loc[contributions["criterion"] == criterion].set_index("alternative")
        values = part["contribution"].reindex(order).fillna(0.0).to_numpy(float)
        label = plain(criterion_labels.get(criterion,
                                          str(criterion).replace("_", " ").capitalize()))
        fig.add_trace(go.Bar(
            x=values, y=labels, orientation="h", name=label,
            marker={"color": PALETTE[k % len(PALETTE)], "line": {"color": "white", "width": 1},
                    "pattern": {"shape": patterns[k % len(patterns)], "fillmode": "overlay",
                                "fgcolor": "#222222", "fgopacity": 0.3, "size": 7}},
            hovertemplate="%{y}<br>" + label + ": %{x:.3f}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=totals[order].to_numpy(float), y=labels, mode="text", showlegend=False,
        text=[f"  {t:.2f}" for t in totals[order]], textposition="middle right",
        textfont={"size": 14}, hoverinfo="skip", cliponaxis=False))
    # A vertical legend on the right lists the criteria in the order the segments stack.
    fig.update_layout(barmode="stack", legend={"orientation": "v", "traceorder": "normal",
                                               "x": 1.02, "xanchor": "left", "y": 1.0,
                                               "yanchor": "top", "title": {"text": "Criterion"}})
    fig.update_xaxes(range=[0, max(float(totals.max()), 0.01) * 1.12], rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    normalization = contributions.attrs.get("normalization", "minmax")
    scale = NORMALISATION_WORDS.get(normalization, "scaled so that higher is better")
    note = _join("Each segment is the criterion's weight × how the machine stands on it "
                 f"({scale});", "segments add up to the score shown at the end of the bar.")
    return _finish(fig, title, "Weighted score (0–1, higher is better)", "", note,
                   height=220 + ROW_HEIGHT * len(order))


# --- 2. value for money ------------------------------------------------------------------------

# Where a point's label may go, in the order tried: offsets of the label box (axis fractions).
_PLACES = {"middle right": (0.01, 0.0), "top center": (-0.5, 0.06), "bottom right": (0.0, -0.06),
           "top right": (0.0, 0.06), "middle left": (-1.0, 0.0)}


def _label_positions(x: np.ndarray, y: np.ndarray, labels: Sequence[str], x_span: float,
                     y_span: float, above: np.ndarray) -> list[str]:
    """Text positions for point labels that avoid other labels and points.

    Points are labelled from the highest down, each at the first free place of
    :data:`_PLACES` (``above`` points try "top center" first: a frontier's step line leaves
    them to the right). A label's width is estimated from its length (1/110 of the axis a
    letter), its height as 6% of the axis.
    """
    xs, ys = (x - x.min()) / x_span, (y - y.min()) / y_span
    taken = [(xs[i] - 0.01, xs[i] + 0.01, ys[i], i) for i in range(len(x))]  # the points
    positions = ["middle right"] * len(x)
    for i in np.argsort(-y, kind="stable"):
        width = len(labels[i]) / 110
        order = list(_PLACES)
        if above[i]:
            order.remove("top center")
            order.insert(0, "top center")
        for place in order:
            dx, dy = _PLACES[place]
            x0 = xs[i] + dx * width if dx <= 0 else xs[i] + dx
            box = (x0, x0 + width, ys[i] + dy)
            if not any(abs(box[2] - ty) < 0.06 and box[0] < t1 and t0 < box[1]
                       for t0, t1, ty, owner in taken if owner != i):
                break
        else:
            place, box = order[0], (xs[i], xs[i] + width, ys[i])
        positions[i] = place
        taken.append((*box, i))
    return positions


def value_for_money_chart(table: pd.DataFrame, names: Mapping[str, str], *, currency: str,
                          cost_label: str = "Up-front cost: price plus installation",
                          title: str = "What each machine scores for its cost") -> go.Figure:
    """Score (y) against cost (x) per machine, the value-for-money frontier as a step line.

    ``table`` is :func:`evaluate.mcda.portfolio.value_for_money` (columns ``alternative``,
    ``score``, ``cost``, ``on_frontier``). Frontier machines (nothing else scores as high for
    less) are solid dots joined by a step line; the others are hollow. ``cost_label`` says
    what the cost is, in a footnote.
    """
    _require(table, ["alternative", "score", "cost", "on_frontier"], "the value-for-money table")
    frontier = table.loc[table["on_frontier"].astype(bool)].sort_values(["cost", "score"])
    cost = table["cost"].to_numpy(float)
    score = table["score"].to_numpy(float)
    span = max(float(cost.max() - cost.min()), float(cost.max()) * 0.1, 1.0)
    x_range = [max(0.0, float(cost.min()) - 0.08 * span), float(cost.max()) + 0.45 * span]
    y_range = [min(0.0, float(score.min())) - 0.05, max(1.0, float(score.max())) + 0.05]
    words = [machine_name(a, names) for a in table["alternative"]]
    on = table["on_frontier"].astype(bool).to_numpy()
    positions = _label_positions(cost, score, words, x_range[1] - x_range[0],
                                 y_range[1] - y_range[0], above=on & (len(frontier) > 1))
    labels = [plain(w) for w in words]
    fig = go.Figure()
    if len(frontier) > 1:
        fig.add_trace(go.Scatter(
            x=frontier["cost"], y=frontier["score"], mode="lines", line_shape="hv",
            line={"color": PALETTE[0], "width": 2}, showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=cost, y=score, mode="markers+text", text=labels, textposition=positions,
        marker={"symbol": np.where(on, "circle", "circle-open"), "size": np.where(on, 13, 11),
                "color": np.where(on, PALETTE[0], "#666666"),
                "line": {"width": 2, "color": np.where(on, PALETTE[0], "#666666")},
                "opacity": 1},
        cliponaxis=False, showlegend=False, textfont={"size": 13},
        hovertemplate="%{text}<br>score %{y:.2f}<br>cost %{x:,.0f} " + currency
        + "<extra></extra>"))
    fig.update_xaxes(range=x_range, tickformat=",")
    fig.update_yaxes(range=y_range)
    line = ("Solid dots joined by the line: the best score for the money "
            "(no other machine scores as high for less)." if len(frontier) > 1 else
            "Solid dot: no other machine scores as high for less.")
    note = _join(f"{cost_label} ({currency}).", line)
    return _finish(fig, title, f"Cost ({currency})", "Weighted score (0–1, higher is better)",
                   note, height=480)


# --- 3. adoption -------------------------------------------------------------------------------

def _rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` as a CSS ``rgba()`` (a band's fill must be see-through, not its line)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


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
    _require(curve, ["equipment_id", "scenario", "month", "weekly_sessions"],
             "the adoption curve")
    ids = [str(i) for i in (candidates if candidates is not None
                            else dict.fromkeys(curve["equipment_id"].astype(str)))]
    if not ids:
        raise ValueError("no machine to chart")
    cols = min(len(ids), 3)
    rows = -(-len(ids) // cols)
    fig = make_subplots(rows=rows, cols=cols, shared_xaxes=False, shared_yaxes="all",
                        subplot_titles=[_label(i, names) for i in ids],
                        horizontal_spacing=0.05, vertical_spacing=0.2 / rows)
    scenario = curve["scenario"].astype(str)
    colour = PALETTE[0]
    for k, eid in enumerate(ids):
        row, col = divmod(k, cols)
        mine = curve.loc[curve["equipment_id"].astype(str) == eid]
        if mine.empty:
            raise ValueError(f"no adoption curve for {eid!r}")
        lines = {s: mine.loc[scenario[mine.index] == s].sort_values("month")
                 for s in ("low", "most_likely", "high")}
        name = _label(eid, names)
        if not lines["low"].empty and not lines["high"].empty:
            fig.add_trace(go.Scatter(
                x=np.r_[lines["high"]["month"], lines["low"]["month"][::-1]],
                y=np.r_[lines["high"]["weekly_sessions"], lines["low"]["weekly_sessions"][::-1]],
                fill="toself", fillcolor=_rgba(colour, 0.18), line={"width": 0},
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
                           text=f"{last['weekly_sessions']:,.0f} a week", showarrow=False,
                           xanchor="right", yanchor="bottom", yshift=3,
                           font={"size": 12, "color": "#222222"}, row=row + 1, col=col + 1)
    months = float(curve["month"].max())
    fig.update_xaxes(range=[0, months + 0.5], dtick=6 if months > 12 else 3)
    fig.update_yaxes(rangemode="tozero")
    _finish(fig, title, "", "", note, height=180 + 280 * rows)
    for col in range(1, cols + 1):  # axis titles on the outer panels only
        fig.update_xaxes(title_text="Months after installation", row=rows, col=col)
    for row in range(1, rows + 1):
        fig.update_yaxes(title_text="Sessions per week", row=row, col=1)
    return fig


# --- 4. NPV distribution -----------------------------------------------------------------------

def npv_summary(draws: Mapping[str, Sequence[float]] | pd.DataFrame) -> pd.DataFrame:
    """P10, P50, P90 and P(NPV > 0) per machine from Monte Carlo draws (tidy).

    ``draws`` maps ``equipment_id`` to that machine's simulated NPVs, or is a frame with one
    column per machine (draws as rows); from a :class:`evaluate.model.uncertainty.SimulationResult`:
    ``dict(zip(result.equipment_ids, result.draws["npv"].T))``. Percentiles are order
    statistics (``method="inverted_cdf"``), as in ``SimulationResult.bands``.

    Returns columns ``equipment_id``, ``p10``, ``p50``, ``p90`` (currency), ``p_positive``
    (0-1) and ``draws``, in input order.
    """
    rows = []
    for eid, values in draws.items():
        v = np.asarray(values, dtype=float)
        v = v[~np.isnan(v)]
        if v.size == 0:
            raise ValueError(f"no NPV draws for {eid!r}")
        p10, p50, p90 = np.quantile(v, (0.1, 0.5, 0.9), method="inverted_cdf")
        rows.append({"equipment_id": str(eid), "p10": float(p10), "p50": float(p50),
                     "p90": float(p90), "p_positive": float(np.mean(v > 0)), "draws": v.size})
    return pd.DataFrame(rows, columns=["equipment_id", "p10", "p50", "p90", "p_positive",
                                       "draws"])


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


def npv_distribution_chart(draws: Mapping[str, Sequence[float]] | pd.DataFrame,
                           names: Mapping[str, str], *, currency: str,
                           title: str = "Net present value across simulated futures"
                           ) -> go.Figure:
    """Each machine's NPV range (P10-P90 bar, P50 diamond) and the chance the NPV is above 0.

    ``draws`` as for :func:`npv_summary` (only its summary enters the figure, so the JSON
    stays a few kB whatever the number of draws). Machines are ordered by median NPV, best on
    top; P10 and P90 are written at the bar ends, the median above its diamond, a line marks
    NPV = 0 and the right-hand column gives P(NPV > 0).
    """
    summary = npv_summary(draws).sort_values("p50", ascending=False, kind="stable")
    labels = [_label(e, names) for e in summary["equipment_id"]]
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=labels, x=summary["p90"] - summary["p10"], base=summary["p10"], orientation="h",
        marker={"color": PALETTE[4], "line": {"color": PALETTE[0], "width": 1}}, width=0.36,
        showlegend=False, customdata=np.c_[summary["p10"], summary["p90"]],
        hovertemplate="%{y}<br>P10 %{customdata[0]:,.0f} to P90 %{customdata[1]:,.0f} "
        + currency + "<extra></extra>"))
    fig.add_trace(go.Scatter(
        y=labels, x=summary["p50"], mode="markers", showlegend=False,
        marker={"color": "#222222", "size": 11, "symbol": "diamond"},
        hovertemplate="%{y}<br>median %{x:,.0f} " + currency + "<extra></extra>"))
    for label, row in zip(labels, summary.itertuples(), strict=True):
        for x, text, anchor, shift in ((row.p10, _money(row.p10), "right", -4),
                                       (row.p90, _money(row.p90), "left", 4)):
            fig.add_annotation(x=x, y=label, text=text, xanchor=anchor, xshift=shift,
                               showarrow=False, font={"size": 12, "color": TEXT_GREY})
        fig.add_annotation(x=row.p50, y=label, text=f"<b>{_money(row.p50)}</b>",
                           yanchor="bottom", yshift=11, showarrow=False, font={"size": 12})
    low, high = float(min(summary["p10"].min(), 0.0)), float(max(summary["p90"].max(), 0.0))
    pad = 0.14 * (high - low or 1.0)
    fig.update_xaxes(range=[low - pad, high + pad], tickformat=",")
    fig.update_yaxes(autorange="reversed")
    fig.add_vline(x=0, line={"color": "#222222", "width": 1.5})
    _right_column(fig, "Chance<br>above 0", labels,
                  [_probability(p) for p in summary["p_positive"]])
    count = int(summary["draws"].max()) if len(summary) else 0
    note = _join(f"Bar: the middle 80% of {count:,} simulated futures, from P10 (left number) "
                 "to P90 (right); diamond and bold number: the median (P50).",
                 "Vertical line: NPV = 0, where the machine just pays for itself.")
    return _finish(fig, title, f"Net present value ({currency})", "", note,
                   height=240 + 60 * len(labels))


# --- 5. tornado ----------------------------------------------------------------------------------

def _assumption_label(name: str, names: Mapping[str, str],
                      assumption_labels: Mapping[str, str] | None) -> str:
    if assumption_labels and name in assumption_labels:
        return assumption_labels[name]
    if name.startswith("price (") and name.endswith(")"):  # margin_tornado: "price (id)"
        return f"{machine_name(name[7:-1], names)} price"
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def tornado_rows(swings: pd.DataFrame, low_column: str, high_column: str,
                 top: int = 10) -> pd.DataFrame:
    """The ``top`` rows with the largest ``|high - low|``, largest first.

    Rows that move nothing are dropped; ties keep the frame's order.
    """
    swing = np.abs(swings[high_column].to_numpy(float) - swings[low_column].to_numpy(float))
    keep = np.flatnonzero(swing > 0)
    keep = keep[np.argsort(-swing[keep], kind="stable")][:max(int(top), 0)]
    return swings.iloc[keep]


def tornado_chart(swings: pd.DataFrame, low_column: str, high_column: str, base: float, *,
                  value_title: str, names: Mapping[str, str] | None = None,
                  currency: str = "", assumption_labels: Mapping[str, str] | None = None,
                  top: int = 10, base_label: str = "Most likely",
                  zero_label: str = "", title: str = "What moves the result most"
                  ) -> go.Figure:
    """One-way sensitivity: bars from the base result to the result at each input's ends.

    ``swings`` is :func:`evaluate.model.uncertainty.one_way_swings` (``npv_at_low``,
    ``npv_at_high``; base ``attrs["npv_most_likely"]``) or
    :func:`evaluate.reports.decision.margin.margin_tornado` (``margin_at_low``, ``margin_at_high``; base
    ``attrs["margin_most_likely"]``); both have ``assumption``, ``unit``, ``low_value`` and
    ``high_value``. The ``top`` inputs that move the result most are shown, largest on top
    (:func:`tornado_rows`). Each bar end is labelled with the input's value there
    (fractions as percents, ``currency`` for money units); dark bars are the low ends,
    light bars the high ends, as the subtitle says (no legend to look up). Assumptions are
    named by ``assumption_labels``, else by the name with spaces (``price (id)`` becomes
    the machine's price). ``zero_label`` (e.g. "Top choice changes") draws 0 on the axis,
    always in view, so the reader sees how far the bars stay from it.
    """
    _require(swings, ["assumption", "unit", "low_value", "high_value", low_column, high_column],
             "the tornado")
    names = names or {}
    rows = tornado_rows(swings, low_column, high_column, top)
    labels = [plain(_assumption_label(str(a), names, assumption_labels))
              for a in rows["assumption"]]
    at = {"low": rows[low_column].to_numpy(float), "high": rows[high_column].to_numpy(float)}
    fig = go.Figure()
    for end, colour in (("low", LOW_END), ("high", HIGH_END)):
        fig.add_trace(go.Bar(
            y=labels, x=at[end] - base, base=base, orientation="h", marker_color=colour,
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
    fig.add_vline(x=base, line={"color": "#222222", "width": 1.5})
    fig.add_annotation(x=base, y=1.0, xref="x", yref="paper", yanchor="bottom", showarrow=False,
                       text=f"{base_label}: {_number(base)}", font={"size": 12})
    if zero_label:
        fig.add_vline(x=0, line={"color": PALETTE[5], "width": 1.5, "dash": "dash"})
        fig.add_annotation(x=0, y=0, xref="x", yref="paper", yanchor="bottom", xanchor="left",
                           xshift=4, showarrow=False, text=zero_label,
                           font={"size": 12, "color": PALETTE[5]})
    note = ("Each input alone at the low or high end of its range, every other input at its "
            "most likely value.")
    return _finish(fig, title, value_title, "", note,
                   subtitle="Dark bars: input at the low end of its range; light bars: at the "
                   "high end. Labels give the input's value.",
                   height=260 + ROW_HEIGHT * len(labels))


# --- 6. rank acceptability --------------------------------------------------------------------

def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_acceptability_chart(ranks: pd.DataFrame, names: Mapping[str, str], *,
                             title: str = "How often each machine comes where"
                             ) -> go.Figure:
    """Heatmap of machines × rank (1 = best) with each cell's chance in percent.

    ``ranks`` is :func:`evaluate.mcda.robustness.rank_acceptability` (columns ``alternative``,
    ``rank``, ``probability`` 0-1; ``attrs["draws"]`` used when present) or
    ``SimulationResult.rank_acceptability`` (``equipment_id`` instead of ``alternative``).
    Machines are ordered by expected rank, best on top. One hue (white to blue), so the
    darkest cell is the likeliest in colour and in grey print; every cell carries its
    number, so there is no colour scale to read.
    """
    who = _column(ranks, "alternative", "equipment_id")
    _require(ranks, [who, "rank", "probability"], "the rank acceptability")
    grid = ranks.pivot_table(index=who, columns="rank", values="probability",
                             aggfunc="sum", fill_value=0.0, sort=False)
    grid = grid.reindex(columns=sorted(grid.columns))
    expected = (grid * np.asarray(grid.columns, dtype=float)).sum(axis=1)
    grid = grid.loc[expected.sort_values(kind="stable").index]
    values = grid.to_numpy(float)
    fig = go.Figure(go.Heatmap(
        z=100 * values, x=[_ordinal(int(r)) for r in grid.columns],
        y=[_label(a, names) for a in grid.index],
        text=[[_probability(p) if p > 0 else "" for p in row] for row in values],
        texttemplate="%{text}", textfont={"size": 14}, zmin=0, zmax=100, showscale=False,
        colorscale=[[0, "#ffffff"], [1, PALETTE[0]]], xgap=2, ygap=2,
        hovertemplate="%{y}: %{x} in %{text} of futures<extra></extra>"))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, ticks="")
    draws = ranks.attrs.get("draws")
    futures = f"{int(draws):,} simulated futures" if draws else "the simulated futures"
    note = f"Share of {futures} in which the machine takes each place; blank: never."
    fig = _finish(fig, title, "Rank (1st = best)", "", note,
                  height=240 + ROW_HEIGHT * len(grid))
    return fig.update_layout(margin={"t": 120})


# --- 7. exposure pyramid ------------------------------------------------------------------------

def _dash(label: object) -> str:
    """Age bands as the member profile writes them: an en dash between the years."""
    return str(label).replace("-", "–")


def aggregate_exposure(age_sex: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Members and expected members with back pain by age band and sex, privacy kept.

    Parameters
    ----------
    age_sex
        :func:`evaluate.reports.member_profile.age_sex_table` (``age_band``, ``sex`` in plain words,
        ``members`` already suppressed, ``suppressed``).
    segments
        :func:`evaluate.model.exposure.exposure_by_segment` for the same members and date
        (``age_band``, ``sex`` as F/M/X, ``members``,
        ``expected_with_back_pain_most_likely``). Members of unknown age are dropped, as in
        the age-sex table.

    Returns
    -------
    pandas.DataFrame
        The rows of ``age_sex`` with ``expected_with_back_pain`` added (expected members,
        most-likely case), missing wherever the member count is suppressed, since it would
        give the count away. Keeps ``age_sex``'s order, ``suppressed`` and ``attrs``.

    Raises
    ------
    ValueError
        When a shown member count differs from the segments' (different members or date).
    """
    _require(age_sex, ["age_band", "sex", "members", SUPPRESSED], "the age-sex table")
    _require(segments, ["age_band", "sex", "members", "expected_with_back_pain_most_likely"],
             "the exposure segments")
    seg = pd.DataFrame({"age_band": segments["age_band"].map(_dash).astype(str),
                        "sex": segments["sex"].astype(str).map(SEX_LABELS),
                        "members": segments["members"].to_numpy(float),
                        "expected": segments["expected_with_back_pain_most_likely"]
                        .to_numpy(float)})
    sums = seg.groupby(["age_band", "sex"])[["members", "expected"]].sum()
    key = pd.MultiIndex.from_arrays([age_sex["age_band"].map(_dash).astype(str),
                                     age_sex["sex"].astype(str)])
    found = sums.reindex(key)
    out = age_sex.copy()
    hidden = out[SUPPRESSED].astype(bool).to_numpy()
    shown = out["members"].astype("Float64").to_numpy(float, na_value=np.nan)
    theirs = found["members"].fillna(0.0).to_numpy(float)
    clash = ~hidden & (np.abs(shown - theirs) > 0.5)
    if clash.any():
        i = int(np.flatnonzero(clash)[0])
        raise ValueError(
            f"age band {key[i][0]}, {key[i][1]}: the age-sex table has {shown[i]:.0f} members "
            f"and the exposure segments {theirs[i]:.0f}; build both from the same members "
            "and date (active members on the same as_of)")
    expected = pd.Series(found["expected"].fillna(0.0).to_numpy(float), dtype="Float64")
    out["expected_with_back_pain"] = expected.mask(hidden).to_numpy()
    out.attrs = dict(age_sex.attrs)
    return out


def _cell(part: pd.DataFrame, band: str, column: str) -> float | None:
    """One group's number, or ``None`` when it is suppressed or absent."""
    if band not in part.index:
        return None
    value = part.loc[band, column]
    return None if pd.isna(value) or bool(part.loc[band, SUPPRESSED]) else float(value)


def exposure_pyramid_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE, *,
                           title: str = "Who is likely to have back pain, by age and sex"
                           ) -> go.Figure:
    """Age-sex pyramid of members, women left and men right, expected back pain inside.

    ``table`` is :func:`aggregate_exposure`. Light bars and outer numbers: members; dark
    inner bars and numbers: members expected to have back pain (most likely). Both sides
    share one scale, the oldest band on top. Members of another or not stated sex get a
    third panel, holding only the age bands large enough to show; when none is, a footnote
    says so. A suppressed group is drawn as nothing, never estimated.
    """
    _require(table, ["age_band", "sex", "members", "expected_with_back_pain", SUPPRESSED],
             "the exposure pyramid")
    bands = list(dict.fromkeys(table["age_band"].astype(str)))
    other = "Another or not stated"
    visible = ~table[SUPPRESSED].astype(bool) & (table["members"].fillna(0) > 0)
    panels = [s for s in SEX_COLOURS if s != other]
    if (visible & (table["sex"] == other)).any():
        panels.append(other)
    fig = make_subplots(rows=1, cols=len(panels), shared_yaxes=True, horizontal_spacing=0.05,
                        subplot_titles=panels)
    peak = float(table.loc[visible, "members"].max()) if visible.any() else 1.0
    for col, sex in enumerate(panels, start=1):
        part = table.loc[table["sex"] == sex]
        part = part.set_index(part["age_band"].astype(str))
        members = [_cell(part, b, "members") for b in bands]
        expected = [_cell(part, b, "expected_with_back_pain") for b in bands]
        colour = SEX_COLOURS[sex]
        fig.add_trace(go.Bar(
            y=bands, x=members, orientation="h", marker={"color": _rgba(colour, 0.35)},
            width=0.8, showlegend=False, name="Members",
            text=[f"{m:,.0f}" if m is not None else "" for m in members],
            textposition="outside", cliponaxis=False, textfont={"size": 12},
            hovertemplate=sex + " %{y}: %{x:,} members<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Bar(
            y=bands, x=expected, orientation="h", marker={"color": colour}, width=0.45,
            showlegend=False, name="Expected with back pain",
            text=[f"{e:,.0f}" if e is not None else "" for e in expected],
            textposition="inside", insidetextanchor="end", textangle=0,
            textfont={"color": "white", "size": 12},
            hovertemplate=(sex + " %{y}: about %{x:,.0f} with back pain (expected)"
                           "<extra></extra>")), row=1, col=col)
        fig.update_xaxes(range=[peak * 1.25, 0] if col == 1 else [0, peak * 1.25],
                         row=1, col=col, tickformat=",", title_text="Members (count)")
        if col > 1:
            fig.update_yaxes(ticks="", row=1, col=col)
    # A number that does not fit its bar is left to the hover rather than shrunk unreadably.
    fig.update_layout(barmode="overlay", uniformtext={"minsize": 11, "mode": "hide"})
    fig.update_yaxes(categoryorder="array", categoryarray=bands)  # youngest at the bottom
    fig.update_annotations(font={"size": 14})
    hidden = _note(table, min_group_size)
    if other not in panels and (table["sex"] == other).any() and hidden:
        hidden += (" Members of another or not stated sex are in such small groups in every "
                   "age band.")
    note = _join("Light bar and outer number: members. Dark bar and inner number: members "
                 "expected to have back pain now (most likely).", hidden)
    fig = _finish(fig, title, "Members (count)", "Age band (years)", note,
                  height=220 + 60 * len(bands))
    return fig


# --- 8. peak load ----------------------------------------------------------------------------

def peak_load_chart(forecast: pd.DataFrame, names: Mapping[str, str], *, target: float,
                    title: str = "How busy each machine would be in the club's busiest hour"
                    ) -> go.Figure:
    """Forecast utilisation at the peak hour per machine, against the comfortable target.

    ``forecast`` is :func:`evaluate.model.demand.forecast_usage` (columns ``equipment_id``,
    ``scenario``, ``utilisation`` as a 0-1 share of the hour's capacity; ``attrs``
    ``peak_hour`` and ``peak_source`` name the hour). ``target`` is the assumption
    ``target_peak_utilisation`` (0-1): above it members start to queue.

    Why this view: a manager's question is "will members queue?", and the busy share of the
    busiest hour answers it for every machine on one scale (percent of capacity), which
    arrivals per hour against each machine's own capacity would not. Bar: most likely (its
    number in the right-hand column); whisker: low to high case; a dashed line at the target
    and a solid one at 100% (full). Bars above the target are orange and hatched.
    """
    _require(forecast, ["equipment_id", "scenario", "utilisation"], "the forecast")
    wide = forecast.pivot_table(index="equipment_id", columns="scenario", values="utilisation",
                                aggfunc="first", observed=True, sort=False)
    wide.columns = wide.columns.astype(str)
    if "most_likely" not in wide.columns:
        raise ValueError("the forecast needs a most_likely scenario")
    wide = wide.sort_values("most_likely", ascending=False, kind="stable")
    likely = wide["most_likely"].to_numpy(float)
    low = wide["low"].to_numpy(float) if "low" in wide else likely
    high = wide["high"].to_numpy(float) if "high" in wide else likely
    labels = [_label(e, names) for e in wide.index]
    over = likely > target
    fig = go.Figure(go.Bar(
        y=labels, x=100 * likely, orientation="h", showlegend=False,
        marker={"color": [PALETTE[5] if o else PALETTE[0] for o in over],
                "pattern": {"shape": ["/" if o else "" for o in over], "fgcolor": "white",
                            "fillmode": "overlay"}},
        error_x={"type": "data", "symmetric": False, "array": 100 * (high - likely),
                 "arrayminus": 100 * (likely - low), "color": "#444444", "thickness": 1.5,
                 "width": 6},
        customdata=np.c_[100 * low, 100 * high],
        hovertemplate="%{y}: %{x:.0f}% busy (low %{customdata[0]:.0f}% to high "
                      "%{customdata[1]:.0f}%)<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    right = max(110.0, float(np.nanmax(100 * high)) * 1.05)
    fig.update_xaxes(range=[0, right], ticksuffix="%")
    for x, text, dash in ((100 * target, f"Target {_percent(target)}", "dash"),
                          (100.0, "Full", "solid")):
        fig.add_vline(x=x, line={"color": "#222222", "width": 1.5, "dash": dash})
        fig.add_annotation(x=x, y=1.0, xref="x", yref="paper", yanchor="bottom",
                           showarrow=False, text=text, font={"size": 12})
    _right_column(fig, "Most<br>likely", labels, [_percent(v) for v in likely])
    hour = forecast.attrs.get("peak_hour")
    source = forecast.attrs.get("peak_source", "")
    subtitle = (f"Busiest hour of the week: {hour} ({source})" if hour
                else f"Busiest hour from the {source}" if source else "")
    note = _join("Bar: most likely; whisker: from the low to the high case.",
                 f"Above the target ({_percent(target)} of capacity in use) members start to "
                 "queue; bars above it are orange and hatched.")
    return _finish(fig, title, "Share of the machine's capacity in use at the busiest hour (%)",
                   "", note, subtitle=subtitle, height=260 + ROW_HEIGHT * len(labels))


# --- 9. chain roll-up ---------------------------------------------------------------------------

def chain_npv_chart(outcomes: pd.DataFrame, *, currency: str,
                    title: str = "Median NPV of each machine at each club") -> go.Figure:
    """Heatmap of clubs (rows) × machines (columns): each cell the median NPV, in thousands.

    ``outcomes`` is :func:`evaluate.reports.chain.outcomes_table` (``club``, ``name``, ``npv_p50``,
    ``recommended``). Diverging colours around 0 (blue: gains, orange: losses), so a loss
    reads at a glance; each club's recommended machine is marked with a star.
    """
    _require(outcomes, ["club", "name", "npv_p50", "recommended"], "the chain outcomes")
    grid = outcomes.pivot_table(index="club", columns="name", values="npv_p50", sort=False)
    chosen = outcomes.pivot_table(index="club", columns="name", values="recommended",
                                  aggfunc="max", sort=False).reindex_like(grid)
    values = grid.to_numpy(float)
    limit = float(np.nanmax(np.abs(values))) or 1.0
    text = [[("" if np.isnan(v) else f"{v / 1000:,.1f}k") + (" ★" if star is True else "")
             for v, star in zip(row, stars, strict=True)]
            for row, stars in zip(values, chosen.to_numpy(object), strict=True)]
    fig = go.Figure(go.Heatmap(
        z=values, x=[plain(c) for c in grid.columns], y=[plain(c) for c in grid.index],
        text=text,
        texttemplate="%{text}", zmin=-limit, zmax=limit, showscale=False, xgap=2, ygap=2,
        colorscale=[[0, PALETTE[5]], [0.5, "#ffffff"], [1, PALETTE[0]]],
        hovertemplate="%{y}, %{x}: median NPV %{z:,.0f} " + currency + "<extra></extra>"))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, ticks="")
    note = (f"Median NPV over the simulated futures, in thousands of {currency}; "
            "★ the club's recommended machine.")
    fig = _finish(fig, title, "", "", note, height=240 + ROW_HEIGHT * len(grid))
    return fig.update_layout(margin={"t": 140})
