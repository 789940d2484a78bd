"""The model's assumptions: a code-side catalogue and the loader of ``assumptions.yml``.

Every uncertain number the model uses is a named assumption with a low / most-likely / high
range, a unit, a one-line meaning, and a source (a citation of the publication behind it)
or the word ``assumption``.
:data:`CATALOGUE` lists the known names with their unit, hard bounds and documented default.
``assumptions.yml`` is optional: without it every assumption takes its default and the
loader says so in a warning. When the file exists, each *required* assumption must be in it
(so a club's file is complete and deliberate); an optional one that is left out takes its
default. A default held in another currency (the trainer-session price and the floor cost,
in USD) is converted into the club's with ``club.yml``'s ``exchange_rates``, its source saying
so, or refused when no rate is given. The YAML is read with ``yaml.safe_load`` only: tags
that would build Python objects are refused, never executed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

import yaml
from pydantic import BaseModel, ConfigDict

from evaluate.data.club import ClubInfo, rate_fix, readable_club
from evaluate.data.validation import Findings
from evaluate.data.yaml_files import SAFE_LOADER, check_yaml, read_yaml
from evaluate.errors import DataError, Problem, did_you_mean

ASSUMPTIONS_FILE = "assumptions.yml"
FIELDS = ("low", "most_likely", "high", "unit", "meaning", "source")
RESERVED_KEYS = ("about",)  # free text describing the file, e.g. that it is the demo's
NO_SOURCE = "assumption"



@dataclass(frozen=True)
class AssumptionSpec:
    """A known assumption: unit, meaning, hard bounds, and the default used when none is given."""

    name: str
    unit: str
    meaning: str
    minimum: float
    maximum: float
    default: tuple[float, float, float]  # low, most likely, high
    source: str = NO_SOURCE
    required: bool = True
    integer: bool = False
    currency: str | None = None  # the ISO code of a money default; None: not money


class Assumption(BaseModel):
    """One assumption as the model uses it: a range, its unit and meaning, and where it came from.

    ``origin`` is ``"file"`` (read from ``assumptions.yml``) or ``"default"`` (the
    catalogue's documented default); ``line`` is the YAML line of its key, if read.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    low: float
    most_likely: float
    high: float
    unit: str
    meaning: str
    source: str
    origin: str = "file"
    line: int | None = None

    @property
    def is_sourced(self) -> bool:
        """True when the range rests on a citation rather than on judgement.

        A judgement converted from another currency stays one: "assumption; converted from
        USD 150 at ..." (the note follows the first ``;``).
        """
        return self.source.split(";")[0].strip().lower() != NO_SOURCE


class Assumptions(dict[str, Assumption]):
    """The loaded assumptions by name, with the loader's ``warnings`` and ``file``."""

    def __init__(self, items: dict[str, Assumption], warnings: list[Problem],
                 file: Path | None) -> None:
        super().__init__(items)
        self.warnings = warnings
        self.file = file


def _spec(name: str, unit: str, meaning: str, bounds: tuple[float, float],
          default: tuple[float, float, float], source: str = NO_SOURCE,
          required: bool = True, integer: bool = False,
          currency: str | None = None) -> AssumptionSpec:
    return AssumptionSpec(name, unit, meaning, bounds[0], bounds[1], default, source, required,
                          integer, currency)


_IHRSA_CHURN = ("IHRSA Profiles of Success 2016 data (retention 72.5%); IHRSA One Million Strong "
                "2015 (33.6 cancellations per 1000 a month, about 40% a year, derived); IHRSA "
                "Health Club Business Handbook (as high as 45%); industry_benchmarks.csv: "
                "retention_median_leading_operators, cancellations_per_1000_month, "
                "annual_cancellation_rate, attrition_average_club_high, grade B")
_PT = ("IHRSA 2009 $55.87 per session (industry_benchmarks.csv: pt_price_per_session, grade B, "
       "old); IDEA 2003 $50 (industry_benchmarks.csv: pt_price_per_session_2003, grade B, old); "
       "high end is an assumption (no sourced newer price)")

CATALOGUE: dict[str, AssumptionSpec] = {s.name: s for s in (
    _spec("discount_rate", "fraction/year", "real annual discount rate for cash flows",
          (0.0, 0.5), (0.04, 0.07, 0.10)),
    _spec("horizon_years", "years", "planning horizon for NPV, capped by the machine's lifespan",
          (1, 30), (5, 5, 5), integer=True),
    _spec("floor_cost_per_m2_year", "currency/m2/year",
          "opportunity cost of a square metre of gym floor for a year", (0, 10_000),
          (50, 150, 300), currency="USD"),
    _spec("installation_share_of_price", "fraction",
          "delivery and installation as a share of price, when equipment.csv has no figure",
          (0.0, 1.0), (0.0, 0.05, 0.15)),
    _spec("maintenance_share_of_price", "fraction/year",
          "annual maintenance as a share of price, when equipment.csv has no figure "
          "(no published figure)", (0.0, 1.0), (0.02, 0.05, 0.10)),
    _spec("lifespan_years_strength", "years",
          "useful life of strength equipment, when equipment.csv has no figure "
          "(no published figure)", (1, 40), (7, 10, 15)),
    _spec("lifespan_years_cardio", "years",
          "useful life of commercial cardio equipment, when equipment.csv has no figure",
          (1, 40), (3, 4, 5),
          "Athletic Business, Meet the Experts: Spanning the Life of Equipment: 3-5 years in "
          "heavy-traffic facilities, remanufactured units about 4 (industry_benchmarks.csv: "
          "cardio_lifespan_commercial, grade B)"),
    _spec("salvage_share", "fraction", "resale value at the end of the horizon, share of price",
          (0.0, 1.0), (0.0, 0.10, 0.25)),
    _spec("desk_share_prior", "fraction",
          "share of members with desk or sedentary work, used where occupation is unknown "
          "(no published pooled figure)", (0.0, 1.0), (0.30, 0.45, 0.60)),
    _spec("sedentary_odds_ratio", "odds ratio",
          "odds ratio of low back pain for desk work, applied on the odds scale", (0.1, 10.0),
          (1.12, 1.47, 1.92), "Dzakpasu FQS et al. Int J Behav Nutr Phys Act 2021;18:159, "
          "self-reported workplace sitting, OR 1.47 (95% CI 1.12-1.92); sedentary_work.csv: "
          "workplace_sitting, grade A"),
    _spec("uptake_back_care", "fraction",
          "share of members with back pain who become regular users of a machine of high "
          "back-care relevance", (0.0, 1.0), (0.04, 0.08, 0.15)),
    _spec("uptake_posterior_chain", "fraction",
          "share of members training for strength (squat, deadlift) who become regular users "
          "of a high-relevance posterior-chain machine", (0.0, 1.0), (0.05, 0.15, 0.30)),
    _spec("uptake_general_fitness", "fraction",
          "share of other members who become regular users of a machine of general use",
          (0.0, 1.0), (0.01, 0.03, 0.06)),
    _spec("relevance_weight_medium", "multiplier",
          "uptake of a medium-relevance machine relative to a high-relevance one", (0.0, 1.0),
          (0.3, 0.5, 0.7)),
    _spec("relevance_weight_low", "multiplier",
          "uptake of a low-relevance machine relative to a high-relevance one", (0.0, 1.0),
          (0.0, 0.1, 0.2)),
    _spec("sessions_per_user_week", "sessions/week",
          "sessions a regular user does on the machine each week, never above their visits",
          (0.0, 14.0), (0.5, 1.0, 2.0)),
    _spec("adoption_months", "months", "months until uptake reaches its full level (linear ramp)",
          (0, 36), (1, 3, 6)),
    _spec("churn_reduction_users", "fraction",
          "relative reduction in the annual cancellation rate of regular users", (0.0, 1.0),
          (0.0, 0.05, 0.15)),
    _spec("baseline_annual_churn", "fraction/year",
          "annual cancellation rate, used only when the roster cannot measure it", (0.0, 1.0),
          (0.275, 0.40, 0.45), _IHRSA_CHURN, required=False),
    _spec("trainer_led_share", "fraction",
          "share of regular users with back pain who book trainer-led sessions on the machine",
          (0.0, 1.0), (0.0, 0.05, 0.10)),
    _spec("trainer_sessions_per_buyer_year", "sessions/year",
          "trainer-led sessions a booking member buys in a year", (0, 365), (21, 21, 28),
          "HFA 2025 Expanded Insights: 21 personal-training sessions per PT user in 2024, 28 "
          "in 2019; industry_benchmarks.csv: pt_sessions_per_user_year, grade A"),
    _spec("trainer_session_price", "currency/session", "price of one trainer-led session",
          (0, 1_000), (50, 55.87, 70), _PT, currency="USD"),
    _spec("trainer_session_margin", "fraction",
          "share of a session's price the club keeps after paying the trainer", (0.0, 1.0),
          (0.30, 0.45, 0.61), "derived from the session price $55.87 (IHRSA 2009) and trainer "
          "pay $30.50/h (IDEA, grade B) or $21.82/h (BLS median 2022, grade A); low end is an "
          "assumption; industry_benchmarks.csv: pt_price_per_session, trainer_pay_average_idea, "
          "trainer_pay_median"),
    _spec("pt_user_share", "fraction",
          "share of members who already use a personal trainer: their trainer-led sessions on "
          "a new machine replace sessions they would have bought anyway", (0.0, 1.0),
          (0.226, 0.226, 0.23), "HFA 2025 Expanded Insights (22.6% of US members in 2024) and "
          "HFA 2026 Buyer's Guide (23%); industry_benchmarks.csv: pt_user_share, grade A/B",
          required=False),
    _spec("dues_contribution_margin", "fraction",
          "share of a member's dues left after the costs one more member adds (card fees, "
          "utilities, cleaning, wear); a club's costs are mostly fixed, so most of the dues "
          "remain (no published figure)", (0.0, 1.0), (0.5, 0.75, 0.9), required=False),
    _spec("new_joins_per_year", "members/year",
          "members who join each year because the club has a machine whose equipment.csv "
          "gives no new_joins_per_year of its own (no published figure: keep 0 unless the "
          "club has counted them)", (0, 10_000), (0, 0, 0)),
    _spec("new_joins_cap_share", "fraction",
          "most of the club's joins a year that all machines on the floor together may be "
          "credited with: members join for place, price and people first (no published "
          "figure)", (0.0, 1.0), (0.02, 0.05, 0.10), required=False),
    _spec("substitution", "fraction",
          "how far members would use another machine serving the same need instead of a new "
          "one (0: machines add users independently; 1: a machine adds no user where an owned "
          "one serves the need as well); no published figure, until a usage review measures "
          "it", (0.0, 1.0), (0.0, 0.5, 1.0), required=False),
    _spec("peak_hour_share", "fraction",
          "share of a week's sessions in the busiest hour of the week, used only without a "
          "check-in log that can measure it (no published hourly profile)", (0.0, 1.0),
          (0.015, 0.02, 0.03), required=False),
    _spec("target_peak_utilisation", "fraction",
          "busy share of a machine at peak above which members queue noticeably", (0.0, 1.0),
          (0.40, 0.50, 0.60), "GYMetrix (Health Club Management, Oct 2012): keep 40-60% of "
          "units free at peak; industry_benchmarks.csv: peak_equipment_free_target, grade C",
          required=False),
)}


def default_assumptions() -> dict[str, Assumption]:
    """Every catalogue assumption at its documented default (origin ``"default"``)."""
    return {name: _from_default(spec) for name, spec in CATALOGUE.items()}


def _from_default(spec: AssumptionSpec) -> Assumption:
    low, likely, high = spec.default
    return Assumption(name=spec.name, low=low, most_likely=likely, high=high, unit=spec.unit,
                      meaning=spec.meaning, source=spec.source, origin="default")


def _in_club_currency(found: dict[str, Assumption], club: ClubInfo | None,
                      check: Findings) -> dict[str, Assumption]:
    """Money defaults held in another currency, converted with club.yml's rate (or refused)."""
    if club is None:
        return found
    converted = dict(found)
    for name, item in found.items():
        currency = CATALOGUE[name].currency
        if item.origin != "default" or currency in (None, club.currency):
            continue
        rate = club.exchange_rates.get(currency)
        if rate is None:
            check.add(f"the default {name} is in {currency}, the club's currency is "
                      f"{club.currency}, and club.yml gives no {currency} rate", column=name,
                      value=item.most_likely,
                      rule="a figure held in another currency is converted with club.yml's "
                           "exchange_rates, never shown as the club's",
                      fix=f"{rate_fix(currency)}, or set {name} in assumptions.yml in "
                          f"{club.currency} (copy data/demo/assumptions.yml and adjust it)")
            continue
        amounts = f"{item.low:g} / {item.most_likely:g} / {item.high:g}"
        converted[name] = item.model_copy(update={
            "low": item.low * rate.rate, "most_likely": item.most_likely * rate.rate,
            "high": item.high * rate.rate,
            "source": f"{item.source}; {rate.note(currency, amounts, club.currency)}"})
    return converted


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _parse(path: Path) -> tuple[dict, dict[str, tuple[int, dict[str, int]]]]:
    """Safe-load the YAML and map each key to its line and each field to its line."""
    check_yaml(path)  # its size, before reading it
    text = path.read_text(encoding="utf-8")
    content = read_yaml(path, text=text)
    root = yaml.compose(text, Loader=SAFE_LOADER)  # the same text parsed: for line numbers
    if not isinstance(content, dict):
        raise DataError.single("expected one entry per assumption (name: {low: ..., ...})",
                               file=path, row=1, rule="assumptions.yml is a mapping",
                               fix="see the example in data/README.md")
    assert root is not None  # the same text loaded to a mapping, so it has a node
    lines: dict[str, tuple[int, dict[str, int]]] = {}
    for key_node, value_node in root.value:
        fields = {}
        if isinstance(value_node, yaml.MappingNode):
            fields = {str(k.value): _line(k) for k, _ in value_node.value}
        lines[str(key_node.value)] = (_line(key_node), fields)
    return content, lines


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _maximum(spec: AssumptionSpec, club: ClubInfo | None) -> float:
    """The hard upper bound in the club's currency: a money bound is held in the spec's.

    Converted with club.yml's rate when there is one; without it no upper bound applies (the
    bound is a guard against slips, and a yen price is not a dollar price).
    """
    if spec.currency is None or club is None or club.currency == spec.currency:
        return spec.maximum
    rate = club.exchange_rates.get(spec.currency)
    return spec.maximum * rate.rate if rate is not None else math.inf


def _check_entry(name: str, entry: object, spec: AssumptionSpec, line: int | None,
                 field_lines: dict[str, int], check: Findings,
                 maximum: float) -> Assumption | None:
    """Check one entry; record each broken rule; return the assumption if usable."""
    if not isinstance(entry, dict):
        check.add("expected low, most_likely, high, unit, meaning and source", row=line,
                  column=name, value=entry, rule="each assumption is a mapping of those fields",
                  fix="indent the fields under the name (see data/README.md)")
        return None
    before = len(check.errors)
    for field in entry:
        if field not in FIELDS:
            check.add(f"unknown field '{field}'", row=field_lines.get(str(field), line),
                      column=name, value=field, rule="fields: " + ", ".join(FIELDS),
                      fix=f"{did_you_mean(str(field), FIELDS)}remove or rename the field")
    for field in FIELDS:
        if field not in entry or entry[field] is None or entry[field] == "":
            check.add(f"field '{field}' is missing", row=line, column=name,
                      rule="every assumption has " + ", ".join(FIELDS), fix=f"add '{field}:'")
    numbers = {f: entry.get(f) for f in FIELDS[:3]}
    for field, value in numbers.items():
        if value is None:
            continue
        where = {"row": field_lines.get(field, line), "column": name, "value": value}
        if not _is_number(value):
            check.add(f"{field} is not a number", rule=f"{field} is a plain number",
                      fix="write digits only, e.g. 0.05 (not 5%)", **where)
        elif not spec.minimum <= value <= maximum:
            check.add(f"{field} outside the possible range", fix="check the unit, e.g. a "
                      "rate of 5% is 0.05", rule=f"{spec.minimum:g} <= {field} <= "
                      f"{maximum:g} {spec.unit}", **where)
        elif spec.integer and value != int(value):
            check.add(f"{field} is not a whole number", rule=f"{name} is whole {spec.unit}",
                      fix="round to a whole number", **where)
    low, likely, high = numbers.values()
    if (_is_number(low) and _is_number(likely) and _is_number(high)
            and not low <= likely <= high):
        check.add("range out of order", row=line, column=name, value=[low, likely, high],
                  rule="low <= most_likely <= high", fix="reorder the three values")
    unit = entry.get("unit")
    if unit not in (None, "") and str(unit).strip().lower() != spec.unit.lower():
        check.add("unit does not match the model's", row=field_lines.get("unit", line),
                  column=name, value=unit, rule=f"{name} is in {spec.unit}",
                  fix=f"convert the values to {spec.unit} and write unit: {spec.unit}")
    for field in ("meaning", "source"):
        if entry.get(field) not in (None, "") and not isinstance(entry[field], str):
            check.add(f"{field} is not text", row=field_lines.get(field, line), column=name,
                      value=entry[field], rule=f"{field} is one line of text",
                      fix="quote it" if field == "meaning" else
                      "cite the source, or write: assumption")
    if len(check.errors) > before:
        return None
    # Each of the three is a number here: a missing or other value was an error above.
    assert _is_number(low) and _is_number(likely) and _is_number(high)
    return Assumption(name=name, low=low, most_likely=likely, high=high,
                      unit=spec.unit, meaning=entry["meaning"].strip(),
                      source=entry["source"].strip(), line=line)


def load_assumptions(data_dir: Path) -> Assumptions:
    """Read and check ``assumptions.yml`` in ``data_dir``; return every assumption by name.

    Missing file: every assumption takes its catalogue default and the result carries a
    warning saying so. Otherwise unknown keys (with a did-you-mean hint), missing required
    assumptions, ranges out of order, values outside hard bounds, wrong units and missing
    sources are errors naming the file, the YAML line (as the row) and the key (as the
    column). Optional assumptions left out take their default (``origin == "default"``).

    Raises
    ------
    DataError
        Listing every problem found, or refusing YAML that asks to build Python objects.
    """
    path = Path(data_dir) / ASSUMPTIONS_FILE
    check = Findings(path)
    if not path.is_file():
        check.add("no assumptions.yml: every assumption takes its documented default",
                  rule="assumptions.yml is optional", severity="warning",
                  fix="copy data/demo/assumptions.yml into the data folder and adjust it")
        defaults = _in_club_currency(default_assumptions(), readable_club(Path(data_dir)),
                                     check)
        check.raise_errors()
        return Assumptions(defaults, check.warnings, None)
    content, lines = _parse(path)
    club = readable_club(Path(data_dir))
    found: dict[str, Assumption] = {}
    for name, entry in content.items():
        line, field_lines = lines.get(str(name), (None, {}))
        if name in RESERVED_KEYS:
            continue
        spec = CATALOGUE.get(str(name))
        if spec is None:
            hint = did_you_mean(str(name), CATALOGUE)
            check.add("unknown assumption", row=line, column=str(name), value=name,
                      rule="names are those listed in data/README.md",
                      fix=f"{hint}rename it, or remove it if the model does not use it")
            continue
        assumption = _check_entry(str(name), entry, spec, line, field_lines, check,
                                  _maximum(spec, club))
        if assumption is not None:
            found[str(name)] = assumption
    for name, spec in CATALOGUE.items():
        if name in content:
            continue
        if spec.required:
            low, likely, high = spec.default
            check.add("required assumption is missing", row=None, column=name,
                      rule=f"{name} is required ({spec.meaning}; {spec.unit})",
                      fix=f"add {name}: {{low: {low:g}, most_likely: {likely:g}, "
                          f"high: {high:g}, unit: {spec.unit}, meaning: ..., source: ...}}")
        else:
            found[name] = _from_default(spec)
    found = _in_club_currency(found, club, check)
    check.raise_errors()
    ordered = {name: found[name] for name in CATALOGUE}
    return Assumptions(ordered, check.warnings, path)
