"""The report build: plan in, a published dated folder of reports out.

:func:`build_reports` reads as its steps: prepare (read the plan, check every
parameter, before anything runs), take the lock, reuse every report whose cache key
an earlier build holds (``evaluate.build.cache``), run the other notebooks in parallel
(execute with papermill, convert to HTML, write each summary; with ``--pdf``,
print each page to PDF as its report finishes), write ``build.json``, publish,
record the keys of the reports that succeeded. See ``evaluate.build.publish`` for the
folder layout.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluate import __version__
from evaluate.build.cache import CACHE_DIR, INDEX, BuildCache, Hit, folder_files
from evaluate.build.parameters import NotebookParameter, check_values, check_with_model
from evaluate.build.plan import LoadedPlan, PlannedReport, load_plan, select_reports
from evaluate.build.publish import (
    BUILD_FILE,
    build_lock,
    clear_stale_staging,
    new_build_id,
    publish,
    staging_dir,
    stale_lock,
    write_json,
    writing,
)
from evaluate.data.checks import check_club
from evaluate.errors import DataError, OutputWriteError, ParameterError, Problem, did_you_mean
from evaluate.paths import DEFAULT_PLAN, PROJECT_ROOT, REFERENCE_DATA_DIR, REPORTS_DIR
from evaluate.reports.results import read_records, read_summary, summary_problems

if TYPE_CHECKING:  # imported where used: a build that reuses every report needs none of them
    from evaluate.build.execution import Failure, KernelRegistry

log = logging.getLogger(__name__)

#: Packages whose versions go into build.json: they decide what a report shows.
RECORDED_PACKAGES = ("pandas", "numpy", "plotly", "papermill", "nbclient", "nbconvert",
                     "nbformat", "ipykernel", "jupyter_client", "pydantic")

# Kernels inherit the build's environment: Plotly's JSON MIME type only, which the HTML
# export draws with one inlined plotly.js per page (see evaluate.build.html_export).
PLOTLY_RENDERER = "plotly_mimetype"


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


@dataclass
class Job:
    """One report ready to run: its notebook, its checked parameters and its title."""

    report: PlannedReport
    parameters: dict[str, Any]
    title: str
    after: bool = False  # a roll-up: runs when the other reports are done, reads their summaries


# A notebook that declares this parameter (and is not given it) is a roll-up of the build's
# other reports: it runs after them and reads their summary.json files in the build folder.
SUMMARIES_PARAMETER = "summaries_dir"


@dataclass
class ReportResult:
    """How one report went, with the files it produced (relative to the build folder)."""

    name: str
    title: str
    notebook: str
    parameters: dict[str, Any]
    status: str
    seconds: float
    html: str
    executed: str
    summary: str
    failure: Failure | None = None
    attempts: int = 1
    pdf: str | None = None
    cache: dict[str, Any] | None = None  # {"hit", "key"[, "from_build", "ran_in"]}: evaluate.build.cache
    # The CSV files of the tables its notebook exported: [{"name", "label", "file", "rows"}]
    tables: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for build.json."""
        data = dict(self.__dict__)
        data["failure"] = self.failure.to_dict() if self.failure else None
        return data


@dataclass
class Prepared:
    """A plan checked and expanded into jobs, with everything needed to run them."""

    plan: LoadedPlan
    data_dir: Path
    jobs: list[Job]
    cell_timeout: float
    data_warnings: list[Problem] = field(default_factory=list)
    chromium: str | None = None  # the browser that prints PDFs (--pdf), else None
    cache: BuildCache | None = None  # the output folder's cache; its file hashes
    models_checked: bool = True  # False: the notebooks' pydantic models are still to check
    cache_keys: dict[str, str] = field(default_factory=dict)  # report name -> key
    reusable: dict[str, Hit] = field(default_factory=dict)  # what --dry-run would reuse


@dataclass
class BuildResult:
    """The outcome of a build: where it went and how each report fared."""

    build_id: str | None
    folder: Path | None
    reports: list[ReportResult]
    prepared: Prepared

    @property
    def ok(self) -> bool:
        """True when every report succeeded."""
        return all(r.status == "ok" for r in self.reports)


class Progress:
    """Receives build events; the command line shows them. The default does nothing."""

    def start(self, jobs: list[Job]) -> None:
        """The build is about to run these jobs."""

    def report_started(self, job: Job) -> None:
        """A report's notebook started."""

    def report_finished(self, result: ReportResult) -> None:
        """A report is done (ok or failed)."""

    def report_reused(self, result: ReportResult, from_build: str) -> None:
        """A report is done: its files were taken from build ``from_build``, nothing ran."""


# --- prepare: everything that can be checked before a kernel starts -----------------------


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
    full = {name: p.default for name, p in declared.items()} | params
    title = report.title.format_map(full)
    after = SUMMARIES_PARAMETER in declared and SUMMARIES_PARAMETER not in params
    return Job(report=report, parameters=params, title=title, after=after)


def _model_problems(jobs: list[Job], cache: BuildCache, plan_path: Path) -> list[Problem]:
    """Check each job's full parameters with its notebook's pydantic model, if it has one."""
    from evaluate.reports.notebook_params import (
        PARAMETER_MODELS,  # imports the model: pandas, numpy
    )

    problems: list[Problem] = []
    for job in jobs:
        model = PARAMETER_MODELS.get(job.report.notebook.stem)
        if model is None:
            continue
        declared = cache.parameters(job.report.notebook)
        full = {name: p.default for name, p in declared.items()} | job.parameters
        try:
            check_with_model(model, full, origin=f"{plan_path} (report {job.report.name})")
        except ParameterError as exc:
            problems.extend(exc.problems)
    return problems


def check_models(prepared: Prepared) -> None:
    """Check the parameters with the notebooks' models, if :func:`prepare` left it to do."""
    if not prepared.models_checked:
        problems = _model_problems(prepared.jobs, prepared.cache, prepared.plan.path)
        if problems:
            raise ParameterError(problems)
        prepared.models_checked = True


def check_data(prepared: Prepared) -> None:
    """Check every club data folder the reports read (a chain has several).

    Raises one DataError listing every error of every folder; keeps the warnings.
    """
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for folder in _data_folders(prepared):
        data_check = check_club(folder)
        problems += data_check.errors
        warnings += data_check.warnings
    if problems:
        raise DataError(problems)
    prepared.data_warnings = warnings


def prepare(options: BuildOptions, *, with_data: bool = True,
            with_models: bool = True) -> Prepared:
    """Check the plan, every parameter of every report and, ``with_data``, the club data.

    Raises on any bad input. The build itself checks the data later, while the
    kernels boot (see :func:`build_reports`). Without ``with_models``, the checks of
    the notebooks' pydantic models are left to :func:`check_models` (unless another
    problem is found: then every problem is raised at once): a build that reuses
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
        problems.append(Problem("data_dir is set by the build", file=plan.path,
                                column="--param data_dir",
                                fix="use --data-dir DIR instead"))
    for name in sorted(set(options.params) - known - {"data_dir"}):
        problems.append(Problem(
            f"unknown parameter '{name}': no notebook in this build declares it",
            file=plan.path, column="--param", value=name,
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
    prepared = Prepared(plan=plan, data_dir=data_dir, jobs=jobs, cell_timeout=timeout,
                        chromium=chromium, cache=cache, models_checked=with_models)
    if with_data:
        check_data(prepared)
    return prepared


# --- run -----------------------------------------------------------------------------------


def _report_data_dir(job: Job, prepared: Prepared) -> Path:
    """The club data folder a report reads: its own (a chain's club), else the build's."""
    return job.report.data_dir or prepared.data_dir


def _data_folders(prepared: Prepared) -> list[Path]:
    """The build's data folder, then every other folder a report reads (a chain's clubs)."""
    others = {_report_data_dir(j, prepared) for j in prepared.jobs} - {prepared.data_dir}
    return [prepared.data_dir, *sorted(others)]


def _input_files(prepared: Prepared) -> list[dict[str, Any]]:
    """Every input of the build with its sha256: plan, notebooks, data and reference data.

    The data is every folder the reports read; each file is hashed once per build (the
    cache keys use the same hashes).
    """
    files = [prepared.plan.path, *sorted({j.report.notebook for j in prepared.jobs})]
    for folder in [*_data_folders(prepared), REFERENCE_DATA_DIR]:
        files += folder_files(folder)
    hashes = prepared.cache.hashes
    return [{"path": str(p), "bytes": p.stat().st_size, "sha256": hashes.sha256(p)}
            for p in files]


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version(), "club-equipment-suite": __version__}
    for name in RECORDED_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def _git_commit() -> str | None:
    """The suite's git commit, if it runs from a checkout (helps reproduce a build)."""
    try:
        out = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _data_label(data_dir: Path) -> str:
    """How reports name the data: the club's name, and whether it is synthetic."""
    from evaluate.data.club import load_club

    try:
        club = load_club(data_dir)
    except Exception:  # a missing or unreadable club.yml only loses the label
        return data_dir.name
    synthetic = club.synthetic and "synthetic" not in club.name.lower()
    return f"{club.name} (synthetic demo data)" if synthetic else club.name


def _write_prepared_notebook(job: Job, path: Path) -> None:
    """Write the parameterised notebook without running it (kept when a kernel never started)."""
    import papermill

    papermill.execute_notebook(str(job.report.notebook), str(path), parameters=job.parameters,
                               prepare_only=True, progress_bar=False, kernel_name="python3")


def _run_job(job: Job, folder: Path, registry: KernelRegistry, cell_timeout: float,
             context: dict[str, Any]) -> ReportResult:
    import nbformat

    from evaluate.build.execution import Failure, run_notebook
    from evaluate.build.html_export import add_failure_banner, notebook_to_html
    from evaluate.build.table_export import write_report_tables

    name = job.report.name
    executed, page, summary = f"{name}.ipynb", f"{name}.html", f"{name}.summary.json"
    outcome = run_notebook(job.report.notebook, folder / executed, job.parameters,
                           cwd=job.report.notebook.parent, cell_timeout=cell_timeout,
                           kernel_log=folder / "logs" / f"{name}.kernel.log", registry=registry)
    failure = outcome.failure
    try:
        if not (folder / executed).exists():
            with writing(folder / executed):
                _write_prepared_notebook(job, folder / executed)
        nb = nbformat.read(folder / executed, as_version=4)
        if failure is not None:
            add_failure_banner(nb, failure, report=name,
                               executed_path=f"{context['out_dir']}/{context['build_id']}/{executed}")
            with writing(folder / executed):
                nbformat.write(nb, folder / executed)
        figures = read_records(nb)
        fields = read_summary(nb)
        problems = summary_problems(fields)
        if problems:
            fields = {}
            failure = failure or Failure("summary", "; ".join(problems))
        html = notebook_to_html(nb, title=job.title, context=context)
        with writing(folder / page):
            (folder / page).write_text(html, encoding="utf-8")
        tables = write_report_tables(nb, name, folder) if failure is None else []
    except OutputWriteError:
        raise  # a full disk is the build's problem, not this report's: every write would fail
    except Exception as exc:  # a report that cannot be exported fails alone, with its reason
        log.exception("exporting report %s failed", name)
        failure = failure or Failure("export", f"{type(exc).__name__}: {exc}")
        figures, fields, tables = {}, {}, []
    result = ReportResult(
        name=name, title=job.title, notebook=str(job.report.notebook),
        parameters=job.parameters, status="ok" if failure is None else "failed",
        seconds=round(outcome.seconds, 2), html=page, executed=executed, summary=summary,
        failure=failure, attempts=outcome.attempts, tables=tables)
    write_json(folder / summary, {
        "report": name, "title": job.title, "status": result.status,
        "build_id": context["build_id"], "data": context["data_label"],
        "parameters": job.parameters, "figures": figures,
        "failure": failure.to_dict() if failure else None, **fields})
    return result


def _pdf_done(result: ReportResult, future: Future[Path], folder: Path) -> None:
    """Record how printing ``result``'s page went; a PDF that failed fails its report."""
    from evaluate.build.execution import Failure
    from evaluate.errors import PdfError

    try:
        result.pdf = future.result().name
        return
    except PdfError as exc:
        reason = str(exc)
    except Exception as exc:  # not foreseen by the printer: still this report's alone
        log.exception("printing report %s failed", result.name)
        reason = f"{type(exc).__name__}: {exc}"
    log.error("report %s: its PDF failed: %s", result.name, reason)
    if result.failure is not None:  # the report had failed already: keep that reason
        return
    result.status, result.failure = "failed", Failure("pdf", reason)
    path = folder / result.summary
    summary = json.loads(path.read_text(encoding="utf-8"))
    summary.update(status=result.status, failure=result.failure.to_dict())
    write_json(path, summary)


def _run_all(prepared: Prepared, folder: Path, jobs: int, context: dict[str, Any],
             progress: Progress) -> list[ReportResult]:
    """Run every job in parallel; the data is checked while the first kernels boot.

    With a browser (``--pdf``), it starts at once too, and each report's page is
    printed as soon as that report is done, while the others run.
    """
    from evaluate.build.execution import KernelRegistry
    from evaluate.build.html_export import warm_up

    registry = KernelRegistry(gated=True)
    results: dict[str, ReportResult] = {}

    def run(job: Job) -> ReportResult:
        progress.report_started(job)
        return _run_job(job, folder, registry, prepared.cell_timeout, context)

    printer = None
    if prepared.chromium is not None:
        from evaluate.build.pdf import PdfPrinter

        printer = PdfPrinter(prepared.chromium, concurrency=jobs)
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="report")
    first = [job for job in prepared.jobs if not job.after]
    later = [replace(job, parameters={**job.parameters, SUMMARIES_PARAMETER: str(folder)})
             for job in prepared.jobs if job.after]
    try:
        pending: set[Future[Any]] = {pool.submit(run, job) for job in first}
        if not first:  # only roll-ups selected (--only): they read what the folder holds
            pending |= {pool.submit(run, job) for job in later}
        check_data(prepared)  # bad data: raises, and the except below stops every kernel
        registry.open_gate()
        warm_up()  # compile the HTML templates while the notebooks run
        printing: dict[Future[Any], ReportResult] = {}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                if future in printing:
                    result = printing.pop(future)
                    _pdf_done(result, future, folder)
                else:
                    result = future.result()
                    if printer is not None and (folder / result.html).exists():
                        printed = printer.submit(folder / result.html,
                                                 folder / f"{result.name}.pdf")
                        printing[printed] = result
                        pending.add(printed)
                        continue  # finished once its PDF is printed
                results[result.name] = result
                progress.report_finished(result)
            if first and later and all(j.report.name in results for j in first):
                pending |= {pool.submit(run, job) for job in later}  # every summary is written
                later = []
    except BaseException:
        # Bad data, a full disk, or interrupted (Ctrl-C, SIGTERM): stop queued work and kill
        # running kernels, so the worker threads end within about a second, not when cells
        # finish.
        registry.kill_all()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        if printer is not None:
            printer.close()
    pool.shutdown(wait=True)
    return [results[job.report.name] for job in prepared.jobs]


def default_jobs() -> int:
    """How many reports run at once by default: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --- the cache: reports whose inputs have not changed are reused (evaluate.build.cache) ----------


def output_options(options: BuildOptions, prepared: Prepared) -> dict[str, Any]:
    """The build options that change a report's files: part of each report's cache key.

    The cell timeout, ``--jobs`` and ``--only`` change no file and are not in it.
    """
    shared = (options.shared_plotly if options.shared_plotly is not None
              else prepared.plan.plan.shared_plotly)
    return {"pdf": options.pdf, "plotly_js": "shared" if shared else "self-contained",
            "plotly_renderer": os.environ.get("PLOTLY_RENDERER", PLOTLY_RENDERER)}


def cache_keys(prepared: Prepared, options: BuildOptions,
               versions: dict[str, str]) -> dict[str, str]:
    """Each report's cache key, by report name (what goes into one: ``evaluate.build.cache``)."""
    extra = output_options(options, prepared)
    keys = {job.report.name: prepared.cache.key(
                name=job.report.name, title=job.title, notebook=job.report.notebook,
                parameters=job.parameters, data_dir=_report_data_dir(job, prepared),
                versions=versions, options=extra)
            for job in prepared.jobs}
    # A roll-up reads the other reports' summaries, which their keys determine: its key
    # covers theirs, so it is reused only when every report it reads is unchanged.
    others = sorted(keys[j.report.name] for j in prepared.jobs if not j.after)
    for job in prepared.jobs:
        if job.after:
            own = keys[job.report.name]
            keys[job.report.name] = hashlib.sha256(
                json.dumps([own, others]).encode()).hexdigest()
    return keys


def _reuse(prepared: Prepared, hits: dict[str, Hit], folder: Path, build_id: str,
           progress: Progress) -> dict[str, ReportResult]:
    """Put each hit's files into the build ``folder``; a hit that cannot be taken will run."""
    reused: dict[str, ReportResult] = {}
    for job in prepared.jobs:
        name = job.report.name
        hit = hits.get(name)
        began = time.perf_counter()
        if hit is None or not prepared.cache.reuse(hit, folder, build_id):
            continue
        out = hit.outputs
        reused[name] = result = ReportResult(
            name=name, title=job.title, notebook=str(job.report.notebook),
            parameters=job.parameters, status="ok",
            seconds=round(time.perf_counter() - began, 2), html=str(out["html"]),
            executed=str(out["executed"]), summary=str(out["summary"]), attempts=0,
            pdf=out["pdf"], tables=[dict(t) for t in hit.tables],
            cache={"hit": True, "key": hit.key, "from_build": hit.build, "ran_in": hit.ran_in})
        progress.report_reused(result, hit.build)
    return reused


def _reused_data_warnings(out_dir: Path, builds: set[str]) -> list[str]:
    """The data warnings recorded by the build(s) every report was taken from."""
    warnings: list[str] = []
    for build in sorted(builds):
        try:
            data = json.loads((out_dir / build / BUILD_FILE).read_text(encoding="utf-8"))
            found = data["data"]["warnings"]
        except (OSError, ValueError, TypeError, KeyError):
            continue
        warnings += [str(w) for w in found if str(w) not in warnings]
    return warnings


def _remember(prepared: Prepared, folder: Path, build_id: str,
              results: list[ReportResult]) -> None:
    """Record the reports that succeeded in the cache index, pointing at this build."""
    entries = []
    for r in results:
        if r.status != "ok" or not r.cache:
            continue
        outputs = {"executed": r.executed, "html": r.html, "summary": r.summary, "pdf": r.pdf}
        named = [f for f in outputs.values() if f] + [t["file"] for t in r.tables]
        outputs["tables"] = r.tables
        if not all((folder / f).is_file() for f in named):
            continue
        log_file = f"logs/{r.name}.kernel.log"
        files = named + ([log_file] if (folder / log_file).is_file() else [])
        entries.append({"key": r.cache["key"], "report": r.name, "files": files,
                        "outputs": outputs, "ran_in": r.cache.get("ran_in") or build_id,
                        "notebook": prepared.cache.notebook_memo(Path(r.notebook))})
    try:
        prepared.cache.record(build_id, entries)
    except (OSError, OutputWriteError, ValueError, TypeError) as exc:  # published: warn
        log.warning("could not update the build cache %s: %s", prepared.cache.dir, exc)


def build_reports(options: BuildOptions, progress: Progress | None = None,
                  now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> BuildResult:
    """Build every report of the plan into a new dated folder under ``options.out_dir``.

    Raises :class:`~evaluate.errors.InputError` (no notebook cell has run, nothing
    is published) for bad input, :class:`~evaluate.errors.BuildLockedError`
    when another build holds the output folder, and
    :class:`~evaluate.build.publish.OutputWriteError` when a file cannot be written (the
    disk is full: the build stops, its kernels are killed and its staging folder
    removed, nothing is published). A failing report does not raise: see
    ``BuildResult.ok``. An interrupt (KeyboardInterrupt) while the build is being
    published waits until it is in place.
    """
    progress = progress or Progress()
    prepared = prepare(options, with_data=options.dry_run, with_models=options.dry_run)
    versions = _versions()
    prepared.cache_keys = keys = cache_keys(prepared, options, versions)
    if options.dry_run:
        prepared.reusable = {} if options.force else prepared.cache.lookup(keys)
        return BuildResult(None, None, [], prepared)
    if options.force or len(prepared.cache.lookup(keys)) < len(keys):
        check_models(prepared)  # some report will run: check its parameters before the lock
    out_dir = options.out_dir.resolve()
    os.environ.setdefault("PLOTLY_RENDERER", PLOTLY_RENDERER)
    with build_lock(out_dir) as left:
        removed = clear_stale_staging(out_dir)
        if left:  # the last build did not release the lock: it was killed, or crashed
            log.warning("%s", stale_lock(left, removed))
        for stale in [] if left else removed:
            log.info("removed %s, left by a build that was interrupted", stale.name)
        started = now()
        began = time.perf_counter()
        build_id = new_build_id(out_dir, started)
        folder = staging_dir(out_dir, build_id)
        after_publishing = contextlib.ExitStack()
        try:
            with writing(folder / "logs"):
                (folder / "logs").mkdir()
            context = {"build_id": build_id, "built_at": started.strftime("%Y-%m-%d %H:%M UTC"),
                       "suite_version": __version__, "data_label": _data_label(prepared.data_dir),
                       "out_dir": str(out_dir)}
            shared = (options.shared_plotly if options.shared_plotly is not None
                      else prepared.plan.plan.shared_plotly)
            if shared:  # one plotly.js for every build of out_dir, before any page is printed
                from evaluate.build.html_export import ASSETS_DIR, write_plotly_asset

                with writing(out_dir / ASSETS_DIR, out_dir):
                    asset = write_plotly_asset(out_dir)
                context["plotly_src"] = f"../{ASSETS_DIR}/{asset.name}"
            inputs = _input_files(prepared)
            progress.start(prepared.jobs)
            jobs = max(1, min(options.jobs or default_jobs(), len(prepared.jobs)))
            hits = {} if options.force else prepared.cache.lookup(keys)
            reused = _reuse(prepared, hits, folder, build_id, progress)
            to_run = [job for job in prepared.jobs if job.report.name not in reused]
            ran: dict[str, ReportResult] = {}
            if to_run:
                check_models(prepared)
                running = replace(prepared, jobs=to_run)
                for result in _run_all(running, folder, min(jobs, len(to_run)), context,
                                       progress):
                    result.cache = {"hit": False, "key": keys[result.name]}
                    ran[result.name] = result
                prepared.data_warnings = running.data_warnings
                data_check = {"ran": True}
            else:  # every report reused: no kernel, and this data passed the check before
                sources = {r.cache["from_build"] for r in reused.values()}
                prepared.data_warnings = _reused_data_warnings(out_dir, sources)
                checked = ", ".join(sorted({r.cache["ran_in"] for r in reused.values()}))
                data_check = {"ran": False, "why": (
                    "every report was reused: the data is byte-identical to the data that "
                    f"passed the check in build {checked}, where they ran")}
            results = [reused.get(j.report.name) or ran[j.report.name] for j in prepared.jobs]
            succeeded = all(r.status == "ok" for r in results)
            write_json(folder / BUILD_FILE, {
                "build_id": build_id, "title": prepared.plan.plan.title,
                "status": "succeeded" if succeeded else "failed",
                "started_at": started.isoformat(timespec="seconds"),
                "duration_s": round(time.perf_counter() - began, 2),
                "suite_version": __version__, "git_commit": _git_commit(),
                "plan": {"path": str(prepared.plan.path),
                         "content": prepared.plan.plan.model_dump(mode="json")},
                "options": {"jobs": jobs, "cell_timeout_s": prepared.cell_timeout,
                            "only": list(options.only), "params": options.params,
                            "pdf": options.pdf, "force": options.force,
                            "plotly_js": "shared" if shared else "self-contained",
                            "plotly_src": context.get("plotly_src")},
                "data": {"dir": str(prepared.data_dir), "label": context["data_label"],
                         "warnings": [str(p) for p in prepared.data_warnings],
                         "check": data_check},
                "inputs": inputs, "versions": versions,
                "cache": {"hits": len(reused), "reports": len(results), "force": options.force,
                          "index": f"{CACHE_DIR}/{INDEX}"},
                "reports": [r.to_dict() for r in results],
            })
            # From here to the end, an interrupt waits: the build is published whole or not.
            after_publishing.enter_context(_signals_held("the build was being published"))
            final = publish(folder, out_dir, build_id, succeeded=succeeded)
        except BaseException as exc:
            shutil.rmtree(folder, ignore_errors=True)
            after_publishing.close()
            if isinstance(exc, OutputWriteError):
                exc.outcome = ("the unfinished build was removed, nothing published, latest "
                               "unchanged")
            raise
        with after_publishing:
            _remember(prepared, final, build_id, results)
    return BuildResult(build_id, final, results, prepared)


@contextlib.contextmanager
def _signals_held(doing: str) -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done, then are logged, not raised.

    Only the main thread can set signal handlers; elsewhere the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.getsignal(signum) for signum in held}
    for signum in held:
        signal.signal(signum, lambda number, frame: came.append(number))
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if came:
            log.warning("%s came while %s: that was finished first", signal.Signals(came[0]).name,
                        doing)
