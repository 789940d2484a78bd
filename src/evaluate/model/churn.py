"""Cancellation rates measured at the club, by how often members visit, and machine users' rate.

**Measured from the roster** (:func:`measure_churn`): over the twelve months up to the roster
date, every member's time as a member in the window (member-years: from the join date, or the
window's start, to the cancel date, or the window's end) and the cancellations in it (a cancel
date in the window), in total and per visit band (:data:`~evaluate.model.segments.VISIT_BANDS`:
under 1, 1 to under 2, 2 or more visits a week). A member is a member from the join date up to
the day before the cancel date, the rule of :func:`evaluate.model.segments.active_mask`; a
join date not recorded counts as before the window. Visits a week are the roster's own, or
the check-in log's count over the member's last twelve weeks as a member when the roster
does not record them (:class:`evaluate.data.club_data.ClubData`); a member whose visits are
not known is in no band (counted).

**The rate** is a fraction a year: the share of the members at a year's start who cancel
within it, ``1 - exp(-cancellations / member_years)`` (a constant rate of leaving through the
year). It is what the finance model's survival ``(1 - churn) ** t`` and a retention rate
(members a year later over members at the start: IHRSA's 72.5%, ``baseline_annual_churn``'s
low end) measure; the count per member-year is the rate of leaving, slightly higher (0.40
a member-year is 0.33 of the members in a year).

**Fallbacks**, each said in the table's ``basis`` and in :attr:`ChurnBands.source`: a band
resting on fewer than :data:`MIN_MEMBER_YEARS` member-years, every band when the roster records
no visits, or when the members whose visits are known cancel at a rate more than
:data:`MAX_KNOWN_GAP` from the club's, takes the club-wide measured rate (basis
``club-wide``); when the club-wide rate cannot be measured
either (no cancelled member with a cancel date: most exports of current members only; or
too few member-years), every band takes the assumption ``baseline_annual_churn`` (basis
``assumption``).

**The users' rate** (:func:`evaluate.model.demand.users_churn`): a machine's regular users
cancel at their own bands' rates, weighted by how many of each segment's members become
users, so a machine used mostly by frequent visitors has users who cancel less than the club
as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from evaluate.model.segments import VISIT_BAND_LABELS, VISIT_BANDS, as_of_day, visit_band

#: The fewest member-years a rate is measured on. A count of cancellations is Poisson, so a
#: rate ``λ`` per member-year over ``T`` member-years has a standard error ``sqrt(λ / T)``;
#: as a fraction a year, ``exp(-λ)`` times that. At 75 member-years and a rate up to 0.45
#: a year (``baseline_annual_churn``'s high end, ``λ`` = 0.60) the standard error is under
#: 0.05, so the measured rate is known to within about ±0.1 (two standard errors): finer
#: than the published range it replaces (0.275 to 0.45). Every member adds at most a year,
#: so such a band also holds at least 75 members.
MIN_MEMBER_YEARS = 75.0
#: How far the bands' members together (those whose visits are known) may cancel from the
#: club as a whole before their rates are not used: the ±0.1 a year to which
#: :data:`MIN_MEMBER_YEARS` measures a rate. Further apart, the members whose visits are not
#: known cancel differently from the others (with a check-in log: members who left before
#: it began, whose visits it cannot count), and the bands would misstate everyone's rate.
MAX_KNOWN_GAP = 0.1
DAYS_PER_YEAR = 365.25
MEASURED, CLUB_WIDE, ASSUMED = "measured", "club-wide", "assumption"
ASSUMPTION = "baseline_annual_churn"


@dataclass(frozen=True)
class ChurnBands:
    """Cancellation rates by visit band, measured at the club where its roster allows.

    ``table`` has one row per visit band: ``band`` (label), ``lower`` and ``upper`` (visits a
    week; ``upper`` is ``inf`` for the last band), ``members`` (members in the window),
    ``cancellations``, ``member_years`` and ``rate`` (fraction a year, the one the model
    uses), ``basis`` (``measured``, ``club-wide`` or ``assumption``: where ``rate`` comes
    from). ``members``, ``cancellations``, ``member_years`` and ``club_rate`` are the club's
    over every member in the window; ``club_basis`` is ``measured`` or ``assumption``.
    ``start`` and ``end`` are the window's first and last days; ``unknown_visits`` counts the
    members in the window in no band; ``source`` says where the rates come from, in words.
    """

    table: pd.DataFrame
    members: int
    cancellations: int
    member_years: float
    club_rate: float
    club_basis: str
    start: date
    end: date
    unknown_visits: int
    source: str

    @property
    def band_rates(self) -> np.ndarray:
        """The bands' rates, then the club's for members with unknown visits: ``(bands + 1,)``.

        In the order of :attr:`evaluate.model.demand.Segments.band_members`' columns.
        """
        return np.append(self.table["rate"].to_numpy(float), self.club_rate)


def _fraction(cancellations: float, member_years: float) -> float:
    """Share of members cancelling in a year at a constant rate: ``1 - exp(-count / years)``."""
    return float(-np.expm1(-cancellations / member_years))


def _day_text(day: date) -> str:
    """A date as the reports write it: "2 November 2025"."""
    return f"{day.day} {day:%B %Y}"


def _source(club_basis: str, why_not: str, basis: list[str], why_not_bands: str,
            period: str) -> str:
    """Where the rates come from, in words, with the period and every fallback."""
    if club_basis == ASSUMED:
        return f"assumed ({ASSUMPTION}): {why_not}"
    if why_not_bands:
        return (f"measured at the club: cancellations, {period} ({why_not_bands}: every "
                "band takes the club-wide rate)")
    few = [label for label, b in zip(VISIT_BAND_LABELS, basis, strict=True) if b == CLUB_WIDE]
    note = (f" ({', '.join(few)} visits a week: too few members to measure, the club-wide "
            "rate)") if few else ""
    return f"measured at the club: cancellations by visits a week, {period}{note}"


def measure_churn(members: pd.DataFrame, assumed: float, *,
                  as_of: date | str | None = None) -> ChurnBands:
    """Measure the club's cancellation rates by visit band over the year up to ``as_of``.

    Parameters
    ----------
    members
        The roster as loaded (:func:`evaluate.data.members.load_members`, or
        :attr:`evaluate.data.club_data.ClubData.members` with the log's visits).
    assumed
        The assumed cancellation rate (fraction a year; ``baseline_annual_churn``'s most
        likely value), used when the roster cannot measure one.
    as_of
        The window's last day; default the roster's own date
        (:func:`evaluate.model.segments.as_of_day`; a report passes the club's roster date).

    Returns
    -------
    ChurnBands
        The rates, what they rest on and their source (see the module).
    """
    end = as_of_day(members, as_of).normalize()
    start = end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    after = end + pd.Timedelta(days=1)
    cancel = members["cancel_date"]
    undated = ((members["status"] == "cancelled") & cancel.isna()).to_numpy(bool)
    first = members["join_date"].fillna(start).clip(lower=start)
    last = cancel.fillna(after).clip(upper=after)
    days = (last - first).dt.days.to_numpy(float).clip(0) * ~undated
    years = days / DAYS_PER_YEAR
    inside = days > 0
    left = ((cancel > start) & (cancel <= end)).to_numpy(bool) & inside
    band = visit_band(members["visits_per_week"].to_numpy(float))
    n_years = float(years.sum())
    recorded = bool(((members["status"] == "cancelled") & cancel.notna()).any())
    period = f"{_day_text(start.date())} to {_day_text(end.date())}"
    if not recorded:
        club_basis, club_rate = ASSUMED, float(assumed)
        why_not = ("the roster records no cancelled member with a cancel date, so cannot "
                   "measure cancellations")
    elif n_years < MIN_MEMBER_YEARS:
        club_basis, club_rate = ASSUMED, float(assumed)
        why_not = (f"the roster's {n_years:,.0f} member-years from {period} are too few to "
                   f"measure cancellations (at least {MIN_MEMBER_YEARS:,.0f})")
    else:
        club_basis, club_rate, why_not = MEASURED, _fraction(left.sum(), n_years), ""
    known = inside & (band < len(VISIT_BANDS))
    known_years = float(years[known].sum())
    if not known.any():
        why_not_bands = "visits a week not recorded"
    elif (club_basis == MEASURED and known_years >= MIN_MEMBER_YEARS
          and abs(_fraction(left[known].sum(), known_years) - club_rate) > MAX_KNOWN_GAP):
        why_not_bands = (f"visits a week not known for {int((left & ~known).sum()):,} of the "
                         f"{int(left.sum()):,} members who cancelled, too many for the bands "
                         "to stand for the club")
    else:
        why_not_bands = ""
    rows = []
    for code, (label, lower) in enumerate(zip(VISIT_BAND_LABELS, VISIT_BANDS, strict=True)):
        chosen = band == code
        n, count = float(years[chosen].sum()), int(left[chosen].sum())
        if club_basis == ASSUMED:
            rate, basis = club_rate, ASSUMED
        elif n < MIN_MEMBER_YEARS or why_not_bands:
            rate, basis = club_rate, CLUB_WIDE
        else:
            rate, basis = _fraction(count, n), MEASURED
        upper = VISIT_BANDS[code + 1] if code + 1 < len(VISIT_BANDS) else np.inf
        rows.append({"band": label, "lower": lower, "upper": upper,
                     "members": int((inside & chosen).sum()), "cancellations": count,
                     "member_years": n, "rate": rate, "basis": basis})
    table = pd.DataFrame(rows)
    unknown = int((inside & ~known).sum())
    source = _source(club_basis, why_not, list(table["basis"]), why_not_bands, period)
    return ChurnBands(table=table, members=int(inside.sum()), cancellations=int(left.sum()),
                      member_years=n_years, club_rate=club_rate, club_basis=club_basis,
                      start=start.date(), end=end.date(), unknown_visits=unknown,
                      source=source)
