"""The club's name, currency and export date: club.yml read and checked."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from evaluate.data.club import ClubInfo, load_club
from evaluate.errors import DataError
from evaluate.paths import DEMO_DATA_DIR


def test_demo_club_info():
    assert load_club(DEMO_DATA_DIR) == ClubInfo(name="Demo Community Club (synthetic)",
                                                currency="USD", synthetic=True)


@pytest.mark.parametrize(("text", "expected"), [
    ("name: X\ncurrency: dollars\n", "currency"),
    ("currency: EUR\n", "name"),
    ("- a list\n", "mapping"),
    ("name: [unclosed\n", "not valid YAML"),
    ("name: !!python/object/apply:os.system ['true']\ncurrency: EUR\n", "refused: the YAML asks"),
])
def test_bad_club_yml(tmp_path, text, expected):
    (tmp_path / "club.yml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_club(tmp_path)
    assert expected in str(caught.value)
    assert "club.yml" in str(caught.value)


def test_club_yml_missing(tmp_path):
    with pytest.raises(DataError, match="club.yml not found"):
        load_club(tmp_path)


def test_export_date_is_the_roster_date_read_as_a_date(tmp_path):
    """``export_date`` (optional) is a calendar date, written as YAML reads it or quoted."""
    path = tmp_path / "club.yml"
    for written in ("2026-11-01", "'2026-11-01'", "' 2026-11-01 '"):
        path.write_text(f"name: X\ncurrency: EUR\nexport_date: {written}\n", encoding="utf-8")
        assert load_club(tmp_path).export_date == date(2026, 11, 1)
    path.write_text("name: X\ncurrency: EUR\n", encoding="utf-8")
    assert load_club(tmp_path).export_date is None


@pytest.mark.parametrize(("written", "expected"), [
    ("20261101", "export_date is a date as YYYY-MM-DD"),  # pydantic would take seconds
    ("2026-11-01 10:30:00", "export_date is a date as YYYY-MM-DD"),  # a time is not a day
    ("'1 Nov 2026'", "export_date is a date as YYYY-MM-DD"),
    ("'2026-02-30'", "export_date is a date as YYYY-MM-DD"),
    (f"{date.today() + timedelta(days=1)}", "is after today"),
])
def test_an_export_date_that_is_not_a_past_day_is_refused(tmp_path, written, expected):
    (tmp_path / "club.yml").write_text(f"name: X\ncurrency: EUR\nexport_date: {written}\n",
                                       encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_club(tmp_path)
    (problem,) = caught.value.problems
    assert problem.message.startswith("key 'export_date'") and expected in problem.message
