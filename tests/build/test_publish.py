"""The reports folder: lock, build ids, atomic publishing, latest and the index."""

from __future__ import annotations

import errno
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evaluate.build.publish import (
    INDEX_TITLE,
    REASON_CHARS,
    build_lock,
    clear_stale_staging,
    index_title,
    list_builds,
    new_build_id,
    publish,
    refused_write,
    staging_dir,
    stale_lock,
    write_json,
)
from evaluate.cli import EXIT_WRITE_FAILED
from evaluate.errors import BuildLockedError, OutputWriteError

NOON = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def fake_build(out_dir, build_id, status="succeeded"):
    folder = staging_dir(out_dir, build_id)
    write_json(folder / "build.json", {
        "build_id": build_id, "title": "T", "status": status, "started_at": NOON.isoformat(),
        "duration_s": 1.0, "reports": [{"name": "r", "title": "Report R", "status": "ok",
                                        "html": "r.html", "failure": None}]})
    return publish(folder, out_dir, build_id, succeeded=status == "succeeded")


def test_build_ids_are_dated_sortable_and_unique(tmp_path):
    first = new_build_id(tmp_path, NOON)
    assert first == "2026-11-23-120000"
    (tmp_path / first).mkdir()
    assert new_build_id(tmp_path, NOON) == "2026-11-23-120000-2"
    staging_dir(tmp_path, "2026-11-23-120000-2")
    assert new_build_id(tmp_path, NOON) == "2026-11-23-120000-3"


def test_lock_refuses_a_second_holder_and_names_the_first(tmp_path):
    with build_lock(tmp_path):
        with pytest.raises(BuildLockedError) as info, build_lock(tmp_path):
            pass
        assert f"pid {os.getpid()}" in str(info.value)
        assert info.value.exit_code == 3
    with build_lock(tmp_path):  # released on exit
        pass


def test_only_a_successful_build_moves_latest(tmp_path):
    fake_build(tmp_path, "2026-11-23-120000")
    assert os.readlink(tmp_path / "latest") == "2026-11-23-120000"
    fake_build(tmp_path, "2026-11-23-130000", status="failed")
    assert os.readlink(tmp_path / "latest") == "2026-11-23-120000"
    assert (tmp_path / "2026-11-23-130000" / "build.json").exists()
    fake_build(tmp_path, "2026-11-23-140000")
    assert os.readlink(tmp_path / "latest") == "2026-11-23-140000"
    assert not list(tmp_path.glob(".staging-*")) and not list(tmp_path.glob(".latest*"))


def test_index_lists_builds_newest_first_with_status(tmp_path):
    fake_build(tmp_path, "2026-11-23-120000")
    fake_build(tmp_path, "2026-11-23-130000", status="failed")
    (tmp_path / "2026-11-23-125000").mkdir()  # a folder without build.json is not a build
    (tmp_path / "2026-11-23-125500").mkdir()
    (tmp_path / "2026-11-23-125500" / "build.json").write_text("{not json")
    fake_build(tmp_path, "2026-11-23-140000")
    assert [b["folder"] for b in list_builds(tmp_path)] == [
        "2026-11-23-140000", "2026-11-23-130000", "2026-11-23-125500", "2026-11-23-120000"]
    page = (tmp_path / "index.html").read_text()
    positions = [page.index(f'href="{b}/"') for b in
                 ("2026-11-23-140000", "2026-11-23-130000", "2026-11-23-120000")]
    assert positions == sorted(positions)
    assert 'class="badge failed"' in page and 'class="badge unreadable"' in page
    assert 'href="2026-11-23-140000/r.html"' in page and "Report R" in page


def test_stale_staging_folders_are_cleared(tmp_path):
    staging_dir(tmp_path, "2026-11-23-120000")
    assert [p.name for p in clear_stale_staging(tmp_path)] == [".staging-2026-11-23-120000"]
    assert not list(tmp_path.iterdir())


def test_write_json_is_atomic_and_readable(tmp_path):
    write_json(tmp_path / "a.json", {"x": 1.5, "when": NOON})
    assert json.loads((tmp_path / "a.json").read_text()) == {
        "x": 1.5, "when": "2026-11-23 12:00:00+00:00"}
    assert not list(tmp_path.glob("*.tmp"))


def test_a_refused_write_names_the_file_why_and_the_fix(tmp_path):
    path = tmp_path / ".staging-2026-11-23-120000" / "r.html"
    full = OutputWriteError(path, OSError(errno.ENOSPC, "No space left on device"))
    assert full.exit_code == EXIT_WRITE_FAILED == 4
    assert full.folder == tmp_path  # the output folder, not the staging folder
    assert str(full) == (f"could not write {path} (the disk is full). fix: free space on the "
                         f"disk of {tmp_path} (df -h {tmp_path}), or give --out a folder on "
                         "another disk, then build again")
    full.outcome = "nothing published"
    assert "(the disk is full); nothing published. fix:" in str(full)
    denied = OutputWriteError(tmp_path / "index.html", PermissionError(errno.EACCES, "x"))
    assert str(denied).endswith(f"(permission denied). fix: make {tmp_path} writable for this "
                                "user, or give --out another folder")
    assert "\n" not in str(full) + str(denied)
    assert refused_write(OSError(errno.EDQUOT, "quota")) and refused_write(
        OSError(errno.EFBIG, "too large"))
    assert not refused_write(FileNotFoundError(errno.ENOENT, "gone")) and not refused_write(None)


def test_write_json_that_fails_leaves_no_temporary_file_and_the_old_one(tmp_path, monkeypatch):
    write_json(tmp_path / "a.json", {"x": 1})

    def full(fd):  # a full disk often shows only when the written pages are flushed
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputWriteError, match=r"a\.json \(the disk is full\)"):
        write_json(tmp_path / "a.json", {"x": 2})
    monkeypatch.undo()
    assert json.loads((tmp_path / "a.json").read_text()) == {"x": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_write_atomically_syncs_the_file_and_its_folder_before_the_rename(tmp_path,
                                                                         monkeypatch):
    import evaluate.build.publish as publishing

    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append("folder" if os.path.isdir(f"/proc/self/fd/{fd}") else "file")
        real_fsync(fd)

    def replace(src, dst):
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(publishing.os, "fsync", fsync)
    monkeypatch.setattr(publishing.os, "replace", replace)
    publishing.write_atomically(tmp_path / "a.json", "{}")
    assert events == ["file", "folder", "rename", "folder"]
    assert (tmp_path / "a.json").read_text() == "{}"


@pytest.mark.parametrize("status", ["succeeded", "failed"])
def test_a_publish_that_cannot_write_the_index_puts_nothing_in_place(tmp_path, monkeypatch,
                                                                     status):
    import evaluate.build.publish as publishing

    fake_build(tmp_path, "2026-11-23-120000")
    index = (tmp_path / "index.html").read_text()
    real = publishing.write_atomically

    def full(path, text):
        if path.name != "index.html":
            return real(path, text)
        raise OutputWriteError(path, OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(publishing, "write_atomically", full)
    with pytest.raises(OutputWriteError, match="index.html"):
        fake_build(tmp_path, "2026-11-23-130000", status=status)
    monkeypatch.setattr(publishing, "write_atomically", real)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".staging-2026-11-23-130000", "2026-11-23-120000", "index.html", "latest"]
    assert os.readlink(tmp_path / "latest") == "2026-11-23-120000"
    assert (tmp_path / "index.html").read_text() == index



def test_the_lock_record_is_cleared_on_a_clean_release(tmp_path):
    with build_lock(tmp_path):
        assert f"pid {os.getpid()}" in (tmp_path / ".build.lock").read_text()
    assert (tmp_path / ".build.lock").read_text() == ""


def test_a_stale_lock_is_described_with_its_build_and_what_was_removed(tmp_path):
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    pid = int(gone.stdout)
    record = f"pid {pid}, started 2026-11-23 12:00:00 UTC"
    (tmp_path / ".build.lock").write_text(record)
    staging_dir(tmp_path, "2026-11-23-120000")
    with build_lock(tmp_path) as left:
        assert left == record
        removed = clear_stale_staging(tmp_path)
    assert stale_lock(left, removed) == (
        f"cleared a stale lock left by build pid {pid} (started 2026-11-23 12:00:00 UTC), "
        "which is no longer running; removed its unfinished staging folder "
        ".staging-2026-11-23-120000")
    assert stale_lock(f"pid {os.getpid()}, started x", []).endswith(
        "which no longer holds it; it left no unfinished build")
    with build_lock(tmp_path) as left:  # released cleanly last time: nothing stale
        assert left is None


BUILD = "2026-11-23-120000"
LONG = "Timeout 60000ms exceeded <waiting> " + "x" * 400
REPORTS = [
    {"name": "decision", "title": "Which <em>machine</em> to buy", "status": "ok",
     "html": "decision.html", "summary": "decision.summary.json", "pdf": "decision.pdf",
     "failure": None},
    {"name": "profile", "title": "Member profile", "status": "failed",
     "html": "profile.html", "summary": "profile.summary.json", "pdf": None,
     "failure": {"kind": "pdf", "message": LONG, "cell_index": None}},
    {"name": "usage", "title": "Usage review", "status": "failed", "html": "usage.html",
     "summary": "usage.summary.json",
     "failure": {"kind": "error", "message": "ValueError: bad <row>\nsecond line",
                 "cell_index": 3}},
    {"name": "old", "title": "Built before summaries", "status": "ok", "html": "old.html",
     "failure": None},
]
SUMMARIES = {
    "decision": {"report": "decision", "status": "ok",
                 "headline": "Buy the <script>alert(1)</script> machine: first in 72%.",
                 "key_figures": [{"label": "Chance NPV > 0", "text": "100% & more"},
                                 {"label": "Up front", "text": "$814"}]},
    "profile": {"report": "profile", "status": "failed", "headline": "Profile headline.",
                "key_figures": [{"label": "no text"}]},  # malformed: not shown
    # usage: no summary file at all
}


def fake_build_index_page(out_dir: Path) -> Path:
    folder = staging_dir(out_dir, BUILD)
    for name, summary in SUMMARIES.items():
        write_json(folder / f"{name}.summary.json", summary)
    write_json(folder / "build.json", {
        "build_id": BUILD, "title": "Club <b>reports</b>", "status": "failed",
        "started_at": datetime(2026, 11, 23, 12, tzinfo=UTC).isoformat(), "duration_s": 9.5,
        "reports": REPORTS})
    return publish(folder, out_dir, BUILD, succeeded=False)


def items(page: str) -> dict[str, str]:
    """Each report's <li>, keyed by the report page it links to."""
    blocks = re.findall(r'<li class="report">(.*?)</li>', page, re.S)
    return {re.search(r'href="[^"/]+/([^"]+)\.html"', b).group(1): b for b in blocks}


def test_index_shows_headlines_key_figures_pdf_links_and_reasons_escaped(tmp_path):
    fake_build_index_page(tmp_path)
    page = (tmp_path / "index.html").read_text()
    shown = items(page)
    assert list(shown) == ["decision", "profile", "usage", "old"]

    decision = shown["decision"]
    assert f'href="{BUILD}/decision.pdf">PDF</a>' in decision
    assert "Which &lt;em&gt;machine&lt;/em&gt; to buy" in decision
    assert ('<p class="headline">Buy the &lt;script&gt;alert(1)&lt;/script&gt; machine: first '
            "in 72%.</p>") in decision
    assert re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", decision) == [
        ("Chance NPV &gt; 0", "100% &amp; more"), ("Up front", "$814")]
    assert 'class="why"' not in decision

    profile = shown["profile"]
    assert ".pdf" not in profile and "<dl" not in profile  # malformed figures are left out
    assert '<p class="headline">Profile headline.</p>' in profile
    reason = re.search(r'<span class="why">(.*?)</span>', profile).group(1)
    assert reason.startswith("pdf: Timeout 60000ms exceeded &lt;waiting&gt; xxx")
    assert reason.endswith("…") and len(reason) < REASON_CHARS + 40

    usage = shown["usage"]
    assert ('<span class="why">error in cell 3: ValueError: bad &lt;row&gt;</span>' in usage)
    assert "second line" not in usage and "headline" not in usage

    assert "headline" not in shown["old"] and 'class="why"' not in shown["old"]
    assert "<script>" not in page and "<em>" not in page and "<b>reports" not in page
    assert "Club &lt;b&gt;reports&lt;/b&gt;" in page


def test_list_builds_adds_reason_headline_and_figures(tmp_path):
    fake_build_index_page(tmp_path)
    [build] = list_builds(tmp_path)
    by_name = {r["name"]: r for r in build["reports"]}
    assert by_name["decision"]["headline"].startswith("Buy the")
    assert len(by_name["decision"]["key_figures"]) == 2
    assert by_name["profile"]["key_figures"] == []
    assert by_name["usage"]["reason"] == "error in cell 3: ValueError: bad <row>"
    assert by_name["old"]["headline"] == "" and by_name["old"]["reason"] == ""


def test_a_build_json_that_is_not_an_object_is_listed_as_unreadable(tmp_path):
    (tmp_path / BUILD).mkdir()
    (tmp_path / BUILD / "build.json").write_text("[1, 2]")
    [build] = list_builds(tmp_path)
    assert build["status"] == "unreadable" and build["reports"] == []


def test_the_index_is_titled_with_the_club_or_the_clubs(tmp_path):
    """One club: its name; several (a chain, or clubs built into one folder): all of them;
    builds that name no club: the general title."""
    def build(*clubs):
        return {"data": {"clubs": list(clubs)}}

    assert index_title([build("Riverside Fitness"), build("Riverside Fitness")]) == \
        "Riverside Fitness"
    assert index_title([build("North", "South"), build("North"), {"data": "odd"}]) == \
        "Club equipment reports: North, South"
    assert index_title([{"build_id": "old"}]) == INDEX_TITLE == "Club equipment reports"
    folder = staging_dir(tmp_path, "2026-11-23-120000")
    write_json(folder / "build.json", {"build_id": "2026-11-23-120000", "title": "T",
                                       "status": "succeeded", "reports": [],
                                       "data": {"label": "Riverside <Fitness>",
                                                "clubs": ["Riverside <Fitness>"]}})
    publish(folder, tmp_path, "2026-11-23-120000", succeeded=True)
    page = (tmp_path / "index.html").read_text()
    assert "<title>Riverside &lt;Fitness&gt;</title>" in page
    assert "<h1>Riverside &lt;Fitness&gt;</h1>" in page
