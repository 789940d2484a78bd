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
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, TypeGuard

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
    "pt_user_share": "the share of members already using a personal trainer",
    "dues_contribution_margin": "the share of dues left after a member's own costs",
    "new_joins_cap_share": "the cap on joins credited to machines",
    "peak_hour_share": "the share of sessions in the busiest hour",
    "prevalence_position": "back-pain prevalence within its published interval",
    "substitution": "how far members would use an owned machine instead",
    "target_peak_utilisation": "the busy share at which members queue",
    "back_care_relevance": "its back-care relevance (a judgement)",
    "model_error": "its use",  # its model error: "if its use were 0.25 times the forecast"
}


SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}
#: What a value that is not a finite number (missing, NaN, infinite) reads in a table or text.
MISSING = "–"


def is_number(value: object) -> TypeGuard[float]:
    """True when ``value`` is a finite number, the only kind a report prints as digits."""
    try:
        # Any value is tried: the except answers for those that are not numbers.
        return value is not None and math.isfinite(value)  # type: ignore[arg-type]
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


def share(value: float | None) -> str:
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


def peak_note(attrs: Mapping[str, Any], peak_share: float | None) -> str:
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


#: Two figures this close (relative to the first, at least 1) are one figure: what is left of
#: floating-point rounding (about 1e-16 of it), not a difference between machines.
TIE_TOLERANCE = 1e-9


def tied_with_first(values: Sequence[float], shown: Callable[[float], str]) -> int:
    """How many of ``values`` (best first) tie with the first, the first included (at least 1).

    A value ties when the page prints it as it prints the first (``shown``: a score of 100 to
    whole points, money to whole units) or lies within :data:`TIE_TOLERANCE` of it: a report
    that names one machine best must not print the same figure for another. Only the leading
    run counts, so the answer is the number of candidates the words must name together.
    """
    numbers = [float(v) for v in values]
    if not numbers:
        return 0
    first = numbers[0]
    count = 1
    for value in numbers[1:]:
        same = (abs(value - first) <= TIE_TOLERANCE * max(1.0, abs(first))
                if math.isfinite(value) and math.isfinite(first) else value == first)
        if not (same or shown(value) == shown(first)):
            break
        count += 1
    return count


def joined(words: Sequence[str]) -> str:
    """Words as a sentence lists them: "a", "a and b", "a, b and c"."""
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# Characters Markdown may read as markup wherever they stand: emphasis, code, links, HTML
# entities, GitHub tables and strikethrough, and LaTeX maths (``$``, and ``{``, which a
# ``\begin{...}`` environment needs), as Jupyter's renderers and nbconvert's read them.
_MARKUP = re.compile(r"([\\`*_{}\[\]$|~&])")
# Markers that start a block (heading, quote, list, setext line, definition) at a line's start.
_BLOCK_MARK = re.compile(r"^(\s*)([#>+=:-])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")  # "1. ", not "4.3"
# A dollar sign with no backslash of its own before it (an even run of backslashes is
# backslashes, each escaped by the one before).
_OPEN_DOLLAR = re.compile(r"(?<!\\)((?:\\\\)*)\$")


def markdown_text(text: object) -> str:
    r"""``text`` written so that Markdown shows every character as it is, none as markup.

    For plain text put into a report's Markdown: a machine's name, a note or a source from
    the club's files, a sentence the report wrote. Backslash-escapes what Markdown, its tables
    and strikethrough and Jupyter's maths read as markup (``\ ` * _ { } [ ] $ | ~ &``) and a
    marker that would start a block at the beginning of a line (``#``, ``>``, ``-``, ``+``,
    ``=``, ``:``, ``1.``); ``<`` is written ``&lt;``; line breaks and runs of white space become
    one space, as a paragraph shows them anyway (so no line of it can start a block).
    """
    escaped = _MARKUP.sub(r"\\\1", re.sub(r"\s+", " ", str(text))).replace("<", "&lt;")
    return _NUMBERED.sub(r"\1\\\2", _BLOCK_MARK.sub(r"\1\\\2", escaped))


def literal_dollars(markdown: str) -> str:
    r"""``markdown`` with every dollar sign escaped (``\$``) unless it already is.

    Jupyter reads text between two dollar signs as LaTeX maths, in JupyterLab and in
    nbconvert's HTML alike: "$814 up front and **$39** a year" would show its asterisks and
    lose the bold. A report's Markdown holds no maths, so every ``$`` in it is money.
    """
    return _OPEN_DOLLAR.sub(r"\1\\$", markdown)


def markdown(text: str) -> Any:
    """A report's Markdown, ready for ``display``: every dollar sign shown as a dollar sign.

    The one way the report notebooks show the Markdown they write (an
    ``IPython.display.Markdown`` of :func:`literal_dollars`), so no amount of money, whoever
    wrote the sentence, can start a maths span. Values from the club's files go in through
    :func:`markdown_text`.
    """
    from IPython.display import Markdown

    return Markdown(literal_dollars(text))


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
