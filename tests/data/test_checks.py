"""Checking a whole club data folder: every problem at once, by file."""

from __future__ import annotations

import shutil

import pandas as pd

from evaluate.data.checks import check_club, format_report
from evaluate.model.segments import roster_on
from evaluate.paths import DEMO_DATA_DIR
from support import LOGS_END, broken_club, edited_club, stale_club


def test_the_demo_club_is_clean_but_for_its_placeholder_costs():
    result = check_club(DEMO_DATA_DIR)
    assert result.errors == []
    assert result.warnings and all("placeholder" in p.message for p in result.warnings)
    assert all(p.file.name == "equipment.csv" for p in result.warnings)
    assert {"club.yml", "members.csv", "equipment.csv", "assumptions.yml",
            "back_pain_prevalence.csv"} <= set(result.checked)


def test_a_missing_optional_file_is_a_warning(tmp_path):
    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    (club / "assumptions.yml").unlink()
    result = check_club(club)
    assert result.errors == [] and result.missing_optional == ["assumptions.yml"]
    assert "assumptions.yml" not in result.checked
    assert any("documented default" in p.message for p in result.warnings)


def test_every_problem_in_every_file_at_once(tmp_path):
    result = check_club(broken_club(tmp_path))
    messages = [(p.column, p.message) for p in result.errors]
    assert ("status", "unknown value") in messages
    assert ("member_id", "member_id is used more than once: 'M000002' (2 rows)") in messages
    assert any("currency" in m for _, m in messages)  # club.yml checked too


def _born(club, row: int, year: str, *, status: str | None = None) -> None:
    """Set the year of birth (and the status) of spreadsheet row ``row`` of the roster."""
    path = club / "members.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[row - 1].split(",")
    cells[1] = year
    if status:
        cells[4] = status
    lines[row - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_ages_are_checked_on_the_roster_date_the_logs_set(tmp_path):
    """No join since 2019, check-ins to 2026: ages on 2026-10-31, not on 2019-03-03."""
    club = stale_club(tmp_path)
    _born(club, 2, "2006")  # 13 on 2019-03-03: fine on the roster date, when 20
    _born(club, 3, "1915")  # 104 on 2019-03-03: 111 on the roster date
    result = check_club(club)
    (problem,) = result.errors
    assert (problem.message, problem.row, problem.column) == ("age out of range", 3,
                                                             "birth_year")
    assert problem.rule.startswith(f"members are 5–110 years old on {LOGS_END} (the roster "
                                   "date")
    assert result.checked.count("members.csv") == 1


def test_an_unreadable_roster_lists_its_ages_with_its_other_problems(tmp_path):
    club = stale_club(tmp_path)
    _born(club, 2, "1850", status="actve")
    result = check_club(club)
    assert sorted(p.message for p in result.errors) == ["age out of range", "unknown value"]


def test_a_log_too_short_for_the_busiest_hour_is_a_warning(tmp_path):
    """One row of check-ins: the folder is usable, and the check says the forecast will use
    the documented peak_hour_share instead of the log's busiest hour."""
    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    (club / "checkins.parquet").unlink()
    (club / "checkins.csv").write_text("member_id,timestamp\nM000696,2025-11-01 07:17\n")
    result = check_club(club)
    assert result.errors == []
    (warning,) = [p for p in result.warnings if p.file == club / "checkins.csv"]
    assert "busiest hour is not measured from the check-in log: it covers 1 day" in str(warning)
    assert "peak_hour_share" in warning.fix


def test_members_who_have_not_started_are_counted_as_info(tmp_path):
    """Two join dates after the roster date (the demo's logs end on 31 October): the check
    says how many have not started, as information; the roster date does not move."""
    club = edited_club(tmp_path, {"M000001": {"join_date": "2026-11-20"},
                                  "M000004": {"join_date": "2027-01-05"}})
    result = check_club(club)
    assert result.errors == [] and result.roster_date == pd.Timestamp("2026-11-01")
    (info,) = [p for p in result.warnings if p.severity == "info"]
    assert (info.column, info.message) == (
        "join_date", "2 members join after the roster date 2026-11-01: not yet started, not "
                     "counted as members")
    assert f"- {info}" in format_report(result) and str(info).startswith("info: ")
    assert roster_on(result.loaded["members.csv"], result.roster_date).joined_after == 2


def test_a_folder_with_no_date_at_all_says_to_give_export_date(tmp_path):
    """No join dates, no cancelled member, no logs: the check lists the problem, never
    raises."""
    club = edited_club(tmp_path, drop=("join_date", "cancel_date"))
    roster = pd.read_csv(club / "members.csv", dtype=str, keep_default_na=False)
    roster.loc[roster["status"] == "cancelled", "status"] = "frozen"
    roster.to_csv(club / "members.csv", index=False)
    for name in ("checkins.parquet", "equipment_usage.parquet"):
        (club / name).unlink()
    result = check_club(club)
    (problem,) = result.errors
    assert problem.column == "export_date" and "cannot be told" in problem.message
    assert result.roster_date is None
    with (club / "club.yml").open("a", encoding="utf-8") as handle:
        handle.write("export_date: 2026-11-01\n")
    assert check_club(club).errors == []
