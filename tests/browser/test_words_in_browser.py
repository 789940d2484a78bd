"""A report's sentences as Chromium shows them: money, bold and names as the report wrote them.

Jupyter's Markdown reads the text between two dollar signs as LaTeX maths: unescaped, the
decision report's best-set sentence ("Within the budget of $5,000 ... **the machines**, for
$1,628 up front") showed its asterisks and lost its bold.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import open_offline, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.notebooks]  # builds the demo's decision report


@pytest.fixture(scope="module")
def decision_page(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("words") / "reports"
    result = run_cli("build", "--only", "decision", "--param", "draws=500", "--out", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "latest" / "decision.html"


def test_bold_next_to_two_money_amounts_reads_as_bold(browser, decision_page):
    page, refused, errors = open_offline(browser, decision_page)
    best = page.locator("p", has_text="the best set is")
    assert best.count() == 1
    text = best.inner_text()
    assert "*" not in text and "\\" not in text
    found = re.search(r"^Within the budget of \$5,000 and 12 m² of free floor \(decision "
                      r"parameters\), the best set is: (.+), for \$[\d,]+ up front and ", text)
    assert found, text
    assert best.locator("strong").all_inner_texts() == [found.group(1)]
    money = page.locator("li", has_text="Money:")
    assert money.locator("strong").all_inner_texts() == ["Money:"]
    assert re.match(r"Money: \$[\d,]+ up front \(of the \$5,000 budget\) and \$[\d,]+ a year; ",
                    money.inner_text())
    assert refused == [] and errors == []
    page.close()
