"""Running a build's reports on a Dask distributed cluster (``evaluate build --scheduler``).

The build connects to the scheduler (:func:`connect`: before anything runs, so an address
that does not answer stops it with exit status 3 and nothing written), checks that every
worker runs the same suite (:func:`fingerprint`: its code, reference data and the package
versions that decide what a report shows; a worker that differs would make other pages under
the same cache key), then hands each report to the cluster (:class:`RemoteRunner`). The task
is :func:`run_on_worker`, which runs the report with the same function a local build runs
(:func:`evaluate.build.report.run_report`) and returns its files as bytes; the build writes them
into its staging folder, then checks, caches and publishes them exactly as a local build does.

Workers may be on other machines and must not need the build machine's disk: each task
carries what its report reads (the notebook, its parameters, the club data folder's files,
scattered once per folder, and a roll-up's summaries) and runs in a temporary folder of the
worker, removed afterwards. The worker's paths are then written as the build's in the
executed notebook, its kernel log and its failure
(:meth:`evaluate.build.report.Copies.relocate`), so a report's
files say what a local build's say: the copies are byte-identical to the files the build
hashed for ``build.json`` and the cache key.

``distributed`` is imported here only, and only when ``--scheduler`` is given: it is the
``dask`` extra (``pip install -e ".[dask]"``).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import socket
import tempfile
import threading
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluate.build.cache import FileHashes, folder_files, suite_code_sha256
from evaluate.build.prepare import SUMMARIES_FROM_PARAMETER, SUMMARIES_PARAMETER, Job
from evaluate.build.publish import writing
from evaluate.build.report import Copies
from evaluate.errors import ClusterUnavailable, InputError, Problem
from evaluate.paths import REFERENCE_DATA_DIR

if TYPE_CHECKING:
    from distributed import Client

    from evaluate.build.manifest import ReportResult
    from evaluate.build.progress import Progress

log = logging.getLogger(__name__)

#: Seconds the build waits for the scheduler to answer, and then for a worker to join it.
CONNECT_TIMEOUT_S = 10.0
INSTALL_HINT = 'pip install -e ".[dask]"'
OPTION = "--scheduler"


# --- connecting ----------------------------------------------------------------------------


def _distributed() -> Any:
    """The ``distributed`` module, or an InputError (exit status 2) saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise InputError.single(
            f"{OPTION} needs the Python package distributed, which is not installed",
            column=OPTION, fix=f"{INSTALL_HINT} in the suite's folder (its dask extra), or "
                               f"build without {OPTION}") from None
    return distributed


def _unreachable(address: str, why: str) -> ClusterUnavailable:
    return ClusterUnavailable(
        f"the Dask scheduler at {address} {why}; nothing ran.\n"
        f"  fix: start it (dask scheduler) and its workers (dask worker {address}) with the "
        f"suite installed, check the address and the firewall, or build without {OPTION}")


def _probe(address: str, timeout: float) -> None:
    """Raise ClusterUnavailable at once when nothing listens at ``address``'s host and port.

    ``distributed.Client`` would retry a refused connection until its timeout, and a client
    that never connected waits up to 10 s more as the process exits; one TCP connection
    answers in milliseconds (tcp and tls addresses; others are left to the client).
    """
    from distributed.comm.addressing import get_address_host_port, parse_address
    from distributed.comm.registry import get_backend

    try:
        scheme, _ = parse_address(address)
        get_backend(scheme)  # a scheme distributed knows
        if scheme not in ("tcp", "tls"):
            return
        host, port = get_address_host_port(address)
    except ValueError as exc:
        raise InputError.single(f"not a scheduler address: {exc}", column=OPTION,
                                value=address, rule="tcp://HOST:PORT (or tls://HOST:PORT)",
                                fix=f"give {OPTION} the address `dask scheduler` prints, "
                                    "e.g. tcp://10.0.0.5:8786") from None
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise _unreachable(address, f"could not be reached ({exc.strerror or exc})") from None


def connect(address: str, timeout: float = CONNECT_TIMEOUT_S) -> Client:
    """A client of the scheduler at ``address`` with at least one worker running this suite.

    Raises :class:`InputError` (exit 2) without ``distributed``, for an address that is not
    one, or when a worker runs another suite; :class:`ClusterUnavailable` (exit 3) when the
    scheduler does not answer or no worker joins within ``timeout`` seconds.
    """
    distributed = _distributed()
    _probe(address, timeout)
    try:
        client = distributed.Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise _unreachable(address, f"could not be reached ({exc})") from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise _unreachable(address, f"has no worker (none joined within {timeout:g} s)"
                               ) from None
        check_workers(client, address)
    except BaseException:
        client.close()
        raise
    return client


def fingerprint() -> dict[str, Any]:
    """What decides a report's files on this machine: the suite's code, reference data, versions.

    Run on the build machine and on every worker (:func:`check_workers`).
    """
    from evaluate.build.manifest import recorded_versions

    return {"versions": recorded_versions(), "code": suite_code_sha256(),
            "reference": FileHashes().folder(REFERENCE_DATA_DIR)}


def _differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    found = []
    if theirs["code"] != ours["code"]:
        found.append("the suite's code (src/evaluate) differs")
    if theirs["reference"] != ours["reference"]:
        found.append("the reference data (data/reference) differs")
    for name, value in ours["versions"].items():
        if theirs["versions"].get(name) != value:
            found.append(f"{name} {theirs['versions'].get(name)} (the build has {value})")
    return found


def check_workers(client: Client, address: str) -> None:
    """Raise InputError naming every worker whose suite is not the build's.

    A worker with other code, reference data or package versions would make different pages
    under the same cache key.
    """
    ours = fingerprint()
    problems = []
    for worker, theirs in sorted(client.run(fingerprint).items()):
        found = _differences(ours, theirs)
        if found:
            problems.append(Problem(
                f"worker {worker} of the scheduler at {address} runs another suite: "
                f"{'; '.join(found)}", column=OPTION,
                rule="every worker runs the build's commit, installed from the same lock",
                fix="install the suite on the worker as on the build machine (same commit, "
                    "make), restart its dask worker, and build again"))
    if problems:
        raise InputError(problems)


# --- what a task carries, and the worker's side --------------------------------------------


def folder_bytes(folder: Path) -> dict[str, bytes]:
    """Every file of ``folder`` a report can read, by relative path (what a worker gets)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder_files(folder)}


@dataclass
class ReportTask:
    """A report as a worker gets it: the job and what it reads, as bytes, with the build's paths.

    ``summaries``: the build folder's ``*.summary.json`` (a roll-up reads them);
    ``others``: each folder of ``summaries_from`` (other builds' summaries), its files.
    """

    job: Job
    notebook: bytes
    cell_timeout: float
    context: dict[str, Any]
    folder: str  # the build's staging folder, where the files go
    summaries: dict[str, bytes] = field(default_factory=dict)
    others: list[dict[str, bytes]] = field(default_factory=list)
    stop_event: str | None = None  # a distributed.Event set when the build is interrupted


@dataclass
class Shipped:
    """What a worker sends back: the report's result, its files and where it ran."""

    result: ReportResult
    files: dict[str, bytes]
    worker: str


def _unpack(files: dict[str, bytes], folder: Path) -> None:
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _copies(task: ReportTask, data: dict[str, bytes] | None, root: Path) -> Copies:
    """Write the task's inputs under ``root``; where they are and how the paths map back."""
    job = task.job
    notebook = root / "notebook" / job.report.notebook.name
    notebook.parent.mkdir(parents=True)
    notebook.write_bytes(task.notebook)
    out = root / "build"
    out.mkdir()
    _unpack(task.summaries, out)
    parameters = dict(job.parameters)
    paths = {str(notebook.parent): str(job.report.notebook.parent), str(out): task.folder}
    if data is not None:  # the club folder keeps its name: reports may show it
        there = str(job.parameters["data_dir"])
        here = root / "data" / Path(there).name
        here.mkdir(parents=True)
        _unpack(data, here)
        parameters["data_dir"], paths[str(here)] = str(here), there
    if SUMMARIES_PARAMETER in parameters:
        parameters[SUMMARIES_PARAMETER] = str(out)
    if task.others:
        folders = []
        for index, (there, files) in enumerate(
                zip(job.parameters[SUMMARIES_FROM_PARAMETER], task.others, strict=True)):
            here = root / f"other-{index}" / Path(there).name
            here.mkdir(parents=True)
            _unpack(files, here)
            folders.append(str(here))
            paths[str(here)] = str(there)
        parameters[SUMMARIES_FROM_PARAMETER] = folders
    return Copies(notebook=notebook, parameters=parameters, paths=paths)


def _watch(event_name: str | None, registry: Any, done: threading.Event) -> None:
    """Kill the report's kernel when the build sets its stop event (Ctrl-C, SIGTERM).

    distributed cannot interrupt a running task; its kernel can be killed, and the run then
    ends within about a second as "interrupted".
    """
    if event_name is None:
        return
    from distributed import Event, get_client

    # Bound to the worker's client here, in the task's thread: an Event made without a
    # client cannot find one from the watching thread.
    stop = Event(event_name, client=get_client())

    def watch() -> None:
        while not done.is_set():
            try:
                if stop.wait(timeout=1):
                    registry.kill_all()
                    return
            except Exception:  # the scheduler went away: the task's result is lost anyway
                return

    threading.Thread(target=watch, name="evaluate-stop-watch", daemon=True).start()


def run_on_worker(task: ReportTask, data: dict[str, bytes] | None) -> Shipped:
    """Run one report on this worker, in a temporary folder; its result and files.

    The dask task of :class:`RemoteRunner`; ``data``: the club data folder's files (scattered
    once per folder), None for a report that reads none. Runs the report with
    :func:`evaluate.build.report.run_report`, as a local build does.
    """
    from distributed import get_worker

    from evaluate.build.execution import KernelRegistry
    from evaluate.build.publish import LOGS_DIR
    from evaluate.build.report import run_report
    from evaluate.errors import OutputWriteError

    root = Path(tempfile.mkdtemp(prefix="evaluate-report-"))
    done = threading.Event()
    try:
        copies = _copies(task, data, root)
        out = root / "build"
        placed = set(task.summaries)
        (out / LOGS_DIR).mkdir()
        registry = KernelRegistry()
        _watch(task.stop_event, registry, done)
        try:
            result = run_report(task.job, out, registry, task.cell_timeout, task.context,
                                copies=copies)
        except OutputWriteError as exc:  # the worker's disk, not the build's output folder
            raise RuntimeError(f"the worker could not write its temporary files: {exc}"
                               ) from None
        files = {p.relative_to(out).as_posix(): p.read_bytes()
                 for p in sorted(out.rglob("*")) if p.is_file()
                 and p.relative_to(out).as_posix() not in placed}
        return Shipped(result=result, files=files, worker=get_worker().address)
    finally:
        done.set()
        shutil.rmtree(root, ignore_errors=True)


# --- the build's side ----------------------------------------------------------------------


def _inside(folder: Path, name: str) -> Path:
    """``folder / name`` for a relative path a worker sent, refused if it would leave it."""
    path = (folder / name).resolve()
    if Path(name).is_absolute() or ".." in Path(name).parts or folder.resolve() not in \
            path.parents:
        raise ValueError(f"a worker sent a file outside the build folder: {name!r}")
    return path


class RemoteRunner:
    """Hands reports to a Dask cluster; each :meth:`submit` gives a Future of its result.

    The runner holds what it is given until :meth:`start` (the build checks the data first,
    so no report runs on bad data); then each report is a dask task. When a task is done its
    files are written into the build's ``folder`` and its Future completes, as a local
    report's does. :meth:`stop` sets the stop event (workers kill their kernels) and cancels
    every task.
    """

    def __init__(self, client: Client, address: str, folder: Path, context: dict[str, Any],
                 cell_timeout: float, progress: Progress) -> None:
        self.client, self.address, self.folder = client, address, folder
        self.context, self.cell_timeout, self.progress = context, cell_timeout, progress
        self._queued: list[tuple[Job, Future[ReportResult]]] = []
        self._tasks: list[Any] = []
        self._data: dict[str, Any] = {}  # club folder -> its scattered files
        self._started = self._stopped = False
        self._stop_event = f"evaluate-stop-{context['build_id']}-{uuid.uuid4().hex[:8]}"
        self.workers: dict[str, str] = {}  # report -> the worker that ran it

    def submit(self, job: Job) -> Future[ReportResult]:
        """A Future of ``job``'s result; sent to the cluster now, or at :meth:`start`."""
        future: Future[ReportResult] = Future()
        if self._started:
            self._send(job, future)
        else:
            self._queued.append((job, future))
        return future

    def start(self) -> None:
        """The data is checked: send every report held so far."""
        self._started = True
        queued, self._queued = self._queued, []
        for job, future in queued:
            self._send(job, future)

    def _scattered(self, folder: str) -> Any:
        if folder not in self._data:
            self._data[folder] = self.client.scatter([folder_bytes(Path(folder))],
                                                     hash=False)[0]
        return self._data[folder]

    def _summaries(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(self.folder.glob("*.summary.json"))}

    def _send(self, job: Job, future: Future[ReportResult]) -> None:
        params = job.parameters
        task = ReportTask(
            job=replace(job, checked=None), notebook=job.report.notebook.read_bytes(),
            cell_timeout=self.cell_timeout, context=self.context, folder=str(self.folder),
            summaries=self._summaries() if SUMMARIES_PARAMETER in params else {},
            others=[folder_bytes(Path(f)) for f in params.get(SUMMARIES_FROM_PARAMETER, [])],
            stop_event=self._stop_event)
        data = self._scattered(str(params["data_dir"])) if "data_dir" in params else None
        self.progress.report_started(job)
        task_future = self.client.submit(
            run_on_worker, task, data, pure=False,
            key=f"evaluate-{job.report.name}-{uuid.uuid4().hex[:8]}")
        self._tasks.append(task_future)
        task_future.add_done_callback(lambda done: self._landed(done, job, future))

    def _landed(self, done: Any, job: Job, future: Future[ReportResult]) -> None:
        """A task ended (in a thread of the client): write its files, complete ``future``."""
        if done.status == "cancelled" or self._stopped:
            future.cancel()  # the build stopped: its staging folder is gone, write nothing
            return
        try:
            shipped: Shipped = done.result()
        except BaseException as exc:  # the worker was lost, or the task itself broke
            future.set_exception(ClusterUnavailable(
                f"report {job.report.name} could not run on the cluster at {self.address} "
                f"({type(exc).__name__}: {exc}); the build stopped, nothing was published.\n"
                "  fix: check the workers' logs (a worker lost, out of memory), then build "
                "again"))
            return
        try:
            for name, data in shipped.files.items():
                path = _inside(self.folder, name)
                with writing(path):
                    path.parent.mkdir(exist_ok=True)  # logs/; never the staging folder again
                    path.write_bytes(data)
        except BaseException as exc:  # a full disk: the build stops, as a local one does
            future.set_exception(exc)
            return
        self.workers[job.report.name] = shipped.worker
        shipped.result.worker = shipped.worker
        future.set_result(shipped.result)

    def stop(self) -> None:
        """Stop every report: workers kill their kernels, and the tasks are cancelled."""
        from distributed import Event

        self._stopped = True
        try:
            Event(self._stop_event, client=self.client).set()
            self.client.cancel(self._tasks, force=True)
        except Exception as exc:  # the scheduler is gone: nothing is left to stop there
            log.warning("could not cancel the reports on the cluster at %s: %s",
                        self.address, exc)
        for _, future in self._queued:
            future.cancel()

    def close(self) -> None:
        """Forget the scattered data (the build is done with it)."""
        with contextlib.suppress(Exception):  # the client is closed next anyway
            self.client.cancel(list(self._data.values()))
