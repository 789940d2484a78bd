"""Report tables as CSV files a spreadsheet opens safely.

A report notebook hands a table to the build with :func:`evaluate.reports.results.export_table`;
the build writes it next to the report as ``<report>.<name>.csv`` with :func:`write_table`.

Text in these tables comes partly from the club's files (machine names, sources, notes), and a
spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, which can
fetch from the network or run commands (``=HYPERLINK(...)``, ``=cmd|...``): CSV injection.
Following OWASP's guidance (https://owasp.org/www-community/attacks/CSV_Injection), every text
cell, header included, that starts with one of those characters, a tab or a carriage return
gets a single quote in front, which spreadsheets show as text; every text cell is quoted.
Numbers are written as numbers, so a loss stays ``-1234.5`` and sums still work; missing
values are empty cells. The file is UTF-8 with a byte-order mark, so Excel reads accents and
currency signs right.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from evaluate.build.publish import write_atomically

#: A text cell starting with one of these is read by spreadsheets as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ENCODING = "utf-8-sig"


def guard(value: Any) -> Any:
    """A cell as written to CSV: text that a spreadsheet would run gets a ``'`` in front.

    Numbers (``int``, ``float``) are returned unchanged, ``True``/``False`` as text, and a
    missing value (``None``, NaN) as an empty cell.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(columns: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """The CSV text of a table: a header row, then one line per row, every cell guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([guard(str(c)) for c in columns])
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(f"a row has {len(row)} cells for {len(columns)} columns")
        writer.writerow([guard(v) for v in row])
    return buffer.getvalue()


def write_table(path: Path, table: dict[str, Any]) -> Path:
    """Write ``table`` to ``path`` as CSV, through a temporary file; returns ``path``.

    ``table`` is ``{"columns", "rows"}``, as :func:`evaluate.reports.results.read_tables` gives it.
    """
    write_atomically(path, csv_text(table["columns"], table["rows"]).encode(ENCODING))
    return path


def write_report_tables(notebook: Any, report: str, folder: Path) -> list[dict[str, Any]]:
    """Write every table an executed report notebook exported as ``<report>.<name>.csv``.

    Returns what ``build.json`` lists for the report: ``{"name", "label", "file", "rows"}``
    per table, in the order the notebook exported them. Raises ``ValueError`` for a table
    name that could not be part of a file name (see
    :func:`evaluate.reports.results.table_problems`), and
    :class:`~evaluate.errors.OutputWriteError` for a file the disk refuses.
    """
    from evaluate.reports.results import read_tables, table_problems

    written = []
    for name, table in read_tables(notebook).items():
        problems = table_problems(name)
        if problems:
            raise ValueError("; ".join(problems))
        path = write_table(folder / f"{report}.{name}.csv", table)
        written.append({"name": name, "label": str(table.get("label") or ""),
                        "file": path.name, "rows": len(table["rows"])})
    return written
