"""Progress: a live display for a person at a terminal, timestamped lines for cron."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from evaluate.build.execution import Failure
from evaluate.build.manifest import ReportResult
from evaluate.build.plan import PlannedReport
from evaluate.build.prepare import Job
from evaluate.build.progress import LiveProgress, LogProgress, for_stream

JOB = Job(PlannedReport("r-a", "r", Path("r.ipynb"), "R"), {}, "R")


def result(failure: Failure | None = None) -> ReportResult:
    return ReportResult(name="r-a", title="R", notebook="r.ipynb", parameters={},
                        status="ok" if failure is None else "failed", seconds=1.25,
                        html="r-a.html", executed="r-a.ipynb", summary="r-a.summary.json",
                        failure=failure)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_the_live_display_and_a_pipe_gets_log_lines():
    assert isinstance(for_stream(Terminal()), LiveProgress)
    assert isinstance(for_stream(io.StringIO()), LogProgress)


def test_log_lines_name_each_report_and_its_outcome(caplog):
    progress = LogProgress()
    with caplog.at_level(logging.INFO, logger="evaluate.build.run"):
        progress.start([JOB])
        progress.report_started(JOB)
        progress.report_finished(result())
        progress.report_finished(result(Failure("timeout", "too slow", cell_index=4,
                                                execution_count=3, cell_source="sleep()")))
    lines = [r.getMessage() for r in caplog.records]
    assert lines[:3] == ["building 1 report(s)", "started  r-a", "finished r-a: ok in 1.2 s"]
    assert lines[3] == ("finished r-a: FAILED after 1.2 s: timeout in cell 4 "
                        "(In [3]: sleep()): too slow")
    assert caplog.records[3].levelno == logging.ERROR


def test_live_display_prints_a_line_per_finished_report():
    stream = Terminal()
    progress = LiveProgress(stream)
    progress.start([JOB])
    progress.report_started(JOB)
    progress.report_finished(result())
    progress.stop()
    assert "r-a: ok in 1.2 s" in stream.getvalue()
