"""Each chart's one-sentence summary: its main finding, in the chart's own numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaluate.reports import chart_summaries as cs
from evaluate.reports import model_charts
from evaluate.reports.charts import chart_text, percent_label
from evaluate.reports.decision import charts as decision_charts
from evaluate.reports.usage_review import charts as usage_charts

NAMES = {"rh": "Reverse hyperextension", "bx": "45-degree back extension", "ghd": "GHD"}


def test_the_largest_age_and_sex_group_shown_never_a_hidden_one():
    table = pd.DataFrame({"age_band": ["18–29", "18–29", "30–44"],
                          "sex": ["Women", "Men", "Another or not stated"],
                          "members": [245.0, 256.0, np.nan], "share": [0.3, 0.31, np.nan],
                          "suppressed": [False, False, True]})
    assert cs.age_sex_summary(table) == ("Men aged 18–29 are the largest group shown, with 256 "
                                         "members.")
    hidden = table.assign(suppressed=True, members=np.nan)
    assert cs.age_sex_summary(hidden) == "No group of members is large enough to show."


def test_a_banded_chart_names_its_largest_band_with_members_and_share():
    visits = pd.DataFrame({"visits_band": ["under 1", "1 to under 2"], "members": [571, 598],
                           "share": [0.37, 0.38], "suppressed": [False, False]})
    assert cs.bands_summary(visits, "visits_band") == (
        "The most common band of visits per week is “1 to under 2”: 598 members (38%).")
    tenure = pd.DataFrame({"tenure_band": ["24–60"], "members": [482], "share": [0.3],
                           "suppressed": [False]})
    assert cs.bands_summary(tenure, "tenure_band") == (
        "The most common time as a member is “24–60” months: 482 members (30%).")


def test_npv_summary_names_the_best_median_and_says_so_when_two_share_it():
    summary = pd.DataFrame({"equipment_id": ["bx", "rh"], "p10": [-3690.0, -2352.0],
                            "p50": [882.0, 4380.0], "p90": [29742.0, 44748.0],
                            "p_positive": [0.55, 0.71], "draws": [10_000, 10_000]})
    fig = model_charts.npv_distribution_chart(summary, NAMES, currency="USD")
    assert chart_text(fig)[1] == (
        "The reverse hyperextension has the highest median net present value, $4,380 (P10 "
        "−$2,352 to P90 $44,748), and it is above 0 in 71% of 10,000 simulated futures.")
    assert "4,380" in " ".join(a.text for a in fig.layout.annotations)  # the chart's number
    one = cs.npv_distribution_summary(summary.iloc[[1]], NAMES, "USD")
    assert one.startswith("The median net present value of the reverse hyperextension is $4,380")
    tied = cs.npv_distribution_summary(summary.assign(p50=[4380.2, 4380.0]), NAMES, "USD")
    assert tied == ("The 45-degree back extension and the reverse hyperextension share the "
                    "highest median net present value, $4,380, across 10,000 simulated "
                    "futures.")


def test_tornado_summary_gives_the_top_input_at_both_ends_as_labelled():
    swings = pd.DataFrame({"assumption": ["uptake", "price (rh)"],
                           "unit": ["fraction", "currency"], "low_value": [0.04, 2000.0],
                           "high_value": [0.12, 3000.0], "npv_at_low": [-1786.0, 5000.0],
                           "npv_at_high": [42869.0, 4000.0]})
    fig = model_charts.tornado_chart(swings, "npv_at_low", "npv_at_high", 4421.0,
                                     value_title="Net present value (USD)", names=NAMES,
                                     currency="USD")
    assert chart_text(fig)[1] == (
        "The input that moves the net present value (USD) most is uptake: −1,786 at the low "
        "end of its range (4%) and 42,869 at the high end (12%), against 4,421 most likely.")


def test_peak_load_names_machines_the_chart_shows_at_the_same_figure_together():
    labels = ["Cable tower", "Reverse hyper", "GHD"]
    assert cs.peak_load_summary(labels, np.array([0.61, 0.6101, 0.5]), 0.5, percent_label) == (
        "At the busiest hour the cable tower and the reverse hyper would be the busiest, each "
        "with 61% of its capacity in use (most likely); 2 of the 3 are above the 50% target "
        "from which members start to queue.")
    assert cs.peak_load_summary(labels[:1], np.array([1.4]), 0.5, percent_label) == (
        "At the busiest hour the cable tower would have over capacity (most likely), above the "
        "50% target from which members start to queue.")


def test_rank_and_score_summaries_use_the_charts_figures():
    ranks = pd.DataFrame({"alternative": ["rh", "rh", "bx", "bx"], "rank": [1, 2, 1, 2],
                          "probability": [0.72, 0.28, 0.28, 0.72]})
    ranks.attrs["draws"] = 10_000
    fig = decision_charts.rank_acceptability_chart(ranks, NAMES)
    assert chart_text(fig)[1] == ("The reverse hyperextension comes first most often, in 72% "
                                  "of 10,000 simulated futures.")
    assert "72%" in np.ravel(fig.data[0].text)
    parts = pd.DataFrame({"alternative": ["rh", "rh", "bx", "bx"],
                          "criterion": ["npv", "weekly_uses"] * 2,
                          "contribution": [0.5, 0.25, 0.2, 0.1]})
    fig = decision_charts.score_contributions_chart(parts, NAMES,
                                                    criterion_labels={"npv": "NPV",
                                                                      "weekly_uses": "Use"})
    assert chart_text(fig)[1] == ("The reverse hyperextension scores highest, 0.75 of 1, with "
                                  "the most from npv (0.50).")


def test_value_for_money_names_the_best_buys():
    table = pd.DataFrame({"alternative": ["rh", "bx", "ghd"], "score": [0.75, 0.4, 0.3],
                          "cost": [814.0, 500.0, 2310.0], "on_frontier": [True, True, False]})
    assert cs.value_for_money_summary(table, NAMES, "USD") == (
        "The reverse hyperextension scores highest, 0.75, for $814; the best buys at their "
        "price (nothing else scores as high for less) are the 45-degree back extension and the "
        "reverse hyperextension.")


def test_exposure_summary_skips_hidden_groups():
    table = pd.DataFrame({"age_band": ["45–64", "45–64", "65+"], "sex": ["Women", "Men", "Men"],
                          "members": [206.0, 202.0, 12.0],
                          "expected_with_back_pain": [104.0, 94.0, 150.0],
                          "suppressed": [False, False, True]})
    assert cs.exposure_summary(table) == ("Most members expected to have back pain now are "
                                          "women aged 45–64: about 104 of 206.")


def test_usage_review_summaries_count_only_what_the_charts_draw():
    weeks = pd.DataFrame({
        "week_start": pd.to_datetime(["2026-01-05", "2026-01-12", "2026-01-19", "2026-01-26"]),
        "full_week": [False, True, True, True], "sessions": [4, 10, 20, np.nan],
        "forecast_most_likely": [5.0, 11.0, 11.0, 11.0], "forecast_p10": [3.0, 8.0, 8.0, 8.0],
        "forecast_p90": [7.0, 15.0, 15.0, 15.0]})
    fig = usage_charts.weekly_chart(weeks, "the back bench")
    assert chart_text(fig)[1] == (
        "Over 2 full weeks, the back bench was used 15 times a week on average against a most "
        "likely forecast of 11; 1 of the 2 weeks fell inside the forecast range.")
    hours = pd.DataFrame({"hour": [17, 18], "busiest_day": [1.0, 5.5],
                          "average_day": [0.5, 2.0], "capacity": [10.0, 10.0]})
    fig = usage_charts.hours_chart(hours, "the back bench", "Mondays", 0.5)
    assert chart_text(fig)[1] == (
        "The busiest hour on Mondays is 18:00, with 5.5 sessions an hour on the back bench, "
        "above the 50% of its capacity (10.0 sessions an hour) at which queues start to form.")


def test_chain_summary_counts_losses():
    outcomes = pd.DataFrame({"club": ["North", "North", "South"],
                             "name": ["Rower", "Reverse hyper", "Rower"],
                             "npv_p50": [1200.0, -300.0, 4000.0],
                             "recommended": [True, False, True]})
    assert cs.chain_npv_summary(outcomes, "EUR") == (
        "The highest median net present value is the rower at South, €4,000; 1 of the 3 club "
        "and machine pairs have a median below 0.")


def test_adoption_summary_reads_each_lines_end():
    curve = pd.DataFrame({"equipment_id": ["rh"] * 4, "scenario": ["most_likely"] * 2
                          + ["low"] * 2, "month": [1, 24, 1, 24],
                          "weekly_sessions": [40.0, 198.0, 10.0, 60.0]})
    assert cs.adoption_summary(curve, NAMES, ["rh"]) == (
        "By month 24 after installation the most likely use is 198 sessions a week on the "
        "reverse hyperextension.")
