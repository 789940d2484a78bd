"""Keep small groups of members out of every chart and table.

A count of fewer than :data:`MIN_GROUP_SIZE` members is *suppressed*: set to missing and
flagged, so nobody can be singled out (e.g. "the two women over 65 who train for sport").
Because totals are printed elsewhere in a report, one hidden cell in a row or column could be
recovered by subtraction; :func:`suppress_small_groups` therefore also hides the next-smallest
cell in any group left with exactly one hidden cell (complementary suppression). An empty
group (0) identifies nobody and stays visible, unless the members it is a part of number 1 to 9:
"none of the 4 is a woman" says that all 4 are men.

A log (sessions on a machine, check-ins) is member-level too: a figure drawn from its rows
rests on the members behind those rows, counted by :func:`members_behind`, and is shown only
when :func:`shown_group` allows it.
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


def shown_group(members: int, min_group_size: int = MIN_GROUP_SIZE) -> bool:
    """True when a figure resting on ``members`` members may be shown: none, or enough.

    Enough is ``min_group_size`` (raised to :data:`MIN_GROUP_SIZE`). E.g. a machine's
    sessions a week rest on the members who used it, counted by :func:`members_behind`.
    """
    return shown_split(members, members, min_group_size)


def members_behind(log: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """The members each group of a log's rows rests on: ``by``, ``rows`` and ``members``.

    ``members`` counts the distinct ``member_id`` values of the group's rows. A row without one
    (an anonymous session, or a log without the column) is a person the log does not name:
    a group with rows counts at least one member, so a group of anonymous rows only is hidden
    as too small rather than shown as resting on nobody, and anonymous rows never raise a
    group to the size at which it is shown. With no ``by``, one row for the whole log; with
    ``by``, one row per group that has rows (categories without rows are left out).
    """
    import pandas as pd

    ids = (log["member_id"] if "member_id" in log.columns
           else pd.Series(pd.NA, index=log.index, dtype="object"))
    if not by:
        named = int(ids.dropna().nunique())
        return pd.DataFrame({"rows": [len(log)], "members": [max(named, int(len(log) > 0))]})
    frame = pd.DataFrame({col: log[col] for col in by}, index=log.index).assign(member_id=ids)
    grouped = frame.groupby(list(by), observed=True, sort=True)
    out = pd.DataFrame({"rows": grouped.size(), "members": grouped["member_id"].nunique()})
    out["members"] = out["members"].where(out["members"] > 0, (out["rows"] > 0).astype(int))
    out = out.reset_index()
    return out[[*by, "rows", "members"]].astype({"rows": "int64", "members": "int64"})


def members_in_hour(log: pd.DataFrame, weekday: int, hour: int) -> int:
    """The members behind one hour of the week of a usage log: those with a session in it.

    A session counts in every clock hour it overlaps, as
    :func:`evaluate.data.usage.hourly_utilisation` counts its minutes; members are counted
    as :func:`members_behind` counts them. ``weekday`` 0 is Monday.
    """
    import numpy as np

    from evaluate.data.logs import TIMESTAMP, local_minutes, weekday_hour

    if log.empty:
        return 0
    start = local_minutes(log[TIMESTAMP])
    length = log["duration_min"].to_numpy(float)
    end = start + length
    inside = np.zeros(len(log), dtype=bool)
    for k in range(int(np.ceil(length.max() / 60)) + 1):  # the clock hours a session spans
        hour_start = (start // 60 + k) * 60
        overlaps = np.minimum(end, hour_start + 60) - np.maximum(start, hour_start) > 0
        inside |= overlaps & (weekday_hour(hour_start) == weekday * 24 + hour)
    return int(members_behind(log.loc[inside])["members"].iloc[0])


def private_machines(usage: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> list[str]:
    """The machines of a usage log whose sessions rest on too few members, sorted.

    No figure of theirs may be shown (:func:`shown_group`), nor used to calibrate another
    machine's forecast: the factor, with the forecast it scales, would give their use away.
    """
    behind = members_behind(usage, ["equipment_id"])
    return sorted(str(machine) for machine, members
                  in zip(behind["equipment_id"], behind["members"], strict=True)
                  if not shown_group(members, min_group_size))


def comparable_equipment(equipment: pd.DataFrame, usage: pd.DataFrame,
                         min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """``equipment`` with the :func:`private_machines` of ``usage`` counted as not owned.

    Calibrations choose their comparable machine among the owned ones
    (:func:`evaluate.model.calibration.comparable_machine`), so none of these is chosen.
    """
    private = equipment["equipment_id"].isin(private_machines(usage, min_group_size))
    return equipment.assign(owned_units=equipment["owned_units"].where(~private, 0))


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

    Every cell of a group (the whole table, or a group of ``within``) that holds 1 to
    ``min_size - 1`` members in all is hidden, empty cells too.

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
    for index in groups:  # a group of 1 to 9 members: each of its cells, 0 too, is of them
        if 0 < int(counts[index].sum()) < min_size:
            hidden[index] = True
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
