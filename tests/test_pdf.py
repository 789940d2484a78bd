"""``evaluate build --pdf`` without a browser: a missing Chromium, one that cannot start, and
a PDF that fails its report. The PDFs themselves are tested in tests/browser/test_build_pdf.py.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import Future
from pathlib import Path

import pytest

from evaluate.build.execution import Failure
from evaluate.build.manifest import ReportResult
from evaluate.build.pdf import PdfPrinter
from evaluate.build.publish import write_json
from evaluate.build.run import _pdf_done
from evaluate.errors import PdfError
from support import PLANS, run_cli


@pytest.mark.parametrize("extra", [(), ("--dry-run",)])
def test_missing_chromium_exits_2_before_anything_runs(out_dir, tmp_path, extra):
    empty = tmp_path / "bin"
    empty.mkdir()
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir, "--pdf", *extra,
                     env={**os.environ, "PATH": str(empty)})
    assert result.returncode == 2, result.stderr
    assert "--pdf needs Debian's Chromium" in result.stderr
    assert "apt-get install -y chromium" in result.stderr
    assert not out_dir.exists()  # nothing ran, not even the lock was taken


def test_a_browser_that_cannot_start_fails_each_page_with_the_reason(tmp_path):
    page = tmp_path / "r.html"
    page.write_text("<p>report</p>", encoding="utf-8")
    with PdfPrinter("/bin/false") as printer:
        for _ in range(2):
            with pytest.raises(PdfError, match=r"Chromium \(/bin/false\) did not start"):
                printer.print(page, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()


def report(folder: Path, failure: Failure | None = None) -> ReportResult:
    result = ReportResult(
        name="r", title="R", notebook="r.ipynb", parameters={}, seconds=1.0,
        status="ok" if failure is None else "failed", html="r.html", executed="r.ipynb",
        summary="r.summary.json", failure=failure)
    write_json(folder / result.summary, {"report": "r", "status": result.status,
                                         "failure": failure.to_dict() if failure else None,
                                         "headline": "Kept."})
    return result


def finished(value: Path | None = None, error: Exception | None = None) -> Future:
    future: Future = Future()
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)
    return future


def test_a_printed_pdf_is_recorded_on_its_report(tmp_path):
    result = report(tmp_path)
    _pdf_done(result, finished(tmp_path / "r.pdf"), tmp_path)
    assert result.pdf == "r.pdf" and result.status == "ok"
    assert result.to_dict()["pdf"] == "r.pdf"  # goes into build.json


def test_a_failed_pdf_fails_its_report_and_its_summary(tmp_path):
    result = report(tmp_path)
    _pdf_done(result, finished(error=PdfError("its 4 chart(s) were not all drawn")), tmp_path)
    assert result.status == "failed" and result.pdf is None
    assert result.failure.describe() == "pdf: its 4 chart(s) were not all drawn"
    summary = json.loads((tmp_path / "r.summary.json").read_text())
    assert summary["status"] == "failed" and summary["failure"]["kind"] == "pdf"
    assert summary["headline"] == "Kept."


def test_a_report_that_failed_already_keeps_its_first_reason(tmp_path):
    result = report(tmp_path, Failure("error", "ValueError: x", cell_index=2))
    _pdf_done(result, finished(error=PdfError("no")), tmp_path)
    assert result.failure.kind == "error" and result.pdf is None
    assert json.loads((tmp_path / "r.summary.json").read_text())["failure"]["kind"] == "error"


def test_an_unforeseen_printing_error_fails_only_its_report(tmp_path):
    result = report(tmp_path)
    _pdf_done(result, finished(error=OSError("page vanished")), tmp_path)
    assert result.failure.describe() == "pdf: OSError: page vanished"
