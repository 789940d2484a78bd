"""One candidate machine's case: whom it serves, its use and money, its evidence and care.

The candidate profile report shows, for one machine of ``equipment.csv``, which of this club's
members it would serve (desk workers, members over 45, members who train for strength:
:mod:`evaluate.reports.audience`), how many, how much use and money to expect with the
uncertainty of each, what its price and running costs rest on, and how strong the evidence for
its back-care claim is. The model is the decision's (:mod:`evaluate.reports.decision.analysis`),
run for this machine alone, with the same calibration: the pooled logs of the machines the
club owns, and the model error their backtest measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from evaluate.data.club_data import ClubData, load_club_data
from evaluate.data.equipment import ID, placeholder_figures
from evaluate.data.members import JUNIOR_AGE, age_on
from evaluate.model.calibration import Calibration
from evaluate.model.costs import fill_equipment_costs
from evaluate.model.demand import adoption_curve, relevance_levels
from evaluate.model.prepared import ModelInputs, forecast_from_inputs
from evaluate.model.segments import active_mask, as_of_day
from evaluate.model.uncertainty import (
    SimulationResult,
    adoption_band,
    one_way_swings_from_inputs,
    simulate_from_inputs,
)
from evaluate.reports import formatting
from evaluate.reports.audience import audience_from_inputs
from evaluate.reports.decision import benefits
from evaluate.reports.decision.analysis import (
    money_at_most_likely,
    prepare_model,
    select_candidates,
)
from evaluate.reports.formatting import (
    DISCLAIMER,
    EVIDENCE_WORDS,
    HIDDEN_COUNT,
    INPUT_LABELS,  # noqa: F401 - the notebook labels its tornado with it
    SUPERVISION_WORDS,
    count_phrase,
    count_text,
    in_sentence,
    is_number,
    markdown_text,
    money,
    months,
    number,
    over_capacity,
    peak_note,
    plural,
    share,
)
from evaluate.reports.notebook_params import CandidateProfileParams
from evaluate.reports.privacy import MIN_GROUP_SIZE, shown_split

NEED_WORDS = {"back_care": "back care", "posterior_chain": "posterior-chain strength (squat "
              "and deadlift)", "general_fitness": "general fitness"}


@dataclass(frozen=True)
class CandidateAnalysis:
    """One candidate, analysed; every frame the candidate profile shows."""

    data: ClubData
    params: CandidateProfileParams
    currency: str
    machine: pd.Series                # the catalogue row, blank costs filled
    cost_fills: pd.DataFrame          # costs.fill_equipment_costs for this machine
    calibration: Calibration | None
    audience: pd.DataFrame            # audience.audience_from_inputs, the machine's users
    relevance: pd.DataFrame           # demand.relevance_levels for this machine
    forecast: pd.DataFrame            # prepared.forecast_from_inputs (low / most likely / high)
    adoption: pd.DataFrame            # uncertainty.adoption_band (line: most likely)
    finance: pd.Series                # finance.finance_summary row (most likely)
    simulation: SimulationResult
    npv_tornado: pd.DataFrame         # uncertainty.one_way_swings_from_inputs
    model: ModelInputs                # the prepared model every figure above was computed on

    @property
    def equipment_id(self) -> str:
        """The machine's ``equipment_id``."""
        return str(self.machine[ID])

    @property
    def name(self) -> str:
        """The machine's name."""
        return str(self.machine["name"])

    def band(self, metric: str) -> pd.Series:
        """P10 / P50 / P90 of a Monte Carlo output (``uncertainty.BAND_METRICS``)."""
        return self.simulation.band(metric).iloc[0]

    @property
    def most_likely(self) -> pd.Series:
        """The most-likely row of the forecast."""
        return self.forecast[self.forecast["scenario"].astype(str) == "most_likely"].iloc[0]


def analyse_candidate(params: CandidateProfileParams, data: ClubData | None = None
                      ) -> CandidateAnalysis:
    """Run the model for ``params.equipment_id`` (raises ``ValueError`` naming the fix)."""
    data = data or load_club_data(params.resolved_data_dir)
    as_of = params.as_of or None
    chosen = select_candidates(data.equipment, [params.equipment_id], parameter="equipment_id")
    filled, fills = fill_equipment_costs(chosen, data.assumptions)
    # Prepared once, as in the decision: every step below reads this model.
    model, calibrations, _, _ = prepare_model(data, filled, as_of=as_of,
                                              calibrate=params.calibrate)
    calibration = calibrations.get(params.equipment_id)
    forecast = forecast_from_inputs(model)
    money_row = money_at_most_likely(model, filled, forecast, data.assumptions, data.equipment)
    simulation = simulate_from_inputs(model, draws=params.draws, seed=params.seed)
    swings = one_way_swings_from_inputs(model, params.equipment_id)
    audience = audience_from_inputs(data.members, model, min_group_size=params.min_group_size)
    return CandidateAnalysis(
        data=data, params=params, currency=params.currency or data.club.currency,
        machine=filled.iloc[0], cost_fills=fills, calibration=calibration,
        audience=audience, relevance=relevance_levels(filled), forecast=forecast,
        adoption=adoption_band(simulation, most_likely=adoption_curve(
            forecast, data.assumptions)), finance=money_row.iloc[0],
        simulation=simulation, npv_tornado=swings, model=model)


def _users_of(users: float, members: float, label: str) -> str:
    """Users of a group in a sentence: "12 of the 230 desk workers", or what privacy leaves."""
    if pd.isna(members):
        return f"{label} (numbers {HIDDEN_COUNT})"
    of = f"the {count_phrase(members, label)}"
    return f"{of} (users {HIDDEN_COUNT})" if pd.isna(users) else f"{number(users, ',.0f')} of {of}"


def title_markdown(c: CandidateAnalysis) -> str:
    """The profile's heading: the machine's name, as the club wrote it."""
    return f"## {markdown_text(c.name)}"


def headline_markdown(c: CandidateAnalysis) -> str:
    """The case in brief: whom it serves, use, money, space, evidence and care."""
    cur, m = c.currency, c.machine
    groups = c.audience.set_index("group")
    likely = c.most_likely
    uses, npv = c.band("weekly_sessions"), c.band("npv")
    p_positive = float(c.simulation.summary["p_npv_positive"].iloc[0])
    labels = (("Desk workers", "desk workers"), ("Aged 45 or over", "members aged 45 or over"),
              ("Train for strength or sport", "members who train for strength or sport"))
    unrecorded = c.audience.attrs.get("not_recorded", [])
    who = "; ".join(f"{label} not recorded in the roster" if k in unrecorded else
                    _users_of(groups.loc[k, "users"], groups.loc[k, "members"], label)
                    for k, label in labels)
    total = groups.loc["All active members"]
    levels = dict(zip(c.relevance["need"], c.relevance["level"], strict=True))
    relevance = ", ".join(f"{NEED_WORDS[n]} {levels[n]}" for n in NEED_WORDS if n in levels)
    owned = int(m["owned_units"])
    muscles = str(m["muscles"]).replace(";", ", ").replace("_", " ")
    u = likely["utilisation"]
    busy = (f"at the busiest hour {over_capacity(u)}" if is_number(u) and u >= 1
            else f"busy {share(u)} of the busiest hour")
    note = peak_note(c.forecast.attrs, float(likely["peak_share"]))
    bullets = [
        ("Whom it serves", f"about {count_phrase(total['users'], 'regular users')} of the "
         f"{count_phrase(total['members'], 'active members')} (most likely), "
         f"{count_phrase(total['users_with_back_pain'], 'of them with back pain')}. By group "
         f"(they overlap): {who}." + junior_note(c)),
        ("Use", f"{plural(likely['weekly_sessions'], 'session')} a week once adopted "
         "(P10–P90: "
         f"{number(uses['p10'], '.0f')}–{number(uses['p90'], '.0f')}); {busy}."
         + (f" {note}" if note else "")),
        ("Money", f"{money(c.finance['up_front'], cur)} up front; {int(c.finance['years'])}"
         f"-year NPV {money(c.finance['npv'], cur, signed=True)} (P10–P90: "
         f"{money(npv['p10'], cur, signed=True)} to {money(npv['p90'], cur, signed=True)}); "
         f"{share(p_positive)} chance it is positive; payback in "
         f"{months(c.finance['payback_years'])}; {money(c.finance['cost_per_use'], cur)} per "
         "use."),
        ("Space", f"{number(float(m['footprint_m2']), '.1f')} m² with clearance."),
        ("Evidence for back care", f"{EVIDENCE_WORDS[str(m['evidence_grade'])]}: "
         f"{m['evidence_source']}."),
        ("Care", f"{SUPERVISION_WORDS[str(m['supervision'])].capitalize()}."
         + (f" {m['notes'][:1].upper()}{m['notes'][1:]}." if isinstance(m["notes"], str)
            and m["notes"] else "")),
    ]
    model = markdown_text(f"({m['model']})")
    lines = [f"**{markdown_text(c.name)}** {model}: trains "
             f"{markdown_text(muscles)}. Relevance to the club's needs: {relevance}.", "",
             *(f"- **{label}:** {markdown_text(text)}" for label, text in bullets)]
    if owned:
        lines.append(f"\n**Note:** the club already owns {owned} of these: another unit "
                     "shares their members, and adds members only where they are short of room "
                     "at the busiest hour.")
    return "\n".join(lines)


def junior_note(c: CandidateAnalysis) -> str:
    """' N junior members (under 18) are left out of the back-pain figures: ...', or ''.

    Junior members are active members under :data:`~evaluate.data.members.JUNIOR_AGE` on the
    profile's date (:mod:`evaluate.model.exposure` leaves them out of every back-pain figure);
    their number reads "not shown" when it, or the rest, is a group too small to show.
    """
    day = as_of_day(c.data, c.params.as_of)
    active = active_mask(c.data.members, day)
    juniors = int((age_on(c.data.members.loc[active], day) < JUNIOR_AGE).sum())
    if not juniors:
        return ""
    shown = shown_split(juniors, int(active.sum()), c.params.min_group_size)
    who = count_phrase(juniors if shown else float("nan"), f"junior members (under {JUNIOR_AGE})")
    return (f" {who[:1].upper()}{who[1:]} are left out of the back-pain figures: no published "
            "adult rate applies to them.")


def audience_display(c: CandidateAnalysis) -> pd.DataFrame:
    """Members, likely back pain and expected users by group, as text (groups overlap)."""
    t = c.audience
    return pd.DataFrame({
        "Members": [count_text(v) for v in t["members"]],
        "Likely with back pain now": [count_text(v) for v in t["with_back_pain"]],
        "Expected regular users": [count_text(v) for v in t["users"]],
        "of whom with back pain": [count_text(v) for v in t["users_with_back_pain"]],
    }, index=pd.Index(t["group"].to_numpy(), name="Group (they overlap)"))


def benefit_items(c: CandidateAnalysis) -> pd.DataFrame:
    """Its benefit items with their basis and weakest inputs (:func:`benefits.benefit_items`)."""
    return benefits.benefit_items(c.finance.to_frame().T, c.model, c.machine.to_frame().T,
                                  c.data.assumptions)


def money_split(c: CandidateAnalysis) -> pd.DataFrame:
    """Its NPV by benefit item and costs, and the break-even (:func:`benefits.money_split`)."""
    return benefits.money_split(c.finance.to_frame().T, c.simulation, c.model,
                                benefit_items(c))


def added_use(c: CandidateAnalysis) -> pd.DataFrame:
    """Its users, those it adds, and what it draws from owned machines (one row)."""
    return benefits.added_use(c.forecast, c.simulation, c.model, [c.equipment_id])


def money_markdown(c: CandidateAnalysis) -> str:
    """Where its money comes from, the break-even, and what it adds beside the owned machines.

    The decision report's words for one machine (:func:`benefits.money_split_markdown`,
    :func:`benefits.drawn_sentence`, :func:`benefits.substitution_sentence`).
    """
    names = {**_names(c), c.equipment_id: c.name}
    row = money_split(c).iloc[0]
    added = added_use(c).iloc[0]
    adds = (f"Beside the machines the club owns it would add about "
            f"{number(added['added_users'])} regular users to the club's equipment (P10–P90: "
            f"{number(added['added_p10'])}–{number(added['added_p90'])}), of its "
            f"{number(added['regular_users'])} in all; only those it adds count in its money. "
            f"{benefits.drawn_sentence(added, names)} "
            f"{benefits.substitution_sentence(c.data.assumptions)}"
            if len(c.model.owned.ids) else
            "The club owns no machine yet: every user is new, and it takes no sessions from "
            "another machine.")
    return "\n\n".join([benefits.money_split_markdown(row, c.name, c.currency),
                         markdown_text(adds)])


def money_table(c: CandidateAnalysis) -> pd.DataFrame:
    """Its benefit items, costs, NPVs and break-even as text (one row)."""
    return benefits.money_split_table(money_split(c), {c.equipment_id: c.name}, c.currency)


def basis_table(c: CandidateAnalysis) -> pd.DataFrame:
    """What each benefit item rests on: its basis and weakest inputs (text)."""
    return benefits.basis_table(benefit_items(c), {c.equipment_id: c.name}).drop(
        columns="Machines")


def figures_table(c: CandidateAnalysis) -> pd.DataFrame:
    """The machine's catalogue figures with their status and source (text)."""
    m, cur = c.machine, c.currency
    fills = c.cost_fills.set_index("figure")
    rows = []
    for figure, status, source, unit in (
            ("price", "price_status", "price_source", cur),
            ("installation_cost", "installation_status", "installation_source", cur),
            ("annual_maintenance", "maintenance_status", "maintenance_source", f"{cur}/year"),
            ("lifespan_years", "lifespan_status", "lifespan_source", "years")):
        basis = (f"assumption {fills.loc[figure, 'assumption']}: {fills.loc[figure, 'basis']}"
                 if figure in fills.index else str(m[source]))
        value = float(m[figure])
        rows.append({"Figure": figure.replace("_", " "),
                     "Value": money(value, cur) if unit.startswith(cur) else number(value, "g"),
                     "Unit": unit, "Status": str(m[status]), "Source or basis": basis})
    rows.append({"Figure": "floor space", "Value": number(float(m["footprint_m2"]), ".2f"),
                 "Unit": "m²", "Status": "published", "Source or basis": m["footprint_source"]})
    rows.append({"Figure": "session length, stations",
                 "Value": f"{number(float(m['session_minutes']), 'g')} min, {int(m['stations'])}",
                 "Unit": "", "Status": "assumption", "Source or basis": m["usage_source"]})
    if not pd.isna(m.get("price_low")) and not pd.isna(m.get("price_high")):
        rows[0]["Value"] += (f" (range {money(float(m['price_low']), cur)}–"
                             f"{money(float(m['price_high']), cur)})")
    return pd.DataFrame(rows).set_index("Figure")


def placeholder_note(c: CandidateAnalysis) -> str:
    """A warning when any of the machine's figures is a placeholder; empty otherwise."""
    figures = placeholder_figures(c.machine.to_frame().T)
    if figures.empty:
        return ""
    names = ", ".join(f.replace("_", " ") for f in figures["figure"])
    return (f"**Placeholders:** {names} of the {markdown_text(in_sentence(c.name))} are "
            "estimates, not "
            "quotes; replace them in equipment.csv before buying.")


def calibration_markdown(c: CandidateAnalysis) -> str:
    """How the forecast was calibrated on the club's usage log, or why it was not."""
    if not c.params.calibrate:
        return "Calibration is switched off (parameter calibrate): uptakes are the assumptions."
    if c.calibration is None and int(c.machine["owned_units"]):
        return ("Not calibrated on its own: the club already owns this machine, and another "
                "unit shares the first one's members, whose uptake its own usage log "
                "calibrates (pooled with the club's other machines).")
    if c.calibration is None:
        return ("Not calibrated: no machine the club owns is in the usage log (a machine "
                f"used by fewer than {MIN_GROUP_SIZE} members informs no forecast: the factor "
                "would give their use away). The forecast uses the documented uptake "
                "assumptions.")
    return (f"Calibrated on the club's own machines: "
            f"{markdown_text(_with_names(c, c.calibration.method))}.")


def _names(c: CandidateAnalysis) -> dict[str, str]:
    return dict(zip(c.data.equipment[ID].astype(str), c.data.equipment["name"], strict=True))


def _with_names(c: CandidateAnalysis, text: str) -> str:
    """``text`` with every equipment_id replaced by the machine's name (longest ids first)."""
    for equipment_id, name in sorted(_names(c).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(equipment_id, in_sentence(name))
    return text


def calibration_table(c: CandidateAnalysis) -> pd.DataFrame | None:
    """The calibration's before/after table, or ``None`` when not calibrated."""
    if c.calibration is None:
        return None
    table = c.calibration.table.copy()
    for column in ("before", "after"):
        table[column] = [number(v, ",.3g") if pd.notna(v) else "–" for v in table[column]]
    table["quantity"] = [_with_names(c, q).replace("_", " ") for q in table["quantity"]]
    table["note"] = [_with_names(c, n) for n in table["note"]]
    return table.set_index("quantity")


def summary_fields(c: CandidateAnalysis) -> dict[str, object]:
    """``summary.json`` fields of the profile: headline and key figures for the index."""
    cur = c.currency
    uses, npv = c.band("weekly_sessions"), c.band("npv")
    total = c.audience.set_index("group").loc["All active members"]
    return {
        "kind": "candidate_profile", "equipment_id": c.equipment_id,
        "headline": (f"{c.name}: about {number(c.most_likely['weekly_sessions'], '.0f')} "
                     "sessions a week "
                     f"and an NPV of {money(c.finance['npv'], cur, signed=True)} "
                     "(most likely)."),
        "key_figures": [
            {"label": "Regular users (most likely)",
             "text": count_text(total["users"])},
            {"label": "Weekly uses (P10–P90)",
             "text": f"{number(uses['p10'], '.0f')}–{number(uses['p90'], '.0f')}"},
            {"label": "NPV (P10 to P90)", "text": f"{money(npv['p10'], cur, signed=True)} to "
                                                 f"{money(npv['p90'], cur, signed=True)}"},
            {"label": "Evidence for back care",
             "text": EVIDENCE_WORDS[str(c.machine["evidence_grade"])]},
        ]}


def roster_notice(c: CandidateAnalysis, today: date | None = None) -> str:
    """A warning line (Markdown) for the first screen when the roster date is far from today.

    See :func:`evaluate.reports.formatting.roster_date_notice`; empty otherwise.
    """
    return formatting.roster_date_notice(as_of_day(c.data, c.params.as_of),
                                         as_of_set=bool(c.params.as_of), today=today)


def demo_banner(c: CandidateAnalysis) -> str:
    """A warning line when the data is the synthetic demo club; empty otherwise."""
    return formatting.demo_banner(c.data.club.synthetic)


def care_markdown(c: CandidateAnalysis) -> str:
    """Evidence, supervision and the medical disclaimer, in full."""
    m = c.machine
    note = m["notes"] if isinstance(m["notes"], str) else ""
    return "\n".join([
        "- **Evidence for its back-care claim:** "
        + markdown_text(f"{EVIDENCE_WORDS[str(m['evidence_grade'])]}. {m['evidence_source']}."),
        f"- **Supervision:** {SUPERVISION_WORDS[str(m['supervision'])]}."
        + (markdown_text(f" {note[:1].upper()}{note[1:]}.") if note else ""),
        "", f"**{DISCLAIMER}**"])
