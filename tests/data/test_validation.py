"""Reading club files: encodings, delimiters, empty files, header mapping, row numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluate.data.validation import (
    Findings,
    check_columns,
    load_column_mapping,
    parse_number,
    read_text_table,
    row_list,
)
from evaluate.errors import DataError


def read(path):
    return read_text_table(path, what="the test table", fix_missing="put it there")


def test_semicolon_and_tab_files_are_read_and_the_delimiter_is_noted(tmp_path):
    """';' and tab files were refused as "separated by ';', not commas"; now they are read."""
    for delimiter, shown in ((";", "';'"), ("\t", "tabs")):
        path = tmp_path / "t.csv"
        path.write_text(delimiter.join(["a", "b", "c"]) + "\n" + delimiter.join("123") + "\n")
        findings = Findings(path)
        frame = read_text_table(path, what="the test table", fix_missing="put it there",
                                findings=findings)
        assert frame.to_dict("records") == [{"a": "1", "b": "2", "c": "3"}]
        assert frame.attrs["delimiter"] == delimiter
        [note] = findings.warnings
        assert note.severity == "info" and note.row == 1 and not findings.errors
        assert note.message.startswith(f"read with {shown} between columns")
    path.write_text("a,b\n1,2\n")
    findings = Findings(path)
    read_text_table(path, what="the test table", fix_missing="put it there", findings=findings)
    assert findings.problems == []  # ',' is said nowhere


def test_a_european_csv_is_read_with_decimal_commas(tmp_path):
    """';' between columns and decimal commas (29,90) were refused; now read as numbers:
    a comma is the decimal mark, a point before groups of three digits groups thousands,
    any other point is a decimal point."""
    path = tmp_path / "members.csv"
    path.write_text("member_id;birth_year;monthly_dues;visits\nM1;1980;29,90;1,5\n"
                    "M2;1975;1.234,50;0.125\nM3;1970;1.234;49.90\nM4;1970;-2,5;,5\n"
                    "M5;1970;1,2,3;1.23\n", encoding="utf-8")
    findings = Findings(path)
    frame, _ = check_columns(read(path), findings,
                             required=["member_id", "birth_year", "monthly_dues", "visits"])
    assert parse_number(frame["birth_year"]).tolist() == [1980, 1975, 1970, 1970, 1970]
    dues = parse_number(frame["monthly_dues"])
    assert dues.iloc[:4].tolist() == [29.9, 1234.5, 1234.0, -2.5] and pd.isna(dues.iloc[4])
    assert parse_number(frame["visits"]).tolist() == [1.5, 0.125, 49.9, 0.5, 1.23]
    assert frame["monthly_dues"].iloc[1] == "1.234,50"  # the text is kept for messages
    path.write_text('a,b\n1,"29,90"\n')  # only a ';' file has decimal commas
    assert parse_number(read(path)["b"]).isna().all()


@pytest.mark.parametrize(("text", "row", "says"), [
    ("a,b,c\n1;2,5;3\n", 2,
     "the header is separated by ',' but row 2 by ';', with decimal commas (2,5)"),
    ("a;b;c\n1,2,3\n", 2, "the header is separated by ';' but row 2 by ','"),
    ("a;b,c\n1;2;3\n", 1, "the header holds both ',' and ';'"),
    ("a|b\n1|2\n", 1, "the columns are separated by '|', which is not read"),
])
def test_mixed_ambiguous_and_unread_delimiters_are_refused(tmp_path, text, row, says):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(DataError) as info:
        read(path)
    [problem] = info.value.problems
    assert problem.message.startswith(says) and problem.row == row and problem.fix


def test_a_quoted_header_name_may_hold_another_delimiter(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a;"b, c"\n1;2,5\n')
    frame = read(path)
    assert list(frame.columns) == ["a", "b, c"] and parse_number(frame["b, c"]).tolist() == [2.5]


def test_a_long_row_in_a_semicolon_file_names_semicolons(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a;b\n1;2\n1;2;3\n")
    with pytest.raises(DataError) as info:
        read(path)
    [problem] = info.value.problems
    assert problem.row == 3 and "stray semicolons" in problem.fix


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
    assert problem.value is None  # each distinct value is counted in the message instead
    assert problem.message == ("too big (8 rows): '2' (1 row), '3' (1 row), '4' (1 row), "
                               "'5' (1 row), '6' (1 row), '7' (1 row), '8' (1 row), '9' (1 row)")


def test_more_than_twenty_distinct_bad_values_are_listed_then_counted(tmp_path):
    findings = Findings(tmp_path / "t.csv")
    values = pd.Series([f"v{i:02d}" for i in range(25)] + ["v07"] * 3 + [""] * 2)
    findings.rows(values != "ok", values, "n", "odd", rule="r", fix="f")
    [problem] = findings.problems
    assert problem.message.startswith("odd (30 rows): 'v07' (4 rows), blank (2 rows), "
                                      "'v00' (1 row)")
    assert problem.message.endswith("'v18' (1 row) and 6 more")
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


def _c_parser(path, delimiter=","):
    return pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False,
                       encoding="utf-8-sig", index_col=False)


FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.mark.parametrize("path", sorted([*FIXTURES.glob("members/*.csv"),
                                         *FIXTURES.glob("exports/*/*.csv"),
                                         *FIXTURES.glob("club/*.csv")]),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pyarrow_reads_every_cell_as_the_c_parser_does(path):
    """The fast reader changes nothing: the same headers, the same text in every cell."""
    frame = read(path)
    pd.testing.assert_frame_equal(frame, _c_parser(path, frame.attrs["delimiter"]))


def test_what_pyarrow_refuses_the_c_parser_still_reads(tmp_path, monkeypatch):
    """A short row, a line break inside quotes, 'NA' and 'null' kept as text: read as before."""
    import evaluate.data.validation as validation

    path = tmp_path / "t.csv"
    path.write_text('id,name,note\n1,"two\nlines",NA\n2,null\n3,,x\n')
    assert validation._read_with_pyarrow(path, ",") is None
    frame = read(path)
    assert frame["name"].tolist()[:2] == ["two\nlines", "null"]
    assert frame["note"].tolist() == ["NA", "", "x"]
    pd.testing.assert_frame_equal(frame, _c_parser(path))
    path.write_text("a,b,a\n1,,NA\n")  # duplicate headers are told apart alike
    assert validation._read_with_pyarrow(path, ",") is not None
    assert list(read(path).columns) == ["a", "b", "a.1"]
