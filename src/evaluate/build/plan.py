"""The build plan: which notebooks to run, with which parameters, into which reports.

A plan is a YAML file validated by pydantic (the shape of cal-itp's portfolio
sites). Each entry names a notebook and one or more parameter sets; each set
gives one report. Paths in a plan are relative to the plan file. Report names
are slugs, so no name can escape the build folder.

.. code-block:: yaml

    title: Demo club reports
    data_dir: ../data/demo
    reports:
      - name: member-profile
        notebook: member_profile.ipynb
        title: "Member profile: {status} members"
        parameter_sets:
          - {name: active, parameters: {status: active}}
          - {name: cancelled, parameters: {status: cancelled}}
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

from evaluate.data.yaml_files import SAFE_LOADER, read_yaml, top_line
from evaluate.errors import PlanError, Problem, did_you_mean

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
SLUG_RULE = "lower-case letters, digits and dashes, starting with a letter or digit"


class ParameterSet(BaseModel):
    """One report of an entry: a name suffix, an optional title and its parameters."""

    model_config = ConfigDict(extra="forbid")

    name: Slug | None = Field(None, description="suffix of the report name; required "
                              "when the entry has more than one parameter set")
    title: str | None = Field(None, description="overrides the entry's title")
    parameters: dict[str, Any] = Field(default_factory=dict)


class ReportEntry(BaseModel):
    """A notebook and the parameter sets it is rendered with."""

    model_config = ConfigDict(extra="forbid")

    name: Slug = Field(description="report name; the output files are named after it")
    notebook: Path = Field(description="the notebook, relative to the plan file")
    title: str = Field(description="page title; {parameter} placeholders are filled in")
    parameters: dict[str, Any] = Field(default_factory=dict,
                                       description="parameters shared by every set")
    parameter_sets: list[ParameterSet] = Field(default_factory=list)
    per_club: bool = Field(False, description="one report per club of the plan's clubs, "
                           "named <club folder>-<name>")

    @model_validator(mode="after")
    def _sets_are_named(self) -> ReportEntry:
        if len(self.parameter_sets) > 1:
            names = [s.name for s in self.parameter_sets]
            if None in names:
                raise ValueError("every parameter set needs a name when there are several")
            if len(set(names)) != len(names):
                raise ValueError(f"parameter set names repeat: {names}")
        return self


class BuildPlan(BaseModel):
    """The whole plan file."""

    model_config = ConfigDict(extra="forbid")

    title: str = "Club equipment reports"
    data_dir: Path | None = Field(None, description="club data folder, relative to the plan")
    cell_timeout: int = Field(600, gt=0, description="seconds a single cell may run")
    clubs: Path | list[Path] | None = Field(
        None, description="a chain: a folder whose subfolders are club data folders, or a "
        "list of club data folders, relative to the plan")
    shared_plotly: bool = Field(False, description="reports load one plotly.js from the "
                                "output folder's assets/ instead of each embedding it")
    reports: list[ReportEntry] = Field(min_length=1)


@dataclass(frozen=True)
class PlannedReport:
    """One report to build: a notebook with one full set of parameter overrides."""

    name: str
    entry: str  # the plan entry it comes from (equal to name for a single parameter set)
    notebook: Path
    title: str
    parameters: dict[str, Any] = field(default_factory=dict)
    data_dir: Path | None = None  # a chain's club folder (per_club entries); else the build's


@dataclass(frozen=True)
class LoadedPlan:
    """A validated plan, its file, and the reports it expands to."""

    path: Path
    plan: BuildPlan
    reports: list[PlannedReport]

    @property
    def data_dir(self) -> Path | None:
        """The plan's data folder as an absolute path, if it names one; it must exist.

        Read only when ``--data-dir`` is not given (which overrides it), so a plan whose
        folder is elsewhere still builds another club's folder.
        """
        if self.plan.data_dir is None:
            return None
        folder = (self.path.parent / self.plan.data_dir).resolve()
        if not folder.is_dir():
            raise PlanError.single(
                "the plan's club data folder was not found", file=self.path, column="data_dir",
                value=str(folder), rule="data_dir is a folder, relative to the plan file",
                fix="correct data_dir in the plan, or give --data-dir the folder holding "
                    "members.csv")
        return folder


_FIELDS = {
    "": set(BuildPlan.model_fields),
    "reports": set(ReportEntry.model_fields),
    "parameter_sets": set(ParameterSet.model_fields),
}


# What a value of each pydantic type must look like in a plan, for the fix.
_TYPE_FIX = {
    "int_parsing": "a whole number", "int_type": "a whole number",
    "float_parsing": "a number", "float_type": "a number",
    "bool_parsing": "true or false", "bool_type": "true or false",
    "string_type": "text", "list_type": "a list (one '- ' line per item)",
    "dict_type": "a mapping (one 'key: value' line per key)",
}


def _compose(text: str) -> yaml.Node | None:
    """The plan's YAML as nodes, which know their lines (None if it cannot be parsed)."""
    try:
        return yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        return None


def _yaml_line(node: yaml.Node | None, loc: list[str]) -> int | None:
    """The line of the key or item at ``loc`` under ``node`` (or of its nearest parent)."""
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if str(k.value) == part), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(
                node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _problem_from(err: ErrorDetails, path: Path, root: yaml.Node | None) -> Problem:
    loc = [str(p) for p in err["loc"]]
    where = ".".join(loc) or "(top level)"
    fix = "see the example at the top of src/evaluate/build/plan.py"
    if err["type"] == "extra_forbidden":
        parent = next((p for p in reversed(loc[:-1]) if not p.isdigit()), "")
        known = sorted(_FIELDS.get(parent, set()))
        fix = did_you_mean(loc[-1], known) + f"allowed: {', '.join(known)}"
    elif err["type"] == "string_pattern_mismatch":
        fix = f"use {SLUG_RULE}"
    elif err["type"] == "missing":
        fix = f"add {loc[-1]}: ({fix})"
    elif err["type"] in _TYPE_FIX:
        fix = f"give {loc[-1] if loc else 'it'} {_TYPE_FIX[err['type']]} ({fix})"
    elif err["type"] == "too_short":
        fix = f"add at least one item to {loc[-1] if loc else 'it'} ({fix})"
    value = err.get("input")
    if err["type"] == "missing" or isinstance(value, dict) and err["type"] == "value_error":
        value = None  # the whole entry: the line and key say where
    return Problem(err["msg"].removeprefix("Value error, "), file=path,
                   row=_yaml_line(root, loc), column=where, value=value, rule=err["type"],
                   fix=fix)


def _expand(entry: ReportEntry, plan_dir: Path, clubs: list[Path]) -> list[PlannedReport]:
    sets = entry.parameter_sets or [ParameterSet()]
    reports = []
    for club in clubs if entry.per_club else [None]:
        for pset in sets:
            params = {**entry.parameters, **pset.parameters}
            name = entry.name if len(sets) == 1 else f"{entry.name}-{pset.name}"
            title = pset.title or entry.title
            if club is not None:
                name, title = f"{club.name}-{name}", f"{title} · {club.name}"
            reports.append(PlannedReport(name=name, entry=entry.name,
                                         notebook=(plan_dir / entry.notebook).resolve(),
                                         title=title, parameters=params, data_dir=club))
    return reports


def club_folders(plan: BuildPlan, path: Path) -> list[Path]:
    """The chain's club folders, in name order (empty without ``clubs``); checked.

    ``clubs`` names a folder whose subfolders holding a ``members.csv`` are the clubs, or
    lists the club folders. Folder names become report-name prefixes, so they must be slugs.
    """
    if plan.clubs is None:
        if any(entry.per_club for entry in plan.reports):
            raise PlanError.single("per_club reports need the plan's clubs", file=path,
                                   column="clubs", fix="add clubs: FOLDER (the chain's "
                                   "club folders) or remove per_club")
        return []
    if isinstance(plan.clubs, list):
        folders = [(path.parent / c).resolve() for c in plan.clubs]
    else:
        root = (path.parent / plan.clubs).resolve()
        if not root.is_dir():
            raise PlanError.single("clubs folder not found", file=path, column="clubs",
                                   value=str(root), fix="give clubs the folder holding one "
                                   "subfolder per club")
        folders = sorted(p for p in root.iterdir() if (p / "members.csv").is_file())
    problems = []
    for folder in folders:
        if not folder.is_dir():
            problems.append(Problem("club folder not found", file=path, column="clubs",
                                    value=str(folder), fix="correct the path"))
        elif not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", folder.name):
            problems.append(Problem("club folder name is not a slug", file=path,
                                    column="clubs", value=folder.name,
                                    fix=f"rename the folder: {SLUG_RULE}"))
    if not folders:
        problems.append(Problem("the chain has no club (no subfolder with members.csv)",
                                file=path, column="clubs", fix="add the club folders"))
    if problems:
        raise PlanError(problems)
    return folders


def _check_reports(reports: list[PlannedReport], path: Path) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for report in reports:
        if report.name in seen:
            problems.append(Problem(f"two reports are named '{report.name}'", file=path,
                                    column="reports.name", rule="report names are unique",
                                    fix="rename one entry or parameter set"))
        seen.add(report.name)
        if not report.notebook.is_file():
            problems.append(Problem(f"notebook not found: {report.notebook}", file=path,
                                    column=f"{report.name}.notebook",
                                    rule="the notebook exists, relative to the plan file",
                                    fix="correct the path or add the notebook"))
        fields = {f for _, f, _, _ in string.Formatter().parse(report.title) if f}
        missing = fields - set(report.parameters)
        if missing:
            problems.append(Problem(
                f"title placeholder(s) {sorted(missing)} have no value in the plan",
                file=path, column=f"{report.name}.title", value=report.title,
                rule="each {placeholder} in a title is a parameter set in the plan",
                fix="set the parameter in the plan or remove the placeholder"))
    return problems


def load_plan(path: str | Path) -> LoadedPlan:
    """Read, validate and expand a plan file; raise :class:`PlanError` listing every problem."""
    path = Path(path).resolve()
    if not path.is_file():
        raise PlanError.single("plan file not found", file=path, column="--plan",
                               fix="give --plan the path of a plan YAML file")
    raw = read_yaml(path, error=PlanError)
    text = path.read_text  # for the lines of problems; read_yaml checked it is UTF-8
    if not isinstance(raw, dict):
        raise PlanError.single("the plan must be a YAML mapping with a 'reports' list"
                               + (" (the file is empty)" if raw is None else ""),
                               file=path, row=top_line(text("utf-8")) or 1, column="reports",
                               rule="a plan is title:, data_dir: and reports: (a list)",
                               fix="see the example in src/evaluate/build/plan.py or "
                                   "notebooks/plan.yml")
    try:
        plan = BuildPlan.model_validate(raw)
    except ValidationError as exc:
        root = _compose(text("utf-8"))
        raise PlanError([_problem_from(e, path, root) for e in exc.errors()]) from None
    clubs = club_folders(plan, path)
    reports = [r for entry in plan.reports for r in _expand(entry, path.parent, clubs)]
    problems = _check_reports(reports, path)
    if problems:
        raise PlanError(problems)
    return LoadedPlan(path=path, plan=plan, reports=reports)


def select_reports(reports: list[PlannedReport], only: tuple[str, ...] | list[str],
                   plan_path: Path) -> list[PlannedReport]:
    """Keep the reports named in ``only`` (a report name or a plan entry's name); all if empty."""
    if not only:
        return list(reports)
    names = [r.name for r in reports]
    unknown = [o for o in only if not any(o in (r.name, r.entry) for r in reports)]
    if unknown:
        raise PlanError([
            Problem(f"no report named '{name}' in the plan", file=plan_path, column="--only",
                    fix=did_you_mean(name, names) + f"reports: {', '.join(names)}")
            for name in unknown])
    return [r for r in reports if r.name in only or r.entry in only]
