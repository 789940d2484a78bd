"""Parameter models of the notebooks: what each notebook accepts, checked before it runs.

The build validates a plan's parameters with :data:`PARAMETER_MODELS` before executing
anything, and each notebook validates its own ``parameters`` cell with the same model, so a
bad value fails with a clear message whether the report runs from the build, papermill or
JupyterLab. The field names and defaults must match the notebook's ``parameters`` cell
(``tests/reports/test_notebook_params.py`` checks this for every notebook).

Parameters are plain literals (strings, numbers, lists, dicts) so that papermill can inject
them and ``papermill --help-notebook`` can list them; an empty string or an empty collection
means "the documented default".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from evaluate.data.equipment import EQUIPMENT_FILE, equipment_ids
from evaluate.errors import BadParameter, did_you_mean
from evaluate.mcda.criteria import DecisionCriteria
from evaluate.mcda.normalization import NORMALIZATIONS
from evaluate.model.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED
from evaluate.paths import resolve_data_dir
from evaluate.reports.privacy import MIN_GROUP_SIZE


def _iso_date_or_empty(value: str, name: str) -> str:
    value = value.strip()
    if value:
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{name} must be a date as YYYY-MM-DD or empty, not {value!r}"
                             ) from exc
    return value


def _known_machines(data_dir: str, ids: list[str], parameter: str) -> None:
    """Raise :class:`BadParameter` when ``ids`` names a machine the club's catalogue lacks.

    Checked before a report runs, not when its cell needs the machine. Says nothing when
    ``equipment.csv`` cannot be read: the check of the data folder reports that.
    """
    folder = resolve_data_dir(data_dir)
    known = equipment_ids(folder)
    unknown = [i for i in ids if known is not None and i not in known]
    if unknown:
        hints = "".join(did_you_mean(i, known) for i in unknown)
        raise BadParameter(
            parameter, f"no machine {', '.join(map(repr, unknown))} in {folder / EQUIPMENT_FILE}",
            fix=f"{hints}give {parameter} an equipment_id of {EQUIPMENT_FILE}: "
                + ", ".join(known) + f"; or add the machine to {EQUIPMENT_FILE}")


class _ClubParams(BaseModel):
    """What every report notebook shares: the data folder, the date, the privacy floor."""

    model_config = ConfigDict(extra="forbid")

    data_dir: str = Field("", description="club data folder; empty = the bundled demo club")

    @property
    def resolved_data_dir(self) -> Path:
        """The data folder as an absolute path (the demo club when ``data_dir`` is empty)."""
        return resolve_data_dir(self.data_dir)

    # Every report takes ``as_of``; each notebook declares it in its own place among its
    # parameters (the order papermill lists), so the field is the subclasses' and its check
    # and reading are here once.
    @field_validator("as_of", check_fields=False)
    @classmethod
    def _as_of(cls, value: str) -> str:
        return _iso_date_or_empty(value, "as_of")

    @property
    def as_of_date(self) -> date | None:
        """``as_of`` as a date, or ``None`` for the latest date in the data."""
        return date.fromisoformat(self.as_of) if self.as_of else None


class MemberProfileParams(_ClubParams):
    """Parameters of ``notebooks/member_profile.ipynb``."""

    status: Literal["active", "cancelled", "all"] = Field(
        "active", description="which members to profile: active, cancelled or all")
    as_of: str = Field("", description="profile date, YYYY-MM-DD; empty = latest date in data")
    min_group_size: int = Field(MIN_GROUP_SIZE, ge=MIN_GROUP_SIZE,
                                description="smallest group shown in charts and tables")


class _ModelParams(_ClubParams):
    """Parameters of the notebooks that run the usage and money model with its Monte Carlo."""

    currency: str = Field("", pattern=r"^([A-Z]{3})?$",
                          description="ISO 4217 code shown on money; empty = club.yml's")
    draws: int = Field(DEFAULT_DRAWS, ge=100, le=200_000,
                       description="Monte Carlo draws (simulated futures)")
    seed: int = Field(DEFAULT_SEED, ge=0, description="random seed; same seed, same numbers")
    calibrate: bool = Field(True, description="calibrate uptakes on a comparable owned "
                            "machine's usage log when there is one")
    as_of: str = Field("", description="roster date, YYYY-MM-DD; empty = latest date in data")
    min_group_size: int = Field(MIN_GROUP_SIZE, ge=MIN_GROUP_SIZE,
                                description="smallest group of members shown")


class DecisionReportParams(_ModelParams):
    """Parameters of ``notebooks/decision_report.ipynb``: one club, one decision."""

    candidates: list[str] = Field(default_factory=list, description="equipment_id of each "
                                  "candidate; empty = every machine in equipment.csv")
    weights: dict[str, float] = Field(default_factory=dict, description="criterion -> weight; "
                                      "empty = the documented default weights")
    pairwise: dict[str, dict[str, float]] = Field(
        default_factory=dict, description="AHP judgements {a: {b: x}} (a is x times as "
        "important as b) instead of weights; empty = use weights")
    ahp_method: str = Field("eigenvector", description="AHP: eigenvector or geometric")
    ri_table: str = Field("saaty1980", description="AHP random-index table")
    normalization: str = Field("minmax", description="how criteria are put on one scale: "
                               + ", ".join(NORMALIZATIONS))
    value_ranges: dict[str, list[float]] = Field(
        default_factory=dict, description="criterion -> [worst, best] for normalization "
        "'fixed'")
    weight_sampling: Literal["none", "simplex", "dirichlet"] = Field(
        "simplex", description="also draw the weights around the managers' weights")
    weight_spread: float = Field(0.3, gt=0, le=1, description="share of the weights redrawn "
                                 "(simplex sampling)")
    budget: float = Field(5000.0, ge=0, description="money available for purchases")
    free_floor_m2: float = Field(12.0, ge=0, description="free floor area, m²")
    portfolio_objective: Literal["score", "npv"] = Field(
        "score", description="what the best set maximises")

    @field_validator("normalization")
    @classmethod
    def _normalization(cls, value: str) -> str:
        if value not in NORMALIZATIONS:
            raise ValueError(f"normalization {value!r} is unknown; choose one of "
                             + ", ".join(NORMALIZATIONS))
        return value

    @model_validator(mode="after")
    def _check_decision(self) -> DecisionReportParams:
        self.criteria  # noqa: B018 - raises a ValueError naming the bad weight or judgement
        if self.normalization == "fixed":
            missing = [n for n in self.criteria.names if n not in self.value_ranges]
            if missing:
                raise BadParameter("value_ranges", "normalization 'fixed' needs value_ranges "
                                   "for " + ", ".join(missing),
                                   fix="give value_ranges {criterion: [worst, best]} for each "
                                   "of them, or another normalization")
        bad = {k: v for k, v in self.value_ranges.items() if len(v) != 2}
        if bad:
            raise BadParameter("value_ranges", f"value_ranges need [worst, best] pairs, got "
                               f"{bad}", fix="give two numbers for each criterion")
        if len(set(self.candidates)) != len(self.candidates):
            raise BadParameter("candidates", f"candidates lists a machine twice: "
                               f"{self.candidates}", fix="list each machine once")
        _known_machines(self.data_dir, self.candidates, "candidates")
        return self

    @property
    def criteria(self) -> DecisionCriteria:
        """The decision's criteria and weights (defaults, given weights, or AHP)."""
        given: dict[str, object] = {"ahp_method": self.ahp_method, "ri_table": self.ri_table}
        if self.pairwise:
            given["pairwise"] = self.pairwise
        elif self.weights:
            given["weights"] = self.weights
        return DecisionCriteria(**given)

    @property
    def ranges(self) -> dict[str, tuple[float, float]] | None:
        """``value_ranges`` as ``(worst, best)`` tuples, for normalization ``fixed`` only."""
        if self.normalization != "fixed":
            return None
        return {k: (float(v[0]), float(v[1])) for k, v in self.value_ranges.items()}


class CandidateProfileParams(_ModelParams):
    """Parameters of ``notebooks/candidate_profile.ipynb``: one candidate machine."""

    equipment_id: str = Field("reverse_hyper", min_length=1,
                              description="the candidate to profile (equipment.csv)")

    @model_validator(mode="after")
    def _known(self) -> CandidateProfileParams:
        _known_machines(self.data_dir, [self.equipment_id], "equipment_id")
        return self


class UsageReviewParams(_ModelParams):
    """Parameters of ``notebooks/usage_review.ipynb``: an installed machine's use vs forecast."""

    equipment_id: str = Field("back_extension_45", min_length=1,
                              description="the installed machine to review (in the usage log)")
    installed: str = Field("", description="installation date, YYYY-MM-DD; empty = before "
                           "the usage log starts (compare with full adoption)")

    @field_validator("installed")
    @classmethod
    def _installed(cls, value: str) -> str:
        return _iso_date_or_empty(value, "installed")

    @model_validator(mode="after")
    def _known(self) -> UsageReviewParams:
        _known_machines(self.data_dir, [self.equipment_id], "equipment_id")
        return self

    @property
    def installed_date(self) -> date | None:
        """``installed`` as a date, or ``None``: installed before the log starts."""
        return date.fromisoformat(self.installed) if self.installed else None


class ChainRollupParams(BaseModel):
    """Parameters of ``notebooks/chain_rollup.ipynb``: where each machine pays off best."""

    model_config = ConfigDict(extra="forbid")

    summaries_dir: str = Field("", description="build folder holding the clubs' decision "
                               "summaries (set by the build); empty = run club_dirs")
    club_dirs: list[str] = Field(default_factory=list, description="club data folders to "
                                 "run when summaries_dir is empty; empty = the demo club")
    draws: int = Field(DEFAULT_DRAWS, ge=100, le=200_000,
                       description="Monte Carlo draws when running club_dirs")
    seed: int = Field(DEFAULT_SEED, ge=0, description="random seed when running club_dirs")

    @property
    def clubs(self) -> list[str]:
        """The club folders to run: ``club_dirs``, or the demo club."""
        return self.club_dirs or [""]


# Keyed by notebook file stem; the build looks up a report's model here.
PARAMETER_MODELS: dict[str, type[BaseModel]] = {
    "member_profile": MemberProfileParams,
    "decision_report": DecisionReportParams,
    "candidate_profile": CandidateProfileParams,
    "usage_review": UsageReviewParams,
    "chain_rollup": ChainRollupParams,
}
