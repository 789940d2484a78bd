"""Tests of ``evaluate.build.cluster``: reports built on a Dask cluster of two worker processes.

The cluster runs on loopback for the module (``distributed.LocalCluster``). The demo chain
(three clubs, then the roll-up that reads them) is built on it and compared with the same
plan built here (the session's ``chain_build``, which the chain's own tests read too).
"""

from __future__ import annotations

import json
import re
import socket
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from evaluate.build import cluster
from evaluate.build.execution import Failure
from evaluate.errors import ClusterUnavailable, InputError
from evaluate.paths import NOTEBOOKS_DIR
from support import PLANS, run_cli

pytestmark = pytest.mark.notebooks  # kernels start, on the workers

CHAIN_PLAN = NOTEBOOKS_DIR / "chain-plan.yml"


@pytest.fixture(scope="module")
def scheduler():
    """The address of a local cluster of two single-threaded worker processes (closed after)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None, worker_dashboard_address=None) as local:
        yield local.scheduler_address, sorted(local.scheduler_info["workers"])


@pytest.fixture(scope="module")
def builds(scheduler, chain_build, tmp_path_factory):
    """The demo chain built here (``chain_build``) and through the cluster: each build folder."""
    address, _ = scheduler
    out = tmp_path_factory.mktemp("chain-on-cluster") / "reports"
    began = time.perf_counter()
    result = run_cli("build", "--plan", CHAIN_PLAN, "--out", out, "--param", "draws=1000",
                     "--scheduler", address)
    assert result.returncode == 0, result.stderr
    print(f"built on the cluster in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return {"local": chain_build, "cluster": (out / "latest").resolve()}


def build_json(folder: Path) -> dict:
    return json.loads((folder / "build.json").read_text(encoding="utf-8"))


def test_every_report_is_published_from_the_workers(builds, scheduler):
    address, workers = scheduler
    manifest = build_json(builds["cluster"])
    assert manifest["status"] == "succeeded" and manifest["options"]["scheduler"] == address
    reports = {r["name"]: r for r in manifest["reports"]}
    assert sorted(reports) == ["chain", "club-01-decision", "club-02-decision",
                               "club-03-decision"]
    assert {r["status"] for r in reports.values()} == {"ok"}
    ran_on = {r["worker"] for r in reports.values()}
    assert ran_on == set(workers)  # both workers ran reports
    assert all(r["worker"] is None for r in build_json(builds["local"])["reports"])
    for name in reports:
        assert (builds["cluster"] / f"{name}.html").stat().st_size > 0
    # The roll-up ran after the clubs' reports and read their summaries.
    rollup = json.loads((builds["cluster"] / "chain.summary.json").read_text())
    assert rollup["clubs"] == 3 and len(rollup["recommendations"]) == 3


def _without_build(summary: dict) -> dict:
    summary.pop("build_id")
    summary["parameters"].pop("summaries_dir", None)  # the build's own staging folder
    return summary


def test_the_workers_make_the_files_a_local_build_makes(builds):
    local, remote = builds["local"], builds["cluster"]
    names = sorted(p.relative_to(local).as_posix() for p in local.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(remote).as_posix() for p in remote.rglob("*")
                           if p.is_file())
    for name in names:
        if name.endswith(".summary.json"):
            assert _without_build(json.loads((remote / name).read_text())) == \
                _without_build(json.loads((local / name).read_text())), name
        elif name.endswith(".csv"):
            assert (remote / name).read_bytes() == (local / name).read_bytes(), name
        text = (remote / name).read_text(encoding="utf-8", errors="replace")
        assert "evaluate-report-" not in text, f"{name} names a worker's temporary folder"
    for name in ("club-01-decision.ipynb", "chain.ipynb"):
        ours, theirs = (nbformat.read(b / name, as_version=4) for b in (local, remote))
        assert [c.source for c in theirs.cells if "injected-parameters" not in
                c.metadata.get("tags", [])] == [c.source for c in ours.cells if
                                                "injected-parameters" not in
                                                c.metadata.get("tags", [])]
        assert theirs.metadata.papermill.input_path == ours.metadata.papermill.input_path
        parameters = [dict(nb.metadata.papermill.parameters) for nb in (ours, theirs)]
        for given in parameters:
            given.pop("summaries_dir", None)
        assert parameters[0] == parameters[1]  # the club's data_dir is the build's own

        def printed(nb) -> list[str]:
            return [o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
                    if o.output_type == "stream"]

        assert printed(theirs) == printed(ours)


def test_a_roll_up_on_a_worker_reads_clubs_built_elsewhere(builds, scheduler, tmp_path):
    address, _ = scheduler
    out = tmp_path / "rollup"
    result = run_cli("build", "--plan", CHAIN_PLAN, "--only", "chain", "--out", out,
                     "--param", f"summaries_from=[{builds['local'].parent}]",
                     "--scheduler", address)
    assert result.returncode == 0, result.stderr
    rollup = json.loads((out / "latest" / "chain.summary.json").read_text())
    local = json.loads((builds["local"] / "chain.summary.json").read_text())
    assert rollup["parameters"]["summaries_from"] == [str(builds["local"])]
    assert rollup["ranking"] == local["ranking"]
    assert rollup["recommendations"] == local["recommendations"]


def test_a_failing_cell_on_a_worker_fails_as_it_does_here(scheduler, tmp_path):
    address, _ = scheduler
    runs = {how: run_cli("build", "--plan", PLANS / "with_failure.yml", "--out",
                         tmp_path / how, *extra)
            for how, extra in (("local", []), ("cluster", ["--scheduler", address]))}
    assert runs["local"].returncode == runs["cluster"].returncode == 1

    def failure_line(result) -> str:
        line = next(x for x in result.stderr.splitlines() if "  raises: error in cell" in x)
        return re.sub(r"^\S+ \S+ |/\d{4}-\d\d-\d\d-\d{6}/", "", line)

    assert failure_line(runs["cluster"]).replace("/cluster", "/HERE") == \
        failure_line(runs["local"]).replace("/local", "/HERE")
    failures = [next(r["failure"] for r in build_json(next((tmp_path / how).glob("2*")))
                     ["reports"] if r["name"] == "raises") for how in ("local", "cluster")]
    assert failures[0] == failures[1]
    assert failures[1]["message"] == "ValueError: fixture failure on purpose"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_scheduler_stops_the_build_before_anything_runs(tmp_path):
    address = f"tcp://127.0.0.1:{_free_port()}"
    began = time.perf_counter()
    with pytest.raises(ClusterUnavailable, match=re.escape(
            f"the Dask scheduler at {address} could not be reached")) as caught:
        cluster.connect(address)
    assert time.perf_counter() - began < 2  # refused at once, not after the 10 s timeout
    assert caught.value.exit_code == 3
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", tmp_path / "out",
                     "--scheduler", address)
    assert result.returncode == 3
    assert f"error: the Dask scheduler at {address} could not be reached" in result.stderr
    assert "nothing ran" in result.stderr and f"dask worker {address}" in result.stderr
    assert not (tmp_path / "out").exists()  # no lock, no staging folder: nothing written


def test_an_address_that_is_not_one_is_bad_input():
    with pytest.raises(InputError, match="not a scheduler address") as caught:
        cluster.connect("foo://127.0.0.1:1")
    assert caught.value.exit_code == 2


def test_without_distributed_the_option_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(InputError, match=re.escape('pip install -e ".[dask]"')) as caught:
        cluster.connect("tcp://127.0.0.1:8786")
    assert "--scheduler needs the Python package distributed" in str(caught.value)


class _Workers:
    """A client whose workers answer ``fingerprint`` with what the test gives."""

    def __init__(self, answers: dict[str, dict]) -> None:
        self.answers = answers

    def run(self, function):
        return self.answers


def test_a_worker_running_another_suite_is_refused_by_name():
    ours = cluster.fingerprint()
    other = {**ours, "code": "0" * 64,
             "versions": {**ours["versions"], "pandas": "1.0.0"}}
    cluster.check_workers(_Workers({"tcp://a:1": ours}), "tcp://s:1")  # the same: accepted
    with pytest.raises(InputError) as caught:
        cluster.check_workers(_Workers({"tcp://a:1": ours, "tcp://b:2": other}), "tcp://s:1")
    [problem] = caught.value.problems
    assert problem.message.startswith("worker tcp://b:2 of the scheduler at tcp://s:1 runs "
                                      "another suite: the suite's code (src/evaluate) differs")
    assert f"pandas 1.0.0 (the build has {ours['versions']['pandas']})" in problem.message


def test_copies_write_the_build_s_paths_for_the_worker_s(tmp_path):
    here, there = tmp_path / "evaluate-report-x" / "data" / "club", '/srv/clubs/"north" Ø'
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"data_dir = {str(here)!r}", outputs=[nbformat.v4.new_output(
            "stream", name="stdout", text=f"read {here}/members.csv\n")])])
    nb.metadata["papermill"] = {"parameters": {"data_dir": str(here)}}
    executed, log = tmp_path / "r.ipynb", tmp_path / "r.kernel.log"
    nbformat.write(nb, executed)
    log.write_text(f"Traceback: {here}/members.csv\n")
    failure = Failure("error", f"FileNotFoundError: {here}/x.csv", evalue=f"{here}/x.csv")
    copies = cluster.Copies(notebook=tmp_path / "n.ipynb", parameters={},
                            paths={str(here): there, str(here.parent): "/elsewhere"})
    copies.relocate(executed, log, failure)
    moved = nbformat.read(executed, as_version=4)
    assert moved.metadata.papermill.parameters["data_dir"] == there
    assert moved.cells[0].outputs[0].text == f"read {there}/members.csv\n"
    assert log.read_text() == f"Traceback: {there}/members.csv\n"
    assert failure.message == f"FileNotFoundError: {there}/x.csv"
    assert failure.evalue == f"{there}/x.csv"
    copies.relocate(tmp_path / "none.ipynb", tmp_path / "none.log", None)  # nothing to move


def test_a_worker_cannot_write_outside_the_build_folder(tmp_path):
    assert cluster._inside(tmp_path, "logs/r.kernel.log") == tmp_path / "logs/r.kernel.log"
    for name in ("../r.html", "/etc/passwd", "logs/../../r.html"):
        with pytest.raises(ValueError, match="outside the build folder"):
            cluster._inside(tmp_path, name)


class _Ended:
    """A finished dask future as :meth:`RemoteRunner._landed` sees it."""

    def __init__(self, status: str, value=None, error: BaseException | None = None) -> None:
        self.status, self.value, self.error = status, value, error

    def result(self):
        if self.error is not None:
            raise self.error
        return self.value


def test_what_comes_back_is_written_and_a_lost_worker_stops_the_build(tmp_path):
    from concurrent.futures import Future

    from distributed.scheduler import KilledWorker

    from evaluate.build.manifest import ReportResult
    from evaluate.build.plan import PlannedReport
    from evaluate.build.prepare import Job

    runner = cluster.RemoteRunner(client=None, address="tcp://s:1", folder=tmp_path,
                                  context={"build_id": "b"}, cell_timeout=1, progress=None)
    job = Job(report=PlannedReport(name="r", entry="r", notebook=Path("r.ipynb"), title="R"),
              parameters={}, title="R")
    result = ReportResult(name="r", title="R", notebook="r.ipynb", parameters={},
                          status="ok", seconds=1.0, html="r.html", executed="r.ipynb",
                          summary="r.summary.json")
    landed: Future = Future()
    files = {"r.html": b"<p>page</p>", "logs/r.kernel.log": b"kernel"}
    runner._landed(_Ended("finished", cluster.Shipped(result, files, "tcp://w:1")), job,
                   landed)
    assert landed.result().worker == "tcp://w:1" and runner.workers == {"r": "tcp://w:1"}
    assert (tmp_path / "r.html").read_bytes() == b"<p>page</p>"
    assert (tmp_path / "logs" / "r.kernel.log").read_bytes() == b"kernel"

    lost: Future = Future()
    died = KilledWorker("run_on_worker-r", SimpleNamespace(address="tcp://w:1"), 3)
    runner._landed(_Ended("error", error=died), job, lost)
    with pytest.raises(ClusterUnavailable, match=re.escape(
            "report r could not run on the cluster at tcp://s:1 (KilledWorker: ")) as caught:
        lost.result()
    assert caught.value.exit_code == 3 and "nothing was published" in str(caught.value)

    cancelled: Future = Future()
    runner._landed(_Ended("cancelled"), job, cancelled)
    assert cancelled.cancelled()

    runner._stopped = True  # the build stopped: what still comes back is not written
    late: Future = Future()
    runner._landed(_Ended("finished", cluster.Shipped(result, {"late.html": b"x"}, "w")), job,
                   late)
    assert late.cancelled() and not (tmp_path / "late.html").exists()
