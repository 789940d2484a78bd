"""The build end to end, through the command line, on small fixture plans.

Bad input of every kind (data, assumptions, plans, parameters) is in test_bad_input_corpus.py.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat

from evaluate.reports.results import read_records
from support import CLUB, PLANS, run_cli


def published(out_dir: Path) -> list[Path]:
    return sorted(p for p in out_dir.iterdir()
                  if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))


def build_json(folder: Path) -> dict:
    return json.loads((folder / "build.json").read_text())


def test_build_publishes_reports_summaries_manifest_and_index(out_dir):
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir)
    assert result.returncode == 0, result.stderr
    # Not a terminal: plain timestamped lines, one per report started and finished.
    stamp = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO +"
    assert re.search(stamp + r"started  chart-a$", result.stderr, re.M)
    assert re.search(stamp + r"finished chart-b: ok in [\d.]+ s$", result.stderr, re.M)
    [folder] = published(out_dir)
    assert os.readlink(out_dir / "latest") == folder.name
    assert re.fullmatch(r"\d{4}-\d\d-\d\d-\d{6}", folder.name)
    assert not list(out_dir.glob(".staging-*"))

    manifest = build_json(folder)
    assert manifest["status"] == "succeeded"
    assert [r["name"] for r in manifest["reports"]] == ["chart-a", "chart-b"]
    assert {r["status"] for r in manifest["reports"]} == {"ok"}
    assert manifest["reports"][1]["parameters"] == {
        "ratio": 0.25, "greeting": "beta", "count": 4, "data_dir": str(CLUB)}
    inputs = {Path(i["path"]).name: i for i in manifest["inputs"]}
    assert {"small.yml", "chart.ipynb", "club.yml", "members.csv"} <= set(inputs)
    assert all(re.fullmatch(r"[0-9a-f]{64}", i["sha256"]) for i in inputs.values())
    assert manifest["versions"]["papermill"] and manifest["versions"]["pandas"]
    assert manifest["plan"]["content"]["title"] == "Small test plan"
    assert manifest["options"]["jobs"] == 2 or os.cpu_count() == 1

    for name, count in [("chart-a", 2), ("chart-b", 4)]:
        assert (folder / f"{name}.html").stat().st_size > 0
        executed = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        assert executed.metadata.kernelspec.name == "python3"
        assert read_records(executed)["count"]["value"] == count
        summary = json.loads((folder / f"{name}.summary.json").read_text())
        assert summary["status"] == "ok"
        assert summary["figures"]["count"] == {
            "value": count, "label": "Bars", "unit": "bars", "source": "parameter"}
        assert summary["data"] == "Fixture Club (synthetic)"

    index = (out_dir / "index.html").read_text()
    assert folder.name in index and "Chart: alpha" in index and "Chart: beta" in index
    assert f'href="{folder.name}/chart-a.html"' in index


def test_html_has_no_code_no_stderr_and_embeds_the_chart(out_dir):
    assert run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                   "--only", "chart-a").returncode == 0
    page = (out_dir / "latest" / "chart-a.html").read_text()
    assert "<title>Chart: alpha</title>" in page
    assert "CODE_MARKER" not in page and "import plotly" not in page  # no code
    assert "STDERR_MARKER" not in page and "WARNING_MARKER" not in page  # no stderr, warnings
    assert "alpha: STDOUT_MARKER" in page  # ordinary output stays
    code_cells = re.findall(r'class="(jp-Cell jp-CodeCell[^"]*)"', page)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
    assert not re.search(r'class="[^"]*(jp-InputPrompt|jp-Editor|highlight)', page)
    assert "In&nbsp;[" not in page
    assert "application/vnd.club-equipment.record" not in page
    assert 'class="plotly-graph-div"' in page and "Plotly.newPlot" in page
    # Self-contained: plotly.js is embedded once, and nothing is fetched from a network.
    assert len(page) > 3_000_000 and page.count("plotly.js v") == 1
    # ...while the executed notebook keeps the chart as Plotly's JSON, not 5 MB of script.
    assert (out_dir / "latest" / "chart-a.ipynb").stat().st_size < 200_000
    assert not re.search(r"<script[^>]+src=[\"']https?:", page)
    assert not re.search(r"<link[^>]+href=[\"']https?:", page)


def test_failing_report_keeps_notebook_other_reports_and_latest(out_dir):
    assert run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                   "--only", "chart-a").returncode == 0
    good = os.readlink(out_dir / "latest")

    result = run_cli("build", "--plan", PLANS / "with_failure.yml", "--out", out_dir)
    assert result.returncode == 1
    assert "raises" in result.stderr and "ValueError" in result.stderr
    assert "executed notebook" in result.stderr
    assert os.readlink(out_dir / "latest") == good  # latest untouched
    failed = next(f for f in published(out_dir) if f.name != good)
    manifest = build_json(failed)
    assert manifest["status"] == "failed"
    by_name = {r["name"]: r for r in manifest["reports"]}
    assert by_name["chart"]["status"] == "ok"  # the other report went on
    failure = by_name["raises"]["failure"]
    assert by_name["raises"]["status"] == "failed"
    assert failure["kind"] == "error" and failure["ename"] == "ValueError"
    assert str(failed / "raises.ipynb") in result.stderr

    executed = nbformat.read(failed / "raises.ipynb", as_version=4)
    assert executed.cells[failure["cell_index"]].source.startswith("raise ValueError")
    assert failure["cell_source"].startswith("raise ValueError")
    assert any("before the error" in json.dumps(c.get("outputs", [])) for c in executed.cells)
    assert executed.metadata.papermill.exception is True
    page = (failed / "raises.html").read_text()
    assert "This report could not be completed" in page
    assert "fixture failure on purpose" in page
    index = (out_dir / "index.html").read_text()
    assert index.index(f'href="{failed.name}/"') < index.index(f'href="{good}/"')  # newest first
    assert "failed" in index


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

