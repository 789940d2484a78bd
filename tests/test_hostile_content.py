"""Text from a club's files that carries HTML is shown as text in a report, never run."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from evaluate.html_export import notebook_to_html

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
