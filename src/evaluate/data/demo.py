"""Generate the synthetic demo club: a roster calibrated to published club figures, and its logs.

Every figure below either cites the row of ``data/reference/`` that holds it (``file: row id``,
with the publication's short name as that row's ``source`` gives it: HFA and IHRSA reports), or
the publication itself, or is marked ASSUMPTION where no source gives one. The roster
is drawn from the steady state of a club with constant joins and a constant monthly
cancellation rate: current members' tenure is then exponential with that rate, and so is the
length of the memberships that ended in the export's look-back window. The year of check-ins
and the equipment-usage log are drawn from the roster in :mod:`evaluate.data.demo_logs`.

Run ``python -m evaluate.data.demo`` to regenerate ``data/demo/`` exactly.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from evaluate.data.assumptions import ASSUMPTIONS_FILE
from evaluate.data.checkins import CHECKINS_STEM
from evaluate.data.club import CLUB_FILE
from evaluate.data.demo_logs import (
    TRUE_USE,
    MachineTruth,
    arrow_table,
    club_truth,
    generate_checkins,
    generate_equipment_usage,
)
from evaluate.data.equipment import EQUIPMENT_FILE
from evaluate.data.members import DAYS_PER_MONTH, MEMBERS_FILE, OCCUPATIONS, TRAINING_GOALS
from evaluate.data.usage import USAGE_STEM
from evaluate.paths import DEMO_DATA_DIR

DEMO_SEED = 2026
DEMO_MEMBERS = 3000
DEMO_TODAY = date(2026, 11, 1)  # fixed so the committed demo regenerates byte for byte
CLUB_NAME = "Demo Community Club (synthetic)"
CURRENCY = "USD"  # the dues below are US figures (HFA, US fitness-facility members)
ROW_GROUP_ROWS = 64 * 2**20  # rows per Parquet row group in the logs we write (see write_log)

# Age mix of current members, 2024 data (industry_benchmarks.csv: member_share_under_25,
# member_share_25_44, member_share_45_54, member_share_55_plus; HFA 2025 US Health & Fitness
# Consumer Report, as reported by mnknews.com): under 25 30.8%, 25-44 33.8%, 45-54 12.3%,
# 55+ 23.1% (derived there as the remainder). HFA's under-25 band
# includes children aged 6-17; ASSUMPTION: the demo club admits members from 16, so that share
# is spread over ages 16-24. ASSUMPTION: the 55+ share splits 60/30/10 over 55-64, 65-74, 75-84.
# Each row: (youngest, oldest, share of current members, cancellation-rate multiplier).
# The multipliers are an ASSUMPTION shaped by IHRSA's "retention generally improves with age"
# (IHRSA press release, 25 Jun 2015, in the note of industry_benchmarks.csv: retained_12_months;
# qualitative only); they are rescaled so the club-wide rate stays as cited.
AGE_MIX = (
    (16, 24, 0.308, 1.25),
    (25, 44, 0.338, 1.00),
    (45, 54, 0.123, 0.85),
    (55, 64, 0.231 * 0.6, 0.75),
    (65, 74, 0.231 * 0.3, 0.75),
    (75, 84, 0.231 * 0.1, 0.75),
)

# Sex: 51.5% of members are male (industry_benchmarks.csv: member_share_male; HFA 2026 Buyer's
# Guide); "little difference by sex" in retention (IHRSA press release, 25 Jun 2015, as above).
# ASSUMPTION: 1% record another sex or none (X).
SHARE_MALE = 0.515
SHARE_SEX_X = 0.01

# Cancellations: 33.6 per 1,000 members per month (industry_benchmarks.csv:
# cancellations_per_1000_month; IHRSA One Million Strong, Bedford 2015). With a constant rate
# this also gives 12- and 24-month retention of 66.8% and 44.7%, close to the 67.2% and 44.4%
# the same study reports (retained_12_months, retained_24_months).
MONTHLY_CANCEL_RATE = 0.0336
# ASSUMPTION: the export lists current members and those who cancelled in the last 24 months.
CANCELLED_LOOKBACK_MONTHS = 24
# ASSUMPTION: the club opened 12 years before the export; earlier joins become founding members.
CLUB_AGE_YEARS = 12
# ASSUMPTION: 3% of current members have frozen (paused) their membership.
SHARE_FROZEN = 0.03

# Visits: about 1.5 per member per week in 2024 (industry_benchmarks.csv: visits_per_member_week;
# HFA 2025 Headline Trends).
MEAN_VISITS_PER_WEEK = 1.5
VISITS_GAMMA_SHAPE = 2.0  # ASSUMPTION: spread between members (coefficient of variation 0.71)
CANCELLED_VISITS_FACTOR = 0.6  # ASSUMPTION: members who left had come less often
MAX_VISITS_PER_WEEK = 7.0  # ASSUMPTION: at most once a day in the export's average

# Dues: average $65/month with about 67% paying under $50, 2023 (industry_benchmarks.csv:
# monthly_dues_average, members_paying_under_50; HFA, "U.S. Fitness Facility Memberships Reach
# the Highest Level Ever as Dues Rise"). ASSUMPTION: five plans whose prices and take-up
# reproduce both figures (mean $64.80, 67% under $50).
DUES_PLANS = ((29.0, 0.20), (39.0, 0.22), (45.0, 0.25), (99.0, 0.20), (149.0, 0.13))

# Occupation: no published share of desk workers among club members was found.
# ASSUMPTION: desk 45%, mixed 30%, active 25% where known; 15% not recorded, and never recorded
# for members under 18 (school pupils).
OCCUPATION_MIX = {"desk": 0.45, "mixed": 0.30, "active": 0.25}
SHARE_OCCUPATION_UNKNOWN = 0.15

# Training goals: no published mix. ASSUMPTION: rehab is a more common goal from age 45.
GOAL_MIX_UNDER_45 = {"general_fitness": 0.40, "strength": 0.24, "weight_loss": 0.20,
                     "rehab": 0.04, "sport": 0.12}
GOAL_MIX_45_PLUS = {"general_fitness": 0.45, "strength": 0.15, "weight_loss": 0.22,
                    "rehab": 0.12, "sport": 0.06}
SHARE_GOAL_UNKNOWN = 0.05  # ASSUMPTION: goal not asked at joining


def _cancel_rates() -> np.ndarray:
    """Monthly cancellation rate per age band, averaging MONTHLY_CANCEL_RATE over members."""
    shares = np.array([band[2] for band in AGE_MIX])
    multipliers = np.array([band[3] for band in AGE_MIX])
    return MONTHLY_CANCEL_RATE * multipliers / (shares @ multipliers)


def _draw_bands(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw each row's age band and whether it is a current member.

    In the steady state, current members in band a are proportional to its share s_a, and
    cancellations over the look-back window to s_a * rate_a * months.
    """
    shares = np.array([band[2] for band in AGE_MIX])
    weights = np.concatenate([shares, shares * _cancel_rates() * CANCELLED_LOOKBACK_MONTHS])
    cell = rng.choice(len(weights), size=n, p=weights / weights.sum())
    return cell % len(AGE_MIX), cell < len(AGE_MIX)


def _draw_dates(rng: np.random.Generator, band: np.ndarray, current: np.ndarray,
                today: date) -> tuple[pd.Series, pd.Series]:
    """Join and cancel dates; tenure and membership length are exponential in months."""
    n = len(band)
    today_ts = pd.Timestamp(today)
    opened = today_ts - pd.DateOffset(years=CLUB_AGE_YEARS)
    length_days = np.floor(rng.exponential(1.0 / _cancel_rates()[band]) * DAYS_PER_MONTH)
    ago_days = np.floor(rng.uniform(0, CANCELLED_LOOKBACK_MONTHS * DAYS_PER_MONTH, size=n))
    end = pd.Series(today_ts - pd.to_timedelta(np.where(current, 0, ago_days), unit="D"))
    join = (end - pd.to_timedelta(length_days, unit="D")).clip(lower=opened)
    return join, end.where(~current)


def _draw_choice(rng: np.random.Generator, mix: dict[str, float], n: int) -> np.ndarray:
    return rng.choice(np.array(list(mix), dtype=object), size=n, p=list(mix.values()))


def generate_members(n: int, seed: int, today: date) -> pd.DataFrame:
    """Draw a synthetic roster of ``n`` members as exported on ``today``; same seed, same rows.

    Returns the ``members.csv`` columns in contract order, sorted by join date with ids
    ``M000001``... in that order. Dates are datetime64 (``cancel_date`` NaT unless cancelled),
    ``monthly_dues`` in :data:`CURRENCY` per month, ``visits_per_week`` a float with one decimal.
    """
    rng = np.random.default_rng(seed)
    band, current = _draw_bands(rng, n)
    low = np.array([b[0] for b in AGE_MIX])[band]
    high = np.array([b[1] for b in AGE_MIX])[band]
    age = rng.integers(low, high + 1)
    sex = rng.choice(np.array(["F", "M", "X"], dtype=object), size=n,
                     p=[(1 - SHARE_MALE) * (1 - SHARE_SEX_X), SHARE_MALE * (1 - SHARE_SEX_X),
                        SHARE_SEX_X])
    join, cancel = _draw_dates(rng, band, current, today)
    status = np.where(current, np.where(rng.random(n) < SHARE_FROZEN, "frozen", "active"),
                      "cancelled")
    prices, take_up = zip(*DUES_PLANS, strict=True)
    dues = rng.choice(np.array(prices), size=n, p=np.array(take_up))
    occupation = _draw_choice(rng, OCCUPATION_MIX, n)
    occupation[(rng.random(n) < SHARE_OCCUPATION_UNKNOWN) | (age < 18)] = None
    goal = np.where(age < 45, _draw_choice(rng, GOAL_MIX_UNDER_45, n),
                    _draw_choice(rng, GOAL_MIX_45_PLUS, n))
    goal[rng.random(n) < SHARE_GOAL_UNKNOWN] = None
    visits: np.ndarray = rng.gamma(VISITS_GAMMA_SHAPE, MEAN_VISITS_PER_WEEK / VISITS_GAMMA_SHAPE,
                                   size=n)
    visits = np.round(np.minimum(np.where(current, 1.0, CANCELLED_VISITS_FACTOR) * visits,
                                 MAX_VISITS_PER_WEEK), 1)
    frame = pd.DataFrame({
        "birth_year": today.year - age, "sex": sex, "join_date": join, "status": status,
        "cancel_date": cancel, "monthly_dues": dues, "occupation_activity": occupation,
        "training_goal": goal, "visits_per_week": visits,
    })
    frame = frame.sort_values("join_date", kind="stable").reset_index(drop=True)
    frame.insert(0, "member_id", [f"M{i:06d}" for i in range(1, n + 1)])
    return frame


def _check_mixes() -> None:
    """Guard against the mixes drifting from the loader's allowed values."""
    if not set(OCCUPATION_MIX) <= set(OCCUPATIONS) or not (
            set(GOAL_MIX_UNDER_45) | set(GOAL_MIX_45_PLUS)) <= set(TRAINING_GOALS):
        raise ValueError("demo mixes use a category that members.py does not allow")


def write_log(table: pa.Table, path: Path, compression_level: int = 19) -> Path:
    """Write a log as Parquet: zstd, ids dictionary-encoded, times delta-encoded.

    Sorted minute timestamps differ little from row to row, so delta encoding stores them in
    about a byte each; this keeps the demo's year of check-ins near 300 kB where CSV needs 3 MB
    (everything under data/ must stay under 10 MB). Row groups are large and dictionary pages
    uncapped so that each id column keeps one dictionary (the roster's ids) instead of falling
    back to plain text: the loader then looks up each id once, not once per row, which is what
    makes 75 million check-ins load in seconds. Use a low ``compression_level`` (e.g. 3) for
    large benchmark files, where level 19 is slow to write.
    """
    encodings = {name: "DELTA_BINARY_PACKED" for name in ("timestamp", "duration_min")
                 if name in table.column_names}
    dictionary = [name for name in table.column_names if name.endswith("_id")]
    pq.write_table(table, path, compression="zstd", compression_level=compression_level,
                   use_dictionary=dictionary, column_encoding=encodings,
                   row_group_size=ROW_GROUP_ROWS, dictionary_pagesize_limit=2**30)
    return path


def write_equipment(path: Path, truth: Mapping[str, MachineTruth]) -> Path:
    """The demo's ``equipment.csv`` with ``owned_units`` from ``truth`` (0 for other machines).

    Every other cell is copied as text, so with the demo's own truth the file is the demo's
    byte for byte.
    """
    catalogue = pd.read_csv(DEMO_DATA_DIR / EQUIPMENT_FILE, dtype=str, keep_default_na=False)
    units = {equipment_id: machine.units for equipment_id, machine in truth.items()}
    catalogue["owned_units"] = catalogue["equipment_id"].map(units).fillna(0).astype(int)
    catalogue.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def write_demo_club(out_dir: Path, members: int = DEMO_MEMBERS, seed: int = DEMO_SEED,
                    today: date | None = None, name: str = CLUB_NAME,
                    truth: Mapping[str, MachineTruth] | None = None) -> list[Path]:
    """Write a synthetic club into ``out_dir``: roster, club facts and a year of logs.

    Files: ``members.csv``, ``club.yml``, ``checkins.parquet`` (a year of check-ins before
    ``today``) and ``equipment_usage.parquet`` (sessions on the machines the club owns, drawn
    from their true use ``truth``, default :data:`evaluate.data.demo_logs.TRUE_USE`); into any
    other folder than the demo's, also the demo's ``equipment.csv`` with ``owned_units`` those
    of ``truth`` (:func:`write_equipment`) and its ``assumptions.yml`` (judgements, not
    generated data), so the folder is a complete club that validates. ``today`` is the export
    date (default: the real today); pass a fixed date to reproduce a club exactly. Returns
    the paths written.
    """
    today = today or date.today()
    truth = TRUE_USE if truth is None else truth
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _check_mixes()
    frame = generate_members(members, seed, today)
    members_path = out_dir / MEMBERS_FILE
    text = frame.assign(monthly_dues=frame["monthly_dues"].map("{:.2f}".format),
                        visits_per_week=frame["visits_per_week"].map("{:.1f}".format))
    text.to_csv(members_path, index=False, date_format="%Y-%m-%d", lineterminator="\n",
                encoding="utf-8")
    club = {
        "name": name,
        "currency": CURRENCY,
        "synthetic": True,
        "generated_by": "evaluate demo-data",
        "seed": seed,
        "members": members,
        "generated_on": today.isoformat(),
        "note": "Every row of members.csv, checkins.parquet and equipment_usage.parquet is "
                "synthetic: drawn at random, calibrated to published US club-industry figures "
                "(see src/evaluate/data/demo.py and demo_logs.py). No real person is described.",
    }
    club_path = out_dir / CLUB_FILE
    club_path.write_text(yaml.safe_dump(club, sort_keys=False, allow_unicode=True),
                         encoding="utf-8")
    checkins = generate_checkins(frame, seed, today)
    usage = generate_equipment_usage(frame, checkins, seed, truth)
    logs = [write_log(arrow_table(checkins), out_dir / f"{CHECKINS_STEM}.parquet"),
            write_log(arrow_table(usage), out_dir / f"{USAGE_STEM}.parquet")]
    copied = []
    if out_dir.resolve() != DEMO_DATA_DIR.resolve():
        copied.append(write_equipment(out_dir / EQUIPMENT_FILE, truth))
        copied.append(Path(shutil.copyfile(DEMO_DATA_DIR / ASSUMPTIONS_FILE,
                                           out_dir / ASSUMPTIONS_FILE)))
    return [members_path, club_path, *logs, *copied]


def write_demo_chain(out_dir: Path, clubs: int, members: int = DEMO_MEMBERS,
                     seed: int = DEMO_SEED, today: date | None = None) -> list[Path]:
    """Write ``clubs`` synthetic clubs into ``out_dir/club-01`` ... for a chain plan.

    Club ``k`` has its own seed (``seed + k``), between half and the full ``members``, and its
    own true use of the machines (:func:`evaluate.data.demo_logs.club_truth` of its seed: the
    demo's, each base share and segment multiplier moved by a lognormal factor), so the clubs
    differ in size, make-up and how their members use the machines; each is named
    "Demo club NN (synthetic)". Returns the club folders.
    """
    rng = np.random.default_rng(seed)
    sizes = rng.integers(max(10, members // 2), members + 1, size=clubs)
    folders = []
    for k, size in enumerate(sizes, start=1):
        folder = Path(out_dir) / f"club-{k:02d}"
        write_demo_club(folder, members=int(size), seed=seed + k, today=today,
                        name=f"Demo club {k:02d} (synthetic)", truth=club_truth(seed + k))
        folders.append(folder)
    return folders


if __name__ == "__main__":
    for written in write_demo_club(DEMO_DATA_DIR, today=DEMO_TODAY):
        print(written)
