"""A set of candidates valued jointly: the users it adds together, and each machine's money."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluate.model.costs import fill_equipment_costs
from evaluate.model.finance import finance_summary
from evaluate.model.joint import (
    JOINT_COUNTS,
    SPLIT,
    every_subset,
    joint_added_users,
    member_subsets,
    npv_split,
)
from evaluate.model.prepared import ModelInputs, forecast_from_inputs, model_inputs
from evaluate.model.substitution import NEW, OwnedMachines


@pytest.fixture(scope="module")
def club(demo_club):
    """The demo club's candidates (the machines it does not own, and two it owns), priced."""
    equipment, _ = fill_equipment_costs(demo_club.equipment, demo_club.assumptions)
    inputs = model_inputs(demo_club.members, equipment, demo_club.assumptions,
                          checkins=demo_club.checkins, owned=demo_club.equipment)
    return demo_club, equipment, inputs


def machines(inputs: ModelInputs, levels: np.ndarray, rho: float,
             same_as: np.ndarray | None = None) -> ModelInputs:
    """``inputs`` with new candidates of the given relevance codes ``(n, 3)``, at ``ρ``."""
    n = len(levels)
    first = np.zeros(n, dtype=np.int64)
    return dataclasses.replace(
        inputs, equipment_ids=tuple(f"m{i}" for i in range(n)),
        levels=np.asarray(levels, dtype=np.int64), session_minutes=inputs.session_minutes[first],
        servers=inputs.servers[first], uptake_factor=np.ones(n),
        same_as=np.full(n, NEW) if same_as is None else same_as,
        ranges={**inputs.ranges, "substitution": (rho, rho, rho)})


@given(st.integers(0, 6).flatmap(lambda n: st.lists(
    st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=n, max_size=n)))
def test_every_subset_matches_a_loop_over_the_subsets(rows):
    rows = np.array(rows, dtype=float).reshape(-1, 2)
    n = len(rows)
    products = every_subset(1.0 - rows, 1.0, np.multiply)
    maxima = every_subset(rows, 0.0, np.maximum)
    masks = np.arange(2**n)
    member = ((masks[:, None] >> np.arange(n)) & 1).astype(bool)
    np.testing.assert_array_equal(member_subsets(member, rows, 0.0, np.maximum), maxima)
    for m in masks:
        inside = rows[member[m]]
        assert products[m] == pytest.approx(np.prod(1.0 - inside, axis=0))
        np.testing.assert_array_equal(maxima[m], inside.max(axis=0, initial=0.0))


def test_a_set_of_one_adds_the_users_the_forecast_says(club):
    """A set of one candidate adds its forecast's added users and back-pain users, second
    units (their capacity) included."""
    _, _, inputs = club
    forecast = forecast_from_inputs(inputs)
    likely = forecast[forecast["scenario"] == "most_likely"].set_index("equipment_id")
    n = len(inputs.equipment_ids)
    joint = joint_added_users(inputs)
    expected = likely.loc[list(inputs.equipment_ids), list(JOINT_COUNTS)].to_numpy()
    np.testing.assert_allclose(joint(np.eye(n, dtype=bool)), expected, rtol=1e-12, atol=1e-9)
    every = joint(None)
    assert every.shape == (2**n, 2)
    np.testing.assert_allclose(every[2 ** np.arange(n)], expected, rtol=1e-12, atol=1e-9)
    np.testing.assert_array_equal(every[0], [0.0, 0.0])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(*[st.integers(0, 2)] * 3), min_size=1, max_size=5),
       st.floats(0.0, 1.0))
def test_a_set_never_adds_more_users_than_its_members_alone(club, levels, rho):
    """A set's value never exceeds the sum of its members': beside the demo's owned
    machines, at any substitution, the users and back-pain users every set adds are at most
    the sum of what its members add alone, and at least the most any of them adds."""
    _, _, inputs = club
    joint = joint_added_users(machines(inputs, np.array(levels), rho))
    every = joint(None)
    n = len(levels)
    alone = every[2 ** np.arange(n)]
    for m in range(2**n):
        inside = ((m >> np.arange(n)) & 1).astype(bool)
        assert (every[m] <= alone[inside].sum(axis=0) + 1e-9).all()
        assert (every[m] >= alone[inside].max(axis=0, initial=0.0) - 1e-9).all()


@pytest.mark.parametrize("rho", [0.25, 0.5, 1.0])
def test_two_copies_of_one_machine_add_less_than_twice_one(club, rho):
    """Two reverse hyperextensions serve the same members: together they add fewer users
    than twice one, and with full substitution no more than one (in a club that owns
    nothing: beside the demo's back extension one adds no one at full substitution)."""
    _, _, inputs = club
    k = inputs.equipment_ids.index("reverse_hyper")
    bare = dataclasses.replace(inputs, owned=OwnedMachines.none())
    twins = machines(bare, inputs.levels[[k, k]], rho)
    found = joint_added_users(twins)(np.array([[True, False], [True, True]]))
    one, both = found
    assert (one > 0).all() and (both < 2 * one).all()
    if rho == 1.0:
        np.testing.assert_allclose(both, one, rtol=1e-12)


def test_a_second_unit_adds_its_capacity_to_the_set(club):
    """A second unit covers no need of its own: in a set it adds what it adds alone."""
    _, _, inputs = club
    second = np.flatnonzero(inputs.same_as != NEW)
    new = np.flatnonzero(inputs.same_as == NEW)
    joint = joint_added_users(inputs)
    n = len(inputs.equipment_ids)
    for s, c in itertools.product(second, new):
        member = np.zeros((3, n), dtype=bool)
        member[0, s] = member[1, c] = True
        member[2, [s, c]] = True
        alone_s, alone_c, both = joint(member)
        np.testing.assert_allclose(both, alone_s + alone_c, rtol=1e-12)


def test_the_npv_split_adds_up_to_the_npv(club):
    data, equipment, inputs = club
    forecast = forecast_from_inputs(inputs)
    churn = inputs.ranges["baseline_annual_churn"][1]
    money = finance_summary(equipment, forecast, data.assumptions,
                            monthly_dues=inputs.monthly_dues, annual_churn=churn)
    split = npv_split(money)
    assert list(split.columns) == list(SPLIT)
    np.testing.assert_allclose(split.sum(axis=1), money.set_index("equipment_id")["npv"]
                               .reindex(split.index), rtol=1e-9)
    assert (split["costs"] < 0).all()
    assert (split[list(JOINT_COUNTS)] >= 0).all().all()
    added = forecast[forecast["scenario"] == "most_likely"].set_index("equipment_id")
    none = added["added_users"].reindex(split.index) == 0
    assert (split.loc[none, "added_users"] == 0).all()  # no users added, no retention
