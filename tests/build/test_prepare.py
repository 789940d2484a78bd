"""Tests of ``evaluate.build.prepare``."""

from __future__ import annotations

import json
from pathlib import Path

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
