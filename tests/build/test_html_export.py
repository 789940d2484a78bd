"""The report page: what the HTML export shows, hides and loads (plotly.js embedded or shared)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from evaluate.build.execution import Failure
from evaluate.build.html_export import (
    FAILURE_BANNER_TAG,
    PLOTLY_MIME,
    add_failure_banner,
    count_charts,
    notebook_to_html,
)

FOOTER = {"build_id": "b1", "built_at": "2026-11-23 12:00", "suite_version": "0.1.0"}


def page_of(*cells) -> str:
    return notebook_to_html(new_notebook(cells=list(cells)), title="Report", context=FOOTER)


def test_the_page_shows_outputs_not_code_warnings_or_analyst_cells():
    shown = new_code_cell("SECRET_CODE = 1", outputs=[
        new_output("stream", name="stdout", text="STDOUT_MARKER"),
        new_output("stream", name="stderr", text="STDERR_MARKER"),
        new_output("error", ename="ValueError", evalue="ERROR_MARKER",
                   traceback=["ValueError: ERROR_MARKER"])])
    debug = new_code_cell("x", outputs=[new_output("stream", name="stdout", text="DEBUG_MARKER")],
                          metadata={"tags": ["debug"]})
    removed = new_markdown_cell("REMOVED_MARKER", metadata={"tags": ["remove"]})
    page = page_of(new_markdown_cell("# Title"), shown, debug, removed)
    assert "STDOUT_MARKER" in page and "ERROR_MARKER" in page  # a failed report shows why
    for hidden in ("SECRET_CODE", "STDERR_MARKER", "DEBUG_MARKER", "REMOVED_MARKER"):
        assert hidden not in page, hidden
    assert "b1" in page and "0.1.0" in page  # the footer names the build


def test_scripts_an_output_would_fetch_from_the_network_are_dropped():
    html = ('<div>TABLE_MARKER</div><script src="https://cdn.example.com/mathjax.js"></script>'
            '<script type="text/javascript">var local = 1;</script>')
    page = page_of(new_code_cell("", outputs=[new_output("display_data",
                                                         data={"text/html": html})]))
    assert "TABLE_MARKER" in page and "var local = 1;" in page
    assert "cdn.example.com" not in page


def test_each_chart_is_drawn_by_a_div_and_counted():
    chart = {"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}}
    cells = [new_code_cell("", outputs=[new_output("display_data", data={
        PLOTLY_MIME: chart, "text/plain": "Figure"})]) for _ in range(3)]
    page = page_of(*cells)
    assert count_charts(page) == 3
    assert "window.Plotly && document.getElementById(" in page  # no error without plotly.js
    assert count_charts(page_of(new_markdown_cell("text only"))) == 0


def test_a_failed_report_gets_one_banner_in_words_pointing_at_the_notebook():
    nb = new_notebook(cells=[new_code_cell("load()", execution_count=1),
                             new_code_cell("rank(<b>)\nmore", execution_count=2)])
    failure = Failure("error", "ValueError: no candidate", cell_index=1, execution_count=2)
    add_failure_banner(nb, failure, report="decision<x>", executed_path="r/decision.ipynb")
    add_failure_banner(nb, failure, report="decision<x>", executed_path="r/decision.ipynb")
    banners = [c for c in nb.cells if FAILURE_BANNER_TAG in c.metadata.get("tags", [])]
    assert len(banners) == 1 and nb.cells[0] is banners[0]  # once, at the top
    assert failure.cell_index == 2 and failure.cell_source == "rank(<b>)"  # counts the banner
    text = banners[0].source
    assert "<strong>This report could not be completed.</strong>" in text
    assert "Report <code>decision&lt;x&gt;</code> stopped with error in cell 2 (In [2]: " \
           "rank(&lt;b&gt;)): ValueError: no candidate." in text
    assert "do not use them for a decision" in text and "<code>r/decision.ipynb</code>" in text
    page = notebook_to_html(nbformat.from_dict(nb), title="t", context=FOOTER)
    assert "This report could not be completed." in page
