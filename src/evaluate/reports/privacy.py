"""Keep small groups of members out of every chart and table.

A count of fewer than :data:`MIN_GROUP_SIZE` members is *suppressed*: set to missing and
flagged, so nobody can be singled out (e.g. "the two women over 65 who train for sport").
Because totals are printed elsewhere in a report, one hidden cell in a row or column could be
recovered by subtraction; :func:`suppress_small_groups` therefore also hides the next-smallest
cell in any group left with exactly one hidden cell (complementary suppression). An empty
group (0) identifies nobody and stays visible.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the build imports MIN_GROUP_SIZE (via notebook_params) without pandas
    import pandas as pd

MIN_GROUP_SIZE = 10  # members; the smallest group any chart or table may show

SUPPRESSED = "suppressed"  # name of the flag column added to a suppressed table


def shown_split(part: int, whole: int, min_group_size: int = MIN_GROUP_SIZE) -> bool:
    """True when ``part`` of ``whole`` members may be shown: as a count, a share or a total.

    Anyone who knows the whole learns the rest (``whole - part``) as well, so both must be
    empty or hold at least ``min_group_size`` members (e.g. "47% of 19 members are women":
    9 women, 10 others; not shown). ``min_group_size`` is raised to :data:`MIN_GROUP_SIZE`.
    """
    size = max(int(min_group_size), MIN_GROUP_SIZE)
    return all(n == 0 or n >= size for n in (int(part), int(whole) - int(part)))


def _complete_groups(counts: pd.Series, hidden: pd.Series, groups: list[pd.Index]) -> bool:
    """Hide one more cell in each group that has exactly one hidden cell; say if any changed."""
    changed = False
    for index in groups:
        if int(hidden[index].sum()) != 1:
            continue
        visible = counts[index][~hidden[index] & (counts[index] > 0)]
        if len(visible):
            hidden[visible.idxmin()] = True
            changed = True
    return changed


def suppress_small_groups(table: pd.DataFrame, count: str = "members",
                          min_size: int = MIN_GROUP_SIZE, within: Sequence[str] = (),
                          blank: Sequence[str] | None = None) -> pd.DataFrame:
    """Return a copy of ``table`` with counts of 1 to ``min_size - 1`` members hidden.

    Parameters
    ----------
    table
        An aggregated table with one row per group and a count column.
    count
        The count column; it becomes nullable ``Int64`` with hidden cells missing.
    min_size
        Smallest count shown (members). Values below :data:`MIN_GROUP_SIZE` are raised to it.
    within
        Columns whose groups have known totals (e.g. ``["age_band", "sex"]`` for an
        age-by-sex table); the whole table always counts as one such group.
    blank
        Further columns to hide where the count is hidden (default: every other numeric
        column, such as a share).

    Returns
    -------
    pandas.DataFrame
        The table with a boolean ``suppressed`` column.
    """
    min_size = max(int(min_size), MIN_GROUP_SIZE)
    out = table.reset_index(drop=True).copy()
    counts = out[count].astype("int64")
    hidden = (counts > 0) & (counts < min_size)
    groups = [out.index] + [idx for col in within
                            for idx in out.groupby(col, observed=True).groups.values()]
    while _complete_groups(counts, hidden, groups):
        pass
    if blank is None:
        blank = [c for c in out.select_dtypes("number").columns if c != count]
    out[count] = counts.astype("Int64").mask(hidden)
    for col in blank:
        out[col] = out[col].astype("Float64").mask(hidden)
    out[SUPPRESSED] = hidden.to_numpy()
    return out


def merge_small_groups(table: pd.DataFrame, label: str, count: str = "members",
                       min_size: int = MIN_GROUP_SIZE, into: str = "other") -> pd.DataFrame:
    """Fold rows with fewer than ``min_size`` members into one row labelled ``into``.

    Suits a mix of categories (e.g. training goals) where one "other" row reads better than
    gaps. Only the label and count columns are kept; the merged row comes last. Pass the result
    through :func:`suppress_small_groups` in case the merged row is still too small.
    """
    import pandas as pd

    min_size = max(int(min_size), MIN_GROUP_SIZE)
    small = (table[count] > 0) & (table[count] < min_size)
    kept = table.loc[~small & (table[count] > 0), [label, count]].copy()
    if small.any():
        kept[label] = kept[label].astype("object")
        merged = pd.DataFrame({label: [into], count: [int(table.loc[small, count].sum())]})
        kept = pd.concat([kept, merged], ignore_index=True)
    return kept.reset_index(drop=True)
