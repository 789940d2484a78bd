"""Endurance: 20 builds in a row leave no kernel, process or open file.

The builds run in this process, through :func:`evaluate.build.run.build_reports`, so the test
can look at the process that ran them; each uses ``--force`` (every kernel really starts)
on the smallest plan that exercises the whole build (``tests/fixtures/plans/small.yml``:
two reports at once, each a kernel, a chart, an HTML page and a summary). Then two more
through the command line, as cron runs it, which must leave no kernel running either.

Kernels and temporary files are found exactly, not guessed: the test gives the builds
their own temporary folder (``TMPDIR``) and their own Jupyter runtime folder, where every
kernel's connection file goes and whose path is on every kernel's command line.

Measured on the 2-core development machine, 2026-11-24, with other tests running beside
it: 2.1-3.0 s a build, the whole test 50-72 s; under pytest 8 open descriptors after
build 1 and after build 20 (never more in between), 3 native threads after each build (the
main one and two the libraries start once and keep, one of them pyarrow's jemalloc) and
no Python thread but the main one.
"""

from __future__ import annotations

import gc
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest

from evaluate.build.prepare import BuildOptions
from evaluate.build.publish import build_lock
from evaluate.build.run import build_reports
from support import PLANS, run_cli

pytestmark = pytest.mark.notebooks

BUILDS = 20
CLI_BUILDS = 2
# Descriptors the process may hold beyond those after the first build, without a leak: the
# first build opens what it keeps for the process's life (pyzmq's context and its sockets,
# an event loop), and a later one may still be closing a socket when the count is taken.
# A leak grows by at least one a build, so after 19 more builds it shows however small the
# tolerance; 2 keeps the test steady (measured: no change at all, 8 and 8).
FD_TOLERANCE = 2


def kernels_started_here(runtime: Path) -> list[psutil.Process]:
    """Every process on the machine started with a connection file in ``runtime``."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        try:
            if any(str(runtime) in part for part in proc.info["cmdline"] or ()):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def new_children(me: psutil.Process, before: set[psutil.Process]) -> list[psutil.Process]:
    """This process's children that ``before`` did not hold.

    Earlier tests of the same session may keep processes of their own (the browser tests'
    Playwright driver and Chromium), which are not the builds'.
    """
    return [p for p in me.children(recursive=True) if p not in before]


def settle(me: psutil.Process, runtime: Path, before: set[psutil.Process],
           seconds: float = 5) -> None:
    """Wait up to ``seconds`` for ended kernels to be reaped (a build returns once they stop)."""
    deadline = time.monotonic() + seconds
    while (new_children(me, before) or kernels_started_here(runtime)) \
            and time.monotonic() < deadline:
        time.sleep(0.1)
    gc.collect()


def sockets(me: psutil.Process) -> list:
    """The process's TCP and UDP sockets (a kernel's are TCP: its five ZeroMQ channels)."""
    connections = getattr(me, "net_connections", None) or me.connections  # psutil < 6
    return connections("inet")


def own_files(me: psutil.Process, *folders: Path) -> list[str]:
    """The files this process holds open under ``folders``."""
    roots = [str(f) for f in folders]
    return [f.path for f in me.open_files() if f.path.startswith(tuple(roots))]


def test_twenty_builds_leave_no_kernel_process_thread_or_file_behind(tmp_path, monkeypatch):
    tmp, runtime, out = tmp_path / "tmp", tmp_path / "runtime", tmp_path / "reports"
    tmp.mkdir()
    runtime.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("PLOTLY_RENDERER", "plotly_mimetype")  # as the build sets it
    me = psutil.Process()
    threads_at_start = set(threading.enumerate())
    children_at_start = set(me.children(recursive=True))
    sockets_at_start = sockets(me)
    options = BuildOptions(plan_path=PLANS / "small.yml", out_dir=out, force=True)

    began = time.perf_counter()
    fds, native_threads, ids = [], [], []
    for n in range(1, BUILDS + 1):
        result = build_reports(options)
        assert result.ok, [r.failure for r in result.reports]
        assert [r.cache["hit"] for r in result.reports] == [False, False]  # both kernels ran
        ids.append(result.build_id)
        settle(me, runtime, children_at_start)
        assert new_children(me, children_at_start) == [], f"a process left by build {n}"
        assert kernels_started_here(runtime) == [], f"a kernel left by build {n}"
        assert set(threading.enumerate()) == threads_at_start, f"a thread left by build {n}"
        assert own_files(me, tmp_path) == [], f"a file left open by build {n}"
        assert set(sockets(me)) == set(sockets_at_start), f"a socket left open by build {n}"
        fds.append(me.num_fds())
        native_threads.append(me.num_threads())
    seconds = time.perf_counter() - began

    assert max(fds) <= fds[0] + FD_TOLERANCE, f"open descriptors after each build: {fds}"
    assert fds[-1] <= fds[0] + FD_TOLERANCE, fds
    assert native_threads[-1] <= native_threads[0], native_threads
    assert len(set(ids)) == BUILDS
    print(f"\n{BUILDS} builds in {seconds:.0f} s ({seconds / BUILDS:.1f} s each); "
          f"open descriptors {fds[0]} after build 1, {fds[-1]} after build {BUILDS} "
          f"(max {max(fds)}); threads {native_threads[0]} -> {native_threads[-1]}")

    # Then through the command line: the process ends, and no kernel may outlive it.
    for _ in range(CLI_BUILDS):
        result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out, "--force")
        assert result.returncode == 0, result.stderr
        settle(me, runtime, children_at_start)
        assert kernels_started_here(runtime) == []

    # Nothing else anywhere: no staging folder, no temporary file, no connection file.
    assert not list(out.glob(".staging-*"))
    published = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink()
                       and not p.name.startswith("."))
    assert len(published) == BUILDS + CLI_BUILDS, published
    extra = {p.name for p in out.iterdir()} - set(published)
    assert extra <= {"latest", "index.html", ".cache", ".build.lock"}, extra
    for folder in published:
        names = {p.name for p in (out / folder).iterdir()}
        assert not [name for name in names if name.startswith((".", "~")) or
                    name.endswith((".tmp", ".part"))], (folder, names)
    assert os.listdir(tmp) == [], "temporary files left behind"
    assert os.listdir(runtime) == [], "kernel connection files left behind"
    with build_lock(out):  # free: raises BuildLockedError if a build still held it
        pass
