"""A built report as a manager's browser shows it: charts drawn, no code, nothing fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import PLANS, run_cli

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "reports"
    result = run_cli("build", "--plan", PLANS / "with_failure.yml", "--out", out)
    assert result.returncode == 1, result.stderr  # one report raises on purpose
    [folder] = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return folder


def open_page(browser, path: Path):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    return page, requests


def test_chart_is_drawn_offline_and_no_code_is_visible(browser, built):
    page, requests = open_page(browser, built / "chart.html")
    page.wait_for_selector(".plotly-graph-div .main-svg", timeout=15_000)
    assert page.title() == "Chart: fine"
    bars = page.locator(".plotly-graph-div .bars .point path")
    assert bars.count() == 3  # the fixture draws `count` (3) bars
    text = page.inner_text("body")
    assert "fine: STDOUT_MARKER" in text
    assert "import plotly" not in text and "CODE_MARKER" not in text
    assert "STDERR_MARKER" not in text and "WARNING_MARKER" not in text
    assert page.locator(".jp-InputArea-editor, .jp-InputPrompt").count() == 0
    remote = [u for u in requests if not u.startswith(("file:", "data:", "about:", "blob:"))]
    assert remote == []
    page.close()


def test_failed_report_shows_the_error_plainly(browser, built):
    page, _ = open_page(browser, built / "raises.html")
    banner = page.locator(".report-failed")
    assert banner.count() == 1
    assert "This report could not be completed" in banner.inner_text()
    assert "ValueError" in banner.inner_text()
    assert "fixture failure on purpose" in page.inner_text("body")
    page.close()


def test_index_links_to_every_report(browser, built):
    page, _ = open_page(browser, built.parent / "index.html")
    links = page.locator("section.build a").all()
    hrefs = {link.get_attribute("href") for link in links}
    assert {f"{built.name}/chart.html", f"{built.name}/raises.html"} <= hrefs
    for href in hrefs - {f"{built.name}/"}:
        assert (built.parent / href).exists()
    page.close()
