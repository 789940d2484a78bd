"""Back-pain exposure: the odds-scale adjustment, the age × sex combination, segments, priors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluate.data.assumptions import load_assumptions
from evaluate.data.members import load_members
from evaluate.data.reference import load_back_pain_prevalence
from evaluate.model.exposure import (
    ExposureParameters,
    back_pain_core,
    back_pain_probability,
    combine_age_sex,
    exposure_by_segment,
    exposure_priors,
    odds_adjust,
    prevalence_from_table,
)
from evaluate.paths import DEMO_DATA_DIR
from model_support import AS_OF, roster

PROBABILITY = st.floats(0.0, 1.0)
ODDS_RATIO = st.floats(0.05, 20.0)


@pytest.fixture(scope="module")
def params() -> ExposureParameters:
    return ExposureParameters.load()


def test_odds_adjustment_worked_example():
    """NHIS 2019, ages 30-44: p = 35.2%; desk-work OR 1.47 (Dzakpasu 2021).

    o  = 0.352 / 0.648            = 0.543210
    OR·o = 1.47 × 0.543210        = 0.798519
    p' = 0.798519 / 1.798519      = 0.443987   (not 1.47 × 0.352 = 0.517)
    With the CI's ends, OR 1.12: o' = 0.608395, p' = 0.378262; OR 1.92: o' = 1.042963,
    p' = 0.510515.
    """
    assert odds_adjust(0.352, 1.47) == pytest.approx(0.443987, abs=1e-6)
    assert odds_adjust(0.352, 1.12) == pytest.approx(0.378262, abs=1e-6)
    assert odds_adjust(0.352, 1.92) == pytest.approx(0.510515, abs=1e-6)


def test_odds_adjustment_edges():
    assert odds_adjust(np.array([0.0, 1.0, 0.3]), 1.0) == pytest.approx([0.0, 1.0, 0.3])
    assert odds_adjust(1.0, 5.0) == 1.0 and odds_adjust(0.0, 5.0) == 0.0


def test_age_and_sex_margins_combine_by_the_sex_ratio(params):
    """A woman of 30-44: 35.2% × 40.6 / 39.0 = 36.6441%; a man: 35.2 × 37.2 / 39.0 = 33.5754%."""
    assert params.prevalence.sex_ratio["F"] == pytest.approx(40.6 / 39.0)
    assert combine_age_sex(0.352, 40.6 / 39.0) == pytest.approx(0.366441, abs=1e-6)
    assert combine_age_sex(0.352, 37.2 / 39.0) == pytest.approx(0.335754, abs=1e-6)
    assert params.prevalence.band_labels == ("18-29", "30-44", "45-64", "65+")
    assert params.odds_ratio == (1.12, 1.47, 1.92)


def test_member_probabilities_by_hand(params):
    """Women of 35 (30-44), most likely, OR 1.47, prior desk share 0.45.

    base = 0.366441; desk: o = 0.578385, p' = 0.459525; mixed: 0.366441;
    unknown: 0.45 × 0.459525 + 0.55 × 0.366441 = 0.408329.
    A man of 70 (65+), active work: 0.456 × 37.2 / 39.0 = 0.434954. Sex X, 20: 0.284.
    Born unknown, mixed, F: the overall 0.39 × 40.6 / 39 = 0.406. Aged 16, a junior: left
    out of the back-pain figures, 0.
    """
    members = roster([{"occupation_activity": "desk"}, {"occupation_activity": "mixed"},
                      {}, {"birth_year": 1956, "sex": "M", "occupation_activity": "active"},
                      {"birth_year": 2006, "sex": "X", "occupation_activity": "mixed"},
                      {"birth_year": None, "occupation_activity": "mixed"},
                      {"birth_year": 2010, "sex": "X", "occupation_activity": "mixed"}])
    p = back_pain_probability(members, params, as_of=AS_OF)
    expected = [0.459525, 0.366441, 0.408329, 0.434954, 0.284, 0.406, 0.0]
    assert p.to_numpy() == pytest.approx(expected, abs=1e-6)
    assert p.name == "back_pain_probability" and p.index.equals(members.index)


def test_scenarios_take_the_low_and_high_ends(params):
    members = roster([{"occupation_activity": "desk"}])
    low = back_pain_probability(members, params, scenario="low", as_of=AS_OF).iloc[0]
    high = back_pain_probability(members, params, scenario="high", as_of=AS_OF).iloc[0]
    assert low == pytest.approx(odds_adjust(0.366441, 1.12), abs=1e-6)
    assert high == pytest.approx(odds_adjust(0.366441, 1.92), abs=1e-6)
    with pytest.raises(ValueError, match="scenario"):
        back_pain_probability(members, params, scenario="median")


def test_core_takes_a_leading_draws_axis():
    base = np.array([0.3, 0.4, 0.5])
    activity = np.array([0, 1, 3])  # desk, mixed, unknown
    odds = np.array([1.0, 1.5, 2.0])[:, None]
    share = np.array([0.2, 0.4, 0.6])[:, None]
    together = back_pain_core(base, activity, odds, share)
    assert together.shape == (3, 3)
    for d in range(3):
        alone = back_pain_core(base, activity, float(odds[d, 0]), float(share[d, 0]))
        np.testing.assert_allclose(together[d], alone)
    np.testing.assert_allclose(together[0], base)  # OR 1 changes nothing
    np.testing.assert_allclose(together[:, 1], 0.4)  # known non-desk never moves


@given(PROBABILITY, ODDS_RATIO, ODDS_RATIO, PROBABILITY)
def test_probability_rises_with_the_odds_ratio_and_stays_bounded(p, or_a, or_b, share):
    low, high = sorted((or_a, or_b))
    activity = np.array([0, 3])
    a = back_pain_core(np.array([p, p]), activity, low, share)
    b = back_pain_core(np.array([p, p]), activity, high, share)
    assert np.all(a <= b + 1e-12)
    assert np.all((b >= -1e-12) & (b <= 1 + 1e-12))
    assert (a[1] - p) * (a[0] - p) >= -1e-12  # unknown moves the same way as desk, less far
    assert abs(a[1] - p) <= abs(a[0] - p) + 1e-12


def test_segments_sum_to_the_member_probabilities(params):
    members = load_members(DEMO_DATA_DIR)
    table = exposure_by_segment(members, params)
    assert list(table.columns) == ["age_band", "sex", "activity", "members",
                                   "expected_with_back_pain_low",
                                   "expected_with_back_pain_most_likely",
                                   "expected_with_back_pain_high", "share"]
    from evaluate.reports.member_profile import select_members

    active = select_members(members, "active")
    assert table["members"].sum() == (active["age"] >= 18).sum()  # juniors are left out
    per_member = back_pain_probability(members.loc[members["member_id"].isin(
        active["member_id"])], params)
    assert table["expected_with_back_pain_most_likely"].sum() == pytest.approx(per_member.sum())
    assert (table["expected_with_back_pain_low"]
            <= table["expected_with_back_pain_most_likely"] + 1e-9).all()
    assert (table["expected_with_back_pain_most_likely"]
            <= table["expected_with_back_pain_high"] + 1e-9).all()
    assert not table.duplicated(["age_band", "sex", "activity"]).any()


def test_demo_club_magnitudes(params):
    """Demo club (synthetic): 1,585 active members, 116 of them juniors (16 and 17) left out;
    of the 1,469 adults about 589 (40.1%) likely have back pain.

    Range 547-637 (low-high). Sensible: NHIS gives 39% of US adults; the club's mix of desk
    workers (+) and young members (-) roughly cancel.
    """
    table = exposure_by_segment(load_members(DEMO_DATA_DIR), params)
    total = table[["members", "expected_with_back_pain_low",
                   "expected_with_back_pain_most_likely", "expected_with_back_pain_high"]].sum()
    assert total["members"] == 1585 - 116
    assert table.attrs["priors"].set_index("item").loc["junior members (under 18)",
                                                        "members"] == 116
    assert 0.36 < total["expected_with_back_pain_most_likely"] / total["members"] < 0.43
    assert 520 < total["expected_with_back_pain_low"] < 570
    assert 610 < total["expected_with_back_pain_high"] < 660
    assert table["share"].between(0.25, 0.6).all()


def test_more_members_never_fewer_expected(params):
    members = roster([{"occupation_activity": "desk"}, {"sex": "M"}])
    one = exposure_by_segment(members, params, as_of=AS_OF)
    more = exposure_by_segment(pd.concat([members, members.iloc[:1]], ignore_index=True),
                               params, as_of=AS_OF)
    assert (more["expected_with_back_pain_most_likely"].sum()
            > one["expected_with_back_pain_most_likely"].sum())


def test_priors_say_what_came_from_assumptions(params):
    members = roster([{}, {}, {"occupation_activity": "desk"}, {"birth_year": 2010},
                      {"birth_year": None, "occupation_activity": "mixed"},
                      {"status": "cancelled", "cancel_date": "2025-01-01"}])
    priors = exposure_priors(members, params, as_of=AS_OF).set_index("item")
    # The cancelled member and the junior (born 2010) are left out.
    assert priors.loc["occupation unknown", "members"] == 2
    assert priors.loc["occupation unknown", "assumption"] == "desk_share_prior"
    assert priors.loc["junior members (under 18)", "members"] == 1
    assert priors.loc["junior members (under 18)", "note"].startswith(
        "left out of the back-pain figures: no published adult rate applies to them")
    assert priors.loc["birth year unknown", "members"] == 1
    assert "sex another or not stated" not in priors.index
    assert "reference" in priors.loc["desk-work odds ratio", "note"]
    table = exposure_by_segment(members, params, as_of=AS_OF)
    assert table.attrs["priors"].equals(exposure_priors(members, params, as_of=AS_OF))


def test_assumptions_from_a_file_override_the_defaults():
    assumptions = load_assumptions(DEMO_DATA_DIR)
    params = ExposureParameters.load(assumptions)
    assert params.odds_ratio_origin == "file" and params.desk_share_origin == "file"
    assert params.desk_share == (0.30, 0.45, 0.60)


def test_bands_with_a_gap_are_refused():
    table = load_back_pain_prevalence()
    broken = table.loc[table["age_band"] != "30-44"]
    with pytest.raises(ValueError, match="contiguous"):
        prevalence_from_table(broken)


def test_reproducible(params):
    members = load_members(DEMO_DATA_DIR)
    pd.testing.assert_frame_equal(exposure_by_segment(members, params),
                                  exposure_by_segment(members, params))


def test_junior_members_are_left_out_of_the_back_pain_figures(params):
    adults = roster([{}, {"sex": "M", "occupation_activity": "desk"}, {"birth_year": None}])
    juniors = roster([{"birth_year": 2010}, {"birth_year": 2021, "sex": "M"}])  # 16 and 5
    both = pd.concat([adults, juniors], ignore_index=True)
    alone = exposure_by_segment(adults, params, as_of=AS_OF)
    table = exposure_by_segment(both, params, as_of=AS_OF)
    pd.testing.assert_frame_equal(table, alone, check_like=True)
    assert "under 18" not in set(table["age_band"].astype(str))
    priors = table.attrs["priors"].set_index("item")
    assert priors.loc["junior members (under 18)", "members"] == 2
    assert priors.loc["age × sex combined", "members"] == 3  # adults and unknown age only
    assert back_pain_probability(both, params, as_of=AS_OF).iloc[3:].tolist() == [0.0, 0.0]
