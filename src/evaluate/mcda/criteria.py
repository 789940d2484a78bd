"""The club decision's criteria and their weights per decision (AHP included).

Each criterion has a direction (``max``: more is better, ``min``: less is better), a unit, a
default weight and a one-line meaning (:data:`CRITERIA`). A decision (a build plan entry or a
notebook's parameters) may override the weights or derive them from AHP pairwise comparisons
(:class:`DecisionCriteria`).

The decision matrix itself, the model's outputs for each criterion, is built by
:mod:`evaluate.reports.decision.matrix`; this module knows nothing of the model or the club.

Two criteria are categorical in ``equipment.csv`` and are mapped to numbers here, explicitly:

- ``evidence``: the evidence grade behind the machine's back-care claim, on the GRADE
  ladder ``very_low`` = 0, ``low`` = 1, ``moderate`` = 2, ``high`` = 3 (:data:`EVIDENCE_POINTS`).
  Equal steps are a judgement, not a measurement: the grades are ordered, not spaced.
- ``supervision``: the staff time a safe first use needs, ``none`` = 0, ``brief`` = 1
  (an induction), ``trainer`` = 2 (a trainer present) (:data:`SUPERVISION_POINTS`); less is
  better. Again ordered, with equal steps by judgement.

**Default weights: one forecast counts once.** A family of criteria should be non-redundant:
two criteria that measure the same thing give it twice the weight the decision makers meant
(Roy 1996, *Multicriteria Methodology for Decision Aiding*; Department for Communities and
Local Government 2009, *Multi-criteria analysis: a manual*, which warns against double
counting). Weekly uses, members with back pain served and cost per use are
all read off one demand forecast: across the Monte Carlo draws they move together
(:func:`evaluate.mcda.correlation.criteria_correlation` measures by how much; the report shows
it). The rule for the defaults (:data:`DEFAULT_UNITS`, in units of one independent criterion):

- every source of information carries its own weight: the net present value 2 units (it also
  rests on the forecast, but adds prices, running costs, dues and churn, which the forecast
  does not drive), floor space, evidence and supervision 1 unit each;
- the one forecast carries 2 units, the most any single criterion carries, shared by its three
  criteria 2 : 2 : 1 (0.8, 0.8 and 0.4 units): use and back-care reach each twice the cost
  per use, which also counts the machine's costs.

So 35ths: weekly uses 4, back-pain served 4, NPV 10, cost per use 2, floor space 5,
evidence 5, supervision 5 (about 11, 11, 29, 6, 14, 14 and 14%): the forecast's criteria
(:data:`FORECAST_CRITERIA`) together weigh as much as the NPV, not 2.5 times as much. A decision
that means to weigh use or back-care reach more sets its own weights (``weights``, or
``pairwise`` for AHP).

**The evidence grade is a judgement with a range.** In the Monte Carlo draws each candidate's
evidence points are drawn uniformly within :data:`EVIDENCE_HALF_WIDTH` of its grade's points
and clipped to the ladder's ends 0-3 (:func:`evaluate.reports.decision.matrix.decision_draws`),
so "ranks first in X%" includes doubt about the grade; the most-likely matrix keeps the grade's
points, which is each draw range's median. Half a grade either side is the widest range that
keeps a grade nearer its own points than a neighbour's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from evaluate.errors import did_you_mean
from evaluate.mcda.scoring import AHP_METHODS, RANDOM_INDEX, ahp_weights

Direction = Literal["max", "min"]


@dataclass(frozen=True)
class Criterion:
    """One criterion: name, direction (``max``/``min``), unit, default weight, meaning, label.

    ``label`` is the criterion's plain name in reports ("Net present value").
    """

    name: str
    direction: Direction
    unit: str
    weight: float
    meaning: str
    label: str


# The criteria read off the one demand forecast (see the module docstring).
FORECAST_CRITERIA: tuple[str, ...] = ("weekly_uses", "back_pain_served", "cost_per_use")
# The default weights in units of one independent criterion (see the module docstring): the
# forecast's three criteria share 2 units 2 : 2 : 1, the NPV has 2, the other three 1 each.
DEFAULT_UNITS: dict[str, float] = {"weekly_uses": 0.8, "back_pain_served": 0.8, "npv": 2.0,
                                   "cost_per_use": 0.4, "floor_space": 1.0, "evidence": 1.0,
                                   "supervision": 1.0}
_UNITS_TOTAL = sum(DEFAULT_UNITS.values())

CRITERIA: dict[str, Criterion] = {c.name: c for c in (
    Criterion("weekly_uses", "max", "sessions/week", DEFAULT_UNITS["weekly_uses"] / _UNITS_TOTAL,
              "forecast sessions a week at full adoption (most-likely scenario)",
              "Weekly uses"),
    Criterion("back_pain_served", "max", "members",
              DEFAULT_UNITS["back_pain_served"] / _UNITS_TOTAL,
              "members with current back pain who become regular users of the club's machines "
              "because of it (beside the machines the club owns)",
              "Members with back pain served"),
    Criterion("npv", "max", "currency", DEFAULT_UNITS["npv"] / _UNITS_TOTAL,
              "net present value over the machine's life or the horizon", "Net present value"),
    Criterion("cost_per_use", "min", "currency/session",
              DEFAULT_UNITS["cost_per_use"] / _UNITS_TOTAL,
              "equivalent annual cost per forecast session", "Cost per use"),
    Criterion("floor_space", "min", "m²", DEFAULT_UNITS["floor_space"] / _UNITS_TOTAL,
              "floor area taken, clearance included", "Floor space"),
    Criterion("evidence", "max", "grade points 0-3", DEFAULT_UNITS["evidence"] / _UNITS_TOTAL,
              "strength of evidence for the back-care claim (very_low 0 .. high 3)",
              "Evidence strength"),
    Criterion("supervision", "min", "points 0-2", DEFAULT_UNITS["supervision"] / _UNITS_TOTAL,
              "staff supervision a safe use needs (none 0, brief 1, trainer 2)",
              "Supervision need"),
)}
EVIDENCE_POINTS: dict[str, float] = {"very_low": 0.0, "low": 1.0, "moderate": 2.0, "high": 3.0}
SUPERVISION_POINTS: dict[str, float] = {"none": 0.0, "brief": 1.0, "trainer": 2.0}
# How far a candidate's evidence points are drawn either side of its grade's in the Monte
# Carlo (grade points; see the module docstring): half a grade, the widest range keeping each
# draw nearer its own grade than a neighbour's.
EVIDENCE_HALF_WIDTH = 0.5


def _check_names(names: list[str]) -> None:
    unknown = [n for n in names if n not in CRITERIA]
    if unknown:
        hints = "; ".join(f"{n!r} ({did_you_mean(n, CRITERIA).strip()})"
                          .replace(" ()", "") for n in unknown)
        raise ValueError(f"unknown criterion {hints}; the criteria are "
                         f"{', '.join(CRITERIA)}")


class DecisionCriteria(BaseModel):
    """The criteria and weights of one decision, as a plan or a notebook's parameters give them.

    ``weights`` maps criteria to weights (any positive scale; they are normalised to sum 1).
    Criteria left out are not used; the default is every criterion at its documented weight.
    A weight of 0 keeps the criterion in the matrix (shown) but out of the score.

    ``pairwise`` derives the weights by AHP instead: ``{a: {b: x}}`` says ``a`` is ``x`` times
    as important as ``b`` (Saaty's 1-9 scale; ``1/x`` the reverse). Every pair of the
    criteria named in ``pairwise`` must be given once, in either order; those criteria are
    the ones used. ``ahp_method`` and ``ri_table`` go to :func:`evaluate.mcda.scoring.ahp_weights`.
    """

    model_config = ConfigDict(extra="forbid")

    weights: dict[str, float] = Field(
        default_factory=lambda: {n: c.weight for n, c in CRITERIA.items()},
        description="criterion -> weight (>= 0, not all 0); normalised to sum 1")
    pairwise: dict[str, dict[str, float]] | None = Field(
        None, description="AHP judgements {a: {b: x}}: a is x times as important as b")
    ahp_method: str = Field("eigenvector", description="AHP weight derivation: "
                            + ", ".join(AHP_METHODS))
    ri_table: str = Field("saaty1980", description="AHP random-index table: "
                          + ", ".join(RANDOM_INDEX))

    @field_validator("ahp_method", "ri_table")
    @classmethod
    def _known_option(cls, value: str, info: ValidationInfo) -> str:
        known = AHP_METHODS if info.field_name == "ahp_method" else tuple(RANDOM_INDEX)
        if value not in known:
            raise ValueError(f"{info.field_name} {value!r} is unknown; "
                             f"{did_you_mean(value, known)}choose one of {', '.join(known)}")
        return value

    @field_validator("weights")
    @classmethod
    def _check_weights(cls, value: dict[str, float]) -> dict[str, float]:
        _check_names(list(value))
        bad = {n: w for n, w in value.items() if not (np.isfinite(w) and w >= 0)}
        if bad:
            raise ValueError(f"weights must be finite and >= 0, got {bad}")
        if value and not any(w > 0 for w in value.values()):
            raise ValueError("at least one weight must be above 0")
        if not value:
            raise ValueError("give at least one criterion")
        return value

    @field_validator("pairwise")
    @classmethod
    def _check_pairwise(cls, value: dict[str, dict[str, float]] | None
                        ) -> dict[str, dict[str, float]] | None:
        if value is None:
            return None
        named = {a for a in value} | {b for row in value.values() for b in row}
        _check_names(sorted(named))
        names = [n for n in CRITERIA if n in named]
        given: dict[frozenset[str], float] = {}
        for a, row in value.items():
            for b, x in row.items():
                if a == b or not (np.isfinite(x) and x > 0):
                    raise ValueError(f"pairwise {a!r} vs {b!r}: need two different criteria "
                                     f"and a judgement > 0, got {x!r}")
                if frozenset((a, b)) in given:
                    raise ValueError(f"pairwise {a!r} vs {b!r} is given twice")
                given[frozenset((a, b))] = x
        missing = [f"{a} vs {b}" for i, a in enumerate(names) for b in names[i + 1:]
                   if frozenset((a, b)) not in given]
        if missing:
            raise ValueError("pairwise comparisons missing: " + ", ".join(missing))
        return value

    @model_validator(mode="after")
    def _pairwise_sets_weights(self) -> DecisionCriteria:
        if self.pairwise is not None and "weights" in self.model_fields_set:
            raise ValueError("give weights or pairwise, not both")
        return self

    @property
    def names(self) -> list[str]:
        """The criteria used, in :data:`CRITERIA` order."""
        used = set(self.weights) if self.pairwise is None else set(pairwise_matrix(
            self.pairwise).index)
        return [n for n in CRITERIA if n in used]

    @property
    def directions(self) -> dict[str, Direction]:
        """Criterion -> ``"max"`` or ``"min"`` for the criteria used."""
        return {n: CRITERIA[n].direction for n in self.names}

    def resolved_weights(self) -> pd.Series:
        """Weights normalised to sum 1, indexed by criterion (:attr:`names` order).

        With ``pairwise``, the AHP weights (:func:`evaluate.mcda.scoring.ahp_weights`); its
        :class:`~evaluate.mcda.scoring.AHPResult` is on ``series.attrs["ahp"]`` and the consistency
        ratio on ``series.attrs["consistency_ratio"]`` (above 0.10 revisit the judgements).
        """
        if self.pairwise is None:
            w = pd.Series({n: float(self.weights[n]) for n in self.names}, name="weight")
            return w / w.sum()
        found = ahp_weights(pairwise_matrix(self.pairwise), method=self.ahp_method,
                            ri_table=self.ri_table)
        w = found.weights.reindex(self.names).rename("weight")
        w = w / w.sum()
        w.attrs.update(ahp=found, consistency_ratio=found.consistency_ratio)
        return w

    def table(self) -> pd.DataFrame:
        """The criteria as a report shows them: name, direction, unit, weight, meaning."""
        w = self.resolved_weights()
        return pd.DataFrame([{"criterion": n, "direction": CRITERIA[n].direction,
                              "unit": CRITERIA[n].unit, "weight": w[n],
                              "meaning": CRITERIA[n].meaning} for n in self.names])


def pairwise_matrix(pairwise: Mapping[str, Mapping[str, float]]) -> pd.DataFrame:
    """The square reciprocal AHP matrix from ``{a: {b: x}}`` judgements (criteria order)."""
    names = [n for n in CRITERIA
             if n in pairwise or any(n in row for row in pairwise.values())]
    m = pd.DataFrame(np.ones((len(names), len(names))), index=names, columns=names)
    for a, row in pairwise.items():
        for b, x in row.items():
            m.loc[a, b], m.loc[b, a] = float(x), 1.0 / float(x)
    return m


def category_points(values: pd.Series, points: Mapping[str, float]) -> np.ndarray:
    """Map a categorical column to its points (see the module docstring); unknown -> error."""
    text = values.astype("string")
    unknown = sorted(set(text.dropna()) - set(points)) + (["(blank)"] if text.isna().any()
                                                           else [])
    if unknown:
        raise ValueError(f"no points for {unknown}; known: {', '.join(points)}")
    return text.map(dict(points)).to_numpy(float)
