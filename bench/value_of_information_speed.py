"""Benchmark: what more information is worth, on the demo club's decision at 10,000 draws.

Times (best of ``--repeat``)
:func:`evaluate.reports.decision.information.value_of_information` on the demo decision's
Monte Carlo (``analyse_decision`` runs once beforehand, not timed): the EVPI, every group's
EVPPI by the regression method and the staged plan. Then prints the figures: the EVPI and
each group's EVPPI in the club's currency.

``--every-machine`` takes every machine of the demo's catalogue as a candidate instead of
the default ones. Run on demand: ``python bench/value_of_information_speed.py [--repeat N]
[--draws N] [--every-machine]`` (or ``make bench-model``). The machines are shared and
noisy: compare figures from one run only.
"""

from __future__ import annotations

import argparse

from evaluate.data.club_data import load_club_data
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports.decision.analysis import analyse_decision
from evaluate.reports.decision.information import value_of_information
from evaluate.reports.notebook_params import DecisionReportParams
from timing import best_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--every-machine", action="store_true")
    args = parser.parse_args()
    data = load_club_data(DEMO_DATA_DIR)
    every = list(data.equipment["equipment_id"]) if args.every_machine else []
    a = analyse_decision(DecisionReportParams(draws=args.draws, candidates=every), data)
    seconds = best_of(args.repeat, lambda: value_of_information(
        a.simulation, a.finance, a.adoption, data.assumptions, a.featured, a.names))
    info = a.information
    print(f"value of information on the demo club ({len(a.candidates)} candidates and buying "
          f"nothing, {a.simulation.n_draws:,} draws, {len(info.evppi)} groups): "
          f"{seconds:.3f} s (best of {args.repeat})")
    print(f"EVPI {info.evpi:,.0f} {a.currency}; EVPPI: " + ", ".join(
        f"{g} {v:,.0f}" for g, v in zip(info.evppi["group"], info.evppi["evppi"], strict=True)))


if __name__ == "__main__":
    main()
