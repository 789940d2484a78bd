"""Faults during a build: each ends with a clear message, no half-written build, the lock
released and ``latest`` intact.

A kernel killed mid-report, a cell timeout, a write that fails (the disk is full), an
interrupted build (SIGINT, SIGTERM), a second build on the same folder, and a build killed
outright, whose stale lock and staging folder the next build clears.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from evaluate.publish import build_lock
from support import PLANS, run_cli


def published(out_dir: Path) -> list[Path]:
    return sorted(p for p in out_dir.iterdir()
                  if p.is_dir() and not p.is_symlink() and not p.name.startswith("."))


def build_json(folder: Path) -> dict:
    return json.loads((folder / "build.json").read_text())


def good_build(out_dir: Path) -> str:
    """A first build that succeeds; the id ``latest`` points at."""
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                     "--only", "chart-a")
    assert result.returncode == 0, result.stderr
    return os.readlink(out_dir / "latest")


def assert_clean(out_dir: Path, latest: str) -> None:
    """No staging folder, ``latest`` where it was, and the lock free for the next build."""
    assert not list(out_dir.glob(".staging-*"))
    assert os.readlink(out_dir / "latest") == latest
    with build_lock(out_dir):  # raises BuildLockedError if it were still held
        pass


def kernels_of(proc: subprocess.Popen) -> list[psutil.Process]:
    """The ipykernel processes a build started."""
    found = []
    for child in psutil.Process(proc.pid).children(recursive=True):
        try:
            if any("ipykernel" in part for part in child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def start_slow_build(out_dir: Path, seconds: float = 20, *args: str,
                     **popen: object) -> subprocess.Popen:
    """A build of the sleeping report, returned once its sleeping cell runs."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "evaluate", "build", "--plan", str(PLANS / "sleeps.yml"),
         "--out", str(out_dir), "--param", f"seconds={seconds}", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)
    deadline = time.monotonic() + 90
    while not _sleeping(out_dir):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the slow build never reached its sleeping cell"
        time.sleep(0.2)
    return proc


def _sleeping(out_dir: Path) -> bool:
    """True once the staged notebook says its ``time.sleep`` cell is running."""
    for path in out_dir.glob(".staging-*/sleeps.ipynb"):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # being written
            return False
        return any("time.sleep" in c.source
                   and c.get("metadata", {}).get("papermill", {}).get("status") == "running"
                   for c in nb.cells)
    return False


def test_a_killed_kernel_fails_its_report_naming_the_cell_and_the_signal(out_dir):
    good = good_build(out_dir)
    proc = start_slow_build(out_dir, seconds=120)
    [kernel] = kernels_of(proc)
    kernel.kill()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "Traceback" not in err
    line = next(x for x in err.splitlines() if "  sleeps: kernel-died" in x)
    assert "(In [" in line and ": import time)" in line  # the cell, as the notebook shows it
    assert "the kernel died while this cell ran (killed with SIGKILL" in line
    assert "logs/sleeps.kernel.log" in line
    assert "published as failed, latest unchanged" in err
    failed = next(f for f in published(out_dir) if f.name != good)
    [report] = build_json(failed)["reports"]
    assert report["status"] == "failed" and report["failure"]["kind"] == "kernel-died"
    assert "SIGKILL" in report["failure"]["message"]
    nb = nbformat.read(failed / "sleeps.ipynb", as_version=4)
    assert "time.sleep" in nb.cells[report["failure"]["cell_index"]].source
    assert "the kernel died" in (failed / "sleeps.html").read_text()
    assert_clean(out_dir, good)
    assert good_build(out_dir) != good  # the next build runs and publishes


def test_timeout_fails_the_report_with_its_cell_and_keeps_latest(out_dir):
    good = good_build(out_dir)
    result = run_cli("build", "--plan", PLANS / "sleeps.yml", "--out", out_dir,
                     "--cell-timeout", "2")
    assert result.returncode == 1
    assert "timeout" in result.stderr and "Traceback" not in result.stderr
    assert "a cell ran longer than the 2 s cell timeout" in result.stderr
    failed = next(f for f in published(out_dir) if f.name != good)
    [report] = build_json(failed)["reports"]
    assert report["failure"]["kind"] == "timeout"
    assert report["seconds"] < 30
    nb = nbformat.read(failed / "sleeps.ipynb", as_version=4)
    assert "time.sleep" in nb.cells[report["failure"]["cell_index"]].source
    assert report["failure"]["cell_source"] == "import time"
    assert "evaluate-failure-banner" in nb.cells[0].metadata.tags
    assert "cell timeout" in (failed / "sleeps.html").read_text()
    assert_clean(out_dir, good)


def test_second_concurrent_build_is_refused(out_dir):
    first = start_slow_build(out_dir)
    try:
        second = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir)
        assert second.returncode == 3
        assert "another build is already writing" in second.stderr
        assert f"pid {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_build_publishes_nothing_and_stops_its_kernels(signum, out_dir):
    good = good_build(out_dir)
    before = published(out_dir)
    proc = start_slow_build(out_dir, seconds=120)
    kernels = kernels_of(proc)
    assert kernels
    began = time.monotonic()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert time.monotonic() - began < 20  # kernels were killed, not waited for
    assert f"interrupted by {signal.Signals(signum).name}" in err
    assert "nothing published" in err and "Traceback" not in err
    _, alive = psutil.wait_procs(kernels, timeout=10)
    assert not alive, f"kernels left running: {alive}"
    assert published(out_dir) == before
    assert_clean(out_dir, good)
    assert good_build(out_dir) != good  # the next build runs and publishes
