"""An input too large to read is refused before it is read, in words (evaluate.data.limits).

Large files are sparse (``os.truncate``): they take their size in ``stat`` and almost no
disk, and the test fails rather than hangs if anything reads them whole.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from evaluate.data import limits
from evaluate.data.checks import check_club
from evaluate.paths import DEMO_DATA_DIR
from support import run_cli


@pytest.fixture
def club(tmp_path) -> Path:
    folder = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, folder)
    return folder


def grow(path: Path, size: int) -> None:
    """Make ``path`` ``size`` bytes long without writing them (a sparse file)."""
    with path.open("ab"):
        pass
    os.truncate(path, size)


def problems_of(club: Path, name: str) -> list[str]:
    return [str(p) for p in check_club(club).errors if Path(str(p.file)).name == name]


@pytest.mark.parametrize(("name", "limit"), [
    ("members.csv", limits.MEMBERS_CSV_MAX),
    ("equipment.csv", limits.TABLE_CSV_MAX),
    ("club.yml", limits.YAML_MAX),
    ("assumptions.yml", limits.YAML_MAX),
])
def test_a_club_file_beyond_its_limit_is_refused_naming_size_limit_and_fix(club, name, limit):
    grow(club / name, limit + 1)
    [message] = problems_of(club, name)
    assert f"{name}: the file is too large to read: " in message
    assert f"{name} is at most {limits.size_text(limit)}" in message
    assert "fix:" in message


def test_just_under_the_limit_is_read(club):
    path = club / "club.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "#" * (limits.YAML_MAX - len(text.encode()) - 1) + "\n")
    assert problems_of(club, "club.yml") == []


def test_a_log_beyond_its_limit_is_refused_csv_and_parquet(club):
    grow(club / "checkins.parquet", limits.LOG_PARQUET_MAX + 1)
    [message] = problems_of(club, "checkins.parquet")
    assert "too large to read: 1.0 GiB" in message and "last year" in message
    (club / "checkins.parquet").unlink()
    path = club / "checkins.csv"
    path.write_text("member_id,timestamp\n")
    grow(path, limits.LOG_CSV_MAX + 1)
    [message] = problems_of(club, "checkins.csv")
    assert "too large to read: 512 MiB" in message and "checkins.parquet" in message


# "Billion laughs": nine lines that stand for 9**9 (387 million) values.
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True))


def test_the_command_line_refuses_with_exit_2_and_publishes_nothing(club, tmp_path):
    grow(club / "members.csv", limits.MEMBERS_CSV_MAX + 1)
    result = run_cli("validate", "--data-dir", club)
    assert result.returncode == 2, result.stdout + result.stderr
    shown = result.stdout + result.stderr
    assert "members.csv" in shown and "too large to read: 512 MiB" in shown
    assert "Traceback" not in shown
    out = tmp_path / "out"
    result = run_cli("build", "--data-dir", club, "--out", out, "--only", "member-profile")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "too large to read" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")]
    plan = tmp_path / "plan.yml"
    plan.write_text(BOMB)
    result = run_cli("build", "--plan", plan, "--out", out, "--dry-run")
    assert result.returncode == 2 and "expands to more than 100,000 values" in result.stderr
