"""Running one report: its notebook executed, then its page, summary and tables written.

:func:`run_report` is the one way a report runs, whether in a thread of a local build
(:mod:`evaluate.build.run`) or on a worker of a Dask cluster
(:func:`evaluate.build.cluster.run_on_worker`). A worker runs it on copies of what the report
reads (:class:`Copies`: the notebook, the club data folder, a roll-up's summaries, in a
temporary folder) and its paths are written as the build's (:meth:`Copies.relocate`) before
the page and summary are made from the executed notebook, so the files are those a local
build makes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluate.build.manifest import ReportResult
from evaluate.build.prepare import Job
from evaluate.build.publish import kernel_log, write_json, writing
from evaluate.errors import OutputWriteError
from evaluate.reports.results import read_records, read_summary, summary_problems

if TYPE_CHECKING:  # imported where used: papermill and nbformat only when a report runs
    from evaluate.build.execution import Failure, KernelRegistry

log = logging.getLogger(__name__)


@dataclass
class Copies:
    """Where a worker holds its copies of a report's inputs, and how its paths map back.

    ``paths``: each folder on the worker -> the same folder on the build machine.
    """

    notebook: Path
    parameters: dict[str, Any]
    paths: dict[str, str]

    def _mapped(self, text: str, escape: Any = str) -> str:
        for here, there in sorted(self.paths.items(), key=lambda p: -len(p[0])):
            text = text.replace(escape(here), escape(there))
        return text

    def relocate(self, executed: Path, kernel_log: Path, failure: Failure | None) -> None:
        """Write the build's paths for the worker's in the executed notebook, log and failure.

        The notebook is JSON (nbformat writes it with ``ensure_ascii=False``): paths are
        replaced as JSON writes them. Done before the page, summary and tables are made from
        the notebook, so they all name the build's files.
        """
        def in_json(text: str) -> str:
            return json.dumps(text, ensure_ascii=False)[1:-1]

        if executed.exists():
            executed.write_text(self._mapped(executed.read_text(encoding="utf-8"), in_json),
                                encoding="utf-8")
        if kernel_log.exists():
            kernel_log.write_text(self._mapped(kernel_log.read_text(encoding="utf-8",
                                                                    errors="replace")),
                                  encoding="utf-8")
        if failure is not None:
            for name in ("message", "evalue", "cell_source"):
                value = getattr(failure, name)
                if value:
                    setattr(failure, name, self._mapped(value))


def _write_prepared_notebook(source: Path, parameters: dict[str, Any], path: Path) -> None:
    """Write the parameterised notebook without running it (kept when a kernel never started)."""
    import papermill

    from evaluate.build.execution import KERNEL_NAME

    papermill.execute_notebook(str(source), str(path), parameters=parameters,
                               prepare_only=True, progress_bar=False, kernel_name=KERNEL_NAME)


def run_report(job: Job, folder: Path, registry: KernelRegistry, cell_timeout: float,
               context: dict[str, Any], copies: Copies | None = None) -> ReportResult:
    """Run one report into ``folder``: executed notebook, page, summary, tables, kernel log.

    The one way a report runs, in a local build's thread or on a Dask worker
    (:func:`evaluate.build.cluster.run_on_worker`, which gives ``copies``: where the worker
    holds the notebook and what it reads; its paths are written as the build's before the
    page and summary are made). A failing notebook or export fails the report (its result
    says why); raises only :class:`OutputWriteError` (the disk of ``folder`` refuses writes).
    """
    import nbformat

    from evaluate.build.execution import Failure, run_notebook
    from evaluate.build.html_export import add_failure_banner, notebook_to_html
    from evaluate.build.table_export import write_report_tables

    name = job.report.name
    executed, page, summary = f"{name}.ipynb", f"{name}.html", f"{name}.summary.json"
    source = copies.notebook if copies is not None else job.report.notebook
    parameters = copies.parameters if copies is not None else job.parameters
    outcome = run_notebook(source, folder / executed, parameters, cwd=source.parent,
                           cell_timeout=cell_timeout, kernel_log=folder / kernel_log(name),
                           registry=registry)
    failure = outcome.failure
    try:
        if not (folder / executed).exists():
            with writing(folder / executed):
                _write_prepared_notebook(source, parameters, folder / executed)
        if copies is not None:
            copies.relocate(folder / executed, folder / kernel_log(name), failure)
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


