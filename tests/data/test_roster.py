"""The roster date: club.yml's export_date, else the latest join or cancel date, check-in or
machine session of a club, which dates lying ahead never move."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from evaluate.data.checkins import CheckinProfile, load_checkins
from evaluate.data.club_data import load_club_data
from evaluate.data.members import load_members
from evaluate.data.roster import VisitWindow, last_day, load_roster, roster_date
from evaluate.errors import DataError
from evaluate.paths import DEMO_DATA_DIR
from model_support import roster as typed_roster
from support import LOGS_END, STALE_ROSTER, edited_club, stale_club


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
    # A roster date never lies more than a day after the newest log entry.
    assert roster_date(members, log("2018-05-01 10:00")) == pd.Timestamp("2018-05-02")


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
    """A member 4 on the roster's own latest date but 11 on its roster date is fine; one
    who would be 111 on the roster date is out of range, and the rule names that date."""
    club = stale_club(tmp_path)
    path = club / "members.csv"
    lines = path.read_text(encoding="utf-8").splitlines()

    def born(row: int, year: str) -> None:
        cells = lines[row - 1].split(",")
        cells[1] = year
        path.write_text("\n".join([*lines[:row - 1], ",".join(cells), *lines[row:]]) + "\n",
                        encoding="utf-8")

    born(2, "2015")  # 4 on 2019-03-03, 11 on 2026-10-31
    with pytest.raises(DataError, match="age out of range"):
        load_members(club)  # read alone, on the roster's own latest date
    assert load_roster(club).members["birth_year"].iloc[0] == 2015
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


def without_visits_column(tmp_path) -> Path:
    """A copy of the demo club whose members.csv has no visits_per_week column."""
    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    frame = pd.read_csv(club / "members.csv", dtype=str, keep_default_na=False)
    frame.drop(columns="visits_per_week").to_csv(club / "members.csv", index=False)
    return club


def test_with_a_check_in_log_visits_come_from_its_last_twelve_weeks(tmp_path):
    club = without_visits_column(tmp_path)
    assert load_members(club)["visits_per_week"].isna().all()
    read = load_roster(club)
    assert read.visits_window == VisitWindow(date(2026, 8, 9), date(2026, 10, 31),
                                             date(2025, 11, 1))
    visits = read.members["visits_per_week"]
    # The demo's roster column and its log tell the same habits.
    recorded = load_members(DEMO_DATA_DIR)["visits_per_week"]
    assert abs(visits.median() - recorded.median()) < 0.2
    assert visits.corr(recorded) > 0.9
    # Members present throughout: check-ins in the window over 12 weeks.
    log = load_checkins(club, pd.Index(read.members["member_id"]))
    inside = log.loc[log["timestamp"].between("2026-08-09", "2026-10-31 23:59:59")]
    counts = inside["member_id"].value_counts()
    throughout = read.members.loc[(read.members["join_date"] < "2026-01-01")
                                  & (read.members["status"] == "active")]
    assert len(throughout) > 100
    expected = counts.reindex(throughout["member_id"], fill_value=0).to_numpy() / 12
    assert (throughout["visits_per_week"].to_numpy() == expected).all()


def test_a_short_or_old_membership_is_counted_over_its_own_weeks(tmp_path):
    """A cancelled member's window ends at their cancel date; under four weeks: no figure."""
    club = without_visits_column(tmp_path)
    read = load_roster(club)
    members = read.members
    cancelled = members.loc[(members["status"] == "cancelled")
                            & (members["cancel_date"] > "2026-01-01")]
    assert cancelled["visits_per_week"].notna().mean() > 0.9
    recent = members["join_date"] > pd.Timestamp("2026-11-01") - pd.Timedelta(weeks=4)
    assert members.loc[recent, "visits_per_week"].isna().all()
    # As of an earlier day the window moves with it.
    assert load_roster(club, "2026-06-30").visits_window.last == date(2026, 6, 30)


def test_without_a_check_in_log_the_roster_column_is_kept(tmp_path):
    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    (club / "checkins.parquet").unlink()
    read = load_roster(club)
    assert read.visits_window is None
    pd.testing.assert_series_equal(read.members["visits_per_week"],
                                   load_members(club)["visits_per_week"])


def test_a_pending_cancellation_never_moves_the_roster_date():
    """An active or frozen member's cancel date lies ahead; a cancelled member's counts."""
    members = typed_roster([{"join_date": "2026-05-01"},
                            {"status": "cancelled", "cancel_date": "2026-09-15"},
                            {"cancel_date": "2027-03-31"},  # active, leaving in March
                            {"status": "frozen", "cancel_date": "2027-01-31"}])
    assert roster_date(members) == pd.Timestamp("2026-09-15")


def test_with_a_log_dates_more_than_a_day_after_its_newest_entry_never_move_it():
    """Logs to 30 November: a start on 15 December is a member who has not started; a join
    on 1 December (an export taken that morning) moves the date by that one day."""
    checkins = log("2026-11-30 21:45")
    later = typed_roster([{"join_date": "2026-12-15"},
                          {"status": "cancelled", "cancel_date": "2027-01-31"}])
    assert roster_date(later, checkins) == pd.Timestamp("2026-12-01")
    assert roster_date(later, None, checkins) == pd.Timestamp("2026-12-01")  # sessions too
    earlier = typed_roster([{"join_date": "2026-11-20"}])
    assert roster_date(earlier, checkins) == pd.Timestamp("2026-11-30")
    next_morning = typed_roster([{"join_date": "2026-12-01"}])
    assert roster_date(next_morning, checkins) == pd.Timestamp("2026-12-01")


def test_export_date_is_the_roster_date():
    members = typed_roster([{"join_date": "2026-12-15"}])
    assert roster_date(members, log("2026-11-30 21:45"), None,
                       date(2026, 12, 5)) == pd.Timestamp("2026-12-05")


def test_without_any_date_the_roster_date_asks_for_export_date():
    """No join date, no cancelled member, no log: nothing tells the day."""
    members = typed_roster([{"join_date": None}, {"join_date": None, "status": "frozen"}])
    with pytest.raises(DataError) as raised:
        roster_date(members)
    (problem,) = raised.value.problems
    assert "the roster date cannot be told" in problem.message
    assert problem.column == "export_date" and "export_date: 2026-11-01" in problem.fix
    assert roster_date(members, export_date=date(2026, 11, 1)) == pd.Timestamp("2026-11-01")


def test_a_log_after_the_export_date_is_refused(tmp_path):
    """The demo's logs run to 31 October: an export date of 15 October contradicts them."""
    club = edited_club(tmp_path, club_yml="export_date: 2026-10-15\n")
    with pytest.raises(DataError) as raised:
        load_roster(club)
    found = {(p.file.name, p.message) for p in raised.value.problems}
    assert found == {
        ("checkins.parquet", "a check-in after the export date 2026-10-15: the log runs to "
                             "2026-10-31"),
        ("equipment_usage.parquet", "a machine session after the export date 2026-10-15: the "
                                    "log runs to 2026-10-31")}
    assert load_club_data(edited_club(tmp_path / "later", club_yml="export_date: "
                                      "2026-11-03\n")).roster_date == pd.Timestamp("2026-11-03")


def test_a_pending_cancellation_is_read_and_a_past_one_on_an_active_member_refused(tmp_path):
    """M000001 is active: a cancel date after the roster date (1 November) is a pending
    cancellation (once refused), one before it contradicts the status."""
    club = edited_club(tmp_path, {"M000001": {"cancel_date": "2026-12-31"},
                                  "M000266": {"cancel_date": "2027-01-31"}})  # frozen
    read = load_roster(club)
    assert read.roster_date == pd.Timestamp("2026-11-01")
    first = read.members.iloc[0]
    assert (first["status"], first["cancel_date"]) == ("active", pd.Timestamp("2026-12-31"))
    club = edited_club(tmp_path / "past", {"M000001": {"cancel_date": "2026-10-01"}})
    for load in (load_roster, load_club_data):
        with pytest.raises(DataError) as raised:
            load(club)
        (problem,) = raised.value.problems
        assert (problem.row, problem.column, problem.value) == (2, "cancel_date", "2026-10-01")
        assert "after 2026-11-01 (the roster date" in problem.rule
        assert "set status to cancelled" in problem.fix


def test_a_roster_without_join_dates_is_read_and_its_visits_counted(tmp_path):
    """No join_date column: every member counts as a member since before the log began."""
    club = edited_club(tmp_path, drop=("join_date", "visits_per_week"))
    read = load_roster(club)
    assert read.members["join_date"].isna().all()
    assert read.roster_date == pd.Timestamp("2026-11-01")  # cancelled members' latest date
    visits = read.members["visits_per_week"]
    active = read.members["status"] == "active"
    assert visits[active].notna().all()  # no member's window is empty


def test_a_stated_age_is_taken_on_the_clubs_roster_date(tmp_path):
    """An export giving ages gives them on the roster date, which the logs set: 31 October
    2026 here, not the roster's own latest date (3 March 2019)."""
    club = stale_club(tmp_path)
    path = club / "members.csv"
    roster = pd.read_csv(path, dtype=str, keep_default_na=False)
    born = roster.pop("birth_year").astype(int)
    roster.insert(1, "age", (2026 - born).astype(str))
    roster.to_csv(path, index=False)
    read = load_roster(club)
    assert read.members["birth_year"].tolist() == born.tolist()
    assert read.members["age"].tolist() == (2026 - born).tolist()
    data = load_club_data(club)
    assert data.members["birth_year"].tolist() == born.tolist()
    alone = load_members(club)  # read alone: the ages are on its own latest date
    assert (alone["birth_year"] == born - 7).all()
def test_an_anonymous_check_in_log_leaves_visits_not_known(tmp_path):
    """A door log without member ids gives the club's hours, not any member's visits."""
    import pyarrow.parquet as pq

    club = without_visits_column(tmp_path)
    log = pq.read_table(club / "checkins.parquet", columns=["timestamp"])
    pq.write_table(log, club / "checkins.parquet")
    read = load_roster(club)
    assert read.visits_window is None and read.anonymous_log
    assert read.members["visits_per_week"].isna().all()  # not known: not 0 visits
    data = load_club_data(club)
    assert data.members["visits_per_week"].isna().all()
    assert data.checkins.rows == log.num_rows
    (info,) = [p for p in data.check.problems if p.severity == "info"
               and "names no member" in p.message]
    assert info.file == club / "checkins.parquet"
