"""The usage review's words: its answer, tables and notes.

:mod:`evaluate.reports.usage_review.analysis` computes the review (periods, forecast,
verdict, peak load, calibration); this module says it, in Markdown for the notebook and as
short texts for the build's summary. Numbers read as :mod:`evaluate.reports.formatting`
writes them in every report; session counts as
:func:`evaluate.reports.usage_review.analysis._n` (whole from 10 up, one decimal below).
A figure the privacy gate withheld (``None`` or NaN in the review) reads "not shown", with
the reason (:func:`withheld`): this module never works one out from the others.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from evaluate.reports.formatting import (
    HIDDEN_COUNT,
    in_sentence,
    markdown_text,
    number,
    peak_note,
    share,
    utilisation,
    utilisation_range,
)
from evaluate.reports.usage_review.analysis import (
    MIN_SETTLED_DAYS,
    ReviewCalibration,
    UsageReview,
    _n,
)


def _date(day: date) -> str:
    """A date as in a letter: "1 November 2025"."""
    return f"{day.day} {day:%B %Y}"


def withheld(review: UsageReview) -> str:
    """Why the machine's use is not shown, as a sentence without its full stop."""
    if not review.users_recorded:
        return (f"The usage log names no member for the sessions on {review.name}, so the "
                "report cannot tell how many members its figures rest on (figures of fewer "
                f"than {review.min_group_size} members are not shown)")
    return (f"Fewer than {review.min_group_size} members used {review.name} (the figures of "
            "so few members are not shown)")


def peak_withheld(review: UsageReview) -> str:
    """Why the busiest hour is not shown while the machine's use is, or ""."""
    if review.peak.shown or review.verdict is None:
        return ""
    if not review.shown.settled:
        return (f"Fewer than {review.min_group_size} members used it once its ramp-up was "
                "over, so how busy it was then is not shown.")
    return (f"Fewer than {review.min_group_size} members used it in its busiest hour, so "
            "that hour is not shown.")


def hours_withheld(review: UsageReview) -> str:
    """Why the hours of the day are not drawn, when the hours chart has none to draw."""
    if review.verdict is None:
        return f"{withheld(review)}."
    return (f"Fewer than {review.min_group_size} members used it once its ramp-up was over, "
            "so its hours of the day are not shown.")


def peak_label(review: UsageReview) -> str:
    """The label of the busiest hour's busy share in ``summary.json``."""
    peak = review.peak
    when = peak.when if peak.shown else (f"{HIDDEN_COUNT}: fewer than {review.min_group_size} "
                                         "members")
    return f"Share of the busiest hour in use ({when})"


def _expected(review: UsageReview) -> str:
    """The forecast of the period's average week: "120 sessions a week (P10–P90 90–174)"."""
    e = review.expected
    return f"{_n(e.most_likely)} sessions a week (P10–P90 {_n(e.p10)}–{_n(e.p90)})"


# The headline's lead, by where the actual use lies against the forecast range.
LEADS = {"within": "got about the use we expected", "above": "was used more than we expected",
         "below": "was used less than we expected"}


def _factor_words(factor: float) -> str:
    """The uptake factor in words: "at 88% of the rates the assumptions give"."""
    if abs(factor - 1) < 0.005:
        return "at the rates the assumptions give"
    if factor < 1:
        return f"at {number(factor, '.0%')} of the rates the assumptions give"
    return f"at {number(factor, '.2f')} times the rates the assumptions give"


def _calibration_text(review: UsageReview, factor: float, table: pd.DataFrame) -> str:
    """What the uptake factor means, and when not to trust it."""
    by = table.set_index("quantity")
    model = by.loc["Forecast weekly sessions at full adoption, most likely"]
    log = float(table["after"].iloc[-1])
    lines = [f"The log implies an **uptake factor of {number(factor, '.2f')}**: members took up "
             f"{markdown_text(review.name)} {_factor_words(factor)}. Multiplying every "
             f"take-up assumption by {number(factor, '.2f')} moves its most-likely forecast "
             f"from {_n(model['before'])} to {_n(model['after'])} sessions a week, the use in "
             "the log."]
    if model["after"] < 0.995 * log:
        lines.append("Even with every take-up at 100% the model stays below the log: the gap "
                     "lies elsewhere (sessions per user a week, or members' visits).")
    if review.peak.level == "crowded":
        lines.append("The machine is crowded at its busiest hour, so the log misses members "
                     "who gave up waiting: the true factor is probably higher.")
    if not 0.5 <= factor <= 2.0:
        lines.append("A factor this far from 1 says the forecast misses more than take-up: "
                     "check the machine's relevance levels and session length in "
                     "`equipment.csv` and the sessions per user in `assumptions.yml` before "
                     "carrying it over to other machines.")
    return " ".join(lines)


def _lessons(review: UsageReview, candidates: pd.DataFrame) -> tuple[str, ...]:
    """What the next forecast can take from this log, one sentence each."""
    lessons = [f"The decision report calibrates the {markdown_text(in_sentence(row.name))} on "
               "this machine, "
               f"the owned machine most like it: its most-likely forecast goes from "
               f"{_n(row.before)} to {_n(row.after)} sessions a week."
               for row in candidates.itertuples(index=False)]
    assumed, actual = review.forecast.session_minutes, review.session_minutes
    if actual is not None:
        advice = ("worth updating, as session length sets the capacity and the peak-hour load"
                  if abs(actual / assumed - 1) > 0.15 else "close enough")
        lessons.append(f"Sessions last {number(actual, '.1f')} minutes on average in the log, "
                       f"against {number(assumed, 'g')} in `equipment.csv`: {advice}.")
    return tuple(lessons)


def headline_markdown(review: UsageReview, calibration: ReviewCalibration) -> str:
    """The answer first: actual against forecast, the verdict, the peak, the factor."""
    v, period = review.verdict, review.period
    ramp = ("" if period.installed is None else
            " (the forecast allows for "
            f"{number(review.forecast.adoption_most_likely, 'g')} months of ramp-up after "
            "installation)")
    if v is None:
        return (f"**{withheld(review)}.** The model forecast {_expected(review)} for it on "
                f"average{ramp}. {review.peak.text}")
    since = (f"Between its installation on {_date(period.installed)} and "
             if period.installed is not None and period.installed >= period.log_start
             else f"Between {_date(period.start)} and ")
    name = review.name
    lead = f"**{markdown_text(name[:1].upper() + name[1:])} {LEADS[v.position]}.**"
    text = (f"{lead} {since}{_date(period.end)} it was used **{_n(v.actual)} times a week** on "
            f"average, {v.text}{ramp}. {review.peak.text}")
    if not review.peak.shown:
        text += f" {peak_withheld(review)}"
    if calibration.factor is not None:
        text += (f" The log implies that members take it up {_factor_words(calibration.factor)}"
                 f" (uptake factor {number(calibration.factor, '.2f')}, below).")
    return text


def headline_sentence(review: UsageReview) -> str:
    """The answer in one sentence (for the build's summary)."""
    v, peak = review.verdict, review.peak
    if v is None:
        who = (f"fewer than {review.min_group_size} members used it" if review.users_recorded
               else "its log names no member")
        return (f"{review.forecast.name}: {who}, so its use is {HIDDEN_COUNT}; forecast "
                f"{_expected(review)}.")
    busiest = (f"in use {share(peak.busy_share)} of its busiest hour" if peak.shown else
               f"its busiest hour {HIDDEN_COUNT} (fewer than {review.min_group_size} members)")
    return (f"{review.forecast.name}: {_n(v.actual)} sessions a week against a forecast of "
            f"{_n(v.most_likely)} (P10–P90 {_n(v.p10)}–{_n(v.p90)}), {v.position} the range; "
            f"{busiest}.")


def key_figures(review: UsageReview, calibration: ReviewCalibration) -> list[dict[str, str]]:
    """The key figures as label and text, for the build's summary."""
    v, peak = review.verdict, review.peak
    few = f"{HIDDEN_COUNT} (fewer than {review.min_group_size} members)"
    busiest = (f"in use {share(peak.busy_share)} of {peak.when} " if peak.shown
               else f"{few}; ")
    figures = [
        {"label": "Actual use",
         "text": few if v is None else f"{_n(v.actual)} sessions a week"},
        {"label": "Forecast", "text": _expected(review)},
        {"label": "Busiest hour",
         "text": (f"{busiest}(forecast {utilisation(peak.forecast_most_likely)})" if peak.shown
                  else f"{busiest}forecast {utilisation(peak.forecast_most_likely)}")}]
    if calibration.factor is not None:
        figures.append({"label": "Uptake factor", "text": number(calibration.factor, ".2f")})
    return figures


def summary_markdown(review: UsageReview) -> str:
    """Actual against forecast, one row per measure (a Markdown table).

    An actual figure the privacy gate withheld reads "not shown", and a line under the table
    says why.
    """
    v, e, peak, f = review.verdict, review.expected, review.peak, review.forecast
    minutes = review.session_minutes
    rows = [
        ("Sessions a week", HIDDEN_COUNT if v is None else _n(v.actual), _n(e.most_likely),
         f"{_n(e.p10)}–{_n(e.p90)}"),
        ("In use at the busiest hour" + (f" ({peak.when})" if peak.shown else ""),
         share(peak.busy_share) if peak.shown else HIDDEN_COUNT,
         utilisation(peak.forecast_most_likely),
         utilisation_range(peak.forecast_p10, peak.forecast_p90)),
        ("Minutes per session", HIDDEN_COUNT if minutes is None else number(minutes, ".1f"),
         number(f.session_minutes, "g"), "fixed (`equipment.csv`)"),
    ]
    lines = ["| Measure | Actual (usage log) | Forecast, most likely "
             "| Forecast range (P10–P90) |",
             "|:--|--:|--:|--:|", *("| " + " | ".join(row) + " |" for row in rows)]
    why = f"{withheld(review)}." if v is None else peak_withheld(review)
    return "\n".join(lines) + (f"\n\n{why}" if why else "")


def calibration_markdown(review: UsageReview, calibration: ReviewCalibration) -> str:
    """The calibration's explanation, its before/after table and the lessons (Markdown).

    Without a calibration, the reason (``calibration.text``).
    """
    if calibration.factor is None:
        return calibration.text
    rows = ["| Figure | Before: documented assumptions | After: calibrated on this log |",
            "|:--|--:|--:|"]
    for row in calibration.table.itertuples(index=False):
        before, after = ((number(v, ".1%") if row.unit == "fraction" else _n(v))
                         for v in (row.before, row.after))
        rows.append(f"| {row.quantity} | {before} | {after} |")
    lessons = ["**For the next forecast:**", "",
               *(f"- {line}" for line in _lessons(review, calibration.candidates))]
    text = _calibration_text(review, calibration.factor, calibration.table)
    return "\n\n".join([text, "\n".join(rows), "\n".join(lessons)])


def data_note_markdown(review: UsageReview) -> str:
    """How to read the report: where each number comes from, and what it assumes.

    The log's dates are given only when its members are enough (``review.shown.log``), and
    the machine's weeks only when its own are; otherwise the reason (:func:`withheld`).
    """
    f, period, peak, size = review.forecast, review.period, review.peak, review.min_group_size
    weeks = review.weekly
    partial = weeks.loc[~weeks["full_week"]]
    full = weeks.loc[weeks["full_week"]]
    hidden_weeks = int(full["suppressed"].sum())
    partial_text = (" The partial weeks (" + ", ".join(
        f"week of {_date(pd.Timestamp(w).date())}: {d} day{'s' if d > 1 else ''}"
        for w, d in zip(partial["week_start"], partial["days"], strict=True))
        + ") count in the average by their days but are not drawn as weeks."
        if len(partial) else "")
    if hidden_weeks:
        partial_text += (f" {hidden_weeks} of the {len(full)} full weeks are not drawn either: "
                         f"fewer than {size} members used it in them, or their sessions could "
                         "be worked out from the average and the weeks drawn.")
    if period.installed is None:
        ramp = ("The machine was in place before the log starts, so the forecast is at full "
                "adoption throughout.")
    else:
        ramp = (f"Installed on {_date(period.installed)}: the forecast ramps up over "
                f"{number(f.adoption_most_likely, 'g')} months (assumption adoption_months; each "
                "simulated future draws its own ramp time).")
    settled = ("" if period.settled_start == period.start else
               f" The busiest hour and the calibration use the days from "
               f"{_date(period.settled_start)}, once the ramp-up is over.")
    if not period.settled and period.installed is not None and review.shown.log:
        settled = (f" The log ends less than {MIN_SETTLED_DAYS} days after the ramp-up, so the "
                   "busiest hour is measured over the whole period, while use may still grow.")
    if not review.users_recorded:
        users = "The log records no member ids, so it cannot say how many members used it."
    elif not review.shown.machine:
        users = f"Fewer than {size} different members used it, so the number is not shown."
    elif review.users is None:
        users = (f"How many different members used it is not shown: fewer than {size} of the "
                 "active members did not, and the number would single them out.")
    else:
        users = f"{number(review.users, ',')} different members used it at least once."
    name = markdown_text(review.name)
    if review.verdict is not None:
        actual = (f"- **Actual use** counts every session on {name} in the club's usage "
                  f"log (`{review.log_name}`), which covers {_date(period.log_start)} to "
                  f"{_date(period.log_end)}. The compared period, {_date(period.start)} to "
                  f"{_date(period.end)}, has {period.days} days; weekly sessions are sessions "
                  f"÷ days × 7.{partial_text}")
    else:
        covers = (f", which covers {_date(period.log_start)} to {_date(period.log_end)}"
                  if review.shown.log else
                  f"; its dates are not shown either, as fewer than {size} members are in it")
        actual = (f"- **Actual use** would count every session on {name} in the club's "
                  f"usage log (`{review.log_name}`){covers}. {withheld(review)}: its use week "
                  "by week, its busiest hour and hours of the day, its minutes per session and "
                  "a calibration on it are left out.")
    busiest = (f" {peak_withheld(review)}" if review.verdict is not None and not peak.shown
               else "")
    peak_from = (f"the check-in log's busiest hour ({f.peak_hour})" if f.peak_hour
                 else "the assumption peak_hour_share")
    unmeasured = peak_note({"peak_note": f.peak_note}, f.peak_share)
    lines = [
        "## How to read this",
        "",
        actual,
        f"- **The forecast** is the suite's usage model for {name} with the club's "
        f"{f.units} unit{'s' if f.units > 1 else ''}, for the {number(f.members, ',')} members "
        "active on "
        f"{_date(f.roster_date)}, with the documented assumptions (`assumptions.yml`), not "
        "calibrated on this log. The line is the most-likely forecast (every assumption at its "
        f"most-likely value); the shaded range holds 8 in 10 of {number(f.draws, ',')} "
        "simulated futures "
        f"(P10–P90, seed {f.seed}). {ramp} The forecast is for an average week: single weeks "
        "scatter around it with holidays and seasons, so judge the average.",
        f"- **The busiest hour** is the weekday and hour in which the machine was in use the "
        "largest share of the time (minutes in use ÷ 60 per unit, averaged over the weeks)."
        f"{settled}{busiest} The forecast puts the share of a week's sessions that falls in "
        f"{peak_from} into one hour, at {number(f.session_minutes, 'g')} minutes a session "
        f"(`equipment.csv`). Members start to queue once a machine is in use "
        f"{number(peak.comfortable * 100, '.0f')}–{number(peak.crowded, '.0%')} of its busiest "
        "hour (assumption "
        "target_peak_utilisation, from GYMetrix's advice to keep 40–60% of units free)."
        + (f" {unmeasured}" if unmeasured else ""),
        f"- **Members:** {users} The report shows no member-level data; no figure that rests "
        f"on fewer than {size} members is shown, nor one from which such a figure could be "
        "worked out.",
    ]
    if review.synthetic:
        lines.append("- **Demo data:** the club and its logs are synthetic (made up, calibrated "
                     "to published US club-industry figures); no real person is described.")
    return "\n".join(lines)
