"""Tables the reports show or draw, built outside the chart modules (charts only draw).

- Display tables, made ready for a manager to read (plain headers, formatted numbers): input
  tables come from :mod:`evaluate.reports.member_profile` (tidy, with a ``suppressed`` flag);
  output frames hold text only and are for display, never for further computing.
- :func:`npv_summary`: the few numbers a chart of the Monte Carlo's NPVs draws;
  :func:`tornado_rows`: the inputs a tornado shows.
- :func:`require_columns`: the check each table or chart function makes of the frame it is
  given, so a wrong frame fails with the columns it lacks rather than deep inside pandas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from evaluate.reports.formatting import count_text, number
from evaluate.reports.privacy import MIN_GROUP_SIZE, SUPPRESSED


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise ValueError naming the ``columns`` ``frame`` lacks (``what``: the frame, in words)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} needs columns {missing}; got {list(frame.columns)}")


def tornado_rows(swings: pd.DataFrame, low_column: str, high_column: str,
                 top: int = 10) -> pd.DataFrame:
    """The ``top`` rows with the largest ``|high - low|``, largest first: a tornado's bars.

    ``swings`` has the result at each input's low and high end in ``low_column`` and
    ``high_column``. Rows that move nothing are dropped; ties keep the frame's order.
    """
    swing = np.abs(swings[high_column].to_numpy(float) - swings[low_column].to_numpy(float))
    keep = np.flatnonzero(swing > 0)
    keep = keep[np.argsort(-swing[keep], kind="stable")][:max(int(top), 0)]
    return swings.iloc[keep]


def npv_summary(draws: Mapping[str, Sequence[float]] | pd.DataFrame) -> pd.DataFrame:
    """P10, P50, P90 and P(NPV > 0) per machine from Monte Carlo draws (tidy).

    ``draws`` maps ``equipment_id`` to that machine's simulated NPVs, or is a frame with one
    column per machine (draws as rows); from a
    :class:`evaluate.model.uncertainty.SimulationResult`:
    ``dict(zip(result.equipment_ids, result.draws["npv"].T))``. Percentiles are order
    statistics (``method="inverted_cdf"``), as in ``SimulationResult.bands``.

    Returns columns ``equipment_id``, ``p10``, ``p50``, ``p90`` (currency), ``p_positive``
    (0-1) and ``draws``, in input order: what
    :func:`evaluate.reports.model_charts.npv_distribution_chart` draws, so the figure holds
    a few numbers per machine, never the draws.
    """
    from evaluate.model.uncertainty import PERCENTILES  # here: the member profile needs no model

    rows = []
    for eid, values in draws.items():
        v = np.asarray(values, dtype=float)
        v = v[~np.isnan(v)]
        if v.size == 0:
            raise ValueError(f"no NPV draws for {eid!r}")
        p10, p50, p90 = np.quantile(v, PERCENTILES, method="inverted_cdf")
        rows.append({"equipment_id": str(eid), "p10": float(p10), "p50": float(p50),
                     "p90": float(p90), "p_positive": float(np.mean(v > 0)), "draws": v.size})
    return pd.DataFrame(rows, columns=["equipment_id", "p10", "p50", "p90", "p_positive",
                                       "draws"])


def _share_text(value: float) -> str:
    return "–" if pd.isna(value) else number(float(value), ".0%")


def display_table(table: pd.DataFrame, label: str, label_title: str,
                  min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """One row per group: ``label_title`` (the index), "Members" and "Share" as text.

    Hidden counts read "not shown"; their shares read "–".
    """
    out = pd.DataFrame({
        label_title: table[label].astype("str").to_numpy(),
        "Members": [count_text(v) for v in table["members"]],
        "Share": [_share_text(v) for v in table["share"]],
    })
    return out.set_index(label_title)


def display_age_sex(table: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Members by age band (rows) and sex (columns), as text; hidden counts say so."""
    text = table.assign(members=[count_text(v) for v in table["members"]])
    wide = text.pivot(index="age_band", columns="sex", values="members")
    wide = wide.reindex(columns=list(dict.fromkeys(table["sex"])))
    wide.index = wide.index.astype("str").rename("Age band (years)")
    wide.columns.name = None
    return wide.drop(columns=[SUPPRESSED], errors="ignore")


def table_html(frame: pd.DataFrame) -> str:
    """``frame`` as the HTML pandas shows in a notebook, with one header row, none empty.

    pandas writes a table with a named index in two header rows: the column names after an
    empty cell, then the index's name over empty cells. A screen reader then announces
    blank headers and no name for the row labels' column (axe-core's empty-table-header).
    Moving the index's name to the columns' axis puts it in that first, empty cell, so the
    table has one header row and every header says what is below it; the row labels stay
    row headers (``<th>``). Tables with several header levels are shown as pandas shows them.
    """
    named = frame.index.nlevels == 1 and frame.index.name is not None
    if named and frame.columns.nlevels == 1 and frame.columns.name is None:
        frame = frame.rename_axis(index=None, columns=frame.index.name)
    return frame._repr_html_() or ""


def configure_display() -> None:
    """Show report tables whole, never cut, each with one header row (:func:`table_html`).

    By default pandas cuts cells at 50 characters and long tables at 60 rows, which would
    hide sources and notes from the reader.
    """
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 500)
    pd.set_option("display.max_columns", 50)
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:  # in a kernel: JupyterLab, papermill
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, table_html)
