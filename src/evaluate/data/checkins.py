"""Load the club's check-in log (``checkins.csv`` or ``checkins.parquet``) and summarise it.

The log is optional: without it the model uses each member's ``visits_per_week`` from the
roster and the report says so. With it, it gives the hour-of-day × weekday load profile and
the visit frequency actually observed. The loader is the boundary (every problem at once,
see :mod:`evaluate.data.logs`); the aggregations return tidy frames of counts per week, hour
or band and never a row per member.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from evaluate.data.logs import (
    MINUTES_PER_DAY,
    TIMESTAMP,
    TIMESTAMP_DTYPE,
    WEEKDAY_NAMES,
    LogSchema,
    as_of_date,
    check_ids,
    check_timestamps,
    find_log,
    id_index,
    known_positions,
    local_minutes,
    missing_log_warning,
    parquet_source,
    read_log,
    weekday_counts,
)
from evaluate.data.validation import Findings
from evaluate.errors import Problem

CHECKINS_STEM = "checkins"
# member_id is optional: an anonymous door log (no member id) still gives the hourly load
# profile; each member's visits are then not known (see is_anonymous). A column named like it
# ("member", "member_no") is an error, not an anonymous log.
CHECKINS_SCHEMA = LogSchema(stem=CHECKINS_STEM, what="the check-in log",
                            required=(TIMESTAMP,), optional=("member_id",), ids=("member_id",),
                            lookalike=("member_id",))
COLUMNS = ("member_id", TIMESTAMP)
# Edges of the bands of a member's average visits per week in :func:`visit_frequency` (lower
# edge inclusive); below them come the bands "0" (never came) and "under 0.5".
VISIT_BAND_EDGES = (0.5, 1.0, 2.0, 3.0, 5.0)
MIN_WEEKS_OBSERVED = 4.0  # a member's rate counts only over at least four weeks in the log
HOURS_PER_WEEK = 168
# When a log can measure the busiest hour's share of a week's check-ins (peak_shortfall);
# otherwise the model uses the documented assumption peak_hour_share and the check warns.
# Four full weeks: every hour of the week seen at least four times, so a holiday or one odd
# day cannot make an hour the busiest.
PEAK_MIN_DAYS = 28
# At a busiest-hour share p of 2% (peak_hour_share's most likely value), 5,000 check-ins put
# about 100 in the busiest hour: the share's binomial standard error sqrt(p(1-p)/n) is then
# about 10% of the share. With fewer, the busiest of 168 noisy hours overstates the peak.
PEAK_MIN_CHECKINS = 5_000
# Two hours a day on average: a log whose check-ins fall in fewer hours of the week does not
# record when members arrive (a date-only export puts every visit at midnight).
PEAK_MIN_HOURS = 14
SCAN_BATCH_ROWS = 4 * 2**20  # rows of a Parquet log checked at once by check_checkins
_TICKS_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000}  # the units the scan reads as is


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
    ``frame.attrs["file"]`` the file read (None when there is none). A log without a
    ``member_id`` column (an anonymous door log) has every ``member_id`` missing,
    ``frame.attrs["anonymous"]`` true and an info line saying so (:func:`is_anonymous`).

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
    anonymous = members is None
    if anonymous:
        check.add("the check-in log names no member (no member_id column): an anonymous door "
                  "log gives the hourly load profile; each member's visits a week are not "
                  "known from it", column="member_id",
                  rule="member_id is optional in the check-in log",
                  fix="nothing, if the system records no member; if the export has a member "
                      "column, map it to member_id in columns.yml", severity="info")
        members = pd.Categorical(np.full(len(log), None), categories=_empty(
            member_ids)["member_id"].cat.categories)
    frame = pd.DataFrame({"member_id": members, TIMESTAMP: log.timestamp}, copy=False)
    frame.attrs.update(file=path, warnings=check.warnings, anonymous=anonymous)
    return frame


def is_anonymous(log: pd.DataFrame | CheckinProfile | None) -> bool:
    """True for a check-in log that names no member (a door log).

    Per-member figures from it (visits a week, visit bands) are then not known.
    """
    return bool(log is not None and log.attrs.get("anonymous", False))


@dataclass(frozen=True, eq=False)
class CheckinProfile:
    """The check-in log reduced to what the model reads from it: check-ins per hour of week.

    ``counts`` holds how many check-ins began in each hour of the week (168, Monday 0:00-1:00
    first, local time), ``first_day`` and ``last_day`` the log's span (days since 1970-01-01;
    0 when empty) and ``rows`` its check-ins. ``attrs`` holds ``file`` and ``warnings`` as a
    loaded log's do. :func:`hourly_profile` and :func:`evaluate.model.demand.peak_share` take it
    wherever they take the log itself, with the same result. Built by :func:`check_checkins`
    without a row per check-in in memory, or from a loaded log by :meth:`of`.
    """

    counts: np.ndarray
    first_day: int
    last_day: int
    rows: int
    attrs: dict[str, Any] = field(default_factory=dict, compare=False)
    #: The loaded log when :func:`check_checkins` had to load it (a CSV log, say): counted
    #: by :func:`member_checkins` instead of reading the file again. None otherwise.
    loaded: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    @property
    def empty(self) -> bool:
        """True when the log has no check-ins (or there is no log)."""
        return self.rows == 0

    def __len__(self) -> int:
        return self.rows

    @classmethod
    def of(cls, checkins: pd.DataFrame) -> CheckinProfile:
        """The profile of a loaded log (:func:`load_checkins`); ``attrs`` are copied."""
        attrs = dict(checkins.attrs)
        if checkins.empty:
            return cls(np.zeros(HOURS_PER_WEEK, dtype=np.int64), 0, 0, 0, attrs)
        ticks = checkins[TIMESTAMP].to_numpy(dtype=TIMESTAMP_DTYPE).view(np.int64)
        day = 86_400_000_000
        return cls(_hour_of_week_counts(ticks, 3_600_000_000), int(ticks.min()) // day,
                   int(ticks.max()) // day, len(ticks), attrs)


def _hour_of_week_counts(ticks: np.ndarray, per_hour: int) -> np.ndarray:
    """Check-ins per hour of the week (168) from local times in ticks since 1970-01-01."""
    hours = ticks // per_hour  # hours since 1970-01-01 00:00 local time, then in place:
    hours += 72  # 1970-01-01 was a Thursday: hour 72 of its week
    hours %= HOURS_PER_WEEK
    return np.bincount(hours, minlength=HOURS_PER_WEEK)


def _clean_ids(dictionary: pa.Array, known: pd.Index | None) -> bool:
    """True when every id in ``dictionary`` is filled in and, with ``known``, listed there."""
    values = pc.utf8_trim_whitespace(dictionary.cast(pa.string()))
    if values.null_count or pc.any(pc.equal(values, "")).as_py():
        return False
    return known is None or bool((known_positions(values, known) >= 0).all())


def _scannable(path: Path) -> tuple[str, str, pa.DataType, bool] | None:
    """A Parquet log's timestamp and id columns, if their types are those the scans read.

    ``(stamps, ids, stamp_type, text)``: a timestamp of a known unit without a time zone
    (a zoned one is turned into the club's time by the loader), and ids as text (``text``)
    or a dictionary of text. None otherwise (or not Parquet): the log is loaded.
    """
    found = parquet_source(path, CHECKINS_SCHEMA)
    if found is None:
        return None
    source, schema = found
    if "member_id" not in source:  # an anonymous log: loaded, which says so
        return None
    stamps, ids = source[TIMESTAMP], source["member_id"]
    stamp_type, id_type = schema.field(stamps).type, schema.field(ids).type
    text = pa.types.is_string(id_type) or pa.types.is_large_string(id_type)
    if not (pa.types.is_timestamp(stamp_type) and stamp_type.tz is None
            and stamp_type.unit in _TICKS_PER_SECOND
            and (text or pa.types.is_dictionary(id_type)
                 and pa.types.is_string(id_type.value_type))):
        return None
    return stamps, ids, stamp_type, text


def _scan_parquet(path: Path, member_ids: pd.Index | None,
                  as_of: pd.Timestamp) -> CheckinProfile | None:
    """Check a Parquet log column by column, batch by batch, and count its hours of week.

    None as soon as something is not plainly fine (a problem, or a type this scan does not
    read as is): :func:`load_checkins` then reads the log row by row and says what is wrong.
    """
    found = _scannable(path)
    if found is None:
        return None
    stamps, ids, stamp_type, text = found
    per_second = _TICKS_PER_SECOND[stamp_type.unit]
    per_hour, per_day = 3600 * per_second, 86_400 * per_second
    limit = (as_of.normalize() + pd.Timedelta(days=1)).value // (1_000_000_000 // per_second)
    known = None if member_ids is None else id_index(member_ids)
    counts = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
    low, high, rows, checked = None, None, 0, None
    reader = pq.ParquetFile(path, read_dictionary=[ids] if text else None)
    for batch in reader.iter_batches(batch_size=SCAN_BATCH_ROWS, columns=[stamps, ids]):
        when, who = batch.column(stamps), batch.column(ids)
        if not batch.num_rows:
            continue
        if when.null_count or who.null_count:
            return None
        if not pa.types.is_dictionary(who.type):
            who = who.dictionary_encode()
        if checked is None or not who.dictionary.equals(checked):
            if not _clean_ids(who.dictionary, known):
                return None
            checked = who.dictionary
        ticks = when.cast(pa.int64()).to_numpy()
        first, last = int(ticks.min()), int(ticks.max())
        if last >= limit:
            return None
        counts += _hour_of_week_counts(ticks, per_hour)
        low = first if low is None else min(low, first)
        high = last if high is None else max(high, last)
        rows += len(ticks)
    if not rows:
        return CheckinProfile(counts, 0, 0, 0)
    assert low is not None and high is not None  # set by the first batch with a row
    return CheckinProfile(counts, low // per_day, high // per_day, rows)


def peak_shortfall(checkins: pd.DataFrame | CheckinProfile) -> str | None:
    """Why the log cannot measure the busiest hour's share of a week's check-ins; None if it can.

    The one rule, read by the model (:func:`evaluate.model.demand.peak_share`) and by the data
    check: a log measures it when it spans at least :data:`PEAK_MIN_DAYS` days (four full
    weeks), holds at least :data:`PEAK_MIN_CHECKINS` check-ins and they fall in at least
    :data:`PEAK_MIN_HOURS` different hours of the week. ``checkins`` is the loaded log or its
    :class:`CheckinProfile`. The reason reads after "the check-in log cannot measure it: ".
    """
    if not isinstance(checkins, CheckinProfile):
        checkins = CheckinProfile.of(checkins)
    if checkins.empty:
        return "it holds no check-ins"
    days = checkins.last_day - checkins.first_day + 1
    hours = int(np.count_nonzero(checkins.counts))
    short = []
    if days < PEAK_MIN_DAYS:
        short.append(f"it covers {days:,} day{'s' if days != 1 else ''}, fewer than "
                     f"{PEAK_MIN_DAYS} (four full weeks)")
    if checkins.rows < PEAK_MIN_CHECKINS:
        short.append(f"it holds {checkins.rows:,} check-in{'s' if checkins.rows != 1 else ''}, "
                     f"fewer than {PEAK_MIN_CHECKINS:,}")
    if hours < PEAK_MIN_HOURS:
        short.append(f"its check-ins fall in {hours} hour{'s' if hours != 1 else ''} of the "
                     f"week, fewer than {PEAK_MIN_HOURS} (are the times of day missing?)")
    return "; ".join(short) or None


def peak_warning(profile: CheckinProfile) -> list[Problem]:
    """The folder check's warning when a present log cannot measure the busiest hour, else [].

    :func:`evaluate.data.checks.check_club` adds it to the build's data warnings; the report
    citing the busiest hour says it too (the forecast's ``peak_note``).
    """
    reason = peak_shortfall(profile)
    if reason is None or profile.attrs.get("file") is None:
        return []
    return [Problem(f"the busiest hour is not measured from the check-in log: {reason}",
                    file=profile.attrs["file"],
                    rule=f"the busiest hour's share of a week's check-ins is measured from at "
                         f"least {PEAK_MIN_DAYS // 7} full weeks and {PEAK_MIN_CHECKINS:,} "
                         f"check-ins, in at least {PEAK_MIN_HOURS} hours of the week",
                    fix="the forecast uses the documented assumption peak_hour_share instead; "
                        "export a longer period of the log, with the time of each check-in, "
                        "to use the club's own busiest hour",
                    severity="warning")]


def check_checkins(data_dir: Path, member_ids: pd.Index | None = None, *,
                   as_of: date | pd.Timestamp | None = None) -> CheckinProfile:
    """Check the check-in log as :func:`load_checkins` does; return its :class:`CheckinProfile`.

    The same checks, the same problems and the same :class:`~evaluate.errors.DataError`,
    but a clean Parquet log is read a few million rows at a time with pyarrow and reduced to
    its counts per hour of the week as it goes, so a year of check-ins of a million members
    never sits in memory as a table: the ids are checked once per distinct Parquet
    dictionary, the timestamps by their nulls and maximum. A log that fails any check, a CSV
    log, or a Parquet log with text timestamps or numeric ids is loaded by
    :func:`load_checkins` (which lists every problem with its rows) and then reduced.
    ``attrs`` holds ``file`` and ``warnings`` as the loaded log's do.
    """
    path = find_log(Path(data_dir), CHECKINS_SCHEMA)
    if path is not None and path.suffix == ".parquet":
        profile = _scan_parquet(path, member_ids, as_of_date(as_of))
        if profile is not None:
            profile.attrs.update(file=path, warnings=[])
            return profile
    log = load_checkins(data_dir, member_ids, as_of=as_of)
    return replace(CheckinProfile.of(log), loaded=None if log.empty else log)


def _span_days(minutes: np.ndarray) -> tuple[int, int]:
    """First and last day (days since 1970-01-01) of a non-empty log."""
    return int(minutes.min()) // MINUTES_PER_DAY, int(minutes.max()) // MINUTES_PER_DAY


def hourly_profile(checkins: pd.DataFrame | CheckinProfile) -> pd.DataFrame:
    """Average check-ins per week in each hour of each weekday (168 rows, local time).

    Columns ``weekday`` (0 = Monday), ``weekday_name``, ``hour`` (0-23, the hour the visit
    began) and ``checkins_per_week``: check-ins in that hour divided by how many such weekdays
    the log spans, from its first to its last day. The model's peak-hour load comes from this.
    ``checkins`` is the loaded log or its :class:`CheckinProfile`.
    """
    grid = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
    frame = grid.to_frame(index=False)
    frame.insert(1, "weekday_name", [WEEKDAY_NAMES[d] for d in frame["weekday"]])
    if checkins.empty:
        return frame.assign(checkins_per_week=0.0)
    if not isinstance(checkins, CheckinProfile):
        checkins = CheckinProfile.of(checkins)
    counts = checkins.counts.reshape(7, 24)
    weeks = weekday_counts(checkins.first_day, checkins.last_day)
    return frame.assign(checkins_per_week=(counts / np.maximum(weeks, 1)[:, None]).ravel())


def _enrolled_days(members: pd.DataFrame, first: int, last: int) -> np.ndarray:
    """Members on the roster on each day ``first``-``last`` (joined, not yet cancelled).

    A member whose join date is not recorded has joined before the log began.
    """
    epoch = pd.Timestamp(0)
    join = np.sort((members["join_date"] - epoch).dt.days.to_numpy(dtype=float,
                                                                   na_value=-np.inf))
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
    (``industry_benchmarks.csv: visits_per_member_week``; HFA 2025 Headline Trends).
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
    (join, or the span's start when not recorded, to cancellation when ``members`` is given,
    else the whole span) and is counted only
    over at least :data:`MIN_WEEKS_OBSERVED` weeks. Without ``members`` a member who never
    checked in is invisible. Columns ``band`` ("0", "under 0.5", "0.5-1", ..., "5+"),
    ``lower`` (inclusive), ``upper`` (exclusive), ``members`` and ``share``. The per-member
    rates never leave this function. An anonymous log (:func:`is_anonymous`) counts no
    member: ``members`` and ``share`` are then NaN, not known (not 0).
    """
    lower = [0.0, 0.0, *edges]
    upper = [0.0, *edges, np.inf]
    labels = ["0", f"under {edges[0]:g}"] + [
        f"{lo:g}-{hi:g}" for lo, hi in zip(edges[:-1], edges[1:], strict=True)] + [
        f"{edges[-1]:g}+"]
    frame = pd.DataFrame({"band": labels, "lower": lower, "upper": upper})
    if is_anonymous(checkins):
        return frame.assign(members=np.nan, share=np.nan)
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
        join = (members["join_date"] - epoch).dt.days.to_numpy(dtype=float,
                                                               na_value=-np.inf)  # unknown
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


def _scan_member_checkins(path: Path, known: pd.Index, start: np.ndarray,
                          stop: np.ndarray) -> np.ndarray | None:
    """:func:`member_checkins` of a Parquet log, read two columns a few million rows at a time.

    Each distinct dictionary of ids is looked up in the roster once; the rest is array
    arithmetic on the batch. None when the file's types are not those :func:`check_checkins`
    scans as they are: the caller then loads the log.
    """
    found = _scannable(path)
    if found is None or found[2].tz is not None:
        return None
    stamps, ids, stamp_type, text = found
    per_day = 86_400 * _TICKS_PER_SECOND[stamp_type.unit]
    counts = np.zeros(len(known), dtype=np.int64)
    checked, positions = None, np.empty(0, dtype=np.int64)
    reader = pq.ParquetFile(path, read_dictionary=[ids] if text else None)
    for batch in reader.iter_batches(batch_size=SCAN_BATCH_ROWS, columns=[stamps, ids]):
        who = batch.column(ids)
        if not pa.types.is_dictionary(who.type):
            who = who.dictionary_encode()
        if checked is None or not who.dictionary.equals(checked):
            checked = who.dictionary
            positions = known_positions(
                pc.utf8_trim_whitespace(checked.cast(pa.string())), known)
        row = positions[who.indices.to_numpy(zero_copy_only=False)]
        day = batch.column(stamps).cast(pa.int64()).to_numpy() // per_day
        listed = row >= 0
        row, day = row[listed], day[listed]
        inside = (day >= start[row]) & (day < stop[row])
        counts += np.bincount(row[inside], minlength=len(known))
    return counts


def member_checkins(data_dir: Path, member_ids: pd.Index, start: np.ndarray,
                    stop: np.ndarray, loaded: pd.DataFrame | None = None) -> np.ndarray:
    """How many times each member checked in within their own window of days.

    ``member_ids`` are the roster's ids; ``start`` (inclusive) and ``stop`` (exclusive) give
    each member's window in days since 1970-01-01, in the same order. Returns one count per
    member (0 for one with no check-in in the window; all 0 without a log). Call it on a log
    :func:`check_checkins` has passed: a Parquet log is read two columns a few million rows
    at a time, so tens of millions of check-ins never sit in memory as a table; a CSV log is
    loaded. The counts are for aggregates only (:func:`evaluate.data.roster.load_roster`);
    no report shows one member's. An anonymous log (:func:`is_anonymous`) counts no member:
    check it first, as :func:`evaluate.data.roster.log_visits` does. ``loaded`` is the log
    already loaded (:attr:`CheckinProfile.loaded`): then the file is not read again.
    """
    known = id_index(pd.Index(member_ids))
    start, stop = np.asarray(start, dtype=np.int64), np.asarray(stop, dtype=np.int64)
    if loaded is None:
        path = find_log(Path(data_dir), CHECKINS_SCHEMA)
        if path is not None and path.suffix == ".parquet":
            counts = _scan_member_checkins(path, known, start, stop)
            if counts is not None:
                return counts
        loaded = load_checkins(data_dir, known)
    ids = loaded["member_id"].cat
    codes = ids.codes.to_numpy()
    position = np.append(known.get_indexer(pd.Index(ids.categories, dtype="str")), -1)
    ticks = loaded[TIMESTAMP].to_numpy(dtype=TIMESTAMP_DTYPE).view(np.int64)
    counts = np.zeros(len(known), dtype=np.int64)
    for lo in range(0, len(codes), SCAN_BATCH_ROWS):  # a batch at a time: bounded memory
        row = position[codes[lo:lo + SCAN_BATCH_ROWS]]  # code -1 (missing) picks -1
        day = ticks[lo:lo + SCAN_BATCH_ROWS] // 86_400_000_000  # NaT: long before any window
        listed = row >= 0
        row, day = row[listed], day[listed]
        inside = (day >= start[row]) & (day < stop[row])
        counts += np.bincount(row[inside], minlength=len(known))
    return counts
