"""``evaluate build --pdf``: every report printed with its charts whole, offline, page by page."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from evaluate.build.pdf import PdfPrinter
from evaluate.errors import PdfError
from support import PLANS, run_cli

pytestmark = pytest.mark.browser


def pdf_text(path: Path) -> tuple[str, int]:
    """The PDF's extracted text, whitespace collapsed, and its number of pages."""
    reader = PdfReader(path)
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text), len(reader.pages)


def test_build_prints_every_report_with_its_chart(chromium, out_dir):
    result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir, "--pdf")
    assert result.returncode == 0, result.stderr
    folder = out_dir / "latest"
    manifest = json.loads((folder / "build.json").read_text())
    assert manifest["options"]["pdf"] is True
    index = (out_dir / "index.html").read_text()
    for report, greeting, count in [("chart-a", "alpha", 2), ("chart-b", "beta", 4)]:
        entry = next(r for r in manifest["reports"] if r["name"] == report)
        assert entry["pdf"] == f"{report}.pdf" and entry["status"] == "ok"
        assert f'href="{folder.resolve().name}/{report}.pdf"' in index
        text, pages = pdf_text(folder / f"{report}.pdf")
        assert pages == 1  # a title, two lines and one chart fit on one A4 page
        assert "Fixture chart" in text  # the chart's title: Plotly's SVG text is PDF text
        # Every bar's axis label, the rightmost too: the chart is not cut at the paper's edge.
        assert all(f"bar {i}" in text for i in range(count)), text
        assert f"{greeting}: STDOUT_MARKER" in text
        assert "CODE_MARKER" not in text and "STDERR_MARKER" not in text
        assert f"Chart: {greeting}" in text and "page 1 of 1" in text  # the footer
    assert not list(folder.glob("*.tmp"))


def test_a_page_whose_charts_never_draw_fails_with_the_reason(chromium, tmp_path):
    page = tmp_path / "r.html"
    page.write_text('<p>report</p><div class="plotly-graph-div"></div>'
                    '<script>throw new Error("PAGE_ERROR_MARKER")</script>', encoding="utf-8")
    with PdfPrinter(chromium, timeout_s=2) as printer, pytest.raises(PdfError) as info:
        printer.print(page, tmp_path / "r.pdf")
    assert "its 1 chart(s) were not all drawn within 2 s" in str(info.value)
    assert "PAGE_ERROR_MARKER" in str(info.value)
    assert not list(tmp_path.glob("r.pdf*"))


def test_the_printer_loads_nothing_from_the_network(chromium, tmp_path, caplog):
    page = tmp_path / "r.html"
    page.write_text('<h1>OFFLINE_MARKER</h1><img src="https://example.com/pixel.png">'
                    '<script src="http://example.com/tracker.js"></script>', encoding="utf-8")
    with (caplog.at_level(logging.WARNING, logger="evaluate.build.pdf"),
          PdfPrinter(chromium) as printer):
        printer.print(page, tmp_path / "r.pdf")
    assert "OFFLINE_MARKER" in pdf_text(tmp_path / "r.pdf")[0]
    assert "https://example.com/pixel.png" in caplog.text
    assert "http://example.com/tracker.js" in caplog.text
