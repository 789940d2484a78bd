"""Timing helper shared by the benchmarks (they run as scripts: ``python bench/NAME.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """Wall seconds of the fastest of ``repeat`` runs of ``work``: the least disturbed by noise."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)
