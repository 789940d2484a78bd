"""Tests of ``evaluate.build.prepare``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from evaluate.build.prepare import BuildOptions, prepare
from evaluate.errors import ParameterError
from evaluate.paths import DEMO_DATA_DIR
from support import PLANS, run_cli


def published(out_dir: Path) -> list[Path]:
    return sorted(p for p in out_dir.iterdir()
                  if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))


def build_json(folder: Path) -> dict:
    return json.loads((folder / "build.json").read_text())


def test_unknown_parameter_is_refused_before_anything_runs(out_dir):
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                     "--param", "greting=hi")
    assert result.returncode == 2
    assert "unknown parameter 'greting'" in result.stderr
    assert "did you mean 'greeting'" in result.stderr
    assert not out_dir.exists()


def test_mistyped_parameter_is_refused_before_anything_runs(out_dir):
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                     "--param", "count=three", "--param", "ratio=high")
    assert result.returncode == 2
    assert "wrong type for parameter 'count'" in result.stderr
    assert "wrong type for parameter 'ratio'" in result.stderr  # every problem at once
    assert not out_dir.exists()


def test_parameter_values_are_typed_from_the_notebook(out_dir):
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                     "--only", "chart-a", "--param", "ratio=1", "--param", "greeting=42")
    assert result.returncode == 0, result.stderr
    [report] = build_json(published(out_dir)[0])["reports"]
    assert report["parameters"]["ratio"] == 1.0 and isinstance(report["parameters"]["ratio"],
                                                                float)
    assert report["parameters"]["greeting"] == "42"
    assert report["title"] == "Chart: 42"


def test_dry_run_checks_and_runs_nothing(out_dir):
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "chart-a" in result.stdout and "chart-b" in result.stdout
    assert "nothing executed" in result.stdout
    assert not out_dir.exists()


def test_bad_plan_and_missing_data_dir_exit_2(out_dir, tmp_path):
    plan = tmp_path / "plan.yml"
    plan.write_text("reports:\n  - name: x\n    notebok: a.ipynb\n    title: X\n")
    result = run_cli("build", "--plan", plan, "--out", out_dir)
    assert result.returncode == 2
    assert "did you mean 'notebook'" in result.stderr and str(plan) in result.stderr
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                     "--data-dir", tmp_path / "nowhere")
    assert result.returncode == 2 and "club data folder not found" in result.stderr
    assert not out_dir.exists()


def test_only_unknown_report_names_the_choices(out_dir):
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                     "--only", "chart-c")
    assert result.returncode == 2
    assert "no report named 'chart-c'" in result.stderr and "chart-a" in result.stderr


def club_with_usage_log(tmp_path: Path, log: str) -> Path:
    """A copy of the demo club whose usage log is the CSV rows ``log``."""
    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club, ignore=shutil.ignore_patterns("equipment_usage.*"))
    (club / "equipment_usage.csv").write_text(
        "timestamp,equipment_id,duration_min,member_id\n" + log, encoding="utf-8")
    return club


def test_the_default_machine_missing_from_the_usage_log_is_not_built(tmp_path):
    club = club_with_usage_log(tmp_path, "2026-10-05 17:50,rower,30,M000001\n")
    prepared = prepare(BuildOptions(plan_path=PLANS / "usage_review.yml", data_dir=club,
                                    out_dir=tmp_path / "out"), with_data=False)
    chart, review = prepared.jobs
    assert chart.not_built is None
    assert review.not_built == (
        "the usage log (equipment_usage.csv) has no sessions of back_extension_45, the machine "
        "the notebook reviews by default (machines with sessions in it: rower); name one with "
        "equipment_id")


def test_a_named_machine_missing_from_the_usage_log_is_refused(tmp_path):
    club = club_with_usage_log(tmp_path, "2026-10-05 17:50,rower,30,M000001\n")
    options = BuildOptions(plan_path=PLANS / "usage_review.yml", data_dir=club,
                           out_dir=tmp_path / "out", params={"equipment_id": "leg_press"})
    with pytest.raises(ParameterError) as raised:
        prepare(options, with_data=False)
    [problem] = raised.value.problems
    assert problem.column == "equipment_id" and problem.value == "leg_press"
    assert problem.message == ("no sessions of machine 'leg_press' in the usage log "
                               f"{club / 'equipment_usage.csv'}")
    assert problem.fix == ("give equipment_id a machine the log has sessions of (machines "
                           "with sessions in it: rower); or add the machine's sessions to "
                           "equipment_usage.csv")
    assert not (tmp_path / "out").exists()


def test_dry_run_says_which_report_is_not_built_and_why(tmp_path):
    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club, ignore=shutil.ignore_patterns("equipment_usage.*"))
    result = run_cli("build", "--data-dir", club, "--out", tmp_path / "out", "--dry-run",
                     "--only", "usage-review")
    assert result.returncode == 0, result.stderr
    [line] = [x for x in result.stdout.splitlines() if x.startswith("  usage-review: ")]
    assert line.endswith("(Usage review: 45-degree back extension): not built: the club has no "
                         "usage log (equipment_usage.csv or equipment_usage.parquet)"), line
