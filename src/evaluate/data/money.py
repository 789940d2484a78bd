"""Fees as club systems export them: ``$39.99``, ``£1,234.50``, ``1.234,50 €``, ``USD 39.99``.

:func:`read_money` reads a column of such text as amounts in the club's currency, on the
column's distinct values (a roster has few distinct fees), with pyarrow's compute functions
(RE2 regular expressions) and never a Python loop per row: 1,000,000 cells of five distinct
fees take about 0.15 s, a million distinct ones a few seconds. A currency sign or ISO code
is checked against the club's currency (``club.yml``): a fee in another currency is refused,
never converted or read as the club's. The rules, each with an example, are in
data/README.md ("Money: currency signs, thousands separators, decimal commas"):

- a sign or code may stand before or after the number (``$39.99``, ``39,99 €``,
  ``USD 39.99``, ``39.99 USD``); a minus before either is a negative amount; a dash alone
  (``-``, ``$ -``) is zero, as a spreadsheet's accounting format writes it;
- one point or comma followed by one, two or more than three digits is the decimal mark
  (``39.99``, ``39,99``); with both a point and a comma, the last one is the decimal mark and
  the other groups thousands (``1,234.50``, ``1.234,50``); a space or an apostrophe groups
  thousands (``1 234,50``, ``1'234.50``); a mark used twice groups thousands (``1,234,567``);
- one point or comma followed by exactly three digits (``1,234``, ``1.234``) can be either: in
  a ';' file it follows that file's rule (a point groups thousands, a comma is the decimal
  mark, as :func:`evaluate.data.validation.parse_number` reads every number there); in any
  other file it is refused with the fix.

:func:`check_periods` reads the period each fee was given for (``dues_period``), which the
roster loader turns into a month's fee with :data:`DUES_PERIODS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from evaluate.data.validation import Findings, parse_category

MONEY_GUIDE = "see 'Money' in data/README.md"
# A fee given for a period is turned into a month's: a year has 52 weeks, 26 fortnights,
# 13 four-week periods, 12 months and 4 quarters, so a weekly fee is paid 52 times a year and
# its month's share is x 52/12 (not x 4, which would drop four weeks a year; the day a year
# has beyond 52 weeks is left out, as billing does, which bills 52 times in most years).
DUES_PERIODS = {"week": 52 / 12, "fortnight": 26 / 12, "four_weeks": 13 / 12, "month": 1.0,
                "quarter": 1 / 3, "year": 1 / 12}
PERIOD_FACTORS = {"week": "x 52/12", "fortnight": "x 26/12", "four_weeks": "x 13/12",
                  "month": "x 1", "quarter": "/ 3", "year": "/ 12"}  # as messages say them
DEFAULT_PERIOD = "month"  # a blank cell, or no dues_period column
# Spellings exports use, after trimming and case folding (spaces and hyphens as "_").
PERIOD_ALIASES = {"weekly": "week", "fortnightly": "fortnight", "four_weekly": "four_weeks",
                  "4_weeks": "four_weeks", "4_weekly": "four_weeks", "monthly": "month",
                  "quarterly": "quarter", "yearly": "year", "annual": "year",
                  "annually": "year"}

# A "$" alone is written for many currencies; it matches any of these (and the club's
# currency must be one of them). US$, A$, C$, NZ$, S$, HK$, MX$ and R$ name one currency.
DOLLAR_SIGN = ("USD", "AUD", "CAD", "NZD", "SGD", "HKD", "TWD", "MXN", "ARS", "CLP", "COP")
# Currency signs and abbreviations -> the ISO 4217 currencies written with them (case is
# ignored). A marker not listed that is three capital letters is read as an ISO code.
SIGNS: dict[str, tuple[str, ...]] = {
    "$": DOLLAR_SIGN, "us$": ("USD",), "a$": ("AUD",), "au$": ("AUD",), "c$": ("CAD",),
    "ca$": ("CAD",), "nz$": ("NZD",), "s$": ("SGD",), "hk$": ("HKD",), "mx$": ("MXN",),
    "r$": ("BRL",), "€": ("EUR",), "£": ("GBP",), "¥": ("JPY", "CNY"), "￥": ("JPY", "CNY"),
    "円": ("JPY",), "元": ("CNY",), "₹": ("INR",), "₩": ("KRW",), "₽": ("RUB",),
    "₺": ("TRY",), "₪": ("ILS",), "₱": ("PHP",), "฿": ("THB",), "₫": ("VND",), "₦": ("NGN",),
    "₴": ("UAH",), "zł": ("PLN",), "kč": ("CZK",), "ft": ("HUF",), "lei": ("RON",),
    "kr": ("SEK", "NOK", "DKK", "ISK"), "kr.": ("DKK", "ISK"), "fr.": ("CHF",),
    "r": ("ZAR",), "rm": ("MYR",), "rp": ("IDR",),
}
CURRENCY_WORDS = {"$": "dollars"}  # how a sign shared by many currencies is named

_SPACE = r"\s\x{00A0}\x{202F}"  # spaces, the no-break space, the narrow no-break space (RE2)
_MARK = rf"[^\d{_SPACE}+\-.,'’][^\d{_SPACE}+\-]*"  # a currency sign or code
_NUMBER = rf"[.,]?\d(?:[\d.,'’{_SPACE}]*\d)?"
_MONEY = (rf"^(?P<s1>[-+]?)[{_SPACE}]*(?P<pre>{_MARK})?[{_SPACE}]*(?P<s2>[-+]?)[{_SPACE}]*"
          rf"(?P<num>{_NUMBER})?[{_SPACE}]*(?P<post>{_MARK})?$")
_WHOLE = r"^\d+$"
_DECIMAL = r"^\d*[.,]\d+$"  # one mark: the decimal mark, unless it is ambiguous (below)
_EITHER = r"^[1-9]\d{0,2}[.,]\d{3}$"  # 1,234 or 1.234: thousands, or three decimals?
# Groups of three after a mark that groups thousands, then perhaps the decimal mark
_GROUPED = (r"^[1-9]\d{0,2}(?:(?:,\d{3})+(?:\.\d+)?|(?:\.\d{3})+(?:,\d+)?|"
            + "|".join(rf"(?:[{g}]\d{{3}})+(?:[.,]\d+)?" for g in ("'’", _SPACE)) + ")$")
_TWO_MARKS = rf"\..*,|,.*\.|[{_SPACE}'’].*[.,]"  # grouped, then a decimal mark


@dataclass(frozen=True)
class Money:
    """A column of fees read as amounts, and what could not be read, per row.

    ``amount`` is NaN where the cell is blank or flagged. ``unreadable``: not an amount;
    ``ambiguous``: ``1,234`` outside a ';' file; ``marked``: written with a currency sign or
    code; ``foreign``: that sign or code is not of the club's currency; ``sign``: the sign or
    code as written; ``named``: the currency (or currencies) it stands for, as messages say.
    """

    amount: pd.Series
    unreadable: pd.Series
    ambiguous: pd.Series
    marked: pd.Series
    foreign: pd.Series
    sign: pd.Series
    named: pd.Series


def _currencies(marker: str) -> tuple[str, ...]:
    """The currencies a sign or code stands for; () for a marker that is neither."""
    folded = marker.strip().lower()
    if folded in SIGNS:
        return SIGNS[folded]
    return (marker,) if re.fullmatch(r"[A-Z]{3}", marker) else ()


def _named(currencies: tuple[str, ...], sign: str) -> str:
    """The currency a sign or code stands for, as a message names it."""
    if len(currencies) == 1:
        return currencies[0]
    word = CURRENCY_WORDS.get(sign, f"'{sign}'")
    return f"{word} ('{sign}': any of {', '.join(currencies)})"


def _markers(pre: pa.Array, post: pa.Array, currency: str | None) -> dict[str, np.ndarray]:
    """Per cell, what its signs or codes say: known, foreign, the sign and its currencies.

    Worked out once per distinct pair of signs (a roster has a handful), spread back by code.
    """
    encoded = pc.binary_join_element_wise(pre, post, "\x1f").dictionary_encode()
    rows = []
    for pair in encoded.dictionary.to_pylist():
        before, after = pair.split("\x1f")
        found = [_currencies(m) for m in (before, after) if m]
        shared = tuple(c for c in found[0] if all(c in f for f in found[1:])) if found else ()
        sign = " ".join(m for m in (before, after) if m)
        rows.append({"bad": bool(found) and not shared, "marked": bool(shared),
                     "foreign": bool(shared) and currency is not None and currency not in shared,
                     "sign": sign, "named": _named(shared, sign) if shared else ""})
    table = pd.DataFrame(rows, columns=["bad", "marked", "foreign", "sign", "named"])
    codes = encoded.indices.to_numpy()
    return {column: table[column].to_numpy()[codes] for column in table.columns}


def _matches(text: pa.Array, pattern: str) -> np.ndarray:
    return pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False)


def _parse_distinct(text: pd.Series, semicolon: bool, currency: str | None) -> pd.DataFrame:
    """Amount and flags of each distinct cell text (one row each), with pyarrow's RE2."""
    cells = pa.array(text, pa.string())
    if isinstance(cells, pa.ChunkedArray):  # pandas' own arrow strings
        cells = cells.combine_chunks()
    parts = pc.extract_regex(cells, _MONEY)
    matched = parts.is_valid().to_numpy(zero_copy_only=False)
    field = {name: pc.fill_null(parts.field(name), "") for name in
             ("s1", "pre", "s2", "num", "post")}
    num = field["num"]
    s1 = field["s1"].to_numpy(zero_copy_only=False)
    s2 = field["s2"].to_numpy(zero_copy_only=False)
    signs = (s1 != "").astype(int) + (s2 != "").astype(int)
    minus = (s1 == "-") | (s2 == "-")
    has_num = pc.not_equal(num, "").to_numpy(zero_copy_only=False)
    dash = ~has_num & (signs == 1) & minus  # a spreadsheet's accounting zero
    decimal, either = _matches(num, _DECIMAL), _matches(num, _EITHER)
    grouped = _matches(num, _GROUPED) & ~either
    has_decimal = (decimal & ~either) | (grouped & _matches(num, _TWO_MARKS))
    if semicolon:  # that file's rule: a point groups thousands, a comma is the decimal mark
        has_decimal |= either & pc.match_substring(num, ",").to_numpy(zero_copy_only=False)
    readable = _matches(num, _WHOLE) | decimal | grouped
    marked = pc.replace_substring_regex(num, r"[.,](\d+)$", r"D\1")
    digits = pc.if_else(pa.array(has_decimal), marked, num)
    digits = pc.replace_substring(pc.replace_substring_regex(digits, r"[^\dD]", ""), "D", ".")
    value = pc.cast(pc.if_else(pc.equal(digits, ""), None, digits), pa.float64())
    value = value.to_numpy(zero_copy_only=False)
    value = np.where(minus, -value, value)
    markers = _markers(field["pre"], field["post"], currency)
    blank = (text == "").to_numpy()
    unreadable = ~blank & (~matched | markers["bad"].astype(bool) | (signs > 1)
                           | (~has_num & ~dash) | (has_num & ~readable))
    ambiguous = ~blank & ~unreadable & either & (not semicolon)
    amount = np.where(dash, 0.0, value)
    amount[unreadable | ambiguous | blank] = np.nan
    ok = ~unreadable
    return pd.DataFrame({"amount": amount, "unreadable": unreadable, "ambiguous": ambiguous,
                         "marked": markers["marked"].astype(bool) & ok,
                         "foreign": markers["foreign"].astype(bool) & ok,
                         "sign": markers["sign"], "named": markers["named"]})


def read_money(raw: pd.Series, currency: str | None = None) -> Money:
    """Read a text column of fees (blank cells stay NaN); see the module docstring.

    ``currency`` is the club's ISO code: a sign or code that is not of it makes the cell
    ``foreign``. A column read from a ';' file (``raw.attrs["delimiter"]``, as
    :func:`evaluate.data.validation.read_text_table` sets it) reads ``1.234`` as 1234 and
    ``1,234`` as 1.234, as every number there; elsewhere those two are ambiguous.
    """
    semicolon = raw.attrs.get("delimiter") == ";"
    codes, distinct = pd.factorize(raw.fillna(""))
    text = pd.Series(distinct, dtype="str").str.strip()
    parsed = _parse_distinct(text, semicolon, currency)

    def spread(column: str) -> pd.Series:
        values = parsed[column]
        if values.dtype.kind in "fb":
            return pd.Series(values.to_numpy()[codes], index=raw.index)
        inner, names = pd.factorize(values)  # text: a category, not a million strings
        return pd.Series(pd.Categorical.from_codes(inner[codes], names), index=raw.index)

    return Money(**{column: spread(column) for column in parsed.columns})


def check_money(raw: pd.Series, check: Findings, column: str, currency: str | None
                ) -> pd.Series:
    """Fees read from ``raw``, each problem recorded in ``check``; NaN where not read.

    ``currency`` is the club's (``club.yml``); ``None`` when it is not known, and then a fee
    with a sign or code is refused, since it cannot be checked.
    """
    money = read_money(raw, currency)
    check.rows(money.unreadable, raw, column, "not a number or an amount of money",
                rule=f"{column} is a number, with or without a currency sign or code "
                     "(e.g. 49.00, $49.00, 49,00 €, USD 49.00)",
                fix=f"write the amount as a number, e.g. 49.00 ({MONEY_GUIDE})")
    check.rows(money.ambiguous, raw, column,
                "a point or comma before exactly three digits could group thousands or be "
                "the decimal mark ('1,234' is 1234 or 1.234)",
                rule="one point or comma followed by three digits is read only in a ';' file",
                fix="export the fees with their decimals (1,234.00 or 1.234,00) or without "
                    f"thousands separators (1234) ({MONEY_GUIDE})")
    if currency is None:
        check.rows(money.marked, raw, column, "a currency sign or code, but the "
                    "club's currency is not known", rule="a fee's currency is the club's "
                    "(club.yml)", fix="add club.yml with the club's currency, e.g. currency: GBP")
        return money.amount.where(~money.marked)
    for named in sorted(money.named[money.foreign].unique()):
        bad = money.foreign & (money.named == named)
        said = named.split(" (")[0]
        check.rows(bad, raw, column,
                    f"a fee in {named}, but club.yml's currency is {currency}",
                    rule=f"fees are in the club's currency, {currency} (club.yml)",
                    fix=f"this fee is in {said} but club.yml says {currency}: export the fees "
                        f"in {currency}, or correct club.yml's currency")
    return money.amount.where(~money.foreign)


def check_periods(raw: pd.Series | None, check: Findings, index: pd.Index) -> pd.Series:
    """The period each fee was given for (month where blank or no column), checked.

    Unknown periods are one error listing each distinct value with its count, and are NaN;
    fees given for another period than a month are counted in one note (severity info).
    """
    if raw is None:
        return pd.Series(DEFAULT_PERIOD, index=index, dtype=object)
    period = parse_category(raw, PERIOD_ALIASES).replace("", DEFAULT_PERIOD)
    known = period.isin(list(DUES_PERIODS))
    check.rows(~known, raw, "dues_period", "unknown dues period",
                rule="dues_period is one of " + ", ".join(DUES_PERIODS)
                     + f", or blank ({DEFAULT_PERIOD}); weekly, monthly, annually ... are read",
                fix="write one of those, or map the export's own values in columns.yml, e.g. "
                    "Billing: {to: dues_period, values: {Monthly: month, Fortnightly: "
                    "fortnight, Annually: year}}")
    period = period.where(known)
    counts = period[known & (period != DEFAULT_PERIOD)].value_counts()
    if len(counts):
        given = ", ".join(f"{n} member{'s' * (n != 1)} by the {p.replace('_', ' ')} "
                          f"({PERIOD_FACTORS[p]})" for p, n in counts.items())
        check.add(f"fees given for other periods than a month are shown as monthly dues: "
                  f"{given}", column="dues_period",
                  rule="monthly_dues is per month: week x 52/12, fortnight x 26/12, "
                       "four weeks x 13/12, quarter / 3, year / 12",
                  severity="info")
    return period
