"""Aggregated tables made ready for a manager to read: plain headers, formatted numbers.

Input tables come from :mod:`evaluate.reports.member_profile` (tidy, with a ``suppressed`` flag);
output frames hold text only and are for display, never for further computing.
"""

from __future__ import annotations

import pandas as pd

from evaluate.reports.formatting import count_text
from evaluate.reports.privacy import MIN_GROUP_SIZE, SUPPRESSED


def _share_text(value: object) -> str:
    return "–" if pd.isna(value) else f"{float(value):.0%}"


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


def configure_display() -> None:
    """Show report tables whole, never cut.

    By default pandas cuts cells at 50 characters and long tables at 60 rows, which would
    hide sources and notes from the reader.
    """
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 500)
    pd.set_option("display.max_columns", 50)
