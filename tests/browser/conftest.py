"""A headless Debian Chromium driven by Playwright (no browser download).

Without Chromium the browser tests skip on a developer's machine and fail in CI
(``CI`` set), where a missing browser must not pass unnoticed. The browser is
found, and started, as ``evaluate build --pdf`` does it (``evaluate.build.pdf``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from evaluate.build.pdf import CHROMIUM_FLAGS, INSTALL_HINT, chromium_path
from support import run_cli


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Debian's Chromium; skips the test (fails it in CI) when it is missing."""
    path = chromium_path()
    if path is None:
        message = f"Debian's chromium is not installed: {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        yield context
        context.close()


@pytest.fixture(scope="session")
def default_plan_build(chromium: str, tmp_path_factory) -> Path:
    """The default plan built once for every browser test that reads it, with a PDF of each
    report; its newest build folder."""
    out = tmp_path_factory.mktemp("default-plan") / "reports"
    result = run_cli("build", "--out", out, "--pdf", timeout=900)
    assert result.returncode == 0, result.stderr
    return (out / "latest").resolve()
