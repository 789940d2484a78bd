"""Charts in one house style: a tidy aggregated table in, a Plotly figure out.

Chart functions never show, save or compute anything beyond layout; notebooks call
:func:`configure_plotly` once and :func:`show` for each figure.

Text from the club's files (machine names, club names, sources, units) reaches a figure only
through :func:`plain`, so that it is shown as the characters it holds: Plotly draws a subset
of HTML in every label, including links.
"""

from __future__ import annotations

import html
from functools import cache

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from evaluate.reports.formatting import PRIVACY_NOTE
from evaluate.reports.privacy import MIN_GROUP_SIZE, SUPPRESSED

HOUSE_TEMPLATE = "club"
# Plotly's JSON MIME type: JupyterLab draws it, and the build's HTML export turns it into a
# chart with one inlined plotly.js per page (evaluate.build.html_export). The `notebook` renderer
# would instead embed the 4.8 MB plotly.js in every executed notebook.
RENDERER = "plotly_mimetype"
SHOW_CONFIG = {"displayModeBar": False, "responsive": True}
# Colour-blind-safe (Okabe-Ito), in the order series usually appear.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
SEX_COLOURS = {"Women": "#CC79A7", "Men": "#0072B2", "Another or not stated": "#009E73"}
BAR_COLOUR = PALETTE[0]


@cache
def house_template() -> go.layout.Template:
    """The suite's Plotly template: plain white, large readable type, left-aligned titles."""
    axis = {"gridcolor": "#e6e6e6", "linecolor": "#999999", "zeroline": False,
            "ticks": "outside", "tickcolor": "#999999", "automargin": True,
            "title": {"standoff": 10}}
    return go.layout.Template(layout={
        "font": {"family": "Helvetica, Arial, sans-serif", "size": 14, "color": "#222222"},
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
    text, never through it. Titles and axis titles given to :func:`_layout` pass through
    here too; a footnote (``note``) is Plotly markup, so data in it must come through here.
    """
    return html.escape(str(text), quote=False)


def _note(table: pd.DataFrame, min_group_size: int) -> str:
    if SUPPRESSED in table and bool(table[SUPPRESSED].any()):
        return PRIVACY_NOTE.format(size=min_group_size)
    return ""


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, note: str) -> go.Figure:
    fig.update_layout(template=house_template(), title={"text": plain(title)},
                      xaxis_title=plain(x_title), yaxis_title=plain(y_title))
    if note:
        fig.add_annotation(text=note, xref="paper", yref="paper", x=0, y=-0.22,
                           xanchor="left", yanchor="top", showarrow=False,
                           font={"size": 12, "color": "#555555"})
    return fig


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
        text=[f"{v:,}" if v is not None else "" for v in counts], textposition="outside",
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
    return _layout(fig, "Members by age and sex", "Age band (years)", "Members (count)",
                   _note(table, min_group_size))


def visits_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> go.Figure:
    """Bars of members by average visits a week, from :func:`member_profile.visits_table`."""
    fig = go.Figure(_bars(table, "visits_band"))
    return _layout(fig, "How often members come", "Visits per week (average)",
                   "Members (count)", _note(table, min_group_size))


def tenure_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> go.Figure:
    """Bars of members by months of membership, from :func:`member_profile.tenure_table`."""
    fig = go.Figure(_bars(table, "tenure_band"))
    return _layout(fig, "How long members have belonged", "Time as a member (months)",
                   "Members (count)", _note(table, min_group_size))


def goal_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> go.Figure:
    """Horizontal bars of members by training goal, first row on top."""
    fig = go.Figure(_bars(table, "goal", horizontal=True))
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, "What members train for", "Members (count)", "Training goal",
                   _note(table, min_group_size))
