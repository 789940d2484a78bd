"""The club's own facts from ``club.yml``: name, currency, time zone, export date, synthetic.

``exchange_rates`` turn a figure the suite holds in another currency (the bundled
equipment catalogue's prices, the default trainer-session price and floor cost, in USD)
into the club's currency; without the rate such a figure is refused, never shown as if it
were in the club's currency.

Kept apart from the roster loader so that the build can name the data it used
without importing pandas.
"""

from __future__ import annotations

import datetime
import re
from functools import cache
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from evaluate.data.yaml_files import read_yaml, top_line
from evaluate.errors import DataError, Problem, did_you_mean

CLUB_FILE = "club.yml"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
EXCHANGE_RULE = ("exchange_rates: {USD: {rate: 0.79, date: 2026-11-01, source: ...}}, the "
                 "club's currency per one unit of the other, the date and where it was read")


class ExchangeRate(BaseModel):
    """One rate from ``club.yml``: how many of the club's currency one unit of another buys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rate: float = Field(gt=0, allow_inf_nan=False)
    date: datetime.date
    source: str = Field(min_length=1)

    def note(self, currency: str, amounts: str, club_currency: str) -> str:
        """What a page says of a converted figure: the original, the rate, its date and source.

        For example "converted from USD 775 at 0.79 GBP per USD (Bank of England spot,
        2026-11-01)".
        """
        return (f"converted from {currency} {amounts} at {self.rate:g} {club_currency} per "
                f"{currency} ({self.source}, {self.date.isoformat()})")


def rate_fix(currency: str) -> str:
    """The club.yml line that supplies a missing rate, as a fix says it."""
    return (f"add exchange_rates: {{{currency}: {{rate: ..., date: ..., source: ...}}}} "
            f"to club.yml")


class ClubInfo(BaseModel):
    """Facts about the club from ``club.yml`` that reports print."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD")
    synthetic: bool = False
    #: The roster date (:func:`evaluate.data.roster.roster_date`): the day ``members.csv``
    #: was exported. None: told from the data's own dates.
    export_date: datetime.date | None = None
    timezone: str | None = Field(default=None, description="IANA time zone, e.g. Europe/London")
    exchange_rates: dict[CurrencyCode, ExchangeRate] = Field(
        default_factory=dict, description="club currency per unit of another, e.g. GBP per USD")

    @field_validator("export_date", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        """A calendar date (YAML ``2026-11-01``, quoted or not), never a number or a time.

        Pydantic alone would read ``20261101`` as seconds since 1970; a date after today
        cannot be the day of an export.
        """
        if value is None:
            return None
        if isinstance(value, str):
            try:
                text = value.strip()
                value = datetime.date.fromisoformat(text) if ISO_DATE.fullmatch(text) else None
            except ValueError:  # 2026-02-30
                value = None
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            raise ValueError("export_date is a date as YYYY-MM-DD, e.g. 2026-11-01 (the day "
                             "members.csv was exported)")
        if value > datetime.date.today():
            raise ValueError(f"export_date {value} is after today "
                             f"({datetime.date.today()}): it is the day members.csv was "
                             "exported")
        return value


    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        if name is not None and not is_time_zone(name):
            raise ValueError(f"unknown time zone '{name}'")
        return name


TIMEZONE_FIX = "add `timezone: Europe/London` (the club's IANA time zone) to club.yml"


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def is_time_zone(name: str) -> bool:
    """True when ``name`` is an IANA time zone the system's time-zone database holds."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in _zone_names() or name == "UTC"


def club_timezone(data_dir: Path) -> str | None:
    """The club's time zone from ``club.yml``; None when it names none or cannot be read.

    The logs' loaders read it to turn zoned timestamps into the club's local time; a
    broken ``club.yml`` is reported by :func:`load_club` in the folder check.
    """
    club = readable_club(data_dir)
    return club.timezone if club is not None else None


def _fix(loc: str, value: object) -> str:
    """How to correct one key of club.yml."""
    if loc == "timezone":
        return (did_you_mean(str(value), _zone_names()) + "write the club's IANA time zone, "
                "e.g. Europe/London or America/New_York (the 'TZ identifier' column of "
                "en.wikipedia.org/wiki/List_of_tz_database_time_zones)")
    return "correct the key in club.yml"


def load_club(data_dir: Path) -> ClubInfo:
    """Read ``club.yml`` in ``data_dir`` (safe YAML only): its name, currency, time zone..."""
    path = Path(data_dir) / CLUB_FILE
    if not path.is_file():
        raise DataError.single(f"{CLUB_FILE} not found in {path.parent}", file=path,
                               fix="create club.yml with at least `name:` and `currency:` "
                                   "(see data/README.md)")
    content = read_yaml(path)
    if not isinstance(content, dict):
        raise DataError.single("expected keys such as `name:` and `currency:`", file=path,
                               row=top_line(path.read_text(encoding="utf-8")) or 1,
                               value=content,
                               rule="club.yml is a mapping of keys to values",
                               fix="see the example in data/README.md")
    try:
        return ClubInfo.model_validate(content)
    except ValidationError as exc:
        problems = [Problem(f"key '{'.'.join(str(p) for p in err['loc'])}': {err['msg']}",
                            file=path, value=err.get("input") if err["type"] != "missing"
                            else None, rule=EXCHANGE_RULE if err["loc"][0] == "exchange_rates"
                            else "name: text; currency: ISO code such as USD; "
                            "synthetic: true or false; timezone: IANA name such as "
                            "Europe/London", fix=_fix(str(err["loc"][0]), err.get("input")))
                    for err in exc.errors()]
        raise DataError(problems=problems) from exc


def readable_club(data_dir: Path) -> ClubInfo | None:
    """``club.yml``'s facts, or None when it cannot be read (its own check says why).

    For loaders that convert a figure into the club's currency: a folder without a readable
    ``club.yml`` is refused by the folder check before anything runs.
    """
    try:
        return load_club(data_dir)
    except DataError:
        return None
