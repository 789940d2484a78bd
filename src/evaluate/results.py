"""Key figures a notebook records, and how the build and the tests read them back.

A notebook calls :func:`record` for each headline figure. The value travels
inside the executed notebook as a display output of a private MIME type (the
approach of recommenders' ``notebook_utils``, instead of the unmaintained
scrapbook); :func:`read_records` collects them for ``summary.json``. The HTML
export drops these outputs, so managers never see them as raw data.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # kernels only call record(); nbformat costs ~0.1 s to import there
    import nbformat

RECORD_MIME = "application/vnd.club-equipment.record+json"


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


def read_records(notebook: nbformat.NotebookNode | str | Path) -> dict[str, dict[str, Any]]:
    """Return every figure recorded in an executed notebook, by name (last one wins)."""
    import nbformat

    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(str(notebook), as_version=4)
    found: dict[str, dict[str, Any]] = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            payload = output.get("data", {}).get(RECORD_MIME)
            if payload:
                payload = dict(payload)
                found[payload.pop("name")] = payload
    return found
