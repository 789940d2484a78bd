"""The build cache: a report whose inputs are unchanged is reused, not run again.

The end-to-end tests copy the cache plan (two reports on two notebooks, both reading the
club folder), its notebooks and the fixture club into a temporary folder, and edit them.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from evaluate.build.cache import INDEX, BuildCache, canonical_json
from support import CLUB, NOTEBOOKS, PLANS, run_cli

REPORTS = {"members", "summary"}
#: What a build that reuses every report must not import: it starts no kernel.
HEAVY = ("papermill", "nbclient", "nbconvert", "plotly", "jupyter_client", "pandas")


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A copy of the cache plan, its notebooks and the fixture club, laid out as in fixtures/."""
    (tmp_path / "plans").mkdir()
    shutil.copy(PLANS / "cache.yml", tmp_path / "plans")
    (tmp_path / "notebooks").mkdir()
    for name in ("reads_club.ipynb", "summary.ipynb"):
        shutil.copy(NOTEBOOKS / name, tmp_path / "notebooks")
    shutil.copytree(CLUB, tmp_path / "club")
    return tmp_path


def build(ws: Path, *args: str, expect: int = 0, python: tuple[str, ...] = ()
          ) -> tuple[Path, dict, str]:
    """Build the workspace's plan; return the new build folder, its build.json and the log."""
    out = ws / "reports"
    before = set(out.iterdir()) if out.exists() else set()
    command = [sys.executable, *python, "-m", "evaluate", "build",
               "--plan", str(ws / "plans" / "cache.yml"), "--out", str(out), *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == expect, result.stderr
    [folder] = [p for p in set(out.iterdir()) - before
                if p.is_dir() and not p.is_symlink() and not p.name.startswith(".")]
    return folder, json.loads((folder / "build.json").read_text()), result.stderr


def rebuilt(manifest: dict) -> set[str]:
    """The reports the build ran (the others it reused)."""
    return {r["name"] for r in manifest["reports"] if not r["cache"]["hit"]}


def keys(manifest: dict) -> dict[str, str]:
    return {r["name"]: r["cache"]["key"] for r in manifest["reports"]}


def test_an_unchanged_rebuild_reuses_every_report_without_a_kernel(ws):
    first, cold, _ = build(ws)
    assert rebuilt(cold) == REPORTS and cold["cache"]["hits"] == 0
    assert cold["data"]["check"] == {"ran": True}
    assert all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys(cold).values())

    # Nothing changed: every report is taken from the first build, and the run imports
    # nothing that runs or renders a notebook (-X importtime lists every import on stderr).
    second, warm, log = build(ws, python=("-X", "importtime"))
    assert rebuilt(warm) == set() and warm["cache"]["hits"] == 2
    assert keys(warm) == keys(cold)
    assert all(r["cache"]["from_build"] == first.name and r["status"] == "ok"
               and r["attempts"] == 0 for r in warm["reports"])
    assert re.search(rf"INFO +reused members from build {first.name} \(unchanged\)$", log, re.M)
    imported = set(re.findall(r"^import time:.*\|\s+([\w.]+)$", log, re.M))
    assert {m.split(".")[0] for m in imported} & set(HEAVY) == set()
    assert warm["data"]["check"]["ran"] is False
    assert first.name in warm["data"]["check"]["why"]
    assert warm["data"]["warnings"] == cold["data"]["warnings"]
    assert warm["status"] == "succeeded" and os.readlink(ws / "reports" / "latest") == second.name
    assert second.name in (ws / "reports" / "index.html").read_text()

    for name in REPORTS:
        # The same files, hard-linked: no kernel wrote a new log, nothing was re-rendered.
        for suffix in (".ipynb", ".html"):
            assert (second / f"{name}{suffix}").samefile(first / f"{name}{suffix}")
        log_file = Path("logs") / f"{name}.kernel.log"
        assert (second / log_file).samefile(first / log_file)
        # The summary names the new build and is otherwise the same, byte for byte.
        old = (first / f"{name}.summary.json").read_text()
        new = (second / f"{name}.summary.json").read_text()
        assert json.loads(new)["build_id"] == second.name
        assert new.replace(second.name, first.name) == old

    # Touched, or rewritten with the same bytes: content counts, not modification times.
    later = (ws / "club" / "members.csv").stat().st_mtime + 3600
    os.utime(ws / "club" / "members.csv", (later, later))
    assumptions = ws / "club" / "assumptions.yml"
    assumptions.write_bytes(assumptions.read_bytes())
    third, touched, _ = build(ws)
    assert rebuilt(touched) == set()
    assert {r["cache"]["from_build"] for r in touched["reports"]} == {second.name}

    dry = run_cli("build", "--plan", ws / "plans" / "cache.yml", "--out", ws / "reports",
                  "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "members: reads_club.ipynb" in dry.stdout
    assert f"(Members: first): reuse from build {third.name} (unchanged)" in dry.stdout
    assert "2 of 2 report(s) would be reused" in dry.stdout

    # --force runs everything, and still records the keys for the next build.
    forced_folder, forced, _ = build(ws, "--force")
    assert rebuilt(forced) == REPORTS and forced["cache"] == {
        "hits": 0, "reports": 2, "force": True, "index": f".cache/{INDEX}"}
    assert keys(forced) == keys(cold) and forced["data"]["check"] == {"ran": True}
    assert not (forced_folder / "members.html").samefile(first / "members.html")

    # The index points at the newest build holding each report: once it is deleted, a miss
    # (the older builds are not searched).
    shutil.rmtree(forced_folder)
    _, after_delete, _ = build(ws)
    assert rebuilt(after_delete) == REPORTS


def test_a_change_rebuilds_exactly_the_reports_it_affects(ws):
    _, cold, _ = build(ws)
    before = keys(cold)

    plan = ws / "plans" / "cache.yml"
    plan.write_text(plan.read_text().replace("scale: 1", "scale: 2"))
    _, manifest, log = build(ws)
    assert rebuilt(manifest) == {"members"}
    assert keys(manifest)["summary"] == before["summary"] != "" and (
        keys(manifest)["members"] != before["members"])
    assert re.search(r"reused summary from build \S+ \(unchanged\)$", log, re.M)
    assert manifest["data"]["check"] == {"ran": True}

    notebook = ws / "notebooks" / "summary.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("An edit.", id="edit"))
    nbformat.write(nb, notebook)
    _, manifest, _ = build(ws)
    assert rebuilt(manifest) == {"summary"}

    members = ws / "club" / "members.csv"
    members.write_text(members.read_text().replace(",149.00,", ",150.00,", 1))
    _, manifest, _ = build(ws)
    assert rebuilt(manifest) == REPORTS

    assumptions = ws / "club" / "assumptions.yml"
    assumptions.write_text(assumptions.read_text() + "# edited\n")
    _, manifest, _ = build(ws)
    assert rebuilt(manifest) == REPORTS


def test_a_failed_report_is_never_reused(out_dir):
    plan = PLANS / "with_failure.yml"
    assert run_cli("build", "--plan", plan, "--out", out_dir).returncode == 1
    index = json.loads((out_dir / ".cache" / INDEX).read_text())
    assert [e["report"] for e in index["reports"].values()] == ["chart"]

    result = run_cli("build", "--plan", plan, "--out", out_dir)
    assert result.returncode == 1
    assert re.search(r"reused chart from build \S+ \(unchanged\)$", result.stderr, re.M)
    assert re.search(r"finished raises: FAILED", result.stderr, re.M)
    latest_failed = sorted(p for p in out_dir.iterdir() if p.name[0].isdigit())[-1]
    manifest = json.loads((latest_failed / "build.json").read_text())
    assert rebuilt(manifest) == {"raises"} and manifest["status"] == "failed"
    assert manifest["data"]["check"] == {"ran": True}


# --- the key and the index, without a build ------------------------------------------------


def _key_parts(tmp_path: Path) -> tuple[BuildCache, dict]:
    data = tmp_path / "club"
    shutil.copytree(CLUB, data)
    notebook = tmp_path / "nb.ipynb"
    shutil.copy(NOTEBOOKS / "reads_club.ipynb", notebook)
    parts = {"name": "members", "title": "Members: first", "notebook": notebook,
             "parameters": {"label": "first", "scale": 1, "data_dir": str(data)},
             "data_dir": data, "versions": {"python": "3.11", "club-equipment-suite": "1.0",
                                            "plotly": "6.0"},
             "options": {"pdf": False, "plotly_js": "self-contained"}}
    return BuildCache(tmp_path / "reports"), parts


def test_the_key_holds_every_input_and_option_that_changes_a_report(tmp_path):
    cache, parts = _key_parts(tmp_path)
    base = cache.key(**parts)
    assert BuildCache(tmp_path / "reports").key(**parts) == base  # deterministic
    changed = {
        "name": "other", "title": "Members: second",
        "parameters": {**parts["parameters"], "scale": 1.0},  # 1 and 1.0 render differently
        "versions": {**parts["versions"], "plotly": "6.1"},
        "options": {**parts["options"], "pdf": True},  # a report without a PDF cannot do
    }
    for name, value in changed.items():
        assert cache.key(**{**parts, name: value}) != base, name
    # Parameters in another order are the same parameters.
    reordered = dict(reversed(list(parts["parameters"].items())))
    assert cache.key(**{**parts, "parameters": reordered}) == base
    # A new file in the data folder, or an edited notebook: fresh hashes give another key.
    (parts["data_dir"] / "notes.txt").write_text("new")
    assert BuildCache(tmp_path / "reports").key(**parts) != base
    notebook = parts["notebook"]
    notebook.write_text(notebook.read_text().replace("shown in the title", "in the title"))
    (parts["data_dir"] / "notes.txt").unlink()
    assert BuildCache(tmp_path / "reports").key(**parts) != base


def test_canonical_json_sorts_keys_and_tells_a_date_from_its_text():
    assert canonical_json({"b": 1, "a": [1.0, "é"]}) == '{"a":[1.0,"é"],"b":1}'
    day = datetime.date(2026, 11, 1)
    assert canonical_json({"d": day}) != canonical_json({"d": "2026-11-01"})


def test_an_unreadable_index_is_a_miss_and_is_rewritten(tmp_path):
    out = tmp_path / "reports"
    (out / ".cache").mkdir(parents=True)
    (out / ".cache" / INDEX).write_text("{not json")
    cache = BuildCache(out)
    assert cache.lookup({"members": "0" * 64}) == {}
    (out / "2026-01-01-000000").mkdir()
    cache.record("2026-01-01-000000", [{
        "key": "0" * 64, "report": "members", "files": ["members.summary.json"],
        "outputs": {"executed": None, "html": None, "summary": "members.summary.json",
                    "pdf": None}, "ran_in": "2026-01-01-000000", "notebook": "nb"}])
    assert BuildCache(out).lookup({"members": "0" * 64}) == {}  # its file is missing
    (out / "2026-01-01-000000" / "members.summary.json").write_text('{"status": "ok"}')
    [hit] = BuildCache(out).lookup({"members": "0" * 64}).values()
    assert hit.build == "2026-01-01-000000" and hit.summary == "members.summary.json"


# --- the suite's code in the key covers every layer --------------------------------------

_KEYS_OF_THE_PLAN = """
import json, sys
from pathlib import Path
from evaluate.build.cache import BuildCache
from evaluate.build.plan import load_plan
from evaluate.paths import PACKAGE_DIR
assert str(PACKAGE_DIR).startswith(sys.argv[1]), PACKAGE_DIR  # the copy, not the checkout
cache, plan = BuildCache(Path(sys.argv[1]) / "reports"), load_plan(sys.argv[2])
print(json.dumps({r.name: cache.key(
    name=r.name, title=r.title, notebook=r.notebook, parameters=r.parameters,
    data_dir=r.data_dir or plan.data_dir, versions={"club-equipment-suite": "0"}, options={})
    for r in plan.reports}))
"""


@pytest.mark.parametrize("module", ["model/demand.py", "data/members.py", "mcda/scoring.py",
                                    "reports/formatting.py", "build/publish.py", "errors.py",
                                    "build/templates/index.html.j2"])
def test_an_edit_to_any_layer_of_the_code_changes_every_reports_key(tmp_path, module):
    """The key hashes the whole package, not the cache module's folder (build/): after an
    edit to the model, say, no report may be reused from a build made with the old code."""
    from evaluate.paths import DEFAULT_PLAN, PACKAGE_DIR

    shutil.copytree(PACKAGE_DIR, tmp_path / "src" / "evaluate",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}

    def plan_keys() -> dict[str, str]:
        result = subprocess.run([sys.executable, "-c", _KEYS_OF_THE_PLAN, str(tmp_path),
                                 str(DEFAULT_PLAN)],
                                env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    before = plan_keys()
    edited = tmp_path / "src" / "evaluate" / module
    edited.write_text(edited.read_text() + "\n# an edit\n")
    after = plan_keys()
    assert len(before) >= 4 and before.keys() == after.keys()
    assert all(after[name] != before[name] for name in before), module
