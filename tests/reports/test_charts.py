"""Charts: pure functions of aggregated tables; the renderer that survives HTML export."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from evaluate.reports import charts, results
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


def test_show_turns_off_the_toolbar_and_writes_the_summary_under_the_chart(monkeypatch):
    import IPython.display

    seen, shown = {}, []
    monkeypatch.setattr(go.Figure, "show", lambda self, **kw: seen.update(kw))
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    fig = charts.describe(go.Figure(layout={"title": {"text": charts.plain("Cost <b>$5</b>")}}),
                          "It costs $5_000 *in all*.")
    charts.show(fig)
    assert seen["config"]["displayModeBar"] is False
    [caption] = shown
    # Markdown shows the words as they are: no maths from "$", no emphasis from "*" or "_".
    assert caption["text/markdown"] == (r"*Chart: Cost &lt;b>\$5&lt;/b>.* It costs \$5\_000 "
                                        r"\*in all\*.")
    assert caption[results.CAPTION_MIME] == {"title": "Cost <b>$5</b>",
                                             "summary": "It costs $5_000 *in all*."}


def test_a_summary_naming_a_club_s_machine_is_stored_escaped_and_read_back_as_said():
    """Plotly templates may show %{meta}: the club's text is never markup there either."""
    said = 'The <a href="https://evil.example">Rower</a> & co has the highest score.'
    fig = charts.describe(go.Figure(layout={"title": {"text": "Scores"}}), said)
    assert "<a href" not in str(fig.to_plotly_json())
    assert "&lt;a href=" in fig.layout.meta["summary"]
    assert charts.chart_text(fig) == ("Scores", said)
    assert results.chart_text(fig.to_plotly_json()) == ("Scores", said)


def test_a_chart_without_its_text_alternative_is_not_shown(monkeypatch):
    monkeypatch.setattr(go.Figure, "show", lambda self, **kw: pytest.fail("shown"))
    with pytest.raises(ValueError, match="title and a summary"):
        charts.show(go.Figure(layout={"title": {"text": "Members"}}))
    with pytest.raises(ValueError, match="summary"):
        charts.describe(go.Figure(), " ")


def test_chart_text_reads_a_figure_and_its_json_alike():
    fig = charts.describe(go.Figure(layout={"title": {"text": "Two<br>lines &amp; more"}}),
                          "One sentence.")
    assert charts.chart_text(fig) == ("Two lines & more", "One sentence.")
    assert charts.chart_text(fig.to_plotly_json()) == ("Two lines & more", "One sentence.")
    assert charts.chart_text({"layout": {}}) == ("", "")


@pytest.mark.parametrize(("first", "second", "ratio"), [
    ("#ffffff", "#000000", 21.0), ("#ffffff", "#ffffff", 1.0), ("#777777", "#ffffff", 4.48),
    ("#0072B2", "#ffffff", 5.19)])
def test_contrast_ratio_is_wcags(first, second, ratio):
    assert charts.contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)


def test_text_on_a_bar_is_the_more_readable_of_white_and_ink():
    assert charts.text_on(charts.OKABE_ITO["blue"]) == charts.WHITE
    assert charts.text_on(charts.OKABE_ITO["reddish purple"]) == charts.INK  # white: 3.1:1
    for colour in charts.PALETTE:
        text = charts.text_on(colour)
        assert charts.contrast_ratio(text, colour) == max(
            charts.contrast_ratio(charts.WHITE, colour), charts.contrast_ratio(charts.INK, colour))
    for colour in charts.SEX_COLOURS.values():  # the pyramid writes numbers inside these bars
        assert charts.contrast_ratio(charts.text_on(colour), colour) >= 4.5


def test_sexes_differ_in_hatching_as_well_as_colour(age_sex):
    fig = charts.age_sex_chart(age_sex)
    shapes = {bar.name: bar.marker.pattern.shape for bar in fig.data}
    assert len(set(shapes.values())) == len(shapes) >= 2
    assert charts.chart_text(fig)[1]  # and the chart says what it shows


@pytest.mark.parametrize(("value", "unit", "text"), [
    (0.04, "fraction", "4%"), (0.015, "fraction", "1.5%"), (0.1, "fraction/year", "10% a year"),
    (50.0, "currency/m2/year", "50 EUR/m²/year"), (1.12, "odds ratio", "1.12 odds ratio"),
    (0.5, "position in the published interval (0 low, 1 high)", "0.5"),
    (2399.99, "currency", "2,400 EUR")])
def test_values_read_in_plain_units(value, unit, text):
    assert charts.value_with_unit(value, unit, "EUR") == text


def test_a_long_footnote_is_wrapped_at_spaces_and_its_own_lines_kept():
    """Plotly never wraps an annotation: a long footnote would run off the chart's edge."""
    long = " ".join(["word"] * 60) + " <b>$5</b> &lt;a href=&quot;x&quot;&gt;"
    wrapped = charts.wrap_note(f"First line.<br>{long}")
    lines = wrapped.split("<br>")
    assert lines[0] == "First line." and len(lines) >= 3
    assert all(len(line) <= charts.NOTE_WIDTH for line in lines)
    assert " ".join(lines[1:]) == long  # nothing lost, only line breaks added
    fig = charts.finish_figure(go.Figure(), "T", "x", "y", note=long)
    assert fig.layout.annotations[0].text == charts.wrap_note(long)
    assert fig.layout.margin.b == 80 + 18 * (charts.wrap_note(long).count("<br>") + 1)
