"""Benchmark: the vectorised scoring cores over a Monte Carlo's draws.

``evaluate.mcda.scoring.wsm_core`` (min-max) and ``topsis_core`` (vector normalisation) on
10,000 draws × 20 candidates × 10 criteria (values uniform, half the criteria to minimise),
first with one weight vector shared by every draw, then with weights drawn per draw
(Dirichlet(1), i.e. uniform on the simplex). Each figure is the best of ``--repeat`` runs.
Target (README, "Speed"): weighted sum and TOPSIS together under 0.5 s.

Run: ``python bench/scoring_speed.py [--draws N] [--repeat R]``.
"""

from __future__ import annotations

import argparse

import numpy as np

from evaluate.mcda.scoring import topsis_core, wsm_core
from timing import best_of

TARGET_S = 0.5




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--criteria", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    rng = np.random.default_rng(7)
    shape = (args.draws, args.candidates, args.criteria)
    values = rng.uniform(1.0, 100.0, size=shape)
    signs = np.where(np.arange(args.criteria) % 2 == 0, 1.0, -1.0)
    shared = rng.dirichlet(np.ones(args.criteria))
    per_draw = rng.dirichlet(np.ones(args.criteria), size=args.draws)

    print(f"scoring cores: {args.draws:,} draws × {args.candidates} candidates × "
          f"{args.criteria} criteria, best of {args.repeat}")
    for label, weights in (("shared weights", shared), ("weights per draw", per_draw)):
        t_wsm = best_of(args.repeat, lambda w=weights: wsm_core(values, w, signs, "minmax"))
        t_top = best_of(args.repeat, lambda w=weights: topsis_core(values, w, signs, "vector"))
        total = t_wsm + t_top
        verdict = "OK" if total < TARGET_S else "SLOW"
        print(f"  {label:<17} weighted sum {t_wsm:6.3f} s   TOPSIS {t_top:6.3f} s   "
              f"together {total:6.3f} s  (target < {TARGET_S} s: {verdict})")


if __name__ == "__main__":
    main()
