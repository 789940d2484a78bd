"""The default plan built with ``--shared-plotly --pdf``: small pages, charts drawn offline.

Every report loads the one plotly.js of the output folder's ``assets/`` by a relative
URL: opened offline from the folder it draws every chart, its PDF has its charts, and
a page moved out of the folder says where its charts went instead of leaving blanks.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from evaluate.build.html_export import ASSETS_DIR, PLOTLY_MIME, count_charts
from evaluate.build.plan import load_plan
from evaluate.paths import DEFAULT_PLAN
from support import normal, open_offline, run_cli

pytestmark = pytest.mark.browser

REPORTS = [report.name for report in load_plan(DEFAULT_PLAN).reports]
SHARED_MAX_BYTES = 1_000_000
DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
                 .filter(chart => chart.querySelector('.main-svg')).length"""


@pytest.fixture(scope="module")
def built(chromium: str, tmp_path_factory) -> Path:
    """The default plan built once in shared mode, with a PDF of every report."""
    out = tmp_path_factory.mktemp("shared") / "reports"
    result = run_cli("build", "--out", out, "--shared-plotly", "--pdf", timeout=900)
    assert result.returncode == 0, result.stderr
    return (out / "latest").resolve()


def chart_titles(executed: Path) -> list[str]:
    titles = []
    for cell in nbformat.read(executed, as_version=4).cells:
        for output in cell.get("outputs", []):
            title = output.get("data", {}).get(PLOTLY_MIME, {}).get("layout", {}).get("title")
            if title:
                titles.append(normal(title.get("text", "") if isinstance(title, dict) else title))
    return [t for t in titles if t]


def test_every_report_is_under_1_mb_and_loads_the_one_shared_plotly(built):
    [asset] = (built.parent / ASSETS_DIR).iterdir()
    manifest = json.loads((built / "build.json").read_text())
    assert manifest["options"]["plotly_js"] == "shared"
    src = f"../{ASSETS_DIR}/{asset.name}"
    for name in REPORTS:
        page = built / f"{name}.html"
        assert page.stat().st_size < SHARED_MAX_BYTES, name
        text = page.read_text(encoding="utf-8")
        assert re.findall(r"<script[^>]*\ssrc=\"([^\"]+)\"", text) == [src]
        assert "plotly.js v" not in text
    assert not list(built.rglob("plotly*.js"))  # not copied into the build


@pytest.mark.parametrize("name", REPORTS)
def test_report_draws_every_chart_offline(browser, built, name):
    charts = count_charts((built / f"{name}.html").read_text(encoding="utf-8"))
    assert charts > 0
    page, refused, errors = open_offline(browser, built / f"{name}.html")
    page.wait_for_function(f"({DRAWN})() >= {charts}", timeout=30_000)
    page.wait_for_timeout(300)  # a late error or request would show by now
    assert page.evaluate(DRAWN) == charts
    assert page.locator(".report-chart-missing").count() == 0
    page.close()
    assert refused == [] and errors == []


@pytest.mark.parametrize("name", REPORTS)
def test_report_pdf_has_its_charts(built, name):
    titles = chart_titles(built / f"{name}.ipynb")
    assert titles
    reader = PdfReader(built / f"{name}.pdf")
    text = normal(" ".join(page.extract_text() for page in reader.pages))
    missing = [t for t in titles if t not in text]
    assert missing == []


def test_a_report_moved_out_of_its_folder_says_its_charts_are_missing(browser, built, tmp_path):
    moved = tmp_path / "mailed" / "member-profile-active.html"
    moved.parent.mkdir()
    shutil.copy(built / moved.name, moved)
    charts = count_charts(moved.read_text(encoding="utf-8"))
    page, refused, errors = open_offline(browser, moved)
    notes = page.locator(".report-chart-missing")
    notes.first.wait_for(timeout=10_000)
    assert notes.count() == charts and page.evaluate(DRAWN) == 0
    for i in range(charts):
        note = notes.nth(i)
        assert note.is_visible() and "Chart not shown" in note.inner_text()
        assert note.bounding_box()["height"] < 200  # a note, not a 450 px blank
    text = page.inner_text("body")
    page.close()
    assert "self-contained report" in text
    assert refused == []
    # The missing script is the only complaint: no "Plotly is not defined".
    assert all("Failed to load resource" in e for e in errors), errors
