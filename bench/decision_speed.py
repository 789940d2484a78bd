"""Benchmark: the exact portfolio of 20 candidates, and the robustness steps, timed.

Times (best of ``--repeat``) :func:`evaluate.mcda.portfolio.best_portfolios` on random
candidates: all ``2**20`` sets enumerated, budget and floor checked, the 5 best returned.
Target (README, "Speed"): under 1 s. Also times rank acceptability over 10,000 draws × 20
candidates × 7 criteria with weights sampled on the simplex, and the closed-form
weight-stability intervals, for reference.

Run on demand: ``python bench/decision_speed.py [--candidates N] [--draws D]``.
The machines are shared and noisy: compare figures from one run only.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from evaluate.mcda.portfolio import best_portfolios
from evaluate.mcda.robustness import rank_acceptability, stability_intervals
from timing import best_of

TARGET_SECONDS = 1.0




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--criteria", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    n, c = args.candidates, args.criteria
    candidates = pd.DataFrame({"score": rng.uniform(0, 1, n), "npv": rng.normal(0, 5e3, n),
                               "cost": rng.uniform(300, 3000, n),
                               "floor_m2": rng.uniform(1, 8, n)},
                              index=[f"m{i:02d}" for i in range(n)])
    budget, floor = 0.4 * candidates["cost"].sum(), 0.4 * candidates["floor_m2"].sum()
    out = best_portfolios(candidates, budget=budget, free_floor_m2=floor, top=5)
    portfolio = best_of(args.repeat, lambda: best_portfolios(
        candidates, budget=budget, free_floor_m2=floor, top=5))
    verdict = "ok" if portfolio < TARGET_SECONDS else "TOO SLOW"
    print(f"exact portfolio, {n} candidates ({2**n:,} sets, "
          f"{out.attrs['feasible_sets']:,} feasible): {portfolio:.3f} s "
          f"(target < {TARGET_SECONDS} s: {verdict})")

    names, alternatives = [f"c{j}" for j in range(c)], list(candidates.index)
    draws = rng.uniform(0, 100, (args.draws, n, c))
    weights = dict(zip(names, rng.dirichlet(np.ones(c)), strict=True))
    directions = {k: ("max" if j % 2 == 0 else "min") for j, k in enumerate(names)}
    acceptability = best_of(args.repeat, lambda: rank_acceptability(
        draws, weights, directions, names, alternatives, weight_sampling="simplex"))
    print(f"rank acceptability, {args.draws:,} draws × {n} × {c}, sampled weights: "
          f"{acceptability:.3f} s")
    matrix = pd.DataFrame(draws[0], index=alternatives, columns=names)
    stability = best_of(args.repeat, lambda: stability_intervals(matrix, weights, directions))
    print(f"weight-stability intervals, {n} × {c}: {1000 * stability:.2f} ms")


if __name__ == "__main__":
    main()
