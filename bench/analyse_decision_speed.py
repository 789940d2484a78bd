"""Benchmark: the decision report's whole analysis on the demo club, and how often it segments.

Times (best of ``--repeat``) ``analyse_decision(DecisionReportParams(), load_club_data(...))``
on the demo club, the data loaded once beforehand (not timed): candidates, calibration,
forecast, Monte Carlo, scores, robustness, both tornadoes, portfolios and the audience.
Then runs it once more with counters around the roster's aggregation and prints how many
times one call does it: :func:`evaluate.model.demand.demand_segments` (the roster into demand
segments), :func:`evaluate.model.segments.member_codes` (each member coded, the step inside
every segmentation and the exposure per member) and
:func:`evaluate.model.demand.peak_share` (the peak hour read from the check-ins).

Run on demand: ``python bench/analyse_decision_speed.py [--repeat N]`` (or ``make bench-model``).
The machines are shared and noisy: compare figures from one run only.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections import Counter
from collections.abc import Callable

from evaluate.data.club_data import load_club_data
from evaluate.model import demand, segments
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports.decision.analysis import analyse_decision
from evaluate.reports.notebook_params import DecisionReportParams
from timing import best_of

COUNTED = ((demand, "demand_segments"), (segments, "member_codes"), (demand, "peak_share"))


def counted(work: Callable, name: str, counts: Counter[str]) -> Callable:
    """``work`` that adds one to ``counts[name]`` at each call."""
    @functools.wraps(work)
    def wrapper(*args: object, **kwargs: object) -> object:
        counts[name] += 1
        return work(*args, **kwargs)

    return wrapper


def count_calls(counts: Counter[str]) -> Callable[[], None]:
    """Wrap each :data:`COUNTED` function in every module using it; return the undo."""
    undo = []
    for module, name in COUNTED:
        work = getattr(module, name)
        wrapper = counted(work, name, counts)
        for user in list(sys.modules.values()):
            if (getattr(user, "__name__", "").startswith("evaluate.")
                    and getattr(user, name, None) is work):
                setattr(user, name, wrapper)
                undo.append((user, name, work))

    def restore() -> None:
        for user, name, work in undo:
            setattr(user, name, work)

    return restore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = load_club_data(DEMO_DATA_DIR)
    params = DecisionReportParams()
    seconds = best_of(args.repeat, lambda: analyse_decision(params, data))
    counts: Counter[str] = Counter()
    restore = count_calls(counts)
    try:
        analysis = analyse_decision(params, data)
    finally:
        restore()
    print(f"analyse_decision on the demo club ({len(data.members):,} members, "
          f"{len(analysis.candidates)} candidates, {params.draws:,} draws): "
          f"{seconds:.3f} s (best of {args.repeat}); recommendation {analysis.recommendation}")
    print("per call: " + ", ".join(f"{name} {counts[name]}" for _, name in COUNTED))


if __name__ == "__main__":
    main()
