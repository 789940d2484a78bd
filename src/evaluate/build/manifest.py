"""``build.json``: what a build did, written by :func:`write_build_json` alone.

Each build folder holds one ``build.json`` (the README documents its fields): the plan
and options, the data folder and its warnings, every input with its sha256, the versions
of the packages that decide what a report shows, the cache's hits and, per report
(:class:`ReportResult`), how it went and the files it produced. The index page lists
builds from it (:func:`evaluate.build.publish.list_builds`), and a build that reuses
every report takes the data warnings recorded by the builds it reuses
(:func:`recorded_data_warnings`).
"""

from __future__ import annotations

import json
import platform
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluate import __version__
from evaluate.build.cache import INDEX_PATH, Hit
from evaluate.build.prepare import BuildOptions, Job, Prepared
from evaluate.build.publish import BUILD_FILE, write_json
from evaluate.paths import PROJECT_ROOT

if TYPE_CHECKING:  # imported where used: a build that reuses every report needs none of it
    from evaluate.build.execution import Failure

#: Packages whose versions go into build.json: they decide what a report shows.
RECORDED_PACKAGES = ("pandas", "numpy", "plotly", "papermill", "nbclient", "nbconvert",
                     "nbformat", "ipykernel", "jupyter_client", "pydantic")


#: A report's ``status`` in build.json: it ran (or was reused) and its files are there; it
#: failed; or the club's data cannot support it and nothing ran (``reason`` says why).
OK, FAILED, NOT_BUILT = "ok", "failed", "not built"


@dataclass
class ReportResult:
    """How one report went, with the files it produced (relative to the build folder).

    A report that was not built has no files: ``html``, ``executed`` and ``summary`` are
    ``None`` and ``reason`` says why.
    """

    name: str
    title: str
    notebook: str
    parameters: dict[str, Any]
    status: str
    seconds: float
    html: str | None
    executed: str | None
    summary: str | None
    failure: Failure | None = None
    attempts: int = 1
    pdf: str | None = None
    # How the build cache served it: {"hit", "key"[, "from_build", "ran_in"]}
    cache: dict[str, Any] | None = None
    # The CSV files of the tables its notebook exported: [{"name", "label", "file", "rows"}]
    tables: list[dict[str, Any]] = field(default_factory=list)
    # Why the report was not built (status NOT_BUILT): what the club's data lacks; else None
    reason: str | None = None
    # The Dask worker that ran it (evaluate build --scheduler: its address); None in this process
    worker: str | None = None

    @classmethod
    def not_built(cls, job: Job) -> ReportResult:
        """A report the club's data cannot support (``job.not_built`` says why): nothing ran."""
        return cls(name=job.report.name, title=job.title, notebook=str(job.report.notebook),
                   parameters=job.parameters, status=NOT_BUILT, seconds=0.0, html=None,
                   executed=None, summary=None, attempts=0, reason=job.not_built)

    @classmethod
    def reused(cls, job: Job, hit: Hit, seconds: float) -> ReportResult:
        """A report whose files were taken from an earlier build (``hit``): nothing ran."""
        out = hit.outputs
        return cls(name=job.report.name, title=job.title, notebook=str(job.report.notebook),
                   parameters=job.parameters, status=OK, seconds=round(seconds, 2),
                   html=str(out["html"]), executed=str(out["executed"]),
                   summary=str(out["summary"]), attempts=0, pdf=out["pdf"],
                   tables=[dict(t) for t in hit.tables],
                   cache={"hit": True, "key": hit.key, "from_build": hit.build,
                          "ran_in": hit.ran_in})

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for build.json."""
        data = dict(self.__dict__)
        data["failure"] = self.failure.to_dict() if self.failure else None
        return data


def recorded_versions() -> dict[str, str]:
    """Python's version, the suite's and those of :data:`RECORDED_PACKAGES`."""
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


def recorded_data_warnings(out_dir: Path, builds: set[str]) -> list[str]:
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


def reused_data_check(reused: list[ReportResult]) -> dict[str, Any]:
    """``data.check`` of a build that reused every report: why the data was not checked."""
    checked = ", ".join(sorted({r.cache["ran_in"] for r in reused if r.cache}))
    return {"ran": False, "why": (
        "every report was reused: the data is byte-identical to the data that passed the "
        f"check in build {checked}, where they ran")}


def write_build_json(folder: Path, *, build_id: str, options: BuildOptions,
                     prepared: Prepared, started: datetime, seconds: float, jobs: int,
                     context: dict[str, Any], data_check: dict[str, Any],
                     inputs: list[dict[str, Any]], versions: dict[str, str],
                     results: list[ReportResult]) -> None:
    """Write the build's ``build.json`` into its ``folder``; the one place that writes one.

    ``jobs``: the reports run at once; ``context``: what the pages were given (the data's
    label, the shared plotly.js); ``data_check``: ``{"ran": True}`` or why it did not
    (:func:`reused_data_check`); ``seconds``: how long the build took until now.
    """
    succeeded = not any(r.status == FAILED for r in results)
    write_json(folder / BUILD_FILE, {
        "build_id": build_id, "title": prepared.plan.plan.title,
        "status": "succeeded" if succeeded else "failed",
        "started_at": started.isoformat(timespec="seconds"),
        "duration_s": round(seconds, 2),
        "suite_version": __version__, "git_commit": _git_commit(),
        "plan": {"path": str(prepared.plan.path),
                 "content": prepared.plan.plan.model_dump(mode="json")},
        "options": {"jobs": jobs, "cell_timeout_s": prepared.cell_timeout,
                    "only": list(options.only), "params": options.params,
                    "pdf": options.pdf, "force": options.force,
                    "scheduler": options.scheduler,
                    "plotly_js": "shared" if prepared.shared_plotly else "self-contained",
                    "plotly_src": context.get("plotly_src")},
        "data": {"dir": str(prepared.data_dir), "label": context["data_label"],
                 "clubs": context.get("clubs", []),
                 "warnings": [str(p) for p in prepared.data_warnings],
                 "check": data_check},
        "inputs": inputs, "versions": versions,
        "cache": {"hits": sum(1 for r in results if r.cache and r.cache.get("hit")),
                  "reports": len(results), "force": options.force, "index": INDEX_PATH},
        "reports": [r.to_dict() for r in results],
    })
