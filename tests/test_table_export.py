"""Report tables as CSV: formulas in text cells are disarmed, numbers stay numbers."""

from __future__ import annotations

import csv
import io
import json

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from evaluate.build.table_export import csv_text, guard, write_table
from evaluate.reports import results

HOSTILE = ['=HYPERLINK("http://evil","x")', "+1", "@SUM(A1)", "-2+3", "\t=1", "\r=1"]


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_a_quote_in_front(text):
    assert guard(text) == "'" + text
    [header, row] = parse(csv_text(["Machine"], [[text]]))
    assert row == ["'" + text]


def test_numbers_stay_numbers_and_plain_text_stays_as_it_is():
    assert guard(-1234.5) == -1234.5 and guard(-3) == -3 and guard(0.0) == 0.0
    assert guard(None) is None and guard(float("nan")) is None
    assert guard(True) == "true"
    assert guard("Rowing machine") == "Rowing machine" and guard("a=b") == "a=b"
    text = csv_text(["Machine", "NPV (USD)", "Payback"],
                    [["Rower", -1234.5, None], ["-2+3", 25, 1.5]])
    # Numbers unquoted (a spreadsheet reads them as numbers), text quoted, missing empty.
    assert text.splitlines() == ['"Machine","NPV (USD)","Payback"', '"Rower",-1234.5,""',
                                 "\"'-2+3\",25,1.5"]


def test_headers_are_guarded_too():
    [header] = parse(csv_text(["=cmd|' /C calc'!A0"], []))
    assert header == ["'=cmd|' /C calc'!A0"]


def test_write_table_is_utf8_with_a_byte_order_mark(tmp_path):
    path = write_table(tmp_path / "r.t.csv", {"columns": ["Machine", "Price (EUR)"],
                                              "rows": [["Rückenstrecker", 775.0]]})
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with it
    frame = pd.read_csv(path, encoding="utf-8-sig")
    assert list(frame.columns) == ["Machine", "Price (EUR)"]
    assert frame.iloc[0].tolist() == ["Rückenstrecker", 775.0]
    assert [p.name for p in tmp_path.iterdir()] == ["r.t.csv"]  # no temporary file left


# --- evaluate.reports.results.export_table: from the notebook to the build -------------------

@pytest.fixture
def shown(monkeypatch) -> list[dict]:
    """What export_table displays, instead of a kernel's display."""
    out: list[dict] = []
    monkeypatch.setattr("IPython.display.display", lambda data, raw=False: out.append(data))
    return out


def test_export_table_travels_as_plain_json_and_reads_back(shown):
    frame = pd.DataFrame({"NPV": [-1234.5, float("nan")], "Machine": ["=1+1", "Rower"],
                          "Rank": pd.array([1, None], dtype="Int64")},
                         index=pd.Index(["a", "b"], name="Equipment id"))
    results.export_table("ranking", frame, label="The ranking")
    [data] = shown
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
def test_a_table_name_that_could_not_be_a_file_name_is_refused(shown, name):
    with pytest.raises(ValueError, match="lowercase letters, digits and single dashes"):
        results.export_table(name, pd.DataFrame({"a": [1]}))
    assert shown == []


def test_rows_of_members_are_never_exported(shown):
    with pytest.raises(ValueError, match="never exported"):
        results.export_table("members", pd.DataFrame({"member_id": ["m1"], "age": [40]}))
    too_many = pd.DataFrame({"a": range(results.MAX_TABLE_ROWS + 1)})
    with pytest.raises(ValueError, match="at most 10,000"):
        results.export_table("big", too_many)
    assert shown == []


def test_the_report_page_does_not_show_exported_tables():
    from evaluate.build.html_export import notebook_to_html

    cell = new_code_cell("")
    cell.outputs = [new_output("display_data", data={results.TABLE_MIME: {
        "name": "t", "label": "", "columns": ["c"], "rows": [["TABLE_MARKER"]]}})]
    nb = new_notebook(cells=[cell])
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "P", "language": "python"}}
    page = notebook_to_html(nbformat.from_dict(nb), title="t",
                            context={"build_id": "", "built_at": "", "suite_version": ""})
    assert "TABLE_MARKER" not in page


# --- the decision report's tables, built from a club with hostile names ---------------------

def read_csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.notebooks
def test_decision_tables_disarm_formulas_and_keep_numbers(hostile_build):
    from hostile_data import FORMULA_NAMES, FORMULA_SOURCES, LINK_NAME

    build = json.loads((hostile_build / "build.json").read_text(encoding="utf-8"))
    decision = next(r for r in build["reports"] if r["name"] == "decision")
    assert [(t["name"], t["file"]) for t in decision["tables"]] == [
        ("ranking", "decision.ranking.csv"), ("assumptions", "decision.assumptions.csv")]
    assert all(not r["tables"] for r in build["reports"] if r["name"] != "decision")
    ranking = read_csv(hostile_build / "decision.ranking.csv")
    names = {row["Equipment id"]: row["Machine"] for row in ranking}
    for equipment_id, name in FORMULA_NAMES.items():
        assert names[equipment_id] == "'" + name
    assert names["reverse_hyper"] == LINK_NAME  # not a formula: as written
    summary = json.loads((hostile_build / "decision.summary.json").read_text(encoding="utf-8"))
    for row in ranking:  # the numbers of summary.json, as numbers
        figures = summary["candidates"][row["Equipment id"]]
        assert float(row["NPV P50 (USD)"]) == pytest.approx(figures["npv"]["p50"], abs=0.01)
        assert int(row["Rank"]) == figures["rank"]
    raw = (hostile_build / "decision.ranking.csv").read_text(encoding="utf-8-sig")
    assert f',{summary["candidates"]["reverse_hyper"]["npv"]["p50"]:.2f},' in raw  # unquoted
    sources = {row["Name"]: row["Source"] for row in
               read_csv(hostile_build / "decision.assumptions.csv")}
    for name, source in FORMULA_SOURCES.items():
        assert sources[name] == "'" + source
    index = (hostile_build.parent / "index.html").read_text(encoding="utf-8")
    assert f'href="{hostile_build.name}/decision.ranking.csv"' in index


@pytest.mark.notebooks
def test_a_reused_report_keeps_its_tables(hostile_build):
    from hostile_data import rebuild

    again = rebuild(hostile_build)
    build = json.loads((again / "build.json").read_text(encoding="utf-8"))
    decision = next(r for r in build["reports"] if r["name"] == "decision")
    assert decision["cache"]["hit"] is True
    assert [t["file"] for t in decision["tables"]] == ["decision.ranking.csv",
                                                       "decision.assumptions.csv"]
    for table in decision["tables"]:
        assert (again / table["file"]).read_bytes() == (hostile_build / table["file"]).read_bytes()
