"""Shared fixtures: paths to the small fixture notebooks and plans, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
NOTEBOOKS = FIXTURES / "notebooks"
PLANS = FIXTURES / "plans"
CLUB = FIXTURES / "club"


def run_cli(*args: str | Path, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """Run ``evaluate ARGS`` in a new process, as cron or a terminal would."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "evaluate", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env, **kwargs)


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty output folder for one test's builds."""
    return tmp_path / "reports"
