"""The management decision end to end: club data and a decision's parameters in, tables out.

Every table the decision report shows comes from here: the model (README, "The model"),
wired together in the order a manager reads it:
the club's data (:func:`load_club_data`), the candidates (:func:`select_candidates`), each
candidate's calibration on the club's pooled logs (:func:`candidate_calibrations`), the
usage and money model at the most-likely values and in the Monte Carlo, the multi-criteria
score with each criterion's contribution, and the robustness of the top choice
(:func:`analyse_decision`, returning a :class:`DecisionAnalysis`). The model is prepared once
per decision (:func:`evaluate.model.prepared.model_inputs`: the roster segmented, every range
resolved) and every step reads that one object. Notebooks call this and display the
result; nothing here prints or draws.

Choices made here, and said in the report:

- The recommendation is the weighted-sum winner at the most-likely values of every input.
  How sure we are is its rank acceptability: the share of Monte Carlo draws (inputs drawn,
  and the weights too unless ``weight_sampling`` is ``"none"``) in which it ranks first.
- What the first screen says to buy (:attr:`DecisionAnalysis.choice`) is the best-scoring
  candidate that fits the budget and the free floor on its own, by the best set's own test
  (:func:`evaluate.mcda.portfolio.fits_limits`): the recommendation when it fits. One machine,
  not the best set: the report asks which machine to buy, and every figure of the first
  screen is one machine's; the best set, which may hold several, has its own section. When
  nothing fits, the first screen says what the cheapest and the best-scoring machines need.
- Candidates: by default the machines the club does not own yet (:func:`select_candidates`).
- Calibration: every machine the club owns with a usage log is fitted (users and sessions
  per user apart) and the fits are pooled (:mod:`evaluate.model.owned_logs`); every new
  candidate takes the pooled factors, every owned machine its own pooled estimate. A second
  unit of an owned machine shares the first unit's members
  (:mod:`evaluate.model.substitution`), so it takes that machine's calibration. The owned
  machines are backtested, each without its own log (:mod:`evaluate.model.backtest`), and
  the model error they show is drawn on every candidate's demand in the Monte Carlo.
- With versus without: every candidate is valued beside the machines the club owns
  (``equipment.csv`` ``owned_units``): its benefits count the users it adds, not its own.
  A machine whose log rests on fewer than 10 members is no one's comparable
  (:func:`evaluate.reports.privacy.private_machines`): the factor would give their use away.
- Value for money and the portfolio use the up-front cost, price plus installation: the money
  the budget has to find now. Running costs are in the NPV and the cost per use.
- The portfolio values a set jointly: machines that serve the same need share its users, so
  the part of each machine's score (or NPV) that comes from the users it adds counts in the
  set's share of them (:mod:`evaluate.reports.decision.joint`). Scores are relative to the
  candidates compared, so a set's score is a ranking device, not a measurement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypedDict

import numpy as np
import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.club_data import ClubData, load_club_data
from evaluate.data.equipment import EQUIPMENT_FILE, ID
from evaluate.errors import did_you_mean
from evaluate.mcda.criteria import CRITERIA, DecisionCriteria
from evaluate.mcda.portfolio import best_portfolios, fits_limits, value_for_money
from evaluate.mcda.robustness import rank_acceptability, stability_intervals
from evaluate.mcda.scoring import contributions, topsis, weighted_sum
from evaluate.model.backtest import Backtest, backtest
from evaluate.model.calibration import Calibration
from evaluate.model.churn import MEASURED, ChurnBands
from evaluate.model.costs import fill_equipment_costs
from evaluate.model.demand import adoption_curve
from evaluate.model.exposure import ExposureParameters
from evaluate.model.finance import finance_inputs, finance_summary
from evaluate.model.owned_logs import PooledCalibration, calibrate_model, pooled_calibration
from evaluate.model.prepared import ModelInputs, forecast_from_inputs, model_inputs
from evaluate.model.segments import as_of_day
from evaluate.model.uncertainty import (
    SimulationResult,
    adoption_band,
    one_way_swings_from_inputs,
    simulate_from_inputs,
)
from evaluate.reports.audience import audience_from_inputs
from evaluate.reports.decision.information import Information, value_of_information
from evaluate.reports.decision.joint import portfolio_options
from evaluate.reports.decision.margin import margin_tornado_from_inputs
from evaluate.reports.decision.matrix import (
    NOTHING,
    NOTHING_LABEL,
    decision_draws,
    decision_matrix,
    draws_with_nothing,
    with_nothing,
)
from evaluate.reports.formatting import number
from evaluate.reports.notebook_params import DecisionReportParams
from evaluate.reports.privacy import (
    MIN_GROUP_SIZE,
    SUPPRESSED,
    comparable_equipment,
    shown_group,
    shown_split,
)

COST_LABEL = "Up-front cost: price plus installation"


def select_candidates(equipment: pd.DataFrame, candidates: Sequence[str] = (), *,
                      parameter: str = "candidates") -> pd.DataFrame:
    """The candidates' rows of the catalogue, in the order given.

    Empty ``candidates``: every machine the club does not own yet (``owned_units == 0``), or
    every machine when fewer than two are not owned. A second unit of an owned machine shares
    the first's users and adds only those the first cannot serve at the busiest hour, so owned
    machines are compared only when named.

    Raises ``ValueError`` naming ``equipment.csv``, the unknown id, a did-you-mean hint and
    the known ids when a candidate is not in the catalogue; ``parameter`` is the parameter
    the message tells the user to fix.
    """
    if not candidates:
        new = equipment[equipment["owned_units"] == 0]
        return (new if len(new) >= 2 else equipment).reset_index(drop=True)
    known = list(equipment[ID].astype(str))
    unknown = [c for c in candidates if c not in known]
    if unknown:
        hints = "; ".join(f"{c!r} ({did_you_mean(c, known).strip()})"
                          .replace(" ()", "") for c in unknown)
        raise ValueError(f"unknown machine {hints}: not in {EQUIPMENT_FILE}; fix the parameter "
                         f"'{parameter}' or add the machine to {EQUIPMENT_FILE}. Known: "
                         + ", ".join(known))
    if len(set(candidates)) != len(candidates):
        raise ValueError(f"candidates lists a machine twice: {list(candidates)}")
    rows = equipment.set_index(equipment[ID].astype(str)).loc[list(candidates)]
    return rows.reset_index(drop=True)


def candidate_calibrations(model: ModelInputs, pooled: PooledCalibration | None
                           ) -> dict[str, Calibration]:
    """Each candidate's calibration by the club's pooled logs, as the report describes it.

    ``model`` is the calibrated model (:func:`prepare_model`); ``pooled`` the owned machines'
    pooled fits (:func:`evaluate.model.owned_logs.pooled_calibration`), ``None`` when no owned
    machine is logged by enough members: then no candidate is calibrated (empty). Each
    :class:`~evaluate.model.calibration.Calibration` holds the uptake factor, no single
    comparable machine (every logged owned machine informs every candidate), how it was
    found, and a table of the factors and the most-likely sessions before and after.
    """
    if pooled is None:
        return {}
    fits = pooled.fits
    machines = ", ".join(fits["equipment_id"])
    frequency = model.frequency_factor if model.frequency_factor is not None else np.ones(
        len(model.equipment_ids))
    before = model.with_factors(np.ones(len(model.equipment_ids)),
                                np.ones(len(model.equipment_ids)), np.ones(len(model.owned.ids)))
    sessions_before = before.likely_outputs["weekly_sessions"][0]
    sessions_after = model.likely_outputs["weekly_sessions"][0]
    found = {}
    second = (model.same_as if model.same_as is not None
              else np.full(len(model.equipment_ids), -1)) >= 0
    for k, machine in enumerate(model.equipment_ids):
        if second[k]:  # another unit shares the owned machine's members, calibrated on its log
            continue
        factor, often = float(model.uptake_factor[k]), float(frequency[k])
        table = pd.DataFrame({
            "quantity": ["uptake factor", "sessions-per-user factor",
                         f"weekly sessions on {machine}: model (most likely)"],
            "unit": ["multiplier", "multiplier", "sessions/week"],
            "before": [1.0, 1.0, float(sessions_before[k])],
            "after": [factor, often, float(sessions_after[k])],
            "note": ["pooled from the owned machines' regular users",
                     "pooled from the owned machines' sessions per regular user",
                     "at full adoption, beside the machines the club owns"]})
        method = (f"pooled from the usage logs of {len(fits)} owned machine"
                  f"{'s' if len(fits) != 1 else ''} ({machines}; empirical Bayes): uptakes "
                  f"× {number(factor, '.2f')} and sessions per user × {number(often, '.2f')}")
        found[machine] = Calibration(factor, None, method, table)
    return found


def logged_machines(data: ClubData) -> list[str]:
    """The owned machines whose logs may calibrate and backtest: used by enough members.

    A machine whose log rests on fewer than :data:`~evaluate.reports.privacy.MIN_GROUP_SIZE`
    members is left out (:func:`evaluate.reports.privacy.comparable_equipment`): its factor,
    with the forecast it scales, would give their use away.
    """
    if data.usage is None or data.usage.empty:
        return []
    equipment = comparable_equipment(data.equipment, data.usage)
    return list(equipment.loc[equipment["owned_units"] >= 1, ID].astype(str))


class _Scale(TypedDict):
    """The keywords that put the criteria on one scale, the same for every scoring."""

    normalization: str
    ranges: dict[str, tuple[float, float]] | None


@dataclass(frozen=True)
class DecisionAnalysis:
    """One decision, analysed: every frame the report shows (see each field's producer).

    Frames are indexed or keyed by ``equipment_id``; ``names`` gives each machine's plain
    name for display.
    """

    data: ClubData
    params: DecisionReportParams
    currency: str
    candidates: pd.DataFrame          # the candidates' catalogue rows, costs filled
    cost_fills: pd.DataFrame          # costs.fill_equipment_costs: figures from assumptions
    names: dict[str, str]
    criteria: DecisionCriteria
    weights: pd.Series                # normalised, by criterion
    calibrations: dict[str, Calibration]
    forecast: pd.DataFrame            # prepared.forecast_from_inputs (low / most likely / high)
    adoption: pd.DataFrame            # uncertainty.adoption_band (line: most likely)
    finance: pd.DataFrame             # finance.finance_summary (most likely)
    simulation: SimulationResult
    matrix: pd.DataFrame              # criteria.decision_matrix (most likely)
    scores: pd.Series                 # weighted sum, by equipment_id
    nothing_score: float              # buying nothing's weighted sum on the same scale
    topsis_scores: pd.Series          # TOPSIS closeness, by equipment_id
    contributions: pd.DataFrame       # scoring.contributions
    acceptability: pd.DataFrame       # robustness.rank_acceptability
    stability: pd.DataFrame           # robustness.stability_intervals
    npv_tornado: pd.DataFrame         # uncertainty.one_way_swings_from_inputs, :attr:`featured`
    margin_tornado: pd.DataFrame      # margin.margin_tornado_from_inputs
    value_for_money: pd.DataFrame     # portfolio.value_for_money on COST_LABEL's cost
    portfolios: pd.DataFrame          # portfolio.best_portfolios
    ranking: pd.DataFrame             # :func:`ranking_table`
    audience: pd.DataFrame            # audience.audience_from_inputs for :attr:`featured`
    model: ModelInputs                # prepare_model: what every figure above was computed on
    pooled: PooledCalibration | None = None  # prepare_model: the owned machines' pooled fits
    backtest: Backtest | None = None  # prepare_model: the owned machines, leave one out
    # information.value_of_information: EVPI, EVPPI per group, the staged plan of featured
    information: Information | None = None

    @property
    def recommendation(self) -> str:
        """The ``equipment_id`` of the weighted-sum winner at the most-likely values."""
        return str(self.ranking.index[0])

    @property
    def fits(self) -> pd.Series:
        """Whether each candidate fits the budget and the free floor on its own (ranking order)."""
        return within_limits(self.ranking, self.params)

    @property
    def choice(self) -> str | None:
        """What the first screen says to buy: the best-scoring candidate that fits both limits.

        ``None`` when no candidate fits the budget and the free floor.
        """
        return best_within(self.fits)

    @property
    def featured(self) -> str:
        """The machine the first screen describes: :attr:`choice`, else the recommendation.

        When nothing fits, the first screen describes the best-scoring machine, which more
        budget or floor would buy.
        """
        return self.choice or self.recommendation

    @property
    def owned_candidates(self) -> list[str]:
        """Candidates the club already owns (another unit: the first screen says how it counts)."""
        owned = self.candidates[self.candidates["owned_units"] > 0]
        return list(owned[ID].astype(str))

    @property
    def p_nothing_first(self) -> float:
        """The chance (0-1) that buying nothing ranks first in the Monte Carlo."""
        return float(self.acceptability.attrs["p_first"][NOTHING])

    @property
    def p_beats_nothing(self) -> pd.Series:
        """Each candidate's chance (0-1) of scoring above buying nothing, by equipment_id."""
        return self.acceptability.attrs["p_beats_reference"].drop(NOTHING)

    @property
    def runner_up(self) -> str | None:
        """The second-ranked candidate, if there is one."""
        return str(self.ranking.index[1]) if len(self.ranking) > 1 else None


def ranking_table(scores: pd.Series, topsis_scores: pd.Series, p_first: pd.Series,
                  simulation: SimulationResult, forecast: pd.DataFrame,
                  finance: pd.DataFrame, candidates: pd.DataFrame) -> pd.DataFrame:
    """One row per candidate, best first: rank, scores, chances and the key figures.

    Columns: ``rank``, ``score`` (weighted sum, 0-1), ``topsis`` (closeness, 0-1), ``p_best``
    (probability of ranking first, 0-1), ``p_npv_positive``; ``weekly_uses_p10/p50/p90``
    (sessions/week) and ``npv_p10/p50/p90`` (currency) from the Monte Carlo;
    ``back_pain_served``, ``weekly_uses``, ``utilisation`` (peak hour, 0-1), ``npv``,
    ``payback_years``, ``cost_per_use``, ``up_front`` from the most-likely model;
    ``floor_m2``. Ties in score keep catalogue order.
    """
    ids = list(scores.index)
    likely = forecast[forecast["scenario"].astype(str) == "most_likely"].set_index(ID)
    money = finance.set_index(ID)
    summary = simulation.summary.set_index(ID)
    uses, npv = simulation.band("weekly_sessions"), simulation.band("npv")
    table = pd.DataFrame({
        "score": scores, "topsis": topsis_scores.reindex(ids),
        "p_best": p_first.reindex(ids),
        "p_npv_positive": summary["p_npv_positive"].reindex(ids),
        **{f"weekly_uses_{p}": uses[p].reindex(ids) for p in ("p10", "p50", "p90")},
        **{f"npv_{p}": npv[p].reindex(ids) for p in ("p10", "p50", "p90")},
        "back_pain_served": likely["added_back_pain_users"].reindex(ids),
        "weekly_uses": likely["weekly_sessions"].reindex(ids),
        "utilisation": likely["utilisation"].reindex(ids),
        "npv": money["npv"].reindex(ids),
        "payback_years": money["payback_years"].reindex(ids),
        "cost_per_use": money["cost_per_use"].reindex(ids),
        "up_front": money["up_front"].reindex(ids),
        "floor_m2": candidates.set_index(ID)["footprint_m2"].reindex(ids).astype(float),
    }, index=pd.Index(ids, name=ID))
    order = np.argsort(-table["score"].to_numpy(float), kind="stable")
    table = table.iloc[order]
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return table


def within_limits(ranking: pd.DataFrame, params: DecisionReportParams) -> pd.Series:
    """Whether each candidate of ``ranking`` fits ``params.budget`` and ``params.free_floor_m2``.

    Its up-front cost and floor area by :func:`evaluate.mcda.portfolio.fits_limits`, the test
    the best set uses; a Series of booleans in ``ranking``'s order.
    """
    return pd.Series(fits_limits(ranking["up_front"], ranking["floor_m2"], budget=params.budget,
                                 free_floor_m2=params.free_floor_m2),
                     index=ranking.index, name="fits")


def best_within(fits: pd.Series) -> str | None:
    """The first candidate of ``fits`` (ranking order, best first) that fits; ``None`` if none."""
    return str(fits.index[fits.to_numpy()][0]) if fits.any() else None


class PreparedDecision(NamedTuple):
    """A decision's model, prepared and calibrated once, and what calibrated it."""

    model: ModelInputs
    calibrations: dict[str, Calibration]
    pooled: PooledCalibration | None
    backtest: Backtest | None


def prepare_model(data: ClubData, candidates: pd.DataFrame, *, as_of: date | str | None,
                  calibrate: bool) -> PreparedDecision:
    """The model of ``candidates`` prepared once, calibrated, with the club's track record.

    The roster is segmented once on ``as_of``, default the club's roster date
    (:func:`evaluate.model.prepared.model_inputs`: the peak share and every range resolved
    too). With ``calibrate`` and a usage log: every owned machine logged by enough members
    (:func:`logged_machines`) is fitted and pooled (:mod:`evaluate.model.owned_logs`), every
    candidate and owned machine takes its pooled factors, the owned machines are backtested
    (:func:`evaluate.model.backtest.backtest`) and each candidate's demand gets the model
    error the backtest measured. Every report on these candidates reads this model.
    """
    exposure = ExposureParameters.load(data.assumptions)
    day = as_of_day(data, as_of)
    model = model_inputs(data.members, candidates, data.assumptions, checkins=data.checkins,
                         exposure=exposure, as_of=day, owned=data.equipment)
    machines = logged_machines(data) if calibrate else []
    pooled = (pooled_calibration(model, data.usage, data.equipment, machines)
              if machines else None)
    if pooled is None:
        return PreparedDecision(model, {}, None, None)
    track = backtest(model, data.usage, data.equipment, machines=machines)
    sigma = np.full(len(model.equipment_ids), track.sigma if track is not None else 0.0)
    model = calibrate_model(model, pooled, sigma)
    return PreparedDecision(model, candidate_calibrations(model, pooled), pooled, track)


def money_at_most_likely(model: ModelInputs, candidates: pd.DataFrame, forecast: pd.DataFrame,
                         assumptions: Mapping[str, Assumption],
                         owned: pd.DataFrame) -> pd.DataFrame:
    """:func:`~evaluate.model.finance.finance_summary` of the prepared model's forecast.

    With the model's dues, cancellation rates (the club's and each candidate's users', measured
    at the club where the roster allows) and joins a year, and the club's ``owned`` machines
    (``equipment.csv``) in the cap on new joins, so the most-likely money agrees with the
    Monte Carlo's. One column follows the summary's, for the first screen's "what the model
    assumes": ``new_joins_per_year`` (members/year credited to the candidate, after the cap).
    """
    users_churn = model.likely_outputs["users_churn"][0]
    money = {"annual_churn": model.ranges["baseline_annual_churn"][1], "users_churn": users_churn,
             "club_joins_per_year": model.club_joins_per_year, "owned": owned}
    summary = finance_summary(candidates, forecast, assumptions, monthly_dues=model.monthly_dues,
                              bases={"monthly_dues": MEASURED},  # the roster's, as in the model
                              **money)
    joins = finance_inputs(candidates, forecast, assumptions, monthly_dues=model.monthly_dues,
                           **money).get("new_joins_per_year")[0]
    return summary.assign(new_joins_per_year=joins)


def analyse_decision(params: DecisionReportParams, data: ClubData | None = None
                     ) -> DecisionAnalysis:
    """Run the whole decision for ``params`` (on ``data``, default: read ``params.data_dir``).

    Raises ``ValueError`` with the parameter and the fix for an unknown candidate, fewer than
    two candidates, or a portfolio with nothing to choose from.
    """
    data = data or load_club_data(params.resolved_data_dir)
    as_of = params.as_of or None
    chosen = select_candidates(data.equipment, params.candidates)
    if len(chosen) < 2:
        raise ValueError("a decision needs at least two candidates; fix the parameter "
                         "'candidates' (empty = every machine in equipment.csv)")
    candidates, fills = fill_equipment_costs(chosen, data.assumptions)
    # The forecast, the money, the Monte Carlo, both tornadoes and the audience all read the
    # one prepared model, so the most-likely run and the draws agree (the same dues, segments
    # and calibration).
    model, calibrations, pooled, track = prepare_model(data, candidates, as_of=as_of,
                                                       calibrate=params.calibrate)
    forecast = forecast_from_inputs(model)
    finance = money_at_most_likely(model, candidates, forecast, data.assumptions,
                                   data.equipment)
    simulation = simulate_from_inputs(model, draws=params.draws, seed=params.seed)

    criteria = params.criteria
    weights = criteria.resolved_weights()
    directions = criteria.directions
    scale: _Scale = {"normalization": params.normalization, "ranges": params.ranges}
    matrix = decision_matrix(candidates, forecast, finance, criteria)
    # Buying nothing is scored beside the machines, on the same scale (matrix.with_nothing).
    scored = with_nothing(matrix)
    everything = weighted_sum(scored, weights.to_dict(), directions, **scale)
    scores = everything.drop(NOTHING)
    closeness = topsis(scored, weights.to_dict(), directions,
                       normalization="vector" if params.normalization == "minmax"
                       else params.normalization, ranges=params.ranges).drop(NOTHING)
    parts = contributions(scored, weights.to_dict(), directions, **scale)
    parts = parts[parts["alternative"] != NOTHING].reset_index(drop=True)
    ids = list(matrix.index)
    sampling = None if params.weight_sampling == "none" else params.weight_sampling
    acceptability = rank_acceptability(
        draws_with_nothing(decision_draws(simulation, candidates, criteria), criteria.names),
        weights.to_dict(), directions, criteria.names, [*ids, NOTHING],
        weight_sampling=sampling, seed=params.seed, spread=params.weight_spread,
        reference=NOTHING, **scale)
    ranking = ranking_table(scores, closeness, acceptability.attrs["p_first"], simulation,
                            forecast, finance, candidates)
    # The machine the first screen describes (DecisionAnalysis.featured).
    featured = best_within(within_limits(ranking, params)) or str(ranking.index[0])
    stability = stability_intervals(scored, weights.to_dict(), directions, **scale)
    npv_swings = one_way_swings_from_inputs(model, featured)
    margin = margin_tornado_from_inputs(model, candidates, criteria, **scale)
    costs = ranking["up_front"]
    vfm = value_for_money(scores, costs)
    options, joint = portfolio_options(model, forecast, finance, ranking, scores, parts)
    portfolios = best_portfolios(options, budget=params.budget,
                                 free_floor_m2=params.free_floor_m2,
                                 objective=params.portfolio_objective, joint=joint)
    audience = audience_from_inputs(data.members, model.select([featured]),
                                    min_group_size=params.min_group_size)
    adoption = adoption_band(simulation, most_likely=adoption_curve(forecast, data.assumptions))
    names = {**dict(zip(data.equipment[ID].astype(str), data.equipment["name"].astype(str),
                        strict=True)), NOTHING: NOTHING_LABEL}
    information = value_of_information(simulation, finance, adoption, data.assumptions,
                                       featured, names)
    return DecisionAnalysis(
        data=data, params=params, currency=params.currency or data.club.currency,
        candidates=candidates, cost_fills=fills,
        names=names,
        criteria=criteria, weights=weights, calibrations=calibrations, forecast=forecast,
        adoption=adoption, finance=finance,
        simulation=simulation, matrix=matrix, scores=scores, topsis_scores=closeness,
        nothing_score=float(everything[NOTHING]),
        contributions=parts, acceptability=acceptability, stability=stability,
        npv_tornado=npv_swings, margin_tornado=margin, value_for_money=vfm,
        portfolios=portfolios, ranking=ranking, audience=audience, model=model,
        pooled=pooled, backtest=track, information=information)


def criterion_label(name: str) -> str:
    """A criterion's plain name for managers (``npv`` -> "Net present value")."""
    return CRITERIA[name].label if name in CRITERIA else name.replace("_", " ").capitalize()


def churn_by_visits(churn: ChurnBands, min_group_size: int = MIN_GROUP_SIZE) -> pd.DataFrame:
    """The cancellation rates a manager reads: one row per visit band, then all members.

    From :func:`evaluate.model.churn.measure_churn`. Columns: ``band`` (visits a week, or
    "all members"), ``members`` (in the year measured), ``cancellations``, ``rate`` (fraction
    a year, the one the model uses), ``basis`` (``measured``, ``club-wide`` or
    ``assumption``) and ``suppressed``. Privacy (:mod:`evaluate.reports.privacy`): a count of
    members under ``min_group_size`` is hidden (NaN), and so is a count of cancellations
    that is, or leaves, fewer than that of the band's members; a rate measured on a band
    whose count is hidden is hidden too (a rate taken from the club or the assumption does
    not rest on the band). Member-years are not shown: with the rate they give the count.
    """
    table = churn.table[["band", "members", "cancellations", "rate", "basis"]]
    club = {"band": "all members", "members": churn.members,
            "cancellations": churn.cancellations, "rate": churn.club_rate,
            "basis": churn.club_basis}
    table = pd.concat([table, pd.DataFrame([club])], ignore_index=True)
    shown = np.array([shown_group(n, min_group_size) for n in table["members"]])
    split = np.array([shown_split(c, n, min_group_size) for c, n in
                      zip(table["cancellations"], table["members"], strict=True)])
    rate_shown = shown | (table["basis"] != MEASURED).to_numpy()
    out = table.astype({"members": float, "cancellations": float})
    out["members"] = out["members"].where(shown)
    out["cancellations"] = out["cancellations"].where(split & shown)
    out["rate"] = out["rate"].where(rate_shown)
    out[SUPPRESSED] = ~(shown & split & rate_shown)
    return out
