"""The documented schema of a decision report's ``summary.json``, for scheduled consumers.

A build writes ``<report>.summary.json`` beside each report (the build's own keys:
``report``, ``title``, ``status``, ``build_id``, ``data``, ``parameters``, ``figures``,
``failure``). A decision report adds the fields of :class:`DecisionSummary` at the top level.
The decision notebook validates its fields with this model before recording them, the tests
validate the built file, and README.md ("Reading summary.json") documents it;
:func:`json_schema` gives the JSON Schema for consumers in other languages.

Units: fractions are 0-1, money is in ``currency`` (ISO 4217), weekly uses are sessions a
week at full adoption, floor area is m² with clearance. ``null`` means "not defined" (a
payback never reached within the horizon, a cost per use of a machine nobody uses) or, for a
field added after the first version, "not recorded" (a summary written before it).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Band(BaseModel):
    """P10 / P50 / P90 of a Monte Carlo output (``null`` where a percentile is infinite)."""

    model_config = ConfigDict(extra="forbid")

    p10: float | None
    p50: float | None
    p90: float | None


class Benefit(BaseModel):
    """One benefit item of a candidate: its present value and the evidence it rests on."""

    model_config = ConfigDict(extra="forbid")

    pv: float = Field(description="present value at the most-likely inputs, currency")
    basis: Literal["measured", "published", "assumption"] = Field(
        description="the weakest basis among the item's inputs: measured in the club's data, "
        "published (with a source) or an assumption")


class BuyNothing(BaseModel):
    """Buying nothing, scored beside the machines on the same criteria."""

    model_config = ConfigDict(extra="forbid")

    score: float = Field(ge=0, le=1, description="weighted-sum score, 0-1 (most likely)")
    p_first: float = Field(ge=0, le=1, description="probability of ranking first (Monte "
                           "Carlo)")
    about_as_good: bool = Field(description="whether the first screen says buying nothing is "
                                "about as good as its machine (on the scores or on money)")


class CandidateSummary(BaseModel):
    """One candidate's standing in the decision."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="the machine's name in equipment.csv")
    rank: int = Field(ge=1, description="1 = recommended (weighted-sum score, most likely)")
    score: float = Field(ge=0, le=1, description="weighted-sum score, 0-1")
    topsis: float = Field(ge=0, le=1, description="TOPSIS closeness coefficient, 0-1")
    p_best: float = Field(ge=0, le=1, description="probability of ranking first (Monte Carlo)")
    p_npv_positive: float = Field(ge=0, le=1, description="probability that NPV > 0")
    weekly_uses: Band = Field(description="sessions a week at full adoption")
    npv: Band = Field(description="net present value, currency")
    back_pain_served: float = Field(ge=0, description="regular users with back pain (most "
                                    "likely)")
    payback_years: float | None = Field(description="years; null = not within the horizon")
    cost_per_use: float | None = Field(description="currency per session; null = no use")
    up_front: float = Field(ge=0, description="price plus installation, currency")
    floor_m2: float = Field(ge=0, description="floor area with clearance, m²")
    fits_limits: bool | None = Field(None, description="whether it fits the budget and the "
                                     "free floor on its own (null: not recorded)")
    added_users: Band | None = Field(None, description="regular users it adds to the club as "
                                     "it is, beside the machines the club owns, members (null: "
                                     "not recorded)")
    npv_sourced: Band | None = Field(None, description="net present value counting measured "
                                     "and published benefit items only, currency (null: not "
                                     "recorded)")
    p_npv_positive_sourced: float | None = Field(
        None, ge=0, le=1, description="probability that the NPV counting measured and "
        "published benefit items only is > 0 (null: not recorded)")
    break_even_members: float | None = Field(
        None, ge=0, description="members a year it must keep who would otherwise leave (or "
        "win) to pay for itself, most likely; null: not recorded, or no member pays for it")
    benefits: dict[Literal["retention", "trainer_sessions", "new_joins"], Benefit] | None = (
        Field(None, description="benefit item -> its present value and basis, most likely "
              "(null: not recorded)"))
    p_beats_nothing: float | None = Field(None, ge=0, le=1, description="probability of "
                                          "scoring above buying nothing (null: not recorded)")


class BestSet(BaseModel):
    """The best set of machines within the budget and the free floor."""

    model_config = ConfigDict(extra="forbid")

    members: list[str] = Field(description="equipment_id of each machine in the set")
    cost: float = Field(ge=0, description="up-front cost of the set, currency")
    floor_m2: float = Field(ge=0, description="floor area of the set, m²")


class Limits(BaseModel):
    """The decision's limits: what the first screen's machine and the best set must fit."""

    model_config = ConfigDict(extra="forbid")

    budget: float = Field(ge=0, description="money available for purchases, currency")
    free_floor_m2: float = Field(ge=0, description="free floor area, m²")


class Consistency(BaseModel):
    """How consistent the AHP pairwise judgements behind the weights are."""

    model_config = ConfigDict(extra="forbid")

    consistency_ratio: float = Field(ge=0, description="Saaty's CR; above 0.10 the judgements "
                                     "contradict each other")
    inconsistent: bool = Field(description="CR above 0.10")
    revisit: list[tuple[str, str]] = Field(description="the pairs of criteria whose "
                                           "judgements to revisit first, worst first; empty "
                                           "when consistent")


class BacktestSummary(BaseModel):
    """How good the forecasts have been at this club (a leave-one-out backtest).

    Each owned machine with sessions in the usage log, forecast without its own log and set
    against the log.
    """

    model_config = ConfigDict(extra="forbid")

    machines: int = Field(ge=0, description="owned machines with sessions in the usage log the "
                          "figures rest on")
    median_ape: float | None = Field(ge=0, description="median of |actual - forecast| / actual, "
                                     "a fraction (0.57 = 57%); null: not shown (privacy)")
    bias: float | None = Field(gt=0, description="geometric mean of actual / forecast (1 = "
                               "unbiased, 2 = actual use twice the forecast); null: not shown")
    coverage: float | None = Field(ge=0, le=1, description="share of actuals inside their "
                                   "forecast's P10-P90 band (about 0.8 for an honest band); "
                                   "null: not shown")
    skill_vs_naive: float | None = Field(
        le=1, description="1 - mean|log(actual/forecast)| / mean|log(actual/naive)|, the naive "
        "forecast being the other owned machines' average sessions a week per unit times the "
        "machine's units: above 0 the model beats it; null: no naive forecast (one machine) "
        "or not shown")
    beats_naive: bool | None = Field(None, description="skill_vs_naive above 0; null when "
                                     "skill_vs_naive is")
    sigma: float | None = Field(None, ge=0, description="spread (standard deviation of the "
                                "logarithm) of the model error the Monte Carlo multiplies "
                                "every candidate's demand by; null: not shown")
    sigma_basis: Literal["backtest", "floor"] | None = Field(
        None, description="where sigma comes from: this backtest, or the documented floor "
        "when fewer than three machines are logged")


class KeyFigure(BaseModel):
    """A figure as the index page shows it: a label and its formatted text."""

    model_config = ConfigDict(extra="forbid")

    label: str
    text: str


class DecisionSummary(BaseModel):
    """The decision fields of ``summary.json`` (see the module docstring for units)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["decision"] = "decision"
    club: str = Field(description="the club's name (club.yml)")
    recommendation: str = Field(description="equipment_id of the best-scoring machine "
                                "(rank 1)")
    recommendation_within_limits: str | None = Field(
        None, description="equipment_id of the machine the report says to buy: the "
        "best-scoring one that fits the budget and the free floor (the recommendation when it "
        "fits); null when no candidate fits")
    limits: Limits | None = Field(None, description="the budget and the free floor (null: "
                                  "not recorded)")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    draws: int = Field(ge=1, description="Monte Carlo draws")
    seed: int = Field(ge=0, description="random seed: same inputs and seed, same numbers")
    method: Literal["weighted_sum"] = "weighted_sum"
    normalization: str = Field(description="minmax, vector, sum, max or fixed")
    weights: dict[str, float] = Field(description="criterion -> weight, summing to 1")
    ahp: Consistency | None = Field(None, description="the AHP judgements' consistency; null "
                                    "when the weights were not derived by AHP")
    candidates: dict[str, CandidateSummary] = Field(description="keyed by equipment_id")
    best_set: BestSet | None = Field(description="null when no candidate fits")
    buy_nothing: BuyNothing | None = Field(None, description="buying nothing as an option "
                                           "(null: not recorded)")
    backtest: BacktestSummary | None = Field(None, description="how good the forecasts have "
                                             "been at this club; null: the club has no owned "
                                             "machine in a usage log, or not recorded")
    headline: str = Field(description="the first screen's answer, one line for the index "
                          "page")
    key_figures: list[KeyFigure] = Field(description="the key figures of the machine the "
                                         "first screen describes")
    evpi: float | None = Field(
        None, ge=0, description="expected value of perfect information, currency: what "
        "deciding after learning every uncertain input would gain on average, the options "
        "being the candidates and buying nothing and each one's net benefit its NPV in each "
        "simulated future (null: not recorded)")
    evppi: dict[str, float] | None = Field(
        None, description="group of inputs -> expected value of partial perfect information, "
        "currency, each between 0 and evpi (regression method of Strong, Oakley & Brennan "
        "2014): demand:<equipment_id> (that machine's own use), shared_demand, substitution, "
        "churn_effect, new_joins, trainer_sessions, running_costs, prices, and "
        "weekly_use:<equipment_id> (the real weekly use of the machine the first screen "
        "describes, what a trial rental measures); a group whose inputs never vary is left "
        "out (null: not recorded)")

    @model_validator(mode="after")
    def _recommendation_ranks_first(self) -> DecisionSummary:
        if self.recommendation not in self.candidates:
            raise ValueError(f"recommendation {self.recommendation!r} is not a candidate")
        if self.candidates[self.recommendation].rank != 1:
            raise ValueError("the recommendation must have rank 1")
        within = self.recommendation_within_limits
        if within is not None and within not in self.candidates:
            raise ValueError(f"recommendation_within_limits {within!r} is not a candidate")
        return self

    @model_validator(mode="after")
    def _evppi_within_evpi(self) -> DecisionSummary:
        for group, value in (self.evppi or {}).items():
            # Within rounding of the EVPI: both are sums over the same draws.
            if value < 0 or (self.evpi is not None and value > self.evpi * (1 + 1e-9) + 1e-9):
                raise ValueError(f"evppi[{group!r}] = {value} is not between 0 and the evpi "
                                 f"({self.evpi})")
        return self


class DecisionSummaryFile(DecisionSummary):
    """A whole decision report's ``summary.json``: the build's keys and the decision's.

    Keys the build may add in later versions are allowed; the documented ones are checked.
    """

    model_config = ConfigDict(extra="allow")

    report: str
    title: str
    status: Literal["ok"]
    build_id: str
    data: str
    parameters: dict[str, Any]
    figures: dict[str, Any]
    failure: None


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a decision report's ``summary.json``."""
    return DecisionSummaryFile.model_json_schema()
