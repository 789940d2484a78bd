"""Load the club's check-in log (``checkins.csv`` or ``checkins.parquet``) and summarise it.

The log is optional: without it the model uses each member's ``visits_per_week`` from the
roster and the report says so. With it, it gives the hour-of-day × weekday load profile and
the visit frequency actually observed. The loader is the boundary (every problem at once, see
:mod:`evaluate.logs`); the aggregations return tidy frames of counts per week, hour or band and
never a row per member.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.logs import (
    MINUTES_PER_DAY,
    TIMESTAMP,
    TIMESTAMP_DTYPE,
    WEEKDAY_NAMES,
    LogSchema,
    as_of_date,
    check_ids,
    check_timestamps,
    find_log,
    local_minutes,
    missing_log_warning,
    read_log,
    weekday_counts,
)
from evaluate.validation import Findings

CHECKINS_STEM = "checkins"
CHECKINS_SCHEMA = LogSchema(stem=CHECKINS_STEM, what="the check-in log",
                            required=("member_id", TIMESTAMP), ids=("member_id",))
COLUMNS = ("member_id", TIMESTAMP)
# Edges of the bands of a member's average visits per week in :func:`visit_frequency` (lower
# edge inclusive); below them come the bands "0" (never came) and "under 0.5".
VISIT_BAND_EDGES = (0.5, 1.0, 2.0, 3.0, 5.0)
MIN_WEEKS_OBSERVED = 4.0  # a member's rate counts only over at least four weeks in the log


def _empty(categories: pd.Index | None = None) -> pd.DataFrame:
    ids = pd.Index([] if categories is None else categories, dtype="str")
    return pd.DataFrame({"member_id": pd.Categorical([], categories=ids),
                         TIMESTAMP: np.empty(0, dtype=TIMESTAMP_DTYPE)})


def load_checkins(data_dir: Path, member_ids: pd.Index | None = None, *,
                  as_of: date | pd.Timestamp | None = None) -> pd.DataFrame:
    """Read and check the check-in log in ``data_dir``; return one row per check-in.

    Columns: ``member_id`` (category; over ``member_ids`` when given, else over the ids in the
    log) and ``timestamp`` (datetime64[us], local time, floored to the minute), in file order.
    ``frame.attrs["warnings"]`` lists problems that do not stop a build and
    ``frame.attrs["file"]`` the file read (None when there is none).

    A missing log is not an error: the result is empty and its warnings say so. Checked:
    required columns (did-you-mean hint; Parquet: also the column types), timestamps present,
    readable and no later than the end of the day ``as_of`` (default: today,
    the day the check runs), member ids present and, with ``member_ids``, listed in the roster.

    Rows in messages are spreadsheet rows (header = row 1); a Parquet file's rows are numbered
    the same way, its first data row being row 2, as if it were exported to CSV.

    Raises
    ------
    DataError
        Listing every problem found, each with file, row, column, value, rule and fix.
    """
    path = find_log(Path(data_dir), CHECKINS_SCHEMA)
    if path is None:
        empty = _empty(member_ids)
        empty.attrs.update(file=None, warnings=[missing_log_warning(
            data_dir, CHECKINS_SCHEMA, "visits per week come from members.csv and the hourly "
            "profile from the documented assumptions")])
        return empty
    check = Findings(path)
    log = read_log(path, CHECKINS_SCHEMA, check, {"member_id": member_ids})
    check_timestamps(log, check, as_of_date(as_of))
    members = check_ids(log, check, "member_id", member_ids, what="member",
                        where="members.csv")
    check.raise_errors()
    frame = pd.DataFrame({"member_id": members, TIMESTAMP: log.timestamp}, copy=False)
    frame.attrs.update(file=path, warnings=check.warnings)
    return frame


def _span_days(minutes: np.ndarray) -> tuple[int, int]:
    """First and last day (days since 1970-01-01) of a non-empty log."""
    return int(minutes.min()) // MINUTES_PER_DAY, int(minutes.max()) // MINUTES_PER_DAY


def hourly_profile(checkins: pd.DataFrame) -> pd.DataFrame:
    """Average check-ins per week in each hour of each weekday (168 rows, local time).

    Columns ``weekday`` (0 = Monday), ``weekday_name``, ``hour`` (0-23, the hour the visit
    began) and ``checkins_per_week``: check-ins in that hour divided by how many such weekdays
    the log spans, from its first to its last day. The model's peak-hour load comes from this.
    """
    grid = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
    frame = grid.to_frame(index=False)
    frame.insert(1, "weekday_name", [WEEKDAY_NAMES[d] for d in frame["weekday"]])
    if checkins.empty:
        return frame.assign(checkins_per_week=0.0)
    ticks = checkins[TIMESTAMP].to_numpy(dtype=TIMESTAMP_DTYPE).view(np.int64)
    hours = ticks // 3_600_000_000  # hours since 1970-01-01 00:00 local time, then in place:
    hours += 72  # 1970-01-01 was a Thursday: hour 72 of its week
    hours %= 168
    counts = np.bincount(hours, minlength=168).reshape(7, 24)
    del hours
    day = 86_400_000_000
    weeks = weekday_counts(int(ticks.min()) // day, int(ticks.max()) // day)
    return frame.assign(checkins_per_week=(counts / np.maximum(weeks, 1)[:, None]).ravel())


def _enrolled_days(members: pd.DataFrame, first: int, last: int) -> np.ndarray:
    """Members on the roster on each day ``first``-``last`` (joined, not yet cancelled)."""
    epoch = pd.Timestamp(0)
    join = np.sort((members["join_date"] - epoch).dt.days.to_numpy(dtype=float))
    cancel = np.sort((members["cancel_date"].dropna() - epoch).dt.days.to_numpy(dtype=float))
    days = np.arange(first, last + 1)
    return (np.searchsorted(join, days, side="right")
            - np.searchsorted(cancel, days, side="right"))


def weekly_visits(checkins: pd.DataFrame, members: pd.DataFrame | None = None) -> pd.DataFrame:
    """Check-ins per calendar week (Monday to Sunday), and per enrolled member with a roster.

    Columns ``week_start`` (the Monday), ``days`` (days of that week inside the log's span),
    ``checkins``; with ``members`` (the roster frame) also ``members_enrolled`` (average over
    those days of members between join and cancellation) and ``visits_per_member``
    (check-ins per enrolled member, scaled to a full week), the figure HFA reports as about 1.5
    (REF §2a).
    """
    columns = ["week_start", "days", "checkins"]
    if members is not None:
        columns += ["members_enrolled", "visits_per_member"]
    if checkins.empty:
        return pd.DataFrame(columns=columns)
    minutes = local_minutes(checkins[TIMESTAMP])
    first, last = _span_days(minutes)
    monday = first - (first + 3) % 7
    week = (minutes // MINUTES_PER_DAY - monday) // 7
    count = np.bincount(week, minlength=(last - monday) // 7 + 1)
    day_week = (np.arange(first, last + 1) - monday) // 7
    days = np.bincount(day_week, minlength=len(count))
    frame = pd.DataFrame({
        "week_start": pd.to_datetime(monday + 7 * np.arange(len(count)), unit="D"),
        "days": days, "checkins": count})
    if members is not None:
        enrolled = np.bincount(day_week, weights=_enrolled_days(members, first, last),
                               minlength=len(count)) / days
        frame["members_enrolled"] = enrolled
        frame["visits_per_member"] = count / np.where(enrolled > 0, enrolled, np.nan) * 7 / days
    return frame


def visit_frequency(checkins: pd.DataFrame, members: pd.DataFrame | None = None,
                    edges: tuple[float, ...] = VISIT_BAND_EDGES) -> pd.DataFrame:
    """How many members come how often: members per band of average visits per week.

    Each member's rate is their check-ins over the weeks they were present in the log's span
    (join to cancellation when ``members`` is given, else the whole span) and is counted only
    over at least :data:`MIN_WEEKS_OBSERVED` weeks. Without ``members`` a member who never
    checked in is invisible. Columns ``band`` ("0", "under 0.5", "0.5-1", ..., "5+"),
    ``lower`` (inclusive), ``upper`` (exclusive), ``members`` and ``share``. The per-member
    rates never leave this function.
    """
    lower = [0.0, 0.0, *edges]
    upper = [0.0, *edges, np.inf]
    labels = ["0", f"under {edges[0]:g}"] + [
        f"{lo:g}-{hi:g}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)] + [
        f"{edges[-1]:g}+"]
    frame = pd.DataFrame({"band": labels, "lower": lower, "upper": upper})
    if checkins.empty:
        return frame.assign(members=0, share=np.nan)
    minutes = local_minutes(checkins[TIMESTAMP])
    first, last = _span_days(minutes)
    ids = checkins["member_id"].cat
    visits = np.bincount(ids.codes[ids.codes >= 0], minlength=len(ids.categories))
    if members is None:
        weeks = np.where(visits > 0, (last - first + 1) / 7.0, 0.0)
    else:
        epoch = pd.Timestamp(0)
        join = (members["join_date"] - epoch).dt.days.to_numpy(dtype=float)
        stop = (members["cancel_date"] - epoch).dt.days.to_numpy(dtype=float,
                                                                 na_value=np.inf)
        row = pd.Index(ids.categories).get_indexer(members["member_id"])
        visits = np.where(row >= 0, visits[row], 0)
        weeks = (np.minimum(stop, last + 1) - np.maximum(join, first)).clip(0) / 7.0
    observed = weeks >= MIN_WEEKS_OBSERVED
    rate = visits[observed] / weeks[observed]
    band = np.where(rate == 0, 0, 1 + np.searchsorted(np.asarray(edges), rate, side="right"))
    counts = np.bincount(band, minlength=len(labels))
    return frame.assign(members=counts, share=counts / max(counts.sum(), 1))
