"""``evaluate init``: a club data folder started from a club system's raw exports.

The analyst gives the member export (and, if the club has them, a check-in and a
machine-usage export); :func:`init_club` reads each export's header and a sample of its rows
(the separator sniffed as the loaders do), proposes how each column becomes a contract column
and writes into the club data folder:

- ``columns.yml`` in the grown form (data/README.md, "Mapping a club system's export"):
  columns matched by name and by content, date formats read off the values, every distinct
  status, sex and billing spelling listed with a proposed contract value, and a ``# guessed``
  comment wherever the proposal is a guess; personal columns are left unmapped (the loaders
  drop them) and named in a comment, never their values;
- ``club.yml``: the name, the currency from the money strings, the time zone from the
  timestamps' offsets, the roster date (``export_date``), each with a comment saying where it
  came from;
- ``equipment.csv``: one ``equipment_id,owned_units`` row per machine of the bundled
  catalogue that the demo club compares, ``owned_units`` to fill in;
- the exports themselves, copied in: ``columns.yml`` finds each by its ``file`` glob in the
  data folder, so next month's export is dropped beside it and read without editing.

Nothing is overwritten unless asked (``force``). What is left to decide is returned as
:class:`Decision` lines; the folder check (:func:`evaluate.data.checks.check_club`) then says
whether the folder can be used as it is. Everything runs on whole columns of a sample, or on
the distinct values of a column streamed from the whole file (pyarrow), never row by row.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from evaluate.data.checkins import CHECKINS_STEM
from evaluate.data.club import CLUB_FILE
from evaluate.data.column_mapping import COLUMN_MAPPING_FILE
from evaluate.data.equipment import EQUIPMENT_FILE
from evaluate.data.members import MEMBERS_FILE
from evaluate.data.usage import USAGE_STEM
from evaluate.data.validation import _sniff_delimiter
from evaluate.data.yaml_files import undecodable_line
from evaluate.errors import DataError

SAMPLE_ROWS = 10_000  # rows read to recognise columns and date formats
STREAM_BLOCK = 16 * 2**20  # bytes of an export read at once when a column is read whole
CONTRACT_FILES = {"members": MEMBERS_FILE, "checkins": f"{CHECKINS_STEM}.csv",
                  "usage": f"{USAGE_STEM}.csv"}
# The machines the demo club compares: the catalogue's rows an equipment.csv starts with.
DEMO_EQUIPMENT = ("reverse_hyper", "glute_ham_developer", "back_extension_45", "cable_tower",
                  "rower", "leg_press")
GUESSED = "guessed"


def _key(name: object) -> str:
    """A header or value folded for matching: ``'DateOfBirth'`` -> ``'date of birth'``."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", str(name))
    return re.sub(r"[^a-z0-9]+", " ", spaced.lower()).strip()


# Header names by contract column, folded with _key; the first header found wins.
MEMBER_NAMES = {
    "member_id": ("member id", "barcode", "member no", "member number", "member", "id",
                  "membership number", "membership no", "customer id", "client id",
                  "person id", "contact id", "user id", "memberid"),
    "sex": ("sex", "gender"),
    "birth_date": ("birth date", "date of birth", "dob", "birthday", "birthdate", "d o b"),
    "birth_year": ("birth year", "year of birth", "yob"),
    "age": ("age",),
    "join_date": ("join date", "date signed", "start date", "joined", "date joined",
                  "creation date",
                  "member since", "membership start", "sign up date", "signup date"),
    "cancel_date": ("cancel date", "cancellation date", "date cancelled", "end date",
                    "termination date", "expiry date", "expiration date"),
    "status": ("status", "member status", "membership status", "client status",
               "contract status", "account status"),
    "monthly_dues": ("monthly dues", "plan fee", "dues", "fee", "monthly fee", "membership fee",
                     "price", "amount", "dues amount", "rate"),
    "dues_period": ("dues period", "billing", "frequency", "billing frequency",
                    "payment frequency", "billing period", "billing cycle", "payment period",
                    "payment term", "term"),
    "visits_per_week": ("visits per week", "visit per week"),
    "occupation_activity": ("occupation activity",),
    "training_goal": ("training goal",),
}
LOG_NAMES = {
    "member_id": MEMBER_NAMES["member_id"],
    "equipment_id": ("equipment id", "equipment", "machine", "machine id", "asset", "asset id",
                     "device", "device name", "station"),
    "duration_min": ("duration min", "duration", "minutes", "mins", "duration minutes",
                     "session minutes"),
}
CLUB_NAMES = ("club name", "club", "home club", "branch", "location", "site", "gym", "studio",
              "facility")
# Words that mark a personal column (names, contact details): never mapped, never read out.
PERSONAL_WORDS = ("name", "surname", "email", "mail", "phone", "mobile", "cell", "telephone",
                  "address", "street", "city", "zip", "postcode", "postal", "country",
                  "emergency", "contact", "ssn", "passport")

PAUSED = "guessed: a membership on pause"
ENDED = "guessed: a membership that has ended"
# Export spelling (folded) -> (contract value or None to leave the row out, why it is a guess).
STATUS_VALUES = {
    "active": ("active", ""), "frozen": ("frozen", ""), "cancelled": ("cancelled", ""),
    "canceled": ("cancelled", ""), "paused": ("frozen", ""), "on hold": ("frozen", ""),
    "current": ("active", "guessed: a member in good standing"),
    "ok": ("active", "guessed: a member in good standing"),
    "overdue": ("active", "guessed: a member behind on payments is still a member"),
    "past due": ("active", "guessed: a member behind on payments is still a member"),
    "cancel pending": ("active", "guessed: a pending cancellation is still a member until "
                                 "its cancel date"),
    "pending cancel": ("active", "guessed: a pending cancellation is still a member until "
                                 "its cancel date"),
    "freeze": ("frozen", PAUSED), "hold": ("frozen", PAUSED), "suspended": ("frozen", PAUSED),
    "expired": ("cancelled", ENDED), "terminated": ("cancelled", ENDED),
    "inactive": ("cancelled", ENDED), "alumni": ("cancelled", ENDED),
    "former": ("cancelled", ENDED), "ended": ("cancelled", ENDED),
    "returned": ("cancelled", "guessed: returned for collection"),
    "prospect": (None, "guessed: not a member"), "lead": (None, "guessed: not a member"),
    "non member": (None, "guessed: not a member"), "declined": (None, "guessed: not a member"),
    "guest": (None, "guessed: not a member"),
    "not started": (None, "guessed: not yet a member"),
    "pending": (None, "guessed: not yet a member"),
}
SEX_VALUES = {
    "m": ("M", ""), "male": ("M", ""), "man": ("M", ""), "f": ("F", ""), "female": ("F", ""),
    "woman": ("F", ""), "w": ("F", ""), "x": ("X", ""), "": ("X", ""), "other": ("X", ""),
    "non binary": ("X", ""), "nonbinary": ("X", ""), "diverse": ("X", ""), "d": ("X", ""),
    "prefer not to say": ("X", ""), "not stated": ("X", ""), "unknown": ("X", ""),
    "u": ("X", ""), "not specified": ("X", ""),
}
PERIOD_VALUES = {
    "monthly": ("month", ""), "month": ("month", ""), "per month": ("month", ""),
    "weekly": ("week", ""), "week": ("week", ""), "fortnightly": ("fortnight", ""),
    "fortnight": ("fortnight", ""), "every 2 weeks": ("fortnight", ""),
    "biweekly": ("fortnight", "guessed: biweekly usually means every two weeks"),
    "bi weekly": ("fortnight", "guessed: biweekly usually means every two weeks"),
    "four weekly": ("four_weeks", ""), "4 weekly": ("four_weeks", ""),
    "every 4 weeks": ("four_weeks", ""), "4 weeks": ("four_weeks", ""),
    "quarterly": ("quarter", ""), "quarter": ("quarter", ""),
    "annually": ("year", ""), "annual": ("year", ""), "yearly": ("year", ""),
    "year": ("year", ""), "12 months": ("year", GUESSED),
}
AGE_COLUMNS = ("birth_date", "birth_year", "age")  # an age from the first found
# Contract columns an export may lack, and what to do then.
MISSING = {
    AGE_COLUMNS: "no birth date, year of birth or age found: map the column that gives it",
    ("sex",): "no sex or gender column found: map it, or set: {sex: X} (not stated)",
    ("monthly_dues",): "no fee column found: map the monthly dues, or give them by plan "
                       "with a values map (e.g. Plan: {to: monthly_dues, values: {Standard: "
                       "29.90}})",
}
VALUE_MAPS: dict[str, Mapping[str, tuple[str | None, str]]] = {
    "status": STATUS_VALUES, "sex": SEX_VALUES, "dues_period": PERIOD_VALUES}
# Words of a log's status or direction column that mark a visit, or a row that is none; a
# value naming words of both (none do in the systems described) counts as no visit.
ALLOWED_ENTRY = ("approved", "granted", "allowed", "ok", "valid", "success", "accepted",
                 "admitted", "in", "entry", "enter", "attended", "signed in", "checked in")
DENIED_ENTRY = ("denied", "rejected", "refused", "declined", "blocked", "invalid", "failed",
                "past due", "expired", "out", "exit", "no show", "cancel", "cancelled",
                "canceled")

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d/%m/%y", "%m-%d-%Y",
                "%d-%m-%Y", "%m-%d-%y", "%d-%m-%y", "%d.%m.%Y", "%d.%m.%y", "%Y/%m/%d")
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M:%S %p", "%I:%M%p")
DATETIME_FORMATS = tuple(f"{d}{sep}{t}" for d in DATE_FORMATS for t in TIME_FORMATS
                         for sep in ((" ", "T") if d == "%Y-%m-%d" else (" ",)))
ISO_LOCAL = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?")  # the loaders read these
ZONED = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})")
DATEISH = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}")
TIMEISH = re.compile(r"\d{1,2}:\d{2}(:\d{2})?\s*([AaPp][Mm])?")
ID_LIKE = re.compile(r"[A-Za-z]{0,4}[-_]?\d{3,}")
FILE_DATE = re.compile(r"(?<!\d)(20\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")
FILE_DATE_DMY = re.compile(r"(?<!\d)(\d{2})[-_.](\d{2})[-_.](20\d{2})(?!\d)")
DATE_IN_NAME = re.compile(r"\d[\d._-]{4,}\d")  # a date or stamp in a file name: becomes *
CODES = ("USD", "GBP", "EUR", "AUD", "CAD", "NZD", "CHF", "SEK", "NOK", "DKK", "JPY", "ZAR")
SIGNS = {"$": ("USD", "guessed from '$': also the sign of AUD, CAD, NZD and other dollars"),
         "£": ("GBP", "from '£'"), "€": ("EUR", "from '€'"),
         "¥": ("JPY", "guessed from '¥': also the sign of CNY")}
MONEY = re.compile(r"-?\s*(?P<pre>[$£€¥]|[A-Z]{3})?\s*-?\d[\d.,' ]*\s*(?P<post>[$£€¥]|[A-Z]{3})?")
# Preferred IANA zones, tried in this order against a log's offsets; the first that gives
# every offset on its day is proposed (with a comment naming the others that fit too).
ZONES = ("Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Berlin", "Europe/Paris",
         "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam", "Europe/Stockholm",
         "Europe/Helsinki", "Europe/Athens", "America/New_York", "America/Toronto",
         "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
         "America/Vancouver", "America/Anchorage", "Pacific/Honolulu", "America/Halifax",
         "America/Mexico_City", "America/Sao_Paulo", "Australia/Sydney", "Australia/Melbourne",
         "Australia/Brisbane", "Australia/Adelaide", "Australia/Perth", "Pacific/Auckland",
         "Asia/Tokyo", "Asia/Singapore", "Asia/Kolkata", "Asia/Dubai", "Africa/Johannesburg")


@dataclass(frozen=True)
class Decision:
    """One thing ``evaluate init`` left to the analyst: the file, its line and what to decide."""

    file: str
    line: int | None
    text: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        return f"{where}: {self.text}"


@dataclass
class ValueRow:
    """One distinct export value of a mapped column, with its proposed contract value."""

    value: str
    count: int
    to: str | None  # None: not recognised (left to decide) or a row left out
    why: str = ""  # a guess, or why it is left out


@dataclass
class Mapped:
    """One export column and what it becomes."""

    header: str
    to: str
    format: str | None = None
    values: list[ValueRow] | None = None
    note: str = ""  # the comment on its line
    guess: str = ""  # non-empty: a guess the analyst should check


@dataclass
class ExportPlan:
    """How one export becomes one contract file: what ``columns.yml`` says about it."""

    contract: str
    source: Path
    delimiter: str
    glob: str | None = None
    columns: list[Mapped] = field(default_factory=list)
    set: dict[str, str] = field(default_factory=dict)  # contract column -> one value, why
    keep: dict[str, list[str]] = field(default_factory=dict)
    drop: dict[str, list[str]] = field(default_factory=dict)
    filter_notes: dict[str, str] = field(default_factory=dict)  # column -> why (a guess)
    personal: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # comment lines above the entry

    def target(self, to: str) -> Mapped | None:
        """The column mapped onto the contract column ``to``, if any."""
        return next((m for m in self.columns if m.to == to), None)


@dataclass(frozen=True)
class DateFormat:
    """A date format read off a column's values; ``guess`` says why when it is a guess."""

    format: str
    guess: str = ""


@dataclass
class InitResult:
    """What :func:`init_club` wrote and what it left to decide."""

    data_dir: Path
    written: list[Path]
    copied: list[Path]
    decisions: list[Decision]
    other_equipment: list[str]  # catalogue ids not written to equipment.csv


# --- reading an export -----------------------------------------------------------------------


def read_sample(path: Path, what: str) -> pd.DataFrame:
    """The export's header and first :data:`SAMPLE_ROWS` rows as text (delimiter in attrs).

    Raises a :class:`DataError` naming the export and the fix when it cannot be read.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError.single(f"{path.name} not found", file=path,
                               rule=f"--{what} names an export file",
                               fix="give the path of the CSV file the club system exported")
    delimiter = _sniff_delimiter(path)
    try:
        frame = pd.read_csv(path, sep=delimiter, dtype=str, keep_default_na=False,
                            encoding="utf-8-sig", nrows=SAMPLE_ROWS, index_col=False)
    except UnicodeDecodeError as exc:
        raise DataError.single(f"not UTF-8 text ({exc.reason})", file=path,
                               row=undecodable_line(path), rule="exports are UTF-8 CSV files",
                               fix="export it again as 'CSV UTF-8' (in a spreadsheet: Save "
                                   "as, CSV UTF-8)") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError.single("the file is empty", file=path, row=1,
                               rule="a header row and data", fix="export it again") from exc
    except pd.errors.ParserError as exc:
        raise DataError.single("a row has more fields than the header", file=path,
                               rule="every row has as many fields as the header",
                               fix="export it again as CSV; look for stray separators or "
                                   "quotes") from exc
    frame = frame.apply(lambda s: s.str.strip())
    frame.attrs["delimiter"] = delimiter
    return frame


def distinct_counts(path: Path, delimiter: str, columns: Iterable[str]) -> dict[str, pd.Series]:
    """Every distinct value of ``columns`` in the whole export, with its row count.

    Streamed by pyarrow's CSV reader in blocks of :data:`STREAM_BLOCK` bytes, the columns
    alone read as text: a year of a large club's check-ins is never held whole.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    columns = list(dict.fromkeys(columns))
    if not columns:
        return {}
    counts: dict[str, list[pd.Series]] = {c: [] for c in columns}
    try:
        reader = pacsv.open_csv(
            path, read_options=pacsv.ReadOptions(block_size=STREAM_BLOCK, encoding="utf8"),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                include_columns=columns, column_types={c: pa.string() for c in columns},
                strings_can_be_null=False))
        for batch in reader:
            for name in columns:
                found = pc.value_counts(batch.column(name))
                counts[name].append(pd.Series(found.field("counts").to_numpy(),
                                              index=found.field("values").to_pylist()))
    except pa.ArrowInvalid as exc:  # a row after the sample: too many fields, not UTF-8
        raise DataError.single(f"a row cannot be read: {exc}", file=path,
                               rule="every row has as many fields as the header, in UTF-8",
                               fix="export it again as 'CSV UTF-8'; look for stray separators "
                                   "or quotes in that row") from exc
    result = {}
    for name, parts in counts.items():
        total = pd.concat(parts) if parts else pd.Series(index=pd.Index([], dtype=str))
        total.index = total.index.astype(str).str.strip()
        result[name] = total.groupby(level=0).sum().sort_values(ascending=False)
    return result


# --- recognising a column's content ----------------------------------------------------------


def detect_format(values: pd.Series, formats: Iterable[str], month_first: bool
                  ) -> DateFormat | None:
    """The format of ``formats`` that reads every value of ``values``, or None.

    When a day-first and a month-first format both read them (every day is 12 or less),
    ``month_first`` decides and the result says it is a guess; two-digit years are said too.
    """
    values = values[values != ""]
    if values.empty:
        return None
    distinct = values.drop_duplicates()

    def reads(fmt: str, texts: pd.Series) -> bool:
        return bool(pd.to_datetime(texts, format=fmt, errors="coerce").notna().all())

    # A few values rule most formats out at once; the rest are tried on every value.
    fits = [f for f in formats if reads(f, distinct.head(20)) and reads(f, distinct)]
    if not fits:
        return None
    chosen, guess = fits[0], ""
    if len({month_before_day(f) for f in fits} - {None}) > 1:
        chosen = next(f for f in fits if month_before_day(f) == month_first)
        guess = ("guessed: every day is 12 or less, so day and month cannot be told apart; "
                 f"read {'month' if month_first else 'day'} first")
    if "%y" in chosen:
        guess = (guess + "; " if guess else "guessed: ") + (
            "two-digit years, read by the suite's rule for them (data/README.md)")
    return DateFormat(chosen, guess)


def month_before_day(fmt: str) -> bool | None:
    """True when ``fmt`` writes the month before the day (US), False after; None: ISO or none.

    ISO formats (year first) say nothing about how the club writes other dates.
    """
    if fmt.startswith("%Y") or "%m" not in fmt or "%d" not in fmt:
        return None
    return fmt.index("%m") < fmt.index("%d")


def money_currency(values: pd.Series) -> tuple[str | None, str] | None:
    """``(currency, why)`` when every value is money and one names its currency; else None.

    ``(None, why)`` when the values name more than one currency.
    """
    values = values[values != ""]
    if values.empty:
        return None
    found = values.str.fullmatch(MONEY.pattern)
    if not found.all():
        return None
    marks = values.str.extract(MONEY.pattern)
    marks = pd.concat([marks["pre"], marks["post"]]).dropna()
    marks = [m for m in dict.fromkeys(marks) if m in SIGNS or m in CODES]
    if not marks:
        return None
    codes = {SIGNS[m][0] if m in SIGNS else m for m in marks}
    if len(codes) > 1:
        return None, f"the fees name more than one currency ({', '.join(marks)})"
    mark = marks[0]
    return SIGNS.get(mark, (mark, f"from '{mark}'"))


def _is_personal(header: str) -> bool:
    words = _key(header).split()
    return _key(header) not in CLUB_NAMES and any(w in PERSONAL_WORDS for w in words) or (
        _key(header) in ("first", "last", "fname", "lname"))


def _by_name(headers: Iterable[str], names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Contract column -> the first header whose folded name is one of its names."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    folded = {h: _key(h) for h in headers}
    for to, spellings in names.items():
        for spelling in spellings:
            header = next((h for h, k in folded.items() if k == spelling and h not in taken),
                          None)
            if header is not None:
                found[to] = header
                taken.add(header)
                break
    return found


def _values(counts: pd.Series, words: Mapping[str, tuple[str | None, str]]) -> list[ValueRow]:
    """The distinct values of a column (one per folded spelling), each with its proposal."""
    rows: dict[str, ValueRow] = {}
    for value, count in counts.items():
        folded = _key(value)
        if folded in rows:
            rows[folded].count += int(count)
            continue
        to, why = words.get(folded, (None, "not recognised: decide"))
        rows[folded] = ValueRow(str(value), int(count), to, why)
    return sorted(rows.values(), key=lambda r: (-r.count, r.value))


def plan_members(sample: pd.DataFrame, source: Path) -> tuple[ExportPlan, dict]:
    """How the member export becomes ``members.csv``; and what it tells about the club.

    The club facts are ``currency`` (code, why), ``month_first`` and ``club_name``.
    Raises a :class:`DataError` when no column holds the member ids.
    """
    plan = ExportPlan(CONTRACT_FILES["members"], source, sample.attrs["delimiter"])
    headers = list(sample.columns)
    plan.personal = [h for h in headers if _is_personal(h)]
    free = [h for h in headers if h not in plan.personal]
    by_name = _by_name(free, MEMBER_NAMES)
    named = dict(by_name)
    facts: dict = {"club_name": None, "currency": None}
    club = _by_name([h for h in headers if h not in named.values()],
                    {"club": CLUB_NAMES}).get("club")
    if club is not None:
        names = sample[club][sample[club] != ""].value_counts()
        if len(names):
            facts["club_name"] = (str(names.index[0]), club, len(names))
    # Content: ids, sex and status spellings, money and dates where the names say nothing.
    for header in free:
        if header in named.values() or header == club:
            continue
        values = sample[header]
        known = values[values != ""].map(_key)
        if "member_id" not in named and values.ne("").all() and values.is_unique and \
                values.str.fullmatch(ID_LIKE.pattern).all():
            named["member_id"] = header
        elif "sex" not in named and len(known) and known.isin(list(SEX_VALUES)).all():
            named["sex"] = header
        elif "status" not in named and len(known) and \
                known.isin([k for k, v in STATUS_VALUES.items() if v[0]]).mean() > 0.5:
            named["status"] = header
        elif "monthly_dues" not in named and money_currency(values):
            named["monthly_dues"] = header
    if "member_id" not in named:
        raise DataError.single(
            "no column of member ids found", file=source, row=1,
            rule="the member export has a column that names each member (e.g. Barcode, "
                 "Member ID, Member No), one id a row",
            fix="export the roster with its member id or barcode column, then run evaluate "
                "init again")
    dues = named.get("monthly_dues")
    if dues is not None:
        facts["currency"] = money_currency(sample[dues])
    month_first = bool(facts["currency"] and facts["currency"][0] == "USD")
    if "status" not in named:
        plan.set["status"] = "active"
    ages = [to for to in AGE_COLUMNS if to in named]
    for to in ages[1:]:  # one source of age, the most precise: the others are not used
        plan.unused.append(named.pop(to))
    for wanted, why in MISSING.items():
        if not set(wanted) & set(named):
            plan.notes.append(why)
    for to, header in named.items():
        mapped = Mapped(header, to)
        if header not in by_name.values():
            mapped.guess = "guessed from the column's values"
        if to in ("birth_date", "join_date", "cancel_date"):
            found = detect_format(sample[header], DATE_FORMATS + DATETIME_FORMATS, month_first)
            if found is None:
                plan.notes.append(f"'{header}' was not read as dates: map it by hand")
                plan.unused.append(header)
                continue
            mapped.format, mapped.guess = found.format, found.guess or mapped.guess
            if not found.guess and month_before_day(found.format) is not None:
                month_first = bool(month_before_day(found.format))
        elif to == "monthly_dues" and facts["currency"] and facts["currency"][0]:
            mapped.note = f"money strings, read as {facts['currency'][0]}"
        plan.columns.append(mapped)
    facts["month_first"] = month_first
    plan.unused += [h for h in free if h not in named.values() and h != club
                    and h not in plan.unused]
    return plan, facts


def add_value_maps(plan: ExportPlan, counts: dict[str, pd.Series]) -> None:
    """Give each value-mapped column its distinct values; statuses that are no member: drop."""
    for mapped in plan.columns:
        if mapped.to not in VALUE_MAPS:
            continue
        rows = _values(counts[mapped.header], VALUE_MAPS[mapped.to])
        blank = next((r for r in rows if r.value == ""), None)
        if blank is not None and mapped.to != "sex":  # a blank sex is X: not stated
            rows.remove(blank)  # blank cells stay blank; the check says where one is wrong
            if mapped.to == "status":
                plan.notes.append(f"{blank.count:,} row(s) have no {mapped.header}: the check "
                                  "lists them; fill them in, or map \"\" in values")
        if mapped.to == "status":
            left_out = [r for r in rows if r.to is None and r.why.startswith(GUESSED)]
            if left_out:
                plan.drop[mapped.header] = [r.value for r in left_out]
                plan.filter_notes[mapped.header] = (
                    "guessed: " + ", ".join(r.value for r in left_out) + " rows are not "
                    "members")
                rows = [r for r in rows if r not in left_out]
        mapped.values = rows


# --- the logs --------------------------------------------------------------------------------


def plan_log(kind: str, sample: pd.DataFrame, source: Path, month_first: bool,
             member_ids: set[str] | None) -> ExportPlan:
    """How a check-in (``kind`` "checkins") or usage ("usage") export becomes its log."""
    plan = ExportPlan(CONTRACT_FILES[kind], source, sample.attrs["delimiter"])
    headers = list(sample.columns)
    plan.personal = [h for h in headers if _is_personal(h)]
    free = [h for h in headers if h not in plan.personal]
    names = {"member_id": LOG_NAMES["member_id"]} | ({} if kind == "checkins" else {
        "equipment_id": LOG_NAMES["equipment_id"], "duration_min": LOG_NAMES["duration_min"]})
    named = _by_name(free, names)
    guessed: set[str] = set()
    if "member_id" not in named and member_ids:
        for header in free:  # the column whose values are the roster's ids
            values = sample[header][sample[header] != ""]
            if header not in named.values() and len(values) and \
                    values.isin(member_ids).mean() > 0.5:
                named["member_id"] = header
                guessed.add(header)
                break
    for to, header in named.items():
        plan.columns.append(Mapped(header, to, guess="guessed from the column's values"
                                   if header in guessed else ""))
    rest = [h for h in free if h not in named.values()]
    _plan_timestamp(plan, sample, rest, month_first)
    stamp = plan.target("timestamp")
    rest = [h for h in rest if stamp is None or h != stamp.header]
    rest = [h for h in rest if h not in {m.header for m in plan.columns}]
    for header in rest:
        folded = sample[header][sample[header] != ""].map(_key)
        kinds = {_entry(v) for v in set(folded)}
        if {True, False} <= kinds:
            plan.filter_notes[header] = "guessed: only these rows are visits"
            plan.keep[header] = []  # filled from the whole column by add_filters
            continue
        plan.unused.append(header)
    if plan.target("member_id") is None and kind == "checkins":
        plan.notes.append("no member id column found: read as an anonymous door log, which "
                          "gives the hourly load but not visits per member")
    return plan


def _plan_timestamp(plan: ExportPlan, sample: pd.DataFrame, headers: list[str],
                    month_first: bool) -> None:
    """Map the log's timestamp: one zoned or date-time column, or a date and a time column."""
    dates, times = [], []
    for header in headers:
        values = sample[header][sample[header] != ""]
        if values.empty:
            continue
        if values.str.fullmatch(ZONED.pattern).all():
            plan.columns.append(Mapped(header, "timestamp",
                                       note="timestamps with a zone: club.yml's timezone "
                                            "turns them into local time"))
            return
        if values.str.fullmatch(ISO_LOCAL.pattern).all():
            plan.columns.append(Mapped(header, "timestamp"))
            return
        if values.str.fullmatch(TIMEISH.pattern).all():
            found = detect_format(values, TIME_FORMATS, month_first)
            if found:
                times.append((header, found))
            continue
        if not values.str.match(DATEISH.pattern).all():
            continue
        found = detect_format(values, DATETIME_FORMATS, month_first)
        if found:
            plan.columns.append(Mapped(header, "timestamp", found.format, guess=found.guess))
            return
        found = detect_format(values, DATE_FORMATS, month_first)
        if found:
            dates.append((header, found))
    if dates and times:
        (date_header, date_format), (time_header, time_format) = dates[0], times[0]
        plan.columns.append(Mapped(date_header, "date", date_format.format,
                                   guess=date_format.guess,
                                   note="a date and a time column make the timestamp"))
        plan.columns.append(Mapped(time_header, "time", time_format.format))
    elif dates:
        header, found = dates[0]
        plan.columns.append(Mapped(header, "timestamp", found.format, guess=found.guess))
        plan.notes.append(f"'{header}' holds dates without a time: every visit counts at "
                          "midnight, so the hourly load cannot be read from this log")
    else:
        plan.notes.append("no date and time column found: map the timestamp by hand")


def _entry(folded: str) -> bool | None:
    """True when a log's value marks a visit, False when a row that is none, else None."""
    def names(words: tuple[str, ...]) -> bool:
        return any(re.search(rf"\b{w}\b", folded) for w in words)

    return False if names(DENIED_ENTRY) else True if names(ALLOWED_ENTRY) else None


def add_filters(plan: ExportPlan, counts: dict[str, pd.Series]) -> None:
    """Fill each guessed ``keep`` list with the column's values that mark a visit."""
    for header in plan.keep:
        values = _values(counts[header], {})
        plan.keep[header] = [v.value for v in values if _entry(_key(v.value))]
        others = [v.value for v in values if not _entry(_key(v.value))]
        plan.filter_notes[header] = (f"guessed: only these rows are visits (left out: "
                                     f"{', '.join(others)})")


# --- what the logs and names tell ------------------------------------------------------------


def newest_day(plan: ExportPlan, counts: dict[str, pd.Series]) -> pd.Timestamp | None:
    """The newest day of the log's timestamps (local, as written), from its distinct values."""
    mapped = plan.target("date") or plan.target("timestamp")
    if mapped is None:
        return None
    text = pd.Series(counts[mapped.header].index, dtype="str")
    text = text[text != ""]
    if mapped.format:
        parsed = pd.to_datetime(text, format=mapped.format, errors="coerce")
    else:  # ISO, with or without a zone: the day as written
        parsed = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    return parsed.max() if parsed.notna().any() else None


def zone_of(texts: pd.Series) -> tuple[str | None, str]:
    """The IANA zone that gives each zoned timestamp's offset, and why; None when unknown."""
    texts = texts[texts.str.fullmatch(ZONED.pattern)]
    if texts.empty:
        return None, ""
    offset = texts.str.extract(r"(Z|[+-]\d{2}:?\d{2})$")[0].str.replace(":", "", regex=False)
    utc = pd.to_datetime(texts, format="ISO8601", utc=True)
    minutes = offset.map(lambda o: 0 if o == "Z" else
                         (1 if o[0] == "+" else -1) * (int(o[1:3]) * 60 + int(o[3:5])))
    seen = pd.DataFrame({"utc": utc.dt.tz_localize(None).dt.floor("h").to_numpy(),
                         "minutes": minutes.to_numpy()}
                        ).drop_duplicates()
    shown = ", ".join(sorted(set(offset.str.replace(r"(\d{2})(\d{2})$", r"\1:\2",
                                                    regex=True))))
    if (seen["minutes"] == 0).all():
        return None, (f"the timestamps are in UTC ({shown}): write the club's IANA time zone, "
                      "e.g. Europe/London")
    instants = pd.DatetimeIndex(seen["utc"]).tz_localize("UTC")
    fits = [zone for zone in ZONES
            if ((instants.tz_convert(zone).tz_localize(None) - instants.tz_localize(None))
                .total_seconds().to_numpy() / 60 == seen["minutes"].to_numpy()).all()]
    if not fits:
        return None, (f"no common time zone gives the offsets {shown}: write the club's IANA "
                      "time zone")
    also = f"; also fits {', '.join(fits[1:4])}" if len(fits) > 1 else ""
    return fits[0], f"guessed from the offsets {shown}{also}: check it"


def roster_date(name: str, newest: pd.Timestamp | None, month_first: bool
                ) -> tuple[date | None, str]:
    """The roster date and where it came from: the export's name, or the newest check-in.

    The date in the member export's name is taken when the log agrees (its newest check-in
    is on that day or the day before: an export is written after the last visit it holds);
    a name's ``05-10-2026`` is read as the log shows, else by ``month_first``. Without
    either: None, to fill in.
    """
    days = [date(int(y), int(m), int(d)) for y, m, d in FILE_DATE.findall(name)
            if _real_day(y, m, d)]
    for a, b, y in FILE_DATE_DMY.findall(name):
        for m, d in ((a, b), (b, a)) if month_first else ((b, a), (a, b)):
            if _real_day(y, m, d):
                days.append(date(int(y), int(m), int(d)))
    said = f"the date in {name}: the roster's date; check it"
    if newest is None:
        return (days[0], said) if days else (
            None, "export_date: the day the roster was exported, YYYY-MM-DD (not known from "
                  "the exports)")
    near = [d for d in days if 0 <= (pd.Timestamp(d) - newest.normalize()).days <= 1]
    if near:
        return near[0], said
    return newest.date(), "the newest check-in day: the roster's date; check it"


def _real_day(year: str, month: str, day: str) -> bool:
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def export_glob(name: str, others: Iterable[str]) -> str:
    """The ``file`` glob of an export: its date or stamp made ``*`` (``Member_List_*.csv``).

    The name itself when it holds no date, when the glob would match anything, or when it
    would match one of the ``others`` exports.
    """
    glob = DATE_IN_NAME.sub("*", name)
    stem = Path(glob).stem
    if glob == name or stem.strip("*_-. ") == "" or any(
            Path(o).match(glob) for o in others if o != name):
        return name
    return glob


# --- writing ---------------------------------------------------------------------------------


def _q(text: object) -> str:
    """``text`` as a YAML scalar: plain when that reads back as the same text, else quoted."""
    import yaml

    text = str(text)
    try:
        plain = re.fullmatch(r"[A-Za-z_][\w .()/-]*", text) and \
            yaml.safe_load(f"k: {text}") == {"k": text} and text == text.strip()
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


class _Text:
    """YAML text built line by line; each line's number is known for the decisions."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: list[str] = []
        self.decisions: list[Decision] = []

    def add(self, text: str, comment: str = "", decide: str = "", indent: int = 0) -> None:
        """Add a line (``text``, a ``# comment`` or both); ``decide`` is left to the analyst."""
        self.lines.append(f"{text}  # {comment}" if text and comment else
                          f"{text}" if text else f"{' ' * indent}# {comment}")
        if decide:
            self.decisions.append(Decision(self.file, len(self.lines), decide))

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _rows(count: int) -> str:
    return f"{count:,} row{'s' * (count != 1)}"


def _value_lines(out: _Text, m: Mapped) -> None:
    """The ``values:`` map of one column: a line per distinct value, unknown ones commented."""
    out.add("      values:")
    for row in m.values or []:
        if row.to is None:
            why = f"{_rows(row.count)}, not recognised: map it to {_allowed(m.to)}"
            out.add(f"        # {_q(row.value)}: ?", why, f"'{m.header}' value '{row.value}' "
                    f"({_rows(row.count)}) not recognised: map it to {_allowed(m.to)}")
            continue
        comment = f"{_rows(row.count)}; {row.why}" if row.why else _rows(row.count)
        out.add(f"        {_q(row.value)}: {_q(row.to)}", comment,
                f"'{m.header}' value '{row.value}' -> {row.to}: {row.why}" if row.why else "")


def columns_yml(plans: list[ExportPlan]) -> tuple[str, list[Decision]]:
    """The text of ``columns.yml`` for the export plans, and the guesses it holds."""
    out = _Text(COLUMN_MAPPING_FILE)
    out.add("", "Written by evaluate init: how each export becomes a contract file. Check")
    out.add("", "every line marked 'guessed' (data/README.md: Mapping a club system's export).")
    for plan in plans:
        out.add(f"{plan.contract}:")
        for note in plan.notes:
            out.add("", note, f"{plan.contract}: {note}", indent=2)
        if plan.personal:
            out.add("", "personal columns, not mapped (the loaders drop them): "
                    + ", ".join(plan.personal), indent=2)
        if plan.unused:
            out.add("", f"other columns, not used: {', '.join(plan.unused)}", indent=2)
        if plan.glob:
            out.add(f"  file: {_q(plan.glob)}", "the export's name; the newest match is read")
        out.add("  columns:")
        for m in plan.columns:
            name = f"    {_q(m.header)}:"
            comment = "; ".join(c for c in (m.note, m.guess) if c)
            decide = f"'{m.header}' -> {m.to}: {m.guess}" if m.guess else ""
            fmt = f", format: {_q(m.format)}" if m.format else ""
            if m.values is None:
                out.add(f"{name} {m.to}" if not fmt else f"{name} {{to: {m.to}{fmt}}}",
                        comment, decide)
                continue
            out.add(name, comment, decide)
            out.add(f"      to: {m.to}")
            _value_lines(out, m)
        for column, value in plan.set.items():
            why = (f"guessed: the export has no {column} column, so every row is taken as "
                   f"{value}")
            out.add(f"  set: {{{column}: {_q(value)}}}", why, why)
        for key in ("keep", "drop"):
            lists = getattr(plan, key)
            if lists:
                out.add(f"  {key}:")
                for header, values in lists.items():
                    why = plan.filter_notes.get(header, "")
                    out.add(f"    {_q(header)}: [{', '.join(_q(v) for v in values)}]", why,
                            f"{key}: {header} [{', '.join(values)}]: {why}" if why else "")
    return out.text(), out.decisions


def _allowed(to: str) -> str:
    words = {"status": "active, frozen or cancelled, or drop it", "sex": "F, M or X",
             "dues_period": "week, fortnight, four_weeks, month, quarter or year"}
    return words.get(to, "a contract value")


def club_yml(name: tuple[str, str, bool], currency: tuple[str | None, str],
             export_date: tuple[date | None, str], timezone: tuple[str | None, str] | None
             ) -> tuple[str, list[Decision]]:
    """The text of ``club.yml``: each value with where it came from; unknowns left to decide."""
    out = _Text(CLUB_FILE)
    out.add("", "Written by evaluate init: check every line (data/README.md: club.yml).")
    out.add(f"name: {_q(name[0])}", name[1], name[1] if name[2] else "")
    code, why = currency
    guess = why if why.startswith(GUESSED) or not code else ""
    out.add(f"currency: {code}" if code else "currency:", why, guess)
    day, why = export_date
    out.add(f"export_date: {day.isoformat()}" if day else "", why, "" if day else why)
    if timezone is not None:
        zone, why = timezone
        out.add(f"timezone: {zone}" if zone else "", why, why)
    for other in held_currencies() - {code}:
        why = (f"the bundled catalogue's prices and some default assumptions are in {other}: "
               f"give the rate ({code or 'club currency'} per {other}), its date and source, "
               f"or the club's own prices and figures")
        out.add(f"# exchange_rates: {{{other}: {{rate: ..., date: ..., source: ...}}}}", why,
                why)
    return out.text(), out.decisions


def held_currencies() -> set[str]:
    """The currencies of the figures the suite holds: catalogue prices, money defaults."""
    from evaluate.data.assumptions import CATALOGUE
    from evaluate.data.catalogue import load_catalogue

    held = {spec.currency for spec in CATALOGUE.values() if spec.currency}
    return held | set(load_catalogue()["price_currency"].dropna())


def equipment_ids() -> tuple[list[str], list[str]]:
    """The ids equipment.csv starts with, and the catalogue's other ids (if it is bundled)."""
    try:
        from evaluate.data.catalogue import load_catalogue
    except ImportError:
        return list(DEMO_EQUIPMENT), []
    ids = [str(i) for i in load_catalogue()["equipment_id"]]
    return list(DEMO_EQUIPMENT), [i for i in ids if i not in DEMO_EQUIPMENT]


# --- the whole of it -------------------------------------------------------------------------


def _club_name(facts: dict, data_dir: Path) -> tuple[str, str, bool]:
    """club.yml's name, where it came from, and whether the analyst should decide it."""
    if not facts["club_name"]:
        return (data_dir.resolve().name, "the folder's name: write the club's name as reports "
                                         "print it", True)
    club, column, clubs = facts["club_name"]
    if clubs > 1:
        return (club, f"the most common of {clubs} clubs in '{column}': one folder per club",
                True)
    return club, f"from the export's '{column}' column", False


def _currency(facts: dict, given: str | None) -> tuple[str | None, str]:
    """club.yml's currency and where it came from; None when the exports do not tell."""
    found = facts["currency"]
    if given:
        return given, "given to evaluate init"
    if found is None:
        return None, ("not known: the fees carry no currency sign; write the ISO code of "
                      "monthly_dues, e.g. USD, GBP or EUR")
    if found[0] is None:
        return None, found[1] + ": write the club's ISO code"
    return found


def _log_zone(logs: list[ExportPlan], counts: dict[str, dict[str, pd.Series]]
              ) -> tuple[str | None, str] | None:
    """club.yml's time zone from the first log with zoned timestamps; None without one."""
    for log in logs:
        stamp = log.target("timestamp")
        if stamp is not None and stamp.format is None:
            texts = pd.Series(counts[log.contract][stamp.header].index, dtype="str")
            if texts.str.fullmatch(ZONED.pattern).any():
                return zone_of(texts)
    return None


def init_club(data_dir: Path, members: Path, checkins: Path | None = None,
              usage: Path | None = None, *, force: bool = False,
              currency: str | None = None) -> InitResult:
    """Start the club data folder ``data_dir`` from the exports (see the module docstring).

    ``currency`` (an ISO code) is for fees written without a sign. Raises a
    :class:`DataError` (nothing written) when an export cannot be read, the member export
    has no id column, or a file to write exists and ``force`` is not given.
    """
    data_dir = Path(data_dir)
    given = {"members": members, "checkins": checkins, "usage": usage}
    exports = {k: Path(v) for k, v in given.items() if v is not None}
    samples = {kind: read_sample(path, kind) for kind, path in exports.items()}
    plan, facts = plan_members(samples["members"], exports["members"])
    id_column = plan.target("member_id")
    assert id_column is not None  # plan_members raises without one
    ids = id_column.header
    roster_ids = set(distinct_counts(exports["members"], plan.delimiter, [ids])[ids].index
                     ) if len(exports) > 1 else set()  # a log's id column is found by them
    plans = [plan]
    for kind in ("checkins", "usage"):
        if kind in exports:
            plans.append(plan_log(kind, samples[kind], exports[kind], facts["month_first"],
                                  roster_ids))
    counts: dict[str, dict[str, pd.Series]] = {}
    for p in plans:
        wanted = [m.header for m in p.columns if m.to in (*VALUE_MAPS, "equipment_id")]
        wanted += list(p.keep)
        if p.contract != plan.contract:
            day = p.target("date") or p.target("timestamp")
            wanted += [day.header] if day else []
        counts[p.contract] = distinct_counts(p.source, p.delimiter, wanted)
        add_value_maps(p, counts[p.contract])
        add_filters(p, counts[p.contract])
    names = [p.source.name for p in plans]
    for p in plans:
        if p.source.name != p.contract:
            p.glob = export_glob(p.source.name, names)

    copies = [data_dir / p.source.name for p in plans
              if data_dir.resolve() != p.source.resolve().parent]
    targets = [data_dir / COLUMN_MAPPING_FILE, data_dir / CLUB_FILE,
               data_dir / EQUIPMENT_FILE] + copies
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise DataError.single(
            f"{', '.join(t.name for t in existing)} already in {data_dir}", file=data_dir,
            rule="evaluate init writes a new club data folder and never overwrites a file",
            fix="run it on a new folder, or add --force to overwrite "
                + ", ".join(t.name for t in existing))

    mapping_text, decisions = columns_yml(plans)
    log = next((p for p in plans if p.contract == CONTRACT_FILES["checkins"]), None)
    newest = newest_day(log, counts[log.contract]) if log else None
    club_text, club_decisions = club_yml(
        _club_name(facts, data_dir), _currency(facts, currency),
        roster_date(exports["members"].name, newest, facts["month_first"]),
        _log_zone(plans[1:], counts))
    kept, others = equipment_ids()
    machines = next((p for p in plans if p.contract == CONTRACT_FILES["usage"]), None)
    unknown: list[str] = []
    machine_column = machines.target("equipment_id") if machines is not None else None
    if machines is not None and machine_column is not None:
        used = list(counts[machines.contract][machine_column.header].index)
        kept += [m for m in used if m in others]  # machines the club owns: in equipment.csv
        others = [m for m in others if m not in kept]
        unknown = [m for m in used if m not in kept]

    data_dir.mkdir(parents=True, exist_ok=True)
    for p in plans:
        if data_dir / p.source.name in copies:
            shutil.copy2(p.source, data_dir / p.source.name)
    (data_dir / COLUMN_MAPPING_FILE).write_text(mapping_text, encoding="utf-8")
    (data_dir / CLUB_FILE).write_text(club_text, encoding="utf-8")
    (data_dir / EQUIPMENT_FILE).write_text(
        "equipment_id,owned_units\n" + "".join(f"{i},0\n" for i in kept), encoding="utf-8")
    decisions += club_decisions
    if unknown:
        decisions.append(Decision(
            COLUMN_MAPPING_FILE, None, f"the usage log names machines that are not catalogue "
            f"ids: {', '.join(unknown[:20])}{' and more' if len(unknown) > 20 else ''}; map "
            "them onto catalogue ids with values, or add a row with every column to "
            "equipment.csv for each"))
    decisions.append(Decision(EQUIPMENT_FILE, None,
                              "set owned_units of each machine the club owns (0 where it owns "
                              "none), and add a row per catalogue machine to compare"))
    return InitResult(data_dir, targets[:3], copies, decisions, others)
