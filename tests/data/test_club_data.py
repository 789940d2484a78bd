"""A club folder read and checked once (load_club_data): what every report starts from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluate.data.assumptions import Assumptions
from evaluate.data.checkins import CheckinProfile, load_checkins
from evaluate.data.checks import check_club
from evaluate.data.club import ClubInfo
from evaluate.data.club_data import ClubData, load_club_data
from evaluate.data.members import load_members
from evaluate.errors import DataError
from evaluate.model.demand import peak_share
from evaluate.paths import DEMO_DATA_DIR


@pytest.fixture
def club_copy(tmp_path) -> Path:
    folder = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, folder)
    return folder


def test_the_demo_club_is_read_whole_and_typed():
    data = load_club_data(DEMO_DATA_DIR)
    assert isinstance(data, ClubData) and data.data_dir == DEMO_DATA_DIR
    assert isinstance(data.club, ClubInfo) and data.club.currency == "USD"
    assert len(data.members) == 3000 and data.members["member_id"].is_unique
    assert "reverse_hyper" in set(data.equipment["equipment_id"])
    assert isinstance(data.assumptions, Assumptions) and "discount_rate" in data.assumptions
    assert isinstance(data.checkins, CheckinProfile)  # a year of check-ins as counts per hour
    assert data.checkins.attrs["file"] == DEMO_DATA_DIR / "checkins.parquet"
    assert isinstance(data.usage, pd.DataFrame) and len(data.usage) > 0
    assert data.usage.attrs["file"] == DEMO_DATA_DIR / "equipment_usage.parquet"
    assert data.check.errors == [] and data.check.data_dir == DEMO_DATA_DIR
    assert {"members.csv", "equipment.csv", "checkins.parquet"} <= set(data.check.checked)
    # The demo's placeholder prices are warnings: kept for the data-quality section.
    assert data.check.warnings


def test_a_folder_given_as_text_is_read_as_a_path():
    assert load_club_data(str(DEMO_DATA_DIR)).data_dir == DEMO_DATA_DIR


def test_a_club_without_logs_has_none_and_says_so(club_copy):
    (club_copy / "checkins.parquet").unlink()
    (club_copy / "equipment_usage.parquet").unlink()
    data = load_club_data(club_copy)
    assert data.checkins is None and data.usage is None
    assert data.check.missing_optional == ["check-in log", "equipment-usage log"]
    assert any("the check-in log was not found" in str(w) for w in data.check.warnings)


def test_every_problem_of_every_file_is_raised_at_once(club_copy):
    members = (club_copy / "members.csv").read_text().splitlines()
    members[4] = members[4].replace(",active,", ",actve,")  # spreadsheet row 5
    (club_copy / "members.csv").write_text("\n".join(members) + "\n")
    (club_copy / "club.yml").write_text("name: Broken\ncurrency: euros\n")
    with pytest.raises(DataError) as caught:
        load_club_data(club_copy)
    problems = caught.value.problems
    files = {Path(str(p.file)).name for p in problems}
    assert {"members.csv", "club.yml"} <= files  # one error for the whole folder
    status = next(p for p in problems if p.column == "status")
    assert status.row == 5 and status.value == "actve" and status.fix
    assert all(p.severity == "error" for p in problems)  # warnings are not errors
    assert str(caught.value).startswith(f"bad data: {len(problems)} problems")


def test_a_missing_folder_is_one_problem_naming_it(tmp_path):
    with pytest.raises(DataError) as caught:
        load_club_data(tmp_path / "nowhere")
    [problem] = caught.value.problems
    assert problem.message == "club data folder not found"
    assert problem.file == tmp_path / "nowhere"
    assert "--data-dir" in problem.fix


def test_the_club_check_keeps_the_profile_and_the_decision_reads_it():
    check = check_club(DEMO_DATA_DIR)
    assert isinstance(check.loaded["check-ins"], CheckinProfile)
    assert "checkins.parquet" in check.checked
    data = load_club_data(DEMO_DATA_DIR)
    members = data.members
    loaded = load_checkins(DEMO_DATA_DIR, pd.Index(members["member_id"]))
    assert peak_share(data.checkins, data.assumptions) == peak_share(loaded, data.assumptions)


def test_a_roster_without_visits_takes_them_from_the_check_in_log(tmp_path):
    """The model reads visits_per_week: empty in the roster, it comes from the log as the
    member profile's does; a roster that records it keeps its own."""
    from evaluate.data.roster import load_roster

    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    frame = pd.read_csv(club / "members.csv", dtype=str, keep_default_na=False)
    frame.drop(columns="visits_per_week").to_csv(club / "members.csv", index=False)
    visits = load_club_data(club).members["visits_per_week"]
    assert visits.notna().sum() > 2000
    pd.testing.assert_series_equal(visits, load_roster(club).members["visits_per_week"])
    pd.testing.assert_series_equal(load_club_data(DEMO_DATA_DIR).members["visits_per_week"],
                                   load_members(DEMO_DATA_DIR)["visits_per_week"])
