"""Nothing a plan, the command line or a notebook names can put a file outside the build folder.

Every output file is named ``<report>[.<table>].<ext>`` inside the build folder (and
``logs/<report>.kernel.log``): report names come from the plan's entry and parameter-set
names and the chain's club folders, all slugs; table names are slugs too; ``--only`` only
picks among the plan's reports; the cache index only points at build folders of the output
folder.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from evaluate.build.plan import load_plan
from evaluate.build.table_export import write_report_tables
from evaluate.errors import PlanError
from evaluate.reports.results import TABLE_MIME
from support import NOTEBOOKS, PLANS, run_cli

BAD_NAMES = ["../x", "../../etc/cron.d/x", "/tmp/x", "a/b", "a\\b", "a\x00b", ".hidden",
             "x" * 64, "abc\n", "Report", "ａbc", "", " a"]


def plan_with(tmp_path, entry: str, sets: str = "") -> object:
    (tmp_path / "chart.ipynb").write_bytes((NOTEBOOKS / "chart.ipynb").read_bytes())
    path = tmp_path / "plan.yml"
    path.write_text(f"reports:\n  - name: {entry}\n    notebook: chart.ipynb\n"
                    f"    title: T\n{sets}", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_report_name_that_is_not_a_slug_is_refused(tmp_path, name):
    with pytest.raises(PlanError) as caught:
        load_plan(plan_with(tmp_path, json.dumps(name)))
    text = str(caught.value)
    assert "reports.0.name" in text and "lower-case letters, digits and dashes" in text


@pytest.mark.parametrize("name", BAD_NAMES)
def test_a_parameter_set_name_that_is_not_a_slug_is_refused(tmp_path, name):
    sets = (f"    parameter_sets:\n      - {{name: {json.dumps(name)}}}\n"
            "      - {name: fine}\n")
    with pytest.raises(PlanError, match="parameter_sets.0.name"):
        load_plan(plan_with(tmp_path, "chart", sets))


def test_the_longest_report_name_still_fits_a_file_name(tmp_path):
    # entry (63) + set (63) + a chain's club folder (41), then the longest suffix: a table.
    longest = len("x" * 41 + "-" + "x" * 63 + "-" + "x" * 63 + "." + "t" * 40 + ".csv")
    assert longest <= 255  # NAME_MAX of ext4, xfs, btrfs, APFS and NTFS


def test_bad_names_from_the_command_line_stop_the_build_with_exit_2(tmp_path):
    path = plan_with(tmp_path, json.dumps("../escape"))
    result = run_cli("build", "--plan", path, "--out", tmp_path / "out", "--dry-run")
    assert result.returncode == 2
    assert "lower-case letters, digits and dashes" in result.stderr
    assert "Traceback" not in result.stderr
    for only in ("../x", "/tmp/x"):
        result = run_cli("build", "--plan", PLANS / "small.yml", "--out", tmp_path / "out",
                         "--only", only, "--dry-run")
        assert result.returncode == 2 and f"no report named '{only}'" in result.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "escape").exists()


def notebook_exporting(name: str) -> nbformat.NotebookNode:
    cell = new_code_cell("")
    cell.outputs = [new_output("display_data", data={TABLE_MIME: {
        "name": name, "label": "", "columns": ["a"], "rows": [[1]]}})]
    return nbformat.from_dict(new_notebook(cells=[cell]))


@pytest.mark.parametrize("name", ["../../x", "/tmp/x", "a/b", "a\x00b", "x" * 41, ""])
def test_the_build_refuses_a_table_name_it_could_not_write_inside_the_folder(tmp_path, name):
    folder = tmp_path / "build"
    folder.mkdir()
    with pytest.raises(ValueError, match="lowercase letters, digits and single dashes"):
        write_report_tables(notebook_exporting(name), "report", folder)
    assert list(tmp_path.rglob("*")) == [folder]


def test_a_cache_index_pointing_outside_the_output_folder_is_ignored(tmp_path):
    from evaluate.build.cache import BuildCache

    out = tmp_path / "out"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "r.summary.json").write_text('{"status": "ok"}')
    (out / ".cache").mkdir(parents=True)
    entry = {"report": "r", "files": ["r.summary.json"], "ran_in": "b",
             "outputs": {"executed": None, "html": None, "summary": "r.summary.json",
                         "pdf": None}, "notebook": "n"}
    index = {"format": 1, "notebooks": {},
             "reports": {"k1": {**entry, "build": str(outside)},
                         "k2": {**entry, "build": "../elsewhere"}}}
    (out / ".cache" / "index.json").write_text(json.dumps(index))
    cache = BuildCache(out)
    assert cache.lookup({"r": "k1"}) == {} and cache.lookup({"r": "k2"}) == {}
