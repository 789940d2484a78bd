"""Usage review: an installed machine's use, from the usage log, against the model's forecast.

The questions a manager asks once a machine is in: did it get the use we expected, is it
crowded at its busiest hour, and what does that teach the next forecast. Conventions:

- **Periods.** The log covers the days from its first to its last session (any machine).
  The *compared period* runs from the installation date (``installed``; ``None`` = before the
  log starts) or the log's first day, whichever is later, to its last day. Weeks start on
  Monday; a week is *full* when all seven of its days are in the compared period. Partial
  weeks (the log rarely starts on a Monday) keep their days: they count in the average by
  their days and are left out of the week-by-week chart, where they would look like dips.
  The *settled period* starts once the machine has had the most-likely ``adoption_months``
  since installation (the whole compared period when it was installed before the log); the
  peak hour and the calibration use it, so the ramp-up does not dilute them.
- **Actual weekly sessions** = sessions in the compared period / its days × 7.
- **Forecast.** The model (:func:`evaluate.model.demand.forecast_usage`) for the machine and the
  units the club owns, on the members active on the roster's date, with the documented
  assumptions (uncalibrated: the forecast one would have made without this log). The central
  figure is the *most likely* (every assumption at its most-likely value, as the calibration
  uses); the range is P10-P90 of the Monte Carlo (:func:`evaluate.model.uncertainty.simulate`, same
  draws and seed as the other reports), whose draws also carry each draw's adoption time.
  With an installation date, each draw's full-adoption sessions ramp up linearly over its
  ``adoption_months`` from the installation day (:func:`evaluate.model.demand.ramp_factor`, a
  month = 365.25 / 12 days, averaged over each day); before it, no ramp (full adoption).
- **Verdict.** The actual average against the forecast of the same period's average: within,
  above or below P10-P90, by how much, and relative to the most likely.
- **Peak hour.** The busiest weekday-hour's busy share in the settled period
  (:func:`evaluate.data.usage.hourly_utilisation`: minutes in use / (60 × units)) against the
  forecast utilisation at the busiest hour, judged with ``target_peak_utilisation``.
- **Calibration.** :func:`evaluate.model.calibration.calibrate_uptake` with the machine as its own
  comparable (the settled period's log, with only this machine counted as owned): the factor
  on every uptake assumption that makes the most-likely forecast equal the log.
- **Privacy.** Every figure drawn from the log passes one gate
  (:func:`evaluate.reports.privacy.shown_group`) that counts the distinct members behind it
  (:func:`evaluate.reports.privacy.members_behind`; a session without a member id counts as
  someone, never as enough): the machine's use over the compared period (its weekly average,
  the verdict, minutes per session), each week's sessions, its use in the settled period
  (the busiest hour, the hour-of-day profile and the calibration), the members in its busiest
  hour, each bar of the hour profile, and the log's dates (the members of the whole log).
  Below ``min_group_size`` (at least 10) a figure is not shown, and the report says why;
  hidden weeks and hours are complemented
  (:func:`evaluate.reports.privacy.suppress_small_groups`) so that the average cannot give
  them away. The number of distinct users is shown only when it, and the active members
  who did not use the machine, number ``min_group_size`` or more (or none). A machine whose
  log rests on too few members is not used to calibrate another
  (:func:`evaluate.reports.privacy.comparable_equipment`).

The club's data comes from :func:`evaluate.data.club_data.load_club_data`; the report's sentences
and tables are in :mod:`evaluate.reports.usage_review.sections`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.club_data import ClubData
from evaluate.data.equipment import EQUIPMENT_FILE
from evaluate.data.logs import TIMESTAMP, local_minutes, weekday_hour
from evaluate.data.members import DAYS_PER_MONTH
from evaluate.data.usage import USAGE_STEM, hourly_utilisation, weekly_sessions
from evaluate.errors import did_you_mean
from evaluate.model.calibration import calibrate_uptake, comparable_machine
from evaluate.model.demand import forecast_usage, ramp_factor
from evaluate.model.prepared import forecast_from_inputs, model_inputs
from evaluate.model.segments import active_mask, as_of_day
from evaluate.model.uncertainty import (
    DEFAULT_DRAWS,
    DEFAULT_SEED,
    PERCENTILES,
    simulate,
    simulate_from_inputs,
)
from evaluate.reports.formatting import (
    UNSTABLE_QUEUE,
    in_sentence,
    number,
    share,
    utilisation,
    utilisation_range,
)
from evaluate.reports.privacy import (
    MIN_GROUP_SIZE,
    SUPPRESSED,
    comparable_equipment,
    members_behind,
    members_in_hour,
    shown_group,
    shown_split,
    suppress_small_groups,
)

MIN_SETTLED_DAYS = 28  # a shorter settled period is too thin for the peak hour and calibration
MINUTES_PER_DAY = 24 * 60
WEEKDAY_PLURALS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays",
                   "Sundays")
Position = Literal["below", "within", "above"]
#: How busy the busiest hour is against the comfortable range (see :class:`PeakLoad`).
Level = Literal["room to spare", "getting busy", "crowded"]


# ---------------------------------------------------------------- checks

def log_name(usage: pd.DataFrame | None) -> str:
    """File name of the usage log, e.g. ``equipment_usage.parquet``."""
    file = None if usage is None else usage.attrs.get("file")
    return Path(file).name if file else f"{USAGE_STEM}.csv"


def logged_machines(usage: pd.DataFrame) -> list[str]:
    """The machines with at least one session in the usage log, sorted."""
    counts = usage["equipment_id"].value_counts()
    return sorted(str(m) for m, n in counts.items() if n > 0)


def check_machine(equipment: pd.DataFrame, usage: pd.DataFrame | None, equipment_id: str,
                  data_dir: Path) -> None:
    """Raise a ValueError naming the machine, the file and the fix if it cannot be reviewed.

    A machine can be reviewed when it is in ``equipment.csv`` with ``owned_units`` of at least
    1 and has sessions in the usage log. A club without a log has ``usage`` ``None`` (as in
    :class:`evaluate.data.club_data.ClubData`) or a log without ``attrs["file"]``.
    """
    log_file = None if usage is None else usage.attrs.get("file")
    if usage is None or log_file is None:
        raise ValueError(f"no usage log in {data_dir}: the usage review of {equipment_id!r} "
                         f"needs {USAGE_STEM}.csv or {USAGE_STEM}.parquet with its sessions. "
                         "Fix: add the log (its columns are in data/README.md)")
    logged = logged_machines(usage)
    have = ("machines with sessions in the log: " + ", ".join(logged)) if logged else (
        "the log has no sessions at all")
    listed = equipment.set_index("equipment_id")
    if equipment_id not in listed.index:
        raise ValueError(f"machine {equipment_id!r} is not in {EQUIPMENT_FILE} "
                         f"({Path(data_dir) / EQUIPMENT_FILE}); {have}. Fix: set equipment_id "
                         f"to one of them ({did_you_mean(equipment_id, logged)}the id is "
                         f"case-sensitive), or add the machine to {EQUIPMENT_FILE}")
    if equipment_id not in logged:
        raise ValueError(f"machine {equipment_id!r} has no sessions in the usage log "
                         f"({log_file}); {have}. Fix: set equipment_id to one of them, or add "
                         "the machine's sessions to the log")
    owned = int(listed.loc[equipment_id, "owned_units"])
    if owned < 1:
        raise ValueError(f"machine {equipment_id!r} has sessions in the usage log ({log_file}) "
                         f"but owned_units is {owned} in {Path(data_dir) / EQUIPMENT_FILE}. "
                         "Fix: set owned_units to the number of units the club owns")


# ---------------------------------------------------------------- periods

@dataclass(frozen=True)
class ReviewPeriod:
    """The days a review covers (see the module docstring); all dates inclusive."""

    log_start: date
    log_end: date
    installed: date | None
    start: date
    end: date
    settled_start: date
    settled: bool  # False: the log ends within MIN_SETTLED_DAYS of the ramp-up's end, so
    # the settled period falls back to the compared one and nothing is calibrated

    @property
    def days(self) -> int:
        """Days in the compared period."""
        return (self.end - self.start).days + 1

    @property
    def settled_days(self) -> int:
        """Days in the settled period."""
        return (self.end - self.settled_start).days + 1


def _day(timestamp: pd.Timestamp) -> date:
    return pd.Timestamp(timestamp).date()


def review_period(usage: pd.DataFrame, equipment_id: str, installed: date | None,
                  adoption_months: float) -> ReviewPeriod:
    """The log's span, the compared period and the settled period for ``equipment_id``.

    Raises
    ------
    ValueError
        If ``installed`` is after the log's last day, or the log has sessions on the machine
        before ``installed``.
    """
    log_start, log_end = _day(usage[TIMESTAMP].min()), _day(usage[TIMESTAMP].max())
    if installed is None:
        return ReviewPeriod(log_start, log_end, None, log_start, log_end, log_start, True)
    if installed > log_end:
        raise ValueError(f"installed {installed.isoformat()} is after the usage log's last "
                         f"day, {log_end.isoformat()}: nothing to review yet. Fix: set "
                         "installed to the date the machine was installed, or leave it empty")
    mine = usage.loc[usage["equipment_id"] == equipment_id, TIMESTAMP]
    early = mine.loc[mine < pd.Timestamp(installed)]
    if len(early):
        raise ValueError(f"the usage log has {number(len(early), ',')} sessions on "
                         f"{equipment_id} before "
                         f"its installation date {installed.isoformat()} (the first on "
                         f"{_day(early.min()).isoformat()}). Fix: set installed to the day the "
                         "machine was installed, or leave it empty if that was before the log "
                         "starts")
    start = max(log_start, installed)
    ramp_end = installed + timedelta(days=math.ceil(adoption_months * DAYS_PER_MONTH))
    if ramp_end <= start:  # ramped up before the log starts
        return ReviewPeriod(log_start, log_end, installed, start, log_end, start, True)
    settled = (log_end - ramp_end).days + 1 >= MIN_SETTLED_DAYS
    return ReviewPeriod(log_start, log_end, installed, start, log_end,
                        ramp_end if settled else start, settled)


def actual_weekly(usage: pd.DataFrame, equipment_id: str, period: ReviewPeriod) -> pd.DataFrame:
    """Sessions on ``equipment_id`` per calendar week of the compared period (Monday start).

    Columns ``week_start`` (Monday), ``days`` (days of the week in the period, 1-7),
    ``full_week`` (all seven), ``sessions`` and ``minutes`` (minutes in use). From
    :func:`evaluate.data.usage.weekly_sessions` on the whole log, so weeks without a session
    count 0.
    """
    weeks = weekly_sessions(usage)
    weeks = weeks.loc[weeks["equipment_id"] == equipment_id].copy()
    first = weeks["week_start"].dt.date.map(lambda d: max(d, period.start))
    last = weeks["week_start"].dt.date.map(lambda d: min(d + timedelta(days=6), period.end))
    weeks["days"] = [max((b - a).days + 1, 0) for a, b in zip(first, last, strict=True)]
    weeks = weeks.loc[weeks["days"] > 0]
    return pd.DataFrame({"week_start": weeks["week_start"].to_numpy(),
                         "days": weeks["days"].to_numpy(int),
                         "full_week": (weeks["days"] == 7).to_numpy(),
                         "sessions": weeks["sessions"].to_numpy(int),
                         "minutes": weeks["minutes"].to_numpy(float)})


# ---------------------------------------------------------------- the forecast

@dataclass(frozen=True)
class Forecast:
    """The model's forecast for one machine at full adoption, most likely and per draw.

    ``sessions`` and ``utilisation`` (at the busiest hour, 0-1) and ``adoption_months`` are
    arrays ``(draws,)`` from the Monte Carlo; the ``*_most_likely`` figures have every
    assumption at its most-likely value. ``units`` owned; ``servers`` = units × stations.
    ``peak_share`` is the busiest hour's share of a week's sessions (most likely) and
    ``peak_note`` why the check-in log was not used for it, when there is one.
    """

    equipment_id: str
    name: str
    units: int
    servers: int
    session_minutes: float
    most_likely: float
    utilisation_most_likely: float
    adoption_most_likely: float
    sessions: np.ndarray
    utilisation: np.ndarray
    adoption_months: np.ndarray
    peak_source: str
    peak_hour: str | None
    members: int
    roster_date: date
    draws: int
    seed: int
    peak_share: float | None = None
    peak_note: str | None = None


def forecast_machine(data: ClubData, equipment_id: str, *, draws: int = DEFAULT_DRAWS,
                     seed: int = DEFAULT_SEED, as_of: date | None = None) -> Forecast:
    """Forecast ``equipment_id`` with the units the club owns (uncalibrated assumptions).

    Members are counted on ``as_of``, default the club's roster date.
    """
    one = data.equipment.loc[data.equipment["equipment_id"] == equipment_id]
    one = one.reset_index(drop=True)
    row = one.iloc[0]
    units = int(row["owned_units"])
    # The model serves one unit's stations; the club's units serve together. Prepared once
    # for the most-likely forecast and the Monte Carlo.
    owned = one.assign(stations=one["stations"] * units)
    model = model_inputs(data.members, owned, data.assumptions, checkins=data.checkins,
                         as_of=as_of_day(data, as_of))
    likely = forecast_from_inputs(model)
    likely_row = likely.loc[likely["scenario"] == "most_likely"].iloc[0]
    result = simulate_from_inputs(model, draws=draws, seed=seed)
    active = active_mask(data.members, model.as_of)
    return Forecast(
        equipment_id=equipment_id, name=str(row["name"]), units=units,
        servers=int(owned["stations"].iloc[0]), session_minutes=float(row["session_minutes"]),
        most_likely=float(likely_row["weekly_sessions"]),
        utilisation_most_likely=float(likely_row["utilisation"]),
        adoption_most_likely=float(data.assumptions["adoption_months"].most_likely),
        sessions=result.draws["weekly_sessions"][:, 0],
        utilisation=result.draws["utilisation"][:, 0],
        adoption_months=result.inputs["adoption_months"][:, 0],
        peak_source=str(likely.attrs["peak_source"]), peak_hour=likely.attrs["peak_hour"],
        members=int(active.sum()), roster_date=model.as_of.date(),
        draws=draws, seed=seed, peak_share=float(likely_row["peak_share"]),
        peak_note=likely.attrs["peak_note"])


def daily_ramp(period: ReviewPeriod, adoption_months: np.ndarray | float) -> np.ndarray:
    """Share of full uptake (0-1) on each day of the compared period, per adoption time.

    Shape ``(len(adoption_months), period.days)``; all ones when the machine was installed
    before the log (``period.installed`` is None). Day ``i`` after installation gets the ramp's
    average over that day (:func:`evaluate.model.demand.ramp_factor` with days as the unit).
    """
    months = np.atleast_1d(np.asarray(adoption_months, dtype=float))[:, None]
    if period.installed is None:
        return np.ones((months.shape[0], period.days))
    offset = (period.start - period.installed).days
    day = offset + np.arange(1, period.days + 1, dtype=float)[None, :]
    return ramp_factor(day, months * DAYS_PER_MONTH)


def _quantiles(values: np.ndarray) -> np.ndarray:
    """P10, P50, P90 over the draws axis (0), as :mod:`evaluate.model.uncertainty` does."""
    return np.quantile(values, PERCENTILES, axis=0, method="inverted_cdf")


def weekly_comparison(weeks: pd.DataFrame, forecast: Forecast,
                      period: ReviewPeriod) -> pd.DataFrame:
    """:func:`actual_weekly` with the forecast of each week's days (sessions in that week).

    Adds ``forecast_most_likely``, ``forecast_p10``, ``forecast_p50`` and ``forecast_p90``:
    full-adoption sessions × the average ramp over the week's days in the period × days / 7.
    """
    starts = np.concatenate([[0], np.cumsum(weeks["days"].to_numpy())[:-1]])
    draws = np.add.reduceat(daily_ramp(period, forecast.adoption_months), starts, axis=1)
    draws *= forecast.sessions[:, None] / 7.0
    likely = np.add.reduceat(daily_ramp(period, forecast.adoption_most_likely), starts,
                             axis=1)[0] * forecast.most_likely / 7.0
    p10, p50, p90 = _quantiles(draws)
    return weeks.assign(forecast_most_likely=likely, forecast_p10=p10, forecast_p50=p50,
                        forecast_p90=p90)


# ---------------------------------------------------------------- verdicts

def _n(value: float) -> str:
    """A count for prose: whole numbers from 10 up, one decimal below."""
    return number(value, ",.0f") if abs(value) >= 10 else number(value, ".1f")


@dataclass(frozen=True)
class ForecastRange:
    """The forecast of the compared period's average week (sessions/week), ramp-up included."""

    most_likely: float
    p10: float
    p50: float
    p90: float


@dataclass(frozen=True)
class Verdict:
    """Actual weekly sessions against the forecast of the same period (sessions/week)."""

    position: Position
    actual: float
    most_likely: float
    p10: float
    p50: float
    p90: float
    text: str

    @property
    def beyond_band(self) -> float:
        """Sessions/week outside P10-P90 (positive above, negative below, 0 within)."""
        return max(self.actual - self.p90, 0.0) + min(self.actual - self.p10, 0.0)

    @property
    def versus_most_likely(self) -> float:
        """Actual / most likely - 1 (e.g. -0.12 = 12% below the most likely)."""
        return self.actual / self.most_likely - 1.0 if self.most_likely else math.inf


def _relative(actual: float, reference: float, what: str) -> str:
    if reference <= 0:
        return f"against a {what} of none"
    ratio = actual / reference
    if ratio >= 2:
        return f"{number(ratio, '.1f')} times the {what} of {_n(reference)}"
    if abs(ratio - 1) < 0.005:
        return f"the same as the {what}"
    side = "above" if ratio > 1 else "below"
    return f"{number(abs(ratio - 1), '.0%')} {side} the {what} of {_n(reference)}"


def verdict(actual: float, most_likely: float, p10: float, p50: float, p90: float) -> Verdict:
    """Place ``actual`` against the forecast range P10-P90 and say so in plain words."""
    band = f"the forecast range of {_n(p10)}–{_n(p90)} a week"
    ml = _relative(actual, most_likely, "most-likely forecast")
    if actual > p90:
        position: Position = "above"
        text = (f"above {band}: {_n(actual - p90)} a week more than its top, and {ml}")
    elif actual < p10:
        position = "below"
        text = f"below {band}: {_n(p10 - actual)} a week fewer than its bottom, and {ml}"
    else:
        position = "within"
        text = f"within {band}, and {ml}"
    return Verdict(position, actual, most_likely, p10, p50, p90, text)


@dataclass(frozen=True)
class PeakLoad:
    """The busiest hour: actual busy share against the forecast utilisation (fractions 0-1).

    ``comfortable`` and ``crowded`` are the low and high ends of ``target_peak_utilisation``
    (GYMetrix: keep 40-60% of units free at peak); ``level`` says where the actual lies.
    ``weekday``, ``hour``, ``busy_share`` and ``level`` are ``None`` when they rest on too
    few members (:func:`private_peak`): which hour is busiest says when they come.
    """

    weekday: int | None
    hour: int | None
    busy_share: float | None
    forecast_most_likely: float
    forecast_p10: float
    forecast_p90: float
    comfortable: float
    crowded: float
    level: Level | None

    @property
    def shown(self) -> bool:
        """True when the log's busiest hour is shown (it rests on enough members)."""
        return self.busy_share is not None

    @property
    def day(self) -> str:
        """The busiest weekday in plural, e.g. ``Mondays`` (empty when not shown)."""
        return "" if self.weekday is None else WEEKDAY_PLURALS[self.weekday]

    @property
    def when(self) -> str:
        """E.g. ``Mondays 18:00–19:00`` (empty when not shown)."""
        if self.hour is None:
            return ""
        return f"{self.day} {self.hour:02d}:00–{(self.hour + 1) % 24:02d}:00"

    @property
    def text(self) -> str:
        """One sentence on the peak, for the answer (the forecast only when not shown)."""
        if self.busy_share is None or self.level is None:  # both or neither
            return (f"At its busiest hour the model forecasts it in use "
                    f"{share(self.forecast_most_likely)} of the time (P10–P90 "
                    f"{share(self.forecast_p10)}–{share(self.forecast_p90)}).")
        meaning = {"room to spare": "there is room to spare, so members rarely wait",
                   "getting busy": "busy enough that members sometimes wait",
                   "crowded": "crowded: members often find it taken and some give up"}
        band = utilisation_range(self.forecast_p10, self.forecast_p90)
        forecast = (f"against a forecast of {utilisation(self.forecast_most_likely)} (P10–P90 "
                    f"{band})")
        if self.forecast_most_likely >= 1:
            forecast += f", in which {UNSTABLE_QUEUE}"
        return (f"At its busiest hour ({self.when}) it is in use {share(self.busy_share)} of "
                f"the time, {forecast}; {meaning[self.level]}.")


def settled_usage(usage: pd.DataFrame, period: ReviewPeriod) -> pd.DataFrame:
    """The log's sessions (every machine) in the settled period."""
    days = usage[TIMESTAMP].dt.normalize()
    keep = (days >= pd.Timestamp(period.settled_start)) & (days <= pd.Timestamp(period.end))
    return usage.loc[keep]


def peak_load(usage: pd.DataFrame, equipment: pd.DataFrame, forecast: Forecast,
              period: ReviewPeriod, target: Assumption) -> PeakLoad:
    """The machine's busiest weekday-hour in the settled period, against the forecast."""
    units = dict(zip(equipment["equipment_id"], equipment["owned_units"].clip(lower=1),
                     strict=True))
    hourly = hourly_utilisation(settled_usage(usage, period), units)
    mine = hourly.loc[hourly["equipment_id"] == forecast.equipment_id]
    top = mine.loc[mine["busy_share"].idxmax()]
    busy = float(top["busy_share"])
    level: Level = ("room to spare" if busy < target.low else
                    "getting busy" if busy <= target.high else "crowded")
    p10, _, p90 = _quantiles(forecast.utilisation)
    return PeakLoad(int(top["weekday"]), int(top["hour"]), busy,
                    forecast.utilisation_most_likely, float(p10), float(p90), target.low,
                    target.high, level)


def hour_profile(usage: pd.DataFrame, forecast: Forecast, period: ReviewPeriod,
                 weekday: int) -> pd.DataFrame:
    """Sessions starting in each hour of the day on the machine, in the settled period.

    Columns ``hour`` (0-23), ``busiest_day`` (average sessions in that hour on ``weekday``,
    e.g. the peak's), ``average_day`` (average over every day) and ``capacity`` (sessions an
    hour the units can serve at the log's average session length: servers × 60 / minutes,
    so that sessions / capacity is about the busy share). Only the hours in which the log
    (any machine) has sessions are kept: the club's opening hours.
    """
    period_usage = settled_usage(usage, period)
    open_hours = np.unique(local_minutes(period_usage[TIMESTAMP]) // 60 % 24)
    mine = period_usage.loc[period_usage["equipment_id"] == forecast.equipment_id]
    minutes = float(mine["duration_min"].mean()) if len(mine) else forecast.session_minutes
    hour_of_week = weekday_hour(local_minutes(mine[TIMESTAMP]))
    counts = np.bincount(hour_of_week, minlength=168).reshape(7, 24)
    first = pd.Timestamp(period.settled_start)
    days = pd.date_range(first, pd.Timestamp(period.end), freq="D")
    per_weekday = np.bincount(days.day_of_week, minlength=7)
    hours = np.arange(open_hours.min(), open_hours.max() + 1) if len(open_hours) else np.arange(24)
    return pd.DataFrame({
        "hour": hours,
        "busiest_day": counts[weekday, hours] / max(per_weekday[weekday], 1),
        "average_day": counts.sum(axis=0)[hours] / max(len(days), 1),
        "capacity": forecast.servers * 60.0 / minutes,
    })


def distinct_users(usage: pd.DataFrame, equipment_id: str, period: ReviewPeriod,
                   min_group_size: int = MIN_GROUP_SIZE, of: int | None = None) -> int | None:
    """Members who used the machine at least once in the compared period (a total only).

    ``None`` when fewer than ``min_group_size`` (never shown), when the log records no
    member ids, or when ``of`` (the active members the report names) less the users is 1 to
    ``min_group_size - 1``: "10 of the 12 members" would single out the other 2.
    """
    days = usage[TIMESTAMP].dt.normalize()
    mine = usage.loc[(usage["equipment_id"] == equipment_id)
                     & (days >= pd.Timestamp(period.start)), "member_id"]
    count = int(mine.dropna().nunique())
    if count < max(min_group_size, MIN_GROUP_SIZE):
        return None
    if of is not None and count <= of and not shown_split(count, of, min_group_size):
        return None
    return count


# ---------------------------------------------------------------- the privacy gate

@dataclass(frozen=True)
class Shown:
    """Which of the review's figures rest on enough members to be shown.

    ``log``: the log's dates (the members of the whole log, any machine); ``machine``: the
    machine's use in the compared period; ``settled``: its use in the settled period (the
    busiest hour, the hour profile, the calibration). Each by
    :func:`evaluate.reports.privacy.shown_group`.
    """

    log: bool
    machine: bool
    settled: bool


def _monday(timestamps: pd.Series) -> np.ndarray:
    """The Monday (days since 1970-01-01) of each timestamp's calendar week."""
    day = local_minutes(timestamps) // MINUTES_PER_DAY
    return day - (day + 3) % 7  # 1970-01-01 was a Thursday


def _hide(table: pd.DataFrame, counts: pd.Series, columns: list[str], shown: bool,
          min_group_size: int) -> pd.DataFrame:
    """``table`` with ``columns`` hidden (NaN) where ``counts`` members are too few.

    Complementary suppression over the whole table (its total is printed as an average);
    every cell, empty ones too, when ``shown`` is False. ``suppressed`` flags a hidden row.
    """
    gated = suppress_small_groups(table.assign(members=counts.to_numpy()), count="members",
                                  min_size=min_group_size, blank=columns)
    hidden = gated[SUPPRESSED].to_numpy(bool) | (not shown)
    out = table.reset_index(drop=True).copy()
    for column in columns:
        out[column] = out[column].astype(float).mask(hidden)
    out[SUPPRESSED] = hidden
    return out


def private_weeks(weeks: pd.DataFrame, sessions: pd.DataFrame, shown: bool,
                  min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """:func:`actual_weekly` with a week's sessions and minutes hidden where too few used it.

    Hidden is NaN, flagged in ``suppressed``. A week's figures rest on the members with a
    session on the machine that week (``sessions``: the machine's rows of the log). The
    partial weeks, never drawn, take part in the complementary suppression, so a hidden week
    cannot be worked out from the average. ``shown`` False (the machine's use rests on too
    few members) hides every week.
    """
    behind = members_behind(sessions.assign(week=_monday(sessions[TIMESTAMP])), ["week"])
    by_week = pd.Series(behind["members"].to_numpy(), index=behind["week"].to_numpy())
    monday = weeks["week_start"].to_numpy("datetime64[D]").astype(np.int64)
    counts = by_week.reindex(monday, fill_value=0)
    return _hide(weeks, counts, ["sessions", "minutes"], shown, min_group_size)


def private_peak(peak: PeakLoad, sessions: pd.DataFrame, shown: bool,
                 min_group_size: int = MIN_GROUP_SIZE) -> PeakLoad:
    """``peak`` without the log's figures when its busiest hour rests on too few members.

    ``sessions``: the machine's rows of the settled period; the hour rests on the members with
    a session in it (:func:`evaluate.reports.privacy.members_in_hour`). ``shown`` False (the
    settled period's use rests on too few members) hides it whatever the hour.
    """
    if peak.weekday is None or peak.hour is None:
        return peak
    members = members_in_hour(sessions, peak.weekday, peak.hour)
    if shown and shown_group(members, min_group_size):
        return peak
    return replace(peak, weekday=None, hour=None, busy_share=None, level=None)


def private_hours(hours: pd.DataFrame, sessions: pd.DataFrame, weekday: int | None,
                  shown: bool, forecast: Forecast,
                  min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """:func:`hour_profile` with each hour hidden (NaN) where it rests on too few members.

    An hour's bar rests on the members whose sessions start in it (on ``weekday``, the
    busiest day's, for ``busiest_day``; on any day for ``average_day``); ``sessions``: the
    machine's rows of the settled period. ``weekday`` None (the busiest hour is not shown)
    hides the busiest day; ``shown`` False hides every hour, and the capacity is then at the
    forecast's session length (``equipment.csv``), not the log's average. Adds
    ``suppressed_busiest_day`` and ``suppressed_average_day``.
    """
    when = weekday_hour(local_minutes(sessions[TIMESTAMP]))
    frame = sessions.assign(weekday=when // 24, hour=when % 24)
    every = members_behind(frame, ["hour"]).set_index("hour")["members"]
    out = hours.copy()
    if not shown:
        out["capacity"] = forecast.servers * 60.0 / forecast.session_minutes
    columns = {"average_day": every.reindex(hours["hour"], fill_value=0)}
    if weekday is None:
        out["busiest_day"] = np.nan
        out["suppressed_busiest_day"] = True
    else:
        on_day = members_behind(frame.loc[frame["weekday"] == weekday], ["hour"])
        columns["busiest_day"] = on_day.set_index("hour")["members"].reindex(hours["hour"],
                                                                           fill_value=0)
    for column, counts in columns.items():
        gated = _hide(hours[["hour", column]], counts, [column], shown, min_group_size)
        out[column] = gated[column].to_numpy()
        out[f"suppressed_{column}"] = gated[SUPPRESSED].to_numpy()
    return out


# ---------------------------------------------------------------- the review

@dataclass(frozen=True)
class UsageReview:
    """Everything the report shows about one machine (see the module docstring).

    Every figure from the log has passed the privacy gate (``shown`` says which rest on
    enough members): ``weekly`` is :func:`weekly_comparison` through :func:`private_weeks`;
    ``expected`` the forecast of the period's average week; ``verdict`` the actual against it
    (``None`` when not shown); ``peak`` through :func:`private_peak`; ``hours``
    :func:`hour_profile` on the peak's weekday through :func:`private_hours`; ``users``
    :func:`distinct_users` (``users_recorded`` False when the log has no member ids);
    ``session_minutes`` the log's average session length (minutes; ``None`` when not shown).
    """

    forecast: Forecast
    period: ReviewPeriod
    weekly: pd.DataFrame
    expected: ForecastRange
    verdict: Verdict | None
    peak: PeakLoad
    hours: pd.DataFrame
    users: int | None
    users_recorded: bool
    session_minutes: float | None
    min_group_size: int
    log_name: str
    synthetic: bool
    shown: Shown

    @property
    def name(self) -> str:
        """The machine's name in a sentence, e.g. "the 45-degree back extension"."""
        return f"the {in_sentence(self.forecast.name)}"

    @property
    def actual(self) -> float | None:
        """Actual sessions a week in the compared period; ``None`` when not shown."""
        return None if self.verdict is None else self.verdict.actual

    @property
    def position(self) -> Position | None:
        """Where the actual use lies against the forecast range; ``None`` when not shown."""
        return None if self.verdict is None else self.verdict.position


def review_usage(data: ClubData, equipment_id: str, *, installed: date | None = None,
                 draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                 as_of: date | None = None,
                 min_group_size: int = MIN_GROUP_SIZE) -> UsageReview:
    """Compare ``equipment_id``'s use in the log with its forecast (see the module docstring).

    ``installed`` is the installation date (``None``: before the log starts); ``draws`` and
    ``seed`` the Monte Carlo's; ``as_of`` the roster's date (default the club's roster date,
    :func:`evaluate.model.segments.as_of_day`).
    """
    check_machine(data.equipment, data.usage, equipment_id, data.data_dir)
    forecast = forecast_machine(data, equipment_id, draws=draws, seed=seed, as_of=as_of)
    usage = data.usage
    assert usage is not None  # check_machine refuses a club without a usage log
    size = max(min_group_size, MIN_GROUP_SIZE)
    period = review_period(usage, equipment_id, installed, forecast.adoption_most_likely)
    weekly = weekly_comparison(actual_weekly(usage, equipment_id, period), forecast, period)
    per_week = 7.0 / period.days
    ramp = daily_ramp(period, forecast.adoption_months).mean(axis=1)
    p10, p50, p90 = _quantiles(forecast.sessions * ramp)
    likely = forecast.most_likely * float(daily_ramp(period, forecast.adoption_most_likely).mean())
    expected = ForecastRange(likely, float(p10), float(p50), float(p90))
    # The privacy gate: the members behind the machine's sessions (all in the compared
    # period: none may precede the installation), in the settled period and in the whole log.
    mine = usage.loc[usage["equipment_id"] == equipment_id]
    settled = settled_usage(mine, period)
    shown = Shown(log=shown_group(int(members_behind(usage)["members"].iloc[0]), size),
                  machine=shown_group(int(members_behind(mine)["members"].iloc[0]), size),
                  settled=shown_group(int(members_behind(settled)["members"].iloc[0]), size))
    result = (verdict(float(weekly["sessions"].sum() * per_week), likely, float(p10),
                      float(p50), float(p90)) if shown.machine else None)
    peak = private_peak(peak_load(usage, data.equipment, forecast, period,
                                  data.assumptions["target_peak_utilisation"]),
                        settled, shown.settled, size)
    hours = hour_profile(usage, forecast, period, 0 if peak.weekday is None else peak.weekday)
    return UsageReview(
        forecast=forecast, period=period, weekly=private_weeks(weekly, mine, shown.machine, size),
        expected=expected, verdict=result, peak=peak,
        hours=private_hours(hours, settled, peak.weekday, shown.settled, forecast, size),
        users=distinct_users(usage, equipment_id, period, size, of=forecast.members),
        users_recorded=bool(mine["member_id"].notna().any()),
        session_minutes=float(mine["duration_min"].mean()) if shown.machine else None,
        min_group_size=size, log_name=log_name(data.usage), synthetic=data.club.synthetic,
        shown=shown)


@dataclass(frozen=True)
class ReviewCalibration:
    """What the log implies for the uptake assumptions, and the effect on the forecast.

    ``factor`` multiplies every ``uptake_*`` assumption (``None`` when not calibrated, and
    ``text`` says why; empty when calibrated, as
    :func:`evaluate.reports.usage_review.sections.calibration_markdown` explains the factor);
    ``table`` has rows ``quantity``, ``unit``, ``before``, ``after``; ``candidates`` the
    machines whose forecast the model calibrates on this one's log (``equipment_id``,
    ``name``, ``before``, ``after``: most-likely sessions/week, one unit).
    """

    factor: float | None
    table: pd.DataFrame
    candidates: pd.DataFrame
    text: str = ""


_UPTAKE_LABELS = {
    "uptake_back_care": "Take-up among members with back pain",
    "uptake_posterior_chain": "Take-up among members training for strength or sport",
    "uptake_general_fitness": "Take-up among all other members",
}


def _not_calibrated(text: str) -> ReviewCalibration:
    empty = pd.DataFrame(columns=["quantity", "unit", "before", "after"])
    return ReviewCalibration(None, empty, pd.DataFrame(
        columns=["equipment_id", "name", "before", "after"]), text)


def review_calibration(data: ClubData, review: UsageReview, *, enabled: bool = True,
                       as_of: date | None = None) -> ReviewCalibration:
    """Calibrate the uptakes on this machine's own log (settled period) and show the effect.

    Uses :func:`evaluate.model.calibration.calibrate_uptake` on the settled period's log with this
    machine as the only one owned, so it is its own comparable. The forecast range after
    calibration is the Monte Carlo again with the factor (same draws and seed). Members are
    counted on ``as_of``, default the club's roster date, as in the review.
    """
    machine = review.forecast.equipment_id
    if not enabled:
        return _not_calibrated("Calibration is turned off for this report (calibrate = "
                               "false): the forecast uses the documented assumptions only.")
    period = review.period
    if not period.settled:
        return _not_calibrated(
            f"Too early to calibrate: the log has fewer than {MIN_SETTLED_DAYS} days after the "
            "machine's most-likely adoption time of "
            f"{number(review.forecast.adoption_most_likely, 'g')} months, and a log that is "
            "still ramping up would understate its use.")
    if not review.shown.settled:
        return _not_calibrated(
            f"Not calibrated: fewer than {review.min_group_size} members used {review.name}"
            + ("" if period.settled_start == period.start else " once its ramp-up was over")
            + ", and a factor calibrated on their sessions would give their use away.")
    # Only this machine counts as owned, so it is its own comparable; the whole log of the
    # settled period stays, so its weeks span the period (not just this machine's sessions).
    day = as_of_day(data, as_of)
    alone = data.equipment.assign(owned_units=data.equipment["owned_units"].where(
        data.equipment["equipment_id"] == machine, 0))
    cal = calibrate_uptake(data.members, alone, settled_usage(data.usage, period),
                           data.assumptions, machine, data.checkins, as_of=day)
    rows = cal.table.iloc[:5].reset_index(drop=True)  # the uptakes, then model and log
    one = data.equipment.loc[data.equipment["equipment_id"] == machine]
    owned = one.assign(stations=one["stations"] * review.forecast.units)
    before = _quantiles(review.forecast.sessions)
    after = simulate(data.members, owned, data.assumptions, draws=review.forecast.draws,
                     seed=review.forecast.seed, checkins=data.checkins, calibration=cal,
                     as_of=day).draws["weekly_sessions"][:, 0]
    after = _quantiles(after)
    table = pd.DataFrame({
        "quantity": [*(_UPTAKE_LABELS[q.split(" ")[0]] + " (most likely)"
                       for q in rows["quantity"].iloc[:3]),
                     "Forecast weekly sessions at full adoption, most likely",
                     "Forecast weekly sessions at full adoption, P10",
                     "Forecast weekly sessions at full adoption, P90",
                     "Weekly sessions in the log"
                     + (" (settled period)" if period.settled_start != period.start else "")],
        "unit": ["fraction"] * 3 + ["sessions/week"] * 4,
        "before": [*rows["before"].iloc[:4], before[0], before[2], rows["before"].iloc[4]],
        "after": [*rows["after"].iloc[:4], after[0], after[2], rows["after"].iloc[4]]})
    candidates = _leaning_on(data, machine, cal.factor, day)
    return ReviewCalibration(cal.factor, table, candidates)


def _leaning_on(data: ClubData, machine: str, factor: float,
                as_of: date | None) -> pd.DataFrame:
    """Machines not owned whose comparable owned machine is ``machine``, before/after.

    As the decision report chooses it: machines whose log rests on too few members are no
    one's comparable (:func:`evaluate.reports.privacy.comparable_equipment`).
    """
    equipment = data.equipment
    owned = comparable_equipment(equipment, data.usage)
    chosen = [c for c in equipment.loc[equipment["owned_units"] < 1, "equipment_id"]
              if (comparable_machine(owned, c, data.usage) or ("",))[0] == machine]
    columns = ["equipment_id", "name", "before", "after"]
    if not chosen:
        return pd.DataFrame(columns=columns)
    them = equipment.loc[equipment["equipment_id"].isin(chosen)]
    them = them.sort_values("equipment_id").reset_index(drop=True)  # forecast_usage's order

    def likely(k: float) -> np.ndarray:
        out = forecast_usage(data.members, them, data.assumptions, data.checkins,
                             uptake_factor=k, as_of=as_of)
        return out.loc[out["scenario"] == "most_likely", "weekly_sessions"].to_numpy()

    return pd.DataFrame({"equipment_id": them["equipment_id"].to_numpy(),
                         "name": them["name"].to_numpy(), "before": likely(1.0),
                         "after": likely(factor)})[columns]
