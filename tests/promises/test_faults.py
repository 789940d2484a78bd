"""Faults during a build: each ends with a clear message, no half-written build, the lock
released and ``latest`` intact.

A kernel killed mid-report, a cell timeout, a write that fails (the disk is full), an
interrupted build (SIGINT, SIGTERM), a second build on the same folder, and a build killed
outright, whose stale lock and staging folder the next build clears.
"""

from __future__ import annotations

import errno
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from evaluate.build.publish import build_lock
from support import CLUB, PLANS, run_cli


def published(out_dir: Path) -> list[Path]:
    """The folders of published builds (every folder but latest, assets/ and hidden ones)."""
    return sorted(p for p in out_dir.iterdir()
                  if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")
                  and p.name != "assets")


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
def test_interrupted_build_publishes_nothing_and_stops_its_kernels(signum, out_dir, tmp_path):
    good = good_build(out_dir)
    before = published(out_dir)
    temp = tmp_path / "temp"  # where the build's kernels keep their sockets
    temp.mkdir()
    proc = start_slow_build(out_dir, 120, env={**os.environ, "TMPDIR": str(temp)})
    kernels = kernels_of(proc)
    assert kernels
    began = time.monotonic()
    proc.send_signal(signum)
    time.sleep(0.05)  # then the other one, as an impatient person or scheduler would
    proc.send_signal(signal.SIGTERM if signum == signal.SIGINT else signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert time.monotonic() - began < 20  # kernels were killed, not waited for
    assert f"interrupted by {signal.Signals(signum).name}" in err
    assert "nothing published" in err and "Traceback" not in err
    assert "already stopping, cleaning up" in err  # the second signal did not cut it short
    _, alive = psutil.wait_procs(kernels, timeout=10)
    assert not alive, f"kernels left running: {alive}"
    assert os.listdir(temp) == [], "kernel socket folders left behind"
    assert published(out_dir) == before
    assert_clean(out_dir, good)
    assert good_build(out_dir) != good  # the next build runs and publishes


def test_a_build_stopped_by_bad_data_leaves_no_kernel_behind(out_dir, tmp_path):
    """The kernels boot while the data is checked: bad data kills them before any cell."""
    club, temp = tmp_path / "club", tmp_path / "temp"
    shutil.copytree(CLUB, club)
    temp.mkdir()
    members = club / "members.csv"
    members.write_text(members.read_text().replace("monthly_dues", "monthly_due"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "evaluate", "build", "--plan", str(PLANS / "small.yml"),
         "--out", str(out_dir), "--data-dir", str(club)], env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started: set[psutil.Process] = set()
    while proc.poll() is None:  # note the kernels it starts, to check they are gone after
        try:
            started |= set(kernels_of(proc))
        except psutil.NoSuchProcess:  # the build has just ended
            break
        time.sleep(0.05)
    _, err = proc.communicate()
    assert proc.returncode == 2 and "monthly_due" in err, err
    _, alive = psutil.wait_procs(started, timeout=10)
    assert not alive, f"kernels left running: {alive}"
    assert os.listdir(temp) == [], "kernel socket folders left behind"
    assert not list(out_dir.glob(".staging-*"))


# --- writes the disk refuses -------------------------------------------------------------


def file_size_limit(limit: int):
    """For Popen's preexec_fn: the build (and its kernels) may write no file over ``limit``.

    A real refusal from the operating system: a write past the limit fails with EFBIG, as
    one on a full disk fails with ENOSPC (SIGXFSZ, which would kill the process instead,
    is ignored, as Python does anyway).
    """
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize(("limit", "args", "refused"), [
    (1_000_000, (), "{out_dir}/.staging-*/chart-a.html"),  # the page: 5 MB of plotly.js
    (20_000, (), "{out_dir}/.staging-*/chart-a.ipynb"),  # papermill saves it as cells run
    (1_000_000, ("--shared-plotly",), "{out_dir}/assets"),  # plotly.js, before any report
], ids=["page", "notebook", "shared-plotly"])
def test_a_write_the_disk_refuses_stops_the_build_with_one_clear_line(limit, args, refused,
                                                                       out_dir):
    good = good_build(out_dir)
    before = published(out_dir)
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                     "--only", "chart-a", "--force", *args, preexec_fn=file_size_limit(limit))
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    refused = re.escape(refused.format(out_dir=out_dir)).replace(r"\*", r"[\d-]+")
    assert re.match(rf"error: could not write {refused}.* \(the file is over this process's "
                    r"file-size limit \(ulimit -f\)\)", line), line
    assert "the unfinished build was removed, nothing published, latest unchanged" in line
    assert f"fix: raise the file-size limit (ulimit -f unlimited) or free space in {out_dir}" \
        in line
    assert published(out_dir) == before
    assert not list(out_dir.glob("assets/.*"))  # no half-written plotly.js
    assert_clean(out_dir, good)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_while_publishing_leaves_index_latest_and_folders_as_they_were(out_dir):
    good = good_build(out_dir)
    before = published(out_dir)
    # The index is written through .index.html.tmp: linked to /dev/full, where every write
    # fails with ENOSPC, it is the last file a build writes before moving latest.
    (out_dir / ".index.html.tmp").symlink_to("/dev/full")
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                     "--only", "chart-a", "--force")
    assert result.returncode == 4, result.stderr
    assert "Traceback" not in result.stderr
    assert f"error: could not write {out_dir}/index.html (the disk is full)" in result.stderr
    assert f"fix: free space on the disk of {out_dir} (df -h {out_dir})" in result.stderr
    assert published(out_dir) == before
    assert set(re.findall(r'href="(\d{4}-[\d-]+)/"', (out_dir / "index.html").read_text())) \
        == {good}
    assert not (out_dir / ".index.html.tmp").exists() and not list(out_dir.glob(".latest*"))
    assert_clean(out_dir, good)
    assert good_build(out_dir) != good  # with the disk writable again, the next one publishes


def in_process_build(out_dir: Path):
    from evaluate.build.prepare import BuildOptions
    from evaluate.build.run import build_reports

    return build_reports(BuildOptions(plan_path=PLANS / "small.yml", out_dir=out_dir,
                                      only=("chart-a",)))


def test_a_cache_index_the_disk_refuses_only_warns(out_dir, monkeypatch, caplog):
    from evaluate.build.cache import BuildCache

    def full(self, build_id, reports):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(BuildCache, "record", full)
    result = in_process_build(out_dir)
    assert result.ok and os.readlink(out_dir / "latest") == result.build_id
    assert "could not update the build cache" in caplog.text
    assert "No space left on device" in caplog.text


def test_an_interrupt_while_publishing_waits_for_the_build_to_be_in_place(out_dir, monkeypatch,
                                                                          caplog):
    from evaluate.build import run as build

    real_publish = build.publish

    def interrupted_publish(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # as if Ctrl-C came now
        time.sleep(0.1)
        return real_publish(*args, **kwargs)

    monkeypatch.setattr(build, "publish", interrupted_publish)
    result = in_process_build(out_dir)
    assert result.ok and os.readlink(out_dir / "latest") == result.build_id
    assert "SIGINT came while the build was being published: that was finished first" \
        in caplog.text
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


# --- a build killed outright ---------------------------------------------------------------


def test_a_build_killed_outright_leaves_a_stale_lock_the_next_build_clears(out_dir):
    good = good_build(out_dir)
    proc = start_slow_build(out_dir, seconds=120)
    kernels = kernels_of(proc)
    sockets = [Path(k.cmdline()[k.cmdline().index("-f") + 1]).parent for k in kernels]
    [staging] = out_dir.glob(".staging-*")
    record = (out_dir / ".build.lock").read_text()
    assert record.startswith(f"pid {proc.pid}, started ")
    try:
        proc.kill()  # SIGKILL: no clean-up at all
        proc.communicate(timeout=30)
        # Orphaned, its kernels see their parent gone and exit (ipykernel's parent poller).
        _, alive = psutil.wait_procs(kernels, timeout=15)
        assert not alive, f"kernels left running: {alive}"
    finally:
        for kernel in kernels:
            if kernel.is_running():
                kernel.kill()
        for folder in sockets:  # the kernels' sockets, in the system's temporary folder
            shutil.rmtree(folder, ignore_errors=True)
    # What it leaves: its staging folder and its record in the lock file, never a published
    # build or a moved latest; and the lock itself is free (the OS released it).
    assert staging.is_dir() and os.readlink(out_dir / "latest") == good
    assert (out_dir / ".build.lock").read_text() == record
    with build_lock(out_dir) as left:
        assert left == record
    assert (out_dir / ".build.lock").read_text() == ""  # a clean release clears the record
    (out_dir / ".build.lock").write_text(record)  # as the killed build left it

    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                     "--only", "chart-a")
    assert result.returncode == 0, result.stderr
    started = record.split("started ", 1)[1]
    assert (f"WARNING cleared a stale lock left by build pid {proc.pid} (started {started}), "
            f"which is no longer running; removed its unfinished staging folder {staging.name}"
            ) in result.stderr
    assert not list(out_dir.glob(".staging-*"))
    assert (out_dir / ".build.lock").read_text() == ""
    assert os.readlink(out_dir / "latest") != good
