"""Benchmark: the best sets of machines by enumeration and by the integer program, timed.

Times (best of ``--repeat``) :func:`evaluate.mcda.portfolio.best_portfolios`, the 5 best sets
within the budget and the floor, on random candidates (scores 0-1, costs 300-3,000, areas
1-8 m², limits 40% of the totals): at 20 candidates by the enumeration of all ``2**20``
sets and by the integer program (``scipy.optimize.milp``, HiGHS), which must agree, then by
the integer program alone at ``--candidates`` (40 by default), where the enumeration would
need ``2**40`` sets. scipy is imported before timing (about 0.6 s, once per process).
Then the same with sets **valued jointly** (``joint``): 20 candidates of random relevance
beside the demo club's owned machines, their joint added users
(:func:`evaluate.model.joint.joint_added_users`, every subset by doubling, timed alone with
its peak memory) and the 5 best sets by both methods, which must agree.

Run on demand: ``python bench/portfolio_speed.py [--candidates N] [--repeat R]``.
The machines are shared and noisy: compare figures from one run only.
"""

from __future__ import annotations

import argparse
import dataclasses
import tracemalloc

import numpy as np
import pandas as pd
import scipy.optimize  # noqa: F401  imported once, before the timings

from evaluate.data.club_data import load_club_data
from evaluate.mcda.portfolio import JOINT_COUNTS, MAX_EXACT, best_portfolios
from evaluate.model.costs import fill_equipment_costs
from evaluate.model.joint import JointUsers, joint_added_users
from evaluate.model.prepared import model_inputs
from evaluate.model.substitution import NEW
from evaluate.paths import DEMO_DATA_DIR
from timing import best_of


def candidates(n: int, seed: int) -> tuple[pd.DataFrame, dict[str, float]]:
    """``n`` random candidates and limits at 40% of their total cost and area."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"score": rng.uniform(0, 1, n), "cost": rng.uniform(300, 3000, n),
                          "floor_m2": rng.uniform(1, 8, n)},
                         index=[f"m{i:02d}" for i in range(n)])
    limits = {"budget": 0.4 * frame["cost"].sum(), "free_floor_m2": 0.4 * frame["floor_m2"].sum()}
    return frame, limits


def joint_candidates(n: int, seed: int) -> tuple[pd.DataFrame, dict[str, float], JointUsers]:
    """:func:`candidates` with ``n`` machines of random relevance beside the demo's owned ones.

    Substitution 0.5; each score is 30% of the random score plus parts that scale with the
    machine's added users and back-pain users, at 0.01 a member each ±10% (per-user values
    alike, as an NPV's retention and trainer income are).
    """
    frame, limits = candidates(n, seed)
    data = load_club_data(DEMO_DATA_DIR)
    equipment, _ = fill_equipment_costs(data.equipment, data.assumptions)
    inputs = model_inputs(data.members, equipment, data.assumptions, checkins=data.checkins,
                          owned=data.equipment)
    rng = np.random.default_rng(seed)
    first = np.zeros(n, dtype=np.int64)
    inputs = dataclasses.replace(
        inputs, equipment_ids=tuple(frame.index), levels=rng.integers(0, 3, (n, 3)),
        session_minutes=inputs.session_minutes[first], servers=inputs.servers[first],
        uptake_factor=np.ones(n), same_as=np.full(n, NEW),
        ranges={**inputs.ranges, "substitution": (0.5, 0.5, 0.5)})
    joint = joint_added_users(inputs)
    alone = joint(np.eye(n, dtype=bool))
    per_user = 0.01 * rng.uniform(0.9, 1.1, n)
    frame["score"] *= 0.3
    for g, count in enumerate(JOINT_COUNTS):
        frame[count] = alone[:, g]
        frame[f"score_from_{count}"] = alone[:, g] * per_user
        frame["score"] += frame[f"score_from_{count}"]
    return frame, limits, joint


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
    frame, limits, joint = joint_candidates(MAX_EXACT, seed=2026)
    tracemalloc.start()
    joint(None)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    users = best_of(args.repeat, lambda: joint(None))
    for method, repeat in (("enumerate", args.repeat), ("milp", 1)):
        results[method] = best_portfolios(frame, **limits, top=5, method=method, joint=joint)
        timings[method] = best_of(repeat, lambda m=method: best_portfolios(
            frame, **limits, top=5, method=m, joint=joint))
    same = list(results["enumerate"]["members"]) == list(results["milp"]["members"])
    print(f"{MAX_EXACT} candidates valued jointly: joint added users of every set "
          f"{users:.3f} s (peak {peak:.0f} MiB); 5 best sets: enumeration "
          f"{timings['enumerate']:.3f} s, integer program {timings['milp']:.3f} s "
          f"({'the same sets' if same else 'DIFFERENT SETS'}; "
          f"proven {results['milp'].attrs['proven']})")


if __name__ == "__main__":
    main()
