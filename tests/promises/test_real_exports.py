"""A real club's exports come in with YAML alone, and the reports show their known truth.

``tests/fixtures/exports/`` holds clubs whose exports are shaped like real club-management
systems' (its README names each system and the public page the shape follows), each with the
``columns.yml`` and ``club.yml`` that bring it in and ``truth.json``: the figures its reports
must show, worked out by ``make_fixtures.py`` from its own draws, never by this package.

How each figure is compared (``truth.json``'s ``definitions`` say how each was worked out):

- active members on the roster date, median age, share of women: exactly. They are counts
  and medians of the roster, and read right they cannot differ.
- median visits a week: to 1e-9. It is the member profile's own measure (each member's
  check-ins in their last 12 weeks as a member within the log, data/README.md "Check-in
  log"), worked out by the generator from its drawn check-ins in the club's local time.
- busiest hour: the same weekday and hour, in local time ("Mon 18:00"), as the forecast
  reads it from the log (the most check-ins per such weekday over the log's span). Each
  fixture's hour profile peaks clearly (``margin_over_next`` in truth.json: the busiest hour
  holds at least 30% more check-ins a week than the next), so the hour is no coin toss.
  A fixture without a check-in log has none, and the forecast uses the assumption.
- mean monthly dues: to a millionth (the truth is rounded to six decimals). The truth turns
  a fortnight's fee into 26/12 months', four weeks' into 13/12 and a year's into 1/12, the
  suite's factors (a year of 52 weeks; data/README.md). No report page shows this figure:
  it is the dues the forecast's money uses (:func:`evaluate.model.prepared.model_inputs`),
  read here from the model.

The fast tests read the folder as the reports do; the ``notebooks`` test builds the default
plan on each fixture and reads the figures from the built ``summary.json`` and pages.
"""

from __future__ import annotations

import ast
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from evaluate.data.club_data import load_club_data
from evaluate.data.roster import load_roster
from evaluate.model.prepared import model_inputs
from evaluate.reports import member_profile
from support import FIXTURES, page_figures, run_cli

EXPORTS = FIXTURES / "exports"
GENERATOR = EXPORTS / "make_fixtures.py"
SHAPES = ("abc-datatrak", "clubware", "mindbody", "fitness-gm", "kaggle-gym")
# A few hundred members and a few thousand check-ins each (about 1.1 MB in all): enough to
# measure the busiest hour (5,000 check-ins), small enough to keep in the repository.
MAX_FIXTURE_BYTES = 1_500_000
DUES_TOLERANCE = 1e-6  # relative: truth.json rounds the mean to six decimals
MIN_PEAK_MARGIN = 1.3  # the busiest hour's check-ins a week over the next hour's
DRAWS = 500  # Monte Carlo draws of the builds: the figures checked do not depend on them


def truth(shape: str) -> dict:
    return json.loads((EXPORTS / shape / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def clubs(tmp_path_factory) -> dict[str, Path]:
    """A copy of each fixture folder (file times kept), so no run writes into the fixtures."""
    root = tmp_path_factory.mktemp("real-exports")
    return {shape: Path(shutil.copytree(EXPORTS / shape, root / shape)) for shape in SHAPES}


def test_the_generator_writes_the_committed_fixtures(tmp_path):
    result = subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for shape in SHAPES:
        fresh = sorted(p.name for p in (tmp_path / shape).iterdir())
        committed = sorted(p.name for p in (EXPORTS / shape).iterdir() if p.name != "README.md")
        assert fresh == committed, shape
        for name in fresh:
            assert ((tmp_path / shape / name).read_bytes()
                    == (EXPORTS / shape / name).read_bytes()), f"{shape}/{name}: run {GENERATOR}"


def test_the_generator_shares_nothing_with_the_suite():
    """Truth drawn with the model's own assumptions would agree with the model by design."""
    tree = ast.parse(GENERATOR.read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] == "evaluate"}
    assert "demo.py" not in GENERATOR.read_text(encoding="utf-8")


def test_the_fixtures_are_small_and_real_shaped():
    size = sum(p.stat().st_size for shape in SHAPES for p in (EXPORTS / shape).iterdir())
    assert size < MAX_FIXTURE_BYTES
    for shape in SHAPES:
        found = truth(shape)
        assert (EXPORTS / shape / "README.md").exists()
        assert not (EXPORTS / shape / "members.csv").exists()  # the export's own name
        if found["busiest_hour"] is not None:
            assert found["checkins"] >= 5_000
            assert found["busiest_hour"]["margin_over_next"] >= MIN_PEAK_MARGIN
    european = (EXPORTS / "fitness-gm").glob("*_export_*.csv")
    for path in european:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b";" in raw[:40]


@pytest.mark.parametrize("shape", SHAPES)
def test_the_exports_validate_with_yaml_alone(clubs, shape):
    result = run_cli("validate", "--data-dir", clubs[shape])
    assert result.returncode == 0, result.stdout + result.stderr
    left_out = truth(shape)["rows_left_out"]
    for contract, count in left_out.items():
        if count:
            export = _export(clubs[shape], f"{contract}.csv")
            assert f"{count:,} of {_rows(export):,} rows left out" in result.stdout, contract


@pytest.mark.parametrize("shape", SHAPES)
def test_the_roster_figures_are_the_truth(clubs, shape):
    expected = truth(shape)
    roster = load_roster(clubs[shape])
    assert roster.roster_date == pd.Timestamp(expected["roster_date"])
    figures = member_profile.headline(roster.members, "active", roster.roster_date)
    assert figures.members == expected["active_members"]
    assert figures.median_age == expected["median_age"]
    assert figures.share_women == pytest.approx(expected["share_women"], abs=1e-12)
    assert figures.median_visits_per_week == pytest.approx(expected["median_visits_per_week"],
                                                           abs=1e-9)


@pytest.mark.parametrize("shape", SHAPES)
def test_the_model_reads_the_dues_and_the_busiest_hour(clubs, shape):
    expected = truth(shape)
    data = load_club_data(clubs[shape])
    model = model_inputs(data.members, data.equipment, data.assumptions,
                         checkins=data.checkins, as_of=data.roster_date)
    assert model.monthly_dues == pytest.approx(expected["mean_monthly_dues"],
                                               rel=DUES_TOLERANCE)
    assert data.club.currency == expected["currency"]
    if expected["busiest_hour"] is None:
        assert model.peak.source == "assumption peak_hour_share"
    else:
        assert (model.peak.source, model.peak.hour) == ("check-in log",
                                                       expected["busiest_hour"]["label"])


@pytest.mark.notebooks
@pytest.mark.parametrize("shape", SHAPES)
def test_the_default_plan_builds_and_shows_the_truth(clubs, shape, tmp_path):
    expected = truth(shape)
    out = tmp_path / "reports"
    result = run_cli("build", "--data-dir", clubs[shape], "--out", out,
                     "--param", f"draws={DRAWS}", timeout=900)
    assert result.returncode == 0, result.stderr
    built = out / "latest"
    summary = json.loads((built / "member-profile-active.summary.json").read_text("utf-8"))
    figures = {name: record["value"] for name, record in summary["figures"].items()}
    assert figures["members"] == expected["active_members"]
    assert figures["median_age"] == expected["median_age"]
    assert figures["share_women"] == pytest.approx(expected["share_women"], abs=1e-12)
    assert figures["median_visits_per_week"] == pytest.approx(
        expected["median_visits_per_week"], abs=1e-9)
    decision = json.loads((built / "decision.summary.json").read_text("utf-8"))
    assert decision["status"] == "ok" and decision["currency"] == expected["currency"]
    page = " ".join(page_figures((built / "decision.html").read_text("utf-8")).split())
    if expected["busiest_hour"] is not None:
        assert f"at the busiest hour ({expected['busiest_hour']['label']})" in page


def _export(club: Path, contract: str) -> Path:
    """The export ``columns.yml`` reads as ``contract`` (its ``file`` glob's one match)."""
    pattern = yaml.safe_load((club / "columns.yml").read_text("utf-8"))[contract]["file"]
    [path] = club.glob(pattern)
    return path


def _rows(path: Path) -> int:
    """Data rows of a CSV export (any of ',' or ';', a byte-order mark allowed)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1
