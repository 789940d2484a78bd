"""Fits on the club's own machines' logs, and the pooled calibration of every candidate."""

from __future__ import annotations

import numpy as np
import pytest

from evaluate.model.calibration import calibrate_uptake
from evaluate.model.owned_logs import (
    calibrate_model,
    fit_owned,
    forecast_owned,
    pooled_calibration,
    regular_threshold,
)
from evaluate.model.prepared import model_inputs
from model_support import AS_OF, usage_log

CANDIDATES = ["reverse_hyper", "glute_ham_developer", "cable_tower"]
OWNED = ["back_extension_45", "leg_press", "rower"]


def _model(demo, owned=None):
    equipment = demo["equipment"] if owned is None else owned
    rows = equipment.set_index("equipment_id").loc[CANDIDATES].reset_index()
    return model_inputs(demo["members"], rows, demo["assumptions"], checkins=demo["checkins"],
                        as_of=AS_OF, owned=equipment)


@pytest.fixture(scope="module")
def model(demo):
    return _model(demo)


@pytest.fixture(scope="module")
def at_one(model, demo):
    """Each owned machine's forecast users and sessions at the documented uptakes."""
    log = usage_log({m: (50, 1.0) for m in OWNED}, list(demo["members"]["member_id"]))
    fits = fit_owned(model, log, demo["equipment"]).set_index("equipment_id")
    return fits[["users_at_1", "sessions_at_1"]]


def test_users_and_frequency_are_fitted_apart(model, demo):
    """The fitted factor gives the log's regular users, the frequency factor its sessions."""
    ids = list(demo["members"]["member_id"])
    log = usage_log({"back_extension_45": (40, 3.0), "leg_press": (120, 1.0),
                     "rower": (80, 0.5)}, ids)
    fits = fit_owned(model, log, demo["equipment"]).set_index("equipment_id")
    assert regular_threshold(model) == 0.5  # the low end of sessions_per_user_week
    assert fits.loc["back_extension_45", "regular_users"] == 40
    for machine in OWNED:
        row = fits.loc[machine]
        position = model.owned.ids.index(machine)
        found = forecast_owned(model, position, model.most_likely(1),
                               np.array([row["uptake_factor"]]), row["frequency_factor"])
        assert found["regular_users"][0, 0] == pytest.approx(row["regular_users"], rel=0.01)
        assert found["weekly_sessions"][0, 0] == pytest.approx(row["weekly_sessions"], rel=0.01)
    # Same users' count, three times the sessions each: the frequency, not the uptake, moves.
    assert fits.loc["back_extension_45", "sessions_per_user"] == pytest.approx(3.0, rel=0.02)
    assert fits.loc["rower", "se"] == pytest.approx(1 / np.sqrt(80))


def test_three_times_the_forecast_raises_every_candidate(model, demo, at_one):
    """Not only a candidate with a comparable machine: every candidate is calibrated."""
    plan = {m: (int(round(3 * at_one.loc[m, "users_at_1"])),
                at_one.loc[m, "sessions_at_1"] / at_one.loc[m, "users_at_1"]) for m in OWNED}
    log = usage_log(plan, list(demo["members"]["member_id"]))
    pooled = pooled_calibration(model, log, demo["equipment"])
    # Users saturate (1 - Π(1 - need × rate)), so three times the users takes a factor of 3
    # or a little more.
    factors = np.exp(pooled.fits["log_uptake"].to_numpy())
    assert np.all((factors > 2.9) & (factors < 3.6)), factors
    calibrated = calibrate_model(model, pooled)
    assert np.all((calibrated.uptake_factor > factors.min())
                  & (calibrated.uptake_factor < factors.max()))
    before = model.likely_outputs["regular_users"][0]
    after = calibrated.likely_outputs["regular_users"][0]
    assert np.all((after / before > 2.5) & (after / before < 3.6)), after / before
    assert np.all(calibrated.owned.factor > 2.9)


def test_with_one_owned_machine_and_no_member_ids_it_is_today_s_factor(demo):
    """Sessions only, one owned machine: the comparable-machine calibration's factor."""
    equipment = demo["equipment"].assign(
        owned_units=np.where(demo["equipment"]["equipment_id"] == "back_extension_45", 1, 0))
    model = _model(demo, equipment)
    log = usage_log({"back_extension_45": (60, 1.5)}, list(demo["members"]["member_id"]),
                    with_ids=False)
    pooled = pooled_calibration(model, log, equipment)
    today = calibrate_uptake(demo["members"], equipment, log, demo["assumptions"],
                             "reverse_hyper", demo["checkins"], as_of=AS_OF)
    assert today.comparable == "back_extension_45"
    factors, frequency = pooled.factors(np.zeros(3), np.array([0.0, 1.0, 1.0]))
    assert factors == pytest.approx([today.factor] * 3, rel=0.01)
    assert frequency == pytest.approx([1.0] * 3)


def test_no_logged_machine_calibrates_nothing(model, demo):
    empty = usage_log({"back_extension_45": (1, 1.0)}, ["M000001"]).iloc[0:0]
    assert pooled_calibration(model, empty, demo["equipment"]) is None
