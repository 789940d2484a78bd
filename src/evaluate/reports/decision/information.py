"""What more information is worth, and a staged plan for the machine once it is installed.

Two parts of the decision report:

- **The value of information** (:func:`value_of_information`): the expected value of perfect
  information (EVPI) of the decision among the candidates and buying nothing, and the
  expected value of partial perfect information (EVPPI) of each group of inputs
  (:func:`input_groups`) and of the featured machine's real weekly use once adopted (what a
  trial rental measures: every input that moves its use, learnt at once), by the regression
  method of Strong, Oakley and Brennan (2014; :mod:`evaluate.mcda.value_of_information`).
  It is computed on money: each option's net
  benefit in a simulated future is its NPV (``SimulationResult.draws["npv"]``), buying
  nothing's is 0. Not on the weighted score: a score is relative to the candidates compared,
  and a study's worth has to be weighed against its cost in money. Each figure is the most a
  study of those inputs could be worth on average: a trial rental or a members' survey that
  costs less can be worth doing, one that costs more is not. Stated intentions overstate
  behaviour (Sheeran 2002, "Intention-behavior relations: a conceptual and empirical review",
  *European Review of Social Psychology* 12), so a trial rental measures use better than a
  survey.
- **The staged plan** (:func:`review_plan`): the usage reviews at :data:`REVIEW_MONTHS` after
  installation, with the weekly use expected then (the most-likely forecast times the
  adoption ramp, :func:`evaluate.model.demand.ramp_factor`, and its P10-P90 across the
  simulated futures) and the weekly use below which the machine is not on course to pay for
  itself, so that moving it (a better spot, another club) or selling it is worth weighing:
  the break-even weekly uses of :func:`evaluate.model.finance.finance_core` (the use at which
  the benefits that grow with use pay for the costs; new joins left out, as there) times the
  same ramp.

The functions take the pieces they need (a simulation, a finance frame, an adoption band),
so that :func:`evaluate.reports.decision.analysis.analyse_decision` computes them once; the
report's sentences and tables take the result.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.equipment import ID
from evaluate.mcda.value_of_information import evpi, evppi
from evaluate.model.demand import ramp_factor
from evaluate.model.prepared import DEMAND_ERROR_PREFIX, PRICE_PREFIX, RELEVANCE_PREFIX
from evaluate.model.uncertainty import SimulationResult
from evaluate.reports.formatting import in_sentence, joined, money, number, plural, share

#: Inputs that move every machine's demand alike: the uptakes, the relevance weights, the
#: sessions a user trains a week, how many members have back pain and how fast use builds up.
SHARED_DEMAND = ("uptake_back_care", "uptake_posterior_chain", "uptake_general_fitness",
                 "relevance_weight_medium", "relevance_weight_low", "sessions_per_user_week",
                 "desk_share_prior", "sedentary_odds_ratio", "prevalence_position",
                 "adoption_months")
#: The other groups of inputs, in the order the report lists them, with their labels.
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "shared_demand": ("Members' uptake and visits, for every machine alike", SHARED_DEMAND),
    "substitution": ("How far members would use an owned machine instead", ("substitution",)),
    "churn_effect": ("How far users cancel less (the churn effect)",
                     ("churn_reduction_users", "baseline_annual_churn")),
    "new_joins": ("New members joining for the machine",
                  ("new_joins_per_year", "new_joins_cap_share")),
    "trainer_sessions": ("Trainer sessions sold",
                         ("trainer_led_share", "trainer_sessions_per_buyer_year",
                          "trainer_session_price", "trainer_session_margin", "pt_user_share")),
    "running_costs": ("Running costs, life and resale value",
                      ("floor_cost_per_m2_year", "installation_share_of_price",
                       "maintenance_share_of_price", "lifespan_years_strength",
                       "lifespan_years_cardio", "salvage_share")),
}
#: The group of every candidate's price (``price:<equipment_id>``).
PRICES = ("prices", "The machines' prices")
#: Months after installation at which to review the machine's use: 3, where use is fully
#: adopted at the documented most-likely ``adoption_months``, and 6, its high end, where use
#: is fully adopted in every simulated future of the documented range.
REVIEW_MONTHS = (3, 6)
#: A value of information below this share of the machine's up-front cost is negligible: a
#: trial rental or a members' survey costs more than that in staff time and fees, so finding
#: out first is worth little.
NEGLIGIBLE_SHARE = 0.01


@dataclass(frozen=True)
class Information:
    """What more information is worth, and the staged plan (see the module docstring).

    ``evpi`` (currency); ``evppi``: one row per group of inputs that varies
    (:func:`input_groups`) and one for the featured machine's real weekly use once adopted
    (:func:`use_group`, an output of the model that learning every input moving its use
    would reveal), highest value first, columns ``group`` (its key in ``summary.json``),
    ``label``, ``inputs`` (the drawn names, a tuple) and ``evppi`` (currency);
    ``featured``: the machine the plan and the first screen's sentence are about; ``plan``:
    :func:`review_plan`; ``break_even``: its break-even weekly uses at full adoption
    (sessions/week; NaN when it has no sessions, inf when no use pays for it).
    """

    evpi: float
    evppi: pd.DataFrame
    featured: str
    plan: pd.DataFrame
    break_even: float

    @property
    def weekly_use(self) -> float:
        """The EVPPI of the featured machine's real weekly use (currency; NaN if it never varies).

        What a trial rental measures: the first screen's "knowing the real weekly use".
        """
        rows = self.evppi[self.evppi["group"] == use_group(self.featured)]
        return float(rows["evppi"].iloc[0]) if len(rows) else math.nan


def demand_group(equipment_id: str) -> str:
    """The key of one machine's own demand group: ``demand:<equipment_id>``."""
    return f"demand:{equipment_id}"


def use_group(equipment_id: str) -> str:
    """The key of one machine's real weekly use: ``weekly_use:<equipment_id>``."""
    return f"weekly_use:{equipment_id}"


def input_groups(inputs: Mapping[str, np.ndarray], equipment_ids: Sequence[str],
                 names: Mapping[str, str]) -> list[tuple[str, str, tuple[str, ...]]]:
    """The groups of drawn inputs whose value of information the report gives.

    ``(key, label, inputs)`` for: each candidate's own demand (its ``demand_error:<id>``, the
    model's error on that machine's forecast, and ``relevance:<id>``, its drawn back-care
    relevance), then :data:`GROUPS` and every candidate's price (:data:`PRICES`). Names not
    drawn are skipped, and so is a group whose inputs never vary across the draws.
    """
    def varies(name: str) -> bool:
        values = np.asarray(inputs[name], dtype=float)
        return bool(values.size and np.ptp(values) > 0)

    found: list[tuple[str, str, tuple[str, ...]]] = []
    for machine in equipment_ids:
        label = f"How much the {in_sentence(names.get(machine, machine))} itself would be used"
        found.append((demand_group(machine), label,
                      (f"{DEMAND_ERROR_PREFIX}{machine}", f"{RELEVANCE_PREFIX}{machine}")))
    found += [(key, label, group) for key, (label, group) in GROUPS.items()]
    found.append((*PRICES, tuple(f"{PRICE_PREFIX}{m}" for m in equipment_ids)))
    kept = []
    for key, label, group in found:
        drawn = tuple(name for name in group if name in inputs and varies(name))
        if drawn:
            kept.append((key, label, drawn))
    return kept


def net_benefit(simulation: SimulationResult) -> np.ndarray:
    """Each option's NPV in each draw, ``(draws, candidates + 1)``: buying nothing last, at 0."""
    npv = np.asarray(simulation.draws["npv"], dtype=float)
    return np.column_stack([npv, np.zeros(npv.shape[0])])


def value_of_information(simulation: SimulationResult, finance: pd.DataFrame,
                         adoption: pd.DataFrame, assumptions: Mapping[str, Assumption],
                         featured: str, names: Mapping[str, str]) -> Information:
    """The decision's EVPI, each group's EVPPI and the staged plan of ``featured``.

    ``simulation``: the Monte Carlo (its NPV draws and drawn inputs); ``finance``: the
    most-likely money (:func:`evaluate.model.finance.finance_summary`); ``adoption``: the
    weekly-use band month by month (:func:`evaluate.model.uncertainty.adoption_band`);
    ``assumptions``: the club's (``adoption_months``); ``names``: each machine's name, for
    the groups' labels.
    """
    values = net_benefit(simulation)
    total = evpi(values)
    rows = [{"group": key, "label": label, "inputs": group,
             "evppi": evppi(values, np.column_stack([simulation.inputs[n] for n in group]))}
            for key, label, group in input_groups(simulation.inputs, simulation.equipment_ids,
                                                  names)]
    # What a trial rental measures: the featured machine's weekly sessions once adopted, a
    # function of every input that moves its use (its own, the shared ones), learnt at once.
    sessions = np.asarray(simulation.draws["weekly_sessions"], dtype=float)
    use = sessions[:, simulation.equipment_ids.index(featured)]
    if np.ptp(use) > 0:
        name = in_sentence(names.get(featured, featured))
        rows.append({"group": use_group(featured),
                     "label": f"The real weekly use of the {name} (what a trial rental "
                              "measures)",
                     "inputs": (f"weekly_sessions:{featured}",), "evppi": evppi(values, use)})
    table = pd.DataFrame(rows, columns=["group", "label", "inputs", "evppi"])
    table = table.sort_values("evppi", ascending=False, kind="stable", ignore_index=True)
    break_even = float(finance.set_index(ID).loc[featured, "break_even_weekly_uses"])
    plan = review_plan(simulation, adoption, assumptions, featured, break_even)
    return Information(evpi=total, evppi=table, featured=featured, plan=plan,
                       break_even=break_even)


def review_plan(simulation: SimulationResult, adoption: pd.DataFrame,
                assumptions: Mapping[str, Assumption], featured: str,
                break_even: float) -> pd.DataFrame:
    """The usage reviews of ``featured`` after installation, one row per review month.

    Columns ``month`` (:data:`REVIEW_MONTHS`), ``ramp`` (share of full use reached that month
    at the most-likely ``adoption_months``), ``expected`` (sessions/week: the most-likely line
    of ``adoption``), ``p10`` and ``p90`` (its band), ``move_below`` (sessions/week:
    ``break_even`` times the ramp, the use below which the machine is not on course to pay
    for itself) and ``p_below`` (the share of simulated futures, each with its own ramp, whose
    use that month falls below ``move_below``; NaN without a finite break-even).
    """
    months = np.array(REVIEW_MONTHS, dtype=float)
    ramp = ramp_factor(months, assumptions["adoption_months"].most_likely)
    band = adoption[adoption[ID] == featured].assign(scenario=lambda f: f["scenario"].astype(str))
    line = band.pivot_table(index="month", columns="scenario", values="weekly_sessions",
                            observed=True).reindex(REVIEW_MONTHS)
    move_below = break_even * ramp
    column = simulation.equipment_ids.index(featured)
    sessions = np.asarray(simulation.draws["weekly_sessions"], dtype=float)[:, column:column + 1]
    drawn = sessions * ramp_factor(months[None, :], simulation.inputs["adoption_months"])
    p_below = (np.mean(drawn < move_below[None, :], axis=0) if math.isfinite(break_even)
               else np.full(months.size, np.nan))
    return pd.DataFrame({"month": np.array(REVIEW_MONTHS), "ramp": ramp,
                         "expected": line["most_likely"].to_numpy(float),
                         "p10": line["low"].to_numpy(float), "p90": line["high"].to_numpy(float),
                         "move_below": move_below, "p_below": p_below})


# ------------------------------------------------------------------ the report's words

def negligible(value: float, up_front: float) -> bool:
    """Whether a value of information is too small to act on (:data:`NEGLIGIBLE_SHARE`)."""
    return not value >= NEGLIGIBLE_SHARE * up_front


def first_screen_sentence(info: Information, names: Mapping[str, str], currency: str,
                          up_front: float) -> str:
    """The first screen's sentence on finding out first, for the featured machine.

    "Knowing the real weekly use of the reverse hyperextension before buying is worth up to
    $2,000: a trial rental or a members' survey costing less is worth doing (a trial
    measures use better: people overstate what they intend to do)." With the EVPPI of
    its real weekly use once adopted (:attr:`Information.weekly_use`: what a trial rental
    measures); when that is negligible (below :data:`NEGLIGIBLE_SHARE` of ``up_front``),
    it says finding out first is worth little, and nothing when it is 0.
    """
    name = in_sentence(names.get(info.featured, info.featured))
    value = info.weekly_use
    finding = f"Finding out the real weekly use of the {name} before buying is worth"
    if not value > 0:  # 0, or its use never varies in the draws
        return (f"{finding} nothing within the ranges assumed: learning it would not change "
                "the choice")
    if negligible(value, up_front):
        return (f"{finding} little: up to {money(value, currency)}, under "
                f"{share(NEGLIGIBLE_SHARE)} of its up-front cost, less than a trial rental or "
                "a members' survey would cost")
    return (f"Knowing the real weekly use of the {name} before buying is worth up to "
            f"{money(value, currency)}: a trial rental or a members' survey costing less is "
            "worth doing (a trial measures use better: people overstate what they intend to "
            "do)")


def information_text(info: Information, names: Mapping[str, str], currency: str,
                     up_front: float) -> str:
    """The section's sentences on the value of information (plain text, for Markdown)."""
    total = money(info.evpi, currency)
    text = (f"Deciding after learning every uncertain input exactly would be worth {total} "
            "on average, against deciding now (the expected value of perfect information). "
            "It is counted in money: each option's net present value in each simulated "
            "future, buying nothing at 0, not the weighted score. No study can be worth "
            "more than that.")
    if negligible(info.evpi, up_front):
        text += (" That is under "
                 f"{share(NEGLIGIBLE_SHARE)} of the machine's up-front cost: within the ranges "
                 "assumed, finding out more first would hardly change the choice.")
    top = info.evppi.iloc[0] if len(info.evppi) else None
    if top is not None and not negligible(float(top["evppi"]), up_front):
        text += (f" Of each group of inputs alone, the most worth learning is "
                 f"{top['label'][0].lower()}{top['label'][1:]} (up to "
                 f"{money(float(top['evppi']), currency)}).")
    use = info.weekly_use
    if math.isfinite(use) and not negligible(use, up_front):
        name = in_sentence(names.get(info.featured, info.featured))
        text += (f" The real weekly use of the {name}, which a trial rental measures, is worth "
                 f"up to {money(use, currency)}: it reveals at once every input that moves its "
                 "use, so it can be worth more than any one group of them.")
    text += (" A trial rental measures use better than a members' survey: stated intentions "
             "overstate behaviour (about half of people who intend to exercise do not; "
             "Sheeran 2002).")
    return text


def plan_text(info: Information, names: Mapping[str, str]) -> str:
    """The staged plan in words: when to review the machine's use, and the line to hold."""
    name = in_sentence(names.get(info.featured, info.featured))
    plan = info.plan
    when = joined([f"{m} months" for m in plan["month"]])
    reviews = f"Review the use of the {name} {when} after installation (a usage review)"
    if math.isnan(info.break_even):
        return (f"{reviews}. The model forecasts no use of it, so the reviews cannot give a "
                "line to hold.")
    if not math.isfinite(info.break_even):
        return (f"{reviews}. No weekly use pays for it from the benefits that grow with use, "
                "so the reviews cannot give a line to hold.")
    lines = [f"at {int(r.month)} months, about {plural(r.expected, 'session')} a week are "
             f"expected; below {number(r.move_below, '.0f')} it is not on course to pay for "
             f"itself ({share(r.p_below)} of simulated futures fall below)"
             for r in plan.itertuples(index=False)]
    text = (f"{reviews}: {'; '.join(lines)}. The line is the break-even of "
            f"{plural(info.break_even, 'session')} a week once adopted (new joins not "
            "counted), scaled by how far use has built up by then. Below it, moving the "
            "machine (a better spot, another club) or selling it is worth weighing; what was "
            "paid is spent either way, so compare what it would fetch with what it still "
            "brings in.")
    if (plan["expected"] < plan["move_below"]).any():
        text += (" The forecast itself is below the line: at the most-likely values it does "
                 "not pay for itself.")
    return text


def evppi_display(info: Information, currency: str) -> pd.DataFrame:
    """The EVPPI per group of inputs as a text table, highest first, EVPI last."""
    table = info.evppi
    worth = f"Worth knowing before buying ({currency})"
    rows = pd.DataFrame({worth: [money(v, currency) for v in table["evppi"]]},
                        index=pd.Index(table["label"].to_numpy(), name="What is learnt"))
    every = pd.DataFrame({worth: [money(info.evpi, currency)]},
                         index=pd.Index(["Every uncertain input (perfect information)"],
                                        name="What is learnt"))
    return pd.concat([rows, every])


def plan_display(info: Information) -> pd.DataFrame:
    """The staged plan as a text table, one row per review."""
    plan = info.plan
    return pd.DataFrame({
        "Expected weekly use (most likely)": [number(v, ".0f") for v in plan["expected"]],
        "P10–P90": [f"{number(lo, '.0f')}–{number(hi, '.0f')}"
                    for lo, hi in zip(plan["p10"], plan["p90"], strict=True)],
        "Move or sell below (sessions a week)": [number(v, ".0f") for v in plan["move_below"]],
        "Futures below the line": [share(v) for v in plan["p_below"]],
    }, index=pd.Index([f"{m} months" for m in plan["month"]], name="Review after installation"))


def summary_values(info: Information) -> dict[str, object]:
    """``summary.json``'s ``evpi`` (currency) and ``evppi`` (group key -> currency)."""
    return {"evpi": float(info.evpi),
            "evppi": {str(g): float(v) for g, v in zip(info.evppi["group"], info.evppi["evppi"],
                                                       strict=True)}}
