"""Benchmark: the model's segment aggregation and its vectorised forecast core.

Parts (each prints its wall time, the best of ``--repeat`` runs, against its target):

1. ``segments``: a synthetic club of 1,000,000 members (``evaluate.data.demo.generate_members``,
   typed as ``load_members`` types them; generation is not timed) aggregated into the exposure
   segments (``exposure_by_segment``: active filter, ages, codes, three scenarios) and the
   demand segments (``demand_segments``: with training goal and the per-segment visit caps).
   Target (issue 4): under 2 s.
2. ``forecast``: ``demand.forecast_core`` on the demo club's segments for 10,000 draws × 20
   candidates (the six demo machines repeated), parameters drawn uniformly inside their ranges.
   Target (issue 4, for the Monte Carlo's demand part): well under 1 s.
3. ``simulate``: the whole Monte Carlo, ``evaluate.model.uncertainty.simulate`` (roster
   aggregation, seeded PERT draws, exposure -> demand -> money, bands, P(NPV > 0), rank
   acceptability), on the demo club for 10,000 draws × 20 candidates: the six demo machines
   replicated to 20 under new ids (``<id>_2``, ...), each with its own price draws. Target
   (issue 4): under 1 s.

Run: ``python bench/model_speed.py [--members N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

import numpy as np
import pandas as pd

from evaluate.data.assumptions import load_assumptions
from evaluate.data.demo import generate_members
from evaluate.data.equipment import load_equipment
from evaluate.data.members import OCCUPATIONS, SEXES, STATUSES, TRAINING_GOALS, load_members
from evaluate.model.demand import DRAWN, demand_segments, forecast_core, level_codes
from evaluate.model.exposure import ExposureParameters, exposure_by_segment
from evaluate.model.uncertainty import simulate
from evaluate.paths import DEMO_DATA_DIR

TODAY = date(2026, 11, 1)
SEED = 7
SEGMENT_TARGET_S, FORECAST_TARGET_S, SIMULATE_TARGET_S = 2.0, 1.0, 1.0


def typed_members(n: int) -> pd.DataFrame:
    """A generated roster with the dtypes ``load_members`` returns."""
    raw = generate_members(n, SEED, TODAY)
    return raw.assign(
        birth_year=raw["birth_year"].astype("Int64"),
        sex=pd.Categorical(raw["sex"], categories=list(SEXES)),
        status=pd.Categorical(raw["status"], categories=list(STATUSES)),
        occupation_activity=pd.Categorical(raw["occupation_activity"],
                                           categories=list(OCCUPATIONS)),
        training_goal=pd.Categorical(raw["training_goal"], categories=list(TRAINING_GOALS)),
        join_date=raw["join_date"].astype("datetime64[us]"),
        cancel_date=raw["cancel_date"].astype("datetime64[us]"),
        visits_per_week=raw["visits_per_week"].astype(float))


def best_of(repeat: int, work) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    return min(times), result


def bench_segments(members: int, repeat: int, params: ExposureParameters) -> float:
    began = time.perf_counter()
    roster = typed_members(members)
    print(f"generated {len(roster):,} members in {time.perf_counter() - began:.1f} s "
          "(not timed)")

    def work():
        exposure = exposure_by_segment(roster, params, as_of=TODAY)
        demand = demand_segments(roster, params, as_of=TODAY)
        return exposure, demand

    seconds, (exposure, demand) = best_of(repeat, work)
    print(f"segments: {len(roster):,} members -> {len(exposure)} exposure and "
          f"{len(demand.table)} demand segments ({int(exposure['members'].sum()):,} active) "
          f"in {seconds:.3f} s (target < {SEGMENT_TARGET_S:g} s)")
    return seconds


def bench_forecast(repeat: int, params: ExposureParameters, draws: int = 10_000,
                   candidates: int = 20) -> float:
    assumptions = load_assumptions(DEMO_DATA_DIR)
    segments = demand_segments(load_members(DEMO_DATA_DIR), params)
    equipment = load_equipment(DEMO_DATA_DIR)
    picks = np.resize(np.arange(len(equipment)), candidates)
    chosen = equipment.iloc[picks].reset_index(drop=True)
    rng = np.random.default_rng(SEED)
    ranges = {name: (a.low, a.high) for name, a in assumptions.items() if name in DRAWN}
    ranges.update(odds_ratio=params.odds_ratio[::2], desk_share=params.desk_share[::2],
                  uptake_factor=(1.0, 1.0))
    drawn = {name: rng.uniform(low, high, draws) for name, (low, high) in ranges.items()}
    levels = level_codes(chosen)
    minutes = chosen["session_minutes"].to_numpy(float)
    servers = chosen["stations"].to_numpy(np.int64)
    seconds, out = best_of(repeat, lambda: forecast_core(segments, levels, minutes, servers,
                                                         drawn))
    print(f"forecast: {draws:,} draws x {candidates} candidates x {len(segments.table)} "
          f"segments in {seconds:.3f} s (target < {FORECAST_TARGET_S:g} s); median weekly "
          f"sessions of the first candidate {np.median(out['weekly_sessions'][:, 0]):.1f}")
    return seconds


def replicated_equipment(candidates: int) -> pd.DataFrame:
    """The demo machines repeated to ``candidates`` rows; copies get ids ``<id>_2``, ``<id>_3``."""
    equipment = load_equipment(DEMO_DATA_DIR)
    picks = np.resize(np.arange(len(equipment)), candidates)
    chosen = equipment.iloc[picks].reset_index(drop=True)
    copy = np.arange(candidates) // len(equipment)
    chosen["equipment_id"] = [i if k == 0 else f"{i}_{k + 1}"
                              for i, k in zip(chosen["equipment_id"], copy, strict=True)]
    return chosen


def bench_simulate(repeat: int, draws: int = 10_000, candidates: int = 20) -> float:
    members = load_members(DEMO_DATA_DIR)
    assumptions = load_assumptions(DEMO_DATA_DIR)
    equipment = replicated_equipment(candidates)
    seconds, result = best_of(repeat, lambda: simulate(members, equipment, assumptions,
                                                       draws=draws, seed=SEED))
    top = result.summary.sort_values("p_npv_positive", ascending=False).iloc[0]
    npv = result.bands.query("metric == 'npv'").iloc[0]
    print(f"simulate: {draws:,} draws x {candidates} candidates on the demo club "
          f"({len(members):,} members) in {seconds:.3f} s (target < {SIMULATE_TARGET_S:g} s); "
          f"{npv['equipment_id']} NPV P10/P50/P90 {npv['p10']:,.0f} / {npv['p50']:,.0f} / "
          f"{npv['p90']:,.0f}; most often NPV > 0: {top['equipment_id']} "
          f"({top['p_npv_positive']:.0%})")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    params = ExposureParameters.load()
    segment_s = bench_segments(args.members, args.repeat, params)
    forecast_s = bench_forecast(args.repeat, params)
    simulate_s = bench_simulate(args.repeat)
    ok = (segment_s < SEGMENT_TARGET_S and forecast_s < FORECAST_TARGET_S
          and simulate_s < SIMULATE_TARGET_S)
    print("all targets met" if ok else "TARGET MISSED")


if __name__ == "__main__":
    main()
