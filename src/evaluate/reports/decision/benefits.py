"""Where a machine's money comes from, what it adds beside the machines owned, who cancels.

Four sections of the decision report, each a tidy frame (for computing and tests), a text
table (for showing) and Markdown (a manager's sentences), all through
:mod:`evaluate.reports.formatting`:

- **Where the money comes from** (:func:`money_split`): each candidate's NPV split by benefit
  item (keeping members, trainer sessions, new members) and costs, each item with its basis of
  evidence (the weakest among its inputs: measured at the club, published with a source, or an
  assumption; :func:`evaluate.model.finance.benefit_basis`) and what that weakest input is
  (:func:`benefit_items`); the NPV counting measured and published items only; and the
  break-even in members a year and trainer packages a year beside what the model expects.
- **What it adds beside the machines you own** (:func:`added_use`): its own regular users, the
  users it adds to the club as it is (:mod:`evaluate.model.substitution`), and the sessions it
  draws from each owned machine (:func:`evaluate.model.prepared.owned_use`).
- **Who cancels** (:func:`users_churn`): the cancellation rates by visits a week measured at
  the club (:func:`evaluate.reports.decision.analysis.churn_by_visits`, privacy applied) and
  each candidate's users' rate against the club's.
- **How much the criteria overlap** (:func:`criteria_overlap`): the criteria's rank
  correlation across the Monte Carlo draws (:mod:`evaluate.mcda.correlation`) and what the
  default weights do about it (:mod:`evaluate.mcda.criteria`).

The money and added-use functions take the pieces they need (a finance frame, the
simulation, the prepared model), so the candidate profile shows the same figures for its one
machine; the ``*_for`` functions read them off a
:class:`~evaluate.reports.decision.analysis.DecisionAnalysis`. Every figure is a model figure
over the whole roster; the only counts of members shown are the churn table's, hidden under
the club's smallest group (:mod:`evaluate.reports.privacy`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.equipment import ID, NEW_JOINS_SOURCE
from evaluate.mcda.correlation import REDUNDANT_RHO, correlated_pairs, criteria_correlation
from evaluate.mcda.criteria import FORECAST_CRITERIA
from evaluate.model.churn import MEASURED as CHURN_MEASURED
from evaluate.model.finance import (
    ASSUMED,
    BENEFIT_INPUTS,
    BENEFIT_ITEMS,
    MEASURED,
    PUBLISHED,
    STAND_INS,
    input_bases,
    new_joins_bases,
)
from evaluate.model.prepared import ModelInputs, owned_use
from evaluate.model.uncertainty import SimulationResult
from evaluate.reports.decision.analysis import DecisionAnalysis, churn_by_visits, criterion_label
from evaluate.reports.decision.matrix import decision_draws
from evaluate.reports.formatting import (
    INPUT_LABELS,
    PRIVACY_NOTE,
    count_text,
    in_sentence,
    joined,
    markdown_text,
    money,
    number,
    plural,
    share,
)

#: Each benefit item's plain name (:data:`evaluate.model.finance.BENEFIT_ITEMS`).
ITEM_LABELS = {"retention": "Keeping members", "trainer_sessions": "Trainer sessions",
               "new_joins": "New members"}
#: Each basis in words: where the weakest input of an item comes from.
BASIS_WORDS = {MEASURED: "measured at the club", PUBLISHED: "published",
               ASSUMED: "assumption (judgement)"}
#: The benefit inputs that are not assumptions of ``assumptions.yml``, in plain words.
INPUT_WORDS = {
    "users": "the regular users it adds (a forecast on assumed uptakes)",
    "trainer_users": "the users with back pain it adds (a forecast on assumed uptakes)",
    "users_churn": "its users' cancellation rate",
    "annual_churn": "the club's cancellation rate",
    "monthly_dues": "members' dues",
    "new_joins_per_year": "new members joining for it",
}
#: A drawn share of an owned machine's sessions below this many sessions a week is left out
#: of the sentence: it rounds to 0 in the report, which shows whole sessions.
MIN_DRAWN_SESSIONS = 0.5


# ---------------------------------------------------------------- where the money comes from

def _first_part(source: str) -> str:
    """A source's first citation (up to the first ";"), for a sentence."""
    return source.split(";")[0].strip()


def _input_words(name: str) -> str:
    return INPUT_WORDS.get(name) or INPUT_LABELS.get(name, name.replace("_", " "))


def _input_source(name: str, basis: str, candidate: pd.Series, model: ModelInputs,
                  assumptions: Mapping[str, Assumption]) -> str:
    """Where one input of basis ``basis`` comes from, in words ("" for a judgement)."""
    if name == "new_joins_per_year" and pd.notna(candidate.get(NEW_JOINS_SOURCE)) \
            and str(candidate.get(NEW_JOINS_SOURCE)).strip() \
            and pd.notna(candidate.get("new_joins_per_year")):
        return _first_part(str(candidate[NEW_JOINS_SOURCE]))
    if basis == MEASURED:
        if name in STAND_INS and model.churn is not None:
            return model.churn.source
        return "the club's roster"
    if basis == PUBLISHED:
        item = assumptions.get(STAND_INS.get(name, name))
        return _first_part(item.source) if isinstance(item, Assumption) else ""
    return ""


def input_basis(model: ModelInputs, candidates: pd.DataFrame,
                assumptions: Mapping[str, Assumption]) -> dict[str, np.ndarray]:
    """Each benefit input's basis per candidate ``(C,)``, as the prepared model reads them.

    As :func:`evaluate.model.prepared.model_inputs` sets them: the dues are the roster's
    (measured), the churns measured when the roster measures the club's rate, each
    candidate's new joins take its own source (:func:`evaluate.model.finance.new_joins_bases`);
    every other input its assumption's (:func:`evaluate.model.finance.input_bases`).
    """
    known: dict[str, object] = {"monthly_dues": MEASURED,
                                "new_joins_per_year": new_joins_bases(candidates, assumptions)}
    if model.churn is not None and model.churn.club_basis == CHURN_MEASURED:
        known["annual_churn"] = known["users_churn"] = MEASURED
    found = input_bases(assumptions, known)  # type: ignore[arg-type]
    return {name: np.broadcast_to(np.asarray(basis, dtype=object), len(candidates))
            for name, basis in found.items()}


def benefit_items(finance: pd.DataFrame, model: ModelInputs, candidates: pd.DataFrame,
                  assumptions: Mapping[str, Assumption]) -> pd.DataFrame:
    """Each candidate's benefit items: present value, basis and the weakest inputs (tidy).

    One row per candidate (``finance`` order) and item of
    :data:`~evaluate.model.finance.BENEFIT_ITEMS`: ``equipment_id``, ``item``, ``pv``
    (currency, most likely), ``basis`` (the model's, :attr:`ModelInputs.benefit_bases`: what
    the sourced NPV of the Monte Carlo counts), ``weakest`` (the item's inputs of that basis,
    in words) and ``source`` (where they come from: the citation of a published input, the
    club's data for a measured one; "" for a judgement).
    """
    ids = list(finance[ID].astype(str))
    order = [model.equipment_ids.index(i) for i in ids]
    rows_of = candidates.set_index(candidates[ID].astype(str))
    inputs = input_basis(model, rows_of.loc[list(model.equipment_ids)].reset_index(drop=True),
                         assumptions)
    bases = model.benefit_bases or {}
    money_of = finance.set_index(finance[ID].astype(str))
    rows = []
    for equipment_id, k in zip(ids, order, strict=True):
        for item in BENEFIT_ITEMS:
            basis = str(np.asarray(bases.get(item, ASSUMED)).reshape(-1)[k]
                        if np.ndim(bases.get(item, ASSUMED)) else bases.get(item, ASSUMED))
            names = [n for n in BENEFIT_INPUTS[item] if str(inputs[n][k]) == basis]
            sources = dict.fromkeys(
                s for s in (_input_source(n, basis, rows_of.loc[equipment_id], model,
                                          assumptions) for n in names) if s)
            rows.append({ID: equipment_id, "item": item,
                         "pv": float(money_of.loc[equipment_id, f"pv_{item}"]),
                         "basis": basis, "weakest": joined([_input_words(n) for n in names])
                         if names else "", "source": "; ".join(sources)})
    return pd.DataFrame(rows, columns=[ID, "item", "pv", "basis", "weakest", "source"])


def _expected(model: ModelInputs, ids: list[str]) -> dict[str, np.ndarray]:
    """The model's outputs at the most-likely values, ``(C,)`` each, in ``ids`` order."""
    found = model.likely_outputs
    order = [model.equipment_ids.index(i) for i in ids]
    return {name: np.asarray(value)[0][order] for name, value in found.items()
            if np.ndim(value) == 2}


def money_split(finance: pd.DataFrame, simulation: SimulationResult, model: ModelInputs,
                items: pd.DataFrame) -> pd.DataFrame:
    """Each candidate's NPV by benefit item and costs, the sourced NPV and the break-even.

    One row per candidate (``finance`` order), currency at the most-likely values:
    ``equipment_id``, ``years``; ``pv_retention``, ``pv_trainer_sessions``, ``pv_new_joins``
    and ``pv_costs`` (positive, net of salvage); ``npv``; ``npv_sourced`` (costs and the
    items measured or published only, by ``items``' bases: those of the Monte Carlo);
    ``p_npv_positive`` and ``p_npv_positive_sourced`` (shares of draws, 0-1);
    ``break_even_members`` and ``break_even_packages`` (a year, from ``finance``);
    ``members_kept`` (members a year its added users would keep once adopted: added users ×
    their cancellation rate × ``churn_reduction_users``) and ``packages_sold`` (trainer
    packages a year once adopted: added back-pain users × ``trainer_led_share`` × (1 −
    ``pt_user_share``), each buyer one package), what the model expects beside the
    break-even; ``sourced_items`` (the items counted in ``npv_sourced``, a list).
    """
    ids = list(finance[ID].astype(str))
    money_of = finance.set_index(finance[ID].astype(str))
    counted = items[items["basis"].isin((MEASURED, PUBLISHED))]
    sourced = counted.groupby(ID)["pv"].sum().reindex(ids, fill_value=0.0)
    at = _expected(model, ids)
    likely = {name: float(r[1]) for name, r in model.ranges.items()}
    position = [simulation.equipment_ids.index(i) for i in ids]
    draws = simulation.draws
    p_sourced = (np.mean(draws["npv_sourced"] > 0, axis=0)[position]
                 if "npv_sourced" in draws else np.full(len(ids), np.nan))
    return pd.DataFrame({
        ID: ids, "years": money_of["years"].reindex(ids).to_numpy(int),
        **{f"pv_{item}": money_of[f"pv_{item}"].reindex(ids).to_numpy(float)
           for item in BENEFIT_ITEMS},
        "pv_costs": money_of["pv_costs"].reindex(ids).to_numpy(float),
        "npv": money_of["npv"].reindex(ids).to_numpy(float),
        "npv_sourced": sourced.to_numpy(float) - money_of["pv_costs"].reindex(ids).to_numpy(
            float),
        "p_npv_positive": np.mean(draws["npv"] > 0, axis=0)[position],
        "p_npv_positive_sourced": p_sourced,
        "break_even_members": money_of["break_even_members"].reindex(ids).to_numpy(float),
        "break_even_packages": money_of["break_even_packages"].reindex(ids).to_numpy(float),
        "members_kept": at["added_users"] * at["users_churn"] * likely["churn_reduction_users"],
        "packages_sold": at["added_back_pain_users"] * likely["trainer_led_share"]
        * (1.0 - likely["pt_user_share"]),
        "sourced_items": [list(counted.loc[counted[ID] == i, "item"]) for i in ids],
    })


def money_split_for(analysis: DecisionAnalysis) -> pd.DataFrame:
    """:func:`money_split` of a decision, candidates best first."""
    finance = analysis.finance.set_index(ID).loc[list(analysis.ranking.index)].reset_index()
    return money_split(finance, analysis.simulation, analysis.model,
                       benefit_items_for(analysis))


def benefit_items_for(analysis: DecisionAnalysis) -> pd.DataFrame:
    """:func:`benefit_items` of a decision, candidates best first."""
    finance = analysis.finance.set_index(ID).loc[list(analysis.ranking.index)].reset_index()
    return benefit_items(finance, analysis.model, analysis.candidates, analysis.data.assumptions)


def money_split_table(split: pd.DataFrame, names: Mapping[str, str],
                      currency: str) -> pd.DataFrame:
    """:func:`money_split` as text: one row per machine, present values and the break-even."""
    c = currency
    return pd.DataFrame({
        **{ITEM_LABELS[item]: [money(v, c) for v in split[f"pv_{item}"]]
           for item in BENEFIT_ITEMS},
        "Costs": [money(v, c) for v in split["pv_costs"]],
        "NPV": [money(v, c, signed=True) for v in split["npv"]],
        "NPV > 0": [share(v) for v in split["p_npv_positive"]],
        "NPV, measured and published only": [money(v, c, signed=True)
                                             for v in split["npv_sourced"]],
        "Sourced NPV > 0": [share(v) for v in split["p_npv_positive_sourced"]],
        "Pays for itself at: members kept or won a year": [
            number(v, ".1f") for v in split["break_even_members"]],
        "or trainer packages a year": [number(v, ".1f") for v in split["break_even_packages"]],
    }, index=pd.Index([names.get(i, i) for i in split[ID]], name="Machine"))


def basis_table(items: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """Each benefit item's basis and what it rests on (text); one row per item and basis.

    Candidates whose item rests on the same inputs share a row (the machines column names
    them, "all" when every candidate does).
    """
    everyone = list(dict.fromkeys(items[ID]))
    rows = []
    for (item, basis, weakest, source), group in items.groupby(
            ["item", "basis", "weakest", "source"], sort=False):
        machines = list(group[ID])
        rows.append({"Benefit": ITEM_LABELS[item],
                     "Machines": "all" if machines == everyone
                     else ", ".join(names.get(m, m) for m in machines),
                     "Basis": BASIS_WORDS[basis],
                     "Weakest input": weakest[:1].upper() + weakest[1:],
                     "Source": source or "–"})
    order = {item: k for k, item in enumerate(BENEFIT_ITEMS)}
    table = pd.DataFrame(rows)
    table = table.iloc[np.argsort([order[i] for i in items.drop_duplicates(
        ["item", "basis", "weakest", "source"])["item"]], kind="stable")]
    return table.set_index("Benefit")


def money_split_markdown(row: pd.Series, name: str, currency: str) -> str:
    """One machine's money in sentences: what its NPV is made of, sourced NPV, break-even.

    ``row`` is the machine's row of :func:`money_split`; ``name`` its plain name.
    """
    c = currency
    machine = markdown_text(in_sentence(name))
    parts = joined([f"{money(row[f'pv_{item}'], c)} from {ITEM_LABELS[item].lower()}"
                    for item in BENEFIT_ITEMS])
    lead = (f"Over {plural(row['years'], 'year')}, the {machine}'s net present value of "
            f"{money(row['npv'], c, signed=True)} (most likely) is {parts}, less "
            f"{money(row['pv_costs'], c)} of costs (present values).")
    counted = row["sourced_items"]
    if counted:
        which = joined([ITEM_LABELS[i].lower() for i in counted])
        sourced = (f"Counting only the benefits measured at the club or published ({which}) "
                   f"and every cost, it is {money(row['npv_sourced'], c, signed=True)}, "
                   f"positive in {share(row['p_npv_positive_sourced'])} of the simulated "
                   f"futures (all benefits counted: {share(row['p_npv_positive'])}).")
    else:
        sourced = ("None of its benefits rests only on figures measured at the club or "
                   "published: counting those alone leaves its costs, "
                   f"{money(row['npv_sourced'], c, signed=True)}. Every benefit counted, its "
                   f"NPV is positive in {share(row['p_npv_positive'])} of the simulated "
                   "futures.")
    even = (f"It pays for itself if it keeps about {number(row['break_even_members'], '.1f')} "
            "members a year who would otherwise leave (or wins as many new ones), or sells "
            f"about {number(row['break_even_packages'], '.1f')} trainer packages a year; once "
            f"adopted the model expects it to keep about {number(row['members_kept'], '.1f')} "
            f"and sell about {number(row['packages_sold'], '.1f')}.")
    return " ".join([lead, sourced, even])


def money_markdown_for(analysis: DecisionAnalysis) -> str:
    """:func:`money_split_markdown` of the machine the first screen describes."""
    split = money_split_for(analysis).set_index(ID)
    featured = analysis.featured
    return money_split_markdown(split.loc[featured], analysis.names[featured],
                                analysis.currency)


# ---------------------------------------------------------------- what it adds

def added_use(forecast: pd.DataFrame, simulation: SimulationResult, model: ModelInputs,
              ids: list[str]) -> pd.DataFrame:
    """Each candidate's own use, the users it adds and what it draws from owned machines.

    One row per candidate of ``ids``: ``equipment_id``; ``regular_users``,
    ``weekly_sessions`` (its own, once adopted beside the owned machines) and
    ``added_users``, ``added_back_pain_users`` (what it adds to the club as it is), most
    likely; ``added_p10``, ``added_p90`` (the added users' Monte Carlo band); ``drawn``
    (sessions a week it takes from the owned machines, summed) and ``drawn_from`` (a list of
    ``(owned_id, sessions a week)`` pairs, most first, each at least
    :data:`MIN_DRAWN_SESSIONS`).
    """
    likely = forecast[forecast["scenario"].astype(str) == "most_likely"].set_index(ID)
    band = simulation.band("added_users")
    drawn = owned_use(model) if len(model.owned.ids) else pd.DataFrame(
        columns=[ID, "owned_id", "drawn"])
    rows = []
    for equipment_id in ids:
        mine = drawn[drawn[ID] == equipment_id].sort_values("drawn", ascending=False,
                                                              kind="stable")
        rows.append({
            ID: equipment_id,
            **{name: float(likely.loc[equipment_id, name])
               for name in ("regular_users", "weekly_sessions", "added_users",
                            "added_back_pain_users")},
            "added_p10": float(band.loc[equipment_id, "p10"]),
            "added_p90": float(band.loc[equipment_id, "p90"]),
            "drawn": float(mine["drawn"].clip(lower=0).sum()),
            "drawn_from": [(str(o), float(s)) for o, s in zip(mine["owned_id"], mine["drawn"],
                                                                strict=True)
                           if s >= MIN_DRAWN_SESSIONS]})
    return pd.DataFrame(rows)


def added_use_for(analysis: DecisionAnalysis) -> pd.DataFrame:
    """:func:`added_use` of a decision, candidates best first."""
    return added_use(analysis.forecast, analysis.simulation, analysis.model,
                     list(analysis.ranking.index))


def added_use_table(added: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """:func:`added_use` as text: one row per machine."""
    return pd.DataFrame({
        "Its regular users": [number(v) for v in added["regular_users"]],
        "Users it adds (P10–P90)": [
            f"{number(m)} ({number(lo)}–{number(hi)})" for m, lo, hi in
            zip(added["added_users"], added["added_p10"], added["added_p90"], strict=True)],
        "of them with back pain": [number(v) for v in added["added_back_pain_users"]],
        "Its sessions a week": [number(v) for v in added["weekly_sessions"]],
        "Taken from machines owned": [number(v) for v in added["drawn"]],
    }, index=pd.Index([names.get(i, i) for i in added[ID]], name="Machine"))


def drawn_sentence(row: pd.Series, names: Mapping[str, str]) -> str:
    """What one candidate draws from the owned machines, in words (plain text).

    "Of its 74 sessions a week, about 16 would have been on the 45-degree back extension and
    6 on the rowing machine." Or that it draws none.
    """
    machine = in_sentence(names.get(row[ID], row[ID]))
    if not row["drawn_from"]:
        return (f"The {machine} takes no sessions from the machines the club owns: its "
                f"{plural(row['weekly_sessions'], 'session')} a week are all new use.")
    places = joined([f"{number(s)} on the {in_sentence(names.get(o, o))}"
                     + (" the club already has" if o == row[ID] else "")
                     for o, s in row["drawn_from"]])
    return (f"Of the {machine}'s {plural(row['weekly_sessions'], 'session')} a week, about "
            f"{places.replace(' on the ', ' would have been on the ', 1)}.")


def substitution_sentence(assumptions: Mapping[str, Assumption]) -> str:
    """The substitution assumption named, with its range and source (plain text)."""
    item = assumptions.get("substitution")
    if not isinstance(item, Assumption):
        return ""
    source = ("a judgement until a usage review measures it" if not item.is_sourced
              else _first_part(item.source))
    return (f"How far members would use an owned machine serving the same need instead is an "
            f"assumption (substitution): {number(item.most_likely, 'g')} most likely, from "
            f"{number(item.low, 'g')} (machines add users independently) to "
            f"{number(item.high, 'g')} (a machine adds no one an owned machine serves as "
            f"well); {source}.")


def added_use_markdown(added: pd.DataFrame, names: Mapping[str, str], owned: int,
                       assumptions: Mapping[str, Assumption]) -> str:
    """The section's words: users added for the first machine, what each draws, substitution.

    ``owned`` is how many machines the club owns; with none, every user is new.
    """
    first = added.iloc[0]
    machine = markdown_text(in_sentence(names.get(first[ID], first[ID])))
    if not owned:
        return (f"The club owns no machine yet, so every user is new to the club's equipment: "
                f"the {machine} would have about {number(first['added_users'])} regular users "
                f"(P10–P90: {number(first['added_p10'])}–{number(first['added_p90'])}), and "
                "takes no sessions from another machine.")
    lead = (f"Beside the machines the club owns, the {machine} would add about "
            f"{number(first['added_users'])} regular users to the club's equipment (P10–P90: "
            f"{number(first['added_p10'])}–{number(first['added_p90'])}), of its "
            f"{number(first['regular_users'])} users in all: the others would use a machine "
            "the club already has for the same need. Only the users it adds count in its "
            "money.")
    lines = [lead, ""]
    lines += [f"- {markdown_text(drawn_sentence(row, names))}" for _, row in added.iterrows()]
    lines += ["", markdown_text(substitution_sentence(assumptions))]
    return "\n".join(lines)


def added_markdown_for(analysis: DecisionAnalysis) -> str:
    """:func:`added_use_markdown` of a decision."""
    return added_use_markdown(added_use_for(analysis), analysis.names,
                              len(analysis.model.owned.ids), analysis.data.assumptions)


# ---------------------------------------------------------------- who cancels

def users_churn(model: ModelInputs, ids: list[str]) -> pd.Series:
    """Each candidate's regular users' cancellation rate (fraction a year), most likely.

    From their visit bands' rates (:func:`evaluate.model.demand.users_churn`), by
    equipment_id in ``ids`` order.
    """
    return pd.Series(_expected(model, ids)["users_churn"], index=pd.Index(ids, name=ID),
                     name="users_churn")


def churn_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`~evaluate.reports.decision.analysis.churn_by_visits` as text."""
    return pd.DataFrame({
        "Members in the year": [count_text(v) for v in table["members"]],
        "Cancelled": [count_text(v) for v in table["cancellations"]],
        "Cancel within a year": [share(v) for v in table["rate"]],
        "Basis": table["basis"].to_numpy(),
    }, index=pd.Index([b if b == "all members" else f"{b} visits a week"
                       for b in table["band"]], name="Members who visit"))


def churn_markdown(model: ModelInputs, rates: pd.Series, names: Mapping[str, str],
                   min_group_size: int) -> str:
    """Where the rates come from, and each candidate's users' rate against the club's."""
    churn = model.churn
    if churn is None:
        return ""
    source = churn.source[:1].upper() + churn.source[1:]
    club = churn.club_rate
    each = joined([f"{share(r)} for the {in_sentence(names.get(i, i))}"
                   for i, r in rates.items()])
    lower = bool((rates < club).all())
    how = ("visit more often than most, so they cancel less" if lower
           else "cancel at the rates of the visit bands they are in")
    lines = [f"{markdown_text(source)}.", "",
             markdown_text(f"The club as a whole loses {share(club)} of its members in a year. "
                           f"The members who would use each machine regularly {how}: {each}. "
                           "Keeping members in the money counts the users' own rate."),
             "", PRIVACY_NOTE.format(size=max(min_group_size, 10))]
    return "\n".join(lines)


def churn_markdown_for(analysis: DecisionAnalysis) -> str:
    """:func:`churn_markdown` of a decision, candidates best first."""
    ids = list(analysis.ranking.index)
    return churn_markdown(analysis.model, users_churn(analysis.model, ids), analysis.names,
                          analysis.params.min_group_size)


def churn_table_for(analysis: DecisionAnalysis) -> pd.DataFrame | None:
    """:func:`churn_table` of the decision's rates (privacy applied); ``None`` without them."""
    if analysis.model.churn is None:
        return None
    return churn_table(churn_by_visits(analysis.model.churn, analysis.params.min_group_size))


# ---------------------------------------------------------------- criteria overlap

def criteria_overlap(analysis: DecisionAnalysis) -> pd.DataFrame:
    """:func:`~evaluate.mcda.correlation.criteria_correlation` on the decision's draws.

    The candidates' draws only (:func:`evaluate.reports.decision.matrix.decision_draws`),
    as the rank acceptability reads them.
    """
    draws = decision_draws(analysis.simulation, analysis.candidates, analysis.criteria)
    return criteria_correlation(draws, analysis.criteria.names)


def overlap_table(overlap: pd.DataFrame) -> pd.DataFrame:
    """The pairs at or above :data:`~evaluate.mcda.correlation.REDUNDANT_RHO` (text)."""
    pooled = correlated_pairs(overlap)
    within = correlated_pairs(overlap, column="rho_draws")
    pairs = pd.concat([within, pooled]).drop_duplicates(["criterion_a", "criterion_b"])
    return pd.DataFrame({
        "and": [criterion_label(b) for b in pairs["criterion_b"]],
        "Within each machine's futures": [number(v, ".2f") for v in pairs["rho_draws"]],
        "Over all machines and futures": [number(v, ".2f") for v in pairs["rho"]],
    }, index=pd.Index([criterion_label(a) for a in pairs["criterion_a"]], name="Criterion"))


def _pair(row: pd.Series) -> str:
    return (f"{criterion_label(row['criterion_a']).lower()} and "
            f"{criterion_label(row['criterion_b']).lower()}")


def overlap_markdown(overlap: pd.DataFrame, weights: pd.Series, candidates: int,
                     default_weights: bool) -> str:
    """The overlapping pairs in a sentence, and what the weights do about it.

    ``weights`` are the decision's (normalised); ``default_weights`` whether they are the
    documented defaults (:mod:`evaluate.mcda.criteria`).
    """
    within = correlated_pairs(overlap, column="rho_draws")
    pooled = correlated_pairs(overlap)
    only_pooled = pooled[~pooled.set_index(["criterion_a", "criterion_b"]).index.isin(
        within.set_index(["criterion_a", "criterion_b"]).index)]
    threshold = number(REDUNDANT_RHO, ".1f")
    if within.empty:
        lead = (f"No two criteria move together strongly across the simulated futures (rank "
                f"correlation {threshold} or more within each machine's futures).")
    else:
        said = joined([f"{_pair(r)} ({number(r['rho_draws'], '.2f')})"
                       for _, r in within.iterrows()])
        lead = (f"Across the simulated futures, some criteria move together: {said} (rank "
                f"correlation within each machine's futures; {threshold} or more, either "
                "sign, is strong). Such a pair measures much the same thing, so a weighted "
                "sum counts it twice.")
    apart = ""
    if not only_pooled.empty:
        said = joined([f"{_pair(r)} ({number(r['rho'], '.2f')})"
                       for _, r in only_pooled.iterrows()])
        apart = (f" Over all {plural(candidates, 'machine')} together, {said} also go "
                 "together, but only because of how the machines compared differ, not "
                 "because one forecast drives both.")
    forecast = [n for n in FORECAST_CRITERIA if n in weights.index]
    together = float(weights.reindex(forecast).sum())
    names = joined([criterion_label(n).lower() for n in forecast])
    all_three = joined([criterion_label(n).lower() for n in FORECAST_CRITERIA])
    npv = float(weights.get("npv", np.nan))
    against = ("" if not npv > 0 else
               f", as much as the net present value's {share(npv)}" if share(together)
               == share(npv) else
               f", {number(together / npv, '.1f')} times the net present value's {share(npv)}")
    if default_weights:
        weights_text = (f" The default weights count the one demand forecast once: {names}, "
                        f"all read off it, together weigh {share(together)}{against}.")
    else:
        weights_text = (f" This decision sets its own weights: {names}, read off one "
                        f"demand forecast, {'together weigh' if len(forecast) > 1 else 'weighs'}"
                        f" {share(together)}{against}. The default weights give the "
                        f"forecast's criteria ({all_three}) together as much weight as the net "
                        "present value, so that the one forecast counts once.")
    return markdown_text(lead + apart + (weights_text if forecast else ""))


def overlap_markdown_for(analysis: DecisionAnalysis) -> str:
    """:func:`overlap_markdown` of a decision."""
    p = analysis.params
    return overlap_markdown(criteria_overlap(analysis), analysis.weights,
                            len(analysis.candidates), not (p.weights or p.pairwise))
