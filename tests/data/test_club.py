"""The club's name, currency and export date: club.yml read and checked."""

from __future__ import annotations

import datetime

import pytest

from evaluate.data.club import ClubInfo, club_timezone, load_club
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
        assert load_club(tmp_path).export_date == datetime.date(2026, 11, 1)
    path.write_text("name: X\ncurrency: EUR\n", encoding="utf-8")
    assert load_club(tmp_path).export_date is None


@pytest.mark.parametrize(("written", "expected"), [
    ("20261101", "export_date is a date as YYYY-MM-DD"),  # pydantic would take seconds
    ("2026-11-01 10:30:00", "export_date is a date as YYYY-MM-DD"),  # a time is not a day
    ("'1 Nov 2026'", "export_date is a date as YYYY-MM-DD"),
    ("'2026-02-30'", "export_date is a date as YYYY-MM-DD"),
    (f"{datetime.date.today() + datetime.timedelta(days=1)}", "is after today"),
])
def test_an_export_date_that_is_not_a_past_day_is_refused(tmp_path, written, expected):
    (tmp_path / "club.yml").write_text(f"name: X\ncurrency: EUR\nexport_date: {written}\n",
                                       encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_club(tmp_path)
    (problem,) = caught.value.problems
    assert problem.message.startswith("key 'export_date'") and expected in problem.message


def test_exchange_rates_are_read_with_their_date_and_source(tmp_path):
    (tmp_path / "club.yml").write_text(
        "name: X\ncurrency: GBP\nexchange_rates: {USD: {rate: 0.79, date: 2026-11-01, "
        "source: \"Bank of England spot\"}}\n", encoding="utf-8")
    rate = load_club(tmp_path).exchange_rates["USD"]
    assert (rate.rate, rate.date, rate.source) == (0.79, datetime.date(2026, 11, 1),
                                                   "Bank of England spot")
    assert rate.note("USD", "775", "GBP") == ("converted from USD 775 at 0.79 GBP per USD "
                                              "(Bank of England spot, 2026-11-01)")
    assert load_club(DEMO_DATA_DIR).exchange_rates == {}


@pytest.mark.parametrize(("rates", "key"), [
    ("{USD: {rate: 0, date: 2026-11-01, source: ECB}}", "exchange_rates.USD.rate"),
    ("{USD: {rate: 0.9, source: ECB}}", "exchange_rates.USD.date"),
    ("{USD: {rate: 0.9, date: 2026-11-01}}", "exchange_rates.USD.source"),
    ("{usd: {rate: 0.9, date: 2026-11-01, source: ECB}}", "exchange_rates.usd.[key]"),
    ("{USD: {rate: 0.9, date: 2026-11-01, source: ECB, per: GBP}}", "exchange_rates.USD.per"),
])
def test_bad_exchange_rates_are_named_by_key(tmp_path, rates, key):
    (tmp_path / "club.yml").write_text(f"name: X\ncurrency: EUR\nexchange_rates: {rates}\n",
                                       encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_club(tmp_path)
    assert f"key '{key}'" in str(caught.value)
    assert "exchange_rates: {USD: {rate: 0.79" in caught.value.problems[0].rule


def test_timezone_is_read_and_a_misspelt_one_is_refused_with_the_closest_name(tmp_path):
    (tmp_path / "club.yml").write_text("name: X\ncurrency: GBP\ntimezone: Europe/London\n",
                                       encoding="utf-8")
    assert load_club(tmp_path).timezone == "Europe/London"
    assert club_timezone(tmp_path) == "Europe/London"
    (tmp_path / "club.yml").write_text("name: X\ncurrency: GBP\ntimezone: Europe/Londn\n",
                                       encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_club(tmp_path)
    (problem,) = caught.value.problems
    assert problem.message.startswith("key 'timezone'") and "Europe/Londn" in problem.message
    assert "did you mean 'Europe/London'?" in problem.fix
    assert club_timezone(tmp_path) is None  # the logs then refuse zoned timestamps


def test_timezone_is_optional():
    assert load_club(DEMO_DATA_DIR).timezone is None
