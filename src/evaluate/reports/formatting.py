"""Numbers and names as a club manager reads them in a report's sentences and tables.

Sessions and members are rounded to whole numbers, money to whole currency units (two
decimals below 10), shares to whole percent; missing values read "–". Shared by every report
so the same figure reads the same everywhere.
"""

from __future__ import annotations

import math
from datetime import date

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


def money(value: float, currency: str, *, signed: bool = False) -> str:
    """``$1,234``, ``−$1,234`` or ``+$1,234`` (``signed``); cents below 10; ``–`` for NaN."""
    if value is None or not math.isfinite(value):
        return "–"
    symbol = SYMBOLS.get(currency, f"{currency} ")
    amount = f"{abs(value):,.2f}" if 0 < abs(value) < 10 else f"{abs(value):,.0f}"
    sign = "−" if value < 0 else ("+" if signed and value > 0 else "")
    return f"{sign}{symbol}{amount}"


def share(value: float) -> str:
    """A fraction as a whole percent; "<1%" and ">99%" rather than a rounded 0% or 100%."""
    if value is None or not math.isfinite(value):
        return "–"
    if 0 < value < 0.005:
        return "<1%"
    if 0.995 <= value < 1:
        return ">99%"
    return f"{value:.0%}"


def months(years: float) -> str:
    """A payback period in plain words ("4 months", "2.5 years", "not within the horizon")."""
    if years is None or not math.isfinite(years):
        return "not within the horizon"
    if years < 2:
        count = max(1, round(years * 12))
        return f"{count} month{'s' if count != 1 else ''}"
    return f"{years:.1f} years"


def in_sentence(name: str) -> str:
    """A machine's name inside a sentence: "Reverse hyper" -> "reverse hyper", "GHD" kept."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def plural(count: float, word: str, words: str | None = None) -> str:
    """``count`` rounded, with the word in the right number: "1 session", "92 sessions"."""
    rounded = round(count)
    return f"{rounded:,} {word if rounded == 1 else (words or word + 's')}"


#: What a member count hidden for privacy reads. Not "fewer than 10": a count is also hidden
#: when it would reveal a small group by subtraction (95 desk workers of 100 members), so
#: the hidden number itself may be large. :data:`PRIVACY_NOTE` says why.
HIDDEN_COUNT = "not shown"
#: The footnote of any table, chart or text that may hide counts.
PRIVACY_NOTE = ("Counts of fewer than {size} members are not shown, nor any count from which "
                "one could be worked out by subtraction.")


def count_text(value: float) -> str:
    """A member count as text ("1,585"), or "not shown" where privacy hid it (NaN)."""
    return HIDDEN_COUNT if pd.isna(value) else f"{value:,.0f}"


def count_phrase(value: float, noun: str) -> str:
    """A member count with its noun, for a sentence: "1,585 desk workers".

    Where privacy hid it (NaN): "desk workers (number not shown)".
    """
    return f"{noun} (number {HIDDEN_COUNT})" if pd.isna(value) else f"{value:,.0f} {noun}"


def demo_banner(synthetic: bool) -> str:
    """A warning line (Markdown) when the data is the synthetic demo club; empty otherwise."""
    if not synthetic:
        return ""
    return ("> **Demo data.** This report is built on a synthetic club: no real member is "
            "described, and prices marked as placeholders must be replaced by quotes before "
            "any money is spent.")


#: A roster date this many days or more from the day a report is made is stated on the
#: report's first screen (:func:`roster_date_notice`). About 40% of a club's members cancel in
#: a year (``industry_benchmarks.csv: annual_cancellation_rate``), so in 90 days about one
#: member in ten has left, and about as many joined: the figures no longer describe the club
#: the manager runs today.
STALE_ROSTER_DAYS = 90


def letter_date(day: date) -> str:
    """A date as in a letter: "3 March 2019"."""
    return f"{day.day} {day:%B %Y}"


def _distance(earlier: date, later: date) -> str:
    """Whole months between two dates, in words: "5 months", from 24 months on "7 years"."""
    months = ((later.year - earlier.year) * 12 + later.month - earlier.month
              - (later.day < earlier.day))
    return f"{months // 12} years" if months >= 24 else plural(months, "month")


def roster_date_notice(roster_date: date | pd.Timestamp, *, as_of_set: bool = False,
                       today: date | None = None) -> str:
    """A warning line (Markdown) when the roster date is far from today; empty otherwise.

    Far is :data:`STALE_ROSTER_DAYS` or more, before or after ``today`` (default: the day the
    report is made). ``as_of_set``: the date is the report's ``as_of``, not the data's. The
    line names the day it was made, so a page reused by a later build stays true.
    """
    today = today or date.today()
    day = pd.Timestamp(roster_date).date()
    gap = (today - day).days
    if abs(gap) < STALE_ROSTER_DAYS:
        return ""
    distance = (f"{_distance(day, today)} before" if gap > 0
                else f"{_distance(today, day)} after")
    lead = (f"> **These figures are for the roster on {letter_date(day)}**, {distance} this "
            f"report was made ({letter_date(today)})")
    return lead + (": the date set by as_of." if as_of_set
                   else ": set as_of or export a newer roster.")
