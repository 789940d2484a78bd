"""Loading members.csv: the demo loads clean; every class of bad input is named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaluate.data.members import COLUMNS, age_on, date_ages, load_members
from evaluate.errors import DataError
from evaluate.paths import DEMO_DATA_DIR

FIXTURES = Path(__file__).parents[1] / "fixtures" / "members"


def club_folder(tmp_path: Path, fixture: str | None = None, text: str | None = None) -> Path:
    """A data folder whose members.csv is a fixture file or the given text."""
    content = (FIXTURES / fixture).read_bytes() if fixture else text.encode("utf-8")
    (tmp_path / "members.csv").write_bytes(content)
    return tmp_path


def load_error(folder: Path) -> DataError:
    with pytest.raises(DataError) as caught:
        load_members(folder)
    return caught.value


def problem_for(error: DataError, column: str, message: str):
    found = [p for p in error.problems if p.column == column and message in p.message]
    assert found, f"no problem '{message}' on {column}: {error}"
    return found[0]


def test_demo_loads_clean_with_types():
    members = load_members(DEMO_DATA_DIR)
    assert len(members) == 3000
    assert list(members.columns) == list(COLUMNS)
    assert members["birth_year"].dtype == "Int64" and members["birth_year"].notna().all()
    assert members.attrs["warnings"] == []
    assert str(members["join_date"].dtype).startswith("datetime64")
    assert str(members["cancel_date"].dtype).startswith("datetime64")
    assert list(members["sex"].cat.categories) == ["F", "M", "X"]
    assert list(members["status"].cat.categories) == ["active", "cancelled", "frozen"]
    assert members["monthly_dues"].dtype == "float64"
    assert members.attrs["dropped_columns"] == []


def test_duplicate_ids_name_both_rows(tmp_path):
    error = load_error(club_folder(tmp_path, "members_duplicate_ids.csv"))
    problem = problem_for(error, "member_id", "more than once")
    assert problem.row == "2, 4"
    assert problem.message.endswith(": 'M001' (2 rows)")
    assert "unique" in problem.rule
    text = str(error)
    assert "members.csv" in text and "row 2, 4" in text and "column 'member_id'" in text


def test_misspelled_required_column_gets_a_did_you_mean(tmp_path):
    error = load_error(club_folder(tmp_path, "members_misspelled_column.csv"))
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (problem.column, problem.row) == ("birth_year", 1)
    assert "did you mean 'birthyear'" in problem.fix
    assert "required column" in str(error)


def test_bad_values_are_all_reported_at_once(tmp_path):
    error = load_error(club_folder(tmp_path, "members_bad_values.csv"))
    expected = {  # (column, message part): spreadsheet row
        ("sex", "unknown value"): 3,
        ("status", "unknown value"): 4,
        ("monthly_dues", "negative"): 5,
        ("join_date", "YYYY-MM-DD"): 6,
        ("birth_year", "age out of range"): 7,
        ("cancel_date", "cancelled before joining"): 8,
        ("occupation_activity", "unknown value"): 9,
        ("training_goal", "unknown value"): 9,
        ("visits_per_week", "out of range"): 9,
        ("monthly_dues", "not a number"): 10,
    }
    for (column, message), row in expected.items():
        problem = problem_for(error, column, message)
        assert problem.row == row, (column, message)
    assert len(error.problems) == len(expected)
    for problem in error.problems:
        assert problem.file == tmp_path / "members.csv"
        assert problem.rule and problem.fix and problem.value is not None
    assert problem_for(error, "sex", "unknown").value == "Q"
    assert "5–110" in problem_for(error, "birth_year", "age").rule


def test_cancel_date_must_match_status(tmp_path):
    """Read alone, the roster's own date is its latest join or cancelled member's cancel
    date (2024-06-01): an active member's cancel date on or before it contradicts the status."""
    text = ("member_id,birth_year,sex,join_date,status,cancel_date,monthly_dues\n"
            "M1,1980,F,2024-01-01,cancelled,,45\n"
            "M2,1980,F,2024-01-01,active,2024-06-01,45\n"
            "M3,1980,F,2024-01-01,cancelled,2024-06-01,45\n")
    error = load_error(club_folder(tmp_path, text=text))
    assert problem_for(error, "cancel_date", "without a cancel date").row == 2
    problem = problem_for(error, "cancel_date", "is not after the roster date")
    assert (problem.row, problem.value) == (3, "2024-06-01")
    assert "after 2024-06-01 (the latest date in the file)" in problem.rule


def test_a_pending_cancellation_and_a_later_start_are_read(tmp_path):
    """An active or frozen member's cancel date after the roster's date is a pending
    cancellation: the member stays in the status the export gives (once refused)."""
    text = ("member_id,birth_year,sex,join_date,status,cancel_date,monthly_dues\n"
            "M1,1980,F,2024-01-01,active,2025-01-31,45\n"
            "M2,1980,F,2024-01-01,frozen,2024-12-31,45\n"
            "M3,1980,F,2024-06-01,active,,45\n")
    members = load_members(club_folder(tmp_path, text=text))
    assert list(members["status"]) == ["active", "frozen", "active"]
    assert members["cancel_date"].iloc[0] == pd.Timestamp("2025-01-31")


def test_join_date_is_optional(tmp_path):
    """No join_date column: the roster loads, its join dates unknown; a blank one is a
    warning, not an error."""
    text = ("member_id,birth_year,sex,status,monthly_dues\n"
            "M1,1980,F,active,45\nM2,1981,M,active,39\n")
    members = load_members(club_folder(tmp_path, text=text))
    assert list(members.columns) == list(COLUMNS) and members["join_date"].isna().all()
    text = ("member_id,birth_year,sex,join_date,status,monthly_dues\n"
            "M1,1980,F,,active,45\nM2,1981,M,2024-01-01,active,39\n")
    members = load_members(club_folder(tmp_path, text=text))
    [warning] = members.attrs["warnings"]
    assert (warning.severity, warning.column, warning.row) == ("warning", "join_date", 2)
    assert warning.message == "join date not recorded"


def test_missing_required_values_and_many_rows_are_summarised(tmp_path):
    rows = "".join(f"M{i},1980,,2024-01-01,active,45\n" for i in range(8))
    text = "member_id,birth_year,sex,join_date,status,monthly_dues\n" + rows
    error = load_error(club_folder(tmp_path, text=text))
    problem = problem_for(error, "sex", "missing")
    assert problem.row == "2, 3, 4, 5, 6 and 3 more"


def test_personal_columns_are_dropped(tmp_path):
    members = load_members(club_folder(tmp_path, "members_personal_columns.csv"))
    assert list(members.columns) == list(COLUMNS)
    assert members.attrs["dropped_columns"] == ["first_name", "last_name", "email", "phone"]
    assert not members.astype(str).apply(lambda s: s.str.contains("@|Ann|555")).any().any()
    assert members.loc[1, "cancel_date"] == pd.Timestamp("2025-01-31")


def test_header_spelling_case_spaces_aliases_and_bom_are_accepted(tmp_path):
    members = load_members(club_folder(tmp_path, "members_header_spelling.csv"))
    assert list(members["member_id"]) == ["M001", "M002"]
    assert list(members["sex"]) == ["F", "M"]
    assert list(members["status"]) == ["active", "cancelled"]
    assert members["cancel_date"].isna().all()  # optional column absent
    assert members["visits_per_week"].isna().all()


def test_not_utf8_says_how_to_save(tmp_path):
    text = ("member_id,birth_year,sex,join_date,status,monthly_dues\n"
            "M1,1980,F,2024-01-01,aktiv é,4\n")
    (tmp_path / "members.csv").write_bytes(text.encode("latin-1"))
    error = load_error(tmp_path)
    assert "UTF-8" in str(error) and "CSV UTF-8" in error.problems[0].fix


def test_missing_and_empty_files(tmp_path):
    assert "not found" in str(load_error(tmp_path))
    (tmp_path / "members.csv").write_text("", encoding="utf-8")
    assert "empty" in str(load_error(tmp_path))
    (tmp_path / "members.csv").write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    assert "no members" in str(load_error(tmp_path))


def test_short_rows_read_as_blanks(tmp_path):
    text = ("member_id,birth_year,sex,join_date,status,monthly_dues,training_goal\n"
            "M1,1980,F,2024-01-01,active,45\n"
            "M2,1981,M,2024-01-01,active\n")
    error = load_error(club_folder(tmp_path, text=text))
    assert [(p.column, p.row, p.message) for p in error.problems] == [
        ("monthly_dues", 3, "value is missing")]


def test_ragged_rows_are_a_data_error(tmp_path):
    for text in ("member_id,birth_year\nM1,1980,extra,fields\n",
                 "member_id,birth_year\nM1,1980\nM2,1981,extra\n"):
        error = load_error(club_folder(tmp_path, text=text))
        assert "more fields than the header" in str(error)
        assert error.problems[0].row == text.count("\n")  # the last line is the long one


def test_a_missing_year_of_birth_is_a_warning_not_an_error(tmp_path):
    lines = (DEMO_DATA_DIR / "members.csv").read_text().splitlines()[:6]
    header = lines[0].split(",")
    col = header.index("birth_year")
    for i in (2, 4):
        cells = lines[i].split(",")
        cells[col] = ""
        lines[i] = ",".join(cells)
    (tmp_path / "members.csv").write_text("\n".join(lines) + "\n")
    members = load_members(tmp_path)
    assert members["birth_year"].isna().sum() == 2
    [warning] = members.attrs["warnings"]
    assert warning.severity == "warning" and warning.column == "birth_year"
    assert warning.row == "3, 5" and "left out of age figures" in warning.fix
    assert str(warning).startswith("warning: ")


def test_a_club_export_is_read_through_columns_yml(tmp_path):
    export = {"member_id": "Member No", "birth_year": "Year of Birth", "sex": "Gender",
              "join_date": "Start Date", "status": "Membership Status",
              "cancel_date": "End Date", "monthly_dues": "Monthly Fee"}
    text = (DEMO_DATA_DIR / "members.csv").read_text()
    header, body = text.split("\n", 1)
    header = ",".join(export.get(c, c) for c in header.split(","))
    (tmp_path / "members.csv").write_text(header + "\n" + body)
    with pytest.raises(DataError, match="required column is missing"):
        load_members(tmp_path)
    mapping = "members.csv:\n" + "".join(f"  {v}: {k}\n" for k, v in export.items())
    (tmp_path / "columns.yml").write_text(mapping)
    members = load_members(tmp_path)
    assert list(members.columns) == list(COLUMNS)
    assert len(members) == 3000 and members.attrs["dropped_columns"] == []


def test_fees_as_money_and_for_other_periods_are_read_as_monthly_dues(tmp_path):
    """Once refused ("$49": not a number) or read as monthly whatever their period."""
    (tmp_path / "club.yml").write_text("name: Club\ncurrency: GBP\n")
    text = ("member_id,birth_year,sex,join_date,status,monthly_dues,dues_period\n"
            'M1,1980,F,2024-01-01,active,"£1,234.50",Annually\n'
            "M2,1980,F,2024-01-01,active,£20,fortnight\n"
            'M3,1980,F,2024-01-01,active,"39,99 GBP",\n'
            "M4,1980,F,2024-01-01,active,£ -,week\n"
            "M5,1980,F,2024-01-01,active,£12.00,four_weeks\n")
    members = load_members(club_folder(tmp_path, text=text))
    assert members["monthly_dues"].tolist() == pytest.approx(
        [1234.5 / 12, 20 * 26 / 12, 39.99, 0.0, 13.0])
    [note] = members.attrs["warnings"]
    assert note.severity == "info" and "1 member by the fortnight (x 26/12)" in note.message
    assert load_members(tmp_path, currency="GBP")["monthly_dues"].iloc[2] == 39.99


def test_a_fee_in_another_currency_than_the_clubs_is_refused(tmp_path):
    (tmp_path / "club.yml").write_text("name: Club\ncurrency: GBP\n")
    text = ("member_id,birth_year,sex,join_date,status,monthly_dues,dues_period\n"
            "M1,1980,F,2024-01-01,active,$39.99,\nM2,1980,F,2024-01-01,active,£5,fortnightly\n"
            'M3,1980,F,2024-01-01,active,"1,234",every other week\n')
    error = load_error(club_folder(tmp_path, text=text))
    dollars = problem_for(error, "monthly_dues", "a fee in dollars")
    assert (dollars.row, dollars.value, dollars.file) == (2, "$39.99", tmp_path / "members.csv")
    assert "export the fees in GBP, or correct club.yml's currency" in dollars.fix
    assert problem_for(error, "monthly_dues", "could group thousands").row == 4
    assert problem_for(error, "dues_period", "unknown dues period").value == "every other week"
    assert len(error.problems) == 3
    (tmp_path / "club.yml").unlink()
    assert "currency is not known" in str(load_error(tmp_path))


def test_money_in_a_semicolon_file_keeps_that_files_rule(tmp_path):
    (tmp_path / "club.yml").write_text("name: Club\ncurrency: EUR\n")
    text = ("member_id;birth_year;sex;join_date;status;monthly_dues\n"
            "M1;1980;F;2024-01-01;active;1.234\nM2;1980;F;2024-01-01;active;1.234,50 €\n"
            "M3;1980;F;2024-01-01;active;€ 29,90\n")
    members = load_members(club_folder(tmp_path, text=text))
    assert members["monthly_dues"].tolist() == [1234.0, 1234.5, 29.9]
# --- birth_date or age instead of birth_year -------------------------------------------------

def roster_text(column: str, values: list[str], extra: str = "") -> str:
    """A roster of len(values) active members whose year/date of birth or age is ``values``;
    its latest date (the roster date when read alone) is 2026-06-30."""
    head = f"member_id,{column},sex,join_date,status,monthly_dues{extra}\n"
    rows = [f"M{i},{v},F,{'2026-06-30' if i == 0 else '2020-01-01'},active,30"
            for i, v in enumerate(values)]
    return head + "\n".join(rows) + "\n"


def test_a_birth_date_gives_the_exact_age_on_the_roster_date(tmp_path):
    folder = club_folder(tmp_path, text=roster_text(
        "birth_date", ["1990-06-30", "1990-07-01", "2016-02-29", ""]))
    members = load_members(folder)
    assert members["birth_year"].tolist()[:3] == [1990, 1990, 2016]
    assert members["birth_date"].iloc[0] == pd.Timestamp("1990-06-30")
    day = pd.Timestamp("2026-06-30")
    assert age_on(members, day)[:3].tolist() == [36, 35, 10]  # a birthday tomorrow: still 35
    assert age_on(members, pd.Timestamp("2027-02-28"))[2] == 10  # 29 Feb: 11 on 1 March
    [warning] = members.attrs["warnings"]
    assert warning.message == "age or date of birth not recorded" and warning.row == 5


def test_a_stated_age_is_the_age_on_the_roster_date(tmp_path):
    folder = club_folder(tmp_path, text=roster_text("age", ["42", "17", "5"]))
    members = load_members(folder)  # read alone: dated on its own latest date
    assert members["age"].tolist() == [42, 17, 5]
    assert members["birth_year"].tolist() == [1984, 2009, 2021]
    assert age_on(members, pd.Timestamp("2026-06-30")).tolist() == [42, 17, 5]
    undated = load_members(folder, check_ages=False)  # the roster date is not known yet
    assert undated["birth_year"].isna().all()
    dated, found = date_ages(undated, pd.Timestamp("2028-01-01"), folder / "members.csv")
    assert not found and dated["birth_year"].tolist() == [1986, 2011, 2023]


def test_two_birth_columns_agreeing_say_which_is_used(tmp_path):
    text = roster_text("birth_date", ["1990-06-30", "", "2001-01-01"], extra=",birth_year")
    text = text.replace("active,30\n", "active,30,{}\n", 3).format("1990", "1985", "2001")
    members = load_members(club_folder(tmp_path, text=text))
    assert members["birth_year"].tolist() == [1990, 1985, 2001]
    [note] = members.attrs["warnings"]
    assert note.severity == "info"
    assert note.message == ("birth_date and birth_year are both given: each row's age is "
                            "taken from birth_date where it holds one, else from birth_year")


def test_two_birth_columns_disagreeing_are_refused(tmp_path):
    text = roster_text("birth_date", ["1990-06-30", "1980-01-01"], extra=",birth_year")
    text = text.replace("active,30\n", "active,30,{}\n", 2).format("1990", "1981")
    error = load_error(club_folder(tmp_path, text=text))
    problem = problem_for(error, "birth_year", "is not the year of birth_date")
    assert problem.row == 3 and problem.value == "1981"
    text = roster_text("age", ["36", "30"], extra=",birth_year")
    text = text.replace("active,30\n", "active,30,{}\n", 2).format("1990", "1990")
    error = load_error(club_folder(tmp_path, text=text))  # 1990: 35 or 36 on 2026-06-30
    problem = problem_for(error, "age", "age disagrees with the date or year of birth")
    assert problem.row == 3 and problem.value == "30" and "2026-06-30" in problem.rule


def test_juniors_down_to_five_are_accepted_younger_and_unborn_are_refused(tmp_path):
    members = load_members(club_folder(tmp_path, text=roster_text("age", ["5", "17", "110"])))
    assert members["age"].tolist() == [5, 17, 110]
    error = load_error(club_folder(tmp_path, text=roster_text("age", ["4", "111", "3"])))
    problem = problem_for(error, "age", "age out of range")
    assert problem.row == "2, 3, 4" and "5–110 years old on 2026-06-30" in problem.rule
    error = load_error(club_folder(tmp_path, text=roster_text("birth_date",
                                                               ["2026-07-01", "1990-13-01"])))
    assert problem_for(error, "birth_date", "born after the roster date").row == 2
    assert problem_for(error, "birth_date", "not a date in YYYY-MM-DD form").row == 3


def test_a_roster_without_any_birth_column_names_the_three(tmp_path):
    error = load_error(club_folder(tmp_path, text=roster_text("Birthday", ["1990-01-01"])))
    problem = problem_for(error, "birth_year", "required column is missing")
    assert problem.rule == "one of birth_date, birth_year or age (on the roster date)"
    assert problem.fix.startswith("did you mean 'birthday'?")


def test_a_formatted_two_digit_birth_date_is_read_through_columns_yml(tmp_path):
    (tmp_path / "columns.yml").write_text(
        "members.csv:\n  columns:\n    Birthday: {to: birth_date, format: \"%m/%d/%y\"}\n")
    folder = club_folder(tmp_path, text=roster_text("Birthday", ["7/24/97", "3/1/05", "1/2/61"]))
    members = load_members(folder)
    assert members["birth_date"].tolist() == [pd.Timestamp("1997-07-24"),
                                              pd.Timestamp("2005-03-01"),
                                              pd.Timestamp("1961-01-02")]
    assert age_on(members, pd.Timestamp("2026-06-30")).tolist() == [28, 21, 65]
