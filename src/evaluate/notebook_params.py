"""Parameter models of the notebooks: what each notebook accepts, checked before it runs.

The build validates a plan's parameters with :data:`PARAMETER_MODELS` before executing
anything, and each notebook validates its own ``parameters`` cell with the same model, so a
bad value fails with a clear message whether the report runs from the build, papermill or
JupyterLab. The field names and defaults must match the notebook's ``parameters`` cell
(``tests/test_notebook_params.py`` checks this).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from evaluate.paths import resolve_data_dir
from evaluate.privacy import MIN_GROUP_SIZE


class MemberProfileParams(BaseModel):
    """Parameters of ``notebooks/member_profile.ipynb``."""

    model_config = ConfigDict(extra="forbid")

    data_dir: str = Field("", description="club data folder; empty = the bundled demo club")
    status: Literal["active", "cancelled", "all"] = Field(
        "active", description="which members to profile: active, cancelled or all")
    as_of: str = Field("", description="profile date, YYYY-MM-DD; empty = latest date in data")
    min_group_size: int = Field(MIN_GROUP_SIZE, ge=MIN_GROUP_SIZE,
                                description="smallest group shown in charts and tables")

    @field_validator("as_of")
    @classmethod
    def _iso_date_or_empty(cls, value: str) -> str:
        value = value.strip()
        if value:
            try:
                date.fromisoformat(value)
            except ValueError as exc:
                raise ValueError(f"as_of must be a date as YYYY-MM-DD or empty, not {value!r}"
                                 ) from exc
        return value

    @property
    def resolved_data_dir(self) -> Path:
        """The data folder as an absolute path (the demo club when ``data_dir`` is empty)."""
        return resolve_data_dir(self.data_dir)

    @property
    def as_of_date(self) -> date | None:
        """``as_of`` as a date, or ``None`` for the latest date in the data."""
        return date.fromisoformat(self.as_of) if self.as_of else None


# Keyed by notebook file stem; the build looks up a report's model here.
PARAMETER_MODELS: dict[str, type[BaseModel]] = {"member_profile": MemberProfileParams}
