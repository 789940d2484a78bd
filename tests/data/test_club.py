"""The club's name and currency: club.yml read and checked."""

from __future__ import annotations

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
