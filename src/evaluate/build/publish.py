"""The reports folder: dated builds, the lock, atomic publishing, ``latest`` and the index.

Layout of an output folder (``reports/`` by default)::

    index.html                every build, newest first, with status and links
    latest -> 2026-11-23-223412   the newest build whose reports all succeeded
    2026-11-23-223412/        one build: build.json, <report>.html, <report>.ipynb,
                              <report>.summary.json, logs/, <report>.pdf (--pdf)
    assets/plotly-<version>-<sha256>.min.js   one plotly.js that builds made with
                              --shared-plotly load (evaluate.build.html_export); never rewritten
    .staging-<id>/            a build being written; renamed into place when complete
    .build.lock               held by the build that is writing here; holds "pid N,
                              started ..." while held, emptied on a clean exit

A build is written under a staging name and renamed into place only when it is
complete (a rename within one folder is atomic), so a failed or interrupted
build never leaves a half-written folder under a final name, and ``latest``
moves only to a build that succeeded. A file that cannot be written (the disk is
full, a quota, permissions) raises :class:`OutputWriteError`, which names it; if
that happens while publishing, the build goes back to its staging name and
``latest`` and ``index.html`` stay as they were.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeGuard

from evaluate.errors import BuildLockedError, OutputWriteError
from evaluate.paths import STAGING_PREFIX, TEMPLATES_DIR

LOCK_NAME = ".build.lock"
LATEST = "latest"
INDEX = "index.html"
BUILD_FILE = "build.json"
LOGS_DIR = "logs"  # in a build folder: each report's kernel log
SHOWN_TIME = "%Y-%m-%d %H:%M UTC"  # a time on the pages: when a build ran, the index was made


def kernel_log(report: str) -> str:
    """Where a report's kernel log is, relative to its build folder."""
    return f"{LOGS_DIR}/{report}.kernel.log"


#: What a disk says when it refuses a write whoever writes: full, a quota, a file-size
#: limit (``ulimit -f``), read-only.
REFUSED_WRITES = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}

def refused_write(exc: BaseException | None) -> TypeGuard[OSError]:
    """True for an OSError saying the disk refuses writes (full, quota, limit, read-only)."""
    return isinstance(exc, OSError) and exc.errno in REFUSED_WRITES


@contextlib.contextmanager
def writing(path: Path, folder: Path | None = None) -> Iterator[None]:
    """Turn an OSError of the block into an :class:`OutputWriteError` naming ``path``."""
    try:
        yield
    except OSError as exc:
        raise OutputWriteError(path, exc, folder) from None


def new_build_id(out_dir: Path, now: datetime | None = None) -> str:
    """A sortable, dated build id (UTC) that no build in ``out_dir`` has yet."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d-%H%M%S")
    build_id, n = stamp, 1
    while (out_dir / build_id).exists() or (out_dir / f"{STAGING_PREFIX}{build_id}").exists():
        n += 1
        build_id = f"{stamp}-{n}"
    return build_id


@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[str | None]:
    """Hold the output folder's lock for the duration of a build.

    An OS-level ``flock`` (stdlib; the suite runs on Linux and macOS) is released
    by the kernel when the process dies, so a crashed build never keeps the folder
    locked. A second build raises :class:`BuildLockedError` at once.

    The lock file holds its holder's record ("pid N, started ...") while it is held
    and is emptied when it is released cleanly. Yields the record a previous holder
    left behind, if any: that build was killed or crashed (see :func:`stale_lock`).
    """
    path = out_dir / LOCK_NAME
    with writing(out_dir, out_dir):
        out_dir.mkdir(parents=True, exist_ok=True)
    with writing(path, out_dir):
        handle = path.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another build"
            raise BuildLockedError(
                f"another build is already writing to {out_dir} ({holder}).\n"
                "  fix: wait for it to finish, or give this build another --out folder"
            ) from None
        handle.seek(0)
        left = handle.read().strip() or None
        with writing(path, out_dir):
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
            handle.flush()
        try:
            yield left
        finally:
            with contextlib.suppress(OSError):  # released cleanly: no record left behind
                handle.seek(0)
                handle.truncate()
    finally:
        handle.close()


def stale_lock(record: str, removed: list[Path]) -> str:
    """What the next build says about a lock record left by a build that was killed.

    ``removed``: the staging folders it left, which the new build removed.
    """
    found = re.fullmatch(r"pid (\d+), started (.+)", record)
    if found is None:
        who, running = f"an earlier build ({record[:80]})", False
    else:
        pid = int(found.group(1))
        who, running = f"build pid {pid} (started {found.group(2)})", _running(pid)
    state = "which no longer holds it" if running else "which is no longer running"
    if removed:
        names = ", ".join(p.name for p in removed)
        what = f"removed its unfinished staging folder{'s' if len(removed) > 1 else ''} {names}"
    else:
        what = "it left no unfinished build"
    return f"cleared a stale lock left by {who}, {state}; {what}"


def _running(pid: int) -> bool:
    """True when a process ``pid`` exists (it may be another one, the number reused)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def clear_stale_staging(out_dir: Path) -> list[Path]:
    """Remove staging folders left by builds that were killed; call only under the lock."""
    stale = sorted(out_dir.glob(f"{STAGING_PREFIX}*"))
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


def staging_dir(out_dir: Path, build_id: str) -> Path:
    """Create and return the folder a build is written into before it is published."""
    path = out_dir / f"{STAGING_PREFIX}{build_id}"
    with writing(path, out_dir):
        path.mkdir(parents=True)
    return path


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) through a temporary file, so a reader never sees half.

    The file and its folder are synced to disk before the rename, so a crash or a power cut
    leaves the old ``path`` or the new one, never an empty or partial file under its name.
    A write that fails raises :class:`OutputWriteError` naming ``path``, and leaves
    neither the temporary file nor a changed ``path``.
    """
    tmp = path.with_name(f".{path.name}.tmp")  # one writer: builds of a folder hold its lock
    try:
        with tmp.open("wb") as file:
            file.write(data.encode("utf-8") if isinstance(data, str) else data)
            file.flush()
            os.fsync(file.fileno())
        sync_folder(path.parent)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputWriteError(path, exc) from None
    with contextlib.suppress(OSError):  # the new file is in place; this makes the rename durable
        sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries (names made, renamed) to disk: ``fsync`` on the folder."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, data: Any, *, indent: int = 2) -> None:
    """Write JSON readably and atomically (:func:`write_atomically`)."""
    write_atomically(path, json.dumps(data, indent=indent, ensure_ascii=False, default=str)
                     + "\n")


def publish(staging: Path, out_dir: Path, build_id: str, *, succeeded: bool) -> Path:
    """Move a complete build into place, list it in the index; if it succeeded, move ``latest``.

    All or nothing: when a step cannot be written, the build is renamed back to
    ``staging`` (the caller removes it), ``latest`` and ``index.html`` are as they
    were, and :class:`OutputWriteError` names what failed. The last step, moving
    ``latest``, is one atomic rename of a link made beforehand.
    """
    final = out_dir / build_id
    link = out_dir / f".{LATEST}.tmp"
    try:
        if succeeded:
            with writing(link, out_dir):
                with contextlib.suppress(FileNotFoundError):
                    link.unlink()
                link.symlink_to(build_id, target_is_directory=True)
        with writing(final, out_dir):
            os.rename(staging, final)
        try:
            write_index(out_dir, latest=build_id if succeeded else None)
            if succeeded:
                with writing(out_dir / LATEST, out_dir):
                    os.replace(link, out_dir / LATEST)
        except BaseException:
            os.rename(final, staging)
            with contextlib.suppress(OutputWriteError):
                write_index(out_dir)  # as it was, if a build was listed but latest not moved
            raise
    finally:
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
    return final


#: Characters of a failure's message the index shows; build.json keeps all of it.
REASON_CHARS = 160


def _reason(failure: Any) -> str:
    """A failed report's reason in one short line, e.g. "pdf: TimeoutError: ..."."""
    if not isinstance(failure, dict):
        return ""
    where = f" in cell {failure['cell_index']}" if failure.get("cell_index") is not None else ""
    lines = str(failure.get("message") or "").strip().splitlines()
    message = lines[0] if lines else ""
    if len(message) > REASON_CHARS:
        message = message[:REASON_CHARS - 1].rstrip() + "…"
    text = f"{failure.get('kind', 'failed')}{where}"
    return f"{text}: {message}" if message else text


def _report_for_index(folder: Path, report: dict[str, Any]) -> dict[str, Any]:
    """A report of build.json with what the index shows: its reason, headline and figures.

    The headline and key figures come from the report's summary.json, when it has
    them in the shape :func:`evaluate.reports.results.summarize` checks.
    """
    from evaluate.reports.results import summary_problems

    reason = _reason(report.get("failure")) or str(report.get("reason") or "")
    shown = dict(report, reason=reason, headline="", key_figures=[])
    name = report.get("summary")
    if not isinstance(name, str):
        return shown
    try:
        summary = json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return shown
    if not isinstance(summary, dict):
        return shown
    for key in ("headline", "key_figures"):
        if key in summary and not summary_problems({key: summary[key]}):
            shown[key] = summary[key]
    return shown


def list_builds(out_dir: Path) -> list[dict[str, Any]]:
    """Every published build's ``build.json``, newest first; unreadable ones are listed as such.

    Each report also gets ``reason`` (a failure in one line, why it was not built, or ""),
    and the
    ``headline`` and ``key_figures`` of its summary.json ("" and [] if it has none).
    """
    builds = []
    for path in sorted(out_dir.glob(f"*/{BUILD_FILE}"), reverse=True):
        if path.parent.is_symlink() or path.parent.name.startswith("."):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if not isinstance(data, dict):
            data = {"build_id": path.parent.name, "status": "unreadable", "reports": []}
        if not isinstance(data.get("reports"), list):
            data["reports"] = []
        data["reports"] = [_report_for_index(path.parent, r) for r in data["reports"]
                           if isinstance(r, dict)]
        data["folder"] = path.parent.name
        builds.append(data)
    return builds


def latest_build(out_dir: Path) -> str | None:
    """The build id ``latest`` points at, if any."""
    link = out_dir / LATEST
    return os.readlink(link) if link.is_symlink() else None


#: The index page's title when no build names its clubs (builds made before they were named).
INDEX_TITLE = "Club equipment reports"


def index_title(builds: list[dict[str, Any]]) -> str:
    """The index page's title: the club's name, or the clubs' when the builds have several.

    Names come from each build's ``data.clubs`` (its clubs' ``club.yml``), newest build first:
    one club gives its name ("Riverside Fitness"); several, as a chain's builds or builds of
    different clubs in one output folder have, give "Club equipment reports: A, B";
    none, :data:`INDEX_TITLE`.
    """
    names: list[str] = []
    for build in builds:
        data = build.get("data")
        clubs = data.get("clubs") if isinstance(data, dict) else None
        for name in clubs if isinstance(clubs, list) else []:
            if isinstance(name, str) and name and name not in names:
                names.append(name)
    if len(names) == 1:
        return names[0]
    return f"{INDEX_TITLE}: {', '.join(names)}" if names else INDEX_TITLE


def write_index(out_dir: Path, latest: str | None = None) -> Path:
    """Rewrite ``index.html`` listing every build, newest first, atomically.

    ``latest``: the build ``latest`` points at (default: where it points now).
    """
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    builds = list_builds(out_dir)
    page = env.get_template("index.html.j2").render(
        title=index_title(builds), builds=builds, latest=latest or latest_build(out_dir),
        generated_at=datetime.now(UTC).strftime(SHOWN_TIME))
    path = out_dir / INDEX
    write_atomically(path, page)
    return path
