"""The member-profile notebook's parameters cell and its pydantic model agree."""

from __future__ import annotations

import ast
import json

import nbformat
import papermill
import pytest
from pydantic import ValidationError

from evaluate.notebook_params import PARAMETER_MODELS, MemberProfileParams
from evaluate.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR

NOTEBOOK = NOTEBOOKS_DIR / "member_profile.ipynb"


@pytest.fixture(scope="module")
def declared() -> dict:
    return papermill.inspect_notebook(str(NOTEBOOK))


def test_notebook_parameters_match_the_model(declared):
    fields = MemberProfileParams.model_fields
    assert list(declared) == list(fields)
    for name, param in declared.items():
        assert ast.literal_eval(param["default"]) == fields[name].default, name
        assert param["help"], f"{name} has no help comment"
    assert declared["min_group_size"]["inferred_type_name"] == "int"
    assert declared["status"]["inferred_type_name"] == "str"


def test_registry_is_keyed_by_notebook_stem():
    assert PARAMETER_MODELS["member_profile"] is MemberProfileParams
    for stem in PARAMETER_MODELS:
        assert (NOTEBOOKS_DIR / f"{stem}.ipynb").is_file()


def test_defaults_and_resolution():
    params = MemberProfileParams()
    assert params.resolved_data_dir == DEMO_DATA_DIR
    assert params.as_of_date is None
    assert MemberProfileParams(as_of="2026-01-31").as_of_date.isoformat() == "2026-01-31"


@pytest.mark.parametrize("bad", [
    {"status": "paused"},
    {"min_group_size": 5},
    {"as_of": "31/01/2026"},
    {"statu": "active"},  # unknown names are refused, not ignored
])
def test_bad_parameters_are_refused(bad):
    with pytest.raises(ValidationError):
        MemberProfileParams(**bad)


def test_notebook_is_stored_clean():
    nb = nbformat.read(str(NOTEBOOK), as_version=4)
    assert nb.metadata.kernelspec == {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0]
    sources = "\n".join(c.source for c in code)
    assert "def " not in sources and "class " not in sources
    assert "papermill" not in json.dumps(nb.metadata)
