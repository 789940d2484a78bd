"""Reports everyone can read: axe-core in Chromium on every report of the default plan and the
index, and each chart's text alternative as a screen reader gets it.

axe-core is the copy bundled by ``axe-playwright-python``; it runs in Debian's Chromium on the
pages as a manager opens them (offline, charts drawn), with the rules of WCAG 2.0, 2.1 and
2.2 at levels A and AA and axe's best practices. A violation of impact serious or critical
fails (what the reports promise); so does any other, since the pages have none today and a
new one is best fixed where it is made (templates, report tables, charts), not excused here.
No rule or node is excluded.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest

from evaluate.build.html_export import PLOTLY_MIME, count_charts
from evaluate.build.plan import load_plan
from evaluate.paths import DEFAULT_PLAN
from support import open_offline

pytestmark = pytest.mark.browser

REPORTS = [report.name for report in load_plan(DEFAULT_PLAN).reports]
PAGES = ["index", *REPORTS]
# WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe's best practices (heading order,
# landmarks, empty table headers...).
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"]}
FAILING_IMPACTS = {"serious", "critical"}
DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
                 .filter(chart => chart.querySelector('.main-svg')).length"""


@pytest.fixture(scope="module")
def built(default_plan_build: Path) -> Path:
    """The default plan, built once for the browser tests (conftest.py)."""
    return default_plan_build


def page_path(built: Path, name: str) -> Path:
    return built.parent / "index.html" if name == "index" else built / f"{name}.html"


def open_drawn(browser, path: Path):
    """``path`` opened offline, every chart drawn."""
    charts = count_charts(path.read_text(encoding="utf-8"))
    page, refused, errors = open_offline(browser, path)
    page.wait_for_function(f"({DRAWN})() >= {charts}", timeout=30_000)
    assert refused == [] and errors == []
    return page


def axe_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page, options=AXE_OPTIONS).response["violations"]


def described(violations: list[dict]) -> str:
    """Each violation's id, impact, help and first target nodes, one a line."""
    lines = []
    for v in violations:
        targets = "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:3])
        lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}. "
                     f"First: {targets}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe_results(browser, built) -> dict[str, list[dict]]:
    """axe-core's violations on every page, each page loaded and checked once."""
    results, started = {}, time.perf_counter()
    for name in PAGES:
        page = open_drawn(browser, page_path(built, name))
        results[name] = axe_violations(page)
        page.close()
    print(f"axe-core on {len(PAGES)} pages: {time.perf_counter() - started:.1f} s")
    return results


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_serious_or_critical_violation(axe_results, name):
    bad = [v for v in axe_results[name] if v["impact"] in FAILING_IMPACTS]
    assert not bad, f"{name}:\n{described(bad)}"


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation_at_all(axe_results, name):
    assert not axe_results[name], f"{name}:\n{described(axe_results[name])}"


def test_the_check_sees_an_image_without_text_and_grey_on_grey(browser, built):
    """The harness can fail: a report with a picture without alt text and unreadable text."""
    page = open_drawn(browser, page_path(built, REPORTS[0]))
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('afterbegin',
          '<p style="color:#aaa;background:#fff">Faint words</p>' +
          '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20">');
    }""")
    found = {v["id"]: v["impact"] for v in axe_violations(page)}
    page.close()
    assert found.get("image-alt") == "critical"
    assert found.get("color-contrast") == "serious"


def chart_texts(executed: Path) -> list[tuple[str, str]]:
    """Each chart's title and summary, in order, as the notebook holds them."""
    from evaluate.reports.charts import chart_text

    return [chart_text(output["data"][PLOTLY_MIME])
            for cell in nbformat.read(executed, as_version=4).cells
            for output in cell.get("outputs", []) if PLOTLY_MIME in output.get("data", {})]


@pytest.mark.parametrize("name", REPORTS)
def test_every_chart_has_its_title_and_summary_as_name_and_description(browser, built, name):
    from playwright.sync_api import expect

    texts = chart_texts(built / f"{name}.ipynb")
    assert texts and all(title and summary for title, summary in texts)
    page = open_drawn(browser, built / f"{name}.html")
    images = page.locator("figure.report-chart > [role=img]")
    assert images.count() == len(texts) == page.locator(".js-plotly-plot").count()
    for i, (title, summary) in enumerate(texts):
        image = images.nth(i)
        expect(image).to_have_role("img")
        expect(image).to_have_accessible_name(f"Chart: {title}.")
        expect(image).to_have_accessible_description(summary)
        assert image.locator(".js-plotly-plot").count() == 1  # the drawing is the image
        caption = page.locator("figure.report-chart figcaption").nth(i)
        assert caption.is_visible() and summary in caption.inner_text()
    # The notebook's own caption under each chart is not repeated on the page.
    assert page.locator(".jp-RenderedMarkdown", has_text="Chart: ").count() == 0
    page.close()
