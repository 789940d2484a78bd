"""Parameter models of the notebooks: what each notebook accepts, checked before it runs.

The build validates a plan's parameters with :data:`PARAMETER_MODELS` before executing
anything, and each notebook validates its own ``parameters`` cell with the same model, so a
bad value fails with a clear message whether the report runs from the build, papermill or
JupyterLab. The field names and defaults must match the notebook's ``parameters`` cell
(``tests/reports/test_notebook_params.py`` checks this for every notebook).

Parameters are plain literals (strings, numbers, lists, dicts) so that papermill can inject
them and ``papermill --help-notebook`` can list them; an empty string or an empty collection
means "the documented default".

A model also declares what the report needs of the club's data beyond files that pass their
checks (``needs``: :data:`ACTIVE_MEMBERS`, :data:`USAGE_LOG`); the build asks
:func:`missing_data` and :func:`roster_problem` before anything runs, so a report the data
cannot support is not built (with its reason) or refused, and does not fail halfway.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from evaluate.data.equipment import EQUIPMENT_FILE, equipment_ids
from evaluate.data.members import MEMBERS_FILE
from evaluate.data.roster import Roster
from evaluate.data.usage import USAGE_STEM, load_equipment_usage
from evaluate.errors import BadParameter, DataError, Problem, did_you_mean
from evaluate.mcda.criteria import DecisionCriteria
from evaluate.mcda.normalization import NORMALIZATIONS
from evaluate.model.segments import as_of_day, no_active_member
from evaluate.model.uncertainty import DEFAULT_DRAWS, DEFAULT_SEED
from evaluate.paths import resolve_data_dir
from evaluate.reports.privacy import MIN_GROUP_SIZE

if TYPE_CHECKING:
    from evaluate.data.checks import FolderCheck

#: A need of a report (see ``needs`` of :class:`_ClubParams`): a member active on the roster
#: date (``as_of``; empty: the roster's latest date). The model forecasts for the active
#: members; a roster without one (all cancelled, all frozen, or ``as_of`` before every join)
#: has nothing to forecast, and the build refuses it as bad data (:func:`roster_problem`).
ACTIVE_MEMBERS = "active members"
#: A need of a report: the usage log, with sessions of the machine ``equipment_id`` names.
#: Without the log, or when the log lacks the notebook's default machine, the report is not
#: built, with the reason (:func:`missing_data`); a machine the plan or ``--param`` names
#: that an existing log lacks is refused as a bad parameter.
USAGE_LOG = "usage log"
#: Why a report that needs the usage log is not built for a club that keeps none.
NO_USAGE_LOG = f"the club has no usage log ({USAGE_STEM}.csv or {USAGE_STEM}.parquet)"


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
    if known is None:
        return
    unknown = [i for i in ids if i not in known]
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

    #: What the report needs of the club's data (:data:`ACTIVE_MEMBERS`, :data:`USAGE_LOG`).
    needs: ClassVar[frozenset[str]] = frozenset()

    if TYPE_CHECKING:  # each subclass declares the field (see below), in its own place
        as_of: str

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

    needs: ClassVar[frozenset[str]] = frozenset({ACTIVE_MEMBERS})

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

    needs: ClassVar[frozenset[str]] = frozenset({ACTIVE_MEMBERS, USAGE_LOG})

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
    summaries_from: list[str] = Field(
        default_factory=list, description="output folders (their latest build) or build "
        "folders of other builds, or globs, whose club decision summaries join the roll-up")
    club_dirs: list[str] = Field(default_factory=list, description="club data folders to "
                                 "run when summaries_dir and summaries_from are empty; empty "
                                 "= the demo club")
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


def missing_data(params: BaseModel, given: Collection[str] = ()) -> str | None:
    """Why the club's data cannot support the report ``params`` describe, or ``None``.

    A report with a reason is not built: the build says why and goes on. Only what
    ``params.needs`` holds is asked (:data:`USAGE_LOG`: the usage log, with sessions of the
    machine ``equipment_id`` names). Says nothing when the log cannot be read: the check of the
    data folder reports that.

    Raises
    ------
    BadParameter
        When a parameter in ``given`` (set by the plan or ``--param``, not the notebook's
        default) names what the data lacks: a machine without sessions in the usage log.
    """
    if USAGE_LOG not in getattr(params, "needs", frozenset()):
        return None
    # The model that needs the log names the machine (a new one must, too).
    assert isinstance(params, UsageReviewParams)
    from evaluate.reports.usage_review.analysis import logged_machines  # the review's rule

    try:
        usage = load_equipment_usage(params.resolved_data_dir)
    except DataError:
        return None
    if usage.attrs.get("file") is None:
        return NO_USAGE_LOG
    machine, log_file = params.equipment_id, Path(usage.attrs["file"])
    logged = logged_machines(usage)
    if machine in logged:
        return None
    have = ("machines with sessions in it: " + ", ".join(logged)) if logged else (
        "it has no sessions at all")
    if "equipment_id" in given:
        raise BadParameter(
            "equipment_id", f"no sessions of machine {machine!r} in the usage log {log_file}",
            fix=f"{did_you_mean(machine, logged)}give equipment_id a machine the log has "
                f"sessions of ({have}); or add the machine's sessions to {log_file.name}")
    return (f"the usage log ({log_file.name}) has no sessions of {machine}, the machine the "
            f"notebook reviews by default ({have}); name one with equipment_id")


def roster_problem(params: BaseModel, check: FolderCheck) -> Problem | None:
    """The problem when no member is active on the report's roster date, else ``None``.

    Asked only when the report needs an active member (:data:`ACTIVE_MEMBERS`), of the roster
    of the data folder ``check`` read, on ``as_of`` or else the club's roster date (its logs
    counted); ``None`` too when the roster, or its date, could not be read: the check lists
    that problem.
    """
    members = check.loaded.get(MEMBERS_FILE)
    if ACTIVE_MEMBERS not in getattr(params, "needs", frozenset()) or members is None:
        return None
    assert isinstance(params, _ClubParams)  # the models that declare needs: they have as_of
    day = as_of_day(Roster(members, check.roster_date), params.as_of_date)
    if day is None:  # the roster date cannot be told: the check lists that problem
        return None
    return no_active_member(members, day, file=check.data_dir / MEMBERS_FILE)
