"""Turning an executed notebook into the self-contained HTML page a manager reads.

nbconvert does the work in-process (no ``jupyter nbconvert`` start-up per
report). What the manager must not see is taken out here:

- code cells' input and prompts (``exclude_input``; papermill's report mode
  does not hide code in HTML: nteract/papermill#506);
- stderr streams: warnings and log noise; errors stay, so a failed report shows
  its error;
- the private records and summary fields behind ``summary.json``, and the tables the
  build writes as CSV (``evaluate.reports.results``);
- scripts an output would fetch from the network: Plotly's HTML always adds
  MathJax from a CDN (``include_mathjax="cdn"`` is hard-coded in its notebook
  renderer), which reports do not use and which would tell a third party that
  the report was opened;
- cells tagged ``remove`` or ``debug``, kept for analysts in the notebook only;
- the text under each chart that the notebook shows in JupyterLab (:data:`CAPTION_MIME`):
  the page puts the same words in the chart's ``<figure>`` instead (below).

Plotly charts travel in the executed notebook as Plotly's own JSON MIME type
(a few kB each, rendered natively by JupyterLab), not as the ``notebook``
renderer's HTML, which embeds the 4.8 MB plotly.js in every notebook. Here each
chart becomes a ``<div>`` drawn by ``Plotly.newPlot``, and plotly.js is inlined
once per page, so the page is self-contained and works offline. Each chart stands in a
``<figure>`` whose caption holds its text alternative (its title, for screen readers only,
as the chart draws it, and its one-sentence summary, shown to everyone:
:func:`evaluate.reports.charts.describe`); the drawing itself is one image
(``role="img"``) named by the title and described by the summary, so a screen reader reads
those words rather than the drawing's tick labels. (nbconvert
alone drops that MIME type and the chart vanishes: plotly/plotly.py#5365,
jupyter/nbconvert#2235.)

The ``report`` template (``templates/report``) drops the CDN scripts of
JupyterLab's template, so the page loads nothing from the network.

A build may share one copy of plotly.js between its reports instead
(``evaluate build --shared-plotly``): :func:`write_plotly_asset` writes it once
per output folder as ``assets/plotly-<version>-<sha256>.min.js``, named after its
content so that builds made with another Plotly never overwrite it, and each page
loads it with a relative ``<script src>`` (``context["plotly_src"]``). Such a
page is about 0.3 MB instead of 5 MB, and works offline while it stays in its
output folder; opened elsewhere, it shows a note where each chart would be.
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from evaluate.build.execution import Failure
from evaluate.build.publish import write_atomically
from evaluate.paths import TEMPLATES_DIR
from evaluate.reports.results import (
    CAPTION_MIME,
    RECORD_MIME,
    SUMMARY_MIME,
    TABLE_MIME,
    chart_text,
)

REMOVE_TAGS = {"remove", "debug"}
FAILURE_BANNER_TAG = "evaluate-failure-banner"


PLOTLY_MIME = "application/vnd.plotly.v1+json"
PRIVATE_MIMES = (RECORD_MIME, SUMMARY_MIME, TABLE_MIME)
LEFT_OUT_MIMES = (*PRIVATE_MIMES, CAPTION_MIME)  # private, or shown in the chart's figure
REMOTE_SCRIPT = re.compile(r"""<script[^>]*\ssrc=["']https?://[^"']*["'][^>]*>\s*</script>""")


class ManagerViewPreprocessor(Preprocessor):
    """Drop stderr, private records, summaries and tables, remote scripts; keep the rest."""

    def preprocess_cell(self, cell: Any, resources: dict, index: int) -> tuple[Any, dict]:
        """Filter one cell's outputs."""
        if cell.cell_type == "code":
            cell.outputs = [
                out for out in cell.outputs
                if not (out.output_type == "stream" and out.get("name") == "stderr")
                and not any(mime in out.get("data", {}) for mime in LEFT_OUT_MIMES)
            ]
            for out in cell.outputs:
                data = out.get("data", {})
                if PLOTLY_MIME in data:
                    out.data = {"text/html": _plotly_div(data[PLOTLY_MIME])}
                    resources["report"]["needs_plotly"] = True
                elif isinstance(data.get("text/html"), str):
                    out.data["text/html"] = REMOTE_SCRIPT.sub("", data["text/html"])
                if isinstance(data.get("text/markdown"), str):
                    out.data["text/markdown"] = _no_raw_html(data["text/markdown"])
        return cell, resources


def _no_raw_html(markdown: str) -> str:
    """Markdown a report wrote, with any raw HTML shown as text instead of run.

    Report text carries names, notes and sources from the club's files, and Markdown passes
    raw HTML through: a machine named ``<script>...`` would run in the manager's browser.
    Every tag starts with ``<``, so escaping that one character disarms them all; the
    reports' own Markdown uses no HTML ("<1%" reads the same once escaped). Nor does it use
    links, so links and images are shown as text too: a name holding ``[x](https://...)``,
    ``![x](https://...)`` (an image the page would fetch) or a bare web address (which the
    Markdown renderer turns into a link) keeps its characters, through Markdown's backslash
    escapes.
    """
    return markdown.replace("<", "&lt;").replace("](", "]\\(").replace("://", "\\://")


def _plotly_div(bundle: dict[str, Any]) -> str:
    """A chart from Plotly's MIME bundle as a ``<div>`` and the script that draws it."""
    import plotly.io as pio

    figure = {"data": bundle.get("data", []), "layout": bundle.get("layout", {})}
    div = pio.to_html(figure, config=bundle.get("config") or {}, include_plotlyjs=False,
                      full_html=False, validate=False, default_height="450px")
    # Without plotly.js (a shared-mode page opened away from its folder) the chart is left
    # to the template's note instead of throwing "Plotly is not defined".
    div = div.replace("if (document.getElementById(",
                      "if (window.Plotly && document.getElementById(", 1)
    return _figure(div, bundle)


CHART_ID = re.compile(r'<div id="([\w-]+)" class="plotly-graph-div"')


def _figure(div: str, bundle: dict[str, Any]) -> str:
    """The chart ``div`` in a ``<figure>`` captioned by its title and summary.

    The title is for screen readers only (the chart draws it); the summary is shown under
    the chart. A chart with neither (not one of the reports') is left as it is.
    """
    title, summary = chart_text(bundle)
    found = CHART_ID.search(div)
    if not (title or summary) or found is None:
        return div
    key = found.group(1)
    name = html.escape(f"Chart: {title}." if title else "Chart.")
    described = f' aria-describedby="{key}-summary"' if summary else ""
    return (
        f'<figure class="report-chart">'
        f'<div class="report-chart-plot" role="img" aria-labelledby="{key}-title"{described}>'
        f"{div}</div>"
        f'<figcaption class="report-chart-caption"><span id="{key}-title" '
        f'class="report-visually-hidden">{name}</span> '
        f'<span id="{key}-summary">{html.escape(summary)}</span></figcaption></figure>')


def count_charts(page: str) -> int:
    """How many Plotly charts a report page draws: one ``<div>`` each (see :func:`_plotly_div`)."""
    return page.count('class="plotly-graph-div"')


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


#: Where shared plotly.js goes, relative to the output folder (``--shared-plotly``).
ASSETS_DIR = "assets"


def write_plotly_asset(out_dir: Path) -> Path:
    """Write plotly.js once into ``out_dir/assets``, named by its version and content.

    Returns its path. A file of that name is never rewritten: its name says what it
    holds, so every report that refers to it keeps working. Written through a
    temporary file, so a reader never sees half of it.
    """
    from plotly.offline.offline import get_plotlyjs_version

    script = _plotly_js().encode("utf-8")
    digest = hashlib.sha256(script).hexdigest()[:12]
    path = out_dir / ASSETS_DIR / f"plotly-{get_plotlyjs_version()}-{digest}.min.js"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, script)
    return path


_lock = threading.Lock()
_shared: list[Any] = []  # the one exporter, made on first use


def _exporter() -> Any:
    """Return the exporter, made once: compiling its templates costs ~0.3 s.

    One exporter serves every worker thread, one page at a time (the caller holds
    ``_lock``): nbconvert's exporter and preprocessors are not documented as safe to
    share between threads, and rendering a page takes ~0.1 s once compiled.
    """
    if not _shared:
        _shared.append(_new_exporter())
    return _shared[0]


def warm_up() -> None:
    """Compile the templates now, e.g. while the kernels run, so no report waits for it."""
    notebook_to_html(nbformat.v4.new_notebook(), title="warm-up",
                     context={"build_id": "", "built_at": "", "suite_version": ""})


def _new_exporter() -> Any:
    from nbconvert import HTMLExporter

    config = Config()
    config.TemplateExporter.exclude_input = True
    config.TemplateExporter.exclude_input_prompt = True
    config.TemplateExporter.exclude_output_prompt = True
    config.TagRemovePreprocessor.remove_cell_tags = REMOVE_TAGS
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="report",
                            extra_template_basedirs=[str(TEMPLATES_DIR)])
    exporter.register_preprocessor(ManagerViewPreprocessor(), enabled=True)
    return exporter


def notebook_to_html(nb: nbformat.NotebookNode, *, title: str, context: dict[str, Any]) -> str:
    """Render ``nb`` as a report page titled ``title``.

    ``context`` fills the page footer: ``build_id``, ``built_at``,
    ``suite_version`` and optionally ``data_label``. With ``plotly_src`` (a URL
    relative to the page, see :func:`write_plotly_asset`) the page loads
    plotly.js from there; without it, plotly.js is inlined.
    """
    resources = {"metadata": {"name": title}, "plotly_js": _plotly_js,
                 "report": {"title": title, "data_label": "", "needs_plotly": False,
                            "plotly_src": "", **context}}
    with _lock:
        body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


def add_failure_banner(nb: nbformat.NotebookNode, failure: Failure, *, report: str,
                       executed_path: str) -> None:
    """Put a plain-words failure notice at the top of ``nb`` (once), for HTML and notebook alike.

    papermill adds its own banner for a cell's exception but none for a timeout
    (nbclient's ``CellTimeoutError``) or a dead kernel; this one is there for every
    failure and says where the executed notebook is kept. The failure's
    ``cell_index`` is updated to count the cells of ``nb`` as stored.
    """
    nb.cells = [c for c in nb.cells
                if FAILURE_BANNER_TAG not in c.get("metadata", {}).get("tags", [])]
    cell = nbformat.v4.new_markdown_cell("", metadata={"tags": [FAILURE_BANNER_TAG]})
    nb.cells.insert(0, cell)
    failure.locate_in(nb)
    cell.source = (
        f'<div class="report-failed"><strong>This report could not be completed.</strong> '
        f"Report <code>{html.escape(report)}</code> stopped with "
        f"{html.escape(failure.describe())}. The figures below are incomplete; do not use "
        f"them for a decision. The executed notebook, for the analyst, is "
        f"<code>{html.escape(executed_path)}</code>.</div>"
    )

