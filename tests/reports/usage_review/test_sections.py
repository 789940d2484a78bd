"""The usage review's words: the answer first, the tables, the calibration and how to read it.

On the demo club's 45-degree back extension, whose year of use lies within its forecast range.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from evaluate.data.club_data import load_club_data
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports.usage_review import analysis
from evaluate.reports.usage_review import sections as text
from evaluate.reports.usage_review.analysis import _n


@pytest.fixture(scope="module")
def data():
    return load_club_data(DEMO_DATA_DIR)


@pytest.fixture(scope="module")
def review(data) -> analysis.UsageReview:
    return analysis.review_usage(data, "back_extension_45", draws=500, seed=3)


@pytest.fixture(scope="module")
def calibrated(data, review) -> analysis.ReviewCalibration:
    return analysis.review_calibration(data, review)


@pytest.fixture(scope="module")
def not_calibrated(data, review) -> analysis.ReviewCalibration:
    return analysis.review_calibration(data, review, enabled=False)


def test_dates_read_as_in_a_letter():
    assert text._date(date(2025, 11, 1)) == "1 November 2025"
    assert text._date(date(2026, 3, 28)) == "28 March 2026"


def test_the_uptake_factor_in_words():
    assert text._factor_words(1.004) == "at the rates the assumptions give"
    assert text._factor_words(0.88) == "at 88% of the rates the assumptions give"
    assert text._factor_words(1.5) == "at 1.50 times the rates the assumptions give"


def test_the_headline_gives_the_answer_first_with_the_verdict_and_the_factor(review,
                                                                             calibrated,
                                                                             not_calibrated):
    v = review.verdict
    assert v.position == "within"
    headline = text.headline_markdown(review, calibrated)
    assert headline.startswith("**The 45-degree back extension got about the use we "
                               "expected.** Between 1 November 2025 and 31 October 2026 it "
                               f"was used **{_n(v.actual)} times a week** on average, {v.text}.")
    assert review.peak.text in headline
    assert headline.endswith(f"(uptake factor {calibrated.factor:.2f}, below).")
    assert "uptake factor" not in text.headline_markdown(review, not_calibrated)


@pytest.mark.parametrize(("position", "lead"), [
    ("above", "**The 45-degree back extension was used more than we expected.**"),
    ("below", "**The 45-degree back extension was used less than we expected.**"),
])
def test_the_lead_follows_where_the_use_lies(review, not_calibrated, position, lead):
    moved = dataclasses.replace(review, verdict=dataclasses.replace(review.verdict,
                                                                    position=position))
    assert text.headline_markdown(moved, not_calibrated).startswith(lead)


def test_the_summary_sentence_and_key_figures_for_the_index(review, calibrated,
                                                            not_calibrated):
    v = review.verdict
    assert text.headline_sentence(review) == (
        f"45-degree back extension: {_n(v.actual)} sessions a week against a forecast of "
        f"{_n(v.most_likely)} (P10–P90 {_n(v.p10)}–{_n(v.p90)}), within the range; in use "
        f"{review.peak.busy_share:.0%} of its busiest hour.")
    figures = text.key_figures(review, calibrated)
    assert [f["label"] for f in figures] == ["Actual use", "Forecast", "Busiest hour",
                                             "Uptake factor"]
    assert figures[0]["text"] == f"{_n(v.actual)} sessions a week"
    assert figures[3]["text"] == f"{calibrated.factor:.2f}"
    assert [f["label"] for f in text.key_figures(review, not_calibrated)] == [
        "Actual use", "Forecast", "Busiest hour"]


def test_actual_against_forecast_is_a_markdown_table(review):
    lines = text.summary_markdown(review).split("\n")
    assert lines[0] == ("| Measure | Actual (usage log) | Forecast, most likely | Forecast range "
                        "(P10–P90) |")
    assert len(lines) == 5 and all(line.startswith("|") and line.endswith("|") for line in lines)
    v = review.verdict
    assert lines[2] == (f"| Sessions a week | {_n(v.actual)} | {_n(v.most_likely)} | "
                        f"{_n(v.p10)}–{_n(v.p90)} |")
    assert lines[4].startswith(f"| Minutes per session | {review.session_minutes:.1f} | ")


def test_the_calibration_explains_its_table_and_what_to_carry_over(review, calibrated,
                                                                   not_calibrated):
    words = text.calibration_markdown(review, calibrated)
    explanation, table, lessons = words.split("\n\n", 2)
    assert explanation.startswith(f"The log implies an **uptake factor of "
                                  f"{calibrated.factor:.2f}**")
    rows = table.split("\n")[2:]
    assert len(rows) == len(calibrated.table)
    assert rows[0].startswith("| Take-up among members with back pain (most likely) | 8.0% | ")
    assert lessons.startswith("**For the next forecast:**")
    assert "The decision report calibrates the reverse hyperextension on this machine" in lessons
    # 5.4 minutes in the log against 8 in equipment.csv: more than 15% apart.
    assert "worth updating, as session length sets the capacity" in lessons
    assert text.calibration_markdown(review, not_calibrated) == not_calibrated.text


def test_a_factor_far_from_one_warns_against_carrying_it_over(review, calibrated):
    assert "A factor this far from 1" not in text._calibration_text(
        review, calibrated.factor, calibrated.table)
    assert "A factor this far from 1" in text._calibration_text(review, 2.5, calibrated.table)


def test_how_to_read_it_names_the_log_the_period_and_the_members(review):
    note = text.data_note_markdown(review)
    assert note.startswith("## How to read this")
    assert "(`equipment_usage.parquet`), which covers 1 November 2025 to 31 October 2026" in note
    assert f"{review.users:,} different members used it at least once." in note
    assert "The machine was in place before the log starts" in note
    assert note.endswith("no real person is described.")  # the demo's synthetic data
    few = dataclasses.replace(review, users=None, verdict=None,
                              shown=dataclasses.replace(review.shown, machine=False))
    assert (f"Fewer than {review.min_group_size} different members used it, so the number is "
            "not shown.") in text.data_note_markdown(few)
    # Enough users, but the active members who did not use it would be too few to show.
    split = dataclasses.replace(review, users=None)
    assert ("How many different members used it is not shown: fewer than 10 of the active "
            "members did not, and the number would single them out.") in (
        text.data_note_markdown(split))
    assert "M0" not in note  # no member id


def test_a_busiest_hour_of_too_few_members_reads_not_shown_with_the_reason(review,
                                                                           not_calibrated):
    hidden = dataclasses.replace(review, peak=dataclasses.replace(
        review.peak, weekday=None, hour=None, busy_share=None, level=None))
    why = "Fewer than 10 members used it in its busiest hour, so that hour is not shown."
    headline = text.headline_markdown(hidden, not_calibrated)
    assert headline.endswith(f"of the time (P10–P90 21%–42%). {why}")
    assert "Mondays" not in headline and "18%" not in headline
    table = text.summary_markdown(hidden)
    assert "| In use at the busiest hour | not shown | 29% | 21%–42% |" in table
    assert table.endswith(why)
    assert text.key_figures(hidden, not_calibrated)[2] == {
        "label": "Busiest hour", "text": "not shown (fewer than 10 members); forecast 29%"}
    assert text.headline_sentence(hidden).endswith(
        "its busiest hour not shown (fewer than 10 members).")
    assert text.peak_label(hidden) == ("Share of the busiest hour in use (not shown: fewer "
                                       "than 10 members)")
    assert text.peak_label(review) == "Share of the busiest hour in use (Mondays 18:00–19:00)"
    assert why in text.data_note_markdown(hidden)
    unsettled = dataclasses.replace(hidden, shown=dataclasses.replace(hidden.shown,
                                                                      settled=False))
    assert text.peak_withheld(unsettled) == (
        "Fewer than 10 members used it once its ramp-up was over, so how busy it was then is "
        "not shown.")
