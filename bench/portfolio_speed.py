"""Benchmark: the best sets of machines by enumeration and by the integer program, timed.

Times (best of ``--repeat``) :func:`evaluate.mcda.portfolio.best_portfolios`, the 5 best sets
within the budget and the floor, on random candidates (scores 0-1, costs 300-3,000, areas
1-8 m², limits 40% of the totals): at 20 candidates by the enumeration of all ``2**20``
sets and by the integer program (``scipy.optimize.milp``, HiGHS), which must agree, then by
the integer program alone at ``--candidates`` (40 by default), where the enumeration would
need ``2**40`` sets. scipy is imported before timing (about 0.6 s, once per process).

Run on demand: ``python bench/portfolio_speed.py [--candidates N] [--repeat R]``.
The machines are shared and noisy: compare figures from one run only.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import scipy.optimize  # noqa: F401  imported once, before the timings

from evaluate.mcda.portfolio import MAX_EXACT, best_portfolios
from timing import best_of


def candidates(n: int, seed: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """``n`` random candidates and limits at 40% of their total cost and area."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"score": rng.uniform(0, 1, n), "cost": rng.uniform(300, 3000, n),
                          "floor_m2": rng.uniform(1, 8, n)},
                         index=[f"m{i:02d}" for i in range(n)])
    limits = {"budget": 0.4 * frame["cost"].sum(), "free_floor_m2": 0.4 * frame["floor_m2"].sum()}
    return frame, limits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame, limits = candidates(MAX_EXACT, seed=2026)
    timings = {}
    results = {}
    for method in ("enumerate", "milp"):
        results[method] = best_portfolios(frame, **limits, top=5, method=method)
        timings[method] = best_of(args.repeat, lambda m=method: best_portfolios(
            frame, **limits, top=5, method=m))
    same = list(results["enumerate"]["members"]) == list(results["milp"]["members"])
    print(f"{MAX_EXACT} candidates, 5 best sets: enumeration ({2**MAX_EXACT:,} sets) "
          f"{timings['enumerate']:.3f} s, integer program {timings['milp']:.3f} s "
          f"({'the same sets' if same else 'DIFFERENT SETS'})")
    n = args.candidates
    frame, limits = candidates(n, seed=2026)
    out = best_portfolios(frame, **limits, top=5)
    seconds = best_of(args.repeat, lambda: best_portfolios(frame, **limits, top=5))
    print(f"{n} candidates, 5 best sets: integer program ({out.attrs['method']}, "
          f"{2**n:,} sets not listed) {seconds:.3f} s; best set {out['size'].iloc[0]} machines, "
          f"score {out['objective'].iloc[0]:.3f}")


if __name__ == "__main__":
    main()
