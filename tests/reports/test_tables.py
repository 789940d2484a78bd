"""Tables made ready for a manager to read: plain headers, counts as text, hidden ones say so."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from evaluate.reports.formatting import HIDDEN_COUNT
from evaluate.reports.member_profile import age_sex_table, select_members, visits_table
from evaluate.reports.tables import (
    configure_display,
    display_age_sex,
    display_table,
    npv_summary,
    require_columns,
    table_html,
)
from model_support import AS_OF, roster


def chosen() -> pd.DataFrame:
    """26 active members: 12 women of 35, 11 men of 46 and 3 men of 66 (a small group)."""
    members = roster([{}] * 12 + [{"birth_year": 1980, "sex": "M", "visits_per_week": 0.5}] * 11
                     + [{"birth_year": 1960, "sex": "M", "visits_per_week": 0.5}] * 3)
    return select_members(members, "active", AS_OF)


def test_a_table_of_groups_reads_members_and_shares_as_text():
    table = display_table(visits_table(chosen()), "visits_band", "Visits a week")
    assert table.index.name == "Visits a week" and list(table.columns) == ["Members", "Share"]
    assert table.loc["2 to under 3"].tolist() == ["12", "46%"]
    assert table.loc["3 to under 4"].tolist() == ["0", "0%"]
    assert table.loc["under 1"].tolist() == ["14", "54%"]
    many = display_table(pd.DataFrame({"g": ["a", "b"], "members": [1585, pd.NA],
                                       "share": [0.999, pd.NA]}), "g", "Group")
    assert many.loc["a"].tolist() == ["1,585", "100%"]
    assert many.loc["b"].tolist() == [HIDDEN_COUNT, "–"]


def test_members_by_age_and_sex_read_as_a_grid_with_hidden_cells_named():
    wide = display_age_sex(age_sex_table(chosen()))
    assert wide.index.name == "Age band (years)"
    assert list(wide.columns) == ["Women", "Men", "Another or not stated"]  # the table's order
    assert wide.loc["30–44", "Women"] == "12"
    assert wide.loc["45–64", "Women"] == "0"
    # 3 men of 66 are too few to show, and so the 11 of 46 (their complement) are hidden too.
    assert wide.loc["65+", "Men"] == HIDDEN_COUNT and wide.loc["45–64", "Men"] == HIDDEN_COUNT


def test_display_shows_tables_whole():
    names = ("display.max_colwidth", "display.max_rows", "display.max_columns")
    before = {name: pd.get_option(name) for name in names}
    try:
        configure_display()
        assert pd.get_option("display.max_colwidth") is None  # sources are never cut
        assert pd.get_option("display.max_rows") >= 500
        assert pd.get_option("display.max_columns") >= 50
    finally:
        for name, value in before.items():
            pd.set_option(name, value)


def test_npv_summary_matches_the_draws():
    rng = np.random.default_rng(0)
    draws = {"rh": rng.normal(1000, 2000, 5000), "bx": rng.normal(-500, 100, 5000)}
    summary = npv_summary(draws)
    assert list(summary["equipment_id"]) == ["rh", "bx"]
    for row in summary.itertuples():
        v = draws[row.equipment_id]
        np.testing.assert_allclose([row.p10, row.p50, row.p90], np.quantile(
            v, (0.1, 0.5, 0.9), method="inverted_cdf"))
        assert row.p_positive == pytest.approx(np.mean(v > 0))
    frame = npv_summary(pd.DataFrame(draws))  # one column per machine works too
    pd.testing.assert_frame_equal(frame, summary)


def test_a_frame_without_the_needed_columns_is_named_in_the_error():
    frame = pd.DataFrame({"alternative": ["rh"], "score": [0.5]})
    require_columns(frame, ["alternative", "score"], "the scores")
    with pytest.raises(ValueError, match=r"the scores needs columns \['cost'\]"):
        require_columns(frame, ["alternative", "cost"], "the scores")


def test_a_table_has_one_header_row_and_no_empty_header():
    frame = pd.DataFrame({"Members": ["571", "598"], "Share": ["37%", "38%"]},
                         index=pd.Index(["under 1", "1 to under 2"], name="Visits per week"))
    page = table_html(frame)
    head = page[page.index("<thead>"):page.index("</thead>")]
    assert head.count("<tr") == 1
    assert re.findall(r"<th>([^<]*)</th>", head) == ["Visits per week", "Members", "Share"]
    assert "<th>under 1</th>" in page  # the row labels stay row headers
    assert frame.index.name == "Visits per week"  # the frame itself is left as it was
    # pandas' own HTML, for comparison: two header rows, three empty header cells.
    assert frame._repr_html_().count("<th></th>") == 3


def test_a_table_with_header_levels_is_shown_as_pandas_shows_it():
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")]))
    assert table_html(frame) == frame._repr_html_()
