"""Benchmark: a 1,000,000-member club's exports in a real system's shape, in with YAML alone.

Generates (once; reused on later runs) into ``bench/out/real-exports-<members>[-zoned]/``
(git-ignored) what a club-management system exports, not the suite's own format:

- ``Member_List_20261101.csv``: ``Barcode`` (numbers, as card barcodes are), first and last
  names (dropped on reading), ``Gender`` (Male/Female/blank: a value map), ``Birth Date``,
  ``Date Signed`` and ``Cancel Date`` as ``01/05/2026``, ``Member Status``
  (Active/Frozen/Expired: a value map), ``Plan Fee`` as money (``$39.99``) and ``Billing``
  (Monthly, or Annually for a fifth of members with twelve months' fee: a value map onto
  ``dues_period``);
- ``Check_In_History_20261101.csv``: a year of check-ins, about 78 million rows of
  ``Barcode,Check In Date,Check In Time,Check In Status`` (``01/05/2026``, ``06:42 AM``,
  ``Approved`` or, 2% of rows, ``Denied``: left out by ``keep``); with ``--zoned`` instead the
  Mindbody shape ``Barcode,Visit Date Time,Check In Status`` with ``2026-01-05T06:42Z`` (UTC),
  turned into the club's local time;
- ``club.yml`` (with ``timezone: America/New_York``), ``columns.yml``, and the demo's
  ``equipment.csv``.

Everything is drawn and written with numpy and pyarrow on whole arrays (the demo generator's
members and check-ins, :func:`evaluate.data.demo_logs.checkin_arrays`), never a row at a time.
Then, each in a fresh Python process so that its peak memory is its own, it times
:func:`evaluate.data.checks.check_club` (``evaluate validate``) and
:func:`evaluate.data.club_data.load_club_data` (what every report starts from: the check,
then each member's visits a week from the log, as the roster has no ``visits_per_week``),
and prints each one's wall time and peak resident memory (``ru_maxrss``). Target (README,
"Speed"): under 30 s and under 4 GiB.

Run on demand: ``python bench/real_exports.py [--members N] [--zoned] [--regenerate]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from evaluate.paths import DEMO_DATA_DIR, PROJECT_ROOT

OUT = PROJECT_ROOT / "bench" / "out"
TODAY = date(2026, 11, 1)
SEED = 11
TARGET_SECONDS, TARGET_GIB = 30.0, 4.0
ANNUAL_SHARE = 0.2  # ASSUMPTION: share of members billed a year at a time (a shape to read)
DENIED_SHARE = 0.02  # ASSUMPTION: share of swipes refused (past due), left out by keep
CHUNK_ROWS = 4_000_000  # check-in rows written at once
TIMEZONE = "America/New_York"


def peak_gib() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def columns_yml(zoned: bool) -> str:
    """The club's whole columns.yml: the two exports, brought in with YAML alone."""
    stamp = ('    Visit Date Time: {to: timestamp, format: "%Y-%m-%dT%H:%M%z"}\n' if zoned
             else '    Check In Date: {to: date, format: "%m/%d/%Y"}\n'
                  '    Check In Time: {to: time, format: "%I:%M %p"}\n')
    return ("members.csv:\n"
            '  file: "Member_List_*.csv"\n'
            "  columns:\n"
            "    Barcode: member_id\n"
            '    Gender: {to: sex, values: {Male: M, Female: F, "": X}}\n'
            '    Birth Date: {to: birth_date, format: "%m/%d/%Y"}\n'
            '    Date Signed: {to: join_date, format: "%m/%d/%Y"}\n'
            '    Cancel Date: {to: cancel_date, format: "%m/%d/%Y"}\n'
            "    Member Status: {to: status, values: {Active: active, Frozen: frozen, "
            "Expired: cancelled}}\n"
            "    Plan Fee: monthly_dues\n"
            "    Billing: {to: dues_period, values: {Monthly: month, Annually: year}}\n"
            "checkins.csv:\n"
            '  file: "Check_In_History_*.csv"\n'
            "  columns:\n"
            "    Barcode: member_id\n"
            + stamp +
            "  keep: {Check In Status: [Approved]}\n")


def write_roster(folder: Path, members: int):
    """Draw the roster (everyone a member all year) and write it as the system exports it."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from evaluate.data.demo import MEAN_VISITS_PER_WEEK, VISITS_GAMMA_SHAPE, generate_members

    roster = generate_members(members, SEED, TODAY)
    rng = np.random.default_rng(SEED)
    year_ago = pd.Timestamp(TODAY) - pd.Timedelta(days=366)
    visits = rng.gamma(VISITS_GAMMA_SHAPE, MEAN_VISITS_PER_WEEK / VISITS_GAMMA_SHAPE, members)
    roster = roster.assign(status="active", cancel_date=pd.NaT,
                           join_date=roster["join_date"].clip(upper=year_ago),
                           visits_per_week=np.round(np.minimum(visits, 7.0), 1))
    barcode = np.arange(10_000_001, 10_000_001 + members).astype(str)
    annual = rng.random(members) < ANNUAL_SHARE
    dues = roster["monthly_dues"].to_numpy()
    fee = np.char.mod("$%.2f", np.where(annual, 12 * dues, dues))
    names = np.array(["Alex", "Sam", "Jo", "Chris", "Pat", "Lee"])
    born = (pd.to_datetime(roster["birth_year"].astype(str), format="%Y")  # a day of the year
            + pd.to_timedelta(rng.integers(0, 365, members), unit="D"))
    table = pa.table({
        "Barcode": barcode,
        "First Name": names[rng.integers(0, len(names), members)],
        "Last Name": np.char.add("Member", barcode),
        "Gender": roster["sex"].map({"M": "Male", "F": "Female", "X": ""}).to_numpy(str),
        "Birth Date": born.dt.strftime("%m/%d/%Y").to_numpy(str),
        "Date Signed": roster["join_date"].dt.strftime("%m/%d/%Y").to_numpy(str),
        "Cancel Date": roster["cancel_date"].dt.strftime("%m/%d/%Y").fillna("").to_numpy(str),
        "Member Status": roster["status"].map(
            {"active": "Active", "frozen": "Frozen", "cancelled": "Expired"}).to_numpy(str),
        "Plan Fee": fee,
        "Billing": np.where(annual, "Annually", "Monthly"),
    })
    pacsv.write_csv(table, folder / "Member_List_20261101.csv",
                    write_options=pacsv.WriteOptions(quoting_style="none"))
    return roster, barcode


def write_checkins(folder: Path, roster, barcode, zoned: bool) -> int:
    """Write a year of the roster's check-ins in the system's shape; return the rows."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from evaluate.data.demo_logs import checkin_arrays

    owner, minute = checkin_arrays(roster, SEED, TODAY)
    rng = np.random.default_rng([SEED, 3])
    first_day = int(minute.min()) // 1440
    days = pd.to_datetime(np.arange(first_day, int(minute.max()) // 1440 + 1), unit="D")
    iso_days = pa.array(days.strftime("%Y-%m-%d"), pa.string())
    us_days = pa.array(days.strftime("%m/%d/%Y"), pa.string())
    clock = np.arange(1440)
    hour12 = np.where(clock // 60 % 12 == 0, 12, clock // 60 % 12)
    times = pa.array(np.char.add(np.char.mod("%02d:", hour12), np.char.add(
        np.char.mod("%02d", clock % 60), np.where(clock < 720, " AM", " PM"))))
    hhmm = pa.array(np.char.add(np.char.mod("%02d:", clock // 60),
                                np.char.mod("%02d", clock % 60)))
    ids, status = pa.array(barcode), pa.array(["Approved", "Denied"])
    path = folder / "Check_In_History_20261101.csv"
    options = pacsv.WriteOptions(quoting_style="none")
    header = ["Barcode", *(["Visit Date Time"] if zoned else ["Check In Date",
                                                               "Check In Time"]),
              "Check In Status"]
    schema = pa.schema([(name, pa.string()) for name in header])
    with pacsv.CSVWriter(path, schema, write_options=options) as writer:
        for lo in range(0, len(owner), CHUNK_ROWS):
            who = pa.array(owner[lo:lo + CHUNK_ROWS])
            day = pa.array(minute[lo:lo + CHUNK_ROWS] // 1440 - first_day)
            at = pa.array(minute[lo:lo + CHUNK_ROWS] % 1440)
            refused = pa.array((rng.random(len(who)) < DENIED_SHARE).astype(np.int8))
            if zoned:  # the synthetic minutes, read as UTC instants: 2026-01-05T06:42Z
                when = [pc.binary_join_element_wise(iso_days.take(day), "T", hhmm.take(at),
                                                    "Z", "")]
            else:
                when = [us_days.take(day), times.take(at)]
            columns = [ids.take(who), *when, status.take(refused)]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))
    return len(owner)


def generate(folder: Path, members: int, zoned: bool) -> dict:
    """Write the club's exports and its YAML; return row counts, sizes and timings."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    began = time.perf_counter()
    roster, barcode = write_roster(folder, members)
    rows = write_checkins(folder, roster, barcode, zoned)
    (folder / "club.yml").write_text(f"name: Real Exports Club (synthetic)\ncurrency: USD\n"
                                     f"timezone: {TIMEZONE}\nsynthetic: true\n",
                                     encoding="utf-8")
    (folder / "columns.yml").write_text(columns_yml(zoned), encoding="utf-8")
    shutil.copy(DEMO_DATA_DIR / "equipment.csv", folder / "equipment.csv")
    facts = {"members": members, "checkin_rows": rows, "zoned": zoned, "seed": SEED,
             "generate_s": round(time.perf_counter() - began, 1),
             "generate_peak_gib": round(peak_gib(), 2),
             "members_mb": round((folder / "Member_List_20261101.csv").stat().st_size / 1e6),
             "checkins_mb": round(
                 (folder / "Check_In_History_20261101.csv").stat().st_size / 1e6)}
    (folder / "facts.json").write_text(json.dumps(facts, indent=1), encoding="utf-8")
    return facts


def cpu_seconds() -> float:
    """CPU time of this process so far: on a shared machine, wall time overstates the work."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(folder: Path, what: str) -> dict:
    """Run ``check_club`` or ``load_club_data`` on ``folder``: wall and CPU seconds, peak GiB."""
    began = time.perf_counter()
    from evaluate.data.checks import check_club
    from evaluate.data.club_data import load_club_data

    imported = time.perf_counter()
    if what == "check_club":
        check = check_club(folder)
        rows = check.loaded["check-ins"].rows
    else:
        data = load_club_data(folder)
        check, rows = data.check, data.checkins.rows
        rows = (rows, int(data.members["visits_per_week"].notna().sum()))
    done = time.perf_counter()
    return {"what": what, "rows": rows, "errors": [str(p) for p in check.errors][:5],
            "import_s": round(imported - began, 2), "work_s": round(done - imported, 2),
            "total_s": round(done - began, 2), "cpu_s": round(cpu_seconds(), 1),
            "peak_gib": round(peak_gib(), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--zoned", action="store_true",
                        help="check-ins as UTC timestamps with a zone (Mindbody's shape)")
    parser.add_argument("--regenerate", action="store_true", help="write the exports again")
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)  # the child processes
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), args.measure[1])))
        return
    if args.generate:
        generate(args.generate, args.members, args.zoned)
        return
    folder = OUT / f"real-exports-{args.members}{'-zoned' if args.zoned else ''}"
    if args.regenerate or not (folder / "facts.json").is_file():
        # In a process of its own: Linux carries a parent's peak memory into its children.
        print(f"writing {args.members:,} members and a year of check-ins into {folder} ...")
        subprocess.run([sys.executable, __file__, "--generate", str(folder), "--members",
                        str(args.members), *(["--zoned"] if args.zoned else [])], check=True)
    facts = json.loads((folder / "facts.json").read_text(encoding="utf-8"))
    print(f"exports: {facts['members']:,} members ({facts['members_mb']} MB), "
          f"{facts['checkin_rows']:,} check-in rows ({facts['checkins_mb']} MB"
          f"{', zoned' if facts['zoned'] else ''}); written in {facts['generate_s']} s, "
          f"peak {facts['generate_peak_gib']} GiB")
    for what in ("check_club", "load_club_data"):
        child = subprocess.run([sys.executable, __file__, "--measure", str(folder), what],
                               check=True, capture_output=True, text=True)
        result = json.loads(child.stdout.strip().splitlines()[-1])
        verdict = ("OK" if result["total_s"] < TARGET_SECONDS
                   and result["peak_gib"] < TARGET_GIB else "OVER TARGET")
        print(f"  {what:<15} {result['total_s']:6.1f} s wall (import {result['import_s']} s; "
              f"{result['cpu_s']} s of CPU), peak {result['peak_gib']:.2f} GiB, rows "
              f"{result['rows']}: {verdict} (target < {TARGET_SECONDS:g} s, "
              f"< {TARGET_GIB:g} GiB)")
        for problem in result["errors"]:
            print(f"    error: {problem}")


if __name__ == "__main__":
    main()
