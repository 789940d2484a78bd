"""Benchmark: load and validate a club of 1,000,000 members and a year of their check-ins.

Generates (once; reused on later runs) ``members.csv`` and ``checkins.parquet`` for a synthetic
club into ``bench/out/data-scale-<members>/`` (git-ignored). By default every member is kept on
the roster all year with visits per week redrawn around the HFA mean of 1.5 (the stress
figure: 1,000,000 members, about 75 million check-ins); ``--realistic`` keeps the generator's
churn instead (about 55% of the roster current, about 40 million check-ins). Then, in a fresh
Python process so that its peak memory is its own, times each step a report build would run:

- ``load_members`` (members.csv, all checks),
- ``load_checkins`` with the unknown-member check against the roster's ids and the future check,
- the aggregations ``hourly_profile``, ``weekly_visits`` and ``visit_frequency``,

and prints the wall time of each, the total, and the peak resident memory of that process
(``ru_maxrss``). Target (README, "Speed"): under 30 s and under 4 GiB. Generation prints its
own time and peak memory (budget about 8 GiB).

Run on demand: ``python bench/data_scale.py [--members N] [--regenerate]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from evaluate.paths import PROJECT_ROOT

OUT = PROJECT_ROOT / "bench" / "out"
TODAY = date(2026, 11, 1)
SEED = 7
TARGET_SECONDS, TARGET_GIB = 30.0, 4.0


def peak_gib() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def generate(folder: Path, members: int, realistic: bool) -> dict:
    """Write the club's roster and check-in log; return row counts, sizes and timings."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from evaluate.data.demo import (
        MEAN_VISITS_PER_WEEK,
        VISITS_GAMMA_SHAPE,
        generate_members,
        write_log,
    )
    from evaluate.data.demo_logs import checkin_arrays

    folder.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    roster = generate_members(members, SEED, TODAY)
    if not realistic:  # everyone a member for the whole year, at 1.5 visits a week on average
        year_ago = pd.Timestamp(TODAY) - pd.Timedelta(days=366)
        rng = np.random.default_rng(SEED)
        visits = rng.gamma(VISITS_GAMMA_SHAPE, MEAN_VISITS_PER_WEEK / VISITS_GAMMA_SHAPE,
                           size=members)
        roster = roster.assign(status="active", cancel_date=pd.NaT,
                               join_date=roster["join_date"].clip(upper=year_ago),
                               visits_per_week=np.round(np.minimum(visits, 7.0), 1))
    roster.assign(monthly_dues=roster["monthly_dues"].map("{:.2f}".format),
                  visits_per_week=roster["visits_per_week"].map("{:.1f}".format)).to_csv(
        folder / "members.csv", index=False, date_format="%Y-%m-%d", lineterminator="\n")
    roster_s = time.perf_counter() - began
    owner, minute = checkin_arrays(roster, SEED, TODAY)
    ids = pa.array(roster["member_id"].to_numpy(dtype=object), pa.string())
    table = pa.table({
        # Codes into the roster's ids, as Parquet stores a dictionary-encoded text column.
        "member_id": pa.DictionaryArray.from_arrays(pa.array(owner), ids),
        "timestamp": pa.array((minute * 60_000).view("datetime64[ms]")),
    })
    rows = table.num_rows
    del owner, minute
    write_log(table, folder / "checkins.parquet", compression_level=3)
    facts = {"members": members, "checkins": rows, "seed": SEED, "realistic": realistic,
             "generate_s": round(time.perf_counter() - began, 1),
             "roster_s": round(roster_s, 1), "generate_peak_gib": round(peak_gib(), 2),
             "members_csv_mb": round((folder / "members.csv").stat().st_size / 1e6, 1),
             "checkins_parquet_mb": round((folder / "checkins.parquet").stat().st_size / 1e6, 1)}
    (folder / "facts.json").write_text(json.dumps(facts, indent=1), encoding="utf-8")
    return facts


def measure(folder: Path) -> dict:
    """Load, validate and aggregate the club in ``folder``; wall seconds per step, peak GiB."""
    began = time.perf_counter()
    import pandas as pd

    from evaluate.data.checkins import (
        hourly_profile,
        load_checkins,
        visit_frequency,
        weekly_visits,
    )
    from evaluate.data.members import load_members

    steps = {"import": time.perf_counter() - began}

    def step(name: str, work):
        start = time.perf_counter()
        result = work()
        steps[name] = time.perf_counter() - start
        return result

    members = step("load_members", lambda: load_members(folder))
    ids = pd.Index(members["member_id"])
    checkins = step("load_checkins", lambda: load_checkins(folder, ids, as_of=TODAY))
    step("hourly_profile", lambda: hourly_profile(checkins))
    step("weekly_visits", lambda: weekly_visits(checkins, members))
    step("visit_frequency", lambda: visit_frequency(checkins, members))
    return {"rows": len(checkins), "steps": {k: round(v, 2) for k, v in steps.items()},
            "total_s": round(time.perf_counter() - began, 2), "peak_gib": round(peak_gib(), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true", help="draw the club again")
    parser.add_argument("--realistic", action="store_true",
                        help="keep the roster's churn (about 40 million check-ins, not 75)")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    folder = OUT / f"data-scale-{args.members}{'-realistic' if args.realistic else ''}"
    if args.regenerate or not (folder / "facts.json").is_file():
        print(f"generating {args.members:,} members and a year of check-ins into {folder} ...")
        facts = generate(folder, args.members, args.realistic)
    else:
        facts = json.loads((folder / "facts.json").read_text(encoding="utf-8"))
    print(f"club: {facts['members']:,} members, {facts['checkins']:,} check-ins "
          f"(members.csv {facts['members_csv_mb']} MB, checkins.parquet "
          f"{facts['checkins_parquet_mb']} MB); generated in {facts['generate_s']} s, "
          f"peak {facts['generate_peak_gib']} GiB")
    child = subprocess.run([sys.executable, __file__, "--measure", str(folder)], check=True,
                           capture_output=True, text=True)
    result = json.loads(child.stdout.strip().splitlines()[-1])
    for name, seconds in result["steps"].items():
        print(f"  {name:<16} {seconds:6.2f} s")
    verdict = ("OK" if result["total_s"] < TARGET_SECONDS and result["peak_gib"] < TARGET_GIB
               else "OVER TARGET")
    print(f"load + validate + aggregate {result['rows']:,} check-ins: {result['total_s']:.1f} s "
          f"wall, peak {result['peak_gib']:.2f} GiB (target < {TARGET_SECONDS:g} s, "
          f"< {TARGET_GIB:g} GiB): {verdict}")


if __name__ == "__main__":
    main()
