"""The bad-input corpus: every case stops `evaluate build` with exit status 2 and a clear message.

Each case makes one bad input, in four groups: the club's data files (``members.csv``,
``equipment.csv``, ``checkins.csv``, ``equipment_usage.csv``, ``club.yml``, ``columns.yml``),
its ``assumptions.yml``, the build plan, and the parameters (``--param``, a plan's
``parameters``, the real notebooks' parameter models). Each runs the build through the
command line, as cron would, onto a copy of a reports folder that holds one good build.
Every case must:

- exit with status 2, with no traceback;
- name the file, the row or key, and say how to fix it (``fix:``);
- leave the reports folder byte for byte as it was (builds, ``latest``, ``index.html``,
  the build cache and the lock file, which a build stopped by bad data took while its
  kernels started and emptied again), with no ``.staging-*`` folder left behind.

A case is a :class:`Case`: its name, how to make the bad input, the file and the row or key
the message must name, and a phrase of the message. Add one when you fix a new way in which
bad input got past the checks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from evaluate.paths import NOTEBOOKS_DIR
from support import CLUB, NOTEBOOKS, PLANS, run_cli

SMALL = PLANS / "small.yml"  # the chart fixture notebook: fast, and declares data_dir


@dataclass(frozen=True)
class Workspace:
    """Where one case writes its bad input: a copy of the fixture club and a plan path."""

    root: Path

    @property
    def club(self) -> Path:
        return self.root / "club"

    @property
    def plan(self) -> Path:
        return self.root / "plan.yml"

    def paths(self) -> dict[str, Path]:
        """Names a case's expected file may use: {root}, {club}, {plan}, {small}, {chart}..."""
        return {"root": self.root, "club": self.club, "plan": self.plan, "small": SMALL,
                "chart": NOTEBOOKS / "chart.ipynb", "notebooks": NOTEBOOKS_DIR}


Make = Callable[[Workspace], list]


@dataclass(frozen=True)
class Case:
    """One bad input and what the build must say about it."""

    name: str
    make: Make  # writes the bad input; returns the arguments of `evaluate build` (no --out)
    file: str | None  # the file the message names, e.g. "{club}/members.csv" (see
    # Workspace.paths); "the command line" for a --param; None for another option
    where: str  # the row or key it names, e.g. "row 2", "column 'birth_year'"
    says: str  # a phrase of the message


# --- how cases make their bad input ---------------------------------------------------------


def edit_cell(text: str, row_id: str, column: str, value: str) -> str:
    """Set one cell of a CSV text, found by the first column's value and the header."""
    rows = list(csv.reader(io.StringIO(text)))
    col = rows[0].index(column)
    for row in rows:
        if row[0] == row_id:
            row[col] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def data(name: str, change: Callable[[str], str | bytes | None]) -> Make:
    """Change the club's file ``name`` (``None``: delete it); build the small plan on the club."""
    def make(ws: Workspace) -> list:
        path = ws.club / name
        text = change(path.read_text(encoding="utf-8") if path.exists() else "")
        if text is None:
            path.unlink()
        else:
            path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return ["--plan", SMALL, "--data-dir", ws.club, "--only", "chart-a"]
    return make


def cell(name: str, row_id: str, column: str, value: str) -> Make:
    """Set one cell of the club's CSV file ``name``."""
    return data(name, lambda t: edit_cell(t, row_id, column, value))


def new_joins(row_id: str, figure: str, source: str) -> Make:
    """Give equipment.csv the optional new-joins columns, filled for one machine only."""
    def change(text: str) -> str:
        head, *rows = text.rstrip("\n").split("\n")
        cells = [f",{figure},{source}" if r.split(",", 1)[0] == row_id else ",," for r in rows]
        return "\n".join([head + ",new_joins_per_year,new_joins_source",
                          *(r + c for r, c in zip(rows, cells, strict=True))]) + "\n"
    return data("equipment.csv", change)


def birth(column: str, others: str, row_id: str, value: str, keep_year: bool = False) -> Make:
    """Give members.csv ``column`` (birth_date or age): ``others`` for every member, ``value``
    for ``row_id``; in place of birth_year, or beside it with ``keep_year``."""
    def change(text: str) -> str:
        rows = list(csv.reader(io.StringIO(text)))
        col = rows[0].index("birth_year")
        for row in rows:
            cell = column if row is rows[0] else value if row[0] == row_id else others
            if keep_year:
                row.append(cell)
            else:
                row[col] = cell
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        return out.getvalue()
    return data("members.csv", change)


def replace(name: str, old: str, new: str) -> Make:
    """Replace the first ``old`` in the club's file ``name`` (which must hold it)."""
    def change(text: str) -> str:
        assert old in text, f"{old!r} is not in {name}"
        return text.replace(old, new, 1)
    return data(name, change)


def plan(text: str, *extra: str, data_dir: bool = True) -> Make:
    """Write the plan ``text`` ({notebooks}, {chart} and {club} filled in) and build it.

    On the fixture club (``--data-dir``) unless ``data_dir`` is false.
    """
    def make(ws: Workspace) -> list:
        ws.plan.write_text(text.format(notebooks=NOTEBOOKS_DIR, chart=NOTEBOOKS / "chart.ipynb",
                                       club=ws.club))
        return ["--plan", ws.plan, *(["--data-dir", ws.club] if data_dir else []), *extra]
    return make


def args(*extra: str) -> Make:
    """Build the small plan on the fixture club with these extra arguments."""
    return lambda ws: ["--plan", SMALL, "--data-dir", ws.club, *extra]


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def chart_plan(parameters: str) -> Make:
    """A plan of one chart report with these parameters (a YAML flow mapping)."""
    parameters = _braces(parameters)
    return plan(f"reports:\n  - name: chart\n    notebook: {{chart}}\n    title: Chart\n"
                f"    parameters: {parameters}\n")


def real(stem: str, parameters: str, *extra: str) -> Make:
    """A plan of one report of the real notebook ``notebooks/<stem>.ipynb``."""
    parameters = _braces(parameters)
    return plan(f"reports:\n  - name: report\n    notebook: {{notebooks}}/{stem}.ipynb\n"
                f"    title: Report\n    parameters: {parameters}\n", *extra)


def with_data(name: str, change: Callable[[str], str | bytes | None], build: Make) -> Make:
    """Change the club's file ``name`` as :func:`data` does, then make the build ``build``."""
    def make(ws: Workspace) -> list:
        data(name, change)(ws)
        return build(ws)
    return make


def no_one_active(status: str) -> Callable[[str], str]:
    """The roster with every active member ``status`` (cancelled: on the latest cancel_date)."""
    def change(text: str) -> str:
        rows = list(csv.DictReader(io.StringIO(text)))
        last = max(r["cancel_date"] for r in rows)
        for row in rows:
            if row["status"] == "active":
                row["status"], row["cancel_date"] = status, last if status == "cancelled" else ""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()
    return change


def european(text: str) -> str:
    """A CSV text as a European spreadsheet saves it: ';' between columns, decimal commas."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows(
        [re.sub(r"^(-?\d+)\.(\d+)$", r"\1,\2", cell) for cell in row]
        for row in csv.reader(io.StringIO(text)))
    return out.getvalue()


def undated(ws: Workspace) -> list:
    """A club whose data tells no date: no join date, no cancelled member, no log, no
    export_date; built with the decision report, which needs a member active on it."""
    roster = pd.read_csv(ws.club / "members.csv", dtype=str, keep_default_na=False)
    roster.loc[roster["status"] == "cancelled", "status"] = "frozen"
    roster.drop(columns=["join_date", "cancel_date"]).to_csv(ws.club / "members.csv",
                                                             index=False)
    (ws.club / "checkins.csv").unlink()
    replace("club.yml", "export_date: 2026-10-27\n", "")(ws)
    return real("decision_report", "{draws: 200}")(ws)


USAGE_HEADER = "timestamp,equipment_id,duration_min,member_id\n"

# --- the corpus ------------------------------------------------------------------------------

DATA = [
    # members.csv
    Case("members-comma-header-semicolon-rows",
         data("members.csv", lambda t: t.split("\n", 1)[0] + "\n" + european(t.split("\n", 1)[1])),
         "{club}/members.csv", "row 2",
         "the header is separated by ',' but row 2 by ';', with decimal commas (149,00)"),
    Case("members-semicolon-header-comma-rows",
         data("members.csv", lambda t: european(t.split("\n", 1)[0]) + t.split("\n", 1)[1]),
         "{club}/members.csv", "row 2", "the header is separated by ';' but row 2 by ','"),
    Case("members-header-with-commas-and-semicolons",
         replace("members.csv", "birth_year,", "birth_year;"),
         "{club}/members.csv", "row 1", "the header holds both ',' and ';'"),
    Case("members-pipes", data("members.csv", lambda t: t.replace(",", "|")),
         "{club}/members.csv", "row 1", "separated by '|', which is not read"),
    Case("members-not-utf8",
         data("members.csv", lambda t: t.replace("M000001", "M\u00e9001").encode("latin-1")),
         "{club}/members.csv", "row 2", "not UTF-8"),
    Case("members-empty", data("members.csv", lambda t: ""),
         "{club}/members.csv", "row 1", "the file is empty"),
    Case("members-missing-file", data("members.csv", lambda t: None),
         "{club}/members.csv", "members.csv not found", "members.csv not found"),
    Case("members-missing-column", replace("members.csv", "monthly_dues", "monthly_due"),
         "{club}/members.csv", "column 'monthly_dues'", "did you mean 'monthly_due'"),
    Case("members-duplicate-id", data("members.csv", lambda t: t + t.splitlines()[1] + "\n"),
         "{club}/members.csv", "column 'member_id'", "member_id is used more than once"),
    Case("members-birth-year-not-a-year", cell("members.csv", "M000001", "birth_year", "19x6"),
         "{club}/members.csv", "row 2", "not a whole year"),
    Case("members-age-out-of-range", cell("members.csv", "M000001", "birth_year", "1886"),
         "{club}/members.csv", "column 'birth_year'", "age out of range"),
    Case("members-age-3", birth("age", "40", "M000001", "3"),
         "{club}/members.csv", "column 'age'", "age out of range"),
    Case("members-born-after-the-roster-date",
         birth("birth_date", "1980-01-01", "M000001", "2099-01-01"),
         "{club}/members.csv", "column 'birth_date'", "born after the roster date"),
    Case("members-birth-year-and-age-disagree", birth("age", "", "M000001", "3", keep_year=True),
         "{club}/members.csv", "column 'age'", "age disagrees with the date or year of birth"),
    Case("members-bad-birth-date", birth("birth_date", "1980-01-01", "M000001", "1980-02-30"),
         "{club}/members.csv", "row 2", "not a date in YYYY-MM-DD form"),
    Case("members-negative-dues", cell("members.csv", "M000001", "monthly_dues", "-149"),
         "{club}/members.csv", "column 'monthly_dues'", "negative dues"),
    # money strings in monthly_dues, and the period a fee was given for
    Case("members-fee-in-another-currency", cell("members.csv", "M000001", "monthly_dues",
                                                 "$149.00"),
         "{club}/members.csv", "row 2", "a fee in dollars ('$': any of USD, AUD, CAD"),
    Case("members-fee-thousands-or-decimals", cell("members.csv", "M000001", "monthly_dues",
                                                   "1,490"),
         "{club}/members.csv", "row 2", "could group thousands or be the decimal mark"),
    Case("members-fee-not-money", cell("members.csv", "M000001", "monthly_dues",
                                       "149 per month"),
         "{club}/members.csv", "column 'monthly_dues'", "not a number or an amount of money"),
    Case("members-unknown-dues-period",
         data("members.csv", lambda t: "".join(
             line + (",dues_period\n" if i == 0 else ",biweekly\n" if i % 2 else ",daily\n")
             for i, line in enumerate(t.splitlines()))),
         "{club}/members.csv", "column 'dues_period'",
         "unknown dues period (20 rows): 'biweekly' (10 rows), 'daily' (10 rows)"),
    Case("members-unknown-status", cell("members.csv", "M000001", "status", "actve"),
         "{club}/members.csv", "column 'status'", "unknown value"),
    Case("members-unknown-sex", cell("members.csv", "M000004", "sex", "Q"),
         "{club}/members.csv", "row 5", "unknown value"),
    Case("members-bad-date", cell("members.csv", "M000001", "join_date", "2014-13-01"),
         "{club}/members.csv", "column 'join_date'", "not a date"),
    Case("members-cancel-before-join", cell("members.csv", "M000002", "cancel_date",
                                            "2010-02-10"),
         "{club}/members.csv", "row 3", "cancelled before joining"),
    Case("members-visits-out-of-range", cell("members.csv", "M000001", "visits_per_week", "30"),
         "{club}/members.csv", "column 'visits_per_week'", "visits_per_week"),
    Case("members-active-with-a-past-cancel-date",  # a pending one (after 2026-10-27) is fine
         cell("members.csv", "M000001", "cancel_date", "2026-10-01"),
         "{club}/members.csv", "row 2", "cancel date is not after the roster date"),
    Case("members-stray-comma", data("members.csv", lambda t: t + "M000999,1980,F,2020-01-01,"
                                     "active,,40,desk,strength,1,extra\n"),
         "{club}/members.csv", "row 22", "more fields than the header"),
    # equipment.csv
    Case("equipment-negative-price", cell("equipment.csv", "rower", "price", "-990"),
         "{club}/equipment.csv", "column 'price'", "rule: price >= 0"),
    Case("equipment-lifespan-zero", cell("equipment.csv", "rower", "lifespan_years", "0"),
         "{club}/equipment.csv", "column 'lifespan_years'", "rule: lifespan_years > 0"),
    Case("equipment-missing-file", data("equipment.csv", lambda t: None),
         "{club}/equipment.csv", "equipment.csv not found", "equipment.csv not found"),
    Case("equipment-duplicate-id", cell("equipment.csv", "rower", "equipment_id", "leg_press"),
         "{club}/equipment.csv", "column 'equipment_id'", "used more than once"),
    Case("equipment-missing-column", replace("equipment.csv", "evidence_grade", "evidence"),
         "{club}/equipment.csv", "column 'evidence_grade'", "required column is missing"),
    Case("equipment-unknown-muscle", cell("equipment.csv", "rower", "muscles", "quads"),
         "{club}/equipment.csv", "column 'muscles'", "quads"),
    Case("equipment-no-stations", cell("equipment.csv", "rower", "stations", "0"),
         "{club}/equipment.csv", "column 'stations'", "stations"),
    # a catalogued machine by id alone: the catalogue's USD price needs club.yml's rate (EUR)
    Case("equipment-catalogue-price-without-rate",
         data("equipment.csv", lambda t: "equipment_id,owned_units\nrower,1\n"),
         "{club}/equipment.csv", "row 2", "add exchange_rates: {USD: {rate: ..., date: ..., "
         "source: ...}} to club.yml, or give the price in EUR in equipment.csv"),
    Case("equipment-unknown-machine-by-id",
         data("equipment.csv", lambda t: "equipment_id,owned_units\nrowr,1\n"),
         "{club}/equipment.csv", "row 2", "machine not in the catalogue: every column is "
         "needed"),
    Case("equipment-new-joins-without-source", new_joins("rower", "3", ""),
         "{club}/equipment.csv", "column 'new_joins_per_year'", "new joins without a source"),
    Case("equipment-new-joins-negative", new_joins("rower", "-2", "assumption"),
         "{club}/equipment.csv", "column 'new_joins_per_year'", "new_joins_per_year >= 0"),
    Case("equipment-price-range-reversed", cell("equipment.csv", "reverse_hyper", "price_low",
                                                "1200"),
         "{club}/equipment.csv", "row 2", "price_low"),
    # checkins.csv
    Case("checkins-unknown-member", data("checkins.csv",
                                         lambda t: t + "M999999,2026-01-05 10:00\n"),
         "{club}/checkins.csv", "column 'member_id'", "unknown member"),
    Case("checkins-bad-timestamp", data("checkins.csv",
                                        lambda t: t + "M000001,yesterday evening\n"),
         "{club}/checkins.csv", "column 'timestamp'", "yesterday evening"),
    Case("checkins-missing-column", replace("checkins.csv", "timestamp", "time"),
         "{club}/checkins.csv", "column 'timestamp'", "did you mean 'time'"),
    Case("checkins-member-column-misnamed", replace("checkins.csv", "member_id", "member"),
         "{club}/checkins.csv", "column 'member_id'", "did you mean 'member'"),
    Case("checkins-zoned-without-club-timezone",
         data("checkins.csv", lambda t: re.sub(r"(\d\d:\d\d)\n", r"\1Z\n", t)),
         "{club}/checkins.csv", "column 'timestamp'",
         "add `timezone: Europe/London` (the club's IANA time zone) to club.yml"),
    Case("checkins-zoned-and-unzoned-rows",
         data("checkins.csv", lambda t: t + "M000001,2025-11-03T10:00+01:00\n"),
         "{club}/checkins.csv", "row 32", "(1 row with a zone, 30 rows without)"),
    # equipment_usage.csv (optional)
    Case("usage-unknown-machine", data("equipment_usage.csv", lambda t: USAGE_HEADER
                                       + "2026-03-02 17:50,treadmill_9000,30,M000001\n"),
         "{club}/equipment_usage.csv", "column 'equipment_id'", "treadmill_9000"),
    Case("usage-negative-duration", data("equipment_usage.csv", lambda t: USAGE_HEADER
                                         + "2026-03-02 17:50,rower,-30,M000001\n"),
         "{club}/equipment_usage.csv", "column 'duration_min'", "duration_min"),
    # club.yml
    Case("club-yml-python-object",
         data("club.yml", lambda t: "name: !!python/object/apply:os.system [ls]\n"),
         "{club}/club.yml", "row 1", "refused: the YAML asks to build a Python object"),
    Case("club-yml-missing-name", data("club.yml", lambda t: "currency: EUR\n"),
         "{club}/club.yml", "key 'name'", "Field required"),
    Case("club-yml-bad-currency", replace("club.yml", "currency: EUR", "currency: euros"),
         "{club}/club.yml", "key 'currency'", "currency"),
    Case("club-yml-misspelt-timezone", data("club.yml", lambda t: t + "timezone: Europe/Londn\n"),
         "{club}/club.yml", "key 'timezone'", "did you mean 'Europe/London'?"),
    Case("usage-zoned-without-club-timezone",
         data("equipment_usage.csv", lambda t: USAGE_HEADER
              + "2026-03-02T17:50:00+00:00,rower,30,M000001\n"),
         "{club}/equipment_usage.csv", "column 'timestamp'", "club.yml names no time zone"),
    Case("club-yml-syntax-error", data("club.yml", lambda t: t + "note: [unclosed\n"),
         "{club}/club.yml", "row 6", "not valid YAML"),
    Case("club-yml-export-date-not-a-date",
         replace("club.yml", "export_date: 2026-10-27", "export_date: 27/10/2026"),
         "{club}/club.yml", "key 'export_date'", "export_date is a date as YYYY-MM-DD"),
    Case("club-yml-export-date-after-today",
         replace("club.yml", "export_date: 2026-10-27", "export_date: 2099-10-27"),
         "{club}/club.yml", "key 'export_date'", "is after today"),
    Case("club-yml-no-export-date-and-no-date-in-the-data", undated,
         "{club}/club.yml", "column 'export_date'", "the roster date cannot be told"),
    Case("checkins-after-the-export-date",  # the fixture's check-ins run to 2025-11-11
         replace("club.yml", "export_date: 2026-10-27", "export_date: 2025-11-01"),
         "{club}/checkins.csv", "column 'timestamp'",
         "a check-in after the export date 2025-11-01: the log runs to 2025-11-11"),
    Case("club-yml-not-a-mapping", data("club.yml", lambda t: "- Fixture Club\n- EUR\n"),
         "{club}/club.yml", "row 1", "expected keys such as"),
    Case("club-yml-exchange-rate-not-positive",
         data("club.yml", lambda t: t + "exchange_rates: {USD: {rate: 0, date: 2026-11-01, "
              "source: ECB}}\n"),
         "{club}/club.yml", "key 'exchange_rates.USD.rate'", "greater than 0"),
    Case("club-yml-exchange-rate-without-date",
         data("club.yml", lambda t: t + "exchange_rates: {USD: {rate: 0.92, source: ECB}}\n"),
         "{club}/club.yml", "key 'exchange_rates.USD.date'", "Field required"),
    Case("club-yml-missing-file", data("club.yml", lambda t: None),
         "{club}/club.yml", "club.yml not found", "club.yml not found"),
    # columns.yml (optional): maps a club system's export onto the contract
    Case("columns-yml-not-a-mapping", data("columns.yml", lambda t: "members.csv: member_id\n"),
         "{club}/columns.yml", "row 1, column 'members.csv'", "expected, per file, a mapping"),
    Case("columns-yml-unknown-file",
         data("columns.yml", lambda t: "member.csv:\n  Member No: member_id\n"),
         "{club}/columns.yml", "row 1, column 'member.csv'", "did you mean 'members.csv'"),
    Case("columns-yml-unknown-target",
         data("columns.yml", lambda t: "members.csv:\n  Member No: memberid\n"),
         "{club}/columns.yml", "row 2, column 'members.csv'", "did you mean 'member_id'"),
    # the grown form: value maps, date formats, set, keep/drop and the export's file name
    Case("columns-yml-unknown-key",
         data("columns.yml", lambda t: "members.csv:\n  columns: {sex: sex}\n  kep: {}\n"),
         "{club}/columns.yml", "row 3, column 'members.csv'", "did you mean 'keep'"),
    Case("columns-yml-unknown-column-key",
         data("columns.yml", lambda t: "members.csv:\n  columns:\n    sex: {to: sex, "
              "value: {Male: M}}\n"),
         "{club}/columns.yml", "row 3, column 'members.csv'", "did you mean 'values'"),
    Case("columns-yml-bad-format",
         data("columns.yml", lambda t: "members.csv:\n  columns:\n    join_date:\n"
              "      to: join_date\n      format: \"%m/%Q/%Y\"\n"),
         "{club}/columns.yml", "row 5, column 'members.csv'", "not a date format"),
    Case("columns-yml-format-on-a-number",
         data("columns.yml", lambda t: "members.csv:\n  columns:\n"
              "    monthly_dues: {to: monthly_dues, format: \"%Y\"}\n"),
         "{club}/columns.yml", "row 3, column 'members.csv'", "'monthly_dues' is not a date"),
    Case("columns-yml-set-unknown-column",
         data("columns.yml", lambda t: "members.csv:\n  set: {state: active}\n"),
         "{club}/columns.yml", "row 2, column 'members.csv'", "did you mean 'status'"),
    Case("columns-yml-keep-unknown-export-column",
         data("columns.yml", lambda t: "members.csv:\n  keep: {Member Type: [Member]}\n"),
         "{club}/columns.yml", "row 2, column 'members.csv'",
         "the export has no column 'Member Type'"),
    Case("columns-yml-file-matches-nothing",
         data("columns.yml", lambda t: "members.csv:\n  file: \"Member_List_*.csv\"\n"),
         "{club}/columns.yml", "row 2, column 'members.csv'", "matches 'Member_List_*.csv'"),
    Case("columns-yml-date-without-time",
         data("columns.yml", lambda t: "checkins.csv:\n  columns:\n"
              "    timestamp: {to: date, format: \"%Y-%m-%d %H:%M\"}\n"),
         "{club}/columns.yml", "row 2, column 'checkins.csv'", "needs a time column"),
    Case("columns-yml-unmapped-values",
         data("columns.yml", lambda t: "members.csv:\n  columns:\n"
              "    status: {to: status, values: {active: active}}\n"),
         "{club}/members.csv", "column 'status'", "add them to values in columns.yml"),
    Case("columns-yml-date-not-in-format",
         data("columns.yml", lambda t: "members.csv:\n  columns:\n"
              "    join_date: {to: join_date, format: \"%m/%d/%Y\"}\n"),
         "{club}/members.csv", "row 2, 3, 4, 5, 6 and", "not a date in the format %m/%d/%Y"),
]

ASSUMPTIONS = [
    Case("assumption-range-out-of-order",
         replace("assumptions.yml", "  low: 0.04\n  most_likely: 0.07",
                 "  low: 0.09\n  most_likely: 0.07"),
         "{club}/assumptions.yml", "column 'discount_rate'", "range out of order"),
    # no assumptions.yml: the USD defaults need club.yml's rate in a EUR club
    Case("assumption-default-in-usd-without-rate", data("assumptions.yml", lambda t: None),
         "{club}/assumptions.yml", "column 'trainer_session_price'",
         "or set trainer_session_price in assumptions.yml in EUR"),
    Case("assumption-unknown-name", replace("assumptions.yml", "discount_rate:", "discount_rat:"),
         "{club}/assumptions.yml", "column 'discount_rat'", "did you mean 'discount_rate'"),
    Case("assumption-python-object",
         data("assumptions.yml",
              lambda t: t + "evil: !!python/object/apply:os.system [ls]\n"),
         "{club}/assumptions.yml", "row 215", "refused: the YAML asks to build a Python object"),
    Case("assumption-syntax-error", replace("assumptions.yml", "  low: 0.04\n",
                                            "  low: [0.04\n"),
         "{club}/assumptions.yml", "row 10", "not valid YAML"),
    Case("assumption-file-not-a-mapping", data("assumptions.yml", lambda t: "- 0.07\n"),
         "{club}/assumptions.yml", "row 1", "expected one entry per assumption"),
    Case("assumption-not-a-number", replace("assumptions.yml", "  most_likely: 0.07",
                                            "  most_likely: seven percent"),
         "{club}/assumptions.yml", "column 'discount_rate'", "most_likely"),
    Case("assumption-percent-not-fraction", replace("assumptions.yml", "  high: 0.1\n",
                                                    "  high: 10\n"),
         "{club}/assumptions.yml", "column 'discount_rate'", "outside the possible range"),
    Case("assumption-wrong-unit", replace("assumptions.yml", "unit: fraction/year",
                                          "unit: percent"),
         "{club}/assumptions.yml", "column 'discount_rate'", "unit"),
    Case("assumption-missing-field", replace("assumptions.yml", "  source: assumption\n", ""),
         "{club}/assumptions.yml", "column 'discount_rate'", "source"),
    Case("assumption-required-missing",
         replace("assumptions.yml", "horizon_years:", "horizon_years_unused:"),
         "{club}/assumptions.yml", "column 'horizon_years'", "horizon_years"),
    Case("assumption-entry-not-a-mapping",
         data("assumptions.yml", lambda t: t.replace(
             "discount_rate:\n  low: 0.04\n  most_likely: 0.07\n  high: 0.1\n",
             "discount_rate: 0.07\nunused_discount:\n  low: 0.04\n  most_likely: 0.07\n"
             "  high: 0.1\n", 1)),
         "{club}/assumptions.yml", "column 'discount_rate'", "discount_rate"),
]

PLANS_CASES = [
    Case("plan-not-found", lambda ws: ["--plan", ws.root / "no-such-plan.yml"],
         "{root}/no-such-plan.yml", "column '--plan'", "plan file not found"),
    Case("plan-syntax-error", plan("reports:\n  - name: chart\n    title: [Chart\n"),
         "{plan}", "row 4", "not valid YAML"),
    Case("plan-empty", plan(""), "{plan}", "column 'reports'", "the file is empty"),
    Case("plan-is-a-list", plan("- name: chart\n  notebook: {chart}\n  title: Chart\n"),
         "{plan}", "row 1, column 'reports'", "must be a YAML mapping"),
    Case("plan-python-object",
         plan("title: !!python/object/apply:os.system [ls]\nreports: []\n"),
         "{plan}", "row 1", "refused: the YAML asks to build a Python object"),
    Case("plan-unknown-key", plan("reports:\n  - name: chart\n    notebok: {chart}\n"
                                  "    title: Chart\n"),
         "{plan}", "row 3, column 'reports.0.notebok'", "did you mean 'notebook'"),
    Case("plan-misspelt-parameters",
         plan("reports:\n  - name: chart\n    notebook: {chart}\n    title: Chart\n"
              "    paramters: {{count: 2}}\n"),
         "{plan}", "row 5, column 'reports.0.paramters'", "did you mean 'parameters'"),
    Case("plan-wrong-type", plan("cell_timeout: soon\nreports:\n  - name: chart\n"
                                 "    notebook: {chart}\n    title: Chart\n"),
         "{plan}", "row 1, column 'cell_timeout'", "give cell_timeout a whole number"),
    Case("plan-no-reports", plan("title: Nothing\nreports: []\n"),
         "{plan}", "column 'reports'", "at least 1 item"),
    Case("plan-missing-notebook", plan("reports:\n  - name: chart\n"
                                       "    notebook: no_such.ipynb\n    title: Chart\n"),
         "{plan}", "column 'chart.notebook'", "notebook not found"),
    Case("plan-duplicate-report-names",
         plan("reports:\n  - name: chart\n    notebook: {chart}\n    title: Chart\n"
              "  - name: chart\n    notebook: {chart}\n    title: Chart again\n"),
         "{plan}", "column 'reports.name'", "two reports are named 'chart'"),
    Case("plan-bad-report-name", plan("reports:\n  - name: Chart Report\n"
                                      "    notebook: {chart}\n    title: Chart\n"),
         "{plan}", "column 'reports.0.name'", "lower-case letters"),
    Case("plan-parameter-sets-unnamed",
         plan("reports:\n  - name: chart\n    notebook: {chart}\n    title: Chart\n"
              "    parameter_sets:\n      - {{parameters: {{count: 2}}}}\n"
              "      - {{parameters: {{count: 3}}}}\n"),
         "{plan}", "column 'reports.0'", "every parameter set needs a name"),
    Case("plan-parameter-sets-not-a-list",
         plan("reports:\n  - name: chart\n    notebook: {chart}\n    title: Chart\n"
              "    parameter_sets: {{count: 2}}\n"),
         "{plan}", "column 'reports.0.parameter_sets'", "valid list"),
    Case("plan-title-placeholder", plan("reports:\n  - name: chart\n    notebook: {chart}\n"
                                        "    title: 'Chart: {{colour}}'\n"),
         "{plan}", "column 'chart.title'", "placeholder"),
    Case("plan-data-dir-missing", plan("data_dir: nowhere\nreports:\n  - name: chart\n"
                                       "    notebook: {chart}\n    title: Chart\n",
                                       data_dir=False),
         "{plan}", "column 'data_dir'", "club data folder was not found"),
    Case("plan-impossible-date", plan("reports:\n  - name: chart\n    notebook: {chart}\n"
                                      "    title: Chart\n    parameters:\n"
                                      "      greeting: 2026-02-30\n"),
         "{plan}", "row 6", "day is out of range for month"),
    Case("data-dir-option-missing", lambda ws: ["--plan", SMALL, "--data-dir",
                                                ws.root / "nowhere"],
         "{root}/nowhere", "--data-dir", "club data folder not found"),
    Case("only-unknown-report", args("--only", "chart-c"),
         "{small}", "column '--only'", "no report named 'chart-c'"),
    Case("plan-clubs-missing", plan("clubs: {club}/../no-clubs\nreports:\n  - name: chart\n"
                                    "    notebook: {chart}\n    title: Chart\n"
                                    "    per_club: true\n"),
         "{plan}", "column 'clubs'", "clubs folder not found"),
]

# A --param problem is on the command line, not in the plan; a --param value of the wrong type
# names the notebook that declares the parameter.

PARAMETERS = [
    Case("param-unknown", args("--param", "greting=hi"),
         "the command line", "column '--param'", "did you mean 'greeting'"),
    Case("param-wrong-type", args("--param", "count=three"),
         "{chart}", "column 'count'", "wrong type for parameter 'count' (given with --param)"),
    Case("param-malformed", args("--param", "count"),
         "the command line", "column '--param'", "KEY=VALUE"),
    Case("param-data-dir", args("--param", "data_dir=/tmp"),
         "the command line", "data_dir", "use --data-dir"),
    Case("plan-unknown-parameter", chart_plan("{greting: hi}"),
         "{plan}", "column 'greting'", "did you mean 'greeting'"),
    Case("plan-parameter-wrong-type", chart_plan("{count: three}"),
         "{plan}", "column 'count'", "wrong type for parameter 'count'"),
    Case("decision-unknown-candidate", real("decision_report", "{candidates: [rower, jacuzi]}"),
         "{club}/equipment.csv", "column 'candidates'", "no machine 'jacuzi'"),
    Case("candidate-unknown-equipment", real("candidate_profile", "{equipment_id: rowr}"),
         "{club}/equipment.csv", "column 'equipment_id'", "did you mean 'rower'"),
    Case("usage-review-unknown-equipment", real("usage_review", "{equipment_id: jacuzzi}"),
         "{club}/equipment.csv", "column 'equipment_id'", "no machine 'jacuzzi'"),
    Case("decision-unknown-criterion", real("decision_report", "{weights: {npv: 1, colour: 2}}"),
         "{plan}", "column 'weights'", "colour"),
    Case("decision-negative-budget", real("decision_report", "{budget: -500}"),
         "{plan}", "column 'budget'", "greater than or equal to 0"),
    Case("decision-negative-budget-param", real("decision_report", "{}",
                                                "--param", "budget=-500"),
         "{plan}", "column 'budget'", "greater than or equal to 0"),
    Case("decision-unknown-normalization", real("decision_report", "{normalization: zscore}"),
         "{plan}", "column 'normalization'", "zscore"),
    Case("decision-fixed-without-ranges", real("decision_report", "{normalization: fixed}"),
         "{plan}", "column 'value_ranges'", "needs value_ranges"),
    Case("decision-too-few-draws", real("decision_report", "{draws: 5}"),
         "{plan}", "column 'draws'", "greater than or equal to 100",),
    Case("usage-review-bad-date", real("usage_review", "{installed: '2026-02-30'}"),
         "{plan}", "column 'installed'", "YYYY-MM-DD"),
    # A machine the plan names that the club's usage log has no session of.
    Case("usage-review-machine-not-in-log",
         with_data("equipment_usage.csv",
                   lambda t: USAGE_HEADER + "2026-03-02 17:50,leg_press,30,M000001\n",
                   real("usage_review", "{equipment_id: rower}")),
         "{club}/equipment_usage.csv", "column 'equipment_id'",
         "no sessions of machine 'rower' in the usage log"),
    # No member active on the roster date: the model's reports have no one to forecast for.
    Case("decision-every-member-cancelled",
         with_data("members.csv", no_one_active("cancelled"), real("decision_report", "{}")),
         "{club}/members.csv", "column 'status'",
         "no member is active on 2026-10-27: 0 active, 20 cancelled, 0 frozen, 0 joined after it"),
    Case("candidate-active-members-frozen",
         with_data("members.csv", no_one_active("frozen"), real("candidate_profile", "{}")),
         "{club}/members.csv", "column 'status'",
         "no member is active on 2026-10-27: 0 active, 8 cancelled, 12 frozen, 0 joined after it"),
    Case("usage-review-as-of-before-every-join", real("usage_review", "{as_of: '2000-01-01'}"),
         "{club}/members.csv", "column 'join_date'",
         "no member is active on 2000-01-01: 0 active, 0 cancelled, 0 frozen, 20 joined after it"),
    Case("member-profile-unknown-status", real("member_profile", "{status: former}"),
         "{plan}", "column 'status'", "'active', 'cancelled' or 'all'",),
    Case("member-profile-small-groups", real("member_profile", "{min_group_size: 3}"),
         "{plan}", "column 'min_group_size'", "greater than or equal to 10",),
]


CASES = [("data", c) for c in DATA] + [("assumptions", c) for c in ASSUMPTIONS] + [
    ("plan", c) for c in PLANS_CASES] + [("parameters", c) for c in PARAMETERS]


def test_the_corpus_is_large_and_its_names_unique():
    names = [c.name for _, c in CASES]
    assert len(names) == len(set(names))
    assert len(CASES) >= 45


def test_a_european_export_is_read_as_its_comma_twin(tmp_path):
    """Once refused (cases members-semicolons and members-semicolons-decimal-commas): every
    CSV of the club saved with ';' between columns and decimal commas is read with the same
    values as the comma-separated files, and the check notes the delimiter of each."""
    from evaluate.data.checks import check_club

    club = tmp_path / "club"
    shutil.copytree(CLUB, club)
    names = sorted(p.name for p in CLUB.glob("*.csv"))
    for name in names:
        (club / name).write_text(european((CLUB / name).read_text(encoding="utf-8")),
                                 encoding="utf-8")
    assert "149,00" in (club / "members.csv").read_text()
    comma, semicolon = check_club(CLUB), check_club(club)
    assert semicolon.errors == [] and comma.errors == []
    for name in ("members.csv", "equipment.csv"):
        pd.testing.assert_frame_equal(semicolon.loaded[name], comma.loaded[name])
    notes = {Path(str(p.file)).name: p.message for p in semicolon.warnings
             if p.severity == "info"}
    assert set(notes) == set(names)
    assert notes["members.csv"] == ("read with ';' between columns, and numbers with a decimal "
                                    "comma ('1.234,50' is 1234.5)")


# --- `evaluate init`: exports it cannot start a folder from -----------------------------------

EXPORTS = Path(__file__).parents[1] / "fixtures" / "exports" / "activenet"


@dataclass(frozen=True)
class InitCase:
    """An export (or a folder) `evaluate init` refuses, and what it must say."""

    name: str
    members: str | bytes  # the member export's text
    existing: tuple[str, ...] = ()  # files already in the folder
    file: str = "{export}"  # the file the message names: {export} or {club}
    says: str = ""


INIT_CASES = [
    InitCase("init-no-id-column", "First Name,Email,Gender\nAnn,ann@example.org,F\n",
             says="no column of member ids found"),
    InitCase("init-not-utf8", b"Barcode,Gender\nA1,M\xe4nnlich\n", says="not UTF-8 text"),
    InitCase("init-empty-export", "", says="the file is empty"),
    InitCase("init-pipe-separated", "Barcode|Gender\nA1|M\n", says="separated by '|'"),
    InitCase("init-existing-files", (EXPORTS / "Member_List_20261101.csv").read_text(),
             existing=("club.yml", "columns.yml"), file="{club}",
             says="columns.yml, club.yml already in"),
]


@pytest.mark.parametrize("case", INIT_CASES, ids=[c.name for c in INIT_CASES])
def test_init_refuses_an_unusable_export_with_exit_2_and_writes_nothing(case, tmp_path):
    export = tmp_path / "Member_List_20261101.csv"
    export.write_bytes(case.members if isinstance(case.members, bytes)
                       else case.members.encode("utf-8"))
    club = tmp_path / "club"
    club.mkdir()
    for name in case.existing:
        (club / name).write_text("# the analyst's own\n")
    before = tree(club)
    result = run_cli("init", club, "--members", export, "--currency", "USD")
    said = result.stderr
    assert result.returncode == 2, said
    assert "Traceback" not in said + result.stdout, said
    assert case.says in said and "fix:" in said, said
    assert case.file.format(export=export, club=club) in said, said
    assert tree(club) == before


# --- the test --------------------------------------------------------------------------------


def tree(folder: Path) -> dict[str, str]:
    """Every entry of ``folder``: files by their sha256, symlinks by their target.

    The lock file too: a build stopped by bad data took the lock, and empties its note
    when it lets go, as it found it.
    """
    entries: dict[str, str] = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                entries[key] = f"-> {os.readlink(path)}"
            elif path.is_dir():
                entries[key] = "folder"
            else:
                entries[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return entries


@pytest.fixture(scope="module")
def good_reports(tmp_path_factory) -> Path:
    """A reports folder holding one good build, made once and copied by each case."""
    out = tmp_path_factory.mktemp("good") / "reports"
    result = run_cli("build", "--plan", SMALL, "--out", out, "--only", "chart-a")
    assert result.returncode == 0, result.stderr
    return out


@dataclass
class Outcome:
    """What one case's build did: its result, and the reports folder before and after."""

    ws: Workspace
    out: Path
    result: subprocess.CompletedProcess
    before: dict[str, str]
    after: dict[str, str]


def run_case(case: Case, good_reports: Path, root: Path) -> Outcome:
    """Copy the good reports, make the case's bad input, and build onto the copy."""
    out = root / "reports"
    shutil.copytree(good_reports, out, symlinks=True)
    before = tree(out)
    ws = Workspace(root / "case")
    shutil.copytree(CLUB, ws.club)
    result = run_cli("build", *case.make(ws), "--out", out)
    return Outcome(ws, out, result, before, tree(out))


# Each case's build is a process of its own (most of its time is Python starting and
# importing), so the cases selected for a run are built two at a time, before the first
# test; each test then checks its own case's outcome.
WORKERS = 2


@pytest.fixture(scope="module")
def outcomes(request, good_reports, tmp_path_factory) -> dict[str, Future[Outcome]]:
    """Every selected case's outcome, by case name (a future: its error is the case's)."""
    selected = [item.callspec.params["case"] for item in request.session.items
                if getattr(item, "callspec", None) and "case" in item.callspec.params
                and item.module is request.module]
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = {case.name: pool.submit(run_case, case, good_reports,
                                          tmp_path_factory.mktemp(case.name))
                   for case in selected}
        wait(futures.values())
    return futures


CASE_IDS = [f"{group}/{case.name}" for group, case in CASES]


@pytest.mark.parametrize("group,case", CASES, ids=CASE_IDS)
def test_bad_input_exits_2_names_file_row_and_fix_and_publishes_nothing(group, case, outcomes):
    outcome = outcomes[case.name].result()
    result, ws = outcome.result, outcome.ws
    said = result.stderr
    assert result.returncode == 2, said
    assert "Traceback" not in said and "Traceback" not in result.stdout, said
    assert case.where in said, said
    assert case.says in said, said
    assert "fix:" in said, said
    assert outcome.after == outcome.before  # builds, latest, index.html: byte for byte
    assert not list(outcome.out.glob(".staging-*"))
    assert case.file is None or case.file.format(**ws.paths()) in said, said
