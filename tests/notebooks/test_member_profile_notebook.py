"""Smoke tests: the member-profile notebook runs under papermill cleanly and records figures."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

from evaluate.build.html_export import PLOTLY_MIME, notebook_to_html
from evaluate.data.members import load_members
from evaluate.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR
from evaluate.reports import member_profile
from evaluate.reports.results import read_records
from support import code_outputs, execute_notebook

pytestmark = pytest.mark.notebooks

NOTEBOOK = NOTEBOOKS_DIR / "member_profile.ipynb"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "members"


def assert_clean(nb: nbformat.NotebookNode) -> None:
    for output in code_outputs(nb):
        assert output["output_type"] != "error"
        assert output.get("name") != "stderr", output.get("text")
    text = nbformat.writes(nb)
    assert "M000" not in text  # no member ids, hence no member-level rows


def test_cancelled_members_on_the_demo(tmp_path):
    nb = execute_notebook("member_profile", tmp_path, status="cancelled")
    assert_clean(nb)
    records = read_records(nb)
    expected = member_profile.headline(load_members(DEMO_DATA_DIR), "cancelled")
    assert records["members"]["value"] == expected.members
    assert records["median_age"] == {"value": expected.median_age, "label": "Median age",
                                     "unit": "years", "source": "club data: members.csv"}
    assert set(records) == {"members", "median_age", "share_women", "median_visits_per_week",
                            "median_tenure_months", "share_desk_workers"}
    charts = [o for o in code_outputs(nb) if PLOTLY_MIME in o.get("data", {})]
    assert len(charts) == 4  # age and sex, visits, tenure, goals
    page = notebook_to_html(nb, title="Member profile", context={
        "build_id": "test", "built_at": "now", "suite_version": "0"})
    assert page.count('class="plotly-graph-div"') == 4  # every chart survives HTML export


def test_a_club_too_small_to_show_runs_and_hides_everything(tmp_path):
    data = tmp_path / "club"
    data.mkdir()
    shutil.copy(FIXTURES / "members_personal_columns.csv", data / "members.csv")
    (data / "club.yml").write_text("name: Tiny\ncurrency: EUR\n", encoding="utf-8")
    nb = execute_notebook("member_profile", tmp_path, data_dir=str(data), status="all")
    assert_clean(nb)
    records = read_records(nb)
    assert records["members"]["value"] == 2
    assert records["median_age"]["value"] is None
    markdown = "".join(o["data"].get("text/markdown", "") for o in code_outputs(nb)
                       if "data" in o)
    assert "Fewer than 10 members" in markdown and "synthetic" not in markdown
    assert "ann@example.org" not in nbformat.writes(nb)
