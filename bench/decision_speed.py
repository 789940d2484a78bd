"""Benchmark: the decision analysis on 10,000 draws × 20 candidates with substitution, timed.

**The decision analysis** here is the numerical part of a decision that grows with draws ×
candidates, run as :func:`evaluate.reports.decision.analysis.analyse_decision` runs it with
the report's default parameters (``DecisionReportParams``: 10,000 draws, its seed,
criteria, weights and weight sampling):

1. the Monte Carlo, :func:`evaluate.model.uncertainty.simulate_from_inputs` on a prepared
   model (:func:`evaluate.model.prepared.model_inputs`, not timed: the roster segmented once;
   not calibrated, since a calibration changes the uptake factors, not the work):
   every range drawn, :func:`~evaluate.model.prepared.model_core` (exposure, demand with
   substitution beside the owned machines, money), then the bands and the summary; the draws
   and the model core are also timed alone;
2. the decision matrix of every draw, :func:`evaluate.reports.decision.matrix.decision_draws`;
3. the rank acceptability, :func:`evaluate.mcda.robustness.rank_acceptability`.

Target (README, "Speed"): the three together under 1 s. The club is the demo club (its
roster, assumptions and check-in log; ``--members N`` takes a generated roster of ``N``
members instead: the roster enters the numerical part only through its demand segments).
The candidates are the 20 machines of the bundled catalogue
(``data/reference/equipment_catalogue.csv``), beside the machines the demo club owns
(``owned_units`` in its ``equipment.csv``: a back extension, two rowers, a leg press), so
every candidate is valued with versus without and three are second units. The peak memory of
one run of the three (``tracemalloc``, numpy's arrays included) is measured in a run of its
own, since tracing slows the run. For reference, the whole ``analyse_decision`` on the same
club and candidates (calibration, tornadoes, portfolios, audience too) is timed as well,
without a target.

Then the earlier parts: the exact portfolio of 20 candidates (all ``2**20`` sets enumerated,
budget and floor checked, the 5 best; target under 1 s), rank acceptability on a random
matrix of ``--criteria`` criteria with weights sampled on the simplex, and the closed-form
weight-stability intervals, for reference.

Run on demand: ``python bench/decision_speed.py [--draws D] [--members N] [--repeat R]``
(or ``make bench-model``). Each figure is the best of ``--repeat`` runs, with the fewest CPU
seconds of those runs beside it (every thread's; it moves less with the machine's load than
the wall time); the load average is printed before and after. The machines are shared and
noisy: compare figures from one run only.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

from evaluate.data.catalogue import load_catalogue
from evaluate.data.club_data import ClubData, load_club_data
from evaluate.data.equipment import ID, OWNED
from evaluate.mcda.portfolio import best_portfolios
from evaluate.mcda.robustness import rank_acceptability, stability_intervals
from evaluate.model.prepared import model_core, model_inputs
from evaluate.model.sampling import draw_assumptions
from evaluate.model.uncertainty import simulate_from_inputs
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports.decision.analysis import analyse_decision
from evaluate.reports.decision.matrix import NOTHING, decision_draws, draws_with_nothing
from evaluate.reports.notebook_params import DecisionReportParams
from model_speed import typed_members
from timing import best_of

TARGET_SECONDS = 1.0


def best_wall_cpu(repeat: int, work: Callable[[], object]) -> tuple[float, float]:
    """The fewest wall seconds and the fewest CPU seconds (every thread) of ``repeat`` runs.

    On a shared machine the CPU seconds move less with the load than the wall time does.
    """
    wall, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return min(wall), min(cpu)


def load() -> str:
    """The machine's load average over 1, 5 and 15 minutes, as printed."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def club(members: int) -> ClubData:
    """The demo club with the catalogue's 20 machines as its equipment (owned units kept).

    With ``members`` > 0 its roster is a generated one of that size, typed as the loader
    types it (the demo's check-in log then still gives the peak-hour share).
    """
    data = load_club_data(DEMO_DATA_DIR)
    owned = data.equipment.set_index(ID)[OWNED]
    catalogue = load_catalogue()
    catalogue[OWNED] = catalogue[ID].map(owned).fillna(0).astype(data.equipment[OWNED].dtype)
    # The club-only columns the catalogue has not (new joins, their source) stay blank.
    data = dataclasses.replace(data, equipment=catalogue.reindex(columns=data.equipment.columns))
    if members <= 0:
        return data
    roster = typed_members(members)  # generated on 1 November 2026, seed 7
    return dataclasses.replace(data, members=roster)


def bench_analysis(data: ClubData, draws: int, repeat: int) -> float:
    """Time the decision analysis's numerical part; return the three steps' time together."""
    params = DecisionReportParams(draws=draws)
    candidates = data.equipment
    model = model_inputs(data.members, candidates, data.assumptions, checkins=data.checkins,
                         owned=data.equipment)
    criteria = params.criteria
    weights = criteria.resolved_weights().to_dict()
    sampling = None if params.weight_sampling == "none" else params.weight_sampling
    ids = list(model.equipment_ids)

    def accept(matrix: np.ndarray) -> pd.DataFrame:
        # As analyse_decision ranks them: buying nothing beside the machines.
        return rank_acceptability(draws_with_nothing(matrix, criteria.names), weights,
                                  criteria.directions, criteria.names, [*ids, NOTHING],
                                  weight_sampling=sampling, seed=params.seed,
                                  spread=params.weight_spread,
                                  normalization=params.normalization, ranges=params.ranges,
                                  reference=NOTHING)

    def whole() -> pd.DataFrame:
        simulation = simulate_from_inputs(model, draws=draws, seed=params.seed)
        return accept(decision_draws(simulation, candidates, criteria))

    drawn = draw_assumptions(model.ranges, draws, params.seed)
    simulation = simulate_from_inputs(model, draws=draws, seed=params.seed)
    matrix = decision_draws(simulation, candidates, criteria)
    figures = {
        "draws (every range, Beta-PERT)": best_wall_cpu(
            repeat, lambda: draw_assumptions(model.ranges, draws, params.seed)),
        "model core (exposure, demand with substitution, money)": best_wall_cpu(
            repeat, lambda: model_core(model, drawn)),
        "Monte Carlo (draws, model core, bands, summary)": best_wall_cpu(
            repeat, lambda: simulate_from_inputs(model, draws=draws, seed=params.seed)),
        "decision matrix of every draw": best_wall_cpu(
            repeat, lambda: decision_draws(simulation, candidates, criteria)),
        f"rank acceptability ({len(criteria.names)} criteria, weights "
        f"{params.weight_sampling})": best_wall_cpu(repeat, lambda: accept(matrix)),
    }
    together, together_cpu = best_wall_cpu(repeat, whole)
    tracemalloc.start()
    found = whole()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    second = sum(model.same_as >= 0)
    print(f"decision analysis: {draws:,} draws × {len(ids)} candidates beside "
          f"{len(model.owned.ids)} owned machines ({second} candidates are second units); "
          f"{len(data.members):,} members in {len(model.segments.table)} demand segments")
    for name, (seconds, cpu) in figures.items():
        print(f"  {name}: {seconds:.3f} s ({cpu:.3f} s CPU)")
    verdict = "ok" if together < TARGET_SECONDS else "TOO SLOW"
    first = found.attrs["p_first"].idxmax()
    print(f"  together (Monte Carlo, matrix, rank acceptability): {together:.3f} s "
          f"({together_cpu:.3f} s CPU; target < {TARGET_SECONDS:g} s: {verdict}); "
          f"peak memory {peak / 2**20:.0f} MiB; "
          f"ranks first most often: {first} ({found.attrs['p_first'].max():.0%})")

    # All 20 as candidates (by default a decision leaves out the machines the club owns);
    # model_copy, since the parameters check the names against the demo's equipment.csv.
    report = params.model_copy(update={"candidates": ids})
    seconds, cpu = best_wall_cpu(repeat, lambda: analyse_decision(report, data))
    print(f"  for reference, the whole analyse_decision on these candidates (calibration, "
          f"tornadoes, portfolios, audience too): {seconds:.3f} s ({cpu:.3f} s CPU)")
    return together


def bench_portfolio(args: argparse.Namespace) -> None:
    """The exact portfolio, rank acceptability on a random matrix, weight stability."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20,
                        help="candidates of the random portfolio part")
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--criteria", type=int, default=7,
                        help="criteria of the random rank-acceptability part")
    parser.add_argument("--members", type=int, default=0,
                        help="a generated roster of this size instead of the demo club's")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = club(args.members)
    print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, {os.cpu_count()} cores, "
          f"load average {load()} (best of {args.repeat})")
    bench_analysis(data, args.draws, args.repeat)
    bench_portfolio(args)
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
