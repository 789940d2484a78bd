"""Benchmark: our build against the way teams usually script it.

Builds the default plan cold with ``evaluate build`` (one process, reports in
parallel, in-process HTML export), then renders the same reports the usual
way: for each report, the ``papermill`` command, then ``jupyter nbconvert
--to html --no-input``, one after another. Prints both wall times and their
ratio. Target (README, "Speed"): ours takes at most one third of the naive time.

Run on demand: ``make bench`` or ``python bench/build_speed.py [--repeat N]``.
The machines are shared and noisy: compare figures from one run only.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from evaluate.build.prepare import BuildOptions, prepare
from evaluate.paths import DEFAULT_PLAN, PROJECT_ROOT

BIN = Path(sys.executable).parent
OUT = PROJECT_ROOT / "bench" / "out"


def timed(command: list[str], **kwargs) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, **kwargs)
    return time.perf_counter() - began


def ours(out: Path) -> float:
    return timed([str(BIN / "evaluate"), "build", "--plan", str(DEFAULT_PLAN),
                  "--out", str(out)])


def naive(out: Path) -> float:
    """The usual script: papermill CLI then nbconvert CLI, one report after another."""
    out.mkdir(parents=True)
    jobs = prepare(BuildOptions(plan_path=DEFAULT_PLAN)).jobs
    began = time.perf_counter()
    for job in jobs:
        executed = out / f"{job.report.name}.ipynb"
        subprocess.run([str(BIN / "papermill"), str(job.report.notebook), str(executed),
                        "-k", "python3", "--cwd", str(job.report.notebook.parent),
                        "-y", yaml.safe_dump(job.parameters)],
                       check=True, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                        str(executed)], check=True, capture_output=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; medians shown")
    args = parser.parse_args()
    reports = len(prepare(BuildOptions(plan_path=DEFAULT_PLAN)).jobs)
    shutil.rmtree(OUT, ignore_errors=True)
    ours_s, naive_s = [], []
    for i in range(args.repeat):
        naive_s.append(naive(OUT / f"naive-{i}"))
        ours_s.append(ours(OUT / f"ours-{i}"))
    o, n = statistics.median(ours_s), statistics.median(naive_s)
    print(f"default plan: {reports} reports, {args.repeat} run(s) each, medians")
    print(f"  naive (papermill CLI + nbconvert CLI, sequential): {n:6.1f} s")
    print(f"  ours  (evaluate build, {reports} in parallel)      : {o:6.1f} s")
    print(f"  ratio ours / naive: {o / n:.2f}  (target: at most 0.33)")


if __name__ == "__main__":
    main()
