"""Fees as exports write them: signs and codes, separators, the club's currency, periods."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from evaluate.data.money import (
    DOLLAR_SIGN,
    DUES_PERIODS,
    check_money,
    check_periods,
    read_money,
)
from evaluate.data.validation import MAX_DISTINCT, Findings


@pytest.mark.parametrize(("text", "amount"), [
    ("49", 49.0), ("49.90", 49.9), ("+49", 49.0), ("0.125", 0.125), (",5", 0.5),
    ("$39.99", 39.99), ("39.99 $", 39.99), ("US$ 10", 10.0), ("USD 39.99", 39.99),
    ("39.99 USD", 39.99), ("$39.99 USD", 39.99), ("£1,234.50", 1234.5),
    ("1.234,50 €", 1234.5), ("€1.234,50", 1234.5), ("39,99 €", 39.99), ("39,9", 39.9),
    ("1 234,50", 1234.5), ("1\u00a0234,50\u00a0€", 1234.5), ("1'234.50", 1234.5),
    ("1,234,567", 1234567.0), ("1.234.567,8", 1234567.8), ("1,2345", 1.2345),
    ("-$5", -5.0), ("$-5", -5.0), ("- 5 €", -5.0),
    ("-", 0.0), ("$ -", 0.0),  # a spreadsheet's accounting format writes zero as a dash
    ("12 kr", 12.0), ("kr. 12", 12.0), ("CHF 49.90", 49.9), ("¥1000", 1000.0),
])
def test_money_strings_are_read_as_amounts(text, amount):
    money = read_money(pd.Series([text]))
    assert not money.unreadable[0] and not money.ambiguous[0]
    assert money.amount[0] == pytest.approx(amount)


@pytest.mark.parametrize("text", ["4x9", "abc", "$", "1e3", "(5)", "--5", "39.99 per",
                                  "€39.99 USD", "1,23,456", "1,234.56.7"])
def test_what_is_not_an_amount_is_unreadable(text):
    money = read_money(pd.Series([text]))
    assert money.unreadable[0] and math.isnan(money.amount[0])


def test_one_mark_before_three_digits_is_ambiguous_except_in_a_semicolon_file():
    raw = pd.Series(["1,234", "1.234", "$1,234", "1,234.00", "0.125", ""])
    money = read_money(raw)
    assert money.ambiguous.tolist() == [True, True, True, False, False, False]
    assert money.amount[3] == 1234.0 and math.isnan(money.amount[5])
    raw.attrs["delimiter"] = ";"  # that file's rule: '.' groups thousands, ',' is decimal
    money = read_money(raw)
    assert not money.ambiguous.any()
    assert money.amount[:5].tolist() == [1.234, 1234.0, 1.234, 1234.0, 0.125]


def test_a_sign_is_checked_against_the_clubs_currency():
    raw = pd.Series(["$39.99", "£20", "USD 10", "A$ 5", "¥100", "20"])
    assert read_money(raw, "USD").foreign.tolist() == [False, True, False, True, True, False]
    assert read_money(raw, "AUD").foreign.tolist() == [False, True, True, False, True, False]
    assert read_money(raw, "GBP").foreign.tolist() == [True, False, True, True, True, False]
    assert read_money(raw, "JPY").foreign.tolist() == [True, True, True, True, False, False]
    assert set(DOLLAR_SIGN) >= {"USD", "AUD", "CAD", "NZD"}


def findings() -> Findings:
    return Findings(Path("members.csv"))


def test_a_fee_in_another_currency_is_an_error_naming_row_value_and_an_honest_fix():
    raw = pd.Series(["£29.90", "$39.99", "£29.90", "USD 5"])
    check = findings()
    amount = check_money(raw, check, "monthly_dues", "GBP")
    assert amount[0] == 29.9 and amount[1:].isna().tolist() == [True, False, True]
    by_message = {p.message: p for p in check.problems}
    dollars = next(p for m, p in by_message.items() if m.startswith("a fee in dollars"))
    assert (dollars.row, dollars.column, dollars.value) == (3, "monthly_dues", "$39.99")
    assert "club.yml's currency is GBP" in dollars.message
    assert dollars.fix == ("this fee is in dollars but club.yml says GBP: export the fees in "
                           "GBP, or correct club.yml's currency")
    usd = next(p for m, p in by_message.items() if m.startswith("a fee in USD"))
    assert usd.fix.startswith("this fee is in USD but club.yml says GBP")
    for problem in check.problems:  # no fix tells to strip the sign and keep the figure
        assert "remove" not in problem.fix and "strip" not in problem.fix


def test_without_the_clubs_currency_a_sign_cannot_be_checked():
    check = findings()
    amount = check_money(pd.Series(["$5", "5"]), check, "monthly_dues", None)
    [problem] = check.problems
    assert "currency is not known" in problem.message and problem.row == 2
    assert math.isnan(amount[0]) and amount[1] == 5.0


def test_bad_values_are_listed_distinct_with_counts_the_first_twenty():
    raw = pd.Series([f"x{i}" for i in range(MAX_DISTINCT + 5)] + ["x0"] * 2)
    check = findings()
    check_money(raw, check, "monthly_dues", "EUR")
    [problem] = check.problems
    assert problem.message.startswith("not a number or an amount of money (27 rows): "
                                      "'x0' (3 rows), ")
    assert problem.message.endswith(" and 5 more") and problem.row.endswith("and 22 more")


def test_periods_turn_fees_into_monthly_ones_and_are_noted():
    raw = pd.Series(["Monthly", "", "fortnight", "Annually", "four weeks", "Weekly", "quarter"])
    check = findings()
    period = check_periods(raw, check, raw.index)
    assert period.tolist() == ["month", "month", "fortnight", "year", "four_weeks", "week",
                               "quarter"]
    assert [DUES_PERIODS[p] * 12 for p in period] == pytest.approx([12, 12, 26, 1, 13, 52, 4])
    [note] = check.problems
    assert note.severity == "info" and note.column == "dues_period"
    assert "1 member by the fortnight (x 26/12)" in note.message
    assert "1 member by the year (/ 12)" in note.message


def test_unknown_periods_are_one_error_with_each_distinct_value_counted():
    raw = pd.Series(["biweekly", "month", "biweekly", "daily"])
    check = findings()
    period = check_periods(raw, check, raw.index)
    [error] = check.errors
    assert error.message == "unknown dues period: 'biweekly' (2 rows), 'daily' (1 row)"
    assert error.row == "2, 4, 5" and "columns.yml" in error.fix
    assert period.isna().tolist() == [True, False, True, True]
    assert check_periods(None, findings(), raw.index).tolist() == ["month"] * 4
    assert read_money(pd.Series([], dtype=str)).amount.empty
