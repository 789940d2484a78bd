"""Member-profile figures on a small hand-made roster whose answers are worked out by hand.

Profile date 2026-06-30. Active on that date (26): A = 12 women born 1996 (age 30), joined
2025-06-30, 2.0 visits, desk, strength; B = 10 men born 1976 (50), joined 2024-06-30, 1.0
visit, active job, general fitness; C = 3 X born 1956 (70), joined 2026-01-01, no visits or
occupation recorded, rehab; E = 1 man born 1986 (40), joined 2026-01-01, cancels 2026-12-01
(after the date, so active then), 3.0 visits, desk, sport. Cancelled: D = 10 women born 2000
(26), 2025-01-01 to 2025-07-01, 0.5 visits, mixed, weight loss. F = 1 woman who joined after
the date and is never counted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from evaluate.data.members import OCCUPATIONS, SEXES, STATUSES, TRAINING_GOALS
from evaluate.data.roster import Roster, VisitWindow
from evaluate.reports import member_profile as mp
from evaluate.reports.member_profile import Headline, summary_fields
from evaluate.reports.results import summary_problems

AS_OF = date(2026, 6, 30)
MONTH = 365.25 / 12


def group(n, birth_year, sex, join, status="active", cancel=None, visits=None, job=None,
          goal=None):
    return [{"birth_year": birth_year, "sex": sex, "join_date": join, "status": status,
             "cancel_date": cancel, "monthly_dues": 45.0, "occupation_activity": job,
             "training_goal": goal, "visits_per_week": visits}] * n


@pytest.fixture
def roster() -> pd.DataFrame:
    rows = (group(12, 1996, "F", "2025-06-30", visits=2.0, job="desk", goal="strength")
            + group(10, 1976, "M", "2024-06-30", visits=1.0, job="active",
                    goal="general_fitness")
            + group(3, 1956, "X", "2026-01-01", goal="rehab")
            + group(1, 1986, "M", "2026-01-01", status="cancelled", cancel="2026-12-01",
                    visits=3.0, job="desk", goal="sport")
            + group(10, 2000, "F", "2025-01-01", status="cancelled", cancel="2025-07-01",
                    visits=0.5, job="mixed", goal="weight_loss")
            + group(1, 1990, "F", "2026-09-01", visits=1.0))
    frame = pd.DataFrame(rows)
    frame.insert(0, "member_id", [f"M{i:03d}" for i in range(len(frame))])
    for col in ("join_date", "cancel_date"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[us]")
    for col, allowed in (("sex", SEXES), ("status", STATUSES),
                         ("occupation_activity", OCCUPATIONS), ("training_goal", TRAINING_GOALS)):
        frame[col] = pd.Categorical(frame[col], categories=list(allowed))
    frame["visits_per_week"] = frame["visits_per_week"].astype(float)
    return frame


def test_a_roster_alone_is_profiled_on_its_latest_join_or_cancel(roster):
    assert mp.headline(roster).as_of == date(2026, 12, 1)
    assert mp.headline(roster, as_of="").as_of == date(2026, 12, 1)


def test_the_profile_date_is_the_clubs_roster_date_unless_as_of_is_set(roster):
    """Check-ins up to 2027-03-15 move the profile past the last cancellation, and the ages."""
    club = Roster(members=roster, roster_date=pd.Timestamp("2027-03-15"))
    day = mp.profile_date(club)
    assert day == pd.Timestamp("2027-03-15")
    assert mp.profile_date(club, "") == day
    assert mp.profile_date(club, AS_OF) == pd.Timestamp(AS_OF)
    h = mp.headline(roster, "active", day)
    assert h.as_of == date(2027, 3, 15)
    # The late canceller has left, the late joiner is in: 12 aged 31, 1 aged 37, 10 aged 51,
    # 3 aged 71 (each a year older than on the roster's own latest date, 2026-12-01).
    assert h.members == 26 and h.median_age == 44.0  # the 13th and 14th: 37 and 51
    assert mp.headline(roster, "active").median_age == 43.0


def test_select_members_applies_status_on_the_date(roster):
    active = mp.select_members(roster, "active", AS_OF)
    assert len(active) == 26
    assert set(active["status_on"]) == {"active"}
    assert len(mp.select_members(roster, "cancelled", AS_OF)) == 10
    assert len(mp.select_members(roster, "all", AS_OF)) == 36
    # On the latest date the late canceller has left and the late joiner is in.
    assert len(mp.select_members(roster, "cancelled")) == 11
    assert len(mp.select_members(roster, "active")) == 26


def test_headline_active(roster):
    h = mp.headline(roster, "active", AS_OF)
    assert h.members == 26
    assert h.as_of == AS_OF
    assert h.median_age == 45.0  # 13th and 14th of 26 ages are 40 and 50
    assert h.share_women == pytest.approx(12 / 26)
    assert h.median_visits_per_week == 2.0  # 12th of 23 recorded values
    assert h.median_tenure_months == pytest.approx(365 / MONTH)  # group A's tenure
    assert h.share_desk_workers == pytest.approx(13 / 23)  # 13 desk, 10 others
    # 23 of 26 have an occupation: showing 23 would show the 3 without one.
    assert h.occupation_known is None


def test_headline_cancelled_uses_tenure_to_cancel_date(roster):
    h = mp.headline(roster, "cancelled", AS_OF)
    assert (h.members, h.median_age, h.share_women) == (10, 26.0, 1.0)
    assert h.median_tenure_months == pytest.approx(181 / MONTH)
    assert h.share_desk_workers == 0.0


def test_headline_hidden_for_a_group_below_the_minimum(roster):
    h = mp.headline(roster, "cancelled", AS_OF, min_group_size=11)
    assert h.members == 10
    assert h.median_age is None and h.share_women is None and h.share_desk_workers is None
    text = mp.headline_markdown(h)
    assert "Fewer than 11 members" in text and "Age" not in text


def test_headline_markdown(roster):
    text = mp.headline_markdown(mp.headline(roster, "active", AS_OF), "Test Club")
    assert text.startswith("**26 active members** of Test Club on 30 June 2026.")
    assert "45 or younger" in text
    assert "46%" in text  # women, 12/26
    assert "2.0 a week" in text
    assert "12 months" in text
    assert "57% of those whose occupation is recorded" in text  # desk workers, 13/23


def test_age_sex_table(roster):
    table = mp.age_sex_table(mp.select_members(roster, "active", AS_OF))
    assert list(table.columns) == ["age_band", "sex", "members", "share", "suppressed"]
    assert "under 18" not in set(table["age_band"].astype(str))
    assert len(table) == 4 * 3
    cells = table.set_index(["age_band", "sex"])["members"]
    assert cells[("30–44", "Women")] == 12
    assert cells[("45–64", "Men")] == 10
    assert cells[("18–29", "Women")] == 0
    assert pd.isna(cells[("30–44", "Men")])  # the single 40-year-old man
    assert pd.isna(cells[("65+", "Another or not stated")])  # three members
    assert table["suppressed"].sum() == 2
    share = table.set_index(["age_band", "sex"])["share"]
    assert share[("30–44", "Women")] == pytest.approx(12 / 26)


def test_age_bands_include_under_18_when_present(roster):
    young = roster.assign(birth_year=2012)
    table = mp.age_sex_table(mp.select_members(young, "active", AS_OF))
    assert table["age_band"].astype(str).iloc[0] == "under 18"


def test_visits_table_hides_the_single_and_its_complement(roster):
    table = mp.visits_table(mp.select_members(roster, "active", AS_OF))
    assert table["visits_band"].astype(str).tolist() == [
        "under 1", "1 to under 2", "2 to under 3", "3 to under 4", "4 or more"]
    assert table["members"].tolist()[0] == 0
    assert table["members"].tolist()[2] == 12
    assert table["suppressed"].tolist() == [False, True, False, True, False]


def test_tenure_table(roster):
    table = mp.tenure_table(mp.select_members(roster, "active", AS_OF))
    counts = dict(zip(table["tenure_band"].astype(str), table["members"], strict=True))
    # A: 12 months minus a day -> 6-12; B: 24 months minus a day -> 12-24; C and E: ~6 months
    # minus a day -> 3-6 (4 members, hidden, with 10 from B as its complement).
    assert counts["6–12"] == 12
    assert pd.isna(counts["3–6"]) and pd.isna(counts["12–24"])
    assert counts["60 or more"] == 0


def test_goal_table_merges_small_goals(roster):
    table = mp.goal_table(mp.select_members(roster, "active", AS_OF))
    assert table["goal"].tolist() == ["Strength", "General fitness", "other"]
    assert table["members"].tolist()[0] == 12
    assert table["suppressed"].tolist() == [False, True, True]  # other = 4, then complement


def test_goal_table_puts_not_recorded_last(roster):
    blank = roster.assign(training_goal=roster["training_goal"].where(
        roster["sex"] != "M"))
    table = mp.goal_table(mp.select_members(blank, "all", AS_OF))
    assert table["goal"].iloc[-1] == mp.NOT_RECORDED
    assert table["members"].iloc[-1] == 11  # B and E


def test_footnote_counts_members_without_a_year_of_birth():
    chosen = pd.DataFrame({"birth_year": pd.array([1980] * 20 + [None] * 12, dtype="Int64")})
    assert "12 members of this profile have no recorded year of birth" in mp.footnote_markdown(
        False, 10, chosen)
    few = chosen.iloc[:23]  # 3 without: a group too small to count exactly
    text = mp.footnote_markdown(False, 10, few)
    assert "Fewer than 10 members of this profile have no recorded year" in text
    assert "3 members" not in text
    assert "no recorded year" not in mp.footnote_markdown(False, 10, chosen.iloc[:20])


def test_footnote():
    assert "synthetic" in mp.footnote_markdown(True)
    assert "synthetic" not in mp.footnote_markdown(False, 12)
    assert "fewer than 12 members" in mp.footnote_markdown(False, 12)


# --- members and expected back pain by age band and sex (the decision's pyramid) -------------

def test_aggregate_exposure_sums_segments_and_hides_small_groups(exposure_tables):
    age_sex, segments = exposure_tables
    table = mp.aggregate_exposure(age_sex, segments)
    women = table.loc[(table["age_band"] == "18–29") & (table["sex"] == "Women")].iloc[0]
    assert women["expected_with_back_pain"] == pytest.approx(0.4 * 60 + 0.25 * 60)
    hidden = table["suppressed"]
    assert hidden.sum() == 2  # 3 and 4 members
    assert table.loc[hidden, "expected_with_back_pain"].isna().all()
    assert table.loc[~hidden, "expected_with_back_pain"].notna().all()


def test_aggregate_exposure_refuses_tables_of_different_members(exposure_tables):
    age_sex, segments = exposure_tables
    other = segments.assign(members=segments["members"] + 5)
    with pytest.raises(ValueError, match="same members and date"):
        mp.aggregate_exposure(age_sex, other)


FIGURES = Headline(status="active", as_of=date(2026, 11, 1), members=1585, median_age=36.0,
                   share_women=0.4688, median_visits_per_week=1.2,
                   median_tenure_months=21.42, share_desk_workers=0.441,
                   occupation_known=1263, min_group_size=10)


def texts(fields: dict) -> dict[str, str]:
    return {f["label"]: f["text"] for f in fields["key_figures"]}


def test_summary_fields_word_every_figure():
    fields = summary_fields(FIGURES, "Demo Club")
    assert summary_problems(fields) == []
    assert fields["headline"] == ("Demo Club on 1 November 2026: 1,585 active members, median "
                                  "age 36, 47% women, median time as a member 21 months.")
    assert texts(fields) == {
        "Members": "1,585 active", "Median age": "36 years", "Women": "47%",
        "Median visits a week": "1.2", "Median time as a member": "21 months",
        "Desk workers": "44% of 1,263 with a recorded occupation"}


def test_summary_fields_say_not_shown_where_a_figure_is_suppressed():
    few = replace(FIGURES, status="all", members=7, median_age=None, share_women=None,
                  median_visits_per_week=None, median_tenure_months=None,
                  share_desk_workers=None, occupation_known=4)
    fields = summary_fields(few)
    assert summary_problems(fields) == []
    assert fields["headline"] == ("On 1 November 2026: 7 members, current and former, too few "
                                  "to show any figures for (fewer than 10).")
    shown = texts(fields)
    assert shown["Members"] == "7 current and former"
    assert shown["Median age"] == "not shown (fewer than 10 members)"
    assert shown["Women"] == shown["Median visits a week"] == shown["Median age"]
    assert shown["Desk workers"] == "not shown (fewer than 10 with a recorded occupation)"


def test_only_the_suppressed_figure_is_hidden():
    fields = summary_fields(replace(FIGURES, status="cancelled", share_desk_workers=None,
                                    median_visits_per_week=None), "Club")
    shown = texts(fields)
    assert fields["headline"].startswith("Club on 1 November 2026: 1,585 members who had "
                                         "cancelled, median age 36,")
    assert shown["Members"] == "1,585 cancelled" and shown["Median age"] == "36 years"
    assert shown["Median visits a week"] == "not shown (fewer than 10 members)"
    assert shown["Desk workers"].startswith("not shown")


def test_a_figure_missing_from_the_roster_is_not_called_a_small_group(roster):
    """1,585 members without a birth year are not "fewer than 10 members": the roster lacks
    the figure, and the profile says so; a group too small to show keeps that wording."""
    large = pd.concat([roster] * 70, ignore_index=True)  # 26 × 70 = 1,820 active members
    unrecorded = large.assign(birth_year=pd.array([pd.NA] * len(large), dtype="Int64"),
                              visits_per_week=float("nan"),
                              occupation_activity=pd.Categorical([None] * len(large),
                                                                 categories=OCCUPATIONS))
    figures = mp.headline(unrecorded, "active", AS_OF)
    assert (figures.members, figures.age_known, figures.visits_known) == (1820, 0, 0)
    shown = texts(summary_fields(figures))
    assert shown["Median age"] == "birth year not recorded (1,820 members)"
    assert shown["Median visits a week"] == "visit count not recorded (1,820 members)"
    assert shown["Desk workers"] == "occupation not recorded (1,820 members)"
    assert shown["Women"] == "46%" and shown["Median time as a member"] == "12 months"
    text = mp.headline_markdown(figures)
    assert "- **Age:** birth year not recorded (1,820 members)." in text
    assert "- **Desk workers:** occupation not recorded (1,820 members)." in text
    assert "fewer than" not in " ".join(shown.values()) + text
    # Five members with a birth year: too few for a median, and said so.
    five = unrecorded.assign(birth_year=unrecorded["birth_year"].mask(unrecorded.index < 5,
                                                                      1990))
    few = texts(summary_fields(mp.headline(five, "active", AS_OF)))
    assert few["Median age"] == "not shown (fewer than 10 with a recorded birth year)"
    # A profile of too few members keeps "fewer than 10 members".
    small = texts(summary_fields(mp.headline(unrecorded.iloc[:7], "active", AS_OF)))
    assert small["Median age"] == "not shown (fewer than 10 members)"


def test_the_visits_section_says_where_the_visits_come_from(roster):
    without = Roster(roster, pd.Timestamp("2026-12-01"))
    assert mp.visits_source(without) == "members.csv (visits_per_week)"
    assert mp.visits_markdown(without) == ("Average visits a week, as recorded in the roster "
                                           "(`members.csv`).")
    logged = replace(without, visits_window=VisitWindow(date(2026, 9, 8), date(2026, 11, 30),
                                                        date(2025, 12, 1)))
    assert mp.visits_source(logged) == "the check-in log, 8 Sep–30 Nov 2026"
    assert mp.visits_markdown(logged).startswith(
        "Visits from the check-in log, 8 Sep–30 Nov 2026: each member's check-ins in these 12 "
        "weeks, per week")
    assert mp.visits_source(logged, "cancelled") == ("the check-in log, 1 Dec 2025–30 Nov 2026: "
                                                     "each member's last 12 weeks as a member")
    assert "fewer than 4 weeks" in mp.visits_markdown(logged, "all")


def test_a_pending_cancellation_is_profiled_in_the_status_the_export_gives(roster):
    """Group A's 12 women are active with a cancel date after the date (a pending
    cancellation): still active on it, and cancelled from that date on."""
    pending = roster.assign(cancel_date=roster["cancel_date"].mask(
        roster.index < 12, pd.Timestamp("2026-09-30")))
    active = mp.select_members(pending, "active", AS_OF)
    assert len(active) == 26 and mp.headline(pending, "active", AS_OF).share_women == \
        pytest.approx(12 / 26)
    later = mp.select_members(pending, "all", "2026-10-15")
    assert (later["status_on"] == "cancelled").sum() == 10 + 12
    gone = later.loc[later["member_id"] == "M000"].iloc[0]
    assert gone["tenure_months"] == pytest.approx(
        (pd.Timestamp("2026-09-30") - pd.Timestamp("2025-06-30")).days / MONTH)


def test_without_join_dates_time_as_a_member_is_not_known(roster):
    """No join date: every member on the roster has joined, the tenure figures say "not
    known" (never a wrong number), and the tenure section says why."""
    large = pd.concat([roster] * 70, ignore_index=True)
    unknown = large.assign(join_date=pd.Series(pd.NaT, index=large.index,
                                               dtype="datetime64[us]"))
    figures = mp.headline(unknown, "active", AS_OF)
    assert figures.members == 27 * 70  # group F has joined too: its start is not known
    assert (figures.median_tenure_months, figures.tenure_known) == (None, 0)
    assert figures.median_age is not None
    shown = texts(summary_fields(figures))
    assert shown["Median time as a member"] == "join date not recorded (1,890 members)"
    assert ("- **Time as a member:** not known, join date not recorded (1,890 members)."
            in mp.headline_markdown(figures))
    chosen = mp.select_members(unknown, "active", AS_OF)
    assert mp.tenure_markdown(chosen) == ("Not known: the roster (`members.csv`) records no "
                                          "join date for these members.")
    assert mp.tenure_markdown(mp.select_members(large, "active", AS_OF)) == ""
    some = large.assign(join_date=large["join_date"].mask(large.index < 40))
    assert mp.tenure_markdown(mp.select_members(some, "active", AS_OF)) == (
        "30 members of this profile have no recorded join date and are not in this table.")
    logged = Roster(unknown, pd.Timestamp(AS_OF), VisitWindow(date(2026, 4, 7),
                                                              date(2026, 6, 30),
                                                              date(2025, 7, 1)))
    assert "counted as a member since before the log began" in mp.visits_markdown(logged)


def test_ages_from_a_date_of_birth_count_the_birthday(roster):
    dated = roster.assign(birth_date=pd.NaT)
    dated.loc[:11, "birth_date"] = pd.Timestamp("1996-07-01")  # A: 30 in 2026, on 1 July
    chosen = mp.select_members(dated, "active", AS_OF)
    assert chosen["age"].head(12).eq(29).all() and chosen["age"].iloc[12] == 50
    assert "counted from the date of birth where the roster gives one" in mp.footnote_markdown(
        False, chosen=chosen)


def test_junior_members_are_counted_and_shown_apart(roster):
    young = roster.copy()
    young.loc[:11, "birth_year"] = 2012  # A: 14 on the date
    figures = mp.headline(young, "active", AS_OF)
    assert figures.juniors == 12 and figures.members == 26
    assert ("- **Junior members (under 18):** 12, counted in every figure here; the decision "
            "reports leave them out of the back-pain figures (no published adult rate applies "
            "to them).") in mp.headline_markdown(figures)
    young.loc[:11, "birth_year"] = 1996
    young.loc[22:24, "birth_year"] = 2019  # C: 3 members aged 7, too few to show
    figures = mp.headline(young, "active", AS_OF)
    assert figures.juniors is None and "Junior" not in mp.headline_markdown(figures)
    assert mp.headline(roster, "active", AS_OF).juniors == 0
    assert "Junior" not in mp.headline_markdown(mp.headline(roster, "active", AS_OF))


def test_aggregate_exposure_leaves_the_juniors_out(exposure_tables):
    age_sex, segments = exposure_tables
    young = pd.DataFrame({"age_band": ["under 18"] * 3, "sex": ["Women", "Men",
                                                                  "Another or not stated"],
                          "members": [30, 20, 0], "share": 0.0, "suppressed": False})
    both = pd.concat([young, age_sex], ignore_index=True)
    both["age_band"] = pd.Categorical(both["age_band"], ["under 18", "18–29", "30–44",
                                                         "45–64"])
    table = mp.aggregate_exposure(both, segments)  # the segments hold no junior
    assert list(table["age_band"].cat.categories) == ["18–29", "30–44", "45–64"]
    assert len(table) == len(age_sex)
def test_an_anonymous_check_in_log_is_said_to_give_no_members_visits(roster):
    door = Roster(roster, pd.Timestamp("2026-12-01"), anonymous_log=True)
    assert mp.visits_markdown(door).startswith(
        "The check-in log names no member (an anonymous door log): each member's visits a "
        "week are not known from it.")
