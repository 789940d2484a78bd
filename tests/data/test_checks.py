"""Checking a whole club data folder: every problem at once, by file."""

from __future__ import annotations

import shutil

from evaluate.data.checks import check_club
from evaluate.paths import DEMO_DATA_DIR
from support import broken_club


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
    assert ("member_id", "member_id is used more than once") in messages
    assert any("currency" in m for _, m in messages)  # club.yml checked too


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
