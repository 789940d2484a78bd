"""Money: yearly cash flows and their metrics (NPV, IRR, payback, cost per use, break-even).

:func:`finance_summary` and :func:`cash_flow_table` check their frames once
(:func:`finance_inputs`) and call the array functions here, :func:`finance_core` and
:func:`cash_flows_core`; the Monte Carlo (:func:`evaluate.model.prepared.model_core`) calls
those directly on drawn arrays.

Every array has a leading **draws** axis and a **candidates** axis, shape ``(D, C)``
(a deterministic run is ``D == 1``); cash flows add a **years** axis, ``(D, C, Y + 1)`` for
years ``0 .. Y``. Inputs are only required to *broadcast* to ``(D, C)``: an assumption that is
the same for every candidate is passed with shape ``(D, 1)``, a candidate figure that is not
drawn with shape ``(1, C)``. The array functions do not validate.

Conventions (the report states them):

- Currency is the club's (``club.yml``); all amounts are *real* (today's prices), discounted
  at the *real* ``discount_rate`` per year.
- Year 0 is the purchase date: price and installation are paid then and are **not
  discounted**. Every later flow falls at the **end** of its year ``t = 1 .. n`` and is
  discounted by ``(1 + r) ** -t``.
- ``n = floor(min(lifespan_years, horizon_years))``, at least 1: the machine is evaluated over
  whole years of its life within the planning horizon. Salvage (``salvage_share × price``) is
  received at the end of year ``n``. Years ``n + 1 .. Y`` (when candidates differ in ``n``)
  carry zeros.
- Costs each year ``1 .. n``: maintenance, and floor space at ``footprint_m2 ×
  floor_cost_per_m2_year`` (the opportunity cost of the floor).
- Benefits each year ``1 .. n``, at full adoption and scaled in the first months by the linear
  adoption ramp (:func:`adoption_ramp`):

  * **retention**: regular users cancel less. Avoided cancellations per year =
    ``users × annual_churn × churn_reduction``; each is credited with one year of dues,
    ``12 × monthly_dues``. (A member kept this year who would be kept again next year is
    counted again by next year's avoided cancellations, not here.)
  * **trainer-led sessions**: ``trainer_users × trainer_led_share ×
    trainer_sessions_per_buyer_year × trainer_session_price × trainer_session_margin``;
    ``trainer_users`` are the regular users with back pain where the usage forecast gives
    them, otherwise all regular users.
  * **new joins**: ``new_joins`` members join at the start of every year because of the
    machine, and each cohort cancels at ``annual_churn`` a year. Members from new joins paying
    in year ``t``: ``new_joins × (1 + s + … + s ** (t - 1))`` with ``s = 1 - annual_churn``;
    each pays ``12 × monthly_dues`` that year. Nothing is credited after year ``n``. New joins
    are not ramped, and a candidate without regular users attracts none.

Frames in: the equipment catalogue (:func:`evaluate.data.equipment.load_equipment`; blank
placeholder costs are filled by :func:`evaluate.model.costs.fill_equipment_costs`), the
assumptions (name -> :class:`~evaluate.data.assumptions.Assumption` or a plain number; the
most-likely value is used), and the usage forecast (:func:`evaluate.model.demand.forecast_usage`)
with one row per candidate (and scenario) and the columns ``equipment_id``, ``regular_users``
(at full adoption), ``weekly_sessions`` and, where the forecast has it, ``back_pain_users``
(who may book trainer-led sessions; otherwise all regular users count). Frames out are tidy:
one row per candidate, or one row per candidate, year and item for the cash flows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields

import numpy as np
import numpy_financial as npf
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.equipment import ID, INSTALLATION, LIFESPAN, MAINTENANCE, PRICE
from evaluate.model.costs import fill_equipment_costs, most_likely

MONTHS_PER_YEAR = 12
WEEKS_PER_YEAR = 52.0  # sessions a year = weekly sessions × 52
COST_ITEMS = ("purchase", "installation", "maintenance", "floor_space", "salvage")
USE_ITEMS = ("retention", "trainer_sessions")  # benefits that scale with use
ITEMS = ("purchase", "installation", "maintenance", "floor_space", "retention",
         "trainer_sessions", "new_joins", "salvage")
USERS, WEEKLY_SESSIONS, BACK_PAIN_USERS = "regular_users", "weekly_sessions", "back_pain_users"
ADDED_USERS, ADDED_BACK_PAIN = "added_users", "added_back_pain_users"
SCENARIO = "scenario"  # demand.forecast_usage gives low / most_likely / high rows
SUMMARY_COLUMNS = (ID, "years", "up_front", "npv", "irr", "payback_years",
                   "discounted_payback_years", "pv_costs", "pv_benefits",
                   "equivalent_annual_cost", "annual_sessions", "cost_per_use",
                   "break_even_weekly_uses")
# The assumptions the money model takes (each (D, 1) in the Monte Carlo), by catalogue name.
ASSUMPTIONS_USED = ("discount_rate", "horizon_years", "floor_cost_per_m2_year", "salvage_share",
                    "churn_reduction_users", "trainer_led_share",
                    "trainer_sessions_per_buyer_year", "trainer_session_price",
                    "trainer_session_margin", "new_joins_per_year", "adoption_months")


@dataclass(frozen=True)
class FinanceInputs:
    """Everything the cash flows depend on, each an array broadcastable to ``(draws, candidates)``.

    Candidate figures (per unit, the club's currency): ``price`` and ``installation`` (once),
    ``maintenance`` (per year), ``lifespan_years`` (years), ``footprint_m2`` (m² with
    clearance). Usage at full adoption: ``users`` (regular users), ``weekly_sessions``
    (sessions a week), ``trainer_users`` (users who could book trainer-led sessions, e.g. those
    with back pain). Club figures: ``monthly_dues`` (currency/month), ``annual_churn``
    (fraction/year). Assumptions, in the units of ``assumptions.CATALOGUE``: the rest. Costs
    must already be filled (:func:`evaluate.model.costs.fill_costs_core`): a NaN propagates
    to every metric.
    """

    price: np.ndarray
    installation: np.ndarray
    maintenance: np.ndarray
    lifespan_years: np.ndarray
    footprint_m2: np.ndarray
    users: np.ndarray
    weekly_sessions: np.ndarray
    trainer_users: np.ndarray
    monthly_dues: np.ndarray
    annual_churn: np.ndarray
    discount_rate: np.ndarray
    horizon_years: np.ndarray
    floor_cost_per_m2_year: np.ndarray
    salvage_share: np.ndarray
    churn_reduction_users: np.ndarray
    trainer_led_share: np.ndarray
    trainer_sessions_per_buyer_year: np.ndarray
    trainer_session_price: np.ndarray
    trainer_session_margin: np.ndarray
    new_joins_per_year: np.ndarray
    adoption_months: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """The broadcast ``(draws, candidates)`` shape of all inputs."""
        shape = np.broadcast_shapes(*(np.shape(getattr(self, f.name)) for f in fields(self)))
        if len(shape) != 2:
            raise ValueError(f"inputs broadcast to {shape}, not to (draws, candidates)")
        return shape  # type: ignore[return-value]

    def raw(self, name: str) -> np.ndarray:
        """One input as a float array in its own shape (cheaper where ``(D, 1)`` suffices)."""
        return np.asarray(getattr(self, name), dtype=float)

    def get(self, name: str) -> np.ndarray:
        """One input as a float array of the full ``(draws, candidates)`` shape (a view)."""
        return np.broadcast_to(np.asarray(getattr(self, name), dtype=float), self.shape)


def years_in_use(lifespan_years: np.ndarray, horizon_years: np.ndarray) -> np.ndarray:
    """Whole years evaluated: ``floor(min(lifespan, horizon))``, at least 1 (int array)."""
    years = np.floor(np.minimum(lifespan_years, horizon_years))
    return np.maximum(years, 1).astype(np.int64)


def adoption_ramp(adoption_months: np.ndarray, last_year: int) -> np.ndarray:
    """Average share of full use reached in each year ``0 .. last_year`` (year 0 is 0).

    Use grows linearly from 0 to full over ``adoption_months`` months, so year ``k`` gets the
    mean of ``min(1, month / adoption_months)`` over its months ``12(k-1) .. 12k``; with 0
    months every year is 1. Shape: that of ``adoption_months`` plus a years axis.
    """
    months = np.asarray(adoption_months, dtype=float)[..., None]
    edges = MONTHS_PER_YEAR * np.arange(last_year + 1, dtype=float)
    safe = np.where(months > 0, months, 1.0)
    # Integral of min(1, x / m) from 0 to t: t² / 2m before the ramp ends, t - m / 2 after.
    ramping = np.minimum(edges, months)
    area = ramping**2 / (2 * safe) + (edges - ramping)
    ramp = np.diff(area, axis=-1, prepend=0.0) / MONTHS_PER_YEAR
    ramp[..., 0] = 0.0
    return ramp


def _members_from_joins(annual_churn: np.ndarray, last_year: int) -> np.ndarray:
    """Members from one join a year paying in each year ``0 .. last_year``: ``Σ s**k, k < t``."""
    churn = np.asarray(annual_churn, dtype=float)[..., None]
    t = np.arange(last_year + 1, dtype=float)
    safe = np.where(churn > 0, churn, 1.0)
    return np.where(churn > 0, (1 - (1 - churn) ** t) / safe, t)


def _items(x: FinanceInputs) -> Iterator[tuple[str, np.ndarray]]:
    """Yield each item of :data:`ITEMS` as signed flows, shape ``(D, C, Y + 1)``."""
    v = x.get
    n = years_in_use(v("lifespan_years"), v("horizon_years"))
    last = int(n.max())
    t = np.arange(last + 1)
    start, in_use, end = t == 0, (t >= 1) & (t <= n[..., None]), t == n[..., None]
    ramp = adoption_ramp(x.raw("adoption_months"), last) * in_use
    dues_year = MONTHS_PER_YEAR * v("monthly_dues")
    kept = v("users") * v("annual_churn") * v("churn_reduction_users")
    trainer = (v("trainer_users") * v("trainer_led_share")
               * v("trainer_sessions_per_buyer_year") * v("trainer_session_price")
               * v("trainer_session_margin"))
    joined = _members_from_joins(x.raw("annual_churn"), last) * in_use
    yield "purchase", -v("price")[..., None] * start
    yield "installation", -v("installation")[..., None] * start
    yield "maintenance", -v("maintenance")[..., None] * in_use
    yield "floor_space", -(v("footprint_m2") * v("floor_cost_per_m2_year"))[..., None] * in_use
    yield "retention", (kept * dues_year)[..., None] * ramp
    yield "trainer_sessions", trainer[..., None] * ramp
    joins = np.where(v("users") > 0, v("new_joins_per_year"), 0.0)
    yield "new_joins", (joins * dues_year)[..., None] * joined
    yield "salvage", (v("salvage_share") * v("price"))[..., None] * end


def cash_flows_core(x: FinanceInputs) -> dict[str, np.ndarray]:
    """Every item's signed yearly flows (currency, + in / - out), each ``(D, C, Y + 1)``."""
    return dict(_items(x))


def net_cash_flows(x: FinanceInputs) -> np.ndarray:
    """Net yearly flows (currency), ``(D, C, Y + 1)``: the sum of :func:`cash_flows_core`."""
    total = None
    for _name, flows in _items(x):
        total = flows.copy() if total is None else np.add(total, flows, out=total)
    return total  # type: ignore[return-value]


def discount_factors(rate: np.ndarray, last_year: int) -> np.ndarray:
    """``(1 + rate) ** -t`` for ``t = 0 .. last_year``; shape of ``rate`` plus a years axis."""
    t = np.arange(last_year + 1, dtype=float)
    return (1.0 + np.asarray(rate, dtype=float)[..., None]) ** -t


def npv(flows: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Net present value (currency): the dot product of flows with the discount factors.

    ``flows`` is ``(..., Y + 1)`` from year 0 (not discounted); ``rate`` (fraction/year)
    broadcasts to ``flows.shape[:-1]``. Equals ``numpy_financial.npv`` for one series.
    """
    factors = discount_factors(rate, flows.shape[-1] - 1)
    return np.einsum("...y,...y->...", flows, factors)


def annuity_factor(rate: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Present value of 1 a year at the end of years ``1 .. years``: ``(1 - (1+r)**-n) / r``.

    At a rate of 0 it is ``years``.
    """
    rate = np.asarray(rate, dtype=float)
    years = np.asarray(years, dtype=float)
    safe = np.where(rate != 0, rate, 1.0)
    present = -np.expm1(-years * np.log1p(safe)) / safe  # accurate for tiny rates too
    return np.where(rate != 0, present, years)


def payback_years(flows: np.ndarray) -> np.ndarray:
    """Years until the cumulative flow first reaches 0 (fractional); ``inf`` if it never does.

    Linear interpolation inside the year that crosses: ``(t - 1) + shortfall / flow_t``, where
    ``shortfall`` is minus the cumulative flow at the end of year ``t - 1``. A first flow of 0
    or more pays back at 0. For discounted payback pass discounted flows.
    """
    cumulative = np.cumsum(flows, axis=-1)
    reached = cumulative >= 0
    first = np.argmax(reached, axis=-1)
    ever = reached.any(axis=-1)
    before = np.take_along_axis(cumulative, np.maximum(first - 1, 0)[..., None], -1)[..., 0]
    crossing = np.take_along_axis(flows, first[..., None], -1)[..., 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = (first - 1) + np.where(crossing > 0, -before / crossing, 1.0)
    return np.where(~ever, np.inf, np.where(first == 0, 0.0, inside))


def finance_core(x: FinanceInputs) -> dict[str, np.ndarray]:
    """Every money metric for every draw and candidate in one vectorised pass, each ``(D, C)``.

    Keys: ``npv`` (currency); ``pv_costs`` (currency, present value of the cost side net of
    salvage, positive); ``pv_benefits`` (currency); ``equivalent_annual_cost`` (currency/year,
    ``pv_costs`` spread over the ``n`` years as an annuity); ``cost_per_use`` (currency per
    session, EAC over ``52 × weekly_sessions``; ``inf`` without sessions);
    ``break_even_weekly_uses`` (sessions/week); ``payback_years`` and
    ``discounted_payback_years`` (years, ``inf`` if never); ``years`` (``n``).

    Break-even weekly uses answer "how many uses a week must it get to pay for itself": the
    weekly sessions at which the benefits that come from use (retention and trainer-led
    sessions, taken as proportional to weekly sessions) pay for the costs, so
    ``w* = sessions × PV_costs / PV_use``. New joins are left out: they do not grow with use,
    and they are the most speculative benefit, so counting them could show a break-even of 0
    uses. Without sessions the benefit per use is unknown (NaN); with sessions but no benefit
    per use it is ``inf``.
    """
    rate = x.raw("discount_rate")
    sessions = x.get("weekly_sessions")
    n = years_in_use(x.get("lifespan_years"), x.get("horizon_years"))
    cost = use = other = None
    for name, flows in _items(x):
        if name in COST_ITEMS:
            cost = flows if cost is None else cost + flows
        elif name in USE_ITEMS:
            use = flows if use is None else use + flows
        else:
            other = flows if other is None else other + flows
    net = cost + use + other  # type: ignore[operator]
    factors = discount_factors(rate, net.shape[-1] - 1)
    pv_costs = -np.einsum("...y,...y->...", cost, factors)
    pv_use = np.einsum("...y,...y->...", use, factors)
    pv_other = np.einsum("...y,...y->...", other, factors)
    value = pv_use + pv_other - pv_costs
    eac = pv_costs / annuity_factor(rate, n)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        per_use = np.where(sessions > 0, eac / (WEEKS_PER_YEAR * sessions), np.inf)
        ratio = np.where(pv_use > 0, pv_costs / pv_use, np.inf)
        break_even = np.where(sessions > 0, np.maximum(sessions * ratio, 0.0), np.nan)
    return {"npv": value, "pv_costs": pv_costs, "pv_benefits": pv_use + pv_other,
            "equivalent_annual_cost": eac, "cost_per_use": per_use,
            "break_even_weekly_uses": break_even, "payback_years": payback_years(net),
            "discounted_payback_years": payback_years(net * factors), "years": n}


# ---------------------------------------------------------------- checked frames

def finance_inputs(equipment: pd.DataFrame, usage: pd.DataFrame,
                   assumptions: Mapping[str, Assumption | float], *, monthly_dues: float,
                   annual_churn: float | None = None) -> FinanceInputs:
    """Check the frames and assemble the core's inputs for one deterministic run (``D == 1``).

    Parameters
    ----------
    equipment
        The catalogue, blanks filled or not
        (:func:`evaluate.model.costs.fill_equipment_costs` is applied).
    usage
        One row per candidate in ``equipment``: ``regular_users``, ``weekly_sessions``
        (sessions/week) and optionally ``back_pain_users``; all at full adoption. Where it
        has ``added_users`` and ``added_back_pain_users`` (what the machine adds beside the
        owned ones, :func:`evaluate.model.demand.forecast_core`), the benefits count those. With a
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
    if ADDED_USERS in use.columns:  # the forecast says what the machine adds to the club
        use = use.assign(**{USERS: use[ADDED_USERS], BACK_PAIN_USERS: use[ADDED_BACK_PAIN]})
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
    of the year (year 0: the purchase date). Items are those of :data:`ITEMS`; each item
    appears only in the years it can occur (purchase and installation in year 0,
    salvage in year n, the rest in years 1 .. n). Arguments as for :func:`finance_inputs`.
    """
    x = finance_inputs(equipment, usage, assumptions, monthly_dues=monthly_dues,
                       annual_churn=annual_churn)
    flows = np.stack([cash_flows_core(x)[item][0] for item in ITEMS])  # (item, C, Y + 1)
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
    the NPV is 0, linearised as described in :func:`finance_core`; NaN without
    sessions, ``inf`` if no use pays back). Arguments as for :func:`finance_inputs`.
    """
    x = finance_inputs(equipment, usage, assumptions, monthly_dues=monthly_dues,
                       annual_churn=annual_churn)
    found = {name: value[0] for name, value in finance_core(x).items()}
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
