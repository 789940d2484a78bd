"""The demo club's logs: reproducible, consistent with its roster, committed as generated."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from evaluate.data import demo as demo_data
from evaluate.data import demo_logs
from evaluate.data.checkins import hourly_profile, load_checkins
from evaluate.data.members import load_members
from evaluate.data.usage import load_equipment_usage, peak_hour_utilisation
from evaluate.paths import DEMO_DATA_DIR

TODAY = date(2026, 11, 1)


@pytest.fixture(scope="module")
def roster() -> pd.DataFrame:
    return demo_data.generate_members(3000, seed=21, today=TODAY)


@pytest.fixture(scope="module")
def checkins(roster: pd.DataFrame) -> pd.DataFrame:
    return demo_logs.generate_checkins(roster, seed=21, today=TODAY)


@pytest.fixture(scope="module")
def usage(roster: pd.DataFrame, checkins: pd.DataFrame) -> pd.DataFrame:
    return demo_logs.generate_equipment_usage(roster, checkins, seed=21)


def test_logs_same_seed_same_rows_other_seed_not(roster, checkins, usage):
    again = demo_logs.generate_checkins(roster, seed=21, today=TODAY)
    pd.testing.assert_frame_equal(checkins, again)
    pd.testing.assert_frame_equal(usage, demo_logs.generate_equipment_usage(roster, again, 21))
    other = demo_logs.generate_checkins(roster, seed=22, today=TODAY)
    assert len(other) != len(checkins) or not other.equals(checkins)


def test_checkins_cover_the_year_before_today_sorted(checkins):
    stamps = checkins["timestamp"]
    assert stamps.is_monotonic_increasing
    assert stamps.min() >= pd.Timestamp(TODAY) - pd.Timedelta(days=365)
    assert stamps.max() < pd.Timestamp(TODAY)
    assert (stamps.dt.second == 0).all()  # minute resolution
    assert not checkins.duplicated().any()


def test_checkins_only_while_a_member(roster, checkins):
    joined = checkins.merge(roster, on="member_id", how="left")
    assert (joined["timestamp"] >= joined["join_date"]).all()
    cancelled = joined["cancel_date"].notna()
    assert (joined.loc[cancelled, "timestamp"] < joined.loc[cancelled, "cancel_date"]).all()
    frozen = joined["status"] == "frozen"
    latest = pd.Timestamp(TODAY) - pd.Timedelta(days=1)
    assert (joined.loc[frozen, "timestamp"] < latest).all()


def test_visits_match_visits_per_week_within_one_visit(roster, checkins):
    # Each member's count is visits_per_week x weeks present, to within one visit (see
    # demo_logs._visit_days), and nobody checks in twice on one day.
    start = pd.Timestamp(TODAY) - pd.Timedelta(days=365)
    present = roster["status"] != "frozen"  # frozen members stop on a random day
    first = roster["join_date"].clip(lower=start)
    stop = roster["cancel_date"].fillna(pd.Timestamp(TODAY)).clip(lower=first)
    expected = roster["visits_per_week"] * (stop - first).dt.days / 7
    counts = checkins["member_id"].value_counts().reindex(roster["member_id"], fill_value=0)
    gap = (counts.to_numpy() - expected.to_numpy())[present.to_numpy()]
    assert np.all(np.abs(gap) < 1 + 1e-9)
    assert abs(gap.mean()) < 0.05  # unbiased over the club
    assert not checkins.assign(day=checkins["timestamp"].dt.date).duplicated(
        ["member_id", "day"]).any()


def test_hour_of_day_peaks_follow_the_described_pattern(checkins):
    # The pattern described for clubs (qualitative, see demo_logs.HOURLY_WEIGHTS_WEEKDAY):
    # early-morning peak, smaller lunch peak, quiet 1-4 pm, largest peak about 4/5-7/8 pm on
    # weekdays; weekends lower.
    profile = hourly_profile(checkins)
    weekday = profile[profile["weekday"] < 5].groupby("hour")["checkins_per_week"].sum()
    assert weekday.idxmax() in (17, 18, 19)
    assert weekday.loc[6:8].max() > 2 * weekday.loc[14:15].max()  # morning peak over lull
    assert weekday.loc[12] > weekday.loc[10] and weekday.loc[12] > weekday.loc[14]  # lunch
    assert weekday.loc[17:19].max() > weekday.loc[6:8].max()  # evening is the largest
    per_day = profile.groupby("weekday")["checkins_per_week"].sum()
    assert per_day.loc[[5, 6]].max() < per_day.loc[0:4].min()  # weekends lower
    weekend = profile[profile["weekday"] >= 5].groupby("hour")["checkins_per_week"].sum()
    assert weekend.idxmax() in (9, 10, 11)
    assert profile.loc[profile["hour"] < 5, "checkins_per_week"].sum() == 0  # closed


def test_usage_never_exceeds_units(usage):
    for equipment_id, machine in demo_logs.TRUE_USE.items():
        units = machine.units
        sessions = usage[usage["equipment_id"] == equipment_id]
        start = sessions["timestamp"].to_numpy()
        end = start + pd.to_timedelta(sessions["duration_min"], unit="min").to_numpy()
        # +1 at each start, -1 at each end; an end sorts before a start at the same minute.
        times = np.concatenate([start, end])
        steps = np.concatenate([np.ones(len(start)), -np.ones(len(end))])
        order = np.lexsort((steps, times))
        assert np.cumsum(steps[order]).max() <= units, equipment_id
        assert np.cumsum(steps[order]).max() == units  # the peak does fill every unit


def test_sessions_happen_during_check_ins_one_at_a_time(checkins, usage):
    # Each session starts 5 min or more after one of the member's check-ins that day, and a
    # member's sessions never overlap.
    lo = demo_logs.SESSION_START_MINUTES[0]
    merged = usage.merge(checkins, on="member_id", suffixes=("", "_in"))
    after = (merged["timestamp"] - merged["timestamp_in"]).dt.total_seconds() / 60
    same_day = merged["timestamp"].dt.date == merged["timestamp_in"].dt.date
    matched = merged[(after >= lo) & same_day].drop_duplicates(
        ["timestamp", "equipment_id", "member_id"])
    assert len(matched) == len(usage)
    by_member = usage.sort_values(["member_id", "timestamp"])
    end = by_member["timestamp"] + pd.to_timedelta(by_member["duration_min"], unit="min")
    next_start = by_member.groupby("member_id", observed=True)["timestamp"].shift(-1)
    assert not (next_start < end).any()


def test_demo_machines_are_used_within_the_peak_target():
    # Calibration (ASSUMPTION, see demo_logs.TRUE_USE): leg press and rowers busy about
    # half of their peak hour (GYMetrix: 40-60% of units free at peak,
    # industry_benchmarks.csv: peak_equipment_free_target).
    usage = load_equipment_usage(DEMO_DATA_DIR, as_of=TODAY)
    units = {k: v.units for k, v in demo_logs.TRUE_USE.items()}
    peak = peak_hour_utilisation(usage, units).set_index("equipment_id")["busy_share"]
    assert peak["leg_press"] == pytest.approx(0.5, abs=0.1)
    assert peak["rower"] == pytest.approx(0.45, abs=0.1)
    assert peak["back_extension_45"] < peak["leg_press"]


def test_owned_units_agree_with_the_demo_catalogue():
    path = DEMO_DATA_DIR / "equipment.csv"
    catalogue = pd.read_csv(path) if path.is_file() else pd.DataFrame()
    if "owned_units" not in catalogue.columns:
        pytest.skip("data/demo/equipment.csv has no owned_units column yet")
    owned = catalogue.set_index("equipment_id")["owned_units"]
    for equipment_id, machine in demo_logs.TRUE_USE.items():
        assert owned[equipment_id] == machine.units, equipment_id


def test_committed_logs_are_exactly_the_seed_2026_logs(tmp_path):
    demo_data.write_demo_club(tmp_path, members=3000, seed=2026, today=date(2026, 11, 1))
    for name in ("checkins.parquet", "equipment_usage.parquet"):
        fresh, committed = pq.read_table(tmp_path / name), pq.read_table(DEMO_DATA_DIR / name)
        assert fresh.equals(committed), (
            f"data/demo/{name} differs from a fresh run: python -m evaluate.data.demo")


def test_committed_logs_load_clean():
    members = load_members(DEMO_DATA_DIR)
    checkins = load_checkins(DEMO_DATA_DIR, pd.Index(members["member_id"]), as_of=TODAY)
    assert len(checkins) > 100_000 and checkins.attrs["warnings"] == []
