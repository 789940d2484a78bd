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

Every chart can be read by everyone: its colours come from one colour-blind-safe palette
(:data:`PALETTE`, Okabe and Ito's, with the greys of :data:`NEUTRALS`), colour never carries
a meaning alone (a second channel, a pattern, dash, symbol, position or label, carries it
too), and every figure carries a text alternative, its title and a one-sentence summary
computed from the data it draws (:func:`describe`; the sentences are written by
:mod:`evaluate.reports.chart_summaries`). :func:`show` shows that summary under the chart in
JupyterLab, and the build's HTML export makes it the chart's accessible name and description.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping
from functools import cache

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from evaluate.model.prepared import DEMAND_ERROR_UNIT
from evaluate.reports import chart_summaries
from evaluate.reports.formatting import PRIVACY_NOTE, SEX_LABELS, number
from evaluate.reports.privacy import MIN_GROUP_SIZE, SUPPRESSED
from evaluate.reports.results import CAPTION_MIME
from evaluate.reports.results import chart_text as read_chart_text

HOUSE_TEMPLATE = "club"
# Plotly's JSON MIME type: JupyterLab draws it, and the build's HTML export turns it into a
# chart with one inlined plotly.js per page (evaluate.build.html_export). The `notebook` renderer
# would instead embed the 4.8 MB plotly.js in every executed notebook.
RENDERER = "plotly_mimetype"
SHOW_CONFIG = {"displayModeBar": False, "responsive": True}
# The one palette of every chart, colour-blind-safe: Okabe, M. and Ito, K. (2008), "Color
# Universal Design (CUD): how to make figures and presentations that are friendly to colorblind
# people" (jfly.uni-koeln.de/color). Its colours stay apart for people with protanopia,
# deuteranopia or tritanopia and differ in lightness, so they hold in grey print too. Its
# eighth colour, black, is INK. In the order series usually appear.
OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "bluish green": "#009E73",
             "reddish purple": "#CC79A7", "sky blue": "#56B4E9", "vermilion": "#D55E00",
             "yellow": "#F0E442"}
PALETTE = tuple(OKABE_ITO.values())
INK = "#222222"  # text, reference lines (0, a target, the base case) and medians
TEXT_GREY = "#555555"  # footnotes, subtitles and secondary labels
MUTED_GREY = "#666666"  # what is drawn but not singled out (points off the frontier)
WHISKER_GREY = "#444444"  # whiskers: a low-to-high range
GRID_GREY = "#e6e6e6"
AXIS_GREY = "#999999"
WHITE = "#ffffff"
#: The greys, white and ink that charts may use beside :data:`PALETTE` (text, axes, grids).
NEUTRALS = (INK, TEXT_GREY, MUTED_GREY, WHISKER_GREY, GRID_GREY, AXIS_GREY, WHITE)
SEX_COLOURS = {SEX_LABELS["F"]: PALETTE[3], SEX_LABELS["M"]: PALETTE[0],
               SEX_LABELS["X"]: PALETTE[2]}
# The second channel beside colour where bars of each sex stand side by side (hatching).
SEX_PATTERNS = {SEX_LABELS["F"]: "/", SEX_LABELS["M"]: "", SEX_LABELS["X"]: "."}
BAR_COLOUR = PALETTE[0]
ROW_HEIGHT = 46  # px per bar row in horizontal charts


@cache
def house_template() -> go.layout.Template:
    """The suite's Plotly template: plain white, large readable type, left-aligned titles."""
    axis = {"gridcolor": GRID_GREY, "linecolor": AXIS_GREY, "zeroline": False,
            "ticks": "outside", "tickcolor": AXIS_GREY, "automargin": True,
            "title": {"standoff": 10}}
    return go.layout.Template(layout={
        "font": {"family": "Helvetica, Arial, sans-serif", "size": 14, "color": INK},
        "title": {"x": 0, "xanchor": "left", "font": {"size": 18}},
        "colorway": list(PALETTE),
        "paper_bgcolor": WHITE, "plot_bgcolor": WHITE,
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


def describe(fig: go.Figure, summary: str) -> go.Figure:
    """Give ``fig`` its text alternative: ``summary``, one plain sentence on what it shows.

    The sentence travels in the figure's JSON (``layout.meta``), so the notebook's chart and
    the HTML page's carry the same words; :func:`show` and the build's HTML export read it
    back with :func:`chart_text`. Plain text, never Plotly markup: it names the club's
    machines and groups, and a template may show ``%{meta}``, so it is stored escaped, as
    every text of a figure is (:func:`plain`), and :func:`chart_text` gives the words back.
    """
    if not summary.strip():
        raise ValueError("a chart's summary must say what it shows")
    return fig.update_layout(meta={"summary": plain(summary)})


def chart_text(figure: go.Figure | Mapping) -> tuple[str, str]:
    """The title (as plain text) and the summary of a figure or of its JSON.

    See :func:`evaluate.reports.results.chart_text`, which reads the JSON.
    """
    if isinstance(figure, go.Figure):
        figure = figure.to_plotly_json()
    return read_chart_text(figure)


def show(fig: go.Figure) -> None:
    """Display ``fig`` without Plotly's toolbar (it also prints into PDFs), then its summary.

    The summary (:func:`describe`) is shown under the chart as text, for a reader of the
    notebook in JupyterLab who does not see the chart (a screen reader reads the text, not
    the drawing). The build's HTML export leaves that output out and puts the same words in
    the chart's ``<figure>`` instead (:mod:`evaluate.build.html_export`). A chart without a
    title or a summary is refused: every chart of a report has its text alternative.
    """
    from IPython.display import display

    from evaluate.reports.formatting import literal_dollars, markdown_text

    title, summary = chart_text(fig)
    if not title or not summary:
        raise ValueError("a chart needs a title and a summary (charts.describe) to be shown")
    fig.show(config=SHOW_CONFIG)
    caption = literal_dollars(f"*Chart: {markdown_text(title)}.* {markdown_text(summary)}")
    display({"text/markdown": caption, CAPTION_MIME: {"title": title, "summary": summary}},
            raw=True)


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
    """An assumption's value with its unit as a manager reads it (fractions as percents).

    A machine's model error (:data:`~evaluate.model.prepared.DEMAND_ERROR_UNIT`) is its use
    as a multiple of the forecast: ``0.25× forecast``.
    """
    if unit == DEMAND_ERROR_UNIT:
        return f"{number(value, '.2g')}× forecast"
    if unit.startswith("fraction"):
        rest = unit[len("fraction"):]
        return percent_label(value) + (" a " + rest[1:] if rest.startswith("/") else rest)
    text = number(value, ",.4g") if abs(value) < 1e4 else number(value, ",.0f")
    if not unit or "(" in unit:  # long explanatory units belong in the assumptions table
        return text
    return f"{text} {_unit_words(unit, currency)}"


def _luminance(colour: str) -> float:
    """WCAG 2's relative luminance of ``#rrggbb`` (a few lines: no library needed for it)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two ``#rrggbb`` colours, from 1 to 21 (4.5 for small text)."""
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(colour: str) -> str:
    """White or :data:`INK`, whichever reads better on a bar of ``colour`` (a label inside it)."""
    return max((WHITE, INK), key=lambda text: contrast_ratio(text, colour))


def rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` as a CSS ``rgba()`` (a band's fill must be see-through, not its line)."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# --- layout ----------------------------------------------------------------------------------

#: Characters a footnote line may hold: Plotly never wraps an annotation, and a longer line
#: runs off the right edge of a chart of the report's width (12 px text, about 1,000 px).
NOTE_WIDTH = 130


def wrap_note(note: str) -> str:
    """``note`` with each of its lines broken at spaces to :data:`NOTE_WIDTH` (``<br>``).

    The suite's own markup in notes is ``<br>`` and ``<b>`` (no space inside a tag), and the
    club's text in them is escaped (:func:`plain`): breaking at spaces never splits a tag.
    """
    return "<br>".join("<br>".join(textwrap.wrap(line, NOTE_WIDTH, break_long_words=False,
                                                 break_on_hyphens=False) or [""])
                       for line in note.split("<br>"))


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
        fig.add_annotation(text=wrap_note(note), xref="paper", yref="paper", x=0, y=-0.22,
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
        note = wrap_note(note)
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
          colour: str = BAR_COLOUR, horizontal: bool = False, pattern: str = "") -> go.Bar:
    counts = _values(table["members"])
    labels = [plain(v) for v in table[category]]
    return go.Bar(
        x=counts if horizontal else labels, y=labels if horizontal else counts,
        orientation="h" if horizontal else "v", name=name,
        marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": WHITE,
                                             "fillmode": "overlay", "size": 8}},
        text=[number(v, ",") if v is not None else "" for v in counts], textposition="outside",
        cliponaxis=False,
        hovertemplate=("%{y}: %{x:,} members" if horizontal else "%{x}: %{y:,} members")
        + "<extra>" + name + "</extra>",
    )


def age_sex_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> go.Figure:
    """Grouped bars of members by age band and sex, from :func:`member_profile.age_sex_table`.

    Each sex has its colour and its hatching (:data:`SEX_PATTERNS`), so the legend reads in
    black and white and without telling colours apart. A sex with no group large enough to
    show gets no bars and no legend entry.
    """
    fig = go.Figure()
    for sex, colour in SEX_COLOURS.items():
        part = table.loc[table["sex"] == sex]
        if part.empty or part["members"].fillna(0).sum() == 0:
            continue
        fig.add_trace(_bars(part, "age_band", name=sex, colour=colour,
                            pattern=SEX_PATTERNS[sex]))
    fig.update_layout(barmode="group")
    house_layout(fig, "Members by age and sex", "Age band (years)", "Members (count)",
                 privacy_note(table, min_group_size))
    return describe(fig, chart_summaries.age_sex_summary(table))


def visits_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> go.Figure:
    """Bars of members by average visits a week, from :func:`member_profile.visits_table`."""
    fig = go.Figure(_bars(table, "visits_band"))
    house_layout(fig, "How often members come", "Visits per week (average)",
                 "Members (count)", privacy_note(table, min_group_size))
    return describe(fig, chart_summaries.bands_summary(table, "visits_band"))


def tenure_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> go.Figure:
    """Bars of members by months of membership, from :func:`member_profile.tenure_table`."""
    fig = go.Figure(_bars(table, "tenure_band"))
    house_layout(fig, "How long members have belonged", "Time as a member (months)",
                 "Members (count)", privacy_note(table, min_group_size))
    return describe(fig, chart_summaries.bands_summary(table, "tenure_band"))


def goal_chart(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> go.Figure:
    """Horizontal bars of members by training goal, first row on top."""
    fig = go.Figure(_bars(table, "goal", horizontal=True))
    fig.update_yaxes(autorange="reversed")
    house_layout(fig, "What members train for", "Members (count)", "Training goal",
                 privacy_note(table, min_group_size))
    return describe(fig, chart_summaries.bands_summary(table, "goal"))
