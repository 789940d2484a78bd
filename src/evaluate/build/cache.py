"""The build cache: a report whose inputs have not changed is reused, not run again.

Like a content-addressed build tool (Bazel, ccache), never by modification times:
each report has a **key**, the sha256 of a canonical JSON document (sorted keys)
of everything that decides its files:

``format``
    the cache format, :data:`FORMAT` (raised when the key's meaning changes);
``report``, ``title``
    the report's name and title (both are written into its files);
``notebook``
    the sha256 of the notebook file's bytes;
``parameters``
    the report's final parameters, as the build hands them to papermill (the
    plan's, then ``--param``, checked and coerced to the declared types, with
    ``data_dir`` set by the build); a notebook's defaults are in its bytes;
``data_dir``, ``data``
    the club data folder the report reads (absolute path) and the sha256 of each
    of its files by relative path (hidden files excepted, as in ``build.json``);
``reference``
    the sha256 of each file of ``data/reference/``, read by every report;
``suite``
    the installed ``club-equipment-suite`` version and the sha256 of the suite's
    code: every ``src/evaluate/**/*.py`` and ``src/evaluate/build/templates/**`` file
    (while the code is edited, the version does not change);
``environment``
    the Python version and the versions of the packages ``build.json`` records
    (pandas, plotly, papermill, nbconvert, ...);
``options``
    the build options that change a report's files (:func:`output_options` in
    ``evaluate.build.prepare``): ``--pdf``, how pages load plotly.js, the plotly renderer
    of the kernels. The cell timeout, ``--jobs`` and ``--only`` do not count.

A roll-up (a report that reads the other reports' summaries) has the sha256 of its own
key and of the keys of the reports it reads (:func:`rollup_key`), so it is reused only
when every report it reads is unchanged.

The day a report is made is **not** in the key, so that unchanged inputs are reused from one
day to the next. The one sentence that depends on it, the notice of a roster date 90 days or
more from that day (:func:`evaluate.reports.formatting.roster_date_notice`), names the day
("7 years before this report was made (6 December 2026)"), so a reused page stays true, and
its footer names the build that made it. A roster that passes 90 days between two builds of
unchanged inputs keeps the earlier page, without the notice, until an input changes or
``--force``; ``summary.json`` holds no such sentence, so two builds of the same inputs give
the same summaries whatever their day.

The **index**, ``<out>/.cache/index.json``, maps each key to the newest build
folder of ``<out>`` holding that report's files, for reports that succeeded only.
It is written atomically, under the build lock, after a build is published. A
build whose report's key is in the index, with its build folder and every file
still there, takes that report's files instead of running its notebook: hard
links (a copy across file systems), except ``summary.json``, rewritten with the
new ``build_id`` and otherwise byte-identical. The reused page keeps its footer:
it names the build that ran its notebook.

The index also remembers each notebook's declared parameters by the notebook's
sha256 (and papermill's version), so a build that reuses every report does not
need papermill to read them.

``evaluate build --force`` ignores the index (and still records the new keys);
deleting ``<out>/.cache`` clears it.

The build's side of the bookkeeping is here too: :meth:`BuildCache.lookup` finds the hits,
:meth:`BuildCache.reuse` takes one into a new build, :meth:`BuildCache.record_reports`
writes the index from the reports ``build.json`` lists, once the build is published.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from evaluate.build.parameters import NotebookParameter, declared_from, inspect_declared
from evaluate.build.publish import kernel_log, write_json
from evaluate.errors import OutputWriteError
from evaluate.paths import PACKAGE_DIR, REFERENCE_DATA_DIR

log = logging.getLogger(__name__)

#: The key's format; raise it when what goes into a key changes meaning.
FORMAT = 1
CACHE_DIR = ".cache"
INDEX = "index.json"
#: The index as ``build.json`` names it, relative to the output folder.
INDEX_PATH = f"{CACHE_DIR}/{INDEX}"
#: The files a report's build.json entry names (a hit takes these and its kernel log).
OUTPUTS = ("executed", "html", "summary", "pdf")


def canonical_json(data: Any) -> str:
    """``data`` as JSON with sorted keys and no spaces: equal data, equal text.

    A value JSON has no type for (a date from YAML) is written with its type, so it
    never equals the string it prints as.
    """
    def tagged(value: Any) -> dict[str, str]:
        return {"__type__": type(value).__name__, "value": str(value)}

    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=tagged)


def sha256_text(text: str) -> str:
    """The sha256 of ``text`` (UTF-8), in hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class FileHashes:
    """The sha256 of files, each read once per build (build.json and the keys share them)."""

    def __init__(self) -> None:
        self._known: dict[Path, str] = {}
        self._folders: dict[Path, dict[str, str]] = {}

    def sha256(self, path: Path) -> str:
        """The sha256 of ``path``'s bytes, in hex."""
        path = Path(path)
        found = self._known.get(path)
        if found is None:
            digest = hashlib.sha256()
            with path.open("rb") as stream:
                for block in iter(lambda: stream.read(1 << 20), b""):
                    digest.update(block)
            found = self._known[path] = digest.hexdigest()
        return found

    def folder(self, folder: Path) -> dict[str, str]:
        """Every file under ``folder`` (none in a hidden folder, none hidden) by relative path."""
        folder = Path(folder)
        found = self._folders.get(folder)
        if found is None:
            found = self._folders[folder] = {path.relative_to(folder).as_posix(): self.sha256(path)
                                             for path in folder_files(folder)}
        return found


def folder_files(folder: Path) -> list[Path]:
    """The files of a data folder a report can read: every file, hidden ones excepted."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not any(part.startswith(".") for part in
                                             p.relative_to(folder).parts))


@cache
def suite_code_sha256() -> str:
    """One sha256 over the suite's code: each ``*.py`` and template file, by relative path.

    It covers the whole ``evaluate`` package (every layer), not this module's folder: a
    report must run again after an edit to the model, the data readers or its sections.
    Computed once per process: the code a build runs is the code it started with.
    """
    root = PACKAGE_DIR
    files = sorted(p for p in root.rglob("*")
                   if p.is_file() and "__pycache__" not in p.relative_to(root).parts
                   and (p.suffix == ".py" or "templates" in p.relative_to(root).parts))
    hashes = FileHashes()
    return sha256_text(canonical_json({p.relative_to(root).as_posix(): hashes.sha256(p)
                                       for p in files}))


def rollup_key(own: str, read: Iterable[str]) -> str:
    """A roll-up's key: its own key and the keys of the reports whose summaries it reads."""
    return hashlib.sha256(json.dumps([own, sorted(read)]).encode()).hexdigest()


def papermill_version() -> str:
    """The version of papermill, which reads a notebook's declared parameters."""
    try:
        return version("papermill")
    except PackageNotFoundError:
        return "not installed"


@dataclass(frozen=True)
class Hit:
    """A report of an earlier build that a new build can reuse."""

    key: str
    build: str  # the build folder (under the output folder) holding its files
    report: str
    files: tuple[str, ...]  # every file, relative to the build folder (the kernel log too)
    outputs: dict[str, str | None]  # "executed", "html", "summary", "pdf" (None: no PDF)
    ran_in: str  # the build that ran its notebook (and checked its data)
    tables: tuple[dict[str, Any], ...] = ()  # its CSV tables, as build.json lists them

    @property
    def summary(self) -> str:
        """The report's summary.json, relative to the build folder."""
        return str(self.outputs["summary"])


class BuildCache:
    """The cache of one output folder, for one build."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir).resolve()
        self.dir = self.out_dir / CACHE_DIR
        self.hashes = FileHashes()
        self.inspected: dict[str, dict[str, Any]] = {}  # this build's notebooks, raw
        self._index: dict[str, Any] | None = None

    # --- the index -------------------------------------------------------------------------

    def read_index(self) -> dict[str, Any]:
        """The index as stored now; empty when there is none or it cannot be read."""
        path = self.dir / INDEX
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = None
        except (OSError, ValueError) as exc:
            log.warning("ignoring the build cache index %s: %s", path, exc)
            data = None
        if (not isinstance(data, dict) or data.get("format") != FORMAT
                or not isinstance(data.get("reports"), dict)
                or not isinstance(data.get("notebooks"), dict)):
            data = {"format": FORMAT, "reports": {}, "notebooks": {}}
        self._index = data
        return data

    def _cached_index(self) -> dict[str, Any]:
        return self._index if self._index is not None else self.read_index()

    # --- declared parameters ---------------------------------------------------------------

    def parameters(self, notebook: Path) -> dict[str, NotebookParameter]:
        """The parameters ``notebook`` declares: remembered by its sha256, else papermill's."""
        memo = self.notebook_memo(notebook)
        raw = self._cached_index()["notebooks"].get(memo)
        if not isinstance(raw, dict):
            raw = inspect_declared(notebook)
        self.inspected[memo] = raw
        return declared_from(raw)

    # --- keys ------------------------------------------------------------------------------

    def key(self, *, name: str, title: str, notebook: Path, parameters: Mapping[str, Any],
            data_dir: Path, versions: Mapping[str, str], options: Mapping[str, Any]) -> str:
        """The report's key: see the module's docstring for what it holds."""
        document = {
            "format": FORMAT,
            "report": name,
            "title": title,
            "notebook": self.hashes.sha256(notebook),
            "parameters": dict(parameters),
            "data_dir": str(data_dir),
            "data": self.hashes.folder(data_dir),
            "reference": self.hashes.folder(REFERENCE_DATA_DIR),
            "suite": {"version": versions.get("club-equipment-suite"),
                      "code": suite_code_sha256()},
            "environment": {k: v for k, v in versions.items() if k != "club-equipment-suite"},
            "options": dict(options),
        }
        return sha256_text(canonical_json(document))

    # --- lookup and reuse ------------------------------------------------------------------

    def lookup(self, keys: Mapping[str, str]) -> dict[str, Hit]:
        """The reports (by name) whose key the index holds, with their files still in place."""
        entries = self.read_index()["reports"]
        hits = {}
        for name, key in keys.items():
            entry = entries.get(key)
            try:
                outputs = {k: entry["outputs"][k] for k in OUTPUTS}
                tables = tuple(dict(t) for t in entry["outputs"].get("tables") or ())
                hit = Hit(key=key, build=str(entry["build"]), report=str(entry["report"]),
                          files=tuple(str(f) for f in entry["files"]), outputs=outputs,
                          ran_in=str(entry["ran_in"]), tables=tables)
            except (TypeError, KeyError, ValueError, AttributeError):
                continue  # no entry, or not one this version wrote
            folder = self.out_dir / hit.build
            named = {f for f in outputs.values() if f is not None} | {
                str(t.get("file")) for t in hit.tables}
            # The index is a file of the output folder: a build it names must be a folder
            # of it (a plain name, not hidden, no path), and each file inside that folder.
            if (hit.report == name and named <= set(hit.files) and folder.is_dir()
                    and Path(hit.build).name == hit.build
                    and not folder.is_symlink() and not hit.build.startswith(".")
                    and all(_inside(folder, f) and (folder / f).is_file() for f in hit.files)):
                hits[name] = hit
        return hits

    def reuse(self, hit: Hit, folder: Path, build_id: str) -> bool:
        """Put ``hit``'s files into the build ``folder``; False (and nothing left) if it cannot.

        Every file is hard-linked (copied when a link is impossible), except the
        summary, rewritten with the new ``build_id`` and otherwise the same bytes.
        """
        source = self.out_dir / hit.build
        written: list[Path] = []
        try:
            summary = json.loads((source / hit.summary).read_text(encoding="utf-8"))
            if not isinstance(summary, dict) or summary.get("status") != "ok":
                return False
            for name in hit.files:
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                written.append(target)
                if name == hit.summary:
                    write_json(target, {**summary, "build_id": build_id})
                else:
                    _link_or_copy(source / name, target)
        except (OSError, ValueError) as exc:
            log.warning("cannot reuse report %s from build %s (%s): it runs again",
                        hit.report, hit.build, exc)
            for path in written:
                with contextlib.suppress(OSError):
                    path.unlink()
            return False
        return True

    # --- record ----------------------------------------------------------------------------

    def record(self, build_id: str, reports: Iterable[dict[str, Any]]) -> None:
        """Remember the successful ``reports`` of the published build ``build_id``.

        Each is ``{"key", "report", "files", "outputs", "ran_in", "notebook"}`` (see
        :class:`Hit`; ``notebook``: the memo of its declared parameters). Entries whose
        build folder is gone are dropped. Call under the build lock.
        """
        index = self.read_index()
        entries = {key: entry for key, entry in index["reports"].items()
                   if isinstance(entry, dict)
                   and (self.out_dir / str(entry.get("build", ".missing"))).is_dir()}
        for report in reports:
            entries[report["key"]] = {"build": build_id, "report": report["report"],
                                      "files": list(report["files"]),
                                      "outputs": dict(report["outputs"]),
                                      "ran_in": report["ran_in"],
                                      "notebook": report["notebook"]}
        used = {entry.get("notebook") for entry in entries.values()}
        notebooks = {memo: raw for memo, raw in (index["notebooks"] | self.inspected).items()
                     if memo in used or memo in self.inspected}
        self.dir.mkdir(exist_ok=True)
        write_json(self.dir / INDEX, {"format": FORMAT, "reports": entries,
                                      "notebooks": notebooks}, indent=1)
        self._index = None

    def record_reports(self, folder: Path, build_id: str,
                       reports: Iterable[Mapping[str, Any]]) -> None:
        """Record the reports of the build published in ``folder`` that can serve a later one.

        ``reports`` are the entries of its ``build.json`` (``ReportResult.to_dict``): those
        that succeeded, have a key and have every file they name. A write the disk refuses
        only warns: the build is published already, and the next one runs its reports.
        """
        entries = []
        for r in reports:
            if r["status"] != "ok" or not r["cache"]:
                continue
            outputs = {k: r[k] for k in OUTPUTS}
            named = [f for f in outputs.values() if f] + [t["file"] for t in r["tables"]]
            outputs["tables"] = r["tables"]
            if not all((folder / f).is_file() for f in named):
                continue
            log_file = kernel_log(r["name"])
            files = named + ([log_file] if (folder / log_file).is_file() else [])
            entries.append({"key": r["cache"]["key"], "report": r["name"], "files": files,
                            "outputs": outputs, "ran_in": r["cache"].get("ran_in") or build_id,
                            "notebook": self.notebook_memo(Path(r["notebook"]))})
        try:
            self.record(build_id, entries)
        except (OSError, OutputWriteError, ValueError, TypeError) as exc:
            log.warning("could not update the build cache %s: %s", self.dir, exc)

    def notebook_memo(self, notebook: Path) -> str:
        """The name under which ``notebook``'s declared parameters are remembered."""
        return f"{self.hashes.sha256(notebook)}:{papermill_version()}"


def _inside(folder: Path, name: str) -> bool:
    """True when the relative path ``name`` stays inside ``folder`` (no .., not absolute)."""
    path = Path(name)
    return not path.is_absolute() and ".." not in path.parts


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
