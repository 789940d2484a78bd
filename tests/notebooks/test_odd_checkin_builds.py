"""Short or odd check-in logs build right reports: no "inf" or "nan" on any page.

One chain build of three copies of the demo club whose check-in logs are rewritten: one row,
two days, and every visit at 18:00. None of them can measure the busiest hour, so the
forecast uses the documented assumption ``peak_hour_share`` and every report citing the
busiest hour says why. The one-row club also sets that assumption so high that the most
likely machine is over capacity at the busiest hour: its pages say the queue grows without
limit, never "busy 1540% of the time" and an average wait of "inf" minutes, as they did.
"""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

from evaluate.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR
from evaluate.reports.formatting import UNSTABLE_QUEUE
from support import non_finite_figures, page_figures, run_cli

pytestmark = pytest.mark.notebooks

CLUBS = ("one-row", "two-days", "one-hour")
REPORTS = ("decision", "candidate", "usage-review")


def odd_clubs(root):
    """Copies of the demo club, each with its check-in log rewritten (CLUBS)."""
    log = pd.read_parquet(DEMO_DATA_DIR / "checkins.parquet")
    day = log["timestamp"].dt.normalize()
    logs = {"one-row": log.head(1),
            "two-days": log.loc[day < day.min() + pd.Timedelta(days=2)],
            "one-hour": log.assign(timestamp=day + pd.Timedelta(hours=18))}
    for name in CLUBS:
        club = root / name
        shutil.copytree(DEMO_DATA_DIR, club)
        (club / "checkins.parquet").unlink()
        logs[name].astype({"member_id": str}).to_csv(club / "checkins.csv", index=False)
    assumptions = root / "one-row" / "assumptions.yml"
    text = assumptions.read_text(encoding="utf-8")
    high = re.sub(r"(peak_hour_share:\n  low: )0.015\n  most_likely: 0.02\n  high: 0.03",
                  r"\g<1>0.3\n  most_likely: 0.4\n  high: 0.5", text)
    assert high != text
    assumptions.write_text(high, encoding="utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd-checkins")
    odd_clubs(root)
    notebooks = {"decision": "decision_report", "candidate": "candidate_profile",
                 "usage-review": "usage_review"}
    entries = [{"name": name, "title": name, "per_club": True,
                "notebook": str(NOTEBOOKS_DIR / f"{notebooks[name]}.ipynb")} for name in REPORTS]
    entries[2]["parameters"] = {"equipment_id": "back_extension_45"}
    plan = root / "plan.yml"
    plan.write_text(json.dumps({"title": "Odd check-in logs", "clubs": list(CLUBS),
                                "shared_plotly": True, "reports": entries}), encoding="utf-8")
    out = root / "reports"
    result = run_cli("build", "--plan", plan, "--out", out, "--param", "draws=1000",
                     timeout=900)
    assert result.returncode == 0, result.stderr
    return out / "latest"


def page(built, club: str, report: str) -> str:
    return " ".join(page_figures((built / f"{club}-{report}.html").read_text("utf-8")).split())


def test_no_page_nor_summary_shows_inf_or_nan(built):
    assert non_finite_figures(built) == []


@pytest.mark.parametrize("club", CLUBS)
def test_every_page_citing_the_busiest_hour_says_the_log_was_not_used(built, club):
    for report in REPORTS:
        assert "the check-in log cannot measure it" in page(built, club, report), report


def test_a_machine_over_capacity_is_an_unstable_queue_in_words(built):
    decision = page(built, "one-row", "decision")
    assert f"at the busiest hour {UNSTABLE_QUEUE} (forecast demand" in decision
    assert "over capacity" in page(built, "one-row", "candidate")
    for report in REPORTS:
        assert not re.search(r"busy \d{3,}%", page(built, "one-row", report)), report
