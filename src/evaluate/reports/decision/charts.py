"""Charts of the management decision report: the scores and the choice they lead to.

What each machine's score is made of (:func:`score_contributions_chart`), what it scores
for its cost (:func:`value_for_money_chart`), how often it comes where across simulated
futures (:func:`rank_acceptability_chart`) and who is likely to have back pain
(:func:`exposure_pyramid_chart`). The charts of the model's outputs the candidate profile
shows too (adoption, NPV, tornado, peak load) are in :mod:`evaluate.reports.model_charts`.

Every chart follows the house style of :mod:`evaluate.reports.charts` (template, Okabe-Ito
palette, left-aligned plain-language title, axis titles with units, footnotes in grey,
machines by their plain names, text from the club's files shown literally) and is read by a
club manager, often on paper: values are labelled directly, so charts read without a legend
and in black and white; the one legend lists the criteria of the stacked score bars, which
are also hatched differently. Each figure carries its text alternative, a sentence from
:mod:`evaluate.reports.chart_summaries` (:func:`evaluate.reports.charts.describe`). Member
counts come already suppressed
(:func:`evaluate.reports.privacy.suppress_small_groups`): a hidden group is drawn as nothing
and a footnote says so.

Functions only build figures; notebooks call :func:`evaluate.reports.charts.show` (no toolbar).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from evaluate.reports import chart_summaries
from evaluate.reports.charts import (
    INK,
    MUTED_GREY,
    PALETTE,
    ROW_HEIGHT,
    SEX_COLOURS,
    WHITE,
    describe,
    finish_figure,
    join_notes,
    machine_label,
    machine_name,
    plain,
    privacy_note,
    rgba,
    text_on,
)
from evaluate.reports.decision.analysis import COST_LABEL, criterion_label
from evaluate.reports.formatting import SEX_LABELS, number, share
from evaluate.reports.privacy import MIN_GROUP_SIZE, SUPPRESSED
from evaluate.reports.tables import require_columns

__all__ = [
    "exposure_pyramid_chart",
    "rank_acceptability_chart",
    "score_contributions_chart",
    "value_for_money_chart",
]

# What a 0-1 normalised value means, per normalisation (evaluate.mcda.normalization).
NORMALISATION_WORDS: dict[str, str] = {
    "minmax": "0 = the worst of these machines on it, 1 = the best",
    "fixed": "0 and 1 = the ends of the range the analyst set",
}


# --- helpers -----------------------------------------------------------------------------------

def _column(frame: pd.DataFrame, *choices: str) -> str:
    """The first of ``choices`` in ``frame`` (ids are ``alternative`` or ``equipment_id``)."""
    for name in choices:
        if name in frame.columns:
            return name
    raise ValueError(f"expected a column named {' or '.join(choices)}; "
                     f"got {list(frame.columns)}")


# --- 1. score contributions --------------------------------------------------------------------

def score_contributions_chart(contributions: pd.DataFrame, names: Mapping[str, str], *,
                              criterion_labels: Mapping[str, str] | None = None,
                              title: str = "What each machine's score is made of"
                              ) -> go.Figure:
    """Horizontal stacked bars: each machine's weighted-sum score split by criterion.

    ``contributions`` is :func:`evaluate.mcda.scoring.contributions` (columns ``alternative``,
    ``criterion``, ``contribution``; ``attrs["normalization"]`` is used for the footnote).
    The best score is on top and each bar ends in its total; segments follow the criteria's
    order, each with its own colour and hatching so they stay apart in black and white, and
    are named by ``criterion_labels``, else by their plain name
    (:func:`evaluate.reports.decision.analysis.criterion_label`).
    """
    require_columns(contributions, ["alternative", "criterion", "contribution"],
                    "the contributions")
    totals = contributions.groupby("alternative", sort=False)["contribution"].sum()
    order = totals.sort_values(ascending=False, kind="stable").index
    labels = [machine_label(a, names) for a in order]
    fig = go.Figure()
    patterns = ("", "/", ".", "x", "\\", "-", "+")
    criteria = list(dict.fromkeys(contributions["criterion"]))
    legend_names = {}
    for k, criterion in enumerate(criteria):
        part = contributions.loc[contributions["criterion"] == criterion].set_index("alternative")
        values = part["contribution"].reindex(order).fillna(0.0).to_numpy(float)
        words = (criterion_labels or {}).get(criterion) or criterion_label(str(criterion))
        legend_names[criterion] = words
        label = plain(words)
        fig.add_trace(go.Bar(
            x=values, y=labels, orientation="h", name=label,
            marker={"color": PALETTE[k % len(PALETTE)], "line": {"color": WHITE, "width": 1},
                    "pattern": {"shape": patterns[k % len(patterns)], "fillmode": "overlay",
                                "fgcolor": INK, "fgopacity": 0.3, "size": 7}},
            hovertemplate="%{y}<br>" + label + ": %{x:.3f}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=totals[order].to_numpy(float), y=labels, mode="text", showlegend=False,
        text=[f"  {number(t, '.2f')}" for t in totals[order]], textposition="middle right",
        textfont={"size": 14}, hoverinfo="skip", cliponaxis=False))
    # A vertical legend on the right lists the criteria in the order the segments stack.
    fig.update_layout(barmode="stack", legend={"orientation": "v", "traceorder": "normal",
                                               "x": 1.02, "xanchor": "left", "y": 1.0,
                                               "yanchor": "top", "title": {"text": "Criterion"}})
    fig.update_xaxes(range=[0, max(float(totals.max()), 0.01) * 1.12], rangemode="tozero")
    fig.update_yaxes(autorange="reversed")
    normalization = contributions.attrs.get("normalization", "minmax")
    scale = NORMALISATION_WORDS.get(normalization, "scaled so that higher is better")
    note = join_notes("Each segment is the criterion's weight × how the machine stands on it "
                      f"({scale});", "segments add up to the score shown at the end of the bar.")
    # Tall enough for the legend's rows too, or it would scroll and hide criteria.
    finish_figure(fig, title, "Weighted score (0–1, higher is better)", "", note,
                  height=max(220 + ROW_HEIGHT * len(order), 240 + 24 * len(criteria)))
    return describe(fig, chart_summaries.contributions_summary(
        totals[order], contributions, names, legend_names))


# --- 2. value for money ------------------------------------------------------------------------

# Where a point's label may go, in the order tried: offsets of the label box (axis fractions).
_PLACES = {"middle right": (0.01, 0.0), "top center": (-0.5, 0.06), "bottom right": (0.0, -0.06),
           "top right": (0.0, 0.06), "middle left": (-1.0, 0.0)}


def _label_positions(x: np.ndarray, y: np.ndarray, labels: Sequence[str], x_span: float,
                     y_span: float, above: np.ndarray) -> list[str | None]:
    """Text positions for point labels that avoid other labels and points.

    Points are labelled ``above`` ones first (the frontier), each group from the highest
    down, each at the first free place of :data:`_PLACES` (``above`` points try "top center"
    first: a frontier's step line leaves them to the right). A point with no free place gets
    ``None``: no label, rather than one printed over another (many machines at close costs
    and scores). A label's width is estimated from its length (1/110 of the axis a letter),
    its height as 6% of the axis.
    """
    xs, ys = (x - x.min()) / x_span, (y - y.min()) / y_span
    taken = [(xs[i] - 0.01, xs[i] + 0.01, ys[i], i) for i in range(len(x))]  # the points
    positions: list[str | None] = ["middle right"] * len(x)
    for i in np.lexsort((-y, ~np.asarray(above, dtype=bool))):
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
                positions[i] = place
                taken.append((*box, i))
                break
        else:
            positions[i] = None
    return positions


def value_for_money_chart(table: pd.DataFrame, names: Mapping[str, str], *, currency: str,
                          cost_label: str = COST_LABEL,
                          title: str = "What each machine scores for its cost") -> go.Figure:
    """Score (y) against cost (x) per machine, the value-for-money frontier as a step line.

    ``table`` is :func:`evaluate.mcda.portfolio.value_for_money` (columns ``alternative``,
    ``score``, ``cost``, ``on_frontier``). Frontier machines (nothing else scores as high for
    less) are solid dots joined by a step line; the others are hollow. ``cost_label`` says
    what the cost is, in a footnote.
    """
    require_columns(table, ["alternative", "score", "cost", "on_frontier"],
                    "the value-for-money table")
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
    names_shown = [plain(w) for w in words]
    labels = [w if p else "" for w, p in zip(names_shown, positions, strict=True)]
    fig = go.Figure()
    if len(frontier) > 1:
        fig.add_trace(go.Scatter(
            x=frontier["cost"], y=frontier["score"], mode="lines", line_shape="hv",
            line={"color": PALETTE[0], "width": 2}, showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=cost, y=score, mode="markers+text", text=labels,
        textposition=[p or "middle right" for p in positions], customdata=names_shown,
        marker={"symbol": np.where(on, "circle", "circle-open"), "size": np.where(on, 13, 11),
                "color": np.where(on, PALETTE[0], MUTED_GREY),
                "line": {"width": 2, "color": np.where(on, PALETTE[0], MUTED_GREY)},
                "opacity": 1},
        cliponaxis=False, showlegend=False, textfont={"size": 13},
        hovertemplate="%{customdata}<br>score %{y:.2f}<br>cost %{x:,.0f} " + currency
        + "<extra></extra>"))
    fig.update_xaxes(range=x_range, tickformat=",")
    fig.update_yaxes(range=y_range)
    line = ("Solid dots joined by the line: the best score for the money "
            "(no other machine scores as high for less)." if len(frontier) > 1 else
            "Solid dot: no other machine scores as high for less.")
    unlabelled = sum(p is None for p in positions)
    crowded = (f"{unlabelled} of the {len(positions)} machines are not labelled: their labels "
               "would overlap; the table of all candidates gives every machine's score and "
               "cost." if unlabelled else "")
    note = join_notes(f"{cost_label} ({currency}).", line, crowded)
    finish_figure(fig, title, f"Cost ({currency})", "Weighted score (0–1, higher is better)",
                  note, height=480)
    return describe(fig, chart_summaries.value_for_money_summary(table, names, currency))


# --- 3. rank acceptability --------------------------------------------------------------------

# Places the heatmap shows one column each; the rest share the last column ("12th–40th").
# The plot is about 560 px wide beside the machines' names: 12 columns leave each about 45
# px, room for a cell's "100%" or "<1%" at 14 px; 40 columns would print them over each other.
RANK_COLUMNS = 12

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
    number, so there is no colour scale to read. With more than :data:`RANK_COLUMNS`
    places, the last column holds the chance of that place or a lower one (a footnote
    says so).
    """
    who = _column(ranks, "alternative", "equipment_id")
    require_columns(ranks, [who, "rank", "probability"], "the rank acceptability")
    grid = ranks.pivot_table(index=who, columns="rank", values="probability",
                             aggfunc="sum", fill_value=0.0, sort=False)
    grid = grid.reindex(columns=sorted(grid.columns))
    expected = (grid * np.asarray(grid.columns, dtype=float)).sum(axis=1)
    grid = grid.loc[expected.sort_values(kind="stable").index]
    places = [_ordinal(int(r)) for r in grid.columns]
    merged = ""
    if len(places) > RANK_COLUMNS:
        last = RANK_COLUMNS - 1
        places = [*places[:last], f"{places[last]}–{places[-1]}"]
        grid = pd.concat([grid.iloc[:, :last],
                          grid.iloc[:, last:].sum(axis=1).clip(upper=1.0).rename("lower")],
                         axis=1)
        merged = f"{places[-1]}: any place from {places[-1].split('–')[0]} down."
    values = grid.to_numpy(float)
    fig = go.Figure(go.Heatmap(
        z=100 * values, x=places,
        y=[machine_label(a, names) for a in grid.index],
        text=[[share(p) if p > 0 else "" for p in row] for row in values],
        texttemplate="%{text}", textfont={"size": 14}, zmin=0, zmax=100, showscale=False,
        colorscale=[[0, WHITE], [1, PALETTE[0]]], xgap=2, ygap=2,
        hovertemplate="%{y}: %{x} in %{text} of futures<extra></extra>"))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(side="top", showgrid=False, ticks="")
    draws = ranks.attrs.get("draws")
    futures = (f"{number(int(draws), ',')} simulated futures" if draws
               else "the simulated futures")
    note = join_notes(f"Share of {futures} in which the machine takes each place; "
                      "blank: never.", merged)
    fig = finish_figure(fig, title, "Rank (1st = best)", "", note,
                        height=240 + ROW_HEIGHT * len(grid))
    fig.update_layout(margin={"t": 120})
    return describe(fig, chart_summaries.rank_summary(grid.iloc[:, 0], names, draws))


# --- 4. exposure pyramid ------------------------------------------------------------------------

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

    ``table`` is :func:`evaluate.reports.member_profile.aggregate_exposure`. Light bars and
    outer numbers: members; dark inner bars and numbers: members expected to have back pain
    (most likely). Both sides share one scale, the oldest band on top. Members of another or
    not stated sex get a third panel, holding only the age bands large enough to show; when
    none is, a footnote says so. A suppressed group is drawn as nothing, never estimated.
    """
    require_columns(table, ["age_band", "sex", "members", "expected_with_back_pain",
                            SUPPRESSED], "the exposure pyramid")
    bands = list(dict.fromkeys(table["age_band"].astype(str)))
    other = SEX_LABELS["X"]
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
            y=bands, x=members, orientation="h", marker={"color": rgba(colour, 0.35)},
            width=0.8, showlegend=False, name="Members",
            text=[number(m, ",.0f") if m is not None else "" for m in members],
            textposition="outside", cliponaxis=False, textfont={"size": 12},
            hovertemplate=sex + " %{y}: %{x:,} members<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Bar(
            y=bands, x=expected, orientation="h", marker={"color": colour}, width=0.45,
            showlegend=False, name="Expected with back pain",
            text=[number(e, ",.0f") if e is not None else "" for e in expected],
            textposition="inside", insidetextanchor="end", textangle=0,
            textfont={"color": text_on(colour), "size": 12},
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
    hidden = privacy_note(table, min_group_size)
    if other not in panels and (table["sex"] == other).any() and hidden:
        hidden += (" Members of another or not stated sex are in such small groups in every "
                   "age band.")
    note = join_notes("Light bar and outer number: members. Dark bar and inner number: "
                      "members expected to have back pain now (most likely).", hidden)
    finish_figure(fig, title, "Members (count)", "Age band (years)", note,
                  height=220 + 60 * len(bands))
    return describe(fig, chart_summaries.exposure_summary(table))
