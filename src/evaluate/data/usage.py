"""Load the usage log of machines the club owns (``equipment_usage.csv``/``.parquet``).

One row per session on a machine: when it started, which machine, how long, and optionally
who. The model uses it to calibrate uptake and to check the peak-hour load of machines it
already has. Loading follows :mod:`evaluate.data.logs` (every problem at once); the aggregations
return tidy frames per machine and week or hour, never a row per member.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.data.logs import (
    MINUTES_PER_DAY,
    TIMESTAMP,
    TIMESTAMP_DTYPE,
    WEEKDAY_NAMES,
    LogColumns,
    LogSchema,
    as_of_date,
    check_ids,
    check_timestamps,
    find_log,
    flag_rows,
    local_minutes,
    missing_log_warning,
    read_log,
    value_reader,
    weekday_counts,
    weekday_hour,
)
from evaluate.data.validation import Findings

USAGE_STEM = "equipment_usage"
USAGE_SCHEMA = LogSchema(stem=USAGE_STEM, what="the equipment-usage log",
                         required=(TIMESTAMP, "equipment_id", "duration_min"),
                         optional=("member_id",), ids=("equipment_id", "member_id"),
                         numbers=("duration_min",))
COLUMNS = (TIMESTAMP, "equipment_id", "duration_min", "member_id")
# A session longer than this is probably a machine left "in use" by the logging system. A
# warning, not an error: the row is kept. ASSUMPTION (no source gives session lengths).
LONG_SESSION_MINUTES = 180.0


def _empty(equipment_ids: pd.Index | None, member_ids: pd.Index | None) -> pd.DataFrame:
    def ids(known: pd.Index | None) -> pd.Categorical:
        return pd.Categorical([], categories=pd.Index([] if known is None else known,
                                                      dtype="str"))

    return pd.DataFrame({TIMESTAMP: np.empty(0, dtype=TIMESTAMP_DTYPE),
                         "equipment_id": ids(equipment_ids), "duration_min": np.empty(0),
                         "member_id": ids(member_ids)})


def _check_durations(log: LogColumns, check: Findings) -> None:
    minutes = log.numbers["duration_min"]
    value = value_reader(log, "duration_min")
    raw = log.text.get("duration_min")
    if raw is not None:
        unreadable = np.isnan(minutes) & (raw != "").to_numpy()
        flag_rows(check, unreadable, value, "duration_min", "not a number",
                  rule="duration_min is a number of minutes, e.g. 12",
                  fix="write the minutes as a plain number")
        blank = (raw == "").to_numpy()
    else:
        blank = np.isnan(minutes)
    flag_rows(check, blank, lambda i: "", "duration_min", "duration is missing",
              rule="every session has a duration_min", fix="fill in the minutes")
    flag_rows(check, minutes <= 0, value, "duration_min", "duration is zero or negative",
              rule="duration_min > 0", fix="correct the duration, or remove the session")
    flag_rows(check, minutes > LONG_SESSION_MINUTES, value, "duration_min",
              "unusually long session", rule=f"sessions up to {LONG_SESSION_MINUTES:g} min",
              fix="check whether the machine was left logged in; the row is kept",
              severity="warning")


def load_equipment_usage(data_dir: Path, equipment_ids: pd.Index | None = None,
                         member_ids: pd.Index | None = None, *,
                         as_of: date | pd.Timestamp | None = None) -> pd.DataFrame:
    """Read and check the equipment-usage log in ``data_dir``; return one row per session.

    Columns: ``timestamp`` (datetime64[us], session start, local time, to the minute),
    ``equipment_id`` (category; over ``equipment_ids`` when given), ``duration_min`` (float,
    minutes) and ``member_id`` (category, missing where not recorded or when the log has no
    such column). ``frame.attrs["warnings"]`` lists problems that do not stop a build (e.g.
    sessions over :data:`LONG_SESSION_MINUTES`), ``frame.attrs["file"]`` the file read.

    A missing log is not an error: the result is empty and its warnings say so. Checked:
    required columns (Parquet: also types), timestamps as in
    :func:`evaluate.data.checkins.load_checkins` (none after the day ``as_of``, default today),
    equipment ids present and, with ``equipment_ids``, listed in equipment.csv, member ids
    (where given) listed in ``member_ids``, durations present and above zero.

    Rows in messages are spreadsheet rows (header = row 1); a Parquet file's first data row
    is row 2, as if it were exported to CSV.

    Raises
    ------
    DataError
        Listing every problem found, each with file, row, column, value, rule and fix.
    """
    path = find_log(Path(data_dir), USAGE_SCHEMA)
    if path is None:
        empty = _empty(equipment_ids, member_ids)
        empty.attrs.update(file=None, warnings=[missing_log_warning(
            data_dir, USAGE_SCHEMA, "uptake comes from the documented assumptions")])
        return empty
    check = Findings(path)
    log = read_log(path, USAGE_SCHEMA, check, {"equipment_id": equipment_ids,
                                                    "member_id": member_ids})
    check_timestamps(log, check, as_of_date(as_of))
    equipment = check_ids(log, check, "equipment_id", equipment_ids, what="machine",
                          where="equipment.csv")
    members = check_ids(log, check, "member_id", member_ids, what="member",
                        where="members.csv", required=False)
    _check_durations(log, check)
    check.raise_errors()
    if members is None:
        members = pd.Categorical([None] * len(log), categories=pd.Index(
            [] if member_ids is None else member_ids, dtype="str"))
    frame = pd.DataFrame({TIMESTAMP: log.timestamp, "equipment_id": equipment,
                          "duration_min": log.numbers["duration_min"], "member_id": members})
    frame.attrs.update(file=path, warnings=check.warnings)
    return frame


def _days(usage: pd.DataFrame) -> tuple[np.ndarray, int, int]:
    minutes = local_minutes(usage[TIMESTAMP])
    return minutes, int(minutes.min()) // MINUTES_PER_DAY, int(minutes.max()) // MINUTES_PER_DAY


def weekly_sessions(usage: pd.DataFrame) -> pd.DataFrame:
    """Sessions and minutes in use per machine and calendar week (Monday start).

    Columns ``equipment_id``, ``week_start``, ``days`` (days of the week inside the log's
    span), ``sessions`` and ``minutes`` (sum of durations); every machine has a row for every
    week of the span, zero when unused.
    """
    columns = ["equipment_id", "week_start", "days", "sessions", "minutes"]
    if usage.empty:
        return pd.DataFrame(columns=columns)
    minutes, first, last = _days(usage)
    monday = first - (first + 3) % 7
    weeks = (last - monday) // 7 + 1
    machine = usage["equipment_id"].cat
    cell = machine.codes.astype(np.int64) * weeks + (minutes // MINUTES_PER_DAY - monday) // 7
    size = len(machine.categories) * weeks
    sessions = np.bincount(cell, minlength=size)
    used = np.bincount(cell, weights=usage["duration_min"].to_numpy(float), minlength=size)
    days = np.bincount((np.arange(first, last + 1) - monday) // 7, minlength=weeks)
    return pd.DataFrame({
        "equipment_id": np.repeat(machine.categories.to_numpy(), weeks),
        "week_start": np.tile(pd.to_datetime(monday + 7 * np.arange(weeks), unit="D"),
                              len(machine.categories)),
        "days": np.tile(days, len(machine.categories)), "sessions": sessions, "minutes": used,
    })


def hourly_utilisation(usage: pd.DataFrame, units: Mapping[str, int]) -> pd.DataFrame:
    """Share of each machine's capacity in use, per hour of each weekday, averaged per week.

    ``units`` maps equipment_id to the number of units the club owns (``owned_units`` in
    equipment.csv). A session counts in every clock hour it overlaps, for the minutes it
    overlaps. Columns ``equipment_id``, ``units``, ``weekday`` (0 = Monday),
    ``weekday_name``, ``hour``, ``minutes_per_week`` (minutes in use in that hour, summed
    over units) and ``busy_share`` (minutes_per_week / (60 × units): 0.5 means on average
    half the units were in use all that hour).
    """
    machines = usage["equipment_id"].cat.categories
    missing = [m for m in machines if m not in units]
    if missing:
        raise ValueError(f"no number of units for {', '.join(missing)}")
    minutes = np.zeros((len(machines), 7 * 24))
    weeks = np.ones(7)
    if not usage.empty:
        start, first, last = _days(usage)
        weeks = np.maximum(weekday_counts(first, last), 1)
        length = usage["duration_min"].to_numpy(float)
        end = start + length
        machine = usage["equipment_id"].cat.codes.to_numpy().astype(np.int64)
        for k in range(int(np.ceil(length.max() / 60)) + 1):  # the clock hours a session spans
            hour_start = (start // 60 + k) * 60
            overlap = np.clip(np.minimum(end, hour_start + 60) - np.maximum(start, hour_start),
                              0, None)
            minutes += np.bincount(machine * 168 + weekday_hour(hour_start), weights=overlap,
                                   minlength=minutes.size).reshape(minutes.shape)
    per_week = minutes / np.repeat(weeks, 24)[None, :]
    count = np.array([units[m] for m in machines], dtype=float)
    weekday = np.tile(np.repeat(np.arange(7), 24), len(machines))
    return pd.DataFrame({
        "equipment_id": np.repeat(machines.to_numpy(), 168),
        "units": np.repeat(count, 168).astype(int), "weekday": weekday,
        "weekday_name": np.array(WEEKDAY_NAMES)[weekday],
        "hour": np.tile(np.arange(24), 7 * len(machines)),
        "minutes_per_week": per_week.ravel(),
        "busy_share": (per_week / (60 * count[:, None])).ravel(),
    })


def peak_hour_utilisation(usage: pd.DataFrame, units: Mapping[str, int]) -> pd.DataFrame:
    """Each machine's busiest hour of the week and how busy it is then (one row per machine).

    The columns of :func:`hourly_utilisation`, for the weekday and hour with the highest
    ``busy_share``; GYMetrix's rule of thumb wants 40-60% of units free at peak
    (``industry_benchmarks.csv: peak_equipment_free_target``; GYMetrix (R. McGown), Health Club
    Management, Oct 2012), i.e. a busy share of 0.4-0.6.
    """
    hourly = hourly_utilisation(usage, units)
    peak = hourly.groupby("equipment_id", sort=True, observed=True)["busy_share"].idxmax()
    return hourly.loc[peak.to_numpy()].reset_index(drop=True)


def user_frequency(usage: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """Each machine's regular users and their sessions, from the log's member ids.

    Users and frequency are measured apart because the model prices retention on users and
    capacity on sessions. Over the log's whole span (its first to its last day, as
    :func:`weekly_sessions` counts them): ``weekly_sessions`` is the machine's sessions a
    week; a member is a *regular user* with at least ``threshold`` sessions a week on average
    (the decision ties it to ``sessions_per_user_week``); ``sessions_per_user`` is the
    machine's sessions a week per regular user, occasional users' sessions included, so that
    users × sessions per user gives the sessions back. ``members`` counts every member with a
    session. Rows without a member id count in the sessions only; a log without the column
    gives NaN users. Columns ``equipment_id``, ``weeks``, ``weekly_sessions``, ``members``,
    ``regular_users``, ``sessions_per_user``; one row per machine in the log.
    """
    columns = ["equipment_id", "weeks", "weekly_sessions", "members", "regular_users",
               "sessions_per_user"]
    if usage.empty:
        return pd.DataFrame(columns=columns)
    _, first, last = _days(usage)
    weeks = (last - first + 1) / 7.0
    machine = usage["equipment_id"].astype(str)
    sessions = machine.value_counts(sort=False)
    if "member_id" in usage and usage["member_id"].notna().any():
        known = usage.loc[usage["member_id"].notna()]
        per_member = known.groupby([known["equipment_id"].astype(str),
                                    known["member_id"].astype(str)]).size()
        members = per_member.groupby(level=0).size()
        regular = (per_member / weeks >= threshold).groupby(level=0).sum()
    else:
        members = regular = pd.Series(dtype=float)
    ids = sorted(sessions.index)
    frame = pd.DataFrame({"equipment_id": ids, "weeks": weeks,
                          "weekly_sessions": sessions.reindex(ids).to_numpy(float) / weeks,
                          "members": members.reindex(ids).to_numpy(float),
                          "regular_users": regular.reindex(ids).to_numpy(float)})
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["sessions_per_user"] = np.where(frame["regular_users"] > 0,
                                              frame["weekly_sessions"] / frame["regular_users"],
                                              np.nan)
    return frame[columns]
