"""What more information is worth, and the staged plan: on small draws made by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evaluate.data.assumptions import Assumption
from evaluate.mcda.value_of_information import evpi
from evaluate.model.demand import ramp_factor
from evaluate.model.uncertainty import SimulationResult, adoption_band
from evaluate.reports.decision import information as voi
from evaluate.reports.decision import sections as report
from evaluate.reports.formatting import money
from evaluate.reports.summary_schema import DecisionSummary

DRAWS = 4000
NAMES = {"a": "Machine A", "b": "Machine B"}
ADOPTION = {"adoption_months": Assumption(name="adoption_months", low=1, most_likely=3,
                                          high=6, unit="months", meaning="months to full use",
                                          source="assumption")}


def simulation(npv: np.ndarray, inputs: dict[str, np.ndarray],
               sessions: np.ndarray | None = None) -> SimulationResult:
    """A Monte Carlo result of two machines, ``a`` and ``b``, with the draws given."""
    draws = npv.shape[0]
    rng = np.random.default_rng(9)
    inputs = {"adoption_months": rng.uniform(1, 6, (draws, 1)), **inputs}
    sessions = rng.uniform(40, 80, (draws, 2)) if sessions is None else sessions
    return SimulationResult(equipment_ids=("a", "b"), n_draws=draws, seed=0, method="pert",
                            draws={"npv": npv, "weekly_sessions": sessions}, inputs=inputs,
                            ranges={}, units={}, bands=pd.DataFrame(), summary=pd.DataFrame())


def finance(break_even: float) -> pd.DataFrame:
    return pd.DataFrame({"equipment_id": ["a", "b"], "break_even_weekly_uses": [break_even, 90]})


def analysed(sim: SimulationResult, featured: str = "a", break_even: float = 50.0
             ) -> voi.Information:
    return voi.value_of_information(sim, finance(break_even), adoption_band(sim), ADOPTION,
                                    featured, NAMES)


@pytest.fixture(scope="module")
def draws() -> dict[str, np.ndarray]:
    """Machine a's NPV rides on its own demand error, b's on its price; nothing else counts."""
    rng = np.random.default_rng(1)
    error = rng.lognormal(0, 0.5, (DRAWS, 1))
    price = rng.uniform(500, 1500, (DRAWS, 1))
    return {f"{voi.DEMAND_ERROR_PREFIX}a": error, "price:b": price,
            "price:a": np.full((DRAWS, 1), 800.0),  # a quote: never varies
            "substitution": rng.uniform(0, 1, (DRAWS, 1)),  # moves nothing here
            "npv": np.column_stack([3000 * (error[:, 0] - 1), 1300 - price[:, 0]])}


def test_groups_hold_the_inputs_drawn_and_skip_those_absent_or_fixed(draws):
    inputs = {k: v for k, v in draws.items() if k != "npv"}
    inputs["relevance:b"] = np.random.default_rng(2).uniform(0, 1, (DRAWS, 1))
    groups = {key: (label, names) for key, label, names in
              voi.input_groups(inputs, ["a", "b"], NAMES)}
    assert groups["demand:a"] == ("How much the machine A itself would be used",
                                  ("demand_error:a",))  # no relevance:a drawn: skipped
    assert groups["demand:b"][1] == ("relevance:b",)  # before the lead's demand error: works
    assert groups["prices"][1] == ("price:b",)  # price:a never varies
    assert groups["substitution"][1] == ("substitution",)
    assert "new_joins" not in groups and "churn_effect" not in groups  # not drawn at all


def test_the_value_of_information_is_bounded_and_found_where_the_doubt_is(draws):
    sim = simulation(draws["npv"], {k: v for k, v in draws.items() if k != "npv"})
    info = analysed(sim)
    values = info.evppi.set_index("group")["evppi"]
    options = np.column_stack([draws["npv"], np.zeros(DRAWS)])  # buying nothing at 0
    assert info.evpi == pytest.approx(evpi(options))
    assert info.evpi > 100
    assert ((values >= 0) & (values <= info.evpi)).all()
    assert values["demand:a"] > 0.3 * info.evpi and values["prices"] > 0.1 * info.evpi
    # An input that moves nothing: only the regression's fit to the draws' noise (an upward
    # bias of a few per cent of the EVPI at 4,000 draws, with a and b close on average).
    assert values["substitution"] < 0.05 * info.evpi
    assert values.is_monotonic_decreasing
    assert voi.summary_values(info) == {"evpi": info.evpi, "evppi": values.to_dict()}


def test_the_first_screen_quotes_what_knowing_the_real_weekly_use_is_worth(draws):
    error = draws[f"{voi.DEMAND_ERROR_PREFIX}a"]
    sessions = np.column_stack([60 * error[:, 0], np.full(DRAWS, 50.0)])
    sim = simulation(draws["npv"], {k: v for k, v in draws.items() if k != "npv"}, sessions)
    info = analysed(sim)
    # Its use reveals its demand error exactly, so both are worth the same.
    values = info.evppi.set_index("group")["evppi"]
    assert info.weekly_use == pytest.approx(values["demand:a"], rel=0.05)
    text = voi.first_screen_sentence(info, NAMES, "USD", up_front=1000.0)
    assert text.startswith(f"Knowing the real weekly use of the machine A before buying is "
                           f"worth up to {money(info.weekly_use, 'USD')}: a trial rental or "
                           "a members' survey costing less is worth doing")
    worth = money(info.weekly_use, "USD")
    small = voi.first_screen_sentence(info, NAMES, "USD", up_front=info.weekly_use * 200)
    assert small.startswith("Finding out the real weekly use of the machine A before buying "
                            f"is worth little: up to {worth}, under 1% of its up-front cost")


def test_when_one_option_wins_every_draw_finding_out_first_is_worth_nothing(draws):
    npv = np.column_stack([1000 + 100 * draws[f"{voi.DEMAND_ERROR_PREFIX}a"][:, 0],
                           -draws["price:b"][:, 0]])
    info = analysed(simulation(npv, {k: v for k, v in draws.items() if k != "npv"}))
    assert info.evpi == 0.0 and (info.evppi["evppi"] == 0.0).all()
    assert voi.first_screen_sentence(info, NAMES, "USD", 800.0) == (
        "Finding out the real weekly use of the machine A before buying is worth nothing "
        "within the ranges assumed: learning it would not change the choice")
    assert "under 1% of the machine's up-front cost" in voi.information_text(
        info, NAMES, "USD", 800.0)


def test_the_staged_plan_scales_the_break_even_by_the_ramp_at_each_review(draws):
    sim = simulation(draws["npv"], {k: v for k, v in draws.items() if k != "npv"})
    band = adoption_band(sim)
    plan = analysed(sim, break_even=50.0).plan
    assert list(plan["month"]) == [3, 6]
    ramp = ramp_factor(np.array([3.0, 6.0]), 3.0)  # most-likely adoption_months
    assert np.allclose(plan["ramp"], ramp) and ramp[0] == pytest.approx(5 / 6)
    assert np.allclose(plan["move_below"], 50.0 * ramp)
    a = band[band["equipment_id"] == "a"].assign(scenario=band["scenario"].astype(str))
    for month, expected, p10 in zip(plan["month"], plan["expected"], plan["p10"], strict=True):
        at = a[a["month"] == month].set_index("scenario")["weekly_sessions"]
        assert expected == at["most_likely"] and p10 == at["low"]
    # Each future's own use that month (its own ramp) against the line.
    ramps = ramp_factor(3.0, sim.inputs["adoption_months"][:, 0])
    use = sim.draws["weekly_sessions"][:, 0] * ramps
    assert plan["p_below"].iloc[0] == pytest.approx(np.mean(use < 50.0 * ramp[0]))
    text = voi.plan_text(analysed(sim, break_even=50.0), NAMES)
    assert text.startswith("Review the use of the machine A 3 months and 6 months after "
                           "installation (a usage review): at 3 months, about")
    assert f"below {50 * ramp[0]:.0f} it is not on course to pay for itself" in text


def test_without_a_use_that_pays_the_plan_gives_no_line(draws):
    sim = simulation(draws["npv"], {k: v for k, v in draws.items() if k != "npv"})
    info = analysed(sim, break_even=math.inf)
    assert info.plan["p_below"].isna().all()
    assert "No weekly use pays for it" in voi.plan_text(info, NAMES)
    assert voi.plan_display(info).shape == (2, 4)
    unused = analysed(sim, break_even=math.nan)  # no forecast use: no break-even either
    assert unused.plan["p_below"].isna().all()
    assert "forecasts no use of it, so the reviews cannot give a line to hold" in (
        voi.plan_text(unused, NAMES))


def test_the_demo_decision_reports_it_on_money_with_the_plan_and_in_summary_json(default):
    info = default.information
    assert info is not None and info.featured == default.featured
    values = info.evppi.set_index("group")["evppi"]
    assert ((values >= 0) & (values <= info.evpi)).all()
    assert {f"demand:{i}" for i in default.simulation.equipment_ids} <= set(values.index)
    assert "- **Finding out first:** " in report.headline_markdown(default)
    words = report.information_markdown(default)
    assert "not the weighted score" in words and "Sheeran 2002" in words
    assert "3 months and 6 months after installation" in report.review_plan_markdown(default)
    table = report.information_table(default)
    assert table.index[-1] == "Every uncertain input (perfect information)"
    assert len(table) == len(values) + 1
    summary = DecisionSummary(**report.summary_fields(default))
    assert summary.evpi == info.evpi and summary.evppi == values.to_dict()
