"""Filling placeholder costs: the array function by hand, the demo catalogue's blanks."""

from __future__ import annotations

import numpy as np
import pytest

from evaluate.data.assumptions import load_assumptions
from evaluate.data.equipment import load_equipment
from evaluate.model.costs import fill_costs_core, fill_equipment_costs
from evaluate.paths import DEMO_DATA_DIR


def test_fill_costs_core_keeps_given_figures():
    inst, maint, life = fill_costs_core(
        np.array([1000.0, 1000]), np.array([np.nan, 7]), np.array([np.nan, 8]),
        np.array([np.nan, np.nan]), np.array([False, True]), 0.05, 0.1, 10, 4)
    assert inst.tolist() == [50, 7] and maint.tolist() == [100, 8] and life.tolist() == [10, 4]


def test_demo_placeholders_are_filled_and_reported():
    equipment = load_equipment(DEMO_DATA_DIR)
    filled, table = fill_equipment_costs(equipment, load_assumptions(DEMO_DATA_DIR))
    rh = filled.set_index("equipment_id").loc["reverse_hyper"]
    assert rh["installation_cost"] == pytest.approx(0.05 * 775)
    assert rh["annual_maintenance"] == pytest.approx(0.05 * 775)
    assert rh["lifespan_years"] == 10
    assert filled.set_index("equipment_id").loc["rower", "lifespan_years"] == 4
    assert len(table) == 18  # 6 machines × 3 blank placeholders
    assert set(table["assumption"]) == {"installation_share_of_price",
                                        "maintenance_share_of_price", "lifespan_years_strength",
                                        "lifespan_years_cardio"}
    assert table.loc[0, "basis"] == "0.05 × price 775"
    assert equipment["installation_cost"].isna().all()  # the input is not changed
