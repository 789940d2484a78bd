"""Small typed rosters and machines for the model tests, built like the loaders build them."""

from __future__ import annotations

import pandas as pd

from evaluate.data.assumptions import Assumption
from evaluate.data.equipment import CATEGORIES
from evaluate.data.members import OCCUPATIONS, SEXES, STATUSES, TRAINING_GOALS

AS_OF = "2026-11-01"


def roster(rows: list[dict]) -> pd.DataFrame:
    """A typed member frame; each row gives any of birth_year, sex, occupation, goal, visits.

    Defaults: born 1991 (35 on AS_OF), F, active, joined 2020-01-01, occupation and goal
    unknown, 2 visits a week.
    """
    full = [{"birth_year": 1991, "sex": "F", "status": "active", "occupation_activity": None,
             "training_goal": None, "visits_per_week": 2.0, "join_date": "2020-01-01",
             "cancel_date": None, **row} for row in rows]
    frame = pd.DataFrame(full)
    return pd.DataFrame({
        "member_id": [f"M{i:04d}" for i in range(len(frame))],
        "birth_year": frame["birth_year"].astype("Int64"),
        "sex": pd.Categorical(frame["sex"], categories=list(SEXES)),
        "join_date": pd.to_datetime(frame["join_date"]).astype("datetime64[us]"),
        "status": pd.Categorical(frame["status"], categories=list(STATUSES)),
        "cancel_date": pd.to_datetime(frame["cancel_date"]).astype("datetime64[us]"),
        "monthly_dues": 45.0,
        "occupation_activity": pd.Categorical(frame["occupation_activity"],
                                              categories=list(OCCUPATIONS)),
        "training_goal": pd.Categorical(frame["training_goal"],
                                        categories=list(TRAINING_GOALS)),
        "visits_per_week": frame["visits_per_week"].astype(float),
    })


def machines(rows: list[dict]) -> pd.DataFrame:
    """A typed equipment frame with the columns the demand model reads."""
    full = [{"equipment_type": "strength", "muscles": "erector_spinae;gluteus_maximus;hamstrings",
             "back_care_relevance": "high", "supervision": "trainer", "session_minutes": 10.0,
             "stations": 1, "owned_units": 0, **row} for row in rows]
    frame = pd.DataFrame(full)
    for column in ("equipment_type", "back_care_relevance", "supervision"):
        frame[column] = pd.Categorical(frame[column], categories=list(CATEGORIES[column]))
    return frame.astype({"stations": "int64", "owned_units": "int64"})


def fixed(assumptions: dict[str, Assumption], **ranges: tuple[float, float, float]
          ) -> dict[str, Assumption]:
    """Every assumption fixed at its most-likely value, except ``ranges``."""
    out = {}
    for name, a in assumptions.items():
        low, likely, high = ranges.get(name, (a.most_likely,) * 3)
        out[name] = a.model_copy(update={"low": low, "most_likely": likely, "high": high})
    return out



def usage_log(plan: dict[str, tuple[int, float]], member_ids: list[str], weeks: int = 52,
              start: str = "2025-11-03", with_ids: bool = True) -> pd.DataFrame:
    """A typed usage log: ``plan`` maps a machine to (regular users, sessions a week each).

    Each user does ``round(rate × weeks)`` sessions spread evenly over the ``weeks``, the
    first on the first day; one extra session on the last day fixes the log's span, so a
    machine's sessions a week are ``users × rate`` (plus one over the span). Users are the
    first members of ``member_ids`` for each machine.
    """
    import numpy as np

    first = pd.Timestamp(start)
    rows = []
    for machine, (users, rate) in plan.items():
        count = int(round(rate * weeks))
        for i in range(users):
            for k in range(count):
                day = int(k * weeks * 7 / count)
                rows.append((first + pd.Timedelta(days=day, hours=10 + i % 8), machine,
                             member_ids[i]))
    rows.append((first + pd.Timedelta(days=weeks * 7 - 1, hours=12), next(iter(plan)),
                 member_ids[0]))
    frame = pd.DataFrame(rows, columns=["timestamp", "equipment_id", "member_id"])
    ids = frame["member_id"].where(np.full(len(frame), with_ids))
    return pd.DataFrame({
        "timestamp": frame["timestamp"].astype("datetime64[us]"),
        "equipment_id": pd.Categorical(frame["equipment_id"], categories=list(plan)),
        "duration_min": 5.0,
        "member_id": pd.Categorical(ids, categories=list(dict.fromkeys(member_ids)))})
