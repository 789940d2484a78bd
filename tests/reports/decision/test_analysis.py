"""The decision analysis on the demo club: candidates, calibration, ranking, robustness."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pandas as pd
import pytest

from evaluate.data.club_data import load_club_data
from evaluate.mcda.scoring import weighted_sum
from evaluate.model.churn import ChurnBands, measure_churn
from evaluate.model.costs import fill_equipment_costs
from evaluate.model.prepared import model_core
from evaluate.model.segments import active_mask
from evaluate.reports.decision import sections as report
from evaluate.reports.decision.analysis import (
    analyse_decision,
    churn_by_visits,
    logged_machines,
    select_candidates,
)
from evaluate.reports.decision.matrix import NOTHING, with_nothing
from evaluate.reports.notebook_params import DecisionReportParams
from support import DRAWS, edited_club


def test_candidates_default_to_the_machines_the_club_does_not_own(data, default):
    owned = set(data.equipment.loc[data.equipment["owned_units"] > 0, "equipment_id"])
    assert owned == {"back_extension_45", "rower", "leg_press"}
    assert set(default.ranking.index) == set(data.equipment["equipment_id"]) - owned
    assert default.owned_candidates == []
    named = analyse_decision(DecisionReportParams(draws=DRAWS, candidates=["rower",
                                                  "reverse_hyper"]), data)
    assert list(named.candidates["equipment_id"]) == ["rower", "reverse_hyper"]
    assert named.owned_candidates == ["rower"]
    assert ("Note:** the club already owns the rowing machine: another unit shares the members"
            in report.headline_markdown(named))


def test_unknown_or_repeated_candidates_are_refused_with_the_fix(data):
    with pytest.raises(ValueError) as err:
        select_candidates(data.equipment, ["reverse_hyper", "revers_hyper"])
    message = str(err.value)
    assert "'revers_hyper'" in message and "did you mean 'reverse_hyper'" in message
    assert "equipment.csv" in message and "'candidates'" in message
    with pytest.raises(ValueError, match="twice"):
        select_candidates(data.equipment, ["rower", "rower"])
    with pytest.raises(ValueError, match="at least two candidates"):
        analyse_decision(DecisionReportParams(draws=DRAWS, candidates=["rower"]), data)


def test_every_new_candidate_is_calibrated_on_the_pooled_logs(data, default):
    """Every candidate the club does not own takes the pooled factors; the model error too."""
    assert set(default.calibrations) == {"reverse_hyper", "glute_ham_developer", "cable_tower"}
    pooled = default.pooled
    assert set(pooled.fits["equipment_id"]) == {"back_extension_45", "leg_press", "rower"}
    for machine, found in default.calibrations.items():
        k = default.model.equipment_ids.index(machine)
        assert found.factor == pytest.approx(default.model.uptake_factor[k])
        assert found.comparable is None and "pooled from the usage logs of 3" in found.method
    assert default.backtest is not None and default.backtest.machines == 3
    assert default.model.demand_error == pytest.approx([default.backtest.sigma] * 3)
    plain = analyse_decision(DecisionReportParams(draws=DRAWS, calibrate=False), data)
    assert plain.calibrations == {} and plain.pooled is None and plain.backtest is None
    assert plain.model.demand_error is None


def _with_members(data, rows: pd.Series, members: list[str]):
    """The club with the usage log's ``rows`` handed out in turn to ``members``."""
    usage = data.usage.copy()
    ids = usage["member_id"].astype(object)
    ids[rows] = [members[i % len(members)] for i in range(int(rows.sum()))]
    usage["member_id"] = ids.astype("category")
    usage.attrs = data.usage.attrs
    return dataclasses.replace(data, usage=usage)


def test_a_machine_used_by_too_few_members_calibrates_no_other(data, default):
    """Its factor, with the forecast it scales, would give their sessions away."""
    back = data.usage["equipment_id"] == "back_extension_45"
    few = _with_members(data, back, ["M000001", "M000002", "M000003"])
    assert set(logged_machines(few)) == {"rower", "leg_press"}
    analysis = analyse_decision(DecisionReportParams(draws=DRAWS), few)
    assert set(analysis.pooled.fits["equipment_id"]) == {"rower", "leg_press"}
    assert set(analysis.backtest.table["equipment_id"]) == {"rower", "leg_press"}
    text = report.calibration_markdown(analysis)
    assert "back extension" not in text
    nobody = _with_members(data, data.usage["equipment_id"].notna(), ["M000001", "M000002"])
    alone = analyse_decision(DecisionReportParams(draws=DRAWS), nobody)
    assert alone.calibrations == {} and alone.backtest is None
    assert report.calibration_markdown(alone).startswith(
        "No machine the club owns is in the usage log with at least 10 members")


def test_ranking_is_the_weighted_sum_of_the_decision_matrix(default):
    ranking = default.ranking
    assert list(ranking["rank"]) == list(range(1, len(ranking) + 1))
    assert ranking["score"].is_monotonic_decreasing
    # Scored beside buying nothing, on one scale.
    expected = weighted_sum(with_nothing(default.matrix), default.weights.to_dict(),
                            default.criteria.directions)
    np.testing.assert_allclose(ranking["score"], expected.reindex(ranking.index))
    assert default.nothing_score == pytest.approx(expected[NOTHING])
    assert default.recommendation == "reverse_hyper"
    assert ranking["p_best"].sum() + default.p_nothing_first == pytest.approx(1.0)
    contributions = default.contributions.groupby("alternative")["contribution"].sum()
    np.testing.assert_allclose(contributions.reindex(ranking.index), ranking["score"])
    # The most-likely figures are those of the finance summary and the forecast.
    money = default.finance.set_index("equipment_id").reindex(ranking.index)
    np.testing.assert_allclose(ranking["npv"], money["npv"])
    assert (ranking["weekly_uses_p10"] <= ranking["weekly_uses_p90"]).all()


def test_weights_change_the_answer_as_a_manager_expects(data):
    floor = analyse_decision(DecisionReportParams(draws=DRAWS, weights={"floor_space": 1}),
                             data)
    smallest = floor.candidates.sort_values("footprint_m2")["equipment_id"].iloc[0]
    assert floor.recommendation == smallest == "cable_tower"
    # Floor space is not uncertain, and buying nothing takes none: it ranks first every time.
    assert floor.p_nothing_first == 1.0 and floor.ranking["p_best"].sum() == 0.0


def test_robustness_and_portfolio_are_for_the_same_decision(default):
    assert default.stability.attrs["winner"] == default.recommendation
    assert default.margin_tornado.attrs["winner"] == default.recommendation
    assert default.npv_tornado.attrs["candidate"] == default.recommendation
    best = default.portfolios.iloc[0]
    assert best["cost"] <= default.params.budget
    assert best["floor_m2"] <= default.params.free_floor_m2
    assert set(default.value_for_money["alternative"]) == set(default.ranking.index)


def test_a_roster_without_join_dates_gets_the_same_decision(tmp_path, default):
    """No join_date column: every member on the roster has joined by the roster date, so the
    demo's decision is taken on the same active members and gives the same answer (the
    club's churn, measured on member-years since joining, differs, and with it the chances
    by a draw or so)."""
    data = load_club_data(edited_club(tmp_path, drop=("join_date",)))
    assert data.members["join_date"].isna().all()
    analysis = analyse_decision(DecisionReportParams(draws=DRAWS), data)
    day = report.roster_day(analysis)
    assert day == report.roster_day(default) == pd.Timestamp("2026-11-01")
    assert int(active_mask(data.members, day).sum()) == 1585
    assert analysis.recommendation == default.recommendation
    assert report.summary_headline(analysis).startswith("Buy the reverse hyperextension")


def test_churn_by_visits_is_the_demo_table(data):
    churn = measure_churn(data.members, 0.4, as_of=data.roster_date)
    table = churn_by_visits(churn)
    assert table["band"].tolist() == ["under 1", "1 to under 2", "2 or more", "all members"]
    assert table["members"].tolist() == [965, 867, 454, 2286]
    assert table["cancellations"].tolist() == [386, 230, 38, 654]
    assert table["rate"].round(2).tolist() == [0.45, 0.30, 0.10, 0.33]
    assert table["basis"].tolist() == ["measured"] * 4
    assert not table["suppressed"].any()


def test_churn_by_visits_hides_small_counts():
    """A band of 4 members takes the club's rate: its count is hidden, its rate is the
    club's; 3 cancellations of 80 members are hidden, the rate measured on 80 is shown."""
    bands = pd.DataFrame({"band": ["under 1", "1 to under 2", "2 or more"],
                          "lower": [0.0, 1.0, 2.0], "upper": [1.0, 2.0, np.inf],
                          "members": [120, 80, 4], "cancellations": [40, 3, 1],
                          "member_years": [100.0, 78.0, 3.0], "rate": [0.33, 0.04, 0.27],
                          "basis": ["measured", "measured", "club-wide"]})
    churn = ChurnBands(table=bands, members=204, cancellations=44, member_years=181.0,
                       club_rate=0.27, club_basis="measured", start=date(2025, 11, 2),
                       end=date(2026, 11, 1), unknown_visits=0, source="")
    table = churn_by_visits(churn).set_index("band")
    assert table.loc["2 or more", ["members", "cancellations"]].isna().all()
    assert table.loc["2 or more", "rate"] == 0.27
    assert np.isnan(table.loc["1 to under 2", "cancellations"])
    assert table.loc["1 to under 2", ["members", "rate"]].tolist() == [80, 0.04]
    assert table["suppressed"].tolist() == [False, True, True, False]
def test_new_joins_set_in_equipment_csv_are_capped_alike_in_the_money_and_the_draws(data):
    """The cable tower's 40 and the owned leg press's 20 joins a year claim more than
    new_joins_cap_share (5%) of the demo's 661 joins a year: the most-likely money and the
    Monte Carlo credit the tower the same capped share."""
    equipment = data.equipment.copy()
    for machine, joins in (("cable_tower", 40.0), ("leg_press", 20.0)):
        at = equipment["equipment_id"] == machine
        equipment.loc[at, ["new_joins_per_year", "new_joins_source"]] = (joins, "assumption")
    club = dataclasses.replace(data, equipment=equipment)
    analysis = analyse_decision(DecisionReportParams(draws=DRAWS), club)
    money = analysis.finance.set_index("equipment_id")
    tower = money.loc["cable_tower", "pv_new_joins"]
    assert tower > 0 and (money.drop(index="cable_tower")["pv_new_joins"] == 0).all()
    prepared = analysis_model(club)
    likely = model_core(prepared, prepared.most_likely())
    ids = list(prepared.equipment_ids)
    assert likely["pv_new_joins"][0, ids.index("cable_tower")] == pytest.approx(tower)
    assert prepared.club_joins_per_year == 661
    uncapped = model_core(dataclasses.replace(prepared, club_joins_per_year=1e9),
                          prepared.most_likely())
    assert tower == pytest.approx(0.05 * 661 * 40 / 60 / 40
                                  * uncapped["pv_new_joins"][0, ids.index("cable_tower")])


def analysis_model(club):
    """The decision's prepared model at the default parameters, uncalibrated."""
    from evaluate.reports.decision.analysis import prepare_model, select_candidates

    candidates = fill_equipment_costs(select_candidates(club.equipment), club.assumptions)[0]
    return prepare_model(club, candidates, as_of=None, calibrate=False)[0]
