"""The club's own facts from ``club.yml``: its name, currency, time zone, whether synthetic.

Kept apart from the roster loader so that the build can name the data it used
without importing pandas.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from evaluate.data.yaml_files import read_yaml, top_line
from evaluate.errors import DataError, Problem, did_you_mean

CLUB_FILE = "club.yml"


class ClubInfo(BaseModel):
    """Facts about the club from ``club.yml`` that reports print."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD")
    synthetic: bool = False
    timezone: str | None = Field(default=None, description="IANA time zone, e.g. Europe/London")

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
    try:
        return load_club(data_dir).timezone
    except DataError:
        return None


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
                            else None, rule="name: text; currency: ISO code such as USD; "
                            "synthetic: true or false; timezone: IANA name such as "
                            "Europe/London", fix=_fix(str(err["loc"][0]), err.get("input")))
                    for err in exc.errors()]
        raise DataError(problems=problems) from exc
