"""Build plans: validation with messages that name the file, the field and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluate.build.plan import load_plan, select_reports
from evaluate.errors import PlanError
from evaluate.paths import DEFAULT_PLAN
from support import NOTEBOOKS, PLANS, shared_plan


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "chart.ipynb").write_bytes((NOTEBOOKS / "chart.ipynb").read_bytes())
    return path


def test_small_plan_expands_one_report_per_parameter_set():
    loaded = load_plan(PLANS / "small.yml")
    assert [r.name for r in loaded.reports] == ["chart-a", "chart-b"]
    assert loaded.reports[0].parameters == {"ratio": 0.25, "greeting": "alpha", "count": 2}
    assert loaded.reports[0].notebook == (NOTEBOOKS / "chart.ipynb").resolve()
    assert loaded.data_dir == (PLANS.parent / "club").resolve()
    assert loaded.plan.cell_timeout == 60


def test_bundled_plans_are_valid_and_build_every_notebook():
    loaded = load_plan(DEFAULT_PLAN)
    assert loaded.data_dir == DEFAULT_PLAN.parent.parent.joinpath("data", "demo").resolve()
    chain = load_plan(DEFAULT_PLAN.parent / "chain-plan.yml")
    notebooks = {r.notebook.name for r in [*loaded.reports, *chain.reports]}
    assert notebooks == {p.name for p in DEFAULT_PLAN.parent.glob("*.ipynb")}


def test_a_chain_plan_gives_one_report_per_club(tmp_path):
    for club in ("north", "south-2"):
        (tmp_path / "clubs" / club).mkdir(parents=True)
        (tmp_path / "clubs" / club / "members.csv").write_text("member_id\n")
    (tmp_path / "clubs" / "notes").mkdir()  # no members.csv: not a club
    path = write(tmp_path, "clubs: clubs\nreports:\n"
                 "  - {name: solo, notebook: chart.ipynb, title: Solo, per_club: true}\n"
                 "  - {name: roll, notebook: chart.ipynb, title: Roll}\n")
    reports = load_plan(path).reports
    assert [r.name for r in reports] == ["north-solo", "south-2-solo", "roll"]
    assert reports[0].data_dir == (tmp_path / "clubs" / "north").resolve()
    assert reports[0].title == "Solo · north" and reports[2].data_dir is None


@pytest.mark.parametrize(("clubs", "words"), [
    (None, "per_club reports need the plan's clubs"),
    ("missing", "clubs folder not found"),
    ("empty", "the chain has no club"),
    ("bad", "club folder name is not a slug"),
])
def test_bad_chains_are_refused(tmp_path, clubs, words):
    (tmp_path / "empty").mkdir()
    (tmp_path / "bad" / "North Club").mkdir(parents=True)
    (tmp_path / "bad" / "North Club" / "members.csv").write_text("member_id\n")
    head = f"clubs: {clubs}\n" if clubs else ""
    path = write(tmp_path, head + "reports:\n"
                 "  - {name: solo, notebook: chart.ipynb, title: Solo, per_club: true}\n")
    with pytest.raises(PlanError) as err:
        load_plan(path)
    assert words in str(err.value)


def test_a_single_report_keeps_the_entry_name(tmp_path):
    path = write(tmp_path, "reports:\n  - {name: solo, notebook: chart.ipynb, title: Solo}\n")
    assert [r.name for r in load_plan(path).reports] == ["solo"]


@pytest.mark.parametrize(("text", "expected"), [
    ("reports:\n  - name: x\n    notebok: chart.ipynb\n    title: X\n",
     ["notebok", "did you mean 'notebook'"]),
    ("titel: T\nreports:\n  - {name: x, notebook: chart.ipynb, title: X}\n",
     ["titel", "did you mean 'title'"]),
    ("reports:\n  - {name: ../escape, notebook: chart.ipynb, title: X}\n",
     ["reports.0.name", "lower-case letters, digits and dashes"]),
    ("reports:\n  - {name: x, notebook: missing.ipynb, title: X}\n",
     ["notebook not found", "missing.ipynb"]),
    ("reports:\n  - {name: x, notebook: chart.ipynb, title: X}\n"
     "  - {name: x, notebook: chart.ipynb, title: Y}\n",
     ["two reports are named 'x'"]),
    ("reports:\n  - {name: x, notebook: chart.ipynb, title: 'X {club}'}\n",
     ["title placeholder", "club"]),
    ("reports:\n  - name: x\n    notebook: chart.ipynb\n    title: X\n    parameter_sets:\n"
     "      - {parameters: {count: 1}}\n      - {parameters: {count: 2}}\n",
     ["every parameter set needs a name"]),
    ("reports: []\n", ["reports", "at least 1"]),
    ("cell_timeout: 0\nreports:\n  - {name: x, notebook: chart.ipynb, title: X}\n",
     ["cell_timeout", "greater than 0"]),
    ("- just\n- a list\n", ["must be a YAML mapping"]),
])
def test_bad_plans_are_explained(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(PlanError) as info:
        load_plan(path)
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "title: ok\nreports:\n  - name: [unclosed\n")
    with pytest.raises(PlanError) as info:
        load_plan(path)
    assert "not valid YAML" in str(info.value)
    assert info.value.problems[0].row in (3, 4)


def test_yaml_that_builds_python_objects_is_refused(tmp_path):
    path = write(tmp_path, "title: !!python/object/apply:os.system ['echo hi']\nreports: []\n")
    with pytest.raises(PlanError, match="refused: the YAML asks to build a Python object"):
        load_plan(path)


def test_missing_plan_file(tmp_path):
    with pytest.raises(PlanError, match="plan file not found"):
        load_plan(tmp_path / "nope.yml")


def test_select_by_report_or_entry_name():
    loaded = load_plan(PLANS / "small.yml")
    assert [r.name for r in select_reports(loaded.reports, ["chart-b"], loaded.path)] == [
        "chart-b"]
    assert len(select_reports(loaded.reports, ["chart"], loaded.path)) == 2
    with pytest.raises(PlanError, match="did you mean 'chart-[ab]'"):
        select_reports(loaded.reports, ["chart-x"], loaded.path)
    with pytest.raises(PlanError, match="no report named 'char'"):  # no prefix matching
        select_reports(loaded.reports, ["char"], loaded.path)


def test_plan_may_ask_for_shared_plotly(tmp_path):
    assert load_plan(shared_plan(tmp_path)).plan.shared_plotly is True
    assert load_plan(PLANS / "small.yml").plan.shared_plotly is False
