"""The roster date: the latest join or cancel date, check-in or machine session of a club."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluate.data.checkins import CheckinProfile
from evaluate.data.club_data import load_club_data
from evaluate.data.members import load_members
from evaluate.data.roster import last_day, load_roster, roster_date
from evaluate.errors import DataError
from support import LOGS_END, STALE_ROSTER, stale_club


def roster(joins: list[str], cancels: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"join_date": pd.to_datetime(joins).astype("datetime64[us]"),
                         "cancel_date": pd.to_datetime(cancels).astype("datetime64[us]")})


def log(*stamps: str) -> pd.DataFrame:
    return pd.DataFrame({"timestamp": pd.to_datetime(list(stamps)).astype("datetime64[us]")})


def test_without_logs_the_roster_date_is_the_latest_join_or_cancel():
    assert roster_date(roster(["2019-01-05", "2018-06-01"], [None, "2019-03-03"])) == \
        pd.Timestamp("2019-03-03")
    assert roster_date(roster(["2019-01-05"], [None])) == pd.Timestamp("2019-01-05")
    empty = log()
    assert roster_date(roster(["2019-01-05"], [None]), empty, empty) == pd.Timestamp("2019-01-05")


def test_the_newest_check_in_or_session_moves_it_on_to_its_day():
    members = roster(["2019-01-05"], ["2019-03-03"])
    assert roster_date(members, log("2026-11-30 21:45", "2026-10-02 07:00")) == \
        pd.Timestamp("2026-11-30")
    assert roster_date(members, None, log("2026-12-01 06:10")) == pd.Timestamp("2026-12-01")
    assert roster_date(members, log("2026-11-30 21:45"), log("2026-10-01 06:10")) == \
        pd.Timestamp("2026-11-30")
    # A log older than the roster leaves it.
    assert roster_date(members, log("2018-05-01 10:00")) == pd.Timestamp("2019-03-03")


def test_a_check_in_profile_gives_the_same_day_as_its_log():
    checkins = log("2026-11-29 23:59", "2026-11-01 00:00")
    checkins["member_id"] = pd.Categorical(["M1", "M2"])
    profile = CheckinProfile.of(checkins)
    assert last_day(profile) == last_day(checkins) == pd.Timestamp("2026-11-29")
    assert last_day(CheckinProfile.of(checkins.iloc[:0])) is None and last_day(None) is None


def test_a_stale_roster_with_current_logs_is_dated_by_its_logs(tmp_path):
    """No join since 2019, check-ins to last month: the club's date is the last check-in."""
    club = stale_club(tmp_path)
    assert load_members(club)["join_date"].max() == pd.Timestamp(STALE_ROSTER)
    data = load_club_data(club)
    assert data.roster_date == pd.Timestamp(LOGS_END)
    assert data.roster_date is data.roster_date  # worked out once
    read = load_roster(club)
    assert read.roster_date == pd.Timestamp(LOGS_END) and len(read.members) == 3000


def test_ages_are_checked_on_the_roster_date(tmp_path):
    """A member 13 on the roster's own latest date but 20 on its roster date is fine; one
    who would be 111 on the roster date is out of range, and the rule names that date."""
    club = stale_club(tmp_path)
    path = club / "members.csv"
    lines = path.read_text(encoding="utf-8").splitlines()

    def born(row: int, year: str) -> None:
        cells = lines[row - 1].split(",")
        cells[1] = year
        path.write_text("\n".join([*lines[:row - 1], ",".join(cells), *lines[row:]]) + "\n",
                        encoding="utf-8")

    born(2, "2006")  # 13 on 2019-03-03, 20 on 2026-10-31
    with pytest.raises(DataError, match="age out of range"):
        load_members(club)  # read alone, on the roster's own latest date
    assert load_roster(club).members["birth_year"].iloc[0] == 2006
    assert load_club_data(club).check.errors == []

    born(3, "1915")  # 104 on 2019-03-03, 111 on 2026-10-31
    load_members(club)  # fine on 2019-03-03
    with pytest.raises(DataError) as raised:
        load_roster(club)
    (problem,) = raised.value.problems
    assert (problem.message, problem.row, problem.value) == ("age out of range", 3, "1915")
    assert f"on {LOGS_END} (the roster date" in problem.rule
    with pytest.raises(DataError, match="age out of range"):
        load_club_data(club)


def test_an_unreadable_roster_still_lists_its_ages(tmp_path):
    club = stale_club(tmp_path)
    path = club / "members.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",active,", ",actve,").replace(lines[1].split(",")[1], "1850")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_roster(club)
    assert {p.message for p in raised.value.problems} == {"unknown value", "age out of range"}
