"""build.json: one writer, the fields the README documents, what a reused report records."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evaluate import __version__
from evaluate.build import manifest
from evaluate.build.cache import INDEX_PATH, BuildCache, Hit
from evaluate.build.execution import Failure
from evaluate.build.manifest import (
    RECORDED_PACKAGES,
    ReportResult,
    recorded_data_warnings,
    recorded_versions,
    reused_data_check,
    write_build_json,
)
from evaluate.build.plan import load_plan
from evaluate.build.prepare import BuildOptions, Job, Prepared
from evaluate.errors import Problem
from evaluate.paths import PROJECT_ROOT
from support import CLUB, PLANS

TOP_FIELDS = {"build_id", "title", "status", "started_at", "duration_s", "suite_version",
              "git_commit", "plan", "options", "data", "inputs", "versions", "cache",
              "reports"}


@pytest.fixture
def prepared(tmp_path: Path) -> Prepared:
    plan = load_plan(PLANS / "small.yml")
    jobs = [Job(report=r, parameters=dict(r.parameters), title=r.title) for r in plan.reports]
    return Prepared(plan=plan, data_dir=CLUB, jobs=jobs, cell_timeout=120.0,
                    cache=BuildCache(tmp_path / "out"),
                    data_warnings=[Problem("3 members have no year of birth",
                                           file="members.csv", severity="warning")])


def result(job: Job, status: str = "ok", **extra) -> ReportResult:
    return ReportResult(name=job.report.name, title=job.title,
                        notebook=str(job.report.notebook), parameters=job.parameters,
                        status=status, seconds=1.234, html=f"{job.report.name}.html",
                        executed=f"{job.report.name}.ipynb",
                        summary=f"{job.report.name}.summary.json",
                        cache={"hit": False, "key": "k"}, **extra)


def write(folder: Path, prepared: Prepared, results: list[ReportResult], **extra) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    arguments = dict(build_id="2026-12-06-120000", options=BuildOptions(only=("a",)),
                     prepared=prepared, started=datetime(2026, 12, 6, 12, tzinfo=UTC),
                     seconds=12.345, jobs=2,
                     context={"data_label": "Test club", "plotly_src": None,
                              "clubs": ["Test club"]},
                     data_check={"ran": True}, inputs=[{"path": "members.csv"}],
                     versions={"python": "3.11"}, results=results)
    write_build_json(folder, **{**arguments, **extra})
    return json.loads((folder / "build.json").read_text(encoding="utf-8"))


def test_build_json_holds_every_documented_field(tmp_path, prepared):
    manifest = write(tmp_path / "b", prepared, [result(j) for j in prepared.jobs])
    assert set(manifest) == TOP_FIELDS
    assert manifest["status"] == "succeeded"
    assert manifest["started_at"] == "2026-12-06T12:00:00+00:00"
    assert manifest["duration_s"] == 12.35 and manifest["suite_version"] == __version__
    assert manifest["plan"]["path"] == str(prepared.plan.path)
    assert manifest["options"]["only"] == ["a"] and manifest["options"]["jobs"] == 2
    assert manifest["options"]["plotly_js"] == "self-contained"
    assert manifest["data"] == {"dir": str(CLUB), "label": "Test club", "clubs": ["Test club"],
                                "warnings": [str(prepared.data_warnings[0])],
                                "check": {"ran": True}}
    assert manifest["cache"] == {"hits": 0, "reports": len(prepared.jobs), "force": False,
                                 "index": INDEX_PATH}
    assert [r["name"] for r in manifest["reports"]] == [j.report.name for j in prepared.jobs]
    assert all(r["failure"] is None for r in manifest["reports"])


def test_one_failed_report_fails_the_build_and_its_failure_is_recorded(tmp_path, prepared):
    first, *rest = prepared.jobs
    failure = Failure(kind="error", message="ZeroDivisionError: division by zero",
                      cell_index=3, cell_source="1 / 0", ename="ZeroDivisionError")
    results = [result(first, "failed", failure=failure), *(result(j) for j in rest)]
    manifest = write(tmp_path / "b", prepared, results)
    assert manifest["status"] == "failed"
    assert manifest["reports"][0]["failure"]["message"] == "ZeroDivisionError: division by zero"


def test_a_reused_report_records_where_it_came_from_and_that_nothing_ran(tmp_path, prepared):
    job = prepared.jobs[0]
    hit = Hit(key="abc", build="2026-12-01-080000", report=job.report.name,
              files=("r.html",), outputs={"html": "r.html", "executed": "r.ipynb",
                                          "summary": "r.summary.json", "pdf": None},
              ran_in="2026-11-30-080000",
              tables=({"name": "ranking", "file": "r.ranking.csv", "rows": 3},))
    reused = ReportResult.reused(job, hit, seconds=0.0123)
    assert (reused.status, reused.attempts, reused.seconds, reused.pdf) == ("ok", 0, 0.01, None)
    assert reused.cache == {"hit": True, "key": "abc", "from_build": "2026-12-01-080000",
                            "ran_in": "2026-11-30-080000"}
    assert reused.tables == [{"name": "ranking", "file": "r.ranking.csv", "rows": 3}]
    check = reused_data_check([reused])
    assert check["ran"] is False and "2026-11-30-080000" in check["why"]
    manifest = write(tmp_path / "b", prepared, [reused], data_check=check)
    assert manifest["cache"]["hits"] == 1 and manifest["data"]["check"] == check


def test_a_reused_builds_data_warnings_are_taken_from_the_builds_that_ran(tmp_path, prepared):
    out = tmp_path / "reports"
    write(out / "one", prepared, [])
    (out / "two").mkdir()
    (out / "two" / "build.json").write_text("{not json")  # unreadable: skipped, not fatal
    warnings = recorded_data_warnings(out, {"one", "two", "missing"})
    assert warnings == [str(prepared.data_warnings[0])]


def test_the_recorded_versions_name_python_the_suite_and_every_package():
    versions = recorded_versions()
    assert versions["club-equipment-suite"] == __version__
    assert set(RECORDED_PACKAGES) <= set(versions) and "python" in versions
    assert versions["pandas"] != "not installed"


def test_build_json_records_the_suites_version_and_git_commit(tmp_path, prepared, monkeypatch):
    """The version it was installed as, and the commit when the suite runs from a checkout."""
    head = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()
    written = write(tmp_path / "checkout", prepared, [])
    assert written["suite_version"] == __version__ != "0.0.0+unknown"
    assert written["git_commit"] == head and len(head) == 40
    (tmp_path / "not-a-checkout").mkdir()
    monkeypatch.setattr(manifest, "PROJECT_ROOT", tmp_path / "not-a-checkout")
    assert write(tmp_path / "installed", prepared, [])["git_commit"] is None
