"""The club's name and currency: club.yml read and checked."""

from __future__ import annotations

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
