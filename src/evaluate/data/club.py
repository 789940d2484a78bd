"""The club's own facts from ``club.yml``: its name, currency and whether it is synthetic.

Kept apart from the roster loader so that the build can name the data it used
without importing pandas.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evaluate.data.yaml_files import read_yaml, top_line
from evaluate.errors import DataError, Problem

CLUB_FILE = "club.yml"


class ClubInfo(BaseModel):
    """Facts about the club from ``club.yml`` that reports print."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(min_length=1)
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. USD")
    synthetic: bool = False


def load_club(data_dir: Path) -> ClubInfo:
    """Read ``club.yml`` in ``data_dir`` (safe YAML only): the club's name, currency, synthetic."""
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
                            "synthetic: true or false", fix="correct the key in club.yml")
                    for err in exc.errors()]
        raise DataError(problems=problems) from exc
