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
- Benefits each year ``1 .. n`` count only what the candidate **adds to the club as it is**:
  ``users`` and ``trainer_users`` are the users it adds (the with-versus-without difference
  of the usage forecast), not its own users, some of whom an owned machine already serves.
- **A member gained is valued one way**, whether kept (an avoided cancellation) or won (a new
  join): from the year they are gained they pay dues that year and stay on at their own
  cancellation rate, within the years evaluated; each year paid is worth
  ``12 × monthly_dues × dues_contribution_margin``, the dues left after the costs one more
  member adds (not gross dues: a club's costs are mostly fixed, but not all). Members gained
  each year paying in year ``t``: ``Σ_{j <= t} g_j × s ** (t - j)`` with ``s = 1 - churn``;
  nothing is credited after year ``n``.

  * **retention**: users the candidate adds cancel less. Members kept each year at full
    adoption: ``users × users_churn × churn_reduction_users``, scaled by the linear adoption
    ramp (:func:`adoption_ramp`); they stay on at ``users_churn``, the users' own rate
    (regular users of a machine visit often and cancel less than the club as a whole).
  * **new joins**: ``new_joins_per_year`` members join at the start of every year because the
    club has the machine (per candidate, after the cap of :func:`credited_new_joins`), and
    stay on at ``annual_churn``, the club's rate: a new member is not yet a regular. New joins
    are not ramped, and a candidate that adds no users attracts none. They are 0 unless the
    club sets them: a machine's own figure in ``equipment.csv`` (with its source), else the
    assumption ``new_joins_per_year`` (0 by default); a machine the club already owns adds
    none as a candidate; all machines on the floor together are credited at most
    ``new_joins_cap_share`` of the club's joins a year (:func:`joins_per_year`).
  * **trainer-led sessions**: ``trainer_users × trainer_led_share × (1 - pt_user_share) ×
    trainer_sessions_per_buyer_year × trainer_session_price × trainer_session_margin`` a
    year, ramped; ``trainer_users`` are the back-pain users the candidate adds. Only sessions
    members would not have bought anyway count: ``pt_user_share`` (22.6-23% of US club
    members already use a personal trainer; HFA 2025 Expanded Insights, HFA 2026 Buyer's
    Guide; ``industry_benchmarks.csv``: ``pt_user_share``) is the share of bookers taken to
    move sessions they already buy onto the machine rather than buy new ones. The published
    share is used because the club's data do not say who buys training; members who already
    train with a trainer are the likeliest bookers, so the true overlap may be larger.

- **Evidence**: each benefit item carries the weakest basis among its inputs
  (:func:`benefit_basis`): ``measured`` (the club's data), ``published`` (an assumption
  citing a source) or ``assumption`` (judgement); :func:`npv_sourced` counts measured and
  published items only. **Break-even**: the members a year to keep or win, and the trainer
  packages a year to sell, that pay back the present value of the costs
  (:func:`finance_core`).

Frames in: the equipment catalogue (:func:`evaluate.data.equipment.load_equipment`; blank
placeholder costs are filled by :func:`evaluate.model.costs.fill_equipment_costs`), the
assumptions (name -> :class:`~evaluate.data.assumptions.Assumption` or a plain number; the
most-likely value is used), and the usage forecast (:func:`evaluate.model.demand.forecast_usage`)
with one row per candidate (and scenario) and the columns ``equipment_id``, ``regular_users``
(at full adoption), ``weekly_sessions`` and, where the forecast has it, ``back_pain_users``
(who may book trainer-led sessions; otherwise all regular users count); where it has
``added_users`` and ``added_back_pain_users`` (what the candidate adds to the club as it is),
those are the benefits' users instead. Frames out are tidy:
one row per candidate, or one row per candidate, year and item for the cash flows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy_financial as npf
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.equipment import (
    ID,
    INSTALLATION,
    LIFESPAN,
    MAINTENANCE,
    NEW_JOINS,
    NEW_JOINS_SOURCE,
    OWNED,
    PRICE,
)
from evaluate.model.costs import fill_equipment_costs, most_likely

MONTHS_PER_YEAR = 12
WEEKS_PER_YEAR = 52.0  # sessions a year = weekly sessions × 52
COST_ITEMS = ("purchase", "installation", "maintenance", "floor_space", "salvage")
USE_ITEMS = ("retention", "trainer_sessions")  # benefits that scale with use
ITEMS = ("purchase", "installation", "maintenance", "floor_space", "retention",
         "trainer_sessions", "new_joins", "salvage")
BENEFIT_ITEMS = ("retention", "trainer_sessions", "new_joins")
USERS, WEEKLY_SESSIONS, BACK_PAIN_USERS = "regular_users", "weekly_sessions", "back_pain_users"
ADDED_USERS, ADDED_BACK_PAIN_USERS = "added_users", "added_back_pain_users"
SCENARIO = "scenario"  # demand.forecast_usage gives low / most_likely / high rows
SUMMARY_COLUMNS = (ID, "years", "up_front", "npv", "irr", "payback_years",
                   "discounted_payback_years", "pv_costs", "pv_benefits",
                   "equivalent_annual_cost", "annual_sessions", "cost_per_use",
                   "break_even_weekly_uses", "pv_retention", "pv_trainer_sessions",
                   "pv_new_joins", "basis_retention", "basis_trainer_sessions",
                   "basis_new_joins", "npv_sourced", "break_even_members",
                   "break_even_packages")
# The assumptions the money model takes as FinanceInputs fields (each (D, 1) in the Monte
# Carlo), by catalogue name; new joins come per candidate (credited_new_joins).
ASSUMPTIONS_USED = ("discount_rate", "horizon_years", "floor_cost_per_m2_year", "salvage_share",
                    "churn_reduction_users", "trainer_led_share",
                    "trainer_sessions_per_buyer_year", "trainer_session_price",
                    "trainer_session_margin", "pt_user_share", "dues_contribution_margin",
                    "adoption_months")
# The assumptions that credit each candidate with new joins (credited_new_joins).
JOINS_ASSUMPTIONS = ("new_joins_per_year", "new_joins_cap_share")
# Bases of evidence, strongest first: the club's data, a cited publication, judgement.
MEASURED, PUBLISHED, ASSUMED = "measured", "published", "assumption"
BASES = (MEASURED, PUBLISHED, ASSUMED)
# Each benefit item's inputs (FinanceInputs fields): its basis is the weakest of theirs.
BENEFIT_INPUTS = {
    "retention": ("users", "users_churn", "churn_reduction_users", "dues_contribution_margin",
                  "monthly_dues"),
    "trainer_sessions": ("trainer_users", "trainer_led_share",
                         "trainer_sessions_per_buyer_year", "trainer_session_price",
                         "trainer_session_margin", "pt_user_share"),
    "new_joins": ("new_joins_per_year", "annual_churn", "dues_contribution_margin",
                  "monthly_dues"),
}
# Inputs that are not catalogue assumptions, and the assumption standing in for each when the
# caller does not say it was measured.
STAND_INS = {"users_churn": "baseline_annual_churn", "annual_churn": "baseline_annual_churn"}
DAYS_PER_YEAR = 365  # joins_per_year counts the joins of the 365 days up to the roster date


@dataclass(frozen=True)
class FinanceInputs:
    """Everything the cash flows depend on, each an array broadcastable to ``(draws, candidates)``.

    Candidate figures (per unit, the club's currency): ``price`` and ``installation`` (once),
    ``maintenance`` (per year), ``lifespan_years`` (years), ``footprint_m2`` (m² with
    clearance). Usage at full adoption: ``users`` (the regular users the candidate **adds** to
    the club as it is, the retention base), ``weekly_sessions`` (the candidate's own sessions a
    week), ``trainer_users`` (the users with back pain it adds, who could book trainer-led
    sessions). ``users_churn`` (fraction/year): the added users' own cancellation rate;
    ``new_joins_per_year`` (members/year): the joins credited to the candidate, capped
    (:func:`credited_new_joins`). Club figures: ``monthly_dues`` (currency/month),
    ``annual_churn`` (fraction/year, the club's rate, at which new members cancel).
    Assumptions, in the units of ``assumptions.CATALOGUE``: the rest. Costs must already be
    filled (:func:`evaluate.model.costs.fill_costs_core`): a NaN propagates to every metric.
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
    users_churn: np.ndarray
    discount_rate: np.ndarray
    horizon_years: np.ndarray
    floor_cost_per_m2_year: np.ndarray
    salvage_share: np.ndarray
    churn_reduction_users: np.ndarray
    trainer_led_share: np.ndarray
    trainer_sessions_per_buyer_year: np.ndarray
    trainer_session_price: np.ndarray
    trainer_session_margin: np.ndarray
    pt_user_share: np.ndarray
    dues_contribution_margin: np.ndarray
    new_joins_per_year: np.ndarray
    adoption_months: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """The broadcast ``(draws, candidates)`` shape of all inputs."""
        shape = np.broadcast_shapes(*(np.shape(getattr(self, f.name)) for f in fields(self)))
        if len(shape) != 2:
            raise ValueError(f"inputs broadcast to {shape}, not to (draws, candidates)")
        return shape

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


def members_paying(gained: np.ndarray, churn: np.ndarray) -> np.ndarray:
    """Members paying in each year from ``gained[..., t]`` members gained in year ``t``.

    Each stays on at ``churn`` a year: ``p_t = (1 - churn) × p_{t-1} + gained_t``, so
    ``p_t = Σ_{j <= t} gained_j × (1 - churn) ** (t - j)``. ``gained`` is ``(..., Y + 1)``,
    ``churn`` broadcasts to ``gained.shape[:-1]``.
    """
    stay = 1.0 - np.asarray(churn, dtype=float)
    paying: np.ndarray = np.empty(np.broadcast_shapes(gained.shape, stay.shape + (1,)))
    previous = 0.0
    for t in range(paying.shape[-1]):
        previous = paying[..., t] = stay * previous + gained[..., t]
    return paying


def _items(x: FinanceInputs) -> Iterator[tuple[str, np.ndarray]]:
    """Yield each item of :data:`ITEMS` as signed flows, shape ``(D, C, Y + 1)``."""
    v = x.get
    n = years_in_use(v("lifespan_years"), v("horizon_years"))
    last = int(n.max())
    t = np.arange(last + 1)
    start, in_use, end = t == 0, (t >= 1) & (t <= n[..., None]), t == n[..., None]
    ramp = adoption_ramp(x.raw("adoption_months"), last) * in_use
    member_year = MONTHS_PER_YEAR * v("monthly_dues") * v("dues_contribution_margin")
    kept = v("users") * v("users_churn") * v("churn_reduction_users")
    staying = members_paying(ramp, v("users_churn")) * in_use  # per member kept a year
    trainer = (v("trainer_users") * v("trainer_led_share") * (1.0 - v("pt_user_share"))
               * v("trainer_sessions_per_buyer_year") * v("trainer_session_price")
               * v("trainer_session_margin"))
    joined = _members_from_joins(x.raw("annual_churn"), last) * in_use
    yield "purchase", -v("price")[..., None] * start
    yield "installation", -v("installation")[..., None] * start
    yield "maintenance", -v("maintenance")[..., None] * in_use
    yield "floor_space", -(v("footprint_m2") * v("floor_cost_per_m2_year"))[..., None] * in_use
    yield "retention", (kept * member_year)[..., None] * staying
    yield "trainer_sessions", trainer[..., None] * ramp
    joins = np.where(v("users") > 0, v("new_joins_per_year"), 0.0)
    yield "new_joins", (joins * member_year)[..., None] * joined
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
    ``discounted_payback_years`` (years, ``inf`` if never); ``years`` (``n``); each benefit
    item's present value, ``pv_retention``, ``pv_trainer_sessions`` and ``pv_new_joins``
    (currency; they add up to ``pv_benefits``); ``break_even_members`` and
    ``break_even_packages`` (a year, below).

    ``break_even_members`` answers "how many members a year must it keep who would otherwise
    leave, or win, to pay for itself": the same number gained every year ``1 .. n`` (no
    ramp), each valued as a member kept (paying dues at the contribution margin that year and
    staying on at ``users_churn``), so ``N = PV_costs / PV_member`` with ``PV_member = 12 ×
    monthly_dues × dues_contribution_margin × Σ_{t=1..n} (1 + r) ** -t × Σ_{k<t} (1 -
    users_churn) ** k``. ``break_even_packages`` answers "or sell how many trainer packages a
    year": one package is ``trainer_sessions_per_buyer_year`` sessions at
    ``trainer_session_price × trainer_session_margin``, sold every year ``1 .. n``, so
    ``M = PV_costs / (package × annuity_factor(r, n))``. Both are 0 when salvage covers the
    costs and ``inf`` when a member or a package is worth nothing.

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
    cost = net = None
    pv = {}
    factors = None
    for name, flows in _items(x):
        if factors is None:
            factors = discount_factors(rate, flows.shape[-1] - 1)
        net = flows.copy() if net is None else net + flows
        if name in COST_ITEMS:
            cost = flows if cost is None else cost + flows
        else:
            pv[name] = np.einsum("...y,...y->...", flows, factors)
    # _items yields every item of ITEMS, costs and benefits alike.
    assert factors is not None and net is not None and cost is not None
    pv_costs = -np.einsum("...y,...y->...", cost, factors)
    pv_use = sum(pv[name] for name in USE_ITEMS)
    pv_benefits = pv_use + pv["new_joins"]
    annuity = annuity_factor(rate, n)
    eac = pv_costs / annuity
    last = factors.shape[-1] - 1
    t = np.arange(last + 1)
    in_use = (t >= 1) & (t <= n[..., None])
    member = (MONTHS_PER_YEAR * x.get("monthly_dues") * x.get("dues_contribution_margin")
              * np.einsum("...y,...y->...", _members_from_joins(x.get("users_churn"), last)
                          * in_use, factors))
    package = (x.get("trainer_sessions_per_buyer_year") * x.get("trainer_session_price")
               * x.get("trainer_session_margin") * annuity)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        per_use = np.where(sessions > 0, eac / (WEEKS_PER_YEAR * sessions), np.inf)
        ratio = np.where(pv_use > 0, pv_costs / pv_use, np.inf)
        break_even = np.where(sessions > 0, np.maximum(sessions * ratio, 0.0), np.nan)
        members = _break_even(pv_costs, member)
        packages = _break_even(pv_costs, package)
    return {"npv": pv_benefits - pv_costs, "pv_costs": pv_costs, "pv_benefits": pv_benefits,
            "equivalent_annual_cost": eac, "cost_per_use": per_use,
            "break_even_weekly_uses": break_even, "payback_years": payback_years(net),
            "discounted_payback_years": payback_years(net * factors), "years": n,
            "pv_retention": pv["retention"], "pv_trainer_sessions": pv["trainer_sessions"],
            "pv_new_joins": pv["new_joins"], "break_even_members": members,
            "break_even_packages": packages}


def _break_even(pv_costs: np.ndarray, worth: np.ndarray) -> np.ndarray:
    """Units a year that pay back ``pv_costs`` at ``worth`` each (PV); 0 or ``inf`` at the ends."""
    return np.where(pv_costs <= 0, 0.0, np.where(worth > 0, pv_costs / worth, np.inf))


# ---------------------------------------------------------------- new joins and their cap

def joins_per_year(members: pd.DataFrame, day: pd.Timestamp) -> float:
    """The club's joins a year (members/year): join dates in the 365 days up to ``day``.

    Counted from the roster's ``join_date`` over ``(day - 365 days, day]``, whatever the
    member's status since. NaN when the roster records no join date at all: the club's joins
    are then unknown.
    """
    join = pd.to_datetime(members["join_date"])
    if join.isna().all():
        return float("nan")
    day = pd.Timestamp(day)
    start = day - pd.Timedelta(days=DAYS_PER_YEAR)
    return float(((join > start) & (join <= day)).sum())


def machine_new_joins(equipment: pd.DataFrame, *, as_candidates: bool = False) -> np.ndarray:
    """Each machine's own ``new_joins_per_year`` from ``equipment.csv`` (members/year).

    NaN where the column is blank or absent: the assumption ``new_joins_per_year`` (0 by
    default) then stands in (:func:`floor_new_joins`). ``as_candidates``: a machine the club
    already owns (``owned_units >= 1``) adds none as a candidate, since the club already has
    it and its joins are already the club's.
    """
    if NEW_JOINS not in equipment.columns:
        figures = np.full(len(equipment), np.nan)
    else:
        figures = equipment[NEW_JOINS].to_numpy(float)
    if as_candidates and OWNED in equipment.columns:
        figures = np.where(equipment[OWNED].to_numpy() >= 1, 0.0, figures)
    return figures


def owned_new_joins(equipment: pd.DataFrame | None) -> np.ndarray:
    """The own figures of the machines the club owns (``owned_units >= 1``), NaN where blank."""
    if equipment is None or OWNED not in equipment.columns:
        return np.zeros(0)
    return machine_new_joins(equipment[equipment[OWNED] >= 1])


def credited_new_joins(candidate: np.ndarray, owned: np.ndarray, club_joins: float,
                       cap_share: np.ndarray) -> np.ndarray:
    """The new joins a year credited to each candidate, within the cap on all machines' joins.

    ``candidate`` (..., C): each candidate's own figure; ``owned`` (..., 1): the figures of
    the machines the club owns, summed; ``club_joins``: the club's joins a year
    (:func:`joins_per_year`); ``cap_share`` (..., 1): the assumption ``new_joins_cap_share``.
    The joins credited to the machines on the floor with the candidate (it and the owned ones)
    stay within ``cap = cap_share × club_joins``: when they claim more, every claim is scaled
    by the same factor ``cap / (candidate + owned)`` (no machine's figure is more credible
    than another's), so the candidate keeps its share of the cap. Unknown club joins (NaN)
    credit none.
    """
    candidate = np.asarray(candidate, dtype=float)
    total = candidate + np.asarray(owned, dtype=float)
    cap = np.asarray(cap_share, dtype=float) * (0.0 if np.isnan(club_joins) else club_joins)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        factor = np.where(total > cap, cap / total, 1.0)
    return candidate * factor


def floor_new_joins(candidates: np.ndarray, owned: np.ndarray, assumed: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Uncapped new joins a year of each candidate ``(..., C)`` and of the owned machines.

    ``candidates`` (C,) and ``owned`` (K,) are the machines' own figures, NaN where blank
    (:func:`machine_new_joins` with ``as_candidates``, :func:`owned_new_joins`); a blank takes
    ``assumed`` (the assumption ``new_joins_per_year``, (..., 1)). The owned machines'
    figures are summed, (..., 1).
    """
    assumed = np.asarray(assumed, dtype=float)
    mine = np.where(np.isnan(candidates), assumed, candidates)
    blank = float(np.isnan(owned).sum())
    return mine, np.nansum(owned) + blank * assumed


# ---------------------------------------------------------------- bases of evidence

def source_basis(source: str) -> str:
    """The basis of a figure from its source text: ``measured``, ``published`` or ``assumption``.

    A source starting with the word "measured" is the club's own data; one starting with
    "assumption" (or blank) a judgement; any other text cites a source (published).
    """
    first = str(source).strip().lower()
    if first.startswith(MEASURED):
        return MEASURED
    if not first or first.startswith(ASSUMED):
        return ASSUMED
    return PUBLISHED


def weakest(bases: Iterable[str]) -> str:
    """The weakest of some bases (:data:`BASES`: measured > published > assumption)."""
    return BASES[max((BASES.index(b) for b in bases), default=0)]


def input_bases(assumptions: Mapping[str, Assumption | float],
                given: Mapping[str, str | Sequence[str]] | None = None
                ) -> dict[str, str | Sequence[str]]:
    """The basis of every input of a benefit item (:data:`BENEFIT_INPUTS`).

    ``given`` names the inputs whose basis the caller knows, each one basis or one per
    candidate: e.g. ``monthly_dues`` and ``annual_churn`` ``"measured"`` when they come from
    the roster, ``users_churn`` ``"measured"`` when measured by visit band, ``users`` per
    candidate (``"measured"`` for a calibrated uptake, else ``"assumption"``: a forecast on
    assumed uptakes), ``new_joins_per_year`` per candidate (:func:`new_joins_bases`). The
    others: an assumption is ``published`` when its source is a citation
    (:attr:`Assumption.is_sourced`), else (or a plain number) ``assumption``; the churns not
    given take ``baseline_annual_churn``'s; the users and dues not given are ``assumption``.
    """
    given = dict(given or {})
    out: dict[str, str | Sequence[str]] = {}
    for name in dict.fromkeys(n for names in BENEFIT_INPUTS.values() for n in names):
        if name in given:
            out[name] = given[name]
            continue
        item = assumptions.get(STAND_INS.get(name, name))
        sourced = isinstance(item, Assumption) and item.is_sourced
        out[name] = PUBLISHED if sourced else ASSUMED
    return out


def new_joins_bases(candidates: pd.DataFrame,
                    assumptions: Mapping[str, Assumption | float]) -> list[str]:
    """The basis of each candidate's new joins: its ``new_joins_source``, else the assumption's.

    A blank figure takes the assumption ``new_joins_per_year`` and its basis. (A candidate
    the club owns adds none whatever its basis.)
    """
    item = assumptions.get("new_joins_per_year")
    fallback = PUBLISHED if isinstance(item, Assumption) and item.is_sourced else ASSUMED
    figures = machine_new_joins(candidates)
    sources = (candidates[NEW_JOINS_SOURCE] if NEW_JOINS_SOURCE in candidates.columns
               else pd.Series("", index=candidates.index))
    return [fallback if np.isnan(f) else source_basis(src)
            for f, src in zip(figures, sources, strict=True)]


def benefit_basis(bases: Mapping[str, str | Sequence[str]]) -> dict[str, np.ndarray]:
    """Each benefit item's basis: the weakest among its inputs' (:data:`BENEFIT_INPUTS`).

    Retention rests on the added users (a forecast on assumed uptakes, measured only when
    calibrated), the users' churn, ``churn_reduction_users``, the dues' contribution margin
    and the dues; trainer sessions on the added back-pain users, ``trainer_led_share``, the
    sessions per buyer, the price, the trainer margin and the share of members already using
    a trainer (``pt_user_share``); new joins on the machine's figure (its source), the club's
    churn, the margin and the dues. ``bases`` maps each input to one basis or one per
    candidate (:func:`input_bases`); an input left out counts as ``assumption``. Returns, per
    item, an array of basis names, shape ``(C,)`` (``()`` when every basis is one for all).
    """
    rank = {name: np.vectorize(BASES.index, otypes=[int])(np.asarray(value))
            for name, value in bases.items()}
    out = {}
    for item, names in BENEFIT_INPUTS.items():
        worst = np.asarray(BASES.index(ASSUMED) if any(n not in rank for n in names) else 0)
        for name in names:
            if name in rank:
                worst = np.maximum(worst, rank[name])
        out[item] = np.asarray(BASES)[worst]
    return out


def npv_sourced(found: Mapping[str, np.ndarray],
                bases: Mapping[str, np.ndarray | str]) -> np.ndarray:
    """NPV counting only the benefit items measured or published (costs always count).

    ``found``: :func:`finance_core`'s keys (``pv_costs`` and each ``pv_<item>``, (D, C));
    ``bases``: each item's basis (:func:`benefit_basis`), one or per candidate (C,).
    """
    value = -np.asarray(found["pv_costs"], dtype=float)
    for item in BENEFIT_ITEMS:
        counted = np.isin(np.asarray(bases[item]), (MEASURED, PUBLISHED))
        value = value + np.where(counted, found[f"pv_{item}"], 0.0)
    return value


# ---------------------------------------------------------------- checked frames

def finance_inputs(equipment: pd.DataFrame, usage: pd.DataFrame,
                   assumptions: Mapping[str, Assumption | float], *, monthly_dues: float,
                   annual_churn: float | None = None,
                   users_churn: float | Sequence[float] | None = None,
                   club_joins_per_year: float | None = None,
                   owned: pd.DataFrame | None = None) -> FinanceInputs:
    """Check the frames and assemble the core's inputs for one deterministic run (``D == 1``).

    Parameters
    ----------
    equipment
        The catalogue, blanks filled or not
        (:func:`evaluate.model.costs.fill_equipment_costs` is applied).
    usage
        One row per candidate in ``equipment``: ``regular_users``, ``weekly_sessions``
        (sessions/week) and optionally ``back_pain_users``; all at full adoption. Where it
        has ``added_users`` (and ``added_back_pain_users``), the users the candidate adds to
        the club as it is, those are the benefits' users. With a ``scenario`` column, only the
        ``most_likely`` rows are used.
    assumptions
        By name; the most-likely value of each is used.
    monthly_dues
        Average monthly dues of a member (currency/month).
    annual_churn
        The club's measured cancellation rate (fraction/year); ``None`` uses the assumption
        ``baseline_annual_churn``.
    users_churn
        The added users' own cancellation rate (fraction/year), one or one per candidate;
        ``None`` takes the club's rate (``annual_churn``).
    club_joins_per_year
        The club's joins a year (:func:`joins_per_year`); the candidates' new joins are
        capped with it (:func:`credited_new_joins`). ``None``: not capped.
    owned
        The club's ``equipment.csv`` rows; those owned count in the cap on new joins.

    Raises
    ------
    ValueError
        When a candidate has no usage row, an assumption is missing, or a figure is not a
        finite number >= 0.
    """
    values = most_likely(assumptions)
    missing = [name for name in (*ASSUMPTIONS_USED, *JOINS_ASSUMPTIONS, "baseline_annual_churn")
               if name not in values]
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
    users = use[ADDED_USERS] if ADDED_USERS in use.columns else use[USERS]
    trainer = next(use[c] for c in (ADDED_BACK_PAIN_USERS, BACK_PAIN_USERS, ADDED_USERS, USERS)
                   if c in use.columns)
    churn = values["baseline_annual_churn"] if annual_churn is None else annual_churn
    mine, theirs = floor_new_joins(machine_new_joins(filled, as_candidates=True),
                                   owned_new_joins(owned),
                                   np.full((1, 1), values["new_joins_per_year"]))
    joins = mine if club_joins_per_year is None else credited_new_joins(
        mine, theirs, float(club_joins_per_year), np.full((1, 1), values["new_joins_cap_share"]))
    row = {name: np.asarray(column, dtype=float).reshape(1, -1) for name, column in {
        "price": filled[PRICE], "installation": filled[INSTALLATION],
        "maintenance": filled[MAINTENANCE], "lifespan_years": filled[LIFESPAN],
        "footprint_m2": filled["footprint_m2"], "users": users,
        "weekly_sessions": use[WEEKLY_SESSIONS], "trainer_users": trainer,
        "users_churn": np.broadcast_to(churn if users_churn is None else users_churn, len(ids)),
        "new_joins_per_year": np.broadcast_to(joins, (1, len(ids)))}.items()}
    bad = [name for name, a in row.items() if not (np.isfinite(a) & (a >= 0)).all()]
    if bad or not (np.isfinite(monthly_dues) and monthly_dues >= 0):
        raise ValueError(f"not a finite number >= 0: {', '.join(bad) or 'monthly_dues'}")
    scalars = {name: np.full((1, 1), values[name]) for name in ASSUMPTIONS_USED}
    return FinanceInputs(**row, **scalars, monthly_dues=np.full((1, 1), float(monthly_dues)),
                         annual_churn=np.full((1, 1), float(churn)))


def _known(annual_churn: float | None, users_churn: object,
           bases: Mapping[str, str | Sequence[str]] | None) -> dict[str, str | Sequence[str]]:
    """The inputs' bases a caller gave: a churn passed in is measured; ``bases`` on top."""
    measured = {name: MEASURED for name, value in (("annual_churn", annual_churn),
                                                   ("users_churn", users_churn))
                if value is not None}
    return {**measured, **(bases or {})}


def summary_bases(equipment: pd.DataFrame, assumptions: Mapping[str, Assumption | float],
                  given: Mapping[str, str | Sequence[str]] | None = None
                  ) -> dict[str, np.ndarray]:
    """Each benefit item's basis per candidate for :func:`finance_summary`, ``(C,)`` each.

    ``given`` as for :func:`input_bases`; the candidates' new joins take their own sources
    (:func:`new_joins_bases`) unless given.
    """
    known = {"new_joins_per_year": new_joins_bases(equipment, assumptions), **(given or {})}
    found = benefit_basis(input_bases(assumptions, known))
    return {item: np.broadcast_to(basis, len(equipment)) for item, basis in found.items()}


def irr_by_candidate(flows: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Internal rate of return (fraction/year) of each row of ``flows`` over years ``0 .. n``.

    ``numpy_financial.irr`` loops, so this is for deterministic runs only. NaN ("not defined")
    unless the flows change sign exactly once: with none (e.g. costs only) there is no rate,
    and with more (a refit or removal cost after years of income) there can be one rate per
    change, so no single return describes the machine (Brealey, Myers & Allen, Principles of
    Corporate Finance, ch. 5); NaN too where no real root is found.
    """
    out = np.full(len(flows), np.nan)
    with np.errstate(all="ignore"):
        for i, (row, n) in enumerate(zip(flows, years, strict=True)):
            series = row[: int(n) + 1]
            signs = np.sign(series[series != 0])
            if np.count_nonzero(np.diff(signs)) == 1:
                out[i] = npf.irr(series)
    return out


def cash_flow_table(equipment: pd.DataFrame, usage: pd.DataFrame,
                    assumptions: Mapping[str, Assumption | float], *, monthly_dues: float,
                    annual_churn: float | None = None,
                    users_churn: float | Sequence[float] | None = None,
                    club_joins_per_year: float | None = None,
                    owned: pd.DataFrame | None = None,
                    bases: Mapping[str, str | Sequence[str]] | None = None) -> pd.DataFrame:
    """Yearly cash flows, long: ``equipment_id``, ``year`` (0 .. n), ``item``, ``amount``, basis.

    ``amount`` is in the club's currency, positive in and negative out, undiscounted, at the end
    of the year (year 0: the purchase date). Items are those of :data:`ITEMS`; each item
    appears only in the years it can occur (purchase and installation in year 0,
    salvage in year n, the rest in years 1 .. n). ``basis``: a benefit item's basis
    (measured / published / assumption, :func:`benefit_basis`), missing for a cost (costs
    always count). ``bases`` as for :func:`finance_summary`; other arguments as for
    :func:`finance_inputs`.
    """
    x = finance_inputs(equipment, usage, assumptions, monthly_dues=monthly_dues,
                       annual_churn=annual_churn, users_churn=users_churn,
                       club_joins_per_year=club_joins_per_year, owned=owned)
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
    found = summary_bases(equipment, assumptions, _known(annual_churn, users_churn, bases))
    basis = np.full((len(ITEMS), len(n)), None, dtype=object)
    for item_name, per_candidate in found.items():
        basis[ITEMS.index(item_name)] = per_candidate
    table["basis"] = pd.Categorical(basis[item, cand][applies], categories=list(BASES))
    order = np.lexsort((item[applies], year[applies], cand[applies]))
    return table.iloc[order].reset_index(drop=True)


def finance_summary(equipment: pd.DataFrame, usage: pd.DataFrame,
                    assumptions: Mapping[str, Assumption | float], *, monthly_dues: float,
                    annual_churn: float | None = None,
                    users_churn: float | Sequence[float] | None = None,
                    club_joins_per_year: float | None = None,
                    owned: pd.DataFrame | None = None,
                    bases: Mapping[str, str | Sequence[str]] | None = None) -> pd.DataFrame:
    """One row per candidate with every money metric at the most-likely assumptions.

    Columns: ``equipment_id``; ``years`` (n, whole years evaluated); ``up_front`` (price plus
    installation, currency); ``npv`` (currency); ``irr`` (fraction/year, NaN where undefined);
    ``payback_years`` and ``discounted_payback_years`` (years, fractional by linear
    interpolation within the year, ``inf`` if never within n years); ``pv_costs`` (currency,
    net of salvage) and ``pv_benefits`` (currency); ``equivalent_annual_cost``
    (currency/year); ``annual_sessions`` (52 × weekly sessions); ``cost_per_use`` (currency
    per session, ``inf`` without sessions); ``break_even_weekly_uses`` (sessions/week at which
    the NPV is 0, linearised as described in :func:`finance_core`; NaN without
    sessions, ``inf`` if no use pays back); ``pv_retention``, ``pv_trainer_sessions``,
    ``pv_new_joins`` (currency) and ``basis_retention``, ``basis_trainer_sessions``,
    ``basis_new_joins`` (measured / published / assumption, :func:`benefit_basis`);
    ``npv_sourced`` (currency, measured and published items only, :func:`npv_sourced`);
    ``break_even_members`` and ``break_even_packages`` (a year, :func:`finance_core`).
    ``bases``: the inputs whose basis the caller knows (:func:`input_bases`); a given
    ``annual_churn`` or ``users_churn`` is measured. Other arguments as for
    :func:`finance_inputs`.
    """
    x = finance_inputs(equipment, usage, assumptions, monthly_dues=monthly_dues,
                       annual_churn=annual_churn, users_churn=users_churn,
                       club_joins_per_year=club_joins_per_year, owned=owned)
    basis = summary_bases(equipment, assumptions, _known(annual_churn, users_churn, bases))
    core = finance_core(x)
    core["npv_sourced"] = npv_sourced(core, basis)
    found = {name: value[0] for name, value in core.items()}
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
        "break_even_weekly_uses": found["break_even_weekly_uses"],
        **{f"pv_{item}": found[f"pv_{item}"] for item in BENEFIT_ITEMS},
        **{f"basis_{item}": basis[item] for item in BENEFIT_ITEMS},
        **{key: found[key] for key in ("npv_sourced", "break_even_members",
                                       "break_even_packages")}})
    return summary[list(SUMMARY_COLUMNS)]
