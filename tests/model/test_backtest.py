"""The leave-one-out backtest of the club's owned machines, and the model error it measures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.model.backtest import (
    ERROR_FLOOR,
    TABLE_COLUMNS,
    Backtest,
    backtest,
    model_error,
)
from evaluate.model.owned_logs import fit_owned, forecast_owned
from evaluate.model.prepared import model_inputs
from model_support import AS_OF, usage_log

OWNED = ["back_extension_45", "leg_press", "rower"]


def _table(forecast, actual, p10, p90, naive) -> pd.DataFrame:
    n = len(forecast)
    return pd.DataFrame({"equipment_id": [f"m{i}" for i in range(n)], "units": 1,
                         "forecast": forecast, "p10": p10, "p90": p90, "actual": actual,
                         "ratio": np.divide(actual, forecast), "naive": naive,
                         "users_forecast": 10.0, "users_actual": 10.0,
                         "sessions_per_user": 1.0})[list(TABLE_COLUMNS)]


def test_the_figures_by_hand():
    """Forecasts 100, 50, 200 against actuals 80, 100, 200."""
    found = Backtest(_table([100.0, 50.0, 200.0], [80.0, 100.0, 200.0], [90.0, 20.0, 150.0],
                            [150.0, 120.0, 250.0], [150.0, 140.0, 90.0]), 0.3, "backtest")
    assert found.machines == 3
    # |80-100|/80 = 0.25, |100-50|/100 = 0.5, 0 -> median 0.25
    assert found.median_ape == pytest.approx(0.25)
    assert found.bias == pytest.approx((0.8 * 2.0 * 1.0) ** (1 / 3))
    assert found.coverage == pytest.approx(2 / 3)  # 80 lies below its band
    model = np.mean(np.abs(np.log([0.8, 2.0, 1.0])))
    naive = np.mean(np.abs(np.log([80 / 150, 100 / 140, 200 / 90])))
    assert found.skill_vs_naive == pytest.approx(1 - model / naive)
    assert found.beats_naive


def test_a_model_worse_than_naive_has_negative_skill_and_one_machine_has_none():
    worse = Backtest(_table([10.0, 10.0], [100.0, 50.0], [5.0, 5.0], [20.0, 20.0],
                            [90.0, 60.0]), 0.5, "floor")
    assert worse.skill_vs_naive < 0 and not worse.beats_naive
    alone = Backtest(_table([10.0], [12.0], [5.0], [20.0], [np.nan]), 0.5, "floor")
    assert np.isnan(alone.skill_vs_naive) and not alone.beats_naive


def test_the_model_error_is_what_the_inputs_do_not_explain():
    errors = np.array([0.5, -0.5, 1.0, -1.0])
    # Student's t on 4 degrees of freedom: P90 1.533 against the normal's 1.2816.
    widen = 1.533206 / 1.281552
    assert model_error(errors, np.full(4, 0.125)) == (
        pytest.approx(np.sqrt(0.625 - 0.125) * widen, rel=1e-5), "backtest")
    assert model_error(errors, np.full(4, 2.0)) == (0.0, "backtest")
    # Fewer than three machines cannot measure it: the documented floor.
    assert model_error(np.array([0.1, -0.1]), np.zeros(2)) == (ERROR_FLOOR, "floor")
    assert model_error(np.array([2.0, -2.0]), np.zeros(2)) == (
        pytest.approx(2.0 * 1.885618 / 1.281552, rel=1e-5), "backtest")


@pytest.fixture(scope="module")
def club(demo):
    rows = demo["equipment"].set_index("equipment_id").loc[["reverse_hyper",
                                                            "cable_tower"]].reset_index()
    model = model_inputs(demo["members"], rows, demo["assumptions"],
                         checkins=demo["checkins"], as_of=AS_OF, owned=demo["equipment"])
    log = usage_log({"back_extension_45": (30, 1.0), "leg_press": (90, 1.5),
                     "rower": (60, 2.0)}, list(demo["members"]["member_id"]))
    return model, log


def test_ratios_by_hand_on_a_small_club(club, demo):
    """Each machine forecast at the two others' pooled factor (two machines: by hand)."""
    model, log = club
    found = backtest(model, log, demo["equipment"], draws=400)
    fits = fit_owned(model, log, demo["equipment"]).set_index("equipment_id")
    table = found.table.set_index("equipment_id")
    for machine in OWNED:
        rest = fits.drop(index=machine)
        y, se = rest["log_uptake"].to_numpy(), rest["se"].to_numpy()
        z = rest["log_frequency"].to_numpy()

        def pooled_mean(values, se=se):
            w = 1 / se**2
            fixed = (w * values).sum() / w.sum()
            q = (w * (values - fixed) ** 2).sum()
            tau2 = max(0.0, (q - 1) / (w.sum() - (w**2).sum() / w.sum()))
            weight = 1 / (se**2 + tau2)
            return (weight * values).sum() / weight.sum()

        likely = forecast_owned(model, model.owned.ids.index(machine), model.most_likely(1),
                                np.array([np.exp(pooled_mean(y))]), np.exp(pooled_mean(z)))
        forecast = likely["weekly_sessions"][0, 0]
        actual = fits.loc[machine, "weekly_sessions"]
        assert table.loc[machine, "forecast"] == pytest.approx(forecast)
        assert table.loc[machine, "actual"] == pytest.approx(actual)
        assert table.loc[machine, "ratio"] == pytest.approx(actual / forecast)
        naive = (rest["weekly_sessions"] / rest["units"]).mean() * fits.loc[machine, "units"]
        assert table.loc[machine, "naive"] == pytest.approx(naive)
        assert table.loc[machine, "p10"] < table.loc[machine, "p90"]
    assert table.loc["rower", "units"] == 2
    # Three machines: the candidates' model error is measured, not floored.
    assert found.sigma_basis == "backtest"


def test_a_club_without_logged_machines_has_no_backtest(club, demo):
    model, log = club
    assert backtest(model, log.iloc[0:0], demo["equipment"]) is None
    one = backtest(model, log, demo["equipment"], machines=["leg_press"], draws=200)
    assert one.machines == 1 and np.isnan(one.table["naive"].iloc[0])
    # One machine, forecast uncalibrated: its error, at least the floor.
    assert one.sigma >= ERROR_FLOOR


def test_bands_cover_about_eight_in_ten_held_out_actuals_across_generated_clubs(
        tmp_path_factory):
    """20 synthetic clubs with known, random true use of 5 owned machines each.

    The generator's truth (:func:`evaluate.data.demo_logs.random_truth`) is drawn per club and
    never read by the model; each machine is forecast without its own log.
    """
    from datetime import date

    from evaluate.data.club_data import load_club_data
    from evaluate.data.demo import write_demo_club
    from evaluate.data.demo_logs import random_truth

    owned = ["back_extension_45", "leg_press", "rower", "cable_tower", "glute_ham_developer"]
    inside = []
    for k in range(20):
        folder = tmp_path_factory.mktemp(f"club{k:02d}")
        truth = random_truth(np.random.default_rng([17, k]), owned)
        write_demo_club(folder, members=1500, seed=1000 + k, today=date(2026, 11, 1),
                        truth=truth)
        club = load_club_data(folder)
        rows = club.equipment[club.equipment["equipment_id"] == "reverse_hyper"]
        model = model_inputs(club.members, rows.reset_index(drop=True), club.assumptions,
                             checkins=club.checkins, owned=club.equipment)
        table = backtest(model, club.usage, club.equipment).table
        assert len(table) == len(owned)
        inside += list((table["actual"] >= table["p10"]) & (table["actual"] <= table["p90"]))
    coverage = float(np.mean(inside))
    assert 0.7 <= coverage <= 0.9, coverage
