"""Usage review: weeks, forecast ramp, verdict, peak hour, privacy and calibration."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluate.data.assumptions import default_assumptions
from evaluate.data.checks import FolderCheck
from evaluate.data.club import ClubInfo
from evaluate.data.club_data import ClubData
from evaluate.model.calibration import calibrate_uptake
from evaluate.model.demand import forecast_usage
from evaluate.reports.usage_review import analysis as usage_review
from evaluate.reports.usage_review import sections as usage_review_text
from evaluate.reports.usage_review.analysis import (
    DAYS_PER_MONTH,
    Forecast,
    PeakLoad,
    ReviewPeriod,
    actual_weekly,
    check_machine,
    daily_ramp,
    distinct_users,
    hour_profile,
    log_name,
    peak_load,
    review_period,
    verdict,
    weekly_comparison,
)
from model_support import AS_OF, machines, roster

IDS = ["bench", "rower", "new"]


def log(rows: list[tuple[str, str, float, str | None]]) -> pd.DataFrame:
    """A usage log as the loader returns it: (timestamp, equipment_id, minutes, member_id)."""
    members = sorted({r[3] for r in rows if r[3]}) or ["M1"]
    frame = pd.DataFrame({
        "timestamp": pd.to_datetime([r[0] for r in rows]).astype("datetime64[us]"),
        "equipment_id": pd.Categorical([r[1] for r in rows], categories=IDS),
        "duration_min": [float(r[2]) for r in rows],
        "member_id": pd.Categorical([r[3] for r in rows], categories=members)})
    frame.attrs.update(file=Path("/club/equipment_usage.csv"), warnings=[])
    return frame


def equipment(**bench: object) -> pd.DataFrame:
    """Three machines with what the model and the money core read: bench owned, new not."""
    money = {"price": 500.0, "price_low": np.nan, "price_high": np.nan,
             "installation_cost": 0.0, "annual_maintenance": 0.0, "lifespan_years": 10.0,
             "footprint_m2": 4.0}
    return machines([
        {"equipment_id": "bench", "name": "Back bench", "owned_units": 1,
         "session_minutes": 30.0, **money, **bench},
        {"equipment_id": "rower", "name": "Rowing machine", "equipment_type": "cardio",
         "muscles": "quadriceps;hamstrings;upper_back;arms;core", "back_care_relevance": "low",
         "supervision": "none", "owned_units": 2, **money},
        {"equipment_id": "new", "name": "Reverse hyper", "owned_units": 0, **money}])


# A log from Wednesday 7 to Tuesday 27 January 2026 (21 days): weeks starting Mon 5 (5 days),
# 12 and 19 (full) and 26 (2 days).
SESSIONS = [
    ("2026-01-07 18:10", "bench", 30, "M01"), ("2026-01-08 09:00", "bench", 10, "M02"),
    ("2026-01-12 18:00", "bench", 30, "M01"), ("2026-01-14 07:30", "bench", 10, "M03"),
    ("2026-01-16 12:00", "bench", 10, "M02"), ("2026-01-19 18:00", "bench", 30, "M04"),
    ("2026-01-20 06:00", "rower", 20, "M05"), ("2026-01-26 18:00", "bench", 30, "M01"),
    ("2026-01-27 21:00", "rower", 15, "M05"),
]


@pytest.fixture
def usage() -> pd.DataFrame:
    return log(SESSIONS)


def period(start: str, end: str, installed: str | None = None) -> ReviewPeriod:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return ReviewPeriod(first, last, None if installed is None else date.fromisoformat(installed),
                        first, last, first, True)


def forecast(sessions: list[float], most_likely: float, adoption: float = 0.0,
             utilisation: list[float] | None = None, minutes: float = 30.0) -> Forecast:
    return Forecast(
        equipment_id="bench", name="Back bench", units=1, servers=1, session_minutes=minutes,
        most_likely=most_likely, utilisation_most_likely=0.3, adoption_most_likely=adoption,
        sessions=np.array(sessions), utilisation=np.array(utilisation or [0.2, 0.3, 0.4]),
        adoption_months=np.full(len(sessions), adoption), peak_source="check-in log",
        peak_hour="Mon 18:00", members=40, roster_date=date(2026, 11, 1), draws=len(sessions),
        seed=1)


# ---------------------------------------------------------------- checks

def test_a_machine_missing_from_equipment_csv_is_named_with_the_fix(usage):
    with pytest.raises(ValueError) as error:
        check_machine(equipment(), usage, "benc", Path("/club"))
    message = str(error.value)
    assert "machine 'benc' is not in equipment.csv (/club/equipment.csv)" in message
    assert "machines with sessions in the log: bench, rower" in message
    assert "did you mean 'bench'?" in message and "add the machine to equipment.csv" in message


def test_a_machine_without_sessions_lists_those_with_a_log(usage):
    with pytest.raises(ValueError, match=r"machine 'new' has no sessions in the usage log "
                       r"\(/club/equipment_usage.csv\); machines with sessions in the log: "
                       r"bench, rower\. Fix: set equipment_id to one of them"):
        check_machine(equipment(), usage, "new", Path("/club"))


def test_a_logged_machine_the_club_does_not_own_and_a_missing_log(usage):
    with pytest.raises(ValueError, match="owned_units is 0 in /club/equipment.csv"):
        check_machine(equipment(owned_units=0), usage, "bench", Path("/club"))
    empty = usage.iloc[0:0].copy()
    empty.attrs.update(file=None)
    with pytest.raises(ValueError, match="no usage log in /club.*equipment_usage.csv or "
                       "equipment_usage.parquet"):
        check_machine(equipment(), empty, "bench", Path("/club"))
    with pytest.raises(ValueError, match="no usage log in /club.*Fix: add the log"):
        check_machine(equipment(), None, "bench", Path("/club"))  # as ClubData has it
    assert (log_name(usage), log_name(None)) == ("equipment_usage.csv", "equipment_usage.csv")
    check_machine(equipment(), usage, "rower", Path("/club"))  # fine: no error


# ---------------------------------------------------------------- periods and weeks

def test_period_without_installation_is_the_whole_log(usage):
    p = review_period(usage, "bench", None, adoption_months=3)
    assert (p.log_start, p.log_end) == (date(2026, 1, 7), date(2026, 1, 27))
    assert (p.start, p.settled_start, p.days, p.settled) == (date(2026, 1, 7),
                                                              date(2026, 1, 7), 21, True)


def test_period_after_installation_and_its_settled_part(usage):
    """The rower, installed Wed 14 Jan: a 0.25-month ramp is ceil(7.6) = 8 days, so settled
    from 22 Jan: 6 days, fewer than 28, so the settled period falls back to the compared one."""
    p = review_period(usage, "rower", date(2026, 1, 14), adoption_months=0.25)
    assert (p.start, p.end, p.days) == (date(2026, 1, 14), date(2026, 1, 27), 14)
    assert (p.settled, p.settled_start) == (False, date(2026, 1, 14))
    p = review_period(usage.iloc[2:], "bench", date(2025, 12, 1), adoption_months=0.25)
    assert (p.start, p.settled_start, p.settled) == (date(2026, 1, 12), date(2026, 1, 12), True)


def test_installation_dates_that_contradict_the_log(usage):
    with pytest.raises(ValueError, match="installed 2026-02-01 is after the usage log's last "
                       "day, 2026-01-27"):
        review_period(usage, "bench", date(2026, 2, 1), 3)
    with pytest.raises(ValueError, match="the usage log has 3 sessions on bench before its "
                       "installation date 2026-01-13 \\(the first on 2026-01-07\\)"):
        review_period(usage, "bench", date(2026, 1, 13), 3)


def test_weeks_keep_their_days_and_partial_weeks_are_flagged(usage):
    weeks = actual_weekly(usage, "bench", period("2026-01-07", "2026-01-27"))
    assert weeks["week_start"].dt.strftime("%m-%d").tolist() == ["01-05", "01-12", "01-19",
                                                                "01-26"]
    assert weeks["days"].tolist() == [5, 7, 7, 2]
    assert weeks["full_week"].tolist() == [False, True, True, False]
    assert weeks["sessions"].tolist() == [2, 3, 1, 1]
    assert weeks["minutes"].tolist() == [40.0, 50.0, 30.0, 30.0]
    rower = actual_weekly(usage, "rower", review_period(usage, "rower", date(2026, 1, 14), 3))
    assert rower["days"].tolist() == [5, 7, 2] and rower["sessions"].tolist() == [0, 1, 1]


# ---------------------------------------------------------------- forecast over the weeks

def test_ramp_from_installation_by_day_and_by_week():
    """A 14-day ramp from Monday 5 January: weeks average 3.5/14, 10.5/14, then full."""
    p = period("2026-01-05", "2026-01-25", "2026-01-05")
    ramp = daily_ramp(p, 14 / DAYS_PER_MONTH)
    assert ramp.shape == (1, 21)
    np.testing.assert_allclose(ramp[0, :3], [0.5 / 14, 1.5 / 14, 2.5 / 14])
    np.testing.assert_allclose(ramp[0, 14:], 1.0)
    assert (daily_ramp(period("2026-01-05", "2026-01-25"), [1.0, 2.0]) == 1).all()

    weeks = pd.DataFrame({"week_start": pd.to_datetime(["2026-01-05", "2026-01-12",
                                                        "2026-01-19"]),
                          "days": [7, 7, 7], "full_week": True, "sessions": [20, 70, 95],
                          "minutes": 0.0})
    out = weekly_comparison(weeks, forecast([80, 100, 120], 100, 14 / DAYS_PER_MONTH), p)
    np.testing.assert_allclose(out["forecast_most_likely"], [25, 75, 100])
    np.testing.assert_allclose(out["forecast_p10"], [20, 60, 80])
    np.testing.assert_allclose(out["forecast_p50"], [25, 75, 100])
    np.testing.assert_allclose(out["forecast_p90"], [30, 90, 120])


def test_a_partial_week_gets_the_forecast_of_its_days():
    p = period("2026-01-07", "2026-01-13")
    weeks = pd.DataFrame({"week_start": pd.to_datetime(["2026-01-05", "2026-01-12"]),
                          "days": [5, 2], "full_week": False, "sessions": [5, 2],
                          "minutes": 0.0})
    out = weekly_comparison(weeks, forecast([70, 70, 70], 70), p)
    np.testing.assert_allclose(out["forecast_most_likely"], [50, 20])
    np.testing.assert_allclose(out["forecast_p90"], [50, 20])


# ---------------------------------------------------------------- verdicts

def test_verdict_within_above_and_below_in_plain_words():
    within = verdict(106, 120, 90, 128, 174)
    assert within.position == "within" and within.beyond_band == 0
    assert within.text == ("within the forecast range of 90–174 a week, and 12% below the "
                           "most-likely forecast of 120")
    above = verdict(172, 74, 53, 78, 109)
    assert above.position == "above" and above.beyond_band == 63
    assert above.text == ("above the forecast range of 53–109 a week: 63 a week more than its "
                          "top, and 2.3 times the most-likely forecast of 74")
    below = verdict(4.5, 10, 6, 10, 15)
    assert below.position == "below" and below.beyond_band == -1.5
    assert below.versus_most_likely == pytest.approx(-0.55)
    assert below.text == ("below the forecast range of 6.0–15 a week: 1.5 a week fewer than "
                          "its bottom, and 55% below the most-likely forecast of 10")
    assert verdict(100, 100, 90, 100, 110).text.endswith("the same as the most-likely forecast")


# ---------------------------------------------------------------- peak hour and users

def test_peak_hour_against_the_forecast(usage):
    """Bench, 1 unit: 30 minutes on each of the three Mondays at 18:00 = busy 0.5 of the hour,
    between the 0.4 and 0.6 of target_peak_utilisation: getting busy."""
    p = period("2026-01-07", "2026-01-27")
    target = default_assumptions()["target_peak_utilisation"]
    peak = peak_load(usage, equipment(), forecast([1, 2, 3], 2), p, target)
    assert (peak.weekday, peak.hour, peak.busy_share) == (0, 18, 0.5)
    assert (peak.forecast_most_likely, peak.forecast_p10, peak.forecast_p90) == (0.3, 0.2, 0.4)
    assert peak.level == "getting busy" and peak.when == "Mondays 18:00–19:00"
    assert peak.text == ("At its busiest hour (Mondays 18:00–19:00) it is in use 50% of the "
                         "time, against a forecast of 30% (P10–P90 20%–40%); busy enough that "
                         "members sometimes wait.")
    crowded = peak_load(usage, equipment(), forecast([1], 1), p,
                        target.model_copy(update={"low": 0.2, "high": 0.3}))
    assert crowded.level == "crowded"


def test_a_forecast_over_capacity_is_said_in_words_not_as_a_percent_over_100():
    """The forecast's busiest hour at 1597% (P10-P90 1205%-2317%) once read "against a
    forecast of 1597%"."""
    peak = PeakLoad(0, 18, 0.18, 15.97, 12.05, 23.17, 0.4, 0.6, "room to spare")
    assert peak.text == ("At its busiest hour (Mondays 18:00–19:00) it is in use 18% of the "
                         "time, against a forecast of over capacity (P10–P90 over capacity), "
                         "in which more members want the machine than it can serve: the queue "
                         "grows without limit; there is room to spare, so members rarely wait.")
    partly = PeakLoad(0, 18, 0.18, 0.7, 0.5, 1.4, 0.4, 0.6, "room to spare")
    assert "against a forecast of 70% (P10–P90 50% to over capacity);" in partly.text


def test_hour_profile_counts_session_starts(usage):
    """Mondays 18:00: 3 sessions over the 3 Mondays = 1 an hour; every day: 4 sessions at 18
    over 21 days; capacity at the log's average bench session (150 / 7 minutes) = 2.8 an hour."""
    hours = hour_profile(usage, forecast([1], 1), period("2026-01-07", "2026-01-27"), 0)
    assert hours["hour"].tolist() == list(range(6, 22))  # the hours the club is in use
    at = hours.set_index("hour")
    assert at.loc[18, "busiest_day"] == 1.0 and at.loc[9, "busiest_day"] == 0.0
    assert at.loc[18, "average_day"] == pytest.approx(4 / 21)
    assert at.loc[6, "average_day"] == 0.0  # the rower's session is not the bench's
    np.testing.assert_allclose(hours["capacity"], 2.8)


def test_distinct_users_only_as_a_large_enough_total():
    rows = [(f"2026-01-{d:02d} 10:00", "bench", 10, f"M{d:02d}") for d in range(5, 17)]
    p = period("2026-01-05", "2026-01-16")
    assert distinct_users(log(rows), "bench", p, 10) == 12
    assert distinct_users(log(rows), "bench", p, 13) is None
    assert distinct_users(log(rows[:9]), "bench", p, 2) is None  # never below 10
    assert distinct_users(log([(r[0], r[1], r[2], None) for r in rows]), "bench", p) is None
    # Of the active members the report names: 12 of 15 would single out the other 3.
    assert distinct_users(log(rows), "bench", p, of=15) is None
    assert distinct_users(log(rows), "bench", p, of=12) == 12
    assert distinct_users(log(rows), "bench", p, of=22) == 12
    assert distinct_users(log(rows), "bench", p, of=8) == 12  # users who have since left


def test_a_week_resting_on_too_few_members_is_hidden_and_one_more_with_it():
    """The partial week's 3 members hide it; with the average printed, the 15-member week goes
    too, else the partial week would be the total less the weeks drawn."""
    weeks = pd.DataFrame({"week_start": pd.to_datetime(["2026-01-05", "2026-01-12",
                                                        "2026-01-19", "2026-01-26"]),
                          "days": [2, 7, 7, 7], "full_week": [False, True, True, True],
                          "sessions": [3, 15, 20, 0], "minutes": [30.0, 150.0, 200.0, 0.0]})
    rows = ([(f"2026-01-{10 + i % 2} 10:00", "bench", 10, f"M{i:02d}") for i in range(3)]
            + [("2026-01-13 10:00", "bench", 10, f"M{10 + i:02d}") for i in range(15)]
            + [("2026-01-20 10:00", "bench", 10, f"M{30 + i:02d}") for i in range(20)])
    out = usage_review.private_weeks(weeks, log(rows), shown=True)
    assert out["suppressed"].tolist() == [True, True, False, False]
    assert out["sessions"].tolist()[2:] == [20, 0] and out["sessions"].isna().sum() == 2
    assert out["minutes"].isna().tolist() == [True, True, False, False]
    hidden = usage_review.private_weeks(weeks, log(rows), shown=False)
    assert hidden["suppressed"].all() and hidden["sessions"].isna().all()  # its 0 too
    assert weeks["sessions"].tolist() == [3, 15, 20, 0]  # input untouched


def test_hours_resting_on_too_few_members_are_hidden():
    """Bench starts on Mondays at 18:00 by 12 members, at 07:00 by 2; every day at 12:00 by
    5 more; the busiest day's 12:00 is 1 member."""
    rows = ([("2026-01-05 18:00", "bench", 10, f"M{i:02d}") for i in range(12)]
            + [("2026-01-05 07:00", "bench", 10, f"M{20 + i:02d}") for i in range(2)]
            + [(f"2026-01-{5 + i:02d} 12:00", "bench", 10, f"M{30 + i:02d}") for i in range(5)])
    hours = pd.DataFrame({"hour": [7, 12, 18, 20], "busiest_day": [2.0, 1.0, 12.0, 0.0],
                          "average_day": [2 / 7, 5 / 7, 12 / 7, 0.0], "capacity": 6.0})
    f = forecast([1], 1, minutes=30.0)
    out = usage_review.private_hours(hours, log(rows), 0, True, f)
    assert out["busiest_day"].isna().tolist() == [True, True, False, False]
    assert out["average_day"].isna().tolist() == [True, True, False, False]
    assert out["capacity"].tolist() == [6.0] * 4  # the log's session length: shown
    no_day = usage_review.private_hours(hours, log(rows), None, True, f)
    assert no_day["busiest_day"].isna().all() and no_day["suppressed_busiest_day"].all()
    none = usage_review.private_hours(hours, log(rows), 0, False, f)
    assert none[["busiest_day", "average_day"]].isna().all(axis=None)
    assert none["capacity"].tolist() == [2.0] * 4  # 1 server × 60 / 30 (equipment.csv)


def test_the_busiest_hour_of_too_few_members_is_not_shown(usage):
    """The bench's Mondays 18:00 are 2 members' (M01, M04): hour, share and level go."""
    p = period("2026-01-07", "2026-01-27")
    target = default_assumptions()["target_peak_utilisation"]
    peak = peak_load(usage, equipment(), forecast([1, 2, 3], 2), p, target)
    bench = usage.loc[usage["equipment_id"] == "bench"]
    hidden = usage_review.private_peak(peak, bench, True)
    assert (hidden.weekday, hidden.hour, hidden.busy_share, hidden.level) == (None,) * 4
    assert (hidden.when, hidden.day, hidden.shown) == ("", "", False)
    assert hidden.forecast_most_likely == peak.forecast_most_likely  # the model's stays
    assert hidden.text == ("At its busiest hour the model forecasts it in use 30% of the time "
                           "(P10–P90 20%–40%).")
    many = log([("2026-01-05 18:00", "bench", 30, f"M{i:02d}") for i in range(10)])
    assert usage_review.private_peak(peak, many, True) == peak
    assert not usage_review.private_peak(peak, many, False).shown


# ---------------------------------------------------------------- a whole review

@pytest.fixture
def club_inputs() -> ClubData:
    """40 members; the bench has 3 sessions a week for 4 full weeks from Monday 5 January."""
    members = roster([{"training_goal": "strength", "occupation_activity": "desk"}] * 20
                     + [{"training_goal": "general_fitness"}] * 20)
    rows = [(f"2026-01-{5 + 7 * w + d:02d} {h}:00", "bench", 10, f"M{(w * 3 + d) % 40:04d}")
            for w in range(4) for d, h in ((0, 18), (2, 7), (4, 12))]
    rows.append(("2026-02-01 20:00", "rower", 15, "M0001"))
    return ClubData(data_dir=Path("/club"), club=ClubInfo(name="Test", currency="EUR"),
                    members=members, equipment=equipment(), assumptions=default_assumptions(),
                    checkins=None, usage=log(rows), check=FolderCheck(Path("/club")))


def test_a_review_of_a_small_club(club_inputs):
    review = usage_review.review_usage(club_inputs, "bench", draws=500, seed=3, as_of=AS_OF,
                                       min_group_size=10)
    assert review.verdict.actual == 3.0  # 12 sessions over 28 days
    likely = forecast_usage(club_inputs.members, club_inputs.equipment.iloc[[0]],
                            club_inputs.assumptions, units=1, as_of=AS_OF)
    assert review.verdict.most_likely == pytest.approx(likely["weekly_sessions"].iloc[1])
    assert review.verdict.p10 <= review.verdict.p50 <= review.verdict.p90
    # 12 members in all, but each week's 3 sessions are 3 members': no week is shown, nor the
    # busiest hour (Mondays 18:00: 4 members), nor any hour with sessions (an empty one is 0).
    assert review.weekly["full_week"].all() and review.weekly["suppressed"].all()
    assert review.weekly["sessions"].isna().all() and review.weekly["minutes"].isna().all()
    assert review.peak.busy_share is None and review.peak.when == ""
    assert review.hours["busiest_day"].isna().all()
    assert review.hours["average_day"].isna().sum() == 3  # 07:00, 12:00 and 18:00
    assert (review.hours["average_day"].dropna() == 0).all()
    assert review.users == 12 and review.session_minutes == 10.0
    assert review.name == "the back bench" and review.forecast.members == 40
    calibration = usage_review.review_calibration(club_inputs, review, as_of=AS_OF)
    table = calibration.table.set_index("quantity")
    model = table.loc["Forecast weekly sessions at full adoption, most likely"]
    assert model["before"] == pytest.approx(review.verdict.most_likely)
    assert model["after"] == pytest.approx(3.0, rel=1e-6)
    assert table.loc["Weekly sessions in the log", "after"] == 3.0
    assert calibration.candidates["equipment_id"].tolist() == ["new"]  # leans on the bench
    off = usage_review.review_calibration(club_inputs, review, enabled=False)
    assert off.factor is None
    assert "turned off" in usage_review_text.calibration_markdown(review, off)
    text = "\n".join([usage_review_text.headline_markdown(review, calibration),
                      usage_review_text.summary_markdown(review),
                      usage_review_text.calibration_markdown(review, calibration),
                      usage_review_text.data_note_markdown(review)])
    assert "M00" not in text and "12 different members" in text
    assert "Demo data" not in text  # the club is not synthetic
    small = usage_review.review_usage(club_inputs, "bench", draws=500, seed=3, as_of=AS_OF,
                                      min_group_size=20)
    assert small.users is None
    assert "Fewer than 20 different members" in usage_review_text.data_note_markdown(small)


def _three_members(club: ClubData, *, anonymous: bool = False) -> ClubData:
    """``club`` with every bench session by one of 3 members (or by no one named)."""
    usage = club.usage.copy()
    bench = usage["equipment_id"] == "bench"
    ids = usage["member_id"].astype(object)
    ids[bench] = [None if anonymous else f"M{i % 3:04d}" for i in range(int(bench.sum()))]
    usage["member_id"] = ids.astype("category")
    usage.attrs = club.usage.attrs
    return dataclasses.replace(club, usage=usage)


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_machine_used_by_three_members_shows_only_its_forecast(club_inputs, anonymous):
    club = _three_members(club_inputs, anonymous=anonymous)
    review = usage_review.review_usage(club, "bench", draws=500, seed=3, as_of=AS_OF)
    shown = usage_review.review_usage(club_inputs, "bench", draws=500, seed=3, as_of=AS_OF)
    assert review.shown == usage_review.Shown(log=False, machine=False, settled=False)
    assert review.verdict is None and review.actual is None and review.position is None
    assert review.session_minutes is None and review.users is None
    assert not review.peak.shown and review.peak.when == ""
    assert review.weekly["sessions"].isna().all() and review.weekly["minutes"].isna().all()
    assert review.hours[["busiest_day", "average_day"]].isna().all(axis=None)
    assert review.expected == shown.expected  # the forecast rests on no log
    assert review.hours["capacity"].iloc[0] == 1 * 60 / 30.0  # equipment.csv's 30 minutes
    calibration = usage_review.review_calibration(club, review, as_of=AS_OF)
    assert calibration.factor is None and calibration.table.empty
    assert calibration.text == ("Not calibrated: fewer than 10 members used the back bench, "
                                "and a factor calibrated on their sessions would give their "
                                "use away.")
    lead = ("**The usage log names no member for the sessions on the back bench" if anonymous
            else "**Fewer than 10 members used the back bench (the figures of so few members "
            "are not shown).**")
    page = "\n".join([usage_review_text.headline_markdown(review, calibration),
                      usage_review_text.summary_markdown(review),
                      usage_review_text.hours_withheld(review),
                      usage_review_text.calibration_markdown(review, calibration),
                      usage_review_text.data_note_markdown(review)])
    assert page.startswith(lead)
    assert "times a week" not in page and "Sessions last" not in page  # use and minutes
    assert "| 3.0 |" not in page and "| 10.0 |" not in page  # 3 a week, 10 minutes each
    assert "January 2026" not in page  # the log's dates: its members are 4 in all
    assert "| Sessions a week | not shown |" in page
    assert usage_review_text.key_figures(review, calibration)[0] == {
        "label": "Actual use", "text": "not shown (fewer than 10 members)"}
    assert "so its use is not shown" in usage_review_text.headline_sentence(review)


def test_too_early_to_calibrate(club_inputs):
    review = usage_review.review_usage(club_inputs, "bench", installed=date(2026, 1, 5),
                                       draws=200, seed=3, as_of=AS_OF)
    assert not review.period.settled
    assert review.verdict.most_likely < review.forecast.most_likely  # still ramping up
    calibration = usage_review.review_calibration(club_inputs, review, as_of=AS_OF)
    assert calibration.factor is None and "Too early to calibrate" in calibration.text


# ---------------------------------------------------------------- the demo club


def test_demo_back_extension_is_within_its_forecast(demo_club):
    """5,551 sessions over the 365 days of the log = 106.5 a week (5,505 before the demo's users
    followed its members' segments, demo_logs.TRUE_USE); forecast 117.4 (most likely;
    the 116 junior members add no back-pain users), P10-P90 about 87-168 (the back-care label
    drawn within half a level): within, 10% below the most likely."""
    review = usage_review.review_usage(demo_club, "back_extension_45")
    v = review.verdict
    assert v.actual == pytest.approx(5551 / 365 * 7)
    assert v.most_likely == pytest.approx(117.4, abs=0.05)
    assert v.p10 == pytest.approx(87.3, abs=0.1) and v.p90 == pytest.approx(168.5, abs=0.1)
    assert v.position == "within"
    assert review.weekly["full_week"].sum() == 51 and review.weekly["days"].sum() == 365
    assert (review.peak.when, review.peak.level) == ("Mondays 18:00–19:00", "room to spare")
    calibration = usage_review.review_calibration(demo_club, review)
    club = demo_club
    reference = calibrate_uptake(club.members, club.equipment, club.usage, club.assumptions,
                                 "reverse_hyper", club.checkins)
    assert calibration.factor == pytest.approx(reference.factor, rel=1e-12)  # same log, same k
    assert calibration.candidates["equipment_id"].tolist() == ["reverse_hyper"]


def test_demo_rower_counts_its_two_units(demo_club):
    review = usage_review.review_usage(demo_club, "rower", draws=2000)
    assert review.forecast.units == 2 and review.forecast.servers == 2
    assert review.verdict.position == "above"
    assert review.hours["capacity"].iloc[0] == pytest.approx(2 * 60 / review.session_minutes)


def test_demo_machines_that_cannot_be_reviewed(demo_club):
    with pytest.raises(ValueError, match="'reverse_hyper' has no sessions in the usage log.*"
                       "back_extension_45, leg_press, rower"):
        usage_review.review_usage(demo_club, "reverse_hyper")
    with pytest.raises(ValueError, match="did you mean 'back_extension_45'"):
        usage_review.review_usage(demo_club, "back_extension")


def test_a_stale_roster_is_reviewed_on_its_last_session(tmp_path):
    """No join since 2019, sessions to 2026-10-31: the forecast counts and ages the members on
    that day, and the calibration with it; an explicit as_of still wins."""
    from evaluate.data.club_data import load_club_data
    from evaluate.model.prepared import model_inputs
    from support import LOGS_END, STALE_ROSTER, stale_club

    data = load_club_data(stale_club(tmp_path))
    review = usage_review.review_usage(data, "back_extension_45", draws=200, seed=3)
    assert review.forecast.roster_date == date.fromisoformat(LOGS_END)
    machine = data.equipment.loc[data.equipment["equipment_id"] == "back_extension_45"]
    now = model_inputs(data.members, machine, data.assumptions, as_of=LOGS_END)
    then = model_inputs(data.members, machine, data.assumptions, as_of=STALE_ROSTER)
    assert not np.array_equal(now.segments.base, then.segments.base)  # ages moved on
    old = usage_review.review_usage(data, "back_extension_45", draws=200, seed=3,
                                    as_of=date.fromisoformat(STALE_ROSTER))
    assert old.forecast.roster_date == date.fromisoformat(STALE_ROSTER)
    assert usage_review.review_calibration(data, review).factor == pytest.approx(
        usage_review.review_calibration(data, review,
                                        as_of=date.fromisoformat(LOGS_END)).factor)
