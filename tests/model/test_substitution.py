"""With versus without: the users a candidate adds beside the machines the club owns."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaluate.model.costs import fill_equipment_costs
from evaluate.model.prepared import model_core, model_inputs, owned_use
from evaluate.model.substitution import (
    OwnedMachines,
    coverage,
    coverage_with,
    served_share,
    shared_rates,
)

rates = st.floats(0.0, 1.0, allow_nan=False)


@given(st.lists(st.tuples(rates, rates, rates), min_size=0, max_size=4),
       st.tuples(rates, rates, rates), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_the_added_coverage_never_grows_with_substitution(owned, candidate, rho_a, rho_b):
    low, high = sorted((rho_a, rho_b))
    mine = np.array(owned, dtype=float).reshape(1, len(owned), 3)
    r = np.array(candidate, dtype=float).reshape(1, 1, 3)

    def added(rho: float) -> np.ndarray:
        rho_ = np.array([rho])
        return coverage_with(coverage(mine), r, rho_)[0, 0] - coverage(mine)[0]

    assert (added(high) <= added(low) + 1e-12).all()
    assert (added(low) >= -1e-12).all()


@given(st.tuples(rates, rates, rates), st.floats(0.0, 1.0))
def test_with_nothing_owned_a_candidate_covers_its_own_rates(candidate, rho):
    r = np.array(candidate, dtype=float).reshape(1, 1, 3)
    nothing = np.zeros((1, 0, 3))
    np.testing.assert_allclose(coverage_with(coverage(nothing), r, np.array([rho]))[0, 0],
                               candidate, atol=1e-12)
    np.testing.assert_allclose(shared_rates(r, 0.0, r, np.array([rho]))[0, 0], candidate,
                               atol=1e-12)


def test_full_substitution_shares_a_need_in_proportion_to_the_rates():
    r = np.array([[[0.08, 0.0, 0.0]]])
    owned = np.array([[[0.04, 0.0, 0.0]]])
    own = shared_rates(r, owned.sum(axis=1)[:, None, :], np.maximum(r, 0.04), np.array([1.0]))
    assert own[0, 0, 0] == pytest.approx(0.08 * 0.08 / 0.12)


def test_served_share_is_one_with_room_and_the_room_over_demand_without():
    assert served_share(np.array([2.0]), np.array([10.0]), 0.5)[0] == 1.0
    assert served_share(np.array([10.0]), np.array([10.0]), 0.5)[0] == pytest.approx(0.5)
    assert served_share(np.array([0.0]), np.array([0.0]), 0.5)[0] == 1.0


@pytest.fixture(scope="module")
def club(demo_club):
    """The demo club (about 1,600 active members) and its machines, costs filled."""
    equipment, _ = fill_equipment_costs(demo_club.equipment, demo_club.assumptions)
    return demo_club, equipment


def _run(club, owned, **fixed):
    data, equipment = club
    inputs = model_inputs(data.members, equipment, data.assumptions, checkins=data.checkins,
                          owned=owned)
    values = inputs.most_likely()
    values.update({name: np.full((1, 1), value) for name, value in fixed.items()})
    return inputs, model_core(inputs, values)


def test_a_duplicate_of_an_owned_machine_with_spare_capacity_adds_no_one(club):
    data, _ = club
    inputs, out = _run(club, data.equipment, substitution=1.0)
    k = inputs.equipment_ids.index("back_extension_45")
    assert out["utilisation"][0, k] < 0.5  # spare capacity at the busiest hour
    assert out["added_users"][0, k] == 0.0
    assert out["added_back_pain_users"][0, k] == 0.0
    assert out["regular_users"][0, k] > 0  # the second unit is used: it shares the first's
    # With no user added, the benefits are nil: the NPV is minus the costs' present value,
    # unless new joins are credited (none are, to a machine that adds no user).
    assert out["npv"][0, k] == pytest.approx(-out["pv_costs"][0, k])


def test_a_second_unit_adds_users_when_the_first_is_short_of_capacity(club):
    data, _ = club
    inputs, out = _run(club, data.equipment, substitution=1.0, peak_hour_share=1.0,
                       target_peak_utilisation=0.4)
    k = inputs.equipment_ids.index("back_extension_45")
    assert out["added_users"][0, k] > 0


def test_added_users_are_the_stand_alone_users_when_nothing_is_owned(club):
    data, _ = club
    _, alone = _run(club, None, substitution=1.0)
    _, none_owned = _run(club, data.equipment.assign(owned_units=0), substitution=1.0)
    np.testing.assert_allclose(alone["added_users"], alone["regular_users"])
    np.testing.assert_allclose(none_owned["added_users"], alone["regular_users"])


def test_added_users_never_grow_as_substitution_grows(club):
    data, _ = club
    found = [_run(club, data.equipment, substitution=rho)[1]["added_users"][0]
             for rho in (0.0, 0.25, 0.5, 0.75, 1.0)]
    assert all((b <= a + 1e-9).all() for a, b in zip(found, found[1:], strict=False))
    _, alone = _run(club, None)
    assert (found[0] <= alone["regular_users"][0] + 1e-9).all()


def test_the_owned_machines_come_from_owned_units():
    machines = OwnedMachines.none()
    assert machines.same_as(("a", "b")).tolist() == [-1, -1]


def _prepared(club, owned, **fixed):
    data, equipment = club
    inputs = model_inputs(data.members, equipment, data.assumptions, checkins=data.checkins,
                          owned=owned)
    return dataclasses.replace(inputs, ranges={
        name: (fixed[name],) * 3 if name in fixed else r for name, r in inputs.ranges.items()})


def test_what_a_candidate_draws_from_the_owned_machines(club):
    data, _ = club
    shared = owned_use(_prepared(club, data.equipment, substitution=1.0)).set_index(
        ["equipment_id", "owned_id"])
    # A second unit takes half of its machine's sessions (one unit of two) and nothing else.
    second = shared.loc["back_extension_45"]
    assert second.loc["back_extension_45", "sessions_with"] == pytest.approx(
        second.loc["back_extension_45", "sessions_without"] / 2)
    assert (second.drop(index="back_extension_45")["drawn"] == 0).all()
    # A new back-care machine draws most from the owned back-care machine.
    assert shared.loc["reverse_hyper", "drawn"].idxmax() == "back_extension_45"
    assert (shared["drawn"] >= -1e-9).all()
    independent = owned_use(_prepared(club, data.equipment, substitution=0.0))
    new = ~independent["equipment_id"].isin(data.equipment.loc[
        data.equipment["owned_units"] > 0, "equipment_id"])
    np.testing.assert_allclose(independent.loc[new, "drawn"], 0.0, atol=1e-9)
