"""Numbers and names as a club manager reads them in a report's sentences and tables.

Sessions and members are rounded to whole numbers, money to whole currency units (two
decimals below 10), shares to whole percent; missing values read "–". Shared by every report
so the same figure reads the same everywhere.

Every number a report writes as text passes through :func:`number` or a formatter built on
it, never through an f-string format of its own (a test reads the report modules for one):
so no page, table or ``summary.json`` text can read "nan" or "inf". A value that is not a
finite number reads :data:`MISSING`, or what its formatter says instead ("not within the
horizon"); where infinity has a meaning, the sentence says it in words (a machine over
capacity: :data:`UNSTABLE_QUEUE`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

# Plain words for members.csv's sex codes (evaluate.data.members.SEXES), in tables and charts.
SEX_LABELS = {"F": "Women", "M": "Men", "X": "Another or not stated"}
# Plain words for equipment.csv's evidence grades and supervision levels.
EVIDENCE_WORDS = {"very_low": "very low", "low": "low", "moderate": "moderate", "high": "high"}
SUPERVISION_WORDS = {"none": "no supervision needed", "brief": "a brief induction",
                     "trainer": "a trainer present for first uses"}
DISCLAIMER = ("This report is not medical advice. Members with current back pain, a recent "
              "injury or a medical condition should ask a health professional before "
              "training, and start under a trainer.")
# Short plain names of the model's inputs, for sentences; the assumptions table gives each
# one's full meaning. Inputs not listed fall back to their meaning up to its first comma.
INPUT_LABELS = {
    "discount_rate": "the discount rate", "horizon_years": "the planning horizon",
    "floor_cost_per_m2_year": "the cost of floor space",
    "installation_share_of_price": "installation as a share of price",
    "maintenance_share_of_price": "maintenance as a share of price",
    "lifespan_years_strength": "the life of strength equipment",
    "lifespan_years_cardio": "the life of cardio equipment",
    "salvage_share": "the resale value", "desk_share_prior": "the share of desk workers "
    "where occupation is unknown", "sedentary_odds_ratio": "the desk-work odds ratio",
    "uptake_back_care": "the uptake among members with back pain",
    "uptake_posterior_chain": "the uptake among strength trainers",
    "uptake_general_fitness": "the uptake among other members",
    "relevance_weight_medium": "the uptake of medium-relevance machines",
    "relevance_weight_low": "the uptake of low-relevance machines",
    "sessions_per_user_week": "sessions per user a week",
    "adoption_months": "the months to full adoption",
    "churn_reduction_users": "the fall in cancellations among users",
    "baseline_annual_churn": "the club's cancellation rate",
    "trainer_led_share": "the share of users with back pain booking a trainer",
    "trainer_sessions_per_buyer_year": "trainer sessions bought a year",
    "trainer_session_price": "the price of a trainer session",
    "trainer_session_margin": "the club's margin on trainer sessions",
    "new_joins_per_year": "new members joining for the machine",
    "peak_hour_share": "the share of sessions in the busiest hour",
    "prevalence_position": "back-pain prevalence within its published interval",
}


SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}
#: What a value that is not a finite number (missing, NaN, infinite) reads in a table or text.
MISSING = "–"


def is_number(value: object) -> bool:
    """True when ``value`` is a finite number, the only kind a report prints as digits."""
    try:
        return value is not None and math.isfinite(value)
    except (TypeError, ValueError):  # text, pd.NA
        return False


def number(value: float, spec: str = ",.0f", *, missing: str = MISSING) -> str:
    """``value`` formatted by ``spec`` (``",.0f"``, ``".1f"``, ``"g"``, ``".0%"``...).

    The one gate for numbers in report text: ``missing`` (default :data:`MISSING`) when
    ``value`` is not a finite number, so "nan", "inf" and "-inf" never reach a page.
    """
    return format(value, spec) if is_number(value) else missing


def money(value: float, currency: str, *, signed: bool = False) -> str:
    """``$1,234``, ``−$1,234`` or ``+$1,234`` (``signed``); cents below 10; ``–`` for NaN."""
    if not is_number(value):
        return MISSING
    symbol = SYMBOLS.get(currency, f"{currency} ")
    amount = number(abs(value), ",.2f" if 0 < abs(value) < 10 else ",.0f")
    sign = "−" if value < 0 else ("+" if signed and value > 0 else "")
    return f"{sign}{symbol}{amount}"


def share(value: float) -> str:
    """A fraction as a whole percent; "<1%" and ">99%" rather than a rounded 0% or 100%."""
    if not is_number(value):
        return MISSING
    if 0 < value < 0.005:
        return "<1%"
    if 0.995 <= value < 1:
        return ">99%"
    return number(value, ".0%")


#: What a machine's busiest hour is when its forecast utilisation (offered load over
#: capacity) is 100% or more: the M/M/c queue then has no steady state, so the machine is not
#: "busy 1540% of the time" and the wait has no average (:mod:`evaluate.model.queueing`).
UNSTABLE_QUEUE = ("more members want the machine than it can serve: the queue grows "
                  "without limit")
#: A utilisation of 100% or more in a table, a range or a chart label.
OVER_CAPACITY = "over capacity"


def utilisation(value: float) -> str:
    """A machine's forecast busy share at its busiest hour: "32%", or "over capacity" from 100%."""
    return OVER_CAPACITY if is_number(value) and value >= 1 else share(value)


def utilisation_range(low: float, high: float) -> str:
    """A range of utilisations: "20%–45%", "80% to over capacity" or "over capacity"."""
    lo, hi = utilisation(low), utilisation(high)
    if lo == hi:
        return lo
    return f"{lo} to {hi}" if hi == OVER_CAPACITY else f"{lo}–{hi}"


def over_capacity(value: float) -> str:
    """:data:`UNSTABLE_QUEUE` with how far over: "... (forecast demand 15 times its capacity)"."""
    times = number(value, ".1f" if value < 10 else ",.0f")
    return f"{UNSTABLE_QUEUE} (forecast demand {times} times its capacity)"


def peak_load(value: float, p_wait: float, wait_minutes: float) -> str:
    """The busiest hour on a machine in words: "it is busy 32% of the time, so ...".

    From its forecast utilisation, chance of waiting (0-1) and mean wait (minutes); at a
    utilisation of 100% or more (where the mean wait is infinite) :func:`over_capacity`.
    """
    if is_number(value) and value >= 1:
        return over_capacity(value)
    queue = ("so members rarely wait" if p_wait < 0.2 else
             f"so the average wait then is about {number(wait_minutes)} minutes")
    return f"it is busy {share(value)} of the time, {queue}"


def peak_note(attrs: Mapping[str, Any], peak_share: float) -> str:
    """A warning sentence when the busiest hour is the assumption despite a check-in log.

    ``attrs`` are a forecast's (``peak_note`` says why the log was not used, see
    :func:`evaluate.model.demand.peak_share`); ``peak_share`` is the share used. "" otherwise.
    """
    note = attrs.get("peak_note")
    if not note:
        return ""
    return (f"The busiest hour is taken to carry {share(peak_share)} of a week's sessions (the "
            "documented assumption peak_hour_share): the check-in log cannot measure it, as "
            f"{note}.")


def months(years: float) -> str:
    """A payback period in plain words ("4 months", "2.5 years", "not within the horizon")."""
    if not is_number(years):
        return "not within the horizon"
    if years < 2:
        count = max(1, round(years * 12))
        return f"{count} month{'s' if count != 1 else ''}"
    return f"{number(years, '.1f')} years"


def in_sentence(name: str) -> str:
    """A machine's name inside a sentence: "Reverse hyper" -> "reverse hyper", "GHD" kept."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def plural(count: float, word: str, words: str | None = None) -> str:
    """``count`` rounded, with the word in the right number: "1 session", "92 sessions"."""
    if not is_number(count):
        return f"{MISSING} {words or word + 's'}"
    rounded = round(count)
    return f"{number(rounded, ',')} {word if rounded == 1 else (words or word + 's')}"


#: What a member count hidden for privacy reads. Not "fewer than 10": a count is also hidden
#: when it would reveal a small group by subtraction (95 desk workers of 100 members), so
#: the hidden number itself may be large. :data:`PRIVACY_NOTE` says why.
HIDDEN_COUNT = "not shown"
#: The footnote of any table, chart or text that may hide counts.
PRIVACY_NOTE = ("Counts of fewer than {size} members are not shown, nor any count from which "
                "one could be worked out by subtraction.")


def count_text(value: float) -> str:
    """A member count as text ("1,585"), or "not shown" where privacy hid it (NaN)."""
    return HIDDEN_COUNT if pd.isna(value) else number(value)


def count_phrase(value: float, noun: str) -> str:
    """A member count with its noun, for a sentence: "1,585 desk workers".

    Where privacy hid it (NaN): "desk workers (number not shown)".
    """
    return f"{noun} (number {HIDDEN_COUNT})" if pd.isna(value) else f"{number(value)} {noun}"


def demo_banner(synthetic: bool) -> str:
    """A warning line (Markdown) when the data is the synthetic demo club; empty otherwise."""
    if not synthetic:
        return ""
    return ("> **Demo data.** This report is built on a synthetic club: no real member is "
            "described, and prices marked as placeholders must be replaced by quotes before "
            "any money is spent.")
