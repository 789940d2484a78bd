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
    ITEMS,
    SUMMARY_COLUMNS,
    FinanceInputs,
    adoption_ramp,
    annuity_factor,
    cash_flow_table,
    cash_flows_core,
    finance_core,
    finance_inputs,
    finance_summary,
    irr_by_candidate,
    net_cash_flows,
    npv,
    payback_years,
)
from evaluate.paths import DEMO_DATA_DIR


def case(**changes: float) -> FinanceInputs:
    """One candidate with round numbers (shapes (1, 1)); see test_hand_computed_cash_flows."""
    base = dict(price=1000, installation=100, maintenance=50, lifespan_years=10, footprint_m2=2,
                users=10, weekly_sessions=20, trainer_users=10, monthly_dues=50,
                annual_churn=0.4, discount_rate=0.1, horizon_years=3,
                floor_cost_per_m2_year=100, salvage_share=0.1, churn_reduction_users=0.25,
                trainer_led_share=0.1, trainer_sessions_per_buyer_year=20,
                trainer_session_price=50, trainer_session_margin=0.5, new_joins_per_year=1,
                adoption_months=0)
    base.update(changes)
    return FinanceInputs(**{k: np.full((1, 1), float(v)) for k, v in base.items()})


def test_hand_computed_cash_flows():
    """Price 1000, installation 100, maintenance 50/yr, 2 m² at 100/m²/yr, horizon 3 < life 10.

    Year 0: -(1000 + 100) = -1100.
    Retention: 10 users × churn 0.4 × reduction 0.25 = 1 member kept × 12 × 50 = 600 a year.
    Trainer: 10 × 0.1 × 20 sessions × 50 × margin 0.5 = 500 a year.
    New joins, 1 a year, churn 0.4: members paying 1, 1 + 0.6, 1 + 0.6 + 0.36 → × 600 =
    600, 960, 1176. Salvage 0.1 × 1000 = 100 at the end of year 3.
    Year 1: -50 - 200 + 600 + 500 + 600 = 1450; year 2: -250 + 1100 + 960 = 1810;
    year 3: -250 + 1100 + 1176 + 100 = 2126.
    NPV at 10%: -1100 + 1450/1.1 + 1810/1.21 + 2126/1.331 = 3311.3449.
    Payback: 1100 / 1450 = 0.7586 years into year 1.
    """
    x = case()
    items = cash_flows_core(x)
    assert items["new_joins"][0, 0].tolist() == pytest.approx([0, 600, 960, 1176])
    assert net_cash_flows(x)[0, 0].tolist() == pytest.approx([-1100, 1450, 1810, 2126])
    found = finance_core(x)
    assert found["npv"][0, 0] == pytest.approx(-1100 + 1450 / 1.1 + 1810 / 1.21 + 2126 / 1.331)
    assert found["npv"][0, 0] == pytest.approx(3311.3449, abs=1e-3)
    assert found["payback_years"][0, 0] == pytest.approx(1100 / 1450)
    assert found["discounted_payback_years"][0, 0] == pytest.approx(1100 / (1450 / 1.1))
    assert found["years"][0, 0] == 3


def test_hand_computed_cost_metrics_and_break_even():
    """Case above without new joins: use benefits 600 + 500 = 1100 a year.

    Annuity factor at 10% for 3 years: 1/1.1 + 1/1.21 + 1/1.331 = 2.486852.
    PV costs = 1100 + 250 × 2.486852 - 100/1.331 = 1646.5815 (salvage nets off the costs).
    EAC = 1646.5815 / 2.486852 = 662.1146 a year; cost per use = 662.1146 / (52 × 20) = 0.63665.
    Break-even: use benefits must cover the EAC: 20 × 662.1146 / 1100 = 12.0384 a week.
    """
    found = {k: v[0, 0] for k, v in finance_core(case(new_joins_per_year=0)).items()}
    factor = 1 / 1.1 + 1 / 1.21 + 1 / 1.331
    pv_costs = 1100 + 250 * factor - 100 / 1.331
    assert found["pv_costs"] == pytest.approx(pv_costs)
    assert found["equivalent_annual_cost"] == pytest.approx(pv_costs / factor)
    assert found["equivalent_annual_cost"] == pytest.approx(662.1146, abs=1e-3)
    assert found["cost_per_use"] == pytest.approx(pv_costs / factor / 1040)
    assert found["break_even_weekly_uses"] == pytest.approx(20 * pv_costs / factor / 1100)
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
    ramped = cash_flows_core(case(adoption_months=6))["retention"][0, 0]
    assert ramped.tolist() == pytest.approx([0, 450, 600, 600])


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


@st.composite
def one_candidate(draw: st.DrawFn) -> FinanceInputs:
    money = st.floats(0, 5000)
    share = st.floats(0, 1)
    return case(price=draw(money), installation=draw(money), maintenance=draw(st.floats(0, 500)),
                lifespan_years=draw(st.floats(1, 20)), footprint_m2=draw(st.floats(0.5, 10)),
                users=draw(st.floats(0, 300)), weekly_sessions=draw(st.floats(0.1, 500)),
                trainer_users=draw(st.floats(0, 300)), monthly_dues=draw(st.floats(0, 200)),
                annual_churn=draw(share), discount_rate=draw(st.floats(0, 0.5)),
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
                "trainer_session_margin", "new_joins_per_year", "adoption_months")
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
    assert list(table.columns) == ["equipment_id", "year", "item", "amount"]
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
