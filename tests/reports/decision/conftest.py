"""Fixtures of the decision's tests: the demo club's decision, analysed once per module."""

from __future__ import annotations

import pytest

from evaluate.reports.decision.analysis import analyse_decision
from evaluate.reports.notebook_params import DecisionReportParams
from support import DRAWS


@pytest.fixture(scope="module")
def data(demo_club):
    """The demo club, read whole."""
    return demo_club


@pytest.fixture(scope="module")
def default(data):
    """The demo club's decision at the default parameters (fewer draws, for speed)."""
    return analyse_decision(DecisionReportParams(draws=DRAWS), data)
