"""Costs: blank placeholder installation, maintenance and lifespan filled from the assumptions.

``equipment.csv`` may leave a machine's installation cost, annual maintenance or lifespan
blank (status ``placeholder``); the money model then takes them from share-of-price and
lifespan assumptions. :func:`fill_equipment_costs` fills the catalogue at the most-likely
assumptions and says which figures it filled and how; :func:`fill_costs_core` is its array
function, without validation, which the Monte Carlo calls with a drawn price and drawn
assumptions of shape ``(draws, 1)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.equipment import ID, INSTALLATION, LIFESPAN, MAINTENANCE, PRICE, TYPE

# Figure filled -> (assumption, how the default is computed), for the report.
FILL_RULES = {
    INSTALLATION: ("installation_share_of_price", "share of price, once"),
    MAINTENANCE: ("maintenance_share_of_price", "share of price, per year"),
    LIFESPAN: ("lifespan_years_strength / lifespan_years_cardio", "by equipment_type"),
}


def most_likely(assumptions: Mapping[str, Assumption | float]) -> dict[str, float]:
    """Each assumption's most-likely value (plain numbers pass through), in its catalogue unit."""
    return {name: float(a.most_likely if isinstance(a, Assumption) else a)
            for name, a in assumptions.items()}


def fill_costs_core(price: np.ndarray, installation: np.ndarray, maintenance: np.ndarray,
                    lifespan_years: np.ndarray, is_cardio: np.ndarray,
                    installation_share: float | np.ndarray,
                    maintenance_share: float | np.ndarray,
                    lifespan_strength: float | np.ndarray, lifespan_cardio: float | np.ndarray,
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill NaN (blank placeholder) costs from the assumptions; arrays broadcast together.

    Installation = ``installation_share × price`` (currency, once); maintenance =
    ``maintenance_share × price`` (currency/year); lifespan = ``lifespan_cardio`` where
    ``is_cardio`` else ``lifespan_strength`` (years). Given figures are kept.

    Returns
    -------
    tuple of numpy.ndarray
        ``(installation, maintenance, lifespan_years)``, broadcast to a common shape.
    """
    price = np.asarray(price, dtype=float)
    life = np.where(is_cardio, lifespan_cardio, lifespan_strength)
    return (np.where(np.isnan(installation), installation_share * price, installation),
            np.where(np.isnan(maintenance), maintenance_share * price, maintenance),
            np.where(np.isnan(lifespan_years), life, lifespan_years).astype(float))


def fill_equipment_costs(equipment: pd.DataFrame, assumptions: Mapping[str, Assumption | float],
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill blank placeholder installation, maintenance and lifespan from the assumptions.

    Installation = ``installation_share_of_price × price`` (currency, once); maintenance =
    ``maintenance_share_of_price × price`` (currency/year); lifespan =
    ``lifespan_years_cardio`` for cardio, ``lifespan_years_strength`` otherwise (years).

    Returns
    -------
    tuple of pandas.DataFrame
        The catalogue with those columns filled (a copy; statuses stay ``placeholder``), and
        one row per filled figure: ``equipment_id``, ``figure``, ``value``, ``assumption``,
        ``basis`` (e.g. ``"0.05 × price 775"``), so the report can say which figures are
        defaults.
    """
    values = most_likely(assumptions)
    price = equipment[PRICE].to_numpy(float)
    filled = fill_costs_core(
        price, equipment[INSTALLATION].to_numpy(float), equipment[MAINTENANCE].to_numpy(float),
        equipment[LIFESPAN].to_numpy(float), (equipment[TYPE] == "cardio").to_numpy(),
        values["installation_share_of_price"], values["maintenance_share_of_price"],
        values["lifespan_years_strength"], values["lifespan_years_cardio"])
    out = equipment.copy()
    rows = []
    for figure, new in zip((INSTALLATION, MAINTENANCE, LIFESPAN), filled, strict=True):
        blank = equipment[figure].isna().to_numpy()
        for i in np.flatnonzero(blank):
            rows.append(_fill_row(equipment.iloc[i], figure, float(new[i]), values))
        out[figure] = new
    table = pd.DataFrame(rows, columns=[ID, "figure", "value", "assumption", "basis"])
    return out, table


def _fill_row(machine: pd.Series, figure: str, value: float,
              values: dict[str, float]) -> dict[str, object]:
    if figure == LIFESPAN:
        name = f"lifespan_years_{'cardio' if machine[TYPE] == 'cardio' else 'strength'}"
        basis = f"{machine[TYPE]} equipment, {value:g} years"
    else:
        name = FILL_RULES[figure][0]
        basis = f"{values[name]:g} × price {machine[PRICE]:g}"
    return {ID: machine[ID], "figure": figure, "value": value, "assumption": name,
            "basis": basis}
