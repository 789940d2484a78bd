"""Benchmark: a chain of clubs, one decision report each plus the chain roll-up.

Generates (once; reused on later runs) ``--clubs`` synthetic clubs of up to ``--members``
members each into ``bench/out/chain-<clubs>/`` with ``evaluate demo-data --clubs``, writes a
chain plan beside them (every club's decision report, then the roll-up that reads their
summaries), builds it cold with ``evaluate build`` (reports in parallel, ``--jobs`` default:
the CPUs) and prints the wall time, the reports built and the reports per minute. Target: 50
clubs build in parallel; the figure is the reports per minute.

Run on demand: ``make bench-chain`` or ``python bench/chain_speed.py [--clubs N]``.
The machines are shared and noisy: quote figures from one run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from evaluate.paths import NOTEBOOKS_DIR, PROJECT_ROOT

BIN = Path(sys.executable).parent
OUT = PROJECT_ROOT / "bench" / "out"
TODAY = date(2026, 11, 1)


def chain_plan(clubs_dir: Path, draws: int) -> str:
    """A chain plan: each club's decision report, then the roll-up."""
    return f"""title: Benchmark chain
clubs: {clubs_dir}
reports:
  - name: decision
    notebook: {NOTEBOOKS_DIR / "decision_report.ipynb"}
    title: "Which machine to buy"
    per_club: true
    parameters: {{draws: {draws}}}
  - name: chain
    notebook: {NOTEBOOKS_DIR / "chain_rollup.ipynb"}
    title: "Where each machine pays off best"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clubs", type=int, default=50)
    parser.add_argument("--members", type=int, default=3000, help="most members in a club")
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    base = OUT / f"chain-{args.clubs}"
    clubs_dir = base / "clubs"
    if args.regenerate or not clubs_dir.is_dir():
        shutil.rmtree(clubs_dir, ignore_errors=True)
        began = time.perf_counter()
        subprocess.run([str(BIN / "evaluate"), "demo-data", "--out", str(clubs_dir),
                        "--clubs", str(args.clubs), "--members", str(args.members),
                        "--today", TODAY.isoformat()], check=True, capture_output=True)
        print(f"generated {args.clubs} clubs in {time.perf_counter() - began:.1f} s")
    plan = base / "plan.yml"
    plan.write_text(chain_plan(clubs_dir, args.draws), encoding="utf-8")
    out = base / "reports"
    shutil.rmtree(out, ignore_errors=True)
    command = [str(BIN / "evaluate"), "build", "--plan", str(plan), "--out", str(out)]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        print(done.stderr[-3000:])
        raise SystemExit(f"the chain build failed with exit status {done.returncode}")
    build = json.loads((out / "latest" / "build.json").read_text(encoding="utf-8"))
    reports = len(build["reports"])
    print(f"chain of {args.clubs} clubs: {reports} reports ({args.clubs} decisions + roll-up), "
          f"{args.draws:,} draws each")
    print(f"  cold build: {seconds:.1f} s wall, {reports / seconds * 60:.1f} reports per minute "
          f"(jobs: {args.jobs or 'the CPUs'})")


if __name__ == "__main__":
    main()
