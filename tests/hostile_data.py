"""A club whose files carry HTML, script and spreadsheet formulas, and a build of its reports.

Shared by ``promises/test_hostile_content.py`` (the figures' JSON, the tables, the CSV files) and
``browser/test_hostile_in_browser.py`` (what Chromium draws), through the session fixture
``hostile_build`` in ``conftest.py``: the reports are built once per test session.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from evaluate.paths import NOTEBOOKS_DIR, PROJECT_ROOT

#: A machine name that would be a link and an image running script if drawn as HTML.
LINK_NAME = '<a href="https://evil.example">Rower</a><img src=x onerror=alert(1)>'
#: Plotly's own markup: a styled span and a line break.
STYLE_NAME = '<span style="color:red;font-size:60px">Back</span><br><b>extension</b> & co'
#: Cells a spreadsheet would run as formulas (OWASP CSV injection).
FORMULA_NOTE = '=HYPERLINK("http://evil","x")'
FORMULA_NAMES = {"glute_ham_developer": FORMULA_NOTE, "cable_tower": "@SUM(A1)"}
FORMULA_SOURCES = {"discount_rate": "+1", "horizon_years": "-2+3"}

CANDIDATE = "reverse_hyper"  # gets LINK_NAME
OWNED = "back_extension_45"  # gets STYLE_NAME: reviewed by the usage review

PLAN = f"""\
title: Hostile names
cell_timeout: 600
reports:
  - name: decision
    notebook: {NOTEBOOKS_DIR / 'decision_report.ipynb'}
    title: "Which machine to buy"
    parameters: {{draws: 500}}
  - name: candidate
    notebook: {NOTEBOOKS_DIR / 'candidate_profile.ipynb'}
    title: "Candidate profile"
    parameters: {{equipment_id: {CANDIDATE}, draws: 500}}
  - name: usage-review
    notebook: {NOTEBOOKS_DIR / 'usage_review.ipynb'}
    title: "Usage review"
    parameters: {{equipment_id: {OWNED}, draws: 500}}
"""


def hostile_club(folder: Path) -> Path:
    """A copy of the demo club with hostile machine names, notes and sources; its path."""
    club = folder / "club"
    shutil.copytree(PROJECT_ROOT / "data" / "demo", club)
    path = club / "equipment.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
        header = list(rows[0])
    for row in rows:
        if row["equipment_id"] == CANDIDATE:
            row.update(name=LINK_NAME, notes=FORMULA_NOTE,
                       footprint_source="<script>alert(2)</script> measured")
        elif row["equipment_id"] == OWNED:
            row.update(name=STYLE_NAME, notes="@SUM(A1)")
        elif row["equipment_id"] in FORMULA_NAMES:
            row.update(name=FORMULA_NAMES[row["equipment_id"]])
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    assumptions = club / "assumptions.yml"
    text = assumptions.read_text(encoding="utf-8")
    for name, source in FORMULA_SOURCES.items():
        start = text.index(f"\n{name}:\n")
        at = text.index("  source: assumption\n", start)
        text = text[:at] + f"  source: '{source}'\n" + text[at + len("  source: assumption\n"):]
    assumptions.write_text(text, encoding="utf-8")
    return club


def build_hostile(folder: Path) -> Path:
    """Build the decision, candidate and usage-review reports of :func:`hostile_club`.

    Returns the build folder (every report succeeded).
    """
    from support import run_cli

    club = hostile_club(folder)
    plan = folder / "plan.yml"
    plan.write_text(PLAN, encoding="utf-8")
    out = folder / "reports"
    result = run_cli("build", "--plan", plan, "--data-dir", club, "--out", out, "--jobs", "2",
                     timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    return (out / "latest").resolve()


def rebuild(build: Path) -> Path:
    """Build the same plan and club into the same output folder again; the new build folder.

    Nothing changed, so every report is reused from the cache.
    """
    from support import run_cli

    folder = build.parent.parent
    result = run_cli("build", "--plan", folder / "plan.yml", "--data-dir", folder / "club",
                     "--out", build.parent, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return (build.parent / "latest").resolve()
