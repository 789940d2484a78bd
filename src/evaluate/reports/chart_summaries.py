"""One sentence per chart that says what it shows: its text alternative, from its own data.

A reader who does not see a chart (a screen reader, a chart that did not draw, a reader who
cannot tell its colours apart) gets its title and this sentence
(:func:`evaluate.reports.charts.describe`). Each function here takes the very frame the chart
function draws, and words its main finding with the numbers written as the chart writes
them (the same rounding, the same units), so the sentence never holds a figure the chart
does not. Hidden (suppressed) groups are never named or counted. The chart modules call these;
charts only draw, the wording is here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from evaluate.reports.formatting import (
    OVER_CAPACITY,
    SEX_LABELS,
    in_sentence,
    joined,
    money,
    number,
    plural,
    share,
    tied_with_first,
)
from evaluate.reports.privacy import SUPPRESSED

#: How a sex label of the reports reads at the start of "... aged 18-29".
_SEX_WORDS = {SEX_LABELS["F"]: "women", SEX_LABELS["M"]: "men",
              SEX_LABELS["X"]: "members of another or not stated sex"}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _shown(table: pd.DataFrame, column: str = "members") -> pd.DataFrame:
    """The rows a chart draws: neither suppressed nor empty."""
    hidden = table[SUPPRESSED].astype(bool) if SUPPRESSED in table else False
    return table.loc[~hidden & table[column].notna() & (table[column] > 0)]


def _name(equipment_id: object, names: Mapping[str, str]) -> str:
    key = str(equipment_id)
    return in_sentence(str(names.get(key) or key.replace("_", " ")))


def _leaders(values: pd.Series, names: Mapping[str, str],
             shown: Callable[[float], str]) -> tuple[str, int]:
    """The machines sharing the highest of ``values`` as the chart shows it, and how many.

    A sentence that names one machine best must not when the chart prints the same figure
    for another (:func:`evaluate.reports.formatting.tied_with_first`).
    """
    ordered = values.sort_values(ascending=False, kind="stable")
    count = tied_with_first(list(ordered), shown)
    return joined([f"the {_name(i, names)}" for i in ordered.index[:count]]), count


# --- the member profile --------------------------------------------------------------------------

def age_sex_summary(table: pd.DataFrame) -> str:
    """Which age band and sex is the largest group shown, and how many members it has."""
    shown = _shown(table)
    if shown.empty:
        return "No group of members is large enough to show."
    top = shown.loc[shown["members"].idxmax()]
    who = _SEX_WORDS.get(str(top["sex"]), str(top["sex"]).lower())
    return (f"{_capital(who)} aged {top['age_band']} are the largest group shown, with "
            f"{number(top['members'], ',.0f')} members.")


#: What each banded chart of the member profile counts members by, in a sentence.
BAND_WORDS = {"visits_band": "band of visits per week", "tenure_band": "time as a member",
              "goal": "training goal"}
BAND_UNITS = {"tenure_band": " months"}


def bands_summary(table: pd.DataFrame, category: str) -> str:
    """The largest bar of a banded member chart, its members and its share."""
    shown = _shown(table)
    if shown.empty:
        return "No group of members is large enough to show."
    top = shown.loc[shown["members"].idxmax()]
    what = BAND_WORDS.get(category, category.replace("_", " "))
    part = f" ({share(top['share'])})" if "share" in top and pd.notna(top["share"]) else ""
    return (f"The most common {what} is “{top[category]}”{BAND_UNITS.get(category, '')}: "
            f"{number(top['members'], ',.0f')} members{part}.")


# --- the model's outputs -------------------------------------------------------------------------

def adoption_summary(curve: pd.DataFrame, names: Mapping[str, str], ids: Sequence[str]) -> str:
    """Each machine's most likely weekly sessions at the last month drawn (the line's end)."""
    likely = curve.loc[curve["scenario"].astype(str) == "most_likely"]
    ends = []
    for eid in ids:
        mine = likely.loc[likely["equipment_id"].astype(str) == eid].sort_values("month")
        last = mine.iloc[-1]
        ends.append(f"{number(last['weekly_sessions'], ',.0f')} sessions a week on the "
                    f"{_name(eid, names)}")
    month = int(likely["month"].max())
    return f"By month {month} after installation the most likely use is {joined(ends)}."


def npv_distribution_summary(summary: pd.DataFrame, names: Mapping[str, str],
                             currency: str) -> str:
    """The machine with the highest median NPV, its median, range and chance above 0."""
    best = summary.sort_values("p50", ascending=False, kind="stable").iloc[0]
    futures = plural(int(summary["draws"].max()), "simulated future")
    who, tied = _leaders(summary.set_index("equipment_id")["p50"], names,
                         lambda v: money(v, currency))
    if tied > 1:
        return (f"{_capital(who)} share the highest median net present value, "
                f"{money(best['p50'], currency)}, across {futures}.")
    whose = (f"The median net present value of the {_name(best['equipment_id'], names)} is"
             if len(summary) == 1 else f"{_capital(who)} has the highest median net present "
             "value,")
    return (f"{whose} {money(best['p50'], currency)} (P10 {money(best['p10'], currency)} to "
            f"P90 {money(best['p90'], currency)}), and it is above 0 in "
            f"{share(best['p_positive'])} of {futures}.")


def tornado_summary(rows: pd.DataFrame, low_column: str, high_column: str, base: float, *,
                    label: str, low_value: str, high_value: str, value_title: str,
                    base_label: str, result: Callable[[float], str]) -> str:
    """The input that moves the result most, and the result at each end of its range.

    ``rows`` are the tornado's rows, largest swing first; ``label`` names the first input as
    the chart does, ``low_value``/``high_value`` are its values as the chart labels them,
    ``value_title`` is the result as the axis names it and ``result`` formats a result as
    the chart's base label does.
    """
    first = rows.iloc[0]
    return (f"The input that moves the {in_sentence(value_title)} most is "
            f"{in_sentence(label)}: {result(first[low_column])} at the low end of its range "
            f"({low_value}) and {result(first[high_column])} at the high end ({high_value}), "
            f"against {result(base)} {base_label.lower()}.")


def peak_load_summary(labels: Sequence[str], likely: np.ndarray, target: float,
                      percent: Callable[[float], str]) -> str:
    """The busiest machine at the busiest hour, and how many are above the comfortable target.

    ``labels`` are the machines' plain names and ``likely`` their most likely utilisation
    (0-1), busiest first, as the chart orders them; ``percent`` writes a share as the chart's
    labels do. Machines the chart shows at the same figure are named together.
    """
    def level(value: float) -> str:
        return OVER_CAPACITY if value >= 1 else f"{percent(value)} of its capacity in use"

    above = int(np.sum(likely > target))
    goal = f"the {percent(target)} target from which members start to queue"
    if len(likely) == 1:
        side = "above" if above else "within"
        return (f"At the busiest hour the {in_sentence(labels[0])} would have "
                f"{level(float(likely[0]))} (most likely), {side} {goal}.")
    tied = tied_with_first(list(likely), level)
    who = joined([f"the {in_sentence(label)}" for label in labels[:tied]])
    each = "each with " if tied > 1 and likely[0] < 1 else "each " if tied > 1 else ""
    others = ("none is above" if above == 0 else
              f"{above} of the {len(likely)} {'is' if above == 1 else 'are'} above")
    return (f"At the busiest hour {who} would be the busiest, {each}{level(float(likely[0]))} "
            f"(most likely); {others} {goal}.")


def chain_npv_summary(outcomes: pd.DataFrame, currency: str) -> str:
    """The best club-machine pair by median NPV, and how many pairs lose money."""
    known = outcomes.loc[outcomes["npv_p50"].notna()]
    best = known.loc[known["npv_p50"].idxmax()]
    losses = int((known["npv_p50"] < 0).sum())
    return (f"The highest median net present value is the {in_sentence(str(best['name']))} at "
            f"{best['club']}, {money(best['npv_p50'], currency)}; {losses} of the "
            f"{len(known)} club and machine pairs have a median below 0.")


# --- the decision --------------------------------------------------------------------------------

def contributions_summary(totals: pd.Series, parts: pd.DataFrame, names: Mapping[str, str],
                          criterion_names: Mapping[str, str]) -> str:
    """The best score, its total and the criterion that gives most of it.

    ``totals`` are the scores by alternative, best first; ``parts`` the contributions frame;
    ``criterion_names`` each criterion's label as the legend shows it.
    """
    def two_places(value: float) -> str:
        return number(value, ".2f")

    who, tied = _leaders(totals, names, two_places)
    best = totals.index[0]
    mine = parts.loc[parts["alternative"] == best].set_index("criterion")["contribution"]
    top = mine.idxmax()
    if tied > 1:
        return f"{_capital(who)} score highest, each {two_places(totals.iloc[0])} of 1."
    return (f"{_capital(who)} scores highest, {two_places(totals.iloc[0])} of 1, "
            f"with the most from {criterion_names[top].lower()} ({two_places(mine[top])}).")


def value_for_money_summary(table: pd.DataFrame, names: Mapping[str, str],
                            currency: str) -> str:
    """The highest score and its cost, and the machines on the frontier."""
    best = table.sort_values(["score", "cost"], ascending=[False, True], kind="stable").iloc[0]
    frontier = table.loc[table["on_frontier"].astype(bool)].sort_values("cost")
    buys = [f"the {_name(a, names)}" for a in frontier["alternative"]]
    beaten = ("no other machine scores as high for less"
              if list(frontier["alternative"]) == [best["alternative"]] else
              "the best buys at their price (nothing else scores as high for less) are "
              f"{joined(buys)}")
    return (f"The {_name(best['alternative'], names)} scores highest, "
            f"{number(best['score'], '.2f')}, for {money(best['cost'], currency)}; {beaten}.")


def rank_summary(first_place: pd.Series, names: Mapping[str, str], draws: int | None) -> str:
    """The machine that comes first most often, and how often.

    ``first_place`` is each alternative's chance (0-1) of ranking first.
    """
    who, tied = _leaders(first_place, names, share)
    futures = (f"{number(int(draws), ',')} simulated futures" if draws
               else "the simulated futures")
    return (f"{_capital(who)} come{'' if tied > 1 else 's'} first most often, "
            f"{'each ' if tied > 1 else ''}in {share(first_place.max())} of {futures}.")


def exposure_summary(table: pd.DataFrame) -> str:
    """The age band and sex with the most members expected to have back pain now."""
    shown = _shown(table, "expected_with_back_pain")
    if shown.empty:
        return "No group of members is large enough to show."
    top = shown.loc[shown["expected_with_back_pain"].idxmax()]
    who = _SEX_WORDS.get(str(top["sex"]), str(top["sex"]).lower())
    return (f"Most members expected to have back pain now are {who} aged {top['age_band']}: "
            f"about {number(top['expected_with_back_pain'], ',.0f')} of "
            f"{number(top['members'], ',.0f')}.")


# --- the usage review ----------------------------------------------------------------------------

def weekly_summary(full: pd.DataFrame, machine: str) -> str:
    """Average actual against most likely forecast over the weeks drawn, and weeks in range.

    ``full`` holds the full weeks the chart draws; weeks the privacy gate hid are not counted.
    """
    shown = full.loc[full["sessions"].notna()]
    inside = int(((shown["sessions"] >= shown["forecast_p10"])
                  & (shown["sessions"] <= shown["forecast_p90"])).sum())
    return (f"Over {plural(len(shown), 'full week')}, {machine} was used "
            f"{number(shown['sessions'].mean(), ',.0f')} times a week on average against a "
            f"most likely forecast of {number(shown['forecast_most_likely'].mean(), ',.0f')}; "
            f"{inside} of the {len(shown)} weeks fell inside the forecast range.")


def hours_summary(hours: pd.DataFrame, machine: str, busiest_day: str,
                  comfortable: float) -> str:
    """The busiest hour drawn, its sessions, and where that is against capacity."""
    column = "busiest_day" if busiest_day and hours["busiest_day"].notna().any() \
        else "average_day"
    row = hours.loc[hours[column].idxmax()]
    capacity = float(row["capacity"])
    when = f"on {busiest_day}" if column == "busiest_day" else "on an average day"
    level = ("above" if row[column] > capacity * comfortable else "below")
    return (f"The busiest hour {when} is {int(row['hour']):02d}:00, with "
            f"{number(row[column], '.1f')} sessions an hour on {machine}, {level} the "
            f"{share(comfortable)} of its capacity ({number(capacity, '.1f')} sessions an hour) "
            "at which queues start to form.")
