"""Key figures a notebook records, and how the build and the tests read them back.

A notebook calls :func:`record` for each headline figure. The value travels
inside the executed notebook as a display output of a private MIME type (the
approach of recommenders' ``notebook_utils``, instead of the unmaintained
scrapbook); :func:`read_records` collects them for ``summary.json``. The HTML
export drops these outputs, so managers never see them as raw data.

A notebook also calls :func:`summarize` once (or more: later calls update
earlier keys) to put fields at the top level of ``summary.json``, where the
index page and other tools read them. Every report gives two of them:

- ``headline``: one plain-text sentence saying what the report found;
- ``key_figures``: at most :data:`MAX_KEY_FIGURES` ``{"label": str, "text": str}``,
  each figure already worded for reading ("47%", "21 months").

They travel the same way under a second MIME type, :data:`SUMMARY_MIME`, and
:func:`read_summary` collects them.

A notebook calls :func:`export_table` for each table a manager may want in a spreadsheet
(the ranking, the assumptions): it travels under :data:`TABLE_MIME` as columns and rows of
plain values, :func:`read_tables` collects them, and the build writes each next to the
report as ``<report>.<name>.csv`` (:mod:`evaluate.build.table_export`). Only tables of groups and
machines go out this way, never rows of members: a table with a ``member_id`` column, or
more than :data:`MAX_TABLE_ROWS` rows, is refused.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # kernels only call record(); nbformat costs ~0.1 s to import there
    import nbformat
    import pandas as pd

RECORD_MIME = "application/vnd.club-equipment.record+json"
SUMMARY_MIME = "application/vnd.club-equipment.summary+json"
TABLE_MIME = "application/vnd.club-equipment.table+json"
#: A chart's text alternative as :func:`evaluate.reports.charts.show` shows it under the chart
#: in a notebook; the HTML export leaves that output out and puts the words in the chart's
#: ``<figure>`` instead.
CAPTION_MIME = "application/vnd.club-equipment.chart-caption+json"

def _plain_text(markup: str) -> str:
    """Text of Plotly markup as a reader hears it: tags out, entities decoded, one line."""
    text = re.sub(r"<br\s*/?>", " ", markup, flags=re.IGNORECASE)
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", text)).split())


def chart_text(figure: Mapping[str, Any]) -> tuple[str, str]:
    """A chart's text alternative read back from its JSON: its title (plain text), its summary.

    The summary is the sentence :func:`evaluate.reports.charts.describe` was given (it is
    stored escaped in ``layout.meta``); the title is Plotly markup (``<br>``, ``&lt;`` for a
    character of the club's text) read as the text a reader sees. Empty strings for what the
    figure lacks.
    """
    layout = figure.get("layout") or {}
    title = layout.get("title") or {}
    text = title.get("text", "") if isinstance(title, Mapping) else str(title)
    meta = layout.get("meta")
    summary = meta.get("summary", "") if isinstance(meta, Mapping) else ""  # escaped
    return _plain_text(str(text or "")), html.unescape(str(summary))


#: A table's name: it becomes part of a file name, ``<report>.<name>.csv``.
TABLE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TABLE_NAME_MAX = 40
#: Rows an exported table may have: report tables are a screen or two; more would be data.
MAX_TABLE_ROWS = 10_000
#: Columns that make a table one of members rather than of groups: never exported.
MEMBER_COLUMNS = frozenset({"member_id"})

#: The keys the build itself writes into every ``summary.json``; :func:`summarize` refuses them.
BUILD_SUMMARY_KEYS = frozenset({"report", "title", "status", "build_id", "data", "parameters",
                                "figures", "failure"})
#: Key figures a report may give: the index shows them on one line.
MAX_KEY_FIGURES = 6


def _plain(value: Any) -> Any:
    """Turn numpy and pandas scalars into JSON-ready Python values."""
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record(name: str, value: Any, *, label: str = "", unit: str = "", source: str = "") -> None:
    """Record a key figure of the report under ``name`` for its ``summary.json``.

    ``label`` is the human wording, ``unit`` its unit and ``source`` where the
    number comes from (the club's data, a cited reference, or an assumption).
    """
    from IPython.display import display

    payload = {"name": name, "value": _plain(value), "label": label, "unit": unit,
               "source": source}
    json.dumps(payload)  # fail here, in the notebook, if the value cannot be serialised
    display({RECORD_MIME: payload}, raw=True)


def _payloads(notebook: nbformat.NotebookNode | str | Path, mime: str) -> Iterator[dict]:
    """The ``mime`` outputs of an executed notebook (or the file), in order, as dicts."""
    import nbformat

    node = (notebook if isinstance(notebook, nbformat.NotebookNode)
            else nbformat.read(str(notebook), as_version=4))
    for cell in node.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            payload = output.get("data", {}).get(mime)
            if isinstance(payload, dict):
                yield payload


def read_records(notebook: nbformat.NotebookNode | str | Path) -> dict[str, dict[str, Any]]:
    """Return every figure recorded in an executed notebook, by name (last one wins)."""
    found: dict[str, dict[str, Any]] = {}
    for payload in _payloads(notebook, RECORD_MIME):
        if payload:
            payload = dict(payload)
            found[payload.pop("name")] = payload
    return found


def summary_problems(fields: dict[str, Any]) -> list[str]:
    """What is wrong with notebook summary ``fields``, in words; empty when they can be used.

    Checks that no field takes a name the build writes itself and that the
    conventional ``headline`` and ``key_figures`` have the shape the index reads.
    """
    problems = []
    reserved = sorted(set(fields) & BUILD_SUMMARY_KEYS)
    if reserved:
        problems.append(f"summary field(s) {', '.join(map(repr, reserved))} are written by the "
                        f"build itself (reserved: {', '.join(sorted(BUILD_SUMMARY_KEYS))}); "
                        "choose another name")
    if "headline" in fields:
        headline = fields["headline"]
        if not isinstance(headline, str) or not headline.strip() or "\n" in headline:
            problems.append(f"headline must be one non-empty line of plain text, got "
                            f"{headline!r:.80}")
    if "key_figures" in fields:
        figures = fields["key_figures"]
        if not isinstance(figures, list) or not all(
                isinstance(f, dict) and set(f) == {"label", "text"}
                and all(isinstance(v, str) for v in f.values()) for f in figures):
            problems.append('key_figures must be a list of {"label": str, "text": str}, got '
                            f"{figures!r:.80}")
        elif len(figures) > MAX_KEY_FIGURES:
            problems.append(f"key_figures holds {len(figures)} figures; give at most "
                            f"{MAX_KEY_FIGURES}, the ones a manager reads first")
    return problems


def summarize(**fields: Any) -> None:
    """Put ``fields`` at the top level of the report's ``summary.json``.

    Give ``headline`` (one plain sentence) and ``key_figures`` (a list of
    ``{"label": ..., "text": ...}``, worded for reading); other JSON-able fields
    are kept as they are. Raises ``ValueError`` here, in the notebook, for a
    reserved name (:data:`BUILD_SUMMARY_KEYS`), a malformed headline or key
    figures, or a value that cannot be written as JSON.
    """
    from IPython.display import display

    payload = {name: _plain(value) for name, value in fields.items()}
    problems = summary_problems(payload)
    if problems:
        raise ValueError("; ".join(problems))
    try:
        json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"summary fields must be JSON-able: {exc}") from exc
    display({SUMMARY_MIME: payload}, raw=True)


def read_summary(notebook: nbformat.NotebookNode | str | Path) -> dict[str, Any]:
    """Return the fields :func:`summarize` put in an executed notebook; later calls win."""
    found: dict[str, Any] = {}
    for payload in _payloads(notebook, SUMMARY_MIME):
        found.update(payload)
    return found


def table_problems(name: object) -> list[str]:
    """What is wrong with ``name`` as an exported table's name, in words; empty when fine."""
    if not isinstance(name, str) or not TABLE_NAME.match(name) or len(name) > TABLE_NAME_MAX:
        return [f"table name {name!r:.60} must be lowercase letters, digits and single dashes "
                f"(at most {TABLE_NAME_MAX} characters), e.g. 'ranking': it becomes part of "
                "the file name <report>.<name>.csv"]
    return []


def export_table(name: str, frame: pd.DataFrame, *, label: str = "") -> None:
    """Hand ``frame`` to the build, which writes it as ``<report>.<name>.csv``.

    ``label`` says in words what the table holds (``build.json`` and the index show it).
    A named index becomes the first column(s). Numbers stay numbers (missing ones are
    empty); text is written as it is, and the CSV writer keeps a spreadsheet from reading
    it as a formula. Raises ``ValueError`` here, in the notebook, for a bad name, a table of
    members (a ``member_id`` column) or one of more than :data:`MAX_TABLE_ROWS` rows.
    """
    from IPython.display import display

    problems = table_problems(name)
    if not problems and len(frame) > MAX_TABLE_ROWS:
        problems.append(f"table {name!r} has {len(frame):,} rows; export at most "
                        f"{MAX_TABLE_ROWS:,} (a summary table, never the data itself)")
    if any(i is not None for i in frame.index.names):
        frame = frame.reset_index()
    columns = [str(c) for c in frame.columns]
    if not problems and MEMBER_COLUMNS & set(columns):
        problems.append(f"table {name!r} has a column {sorted(MEMBER_COLUMNS & set(columns))}:"
                        " rows of single members are never exported; aggregate them first")
    if problems:
        raise ValueError("; ".join(problems))
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    payload = {"name": name, "label": label, "columns": columns, "rows": rows}
    try:
        json.dumps(payload, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"table {name!r} must hold numbers, text or empty cells: {exc}") from exc
    display({TABLE_MIME: payload}, raw=True)


def _cell(value: Any) -> Any:
    """One cell of an exported table as JSON: a number, text, true/false or None (empty)."""
    import pandas as pd

    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):  # dates and times, as ISO 8601 text
        return value.isoformat()
    return _plain(value)


def read_tables(notebook: nbformat.NotebookNode | str | Path) -> dict[str, dict[str, Any]]:
    """Return every table :func:`export_table` put in an executed notebook, by name (last wins).

    Each is ``{"name", "label", "columns", "rows"}``.
    """
    found: dict[str, dict[str, Any]] = {}
    for payload in _payloads(notebook, TABLE_MIME):
        found[str(payload.get("name"))] = dict(payload)
    return found
