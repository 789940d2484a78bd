"""The index page: each report's link, status, PDF, headline and key figures, all escaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from evaluate.build.publish import REASON_CHARS, list_builds, publish, staging_dir, write_json

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


def fake_build(out_dir: Path) -> Path:
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
    fake_build(tmp_path)
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
    fake_build(tmp_path)
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
