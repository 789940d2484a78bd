"""Report size: one plotly.js per page by default, or one per output folder (--shared-plotly)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest

from evaluate.build.html_export import (
    ASSETS_DIR,
    count_charts,
    notebook_to_html,
    write_plotly_asset,
)
from evaluate.build.plan import load_plan
from support import PLANS, run_cli

CONTEXT = {"build_id": "b", "built_at": "now", "suite_version": "0"}
SCRIPT_SRC = re.compile(r"""<script[^>]*\ssrc=["']([^"']+)["']""")


def chart_notebook() -> nbformat.NotebookNode:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    output = nbformat.v4.new_output("display_data", data={
        "application/vnd.plotly.v1+json": json.loads(fig.to_json()), "text/plain": "Figure"})
    cell = nbformat.v4.new_code_cell("fig.show()", outputs=[output])
    return nbformat.v4.new_notebook(cells=[cell])


def test_plotly_asset_is_written_once_and_named_by_version_and_content(tmp_path):
    first = write_plotly_asset(tmp_path)
    assert first.parent == tmp_path / ASSETS_DIR
    assert re.fullmatch(r"plotly-\d+\.\d+\.\d+-[0-9a-f]{12}\.min\.js", first.name)
    assert first.read_text(encoding="utf-8").count("plotly.js v") == 1
    stamp = first.stat().st_mtime_ns
    assert write_plotly_asset(tmp_path) == first
    assert first.stat().st_mtime_ns == stamp  # never rewritten
    assert [p.name for p in first.parent.iterdir()] == [first.name]  # no temporary file left


def test_page_loads_plotly_from_plotly_src_instead_of_embedding_it():
    nb = chart_notebook()
    inline = notebook_to_html(nb, title="t", context=CONTEXT)
    shared = notebook_to_html(nb, title="t", context={**CONTEXT, "plotly_src": "../a/p.js"})
    assert inline.count("plotly.js v") == 1 and len(inline) > 3_000_000
    assert "plotly.js v" not in shared and len(shared) < 1_000_000
    assert SCRIPT_SRC.findall(shared) == ["../a/p.js"]
    assert SCRIPT_SRC.findall(inline) == []
    for page in (inline, shared):
        assert count_charts(page) == 1
        # Drawn only when plotly.js is there; otherwise the template's note takes its place.
        assert "if (window.Plotly && document.getElementById(" in page
        assert "Chart not shown" in page


def test_page_without_charts_loads_no_plotly():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("text only")])
    page = notebook_to_html(nb, title="t", context={**CONTEXT, "plotly_src": "../a/p.js"})
    assert SCRIPT_SRC.findall(page) == [] and "Chart not shown" not in page


def shared_plan(tmp_path: Path) -> Path:
    """The small plan, asking for shared plotly.js."""
    plan = (PLANS / "small.yml").read_text(encoding="utf-8")
    path = tmp_path / "plan.yml"
    path.write_text(plan.replace("cell_timeout: 60\n", "cell_timeout: 60\nshared_plotly: true\n")
                    .replace("../club", str(PLANS.parent / "club"))
                    .replace("../notebooks", str(PLANS.parent / "notebooks")), encoding="utf-8")
    return path


def test_plan_may_ask_for_shared_plotly(tmp_path):
    assert load_plan(shared_plan(tmp_path)).plan.shared_plotly is True
    assert load_plan(PLANS / "small.yml").plan.shared_plotly is False


def builds(out_dir: Path) -> list[Path]:
    return sorted(p for p in out_dir.iterdir() if p.is_dir() and not p.is_symlink()
                  and not p.name.startswith(".") and p.name != ASSETS_DIR)


@pytest.mark.notebooks
def test_shared_build_writes_plotly_once_per_output_folder(out_dir):
    for _ in range(2):
        result = run_cli("build", "--plan", PLANS / "small.yml", "--out", out_dir,
                         "--shared-plotly")
        assert result.returncode == 0, result.stderr
    [asset] = (out_dir / ASSETS_DIR).iterdir()  # two builds, one copy
    assert asset.name.startswith("plotly-") and asset.stat().st_size > 3_000_000
    assert len(builds(out_dir)) == 2
    for folder in builds(out_dir):
        manifest = json.loads((folder / "build.json").read_text())
        src = f"../{ASSETS_DIR}/{asset.name}"
        assert manifest["options"]["plotly_js"] == "shared"
        assert manifest["options"]["plotly_src"] == src
        for name in ("chart-a", "chart-b"):
            page = (folder / f"{name}.html").read_text(encoding="utf-8")
            assert SCRIPT_SRC.findall(page) == [src]  # relative: works wherever out_dir goes
            assert (folder / src).resolve() == asset.resolve()
            assert "plotly.js v" not in page
            assert (folder / f"{name}.html").stat().st_size < 1_000_000
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    assert ASSETS_DIR not in index and "plotly" not in index.lower()  # the index is unchanged


@pytest.mark.notebooks
def test_the_plan_setting_holds_unless_the_command_line_says_otherwise(out_dir, tmp_path):
    plan = shared_plan(tmp_path)
    result = run_cli("build", "--plan", plan, "--out", out_dir, "--only", "chart-a",
                     "--self-contained")
    assert result.returncode == 0, result.stderr
    assert not (out_dir / ASSETS_DIR).exists()
    page = (out_dir / "latest" / "chart-a.html").read_text(encoding="utf-8")
    assert page.count("plotly.js v") == 1 and SCRIPT_SRC.findall(page) == []
    options = json.loads((out_dir / "latest" / "build.json").read_text())["options"]
    assert options["plotly_js"] == "self-contained" and options["plotly_src"] is None
    # Without a flag, the plan's setting holds.
    assert run_cli("build", "--plan", plan, "--out", out_dir, "--only", "chart-a").returncode == 0
    options = json.loads((out_dir / "latest" / "build.json").read_text())["options"]
    assert options["plotly_js"] == "shared"
    assert len(list((out_dir / ASSETS_DIR).iterdir())) == 1
