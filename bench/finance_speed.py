"""Benchmark: the money core on 10,000 draws × 20 candidates in one vectorised call.

Times (best of ``--repeat``) the NPV core (net cash flows, then NPV as a dot product with the
discount factors) and :func:`evaluate.model.finance.finance_core` (NPV, EAC, cost per use,
break-even, payback and discounted payback together). Inputs are random but shaped as the
Monte Carlo passes them: assumptions per draw ``(D, 1)``, candidate figures and usage per draw
and candidate ``(D, C)``. Target: well under 1 s together with the usage forecast.

Run on demand: ``python bench/finance_speed.py [--draws N] [--candidates C] [--horizon Y]``.
The machines are shared and noisy: compare figures from one run only.
"""

from __future__ import annotations

import argparse
from dataclasses import fields

import numpy as np

from evaluate.model.finance import FinanceInputs, finance_core, net_cash_flows, npv
from timing import best_of

PER_DRAW = ("monthly_dues", "annual_churn", "discount_rate", "horizon_years",
            "floor_cost_per_m2_year", "salvage_share", "churn_reduction_users",
            "trainer_led_share", "trainer_sessions_per_buyer_year", "trainer_session_price",
            "trainer_session_margin", "new_joins_per_year", "adoption_months")


def drawn_inputs(draws: int, candidates: int, horizon: int, seed: int = 2026) -> FinanceInputs:
    rng = np.random.default_rng(seed)
    values = {f.name: rng.uniform(0.0, 1.0, (draws, 1) if f.name in PER_DRAW
                                  else (draws, candidates)) for f in fields(FinanceInputs)}
    values["price"] = rng.uniform(400, 2500, (draws, candidates))
    values["users"] = rng.uniform(0, 100, (draws, candidates))
    values["weekly_sessions"] = rng.uniform(0, 150, (draws, candidates))
    values["lifespan_years"] = rng.uniform(3, 15, (draws, candidates))
    values["horizon_years"] = np.full((draws, 1), float(horizon))
    values["monthly_dues"] = rng.uniform(30, 60, (draws, 1))
    values["discount_rate"] = rng.uniform(0.04, 0.10, (draws, 1))
    values["adoption_months"] = rng.uniform(1, 6, (draws, 1))
    return FinanceInputs(**values)




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--horizon", type=int, default=5, help="planning horizon, years")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    x = drawn_inputs(args.draws, args.candidates, args.horizon)
    npv_time = best_of(args.repeat, lambda: npv(net_cash_flows(x), x.get("discount_rate")))
    all_time = best_of(args.repeat, lambda: finance_core(x))
    size = f"{args.draws:,} draws × {args.candidates} candidates × {args.horizon} years"
    print(f"{size}: NPV core {npv_time * 1000:.0f} ms; all metrics {all_time * 1000:.0f} ms "
          f"(best of {args.repeat}; target well under 1 s with the usage forecast)")


if __name__ == "__main__":
    main()
