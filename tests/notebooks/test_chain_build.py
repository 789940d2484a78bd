"""A chain build: one decision report per club in parallel, then the roll-up reading them."""

from __future__ import annotations

import json

import pytest

from evaluate.paths import NOTEBOOKS_DIR
from support import run_cli

pytestmark = pytest.mark.notebooks

CHAIN_PLAN = NOTEBOOKS_DIR / "chain-plan.yml"


@pytest.fixture(scope="module")
def built(chain_build):
    return chain_build


def summary(folder, name: str) -> dict:
    return json.loads((folder / f"{name}.summary.json").read_text(encoding="utf-8"))


def test_one_decision_per_club_and_the_roll_up(built):
    build = json.loads((built / "build.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in build["reports"]]
    assert sorted(names) == ["chain", "club-01-decision", "club-02-decision",
                             "club-03-decision"]
    assert all(r["status"] == "ok" for r in build["reports"])
    clubs = {summary(built, f"club-0{i}-decision")["club"] for i in (1, 2, 3)}
    assert clubs == {f"Demo club 0{i} (synthetic)" for i in (1, 2, 3)}


def test_roll_up_ranks_consistently_with_the_club_reports(built):
    rollup = summary(built, "chain")
    assert rollup["kind"] == "chain_rollup" and rollup["clubs"] == 3
    for i in (1, 2, 3):
        club = summary(built, f"club-0{i}-decision")
        assert rollup["recommendations"][club["club"]] == club["recommendation"]
        assert club["draws"] == 1000
    first = rollup["ranking"][0]
    picks = list(rollup["recommendations"].values())
    assert first["recommended_in"] == max(picks.count(m) for m in set(picks))
    best = max(summary(built, f"club-0{i}-decision")["candidates"][first["equipment_id"]]
               ["npv"]["p50"] for i in (1, 2, 3))
    assert first["best_npv_p50"] == pytest.approx(best)


def test_roll_up_exports_its_outcomes_table(built):
    import csv

    build = json.loads((built / "build.json").read_text(encoding="utf-8"))
    [rollup] = [r for r in build["reports"] if r["name"] == "chain"]
    assert [t["file"] for t in rollup["tables"]] == ["chain.outcomes.csv"]
    with (built / "chain.outcomes.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    summaries = [summary(built, f"club-0{i}-decision") for i in (1, 2, 3)]
    assert len(rows) == sum(len(s["candidates"]) for s in summaries)  # club x machine only
    assert rollup["tables"][0]["rows"] == len(rows)
    for row in rows:
        club = next(s for s in summaries if s["club"] == row["Club"])
        figures = club["candidates"][row["Equipment id"]]
        assert float(row["NPV P50"]) == pytest.approx(figures["npv"]["p50"])
        assert row["Recommended at the club"] == str(
            row["Equipment id"] == club["recommendation"]).lower()


def test_a_changed_club_rebuilds_its_report_and_the_roll_up_only(tmp_path):
    import shutil

    from evaluate.paths import DATA_DIR

    clubs = tmp_path / "clubs"
    shutil.copytree(DATA_DIR / "demo-chain", clubs)
    plan = tmp_path / "plan.yml"
    plan.write_text(CHAIN_PLAN.read_text(encoding="utf-8")
                    .replace("../data/demo-chain", str(clubs))
                    .replace("notebook: ", f"notebook: {NOTEBOOKS_DIR}/"), encoding="utf-8")
    out = tmp_path / "reports"

    def build() -> dict[str, bool]:
        result = run_cli("build", "--plan", plan, "--out", out, "--param", "draws=500")
        assert result.returncode == 0, result.stderr
        data = json.loads((out / "latest" / "build.json").read_text(encoding="utf-8"))
        return {r["name"]: r["cache"]["hit"] for r in data["reports"]}

    assert not any(build().values())
    assert all(build().values())  # nothing changed: every report reused, the roll-up too
    assumptions = clubs / "club-02" / "assumptions.yml"
    assumptions.write_text(assumptions.read_text(encoding="utf-8") + "\n# edited\n",
                           encoding="utf-8")
    assert build() == {"club-01-decision": True, "club-02-decision": False,
                       "club-03-decision": True, "chain": False}


def test_clubs_built_into_their_own_folders_roll_up_together(tmp_path):
    """One build per club into its own output folder (as a scheduler runs them), then roll-up."""
    out = tmp_path / "out"
    for club in ("club-01", "club-03"):
        result = run_cli("build", "--plan", CHAIN_PLAN, "--only", f"{club}-decision",
                         "--out", out / club, "--param", "draws=500")
        assert result.returncode == 0, result.stderr

    def roll_up(*extra: str) -> tuple[dict, dict]:
        result = run_cli("build", "--plan", CHAIN_PLAN, "--only", "chain", "--out",
                         out / "chain", "--param", f"summaries_from=[{out}/club-*]", *extra)
        assert result.returncode == 0, result.stderr
        folder = out / "chain" / "latest"
        return (summary(folder, "chain"),
                json.loads((folder / "build.json").read_text(encoding="utf-8")))

    rollup, build = roll_up()
    clubs = [summary(out / c / "latest", f"{c}-decision") for c in ("club-01", "club-03")]
    assert rollup["clubs"] == 2
    assert rollup["recommendations"] == {c["club"]: c["recommendation"] for c in clubs}
    [report] = build["reports"]
    assert report["parameters"]["summaries_from"] == [
        str((out / c / "latest").resolve()) for c in ("club-01", "club-03")]
    assert not report["cache"]["hit"]
    assert roll_up()[1]["reports"][0]["cache"]["hit"]  # the clubs' builds are unchanged
    latest = (out / "club-03" / "latest").resolve() / "club-03-decision.summary.json"
    latest.write_text(latest.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not roll_up()[1]["reports"][0]["cache"]["hit"]  # what it reads changed: it runs


def test_a_missing_folder_or_a_foreign_summary_stops_the_roll_up_before_it_runs(tmp_path):
    def dry_run(folder) -> str:
        result = run_cli("build", "--plan", CHAIN_PLAN, "--only", "chain", "--out",
                         tmp_path / "out", "--param", f"summaries_from=[{folder}]", "--dry-run")
        assert result.returncode == 2, result.stderr
        return result.stderr

    err = dry_run(tmp_path / "nowhere")
    assert f"summaries_from: '{tmp_path}/nowhere' ({tmp_path}/nowhere) is no folder" in err
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "club-01-decision.summary.json").write_text(json.dumps(
        {"report": "club-01-decision", "status": "ok", "kind": "decision", "club": "x"}))
    err = dry_run(foreign)
    assert (f"{foreign}/club-01-decision.summary.json: not a decision summary of this suite's "
            "schema") in err
    assert not (tmp_path / "out").exists()
