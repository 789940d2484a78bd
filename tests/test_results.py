"""Summary fields: what a notebook gives with summarize(), how the build and the HTML treat it."""

from __future__ import annotations

import json

import IPython.display
import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from evaluate.build.html_export import notebook_to_html
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
from support import PLANS, run_cli

CONTEXT = {"build_id": "test", "built_at": "now", "suite_version": "0"}


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


def test_html_export_drops_summary_and_record_outputs():
    nb = notebook_with(
        (SUMMARY_MIME, {"headline": "SUMMARY_MARKER"}),
        (RECORD_MIME, {"name": "n", "value": "RECORD_MARKER", "label": "", "unit": "",
                       "source": ""}),
        ("text/plain", "VISIBLE_MARKER"))
    page = notebook_to_html(nb, title="t", context=CONTEXT)
    assert "VISIBLE_MARKER" in page
    assert "SUMMARY_MARKER" not in page and "RECORD_MARKER" not in page
    assert page.count('class="jp-OutputArea-child"') == 1  # no empty output left behind


def test_build_puts_summary_fields_at_the_top_and_refuses_its_own_keys(out_dir):
    result = run_cli("build", "--plan", PLANS / "summary.yml", "--out", out_dir)
    assert result.returncode == 1, result.stderr
    [folder] = [p for p in out_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]

    def summary(name: str) -> dict:
        return json.loads((folder / f"{name}.summary.json").read_text())

    good = summary("summary-conventions")
    assert good["status"] == "ok" and good["failure"] is None
    assert good["headline"] == "Second call wins."  # a later call updates an earlier key
    assert good["key_figures"] == [{"label": "Bars <i>", "text": "3 & more"}]
    assert good["extra"] == {"n": 1}
    assert good["report"] == "summary-conventions" and good["parameters"]["mode"] == "conventions"
    page = (folder / "summary-conventions.html").read_text()
    assert "SUMMARY_MARKER" not in page and "Second call wins" not in page

    refused = summary("summary-reserved")
    assert refused["status"] == "failed"  # the notebook's "ok" did not replace the build's
    assert refused["report"] == "summary-reserved" and "headline" not in refused
    assert refused["failure"]["kind"] == "summary"
    assert "'status' are written by the build itself" in refused["failure"]["message"]
    manifest = json.loads((folder / "build.json").read_text())
    by_name = {r["name"]: r for r in manifest["reports"]}
    assert by_name["summary-reserved"]["failure"]["kind"] == "summary"
    assert "summary-reserved" in result.stderr and "summary" in result.stderr
    index = (out_dir / "index.html").read_text()
    assert "Second call wins." in index and "Bars &lt;i&gt;" in index

