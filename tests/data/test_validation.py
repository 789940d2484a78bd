"""Reading club files: encodings, delimiters, empty files, header mapping, row numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluate.data.validation import (
    Findings,
    check_columns,
    load_column_mapping,
    read_text_table,
    row_list,
)
from evaluate.errors import DataError


def read(path):
    return read_text_table(path, what="the test table", fix_missing="put it there")


def test_semicolons_and_tabs_are_named_as_the_wrong_delimiter(tmp_path):
    for delimiter, shown in ((";", "';'"), ("\t", "tabs")):
        path = tmp_path / "t.csv"
        path.write_text(delimiter.join(["a", "b", "c"]) + "\n" + delimiter.join("123") + "\n")
        with pytest.raises(DataError) as info:
            read(path)
        [problem] = info.value.problems
        assert f"separated by {shown}, not commas" in problem.message
        assert problem.row == 1 and "comma delimited" in problem.fix


def test_a_european_csv_is_named_by_its_delimiter_and_decimal_commas(tmp_path):
    """';' between columns and decimal commas (29,90) once read as comma-separated rows with
    too many fields, "look for stray commas", and no row."""
    path = tmp_path / "members.csv"
    path.write_text("member_id;birth_year;monthly_dues\nM1;1980;29,90\nM2;1975;45,00\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as info:
        read(path)
    [problem] = info.value.problems
    assert problem.message == ("the columns are separated by ';', not commas, and numbers "
                               "have decimal commas (29,90 in row 2)")
    assert problem.row == 1 and problem.file == path
    assert "a point in numbers" in problem.rule and "';' and decimal commas" in problem.fix
    assert "stray" not in str(info.value)


def test_not_utf8_empty_missing_and_ragged_files(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("name,city\nJos\xe9,M\xfcnchen\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        read(path)
    path.write_text("")
    with pytest.raises(DataError, match="the file is empty"):
        read(path)
    with pytest.raises(DataError, match="t2.csv not found") as info:
        read(tmp_path / "t2.csv")
    assert info.value.problems[0].fix == "put it there"
    path.write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(DataError, match="more fields than the header") as info:
        read(path)
    assert info.value.problems[0].row == 3


def test_a_byte_order_mark_from_excel_is_accepted(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffa,b\n1,2\n".encode())
    assert list(read(path).columns) == ["a", "b"]


def test_headers_are_normalised_mapped_and_unknown_ones_dropped(tmp_path):
    findings = Findings(tmp_path / "t.csv")
    raw = pd.DataFrame({" Member No ": ["1"], "Birth-Year": ["1980"], "E-mail": ["x@y"]})
    frame, dropped = check_columns(raw, findings, required=["member_id", "birth_year"],
                                   mapping={"member no": "member_id"})
    assert list(frame.columns) == ["member_id", "birth_year"]
    assert dropped == ["e_mail"]
    assert findings.problems == []


def test_a_misspelt_required_column_gets_a_hint(tmp_path):
    findings = Findings(tmp_path / "t.csv")
    raw = pd.DataFrame({"member_id": ["1"], "brith_year": ["1980"]})
    check_columns(raw, findings, required=["member_id", "birth_year"])
    [problem] = findings.errors
    assert problem.column == "birth_year" and problem.row == 1
    assert "did you mean 'brith_year'?" in problem.fix and "columns.yml" in problem.fix


def test_rows_are_spreadsheet_rows_and_long_lists_are_counted(tmp_path):
    findings = Findings(tmp_path / "t.csv")
    values = pd.Series([str(i) for i in range(10)])
    findings.rows(values.astype(int) >= 2, values, "n", "too big", rule="n < 2", fix="lower it")
    [problem] = findings.problems
    assert problem.row == "4, 5, 6, 7, 8 and 3 more"
    assert problem.value == ["2", "3", "4", "5", "6"]
    assert "(8 rows)" in problem.message
    assert row_list([7]) == 7


def test_findings_raise_only_errors(tmp_path):
    findings = Findings(tmp_path / "t.csv")
    flags = pd.Series([True])
    findings.rows(flags, flags, "c", "odd", rule="r", fix="f", severity="warning")
    findings.raise_errors()  # a warning alone does not raise
    findings.add("broken", column="c")
    with pytest.raises(DataError) as info:
        findings.raise_errors()
    assert [p.message for p in info.value.problems] == ["broken"]


def test_column_mapping_file(tmp_path):
    assert load_column_mapping(tmp_path) == {}
    (tmp_path / "columns.yml").write_text("members.csv:\n  Member No: member_id\n")
    assert load_column_mapping(tmp_path) == {"members.csv": {"Member No": "member_id"}}
    (tmp_path / "columns.yml").write_text("members.csv: [member_id]\n")
    with pytest.raises(DataError, match="mapping of export column"):
        load_column_mapping(tmp_path)
    (tmp_path / "columns.yml").write_text("members.csv: !!python/object/apply:os.system [ls]\n")
    with pytest.raises(DataError, match="refused: the YAML asks to build a Python object"):
        load_column_mapping(tmp_path)
