"""The report page: what the HTML export shows, hides and loads (plotly.js embedded or shared)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from evaluate.build.execution import Failure
from evaluate.build.html_export import (
    ASSETS_DIR,
    FAILURE_BANNER_TAG,
    PLOTLY_MIME,
    add_failure_banner,
    count_charts,
    notebook_to_html,
    write_plotly_asset,
)
from evaluate.reports import results
from evaluate.reports.results import (
    CAPTION_MIME,
    RECORD_MIME,
    SUMMARY_MIME,
)
from support import PLANS, run_cli, shared_plan

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


CONTEXT = {"build_id": "b", "built_at": "now", "suite_version": "0"}
SCRIPT_SRC = re.compile(r"""<script[^>]*\ssrc=["']([^"']+)["']""")


def chart_notebook() -> nbformat.NotebookNode:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    output = nbformat.v4.new_output("display_data", data={
        "application/vnd.plotly.v1+json": json.loads(fig.to_json()), "text/plain": "Figure"})
    cell = nbformat.v4.new_code_cell("fig.show()", outputs=[output])
    return nbformat.v4.new_notebook(cells=[cell])


def test_plotly_asset_is_written_once_and_named_by_version_and_content(tmp_path):
    first = write_plotly_asset(tmp_path)
    assert first.parent == tmp_path / ASSETS_DIR
    assert re.fullmatch(r"plotly-\d+\.\d+\.\d+-[0-9a-f]{12}\.min\.js", first.name)
    assert first.read_text(encoding="utf-8").count("plotly.js v") == 1
    stamp = first.stat().st_mtime_ns
    assert write_plotly_asset(tmp_path) == first
    assert first.stat().st_mtime_ns == stamp  # never rewritten
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temporary file left


def test_page_loads_plotly_from_plotly_src_instead_of_embedding_it():
    nb = chart_notebook()
    inline = notebook_to_html(nb, title="t", context=CONTEXT)
    shared = notebook_to_html(nb, title="t", context={**CONTEXT, "plotly_src": "../a/p.js"})
    assert inline.count("plotly.js v") == 1 and len(inline) > 3_000_000
    assert "plotly.js v" not in shared and len(shared) < 1_000_000
    assert SCRIPT_SRC.findall(shared) == ["../a/p.js"]
    assert SCRIPT_SRC.findall(inline) == []
    for page in (inline, shared):
        assert count_charts(page) == 1
        # Drawn only when plotly.js is there; otherwise the template's note takes its place.
        assert "if (window.Plotly && document.getElementById(" in page
        assert "Chart not shown" in page


def test_page_without_charts_loads_no_plotly():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("text only")])
    page = notebook_to_html(nb, title="t", context={**CONTEXT, "plotly_src": "../a/p.js"})
    assert SCRIPT_SRC.findall(page) == [] and "Chart not shown" not in page


def builds(out_dir: Path) -> list[Path]:
    return sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.is_symlink()
                  and not p.name.startswith(".") and p.name != ASSETS_DIR)


@pytest.mark.notebooks
def test_shared_build_writes_plotly_once_per_output_folder(out_dir):
    for _ in range(2):
        result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                         "--shared-plotly")
        assert result.returncode == 0, result.stderr
    [asset] = (out_dir / ASSETS_DIR).iterdir()  # two builds, one copy
    assert asset.name.startswith("plotly-") and asset.stat().st_size > 3_000_000
    assert len(builds(out_dir)) == 2
    for folder in builds(out_dir):
        manifest = json.loads((folder / "build.json").read_text())
        src = f"../{ASSETS_DIR}/{asset.name}"
        assert manifest["options"]["plotly_js"] == "shared"
        assert manifest["options"]["plotly_src"] == src
        for name in ("chart-a", "chart-b"):
            page = (folder / f"{name}.html").read_text(encoding="utf-8")
            assert SCRIPT_SRC.findall(page) == [src]  # relative: works wherever out_dir goes
            assert (folder / src).resolve() == asset.resolve()
            assert "plotly.js v" not in page
            assert (folder / f"{name}.html").stat().st_size < 1_000_000
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    assert ASSETS_DIR not in index and "plotly" not in index.lower()  # the index is unchanged


@pytest.mark.notebooks
def test_the_plan_setting_holds_unless_the_command_line_says_otherwise(out_dir, tmp_path):
    plan = shared_plan(tmp_path)
    result = run_cli("build", "--plan", plan, "--out", out_dir, "--only", "chart-a",
                     "--self-contained")
    assert result.returncode == 0, result.stderr
    assert not (out_dir / ASSETS_DIR).exists()
    page = (out_dir / "latest" / "chart-a.html").read_text(encoding="utf-8")
    assert page.count("plotly.js v") == 1 and SCRIPT_SRC.findall(page) == []
    options = json.loads((out_dir / "latest" / "build.json").read_text())["options"]
    assert options["plotly_js"] == "self-contained" and options["plotly_src"] is None
    # Without a flag, the plan's setting holds.
    assert run_cli("build", "--plan", plan, "--out", out_dir, "--only", "chart-a").returncode == 0
    options = json.loads((out_dir / "latest" / "build.json").read_text())["options"]
    assert options["plotly_js"] == "shared"
    assert len(list((out_dir / ASSETS_DIR).iterdir())) == 1


CONTEXT_RESULTS = {"build_id": "test", "built_at": "now", "suite_version": "0"}


def notebook_with(*payloads: tuple[str, dict]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_code_cell("x", outputs=[new_output("display_data", data={mime: payload})])
                for mime, payload in payloads]
    return nb


def test_a_chart_stands_in_a_figure_named_by_its_title_and_described_by_its_summary():
    chart = {"data": [{"type": "bar", "x": ["a"], "y": [1]}],
             "layout": {"title": {"text": "Members &lt;b&gt; by age<br>and sex"},
                        "meta": {"summary": "Men <aged> 18–29 are the largest group."}}}
    caption = {"text/markdown": "*Chart: CAPTION_MARKER.* words",
               CAPTION_MIME: {"title": "t", "summary": "s"}}
    page = page_of(new_code_cell("", outputs=[
        new_output("display_data", data={PLOTLY_MIME: chart}),
        new_output("display_data", data=caption)]))
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    [figure] = soup.select("figure.report-chart")
    [image] = figure.select(":scope > [role=img]")
    key = image.select_one(".plotly-graph-div")["id"]
    assert image["aria-labelledby"] == f"{key}-title"
    assert image["aria-describedby"] == f"{key}-summary"
    # The title as a screen reader hears it (markup out, the club's text kept as text), the
    # summary shown under the chart; the notebook's own caption is not repeated.
    title, summary = figure.find(id=f"{key}-title"), figure.find(id=f"{key}-summary")
    assert title.get_text() == "Chart: Members <b> by age and sex."
    assert "report-visually-hidden" in title["class"]
    assert summary.get_text() == "Men <aged> 18–29 are the largest group."
    assert summary.parent.name == "figcaption"
    assert "<aged>" not in page and "CAPTION_MARKER" not in page
    assert count_charts(page) == 1


def test_a_chart_without_a_title_or_summary_is_left_bare():
    chart = {"data": [{"type": "bar", "x": ["a"], "y": [1]}], "layout": {}}
    page = page_of(new_code_cell("", outputs=[new_output("display_data",
                                                         data={PLOTLY_MIME: chart})]))
    assert count_charts(page) == 1 and 'class="report-chart"' not in page


def test_html_export_drops_summary_and_record_outputs():
    nb = notebook_with(
        (SUMMARY_MIME, {"headline": "SUMMARY_MARKER"}),
        (RECORD_MIME, {"name": "n", "value": "RECORD_MARKER", "label": "", "unit": "",
                       "source": ""}),
        ("text/plain", "VISIBLE_MARKER"))
    page = notebook_to_html(nb, title="t", context=CONTEXT_RESULTS)
    assert "VISIBLE_MARKER" in page
    assert "SUMMARY_MARKER" not in page and "RECORD_MARKER" not in page
    assert page.count('class="jp-OutputArea-child"') == 1  # no empty output left behind


def test_the_report_page_does_not_show_exported_tables():
    from evaluate.build.html_export import notebook_to_html

    cell = new_code_cell("")
    cell.outputs = [new_output("display_data", data={results.TABLE_MIME: {
        "name": "t", "label": "", "columns": ["c"], "rows": [["TABLE_MARKER"]]}})]
    nb = new_notebook(cells=[cell])
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "P", "language": "python"}}
    page = notebook_to_html(nbformat.from_dict(nb), title="t",
                            context={"build_id": "", "built_at": "", "suite_version": ""})
    assert "TABLE_MARKER" not in page
