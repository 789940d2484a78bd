"""Every report of the default plan, as a manager opens it: offline, drawn, no code, no members.

The default plan is built once, with ``--pdf``, and each report it gives is checked
in the system Chromium with every network request refused. The reports are those
the plan lists, whatever it lists: a notebook added to ``notebooks/plan.yml`` is
checked here without editing this file.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from evaluate.build.html_export import PLOTLY_MIME, count_charts
from evaluate.build.plan import load_plan
from evaluate.paths import DEFAULT_PLAN, DEMO_DATA_DIR
from support import normal, open_offline

pytestmark = pytest.mark.browser

REPORTS = [report.name for report in load_plan(DEFAULT_PLAN).reports]
# Code and prompts. (A Markdown cell's text sits in a .jp-InputArea too: only code cells'.)
CODE_SELECTORS = (".jp-CodeCell .jp-InputArea, .jp-CodeCell .jp-Cell-inputWrapper, "
                  ".jp-CodeCell .highlight, .jp-InputPrompt, .jp-OutputPrompt, "
                  ".jp-InputArea-editor, .jp-CodeMirrorEditor")


@pytest.fixture(scope="module")
def built(default_plan_build: Path) -> Path:
    """The default plan built once, with a PDF of every report (shared: conftest.py)."""
    return default_plan_build


@pytest.fixture(scope="module")
def member_ids() -> set[str]:
    with (DEMO_DATA_DIR / "members.csv").open(encoding="utf-8", newline="") as stream:
        ids = {row["member_id"] for row in csv.DictReader(stream)}
    assert len(ids) > 100
    return ids


def words(text: str) -> set[str]:
    """Every run of letters, digits, '_' and '-': member ids are such runs."""
    return set(re.findall(r"[\w-]+", text))


def first_chart_title(executed: Path) -> str:
    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            bundle = output.get("data", {}).get(PLOTLY_MIME)
            if bundle:
                title = bundle.get("layout", {}).get("title", "")
                return normal(title.get("text", "") if isinstance(title, dict) else title)
    return ""


def test_the_build_gives_every_report_of_the_plan(built):
    assert REPORTS
    assert sorted(p.stem for p in built.glob("*.html")) == sorted(REPORTS)
    manifest = json.loads((built / "build.json").read_text())
    assert {r["name"]: r["pdf"] for r in manifest["reports"]} == {
        name: f"{name}.pdf" for name in REPORTS}


@pytest.mark.parametrize("name", REPORTS)
def test_report_opens_offline_with_every_chart_and_no_code(browser, built, member_ids, name):
    source = (built / f"{name}.html").read_text(encoding="utf-8")
    charts = count_charts(source)
    assert charts > 0
    page, refused, problems = open_offline(browser, built / f"{name}.html")
    drawn = """() => [...document.querySelectorAll('.js-plotly-plot')]
                     .filter(chart => chart.querySelector('.main-svg')).length"""
    page.wait_for_function(f"({drawn})() >= {charts}", timeout=30_000)
    page.wait_for_timeout(300)  # a late error or request would show by now
    assert page.evaluate(drawn) == charts
    assert page.locator(CODE_SELECTORS).count() == 0
    text = page.inner_text("body")
    page.close()
    assert refused == [], "the report asked the network for something"
    assert problems == []
    assert "Traceback" not in text and "Traceback" not in source
    assert not words(text) & member_ids
    assert not words(source) & member_ids


@pytest.mark.parametrize("name", REPORTS)
def test_report_is_self_contained_in_at_most_6_mb(built, name):
    page = built / f"{name}.html"
    assert page.stat().st_size <= 6_000_000
    source = page.read_text(encoding="utf-8")
    assert source.count("plotly.js v") == 1  # plotly.js embedded once
    assert not re.search(r"<script[^>]*\ssrc=", source)  # and nothing loaded from elsewhere
    manifest = json.loads((built / "build.json").read_text())
    assert manifest["options"]["plotly_js"] == "self-contained"


@pytest.mark.parametrize("name", REPORTS)
def test_report_pdf_has_its_first_chart(built, name):
    title = first_chart_title(built / f"{name}.ipynb")
    assert title, "the report draws a chart, so its first chart has a title"
    reader = PdfReader(built / f"{name}.pdf")
    assert 1 <= len(reader.pages) <= 40
    text = normal(" ".join(page.extract_text() for page in reader.pages))
    assert title in text


@pytest.mark.parametrize("name", REPORTS)
def test_report_summary_has_a_headline_and_key_figures(built, name):
    summary = json.loads((built / f"{name}.summary.json").read_text())
    assert summary["status"] == "ok"
    assert isinstance(summary.get("headline"), str) and summary["headline"]
    assert summary.get("key_figures"), "results.summarize(headline=..., key_figures=[...])"
