"""Fixtures shared by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty output folder for one test's builds."""
    return tmp_path / "reports"


@pytest.fixture(scope="session")
def hostile_build(tmp_path_factory) -> Path:
    """The decision, candidate and usage-review reports of a club with hostile names (built once).

    See ``hostile_data.py``.
    """
    from hostile_data import build_hostile

    return build_hostile(tmp_path_factory.mktemp("hostile"))
