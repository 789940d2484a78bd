"""How a build shows its progress: a live display in a terminal, log lines otherwise.

A build tells a :class:`Progress` what happens (the default shows nothing). A scheduler
(cron, CI) reads plain timestamped lines; a person at a terminal gets a rich progress bar.
The command line picks one with :func:`for_stream`.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, TextIO

from evaluate.build.manifest import ReportResult
from evaluate.build.prepare import Job

if TYPE_CHECKING:
    from rich.progress import TaskID

log = logging.getLogger("evaluate.build.run")


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

    def report_not_built(self, result: ReportResult) -> None:
        """A report is done: the club's data cannot support it (``result.reason``), nothing ran."""


def not_built_line(result: ReportResult) -> str:
    """What the console says of a report the data cannot support.

    E.g. "usage-review not built: the club has no usage log (...)".
    """
    return f"{result.name} not built: {result.reason}"


def _outcome(result: ReportResult) -> str:
    if result.failure is None:
        return f"ok in {result.seconds:.1f} s"
    return f"FAILED after {result.seconds:.1f} s: {result.failure.describe()}"


class LogProgress(Progress):
    """One log line per event, for unattended runs."""

    def start(self, jobs: list[Job]) -> None:  # noqa: D102
        log.info("building %d report(s)", len(jobs))

    def report_started(self, job: Job) -> None:  # noqa: D102
        log.info("started  %s", job.report.name)

    def report_finished(self, result: ReportResult) -> None:  # noqa: D102
        level = logging.INFO if result.failure is None else logging.ERROR
        log.log(level, "finished %s: %s", result.name, _outcome(result))

    def report_reused(self, result: ReportResult, from_build: str) -> None:  # noqa: D102
        log.info("reused %s from build %s (unchanged)", result.name, from_build)

    def report_not_built(self, result: ReportResult) -> None:  # noqa: D102
        log.warning("%s", not_built_line(result))


class LiveProgress(Progress):
    """A rich progress bar with a line per finished report, for a person at a terminal."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as RichProgress

        self.console = Console(file=stream)
        self.bar = RichProgress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                MofNCompleteColumn(), TimeElapsedColumn(),
                                console=self.console, transient=True)
        self.task: TaskID  # set by start, before any report runs
        self.running: list[str] = []

    def _describe(self) -> str:
        return "running " + ", ".join(self.running) if self.running else "finishing"

    def start(self, jobs: list[Job]) -> None:  # noqa: D102
        self.bar.start()
        self.task = self.bar.add_task("starting", total=len(jobs))

    def report_started(self, job: Job) -> None:  # noqa: D102
        self.running.append(job.report.name)
        self.bar.update(self.task, description=self._describe())

    def report_finished(self, result: ReportResult) -> None:  # noqa: D102
        if result.name in self.running:
            self.running.remove(result.name)
        mark = "[green]✓[/]" if result.failure is None else "[red]✗[/]"
        self.console.print(f"{mark} {result.name}: {_outcome(result)}", highlight=False)
        self.bar.update(self.task, advance=1, description=self._describe())

    def report_reused(self, result: ReportResult, from_build: str) -> None:  # noqa: D102
        self.console.print(f"[green]=[/] reused {result.name} from build {from_build} "
                           "(unchanged)", highlight=False)
        self.bar.update(self.task, advance=1, description=self._describe())

    def report_not_built(self, result: ReportResult) -> None:  # noqa: D102
        from rich.markup import escape

        self.console.print(f"[yellow]-[/] {escape(not_built_line(result))}", highlight=False)
        self.bar.update(self.task, advance=1, description=self._describe())

    def stop(self) -> None:
        """Remove the live bar (its lines stay)."""
        self.bar.stop()


def for_stream(stream: TextIO = sys.stderr) -> Progress:
    """A live display when ``stream`` is a terminal, plain log lines otherwise."""
    return LiveProgress(stream) if stream.isatty() else LogProgress()
