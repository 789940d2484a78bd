"""Helpers shared by the tests: paths to the small fixture notebooks and plans, a CLI runner."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
NOTEBOOKS = FIXTURES / "notebooks"
PLANS = FIXTURES / "plans"
CLUB = FIXTURES / "club"


def run_cli(*args: str | Path, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """Run ``evaluate ARGS`` in a new process, as cron or a terminal would."""
    return subprocess.run([sys.executable, "-m", "evaluate", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, **kwargs)
