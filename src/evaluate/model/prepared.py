"""The whole model (exposure → demand → money), prepared once and evaluated for many draws.

:func:`model_inputs` reads the frames and gathers once everything that is *not* drawn (the
roster aggregated into demand segments, the peak-hour share, the candidates' figures and
calibration factors, the club's dues and churn) together with the range of every quantity
that is: each assumption of the catalogue, the published back-pain prevalence and each
candidate's price. The result, a :class:`ModelInputs`, is what every step of a decision
reads: the forecast at low / most likely / high (:func:`forecast_from_inputs`), the Monte
Carlo and the one-way swings (:mod:`evaluate.model.uncertainty`), the margin tornado and
whom the winner serves; so one decision segments its roster once.

:func:`model_core`, the array function (no validation), takes one value per draw of each
quantity, arrays of shape ``(draws, 1)``, and returns every output for draws × candidates in
one vectorised pass: :func:`evaluate.model.demand.forecast_core` for the use,
:func:`evaluate.model.finance.finance_core` for the money. No loop runs over draws.

The quantities and their ranges (:attr:`ModelInputs.ranges`):

- every assumption in :data:`~evaluate.data.assumptions.CATALOGUE` that ``assumptions`` holds, in
  catalogue order, with three substitutions so that the ranges are the ones the
  deterministic model uses: ``sedentary_odds_ratio`` and ``desk_share_prior`` come from
  :class:`~evaluate.model.exposure.ExposureParameters` (the odds ratio may be the reference row's
  95% CI); ``peak_hour_share`` is the check-in log's measured share (fixed) when a log is
  given; ``baseline_annual_churn`` is fixed at the club's measured ``annual_churn`` when one
  is given. The uptakes stay as given: a calibration factor multiplies them inside the core.
- :data:`PREVALENCE`: where the published back-pain prevalence lies in its published
  interval, one position for every segment in a draw (0 = every rate at its low end,
  0.5 = the published estimates, 1 = the high ends; linear in between on each side). It is
  fixed at 0.5 when the reference table gives no interval.
- ``price:<equipment_id>``: each candidate's price from ``price_low`` / ``price`` /
  ``price_high`` (a blank end takes ``price``). Installation and maintenance left blank in
  ``equipment.csv`` follow the drawn price through their share-of-price assumptions.
- ``relevance:<equipment_id>``: each candidate's back-care relevance label, a judgement, as a
  position on the ladder high (0) / medium (1) / low (2), within :data:`RELEVANCE_DOUBT` of
  its label (clipped to the ladder); between two levels the weight is linear. The forecast's
  low / most likely / high frames keep the labels as given; the Monte Carlo and the one-way
  swings draw them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from evaluate.data.assumptions import CATALOGUE, Assumption
from evaluate.data.equipment import (
    FOOTPRINT,
    ID,
    INSTALLATION,
    LIFESPAN,
    MAINTENANCE,
    OWNED,
    PRICE,
    PRICE_HIGH,
    PRICE_LOW,
    SESSION_MINUTES,
    STATIONS,
    TYPE,
)
from evaluate.model.calibration import Calibration, Calibrations
from evaluate.model.churn import ASSUMPTION as CHURN
from evaluate.model.churn import ChurnBands, measure_churn
from evaluate.model.costs import fill_costs_core
from evaluate.model.demand import (
    LEVELS,
    NEEDS,
    PeakShare,
    Segments,
    demand_segments,
    forecast_core,
    forecast_frame,
    level_codes,
    peak_share,
)
from evaluate.model.exposure import SCENARIOS, ExposureParameters
from evaluate.model.finance import (
    ASSUMPTIONS_USED,
    MEASURED,
    FinanceInputs,
    benefit_basis,
    credited_new_joins,
    finance_core,
    floor_new_joins,
    input_bases,
    joins_per_year,
    machine_new_joins,
    new_joins_bases,
    npv_sourced,
    owned_new_joins,
)
from evaluate.model.sampling import Method, Range, as_range, draw_assumptions, stream
from evaluate.model.segments import active_mask, as_of_day
from evaluate.model.substitution import OwnedMachines

PREVALENCE = "prevalence_position"
PRICE_PREFIX = "price:"
RELEVANCE_PREFIX = "relevance:"  # a candidate's back-care relevance label, drawn
# A candidate's model error: a lognormal multiplier (median 1) on its demand, drawn per
# candidate, its spread from the club's backtest (:mod:`evaluate.model.backtest`).
DEMAND_ERROR_PREFIX = "demand_error:"
DEMAND_ERROR_UNIT = "multiplier on the candidate's users and sessions (model error, median 1)"
Z90 = 1.2815515655446004  # the standard normal's 90th percentile: a range's ends are P10, P90
# How far a back-care relevance label may be off, in steps of the ladder high / medium / low:
# half a step either side, so a label is a judgement between its neighbours, never a jump of
# a whole level (the label is the only judgement behind the back-care need's weight).
RELEVANCE_DOUBT = 0.5
RELEVANCE_UNIT = "position on the back-care relevance ladder (0 high, 1 medium, 2 low)"
DEMAND_DRAWN = ("uptake_back_care", "uptake_posterior_chain", "uptake_general_fitness",
                "relevance_weight_medium", "relevance_weight_low", "sessions_per_user_week",
                "peak_hour_share", "substitution", "target_peak_utilisation")


@dataclass(frozen=True)
class ModelInputs:
    """The model prepared for a club and its candidates (see the module docstring).

    ``segments`` are the active members on ``as_of`` (the roster's date: ages and status)
    aggregated under ``exposure``; ``peak`` is the peak-hour share and its source. Candidate
    arrays have shape ``(candidates,)`` in the order of ``equipment_ids``; blank installation
    (currency), maintenance (currency/year) and lifespan (years) are NaN until filled per
    draw. ``monthly_dues`` is currency/month. ``ranges`` maps each uncertain quantity to
    ``(low, most_likely, high)`` and ``units`` to its unit. ``owned`` are the machines the
    club owns, beside which each candidate is valued (:mod:`evaluate.model.substitution`);
    ``same_as`` each candidate's position among them (``-1``: a new machine). ``churn`` holds
    the club's cancellation rates by visit band (:func:`evaluate.model.churn.measure_churn`),
    from which each candidate's users take theirs. New joins
    (:func:`evaluate.model.finance.credited_new_joins`): ``new_joins`` each candidate's own
    figure (members/year, NaN where the assumption stands in; 0 for a machine the club owns),
    ``owned_new_joins`` the owned machines' figures, ``club_joins_per_year`` the roster's
    joins in the year to ``as_of``. ``benefit_bases``: each benefit item's basis per
    candidate (:func:`evaluate.model.finance.benefit_basis`). ``frequency_factor`` multiplies
    each candidate's sessions per user (calibration, :mod:`evaluate.model.owned_logs`; None:
    1); ``demand_error`` is each candidate's model-error spread (standard deviation of the
    logarithm; None: none), drawn as ``demand_error:<equipment_id>`` (:func:`draw_quantities`).
    """

    segments: Segments
    exposure: ExposureParameters
    as_of: pd.Timestamp
    peak: PeakShare
    equipment_ids: tuple[str, ...]
    levels: np.ndarray
    session_minutes: np.ndarray
    servers: np.ndarray
    installation: np.ndarray
    maintenance: np.ndarray
    lifespan_years: np.ndarray
    footprint_m2: np.ndarray
    is_cardio: np.ndarray
    monthly_dues: float
    uptake_factor: np.ndarray  # (candidates,): calibration factor on the uptakes
    ranges: dict[str, Range]
    units: dict[str, str]
    owned: OwnedMachines = field(default_factory=OwnedMachines.none)
    same_as: np.ndarray | None = None  # (candidates,): position among owned, -1 if new
    churn: ChurnBands | None = None  # cancellation rates by visit band, measured or not
    new_joins: np.ndarray | None = None  # (candidates,); None: none
    owned_new_joins: np.ndarray | None = None  # (owned machines,)
    club_joins_per_year: float = float("nan")
    benefit_bases: dict[str, np.ndarray] | None = None  # item -> (candidates,)
    frequency_factor: np.ndarray | None = None  # (candidates,): calibration of sessions/user
    demand_error: np.ndarray | None = None  # (candidates,): model error spread, log scale

    def most_likely(self, draws: int = 1) -> dict[str, np.ndarray]:
        """Every quantity at its most-likely value, each ``(draws, 1)``."""
        return {name: np.full((draws, 1), r[1]) for name, r in self.ranges.items()}

    @cached_property
    def likely_outputs(self) -> dict[str, np.ndarray]:
        """:func:`model_core` at every quantity's most-likely value, run once per model.

        Each output ``(1, candidates)``; read it, do not change it (the report's sections and
        the most-likely money share it).
        """
        return model_core(self, self.most_likely())

    def scenario(self, name: str) -> dict[str, np.ndarray]:
        """Every quantity at its low, most-likely or high value (``name``), each ``(1, 1)``."""
        k = SCENARIOS.index(name)
        return {quantity: np.full((1, 1), r[k]) for quantity, r in self.ranges.items()}

    def one_way(self) -> tuple[list[str], dict[str, np.ndarray]]:
        """Return the quantities' names and the runs of a one-way sensitivity.

        Row 0 has everything at most likely; for the k-th quantity, row ``1 + 2k`` has it at
        its low and row ``2 + 2k`` at its high end, all others at most likely.
        """
        names = list(self.ranges)
        values = self.most_likely(2 * len(names) + 1)
        for k, name in enumerate(names):
            low, _, high = self.ranges[name]
            values[name][1 + 2 * k, 0] = low
            values[name][2 + 2 * k, 0] = high
        return names, values

    def select(self, equipment_ids: Sequence[str]) -> ModelInputs:
        """The same inputs for some of the candidates, in the order given.

        Their prices' ranges follow the other quantities', in that order, as
        :func:`model_inputs` would give them for those candidates alone.

        Raises
        ------
        ValueError
            If an id is not one of the candidates.
        """
        unknown = [i for i in equipment_ids if i not in self.equipment_ids]
        if unknown:
            raise ValueError(f"unknown candidate {unknown[0]!r}; candidates are: "
                             + ", ".join(self.equipment_ids))
        pick = [self.equipment_ids.index(i) for i in equipment_ids]
        own = (PRICE_PREFIX, RELEVANCE_PREFIX, DEMAND_ERROR_PREFIX)
        kept = [name for name in self.ranges if not name.startswith(own)]
        kept += [prefix + i for prefix in own for i in equipment_ids
                 if prefix + i in self.ranges]
        return replace(
            self, equipment_ids=tuple(equipment_ids), levels=self.levels[pick],
            session_minutes=self.session_minutes[pick], servers=self.servers[pick],
            installation=self.installation[pick], maintenance=self.maintenance[pick],
            lifespan_years=self.lifespan_years[pick], footprint_m2=self.footprint_m2[pick],
            is_cardio=self.is_cardio[pick], uptake_factor=self.uptake_factor[pick],
            same_as=None if self.same_as is None else self.same_as[pick],
            new_joins=None if self.new_joins is None else self.new_joins[pick],
            frequency_factor=None if self.frequency_factor is None
            else self.frequency_factor[pick],
            demand_error=None if self.demand_error is None else self.demand_error[pick],
            benefit_bases=None if self.benefit_bases is None else {
                item: basis[pick] for item, basis in self.benefit_bases.items()},
            ranges={name: self.ranges[name] for name in kept},
            units={name: self.units[name] for name in kept})

    def calibrated(self, calibration: Calibrations | None) -> ModelInputs:
        """The same inputs, calibrated: ``calibration`` as for :func:`model_inputs`.

        Replaces any calibration the inputs had. An owned machine that is a candidate's
        comparable takes that calibration's factor too: its log measured it.
        """
        factor = np.ones(len(self.owned.ids))
        if isinstance(calibration, Mapping):
            for found in calibration.values():
                if found.comparable in self.owned.ids:
                    factor[self.owned.ids.index(found.comparable)] = float(found.factor)
        return replace(self, uptake_factor=uptake_factors(calibration, self.equipment_ids),
                       owned=replace(self.owned, factor=factor))

    def with_factors(self, uptake: np.ndarray, frequency: np.ndarray, owned: np.ndarray,
                     demand_error: np.ndarray | None = None) -> ModelInputs:
        """The same inputs with calibration factors and a model error set directly.

        ``uptake`` and ``frequency`` per candidate, ``owned`` per owned machine (its uptake
        factor, for what candidates share with it); ``demand_error`` each candidate's
        model-error spread (log scale), which adds the range ``demand_error:<id>`` (its ends
        the P10 and P90 of the lognormal multiplier) where it is above 0.
        """
        ranges = {k: v for k, v in self.ranges.items() if not k.startswith(DEMAND_ERROR_PREFIX)}
        units = {k: v for k, v in self.units.items() if not k.startswith(DEMAND_ERROR_PREFIX)}
        if demand_error is not None:
            for machine, sigma in zip(self.equipment_ids, demand_error, strict=True):
                if sigma > 0:
                    name = DEMAND_ERROR_PREFIX + machine
                    ranges[name] = (float(np.exp(-Z90 * sigma)), 1.0, float(np.exp(Z90 * sigma)))
                    units[name] = DEMAND_ERROR_UNIT
        return replace(self, uptake_factor=np.asarray(uptake, dtype=float),
                       frequency_factor=np.asarray(frequency, dtype=float),
                       owned=replace(self.owned, factor=np.asarray(owned, dtype=float)),
                       demand_error=None if demand_error is None
                       else np.asarray(demand_error, dtype=float),
                       ranges=ranges, units=units)


def _ranges(assumptions: Mapping[str, Assumption], exposure: ExposureParameters,
            peak: tuple[float, float, float], annual_churn: float | None,
            prevalence_fixed: bool, equipment: pd.DataFrame
            ) -> tuple[dict[str, Range], dict[str, str]]:
    ranges: dict[str, Range] = {}
    units: dict[str, str] = {}
    override: dict[str, Range] = {"sedentary_odds_ratio": exposure.odds_ratio,
                                  "desk_share_prior": exposure.desk_share,
                                  "peak_hour_share": peak}
    if annual_churn is not None:
        override["baseline_annual_churn"] = (annual_churn,) * 3
    for name, spec in CATALOGUE.items():
        if name in assumptions or name in override:
            ranges[name] = as_range(override[name] if name in override else assumptions[name])
            units[name] = spec.unit
    ranges[PREVALENCE] = (0.5, 0.5, 0.5) if prevalence_fixed else (0.0, 0.5, 1.0)
    units[PREVALENCE] = "position in the published interval (0 low, 0.5 estimate, 1 high)"
    for row in equipment[[ID, PRICE, PRICE_LOW, PRICE_HIGH]].itertuples(index=False):
        price = float(row[1])
        low, high = (price if pd.isna(v) else float(v) for v in (row[2], row[3]))
        ranges[PRICE_PREFIX + str(row[0])] = (low, price, high)
        units[PRICE_PREFIX + str(row[0])] = "currency"
    for machine, code in zip(equipment[ID].astype(str), level_codes(equipment)[:, 0],
                             strict=True):
        ranges[RELEVANCE_PREFIX + machine] = (max(0.0, code - RELEVANCE_DOUBT), float(code),
                                              min(len(LEVELS) - 1.0, code + RELEVANCE_DOUBT))
        units[RELEVANCE_PREFIX + machine] = RELEVANCE_UNIT
    return ranges, units


def model_inputs(members: pd.DataFrame, equipment: pd.DataFrame,
                 assumptions: Mapping[str, Assumption], *,
                 checkins: pd.DataFrame | None = None, calibration: Calibrations | None = None,
                 exposure: ExposureParameters | None = None,
                 monthly_dues: float | None = None, annual_churn: float | None = None,
                 as_of: date | str | None = None,
                 owned: pd.DataFrame | None = None) -> ModelInputs:
    """Aggregate the roster and collect the fixed figures and every range, once.

    Parameters
    ----------
    members, equipment, assumptions, checkins
        From the loaders; the check-in log is optional (it fixes the peak-hour share).
    calibration
        From :func:`evaluate.model.calibration.calibrate_uptake`: its factor multiplies the uptakes
        of every candidate; or a mapping ``equipment_id -> Calibration``, one per candidate
        (candidates left out are not calibrated).
        Pass the *uncalibrated* assumptions with it (not
        :func:`~evaluate.model.calibration.calibrated_assumptions`, which would apply it twice).
    exposure
        Default :meth:`ExposureParameters.load` with ``assumptions``.
    monthly_dues
        Currency/month; default the mean dues of the members active on ``as_of``.
    annual_churn
        The club's measured cancellation rate (fraction/year), fixed; ``None`` draws the
        assumption ``baseline_annual_churn``.
    as_of
        Date of ages and active status; default the roster's latest join or cancel date (a
        report passes the club's roster date: :func:`~evaluate.model.segments.as_of_day`).
    owned
        The club's ``equipment.csv`` rows: the machines it owns (``owned_units >= 1``) are
        those beside which each candidate is valued (:mod:`evaluate.model.substitution`), and
        they count in the cap on new joins (:func:`evaluate.model.finance.credited_new_joins`);
        ``None``: none, so a candidate's added users are its stand-alone users.
    """
    exposure = exposure or ExposureParameters.load(assumptions)
    day = as_of_day(members, as_of)
    segments = demand_segments(members, exposure, as_of=day)
    churn = measure_churn(members, float(as_range(assumptions[CHURN])[1]), as_of=day)
    if annual_churn is None and churn.club_basis == MEASURED:
        annual_churn = churn.club_rate
    known: dict[str, str | list[str]] = {
        "new_joins_per_year": new_joins_bases(equipment, assumptions)}
    if monthly_dues is None:
        active = active_mask(members, day)
        monthly_dues = float(members.loc[active, "monthly_dues"].mean())
        known["monthly_dues"] = MEASURED
    if annual_churn is not None:
        known["annual_churn"] = known["users_churn"] = MEASURED
    bases = {item: np.broadcast_to(basis, len(equipment)).copy()
             for item, basis in benefit_basis(input_bases(assumptions, known)).items()}
    peak = peak_share(checkins, assumptions)
    fixed = bool(np.allclose(segments.base[0], segments.base[2]))
    ranges, units = _ranges(assumptions, exposure, peak.value, annual_churn, fixed, equipment)
    machines = owned_machines(owned)
    figures = {name: equipment[name].to_numpy(float)
               for name in (INSTALLATION, MAINTENANCE, LIFESPAN, FOOTPRINT, SESSION_MINUTES)}
    return ModelInputs(
        segments=segments, exposure=exposure, as_of=day, peak=peak,
        equipment_ids=tuple(equipment[ID].astype(str)),
        levels=level_codes(equipment), session_minutes=figures[SESSION_MINUTES],
        servers=equipment[STATIONS].to_numpy(np.int64), installation=figures[INSTALLATION],
        maintenance=figures[MAINTENANCE], lifespan_years=figures[LIFESPAN],
        footprint_m2=figures[FOOTPRINT], is_cardio=(equipment[TYPE] == "cardio").to_numpy(),
        monthly_dues=float(monthly_dues),
        uptake_factor=uptake_factors(calibration, tuple(equipment[ID].astype(str))),
        ranges=ranges, units=units, owned=machines,
        same_as=machines.same_as(tuple(equipment[ID].astype(str))), churn=churn,
        new_joins=machine_new_joins(equipment, as_candidates=True),
        owned_new_joins=owned_new_joins(owned),
        club_joins_per_year=joins_per_year(members, day), benefit_bases=bases)


def owned_machines(equipment: pd.DataFrame | None) -> OwnedMachines:
    """The machines of ``equipment`` the club owns (``owned_units >= 1``), as arrays."""
    if equipment is None:
        return OwnedMachines.none()
    rows = equipment[equipment[OWNED] >= 1]
    return OwnedMachines(
        ids=tuple(rows[ID].astype(str)), levels=level_codes(rows),
        servers=(rows[OWNED] * rows[STATIONS]).to_numpy(np.int64),
        session_minutes=rows[SESSION_MINUTES].to_numpy(float), factor=np.ones(len(rows)),
        cardio=(rows[TYPE] == "cardio").to_numpy())


def uptake_factors(calibration: Calibration | Mapping[str, Calibration] | None,
                   equipment_ids: tuple[str, ...]) -> np.ndarray:
    """The calibration factor of each candidate, ``(candidates,)``.

    One :class:`~evaluate.model.calibration.Calibration` applies to every candidate; a mapping
    ``equipment_id -> Calibration`` gives each its own (candidates left out keep 1).
    """
    if calibration is None:
        return np.ones(len(equipment_ids))
    if isinstance(calibration, Calibration):
        return np.full(len(equipment_ids), float(calibration.factor))
    return np.array([float(calibration[i].factor) if i in calibration else 1.0
                     for i in equipment_ids])


def prevalence_base(base: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Base prevalence per draw and segment (0-1), ``(draws, segments)``.

    ``base`` is ``(3, segments)`` (low, most likely, high); ``position`` ``(draws, 1)`` in
    0-1: 0 gives the low row, 0.5 the most likely, 1 the high, linear on each side.
    """
    t = np.asarray(position, dtype=float)
    below = base[0] + (base[1] - base[0]) * (2.0 * t)
    above = base[1] + (base[2] - base[1]) * (2.0 * t - 1.0)
    return np.where(t <= 0.5, below, above)


def model_core(inputs: ModelInputs, values: Mapping[str, np.ndarray]
               ) -> dict[str, np.ndarray]:
    """Every output of the model for draws × candidates, in one vectorised call.

    Parameters
    ----------
    inputs
        From :func:`model_inputs`.
    values
        One array of shape ``(draws, 1)`` per quantity in ``inputs.ranges`` (e.g. from
        :func:`evaluate.model.sampling.draw_assumptions`), in that quantity's unit.

    Returns
    -------
    dict of numpy.ndarray, each ``(draws, candidates)``
        The keys of :func:`evaluate.model.demand.forecast_core` (``regular_users``,
        ``back_pain_users``, ``weekly_sessions`` at full adoption, peak load) and of
        :func:`evaluate.model.finance.finance_core` (``npv``, ``cost_per_use``,
        ``payback_years``, ``pv_retention``, ``break_even_members``, …), plus ``price``
        (currency) and ``npv_sourced`` (currency: measured and published benefit items
        only, :func:`evaluate.model.finance.npv_sourced`).
    """
    column = {name: np.asarray(value, dtype=float) for name, value in values.items()}
    segments = inputs.segments
    base = prevalence_base(segments.base, column[PREVALENCE])
    demand = forecast_core(segments, drawn_levels(inputs, column), inputs.session_minutes,
                           inputs.servers,
                           demand_params(inputs, column), base, owned=inputs.owned,
                           same_as=inputs.same_as,
                           band_rates=None if inputs.churn is None else inputs.churn.band_rates)
    price = np.hstack([column[PRICE_PREFIX + i] for i in inputs.equipment_ids])
    installation, maintenance, life = fill_costs_core(
        price, inputs.installation[None, :], inputs.maintenance[None, :],
        inputs.lifespan_years[None, :], inputs.is_cardio[None, :],
        column["installation_share_of_price"], column["maintenance_share_of_price"],
        column["lifespan_years_strength"], column["lifespan_years_cardio"])
    mine, theirs = floor_new_joins(
        np.zeros(len(inputs.equipment_ids)) if inputs.new_joins is None else inputs.new_joins,
        np.zeros(0) if inputs.owned_new_joins is None else inputs.owned_new_joins,
        column["new_joins_per_year"])
    joins = credited_new_joins(mine, theirs, inputs.club_joins_per_year,
                               column["new_joins_cap_share"])
    x = FinanceInputs(price=price, installation=installation, maintenance=maintenance,
                      lifespan_years=life, footprint_m2=inputs.footprint_m2[None, :],
                      users=demand["added_users"], weekly_sessions=demand["weekly_sessions"],
                      trainer_users=demand["added_back_pain_users"],
                      monthly_dues=np.full((1, 1), inputs.monthly_dues),
                      annual_churn=column["baseline_annual_churn"],
                      users_churn=demand.get("users_churn", column["baseline_annual_churn"]),
                      new_joins_per_year=joins,
                      **{name: column[name] for name in ASSUMPTIONS_USED})
    found = finance_core(x)
    if inputs.benefit_bases is not None:
        found["npv_sourced"] = npv_sourced(found, inputs.benefit_bases)
    return {**demand, **found, "price": price}


def drawn_levels(inputs: ModelInputs, values: Mapping[str, np.ndarray]) -> np.ndarray:
    """The candidates' relevance levels with each back-care label at its drawn position.

    ``(draws, candidates, needs)`` positions (:func:`evaluate.model.demand.relevance_rates`)
    when ``values`` holds the labels (``relevance:<equipment_id>``); else the codes.
    """
    names = [RELEVANCE_PREFIX + i for i in inputs.equipment_ids]
    if not all(name in values for name in names):
        return inputs.levels
    drawn = np.hstack([np.asarray(values[name], dtype=float) for name in names])  # (D, C)
    levels = np.repeat(inputs.levels[None].astype(float), len(drawn), axis=0)
    levels[:, :, NEEDS.index("back_care")] = drawn
    return levels


def demand_params(inputs: ModelInputs, values: Mapping[str, np.ndarray]
                  ) -> dict[str, np.ndarray]:
    """The parameters of :func:`evaluate.model.demand.forecast_core` from the quantities' values.

    ``values`` holds one array ``(draws, 1)`` per quantity (as for :func:`model_core`); the
    result is named as in :data:`evaluate.model.demand.DRAWN`, each ``(draws,)``, with the
    calibration factor ``(draws, candidates)``.
    """
    draws = len(values[PREVALENCE])
    params = {name: np.asarray(values[name], dtype=float)[:, 0] for name in DEMAND_DRAWN
              if name in values}
    factor = np.broadcast_to(inputs.uptake_factor, (draws, len(inputs.equipment_ids)))
    errors = [DEMAND_ERROR_PREFIX + i for i in inputs.equipment_ids]
    if any(name in values for name in errors):
        factor = factor * np.hstack([np.broadcast_to(
            np.asarray(values.get(name, 1.0), dtype=float), (draws, 1)) for name in errors])
    params.update(odds_ratio=np.asarray(values["sedentary_odds_ratio"], dtype=float)[:, 0],
                  desk_share=np.asarray(values["desk_share_prior"], dtype=float)[:, 0],
                  uptake_factor=factor)
    if inputs.frequency_factor is not None:
        params["frequency_factor"] = np.asarray(inputs.frequency_factor, dtype=float)
    return params


def draw_quantities(inputs: ModelInputs, draws: int, seed: int,
                    method: Method = "pert") -> dict[str, np.ndarray]:
    """Draw every quantity of ``inputs.ranges``, each ``(draws, 1)``, for :func:`model_core`.

    As :func:`evaluate.model.sampling.draw_assumptions`, except each candidate's model error
    (``demand_error:<id>``), which is lognormal with median 1 and its spread
    (``inputs.demand_error``), from its own stream: its range's ends are its P10 and P90.
    """
    errors = {DEMAND_ERROR_PREFIX + i: float(sigma) for i, sigma in zip(
        inputs.equipment_ids, inputs.demand_error if inputs.demand_error is not None
        else np.zeros(len(inputs.equipment_ids)), strict=True)}
    drawn = draw_assumptions({k: v for k, v in inputs.ranges.items() if k not in errors},
                             draws, seed, method)
    out = {}
    for name in inputs.ranges:
        if name in errors:
            out[name] = np.exp(errors[name] * stream(seed, name).standard_normal(draws))[:, None]
        else:
            out[name] = drawn[name]
    return out


def owned_use(inputs: ModelInputs) -> pd.DataFrame:
    """What each candidate draws from each owned machine, at the most-likely values (tidy).

    One row per candidate and owned machine: ``equipment_id``, ``owned_id``,
    ``sessions_without`` and ``sessions_with`` (the owned machine's sessions a week at full
    adoption, without and with the candidate beside it) and ``drawn`` (their difference). A
    candidate draws nothing where members add machines independently (``substitution`` 0).
    """
    values = inputs.most_likely()
    column = {name: np.asarray(value, dtype=float) for name, value in values.items()}
    found = forecast_core(inputs.segments, inputs.levels, inputs.session_minutes,
                          inputs.servers, demand_params(inputs, column),
                          prevalence_base(inputs.segments.base, column[PREVALENCE]),
                          owned=inputs.owned, same_as=inputs.same_as, owned_use=True)
    without, beside = found["owned_sessions"][0], found["owned_sessions_with"][0]
    count, machines = beside.shape
    return pd.DataFrame({
        "equipment_id": np.repeat(np.asarray(inputs.equipment_ids, dtype=object), machines),
        "owned_id": np.tile(np.asarray(inputs.owned.ids, dtype=object), count),
        "sessions_without": np.tile(without, count), "sessions_with": beside.ravel(),
        "drawn": (without[None, :] - beside).ravel()})


def forecast_from_inputs(inputs: ModelInputs) -> pd.DataFrame:
    """The usage forecast of each prepared candidate: low / most likely / high.

    The frame of :func:`evaluate.model.demand.forecast_usage` (same columns, rows and
    ``attrs``, to the last digit) for the frames :func:`model_inputs` read, with the
    calibration factors as ``uptake_factor`` and each candidate's ``stations`` serving at
    once: each scenario takes every quantity at that end of its range and the published
    prevalence at its low, estimate or high.
    """
    scenarios = [demand_params(inputs, inputs.scenario(name)) for name in SCENARIOS]
    return forecast_frame(inputs.segments, inputs.peak, inputs.equipment_ids, inputs.levels,
                          inputs.session_minutes, inputs.servers, scenarios,
                          owned=inputs.owned, same_as=inputs.same_as)
