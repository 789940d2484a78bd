"""Smoke tests: the member-profile notebook runs under papermill cleanly and records figures."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from evaluate.build.html_export import PLOTLY_MIME, notebook_to_html
from evaluate.data.members import load_members
from evaluate.paths import DEMO_DATA_DIR, NOTEBOOKS_DIR
from evaluate.reports import member_profile
from evaluate.reports.results import CAPTION_MIME, chart_text, read_records
from support import code_outputs, edited_club, execute_notebook

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
    outputs = code_outputs(nb)
    charts = [o for o in outputs if PLOTLY_MIME in o.get("data", {})]
    assert len(charts) == 4  # age and sex, visits, tenure, goals
    # In JupyterLab each chart is followed by its text alternative, title and summary.
    for chart in charts:
        caption = outputs[outputs.index(chart) + 1]["data"]
        title, summary = chart_text(chart["data"][PLOTLY_MIME])
        assert caption[CAPTION_MIME] == {"title": title, "summary": summary} and summary
        assert caption["text/markdown"].startswith(f"*Chart: {title}.*")
    # Its tables have one header row each, the first cell naming the row labels.
    tables = [o["data"]["text/html"] for o in outputs if "<table" in o.get("data", {}).get(
        "text/html", "")]
    assert tables and all(t.count("<tr", 0, t.index("</thead>")) == 1 for t in tables)
    page = notebook_to_html(nb, title="Member profile", context={
        "build_id": "test", "built_at": "now", "suite_version": "0"})
    assert page.count('class="plotly-graph-div"') == 4  # every chart survives HTML export
    assert page.count('<figure class="report-chart">') == 4


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


def test_a_stale_club_is_profiled_on_its_last_check_in_and_says_how_old_it_is(tmp_path):
    """No join since 2019 and check-ins that ended two years ago (2 November 2024): the page
    is dated by the last check-in, the ages are taken on it, and its first screen says how
    far that is from the day it was made."""
    from datetime import date

    from evaluate.data.roster import load_roster
    from evaluate.reports.formatting import letter_date
    from support import stale_club

    club = stale_club(tmp_path, weeks_back=104)
    roster = load_roster(club)
    assert roster.roster_date == pd.Timestamp("2024-11-02")
    nb = execute_notebook("member_profile", tmp_path, data_dir=str(club))
    assert_clean(nb)
    expected = member_profile.headline(roster.members, "active", roster.roster_date)
    assert read_records(nb)["median_age"]["value"] == expected.median_age
    page = notebook_to_html(nb, title="Member profile", context={
        "build_id": "test", "built_at": "now", "suite_version": "0"})
    text = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(page)).split())
    today = date.today()
    months = (today.year - 2024) * 12 + today.month - 11 - (today.day < 2)  # 24 or more
    assert (f"These figures are for the roster on 2 November 2024 , {months // 12} years "
            f"before this report was made ({letter_date(today)}): set as_of or export a newer "
            "roster.") in text
    assert "on 2 November 2024." in text  # the headline's date
    assert text.index("These figures are for the roster") < text.index("on 2 November 2024.")


def test_a_roster_without_visits_takes_them_from_the_check_in_log(tmp_path):
    """A demo club whose members.csv has no visits_per_week column but whose check-in log
    holds 65,000 visits: the profile's visits come from the log, over a stated window."""
    from evaluate.data.roster import load_roster

    club = tmp_path / "club"
    shutil.copytree(DEMO_DATA_DIR, club)
    roster = pd.read_csv(club / "members.csv", dtype=str, keep_default_na=False)
    roster.drop(columns="visits_per_week").to_csv(club / "members.csv", index=False)
    nb = execute_notebook("member_profile", tmp_path, data_dir=str(club))
    assert_clean(nb)
    expected = member_profile.headline(load_roster(club).members, "active")
    record = read_records(nb)["median_visits_per_week"]
    assert record["value"] == expected.median_visits_per_week is not None
    assert record["source"] == "club data: the check-in log, 9 Aug–31 Oct 2026"
    page = notebook_to_html(nb, title="Member profile", context={
        "build_id": "test", "built_at": "now", "suite_version": "0"})
    text = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(page)).split())
    assert "Visits from the check-in log, 9 Aug–31 Oct 2026" in text
    assert "visit count not recorded" not in text
    assert f"Visits: a median of {expected.median_visits_per_week:.1f} a week." in text


def test_a_roster_without_join_dates_is_profiled_with_tenure_not_known(tmp_path):
    """No join_date column: the profile runs, counts the demo's active members, and says
    time as a member is not known instead of drawing an empty chart."""
    club = edited_club(tmp_path, drop=("join_date",))
    nb = execute_notebook("member_profile", tmp_path, data_dir=str(club))
    assert_clean(nb)
    records = read_records(nb)
    assert records["members"]["value"] == 1585  # as with join dates: all joined by then
    assert records["median_tenure_months"]["value"] is None
    text = nbformat.writes(nb)
    assert "records no join date for these members" in text
    assert "join date not recorded (1,585 members)" in text
    charts = [o for o in code_outputs(nb) if PLOTLY_MIME in o.get("data", {})]
    assert len(charts) == 3  # age and sex, visits, goals: no tenure chart
