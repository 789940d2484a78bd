"""Segmenting the roster: integer codes per member and the segment grid they index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.data.club_data import load_club_data
from evaluate.data.members import SEXES, TRAINING_GOALS
from evaluate.data.roster import Roster
from evaluate.model.segments import (
    ACTIVITIES,
    GOALS,
    RosterDay,
    active_mask,
    age_labels,
    as_of_day,
    member_codes,
    no_active_member,
    roster_on,
    segment_frame,
    segment_index,
    visit_band,
)
from model_support import AS_OF, roster
from support import LOGS_END, STALE_ROSTER, stale_club

BAND_MIN = np.array([18, 30, 45, 65])  # lower bounds of four age bands
BANDS = ("18-29", "30-44", "45-64", "65+")


def test_age_codes_run_from_under_the_bands_to_unknown():
    assert age_labels(BANDS) == ("under 18", *BANDS, "unknown")


def test_each_member_is_coded_by_age_band_sex_activity_and_goal():
    members = roster([
        {"birth_year": 2010},  # 16 in 2026: under the bands
        {"birth_year": 1996, "sex": "M", "occupation_activity": "desk"},  # 30: second band
        {"birth_year": 1997, "occupation_activity": "active", "training_goal": "strength"},
        {"birth_year": 1961, "training_goal": "rehab", "visits_per_week": 0.5},  # 65: last band
        {"birth_year": None, "sex": "X"},  # unknown age
    ])
    codes = member_codes(members, BAND_MIN, pd.Timestamp(AS_OF))
    assert codes.age.tolist() == [0, 2, 1, 4, 5]
    assert codes.sex.tolist() == [SEXES.index(s) for s in ("F", "M", "F", "F", "X")]
    assert [ACTIVITIES[a] for a in codes.activity] == ["unknown", "desk", "active", "unknown",
                                                       "unknown"]
    assert [GOALS[g] for g in codes.goal] == ["unknown", "unknown", "strength", "rehab",
                                              "unknown"]
    assert codes.visits.tolist() == [2.0, 2.0, 2.0, 0.5, 2.0]


def test_segments_are_numbered_row_major_and_the_frame_labels_them():
    members = roster([{"birth_year": 1996, "sex": "M", "occupation_activity": "desk",
                       "training_goal": "sport"}, {"birth_year": None, "sex": "X"}])
    codes = member_codes(members, BAND_MIN, pd.Timestamp(AS_OF))
    labels = age_labels(BANDS)
    for with_goal in (False, True):
        frame = segment_frame(labels, with_goal)
        size = len(labels) * len(SEXES) * len(ACTIVITIES) * (len(GOALS) if with_goal else 1)
        assert len(frame) == size
        index = segment_index(codes, with_goal)
        assert index.max() < size
        first = frame.iloc[index[0]]
        assert (first["age_band"], first["sex"], first["activity"]) == ("30-44", "M", "desk")
        last = frame.iloc[index[1]]
        assert (last["age_band"], last["sex"], last["activity"]) == ("unknown", "X", "unknown")
        if with_goal:
            assert (first["training_goal"], last["training_goal"]) == ("sport", "unknown")
    assert list(segment_frame(labels, True)["training_goal"].cat.categories) == [
        *TRAINING_GOALS, "unknown"]


@pytest.mark.parametrize("with_goal", [False, True])
def test_distinct_members_get_distinct_segments_exactly_when_their_codes_differ(with_goal):
    rng = np.random.default_rng(3)
    members = roster([{"birth_year": int(rng.integers(1940, 2015)),
                       "sex": str(rng.choice(list(SEXES))),
                       "occupation_activity": rng.choice(["desk", "active", None]),
                       "training_goal": rng.choice(["strength", "sport", None])}
                      for _ in range(200)])
    codes = member_codes(members, BAND_MIN, pd.Timestamp(AS_OF))
    keys = np.stack([codes.age, codes.sex, codes.activity]
                    + ([codes.goal] if with_goal else []), axis=1)
    index = segment_index(codes, with_goal)
    assert len(np.unique(keys, axis=0)) == len(np.unique(index))


def test_the_day_is_the_one_given_or_the_rosters_latest_date():
    members = roster([{"join_date": "2026-05-01"},
                      {"status": "cancelled", "cancel_date": "2026-09-15"}])
    assert as_of_day(members, "2026-11-01") == pd.Timestamp("2026-11-01")
    assert as_of_day(members) == as_of_day(members, "") == pd.Timestamp("2026-09-15")


def test_a_clubs_day_is_its_roster_date_with_its_logs_unless_as_of_is_set(tmp_path):
    """No join since 2019, check-ins to 2026-10-31: the club's day is its last check-in, and
    ages are taken on it (seven years more than on the roster's own latest date)."""
    data = load_club_data(stale_club(tmp_path))
    assert as_of_day(data.members) == pd.Timestamp(STALE_ROSTER)  # the roster alone
    assert as_of_day(data) == as_of_day(data, "") == pd.Timestamp(LOGS_END)
    assert as_of_day(Roster(data.members, data.roster_date)) == pd.Timestamp(LOGS_END)
    assert as_of_day(data, "2020-01-01") == pd.Timestamp("2020-01-01")  # as_of still wins
    band_min = np.array([18.0, 30.0, 45.0, 65.0])
    now = member_codes(data.members, band_min, as_of_day(data)).age
    then = member_codes(data.members, band_min, as_of_day(data.members)).age
    assert (now >= then).all() and (now > then).any()


def test_active_on_a_day_means_joined_and_not_yet_gone():
    members = roster([
        {},  # active since 2020
        {"join_date": "2026-12-01"},  # joins after the day
        {"status": "cancelled", "cancel_date": "2026-12-31"},  # still a member on the day
        {"status": "cancelled", "cancel_date": "2026-06-30"},  # gone before it
        {"status": "frozen"},
    ])
    assert active_mask(members, pd.Timestamp(AS_OF)).tolist() == [True, False, True, False,
                                                                   False]


def test_the_roster_on_a_day_is_counted_in_four_parts():
    members = roster([
        {},  # active
        {"join_date": "2026-12-01"},  # joins after the day
        {"status": "cancelled", "cancel_date": "2026-12-31"},  # still a member on the day
        {"status": "cancelled", "cancel_date": "2026-06-30"},  # gone before it
        {"status": "frozen"},
        {"status": "frozen", "join_date": "2027-01-01"},  # joins after the day
    ])
    assert roster_on(members, pd.Timestamp(AS_OF)) == RosterDay(
        day=pd.Timestamp(AS_OF), active=2, cancelled=1, frozen=1, joined_after=2)


def test_no_active_member_names_the_column_the_counts_and_a_day_with_members():
    members = roster([{"status": "cancelled", "cancel_date": "2026-06-30"},
                      {"status": "cancelled", "cancel_date": "2026-09-15"}, {"status": "frozen"}])
    assert no_active_member(roster([{}]), pd.Timestamp(AS_OF)) is None
    problem = no_active_member(members, pd.Timestamp(AS_OF), file="club/members.csv")
    assert str(problem) == (
        "club/members.csv, column 'status': no member is active on 2026-11-01: 0 active, "
        "2 cancelled, 1 frozen, 0 joined after it\n"
        "    rule: a member is active on the roster date (as_of, empty: the roster's latest "
        "date): joined by then, with status active, or cancelled after it\n"
        "    fix:  check the status column (are the active members in the export?); or give "
        "as_of a date when members were active, e.g. 2026-09-14")
    early = no_active_member(members, pd.Timestamp("2019-03-01"))
    assert early.column == "join_date"
    assert early.message.endswith("0 active, 0 cancelled, 0 frozen, 3 joined after it")
    assert "e.g. 2020-01-01" in early.fix  # the first day a member was active
    frozen = no_active_member(roster([{"status": "frozen"}]), pd.Timestamp(AS_OF))
    assert frozen.fix == ("check the status column (are the active members in the export?); "
                          "or give as_of a date when members were active")


def test_a_pending_cancellation_keeps_the_status_the_export_gives():
    """An active or frozen member with a cancel date after the day (a pending cancellation,
    a fixed term's end) is, on the day, what the export says; after that date, gone."""
    members = roster([
        {"cancel_date": "2026-12-31"},  # active, leaving at the end of December
        {"status": "frozen", "cancel_date": "2027-01-31"},
        {"join_date": "2026-12-01"},  # has not started
        {"join_date": None},  # join date not recorded: a member
    ])
    day = pd.Timestamp(AS_OF)
    assert active_mask(members, day).tolist() == [True, False, False, True]
    assert roster_on(members, day) == RosterDay(day=day, active=2, cancelled=0, frozen=1,
                                                joined_after=1)
    later = pd.Timestamp("2027-02-15")
    assert active_mask(members, later).tolist() == [False, False, True, True]
    assert roster_on(members, later) == RosterDay(day=later, active=2, cancelled=2, frozen=0,
                                                  joined_after=0)


def test_a_day_with_members_counts_pending_cancellations_and_unknown_joins():
    """With every member leaving by a pending cancellation, the nearest day with members is
    the day before the last one leaves; a member with no join date is active throughout."""
    members = roster([{"cancel_date": "2026-12-31"}, {"status": "frozen"}])
    problem = no_active_member(members, pd.Timestamp("2027-02-01"))
    assert "1 cancelled, 1 frozen" in problem.message and "e.g. 2026-12-30" in problem.fix
    assert no_active_member(roster([{"join_date": None}]), pd.Timestamp("2000-01-01")) is None


def test_visit_bands_take_their_lower_bound_and_unknown_visits_apart():
    visits = np.array([0.0, 0.99, 1.0, 1.99, 2.0, 14.0, np.nan])
    assert visit_band(visits).tolist() == [0, 0, 1, 1, 2, 2, 3]
