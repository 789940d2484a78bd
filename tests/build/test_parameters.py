"""Notebook parameters: inspection, and checks that papermill itself does not make."""

from __future__ import annotations

import pytest

from evaluate.build.parameters import check_values, inspect_parameters, parse_assignments
from evaluate.errors import ParameterError
from evaluate.paths import NOTEBOOKS_DIR
from support import NOTEBOOKS

CHART = NOTEBOOKS / "chart.ipynb"


def test_inspect_reads_types_defaults_and_help():
    declared = inspect_parameters(CHART)
    assert list(declared) == ["greeting", "count", "ratio", "data_dir"]
    assert declared["count"].type is int and declared["count"].default == 3
    assert declared["ratio"].type is float and declared["ratio"].default == 0.5
    assert declared["greeting"].help == "text shown in the report"


def test_unannotated_parameter_takes_the_type_of_its_default(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("n = 5  # a count", metadata={"tags": ["parameters"]})])
    nbformat.write(nb, tmp_path / "plain.ipynb")
    with pytest.raises(ParameterError, match="python3"):  # no kernelspec: say how to fix it
        inspect_parameters(tmp_path / "plain.ipynb")
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "plain.ipynb")
    assert inspect_parameters(tmp_path / "plain.ipynb")["n"].type is int


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_parameter_of_the_suites_notebooks_is_annotated(notebook):
    """papermill --help-notebook and schedulers show each type, never "Unknown type"."""
    import papermill

    declared = papermill.inspect_notebook(str(notebook))
    assert declared
    untyped = [name for name, p in declared.items() if p["inferred_type_name"] == "None"]
    assert not untyped, f"{notebook.name}: annotate {', '.join(untyped)}"
    assert all(inspect_parameters(notebook)[name].type is not None for name in declared)


def test_a_generic_annotation_checks_its_container(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    source = ('ids: list[str] = []  # machines\n'
              'weights: dict[str, float] = {}  # criterion -> weight')
    nb = new_notebook(cells=[new_code_cell(source, metadata={"tags": ["parameters"]})])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "generic.ipynb")
    declared = inspect_parameters(tmp_path / "generic.ipynb")
    assert declared["ids"].type_name == "list[str]" and declared["ids"].type is list
    assert declared["weights"].type is dict
    assert check_values(tmp_path / "generic.ipynb", {"ids": "[a, b]", "weights": "{npv: 2}"}) == {
        "ids": ["a", "b"], "weights": {"npv": 2}}
    with pytest.raises(ParameterError, match=r"expected list\[str\], got int"):
        check_values(tmp_path / "generic.ipynb", {"ids": "3"})


@pytest.mark.parametrize(("raw", "expected"), [
    ({"count": "7"}, {"count": 7}),
    ({"ratio": "1"}, {"ratio": 1.0}),          # an int where a float is declared becomes float
    ({"ratio": 2}, {"ratio": 2.0}),
    ({"greeting": "42"}, {"greeting": "42"}),  # a str stays a str, even if it looks numeric
    ({"greeting": "yes"}, {"greeting": "yes"}),
])
def test_values_are_coerced_to_the_declared_type(raw, expected):
    result = check_values(CHART, raw)
    assert result == expected
    assert all(type(result[k]) is type(v) for k, v in expected.items())


@pytest.mark.parametrize(("raw", "fragment"), [
    ({"count": "3.5"}, "expected int, got float"),
    ({"count": "true"}, "true/false"),
    ({"count": True}, "true/false"),
    ({"ratio": "high"}, "expected float, got str"),
    ({"ratio": "[1, 2"}, "cannot read"),
])
def test_wrong_types_are_refused(raw, fragment):
    with pytest.raises(ParameterError) as info:
        check_values(CHART, raw, origin="--param")
    assert fragment in str(info.value)
    assert "--param" in str(info.value)


def test_unknown_names_are_refused_with_a_hint_all_at_once():
    with pytest.raises(ParameterError) as info:
        check_values(CHART, {"cuont": 1, "zzz": 2, "count": "x"})
    message = str(info.value)
    assert "3 problems" in message
    assert "did you mean 'count'" in message
    assert "known parameters: greeting, count, ratio, data_dir" in message


def test_parse_assignments():
    assert parse_assignments(["a=1", "b = x=y", "c="]) == {"a": "1", "b": " x=y", "c": ""}
    with pytest.raises(ParameterError, match="KEY=VALUE"):
        parse_assignments(["novalue"])


def test_a_date_in_a_plan_is_text_and_a_command_line_value_names_the_notebook():
    from datetime import date

    assert check_values(CHART, {"greeting": date(2026, 3, 1)}) == {"greeting": "2026-03-01"}
    with pytest.raises(ParameterError) as info:
        check_values(CHART, {"count": "three"}, origin="--param")
    [problem] = info.value.problems
    assert problem.file == str(CHART) and problem.column == "count"
    assert "(given with --param)" in problem.message


def test_a_check_across_parameters_names_the_parameter_and_the_fix():
    from evaluate.build.parameters import check_with_model
    from evaluate.reports.notebook_params import DecisionReportParams

    with pytest.raises(ParameterError) as info:  # no field of its own: was an IndexError
        check_with_model(DecisionReportParams, {"normalization": "fixed"}, origin="plan.yml")
    [problem] = info.value.problems
    assert problem.column == "value_ranges" and problem.file == "plan.yml"
    assert "[worst, best]" in problem.fix
    with pytest.raises(ParameterError) as info:
        check_with_model(DecisionReportParams, {"candidates": ["rower", "rowr"]}, origin="p")
    [problem] = info.value.problems
    assert problem.column == "candidates" and "did you mean 'rower'" in problem.fix
