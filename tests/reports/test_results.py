"""What a notebook records, summarizes and exports as tables, and how it is read back."""

from __future__ import annotations

import json

import IPython.display
import nbformat
import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from evaluate.reports import results
from evaluate.reports.results import (
    BUILD_SUMMARY_KEYS,
    MAX_KEY_FIGURES,
    RECORD_MIME,
    SUMMARY_MIME,
    read_records,
    read_summary,
    summarize,
    summary_problems,
)


@pytest.fixture
def shown(monkeypatch) -> list[dict]:
    """What summarize() displays, instead of a kernel's display."""
    calls: list[dict] = []

    def display(obj, raw=False):
        assert raw
        calls.append(obj)

    monkeypatch.setattr(IPython.display, "display", display)
    return calls


def test_summarize_displays_json_ready_fields_under_its_own_mime(shown):
    summarize(headline="Buy it.", key_figures=[{"label": "Uses", "text": "92 a week"}],
              draws=np.int64(10_000), share=np.float64(0.72), missing=float("nan"))
    assert shown == [{SUMMARY_MIME: {
        "headline": "Buy it.", "key_figures": [{"label": "Uses", "text": "92 a week"}],
        "draws": 10_000, "share": 0.72, "missing": None}}]
    assert type(shown[0][SUMMARY_MIME]["draws"]) is int


@pytest.mark.parametrize("name", sorted(BUILD_SUMMARY_KEYS))
def test_summarize_refuses_the_builds_own_keys(shown, name):
    with pytest.raises(ValueError, match=f"'{name}' are written by the build itself"):
        summarize(**{name: "x"}, headline="Fine.")
    assert shown == []


@pytest.mark.parametrize(("fields", "message"), [
    ({"headline": ""}, "headline must be one non-empty line"),
    ({"headline": "Two\nlines."}, "headline must be one non-empty line"),
    ({"headline": 0.72}, "headline must be one non-empty line"),
    ({"key_figures": {"label": "a", "text": "b"}}, "key_figures must be a list"),
    ({"key_figures": [{"label": "a"}]}, "key_figures must be a list"),
    ({"key_figures": [{"label": "a", "text": 3}]}, "key_figures must be a list"),
    ({"key_figures": [{"label": "a", "text": "b", "unit": "c"}]}, "key_figures must be a list"),
    ({"key_figures": [{"label": str(i), "text": "x"} for i in range(MAX_KEY_FIGURES + 1)]},
     f"give at most {MAX_KEY_FIGURES}"),
    ({"when": object()}, "must be JSON-able"),
])
def test_summarize_refuses_malformed_fields(shown, fields, message):
    with pytest.raises(ValueError, match=message):
        summarize(**fields)
    assert shown == []


def test_summary_problems_is_empty_for_good_fields():
    assert summary_problems({"headline": "One line.", "key_figures": [], "other": [1]}) == []


def notebook_with(*payloads: tuple[str, dict]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_code_cell("x", outputs=[new_output("display_data", data={mime: payload})])
                for mime, payload in payloads]
    return nb


def test_read_summary_merges_calls_in_order_and_ignores_records(tmp_path):
    nb = notebook_with(
        (SUMMARY_MIME, {"headline": "First.", "key_figures": [{"label": "a", "text": "1"}]}),
        (RECORD_MIME, {"name": "n", "value": 1, "label": "", "unit": "", "source": ""}),
        (SUMMARY_MIME, {"headline": "Second.", "extra": 2}))
    expected = {"headline": "Second.", "key_figures": [{"label": "a", "text": "1"}], "extra": 2}
    assert read_summary(nb) == expected
    nbformat.write(nb, tmp_path / "nb.ipynb")
    assert read_summary(tmp_path / "nb.ipynb") == expected
    assert set(read_records(nb)) == {"n"}


@pytest.fixture
def shown_table_export(monkeypatch) -> list[dict]:
    """What export_table displays, instead of a kernel's display."""
    out: list[dict] = []
    monkeypatch.setattr("IPython.display.display", lambda data, raw=False: out.append(data))
    return out


def test_export_table_travels_as_plain_json_and_reads_back(shown_table_export):
    frame = pd.DataFrame({"NPV": [-1234.5, float("nan")], "Machine": ["=1+1", "Rower"],
                          "Rank": pd.array([1, None], dtype="Int64")},
                         index=pd.Index(["a", "b"], name="Equipment id"))
    results.export_table("ranking", frame, label="The ranking")
    [data] = shown_table_export
    payload = data[results.TABLE_MIME]
    assert payload == {"name": "ranking", "label": "The ranking",
                       "columns": ["Equipment id", "NPV", "Machine", "Rank"],
                       "rows": [["a", -1234.5, "=1+1", 1], ["b", None, "Rower", None]]}
    json.dumps(payload, allow_nan=False)
    cell = new_code_cell("")
    cell.outputs = [new_output("display_data", data=data)]
    nb = nbformat.from_dict(new_notebook(cells=[cell]))
    assert results.read_tables(nb) == {"ranking": payload}


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "a/b", "Ranking", "a..b", "", "a b",
                                  "x" * 41, "a\x00b", "-a", "a-"])
def test_a_table_name_that_could_not_be_a_file_name_is_refused(shown_table_export, name):
    with pytest.raises(ValueError, match="lowercase letters, digits and single dashes"):
        results.export_table(name, pd.DataFrame({"a": [1]}))
    assert shown_table_export == []


def test_rows_of_members_are_never_exported(shown_table_export):
    with pytest.raises(ValueError, match="never exported"):
        results.export_table("members", pd.DataFrame({"member_id": ["m1"], "age": [40]}))
    too_many = pd.DataFrame({"a": range(results.MAX_TABLE_ROWS + 1)})
    with pytest.raises(ValueError, match="at most 10,000"):
        results.export_table("big", too_many)
    assert shown_table_export == []
