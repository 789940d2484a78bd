"""``evaluate build --pdf`` without a browser: a missing Chromium, one that cannot start.

The PDFs themselves are tested in tests/browser/test_build_pdf.py.
"""

from __future__ import annotations

import os
import sys

import pytest

from evaluate.build import pdf
from evaluate.build.pdf import PdfPrinter, require_chromium
from evaluate.errors import InputError, PdfError
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


def test_pdf_without_playwright_says_how_to_install_its_extra(monkeypatch):
    monkeypatch.setattr(pdf, "chromium_path", lambda: "/usr/bin/chromium")
    monkeypatch.setitem(sys.modules, "playwright", None)  # find_spec: not installed
    with pytest.raises(InputError) as raised:
        require_chromium()
    message = str(raised.value)
    assert "--pdf needs the Python package playwright, not installed" in message
    assert 'pip install -e ".[pdf]"' in message
    assert "Debian's Chromium" not in message  # the browser is there: one problem only


def test_a_browser_that_cannot_start_fails_each_page_with_the_reason(tmp_path):
    page = tmp_path / "r.html"
    page.write_text("<p>report</p>", encoding="utf-8")
    with PdfPrinter("/bin/false") as printer:
        for _ in range(2):
            with pytest.raises(PdfError, match=r"Chromium \(/bin/false\) did not start"):
                printer.print(page, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()
