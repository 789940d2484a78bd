"""The decision report's words and tables: the answer first, then the evidence for it.

Everything here turns a :class:`evaluate.reports.decision.analysis.DecisionAnalysis` into text a
club manager reads (Markdown) or small display tables (text only, for showing, never for
computing), in the order of the report: the answer, the comparison, the best set, assumptions,
data quality, evidence and care, provenance. :func:`summary_fields` gives the machine-readable
``summary.json`` fields (schema: :mod:`evaluate.reports.summary_schema`).

Numbers are rounded for reading: sessions and members to whole numbers, money to whole
currency units (two decimals below 10), shares to whole percent.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from evaluate.data.equipment import ID, placeholder_figures
from evaluate.model.exposure import exposure_priors
from evaluate.reports import formatting
from evaluate.reports.decision.analysis import COST_LABEL, DecisionAnalysis, criterion_label
from evaluate.reports.formatting import (
    DISCLAIMER,
    EVIDENCE_WORDS,
    INPUT_LABELS,
    PRIVACY_NOTE,
    SUPERVISION_WORDS,
    count_phrase,
    count_text,
    in_sentence,
    money,
    months,
    plural,
    share,
)
from evaluate.reports.privacy import MIN_GROUP_SIZE

LIMITATIONS = (
    "Uncertain inputs are drawn independently: no correlations between them are modelled.",
    "A machine the club already owns is forecast as if new: a second unit's users are "
    "largely the first unit's, which the model does not split.",
    "Scores are relative to the candidates compared: adding or removing a candidate can "
    "change them (rank reversal) unless the normalisation is 'fixed'.",
)


def _name(analysis: DecisionAnalysis, equipment_id: object) -> str:
    if equipment_id is None or pd.isna(equipment_id):
        return ""
    return in_sentence(analysis.names.get(str(equipment_id), str(equipment_id)))


def assumption_label(analysis: DecisionAnalysis, name: str) -> str:
    """An input's plain name (:data:`INPUT_LABELS`, else its meaning to the first comma)."""
    if name.startswith("price"):
        inside = name[name.find("(") + 1: name.rfind(")")] if "(" in name else ""
        return f"the price of the {_name(analysis, inside)}" if inside else "the price"
    if name in INPUT_LABELS:
        return INPUT_LABELS[name]
    assumption = analysis.data.assumptions.get(name)
    if assumption is None:
        return name.replace("_", " ")
    return assumption.meaning.split(",")[0].split(" (")[0]


def _value(value: float, unit: str, currency: str) -> str:
    if unit.startswith("currency"):
        return money(value, currency) + unit[len("currency"):].replace("/", " per ")
    if unit in ("fraction", "fraction/year"):
        return share(value) + (" a year" if unit.endswith("year") else "")
    return f"{value:g} {unit}"


@dataclass(frozen=True)
class Turning:
    """What would change the answer: the nearest weight, and the inputs that matter most."""

    weight: str
    input: str
    npv: str


def what_would_change(analysis: DecisionAnalysis) -> Turning:
    """Sentences for the weight and the input closest to changing the answer (see module)."""
    stab, currency = analysis.stability, analysis.currency
    best: tuple[float, str] | None = None
    for row in stab.itertuples(index=False):
        for bound, taker, word in ((row.lower, row.taker_below, "below"),
                                   (row.upper, row.taker_above, "above")):
            if pd.isna(taker):
                continue
            distance = abs(row.weight - bound)
            text = (f"{word} a {share(bound)} weight on {criterion_label(row.criterion).lower()}"
                    f" (now {share(row.weight)}) the {_name(analysis, taker)} ranks first")
            if best is None or distance < best[0]:
                best = (distance, text)
    weight = best[1] if best else ("no single weight changes the answer, whatever its value "
                                   "from 0% to 100%")
    margin = analysis.margin_tornado
    winner = analysis.recommendation
    flips = []
    for row in margin.itertuples(index=False):
        for end, top, value in (("low", row.top_at_low, row.low_value),
                                ("high", row.top_at_high, row.high_value)):
            if top != winner:
                flips.append(f"if {assumption_label(analysis, row.assumption)} were "
                             f"{_value(value, row.unit, currency)} (its {end} end), the "
                             f"{_name(analysis, top)} would rank first")
    if flips:
        text = flips[0]
    elif len(margin):
        top = margin.iloc[0]
        text = (f"no single input across its range changes the answer "
                f"({assumption_label(analysis, top.assumption)} moves it most)")
    else:
        text = "no uncertain input is ranged"
    swings = analysis.npv_tornado
    return Turning(weight=weight, input=text, npv=_npv_turning(analysis, swings))


def _npv_turning(analysis: DecisionAnalysis, swings: pd.DataFrame) -> str:
    """The single input closest to turning the winner's NPV negative (or positive)."""
    currency = analysis.currency
    if not len(swings):
        return ""
    base = float(swings.attrs.get("npv_most_likely", 0.0))
    if base < 0:  # already negative: what, alone, would make it pay?
        best = swings.loc[swings[["npv_at_low", "npv_at_high"]].max(axis=1).idxmax()]
        at_high = best.npv_at_high >= best.npv_at_low
        highest = max(best.npv_at_low, best.npv_at_high)
        value = _value(best.high_value if at_high else best.low_value, best.unit, currency)
        if highest <= 0:
            return (f"its NPV is negative ({money(base, currency, signed=True)}) and no single "
                    "input across its range makes it positive")
        return (f"its NPV is negative ({money(base, currency, signed=True)}); it turns "
                f"positive only if {assumption_label(analysis, best.assumption)} were {value}")
    likely = analysis.data.assumptions
    negative = []
    for row in swings.itertuples(index=False):
        for value, npv in ((row.low_value, row.npv_at_low), (row.high_value, row.npv_at_high)):
            if npv < 0:
                assumed = likely.get(row.assumption)
                was = (f" (assumed {_value(assumed.most_likely, row.unit, currency)})"
                       if assumed is not None else "")
                negative.append(f"if {assumption_label(analysis, row.assumption)} were "
                                f"{_value(value, row.unit, currency)}{was}, its NPV would turn "
                                "negative")
    if negative:
        return negative[0]
    low = swings.loc[swings[["npv_at_low", "npv_at_high"]].min(axis=1).idxmin()]
    lowest = min(low.npv_at_low, low.npv_at_high)
    at_low = low.npv_at_low <= low.npv_at_high
    value = _value(low.low_value if at_low else low.high_value, low.unit, currency)
    return (f"no single input turns its NPV negative (lowest "
            f"{money(lowest, currency, signed=True)}, with "
            f"{assumption_label(analysis, low.assumption)} at {value})")


def lead(analysis: DecisionAnalysis) -> str:
    """How the answer opens: "Buy the", unless the winner more likely loses money."""
    likely_positive = analysis.ranking.iloc[0]["p_npv_positive"] >= 0.5
    return "Buy the" if likely_positive else "The best-scoring machine is the"


def headline_markdown(analysis: DecisionAnalysis) -> str:
    """The first screen: what to buy, how sure, who it serves, use, money, space, risks."""
    a, c = analysis, analysis.currency
    win = a.ranking.iloc[0]
    wid = a.recommendation
    name = a.names[wid]
    draws = a.simulation.n_draws
    runner = a.runner_up
    lead_verb = lead(a)
    others = a.ranking["p_best"].drop(wid)
    if runner is None:
        rival = ""
    elif others.max() < 0.01:
        rival = " (no other machine ranks first in more than 1% of them)"
    else:
        rival = (f" (the {_name(a, others.idxmax())} in {share(others.max())}; "
                 f"{_name(a, runner)} scores second)")
    lines = [f"**{lead_verb} {in_sentence(name)}.** It ranks first in {share(win['p_best'])} of "
             f"{draws:,} simulated futures{rival}."]
    if win["p_npv_positive"] < 0.5:
        lines[0] += (f" But its NPV is positive in only {share(win['p_npv_positive'])} of them: "
                     "on money alone, buying nothing is the safer choice.")
    groups = a.audience.set_index("group")
    active = groups.loc["All active members"]
    served = (f"Of your {count_phrase(active['members'], 'active members')}, about "
              f"{count_phrase(active['with_back_pain'], 'likely had back pain')} in the "
              "last three months; "
              f"{count_phrase(groups.loc['Desk workers', 'members'], 'work at desks')}; "
              + count_phrase(groups.loc["Train for strength or sport", "members"],
                             "train for strength or sport")
              + " (the squat and deadlift). ")
    served += (f"It would draw about {plural(win['back_pain_served'], 'regular user')} with "
               "back pain"
               f" (most likely).")
    likely = a.forecast[(a.forecast[ID] == wid)
                        & (a.forecast["scenario"].astype(str) == "most_likely")].iloc[0]
    hour = a.forecast.attrs.get("peak_hour")
    at = f"at the busiest hour ({hour})" if hour else "at the busiest hour"
    queue = ("so members rarely wait" if likely["p_wait"] < 0.2 else
             f"so the average wait then is about {likely['wait_minutes']:.0f} minutes")
    use = (f"{plural(win['weekly_uses'], 'session')} a week once adopted (P10–P90: "
           f"{win['weekly_uses_p10']:.0f}–{win['weekly_uses_p90']:.0f}); {at} it is busy "
           f"{share(win['utilisation'])} of the time, {queue}.")
    machine = a.candidates.set_index(ID).loc[wid]
    years = int(a.finance.set_index(ID).loc[wid, "years"])
    money_line = (f"{money(win['up_front'], c)} up front and "
                  f"{money(float(machine['annual_maintenance']), c)} a year; {years}-year NPV "
                  f"{money(win['npv'], c, signed=True)} (P10–P90: "
                  f"{money(win['npv_p10'], c, signed=True)} to "
                  f"{money(win['npv_p90'], c, signed=True)}); {share(win['p_npv_positive'])} "
                  f"chance the NPV is positive; payback in {months(win['payback_years'])}; "
                  f"{money(win['cost_per_use'], c)} per use.")
    space = (f"{win['floor_m2']:.1f} m² with clearance, of the {a.params.free_floor_m2:g} m² "
             "free.")
    turn = what_would_change(a)
    change = " ".join(f"{t[0].upper()}{t[1:]}." for t in (turn.weight, turn.input, turn.npv)
                      if t)
    grade = EVIDENCE_WORDS[str(machine["evidence_grade"])]
    evidence = (f"evidence for its back-care claim is {grade} ({machine['evidence_source']}). "
                "Supervision: "
                f"{SUPERVISION_WORDS[str(machine['supervision'])]}. {DISCLAIMER}")
    bullets = [("Who it serves", served), ("Use", use), ("Money", money_line),
               ("Space", space), ("What would change the answer", change),
               ("Evidence and care", evidence)]
    text = lines[0] + "\n\n" + "\n".join(f"- **{k}:** {v}" for k, v in bullets)
    if a.owned_candidates:
        owned = " and the ".join(_name(a, i) for i in a.owned_candidates)
        text += (f"\n\n**Caution:** the club already owns the {owned}: the forecast for "
                 "another unit counts the members who already use the one the club has, so it "
                 "is too high.")
    return text


def demo_banner(analysis: DecisionAnalysis) -> str:
    """A warning line when the data is the synthetic demo club; empty otherwise."""
    return formatting.demo_banner(analysis.data.club.synthetic)


def comparison_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """Every candidate, best first, with its score and the figures behind it (text)."""
    a, c = analysis, analysis.currency
    r = a.ranking
    return pd.DataFrame({
        "Rank": r["rank"].to_numpy(),
        "Score (of 100)": [f"{v * 100:.0f}" for v in r["score"]],
        "Ranks first": [share(v) for v in r["p_best"]],
        "Weekly uses (P10–P90)": [f"{m:.0f} ({lo:.0f}–{hi:.0f})" for m, lo, hi in zip(
            r["weekly_uses"], r["weekly_uses_p10"], r["weekly_uses_p90"], strict=True)],
        "Users with back pain": [f"{v:.0f}" for v in r["back_pain_served"]],
        "NPV (P10 to P90)": [f"{money(m, c, signed=True)} ({money(lo, c, signed=True)} to "
                             f"{money(hi, c, signed=True)})" for m, lo, hi in zip(
                                 r["npv"], r["npv_p10"], r["npv_p90"], strict=True)],
        "NPV > 0": [share(v) for v in r["p_npv_positive"]],
        "Payback": [months(v) for v in r["payback_years"]],
        "Cost per use": [money(v, c) for v in r["cost_per_use"]],
        "Up front": [money(v, c) for v in r["up_front"]],
        "Floor (m²)": [f"{v:.1f}" for v in r["floor_m2"]],
        "TOPSIS (of 100)": [f"{v * 100:.0f}" for v in r["topsis"]],
    }, index=pd.Index([a.names[i] for i in r.index], name="Machine"))


def contribution_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """Points (of 100) each criterion adds to each candidate's score; rows best first."""
    parts = analysis.contributions
    wide = parts.pivot(index="alternative", columns="criterion", values="contribution")
    wide = wide.reindex(index=analysis.ranking.index, columns=analysis.criteria.names)
    wide = (wide * 100).round(1)
    wide["Total"] = wide.sum(axis=1).round(1)
    wide.index = pd.Index([analysis.names[i] for i in wide.index], name="Machine")
    wide.columns = [criterion_label(n) if n in analysis.criteria.names else n
                    for n in wide.columns]
    return wide


def criteria_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """The criteria as decided: direction, unit, weight and meaning (text)."""
    table = analysis.criteria.table()
    return pd.DataFrame({
        "Better when": ["higher" if d == "max" else "lower" for d in table["direction"]],
        "Unit": table["unit"].replace("currency", analysis.currency).to_numpy(),
        "Weight": [share(w) for w in table["weight"]],
        "Meaning": table["meaning"].to_numpy(),
    }, index=pd.Index([criterion_label(n) for n in table["criterion"]], name="Criterion"))


def method_markdown(analysis: DecisionAnalysis) -> str:
    """How the score was made: method, normalisation, weights' origin, AHP consistency."""
    p = analysis.params
    how = {"minmax": "min–max (the worst candidate on a criterion gets 0, the best 1)",
           "vector": "vector (each value divided by the column's Euclidean length)",
           "sum": "sum (each value divided by the column total)",
           "max": "max (each value divided by the column maximum)",
           "fixed": "fixed value scales set by the analyst (value_ranges)"}[p.normalization]
    if p.pairwise:
        ratio = analysis.weights.attrs.get("consistency_ratio", float("nan"))
        flag = " (above 0.10: revisit the judgements)" if ratio > 0.10 else ""
        origin = (f"derived from pairwise comparisons (AHP, {p.ahp_method} method, random "
                  f"index {p.ri_table}); consistency ratio {ratio:.3f}{flag}")
    elif p.weights:
        origin = "set for this decision in the build plan or the notebook's parameters"
    else:
        origin = "the suite's documented defaults"
    sampling = ("the managers' weights in every draw" if p.weight_sampling == "none" else
                f"weights also drawn around the managers' ({p.weight_sampling}, spread "
                f"{p.weight_spread:g})")
    return (f"Score: weighted sum of the criteria after {how} normalisation; weights "
            f"{origin}. TOPSIS (closeness to the ideal, "
            f"{'vector' if p.normalization == 'minmax' else p.normalization} normalisation) "
            f"is shown as a second opinion. \"Ranks first\" is the share of "
            f"{analysis.simulation.n_draws:,} Monte Carlo draws (seed {p.seed}) in which the "
            f"candidate has the highest score, with {sampling}.")


def stability_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """How far each weight can move before the top choice changes (text)."""
    s = analysis.stability

    def beyond(taker: object) -> str:
        return "nothing changes" if pd.isna(taker) else f"the {_name(analysis, taker)}"

    return pd.DataFrame({
        "Weight now": [share(v) for v in s["weight"]],
        "Keeps the answer from": [share(v) for v in s["lower"]],
        "to": [share(v) for v in s["upper"]],
        "Below, first is": [beyond(t) if lo > 0 else "–"
                            for t, lo in zip(s["taker_below"], s["lower"], strict=True)],
        "Above, first is": [beyond(t) if hi < 1 else "–"
                            for t, hi in zip(s["taker_above"], s["upper"], strict=True)],
    }, index=pd.Index([criterion_label(n) for n in s["criterion"]], name="Criterion"))


def portfolio_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """The best sets within the budget and the free floor, best first (text)."""
    p, c = analysis.portfolios, analysis.currency
    what = "Score (of 100)" if p.attrs["objective"] == "score" else "Total NPV"
    values = ([f"{v * 100:.0f}" for v in p["objective"]] if p.attrs["objective"] == "score"
              else [money(v, c, signed=True) for v in p["objective"]])
    return pd.DataFrame({
        "Machines": [", ".join(analysis.names[i] for i in m) for m in p["members"]],
        what: values,
        "Up front": [money(v, c) for v in p["cost"]],
        "Floor (m²)": [f"{v:.1f}" for v in p["floor_m2"]],
    }, index=pd.Index(p["rank"].to_numpy(), name="Rank"))


def portfolio_markdown(analysis: DecisionAnalysis) -> str:
    """One paragraph on the best set: what it holds and what is left."""
    p, c, params = analysis.portfolios, analysis.currency, analysis.params
    limits = (f"a budget of {money(params.budget, c)} and {params.free_floor_m2:g} m² of free "
              f"floor (decision parameters)")
    if p.empty or p.iloc[0]["size"] == 0:
        return f"No candidate fits within {limits}."
    best = p.iloc[0]
    names = ", ".join(in_sentence(analysis.names[i]) for i in best["members"])
    return (f"Within {limits}, the best set is: **{names}**, for "
            f"{money(best['cost'], c)} up front and {best['floor_m2']:.1f} m², leaving "
            f"{money(params.budget - best['cost'], c)} and "
            f"{params.free_floor_m2 - best['floor_m2']:.1f} m². "
            f"{p.attrs['feasible_sets']:,} sets fit; the next best are below. Sets are "
            f"compared on the sum of their machines' "
            f"{'scores' if p.attrs['objective'] == 'score' else 'NPVs'}; costs are "
            f"{COST_LABEL.lower()}.")


def assumptions_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """Every model assumption: value, range, unit and source, or "assumption" (text)."""
    c = analysis.currency
    rows = []
    for a in analysis.data.assumptions.values():
        if a.name in ("about",):
            continue
        unit = a.unit.replace("currency", c)
        source = "assumption" if a.source.strip().lower() in ("", "assumption") else a.source
        where = ("assumptions.yml" + (f", line {a.line}" if a.line else "")
                 if a.origin == "file" else "documented default")
        rows.append({"Assumption": a.meaning[:1].upper() + a.meaning[1:],
                     "Most likely": f"{a.most_likely:g}", "Range": f"{a.low:g} – {a.high:g}",
                     "Unit": unit, "Source": source, "Set in": where, "Name": a.name})
    return pd.DataFrame(rows).set_index("Name")


def ranking_export(analysis: DecisionAnalysis) -> pd.DataFrame:
    """Every candidate, best first, with its figures as numbers: the report's ranking CSV.

    One row per machine (never per member). Money is in the club's currency (named in the
    headers), shares and chances are 0-1, weekly uses are sessions a week at full adoption;
    an empty cell is a figure not defined (a payback not reached within the horizon).
    """
    r, c = analysis.ranking, analysis.currency

    def col(name: str, digits: int) -> list[float | None]:
        return [round(float(v), digits) if math.isfinite(float(v)) else None for v in r[name]]

    return pd.DataFrame({
        "Rank": r["rank"].astype(int).to_numpy(),
        "Machine": [analysis.names[i] for i in r.index],
        "Equipment id": [str(i) for i in r.index],
        "Score (0-1)": col("score", 4),
        "TOPSIS (0-1)": col("topsis", 4),
        "Chance of ranking first (0-1)": col("p_best", 4),
        "Weekly uses, most likely": col("weekly_uses", 1),
        "Weekly uses P10": col("weekly_uses_p10", 1),
        "Weekly uses P50": col("weekly_uses_p50", 1),
        "Weekly uses P90": col("weekly_uses_p90", 1),
        "Users with back pain": col("back_pain_served", 1),
        f"NPV, most likely ({c})": col("npv", 2),
        f"NPV P10 ({c})": col("npv_p10", 2),
        f"NPV P50 ({c})": col("npv_p50", 2),
        f"NPV P90 ({c})": col("npv_p90", 2),
        "Chance NPV > 0 (0-1)": col("p_npv_positive", 4),
        "Payback (years)": col("payback_years", 2),
        f"Cost per use ({c})": col("cost_per_use", 2),
        f"Up front ({c})": col("up_front", 2),
        "Floor (m2)": col("floor_m2", 2),
    })


def assumptions_export(analysis: DecisionAnalysis) -> pd.DataFrame:
    """Every model assumption with its numbers, unit and source: the assumptions CSV."""
    c = analysis.currency
    rows = []
    for a in analysis.data.assumptions.values():
        if a.name in ("about",):
            continue
        rows.append({"Name": a.name, "Meaning": a.meaning, "Most likely": float(a.most_likely),
                     "Low": float(a.low), "High": float(a.high),
                     "Unit": a.unit.replace("currency", c),
                     "Source": "assumption" if a.source.strip().lower() in ("", "assumption")
                     else a.source,
                     "Set in": ("assumptions.yml" + (f", line {a.line}" if a.line else "")
                                if a.origin == "file" else "documented default")})
    return pd.DataFrame(rows, columns=["Name", "Meaning", "Most likely", "Low", "High", "Unit",
                                       "Source", "Set in"])


def cost_figures_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """Each candidate's placeholder figures and what filled them (text)."""
    placeholders = placeholder_figures(analysis.candidates)
    fills = analysis.cost_fills.set_index([ID, "figure"])
    rows = []
    for row in placeholders.itertuples(index=False):
        key = (getattr(row, ID), row.figure)
        basis = (f"assumption {fills.loc[key, 'assumption']}: {fills.loc[key, 'basis']}"
                 if key in fills.index else row.source)
        rows.append({"Machine": analysis.names[getattr(row, ID)],
                     "Figure": row.figure.replace("_", " "), "Basis": basis})
    return pd.DataFrame(rows, columns=["Machine", "Figure", "Basis"]).set_index("Machine")


def calibration_markdown(analysis: DecisionAnalysis) -> str:
    """Which candidates were calibrated on which owned machine, and by what factor."""
    if not analysis.params.calibrate:
        return "Calibration is switched off (parameter calibrate): uptakes are the assumptions."
    if not analysis.calibrations:
        return ("No candidate has a comparable owned machine in the usage log (used by at "
                f"least {MIN_GROUP_SIZE} members), so every forecast uses the documented "
                "uptake assumptions.")
    lines = [f"- {analysis.names[i]}: uptakes × {cal.factor:.2f}, from the usage log of the "
             f"{_name(analysis, cal.comparable)} (the comparable machine the club owns)."
             for i, cal in analysis.calibrations.items()]
    others = [analysis.names[i] for i in analysis.ranking.index
              if i not in analysis.calibrations]
    if others:
        lines.append(f"- Not calibrated (no comparable owned machine used by at least "
                     f"{MIN_GROUP_SIZE} members, or already owned): "
                     f"{', '.join(others)}.")
    return "\n".join(lines)


def data_quality_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """What was loaded, missing, defaulted and suppressed (text, one row per item)."""
    data, params = analysis.data, analysis.params
    rows = [{"Item": "Files read", "Detail": ", ".join(data.check.checked)}]
    rows.append({"Item": "Members in the roster",
                 "Detail": f"{len(data.members):,} ("
                 + count_text(analysis.audience.iloc[0]["members"])
                 + " active on the roster date)"})
    if data.check.missing_optional:
        rows.append({"Item": "Not provided (defaults used)",
                     "Detail": ", ".join(data.check.missing_optional)})
    defaults = [a.name for a in data.assumptions.values() if a.origin != "file"]
    if defaults:
        rows.append({"Item": "Assumptions at their documented default",
                     "Detail": ", ".join(defaults)})
    placeholders = placeholder_figures(analysis.candidates)
    if len(placeholders):
        rows.append({"Item": "Placeholder cost figures", "Detail": (
            f"{len(placeholders)} figures of {placeholders[ID].nunique()} candidates are "
            "placeholders (see the cost figures table): replace them with quotes")})
    unknown_birth = int(data.members["birth_year"].isna().sum())
    if unknown_birth:
        rows.append({"Item": "No year of birth",
                     "Detail": count_text(unknown_birth if unknown_birth >= params.min_group_size
                                      else np.nan)
                     + " members: counted with the average rate of their sex"})
    rows.append({"Item": "Warnings from the data check",
                 "Detail": f"{len(data.check.warnings)} (list them with: evaluate validate)"})
    rows.append({"Item": "Privacy", "Detail": (
        PRIVACY_NOTE.format(size=params.min_group_size)
        + " No member-level data appears in this report.")})
    return pd.DataFrame(rows).set_index("Item")


def evidence_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """For each candidate: evidence grade and basis, supervision, and the catalogue's note."""
    rows = []
    for i in analysis.ranking.index:
        m = analysis.candidates.set_index(ID).loc[i]
        note = m["notes"] if isinstance(m["notes"], str) else ""
        rows.append({"Machine": analysis.names[i],
                     "Evidence for back care": EVIDENCE_WORDS[str(m["evidence_grade"])],
                     "What the evidence is": m["evidence_source"],
                     "Supervision": SUPERVISION_WORDS[str(m["supervision"])],
                     "Note": note})
    return pd.DataFrame(rows).set_index("Machine")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def provenance_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """The data files behind the report with their size and sha256 (first 16 hex digits)."""
    from evaluate.paths import REFERENCE_DATA_DIR

    files = sorted(p for p in analysis.data.data_dir.iterdir() if p.is_file()
                   and not p.name.startswith("."))
    files += sorted(p for p in REFERENCE_DATA_DIR.glob("*.csv"))
    return pd.DataFrame({"Size (kB)": [f"{p.stat().st_size / 1024:,.0f}" for p in files],
                         "sha256": [_sha256(p)[:16] for p in files]},
                        index=pd.Index([f"{p.parent.name}/{p.name}" for p in files],
                                       name="File"))


def provenance_markdown(analysis: DecisionAnalysis) -> str:
    """Suite version, club, roster date, draws and seed: what reproduces these numbers."""
    from evaluate import __version__
    from evaluate.model.segments import as_of_day

    day = as_of_day(analysis.data.members, analysis.params.as_of or None)
    return (f"Club: {analysis.data.club.name}. Roster date: {day:%Y-%m-%d}. Suite "
            f"club-equipment-suite {__version__}. Monte Carlo: {analysis.simulation.n_draws:,} "
            f"draws, {analysis.simulation.method}, seed {analysis.simulation.seed}: the same "
            "data, parameters and seed give the same numbers. The build's date, id and the "
            "hash of every input are in the page footer and the build's build.json.")


def priors_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """Where the back-pain model used a prior instead of the club's data (text).

    Each row counts the active members a prior touches, as text: "not shown" where
    that group, or the active members outside it (the total is printed beside it), holds
    1 to ``min_group_size - 1`` members. The row of every active member shows their number,
    as the data-quality table does.
    """
    from evaluate.model.segments import active_mask, as_of_day
    from evaluate.reports.privacy import shown_split

    members, g = analysis.data.members, analysis.params.min_group_size
    as_of = analysis.params.as_of or None
    priors = exposure_priors(members, as_of=as_of)
    keep = [c for c in ("item", "members", "note") if c in priors.columns]
    table = priors[keep].set_index("item")
    total = int(active_mask(members, as_of_day(members, as_of)).sum())
    table["members"] = [count_text(n if n == total or shown_split(int(n), total, g) else np.nan)
                        for n in table["members"]]
    return table


def _band(row: pd.Series, prefix: str) -> dict[str, float | None]:
    return {p: _finite(row[f"{prefix}_{p}"]) for p in ("p10", "p50", "p90")}


def _finite(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def summary_fields(analysis: DecisionAnalysis) -> dict[str, object]:
    """The decision's ``summary.json`` fields (schema: :mod:`evaluate.reports.summary_schema`)."""
    a, c = analysis, analysis.currency
    candidates = {}
    for i, row in a.ranking.iterrows():
        candidates[str(i)] = {
            "name": a.names[str(i)], "rank": int(row["rank"]), "score": float(row["score"]),
            "topsis": float(row["topsis"]), "p_best": float(row["p_best"]),
            "p_npv_positive": float(row["p_npv_positive"]),
            "weekly_uses": _band(row, "weekly_uses"), "npv": _band(row, "npv"),
            "back_pain_served": float(row["back_pain_served"]),
            "payback_years": _finite(row["payback_years"]),
            "cost_per_use": _finite(row["cost_per_use"]),
            "up_front": float(row["up_front"]), "floor_m2": float(row["floor_m2"])}
    win = a.ranking.iloc[0]
    best = a.portfolios.iloc[0] if len(a.portfolios) else None
    return {
        "kind": "decision",
        "club": a.data.club.name,
        "recommendation": a.recommendation,
        "currency": c,
        "draws": a.simulation.n_draws, "seed": a.simulation.seed,
        "method": "weighted_sum", "normalization": a.params.normalization,
        "weights": {k: float(v) for k, v in a.weights.items()},
        "candidates": candidates,
        "best_set": None if best is None else {
            "members": list(best["members"]), "cost": float(best["cost"]),
            "floor_m2": float(best["floor_m2"])},
        "headline": (f"{lead(a)} {in_sentence(a.names[a.recommendation])}: it ranks first in "
                     f"{share(win['p_best'])} of {a.simulation.n_draws:,} simulated futures."),
        "key_figures": [
            {"label": "Weekly uses (P10–P90)",
             "text": f"{win['weekly_uses']:.0f} ({win['weekly_uses_p10']:.0f}–"
                     f"{win['weekly_uses_p90']:.0f})"},
            {"label": "NPV (P10 to P90)",
             "text": f"{money(win['npv'], c, signed=True)} "
                     f"({money(win['npv_p10'], c, signed=True)} to "
                     f"{money(win['npv_p90'], c, signed=True)})"},
            {"label": "Chance NPV > 0", "text": share(win["p_npv_positive"])},
            {"label": "Up front", "text": money(win["up_front"], c)},
            {"label": "Cost per use", "text": money(win["cost_per_use"], c)},
        ],
    }


def exposure_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """Active members and expected members with back pain by age band and sex (suppressed).

    For :func:`evaluate.reports.decision.charts.exposure_pyramid_chart`.
    """
    from evaluate.model.exposure import ExposureParameters, exposure_by_segment
    from evaluate.reports.member_profile import age_sex_table, aggregate_exposure, select_members

    data, params = analysis.data, analysis.params
    as_of = params.as_of or None
    chosen = select_members(data.members, "active", as_of)
    segments = exposure_by_segment(data.members, ExposureParameters.load(data.assumptions),
                                   as_of=as_of)
    return aggregate_exposure(age_sex_table(chosen, params.min_group_size), segments)


def audience_display(analysis: DecisionAnalysis) -> pd.DataFrame:
    """The recommended machine's audience by member group, as text (groups overlap)."""
    table = analysis.audience
    name = analysis.names[analysis.recommendation]
    return pd.DataFrame({
        "Members": [count_text(v) for v in table["members"]],
        "Likely with back pain now": [count_text(v) for v in table["with_back_pain"]],
        f"Regular users of the {in_sentence(name)}": [count_text(v) for v in table["users"]],
        "of whom with back pain": [count_text(v) for v in table["users_with_back_pain"]],
    }, index=pd.Index(table["group"].to_numpy(), name="Group (they overlap)"))


def sources_display() -> pd.DataFrame:
    """The published sources behind the reference data, with their reliability grade."""
    from evaluate.data.reference import sources_table

    table = sources_table()
    return pd.DataFrame({"Reliability": table["reliability"].astype(str).to_numpy(),
                         "Link": table["url"].to_numpy(),
                         "Used in": table["tables"].to_numpy()},
                        index=pd.Index(table["source"].to_numpy(), name="Source"))


def care_markdown() -> str:
    """The medical disclaimer and the model's stated limitations."""
    limits = "\n".join(f"- {text}" for text in LIMITATIONS)
    return f"**{DISCLAIMER}**\n\nLimits of this analysis:\n\n{limits}"
