"""Money: fill placeholder costs, build yearly cash flows, and report NPV, IRR and friends.

Thin, checked wrappers over the vectorised core in :mod:`evaluate.model.cashflows`, whose module
docstring states the conventions the report repeats: the club's currency, real amounts and a
real discount rate, year 0 (price and installation) not discounted, every other flow at the
end of its year, ``n = floor(min(lifespan, horizon))`` whole years, salvage at the end of year
``n``, and how retention, trainer-led sessions and new joins are valued.

Inputs are tidy frames: the equipment catalogue (:func:`evaluate.data.equipment.load_equipment`),
the assumptions (name -> :class:`~evaluate.data.assumptions.Assumption` or a plain number; the
most-likely value is used), and the usage forecast (:func:`evaluate.model.demand.forecast_usage`)
with one row per candidate (and scenario) and the columns ``equipment_id``, ``regular_users``
(at full adoption), ``weekly_sessions`` and, where the forecast has it, ``back_pain_users``
(who may book trainer-led sessions; otherwise all regular users count). Outputs are tidy:
one row per candidate, or one row per candidate, year and item for the cash flows.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy_financial as npf
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.equipment import ID, INSTALLATION, LIFESPAN, MAINTENANCE, PRICE, TYPE
from evaluate.model.cashflows import (
    ITEMS,
    WEEKS_PER_YEAR,
    FinanceInputs,
    cash_flow_items,
    fill_cost_arrays,
    metrics,
    net_cash_flows,
    years_in_use,
)

USERS, WEEKLY_SESSIONS, BACK_PAIN_USERS = "regular_users", "weekly_sessions", "back_pain_users"
SCENARIO = "scenario"  # demand.forecast_usage gives low / most_likely / high rows
# Figure filled -> (assumption, how the default is computed), for the report.
FILL_RULES = {
    INSTALLATION: ("installation_share_of_price", "share of price, once"),
    MAINTENANCE: ("maintenance_share_of_price", "share of price, per year"),
    LIFESPAN: ("lifespan_years_strength / lifespan_years_cardio", "by equipment_type"),
}
SUMMARY_COLUMNS = (ID, "years", "up_front", "npv", "irr", "payback_years",
                   "discounted_payback_years", "pv_costs", "pv_benefits",
                   "equivalent_annual_cost", "annual_sessions", "cost_per_use",
                   "break_even_weekly_uses")
ASSUMPTIONS_USED = ("discount_rate", "horizon_years", "floor_cost_per_m2_year", "salvage_share",
                    "churn_reduction_users", "trainer_led_share",
                    "trainer_sessions_per_buyer_year", "trainer_session_price",
                    "trainer_session_margin", "new_joins_per_year", "adoption_months")


def most_likely(assumptions: Mapping[str, Assumption | float]) -> dict[str, float]:
    """Each assumption's most-likely value (plain numbers pass through), in its catalogue unit."""
    return {name: float(a.most_likely if isinstance(a, Assumption) else a)
            for name, a in assumptions.items()}


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
    filled = fill_cost_arrays(
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


def finance_inputs(equipment: pd.DataFrame, usage: pd.DataFrame,
                   assumptions: Mapping[str, Assumption | float], *, monthly_dues: float,
                   annual_churn: float | None = None) -> FinanceInputs:
    """Check the frames and assemble the core's inputs for one deterministic run (``D == 1``).

    Parameters
    ----------
    equipment
        The catalogue, blanks filled or not (:func:`fill_equipment_costs` is applied).
    usage
        One row per candidate in ``equipment``: ``regular_users``, ``weekly_sessions``
        (sessions/week) and optionally ``back_pain_users``; all at full adoption. With a
        ``scenario`` column, only the ``most_likely`` rows are used.
    assumptions
        By name; the most-likely value of each is used.
    monthly_dues
        Average monthly dues of a member (currency/month).
    annual_churn
        The club's measured cancellation rate (fraction/year); ``None`` uses the assumption
        ``baseline_annual_churn``.

    Raises
    ------
    ValueError
        When a candidate has no usage row, an assumption is missing, or a figure is not a
        finite number >= 0.
    """
    values = most_likely(assumptions)
    missing = [name for name in (*ASSUMPTIONS_USED, "baseline_annual_churn") if name not in values]
    if missing:
        raise ValueError(f"assumptions missing: {', '.join(missing)}")
    filled, _ = fill_equipment_costs(equipment, assumptions)
    ids = filled[ID]
    if SCENARIO in usage.columns:
        usage = usage[usage[SCENARIO] == "most_likely"]
    lacking = sorted(set(ids) - set(usage[ID]))
    if lacking:
        raise ValueError(f"no usage forecast for: {', '.join(lacking)}")
    use = usage.set_index(ID).reindex(ids)
    trainer = use[BACK_PAIN_USERS] if BACK_PAIN_USERS in use.columns else use[USERS]
    churn = values["baseline_annual_churn"] if annual_churn is None else annual_churn
    row = {name: np.asarray(column, dtype=float)[None, :] for name, column in {
        "price": filled[PRICE], "installation": filled[INSTALLATION],
        "maintenance": filled[MAINTENANCE], "lifespan_years": filled[LIFESPAN],
        "footprint_m2": filled["footprint_m2"], "users": use[USERS],
        "weekly_sessions": use[WEEKLY_SESSIONS], "trainer_users": trainer}.items()}
    bad = [name for name, a in row.items() if not (np.isfinite(a) & (a >= 0)).all()]
    if bad or not (np.isfinite(monthly_dues) and monthly_dues >= 0):
        raise ValueError(f"not a finite number >= 0: {', '.join(bad) or 'monthly_dues'}")
    scalars = {name: np.full((1, 1), values[name]) for name in ASSUMPTIONS_USED}
    return FinanceInputs(**row, **scalars, monthly_dues=np.full((1, 1), float(monthly_dues)),
                         annual_churn=np.full((1, 1), float(churn)))


def irr_by_candidate(flows: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Internal rate of return (fraction/year) of each row of ``flows`` over years ``0 .. n``.

    ``numpy_financial.irr`` loops, so this is for deterministic runs only. NaN where the IRR is
    undefined: no change of sign (e.g. costs only), or no real root found.
    """
    out = np.full(len(flows), np.nan)
    with np.errstate(all="ignore"):
        for i, (row, n) in enumerate(zip(flows, years, strict=True)):
            series = row[: int(n) + 1]
            if (series > 0).any() and (series < 0).any():
                out[i] = npf.irr(series)
    return out


def cash_flow_table(equipment: pd.DataFrame, usage: pd.DataFrame,
                    assumptions: Mapping[str, Assumption | float], *, monthly_dues: float,
                    annual_churn: float | None = None) -> pd.DataFrame:
    """Yearly cash flows, long: ``equipment_id``, ``year`` (0 .. n), ``item``, ``amount``.

    ``amount`` is in the club's currency, positive in and negative out, undiscounted, at the end
    of the year (year 0: the purchase date). Items are those of :data:`~evaluate.model.cashflows.ITEMS`;
    each item appears only in the years it can occur (purchase and installation in year 0,
    salvage in year n, the rest in years 1 .. n). Arguments as for :func:`finance_inputs`.
    """
    x = finance_inputs(equipment, usage, assumptions, monthly_dues=monthly_dues,
                       annual_churn=annual_churn)
    flows = np.stack([cash_flow_items(x)[item][0] for item in ITEMS])  # (item, C, Y + 1)
    n = years_in_use(x.get("lifespan_years"), x.get("horizon_years"))[0]
    item, cand, year = (a.ravel() for a in np.meshgrid(
        np.arange(len(ITEMS)), np.arange(len(n)), np.arange(flows.shape[-1]), indexing="ij"))
    once = np.array([name in ("purchase", "installation") for name in ITEMS])[item]
    salvage = np.array([name == "salvage" for name in ITEMS])[item]
    applies = np.where(once, year == 0, np.where(salvage, year == n[cand],
                                                 (year >= 1) & (year <= n[cand])))
    table = pd.DataFrame({ID: equipment[ID].to_numpy()[cand], "year": year,
                          "item": pd.Categorical.from_codes(item, categories=list(ITEMS)),
                          "amount": flows[item, cand, year] + 0.0})[applies]
    order = np.lexsort((item[applies], year[applies], cand[applies]))
    return table.iloc[order].reset_index(drop=True)


def finance_summary(equipment: pd.DataFrame, usage: pd.DataFrame,
                    assumptions: Mapping[str, Assumption | float], *, monthly_dues: float,
                    annual_churn: float | None = None) -> pd.DataFrame:
    """One row per candidate with every money metric at the most-likely assumptions.

    Columns: ``equipment_id``; ``years`` (n, whole years evaluated); ``up_front`` (price plus
    installation, currency); ``npv`` (currency); ``irr`` (fraction/year, NaN where undefined);
    ``payback_years`` and ``discounted_payback_years`` (years, fractional by linear
    interpolation within the year, ``inf`` if never within n years); ``pv_costs`` (currency,
    net of salvage) and ``pv_benefits`` (currency); ``equivalent_annual_cost``
    (currency/year); ``annual_sessions`` (52 × weekly sessions); ``cost_per_use`` (currency
    per session, ``inf`` without sessions); ``break_even_weekly_uses`` (sessions/week at which
    the NPV is 0, linearised as described in :func:`evaluate.model.cashflows.metrics`; NaN without
    sessions, ``inf`` if no use pays back). Arguments as for :func:`finance_inputs`.
    """
    x = finance_inputs(equipment, usage, assumptions, monthly_dues=monthly_dues,
                       annual_churn=annual_churn)
    found = {name: value[0] for name, value in metrics(x).items()}
    summary = pd.DataFrame({
        ID: equipment[ID].to_numpy(), "years": found["years"],
        "up_front": (x.get("price") + x.get("installation"))[0], "npv": found["npv"],
        "irr": irr_by_candidate(net_cash_flows(x)[0], found["years"]),
        "payback_years": found["payback_years"],
        "discounted_payback_years": found["discounted_payback_years"],
        "pv_costs": found["pv_costs"], "pv_benefits": found["pv_benefits"],
        "equivalent_annual_cost": found["equivalent_annual_cost"],
        "annual_sessions": WEEKS_PER_YEAR * x.get("weekly_sessions")[0],
        "cost_per_use": found["cost_per_use"],
        "break_even_weekly_uses": found["break_even_weekly_uses"]})
    return summary[list(SUMMARY_COLUMNS)]
