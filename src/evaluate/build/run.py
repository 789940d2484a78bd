"""The report build: plan in, a published dated folder of reports out.

:func:`build_reports` reads as its steps, as papermill's ``execute_notebook`` does:
prepare (read the plan, check every parameter, before anything runs:
:mod:`evaluate.build.prepare`), take the output folder's lock, start the build's staging
folder, reuse every report whose cache key an earlier build holds
(:mod:`evaluate.build.cache`), run the other notebooks in parallel while the data is
checked (execute with papermill, convert to HTML, write each summary; with ``--pdf``,
print each page to PDF as its report finishes), write ``build.json``
(:mod:`evaluate.build.manifest`), publish (:mod:`evaluate.build.publish`, which also
describes the folder layout), record the keys of the reports that succeeded. A report
the club's data cannot support (prepare finds it: a usage review without a usage log) is not
run: it is listed as not built, with the reason, and does not fail the build. With
``--scheduler`` the notebooks run on the workers of a Dask cluster instead of this process's
threads (:mod:`evaluate.build.cluster`), through the same
:func:`evaluate.build.report.run_report`; every other step is the same.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluate import __version__
from evaluate.build.cache import Hit
from evaluate.build.manifest import (
    FAILED,
    ReportResult,
    recorded_data_warnings,
    recorded_versions,
    reused_data_check,
    write_build_json,
)
from evaluate.build.prepare import (
    PLOTLY_RENDERER,
    SUMMARIES_PARAMETER,
    BuildOptions,
    Job,
    Prepared,
    cache_keys,
    check_data,
    check_models,
    input_files,
    prepare,
    report_data_dir,
)
from evaluate.build.progress import Progress
from evaluate.build.publish import (
    LOGS_DIR,
    SHOWN_TIME,
    build_lock,
    clear_stale_staging,
    new_build_id,
    publish,
    staging_dir,
    stale_lock,
    write_json,
    writing,
)
from evaluate.errors import OutputWriteError

if TYPE_CHECKING:  # imported where used: a build that reuses every report needs none of them
    from distributed import Client

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    """The outcome of a build: where it went and how each report fared."""

    build_id: str | None
    folder: Path | None
    reports: list[ReportResult]
    prepared: Prepared

    @property
    def ok(self) -> bool:
        """True when no report failed (each is ok, or not built for want of data)."""
        return not any(r.status == FAILED for r in self.reports)


# --- the steps ---------------------------------------------------------------------------------


def build_reports(options: BuildOptions, progress: Progress | None = None,
                  now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> BuildResult:
    """Build every report of the plan into a new dated folder under ``options.out_dir``.

    Raises :class:`~evaluate.errors.InputError` (no notebook cell has run, nothing
    is published) for bad input, :class:`~evaluate.errors.BuildLockedError`
    when another build holds the output folder,
    :class:`~evaluate.errors.ClusterUnavailable` when the ``--scheduler`` cannot be reached
    (before anything runs) or loses a worker (nothing is published), and
    :class:`~evaluate.errors.OutputWriteError` when a file cannot be written (the
    disk is full: the build stops, its kernels are killed and its staging folder
    removed, nothing is published). A failing report does not raise: see
    ``BuildResult.ok``. An interrupt (KeyboardInterrupt) while the build is being
    published waits until it is in place.
    """
    progress = progress or Progress()
    prepared = prepare(options, with_data=options.dry_run, with_models=options.dry_run)
    versions = recorded_versions()
    prepared.cache_keys = keys = cache_keys(prepared, options, versions)
    if options.dry_run:
        prepared.reusable = {} if options.force else prepared.cache.lookup(keys)
        return BuildResult(None, None, [], prepared)
    will_run = options.force or len(prepared.cache.lookup(keys)) < len(keys)
    if will_run:
        check_models(prepared)  # some report will run: check its parameters before the lock
    out_dir = options.out_dir.resolve()
    os.environ.setdefault("PLOTLY_RENDERER", PLOTLY_RENDERER)
    with _cluster(options.scheduler if will_run else None) as client, \
            build_lock(out_dir) as left:
        _clear_what_a_killed_build_left(out_dir, left)
        started, began = now(), time.perf_counter()
        build_id = new_build_id(out_dir, started)
        folder = staging_dir(out_dir, build_id)
        after_publishing = contextlib.ExitStack()
        try:
            context = _start(folder, prepared, build_id, started, out_dir)
            inputs = input_files(prepared)
            progress.start(prepared.jobs)
            jobs = max(1, min(options.jobs or default_jobs(), len(prepared.jobs)))
            if client is not None:  # the cluster decides how many run at once: its threads
                jobs = max(1, sum(client.nthreads().values()))
            reused = _reuse(prepared, {} if options.force else prepared.cache.lookup(keys),
                            folder, build_id, progress)
            results, data_check = _run(prepared, reused, folder, jobs, context, progress,
                                       client, options.scheduler)
            write_build_json(folder, build_id=build_id, options=options, prepared=prepared,
                             started=started, seconds=time.perf_counter() - began, jobs=jobs,
                             context=context, data_check=data_check, inputs=inputs,
                             versions=versions, results=results)
            # From here to the end, an interrupt waits: the build is published whole or not.
            after_publishing.enter_context(_signals_held("the build was being published"))
            final = publish(folder, out_dir, build_id,
                            succeeded=not any(r.status == FAILED for r in results))
        except BaseException as exc:
            shutil.rmtree(folder, ignore_errors=True)
            after_publishing.close()
            if isinstance(exc, OutputWriteError):
                exc.outcome = ("the unfinished build was removed, nothing published, latest "
                               "unchanged")
            raise
        with after_publishing:
            prepared.cache.record_reports(final, build_id, [r.to_dict() for r in results])
    return BuildResult(build_id, final, results, prepared)


@contextlib.contextmanager
def _cluster(address: str | None) -> Iterator[Client | None]:
    """A client of the Dask scheduler at ``address`` (``--scheduler``), else None; closed after.

    Connected before the lock is taken and anything is written: an address that does not
    answer stops the build at once (:func:`evaluate.build.cluster.connect`). Not connected
    when every report is reused: nothing would run there.
    """
    if address is None:
        yield None
        return
    from evaluate.build.cluster import connect

    client = connect(address)
    log.info("reports run on the Dask cluster at %s (%d worker(s))", address,
             len(client.nthreads()))
    try:
        yield client
    finally:
        client.close()


def _clear_what_a_killed_build_left(out_dir: Path, left: str | None) -> None:
    """Remove the staging folders of builds that were killed; say so (call under the lock).

    ``left``: the lock record a build that did not release the lock left (it was killed,
    or crashed).
    """
    removed = clear_stale_staging(out_dir)
    if left:
        log.warning("%s", stale_lock(left, removed))
    for stale in [] if left else removed:
        log.info("removed %s, left by a build that was interrupted", stale.name)


def _start(folder: Path, prepared: Prepared, build_id: str, started: datetime,
           out_dir: Path) -> dict[str, Any]:
    """Make the staging ``folder``'s logs/ and the shared plotly.js; what every page is given."""
    with writing(folder / LOGS_DIR):
        (folder / LOGS_DIR).mkdir()
    context = {"build_id": build_id, "built_at": started.strftime(SHOWN_TIME),
               "suite_version": __version__, "data_label": _data_label(prepared.data_dir),
               "clubs": _club_names(prepared), "out_dir": str(out_dir)}
    if prepared.shared_plotly:  # one plotly.js for every build of out_dir, before any page
        from evaluate.build.html_export import ASSETS_DIR, write_plotly_asset

        with writing(out_dir / ASSETS_DIR, out_dir):
            asset = write_plotly_asset(out_dir)
        context["plotly_src"] = f"../{ASSETS_DIR}/{asset.name}"
    return context


def _data_label(data_dir: Path) -> str:
    """How reports name the data: the club's name, and whether it is synthetic."""
    from evaluate.data.club import load_club

    try:
        club = load_club(data_dir)
    except Exception:  # a missing or unreadable club.yml only loses the label
        return data_dir.name
    synthetic = club.synthetic and "synthetic" not in club.name.lower()
    return f"{club.name} (synthetic demo data)" if synthetic else club.name


def _club_names(prepared: Prepared) -> list[str]:
    """The names (``club.yml``) of the clubs whose data the reports read, build's folder first.

    A chain's clubs follow in folder order; a folder whose ``club.yml`` cannot be read is
    named by the folder. The index page is titled with them.
    """
    from evaluate.data.club import load_club

    read = {report_data_dir(job, prepared) for job in prepared.jobs}
    folders = [f for f in [prepared.data_dir] if f in read] + sorted(read - {prepared.data_dir})
    names = []
    for folder in folders:
        try:
            name = load_club(folder).name
        except Exception:  # a missing or unreadable club.yml only loses the name
            name = folder.name
        if name not in names:
            names.append(name)
    return names


def _reuse(prepared: Prepared, hits: dict[str, Hit], folder: Path, build_id: str,
           progress: Progress) -> dict[str, ReportResult]:
    """Put each hit's files into the build ``folder``; a hit that cannot be taken will run."""
    reused: dict[str, ReportResult] = {}
    for job in prepared.jobs:
        hit = hits.get(job.report.name)
        began = time.perf_counter()
        if hit is None or not prepared.cache.reuse(hit, folder, build_id):
            continue
        reused[job.report.name] = result = ReportResult.reused(
            job, hit, time.perf_counter() - began)
        progress.report_reused(result, hit.build)
    return reused


def _run(prepared: Prepared, reused: dict[str, ReportResult], folder: Path, jobs: int,
         context: dict[str, Any], progress: Progress, client: Client | None = None,
         address: str | None = None) -> tuple[list[ReportResult], dict[str, Any]]:
    """Run every report not ``reused``, checking the data meanwhile; every report's result.

    A report the data cannot support (``job.not_built``) is not run. Also what
    ``build.json`` says of the data check: it ran, or why it did not (every report was
    reused: no kernel starts, and the data's warnings are those recorded by the builds the
    reports come from).
    """
    ran: dict[str, ReportResult] = {}
    if len(reused) < len(prepared.jobs):
        check_models(prepared)  # marks the jobs the data cannot support
    for job in prepared.jobs:
        if job.not_built and job.report.name not in reused:
            ran[job.report.name] = ReportResult.not_built(job)
            progress.report_not_built(ran[job.report.name])
    to_run = [job for job in prepared.jobs if job.report.name not in reused.keys() | ran.keys()]
    if not to_run and ran:  # no notebook runs, but the data is checked all the same
        check_data(prepared)
        data_check = {"ran": True}
    elif to_run:
        running = replace(prepared, jobs=to_run)
        for result in _run_all(running, folder, min(jobs, len(to_run)), context, progress,
                               client, address):
            result.cache = {"hit": False, "key": prepared.cache_keys[result.name]}
            ran[result.name] = result
        prepared.data_warnings = running.data_warnings
        data_check = {"ran": True}
    else:
        sources = {r.cache["from_build"] for r in reused.values() if r.cache}
        prepared.data_warnings = recorded_data_warnings(prepared.cache.out_dir, sources)
        data_check = reused_data_check(list(reused.values()))
    results = [reused.get(j.report.name) or ran[j.report.name] for j in prepared.jobs]
    return results, data_check


# --- running the notebooks ---------------------------------------------------------------------


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
    assert result.summary is not None  # a printed report was built: it has its files
    path = folder / result.summary
    summary = json.loads(path.read_text(encoding="utf-8"))
    summary.update(status=result.status, failure=result.failure.to_dict())
    write_json(path, summary)


class _LocalRunner:
    """Runs reports in this process's threads; each :meth:`submit` gives a Future of its result.

    Kernels boot as soon as a report is submitted and wait before their first cell until
    :meth:`start` (the build checks the data meanwhile: :class:`KernelRegistry`'s gate).
    """

    def __init__(self, jobs: int, folder: Path, context: dict[str, Any], cell_timeout: float,
                 progress: Progress) -> None:
        from evaluate.build.execution import KernelRegistry

        self.registry = KernelRegistry(gated=True)
        self.pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="report")
        self.folder, self.context, self.cell_timeout = folder, context, cell_timeout
        self.progress = progress

    def _run(self, job: Job) -> ReportResult:
        from evaluate.build.report import run_report

        self.progress.report_started(job)
        return run_report(job, self.folder, self.registry, self.cell_timeout, self.context)

    def submit(self, job: Job) -> Future[ReportResult]:
        """Start ``job`` in a thread: its kernel boots, its cells wait for :meth:`start`."""
        return self.pool.submit(self._run, job)

    def start(self) -> None:
        """The data is checked: let the notebooks run."""
        self.registry.open_gate()

    def stop(self) -> None:
        """Stop queued work and kill running kernels: the threads end within about a second."""
        self.registry.kill_all()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Every report is done."""
        self.pool.shutdown(wait=True)


def _run_all(prepared: Prepared, folder: Path, jobs: int, context: dict[str, Any],
             progress: Progress, client: Client | None = None,
             address: str | None = None) -> list[ReportResult]:
    """Run every job in parallel; the data is checked while the first kernels boot.

    With a browser (``--pdf``), it starts at once too, and each report's page is
    printed as soon as that report is done, while the others run. With a Dask ``client``
    (``--scheduler``: :mod:`evaluate.build.cluster`), each report runs on a worker and its
    files come back into ``folder``; the reports are sent once the data is checked.
    """
    from evaluate.build.html_export import warm_up

    results: dict[str, ReportResult] = {}
    runner: Any
    if client is None:
        runner = _LocalRunner(jobs, folder, context, prepared.cell_timeout, progress)
    else:
        from evaluate.build.cluster import RemoteRunner

        runner = RemoteRunner(client, address or "", folder, context, prepared.cell_timeout,
                              progress)
    printer = None
    if prepared.chromium is not None:
        from evaluate.build.pdf import PdfPrinter

        printer = PdfPrinter(prepared.chromium, concurrency=jobs)
    first = [job for job in prepared.jobs if not job.after]
    later = [replace(job, parameters={**job.parameters, SUMMARIES_PARAMETER: str(folder)})
             for job in prepared.jobs if job.after]
    try:
        pending: set[Future[Any]] = {runner.submit(job) for job in first}
        if not first:  # only roll-ups selected (--only): they read what the folder holds
            pending |= {runner.submit(job) for job in later}
        check_data(prepared)  # bad data: raises, and the except below stops every kernel
        runner.start()
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
                pending |= {runner.submit(job) for job in later}  # every summary is written
                later = []
    except BaseException:
        # Bad data, a full disk, a lost worker, or interrupted (Ctrl-C, SIGTERM): stop queued
        # work and kill running kernels (on the cluster too), so the build ends within about
        # a second, not when cells finish.
        runner.stop()
        raise
    finally:
        if printer is not None:
            printer.close()
    runner.close()
    return [results[job.report.name] for job in prepared.jobs]


def default_jobs() -> int:
    """How many reports run at once by default: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
