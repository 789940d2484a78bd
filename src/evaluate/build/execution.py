"""Running one notebook with papermill, from a worker thread of the build.

nbclient starts each report's kernel through :class:`ReportKernelManager`, a
small subclass of jupyter_client's manager, for three reasons:

- kernels talk over IPC (Unix sockets), not TCP, so parallel starts cannot race
  for ports (papermill#511), and a kernel's own output goes to a log file
  instead of the build's terminal;
- every live kernel is in a :class:`KernelRegistry`, so Ctrl-C or a scheduler's
  SIGTERM kills them all and the build stops in about a second, not when the
  slowest cell finishes;
- a run that fails before its first cell (the kernel did not come up) is told
  apart from a failure of the notebook itself: only the first is retried.

The working directory is given to the kernel (nbclient's ``resources``), not set
with ``os.chdir`` as papermill's ``cwd`` argument does: a process-wide ``chdir``
races between threads.
"""

from __future__ import annotations

import logging
import shutil
import signal
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from papermill.exceptions import PapermillExecutionError

from evaluate.build.publish import refused_write
from evaluate.errors import BuildInterrupted, OutputWriteError

log = logging.getLogger(__name__)

#: Failures of the notebook itself (a cell raised, ran too long, or killed its kernel):
#: never retried. Anything else before the first cell started is a kernel that did not start.
NOTEBOOK_FAILURES = (PapermillExecutionError, CellTimeoutError, DeadKernelError)

KERNEL_NAME = "python3"
START_ATTEMPTS = 3


@dataclass
class Failure:
    """Why a notebook did not complete, and where."""

    kind: str  # "error", "timeout", "kernel-died", "kernel-start" or "interrupted"
    message: str
    cell_index: int | None = None
    execution_count: int | None = None
    ename: str | None = None
    evalue: str | None = None
    cell_source: str | None = None  # first line of the failing cell, to find it by eye

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for JSON."""
        return asdict(self)

    def locate_in(self, nb: nbformat.NotebookNode) -> None:
        """Point ``cell_index`` at the failing cell of ``nb`` as stored, and quote its first line.

        papermill counts cells in the source notebook and our own search counts
        them before any banner went in; the execution count identifies the cell
        in the stored notebook whatever was inserted above it.
        """
        if self.execution_count is None:
            return
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and cell.get("execution_count") == self.execution_count:
                self.cell_index = index
                self.cell_source = next(iter(cell.source.splitlines()), "")[:100]
                return

    def describe(self) -> str:
        """One line for logs and summaries: what failed and in which cell."""
        where = f" in cell {self.cell_index}" if self.cell_index is not None else ""
        if self.execution_count is not None:
            code = f": {self.cell_source}" if self.cell_source else ""
            where += f" (In [{self.execution_count}]{code})"
        return f"{self.kind}{where}: {self.message}"


@dataclass
class RunOutcome:
    """What running one notebook gave: failure is None when it completed."""

    failure: Failure | None
    attempts: int
    seconds: float

    @property
    def ok(self) -> bool:
        """True when every cell ran without error."""
        return self.failure is None



class KernelRegistry:
    """The kernels that are running, so an interrupted build can stop all of them.

    A *gated* registry lets kernels boot but holds every notebook before its first
    cell until :meth:`open_gate`: the build checks the data meanwhile, so kernel
    start-up (about a second) overlaps the check and no cell runs on bad data.
    """

    def __init__(self, gated: bool = False) -> None:
        self._lock = threading.Lock()
        self._kernels: set[Any] = set()
        self.stopping = threading.Event()
        self._go = threading.Event()
        if not gated:
            self._go.set()

    def open_gate(self) -> None:
        """Let the notebooks run."""
        self._go.set()

    def wait_for_gate(self) -> None:
        """Block until the notebooks may run; raise BuildInterrupted if the build stops."""
        while not self._go.wait(0.05):
            if self.stopping.is_set():
                break
        if self.stopping.is_set():
            raise BuildInterrupted("the build stopped before this notebook ran")

    def add(self, km: Any) -> None:
        """Track a started kernel; kill it at once if the build is already stopping."""
        with self._lock:
            self._kernels.add(km)
        if self.stopping.is_set():
            _kill(km)

    def discard(self, km: Any) -> None:
        """Forget a kernel that has been shut down."""
        with self._lock:
            self._kernels.discard(km)

    def kill_all(self) -> None:
        """Stop accepting work and kill every live kernel (their runs end as failures)."""
        self.stopping.set()
        with self._lock:
            kernels = list(self._kernels)
        for km in kernels:
            _kill(km)


def _kill(km: Any) -> None:
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        process.kill()


class ReportKernelManager(AsyncKernelManager):
    """A ``python3`` kernel over IPC whose output goes to a log, tracked by a registry.

    nbclient creates and owns it (so it also closes its client cleanly); the
    build makes one subclass per report with :func:`kernel_manager_for`.
    """

    log_path: Path
    registry: KernelRegistry
    exits: list[int]  # how this report's kernels ended (return codes), for a death's reason

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # The suite's own interpreter, whatever `python3` kernelspec a user installed
        # elsewhere (~/.local/share/jupyter/kernels): a spec pointing at another Python
        # is the most common cause of "No module named evaluate" in a kernel (README,
        # "Troubleshooting"; papermill's troubleshooting docs, nteract/papermill#251).
        from ipykernel.kernelspec import RESOURCES, get_kernel_dict
        from jupyter_client.kernelspec import KernelSpec

        self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())
        sockets = Path(tempfile.mkdtemp(prefix="evaluate-kernel-"))
        self.transport = "ipc"
        self.ip = str(sockets / "ipc")
        self.connection_file = str(sockets / "connection.json")

    def _forget(self) -> None:
        """The kernel is gone: untrack it and remove its socket folder."""
        self.registry.discard(self)
        shutil.rmtree(Path(self.connection_file).parent, ignore_errors=True)

    # AsyncKernelManager makes these three coroutines by assignment; mypy still sees the
    # synchronous signatures of KernelManager, its base class, so each override is ignored.
    async def start_kernel(self, **kwargs: Any) -> None:  # type: ignore[override]  # noqa: D102
        try:
            if self.registry.stopping.is_set():
                raise BuildInterrupted("the build was interrupted")
            with self.log_path.open("ab") as stream:
                await super().start_kernel(stdout=stream, stderr=stream, **kwargs)
            self.registry.add(self)
            # The kernel process boots on its own meanwhile; blocking this thread's loop is
            # fine, as it serves only this kernel, whose client does not exist yet.
            self.registry.wait_for_gate()
        except BaseException:
            # Stopped before its first cell (bad data, an interrupt): nbclient never shuts
            # down a kernel whose start failed, so kill it and remove its socket folder here.
            _kill(self)
            self._forget()
            raise

    async def shutdown_kernel(  # type: ignore[override]  # noqa: D102
            self, now: bool = False, restart: bool = False) -> None:
        try:
            await super().shutdown_kernel(now=now, restart=restart)
        finally:
            self._forget()

    async def cleanup_resources(  # type: ignore[override]  # noqa: D102
            self, restart: bool = False) -> None:
        # nbclient calls this for every kernel, also one that died (and is not shut down).
        process = getattr(self.provisioner, "process", None)
        code = process.poll() if process is not None else None
        if code is not None:
            self.exits.append(code)
        try:
            await super().cleanup_resources(restart=restart)
        finally:
            self._forget()


def kernel_manager_for(log_path: Path, registry: KernelRegistry) -> type[ReportKernelManager]:
    """A kernel manager class for one report (nbclient takes a class, not an instance)."""
    return type("ReportKernelManager", (ReportKernelManager,),
                {"log_path": log_path, "registry": registry, "exits": []})


def _started_cells(output: Path) -> list[tuple[int, Any]]:
    """The cells papermill recorded a start time for, with their index, in order.

    papermill marks every cell "completed" when it gives up, even cells that never
    ran, so its status cannot tell what ran; the start times it records can.
    """
    if not output.exists():
        return []
    nb = nbformat.read(output, as_version=4)
    return [(i, c) for i, c in enumerate(nb.cells)
            if c.get("metadata", {}).get("papermill", {}).get("start_time")]


def _how_it_ended(code: int | None) -> str:
    """How a dead kernel ended, from its return code, in words."""
    if code is None:
        return "out of memory, killed, or crashed"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        if -code == signal.SIGKILL:
            return f"killed with {name}, by a person or by the system's out-of-memory killer"
        return f"killed by {name}"
    return f"it exited with status {code}"


def _failure_from(exc: BaseException, cell_timeout: float, *, exit_code: int | None = None,
                  kernel_log: str | None = None) -> Failure:
    """Describe an exception from papermill/nbclient as a :class:`Failure`."""
    if isinstance(exc, PapermillExecutionError):
        return Failure("error", f"{exc.ename}: {exc.evalue}", cell_index=exc.cell_index,
                       execution_count=exc.exec_count, ename=exc.ename, evalue=exc.evalue)
    if isinstance(exc, CellTimeoutError):
        return Failure("timeout", f"a cell ran longer than the {cell_timeout:g} s cell timeout")
    if isinstance(exc, DeadKernelError):
        where = f"; its own output is in {kernel_log}" if kernel_log else ""
        return Failure("kernel-died", f"the kernel died while this cell ran "
                                      f"({_how_it_ended(exit_code)}){where}")
    return Failure("error", f"{type(exc).__name__}: {exc}")


def _locate_running_cell(output: Path, failure: Failure) -> None:
    """Fill in the cell a timeout or a dead kernel stopped at: the last one that started."""
    started = _started_cells(output)
    if failure.cell_index is None and started:
        failure.cell_index, cell = started[-1]
        failure.execution_count = cell.get("execution_count")


def run_notebook(source: Path, output: Path, parameters: dict[str, Any], *, cwd: Path,
                 cell_timeout: float, kernel_log: Path, registry: KernelRegistry,
                 start_timeout: float = 60.0) -> RunOutcome:
    """Execute ``source`` with ``parameters`` into ``output``; never raises for a notebook error.

    A run that fails before any cell started (the kernel did not come up) is
    retried up to ``START_ATTEMPTS`` times; an error inside the notebook, a cell
    timeout or a dead kernel is reported in the outcome, never retried, and the
    executed notebook is kept at ``output``. Raises :class:`OutputWriteError` when
    the disk refuses to write ``output`` or the kernel's log (full, a quota).
    """
    import papermill

    began = time.perf_counter()
    manager = kernel_manager_for(kernel_log, registry)
    failure: Failure | None = None
    for attempt in range(1, START_ATTEMPTS + 1):
        try:
            papermill.execute_notebook(
                str(source), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
                kernel_manager_class=manager, resources={"metadata": {"path": str(cwd)}},
                progress_bar=False, log_output=False, execution_timeout=cell_timeout,
                start_timeout=start_timeout, request_save_on_cell_execute=True)
            return RunOutcome(None, attempt, time.perf_counter() - began)
        except Exception as exc:  # reported in the outcome, never raised
            if registry.stopping.is_set():
                failure = Failure("interrupted", "the build was interrupted while this ran")
                break
            if refused_write(exc):  # the disk is full: the whole build stops, not this report
                raise OutputWriteError(Path(exc.filename or output), exc) from None
            if not isinstance(exc, NOTEBOOK_FAILURES) and not _started_cells(output):
                failure = Failure("kernel-start", f"the kernel did not start: {exc}")
                log.warning("kernel start failed for %s (attempt %d of %d): %s",
                            source.name, attempt, START_ATTEMPTS, exc)
                time.sleep(0.5 * attempt)
                continue
            exit_code = manager.exits[-1] if manager.exits else None
            failure = _failure_from(exc, cell_timeout, exit_code=exit_code,
                                    kernel_log=f"{kernel_log.parent.name}/{kernel_log.name}")
            _locate_running_cell(output, failure)
            break
    return RunOutcome(failure, attempt, time.perf_counter() - began)
