"""The demo club's logs: reproducible, consistent with its roster, committed as generated."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from evaluate.data import demo as demo_data
from evaluate.data import demo_logs
from evaluate.data.checkins import hourly_profile, load_checkins
from evaluate.data.checks import check_club
from evaluate.data.members import OCCUPATIONS, TRAINING_GOALS, load_members
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


# ---------------------------------------------------------------- the synthetic world's truth

@pytest.fixture(scope="module")
def large_club() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """10,000 members and their sessions under the demo's truth with units that never bind."""
    members = demo_data.generate_members(10_000, seed=31, today=TODAY)
    checkins = demo_logs.generate_checkins(members, seed=31, today=TODAY)
    roomy = {k: replace(v, units=1000) for k, v in demo_logs.TRUE_USE.items()}
    return members, checkins, demo_logs.generate_equipment_usage(members, checkins, 31, roomy)


@pytest.mark.parametrize("equipment_id", sorted(demo_logs.TRUE_USE))
def test_users_follow_the_true_segments(large_club, equipment_id):
    # Members with 30 or more visits in the log: a true user then has a session but with
    # chance (1 - per_visit)^30 < 1e-6, so users in the log are the true users. In every
    # segment, their share matches the truth's mean chance within 4 standard errors.
    members, checkins, usage = large_club
    truth = demo_logs.TRUE_USE[equipment_id]
    visits = checkins["member_id"].value_counts().reindex(members["member_id"], fill_value=0)
    often = (visits >= 30).to_numpy()
    users = set(usage.loc[usage["equipment_id"] == equipment_id, "member_id"].astype(str))
    is_user = members["member_id"].isin(users).to_numpy()[often]
    segments = demo_logs.member_segments(members, TODAY.year)[often]
    chance = truth.user_share(segments)
    for name in demo_logs.SEGMENTS:
        for label, rows in segments.groupby(name).groups.items():
            at = segments.index.get_indexer(rows)
            expected = chance[at].mean()
            error = np.sqrt((chance[at] * (1 - chance[at])).sum()) / len(at)
            assert abs(is_user[at].mean() - expected) < 4 * error, (name, label)


def test_demo_truth_skews_as_documented():
    # The documented skews of the synthetic world (demo_logs.TRUE_USE), which the model's
    # defaults do not share: back extension older, desk and rehab; leg press strength and sport;
    # rower general fitness and weight loss.
    back, legs, rower = (demo_logs.TRUE_USE[k] for k in ("back_extension_45", "leg_press",
                                                          "rower"))
    assert back.age["55_plus"] > back.age["under_35"] and back.goal["rehab"] >= 2
    assert back.occupation["desk"] > 1.47 * back.occupation["active"]
    assert min(legs.goal["strength"], legs.goal["sport"]) > max(
        legs.goal[g] for g in ("general_fitness", "weight_loss", "rehab"))
    assert min(rower.goal["general_fitness"], rower.goal["weight_loss"]) > max(
        rower.goal[g] for g in ("strength", "rehab"))


def test_member_segments_label_age_and_visits_bands():
    members = pd.DataFrame({
        "birth_year": [1992, 1991, 1972, 1971, None], "visits_per_week": [0.9, 1.0, 2.0, None, 3],
        "training_goal": ["rehab", None, "sport", "strength", None],
        "occupation_activity": ["desk", "active", None, "mixed", None]})
    segments = demo_logs.member_segments(members, 2026)
    assert segments["age"].tolist() == ["under_35", "35_54", "35_54", "55_plus", None]
    assert segments["visits"].tolist() == ["under_1", "1_to_2", "2_plus", None, "2_plus"]
    truth = demo_logs.TRUE_USE["back_extension_45"]
    assert truth.user_share(segments)[0] == pytest.approx(
        truth.share * truth.age["under_35"] * truth.goal["rehab"] * truth.occupation["desk"]
        * truth.visits["under_1"])
    assert truth.user_share(segments)[4] == pytest.approx(truth.share * truth.visits["2_plus"])


def test_chain_clubs_have_their_own_truth():
    first, again, other = (demo_logs.club_truth(s) for s in (7, 7, 8))
    assert first == again and first != other
    for equipment_id, demo in demo_logs.TRUE_USE.items():
        club = first[equipment_id]
        assert club.share != demo.share and club.units == demo.units
        assert 0.2 < club.share / demo.share < 5  # a lognormal factor, sigma 0.3
        assert club.goal.keys() == demo.goal.keys() and club.goal != demo.goal


def test_chain_clubs_draw_their_usage_from_their_own_truth(tmp_path):
    # Club 1 of a chain from seed 5 is the club of seed 6 (of its size) drawn from
    # club_truth(6), not from the demo's truth.
    chain = demo_data.write_demo_chain(tmp_path / "chain", 1, members=300, seed=5, today=TODAY)
    usage = (chain[0] / "equipment_usage.parquet").read_bytes()
    size = len(pd.read_csv(chain[0] / "members.csv"))
    own = tmp_path / "own"
    demo_data.write_demo_club(own, members=size, seed=6, today=TODAY,
                              name="Demo club 01 (synthetic)", truth=demo_logs.club_truth(6))
    assert (own / "equipment_usage.parquet").read_bytes() == usage
    plain = tmp_path / "plain"
    demo_data.write_demo_club(plain, members=size, seed=6, today=TODAY)
    assert (plain / "equipment_usage.parquet").read_bytes() != usage


MACHINES = ["back_extension_45", "leg_press", "rower", "cable_tower", "reverse_hyper"]


def test_random_truth_is_reproducible_and_covers_every_segment():
    first = demo_logs.random_truth(np.random.default_rng(4), MACHINES)
    assert first == demo_logs.random_truth(np.random.default_rng(4), MACHINES)
    assert first != demo_logs.random_truth(np.random.default_rng(5), MACHINES)
    catalogue = pd.read_csv(DEMO_DATA_DIR / "equipment.csv", index_col="equipment_id")
    assert list(first) == MACHINES
    for equipment_id, machine in first.items():
        assert machine.units in (1, 2)
        assert 0.05 <= machine.share <= 0.2 and 0.3 <= machine.per_visit <= 0.6
        assert machine.median_minutes == catalogue.loc[equipment_id, "session_minutes"]
        assert set(machine.goal) == set(TRAINING_GOALS)
        assert set(machine.occupation) == set(OCCUPATIONS)
        assert len(machine.age) == len(demo_logs.AGE_BANDS)
        assert len(machine.visits) == len(demo_logs.VISIT_BANDS)
    with pytest.raises(ValueError, match="treadmill"):
        demo_logs.random_truth(np.random.default_rng(4), ["rower", "treadmill"])


def test_a_club_with_a_random_truth_owns_its_machines(tmp_path):
    truth = demo_logs.random_truth(np.random.default_rng(9), MACHINES)
    demo_data.write_demo_club(tmp_path, members=400, seed=9, today=TODAY, truth=truth)
    owned = pd.read_csv(tmp_path / "equipment.csv").set_index("equipment_id")["owned_units"]
    assert owned.to_dict() == {k: truth[k].units if k in truth else 0 for k in owned.index}
    usage = load_equipment_usage(tmp_path, as_of=TODAY)
    assert set(usage["equipment_id"]) == set(MACHINES)
    assert check_club(tmp_path).errors == []
