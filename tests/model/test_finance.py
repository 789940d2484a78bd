"""Money model: hand-computed cases, numpy-financial as the oracle, and properties."""

from __future__ import annotations

from dataclasses import fields, replace

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluate.data.assumptions import default_assumptions
from evaluate.data.equipment import load_equipment
from evaluate.model.finance import (
    BASES,
    BENEFIT_INPUTS,
    BENEFIT_ITEMS,
    ITEMS,
    SUMMARY_COLUMNS,
    FinanceInputs,
    adoption_ramp,
    annuity_factor,
    benefit_basis,
    cash_flow_table,
    cash_flows_core,
    credited_new_joins,
    finance_core,
    finance_inputs,
    finance_summary,
    input_bases,
    irr_by_candidate,
    joins_per_year,
    members_paying,
    net_cash_flows,
    npv,
    npv_sourced,
    payback_years,
    source_basis,
    weakest,
)
from evaluate.paths import DEMO_DATA_DIR


def case(**changes: float) -> FinanceInputs:
    """One candidate with round numbers (shapes (1, 1)); see test_hand_computed_cash_flows."""
    base = dict(price=1000, installation=100, maintenance=50, lifespan_years=10, footprint_m2=2,
                users=10, weekly_sessions=20, trainer_users=10, monthly_dues=50,
                annual_churn=0.4, users_churn=0.4, discount_rate=0.1, horizon_years=3,
                floor_cost_per_m2_year=100, salvage_share=0.1, churn_reduction_users=0.25,
                trainer_led_share=0.1, trainer_sessions_per_buyer_year=20,
                trainer_session_price=50, trainer_session_margin=0.5, pt_user_share=0,
                dues_contribution_margin=1, new_joins_per_year=1, adoption_months=0)
    base.update(changes)
    return FinanceInputs(**{k: np.full((1, 1), float(v)) for k, v in base.items()})


def test_hand_computed_cash_flows():
    """Price 1000, installation 100, maintenance 50/yr, 2 m² at 100/m²/yr, horizon 3 < life 10.

    Year 0: -(1000 + 100) = -1100.
    Retention: 10 users × their churn 0.4 × reduction 0.25 = 1 member kept a year; each stays
    on at 0.4, as a new join does: members paying 1, 1 + 0.6, 1 + 0.6 + 0.36 → × 12 × 50 ×
    margin 1 = 600, 960, 1176.
    Trainer: 10 × 0.1 × (1 - 0 already with a trainer) × 20 sessions × 50 × margin 0.5 = 500.
    New joins, 1 a year, churn 0.4: the same 600, 960, 1176.
    Salvage 0.1 × 1000 = 100 at the end of year 3.
    Year 1: -50 - 200 + 600 + 500 + 600 = 1450; year 2: -250 + 960 + 500 + 960 = 2170;
    year 3: -250 + 1176 + 500 + 1176 + 100 = 2702.
    NPV at 10%: -1100 + 1450/1.1 + 2170/1.21 + 2702/1.331 = 4041.6228.
    Payback: 1100 / 1450 = 0.7586 years into year 1.
    """
    x = case()
    items = cash_flows_core(x)
    assert items["new_joins"][0, 0].tolist() == pytest.approx([0, 600, 960, 1176])
    assert items["retention"][0, 0].tolist() == pytest.approx([0, 600, 960, 1176])
    assert net_cash_flows(x)[0, 0].tolist() == pytest.approx([-1100, 1450, 2170, 2702])
    found = finance_core(x)
    assert found["npv"][0, 0] == pytest.approx(-1100 + 1450 / 1.1 + 2170 / 1.21 + 2702 / 1.331)
    assert found["npv"][0, 0] == pytest.approx(4041.6228, abs=1e-3)
    pv_members = 600 / 1.1 + 960 / 1.21 + 1176 / 1.331
    assert found["pv_retention"][0, 0] == pytest.approx(pv_members)
    assert found["pv_new_joins"][0, 0] == pytest.approx(pv_members)
    assert found["pv_trainer_sessions"][0, 0] == pytest.approx(500 * (1 / 1.1 + 1 / 1.21
                                                                      + 1 / 1.331))
    assert found["payback_years"][0, 0] == pytest.approx(1100 / 1450)
    assert found["discounted_payback_years"][0, 0] == pytest.approx(1100 / (1450 / 1.1))
    assert found["years"][0, 0] == 3


def test_hand_computed_cost_metrics_and_break_even():
    """Case above without new joins: use benefits 600, 960, 1176 (retention) + 500 a year.

    Annuity factor at 10% for 3 years: 1/1.1 + 1/1.21 + 1/1.331 = 2.486852.
    PV costs = 1100 + 250 × 2.486852 - 100/1.331 = 1646.5815 (salvage nets off the costs).
    EAC = 1646.5815 / 2.486852 = 662.1146 a year; cost per use = 662.1146 / (52 × 20) = 0.63665.
    Break-even: the PV of use benefits must cover the PV of costs: 20 × 1646.5815 / PV_use.
    """
    found = {k: v[0, 0] for k, v in finance_core(case(new_joins_per_year=0)).items()}
    factor = 1 / 1.1 + 1 / 1.21 + 1 / 1.331
    pv_costs = 1100 + 250 * factor - 100 / 1.331
    assert found["pv_costs"] == pytest.approx(pv_costs)
    assert found["equivalent_annual_cost"] == pytest.approx(pv_costs / factor)
    assert found["equivalent_annual_cost"] == pytest.approx(662.1146, abs=1e-3)
    assert found["cost_per_use"] == pytest.approx(pv_costs / factor / 1040)
    pv_use = 600 / 1.1 + 960 / 1.21 + 1176 / 1.331 + 500 * factor
    assert found["break_even_weekly_uses"] == pytest.approx(20 * pv_costs / pv_use)
    at_break_even = case(new_joins_per_year=0, users=10 * found["break_even_weekly_uses"] / 20,
                         trainer_users=10 * found["break_even_weekly_uses"] / 20)
    assert finance_core(at_break_even)["npv"][0, 0] == pytest.approx(0, abs=1e-9)


def test_break_even_counts_only_benefits_that_come_from_use():
    """New joins do not grow with use: they change the NPV, never the break-even uses."""
    without = finance_core(case(new_joins_per_year=0))
    with_joins = finance_core(case(new_joins_per_year=5))
    assert with_joins["npv"][0, 0] > without["npv"][0, 0]
    assert with_joins["break_even_weekly_uses"][0, 0] == pytest.approx(
        without["break_even_weekly_uses"][0, 0])
    assert with_joins["break_even_weekly_uses"][0, 0] > 0


def test_break_even_edge_cases():
    assert np.isnan(finance_core(case(weekly_sessions=0))["break_even_weekly_uses"][0, 0])
    no_use_benefit = case(churn_reduction_users=0, trainer_led_share=0, new_joins_per_year=0)
    assert finance_core(no_use_benefit)["break_even_weekly_uses"][0, 0] == np.inf
    assert finance_core(case(weekly_sessions=0))["cost_per_use"][0, 0] == np.inf


def test_adoption_ramp_is_the_mean_share_of_each_year():
    """Ramp over 24 months: year 1 averages t/24 over 0..12 = 0.25, year 2 over 12..24 = 0.75.

    Over 6 months: year 1 = (6 months at mean 0.5 + 6 months at 1) / 12 = 0.75.
    """
    assert adoption_ramp(np.array(24.0), 3).tolist() == pytest.approx([0, 0.25, 0.75, 1])
    assert adoption_ramp(np.array(6.0), 2).tolist() == pytest.approx([0, 0.75, 1])
    assert adoption_ramp(np.array(0.0), 2).tolist() == pytest.approx([0, 1, 1])
    # 0.75 of a member kept in year 1, then 1 a year; each stays on at 1 - 0.4:
    # 0.75; 0.6 × 0.75 + 1 = 1.45; 0.6 × 1.45 + 1 = 1.87 members paying, × 600.
    ramped = cash_flows_core(case(adoption_months=6))["retention"][0, 0]
    assert ramped.tolist() == pytest.approx([0, 450, 870, 1122])


def test_payback_by_hand():
    """-100 then 30 a year: 3 years + 10/30; -100 then 10 twice: never; +5 first: 0."""
    flows = np.array([[-100, 30, 30, 30, 30], [-100, 10, 10, 0, 0], [5, -1, 0, 0, 0]], float)
    assert payback_years(flows).tolist() == pytest.approx([3 + 10 / 30, np.inf, 0])


def test_irr_and_npv_match_numpy_financial():
    """-100, 60, 60: IRR solves 60/(1+r) + 60/(1+r)² = 100, r = 0.13066."""
    flows = np.array([[-100.0, 60, 60], [-100, 10, 10], [100, 10, 10]])
    found = irr_by_candidate(flows, np.array([2, 2, 2]))
    assert found[0] == pytest.approx(npf.irr(flows[0]))
    assert found[0] == pytest.approx(0.13066, rel=1e-4)
    assert found[1] == pytest.approx(npf.irr(flows[1]))
    assert np.isnan(found[2])  # no change of sign: undefined
    assert npv(flows, np.array([0.07, 0.07, 0.07])) == pytest.approx(
        [npf.npv(0.07, row) for row in flows])


def test_irr_is_not_defined_when_the_flows_change_sign_twice():
    """-100, 230, -132 is worth 0 at both 10% and 20% a year: no single return, so NaN."""
    flows = np.array([[-100.0, 230, -132], [-100, 0, 121]])
    assert npf.npv(0.10, flows[0]) == pytest.approx(0, abs=1e-9)
    assert npf.npv(0.20, flows[0]) == pytest.approx(0, abs=1e-9)
    found = irr_by_candidate(flows, np.array([2, 2]))
    assert np.isnan(found[0])
    assert found[1] == pytest.approx(0.10)  # a year of nothing is not a change of sign


@st.composite
def one_candidate(draw: st.DrawFn) -> FinanceInputs:
    money = st.floats(0, 5000)
    share = st.floats(0, 1)
    return case(price=draw(money), installation=draw(money), maintenance=draw(st.floats(0, 500)),
                lifespan_years=draw(st.floats(1, 20)), footprint_m2=draw(st.floats(0.5, 10)),
                users=draw(st.floats(0, 300)), weekly_sessions=draw(st.floats(0.1, 500)),
                trainer_users=draw(st.floats(0, 300)), monthly_dues=draw(st.floats(0, 200)),
                annual_churn=draw(share), users_churn=draw(share),
                discount_rate=draw(st.floats(0, 0.5)), pt_user_share=draw(share),
                dues_contribution_margin=draw(share),
                horizon_years=draw(st.integers(1, 15)), salvage_share=draw(share),
                churn_reduction_users=draw(share), trainer_led_share=draw(share),
                new_joins_per_year=draw(st.floats(0, 20)),
                adoption_months=draw(st.floats(0, 36)))


@given(one_candidate(), st.floats(0.01, 5000))
def test_a_higher_price_never_raises_npv(x: FinanceInputs, more: float):
    dearer = replace(x, price=x.price + more)
    assert finance_core(dearer)["npv"][0, 0] <= finance_core(x)["npv"][0, 0] + 1e-9


@given(one_candidate())
def test_zero_users_give_only_costs(x: FinanceInputs):
    x = replace(x, users=np.zeros((1, 1)), trainer_users=np.zeros((1, 1)))
    items = cash_flows_core(x)
    for benefit in ("retention", "trainer_sessions", "new_joins"):
        assert not items[benefit].any()
    found = finance_core(x)
    assert found["pv_benefits"][0, 0] == 0
    assert found["npv"][0, 0] == pytest.approx(-found["pv_costs"][0, 0])


@given(one_candidate(), st.floats(0.01, 500))
def test_more_sessions_never_raise_cost_per_use(x: FinanceInputs, more: float):
    busier = replace(x, weekly_sessions=x.weekly_sessions + more)
    assert finance_core(busier)["cost_per_use"][0, 0] <= finance_core(x)["cost_per_use"][0, 0]


@given(one_candidate())
def test_rate_zero_is_the_plain_sum(x: FinanceInputs):
    x = replace(x, discount_rate=np.zeros((1, 1)))
    flows = net_cash_flows(x)
    found = finance_core(x)
    assert found["npv"][0, 0] == pytest.approx(flows.sum(), rel=1e-9, abs=1e-6)
    assert annuity_factor(np.array(0.0), np.array(4)) == 4


@given(one_candidate())
def test_npv_equals_numpy_financial(x: FinanceInputs):
    flows = net_cash_flows(x)[0, 0]
    rate = float(x.discount_rate[0, 0])
    assert finance_core(x)["npv"][0, 0] == pytest.approx(npf.npv(rate, flows), rel=1e-9, abs=1e-6)


def random_inputs(rng: np.random.Generator, draws: int, candidates: int) -> FinanceInputs:
    """Draw-level assumptions (D, 1), candidate figures (D, C), prices not drawn (1, C)."""
    per_draw = ("monthly_dues", "annual_churn", "discount_rate", "horizon_years",
                "floor_cost_per_m2_year", "salvage_share", "churn_reduction_users",
                "trainer_led_share", "trainer_sessions_per_buyer_year", "trainer_session_price",
                "trainer_session_margin", "pt_user_share", "dues_contribution_margin",
                "adoption_months")
    values = {}
    for f in fields(FinanceInputs):
        shape = (draws, 1) if f.name in per_draw else (draws, candidates)
        if f.name == "price":
            shape = (1, candidates)
        values[f.name] = rng.uniform(0, 1, shape) * (1000 if f.name == "price" else 1)
    values["horizon_years"] = rng.integers(1, 8, (draws, 1)).astype(float)
    values["lifespan_years"] = rng.uniform(1, 12, (draws, candidates))
    values["users"] = rng.uniform(0, 100, (draws, candidates))
    values["monthly_dues"] = rng.uniform(20, 80, (draws, 1))
    return FinanceInputs(**values)


@settings(max_examples=30)
@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 4))
def test_vectorised_core_equals_the_per_draw_loop(seed: int, draws: int, candidates: int):
    x = random_inputs(np.random.default_rng(seed), draws, candidates)
    together = finance_core(x)
    for d in range(draws):
        one = FinanceInputs(**{f.name: np.asarray(getattr(x, f.name))[[min(d, len(
            getattr(x, f.name)) - 1)]] for f in fields(FinanceInputs)})
        alone = finance_core(one)
        for key, value in alone.items():
            np.testing.assert_allclose(together[key][d], value[0], rtol=1e-12, atol=1e-9)


# The frame wrappers, on the demo catalogue.

def demo_usage(equipment: pd.DataFrame) -> pd.DataFrame:
    ids = equipment["equipment_id"]
    return pd.DataFrame({"equipment_id": ids, "regular_users": np.arange(len(ids)) * 10.0,
                         "weekly_sessions": np.arange(len(ids)) * 12.0})


def test_summary_and_cash_flow_table_agree():
    equipment = load_equipment(DEMO_DATA_DIR)
    usage = demo_usage(equipment)
    assumptions = default_assumptions()
    summary = finance_summary(equipment, usage, assumptions, monthly_dues=45.0)
    assert tuple(summary.columns) == SUMMARY_COLUMNS
    assert summary["equipment_id"].tolist() == equipment["equipment_id"].tolist()
    table = cash_flow_table(equipment, usage, assumptions, monthly_dues=45.0)
    assert list(table.columns) == ["equipment_id", "year", "item", "amount", "basis"]
    benefit = table["item"].isin(["retention", "trainer_sessions", "new_joins"])
    assert (table.loc[benefit, "basis"] == "assumption").all()
    assert table.loc[~benefit, "basis"].isna().all()  # costs always count
    assert set(table["item"]) == set(ITEMS)
    rate = assumptions["discount_rate"].most_likely
    pv = (table["amount"] / (1 + rate) ** table["year"]).groupby(table["equipment_id"]).sum()
    np.testing.assert_allclose(pv[summary["equipment_id"]], summary["npv"])
    rower = table[table["equipment_id"] == "rower"]
    assert rower["year"].max() == 4  # cardio lifespan 4 < horizon 5
    first = summary.iloc[0]  # no users: costs only, no IRR, never pays back
    assert np.isnan(first["irr"]) and first["payback_years"] == np.inf
    assert first["npv"] == pytest.approx(-first["pv_costs"])


def test_wrappers_name_what_is_missing():
    equipment = load_equipment(DEMO_DATA_DIR)
    usage = demo_usage(equipment).iloc[1:]
    with pytest.raises(ValueError, match="reverse_hyper"):
        finance_summary(equipment, usage, default_assumptions(), monthly_dues=45.0)
    assumptions = dict(default_assumptions())
    del assumptions["discount_rate"]
    with pytest.raises(ValueError, match="discount_rate"):
        finance_inputs(equipment, demo_usage(equipment), assumptions, monthly_dues=45.0)


# Consistent accounting, the break-even, new joins and their cap, the bases of evidence.

@given(one_candidate())
def test_with_every_assumed_benefit_at_zero_the_npv_is_minus_the_pv_of_the_costs(x):
    x = replace(x, churn_reduction_users=np.zeros((1, 1)), trainer_led_share=np.zeros((1, 1)),
                new_joins_per_year=np.zeros((1, 1)))
    found = finance_core(x)
    assert found["npv"][0, 0] == -found["pv_costs"][0, 0]
    for item in BENEFIT_ITEMS:
        assert found[f"pv_{item}"][0, 0] == 0


@given(one_candidate())
def test_the_benefit_items_add_up_to_the_benefits(x):
    found = finance_core(x)
    total = sum(found[f"pv_{item}"] for item in BENEFIT_ITEMS)
    assert total[0, 0] == pytest.approx(found["pv_benefits"][0, 0], rel=1e-12, abs=1e-9)


def test_break_even_members_and_packages_by_hand():
    """Case above, dues 50 a month at a margin of 0.5, users' churn 0.2, r = 10%, 3 years.

    One member gained each year, staying on at 0.8: members paying 1, 1.8, 2.44; each year
    paid is worth 12 × 50 × 0.5 = 300: PV = 300 × (1/1.1 + 1.8/1.21 + 2.44/1.331) = 1268.97.
    PV costs = 1100 + 250 × 2.486852 - 100/1.331 = 1646.5815: 1.2976 members a year.
    One package = 20 sessions × 50 × 0.5 = 500 a year: 1646.5815 / (500 × 2.486852) = 1.3242.
    """
    x = case(dues_contribution_margin=0.5, users_churn=0.2)
    found = {k: v[0, 0] for k, v in finance_core(x).items()}
    factor = 1 / 1.1 + 1 / 1.21 + 1 / 1.331
    pv_costs = 1100 + 250 * factor - 100 / 1.331
    member = 300 * (1 / 1.1 + 1.8 / 1.21 + 2.44 / 1.331)
    assert found["break_even_members"] == pytest.approx(pv_costs / member)
    assert found["break_even_members"] == pytest.approx(1.2976, abs=1e-4)
    assert found["break_even_packages"] == pytest.approx(pv_costs / (500 * factor))
    assert found["break_even_packages"] == pytest.approx(1.3242, abs=1e-4)


def test_keeping_or_winning_the_break_even_members_pays_back_exactly():
    """A member kept and a member won are worth the same: either way, N a year gives NPV 0."""
    none = dict(churn_reduction_users=0, trainer_led_share=0, new_joins_per_year=0,
                dues_contribution_margin=0.7, users_churn=0.25, annual_churn=0.25)
    n = finance_core(case(**none))["break_even_members"][0, 0]
    kept = case(**{**none, "churn_reduction_users": n / (10 * 0.25)})  # users × churn × cut
    won = case(**{**none, "new_joins_per_year": n})
    assert finance_core(kept)["npv"][0, 0] == pytest.approx(0, abs=1e-9)
    assert finance_core(won)["npv"][0, 0] == pytest.approx(0, abs=1e-9)
    m = finance_core(case(**none))["break_even_packages"][0, 0]
    sold = case(**{**none, "trainer_led_share": m / 10})  # 10 users × share = packages
    assert finance_core(sold)["npv"][0, 0] == pytest.approx(0, abs=1e-9)


def test_break_even_ends():
    assert finance_core(case(monthly_dues=0))["break_even_members"][0, 0] == np.inf
    assert finance_core(case(trainer_session_price=0))["break_even_packages"][0, 0] == np.inf
    free = case(price=0, installation=0, maintenance=0, floor_cost_per_m2_year=0)
    assert finance_core(free)["break_even_members"][0, 0] == 0


def test_retention_is_valued_at_the_margin_and_the_users_own_churn():
    """Half the margin halves retention; users who cancel less stay longer once kept."""
    full = finance_core(case())["pv_retention"][0, 0]
    assert finance_core(case(dues_contribution_margin=0.5))["pv_retention"][0, 0] == (
        pytest.approx(full / 2))
    # Kept a year: 10 × 0.2 × 0.25 = 0.5, staying on at 0.8: 0.5, 0.9, 1.22 paying × 600.
    loyal = cash_flows_core(case(users_churn=0.2))["retention"][0, 0]
    assert loyal.tolist() == pytest.approx([0, 300, 540, 732])


def test_trainer_income_counts_only_sessions_not_bought_anyway():
    """With 22.6% of members already using a trainer, 77.4% of the sessions are new income."""
    base = finance_core(case())["pv_trainer_sessions"][0, 0]
    assert finance_core(case(pt_user_share=0.226))["pv_trainer_sessions"][0, 0] == (
        pytest.approx(base * (1 - 0.226)))


def test_members_paying_matches_the_cohort_sum():
    gained = np.array([[0.0, 2.0, 1.0, 3.0]])
    s = 0.7
    expected = [0, 2, 2 * s + 1, 2 * s**2 + s + 3]
    assert members_paying(gained, np.array([0.3])).ravel().tolist() == pytest.approx(expected)


@given(*(st.floats(0, top, allow_subnormal=False) for top in (50, 500, 5000, 1)))
def test_the_cap_on_new_joins_is_never_exceeded(candidate, owned, club, share):
    credited = credited_new_joins(np.array([[candidate]]), np.array([[owned]]), club,
                                  np.array([[share]]))[0, 0]
    cap = share * club
    assert 0 <= credited <= candidate
    if candidate + owned <= cap:
        assert credited == candidate  # within the cap: nothing taken away
    elif candidate > 0:  # every claim scaled alike: the floor's total is the cap
        total = credited * (candidate + owned) / candidate
        assert total == pytest.approx(cap, rel=1e-9, abs=1e-9)
        assert total <= cap * (1 + 1e-12) + 1e-12


def test_unknown_club_joins_credit_no_new_joins():
    assert credited_new_joins(np.array([[3.0]]), np.array([[0.0]]), float("nan"),
                              np.array([[0.1]]))[0, 0] == 0


def test_joins_per_year_counts_the_year_to_the_roster_date():
    members = pd.DataFrame({"join_date": pd.to_datetime(
        ["2025-01-01", "2025-06-30", "2025-07-01", "2026-06-30", "2026-07-01", None])})
    assert joins_per_year(members, pd.Timestamp("2026-06-30")) == 2  # (2025-06-30, 2026-06-30]
    unknown = pd.DataFrame({"join_date": pd.to_datetime([None, None])})
    assert np.isnan(joins_per_year(unknown, pd.Timestamp("2026-06-30")))


def test_basis_order_and_the_weakest_input():
    assert BASES == ("measured", "published", "assumption")
    assert weakest(["measured", "published"]) == "published"
    assert weakest(["measured", "assumption", "published"]) == "assumption"
    assert weakest(["measured"]) == "measured"
    assert source_basis("measured: join survey 2025") == "measured"
    assert source_basis("assumption; converted from USD") == "assumption"
    assert source_basis("") == "assumption"
    assert source_basis("HFA 2025 Expanded Insights") == "published"


@given(st.dictionaries(st.sampled_from(sorted({n for v in BENEFIT_INPUTS.values() for n in v})),
                       st.sampled_from(BASES)))
def test_an_item_is_never_stronger_than_its_weakest_input(given_bases):
    found = benefit_basis(given_bases)
    for item, names in BENEFIT_INPUTS.items():
        ranks = [BASES.index(given_bases.get(n, "assumption")) for n in names]
        assert BASES.index(str(found[item])) == max(ranks)


def test_the_default_benefits_all_rest_on_assumptions():
    """No published effect of a machine on cancellations, no published dues margin."""
    bases = benefit_basis(input_bases(default_assumptions(), {
        "monthly_dues": "measured", "annual_churn": "measured", "users_churn": "measured",
        "users": ["assumption", "measured"], "trainer_users": "measured",
        "new_joins_per_year": ["published", "measured"]}))
    assert {item: np.broadcast_to(basis, 2).tolist() for item, basis in bases.items()} == {
        "retention": ["assumption", "assumption"],
        "trainer_sessions": ["assumption", "assumption"],
        "new_joins": ["assumption", "assumption"]}
    sourced = {name: a.model_copy(update={"source": "a published study"})
               for name, a in default_assumptions().items()}
    bases = benefit_basis(input_bases(sourced, {"monthly_dues": "measured",
                                                "users": ["assumption", "measured"],
                                                "trainer_users": "measured",
                                                "new_joins_per_year": "measured"}))
    assert bases["retention"].tolist() == ["assumption", "published"]
    assert str(bases["trainer_sessions"]) == "published"


def test_npv_sourced_counts_measured_and_published_items_only():
    found = finance_core(case(new_joins_per_year=2))
    everything = {item: "published" for item in BENEFIT_ITEMS}
    np.testing.assert_allclose(npv_sourced(found, everything), found["npv"])
    nothing = {item: "assumption" for item in BENEFIT_ITEMS}
    assert npv_sourced(found, nothing)[0, 0] == -found["pv_costs"][0, 0]
    some = {**nothing, "trainer_sessions": "measured"}
    assert npv_sourced(found, some)[0, 0] == pytest.approx(
        found["pv_trainer_sessions"][0, 0] - found["pv_costs"][0, 0])


def test_the_summary_gives_each_item_its_value_and_basis():
    equipment = load_equipment(DEMO_DATA_DIR)
    summary = finance_summary(equipment, demo_usage(equipment), default_assumptions(),
                              monthly_dues=45.0, annual_churn=0.3, club_joins_per_year=600)
    for item in BENEFIT_ITEMS:
        assert (summary[f"basis_{item}"] == "assumption").all()
    np.testing.assert_array_equal(summary["npv_sourced"], -summary["pv_costs"])
    assert (summary["pv_new_joins"] == 0).all()  # new joins are 0 by default
    np.testing.assert_allclose(summary[[f"pv_{i}" for i in BENEFIT_ITEMS]].sum(axis=1),
                               summary["pv_benefits"])
    assert (summary["break_even_members"] > 0).all()


def test_a_machines_own_new_joins_are_capped_with_the_owned_machines():
    """The rower's 30 and the owned leg press's 10 claim 40 of a cap of 5% × 400 = 20."""
    equipment = load_equipment(DEMO_DATA_DIR).assign(new_joins_per_year=np.nan)
    equipment.loc[equipment["equipment_id"] == "leg_press", "new_joins_per_year"] = 10.0
    candidates = equipment[equipment["owned_units"] == 0].copy()
    candidates.loc[candidates["equipment_id"] == "cable_tower", "new_joins_per_year"] = 30.0
    usage = demo_usage(candidates).assign(regular_users=10.0)
    x = finance_inputs(candidates, usage, default_assumptions(), monthly_dues=45.0,
                       club_joins_per_year=400, owned=equipment)
    joins = dict(zip(candidates["equipment_id"], x.get("new_joins_per_year")[0], strict=True))
    assert joins["cable_tower"] == pytest.approx(30 * 20 / 40)
    assert joins["reverse_hyper"] == 0
    uncapped = finance_inputs(candidates, usage, default_assumptions(), monthly_dues=45.0)
    assert uncapped.get("new_joins_per_year")[0].max() == 30


def test_the_demos_reverse_hyper_break_even_by_hand(demo_club):
    """Price 775, installation and maintenance 5% of it (38.75 each), 4.32 m² at 150 a year,
    salvage 10% (77.5) after 5 years at 7%: PV costs = 813.75 + 686.75 × a(7%, 5) - 77.5 /
    1.07⁵ = 3574.30. A member gained each year stays on at 1 - 0.40 (the assumed churn): the
    members paying in year t are (1 - 0.6ᵗ) / 0.4; each year is worth 12 × the roster's mean
    dues (63.88) × margin 0.75. One package: 21 sessions × 55.87 × 0.45 a year.
    """
    from evaluate.model.prepared import forecast_from_inputs, model_inputs

    rows = demo_club.equipment[demo_club.equipment["equipment_id"] == "reverse_hyper"]
    model = model_inputs(demo_club.members, rows, demo_club.assumptions)
    found = finance_summary(rows, forecast_from_inputs(model), demo_club.assumptions,
                            monthly_dues=model.monthly_dues).iloc[0]
    annuity = sum(1.07**-t for t in range(1, 6))
    pv_costs = 813.75 + (38.75 + 4.32 * 150) * annuity - 77.5 / 1.07**5
    assert found["pv_costs"] == pytest.approx(pv_costs)
    assert found["pv_costs"] == pytest.approx(3574.30, abs=0.01)
    member = 12 * model.monthly_dues * 0.75 * sum(1.07**-t * (1 - 0.6**t) / 0.4
                                                  for t in range(1, 6))
    assert found["break_even_members"] == pytest.approx(pv_costs / member)
    assert found["break_even_members"] == pytest.approx(0.859, abs=1e-3)
    assert found["break_even_packages"] == pytest.approx(
        pv_costs / (21 * 55.87 * 0.45 * annuity))
    assert found["npv_sourced"] == -found["pv_costs"]  # every benefit item is assumed
