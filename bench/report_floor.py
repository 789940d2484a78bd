"""Benchmark: how close each report of the default plan comes to its floor.

The floor of a report is one kernel start plus its own computation (the sum of its cells'
run times, as papermill records them in the executed notebook). This builds each report of
the default plan alone (``--only NAME --force --jobs 1``, so reports do not compete for the
CPUs), reads from ``build.json`` the time the build spent on it (kernel start, cells,
saving the notebook, HTML export), measures a bare kernel start (jupyter_client, to the
first reply), and prints, per report, the build's time, the floor and the overhead above it.

Run on demand: ``python bench/report_floor.py``. One run each; the machines are shared.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from evaluate.build.prepare import BuildOptions, prepare

BIN = Path(sys.executable).parent


def kernel_start_seconds(repeat: int = 3) -> float:
    """The best of ``repeat`` starts of a ``python3`` kernel, to its first reply."""
    from jupyter_client import KernelManager

    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        manager = KernelManager(kernel_name="python3")
        manager.start_kernel()
        client = manager.client()
        client.start_channels()
        client.wait_for_ready(timeout=60)
        client.execute_interactive("pass", timeout=60)
        best = min(best, time.perf_counter() - began)
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return best


def cells_seconds(executed: Path) -> float:
    nb = nbformat.read(executed, as_version=4)
    return sum(float(c.metadata.get("papermill", {}).get("duration") or 0) for c in nb.cells)


def main() -> None:
    names = [job.report.name for job in prepare(BuildOptions(), with_data=False).jobs]
    start = kernel_start_seconds()
    print(f"bare kernel start (best of 3): {start:.2f} s")
    print(f"{'report':28} {'build':>7} {'floor':>7} {'overhead':>9}  (seconds)")
    out = Path(tempfile.mkdtemp(prefix="report-floor-"))
    try:
        for name in names:
            subprocess.run([str(BIN / "evaluate"), "build", "--only", name, "--force",
                            "--jobs", "1", "--out", str(out)], check=True,
                           capture_output=True)
            build = json.loads((out / "latest" / "build.json").read_text(encoding="utf-8"))
            [report] = build["reports"]
            floor = start + cells_seconds(out / "latest" / report["executed"])
            print(f"{name:28} {report['seconds']:7.2f} {floor:7.2f} "
                  f"{report['seconds'] - floor:9.2f}")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
