"""Preparing a build: the plan read and every parameter checked before anything runs.

:func:`prepare` turns what ``evaluate build`` was asked (:class:`BuildOptions`) into the
jobs to run (:class:`Job`: a report of the plan with its checked parameters and title),
with everything needed to run them (:class:`Prepared`). A bad plan, parameter or data
folder raises here, before any kernel starts and before the build's folder exists. A
report the club's data cannot support (the notebook's model declares what it needs:
:mod:`evaluate.reports.notebook_params`) is marked not built, with the reason.
:func:`cache_keys` gives each job its key in the build cache (:mod:`evaluate.build.cache`),
:func:`input_files` every input with its sha256, as ``build.json`` lists them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from evaluate.build.cache import BuildCache, Hit, folder_files, rollup_key
from evaluate.build.parameters import (
    COMMAND_LINE,
    NotebookParameter,
    check_values,
    check_with_model,
)
from evaluate.build.plan import LoadedPlan, PlannedReport, load_plan, select_reports
from evaluate.data.checks import check_club
from evaluate.errors import BadParameter, DataError, ParameterError, Problem, did_you_mean
from evaluate.paths import DEFAULT_PLAN, REFERENCE_DATA_DIR, REPORTS_DIR

# Kernels inherit the build's environment: Plotly's JSON MIME type only, which the HTML
# export draws with one inlined plotly.js per page (see evaluate.build.html_export).
PLOTLY_RENDERER = "plotly_mimetype"

# A notebook that declares this parameter (and is not given it) is a roll-up of the build's
# other reports: it runs after them and reads their summary.json files in the build folder.
SUMMARIES_PARAMETER = "summaries_dir"
# A roll-up's other builds (output folders, build folders, globs) whose club summaries join it:
# the build resolves them to build folders (an output folder's latest build) and checks their
# summaries before anything runs; their summaries are part of the roll-up's cache key.
SUMMARIES_FROM_PARAMETER = "summaries_from"


@dataclass
class BuildOptions:
    """What ``evaluate build`` was asked to do."""

    plan_path: Path = DEFAULT_PLAN
    data_dir: Path | None = None
    out_dir: Path = REPORTS_DIR
    jobs: int | None = None
    only: tuple[str, ...] = ()
    params: dict[str, str] = field(default_factory=dict)
    cell_timeout: float | None = None
    dry_run: bool = False
    pdf: bool = False
    shared_plotly: bool | None = None  # None: the plan's shared_plotly
    force: bool = False  # run every report, reusing none (evaluate.build.cache)
    scheduler: str | None = None  # a Dask scheduler's address: reports run on its workers


@dataclass
class Job:
    """One report ready to run: its notebook, its checked parameters and its title."""

    report: PlannedReport
    parameters: dict[str, Any]
    title: str
    after: bool = False  # a roll-up: runs when the other reports are done, reads their summaries
    # The parameters as the notebook's pydantic model read them, once checked (if it has one).
    checked: BaseModel | None = None
    # Why the club's data cannot support the report (it is not built), once checked; else None.
    not_built: str | None = None


@dataclass
class Prepared:
    """A plan checked and expanded into jobs, with everything needed to run them."""

    plan: LoadedPlan
    data_dir: Path
    jobs: list[Job]
    cell_timeout: float
    cache: BuildCache  # the output folder's cache; its file hashes
    # Problems of the data check; the text of them when taken from an earlier build.json
    data_warnings: Sequence[Problem | str] = field(default_factory=list)
    chromium: str | None = None  # the browser that prints PDFs (--pdf), else None
    models_checked: bool = True  # False: the notebooks' pydantic models are still to check
    cache_keys: dict[str, str] = field(default_factory=dict)  # report name -> key
    reusable: dict[str, Hit] = field(default_factory=dict)  # what --dry-run would reuse
    shared_plotly: bool = False  # pages load one plotly.js of the output folder's assets/


def resolve_data_dir(options: BuildOptions, plan: LoadedPlan) -> Path:
    """The club data folder: ``--data-dir``, else the plan's, else the demo club; must exist."""
    from evaluate.paths import resolve_data_dir as _resolve

    data_dir = _resolve(options.data_dir or plan.data_dir)
    if not data_dir.is_dir():
        raise DataError.single("club data folder not found", file=data_dir,
                               fix="give --data-dir the folder holding members.csv")
    return data_dir


def _job_for(report: PlannedReport, declared: dict[str, NotebookParameter],
             cli: dict[str, str], data_dir: Path, plan_path: Path) -> Job:
    params = check_values(report.notebook, report.parameters, declared=declared,
                          origin=f"{plan_path} (report {report.name})")
    params |= check_values(report.notebook, {k: v for k, v in cli.items() if k in declared},
                           declared=declared, origin="--param")
    if "data_dir" in declared:
        params["data_dir"] = str(data_dir)
    if params.get(SUMMARIES_FROM_PARAMETER):
        from_cli = SUMMARIES_FROM_PARAMETER in cli
        params[SUMMARIES_FROM_PARAMETER] = _summary_folders(
            params[SUMMARIES_FROM_PARAMETER], Path.cwd() if from_cli else plan_path.parent,
            "--param" if from_cli else f"{plan_path} (report {report.name})")
    full = {name: p.default for name, p in declared.items()} | params
    title = report.title.format_map(full)
    after = SUMMARIES_PARAMETER in declared and SUMMARIES_PARAMETER not in params
    return Job(report=report, parameters=params, title=title, after=after)


def _summary_folders(entries: Any, base: Path, origin: str) -> list[str]:
    """``summaries_from`` as the build folders it names, their summaries checked.

    Relative entries are relative to ``base`` (the plan's folder, or the working directory
    for ``--param``). Raises ParameterError naming the folder or file and the fix.
    """
    from evaluate.reports.chain import read_club_summaries, summary_folders

    if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
        return entries  # not a list of text: the notebook's model says so
    try:
        folders = summary_folders(entries, base)
        read_club_summaries("", folders)
    except ValueError as exc:
        raise ParameterError.single(str(exc), file=origin, column=SUMMARIES_FROM_PARAMETER,
                                    rule="output folders or build folders of builds whose "
                                         "club decision reports succeeded",
                                    fix="build those clubs first, or correct the folder") \
            from None
    return [str(folder) for folder in folders]


def _model_problems(jobs: list[Job], cache: BuildCache, plan_path: Path) -> list[Problem]:
    """Check each job's full parameters with its notebook's pydantic model, if it has one.

    Also asks whether the club's data can support the report: a job it cannot is marked
    ``not_built`` with the reason; a parameter the plan or ``--param`` gives that names
    what the data lacks (a machine without sessions in the usage log) is a problem.
    """
    from evaluate.reports.notebook_params import (  # imports the model: pandas, numpy
        PARAMETER_MODELS,
        missing_data,
    )

    problems: list[Problem] = []
    for job in jobs:
        model = PARAMETER_MODELS.get(job.report.notebook.stem)
        if model is None:
            continue
        declared = cache.parameters(job.report.notebook)
        full = {name: p.default for name, p in declared.items()} | job.parameters
        origin = f"{plan_path} (report {job.report.name})"
        try:
            job.checked = check_with_model(model, full, origin=origin)
            job.not_built = missing_data(job.checked, given=set(job.parameters))
        except ParameterError as exc:
            problems.extend(exc.problems)
        except BadParameter as exc:
            problems.append(Problem(str(exc), file=origin, column=exc.parameter,
                                    value=full.get(exc.parameter),
                                    rule="the club's data holds what the parameter names",
                                    fix=exc.fix))
    return problems


def check_models(prepared: Prepared) -> None:
    """Check the parameters with the notebooks' models, if :func:`prepare` left it to do."""
    if not prepared.models_checked:
        problems = _model_problems(prepared.jobs, prepared.cache, prepared.plan.path)
        if problems:
            raise ParameterError(problems)
        prepared.models_checked = True


def report_data_dir(job: Job, prepared: Prepared) -> Path:
    """The club data folder a report reads: its own (a chain's club), else the build's."""
    return job.report.data_dir or prepared.data_dir


def data_folders(prepared: Prepared) -> list[Path]:
    """The build's data folder, then every other folder a report reads (a chain's clubs)."""
    others = {report_data_dir(j, prepared) for j in prepared.jobs} - {prepared.data_dir}
    return [prepared.data_dir, *sorted(others)]


def check_data(prepared: Prepared) -> None:
    """Check every club data folder the reports read (a chain has several).

    Also that each report's roster has a member active on its roster date, when its
    notebook's model needs one (the model's reports: there is nothing to forecast
    otherwise). Raises one DataError listing every error of every folder; keeps the warnings.
    """
    from evaluate.reports.notebook_params import roster_problem

    check_models(prepared)  # the roster date is a checked parameter
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for folder in data_folders(prepared):
        data_check = check_club(folder)
        problems += data_check.errors
        warnings += data_check.warnings
        for job in prepared.jobs:
            if job.checked is not None and report_data_dir(job, prepared) == folder:
                problem = roster_problem(job.checked, data_check)
                problems += [problem] if problem is not None else []
    if problems:
        raise DataError(problems)
    prepared.data_warnings = warnings


def prepare(options: BuildOptions, *, with_data: bool = True,
            with_models: bool = True) -> Prepared:
    """Check the plan, every parameter of every report and, ``with_data``, the club data.

    Raises on any bad input. The build itself checks the data later, while the
    kernels boot (see :func:`evaluate.build.run.build_reports`). Without ``with_models``,
    the checks of the notebooks' pydantic models are left to :func:`check_models` (unless
    another problem is found: then every problem is raised at once): a build that reuses
    every report needs neither them nor the model code they import.
    """
    chromium = None
    if options.pdf:
        from evaluate.build.pdf import require_chromium

        chromium = require_chromium()
    plan = load_plan(options.plan_path)
    reports = select_reports(plan.reports, options.only, plan.path)
    data_dir = resolve_data_dir(options, plan)
    cache = BuildCache(options.out_dir)
    declared = {nb: cache.parameters(nb) for nb in {r.notebook for r in reports}}
    known = set().union(*declared.values())
    problems: list[Problem] = []
    if "data_dir" in options.params:
        problems.append(Problem("data_dir is set by the build", file=COMMAND_LINE,
                                column="--param data_dir",
                                fix="use --data-dir DIR instead"))
    for name in sorted(set(options.params) - known - {"data_dir"}):
        problems.append(Problem(
            f"unknown parameter '{name}': no notebook in this build declares it",
            file=COMMAND_LINE, column="--param", value=name,
            rule="a parameter some notebook declares",
            fix=did_you_mean(name, sorted(known)) + "list them with: evaluate params NOTEBOOK"))
    jobs: list[Job] = []
    for report in reports:
        try:
            jobs.append(_job_for(report, declared[report.notebook], options.params,
                                 report.data_dir or data_dir, plan.path))
        except ParameterError as exc:
            problems.extend(exc.problems)
    if problems or with_models:
        problems.extend(_model_problems(jobs, cache, plan.path))
    if problems:
        raise ParameterError(problems)
    timeout = options.cell_timeout or plan.plan.cell_timeout
    shared = (options.shared_plotly if options.shared_plotly is not None
              else plan.plan.shared_plotly)
    prepared = Prepared(plan=plan, data_dir=data_dir, jobs=jobs, cell_timeout=timeout,
                        chromium=chromium, cache=cache, models_checked=with_models,
                        shared_plotly=shared)
    if with_data:
        check_data(prepared)
    return prepared


def output_options(options: BuildOptions, prepared: Prepared) -> dict[str, Any]:
    """The build options that change a report's files: part of each report's cache key.

    The cell timeout, ``--jobs`` and ``--only`` change no file and are not in it.
    """
    return {"pdf": options.pdf,
            "plotly_js": "shared" if prepared.shared_plotly else "self-contained",
            "plotly_renderer": os.environ.get("PLOTLY_RENDERER", PLOTLY_RENDERER)}


def cache_keys(prepared: Prepared, options: BuildOptions,
               versions: dict[str, str]) -> dict[str, str]:
    """Each report's cache key, by report name (what goes into one: ``evaluate.build.cache``)."""
    extra = output_options(options, prepared)
    keys = {job.report.name: prepared.cache.key(
                name=job.report.name, title=job.title, notebook=job.report.notebook,
                parameters=job.parameters, data_dir=report_data_dir(job, prepared),
                versions=versions, options=extra)
            for job in prepared.jobs}
    read = [keys[j.report.name] for j in prepared.jobs if not j.after]
    for job in prepared.jobs:
        if job.after:  # a roll-up reads the other reports' summaries
            keys[job.report.name] = rollup_key(keys[job.report.name], read)
        others = job.parameters.get(SUMMARIES_FROM_PARAMETER) or []
        if others:  # and those of other builds: their bytes, not only their folders
            summaries = [prepared.cache.hashes.sha256(p) for folder in others
                         for p in sorted(Path(folder).glob("*.summary.json"))]
            keys[job.report.name] = rollup_key(keys[job.report.name], summaries)
    return keys


def input_files(prepared: Prepared) -> list[dict[str, Any]]:
    """Every input of the build with its sha256: plan, notebooks, data and reference data.

    The data is every folder the reports read; each file is hashed once per build (the
    cache keys use the same hashes).
    """
    files = [prepared.plan.path, *sorted({j.report.notebook for j in prepared.jobs})]
    for folder in [*data_folders(prepared), REFERENCE_DATA_DIR]:
        files += folder_files(folder)
    hashes = prepared.cache.hashes
    return [{"path": str(p), "bytes": p.stat().st_size, "sha256": hashes.sha256(p)}
            for p in files]
