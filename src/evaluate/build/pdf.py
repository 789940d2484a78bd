"""Printing report pages to PDF (``evaluate build --pdf``) with Debian's Chromium.

Playwright drives the system Chromium (``apt-get install -y chromium``); nothing
is downloaded, and the page may load nothing from the network: every request
that is not a local file is aborted. A build launches one browser and prints
every report with it (:class:`PdfPrinter`), each page in its own browser
context.

A page is printed only once every Plotly chart is drawn. It is laid out at the
printed width with print media, so a chart drawn at load time is as wide as the
paper allows; the report template also redraws charts at that width on
``beforeprint``, which covers a manager printing from a browser (see
``templates/report/index.html.j2``, ``PRINT_WIDTH``: keep the two in step).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import os
import shutil
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from evaluate.build.html_export import count_charts
from evaluate.errors import InputError, PdfError, Problem

log = logging.getLogger(__name__)

CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL_HINT = "apt-get install -y chromium"

PAPER = "A4"
MARGIN = {"top": "14mm", "bottom": "16mm", "left": "15mm", "right": "15mm"}
#: The printed width in CSS pixels (A4, 210 mm less 2 x 15 mm, at 96 px per inch); the
#: report template draws charts this wide for print.
PRINT_WIDTH = 680
FOOTER = ('<div style="width:100%; font-size:8px; color:#555; padding:0 15mm; '
          'font-family:system-ui,sans-serif; display:flex; justify-content:space-between">'
          '<span class="title"></span>'
          '<span>page <span class="pageNumber"></span> of <span class="totalPages"></span>'
          '</span></div>')
#: Seconds a page may take to load and draw its charts before its PDF fails.
PAGE_TIMEOUT_S = 60.0
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")



def chromium_path() -> str | None:
    """Debian's Chromium on ``PATH``, if installed."""
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def require_chromium() -> str:
    """Chromium's path, or an :class:`InputError` (exit status 2) saying how to install it."""
    problems: list[Problem] = []
    path = chromium_path()
    if path is None:
        problems.append(Problem("--pdf needs Debian's Chromium, which is not installed "
                                f"(looked for {' and '.join(CHROMIUM_NAMES)} on PATH)",
                                fix=f"{INSTALL_HINT}, or build without --pdf"))
    if importlib.util.find_spec("playwright") is None:
        problems.append(Problem("--pdf needs the Python package playwright, not installed",
                                fix='pip install -e ".[pdf]" in the suite\'s folder (its pdf '
                                    'extra; make installs it), or build without --pdf'))
    if problems:
        raise InputError(problems)
    assert path is not None  # a missing browser is among the problems
    return path


def _one_line(exc: BaseException) -> str:
    """An exception as one short line: Playwright's messages carry a multi-line call log."""
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return f"{type(exc).__name__}: {first}"[:300]


class PdfPrinter:
    """One headless Chromium for a whole build, printing report pages to PDF.

    The browser starts at once, while the notebooks run. Playwright's objects
    belong to the event loop that made them, so the printer runs its own loop on a
    thread of its own and every browser call happens there; :meth:`submit` may be
    called from any thread. Up to ``concurrency`` pages load at once, each in its
    own renderer process (loading plotly.js takes most of a page's time). Use it as
    a context manager, or call :meth:`close`.
    """

    def __init__(self, executable: str, *, concurrency: int = 2,
                 timeout_s: float = PAGE_TIMEOUT_S) -> None:
        self._executable = executable
        self._timeout_ms = timeout_s * 1000
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._queued: list[Future[Path]] = []
        self._lock = threading.Lock()
        self._playwright: Any = None
        self._browser: Any = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="pdf", daemon=True)
        self._thread.start()
        self._started = asyncio.run_coroutine_threadsafe(self._start(), self._loop)

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def _start(self) -> None:
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=self._executable, headless=True, args=CHROMIUM_FLAGS)

    def submit(self, page: Path, pdf: Path) -> Future[Path]:
        """Queue ``page`` (an HTML file) to be printed to ``pdf``; the future raises PdfError."""
        future = asyncio.run_coroutine_threadsafe(self._print(page, pdf), self._loop)
        with self._lock:
            self._queued.append(future)
        return future

    def print(self, page: Path, pdf: Path) -> Path:
        """Print ``page`` to ``pdf`` and wait for it; raises :class:`PdfError`."""
        return self.submit(page, pdf).result()

    async def _print(self, page_path: Path, pdf: Path) -> Path:
        try:
            await asyncio.wrap_future(self._started)
        except Exception as exc:
            raise PdfError(f"Chromium ({self._executable}) did not start: "
                           f"{_one_line(exc)}") from exc
        charts = count_charts(page_path.read_text(encoding="utf-8"))
        async with self._slots:
            context = await self._browser.new_context(
                viewport={"width": PRINT_WIDTH, "height": 1000})
            try:
                blocked = await self._print_in(context, page_path, pdf, charts)
            except PdfError:
                raise
            except Exception as exc:
                raise PdfError(_one_line(exc)) from exc
            finally:
                with contextlib.suppress(Exception):
                    await context.close()
        if blocked:
            log.warning("%s asked for %d network resource(s), blocked: %s", page_path.name,
                        len(blocked), ", ".join(blocked[:3]))
        return pdf

    async def _print_in(self, context: Any, page_path: Path, pdf: Path, charts: int) -> list[str]:
        """Load the page offline in ``context``, wait for its charts, print; the URLs blocked."""
        context.set_default_timeout(self._timeout_ms)
        blocked: list[str] = []
        errors: list[str] = []

        async def route(route: Any) -> None:
            if route.request.url.startswith(LOCAL_SCHEMES):
                await route.continue_()
            else:
                blocked.append(route.request.url)
                await route.abort()

        await context.route("**/*", route)
        page = await context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.emulate_media(media="print")
        await page.goto(page_path.resolve().as_uri(), wait_until="load")
        try:
            await page.wait_for_function(
                """n => [...document.querySelectorAll('.js-plotly-plot')]
                         .filter(chart => chart.querySelector('.main-svg')).length >= n""",
                arg=charts)
        except Exception as exc:
            why = f"; page error: {errors[0]}" if errors else ""
            raise PdfError(f"its {charts} chart(s) were not all drawn within "
                           f"{self._timeout_ms / 1000:.0f} s{why}") from exc
        await page.evaluate("document.fonts.ready.then(() => true)")
        tmp = pdf.with_name(pdf.name + ".tmp")
        await page.pdf(path=str(tmp), format=PAPER, margin=MARGIN, print_background=True,
                       display_header_footer=True, header_template="<span></span>",
                       footer_template=FOOTER)
        os.replace(tmp, pdf)
        return blocked

    async def _stop(self) -> None:
        with contextlib.suppress(Exception):
            if self._browser is not None:
                await self._browser.close()
        with contextlib.suppress(Exception):
            if self._playwright is not None:
                await self._playwright.stop()

    def close(self) -> None:
        """Drop pages not printed yet, close the browser and end the printer's thread."""
        with self._lock:
            for future in self._queued:
                future.cancel()
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        if not self._thread.is_alive():
            self._loop.close()
