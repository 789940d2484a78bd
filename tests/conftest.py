"""Fixtures shared by the tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

# Property tests check results, not speed: hypothesis' default deadline of 200 ms per example
# fails them on a busy shared machine. Speed is measured in bench/, on demand.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty output folder for one test's builds."""
    return tmp_path / "reports"


@pytest.fixture(scope="session")
def chain_build(tmp_path_factory) -> Path:
    """The demo chain plan built here with 1,000 draws (built once): its latest build folder.

    The chain's tests read it, and the cluster's tests compare a build on workers with it.
    """
    from evaluate.paths import NOTEBOOKS_DIR
    from support import run_cli

    out = tmp_path_factory.mktemp("chain") / "reports"
    result = run_cli("build", "--plan", NOTEBOOKS_DIR / "chain-plan.yml", "--out", out,
                     "--param", "draws=1000")
    assert result.returncode == 0, result.stderr
    return (out / "latest").resolve()


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory) -> Path:
    """The decision, candidate and usage-review reports of a club with hostile names (built once).

    See ``hostile_data.py``.
    """
    from hostile_data import build_hostile

    return build_hostile(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def exposure_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """An age-sex table (two groups suppressed) and exposure segments of the same members."""
    from evaluate.reports.privacy import suppress_small_groups

    counts = [120, 100, 14, 90, 80, 3, 60, 50, 4]
    age_sex = pd.DataFrame({"age_band": np.repeat(["18–29", "30–44", "45–64"], 3),
                            "sex": ["Women", "Men", "Another or not stated"] * 3,
                            "members": counts})
    age_sex["share"] = age_sex["members"] / age_sex["members"].sum()
    age_sex = suppress_small_groups(age_sex)
    rows = []
    for band, (f, m, x) in zip(["18-29", "30-44", "45-64"], np.reshape(counts, (3, 3)),
                               strict=True):
        for sex, n in (("F", f), ("M", m), ("X", x)):  # two activities per age and sex
            rows += [(band, sex, "desk", n - n // 2, 0.4 * (n - n // 2)),
                     (band, sex, "active", n // 2, 0.25 * (n // 2))]
    segments = pd.DataFrame(rows, columns=["age_band", "sex", "activity", "members",
                                           "expected_with_back_pain_most_likely"])
    return age_sex, segments


# --- the demo club, loaded once per test module (tests may change their copy) ----------------

@pytest.fixture(scope="module")
def demo() -> dict:
    """The demo club's files as the loaders return them, logs read as of ``AS_OF``."""
    from evaluate.data.assumptions import load_assumptions
    from evaluate.data.checkins import load_checkins
    from evaluate.data.equipment import load_equipment
    from evaluate.data.members import load_members
    from evaluate.data.usage import load_equipment_usage
    from evaluate.paths import DEMO_DATA_DIR
    from model_support import AS_OF

    members = load_members(DEMO_DATA_DIR)
    equipment = load_equipment(DEMO_DATA_DIR)
    ids = pd.Index(members["member_id"])
    return {
        "members": members, "equipment": equipment,
        "assumptions": load_assumptions(DEMO_DATA_DIR),
        "checkins": load_checkins(DEMO_DATA_DIR, ids, as_of=AS_OF),
        "usage": load_equipment_usage(DEMO_DATA_DIR, pd.Index(equipment["equipment_id"]), ids,
                                      as_of=AS_OF),
    }


@pytest.fixture(scope="module")
def demo_club():
    """The demo club folder read and checked whole (:class:`evaluate.data.club_data.ClubData`)."""
    from evaluate.data.club_data import load_club_data
    from evaluate.paths import DEMO_DATA_DIR

    return load_club_data(DEMO_DATA_DIR)


@pytest.fixture(scope="module")
def exposure():
    """The exposure model's parameters at their documented defaults."""
    from evaluate.model.exposure import ExposureParameters

    return ExposureParameters.load()



# --- databases for evaluate extract: a real PostgreSQL server on loopback, a DuckDB file -----

@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server on 127.0.0.1 holding a club system's tables (``sql_support``).

    Started once per session with Debian's binaries, stopped (``pg_ctl stop -m fast``, else
    killed by its pid) and removed at the end. Skipped without the binaries, failed in CI.
    """
    import tempfile

    from sql_support import start_postgres

    # Not under pytest's tmp folder: that is private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="evaluate-pg-"))
    server = None
    try:
        server = start_postgres(folder)
        yield server
    finally:
        if server is not None:
            server.stop()
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def duckdb_file(tmp_path_factory) -> Path:
    """A DuckDB file holding the same club system's tables as ``postgres_server``."""
    from sql_support import make_duckdb

    return make_duckdb(tmp_path_factory.mktemp("duckdb") / "club.duckdb")
