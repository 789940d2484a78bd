"""Report tables as CSV: formulas in text cells are disarmed, numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from evaluate.build.table_export import csv_text, guard, write_table

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
