"""Charts in one house style: a tidy table in, a Plotly figure out.

This module is the home of what every chart of the suite shares: the house template and
palette, the layout helpers, and the labels (a machine's plain name, a percent, money, an
assumption's value with its unit). Chart functions never show, save, aggregate or compute
anything beyond layout: the tables they draw come from the report modules (e.g.
:mod:`evaluate.reports.member_profile`, :mod:`evaluate.reports.tables`). Notebooks call
:func:`configure_plotly` once and :func:`show` for each figure. The member profile's charts
are here; the model's outputs are drawn by :mod:`evaluate.reports.model_charts`, the
decision's by :mod:`evaluate.reports.decision.charts`, the usage review's by
:mod:`evaluate.reports.usage_review.charts`.

Text from the club's files (machine names, club names, sources, units) reaches a figure only
through :func:`plain`, so that it is shown as the characters it holds: Plotly draws a subset
of HTML in every label, including links.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import cache

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from evaluate.reports.formatting import PRIVACY_NOTE, SEX_LABELS, number
from evaluate.reports.privacy import MIN_GROUP_SIZE, SUPPRESSED

HOUSE_TEMPLATE = "club"
# Plotly's JSON MIME type: JupyterLab draws it, and the build's HTML export turns it into a
# chart with one inlined plotly.js per page (evaluate.build.html_export). The `notebook` renderer
# would instead embed the 4.8 MB plotly.js in every executed notebook.
RENDERER = "plotly_mimetype"
SHOW_CONFIG = {"displayModeBar": False, "responsive": True}
# Colour-blind-safe (Okabe-Ito), in the order series usually appear.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
SEX_COLOURS = {SEX_LABELS["F"]: PALETTE[3], SEX_LABELS["M"]: PALETTE[0],
               SEX_LABELS["X"]: PALETTE[2]}
BAR_COLOUR = PALETTE[0]
INK = "#222222"  # text, reference lines (0, a target, the base case) and medians
TEXT_GREY = "#555555"  # footnotes, subtitles and secondary labels
ROW_HEIGHT = 46  # px per bar row in horizontal charts


@cache
def house_template() -> go.layout.Template:
    """The suite's Plotly template: plain white, large readable type, left-aligned titles."""
    axis = {"gridcolor": "#e6e6e6", "linecolor": "#999999", "zeroline": False,
            "ticks": "outside", "tickcolor": "#999999", "automargin": True,
            "title": {"standoff": 10}}
    return go.layout.Template(layout={
        "font": {"family": "Helvetica, Arial, sans-serif", "size": 14, "color": INK},
        "title": {"x": 0, "xanchor": "left", "font": {"size": 18}},
        "colorway": list(PALETTE),
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "xaxis": axis, "yaxis": axis,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        "margin": {"l": 60, "r": 20, "t": 80, "b": 90},
        "hoverlabel": {"font": {"size": 13}},
        "bargap": 0.25,
    })


def configure_plotly() -> None:
    """Set the renderer that survives HTML export and make the house template the default."""
    pio.renderers.default = RENDERER
    pio.templates[HOUSE_TEMPLATE] = house_template()
    pio.templates.default = f"plotly_white+{HOUSE_TEMPLATE}"


def show(fig: go.Figure) -> None:
    """Display ``fig`` in a notebook without Plotly's toolbar (it also prints into PDFs)."""
    fig.show(config=SHOW_CONFIG)


def plain(text: object) -> str:
    """``text`` as Plotly shows it literally: never as markup, whatever it holds.

    Plotly draws a subset of HTML in every text of a figure (titles, tick labels, legends,
    hover labels, annotations): ``<a href>`` becomes a link, ``<span style>`` restyles,
    ``<br>`` breaks the line. It splits a text on such tags first and only then decodes the
    HTML entities between them, so ``&lt;a href=...&gt;`` is drawn as the text
    ``<a href=...>``. Escaping ``&``, ``<`` and ``>`` therefore shows a machine named
    ``<a href="https://evil.example">Rower</a>`` as exactly those characters. The suite's own
    markup (``<br>`` in footnotes, ``<extra>`` in hover templates) is added around such
    text, never through it. Titles and axis titles given to :func:`house_layout` pass through
    here too; a footnote (``note``) is Plotly markup, so data in it must come through here.
    """
    return html.escape(str(text), quote=False)


# --- labels ----------------------------------------------------------------------------------

def machine_name(equipment_id: object, names: Mapping[str, str]) -> str:
    """The machine's plain name; an unnamed id is shown with spaces for underscores."""
    key = str(equipment_id)
    return str(names.get(key) or key.replace("_", " "))


def machine_label(equipment_id: object, names: Mapping[str, str]) -> str:
    """:func:`machine_name` as a figure shows it: literally (:func:`plain`)."""
    return plain(machine_name(equipment_id, names))


def percent_label(share: float) -> str:
    """A share as a percent for labels: whole percents, one decimal below 10%."""
    value = 100 * float(share)
    whole = abs(value) >= 10 or round(value, 1) == round(value)
    text = number(value, ".0f") if whole else number(value, ".1f")
    return text + "%"


def money_label(value: float) -> str:
    """Whole currency units with thousands separators and a sign for losses (no code).

    The axis title carries the currency code, so the labels on the bars do not repeat it.
    """
    return number(value, ",.0f").replace("-", "−")


def number_label(value: float) -> str:
    """A result for a label: whole units from 100 up, else three significant digits."""
    text = number(value, ",.0f") if abs(value) >= 100 else number(value, ".3g")
    return text.replace("-", "−")


def _unit_words(unit: str, currency: str) -> str:
    return unit.replace("currency", currency).replace("m2", "m²")


def value_with_unit(value: float, unit: str, currency: str = "") -> str:
    """An assumption's value with its unit as a manager reads it (fractions as percents)."""
    if unit.startswith("fraction"):
        rest = unit[len("fraction"):]
        return percent_label(value) + (" a " + rest[1:] if rest.startswith("/") else rest)
    text = number(value, ",.4g") if abs(value) < 1e4 else number(value, ",.0f")
    if not unit or "(" in unit:  # long explanatory units belong in the assumptions table
        return text
    return f"{text} {_unit_words(unit, currency)}"


def rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` as a CSS ``rgba()`` (a band's fill must be see-through, not its line)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# --- layout ----------------------------------------------------------------------------------

def join_notes(*notes: str) -> str:
    """Footnote lines, each on its own line (Plotly's ``<br>``); empty ones left out."""
    return "<br>".join(n for n in notes if n)


def privacy_note(table: pd.DataFrame, min_group_size: int) -> str:
    """The privacy footnote when ``table`` hides a count (:data:`PRIVACY_NOTE`), else ""."""
    if SUPPRESSED in table and bool(table[SUPPRESSED].any()):
        return PRIVACY_NOTE.format(size=min_group_size)
    return ""


def house_layout(fig: go.Figure, title: str, x_title: str, y_title: str,
                 note: str) -> go.Figure:
    """The house template, a plain title and axis titles, and a footnote under the plot."""
    fig.update_layout(template=house_template(), title={"text": plain(title)},
                      xaxis_title=plain(x_title), yaxis_title=plain(y_title))
    if note:
        fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=-0.22,
                           xanchor="left", yanchor="top", showarrow=False,
                           font={"size": 12, "color": TEXT_GREY})
    return fig


def finish_figure(fig: go.Figure, title: str, x_title: str, y_title: str, note: str = "",
                  subtitle: str = "", height: int | None = None) -> go.Figure:
    """:func:`house_layout`, then subtitle, height and footnote room.

    The footnote sits in the bottom margin at a fixed distance in pixels below the plot,
    so it never overlaps the x-axis title whatever the figure's height.
    """
    house_layout(fig, title, x_title, y_title, "")
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


# --- the member profile's charts -------------------------------------------------------------

def _values(series: pd.Series) -> list:
    """Plain Python values with ``None`` for hidden cells, as Plotly expects."""
    return [None if pd.isna(v) else v for v in series.astype("object")]


def _bars(table: pd.DataFrame, category: str, name: str = "",
          colour: str = BAR_COLOUR, horizontal: bool = False) -> go.Bar:
    counts = _values(table["members"])
    labels = [plain(v) for v in table[category]]
    return go.Bar(
        x=counts if horizontal else labels, y=labels if horizontal else counts,
        orientation="h" if horizontal else "v", name=name, marker_color=colour,
        text=[number(v, ",") if v is not None else "" for v in counts], textposition="outside",
        cliponaxis=False,
        hovertemplate=("%{y}: %{x:,} members" if horizontal else "%{x}: %{y:,} members")
        + "<extra>" + name + "</extra>",
    )


def age_sex_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> go.Figure:
    """Grouped bars of members by age band and sex, from :func:`member_profile.age_sex_table`.

    A sex with no group large enough to show gets no bars and no legend entry.
    """
    fig = go.Figure()
    for sex, colour in SEX_COLOURS.items():
        part = table.loc[table["sex"] == sex]
        if part.empty or part["members"].fillna(0).sum() == 0:
            continue
        fig.add_trace(_bars(part, "age_band", name=sex, colour=colour))
    fig.update_layout(barmode="group")
    return house_layout(fig, "Members by age and sex", "Age band (years)", "Members (count)",
                        privacy_note(table, min_group_size))


def visits_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> go.Figure:
    """Bars of members by average visits a week, from :func:`member_profile.visits_table`."""
    fig = go.Figure(_bars(table, "visits_band"))
    return house_layout(fig, "How often members come", "Visits per week (average)",
                        "Members (count)", privacy_note(table, min_group_size))


def tenure_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> go.Figure:
    """Bars of members by months of membership, from :func:`member_profile.tenure_table`."""
    fig = go.Figure(_bars(table, "tenure_band"))
    return house_layout(fig, "How long members have belonged", "Time as a member (months)",
                        "Members (count)", privacy_note(table, min_group_size))


def goal_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> go.Figure:
    """Horizontal bars of members by training goal, first row on top."""
    fig = go.Figure(_bars(table, "goal", horizontal=True))
    fig.update_yaxes(autorange="reversed")
    return house_layout(fig, "What members train for", "Members (count)", "Training goal",
                        privacy_note(table, min_group_size))
