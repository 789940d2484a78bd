"""Benchmark: a no-change rebuild of the default plan against its cold build.

Builds the default plan into an empty output folder (cold: every report runs), then
builds it again with nothing changed: every report is reused from the build cache
(``evaluate.build.cache``), no kernel starts. Both through the ``evaluate`` command, as a
scheduler runs it, so the figures include Python's start-up and the command's imports;
``evaluate --version`` shows that floor. Prints both wall times and their ratio.
Target (README, "Speed"): the no-change rebuild takes at most 5% of the cold build.

Run on demand: ``make bench`` or ``python bench/rebuild_speed.py``. One run of each;
the machines are shared and noisy: compare figures from one run only.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from evaluate.paths import DEFAULT_PLAN, PROJECT_ROOT

EVALUATE = str(Path(sys.executable).parent / "evaluate")
OUT = PROJECT_ROOT / "bench" / "out" / "rebuild"


def timed(*args: str) -> float:
    began = time.perf_counter()
    subprocess.run([EVALUATE, *args], check=True, capture_output=True)
    return time.perf_counter() - began


def build() -> tuple[float, dict]:
    seconds = timed("build", "--plan", str(DEFAULT_PLAN), "--out", str(OUT))
    manifest = json.loads((OUT / "latest" / "build.json").read_text(encoding="utf-8"))
    return seconds, manifest


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    floor = timed("--version")
    cold, first = build()
    warm, second = build()
    reports = len(first["reports"])
    assert first["cache"]["hits"] == 0, "the cold build reused a report"
    print(f"default plan: {reports} reports, one run each")
    rows = [("cold build (every report runs)", cold),
            (f"no-change rebuild ({second['cache']['hits']}/{reports} reused)", warm),
            ("of which start-up (evaluate --version)", floor)]
    for label, seconds in rows:
        print(f"  {label:<39}: {seconds:6.2f} s")
    print(f"  ratio no-change / cold: {warm / cold:.3f}  (target: at most 0.05)")


if __name__ == "__main__":
    main()
