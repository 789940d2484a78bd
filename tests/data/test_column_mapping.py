"""The grown columns.yml: value maps, date formats, set, keep/drop and the export's name."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaluate.data.checkins import check_checkins
from evaluate.data.checks import check_club
from evaluate.data.column_mapping import (
    MAX_UNMAPPED,
    ColumnRule,
    apply_file_mapping,
    export_path,
    load_file_mappings,
)
from evaluate.data.members import load_members
from evaluate.data.validation import check_column_mapping, load_column_mapping
from evaluate.errors import DataError

FIXTURE = Path(__file__).parents[1] / "fixtures" / "exports" / "activenet"
CONTRACTS = {"members.csv": ["member_id", "sex", "status", "join_date", "monthly_dues"],
             "checkins.csv": ["member_id", "timestamp"]}


def write(folder: Path, text: str) -> None:
    (folder / "columns.yml").write_text(text, encoding="utf-8")


def problems(call, *args) -> list:
    with pytest.raises(DataError) as info:
        call(*args)
    return info.value.problems


def test_the_plain_form_still_renames(tmp_path):
    write(tmp_path, "members.csv:\n  Member No: member_id\n")
    assert load_column_mapping(tmp_path) == {"members.csv": {"Member No": "member_id"}}
    assert not load_file_mappings(tmp_path)["members.csv"].grown


def test_the_grown_form_is_read(tmp_path):
    write(tmp_path, "members.csv:\n  file: \"Member_List_*.csv\"\n  columns:\n"
          "    Barcode: member_id\n    Gender: {to: sex, values: {Male: M, ' FEMALE ': F}}\n"
          "    Plan: {to: monthly_dues, values: {Standard: 29.90, Premium: 49.9}}\n"
          "  set: {status: active}\n  drop: {Type: [Guest, 3]}\n")
    mapping = load_file_mappings(tmp_path)["members.csv"]
    assert mapping.file == "Member_List_*.csv" and mapping.grown
    assert mapping.columns["Gender"] == ColumnRule("sex", None, {"male": "M", "female": "F"})
    assert mapping.columns["Plan"].values == {"standard": "29.9", "premium": "49.9"}
    assert mapping.set == {"status": "active"} and mapping.drop == {"Type": ["Guest", "3"]}
    assert load_column_mapping(tmp_path)["members.csv"]["Barcode"] == "member_id"


def test_every_mistake_in_the_file_is_listed_on_its_line(tmp_path):
    write(tmp_path, "members.csv:\n  columns:\n    Gender: {to: sex, value: {Male: M}}\n"
          "    Joined: {to: join_date, format: \"%d/%Q\"}\n    Paid: {format: \"%Y\"}\n"
          "    Sex: {to: sex, values: {yes: M}}\n  kep: {}\n  set: [status]\n")
    found = problems(load_file_mappings, tmp_path)
    assert [(p.row, p.message) for p in found] == [
        (7, "unknown key 'kep'"),
        (3, "unknown key 'value'"),
        (4, "not a date format"),
        (5, "no contract column: 'to' is missing"),
        (6, "'True: M' is not text or a number"),
        (8, "expected a mapping of contract column to one value")]
    assert "did you mean 'keep'" in found[0].fix and "quote it" in found[4].fix
    assert all(p.file == tmp_path / "columns.yml" for p in found)


def test_names_are_checked_against_the_contract_and_the_export(tmp_path):
    (tmp_path / "members.csv").write_text("Barcode,Status\n1,Active\n")
    write(tmp_path, "members.csv:\n  columns:\n    Barcode: {to: member_id, format: \"%Y\"}\n"
          "    Status: status\n  set: {status: active, sexx: X}\n"
          "  keep: {Member Type: [Member]}\n"
          "checkins.csv:\n  columns:\n    Day: {to: date, format: \"%m/%d/%Y\"}\n")
    found = problems(check_column_mapping, tmp_path, CONTRACTS, ["checkins.csv"])
    assert [(p.row, p.message) for p in found] == [
        (3, "'member_id' is not a date column"),
        (5, "'status' is both set and mapped from a column"),
        (5, "'sexx' is not a column of members.csv"),
        (6, "the export has no column 'Member Type'"),
        (8, "a date column needs a time column, and a time column a date column")]


def test_values_fold_case_and_spaces_and_unmapped_values_are_counted(tmp_path):
    path = tmp_path / "members.csv"
    frame = pd.DataFrame({"Gender": ["Male", " male ", "FEMALE", "", "Other", "other", "?"]})
    mapping = load_mapping(tmp_path, "members.csv:\n  columns:\n"
                           "    Gender: {to: sex, values: {Male: M, Female: F}}\n")
    out, found = apply_file_mapping(frame, mapping, path)
    assert out["Gender"].tolist() == ["M", "M", "F", "", "Other", "other", "?"]
    [problem] = found
    assert problem.message == ("values not in the column's values map: '?' (1 row), "
                               "'Other' (1 row), 'other' (1 row)")
    assert problem.file == path and problem.column == "Gender"
    assert problem.fix == "add them to values in columns.yml"


def test_unmapped_values_beyond_the_first_are_counted_not_listed(tmp_path):
    frame = pd.DataFrame({"Plan": [f"P{i}" for i in range(MAX_UNMAPPED + 3)] + ["P0"]})
    mapping = load_mapping(tmp_path, "members.csv:\n  columns:\n"
                           "    Plan: {to: monthly_dues, values: {Standard: 29.90}}\n")
    [problem] = apply_file_mapping(frame, mapping, tmp_path / "m.csv")[1]
    assert problem.message.startswith("values not in the column's values map: 'P0' (2 rows)")
    assert problem.message.endswith("and 3 more")


def load_mapping(folder: Path, text: str):
    write(folder, text)
    return next(iter(load_file_mappings(folder).values()))


def test_keep_drop_set_and_dates_keep_each_rows_place(tmp_path):
    frame = pd.DataFrame({"Status": ["Approved", "denied", "APPROVED", "Approved"],
                          "Day": ["01/31/2026", "02/01/2026", "13/01/2026", ""],
                          "Kind": ["Member", "Member", "Member", "Guest"]})
    mapping = load_mapping(tmp_path, "members.csv:\n  columns:\n"
                           "    Day: {to: join_date, format: \"%m/%d/%Y\"}\n"
                           "  keep: {status: [approved]}\n  drop: {Kind: [guest]}\n"
                           "  set: {status: active}\n")
    out, (left_out, bad_date) = apply_file_mapping(frame, mapping, tmp_path / "m.csv")
    assert out.index.tolist() == [0, 2]
    assert out["Day"].tolist() == ["2026-01-31", "13/01/2026"]
    assert out["status"].tolist() == ["active", "active"]
    assert left_out.severity == "info" and left_out.message.startswith("2 of 4 rows left out")
    assert bad_date.row == "4" and bad_date.value == "13/01/2026"  # its row in the export


def test_a_date_and_a_time_column_make_the_timestamp(tmp_path):
    frame = pd.DataFrame({"USAGE_DATE": ["01/31/2026", "02/01/2026"],
                          "USAGE_TIME": ["07:05 PM", "12:30 AM"], "ID": ["1", "2"]})
    mapping = load_mapping(tmp_path, "checkins.csv:\n  columns:\n"
                           "    USAGE_DATE: {to: date, format: \"%m/%d/%Y\"}\n"
                           "    USAGE_TIME: {to: time, format: \"%I:%M %p\"}\n")
    out, found = apply_file_mapping(frame, mapping, tmp_path / "c.csv")
    assert not found and list(out.columns) == ["ID", "timestamp"]
    assert out["timestamp"].tolist() == ["2026-01-31 19:05:00", "2026-02-01 00:30:00"]


def test_the_newest_export_matching_the_glob_is_read(tmp_path):
    write(tmp_path, "members.csv:\n  file: \"Member_List_*.csv\"\n  columns: {ID: member_id}\n")
    for name, mtime in (("Member_List_b.csv", 100), ("Member_List_a.csv", 200),
                        ("Member_List_c.csv", 200)):
        (tmp_path / name).write_text("ID\n1\n")
        os.utime(tmp_path / name, (mtime, mtime))
    assert export_path(tmp_path / "members.csv").name == "Member_List_c.csv"


def test_a_member_list_comes_in_with_yaml_alone():
    members = load_members(FIXTURE, check_ages=False)
    assert len(members) == 38  # two prospects dropped
    assert set(members["sex"]) <= {"F", "M", "X"}
    assert set(members["status"]) <= {"active", "frozen", "cancelled"}
    [note] = [p for p in members.attrs["warnings"] if p.severity == "info"]
    assert note.message.startswith("2 of 40 rows left out by columns.yml")


def test_the_export_fixture_validates():
    result = check_club(FIXTURE)
    assert not result.errors, [str(p) for p in result.errors]
    notes = [p.message for p in result.problems if p.severity == "info"]
    assert any(n.startswith("29 of 300 rows left out") for n in notes), notes
    profile = check_checkins(FIXTURE, pd.Index(result.loaded["members.csv"]["member_id"]))
    assert profile.attrs["file"] is not None


def test_problems_after_the_mapping_name_the_export_and_its_row(tmp_path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    export = tmp_path / "Member_List_20261101.csv"
    lines = export.read_text().splitlines()
    prospect = next(i for i, line in enumerate(lines) if "Prospect" in line)
    row = prospect + 2  # the row after the first prospect, in the export's numbering
    cells = lines[row - 1].split(",")
    cells[4] = "19x0"
    lines[row - 1] = ",".join(cells)
    export.write_text("\n".join(lines) + "\n")
    [problem] = problems(lambda: load_members(tmp_path, check_ages=False))
    assert problem.file == export and problem.row == row and problem.column == "birth_year"


def test_log_problems_after_keep_name_the_row_in_the_export(tmp_path):
    shutil.copytree(FIXTURE, tmp_path, dirs_exist_ok=True)
    export = tmp_path / "Check_In_History_20261101.csv"
    lines = export.read_text().splitlines()
    denied = next(i for i, line in enumerate(lines) if line.endswith("Denied"))
    lines[denied + 1] = "999999," + lines[denied + 1].split(",", 1)[1]
    lines[denied + 1] = lines[denied + 1].replace("Denied", "Approved")
    export.write_text("\n".join(lines) + "\n")
    members = load_members(tmp_path, check_ages=False)
    found = problems(lambda: check_checkins(tmp_path, pd.Index(members["member_id"])))
    [problem] = [p for p in found if p.column == "member_id"]
    assert problem.file == export and problem.row == denied + 2, str(problem)


def test_a_mapped_export_saved_with_semicolons_and_decimal_commas_reads_the_same(tmp_path):
    """A European spreadsheet's save of the export (';' and '29,99'): columns.yml maps it as
    it maps the comma export, and its fees keep their decimal comma's meaning (not 2999)."""
    import csv

    club = tmp_path / "club"
    shutil.copytree(FIXTURE, club)
    (export,) = club.glob("Member_List_*.csv")
    with export.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    with export.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(
            [[cell.replace(".", ",") if cell.replace(".", "", 1).isdigit() else cell
              for cell in row] for row in rows])
    european, original = load_members(club), load_members(FIXTURE)
    assert "29,99" in export.read_text(encoding="utf-8")
    pd.testing.assert_series_equal(european["monthly_dues"], original["monthly_dues"])
    assert european["monthly_dues"].max() < 1_000


def test_a_plan_and_a_billing_period_map_onto_monthly_dues(tmp_path):
    """The issue's example: dues from the plan's name, the period from the billing column,
    and fees written as money; a number with three decimals keeps them."""
    (tmp_path / "club.yml").write_text("name: Club\ncurrency: USD\n")
    (tmp_path / "Member_List_1.csv").write_text(
        "Barcode,Birth,Gender,Signed,Member Status,Plan,Plan Fee,Billing\n"
        "1,1980,Male,2024-01-01,Active,Standard,$39.99,Monthly\n"
        "2,1981,Female,2024-01-01,Active,premium ,\"$1,200.00\",Annually\n"
        "3,1982,Female,2024-01-01,Frozen,Odd,$12.00,Fortnightly\n")
    write(tmp_path, "members.csv:\n  file: \"Member_List_*.csv\"\n  columns:\n"
          "    Barcode: member_id\n    Birth: birth_year\n"
          "    Gender: {to: sex, values: {Male: M, Female: F}}\n    Signed: join_date\n"
          "    Member Status: {to: status, values: {Active: active, Frozen: frozen}}\n"
          "    Plan Fee: monthly_dues\n"
          "    Billing: {to: dues_period, values: {Monthly: month, Fortnightly: fortnight, "
          "Annually: year}}\n")
    members = load_members(tmp_path)
    assert members["monthly_dues"].tolist() == pytest.approx([39.99, 100.0, 26.0])
    check = check_club(tmp_path)  # dues_period is a contract column columns.yml may fill
    assert "members.csv" in check.loaded
    assert not [p for p in check.problems if Path(str(p.file)).name == "columns.yml"]
    text = (tmp_path / "columns.yml").read_text().replace(
        "Plan Fee: monthly_dues", "Plan: {to: monthly_dues, values: {Standard: 29.90, "
        "Premium: 49.90, Odd: 12.345}}")
    write(tmp_path, text)
    assert load_file_mappings(tmp_path)["members.csv"].columns["Plan"].values["odd"] == "12.3450"
    members = load_members(tmp_path)
    assert members["monthly_dues"].tolist() == pytest.approx([29.9, 49.9 / 12, 12.345 * 26 / 12])
def test_two_digit_years_are_never_after_the_reference_date_for_a_birth(tmp_path):
    frame = pd.DataFrame({"Born": ["7/24/97", "3/1/05", "3/1/25", "12/31/26", ""],
                          "Joined": ["1/5/27", "6/1/76", "6/1/77", "2/3/20", ""]})
    mapping = load_mapping(tmp_path, "members.csv:\n  columns:\n"
                           "    Born: {to: birth_date, format: \"%m/%d/%y\"}\n"
                           "    Joined: {to: join_date, format: \"%m/%d/%y\"}\n")
    out, found = apply_file_mapping(frame, mapping, tmp_path / "m.csv",
                                    reference=pd.Timestamp("2026-12-07"))
    assert not found
    assert out["Born"].tolist() == ["1997-07-24", "2005-03-01", "2025-03-01", "1926-12-31", ""]
    # Other dates: at most 10 years after the reference, so a start next month stays ahead.
    assert out["Joined"].tolist() == ["2027-01-05", "1976-06-01", "1977-06-01", "2020-02-03",
                                      ""]
    early = apply_file_mapping(frame, mapping, tmp_path / "m.csv",
                               reference=pd.Timestamp("2005-02-28"))[0]
    assert early["Born"].tolist()[:3] == ["1997-07-24", "1905-03-01", "1925-03-01"]
def test_a_zoned_format_keeps_the_instant_for_the_clubs_time_zone(tmp_path):
    frame = pd.DataFrame({"Visit": ["2026-03-29T01:30Z", "2026-10-25T01:30+01:00"],
                          "Day": ["10/25/2026", "10/25/2026"],
                          "Clock": ["11:30 PM -05:00", "01:30 AM +00:00"]})
    mapping = load_mapping(tmp_path, "checkins.csv:\n  columns:\n"
                           "    Visit: {to: timestamp, format: \"%Y-%m-%dT%H:%M%z\"}\n")
    out, found = apply_file_mapping(frame, mapping, tmp_path / "c.csv")
    assert not found
    assert out["Visit"].tolist() == ["2026-03-29T01:30:00Z", "2026-10-25T00:30:00Z"]
    mapping = load_mapping(tmp_path, "checkins.csv:\n  columns:\n"
                           "    Day: {to: date, format: \"%m/%d/%Y\"}\n"
                           "    Clock: {to: time, format: \"%I:%M %p %z\"}\n")
    out, found = apply_file_mapping(frame, mapping, tmp_path / "c.csv")
    assert not found  # 23:30 at UTC-5 is 04:30 UTC the next day
    assert out["timestamp"].tolist() == ["2026-10-26T04:30:00Z", "2026-10-25T01:30:00Z"]


def test_a_mindbody_log_comes_in_in_the_clubs_local_time(tmp_path):
    (tmp_path / "club.yml").write_text("name: X\ncurrency: GBP\ntimezone: Europe/London\n",
                                       encoding="utf-8")
    (tmp_path / "Visits.csv").write_text(
        "ClientID,VisitDateTime\n1,2026-03-29T00:30Z\n2,2026-03-29T01:30Z\n", encoding="utf-8")
    write(tmp_path, "checkins.csv:\n  file: Visits.csv\n  columns:\n    ClientID: member_id\n"
          "    VisitDateTime: {to: timestamp, format: \"%Y-%m-%dT%H:%M%z\"}\n")
    from evaluate.data.checkins import load_checkins

    log = load_checkins(tmp_path, pd.Index(["1", "2"]), as_of="2026-11-01")
    assert log["timestamp"].tolist() == [pd.Timestamp("2026-03-29 00:30"),
                                         pd.Timestamp("2026-03-29 02:30")]
