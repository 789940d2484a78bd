"""Nothing member-level reaches a report: unused personal columns stop at the loader."""

from __future__ import annotations

import json
import shutil

import pandas as pd

from evaluate.paths import DEFAULT_PLAN, DEMO_DATA_DIR
from support import run_cli


def test_names_emails_and_phones_never_reach_any_report_file(tmp_path):
    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    roster = pd.read_csv(club / "members.csv", dtype=str, keep_default_na=False)
    roster.insert(1, "first_name", [f"Zelda{i:04d}" for i in range(len(roster))])
    roster["email"] = [f"person{i}@secret.example" for i in range(len(roster))]
    roster["phone"] = "555-0199"
    roster.to_csv(club / "members.csv", index=False)
    out = tmp_path / "reports"
    result = run_cli("build", "--plan", DEFAULT_PLAN, "--out", out, "--data-dir", club)
    assert result.returncode == 0, result.stderr
    files = [p for p in (out / "latest").rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".html", ".ipynb", ".json"}
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for secret in ("Zelda", "secret.example", "555-0199", "first_name"):
            assert secret not in text, f"{secret} in {path.name}"
        assert "M000001" not in text, f"a member id in {path.name}"
    summary = json.loads(next((out / "latest").glob("*.summary.json")).read_text())
    assert summary["figures"]["members"]["value"] > 0
