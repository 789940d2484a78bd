"""The synthetic demo roster: reproducible, calibrated to cited figures, committed as generated."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from evaluate.data import demo as demo_data
from evaluate.data.demo import write_demo_chain
from evaluate.data.members import COLUMNS, load_members
from evaluate.paths import DEMO_DATA_DIR

TODAY = date(2026, 11, 1)


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    return demo_data.generate_members(20_000, seed=11, today=TODAY)


@pytest.fixture(scope="module")
def current(big: pd.DataFrame) -> pd.DataFrame:
    return big.loc[big["status"] != "cancelled"]


def test_same_seed_gives_same_rows_and_other_seed_does_not():
    first = demo_data.generate_members(400, seed=5, today=TODAY)
    again = demo_data.generate_members(400, seed=5, today=TODAY)
    other = demo_data.generate_members(400, seed=6, today=TODAY)
    pd.testing.assert_frame_equal(first, again)
    assert not first.drop(columns="member_id").equals(other.drop(columns="member_id"))


def test_columns_ids_and_order(big: pd.DataFrame):
    # The demo gives years of birth: the contract's birth_date and age are the alternatives.
    assert list(big.columns) == [c for c in COLUMNS if c not in ("birth_date", "age")]
    assert big["member_id"].iloc[0] == "M000001"
    assert big["member_id"].is_unique
    assert big["join_date"].is_monotonic_increasing


def test_dates_are_consistent(big: pd.DataFrame):
    cancelled = big["status"] == "cancelled"
    assert big.loc[cancelled, "cancel_date"].notna().all()
    assert big.loc[~cancelled, "cancel_date"].isna().all()
    assert (big.loc[cancelled, "cancel_date"] >= big.loc[cancelled, "join_date"]).all()
    assert big["join_date"].max() <= pd.Timestamp(TODAY)
    opened = pd.Timestamp(TODAY) - pd.DateOffset(years=demo_data.CLUB_AGE_YEARS)
    assert big["join_date"].min() >= opened
    lookback = pd.Timestamp(TODAY) - pd.DateOffset(months=demo_data.CANCELLED_LOOKBACK_MONTHS)
    assert big.loc[cancelled, "cancel_date"].min() >= lookback - pd.Timedelta(days=2)


def test_age_mix_of_current_members_matches_hfa_2024(current: pd.DataFrame):
    # industry_benchmarks.csv: member_share_under_25, _25_44, _45_54, _55_plus (HFA 2025 US
    # Health & Fitness Consumer Report): under 25 30.8%, 25-44 33.8%, 45-54 12.3%, 55+ 23.1%.
    age = TODAY.year - current["birth_year"]
    shares = pd.cut(age, [0, 25, 45, 55, 200], right=False).value_counts(normalize=True,
                                                                         sort=False)
    assert shares.to_numpy() == pytest.approx([0.308, 0.338, 0.123, 0.231], abs=0.015)
    assert age.min() >= 16 and age.max() <= 84


def test_sex_mix_matches_hfa(current: pd.DataFrame):
    # member_share_male (HFA 2026 Buyer's Guide): 51.5% of members are male; about 1% X is an
    # assumption.
    binary = current["sex"].isin(["F", "M"])
    assert (current["sex"] == "M").sum() / binary.sum() == pytest.approx(0.515, abs=0.015)
    assert (current["sex"] == "X").mean() == pytest.approx(0.01, abs=0.005)


def test_visits_average_about_one_and_a_half_a_week(current: pd.DataFrame):
    # visits_per_member_week (HFA 2025 Headline Trends): about 1.5 visits per member per week
    # (2024).
    assert current["visits_per_week"].mean() == pytest.approx(1.5, abs=0.05)
    assert current["visits_per_week"].between(0, demo_data.MAX_VISITS_PER_WEEK).all()


def test_dues_average_65_with_two_thirds_under_50(current: pd.DataFrame):
    # monthly_dues_average, members_paying_under_50 (HFA, 2023): average $65/month; about 67%
    # pay under $50.
    assert current["monthly_dues"].mean() == pytest.approx(65, abs=2)
    assert (current["monthly_dues"] < 50).mean() == pytest.approx(0.67, abs=0.02)


def test_cancellation_rate_and_first_year_retention(big: pd.DataFrame, current: pd.DataFrame):
    # cancellations_per_1000_month, retained_12_months (IHRSA One Million Strong, Bedford
    # 2015): 33.6 cancellations per 1,000 members per month; 67.2% retained at 12 months.
    today = pd.Timestamp(TODAY)
    last_year = big["cancel_date"] > today - pd.DateOffset(months=12)
    assert last_year.sum() / 12 / len(current) == pytest.approx(0.0336, abs=0.003)
    cohort = big.loc[big["join_date"].between(today - pd.DateOffset(months=24),
                                              today - pd.DateOffset(months=12))]
    stayed = cohort["cancel_date"].isna() | (
        (cohort["cancel_date"] - cohort["join_date"]).dt.days >= 365)
    assert stayed.mean() == pytest.approx(0.672, abs=0.03)


def test_assumed_mixes(current: pd.DataFrame):
    known = current["occupation_activity"].dropna()
    assert (known == "desk").mean() == pytest.approx(0.45, abs=0.02)
    under_18 = TODAY.year - current["birth_year"] < 18
    assert current.loc[under_18, "occupation_activity"].isna().all()
    assert (current["status"] == "frozen").mean() == pytest.approx(0.03, abs=0.008)
    assert set(current["training_goal"].dropna()) == {
        "general_fitness", "strength", "weight_loss", "rehab", "sport"}


def test_written_demo_loads_clean_and_says_it_is_synthetic(tmp_path):
    written = demo_data.write_demo_club(tmp_path, members=200, seed=3, today=TODAY)
    assert [p.name for p in written] == ["members.csv", "club.yml", "checkins.parquet",
                                         "equipment_usage.parquet", "equipment.csv",
                                         "assumptions.yml"]
    members = load_members(tmp_path)
    assert len(members) == 200
    text = (tmp_path / "club.yml").read_text(encoding="utf-8")
    assert "synthetic: true" in text and "seed: 3" in text and "members: 200" in text
    assert "generated_on: '2026-11-01'" in text


def test_committed_demo_is_exactly_the_seed_2026_roster(tmp_path):
    demo_data.write_demo_club(tmp_path, members=3000, seed=2026, today=date(2026, 11, 1))
    for name in ("members.csv", "club.yml"):
        assert (tmp_path / name).read_bytes() == (DEMO_DATA_DIR / name).read_bytes(), (
            f"data/demo/{name} differs from a fresh run: python -m evaluate.data.demo")


def test_committed_demo_is_small():
    assert sum(p.stat().st_size for p in DEMO_DATA_DIR.iterdir()) < 1_000_000


@pytest.fixture(scope="module")
def clubs(tmp_path_factory) -> list[str]:
    out = tmp_path_factory.mktemp("chain")
    return [str(p) for p in write_demo_chain(out, 3, members=300, seed=5,
                                             today=date(2026, 11, 1))]


def test_demo_chain_has_distinct_clubs(clubs):
    sizes = {pd.read_csv(f"{c}/members.csv").shape[0] for c in clubs}
    assert len(sizes) > 1  # the clubs differ in size
    assert [c.rsplit("/", 1)[1] for c in clubs] == ["club-01", "club-02", "club-03"]


def test_bundled_demo_chain_regenerates_byte_for_byte(tmp_path):
    from evaluate.paths import DATA_DIR

    folders = write_demo_chain(tmp_path, 3, members=600, seed=2026, today=date(2026, 11, 1))
    for folder in folders:
        committed = DATA_DIR / "demo-chain" / folder.name
        names = sorted(p.name for p in folder.iterdir())
        assert names == sorted(p.name for p in committed.iterdir())
        for name in names:
            assert (folder / name).read_bytes() == (committed / name).read_bytes(), name
