"""JupyterLab as analysts use it: ``make lab``, the decision notebook, Run All Cells, charts drawn.

The server is started by the Makefile's own ``lab`` recipe (``make -f Makefile lab``), so the
command and flags are exactly an analyst's; as root (CI) it passes only because the recipe adds
``--allow-root``. ``VENV`` names the environment running the tests, and ``-o`` keeps make from
reinstalling it. Two things differ, neither in the command: the folder make runs in is a
temporary one whose ``notebooks/`` holds a copy of the notebook (JupyterLab saves outputs into
the notebook it runs, and the repository's must stay without outputs), and everything that is
a user's (Jupyter's config, data, runtime, settings and workspace folders, IPython's) is a
temporary folder too, so nothing of a user's reaches the test or is left behind. The server's
address, port (0: the system picks a free one) and token come from a config file in that
config folder. Jupyter's folders inside the environment (``sys.prefix/share/jupyter``: the
kernel spec and Plotly's JupyterLab extension) stay visible. The kernel imports this checkout's
package: ``PYTHONPATH`` names its ``src`` folder.

The server runs in a process group of its own and is stopped by it: SIGTERM, then SIGKILL
for whatever is left; the kernel (in a session of its own, as Jupyter starts kernels) is found
by its connection file in the temporary runtime folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest
from jupyter_client import BlockingKernelClient

from evaluate.paths import NOTEBOOKS_DIR, PACKAGE_DIR, PROJECT_ROOT

pytestmark = pytest.mark.browser

NOTEBOOK = "decision_report.ipynb"
START_TIMEOUT_S = 90
RUN_TIMEOUT_S = 300  # Run All takes 15-25 s on a busy 2-core machine
STOP_TIMEOUT_S = 20
SCREENSHOT = "lab-run.png"
KERNEL_NAME = "Python 3 (ipykernel)"  # the display name of the environment's kernel spec
# An error's traceback and a stream to stderr alike: JupyterLab shows both as this type.
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
STATUS = ("document.querySelector('.jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator')"
          "?.getAttribute('data-status')")
# Marks drawn in a chart's plot area: bars, lines and markers (paths), heatmaps (an image).
DRAWN_MARKS = """chart => [...chart.querySelectorAll(
    '.cartesianlayer .overplot .trace path, .cartesianlayer .overplot .hm image')].filter(
    mark => (mark.getAttribute('d') || mark.getAttribute('href') || '').length > 8).length"""
# JupyterLab's news and update checks would fetch from the internet and show a notice.
NOTIFICATIONS = {"fetchNews": "false", "checkForUpdates": False}


@dataclass
class Lab:
    """A running ``make lab``: its process, folders, address and token."""

    process: subprocess.Popen
    home: Path
    log: Path
    token: str
    url: str = ""
    stopped: bool = False
    processes: list[psutil.Process] = field(default_factory=list)  # those stop() stopped
    killed: list[psutil.Process] = field(default_factory=list)  # those SIGTERM did not stop

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def get(self, path: str) -> dict:
        request = urllib.request.Request(f"{self.url}{path}",
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.load(response)

    def ours(self) -> list[psutil.Process]:
        """Every live process of this server: its group (make, jupyter) and its kernels.

        Kernels run in sessions of their own; they are known by their connection file, which
        is in this server's runtime folder.
        """
        runtime = str(self.home / "runtime")
        found = []
        for proc in psutil.process_iter(["pid", "cmdline"]):
            try:
                in_group = os.getpgid(proc.pid) == self.process.pid
            except ProcessLookupError:
                continue
            cmdline = " ".join(proc.info["cmdline"] or [])
            if in_group or runtime in cmdline:
                found.append(proc)
        return found

    def stop(self) -> None:
        """SIGTERM to the server's process group, SIGKILL to whatever is left after a wait."""
        if self.stopped:
            return
        self.stopped = True
        self.processes = self.ours()
        with contextlib.suppress(ProcessLookupError):  # it may have exited on its own
            os.killpg(self.process.pid, signal.SIGTERM)
        _, self.killed = psutil.wait_procs(self.processes, timeout=STOP_TIMEOUT_S)
        for proc in self.killed:
            proc.kill()
        psutil.wait_procs(self.killed, timeout=5)
        self.process.wait(timeout=5)


def file_digests(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def server_env(home: Path) -> dict[str, str]:
    """The server's environment: the user's folders replaced by temporary ones.

    Without the variables an outer ``make test`` passes down: the inner make is a user's.
    """
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("JUPYTER", "JPY_"))
           and key not in ("IPYTHONDIR", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    folders = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data",
               "JUPYTER_RUNTIME_DIR": "runtime", "JUPYTERLAB_SETTINGS_DIR": "settings",
               "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "IPYTHONDIR": "ipython"}
    for name, folder in folders.items():
        (home / folder).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / folder)
    env["PYTHONPATH"] = str(PACKAGE_DIR.parent)  # this checkout's src/, whatever the cwd
    return env


def wait_for_server(lab: Lab) -> None:
    """Read the port from the server's info file, then poll /api/status until it answers."""
    deadline = time.monotonic() + START_TIMEOUT_S
    problem = "no server info file in the runtime folder"
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            pytest.fail(f"make lab exited with status {lab.process.returncode} before the "
                        f"server answered:\n{lab.log_text()}")
        infos = list((lab.home / "runtime").glob("jpserver-*.json"))
        if infos:
            info = json.loads(infos[0].read_text(encoding="utf-8") or "{}")
            if info.get("port"):
                lab.url = f"http://127.0.0.1:{info['port']}"
                try:
                    lab.get("/api/status")
                    return
                except (OSError, urllib.error.URLError) as exc:
                    problem = f"GET {lab.url}/api/status: {exc}"
        time.sleep(0.5)
    lab.stop()
    pytest.fail(f"JupyterLab did not answer within {START_TIMEOUT_S} s ({problem}):\n"
                f"{lab.log_text()}")


@pytest.fixture(scope="module")
def notebooks_before() -> dict[str, str]:
    return file_digests(NOTEBOOKS_DIR)


@pytest.fixture(scope="module")
def lab(chromium: str, notebooks_before, tmp_path_factory) -> Iterator[Lab]:
    """``make lab`` serving a copy of the decision notebook on loopback."""
    make = shutil.which("make")
    if make is None:
        if os.environ.get("CI"):
            pytest.fail("make is not installed")
        pytest.skip("make is not installed")
    home = tmp_path_factory.mktemp("lab")
    work = home / "work"  # where make runs: its notebooks/ is what the server shows
    (work / "notebooks").mkdir(parents=True)
    shutil.copy2(NOTEBOOKS_DIR / NOTEBOOK, work / "notebooks" / NOTEBOOK)
    env = server_env(home)
    token = secrets.token_hex(16)
    config = {"ServerApp": {"ip": "127.0.0.1", "port": 0, "port_retries": 0,
                            "open_browser": False},
              "IdentityProvider": {"token": token}}
    (home / "config" / "jupyter_server_config.json").write_text(json.dumps(config),
                                                                encoding="utf-8")
    settings = home / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(json.dumps(NOTIFICATIONS),
                                                               encoding="utf-8")
    log = home / "server.log"
    # The suite's environment is the one running the tests; -o: make must not reinstall it.
    command = [make, "-f", str(PROJECT_ROOT / "Makefile"), "-o", f"{sys.prefix}/.installed",
               "lab", f"VENV={sys.prefix}"]
    with log.open("wb") as stream:
        process = subprocess.Popen(command, cwd=work, env=env, stdout=stream,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    server = Lab(process=process, home=home, log=log, token=token)
    try:
        wait_for_server(server)
        yield server
    finally:
        server.stop()


def code_cells_of(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [cell for cell in cells if cell["cell_type"] == "code"]


def wait_or_fail(page, lab: Lab, condition: str, timeout_s: float, what: str) -> None:
    """Wait until ``condition`` (JavaScript) holds; else fail with the prompts, a screenshot
    and the server's log."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(condition, timeout=timeout_s * 1000, polling=500)
    except PlaywrightTimeout:
        shot = lab.home / "timeout.png"
        page.screenshot(path=str(shot))
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_text_contents()
        pytest.fail(f"JupyterLab did not {what} within {timeout_s} s. Prompts: {prompts}; "
                    f"screenshot: {shot}; server log:\n{lab.log_text()}")


@pytest.fixture(scope="module")
def ran(browser, lab: Lab) -> Iterator[tuple]:
    """The notebook opened in JupyterLab and run with Run > Run All Cells.

    Yields the page, the errors it logged and the addresses it requested.
    """
    page = browser.new_page()
    try:
        yield run_all_cells(page, lab)
    finally:
        if not page.is_closed():
            page.close()


def run_all_cells(page, lab: Lab) -> tuple:
    """Open the notebook, wait for its kernel, Run > Run All Cells, wait until it is done."""
    page.set_viewport_size({"width": 1400, "height": 1000})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: message.type == "error" and problems.append(
        f"console error: {message.text}"))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{lab.url}/lab/tree/{NOTEBOOK}?token={lab.token}")
    code_cells = len(code_cells_of(NOTEBOOKS_DIR / NOTEBOOK))
    # Loaded: every code cell shown, the notebook's kernel started and idle.
    wait_or_fail(page, lab, f"""() => document.querySelectorAll('.jp-CodeCell').length
        === {code_cells} && document.querySelector('.jp-NotebookPanel-toolbar .jp-KernelName')
        ?.textContent.trim() === {json.dumps(KERNEL_NAME)} && {STATUS} === 'idle'""",
                 START_TIMEOUT_S, "open the notebook with its kernel idle")
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
    started = time.monotonic()
    # Done: every cell numbered, or stopped at an error (JupyterLab runs no cell after it).
    wait_or_fail(page, lab, f"""() => {{
        const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
          .map(p => p.textContent.trim());
        const numbered = prompts.filter(p => /^\\[\\d+\\]:$/.test(p)).length;
        return {STATUS} === 'idle' && numbered > 0 && !prompts.includes('[*]:')
          && (numbered === {code_cells} || document.querySelector({json.dumps(STDERR)}) !== null);
        }}""", RUN_TIMEOUT_S, "run the cells")
    print(f"Run All Cells took {time.monotonic() - started:.1f} s")
    return page, problems, requests


def test_every_cell_runs_with_no_error_output(ran):
    page, _, _ = ran
    assert page.locator(STDERR).all_text_contents() == []
    code_cells = code_cells_of(NOTEBOOKS_DIR / NOTEBOOK)
    prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_text_contents()
    # Top to bottom, once each, in a fresh kernel.
    assert [prompt.strip() for prompt in prompts] == [
        f"[{count}]:" for count in range(1, len(code_cells) + 1)]


def test_every_chart_is_drawn(ran, lab):
    page, _, _ = ran
    source = (NOTEBOOKS_DIR / NOTEBOOK).read_text(encoding="utf-8")
    expected = source.count("charts.show(")  # each call draws one chart
    assert expected >= 5
    # Plotly's JupyterLab extension renders its MIME type into the output element itself.
    charts = page.locator(".jp-OutputArea-output.jp-RenderedPlotly.js-plotly-plot")
    assert charts.count() == expected
    for index in range(expected):
        plot = charts.nth(index)
        plot.scroll_into_view_if_needed()
        plot.locator(".main-svg").first.wait_for(timeout=10_000)
        box = plot.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 200, (index, box)
        assert plot.evaluate(DRAWN_MARKS) > 0, index
        assert (plot.locator(".gtitle").text_content() or "").strip(), index
    charts.first.scroll_into_view_if_needed()
    page.screenshot(path=str(lab.home / SCREENSHOT))


def test_page_shows_no_error_and_loads_nothing_from_outside(ran, lab):
    _, problems, requests = ran
    assert problems == []
    outside = [url for url in requests
               if not url.startswith((lab.url, "data:", "blob:", "about:"))]
    assert outside == []


def test_kernel_is_the_suites_with_this_checkouts_package(lab, ran):
    [kernel] = lab.get("/api/kernels")
    client = BlockingKernelClient(
        connection_file=str(lab.home / "runtime" / f"kernel-{kernel['id']}.json"))
    client.load_connection_file()
    client.start_channels()
    outputs: list[str] = []
    try:
        reply = client.execute_interactive(
            "import sys, evaluate; print(sys.prefix); print(evaluate.__file__)", timeout=30,
            output_hook=lambda msg: outputs.append(msg["content"].get("text", "")))
    finally:
        client.stop_channels()
    assert reply["content"]["status"] == "ok"
    prefix, module = "".join(outputs).split()
    assert Path(prefix) == Path(sys.prefix)
    assert Path(module) == PACKAGE_DIR / "__init__.py"


def test_server_stops_by_its_process_and_notebooks_are_unchanged(lab, ran, notebooks_before):
    page, _, _ = ran
    page.close()
    lab.stop()
    names = [" ".join(proc.info["cmdline"] or []) for proc in lab.processes]
    assert any("jupyter-lab" in name or "jupyter lab" in name for name in names), names
    assert any("ipykernel_launcher" in name for name in names), names
    assert lab.killed == []  # SIGTERM was enough: the server shut its kernel down itself
    assert lab.process.returncode is not None
    assert lab.ours() == []
    assert file_digests(NOTEBOOKS_DIR) == notebooks_before
