"""Where things live (evaluate.paths): from the package's own place, never the working folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from evaluate import paths
from evaluate.paths import (
    DEMO_DATA_DIR,
    PACKAGE_DIR,
    PROJECT_ROOT,
    STAGING_PREFIX,
    output_folder,
    resolve_data_dir,
)


def test_the_project_folders_are_where_the_repository_has_them():
    assert (PROJECT_ROOT / "pyproject.toml").is_file()
    assert PACKAGE_DIR == PROJECT_ROOT / "src" / "evaluate"
    assert (DEMO_DATA_DIR / "members.csv").is_file()
    assert (paths.REFERENCE_DATA_DIR / "back_pain_prevalence.csv").is_file()
    assert paths.DEFAULT_PLAN.is_file() and paths.DEFAULT_PLAN.parent == paths.NOTEBOOKS_DIR
    assert (paths.TEMPLATES_DIR / "index.html.j2").is_file()


def test_the_paths_do_not_depend_on_the_working_folder(tmp_path):
    this_package = {**os.environ, "PYTHONPATH": str(PACKAGE_DIR.parent)}
    probe = subprocess.run(
        [sys.executable, "-c", "from evaluate import paths; print(paths.PROJECT_ROOT); "
         "print(paths.resolve_data_dir(None))"],
        cwd=tmp_path, env=this_package, capture_output=True, text=True, check=True)
    assert probe.stdout.split("\n")[:2] == [str(PROJECT_ROOT), str(DEMO_DATA_DIR)]


def test_no_data_folder_means_the_demo_club():
    for empty in (None, "", "   "):
        assert resolve_data_dir(empty) == DEMO_DATA_DIR


def test_a_data_folder_is_made_absolute_from_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "club").mkdir()
    assert resolve_data_dir("club") == tmp_path / "club"
    assert resolve_data_dir(Path("club/../club")) == tmp_path / "club"
    assert resolve_data_dir(tmp_path / "elsewhere") == tmp_path / "elsewhere"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_data_dir("~/club") == tmp_path / "club"


def test_a_file_of_a_build_in_progress_belongs_to_the_output_folder(tmp_path):
    staging = tmp_path / "reports" / f"{STAGING_PREFIX}2026-11-23-120000"
    assert output_folder(staging / "decision.html") == tmp_path / "reports"
    assert output_folder(staging / "logs" / "decision.log") == tmp_path / "reports"
    assert output_folder(tmp_path / "reports" / "index.html") == tmp_path / "reports"
    assert output_folder(tmp_path / "reports" / "2026-11-23-120000" / "a.html") == (
        tmp_path / "reports" / "2026-11-23-120000")
