"""Text from a club's files that carries HTML is shown as text in a report, never run."""

from __future__ import annotations

import csv
import json
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from evaluate.build.html_export import notebook_to_html

CONTEXT = {"build_id": "test", "built_at": "now", "suite_version": "0"}


def page_with_markdown(text: str) -> str:
    cell = new_code_cell("display(Markdown(text))")
    cell.outputs = [new_output("display_data", data={"text/markdown": text})]
    nb = new_notebook(cells=[cell])
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                  "language": "python"}}
    return notebook_to_html(nbformat.from_dict(nb), title="t", context=CONTEXT)


def test_html_in_report_markdown_is_shown_as_text():
    page = page_with_markdown("**Buy the <script>alert(1)</script> <img src=x "
                              "onerror=alert(2)> machine.** It ranks first in <1% of them.")
    assert "<script>alert(1)" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<strong>Buy the" in page  # Markdown itself still renders
    assert "&lt;1%" in page


def test_the_demo_banner_blockquote_still_renders():
    page = page_with_markdown("> **Demo data.** This report is built on a synthetic club.")
    assert "<blockquote>" in page


def test_links_images_and_web_addresses_in_report_markdown_are_shown_as_text():
    page = page_with_markdown("The [Rower](https://evil.example/a) and ![x](https://evil.example/"
                              "p.png), see https://evil.example/b.")
    body = page[page.find("<body"):]
    assert "<a " not in body and "<img" not in body
    assert "[Rower](https://evil.example/a)" in body
    assert "![x](https://evil.example/p.png)" in body and "https://evil.example/b" in body


# --- charts: Plotly draws a subset of HTML in every text of a figure --------------------------

# What Plotly would draw as markup: a link, an image, a styled span, a line break.
RAW = ('<a href="https://evil.example"', "<img", '<span style="color:red', "<br><b>extension")


def strings(value) -> list[str]:
    """Every string of a figure's JSON (data and layout), however deep."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def assert_literal(figure) -> None:
    """No club text reaches ``figure`` as markup, and the hostile names are there, escaped."""
    import json

    shown = "\n".join(strings(json.loads(figure.to_json()) if hasattr(figure, "to_json")
                              else figure))
    for raw in RAW:
        assert raw not in shown, raw
    assert "&lt;a href=" in shown or "&lt;span style=" in shown


def test_chart_labels_from_the_club_are_escaped_for_plotly():
    import pandas as pd

    from evaluate.reports import charts, model_charts
    from evaluate.reports.charts import plain
    from evaluate.reports.decision import charts as decision_charts
    from hostile_data import LINK_NAME, STYLE_NAME

    names = {"rh": LINK_NAME, "bx": STYLE_NAME}
    assert plain(LINK_NAME) == ('&lt;a href="https://evil.example"&gt;Rower&lt;/a&gt;'
                                "&lt;img src=x onerror=alert(1)&gt;")
    assert plain("Cable & rope") == "Cable &amp; rope"  # Plotly decodes &amp; back to &
    table = pd.DataFrame({"alternative": ["rh", "bx"], "score": [0.8, 0.4],
                          "cost": [900.0, 500.0], "on_frontier": [True, True]})
    assert_literal(decision_charts.value_for_money_chart(table, names, currency="USD"))
    swings = pd.DataFrame({"assumption": ["price (rh)", LINK_NAME], "unit": ["USD", STYLE_NAME],
                           "low_value": [1.0, 2.0], "high_value": [3.0, 4.0],
                           "npv_at_low": [-10.0, 5.0], "npv_at_high": [20.0, 9.0]})
    fig = model_charts.tornado_chart(swings, "npv_at_low", "npv_at_high", 1.0,
                                     value_title=f"NPV of the {LINK_NAME}", names=names,
                                     title=f"What moves the {STYLE_NAME}")
    assert_literal(fig)
    outcomes = pd.DataFrame({"club": [LINK_NAME, STYLE_NAME], "name": [STYLE_NAME, LINK_NAME],
                             "npv_p50": [1000.0, -500.0], "recommended": [True, False]})
    assert_literal(model_charts.chain_npv_chart(outcomes, currency="USD"))
    goals = pd.DataFrame({"goal": [LINK_NAME, STYLE_NAME], "members": [12, 30],
                          "suppressed": [False, False]})
    assert_literal(charts.goal_chart(goals))


# --- reports built from a club with hostile names (hostile_data.py) ---------------------------

REPORTS = ("decision", "candidate", "usage-review")


@pytest.mark.notebooks
@pytest.mark.parametrize("report", REPORTS)
def test_built_reports_show_hostile_names_as_text(hostile_build, report):
    from evaluate.build.html_export import PLOTLY_MIME
    from support import code_outputs

    nb = nbformat.read(hostile_build / f"{report}.ipynb", as_version=4)
    figures = [o["data"][PLOTLY_MIME] for o in code_outputs(nb)
               if PLOTLY_MIME in o.get("data", {})]
    assert figures
    for figure in figures:
        for raw in RAW:
            assert raw not in "\n".join(strings(figure)), raw
    assert any("&lt;a href=" in s or "&lt;span style=" in s
               for figure in figures for s in strings(figure))
    page = (hostile_build / f"{report}.html").read_text(encoding="utf-8")
    body = page[page.find("<body"):]
    for raw in (*RAW, "<script>alert(2)"):
        assert raw not in body, raw
    links = re.findall(r"<a [^>]*href=[\"']([^\"']*)", body)
    assert [href for href in links if not href.startswith("#")] == []  # headings' anchors only
    # The tables (pandas' HTML) escape what they hold.
    if report == "decision":
        assert "<th>&lt;a href=\"https://evil.example\"&gt;Rower&lt;/a&gt;&lt;img src=x " in body


def read_csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.notebooks
def test_decision_tables_disarm_formulas_and_keep_numbers(hostile_build):
    from hostile_data import FORMULA_NAMES, FORMULA_SOURCES, LINK_NAME, OWNED, STYLE_NAME

    build = json.loads((hostile_build / "build.json").read_text(encoding="utf-8"))
    decision = next(r for r in build["reports"] if r["name"] == "decision")
    assert [(t["name"], t["file"]) for t in decision["tables"]] == [
        ("ranking", "decision.ranking.csv"), ("backtest", "decision.backtest.csv"),
        ("assumptions", "decision.assumptions.csv")]
    assert all(not r["tables"] for r in build["reports"] if r["name"] != "decision")
    ranking = read_csv(hostile_build / "decision.ranking.csv")
    names = {row["Equipment id"]: row["Machine"] for row in ranking}
    for equipment_id, name in FORMULA_NAMES.items():
        assert names[equipment_id] == "'" + name
    assert names["reverse_hyper"] == LINK_NAME  # not a formula: as written
    summary = json.loads((hostile_build / "decision.summary.json").read_text(encoding="utf-8"))
    for row in ranking:  # the numbers of summary.json, as numbers
        figures = summary["candidates"][row["Equipment id"]]
        assert float(row["NPV P50 (USD)"]) == pytest.approx(figures["npv"]["p50"], abs=0.01)
        assert int(row["Rank"]) == figures["rank"]
    raw = (hostile_build / "decision.ranking.csv").read_text(encoding="utf-8-sig")
    p50 = round(summary["candidates"]["reverse_hyper"]["npv"]["p50"], 2)
    assert f",{p50!r}," in raw  # unquoted, as pandas writes a float rounded to cents
    owned = {row["Equipment id"]: row for row in
             read_csv(hostile_build / "decision.backtest.csv")}  # the owned machines' track
    assert owned[OWNED]["Machine"] == STYLE_NAME  # a name, not markup or a formula
    assert all(float(row["Forecast (sessions/week)"]) > 0 for row in owned.values())
    sources = {row["Name"]: row["Source"] for row in
               read_csv(hostile_build / "decision.assumptions.csv")}
    for name, source in FORMULA_SOURCES.items():
        assert sources[name] == "'" + source
    index = (hostile_build.parent / "index.html").read_text(encoding="utf-8")
    assert f'href="{hostile_build.name}/decision.ranking.csv"' in index


@pytest.mark.notebooks
def test_a_reused_report_keeps_its_tables(hostile_build):
    from hostile_data import rebuild

    again = rebuild(hostile_build)
    build = json.loads((again / "build.json").read_text(encoding="utf-8"))
    decision = next(r for r in build["reports"] if r["name"] == "decision")
    assert decision["cache"]["hit"] is True
    assert [t["file"] for t in decision["tables"]] == ["decision.ranking.csv",
                                                       "decision.backtest.csv",
                                                       "decision.assumptions.csv"]
    for table in decision["tables"]:
        assert (again / table["file"]).read_bytes() == (hostile_build / table["file"]).read_bytes()
