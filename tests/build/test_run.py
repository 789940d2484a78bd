"""Tests of ``evaluate.build.run``."""

from __future__ import annotations

import json
import os
import re
import shutil
from concurrent.futures import Future
from pathlib import Path

import nbformat

from evaluate.build.execution import Failure
from evaluate.build.manifest import ReportResult
from evaluate.build.publish import write_json
from evaluate.build.run import _pdf_done
from evaluate.errors import PdfError
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports.results import (
    read_records,
)
from support import CLUB, PLANS, run_cli


def report(folder: Path, failure: Failure | None = None) -> ReportResult:
    result = ReportResult(
        name="r", title="R", notebook="r.ipynb", parameters={}, seconds=1.0,
        status="ok" if failure is None else "failed", html="r.html", executed="r.ipynb",
        summary="r.summary.json", failure=failure)
    write_json(folder / result.summary, {"report": "r", "status": result.status,
                                         "failure": failure.to_dict() if failure else None,
                                         "headline": "Kept."})
    return result


def finished(value: Path | None = None, error: Exception | None = None) -> Future:
    future: Future = Future()
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)
    return future


def test_a_printed_pdf_is_recorded_on_its_report(tmp_path):
    result = report(tmp_path)
    _pdf_done(result, finished(tmp_path / "r.pdf"), tmp_path)
    assert result.pdf == "r.pdf" and result.status == "ok"
    assert result.to_dict()["pdf"] == "r.pdf"  # goes into build.json


def test_a_failed_pdf_fails_its_report_and_its_summary(tmp_path):
    result = report(tmp_path)
    _pdf_done(result, finished(error=PdfError("its 4 chart(s) were not all drawn")), tmp_path)
    assert result.status == "failed" and result.pdf is None
    assert result.failure.describe() == "pdf: its 4 chart(s) were not all drawn"
    summary = json.loads((tmp_path / "r.summary.json").read_text())
    assert summary["status"] == "failed" and summary["failure"]["kind"] == "pdf"
    assert summary["headline"] == "Kept."


def test_a_report_that_failed_already_keeps_its_first_reason(tmp_path):
    result = report(tmp_path, Failure("error", "ValueError: x", cell_index=2))
    _pdf_done(result, finished(error=PdfError("no")), tmp_path)
    assert result.failure.kind == "error" and result.pdf is None
    assert json.loads((tmp_path / "r.summary.json").read_text())["failure"]["kind"] == "error"


def test_an_unforeseen_printing_error_fails_only_its_report(tmp_path):
    result = report(tmp_path)
    _pdf_done(result, finished(error=OSError("page vanished")), tmp_path)
    assert result.failure.describe() == "pdf: OSError: page vanished"


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
    # The page is titled with the club's name (club.yml), which build.json records.
    assert manifest["data"]["clubs"] == ["Fixture Club (synthetic)"]
    assert "<title>Fixture Club (synthetic)</title>" in index
    assert "<h1>Fixture Club (synthetic)</h1>" in index


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


def test_build_puts_summary_fields_at_the_top_and_refuses_its_own_keys(out_dir):
    result = run_cli("build", "--plan", PLANS / "summary.yml", "--out", out_dir)
    assert result.returncode == 1, result.stderr
    [folder] = [p for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]

    def summary(name: str) -> dict:
        return json.loads((folder / f"{name}.summary.json").read_text())

    good = summary("summary-conventions")
    assert good["status"] == "ok" and good["failure"] is None
    assert good["headline"] == "Second call wins."  # a later call updates an earlier key
    assert good["key_figures"] == [{"label": "Bars <i>", "text": "3 & more"}]
    assert good["extra"] == {"n": 1}
    assert good["report"] == "summary-conventions" and good["parameters"]["mode"] == "conventions"
    page = (folder / "summary-conventions.html").read_text()
    assert "SUMMARY_MARKER" not in page and "Second call wins" not in page

    refused = summary("summary-reserved")
    assert refused["status"] == "failed"  # the notebook's "ok" did not replace the build's
    assert refused["report"] == "summary-reserved" and "headline" not in refused
    assert refused["failure"]["kind"] == "summary"
    assert "'status' are written by the build itself" in refused["failure"]["message"]
    manifest = json.loads((folder / "build.json").read_text())
    by_name = {r["name"]: r for r in manifest["reports"]}
    assert by_name["summary-reserved"]["failure"]["kind"] == "summary"
    assert "summary-reserved" in result.stderr and "summary" in result.stderr
    index = (out_dir / "index.html").read_text()
    assert "Second call wins." in index and "Bars &lt;i&gt;" in index


def club_without_usage_log(tmp_path: Path, log: str | None = None) -> Path:
    """A copy of the demo club without its usage log, or with the CSV log ``log`` instead."""
    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club, ignore=shutil.ignore_patterns("equipment_usage.*"))
    if log is not None:
        (club / "equipment_usage.csv").write_text(
            "timestamp,equipment_id,duration_min,member_id\n" + log, encoding="utf-8")
    return club


NO_LOG = "the club has no usage log (equipment_usage.csv or equipment_usage.parquet)"


def test_a_report_the_clubs_data_cannot_support_is_not_built_and_the_build_succeeds(
        out_dir, tmp_path):
    club = club_without_usage_log(tmp_path)
    result = run_cli("build", "--plan", PLANS / "usage_review.yml", "--data-dir", club,
                     "--out", out_dir)
    assert result.returncode == 0, result.stderr
    assert f"usage-review not built: {NO_LOG}" in result.stderr  # the log says why
    [folder] = published(out_dir)
    assert os.readlink(out_dir / "latest") == folder.name
    manifest = build_json(folder)
    assert manifest["status"] == "succeeded"
    chart, review = manifest["reports"]
    assert chart["status"] == "ok"
    assert review["status"] == "not built" and review["reason"] == NO_LOG
    assert review["html"] is None and review["summary"] is None and review["attempts"] == 0
    assert not list(folder.glob("usage-review*"))  # nothing ran: no page, no notebook
    index = (out_dir / "index.html").read_text()
    assert "Usage review of the owned machine" in index and "not built" in index
    assert NO_LOG in index
    # Not cached as a success: once the club has a log, the report runs.
    cached = json.loads((out_dir / ".cache" / "index.json").read_text())["reports"]
    assert [e["report"] for e in cached.values()] == ["chart"]
    shutil.copy(DEMO_DATA_DIR / "equipment_usage.parquet", club)
    result = run_cli("build", "--plan", PLANS / "usage_review.yml", "--data-dir", club,
                     "--out", out_dir, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert re.search(r"usage-review: .*\): run$", result.stdout, re.M), result.stdout

