"""Who the club's members are: headline figures and small aggregated tables.

Everything here takes the frame from :func:`evaluate.data.members.load_members` and returns
aggregates only; every table passes through :mod:`evaluate.reports.privacy`, so no group of fewer
than ``min_group_size`` members is shown. Age is counted in whole years
(:func:`evaluate.data.members.age_on`): exactly from a date of birth, else as
``as_of.year - birth_year``, which may be one year high; tenure is in months of
365.25 / 12 days. The report reads the roster with its roster date
(:func:`evaluate.data.roster.load_roster`) and takes every figure on :func:`profile_date`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
import pandas as pd

from evaluate.data.checkins import MIN_WEEKS_OBSERVED
from evaluate.data.members import DAYS_PER_MONTH, JUNIOR_AGE, age_on
from evaluate.data.roster import VISIT_WINDOW_WEEKS, Roster, VisitWindow
from evaluate.model.segments import as_of_day
from evaluate.reports.formatting import PRIVACY_NOTE, SEX_LABELS, markdown_text, number
from evaluate.reports.privacy import (
    MIN_GROUP_SIZE,
    SUPPRESSED,
    merge_small_groups,
    shown_split,
    suppress_small_groups,
)
from evaluate.reports.tables import require_columns

Status = Literal["active", "cancelled", "all"]

# The age bands of the NHIS 2019 back-pain figures (back_pain_prevalence.csv: back_pain_3mo;
# Lucas, Connor & Bose, NCHS Data Brief No. 415, 2021), so later reports can join them.
AGE_BANDS = ((0, 17, "under 18"), (18, 29, "18–29"), (30, 44, "30–44"), (45, 64, "45–64"),
             (65, 200, "65+"))
JUNIOR_BAND = AGE_BANDS[0][2]  # junior members: left out of the back-pain figures
# Visits a week: [lower, upper) bounds and labels.
VISIT_BANDS = ((0, 1, "under 1"), (1, 2, "1 to under 2"), (2, 3, "2 to under 3"),
               (3, 4, "3 to under 4"), (4, np.inf, "4 or more"))
# Months as a member: [lower, upper) bounds and labels.
TENURE_BANDS = ((0, 3, "under 3"), (3, 6, "3–6"), (6, 12, "6–12"), (12, 24, "12–24"),
                (24, 60, "24–60"), (60, np.inf, "60 or more"))
GOAL_LABELS = {"general_fitness": "General fitness", "strength": "Strength",
               "weight_loss": "Weight loss", "rehab": "Rehabilitation", "sport": "Sport"}
NOT_RECORDED = "not recorded"
JUNIOR_LINE = f"Junior members (under {JUNIOR_AGE})"


@dataclass(frozen=True)
class Headline:
    """The figures a manager reads first; ``None`` where the group is too small to show.

    Shares are fractions (0-1); ages in years; tenure in months; visits per week. A share
    of the ``members`` gives away two groups, the members it counts and the rest (47% women
    of 19 members: 9 women, 10 others), so it is shown only when neither holds 1 to
    ``min_group_size - 1`` members. ``occupation_known`` is None when it would give away
    the members whose occupation is not recorded (``members - occupation_known``).
    ``age_known``, ``visits_known`` and ``tenure_known`` count the members with a recorded
    year of birth, visits figure and join date (None: not counted), so that a figure missing
    from the roster is told apart from one resting on too few members.
    """

    status: str
    as_of: date
    members: int
    median_age: float | None
    share_women: float | None
    median_visits_per_week: float | None
    median_tenure_months: float | None
    share_desk_workers: float | None
    occupation_known: int | None
    min_group_size: int
    age_known: int | None = None
    visits_known: int | None = None
    tenure_known: int | None = None
    #: Junior members (under :data:`~evaluate.data.members.JUNIOR_AGE` on ``as_of``): shown
    #: apart; None when it, or the members outside it, is a group too small to show.
    juniors: int | None = 0


def profile_date(roster: Roster, as_of: date | str | None = None) -> pd.Timestamp:
    """The profile's date: ``as_of`` when set, else the club's roster date (its logs count)."""
    return as_of_day(roster, as_of)


def select_members(members: pd.DataFrame, status: Status = "active",
                   as_of: date | str | None = None) -> pd.DataFrame:
    """Members in ``status`` on ``as_of``, with age, tenure and bands.

    The report passes :func:`profile_date`; without ``as_of``, the roster's own latest join or
    cancel date (:func:`evaluate.model.segments.as_of_day`).

    A member who cancelled after ``as_of`` counts as active on that date (one whose cancel date
    is unknown counts as cancelled); an active or frozen member whose cancel date is after it
    (a pending cancellation) keeps that status, and is cancelled from that date on. Members
    who joined after ``as_of`` have not started and are left out; one whose join date is not
    recorded has joined. Freezes have no history in the roster, so frozen stays frozen. "all"
    means everyone who had joined by ``as_of``, current or former.
    Adds ``status_on`` (status on the date), ``age`` (years), ``age_band``,
    ``tenure_months`` (to the cancel date for former members; missing where the join date is
    not recorded) and ``tenure_band``.
    """
    day = as_of_day(members, as_of)
    joined = members.loc[members["join_date"].isna() | (members["join_date"] <= day)].copy()
    cancelled = joined["status"] == "cancelled"
    later = cancelled & (joined["cancel_date"] > day)  # unknown cancel dates count as past
    gone = ~cancelled & (joined["cancel_date"] <= day)  # a pending cancellation, now past
    joined["status_on"] = (joined["status"].astype("object").where(~later, "active")
                           .where(~gone, "cancelled"))
    if status != "all":
        joined = joined.loc[joined["status_on"] == status]
    end = joined["cancel_date"].where(joined["status_on"] == "cancelled", day)
    joined["tenure_months"] = (end - joined["join_date"]).dt.days / DAYS_PER_MONTH
    joined["age"] = age_on(joined, day)
    joined["age_band"] = _band(joined["age"], [(lo, hi + 1, name) for lo, hi, name in AGE_BANDS])
    joined["tenure_band"] = _band(joined["tenure_months"], TENURE_BANDS)
    return joined.reset_index(drop=True)


def _band(values: pd.Series, bands: tuple | list) -> pd.Series:
    """Label each value with the band [lower, upper) that holds it (ordered categorical)."""
    edges = [b[0] for b in bands] + [bands[-1][1]]
    return pd.cut(values, bins=edges, right=False, labels=[b[2] for b in bands])


def _median(values: pd.Series, min_group_size: int) -> float | None:
    """The median of the recorded values, or None when fewer than ``min_group_size``."""
    values = values.dropna()
    return float(values.median()) if len(values) >= max(min_group_size, 1) else None


def _share(flags: pd.Series, min_group_size: int) -> float | None:
    """The share of true ``flags``, or None when it would show a group that is too small."""
    if len(flags) < min_group_size or not shown_split(int(flags.sum()), len(flags),
                                                      min_group_size):
        return None
    return float(flags.mean())


def headline(members: pd.DataFrame, status: Status = "active", as_of: date | str | None = None,
             min_group_size: int = MIN_GROUP_SIZE) -> Headline:
    """Headline figures for the chosen members; each hidden if it rests on too few members."""
    day = as_of_day(members, as_of)
    chosen = select_members(members, status, day)
    n = len(chosen)
    enough = n >= min_group_size
    known_job = chosen["occupation_activity"].dropna()
    juniors = int((chosen["age"] < JUNIOR_AGE).sum())
    return Headline(
        status=status, as_of=day.date(), members=n,
        median_age=_median(chosen["age"], min_group_size) if enough else None,
        share_women=_share(chosen["sex"] == "F", min_group_size) if enough else None,
        median_visits_per_week=_median(chosen["visits_per_week"], min_group_size),
        median_tenure_months=(_median(chosen["tenure_months"], min_group_size)
                              if enough else None),
        share_desk_workers=_share(known_job == "desk", min_group_size) if enough else None,
        occupation_known=(len(known_job) if shown_split(len(known_job), n, min_group_size)
                          else None),
        min_group_size=min_group_size,
        age_known=int(chosen["age"].notna().sum()),
        visits_known=int(chosen["visits_per_week"].notna().sum()),
        tenure_known=int(chosen["tenure_months"].notna().sum()),
        juniors=juniors if enough and shown_split(juniors, n, min_group_size) else None,
    )


def _counts(chosen: pd.DataFrame, column: str) -> pd.DataFrame:
    """Members per value of ``column`` (all categories, in order), with their share."""
    counts = chosen[column].value_counts(sort=False, dropna=True)
    table = counts.rename("members").rename_axis(column).reset_index()
    table["share"] = table["members"] / max(int(table["members"].sum()), 1)
    return table


def age_sex_table(chosen: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Members by age band and sex: ``age_band, sex, members, share, suppressed``.

    ``sex`` holds plain-word labels (Women, Men, Another or not stated); the share is of all
    chosen members. The under-18 band appears only if the club has such members.
    """
    grouped = chosen.groupby(["age_band", "sex"], observed=False).size()
    table = grouped.rename("members").reset_index()
    if not (chosen["age_band"] == "under 18").any():
        table = table.loc[table["age_band"] != "under 18"]
        table["age_band"] = table["age_band"].cat.remove_unused_categories()
    table["sex"] = table["sex"].map(SEX_LABELS)
    table["share"] = table["members"] / max(len(chosen), 1)
    # Only the grand total is published (the headline count), not totals by band or by sex,
    # so complementary suppression works on the whole table.
    return suppress_small_groups(table, min_size=min_group_size)


def _dash(label: object) -> str:
    """Age bands as the member profile writes them: an en dash between the years."""
    return str(label).replace("-", "–")


def aggregate_exposure(age_sex: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Members and expected members with back pain by age band and sex, privacy kept.

    Parameters
    ----------
    age_sex
        :func:`age_sex_table` (``age_band``, ``sex`` in plain words, ``members`` already
        suppressed, ``suppressed``).
    segments
        :func:`evaluate.model.exposure.exposure_by_segment` for the same members and date
        (``age_band``, ``sex`` as F/M/X, ``members``,
        ``expected_with_back_pain_most_likely``). Members of unknown age are dropped, as in
        the age-sex table; junior members (the under-18 band) too, as the exposure model
        leaves them out of the back-pain figures (its priors count them).

    Returns
    -------
    pandas.DataFrame
        The rows of ``age_sex`` with ``expected_with_back_pain`` added (expected members,
        most-likely case), missing wherever the member count is suppressed, since it would
        give the count away. Keeps ``age_sex``'s order, ``suppressed`` and ``attrs``; what
        :func:`evaluate.reports.decision.charts.exposure_pyramid_chart` draws.

    Raises
    ------
    ValueError
        When a shown member count differs from the segments' (different members or date).
    """
    require_columns(age_sex, ["age_band", "sex", "members", SUPPRESSED], "the age-sex table")
    require_columns(segments, ["age_band", "sex", "members",
                               "expected_with_back_pain_most_likely"], "the exposure segments")
    attrs = dict(age_sex.attrs)
    age_sex = age_sex.loc[age_sex["age_band"].astype(str) != JUNIOR_BAND].reset_index(drop=True)
    if isinstance(age_sex["age_band"].dtype, pd.CategoricalDtype):
        age_sex["age_band"] = age_sex["age_band"].cat.remove_unused_categories()
    seg = pd.DataFrame({"age_band": segments["age_band"].map(_dash).astype(str),
                        "sex": segments["sex"].astype(str).map(SEX_LABELS),
                        "members": segments["members"].to_numpy(float),
                        "expected": segments["expected_with_back_pain_most_likely"]
                        .to_numpy(float)})
    sums = seg.groupby(["age_band", "sex"])[["members", "expected"]].sum()
    key = pd.MultiIndex.from_arrays([age_sex["age_band"].map(_dash).astype(str),
                                     age_sex["sex"].astype(str)])
    found = sums.reindex(key)
    out = age_sex.copy()
    hidden = out[SUPPRESSED].astype(bool).to_numpy()
    shown = out["members"].astype("Float64").to_numpy(float, na_value=np.nan)
    theirs = found["members"].fillna(0.0).to_numpy(float)
    clash = ~hidden & (np.abs(shown - theirs) > 0.5)
    if clash.any():
        i = int(np.flatnonzero(clash)[0])
        raise ValueError(
            f"age band {key[i][0]}, {key[i][1]}: the age-sex table has "
            f"{number(shown[i], '.0f')} members and the exposure segments "
            f"{number(theirs[i], '.0f')}; build both from the same members and date (active "
            "members on the same as_of)")
    expected = pd.Series(found["expected"].fillna(0.0).to_numpy(float), dtype="Float64")
    out["expected_with_back_pain"] = expected.mask(hidden).to_numpy()
    out.attrs = attrs
    return out


def visits_table(chosen: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Members by visits a week: ``visits_band, members, share, suppressed``.

    Members with no visit figure are left out; shares are of those with one.
    """
    band = _band(chosen["visits_per_week"], VISIT_BANDS).rename("visits_band")
    return suppress_small_groups(_counts(band.to_frame(), "visits_band"),
                                 min_size=min_group_size)


def tenure_table(chosen: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Members by time as a member: ``tenure_band, members, share, suppressed`` (months)."""
    return suppress_small_groups(_counts(chosen, "tenure_band"), min_size=min_group_size)


def tenure_markdown(chosen: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> str:
    """The line under "How long they have belonged" when join dates are missing; else "".

    With no join date recorded for any member profiled, how long they have belonged is not
    known (the table is then left out); with some missing, how many are not in the table
    ("fewer than 10" when that group is small).
    """
    unknown = int(chosen["tenure_months"].isna().sum())
    if not unknown:
        return ""
    if unknown == len(chosen):
        return ("Not known: the roster (`members.csv`) records no join date for these "
                "members.")
    if shown_split(unknown, len(chosen), min_group_size):
        count = f"{number(unknown, ',')} members"
    elif unknown < min_group_size:
        count = f"Fewer than {min_group_size} members"
    else:  # the count would give away the few whose join date is recorded
        count = "Some members"
    return f"{count} of this profile have no recorded join date and are not in this table."


def goal_table(chosen: pd.DataFrame, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """Members by training goal: ``goal, members, share, suppressed``, largest first.

    Goals held by fewer than ``min_group_size`` members are merged into "other"; members
    with no recorded goal form their own "not recorded" row.
    """
    goals = chosen["training_goal"].map(GOAL_LABELS).astype("object").fillna(NOT_RECORDED)
    counts = goals.value_counts().rename("members").rename_axis("goal").reset_index()
    table = merge_small_groups(counts, "goal", min_size=min_group_size)
    recorded = table["goal"] != NOT_RECORDED
    table = pd.concat([table[recorded], table[~recorded]], ignore_index=True)
    table["share"] = table["members"] / max(int(table["members"].sum()), 1)
    return suppress_small_groups(table, min_size=min_group_size)


STATUS_WORDS = {"active": "active members", "cancelled": "members who had cancelled",
                "all": "members, current and former,"}


def _pct(share: float) -> str:
    return number(share, ".0%")


def _too_few(figures: Headline) -> bool:
    return figures.members < figures.min_group_size


#: What must be recorded for each figure, in words.
RECORDED = {"age": "birth year", "visits": "visit count", "occupation": "occupation",
            "tenure": "join date"}


def _not_recorded(figures: Headline, known: int | None, what: str) -> str | None:
    """What the roster lacks, when no member profiled has ``what`` recorded; else None.

    E.g. "birth year not recorded (1,585 members)". A figure missing from the roster is not a
    small group: the count is of every member profiled, which the report shows anyway. A
    group too small to show stays hidden.
    """
    if known != 0 or _too_few(figures):
        return None
    return f"{RECORDED[what]} not recorded ({number(figures.members, ',')} members)"


def _of_known(figures: Headline, noun: str, article: str = "") -> str:
    """'1,263 whose occupation is recorded', or 'those ...' when the count is hidden."""
    if figures.occupation_known is None:
        return f"those {noun}"
    return f"{article}{number(figures.occupation_known, ',')} {noun}"


def headline_markdown(figures: Headline, club_name: str = "") -> str:
    """The first lines of the report, in Markdown: count, then one bullet per figure.

    A figure that is hidden (None: it rests on, or would show, a group of fewer than
    ``min_group_size`` members) is left out.
    """
    day = f"{figures.as_of.day} {figures.as_of:%B %Y}"
    who = STATUS_WORDS[figures.status]
    at = f" of {markdown_text(club_name)}" if club_name else ""
    lead = f"**{number(figures.members, ',')} {who}**{at} on {day}."
    if _too_few(figures):
        return (f"{lead}\n\nFewer than {figures.min_group_size} members match, so no figures "
                "are shown for them.")
    lines = []
    if figures.median_age is not None:
        lines.append(f"- **Age:** half are {number(figures.median_age, '.0f')} or younger "
                     "(median).")
    elif missing := _not_recorded(figures, figures.age_known, "age"):
        lines.append(f"- **Age:** {missing}.")
    if figures.juniors:
        lines.append(f"- **{JUNIOR_LINE}:** {number(figures.juniors, ',')}, counted in every "
                     "figure here; the decision reports leave them out of the back-pain "
                     "figures (no published adult rate applies to them).")
    if figures.share_women is not None:
        lines.append(f"- **Women:** {_pct(figures.share_women)} of these members.")
    if figures.median_visits_per_week is not None:
        lines.append("- **Visits:** a median of "
                     f"{number(figures.median_visits_per_week, '.1f')} a week.")
    elif missing := _not_recorded(figures, figures.visits_known, "visits"):
        lines.append(f"- **Visits:** {missing}.")
    if figures.median_tenure_months is not None:
        lines.append(f"- **Time as a member:** a median of "
                     f"{number(figures.median_tenure_months, '.0f')} months.")
    elif missing := _not_recorded(figures, figures.tenure_known, "tenure"):
        lines.append(f"- **Time as a member:** not known, {missing}.")
    if figures.share_desk_workers is not None:
        lines.append(f"- **Desk workers:** {_pct(figures.share_desk_workers)} of "
                     f"{_of_known(figures, 'whose occupation is recorded', 'the ')}.")
    elif missing := _not_recorded(figures, figures.occupation_known, "occupation"):
        lines.append(f"- **Desk workers:** {missing}.")
    return lead + "\n\n" + "\n".join(lines)


def summary_fields(figures: Headline, club_name: str = "") -> dict[str, Any]:
    """The report's ``headline`` and ``key_figures`` for ``evaluate.reports.results.summarize``.

    Plain text, not Markdown: the index page and other tools show them outside the report.
    A figure hidden because it rests on, or would show, a group of too few members
    (``None``) reads "not shown"; one missing from the roster for every member profiled
    reads what is not recorded ("birth year not recorded (1,585 members)").
    """
    day = f"{figures.as_of.day} {figures.as_of:%B %Y}"
    where = f"{club_name} on {day}" if club_name else f"On {day}"
    words = {"active": "active members", "cancelled": "members who had cancelled",
             "all": "members, current and former"}
    lead = f"{where}: {number(figures.members, ',')} {words[figures.status]}"
    size = figures.min_group_size
    few = f"not shown (fewer than {size} members)"
    split = f"not shown (it would show a group of fewer than {size} members)"

    def shown(value: float | None, spec: str, hidden: str = few, unit: str = "") -> str:
        return hidden if value is None else number(value, spec) + unit

    def recorded(value: float | None, spec: str, known: int | None, what: str,
                 unit: str = "") -> str:
        """A figure resting on one recorded value per member: hidden when too few have it."""
        if value is not None:
            return number(value, spec) + unit
        if _too_few(figures) or known is None:
            return few
        return (_not_recorded(figures, known, what)
                or f"not shown (fewer than {size} with a recorded {RECORDED[what]})")

    if _too_few(figures):
        headline = f"{lead}, too few to show any figures for (fewer than {size})."
    else:
        parts = [lead]
        if figures.median_age is not None:
            parts.append(f"median age {number(figures.median_age, '.0f')}")
        if figures.share_women is not None:
            parts.append(f"{_pct(figures.share_women)} women")
        if figures.median_tenure_months is not None:
            parts.append("median time as a member "
                         f"{number(figures.median_tenure_months, '.0f')} months")
        headline = ", ".join(parts) + "."
    who = {"active": "active", "cancelled": "cancelled", "all": "current and former"}
    enough_known = figures.occupation_known is None or figures.occupation_known >= size
    if figures.share_desk_workers is not None:
        desk = (f"{_pct(figures.share_desk_workers)} of "
                f"{_of_known(figures, 'with a recorded occupation')}")
    elif missing := _not_recorded(figures, figures.occupation_known, "occupation"):
        desk = missing
    elif _too_few(figures) or not enough_known:
        desk = f"not shown (fewer than {size} with a recorded occupation)"
    else:
        desk = split
    key_figures = [
        {"label": "Members", "text": f"{number(figures.members, ',')} {who[figures.status]}"},
        {"label": "Median age",
         "text": recorded(figures.median_age, ".0f", figures.age_known, "age", " years")},
        {"label": "Women", "text": shown(figures.share_women, ".0%",
                                         few if _too_few(figures) else split)},
        {"label": "Median visits a week",
         "text": recorded(figures.median_visits_per_week, ".1f", figures.visits_known,
                          "visits")},
        {"label": "Median time as a member",
         "text": recorded(figures.median_tenure_months, ".0f", figures.tenure_known,
                          "tenure", " months")},
        {"label": "Desk workers", "text": desk},
    ]
    return {"headline": headline, "key_figures": key_figures}


def _span(window: VisitWindow) -> str:
    """'9 Aug–31 Oct 2026', or '1 Dec 2025–31 Jan 2026' across a new year."""
    first, last = window.first, window.last
    start = f"{first.day} {first:%b}" + ("" if first.year == last.year else f" {first.year}")
    return f"{start}–{last.day} {last:%b %Y}"


def _whole_log(window: VisitWindow) -> VisitWindow:
    """The log's whole span up to the window's last day."""
    return VisitWindow(window.log_first, window.last, window.log_first)


def visits_source(roster: Roster, status: Status = "active") -> str:
    """Where the profile's visits a week come from, in a few words (a figure's ``source``).

    "the check-in log, 9 Aug–31 Oct 2026" for active members with a log (for others: each
    member's last weeks as a member in the log's span); else "members.csv (visits_per_week)".
    """
    window = roster.visits_window
    if window is None:
        return "members.csv (visits_per_week)"
    if status == "active":
        return f"the check-in log, {_span(window)}"
    return (f"the check-in log, {_span(_whole_log(window))}: each member's last "
            f"{VISIT_WINDOW_WEEKS} weeks as a member")


def visits_markdown(roster: Roster, status: Status = "active") -> str:
    """The line under "How often they come": where the visits come from and how counted."""
    window = roster.visits_window
    if window is None and roster.anonymous_log:
        return ("The check-in log names no member (an anonymous door log): each member's "
                "visits a week are not known from it. Any shown are as recorded in the roster "
                "(`members.csv`).")
    if window is None:
        return "Average visits a week, as recorded in the roster (`members.csv`)."
    short = (f"A member with fewer than {number(MIN_WEEKS_OBSERVED, 'g')} weeks as a member "
             "there has no visit figure.")
    if roster.members["join_date"].isna().any():
        short += (" A member whose join date is not recorded is counted as a member since "
                  "before the log began, so one who joined within it reads low.")
    if status == "active":
        return (f"Visits from the check-in log, {_span(window)}: each member's check-ins in "
                f"these {VISIT_WINDOW_WEEKS} weeks, per week (over their weeks as a member "
                f"for one who joined later). {short}")
    return (f"Visits from the check-in log, which runs {_span(_whole_log(window))}: each "
            f"member's check-ins in their last {VISIT_WINDOW_WEEKS} weeks as a member in it, "
            f"per week. {short}")


def footnote_markdown(synthetic: bool, min_group_size: int = MIN_GROUP_SIZE,
                      chosen: pd.DataFrame | None = None) -> str:
    """The closing line of the report: where the data comes from and what is hidden.

    With ``chosen`` (the profiled members), it also says how many have no recorded year
    of birth and so are not in the age figures ("fewer than 10" when that group is small).
    """
    parts = []
    if synthetic:
        parts.append("**Demo data:** every member in this report is synthetic (a made-up club "
                     "calibrated to published US club-industry figures); no real person is "
                     "described.")
    dated = chosen is not None and "birth_date" in chosen and chosen["birth_date"].notna().any()
    parts.append(PRIVACY_NOTE.format(size=min_group_size) + " So no member can be "
                 "recognised. Ages are counted from the "
                 + ("date of birth where the roster gives one, else the year of birth."
                    if dated else "year of birth."))
    unknown = 0 if chosen is None else int(chosen["birth_year"].isna().sum())
    if unknown:
        count = (f"{number(unknown, ',')} members" if unknown >= min_group_size
                 else f"Fewer than {min_group_size} members")
        parts.append(f"{count} of this profile have no recorded year of birth and are not in "
                     "the age figures.")
    return " ".join(parts)
