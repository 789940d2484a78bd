"""The member profile's headline and key figures for summary.json and the index page."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from evaluate.reports.member_profile import Headline, summary_fields
from evaluate.reports.results import summary_problems

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
