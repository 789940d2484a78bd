"""Hostile machine names as Chromium draws them: literal text, no link, no image, no script.

The reports are those of ``hostile_data.py`` (session fixture ``hostile_build``): one machine
is named ``<a href="https://evil.example">Rower</a><img src=x onerror=alert(1)>``, another
carries Plotly's own markup (a styled span, a line break, bold).
"""

from __future__ import annotations

import pytest

from hostile_data import LINK_NAME, STYLE_NAME
from support import open_offline

pytestmark = [pytest.mark.browser, pytest.mark.notebooks]

# Every element of the page that a hostile name could have made: links and images anywhere,
# and elements styled by the STYLE_NAME span (red, 60 px).
MADE = """() => ({
    links: [...document.querySelectorAll('a')].map(a => a.getAttribute('href')
        || a.getAttribute('xlink:href') || a.getAttributeNS('http://www.w3.org/1999/xlink',
        'href') || '').filter(h => !h.startsWith('#')),
    images: [...document.querySelectorAll('img, image')].map(i => i.getAttribute('src')
        || i.getAttribute('href') || i.getAttributeNS('http://www.w3.org/1999/xlink', 'href')
        || '').filter(src => !src.startsWith('data:')),  // a heatmap is a data: image
    styled: [...document.querySelectorAll('[style]')].filter(e =>
        /color:\\s*red|(^|[^0-9])60px/.test(e.getAttribute('style'))).length,
    charts: document.querySelectorAll('.plotly-graph-div .main-svg').length,
})"""


def open_report(browser, path):
    page, refused, errors = open_offline(browser, path)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.wait_for_selector(".plotly-graph-div .main-svg", timeout=20_000)
    page.wait_for_timeout(500)  # every chart drawn; an onerror would have fired by now
    return page, refused, errors, dialogs


@pytest.mark.parametrize("report", ["decision", "candidate", "usage-review"])
def test_hostile_names_are_drawn_as_text(browser, hostile_build, report):
    page, refused, errors, dialogs = open_report(browser, hostile_build / f"{report}.html")
    made = page.evaluate(MADE)
    assert made["charts"] > 0
    assert made["links"] == [] and made["images"] == [] and made["styled"] == 0, made
    assert dialogs == [] and refused == [] and errors == []
    charts = page.locator(".plotly-graph-div").all_text_contents()
    name = STYLE_NAME if report == "usage-review" else LINK_NAME
    assert any(name in text for text in charts)  # the characters, as the club wrote them
    page.close()


def test_hover_label_shows_the_name_as_text(browser, hostile_build):
    page, *_ , dialogs = open_report(browser, hostile_build / "candidate.html")
    # The NPV chart's median diamond: its hover label starts with the machine's name.
    chart = page.locator(".plotly-graph-div", has_text="Net present value across")
    chart.locator(".scatterlayer .point").first.hover(force=True)
    chart.locator(".hoverlayer .hovertext").wait_for(timeout=5_000)
    hover = chart.locator(".hoverlayer")
    assert LINK_NAME in hover.text_content()
    assert hover.locator("a, image").count() == 0 and dialogs == []
    page.close()


def test_index_shows_the_headline_as_text(browser, hostile_build):
    page, refused, errors = open_offline(browser, hostile_build.parent / "index.html")
    made = page.evaluate(MADE)
    assert not [h for h in made["links"] if "evil" in h] and made["images"] == []
    assert LINK_NAME in page.inner_text("body")
    page.close()
