"""Tests of ``evaluate.build.report``: one report run into a folder, here or from copies."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from evaluate.build.execution import KernelRegistry
from evaluate.build.plan import PlannedReport
from evaluate.build.prepare import Job
from evaluate.build.report import Copies, run_report
from support import CLUB, NOTEBOOKS

pytestmark = pytest.mark.notebooks

CONTEXT = {"build_id": "2026-12-07-060000", "built_at": "2026-12-07 06:00 UTC",
           "suite_version": "0", "data_label": "Fixture Club", "clubs": ["Fixture Club"],
           "out_dir": "/srv/out"}


def job_for(stem: str, **parameters) -> Job:
    report = PlannedReport(name=stem.replace("_", "-"), entry=stem, title=stem,
                           notebook=NOTEBOOKS / f"{stem}.ipynb")
    return Job(report=report, parameters=parameters, title=stem)


def every_text(folder) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in folder.rglob("*") if p.is_file())


def test_a_report_runs_into_its_folder(tmp_path):
    (tmp_path / "logs").mkdir()
    result = run_report(job_for("chart", count=2, data_dir=str(CLUB)), tmp_path,
                        KernelRegistry(), 60, CONTEXT)
    assert result.status == "ok" and result.failure is None
    assert (tmp_path / "chart.html").stat().st_size > 0
    summary = json.loads((tmp_path / "chart.summary.json").read_text())
    assert summary["figures"]["count"]["value"] == 2
    assert summary["parameters"] == {"count": 2, "data_dir": str(CLUB)}
    assert (tmp_path / "logs" / "chart.kernel.log").exists()


def test_from_a_worker_s_copies_the_files_name_the_build_s_paths(tmp_path):
    worker, out = tmp_path / "evaluate-report-x", tmp_path / "evaluate-report-x" / "build"
    (worker / "notebook").mkdir(parents=True)
    shutil.copy(NOTEBOOKS / "reads_club.ipynb", worker / "notebook")
    shutil.copytree(CLUB, worker / "data" / "club")
    (out / "logs").mkdir(parents=True)
    job = job_for("reads_club", label="copied", data_dir=str(CLUB))
    copies = Copies(notebook=worker / "notebook" / "reads_club.ipynb",
                    parameters={**job.parameters, "data_dir": str(worker / "data" / "club")},
                    paths={str(worker / "notebook"): str(NOTEBOOKS),
                           str(worker / "data" / "club"): str(CLUB),
                           str(out): "/srv/out/.staging-2026-12-07-060000"})
    result = run_report(job, out, KernelRegistry(), 60, CONTEXT, copies=copies)
    assert result.status == "ok"
    assert result.notebook == str(NOTEBOOKS / "reads_club.ipynb")
    executed = nbformat.read(out / "reads-club.ipynb", as_version=4)
    papermill = executed.metadata.papermill
    assert papermill.parameters["data_dir"] == str(CLUB)
    assert papermill.input_path == str(NOTEBOOKS / "reads_club.ipynb")
    assert papermill.output_path == "/srv/out/.staging-2026-12-07-060000/reads-club.ipynb"
    summary = json.loads((out / "reads-club.summary.json").read_text())
    assert summary["parameters"] == job.parameters
    members = len((CLUB / "members.csv").read_text().splitlines()) - 1
    assert summary["figures"]["members"]["value"] == members  # it read the copy
    assert str(worker) not in every_text(out)


def test_a_failure_on_a_worker_names_the_build_s_paths(tmp_path):
    worker = tmp_path / "evaluate-report-y"
    (worker / "notebook").mkdir(parents=True)
    shutil.copy(NOTEBOOKS / "raises.ipynb", worker / "notebook")
    (worker / "build" / "logs").mkdir(parents=True)
    job = job_for("raises", reason="reading /srv/clubs/north/members.csv")
    copies = Copies(notebook=worker / "notebook" / "raises.ipynb",
                    parameters={"reason": f"reading {worker}/data/north/members.csv"},
                    paths={str(worker / "notebook"): str(NOTEBOOKS),
                           f"{worker}/data/north": "/srv/clubs/north",
                           str(worker / "build"): "/srv/out/.staging-x"})
    result = run_report(job, worker / "build", KernelRegistry(), 60, CONTEXT, copies=copies)
    assert result.status == "failed"
    assert result.failure.message == ("ValueError: fixture failure reading "
                                      "/srv/clubs/north/members.csv")
    assert "/srv/clubs/north/members.csv" in (worker / "build" / "raises.html").read_text()
    assert str(worker) not in every_text(worker / "build")
