"""`evaluate init`: a club data folder started from raw exports, its guesses marked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluate.data.checks import check_club
from evaluate.data.column_mapping import load_file_mappings
from evaluate.data.init_club import (
    DEMO_EQUIPMENT,
    _q,
    detect_format,
    export_glob,
    init_club,
    money_currency,
    zone_of,
)
from evaluate.errors import DataError
from evaluate.paths import DEMO_DATA_DIR

FIXTURE = Path(__file__).parents[1] / "fixtures" / "exports" / "activenet"
MEMBERS = FIXTURE / "Member_List_20261101.csv"
CHECKINS = FIXTURE / "Check_In_History_20261101.csv"

# A member list shaped like ABC Fitness DataTrak's (Barcode, Birth Date, Date Signed), with
# personal columns, money strings, a billing period and the statuses real systems write.
US_MEMBERS = """\
Club Name,Barcode,Member First Name,Member Last Name,Email,Cell Phone,Gender,Birth Date,\
Date Signed,Member Status,Plan Fee,Billing
Riverside Gym,A1001,Ann,Lee,ann@example.org,555-0134,Female,03/25/1980,01/15/2024,Active,\
$39.99,Monthly
Riverside Gym,A1002,Bob,Ray,bob@example.org,555-0135,Male,11/02/1975,02/01/2025,Current,\
$19.99,Fortnightly
Riverside Gym,A1003,Cy,Ott,cy@example.org,555-0136,,07/04/1990,03/03/2023,On Hold,$39.99,Monthly
Riverside Gym,A1004,Di,Fox,di@example.org,555-0137,female,12/12/1968,05/20/2022,Active,\
$399.00,Annually
Riverside Gym,A1005,Ed,Moe,ed@example.org,555-0138,MALE,01/30/2001,06/06/2026,Cancel Pending,\
$39.99,Monthly
Riverside Gym,A1006,Flo,Yu,flo@example.org,555-0139,Non-binary,09/09/1999,07/07/2026,Prospect,\
"$1,234.50",Annually
"""
# Check-ins as Mindbody delivers them: ISO timestamps with the offset of the club's zone.
ZONED_CHECKINS = """\
Barcode,Visit Time
A1001,2026-06-01T07:15:00+01:00
A1002,2026-10-30T18:05:00+00:00
A1004,2026-10-31T09:00:00+00:00
"""
PERSONAL = ("ann@example.org", "555-0134", "flo@example.org", "555-0139", "Ott", "Moe")


def export(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def line(path: Path, number: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[number - 1]


def test_the_activenet_exports_get_the_columns_yml_an_analyst_wrote_by_hand(tmp_path):
    club = tmp_path / "club"
    result = init_club(club, MEMBERS, CHECKINS, currency="USD")
    assert load_file_mappings(club) == load_file_mappings(FIXTURE)
    assert sorted(p.name for p in result.copied) == sorted([MEMBERS.name, CHECKINS.name])
    assert (club / MEMBERS.name).read_bytes() == MEMBERS.read_bytes()
    guesses = {d.text: d for d in result.decisions}
    expired = next(d for text, d in guesses.items() if "'Expired' -> cancelled" in text)
    assert line(club / "columns.yml", expired.line).strip().startswith("Expired: cancelled")
    assert "# 4 rows; guessed" in line(club / "columns.yml", expired.line)
    club_yml = yaml.safe_load((club / "club.yml").read_text())
    assert club_yml == {"name": "club", "currency": "USD", "export_date": pd.Timestamp(
        "2026-10-30").date()}
    assert (club / "equipment.csv").read_text().splitlines() == ["equipment_id,owned_units"] + [
        f"{i},0" for i in DEMO_EQUIPMENT]


def test_with_its_equipment_filled_in_the_started_folder_validates(tmp_path):
    club = tmp_path / "club"
    init_club(club, MEMBERS, CHECKINS, currency="USD")
    shutil.copy(DEMO_DATA_DIR / "equipment.csv", club / "equipment.csv")
    result = check_club(club)
    assert result.errors == []
    assert len(result.loaded["members.csv"]) == 38  # two prospects left out


def test_with_the_catalogue_the_folder_validates_as_written(tmp_path):
    club = tmp_path / "club"
    init_club(club, MEMBERS, CHECKINS, currency="USD")
    assert check_club(club).errors == []


def test_a_real_shape_export_gets_every_spelling_and_every_guess(tmp_path):
    raw = tmp_path / "raw"
    club = tmp_path / "riverside"
    result = init_club(club, export(raw, "Members_2026-11-01.csv", US_MEMBERS),
                       export(raw, "visits.csv", ZONED_CHECKINS))
    text = (club / "columns.yml").read_text()
    mapping = load_file_mappings(club)
    roster = mapping["members.csv"]
    assert roster.file == "Members_*.csv"
    assert {h: r.to for h, r in roster.columns.items()} == {
        "Barcode": "member_id", "Gender": "sex", "Birth Date": "birth_date",
        "Date Signed": "join_date", "Member Status": "status", "Plan Fee": "monthly_dues",
        "Billing": "dues_period"}
    assert roster.columns["Birth Date"].format == "%m/%d/%Y"
    assert roster.columns["Gender"].values == {"male": "M", "female": "F", "": "X",
                                               "non_binary": "X"}
    assert roster.columns["Member Status"].values == {
        "active": "active", "current": "active", "on_hold": "frozen",
        "cancel_pending": "active"}
    assert roster.drop == {"Member Status": ["Prospect"]}
    assert roster.columns["Billing"].values == {"monthly": "month", "fortnightly": "fortnight",
                                                "annually": "year"}
    assert "Cancel Pending: active  # 1 row; guessed: a pending cancellation" in text
    assert "# personal columns, not mapped (the loaders drop them): Member First Name, " \
           "Member Last Name, Email, Cell Phone" in text
    written = "".join(p.read_text() for p in result.written)
    assert not [v for v in PERSONAL if v in written]
    log = mapping["checkins.csv"]
    assert {h: r.to for h, r in log.columns.items()} == {"Barcode": "member_id",
                                                        "Visit Time": "timestamp"}
    assert yaml.safe_load((club / "club.yml").read_text()) == {
        "name": "Riverside Gym", "currency": "USD", "timezone": "Europe/London",
        "export_date": pd.Timestamp("2026-11-01").date()}  # the name's, a day after the log
    decided = [str(d) for d in result.decisions]
    assert any(d.startswith("club.yml, line 3: guessed from '$'") for d in decided)
    assert any("Europe/London" not in d and "guessed from the offsets +00:00, +01:00" in d
               for d in decided)
    assert not any("club.yml, line 2" in d for d in decided)  # the name is the export's


def test_a_real_shape_export_validates_once_its_one_unknown_status_is_mapped(tmp_path):
    raw = tmp_path / "raw"
    club = tmp_path / "riverside"
    unknown = US_MEMBERS + ("Riverside Gym,A1007,Gus,Ng,gus@example.org,555-0140,Male,"
                            "02/28/1985,08/08/2020,Zombie,$39.99,Monthly\n")
    result = init_club(club, export(raw, "Members_2026-11-01.csv", unknown),
                       export(raw, "visits.csv", ZONED_CHECKINS))
    zombie = next(d for d in result.decisions if "'Zombie'" in d.text)
    assert line(club / "columns.yml", zombie.line).strip().startswith("# Zombie: ?")
    said = [str(p) for p in check_club(club).errors]
    assert said and all("Zombie" in s for s in said)
    assert any("'Zombie' (1 row)" in s for s in said)
    text = (club / "columns.yml").read_text().replace("# Zombie: ?", "Zombie: frozen  #")
    (club / "columns.yml").write_text(text)
    assert check_club(club).errors == []


def test_an_export_without_status_is_taken_as_the_active_members_and_says_so(tmp_path):
    """The public Kaggle gym dataset's shape: id, gender, M/D/YY birthdays, an age."""
    kaggle = ("id,gender,birthday,Age,abonoment_type,visit_per_week\n"
              "1,Female,1/5/85,41,Standard,2\n2,Male,12/31/99,26,Premium,3\n")
    club = tmp_path / "gym"
    result = init_club(club, export(tmp_path / "raw", "gym_membership.csv", kaggle))
    roster = load_file_mappings(club)["members.csv"]
    assert {h: r.to for h, r in roster.columns.items()} == {
        "id": "member_id", "gender": "sex", "birthday": "birth_date",
        "visit_per_week": "visits_per_week"}
    assert roster.columns["birthday"].format == "%m/%d/%y"
    assert roster.set == {"status": "active"}
    decided = "\n".join(str(d) for d in result.decisions)
    assert "two-digit years" in decided
    assert "no status column, so every row is taken as active" in decided
    assert "no fee column found" in decided
    assert "# other columns, not used: Age, abonoment_type" in (club / "columns.yml").read_text()


@pytest.mark.parametrize("values,month_first,expected,guess", [
    (["25/03/1980", "01/02/1990"], True, "%d/%m/%Y", ""),
    (["03/25/1980", "1/2/1990"], False, "%m/%d/%Y", ""),
    (["01/02/1990", "03/04/1985"], True, "%m/%d/%Y", "12 or less"),
    (["01/02/1990", "03/04/1985"], False, "%d/%m/%Y", "12 or less"),
    (["1/5/85", "12/31/99"], True, "%m/%d/%y", "two-digit years"),
    (["2026-01-05"], False, "%Y-%m-%d", ""),
    (["31-01-2026"], True, "%d-%m-%Y", ""),
    (["31.01.2026", ""], True, "%d.%m.%Y", ""),
    (["not a date"], True, None, None),
])
def test_date_formats_are_read_off_the_values(values, month_first, expected, guess):
    from evaluate.data.init_club import DATE_FORMATS

    found = detect_format(pd.Series(values), DATE_FORMATS, month_first)
    assert (found.format if found else None) == expected
    if found:
        assert (guess in found.guess) if guess else found.guess == ""


@pytest.mark.parametrize("values,code", [
    (["$39.99", "$1,234.50"], "USD"), (["£21.99", "£9"], "GBP"),
    (["1.234,50 €", "29,90 €"], "EUR"), (["39.99 USD"], "USD"), (["29.99", "30"], None),
    (["$39.99", "£21.99"], None), (["A1001"], None),
])
def test_the_currency_comes_from_the_money_strings(values, code):
    found = money_currency(pd.Series(values))
    assert (found[0] if found else None) == code
    if found and code == "USD" and values[0].startswith("$"):
        assert found[1].startswith("guessed")
    if values == ["$39.99", "£21.99"]:
        assert "more than one currency" in found[1]


@pytest.mark.parametrize("stamps,zone,says", [
    (["2026-06-01T07:15:00+01:00", "2026-12-01T07:15:00+00:00"], "Europe/London", "guessed"),
    (["2026-07-01T07:15:00-04:00", "2026-01-05T07:15:00-05:00"], "America/New_York",
     "guessed"),
    (["2026-06-01T07:15:00Z", "2026-12-01T07:15:00Z"], None, "in UTC"),
    (["2026-06-01T07:15:00+05:17"], None, "no common time zone"),
])
def test_the_time_zone_comes_from_the_offsets(stamps, zone, says):
    found, why = zone_of(pd.Series(stamps))
    assert found == zone and says in why


@pytest.mark.parametrize("name,glob", [
    ("Member_List_20261101.csv", "Member_List_*.csv"),
    ("Check_In_History_2026-11-01.csv", "Check_In_History_*.csv"),
    ("members_export.csv", "members_export.csv"),
    ("20261101.csv", "20261101.csv"),
])
def test_the_export_glob_stars_the_date_of_the_name(name, glob):
    assert export_glob(name, [name]) == glob


@pytest.mark.parametrize("name,newest,month_first,day,says", [
    ("Member_List_20261102.csv", "2026-11-01 20:15", True, "2026-11-02", "the date in"),
    ("member_export_05-10-2026.csv", "2026-10-04", False, "2026-10-05", "the date in"),
    ("member_export_05-10-2026.csv", "2026-10-04", True, "2026-10-05", "the date in"),
    ("Member_List_20261225.csv", "2026-11-01", True, "2026-11-01", "the newest check-in"),
    ("Member_List_20261102.csv", None, True, "2026-11-02", "the date in"),
    ("members.csv", None, True, None, "not known"),
])
def test_the_roster_date_is_the_export_s_when_the_log_agrees(name, newest, month_first, day,
                                                             says):
    from evaluate.data.init_club import roster_date

    found, why = roster_date(name, pd.Timestamp(newest) if newest else None, month_first)
    assert (found.isoformat() if found else None) == day and says in why


def test_a_glob_that_would_read_another_export_keeps_the_name():
    assert export_glob("Export_20261101.csv", ["Export_20261101.csv", "Export_visits.csv"]) \
        == "Export_20261101.csv"


@pytest.mark.parametrize("text", ["Male", "yes", "No", "on", "null", "~", "Status: code",
                                  "#tag", "O'Brien", 'say "hi"', "", " padded", "1", "3.50",
                                  "Stätus", "a # b", "- x", "[x]"])
def test_every_name_and_value_reads_back_as_written(text):
    assert yaml.safe_load(f"k: {_q(text)}") == {"k": text}


def test_headers_yaml_would_misread_round_trip_through_columns_yml(tmp_path):
    raw = ("Member #,Sex: code,yes,Join Date\nA100,F,1,2026-01-05\nA101,M,2,2025-12-01\n")
    club = tmp_path / "club"
    init_club(club, export(tmp_path / "raw", "odd_20261101.csv", raw), currency="GBP")
    roster = load_file_mappings(club)["members.csv"]
    assert {h: r.to for h, r in roster.columns.items()} == {
        "Member #": "member_id", "Sex: code": "sex", "Join Date": "join_date"}


def test_nothing_is_overwritten_without_force(tmp_path):
    club = tmp_path / "club"
    club.mkdir()
    (club / "club.yml").write_text("name: Mine\ncurrency: GBP\n")
    with pytest.raises(DataError) as info:
        init_club(club, MEMBERS, CHECKINS)
    problem = info.value.problems[0]
    assert "club.yml already in" in problem.message and "--force" in problem.fix
    assert sorted(p.name for p in club.iterdir()) == ["club.yml"]
    assert (club / "club.yml").read_text() == "name: Mine\ncurrency: GBP\n"
    init_club(club, MEMBERS, CHECKINS, force=True)
    assert "name: club" in (club / "club.yml").read_text()


def test_exports_already_in_the_folder_are_read_there_not_copied(tmp_path):
    club = tmp_path / "club"
    shutil.copytree(FIXTURE, club)
    for name in ("columns.yml", "club.yml", "equipment.csv", "README.md"):
        (club / name).unlink()
    result = init_club(club, club / MEMBERS.name, club / CHECKINS.name, currency="USD")
    assert result.copied == []
    assert load_file_mappings(club) == load_file_mappings(FIXTURE)


@pytest.mark.parametrize("content,says", [
    ("Name,Email\nAnn,ann@example.org\nBob,bob@example.org\n", "no column of member ids"),
    (b"Barcode,Gender\nA1,M\xe4nnlich\n", "not UTF-8"),
    ("", "the file is empty"),
])
def test_an_unusable_export_is_refused_and_nothing_written(tmp_path, content, says):
    path = tmp_path / "export.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(DataError) as info:
        init_club(tmp_path / "club", path)
    assert says in str(info.value)
    assert not (tmp_path / "club").exists()


def test_a_check_in_log_without_member_ids_is_read_as_a_door_log(tmp_path):
    raw = tmp_path / "raw"
    door = "DeviceName,Direction,AlarmDateTime\nFront,In,2/2/2015 8:11\nFront,Out,2/2/2015 " \
           "9:40\nFront,In,2/13/2015 17:02\n"
    init_club(tmp_path / "club", MEMBERS, export(raw, "gyminout.csv", door), currency="USD")
    log = load_file_mappings(tmp_path / "club")["checkins.csv"]
    assert {h: (r.to, r.format) for h, r in log.columns.items()} == {
        "AlarmDateTime": ("timestamp", "%m/%d/%Y %H:%M")}
    assert log.keep == {"Direction": ["In"]}
    assert "anonymous door log" in (tmp_path / "club" / "columns.yml").read_text()


# The real-shape export fixtures with known truth (tests/fixtures/exports/*/truth.json), each
# with the columns.yml an analyst wrote: init proposes the same, but for what only the club
# knows. (folder, contract file, export column or key) -> why init cannot propose it.
REAL_SHAPES = sorted(p.parent for p in FIXTURE.parent.glob("*/truth.json"))
BY_HAND = {
    ("kaggle-gym", "members.csv", "abonoment_type"): "the plans' prices",
    ("mindbody", "checkins.csv", "drop"): "init keeps the visits instead: keep Signed In",
    ("mindbody", "checkins.csv", "keep"): "the same rows as the fixture's drop",
}


@pytest.mark.parametrize("folder", REAL_SHAPES, ids=[p.name for p in REAL_SHAPES])
def test_init_proposes_the_columns_yml_of_each_real_shape_fixture(folder, tmp_path):
    want = load_file_mappings(folder)
    exports = {name: max(folder.glob(entry.file)) for name, entry in want.items()}
    club = tmp_path / "club"
    init_club(club, exports["members.csv"], exports.get("checkins.csv"))
    got = load_file_mappings(club)
    assert set(got) == set(want)
    for name, entry in want.items():
        mine = got[name]
        assert (mine.file, mine.set) == (entry.file, entry.set), name
        for header, rule in entry.columns.items():
            if (folder.name, name, header) in BY_HAND:
                continue
            found = mine.columns[header]
            assert (found.to, found.format) == (rule.to, rule.format), header
            if rule.values:
                assert {k: found.values.get(k) for k in rule.values} == rule.values, header
        for key in ("keep", "drop"):
            if (folder.name, name, key) not in BY_HAND:
                assert getattr(mine, key) == getattr(entry, key), (name, key)
    facts = yaml.safe_load((folder / "club.yml").read_text())
    proposed = yaml.safe_load((club / "club.yml").read_text())
    for key in ("currency", "timezone", "export_date"):
        if proposed.get(key) is not None:  # what init cannot tell, it leaves to decide
            assert proposed[key] == facts[key], key


def test_a_usage_log_s_machines_join_equipment_csv_or_are_left_to_decide(tmp_path):
    raw = tmp_path / "raw"
    usage = ("Machine,Started,Minutes,Barcode\nrower,2026-10-01 07:10,12,100201\n"
             "Treadmill 1,2026-10-01 07:30,25,100202\n")
    result = init_club(tmp_path / "club", MEMBERS, CHECKINS, export(raw, "Usage.csv", usage),
                       currency="USD")
    log = load_file_mappings(tmp_path / "club")["equipment_usage.csv"]
    assert {h: r.to for h, r in log.columns.items()} == {
        "Machine": "equipment_id", "Minutes": "duration_min", "Barcode": "member_id",
        "Started": "timestamp"}
    said = "\n".join(str(d) for d in result.decisions)
    assert "the usage log names machines that are not catalogue ids: Treadmill 1;" in said
    assert "rower,0" in (tmp_path / "club" / "equipment.csv").read_text()


def test_a_club_in_another_currency_is_told_to_give_the_catalogue_s_rate(tmp_path):
    """The catalogue's prices and the money defaults are in USD: a GBP club's club.yml gets
    the exchange_rates line to fill in, and the analyst is told; a USD club's does not."""
    members = ("Member ID,Gender,Date of birth,Membership status,Fee\n"
               "1,Female,01/02/1980,Current,£21.99\n2,Male,03/04/1975,Current,£21.99\n")
    club = tmp_path / "uk"
    result = init_club(club, export(tmp_path / "raw", "Members.csv", members))
    text = (club / "club.yml").read_text()
    assert "# exchange_rates: {USD: {rate: ..., date: ..., source: ...}}" in text
    assert any("are in USD: give the rate (GBP per USD)" in str(d) for d in result.decisions)
    us = tmp_path / "us"
    init_club(us, export(tmp_path / "raw-us", "Members.csv", members.replace("£", "$")))
    assert "exchange_rates" not in (us / "club.yml").read_text()
