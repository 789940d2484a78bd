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
from datetime import date
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from evaluate.data.equipment import ID, placeholder_figures
from evaluate.mcda.criteria import pairwise_matrix
from evaluate.mcda.portfolio import MAX_JOINT_SETS
from evaluate.mcda.scoring import CR_THRESHOLD, judgements_to_revisit
from evaluate.model.exposure import exposure_priors
from evaluate.model.finance import ASSUMED, BENEFIT_ITEMS
from evaluate.model.prepared import DEMAND_ERROR_PREFIX, DEMAND_ERROR_UNIT
from evaluate.model.segments import as_of_day
from evaluate.reports import formatting
from evaluate.reports.decision import information as voi
from evaluate.reports.decision.analysis import COST_LABEL, DecisionAnalysis, criterion_label
from evaluate.reports.decision.benefits import money_split_for
from evaluate.reports.decision.matrix import NOTHING as NOTHING_ID
from evaluate.reports.decision.matrix import NOTHING_LABEL
from evaluate.reports.formatting import (
    DISCLAIMER,
    EVIDENCE_WORDS,
    INPUT_LABELS,
    PRIVACY_NOTE,
    SUPERVISION_WORDS,
    count_phrase,
    count_text,
    in_sentence,
    joined,
    markdown_text,
    money,
    months,
    number,
    peak_load,
    peak_note,
    plural,
    share,
    tied_with_first,
)
from evaluate.reports.privacy import MIN_GROUP_SIZE, private_machines, shown_group

LIMITATIONS = (
    "Uncertain inputs are drawn independently: no correlations between them are modelled.",
    "How far members would use a machine the club owns instead of a new one (substitution) is "
    "an assumption drawn from 0 to 1 until a usage review measures it; it decides how many "
    "members a machine adds.",
    "Scores are relative to the candidates compared: adding or removing a candidate can "
    "change them (rank reversal) unless the normalisation is 'fixed'.",
)


#: A chance at or above which the first screen calls an outcome likely: two in three, the
#: "likely" of the calibrated uncertainty language of the IPCC's guidance note (Mastrandrea et
#: al. 2010, "likely" = 66-100%). Buying nothing is about as good as a machine, on the scores,
#: when the machine is not likely to score above it (:func:`nothing_as_good`): in one future of
#: three or more it scores lower than keeping the money and the floor.
LIKELY = 2 / 3
#: The IPCC guidance's "very likely" (90-100%). On money, buying nothing is about as good as a
#: machine when its NPV counting measured and published benefit items only is not likely
#: positive (:data:`LIKELY`) and its NPV with every item is not very likely positive: a benefit
#: that rests on judgement alone is the kind appraisals overstate (HM Treasury, The Green Book,
#: supplementary guidance on optimism bias), so money that rests on it has to be very likely to
#: pay, not just likely, before it tells a machine apart from keeping the money.
VERY_LIKELY = 0.9
#: A machine adds few users when those it adds to the club as it is are fewer than this share
#: of its own regular users: most of its users would use a machine the club owns anyway.
FEW_ADDED = 0.5
#: Each benefit item as a sentence names it.
ITEM_WORDS = {"retention": "retention", "trainer_sessions": "trainer sessions",
              "new_joins": "new joins"}


def _name(analysis: DecisionAnalysis, equipment_id: object) -> str:
    if equipment_id is None or pd.isna(equipment_id):
        return ""
    return in_sentence(analysis.names.get(str(equipment_id), str(equipment_id)))


def _subject(analysis: DecisionAnalysis, equipment_id: object) -> str:
    """An option as the subject of a sentence: "the reverse hyperextension", "buying nothing"."""
    if equipment_id == NOTHING_ID:
        return "buying nothing"
    return f"the {_name(analysis, equipment_id)}"


def points(score: float) -> str:
    """A weighted-sum score (0-1) as the report prints it: points of 100, whole."""
    return number(score * 100, ".0f")


def leaders(analysis: DecisionAnalysis) -> list[str]:
    """The candidates tied with the first screen's machine, best first; one id when alone.

    Tied means the same score as the report prints it (:func:`points`) or within rounding
    (:func:`evaluate.reports.formatting.tied_with_first`). When some candidate fits the
    budget and the floor, only those that fit are compared (:attr:`DecisionAnalysis.fits`).
    """
    ranking = analysis.ranking
    pool = ranking[analysis.fits] if analysis.choice is not None else ranking
    scores = pool["score"]
    return [str(i) for i in scores.index[:tied_with_first(scores.to_numpy(float), points)]]


def _together(analysis: DecisionAnalysis, ids: list[str]) -> str:
    """Machines named together in a sentence: "the reverse hyperextension and the rower"."""
    return joined([f"the {_name(analysis, i)}" for i in ids])


def _tie(analysis: DecisionAnalysis, ids: list[str]) -> str:
    """A tie in words: "The reverse hyperextension and the rower score the same (62 of 100)"."""
    both = _together(analysis, ids)
    score = points(float(analysis.ranking.loc[ids[0], "score"]))
    return f"{both[0].upper()}{both[1:]} score the same ({score} of 100)"
def roster_day(analysis: DecisionAnalysis) -> pd.Timestamp:
    """The day of the report's ages and member counts: ``as_of``, else the roster date."""
    return as_of_day(analysis.data, analysis.params.as_of)


def roster_notice(analysis: DecisionAnalysis, today: date | None = None) -> str:
    """A warning line (Markdown) for the first screen when the roster date is far from today.

    See :func:`evaluate.reports.formatting.roster_date_notice`; empty otherwise.
    """
    return formatting.roster_date_notice(roster_day(analysis),
                                         as_of_set=bool(analysis.params.as_of), today=today)


def assumption_label(analysis: DecisionAnalysis, name: str) -> str:
    """An input's plain name (:data:`INPUT_LABELS`, else its meaning to the first comma)."""
    if name.startswith("price"):
        inside = name[name.find("(") + 1: name.rfind(")")] if "(" in name else ""
        return f"the price of the {_name(analysis, inside)}" if inside else "the price"
    if name.startswith(DEMAND_ERROR_PREFIX):  # one candidate's model error
        return f"the use of the {_name(analysis, name[len(DEMAND_ERROR_PREFIX):])}"
    if name in INPUT_LABELS:
        return INPUT_LABELS[name]
    assumption = analysis.data.assumptions.get(name)
    if assumption is None:
        return name.replace("_", " ")
    return assumption.meaning.split(",")[0].split(" (")[0]


def _value(value: float, unit: str, currency: str) -> str:
    if unit == DEMAND_ERROR_UNIT:
        return f"{number(value, '.2g')} times the forecast"
    if unit.startswith("currency"):
        return money(value, currency) + unit[len("currency"):].replace("/", " per ")
    if unit in ("fraction", "fraction/year"):
        return share(value) + (" a year" if unit.endswith("year") else "")
    return f"{number(value, 'g')} {unit}"


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
                    f" (now {share(row.weight)}) {_subject(analysis, taker)} ranks first")
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
    """How the answer opens: "Buy the", unless the machine more likely loses money.

    Nor when buying nothing is about as good on the scores (:func:`nothing_as_good`).

    The machine is :attr:`~DecisionAnalysis.featured`; "The best-scoring machine that fits is
    the" when the best-scoring one does not fit the budget and the floor.
    """
    a = analysis
    likely_positive = a.ranking.loc[a.featured, "p_npv_positive"] >= 0.5
    fits = " that fits" if a.choice is not None and a.choice != a.recommendation else ""
    buy = likely_positive and not nothing_as_good(a).on_scores
    return "Buy the" if buy else f"The best-scoring machine{fits} is the"


def limits_phrase(analysis: DecisionAnalysis) -> str:
    """The decision's limits: "the budget of $5,000 and 12 m² of free floor"."""
    p = analysis.params
    return (f"the budget of {money(p.budget, analysis.currency)} and "
            f"{number(p.free_floor_m2, 'g')} m² of free floor")


def _area(value: float, limit: float) -> str:
    """An area to one decimal, or two where one would hide which side of ``limit`` it is."""
    digits = 1 if (round(value, 1) > limit) == (value > limit) else 2
    return number(value, f".{digits}f")


def _enough(value: float, currency: str | None = None) -> str:
    """A limit that is enough for ``value``: money or m², rounded up, never down."""
    if currency is None:
        return number(math.ceil(value * 100 - 1e-6) / 100, "g")
    return money(math.ceil(value * 100 - 1e-6) / 100 if abs(value) < 10
                 else math.ceil(value - 1e-9), currency)


def _needs(analysis: DecisionAnalysis, equipment_id: str) -> str:
    """"needs $814 and 4.32 m²": what a machine's cost and floor area ask of the limits."""
    row = analysis.ranking.loc[equipment_id]
    return (f"needs {_enough(row['up_front'], analysis.currency)} and "
            f"{_enough(row['floor_m2'])} m²")


def shortfall(analysis: DecisionAnalysis, equipment_id: str) -> str:
    """What keeps a machine out: "needs 4.32 m² of floor, more than the 4.25 m² free".

    Empty when it fits.
    """
    row, p, c = analysis.ranking.loc[equipment_id], analysis.params, analysis.currency
    over_budget = row["up_front"] > p.budget and not analysis.fits[equipment_id]
    over_floor = row["floor_m2"] > p.free_floor_m2 and not analysis.fits[equipment_id]
    parts = []
    if over_budget:
        parts.append(f"costs {money(row['up_front'], c)} up front, over the budget of "
                     f"{money(p.budget, c)}")
    if over_floor:
        parts.append(f"needs {_enough(row['floor_m2'])} m² of floor, more than the "
                     f"{number(p.free_floor_m2, 'g')} m² free")
    return " and ".join(parts)


def nothing_fits_text(analysis: DecisionAnalysis) -> str:
    """Why no candidate fits, and what would: the cheapest's and the best-scoring's needs.

    "No candidate fits the budget of $0 and 12 m² of free floor: the cheapest, the reverse
    hyperextension, needs $814 and 4.3 m²; ...". The smallest machine is named too when the
    floor is too small for the cheapest. One sentence without its full stop.
    """
    a = analysis
    r, free = a.ranking, a.params.free_floor_m2
    cheapest = str(r.index[np.argmin(r["up_front"].to_numpy(float))])  # ties: better score
    smallest = str(r.index[np.argmin(r["floor_m2"].to_numpy(float))])
    roles: dict[str, list[str]] = {cheapest: ["cheapest"]}
    if r.loc[cheapest, "floor_m2"] > free:
        roles.setdefault(smallest, []).append("smallest")
    roles.setdefault(a.recommendation, []).append("best-scoring")
    needs = "; ".join(f"the {' and '.join(words)}, the {_name(a, i)}, {_needs(a, i)}"
                      for i, words in roles.items())
    return f"No candidate fits {limits_phrase(a)}: {needs}"


def judgements_to_revisit_as_given(analysis: DecisionAnalysis
                                    ) -> list[tuple[str, str, float, float]]:
    """The AHP judgements to revisit first, each the way round the manager gave it.

    ``(criterion, other, judgement, implied)``: ``criterion`` was judged ``judgement`` times as
    important as ``other``; the judgements as a whole imply ``implied``
    (:func:`~evaluate.mcda.scoring.judgements_to_revisit`). Empty when the weights are not
    from AHP or the judgements are consistent.
    """
    ahp, p = analysis.weights.attrs.get("ahp"), analysis.params
    if ahp is None or not ahp.inconsistent:
        return []
    found = []
    for row in judgements_to_revisit(pairwise_matrix(p.pairwise), p.ri_table).itertuples():
        pair = (str(row.criterion), str(row.other), float(row.judgement), float(row.implied))
        if pair[1] in p.pairwise and pair[0] in p.pairwise[pair[1]]:  # given the other way
            pair = (pair[1], pair[0], 1 / pair[2], 1 / pair[3])
        found.append(pair)
    return found


def judgements_warning(analysis: DecisionAnalysis) -> str:
    """The first screen's warning when the AHP judgements contradict each other, else "".

    Above Saaty's consistency ratio of 0.10 (:data:`~evaluate.mcda.scoring.CR_THRESHOLD`),
    it names the judgements to revisit first (:func:`judgements_to_revisit_as_given`), with
    what the manager gave and the ratio the whole set of judgements implies.
    """
    revisit = judgements_to_revisit_as_given(analysis)
    if not revisit:
        return ""
    pairs = []
    for k, (first, second, given, implied) in enumerate(revisit):
        times = "" if _ratio(given).startswith("1/") else " times"
        what = (f"you judged it {_ratio(given)}{times} as important; all your judgements "
                f"together imply about {number(implied, '.2g')}" if k == 0
                else f"you judged {_ratio(given)}; about {number(implied, '.2g')}")
        pairs.append(f"{criterion_label(first).lower()} vs {criterion_label(second).lower()} "
                     f"({what})")
    listed = ", ".join(pairs[:-1]) + (" and " if len(pairs) > 1 else "") + pairs[-1]
    ratio = analysis.weights.attrs["ahp"].consistency_ratio
    return (f"**Your pairwise judgements contradict each other** (consistency ratio "
            f"{number(ratio, '.2f')}, above {number(CR_THRESHOLD, '.2f')}): revisit {listed}. "
            "The answer below rests on them.")


def _ratio(value: float) -> str:
    """A judgement as given: "5", "1/3", "2.5"."""
    if value >= 1 or not math.isclose(1 / value, round(1 / value), rel_tol=1e-3):
        return number(value, ".3g")
    return f"1/{round(1 / value)}"


def _amount(value: float, word: str) -> str:
    """A count a year that may be a fraction: "0.8 members", "1.7 packages", "12 members"."""
    text = number(value, ".1f" if abs(value) < 10 else ",.0f")
    return f"{text} {word if text == '1' else word + 's'}"


@dataclass(frozen=True)
class NothingAsGood:
    """Whether buying nothing is about as good as a machine, and why (see :func:`nothing_as_good`).

    ``on_scores``: the machine scores above buying nothing in fewer than :data:`LIKELY` of the
    draws; ``on_money``: its NPV counting measured and published items only is positive in
    fewer than :data:`LIKELY` of them and with every item in fewer than :data:`VERY_LIKELY`.
    ``reasons``: why, in words (its benefits rest on assumptions; it adds few users).
    """

    on_scores: bool
    on_money: bool
    reasons: tuple[str, ...]

    def __bool__(self) -> bool:
        """True when buying nothing is about as good on the scores or on money."""
        return self.on_scores or self.on_money


def p_sourced(analysis: DecisionAnalysis) -> pd.Series:
    """Each candidate's chance (0-1) of a positive NPV counting measured and published items.

    The Monte Carlo's ``p_npv_positive_sourced``, by equipment_id.
    """
    return analysis.simulation.summary.set_index(ID)["p_npv_positive_sourced"]


def _assumed_share(analysis: DecisionAnalysis, equipment_id: str) -> float:
    """The share (0-1) of a machine's benefit (present value) that rests on assumptions."""
    row = analysis.finance.set_index(ID).loc[equipment_id]
    total = sum(max(float(row[f"pv_{i}"]), 0.0) for i in BENEFIT_ITEMS)
    assumed = sum(max(float(row[f"pv_{i}"]), 0.0) for i in BENEFIT_ITEMS
                  if row[f"basis_{i}"] == ASSUMED)
    return assumed / total if total > 0 else 0.0


def _likely_users(analysis: DecisionAnalysis, equipment_id: str) -> pd.Series:
    forecast = analysis.forecast
    return forecast[(forecast[ID] == equipment_id)
                    & (forecast["scenario"].astype(str) == "most_likely")].iloc[0]


def nothing_as_good(analysis: DecisionAnalysis, equipment_id: str | None = None
                    ) -> NothingAsGood:
    """Whether buying nothing is about as good as a machine (default the first screen's).

    On the scores: the machine scores above buying nothing in fewer than :data:`LIKELY` of
    the Monte Carlo's draws (:attr:`DecisionAnalysis.p_beats_nothing`). On money: its NPV
    counting measured and published benefit items only is positive in fewer than
    :data:`LIKELY` of the draws, and its NPV with every item in fewer than
    :data:`VERY_LIKELY`. The reasons, when it is: all (or most) of its benefit rests on
    assumptions; it adds few users beside the machines the club owns (:data:`FEW_ADDED`).
    """
    a = analysis
    wid = equipment_id or a.featured
    on_scores = bool(a.p_beats_nothing[wid] < LIKELY)
    on_money = bool(p_sourced(a)[wid] < LIKELY
                    and a.ranking.loc[wid, "p_npv_positive"] < VERY_LIKELY)
    reasons = []
    if on_scores or on_money:
        assumed = _assumed_share(a, wid)
        if assumed >= 1:
            reasons.append("its benefits rest on assumptions")
        elif assumed > 0.5:
            reasons.append(f"{share(assumed)} of its benefit rests on assumptions")
        likely = _likely_users(a, wid)
        if likely["added_users"] < FEW_ADDED * likely["regular_users"]:
            reasons.append("it adds few users: most of its "
                           f"{plural(likely['regular_users'], 'regular user')} would use a "
                           "machine the club owns anyway")
    return NothingAsGood(on_scores, on_money, tuple(reasons))


def nothing_as_good_text(analysis: DecisionAnalysis) -> str:
    """The first screen's words on buying nothing: about as good as its machine, and why.

    Otherwise how often the machine scores above buying nothing, and both scores.
    """
    a = analysis
    wid = a.featured
    verdict = nothing_as_good(a)
    score, nothing = float(a.ranking.loc[wid, "score"]), a.nothing_score
    futures = "the simulated futures"
    if not verdict:
        return (f"It scores above buying nothing in {share(a.p_beats_nothing[wid])} of "
                f"{futures} ({points(score)} of 100 against {points(nothing)}).")
    p_all, p_evidence = a.ranking.loc[wid, "p_npv_positive"], p_sourced(a)[wid]
    lead_words = ("on money alone, buying nothing is the safer choice" if p_all < 0.5 else
                  "on money, buying nothing is about as good")
    money_words = (f"{lead_words}: its NPV is positive in only {share(p_all)} of {futures} "
                   f"with every benefit item, and in {share(p_evidence)} counting measured and "
                   "published items only")
    if not verdict.on_scores:
        text = money_words[0].upper() + money_words[1:]
    else:
        text = (f"Buying nothing scores {'higher' if nothing > score else 'as high'} "
                f"({points(nothing)} of 100 against its {points(score)})" if nothing >= score
                else f"Buying nothing is about as good: it scores above buying nothing in only "
                     f"{share(a.p_beats_nothing[wid])} of {futures} ({points(score)} of 100 "
                     f"against {points(nothing)})")
        if verdict.on_money:
            text += f"; {money_words.replace(f' of {futures}', '')}"
    why = f"; {joined(verdict.reasons)}" if verdict.reasons else ""
    return f"{text}{why}."


def break_even_text(analysis: DecisionAnalysis) -> str:
    """What the first screen's machine must do to pay for itself, beside what the model assumes.

    "It pays for itself if it keeps 0.8 members a year who would otherwise leave (or wins 0.8
    new ones), or sells 1.7 trainer packages a year (21 sessions each); the model assumes that,
    once adopted, it keeps 0.6 members a year and sells 0.9 trainer packages a year, from
    about 40 users it adds beside the machines the club owns." The break-even is
    :func:`evaluate.model.finance.finance_core`'s (members a year kept or won; packages of
    ``trainer_sessions_per_buyer_year`` sessions a year), at the most-likely values. What the
    model assumes at full adoption is
    :func:`evaluate.reports.decision.benefits.money_split`'s (members kept a year = the users
    it adds × their own cancellation rate × ``churn_reduction_users``; packages a year = the
    back-pain users it adds × ``trainer_led_share`` × (1 - ``pt_user_share``)), with the new
    joins credited to it.
    """
    a = analysis
    wid = a.featured
    row = a.finance.set_index(ID).loc[wid]
    members, packages = float(row["break_even_members"]), float(row["break_even_packages"])
    sessions = plural(a.data.assumptions["trainer_sessions_per_buyer_year"].most_likely,
                      "session")
    if members == 0 or packages == 0:
        pays = ("It pays for itself without keeping or selling anything: its salvage covers "
                "its costs")
    else:
        ways = []
        if math.isfinite(members):
            ways.append(f"keeps {_amount(members, 'member')} a year who would otherwise leave "
                        f"(or wins {_amount(members, 'new one')})")
        if math.isfinite(packages):
            ways.append(f"sells {_amount(packages, 'trainer package')} a year ({sessions} "
                        "each)")
        pays = (f"It pays for itself if it {', or '.join(ways)}" if ways else
                "No member kept and no trainer package sold pays for it")
    likely = _likely_users(a, wid)
    split = money_split_for(a).set_index(ID).loc[wid]
    kept, sold = float(split["members_kept"]), float(split["packages_sold"])
    gains = [f"keeps {_amount(kept, 'member')} a year",
             f"sells {_amount(sold, 'trainer package')} a year"]
    if row["new_joins_per_year"] > 0:
        gains.append(f"wins {_amount(float(row['new_joins_per_year']), 'new member')} a year")
    owns = bool((a.data.equipment["owned_units"] > 0).any())
    beside = " beside the machines the club owns" if owns else ""
    return (f"{pays}; the model assumes that, once adopted, it {joined(gains)}, from about "
            f"{plural(likely['added_users'], 'user')} it adds{beside}")


def benefits_text(analysis: DecisionAnalysis) -> str:
    """Which benefit items carry the first screen's machine's NPV, with each one's basis.

    "All of its benefit rests on assumptions: retention $2,762 and trainer sessions $1,997
    (present values, against $3,574 of costs)"; items measured or published are named with
    their basis (:func:`evaluate.model.finance.benefit_basis`).
    """
    a, c = analysis, analysis.currency
    row = a.finance.set_index(ID).loc[a.featured]
    items = [(ITEM_WORDS[i], float(row[f"pv_{i}"]), str(row[f"basis_{i}"]))
             for i in BENEFIT_ITEMS if row[f"pv_{i}"] > 0]
    costs = f"against {money(row['pv_costs'], c)} of costs"
    if not items:
        return f"It has no benefit to count: its NPV is the present value of its costs ({costs})"
    assumed = [f"{w} {money(v, c)}" for w, v, b in items if b == ASSUMED]
    sourced = [f"{w} {money(v, c)} ({b})" for w, v, b in items if b != ASSUMED]
    if not sourced:
        return (f"All of its benefit rests on assumptions: {joined(assumed)} (present values, "
                f"{costs})")
    if not assumed:
        return (f"All of its benefit is measured or published: {joined(sourced)} (present "
                f"values, {costs})")
    return (f"Of its benefit, {joined(sourced)} is measured or published and "
            f"{joined(assumed)} rests on assumptions (present values, {costs})")


def _rival(analysis: DecisionAnalysis) -> str:
    """Who else ranks first, buying nothing counted: " (buying nothing in 4%; no other ...)"."""
    a = analysis
    others = a.ranking["p_best"].drop(a.recommendation)
    tied = leaders(a)
    second = f"; the {_name(a, a.runner_up)} scores second" if len(tied) == 1 else ""
    nothing = f"buying nothing in {share(a.p_nothing_first)}"
    if a.runner_up is None or others.max() < 0.01:
        return f" ({nothing}; no other machine in more than 1% of them)"
    return f" (the {_name(a, others.idxmax())} in {share(others.max())}, {nothing}{second})"


def _opening(analysis: DecisionAnalysis) -> str:
    """The first screen's answer: what to buy within the limits, or that nothing fits.

    Then how sure (buying nothing counted among the rivals), the break-even beside what the
    model assumes (:func:`break_even_text`), which benefit items carry the NPV
    (:func:`benefits_text`) and how it compares with buying nothing: about as good, and why,
    when it is (:func:`nothing_as_good_text`).
    """
    a = analysis
    wid = a.featured
    draws = a.simulation.n_draws
    tied = leaders(a)
    first = (f"ranks first in {share(a.ranking.loc[a.recommendation, 'p_best'])} of "
             f"{number(draws, ',')} simulated futures{_rival(a)}")
    figures = f"the figures below are the {_name(a, wid)}'s, the first in the comparison table"
    if a.choice is None:
        bold = nothing_fits_text(a)
        rest = (f"With more budget or floor, the best-scoring machine is the {_name(a, wid)}: "
                f"it {first}." if len(tied) == 1 else
                f"With more budget or floor: {_tie(a, tied)}; {figures}; it {first}.")
    elif a.choice == a.recommendation:
        if len(tied) > 1:  # the scores cannot choose: say so, and whose figures follow
            bold, rest = _tie(a, tied), f"{figures[0].upper()}{figures[1:]}; it {first}."
        else:
            bold, rest = f"{lead(a)} {in_sentence(a.names[wid])}", f"It {first}."
    else:
        bold = f"{lead(a)} {in_sentence(a.names[wid])}"
        rest = (f"Of the candidates that fit {limits_phrase(a)}, it scores highest. The "
                f"best-scoring machine, the {_name(a, a.recommendation)}, does not fit: it "
                f"{shortfall(a, a.recommendation)}.")
        if len(tied) > 1:
            rest += f" Of those that fit, {_tie(a, tied)[0].lower()}{_tie(a, tied)[1:]}."
    rest += f" {break_even_text(a)}. {benefits_text(a)}."
    rest += f" {nothing_as_good_text(a)}"
    return f"**{markdown_text(bold)}.** {markdown_text(rest)}"


def _limits_turning(analysis: DecisionAnalysis) -> str:
    """What would let the best-scoring machine in, when it does not fit."""
    a, p, c = analysis, analysis.params, analysis.currency
    row = a.ranking.loc[a.recommendation]
    needed = []
    if row["up_front"] > p.budget:
        needed.append(f"a budget of {_enough(row['up_front'], c)}")
    if row["floor_m2"] > p.free_floor_m2:
        needed.append(f"{_enough(row['floor_m2'])} m² of free floor")
    return (f"with {' and '.join(needed)}, the {_name(a, a.recommendation)} would fit, and "
            "it scores highest")


def headline_markdown(analysis: DecisionAnalysis) -> str:
    """The first screen: what to buy, how sure, who it serves, use, money, space, risks.

    What to buy is :attr:`~DecisionAnalysis.choice`, the best-scoring candidate within the
    budget and the free floor; when none fits, the first screen says so, what the cheapest
    and the best-scoring machines need, and describes the best-scoring one. Candidates that
    score the same are called a tie (:func:`leaders`). Above a consistency ratio of 0.10, a
    warning that the AHP judgements contradict each other comes first
    (:func:`judgements_warning`). When the model's forecasts have not beaten the naive
    forecast at this club, the use bullet says so (:func:`backtest_warning`).
    """
    a, c, p = analysis, analysis.currency, analysis.params
    wid = a.featured
    win = a.ranking.loc[wid]
    fits = bool(a.fits[wid])
    tied = leaders(a)
    groups = a.audience.set_index("group")
    active = groups.loc["All active members"]
    unrecorded = a.audience.attrs.get("not_recorded", [])

    def group(name: str, phrase: str, unknown: str) -> str:
        if name in unrecorded:
            return unknown
        return count_phrase(groups.loc[name, "members"], phrase)

    served = (f"Of your {count_phrase(active['members'], 'active members')}, about "
              f"{count_phrase(active['with_back_pain'], 'likely had back pain')} in the "
              "last three months; "
              + group("Desk workers", "work at desks",
                      "the roster does not record who works at a desk")
              + "; "
              + group("Train for strength or sport", "train for strength or sport",
                      "it does not record training goals (such as strength or sport)")
              + (" (the squat and deadlift)"
                 if "Train for strength or sport" not in unrecorded else "")
              + ". ")
    served += (f"It would draw about {plural(win['back_pain_served'], 'regular user')} with "
               "back pain"
               f" (most likely).")
    likely = a.forecast[(a.forecast[ID] == wid)
                        & (a.forecast["scenario"].astype(str) == "most_likely")].iloc[0]
    hour = a.forecast.attrs.get("peak_hour")
    at = f"at the busiest hour ({hour})" if hour else "at the busiest hour"
    load = peak_load(win["utilisation"], likely["p_wait"], likely["wait_minutes"])
    use = (f"{plural(win['weekly_uses'], 'session')} a week once adopted (P10–P90: "
           f"{number(win['weekly_uses_p10'], '.0f')}–{number(win['weekly_uses_p90'], '.0f')}"
           f"); {at} {load}.")
    note = peak_note(a.forecast.attrs, float(likely["peak_share"]))
    if note:
        use += f" {note}"
    track = backtest_warning(a)
    if track:
        use += f" {track}"
    machine = a.candidates.set_index(ID).loc[wid]
    years = int(a.finance.set_index(ID).loc[wid, "years"])
    budget = (f"of the {money(p.budget, c)} budget" if win["up_front"] <= p.budget or fits
              else f"over the {money(p.budget, c)} budget")
    sourced = a.simulation.band("npv_sourced").loc[wid]
    npv_sourced = float(a.finance.set_index(ID).loc[wid, "npv_sourced"])
    money_line = (f"{money(win['up_front'], c)} up front ({budget}) and "
                  f"{money(float(machine['annual_maintenance']), c)} a year; {years}-year NPV "
                  f"{money(win['npv'], c, signed=True)} with every benefit item (P10–P90: "
                  f"{money(win['npv_p10'], c, signed=True)} to "
                  f"{money(win['npv_p90'], c, signed=True)}; {share(win['p_npv_positive'])} "
                  f"chance it is positive), {money(npv_sourced, c, signed=True)} counting "
                  f"measured and published items only (P10–P90: "
                  f"{money(sourced['p10'], c, signed=True)} to "
                  f"{money(sourced['p90'], c, signed=True)}; {share(p_sourced(a)[wid])} chance "
                  f"it is positive); payback in {months(win['payback_years'])}; "
                  f"{money(win['cost_per_use'], c)} per use.")
    area = _area(win["floor_m2"], p.free_floor_m2)
    space = (f"{area} m² with clearance, of the {number(p.free_floor_m2, 'g')} m² free."
             if win["floor_m2"] <= p.free_floor_m2 or fits else
             f"{area} m² with clearance, more than the {number(p.free_floor_m2, 'g')} m² free.")
    turn = what_would_change(a)
    tie = [f"{_tie(a, tied)}: whatever favours one of them decides"] if len(tied) > 1 else []
    if a.choice is None:  # the limits first, then what would change the best-scoring one
        turns: tuple[str, ...] = (_limits_turning(a), *tie, turn.weight, turn.input, turn.npv)
    elif a.choice != a.recommendation:
        # The weight and input sentences are about which machine scores best; here the
        # limits keep the best-scoring one out, so they are what would change the answer.
        turns = (_limits_turning(a), *tie, turn.npv)
    else:
        turns = (*tie, turn.weight, turn.input, turn.npv)
    change = " ".join(f"{t[0].upper()}{t[1:]}." for t in turns if t)
    grade = EVIDENCE_WORDS[str(machine["evidence_grade"])]
    evidence = (f"evidence for its back-care claim is {grade} ({machine['evidence_source']}). "
                "Supervision: "
                f"{SUPERVISION_WORDS[str(machine['supervision'])]}. {DISCLAIMER}")
    bullets = [("Who it serves", served), ("Use", use), ("Money", money_line),
               ("Space", space), ("What would change the answer", change),
               ("Evidence and care", evidence)]
    finding = finding_out_first(a)
    if finding:
        bullets.insert(-1, ("Finding out first", finding))
    warning = judgements_warning(a)
    text = ((warning + "\n\n" if warning else "") + _opening(a) + "\n\n"
            + "\n".join(f"- **{k}:** {markdown_text(v)}" for k, v in bullets))
    if a.owned_candidates:
        owned = markdown_text(" and the ".join(_name(a, i) for i in a.owned_candidates))
        text += (f"\n\n**Note:** the club already owns the {owned}: another unit shares the "
                 "members of the one the club has, and adds members only where that one is "
                 "short of room at the busiest hour.")
    return text


def _up_front(analysis: DecisionAnalysis) -> float:
    """The featured machine's up-front cost (currency), the scale of a study's worth."""
    return float(analysis.ranking.loc[analysis.featured, "up_front"])


def finding_out_first(analysis: DecisionAnalysis) -> str:
    """The first screen's sentence on what knowing the real weekly use first is worth.

    :func:`evaluate.reports.decision.information.first_screen_sentence`, ending with a full
    stop; empty when the analysis carries no value of information.
    """
    info = analysis.information
    if info is None:
        return ""
    return voi.first_screen_sentence(info, analysis.names, analysis.currency,
                                     _up_front(analysis)) + "."


def information_markdown(analysis: DecisionAnalysis) -> str:
    """The section "What more information is worth" in words (Markdown); empty without one."""
    info = analysis.information
    if info is None:
        return ""
    return markdown_text(voi.information_text(info, analysis.names, analysis.currency,
                                              _up_front(analysis)))


def review_plan_markdown(analysis: DecisionAnalysis) -> str:
    """The staged plan in words (Markdown): when to review use, the line to hold; or empty."""
    info = analysis.information
    return "" if info is None else markdown_text(voi.plan_text(info, analysis.names))


def information_table(analysis: DecisionAnalysis) -> pd.DataFrame | None:
    """What learning each group of inputs first is worth, in money (a text table)."""
    info = analysis.information
    return None if info is None else voi.evppi_display(info, analysis.currency)


def review_plan_table(analysis: DecisionAnalysis) -> pd.DataFrame | None:
    """The usage reviews after installation and the line to hold (a text table)."""
    info = analysis.information
    return None if info is None else voi.plan_display(info)


def demo_banner(analysis: DecisionAnalysis) -> str:
    """A warning line when the data is the synthetic demo club; empty otherwise."""
    return formatting.demo_banner(analysis.data.club.synthetic)


def comparison_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """Every candidate, best first, with its score and the figures behind it (text).

    Buying nothing (the club as it is) stands among them at its score: it has no rank among
    the machines, no use, no member added, an NPV of 0 and nothing to pay.
    """
    a, c = analysis, analysis.currency
    r = a.ranking
    table = pd.DataFrame({
        "Rank": [str(v) for v in r["rank"]],
        "Score (of 100)": [points(v) for v in r["score"]],
        "Ranks first": [share(v) for v in r["p_best"]],
        "Weekly uses (P10–P90)": [
            f"{number(m, '.0f')} ({number(lo, '.0f')}–{number(hi, '.0f')})"
            for m, lo, hi in zip(r["weekly_uses"], r["weekly_uses_p10"], r["weekly_uses_p90"],
                                 strict=True)],
        "Members with back pain added": [number(v, ".0f") for v in r["back_pain_served"]],
        "NPV (P10 to P90)": [f"{money(m, c, signed=True)} ({money(lo, c, signed=True)} to "
                             f"{money(hi, c, signed=True)})" for m, lo, hi in zip(
                                 r["npv"], r["npv_p10"], r["npv_p90"], strict=True)],
        "NPV > 0": [share(v) for v in r["p_npv_positive"]],
        "Payback": [months(v) for v in r["payback_years"]],
        "Cost per use": [money(v, c) for v in r["cost_per_use"]],
        "Up front": [money(v, c) for v in r["up_front"]],
        "Floor (m²)": [number(v, ".1f") for v in r["floor_m2"]],
        "TOPSIS (of 100)": [number(v * 100, ".0f") for v in r["topsis"]],
    }, index=pd.Index([a.names[i] for i in r.index], name="Machine"))
    nothing = pd.DataFrame({
        "Rank": ["–"], "Score (of 100)": [points(a.nothing_score)],
        "Ranks first": [share(a.p_nothing_first)], "Weekly uses (P10–P90)": ["0"],
        "Members with back pain added": ["0"], "NPV (P10 to P90)": [money(0.0, c)],
        "NPV > 0": ["–"], "Payback": ["–"], "Cost per use": ["–"], "Up front": [money(0.0, c)],
        "Floor (m²)": [number(0.0, ".1f")], "TOPSIS (of 100)": ["–"],
    }, index=pd.Index([f"{NOTHING_LABEL} (the club as it is)"], name="Machine"))
    at = int((r["score"].to_numpy(float) >= a.nothing_score).sum())
    return pd.concat([table.iloc[:at], nothing, table.iloc[at:]])


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
                  f"index {p.ri_table}); consistency ratio {number(ratio, '.3f')}{flag}")
    elif p.weights:
        origin = "set for this decision in the build plan or the notebook's parameters"
    else:
        origin = "the suite's documented defaults"
    sampling = ("the managers' weights in every draw" if p.weight_sampling == "none" else
                f"weights also drawn around the managers' ({p.weight_sampling}, spread "
                f"{number(p.weight_spread, 'g')})")
    return (f"Score: weighted sum of the criteria after {how} normalisation; weights "
            f"{origin}. TOPSIS (closeness to the ideal, "
            f"{'vector' if p.normalization == 'minmax' else p.normalization} normalisation) "
            f"is shown as a second opinion. \"Ranks first\" is the share of "
            f"{number(analysis.simulation.n_draws, ',')} Monte Carlo draws (seed {p.seed}) in "
            f"which the candidate has the highest score, with {sampling}.")


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


NOTHING = "Nothing (keep the money and the floor)"
"""How the best-set table names the empty set: buying nothing."""


def portfolio_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """The best sets within the budget and the free floor, best first (text)."""
    p, c = analysis.portfolios, analysis.currency
    what = "Score (of 100)" if p.attrs["objective"] == "score" else "Total NPV"
    values = [_set_value(v, p.attrs["objective"], c) for v in p["objective"]]
    return pd.DataFrame({
        "Machines": [", ".join(analysis.names[i] for i in m) or NOTHING for m in p["members"]],
        what: values,
        "Up front": [money(v, c) for v in p["cost"]],
        "Floor (m²)": [number(v, ".1f") for v in p["floor_m2"]],
    }, index=pd.Index(p["rank"].to_numpy(), name="Rank"))


def _set_value(value: float, objective: str, currency: str) -> str:
    """A set's objective as the best-set table prints it: score points, or its total NPV."""
    return points(value) if objective == "score" else money(value, currency, signed=True)


def portfolio_markdown(analysis: DecisionAnalysis) -> str:
    """The best set (or the sets tied for best): what it holds and leaves, and the first pick.

    It says whether the set holds the machine the first screen recommends.

    When no candidate fits, the same words as the first screen (:func:`nothing_fits_text`).
    """
    p, c, params = analysis.portfolios, analysis.currency, analysis.params
    choice = analysis.choice
    if choice is None or p.empty:
        return (f"{nothing_fits_text(analysis)}. Raise the budget or the free floor (decision "
                "parameters budget and free_floor_m2) to compare sets of machines.")
    limits = f"{limits_phrase(analysis)} (decision parameters)"
    objective = p.attrs["objective"]
    by_score = objective == "score"
    best = p.iloc[0]
    n = p.attrs["candidates"]
    how = (f"{number(p.attrs['feasible_sets'], ',')} sets fit"
           if p.attrs["feasible_sets"] is not None
           else f"With {n} candidates there are {number(2**n, ',')} possible sets, too many to "
                "list: an integer program (the HiGHS solver) found the best without listing them"
                + ("" if p.attrs.get("proven", True) else
                   f" (the best of the {MAX_JOINT_SETS} sets it valued jointly, not proven "
                   "best)"))
    if best["size"] == 0:  # only with the NPV objective: every set that fits loses money
        return (f"Within {limits}, buying nothing is best on money: no set of machines that "
                f"fits has a positive total NPV. {how} (buying nothing counts as one); the "
                f"best are below. The {_name(analysis, choice)} recommended above is the "
                "best-scoring machine that fits.")
    tied = p.iloc[:tied_with_first(p["objective"].to_numpy(float),
                                   lambda v: _set_value(v, objective, c))]
    sets = "; ".join("**" + markdown_text(", ".join(in_sentence(analysis.names[i])
                                                    for i in members)) + "**"
                     for members in tied["members"])
    cost = (f"{money(best['cost'], c)} up front and {number(best['floor_m2'], '.1f')} m², leaving "
            f"{money(params.budget - best['cost'], c)} and "
            f"{number(params.free_floor_m2 - best['floor_m2'], '.1f')} m²")
    if len(tied) > 1:
        what = "score" if by_score else "total NPV"
        found = (f"{len(tied)} sets tie for best, with the same {what} "
                 f"({_set_value(float(best['objective']), objective, c)}): {sets}. The first "
                 f"comes to {cost}")
    else:
        found = f"the best set is: {sets}, for {cost}"
    if choice in best["members"]:
        relation = (f" It holds the {_name(analysis, choice)} recommended above."
                    if best["size"] > 1 else "")
    else:
        why = ("these machines together score more than it alone" if by_score
               else "sets here are compared on NPV")
        relation = (f" It does not hold the {_name(analysis, choice)} recommended above, the "
                    f"best-scoring single machine that fits: {why}.")
    return (f"Within {limits}, {found}.{markdown_text(relation)} "
            f"{how}; the next best are below. Sets are valued jointly: machines that serve "
            f"the same members share them, so a set counts only the users its machines add "
            f"together and is worth at most the sum of their "
            f"{'scores' if by_score else 'NPVs'}; costs are {COST_LABEL.lower()}.")


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
                     "Most likely": number(a.most_likely, "g"),
                     "Range": f"{number(a.low, 'g')} – {number(a.high, 'g')}",
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
    """How the club's own machines calibrated every candidate (pooled), or why not."""
    if not analysis.params.calibrate:
        return "Calibration is switched off (parameter calibrate): uptakes are the assumptions."
    pooled = analysis.pooled
    if pooled is None or not analysis.calibrations:
        return ("No machine the club owns is in the usage log with at least "
                f"{MIN_GROUP_SIZE} members, so every forecast uses the documented uptake "
                "assumptions.")
    fits = pooled.fits
    owned = ", ".join(f"the {markdown_text(_name(analysis, m))} (log: "
                      f"{_users(row.regular_users)} regular users, "
                      f"{number(row.sessions_per_user, '.1f')} sessions a week each; model at "
                      f"the documented uptakes: {number(row.users_at_1, ',.0f')} users)"
                      for m, row in zip(fits["equipment_id"], fits.itertuples(), strict=True))
    spread = ("the machines agree, so every candidate takes their common factor"
              if pooled.uptake.tau2 == 0 else
              f"they differ between machines by a factor of about "
              f"{number(float(np.exp(np.sqrt(pooled.uptake.tau2))), '.1f')} (one standard "
              "deviation), so each candidate takes their pooled average")
    lines = [f"Every candidate is calibrated on every machine the club owns and logs "
             f"(partial pooling, empirical Bayes; Gelman & Hill 2007): {owned}. Users and "
             f"sessions per user are fitted apart; {spread}."]
    lines += [f"- {markdown_text(analysis.names[i])}: uptakes × "
              f"{number(cal.factor, '.2f')}, sessions per user × "
              f"{number(cal.table['after'].iloc[1], '.2f')}."
              for i, cal in analysis.calibrations.items()]
    return "\n".join(lines)


def _users(count: float) -> str:
    """A machine's regular users as the report may show them (hidden under the minimum)."""
    return number(count, ",.0f") if shown_group(int(count)) else f"fewer than {MIN_GROUP_SIZE}"


def data_quality_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """What was loaded, missing, defaulted and suppressed (text, one row per item)."""
    data, params = analysis.data, analysis.params
    rows = [{"Item": "Files read", "Detail": ", ".join(data.check.checked)}]
    rows.append({"Item": "Members in the roster",
                 "Detail": f"{number(len(data.members), ',')} ("
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
    return pd.DataFrame({"Size (kB)": [number(p.stat().st_size / 1024, ",.0f") for p in files],
                         "sha256": [_sha256(p)[:16] for p in files]},
                        index=pd.Index([f"{p.parent.name}/{p.name}" for p in files],
                                       name="File"))


def provenance_markdown(analysis: DecisionAnalysis) -> str:
    """Suite version, club, roster date, draws and seed: what reproduces these numbers."""
    from evaluate import __version__

    day = roster_day(analysis)
    return (f"Club: {markdown_text(analysis.data.club.name)}. Roster date: {day:%Y-%m-%d}. Suite "
            f"club-equipment-suite {__version__}. Monte Carlo: "
            f"{number(analysis.simulation.n_draws, ',')} "
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
    from evaluate.model.segments import active_mask
    from evaluate.reports.privacy import shown_split

    members, g = analysis.data.members, analysis.params.min_group_size
    day = roster_day(analysis)
    priors = exposure_priors(members, as_of=day)
    keep = [c for c in ("item", "members", "note") if c in priors.columns]
    table = priors[keep].set_index("item")
    total = int(active_mask(members, day).sum())
    table["members"] = [count_text(n if n == total or shown_split(int(n), total, g) else np.nan)
                        for n in table["members"]]
    return table


def _band(row: pd.Series, prefix: str) -> dict[str, float | None]:
    return {p: _finite(row[f"{prefix}_{p}"]) for p in ("p10", "p50", "p90")}


def _finite(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def summary_headline(analysis: DecisionAnalysis) -> str:
    """The index page's one line: the first screen's answer (:func:`headline_markdown`).

    It says so when buying nothing is about as good as the machine to buy
    (:func:`nothing_as_good`).
    """
    a = analysis
    tied = leaders(a)
    if a.choice is None:
        text = f"{nothing_fits_text(a)}."
    elif a.choice == a.recommendation:
        sure = (f"ranks first in {share(a.ranking.loc[a.choice, 'p_best'])} of "
                f"{number(a.simulation.n_draws, ',')} simulated futures.")
        text = (f"{_tie(a, tied)}; the {_name(a, tied[0])} {sure}" if len(tied) > 1
                else f"{lead(a)} {in_sentence(a.names[a.choice])}: it {sure}")
    else:
        text = (f"{lead(a)} {in_sentence(a.names[a.choice])}: it scores highest of the "
                f"candidates that fit {limits_phrase(a)} (the "
                f"{_name(a, a.recommendation)} scores higher but "
                f"{shortfall(a, a.recommendation)}).")
    verdict = nothing_as_good(a)
    if a.choice is None:  # nothing fits: buying nothing is all there is
        pass
    elif verdict.on_scores:
        text += " Buying nothing is about as good."
    elif verdict.on_money:
        text += " On money, buying nothing is about as good."
    ahp = a.weights.attrs.get("ahp")
    if ahp is not None and ahp.inconsistent:
        text += (f" It rests on pairwise judgements that contradict each other (consistency "
                 f"ratio {number(ahp.consistency_ratio, '.2f')}, above "
                 f"{number(CR_THRESHOLD, '.2f')}).")
    return text



def _ahp_fields(analysis: DecisionAnalysis) -> dict[str, object] | None:
    """``summary.json``'s ``ahp``: the consistency ratio and the judgements to revisit."""
    ahp = analysis.weights.attrs.get("ahp")
    if ahp is None:
        return None
    return {"consistency_ratio": float(ahp.consistency_ratio),
            "inconsistent": bool(ahp.inconsistent),
            "revisit": [[first, second] for first, second, _, _
                        in judgements_to_revisit_as_given(analysis)]}



def _evidence_fields(analysis: DecisionAnalysis, equipment_id: str) -> dict[str, object]:
    """A candidate's ``summary.json`` fields on what it adds and what its money rests on.

    ``added_users`` and ``npv_sourced`` (P10 / P50 / P90 of the Monte Carlo),
    ``p_npv_positive_sourced``, ``break_even_members`` (members a year, most likely),
    ``benefits`` (item -> present value and basis, most likely) and ``p_beats_nothing``.
    """
    a = analysis
    money_row = a.finance.set_index(ID).loc[equipment_id]
    return {
        "added_users": _band(a.simulation.band("added_users").loc[equipment_id].rename(
            lambda p: f"added_users_{p}"), "added_users"),
        "npv_sourced": _band(a.simulation.band("npv_sourced").loc[equipment_id].rename(
            lambda p: f"npv_sourced_{p}"), "npv_sourced"),
        "p_npv_positive_sourced": float(p_sourced(a)[equipment_id]),
        "break_even_members": _finite(money_row["break_even_members"]),
        "benefits": {item: {"pv": float(money_row[f"pv_{item}"]),
                            "basis": str(money_row[f"basis_{item}"])}
                     for item in BENEFIT_ITEMS},
        "p_beats_nothing": float(a.p_beats_nothing[equipment_id])}


def summary_fields(analysis: DecisionAnalysis) -> dict[str, object]:
    """The decision's ``summary.json`` fields (schema: :mod:`evaluate.reports.summary_schema`).

    ``recommendation`` is the best-scoring machine (rank 1); ``recommendation_within_limits``
    what the first screen says to buy, and ``headline`` and ``key_figures`` are the first
    screen's, of :attr:`~DecisionAnalysis.featured`.
    """
    a, c = analysis, analysis.currency
    fits = a.fits
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
            "up_front": float(row["up_front"]), "floor_m2": float(row["floor_m2"]),
            "fits_limits": bool(fits[i]), **_evidence_fields(a, str(i))}
    win = a.ranking.loc[a.featured]
    money_row = a.finance.set_index(ID).loc[a.featured]
    best = a.portfolios.iloc[0] if len(a.portfolios) and a.choice is not None else None
    # When nothing fits, the figures are the best-scoring machine's: say whose.
    whose = ([] if a.choice is not None else
             [{"label": "Best-scoring machine (does not fit)", "text": a.names[a.featured]}])
    return {
        "kind": "decision",
        "club": a.data.club.name,
        "recommendation": a.recommendation,
        "recommendation_within_limits": a.choice,
        "limits": {"budget": float(a.params.budget),
                   "free_floor_m2": float(a.params.free_floor_m2)},
        "currency": c,
        "draws": a.simulation.n_draws, "seed": a.simulation.seed,
        "method": "weighted_sum", "normalization": a.params.normalization,
        "weights": {k: float(v) for k, v in a.weights.items()},
        "ahp": _ahp_fields(a),
        "candidates": candidates,
        "best_set": None if best is None else {
            "members": list(best["members"]), "cost": float(best["cost"]),
            "floor_m2": float(best["floor_m2"])},
        "buy_nothing": {"score": float(a.nothing_score), "p_first": a.p_nothing_first,
                        "about_as_good": bool(nothing_as_good(a))},
        "backtest": backtest_fields(a),
        "headline": summary_headline(a),
        **({} if a.information is None else voi.summary_values(a.information)),
        "key_figures": [
            *whose,
            {"label": "Weekly uses (P10–P90)",
             "text": f"{number(win['weekly_uses'], '.0f')} "
                     f"({number(win['weekly_uses_p10'], '.0f')}–"
                     f"{number(win['weekly_uses_p90'], '.0f')})"},
            {"label": "NPV (P10 to P90)",
             "text": f"{money(win['npv'], c, signed=True)} "
                     f"({money(win['npv_p10'], c, signed=True)} to "
                     f"{money(win['npv_p90'], c, signed=True)})"},
            {"label": "Chance NPV > 0", "text": share(win["p_npv_positive"])},
            {"label": "Up front", "text": money(win["up_front"], c)},
            {"label": "Cost per use", "text": money(win["cost_per_use"], c)},
            # The index page shows six figures at most: with "whose", the break-even is left
            # to the page (the machine does not fit the limits anyway).
            *([] if whose else [{"label": "Break-even", "text": (
                f"{_amount(money_row['break_even_members'], 'member')} a year kept or won, or "
                f"{_amount(money_row['break_even_packages'], 'trainer package')} a year")}]),
        ],
    }


def exposure_table(analysis: DecisionAnalysis) -> pd.DataFrame:
    """Active members and expected members with back pain by age band and sex (suppressed).

    For :func:`evaluate.reports.decision.charts.exposure_pyramid_chart`.
    """
    from evaluate.model.exposure import ExposureParameters, exposure_by_segment
    from evaluate.reports.member_profile import age_sex_table, aggregate_exposure, select_members

    data, params = analysis.data, analysis.params
    day = roster_day(analysis)
    chosen = select_members(data.members, "active", day)
    segments = exposure_by_segment(data.members, ExposureParameters.load(data.assumptions),
                                   as_of=day)
    return aggregate_exposure(age_sex_table(chosen, params.min_group_size), segments)


def audience_display(analysis: DecisionAnalysis) -> pd.DataFrame:
    """The first screen's machine's audience by member group, as text (groups overlap)."""
    table = analysis.audience
    name = analysis.names[analysis.featured]
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


# How good these forecasts have been at this club: the leave-one-out backtest of the owned
# machines (evaluate.model.backtest), read off DecisionAnalysis.backtest.

#: The share of actuals an honest P10-P90 band holds: 8 in 10, by the band's definition (from
#: the 10th to the 90th percentile).
HONEST_COVERAGE = 0.8
#: The 90th percentile of the standard normal: a lognormal model error of median 1 and spread
#: sigma lies between exp(-Z90 sigma) and exp(Z90 sigma) in 8 futures in 10.
Z90 = NormalDist().inv_cdf(0.9)
#: What the naive forecast is, in the report's words (:attr:`Backtest.skill_vs_naive`).
NAIVE_WORDS = ("the naive forecast, which gives each machine the other owned machines' "
               "average sessions a week per unit, times its units")


def _backtest_private(analysis: DecisionAnalysis) -> pd.Series:
    """Whether each machine of the backtest has a log resting on too few members.

    :func:`evaluate.reports.privacy.private_machines` of the club's usage log, in the order of
    the backtest's table; no figure of such a machine's log may be shown.
    """
    if analysis.backtest is None:
        return pd.Series(dtype=bool)
    table = analysis.backtest.table
    usage = analysis.data.usage
    private = ([] if usage is None or usage.empty
               else private_machines(usage, analysis.params.min_group_size))
    return table[ID].astype(str).isin(private).set_axis(table.index)


def backtest_overall_shown(analysis: DecisionAnalysis) -> bool:
    """Whether the backtest's overall figures may be shown: no machine's log is private.

    With a machine whose log rests on too few members among a few machines, the median
    error, the bias, the coverage, the skill (through the naive forecasts, which average the
    other machines' use) and a spread measured on the backtest would give its use away, so
    none of them is shown; a spread from the documented floor rests on no log.
    """
    return analysis.backtest is not None and not _backtest_private(analysis).any()


def backtest_rows(analysis: DecisionAnalysis) -> pd.DataFrame | None:
    """The backtest's table as the report may show it; ``None`` without a backtest.

    The columns of :data:`evaluate.model.backtest.TABLE_COLUMNS` and ``suppressed``.
    Privacy (:mod:`evaluate.reports.privacy`): the log's regular users, and its sessions a
    week per regular user (with the sessions a week they give the count), are hidden (NaN)
    where fewer than ``min_group_size`` regular users (:func:`shown_group`); every figure of
    a machine's log (actual, ratio, users, sessions per user) is hidden where the log rests
    on too few members, and then every naive forecast too (they average that machine's use).
    """
    if analysis.backtest is None:
        return None
    table = analysis.backtest.table.copy()
    g = analysis.params.min_group_size
    private = _backtest_private(analysis)
    users = table["users_actual"].astype(float)
    few = ~np.array([not math.isfinite(n) or shown_group(int(n), g) for n in users])
    table = table.astype({c: float for c in ("actual", "ratio", "naive", "users_actual",
                                             "sessions_per_user")})
    table.loc[few | private, ["users_actual", "sessions_per_user"]] = np.nan
    table.loc[private, ["actual", "ratio"]] = np.nan
    if private.any():
        table["naive"] = np.nan
    table["suppressed"] = few | private | private.any()
    return table


def backtest_table(analysis: DecisionAnalysis) -> pd.DataFrame | None:
    """Each owned, logged machine's forecast without its log beside the log (text).

    One row per machine: units, the forecast (sessions a week at full adoption) and its
    P10-P90 band, the actual from the log and actual / forecast; the regular users forecast
    and the log's, and the log's sessions a week per regular user ("not shown" where privacy
    hides them, :func:`backtest_rows`). ``None`` without a backtest.
    """
    t = backtest_rows(analysis)
    if t is None:
        return None
    return pd.DataFrame({
        "Units": [number(v) for v in t["units"]],
        "Forecast (sessions a week)": [number(v) for v in t["forecast"]],
        "P10–P90": [f"{number(lo)}–{number(hi)}"
                    for lo, hi in zip(t["p10"], t["p90"], strict=True)],
        "Actual from the log": [number(v, missing=formatting.HIDDEN_COUNT)
                                for v in t["actual"]],
        "Actual / forecast": [number(v, ".2f", missing=formatting.HIDDEN_COUNT)
                              for v in t["ratio"]],
        "Regular users: forecast": [number(v) for v in t["users_forecast"]],
        "Regular users: log": [count_text(v) for v in t["users_actual"]],
        "Sessions a week per regular user (log)": [
            number(v, ".1f", missing=formatting.HIDDEN_COUNT) for v in t["sessions_per_user"]],
    }, index=pd.Index([analysis.names.get(str(i), str(i)) for i in t[ID]], name="Machine"))


def backtest_export(analysis: DecisionAnalysis) -> pd.DataFrame | None:
    """The backtest's table with its figures as numbers: the report's backtest CSV.

    One row per owned, logged machine (never per member), as :func:`backtest_table`, with the
    naive forecast too; sessions are a week, an empty cell is a figure privacy hides
    (:func:`backtest_rows`). ``None`` without a backtest.
    """
    t = backtest_rows(analysis)
    if t is None:
        return None

    def col(name: str, digits: int) -> list[float | None]:
        return [round(float(v), digits) if math.isfinite(float(v)) else None for v in t[name]]

    return pd.DataFrame({
        "Machine": [analysis.names.get(str(i), str(i)) for i in t[ID]],
        "Equipment id": [str(i) for i in t[ID]],
        "Units": t["units"].astype(int).to_numpy(),
        "Forecast (sessions/week)": col("forecast", 1),
        "Forecast P10 (sessions/week)": col("p10", 1),
        "Forecast P90 (sessions/week)": col("p90", 1),
        "Actual from the log (sessions/week)": col("actual", 1),
        "Actual / forecast": col("ratio", 3),
        "Naive forecast (sessions/week)": col("naive", 1),
        "Regular users, forecast": col("users_forecast", 1),
        "Regular users, log": col("users_actual", 0),
        "Sessions a week per regular user, log": col("sessions_per_user", 2),
    })


def _times(value: float) -> str:
    """A ratio for a sentence: "0.88", "1.4", "12"."""
    return number(value, ".2f" if value < 1 else ".1f" if value < 10 else ",.0f")


def _sigma_text(analysis: DecisionAnalysis) -> str:
    """What model error the Monte Carlo adds to every candidate's demand, and from where."""
    bt = analysis.backtest
    assert bt is not None  # backtest_markdown asks only with a backtest
    sigma = bt.sigma
    if bt.sigma_basis != "floor" and not backtest_overall_shown(analysis):
        return ("The Monte Carlo multiplies every candidate's demand by a model error measured "
                "on this backtest (not shown, for the reason above).")
    spread = (f"a model error of spread {number(sigma, '.2f')} (the standard deviation of its "
              f"logarithm; median 1): in 8 futures in 10 the multiplier lies between "
              f"{number(math.exp(-Z90 * sigma), '.2f')} and "
              f"{number(math.exp(Z90 * sigma), '.2f')}")
    if bt.sigma_basis == "floor":
        return ("With fewer than three machines logged, the backtest is too small to measure "
                "how far forecasts miss, so the Monte Carlo takes the documented floor, not a "
                f"figure of this club: it multiplies every candidate's demand by {spread}.")
    return (f"From this backtest, the Monte Carlo multiplies every candidate's demand by "
            f"{spread}, so every band in this report includes how far forecasts have missed "
            "here.")


def backtest_markdown(analysis: DecisionAnalysis) -> str:
    """How good the forecasts have been at this club, in plain sentences (Markdown).

    After the table (:func:`backtest_table`): the median absolute percentage error, the bias
    (geometric mean of actual / forecast), how many actuals the P10-P90 band held against the
    8 in 10 of an honest band (:data:`HONEST_COVERAGE`), the skill against the naive forecast
    (:data:`NAIVE_WORDS`), the model error the Monte Carlo adds (``sigma`` and its basis) and
    what it means for the manager. Without a backtest, one sentence: no track record here.
    """
    a, bt = analysis, analysis.backtest
    if bt is None:
        return ("The club has no machine it owns in a usage log, so these forecasts have no "
                "track record here: none has been checked against what happened at this club "
                "(a usage log of the owned machines, `equipment_usage.csv`, would give them "
                "one).")
    n = bt.machines
    g = max(a.params.min_group_size, MIN_GROUP_SIZE)
    which = ("The machine the club owns with sessions in the usage log was" if n == 1 else
             f"Each of the {n} machines the club owns with sessions in the usage log was")
    intro = [f"{which} forecast as a candidate is, without its own log (leave one out), and "
             "its forecast set against the log's sessions a week. Regular users and their "
             "sessions a week apart show whether a miss comes from how many members use a "
             "machine or from how often they do."]
    rows = backtest_rows(a)
    assert rows is not None  # there is a backtest
    if rows["users_actual"].isna().any():
        intro.append(f"Regular users from the log, and sessions per regular user, are not shown "
                     f"for a machine with fewer than {g} of them.")
    if not backtest_overall_shown(a):
        hidden = [_name(a, i) for i, p in zip(bt.table[ID], _backtest_private(a), strict=True)
                  if p]
        intro.append(f"The overall figures are not shown: the log of the {joined(hidden)} "
                     f"rests on fewer than {g} members, and with so few machines they would "
                     "give its use away.")
        return "\n\n".join(markdown_text(p) for p in (" ".join(intro), _sigma_text(a)))
    miss = share(bt.median_ape)
    figures = [f"The forecast missed by {miss} of the actual (absolute percentage error)."
               if n == 1 else
               f"The median miss was {miss} of the actual (median absolute percentage "
               "error): half the forecasts missed by more."]
    bias = _times(bt.bias)
    way = ("about right on average" if bias == "1.0" else
           "too low" if bt.bias > 1 else "too high")
    were = "the forecast was" if n == 1 else "the forecasts were"
    figures.append(f"Actual use was on average {bias} times the forecast (the geometric mean "
                   f"of actual / forecast; 1 is unbiased): {were} {way}.")
    held = round(bt.coverage * n)
    band = (("The P10–P90 band held the actual" if held else
             "The P10–P90 band did not hold the actual") if n == 1 else
            f"The P10–P90 band held {held} of {n} actuals")
    figures.append(f"{band}; an honest band holds about {round(HONEST_COVERAGE * 10)} in 10.")
    skill = bt.skill_vs_naive
    if not math.isfinite(skill):
        figures.append(f"There is nothing to set the model against: {NAIVE_WORDS}, needs "
                       "another owned machine in the log.")
    else:
        against = (f"Against {NAIVE_WORDS}, the model's skill is "
                   f"{number(skill, '+.2f').replace('-', '−')}")
        if skill > 0:
            figures.append(f"{against}: its typical miss (mean absolute log error) was "
                           f"{share(skill)} smaller, so the model beat it.")
        else:
            larger = ("as large" if share(-skill) == "0%" else f"{share(-skill)} larger")
            figures.append(f"{against}: its typical miss (mean absolute log error) was "
                           f"{larger}, so the model did not beat it.")
    if math.isfinite(skill) and skill <= 0:
        meaning = ("For you: at this club the model has not done better than a rule of thumb, "
                   "so treat the use figures in this report as rough; a trial rental or the "
                   "usage review after installation decides.")
    elif math.isfinite(skill):
        meaning = ("For you: the model has forecast this club's machines better than a rule of "
                   "thumb; still read each use figure with its P10–P90 band, and check the "
                   "machine you buy at the usage review after installation.")
    else:
        meaning = ("For you: one machine is a short track record; read each use figure with "
                   "its P10–P90 band, and check the machine you buy at the usage review after "
                   "installation.")
    paragraphs = (" ".join(intro), " ".join(figures), _sigma_text(a), meaning)
    return "\n\n".join(markdown_text(p) for p in paragraphs)


def backtest_warning(analysis: DecisionAnalysis) -> str:
    """The first screen's sentence when the model has not beaten the naive forecast, else "".

    Only with a backtest whose figures may be shown (:func:`backtest_overall_shown`) and a
    skill at or below 0 (none without a naive forecast to compare with).
    """
    bt = analysis.backtest
    if bt is None or not backtest_overall_shown(analysis) or not math.isfinite(
            bt.skill_vs_naive):
        return ""
    if bt.beats_naive:
        return ""
    return ("At this club the model's use forecasts have not beaten the naive forecast (the "
            "other owned machines' average use per unit; median miss "
            f"{share(bt.median_ape)}): treat these use figures as rough; a trial rental or the "
            "usage review decides.")


def backtest_fields(analysis: DecisionAnalysis) -> dict[str, object] | None:
    """``summary.json``'s ``backtest``; ``None`` when the club has no owned machine logged.

    ``machines``, ``median_ape`` (fraction), ``bias`` (geometric mean of actual / forecast),
    ``coverage`` (fraction of actuals inside the P10-P90 band), ``skill_vs_naive``,
    ``beats_naive``, ``sigma`` and ``sigma_basis``; a figure is ``null`` where it is not
    defined (no naive forecast with one machine) or privacy hides it
    (:func:`backtest_overall_shown`).
    """
    bt = analysis.backtest
    if bt is None:
        return None
    shown = backtest_overall_shown(analysis)
    skill = _finite(bt.skill_vs_naive) if shown else None
    return {"machines": bt.machines,
            "median_ape": _finite(bt.median_ape) if shown else None,
            "bias": _finite(bt.bias) if shown else None,
            "coverage": _finite(bt.coverage) if shown else None,
            "skill_vs_naive": skill,
            "beats_naive": None if skill is None else bool(bt.beats_naive),
            "sigma": float(bt.sigma) if shown or bt.sigma_basis == "floor" else None,
            "sigma_basis": str(bt.sigma_basis)}
