"""Generate the demo club's check-in log and equipment-usage log from its roster.

Like :mod:`evaluate.data.demo`, every figure cites the row of ``data/reference/`` that holds
it (``file: row id``) with its publication, or is marked ASSUMPTION. The work is done on
integer arrays (member codes, minutes since 1970-01-01 in local time) so that a year of check-ins
for 1,000,000 members (``bench/data_scale.py``) takes seconds, not hours; the pandas and Arrow
wrappers at the end turn those arrays into the frames and files the loaders read.

Each generator takes its own random stream, derived from the club's seed, so adding or changing
the logs never changes the roster drawn from the same seed.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from evaluate.data.equipment import EQUIPMENT_FILE
from evaluate.data.logs import MINUTES_PER_DAY
from evaluate.data.members import OCCUPATIONS, TRAINING_GOALS
from evaluate.paths import DEMO_DATA_DIR

LOG_DAYS = 365  # the logs cover the year before the export date (the export day itself excluded)
# random streams: default_rng([seed, stream])
CHECKINS_STREAM, USAGE_STREAM, TRUTH_STREAM = 1, 2, 3

# Days of the week, Monday first. Descriptions of club traffic say only "weekends lower"; no
# source gives a share per day. ASSUMPTION: weights falling off from Monday to Sunday, used to
# pick a member's days within a week (without replacement, so members who come often spread a
# little more evenly).
WEEKDAY_SHARES = np.array([0.17, 0.16, 0.16, 0.155, 0.135, 0.12, 0.10])

# Hour of day (relative weight of check-ins starting in that hour, local time). Descriptions of
# club traffic give the pattern only qualitatively: an early-morning peak (about 5/6-8/9 am), a
# smaller lunch peak (about 11:30 am-1:30 pm), the quietest period at about 1-4 pm and the
# largest peak at about 4/5-7/8 pm on weekdays; no source gives a share per hour. ASSUMPTION:
# the weights below follow that shape; opening hours 5:00-23:00 on weekdays and 7:00-21:00 at
# weekends, with a late-morning weekend peak. Check: with 1.5 visits a week
# (industry_benchmarks.csv: visits_per_member_week; HFA 2025 Headline Trends) about 7% of the
# members check in during the three evening peak hours of a Monday, against IHRSA's "10-12% of
# membership ... during those hours" (peak_members_share; IHRSA Research FAQ, quoting
# consultant Donald DeMars), a rule from years when members came 2.1 times a week
# (visits_per_member_week_2019); scaled by 2.1/1.5 it would be 10%.
HOURLY_WEIGHTS_WEEKDAY = {5: 3, 6: 7, 7: 8, 8: 6, 9: 4, 10: 3.5, 11: 4, 12: 5.5, 13: 4,
                          14: 2.5, 15: 2.5, 16: 5, 17: 9, 18: 10, 19: 8, 20: 5, 21: 2.5, 22: 1}
HOURLY_WEIGHTS_WEEKEND = {7: 3, 8: 6, 9: 9, 10: 10, 11: 9, 12: 7, 13: 5, 14: 4, 15: 4, 16: 4,
                          17: 4, 18: 3, 19: 2, 20: 1}
# ASSUMPTION: a frozen member paused on a day in the last 90 days and has not come since.
FROZEN_WITHIN_DAYS = 90


def _hour_cdf(weights: Mapping[int, float]) -> np.ndarray:
    """Cumulative share of check-ins by hour 0-23, for drawing hours by inverse CDF."""
    shares = np.zeros(24)
    for hour, weight in weights.items():
        shares[hour] = weight
    return np.cumsum(shares / shares.sum())


# The TRUE use of the machines the demo club owns: the synthetic world's parameters, which a
# calibration or a backtest of the model on the demo's log has to find. The model never reads
# them (tests/repository/test_layers.py): it forecasts from equipment.csv and assumptions.yml.
# 26.6% of members use resistance machines, 2024 (industry_benchmarks.csv:
# equipment_use_resistance_machines; HFA 2025 Expanded Insights press release); no source gives
# uses per machine or who the users are, so every figure below is an ASSUMPTION of the
# synthetic world. A member's chance of being a user of a machine is its base share times one
# multiplier per segment: age band (:data:`AGE_BANDS`), training goal, occupation and visits a
# week (:data:`VISIT_BANDS`); unknown values take 1 and the product is capped at 1. The
# segments deliberately differ from the model's defaults (src/evaluate/model/demand.py and the
# uptakes of data/demo/assumptions.yml, where desk work acts only through back pain, at an odds
# ratio of 1.47, and only strength and sport goals raise posterior-chain use): users of the back
# extension skew older, toward desk workers and much more toward rehab goals than the model
# expects; the leg press toward strength and sport goals and younger members; the rower toward
# general fitness and weight loss; every machine toward members who come more often. The base
# shares are chosen so that the busiest machines (leg press, rowers) are in use about half of
# their peak hour, inside GYMetrix's target of 40-60% of units free at peak
# (peak_equipment_free_target; GYMetrix (R. McGown), Health Club Management, Oct 2012), and the
# short back-extension sets much less. Units must match ``owned_units`` in the demo's
# equipment.csv.
AGE_BANDS = ((35, "under_35"), (55, "35_54"), (200, "55_plus"))  # (age below, label)
VISIT_BANDS = ((1.0, "under_1"), (2.0, "1_to_2"), (np.inf, "2_plus"))  # (visits/week below, label)
SEGMENTS = ("age", "goal", "occupation", "visits")  # the columns of :func:`member_segments`


@dataclass(frozen=True)
class MachineTruth:
    """How members truly use one owned machine in a synthetic club.

    ``units`` owned; ``share`` the chance (0-1) that a member whose segments all have
    multiplier 1 uses the machine at all; ``per_visit`` the chance such a user uses it on a
    visit; session length lognormal with median ``median_minutes`` and ``sigma`` (of the log);
    ``age``, ``goal``, ``occupation`` and ``visits`` the multipliers of ``share`` by segment
    label (:func:`member_segments`; a label missing from a mapping takes 1).
    """

    units: int
    share: float
    per_visit: float
    median_minutes: float
    sigma: float
    age: Mapping[str, float]
    goal: Mapping[str, float]
    occupation: Mapping[str, float]
    visits: Mapping[str, float]

    def user_share(self, segments: pd.DataFrame) -> np.ndarray:
        """Each member's chance (0-1) of being a user, from :func:`member_segments`."""
        share = np.full(len(segments), self.share)
        for name in SEGMENTS:
            share = share * segments[name].map(dict(getattr(self, name))).astype(float).fillna(
                1.0).to_numpy()
        return np.minimum(share, 1.0)


TRUE_USE = {  # ASSUMPTION (the synthetic world's truth, see above)
    "back_extension_45": MachineTruth(
        units=1, share=0.075, per_visit=0.40, median_minutes=5.0, sigma=0.4,
        age={"under_35": 0.6, "35_54": 1.2, "55_plus": 1.8},
        goal={"rehab": 3.0, "general_fitness": 1.0, "strength": 1.0, "sport": 0.8,
              "weight_loss": 0.7},
        occupation={"desk": 1.6, "mixed": 1.0, "active": 0.7},
        visits={"under_1": 0.6, "1_to_2": 1.0, "2_plus": 1.4}),
    "leg_press": MachineTruth(
        units=1, share=0.15, per_visit=0.50, median_minutes=8.0, sigma=0.4,
        age={"under_35": 1.2, "35_54": 1.0, "55_plus": 0.6},
        goal={"strength": 2.2, "sport": 1.8, "general_fitness": 0.7, "weight_loss": 0.6,
              "rehab": 0.8},
        occupation={"desk": 1.0, "mixed": 1.0, "active": 1.1},
        visits={"under_1": 0.5, "1_to_2": 1.0, "2_plus": 1.5}),
    "rower": MachineTruth(
        units=2, share=0.11, per_visit=0.50, median_minutes=15.0, sigma=0.5,
        age={"under_35": 1.1, "35_54": 1.1, "55_plus": 0.7},
        goal={"general_fitness": 1.4, "weight_loss": 1.8, "strength": 0.5, "sport": 1.0,
              "rehab": 0.5},
        occupation={"desk": 1.2, "mixed": 1.0, "active": 0.8},
        visits={"under_1": 0.7, "1_to_2": 1.0, "2_plus": 1.3}),
}
# ASSUMPTION: the clubs of a demo chain differ. Each club multiplies every machine's base share
# by a lognormal factor of median 1 and sigma CLUB_SHARE_SIGMA (a club's members use a machine
# about 0.8-1.2 times as often as the demo's, for the middle half of clubs) and each segment
# multiplier by one of sigma CLUB_MULTIPLIER_SIGMA (:func:`club_truth`).
CLUB_SHARE_SIGMA = 0.3
CLUB_MULTIPLIER_SIGMA = 0.15
# ASSUMPTION: ranges of the random truths of :func:`random_truth` (for tests that need clubs with
# known true parameters): units 1-2, base share 5-20%, use per visit 30-60%, multipliers
# lognormal around 1 with RANDOM_MULTIPLIER_SIGMA, session length lognormal around the
# catalogue's session_minutes with sigma 0.4.
RANDOM_UNITS = (1, 2)
RANDOM_SHARE = (0.05, 0.20)
RANDOM_PER_VISIT = (0.30, 0.60)
RANDOM_MULTIPLIER_SIGMA = 0.4
RANDOM_SESSION_SIGMA = 0.4
SESSION_START_MINUTES = (5, 50)  # ASSUMPTION: a session starts 5-50 min after checking in
MAX_WAIT_MINUTES = 10  # ASSUMPTION: a member waits up to 10 min for a free unit, else skips it
SESSION_MINUTES_RANGE = (1, 60)  # ASSUMPTION: sessions are clipped to 1-60 minutes
CHUNK_MEMBERS = 100_000  # members drawn at once; changing it changes large clubs' check-ins


def log_window(today: date, days: int = LOG_DAYS) -> tuple[int, int]:
    """First and last+1 day of the logs as days since 1970-01-01: the ``days`` before ``today``."""
    end = int((pd.Timestamp(today) - pd.Timestamp(0)).days)
    return end - days, end


def _visit_days(rng: np.random.Generator, first: np.ndarray, stop: np.ndarray,
                visits_per_week: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Owner (member position) and day of each visit: at most one visit a day.

    Each member's presence is cut into weeks from their first day. Week ``w`` gets
    ``floor(v*(w+1) + phase) - floor(v*w + phase)`` visits (``v`` visits per week, ``phase``
    uniform per member), so a member's total is within one visit of ``v`` × weeks present and
    the club total unbiased; a last, partial week counts pro rata. The days within a week are
    drawn without replacement, weighted by :data:`WEEKDAY_SHARES` (exponential keys over the
    weights, smallest first), so weekends get fewer visits and nobody comes twice a day.
    """
    days_present = np.maximum(stop - first, 0)
    weeks = -(-days_present // 7)
    owner = np.repeat(np.arange(len(first), dtype=np.int32), weeks)
    week = np.arange(len(owner)) - np.repeat(np.cumsum(weeks) - weeks, weeks)
    v = np.nan_to_num(visits_per_week)[owner]
    phase = rng.random(len(first))[owner]
    open_days = np.minimum(days_present[owner] - 7 * week, 7)  # 7, or fewer in the last week
    done = v * week  # visits due before this week
    count = (np.floor(done + v * open_days / 7 + phase) - np.floor(done + phase)).astype(int)
    start = first[owner] + 7 * week
    weekday = (start[:, None] + np.arange(7) + 3) % 7  # 1970-01-01 was a Thursday
    keys = rng.exponential(size=(len(owner), 7)) / WEEKDAY_SHARES[weekday]
    keys[np.arange(7) >= open_days[:, None]] = np.inf  # days after the member left
    order = np.argsort(keys, axis=1)
    chosen = np.arange(7) < count[:, None]
    return np.broadcast_to(owner[:, None], order.shape)[chosen], (start[:, None] + order)[chosen]


def draw_checkins(rng: np.random.Generator, first: np.ndarray, stop: np.ndarray,
                  visits_per_week: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Check-ins of members present on days [first, stop): member positions and local minutes.

    Returns ``(owner, minute)``: the member's position in the input arrays (int32) and the
    check-in time in minutes since 1970-01-01 00:00 local time (int64), unsorted.
    """
    owner, day = _visit_days(rng, first, stop, visits_per_week)
    weekend = (day + 3) % 7 >= 5
    u = rng.random(len(day))
    hour = np.where(weekend, np.searchsorted(_hour_cdf(HOURLY_WEIGHTS_WEEKEND), u, side="right"),
                    np.searchsorted(_hour_cdf(HOURLY_WEIGHTS_WEEKDAY), u, side="right"))
    minute = day * MINUTES_PER_DAY + hour * 60 + rng.integers(0, 60, size=len(day))
    return owner, minute


def presence(members: pd.DataFrame, today: date, rng: np.random.Generator,
             days: int = LOG_DAYS) -> tuple[np.ndarray, np.ndarray]:
    """Each member's first and last+1 day of coming to the club within the log window.

    From join to cancellation (the cancel day excluded), clipped to the window; a frozen
    member stops on a day drawn in the last :data:`FROZEN_WITHIN_DAYS` days. Days since 1970.
    """
    start, end = log_window(today, days)
    epoch = pd.Timestamp(0)
    join = (members["join_date"] - epoch).dt.days.to_numpy(dtype=np.int64)
    cancel = (members["cancel_date"] - epoch).dt.days.to_numpy(dtype=float, na_value=np.nan)
    stop = np.where(np.isnan(cancel), end, cancel).astype(np.int64)
    frozen = (members["status"] == "frozen").to_numpy()
    paused = end - rng.integers(1, FROZEN_WITHIN_DAYS + 1, size=len(members))
    stop = np.where(frozen, np.minimum(stop, paused), stop)
    first = np.clip(join, start, end)
    return first, np.clip(stop, first, end)


def sort_checkins(owner: np.ndarray, minute: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sort check-ins by time (then member); drop exact repeats (none arise from the draw).

    Sorting one packed int64 key is several times faster than a lexsort of 75 million rows.
    """
    shift = max(int(owner.max(initial=0)).bit_length(), 1)
    key = (minute << shift) | owner.astype(np.int64)
    key.sort()
    key = key[np.concatenate(([True], key[1:] != key[:-1]))] if len(key) else key
    return (key & ((1 << shift) - 1)).astype(np.int32), key >> shift


def checkin_arrays(members: pd.DataFrame, seed: int, today: date, days: int = LOG_DAYS,
                   chunk: int = CHUNK_MEMBERS) -> tuple[np.ndarray, np.ndarray]:
    """A year of check-ins for the roster as arrays: member positions and local minutes.

    Sorted by time; see :func:`generate_checkins`. Members are drawn ``chunk`` at a time so that
    a roster of a million needs about 1.5 GiB, not three times that.
    """
    rng = np.random.default_rng([seed, CHECKINS_STREAM])
    first, stop = presence(members, today, rng, days)
    visits = members["visits_per_week"].to_numpy(float)
    owners, minutes = [], []
    for lo in range(0, len(members), chunk):
        owner, minute = draw_checkins(rng, first[lo:lo + chunk], stop[lo:lo + chunk],
                                      visits[lo:lo + chunk])
        owners.append(owner + np.int32(lo))
        minutes.append(minute)
    if not owners:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int64)
    owner, minute = np.concatenate(owners), np.concatenate(minutes)
    del owners, minutes
    return sort_checkins(owner, minute)


def generate_checkins(members: pd.DataFrame, seed: int, today: date,
                      days: int = LOG_DAYS) -> pd.DataFrame:
    """A year of check-ins for the roster ``members``, as exported on ``today``.

    Returns ``member_id`` (categorical over the roster's ids) and ``timestamp`` (datetime64,
    local time, minute resolution), sorted by time. Each member's number of visits is their
    ``visits_per_week`` times the weeks they were present (within one visit), at most one a
    day, see :func:`_visit_days`; the same seed gives the same rows.
    """
    owner, minute = checkin_arrays(members, seed, today, days)
    return pd.DataFrame({
        "member_id": pd.Categorical.from_codes(owner, categories=members["member_id"]),
        "timestamp": (minute * 60).astype("datetime64[s]").astype("datetime64[us]"),
    })


def _allocate_units(start: np.ndarray, duration: np.ndarray, units: int) -> np.ndarray:
    """Start minute of each session once units are shared; -1 where the member gave up.

    Greedy in order of arrival: a session takes the unit that frees first, waiting at most
    :data:`MAX_WAIT_MINUTES`, so no more sessions overlap than there are units.
    """
    free_at = [np.iinfo(np.int64).min] * units  # heap of the minute each unit frees
    begins = np.full(len(start), -1, dtype=np.int64)
    for i, (arrive, length) in enumerate(zip(start.tolist(), duration.tolist(), strict=True)):
        begin = max(arrive, free_at[0])
        if begin - arrive <= MAX_WAIT_MINUTES:
            heapq.heapreplace(free_at, begin + length)
            begins[i] = begin
    return begins


def member_segments(members: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each member's segment labels for :class:`MachineTruth`: one column per :data:`SEGMENTS`.

    ``age`` is the :data:`AGE_BANDS` label of ``year - birth_year``, ``visits`` the
    :data:`VISIT_BANDS` label of ``visits_per_week``, ``goal`` the ``training_goal`` and
    ``occupation`` the ``occupation_activity``; missing values stay missing (multiplier 1).
    """
    age = year - pd.to_numeric(members["birth_year"], errors="coerce").to_numpy(float)
    visits = pd.to_numeric(members["visits_per_week"], errors="coerce").to_numpy(float)

    def label(values: np.ndarray, bands: tuple[tuple[float, str], ...]) -> pd.Series:
        limits, labels = zip(*bands, strict=True)
        code = np.searchsorted(np.array(limits, dtype=float), values, side="right")
        names = np.array([*labels, None], dtype=object)
        # numpy's stubs take no None for where's choice; an object array takes it.
        return pd.Series(np.where(np.isnan(values), None,  # type: ignore[call-overload]
                                  names[np.minimum(code, len(labels))]),
                         index=members.index, dtype=object)

    return pd.DataFrame({
        "age": label(age, AGE_BANDS),
        "goal": members["training_goal"].astype(object).where(members["training_goal"].notna()),
        "occupation": members["occupation_activity"].astype(object).where(
            members["occupation_activity"].notna()),
        "visits": label(visits, VISIT_BANDS),
    })


def _multiplied(mapping: Mapping[str, float], rng: np.random.Generator,
                sigma: float) -> dict[str, float]:
    """``mapping`` with each value times a lognormal factor (median 1, ``sigma``), rounded."""
    factors = rng.lognormal(0.0, sigma, size=len(mapping))
    return {k: round(float(v * f), 3)
            for (k, v), f in zip(mapping.items(), factors, strict=True)}


def club_truth(seed: int, truth: Mapping[str, MachineTruth] = TRUE_USE) -> dict[str, MachineTruth]:
    """A chain club's own true use: ``truth`` perturbed by factors drawn from the club's seed.

    Each machine's base share is multiplied by a lognormal factor (median 1, sigma
    :data:`CLUB_SHARE_SIGMA`) and each segment multiplier by one of sigma
    :data:`CLUB_MULTIPLIER_SIGMA`; units, use per visit and session lengths stay. Same seed,
    same truth; the draw has its own random stream, so the roster and logs' streams are
    untouched.
    """
    rng = np.random.default_rng([seed, TRUTH_STREAM])
    clubs = {}
    for equipment_id, machine in truth.items():
        share = round(machine.share * float(rng.lognormal(0.0, CLUB_SHARE_SIGMA)), 4)
        multipliers: dict[str, Any] = {  # the segments' fields, each a Mapping[str, float]
            name: _multiplied(getattr(machine, name), rng, CLUB_MULTIPLIER_SIGMA)
            for name in SEGMENTS}
        clubs[equipment_id] = replace(machine, share=share, **multipliers)
    return clubs


def random_truth(rng: np.random.Generator, machines: Sequence[str]) -> dict[str, MachineTruth]:
    """A random, known true use of ``machines`` (equipment ids of the demo's equipment.csv).

    For tests that need clubs whose true parameters they know: units, base share and use per
    visit drawn uniformly from :data:`RANDOM_UNITS`, :data:`RANDOM_SHARE` and
    :data:`RANDOM_PER_VISIT`; a multiplier for every age band, training goal, occupation and
    visit band, lognormal (median 1, sigma :data:`RANDOM_MULTIPLIER_SIGMA`); sessions of median
    the catalogue's ``session_minutes``. The same generator state gives the same truth.
    """
    catalogue = pd.read_csv(DEMO_DATA_DIR / EQUIPMENT_FILE, index_col="equipment_id")
    unknown = sorted(set(machines) - set(catalogue.index))
    if unknown:
        raise ValueError(f"not in the demo's equipment.csv: {', '.join(unknown)}")
    labels = {"age": [b[1] for b in AGE_BANDS], "goal": list(TRAINING_GOALS),
              "occupation": list(OCCUPATIONS), "visits": [b[1] for b in VISIT_BANDS]}
    truth = {}
    for equipment_id in machines:
        truth[equipment_id] = MachineTruth(
            units=int(rng.integers(RANDOM_UNITS[0], RANDOM_UNITS[1], endpoint=True)),
            share=round(float(rng.uniform(*RANDOM_SHARE)), 4),
            per_visit=round(float(rng.uniform(*RANDOM_PER_VISIT)), 3),
            median_minutes=float(catalogue.loc[equipment_id, "session_minutes"]),
            sigma=RANDOM_SESSION_SIGMA,
            **{name: _multiplied(dict.fromkeys(labels[name], 1.0), rng, RANDOM_MULTIPLIER_SIGMA)
               for name in SEGMENTS})
    return truth


def generate_equipment_usage(members: pd.DataFrame, checkins: pd.DataFrame, seed: int,
                             truth: Mapping[str, MachineTruth] = TRUE_USE) -> pd.DataFrame:
    """Sessions on the machines the club owns (``truth``, default :data:`TRUE_USE`).

    Returns ``timestamp`` (session start, datetime64 local time, minute resolution),
    ``equipment_id``, ``duration_min`` (int, minutes) and ``member_id`` (categorical), sorted
    by time and machine. Each member is a user of a machine with the chance
    :meth:`MachineTruth.user_share` gives their segments (ages in the year of the log's last
    check-in). A session starts during one of a user's check-ins, after any earlier session of
    that visit ended (machines are taken in the order of ``truth``); sessions on a machine
    never outnumber its units at any minute.
    """
    rng = np.random.default_rng([seed, USAGE_STREAM])
    owner = checkins["member_id"].cat.codes.to_numpy()
    arrived = checkins["timestamp"].to_numpy().astype("datetime64[m]").astype(np.int64)
    year = int(checkins["timestamp"].max().year) if len(checkins) else date.today().year
    segments = member_segments(members, year)
    busy_until = arrived.copy()  # a member's next session starts after their last one ends
    parts = []
    for equipment_id, machine in truth.items():
        is_user = rng.random(len(members)) < machine.user_share(segments)
        chosen = np.flatnonzero(is_user[owner] & (rng.random(len(owner)) < machine.per_visit))
        start = np.maximum(arrived[chosen] + rng.integers(*SESSION_START_MINUTES, endpoint=True,
                                                          size=len(chosen)), busy_until[chosen])
        length = np.clip(np.rint(rng.lognormal(np.log(machine.median_minutes), machine.sigma,
                                               size=len(chosen))),
                         *SESSION_MINUTES_RANGE).astype(np.int64)
        order = np.argsort(start, kind="stable")
        begin = _allocate_units(start[order], length[order], machine.units)
        done = begin >= 0
        busy_until[chosen[order][done]] = begin[done] + length[order][done]
        parts.append(pd.DataFrame({
            "timestamp": begin[done], "equipment_id": equipment_id,
            "duration_min": length[order][done], "member_id": owner[chosen[order][done]],
        }))
    usage = pd.concat(parts, ignore_index=True).sort_values(["timestamp", "equipment_id"],
                                                            kind="stable", ignore_index=True)
    return usage.assign(
        timestamp=(usage["timestamp"].to_numpy() * 60).astype("datetime64[s]")
        .astype("datetime64[us]"),
        member_id=pd.Categorical.from_codes(usage["member_id"].to_numpy(np.int32),
                                            categories=checkins["member_id"].cat.categories))


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """A log frame as an Arrow table: ids dictionary-encoded, timestamps in milliseconds.

    Parquet then stores each id once per row group and the sorted times compactly; written
    without pandas metadata, so the file depends only on the data.
    """
    columns = {}
    for name, values in frame.items():
        if isinstance(values.dtype, pd.CategoricalDtype):
            codes = pa.array(values.cat.codes.to_numpy(np.int32))
            columns[name] = pa.DictionaryArray.from_arrays(
                codes, pa.array(values.cat.categories.astype(str).to_numpy(object), pa.string()))
        elif name == "timestamp":
            columns[name] = pa.array(values.to_numpy().astype("datetime64[ms]"))
        elif name == "equipment_id":
            columns[name] = pa.array(values.to_numpy(object), pa.string()).dictionary_encode()
        else:
            columns[name] = pa.array(values.to_numpy())
    return pa.table(columns)
