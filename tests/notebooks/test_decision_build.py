"""The decision report as the build publishes it: summary.json follows its documented schema,
and the index shows the recommendation."""

from __future__ import annotations

import json

import pytest

from evaluate.reports.summary_schema import DecisionSummaryFile
from support import run_cli

pytestmark = pytest.mark.notebooks


def test_built_decision_summary_follows_the_schema(tmp_path):
    out = tmp_path / "reports"
    result = run_cli("build", "--only", "decision", "--param", "draws=2000", "--out", out)
    assert result.returncode == 0, result.stderr
    [summary_path] = (out / "latest").glob("decision*.summary.json")
    raw = json.loads(summary_path.read_text(encoding="utf-8"))
    summary = DecisionSummaryFile(**raw)
    assert summary.status == "ok" and summary.draws == 2000
    assert summary.recommendation in summary.candidates
    for candidate in summary.candidates.values():
        for band in (candidate.weekly_uses, candidate.npv):
            assert band.p10 <= band.p50 <= band.p90
    index = (out / "index.html").read_text(encoding="utf-8")
    assert summary.headline.split(":")[0] in index  # "Buy the reverse hyperextension"
