"""Benchmark: what the track record and the value of information add to the demo decision.

Times (best of ``--repeat``) the two steps on the demo club at 10,000 draws
(``analyse_decision`` runs once beforehand, not timed):

- the track record: every owned, logged machine fitted and pooled
  (:func:`evaluate.model.owned_logs.pooled_calibration`), the leave-one-out backtest
  (:func:`evaluate.model.backtest.backtest`) and the model calibrated with its model error;
- :func:`evaluate.reports.decision.information.value_of_information` on the decision's
  Monte Carlo: the EVPI, every group's EVPPI by the regression method and the staged plan.

Then prints the figures: the backtest's, the EVPI and each group's EVPPI in the club's
currency.

``--every-machine`` takes every machine of the demo's catalogue as a candidate instead of
the default ones. Run on demand: ``python bench/track_record_speed.py [--repeat N]
[--draws N] [--every-machine]`` (or ``make bench-model``). The machines are shared and
noisy: compare figures from one run only.
"""

from __future__ import annotations

import argparse

from evaluate.data.club_data import load_club_data
from evaluate.model.backtest import BACKTEST_DRAWS, backtest
from evaluate.model.owned_logs import calibrate_model, pooled_calibration
from evaluate.model.prepared import model_inputs
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports.decision.analysis import analyse_decision, logged_machines
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
    model = model_inputs(data.members, a.candidates, data.assumptions, checkins=data.checkins,
                         owned=data.equipment)
    machines = logged_machines(data)

    def track_record() -> None:
        pooled = pooled_calibration(model, data.usage, data.equipment, machines)
        found = backtest(model, data.usage, data.equipment, machines=machines)
        calibrate_model(model, pooled, [found.sigma] * len(model.equipment_ids))

    record = best_of(args.repeat, track_record)
    seconds = best_of(args.repeat, lambda: value_of_information(
        a.simulation, a.finance, a.adoption, data.assumptions, a.featured, a.names))
    bt = a.backtest
    print(f"track record on the demo club ({bt.machines} owned machines: fits, pooling, "
          f"leave-one-out backtest of {BACKTEST_DRAWS:,} draws each): {record:.3f} s "
          f"(best of {args.repeat})")
    print(f"backtest: median APE {bt.median_ape:.2f}, bias {bt.bias:.2f}, coverage "
          f"{bt.coverage:.2f}, skill vs naive {bt.skill_vs_naive:.2f}, model error sigma "
          f"{bt.sigma:.2f} ({bt.sigma_basis})")
    info = a.information
    print(f"value of information on the demo club ({len(a.candidates)} candidates and buying "
          f"nothing, {a.simulation.n_draws:,} draws, {len(info.evppi)} groups): "
          f"{seconds:.3f} s (best of {args.repeat})")
    print(f"together: {record + seconds:.3f} s (target: at most 1 s)")
    print(f"EVPI {info.evpi:,.0f} {a.currency}; EVPPI: " + ", ".join(
        f"{g} {v:,.0f}" for g, v in zip(info.evppi["group"], info.evppi["evppi"], strict=True)))


if __name__ == "__main__":
    main()
