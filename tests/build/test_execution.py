"""Running one notebook: kernel-start retries, and failures described, never raised."""

from __future__ import annotations

import pytest

from evaluate.build import execution
from evaluate.build.execution import KernelRegistry, ReportKernelManager, run_notebook
from support import NOTEBOOKS


def run(tmp_path, notebook="chart.ipynb", **kwargs):
    return run_notebook(NOTEBOOKS / notebook, tmp_path / "out.ipynb", kwargs.pop("params", {}),
                        cwd=tmp_path, cell_timeout=kwargs.pop("cell_timeout", 60),
                        kernel_log=tmp_path / "kernel.log", registry=KernelRegistry(), **kwargs)


def test_a_kernel_that_fails_to_start_is_retried(tmp_path, monkeypatch):
    calls = []
    real_start = ReportKernelManager.start_kernel

    async def flaky_start(self, **kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("zmq.error.ZMQError: Address already in use")
        await real_start(self, **kwargs)

    monkeypatch.setattr(ReportKernelManager, "start_kernel", flaky_start)
    monkeypatch.setattr(execution.time, "sleep", lambda s: None)
    outcome = run(tmp_path)
    assert outcome.ok, outcome.failure
    assert outcome.attempts == 3 and len(calls) == 3


def test_a_kernel_that_never_starts_fails_the_report_after_three_tries(tmp_path, monkeypatch):
    async def broken_start(self, **kwargs):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(ReportKernelManager, "start_kernel", broken_start)
    monkeypatch.setattr(execution.time, "sleep", lambda s: None)
    outcome = run(tmp_path)
    assert outcome.failure.kind == "kernel-start"
    assert "kernel_info" in outcome.failure.message
    assert outcome.attempts == execution.START_ATTEMPTS


def test_an_error_in_the_notebook_is_not_retried(tmp_path):
    outcome = run(tmp_path, "raises.ipynb")
    assert outcome.attempts == 1
    assert outcome.failure.kind == "error" and outcome.failure.ename == "ValueError"
    assert outcome.failure.execution_count == 3


def test_kernel_runs_in_the_given_folder_and_logs_apart(tmp_path):
    outcome = run(tmp_path, params={"greeting": "hi"})
    assert outcome.ok
    assert (tmp_path / "kernel.log").exists()
    assert not list(tmp_path.glob("kernel-*.json"))


@pytest.mark.parametrize("stopping", [True])
def test_no_kernel_starts_once_the_build_is_stopping(tmp_path, stopping):
    registry = KernelRegistry()
    registry.kill_all()
    outcome = run_notebook(NOTEBOOKS / "chart.ipynb", tmp_path / "out.ipynb", {}, cwd=tmp_path,
                           cell_timeout=60, kernel_log=tmp_path / "k.log", registry=registry)
    assert outcome.failure.kind == "interrupted"
    assert outcome.attempts == 1


def test_kernels_run_the_suites_own_interpreter():
    import shutil
    import sys
    from pathlib import Path

    km = ReportKernelManager(kernel_name="python3")
    assert km.kernel_spec.argv[0] == sys.executable
    shutil.rmtree(Path(km.connection_file).parent)


def test_a_gated_run_boots_its_kernel_and_waits_for_the_gate(tmp_path):
    import threading

    registry = KernelRegistry(gated=True)
    threading.Timer(1.5, registry.open_gate).start()
    outcome = run_notebook(NOTEBOOKS / "chart.ipynb", tmp_path / "out.ipynb", {}, cwd=tmp_path,
                           cell_timeout=60, kernel_log=tmp_path / "k.log", registry=registry)
    assert outcome.ok and outcome.seconds >= 1.5


def test_no_cell_runs_when_the_build_stops_at_the_gate(tmp_path):
    import threading

    import nbformat

    registry = KernelRegistry(gated=True)
    threading.Timer(1.0, registry.kill_all).start()
    out = tmp_path / "out.ipynb"
    outcome = run_notebook(NOTEBOOKS / "chart.ipynb", out, {}, cwd=tmp_path, cell_timeout=60,
                           kernel_log=tmp_path / "k.log", registry=registry)
    assert outcome.failure.kind == "interrupted" and outcome.attempts == 1
    cells = nbformat.read(out, as_version=4).cells if out.exists() else []
    assert not any(c.get("metadata", {}).get("papermill", {}).get("start_time") for c in cells)
    assert all(c.get("outputs", []) == [] for c in cells if c.cell_type == "code")
