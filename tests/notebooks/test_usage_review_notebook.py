"""The usage-review notebook run by papermill on the demo club, and a clear error."""

from __future__ import annotations

import json

import nbformat
import papermill
import pytest

from evaluate.build.html_export import PLOTLY_MIME, notebook_to_html
from evaluate.data.members import load_members
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports.results import read_records, read_summary
from evaluate.reports.usage_review import analysis as usage_review
from support import code_outputs, execute_notebook

pytestmark = pytest.mark.notebooks

FIGURES = {"actual_weekly_sessions", "forecast_most_likely", "forecast_p10", "forecast_p50",
           "forecast_p90", "verdict", "peak_busy_share", "forecast_peak_utilisation",
           "uptake_factor"}


def assert_clean(nb: nbformat.NotebookNode) -> None:
    """No errors or warnings, and no member id of the demo roster anywhere in the outputs."""
    for output in code_outputs(nb):
        assert output["output_type"] != "error"
        assert output.get("name") != "stderr", output.get("text")
    text = json.dumps(code_outputs(nb))
    roster = load_members(DEMO_DATA_DIR)["member_id"]
    assert len(roster) == 3000 and not [m for m in roster if m in text]


def test_defaults_on_the_demo(tmp_path, demo_club):
    nb = execute_notebook("usage_review", tmp_path)
    assert_clean(nb)
    records = read_records(nb)
    assert set(records) == FIGURES
    expected = usage_review.review_usage(demo_club, "back_extension_45")
    # 5,551 sessions in the year of the demo's log, drawn from its members' segments
    # (demo_logs.TRUE_USE; 5,505 when every member was equally likely to use the machine).
    assert records["actual_weekly_sessions"] == {
        "value": pytest.approx(5551 / 365 * 7), "label": "Actual sessions a week",
        "unit": "sessions/week", "source": "club data: usage log equipment_usage.parquet"}
    for name, value in [("forecast_most_likely", expected.verdict.most_likely),
                        ("forecast_p10", expected.verdict.p10),
                        ("forecast_p50", expected.verdict.p50),
                        ("forecast_p90", expected.verdict.p90),
                        ("peak_busy_share", expected.peak.busy_share)]:
        assert records[name]["value"] == pytest.approx(value, rel=1e-12), name
    assert records["verdict"]["value"] == "within"
    # 106.5 actual sessions a week over the forecast 117.4 of a demo whose juniors add no
    # back-pain users (0.896 with the log of 5,505 sessions; 0.879 when juniors took the adult
    # rate)
    assert records["uptake_factor"]["value"] == pytest.approx(0.904, abs=0.001)
    summary = read_summary(nb)
    assert summary["headline"] == (
        "45-degree back extension: 106 sessions a week against a forecast of 117 (P10–P90 "
        "87–168), within the range; in use 20% of its busiest hour.")
    assert summary["key_figures"] == [
        {"label": "Actual use", "text": "106 sessions a week"},
        {"label": "Forecast", "text": "117 sessions a week (P10–P90 87–168)"},
        {"label": "Busiest hour", "text": "in use 20% of Mondays 18:00–19:00 (forecast 29%)"},
        {"label": "Uptake factor", "text": "0.90"}]
    markdown = "".join(o["data"].get("text/markdown", "") for o in code_outputs(nb) if "data" in o)
    assert "got about the use we expected" in markdown and "How to read this" in markdown
    assert "synthetic" in markdown
    assert markdown.startswith("> **Demo data.**")  # the banner comes before the answer
    assert sum(PLOTLY_MIME in o.get("data", {}) for o in code_outputs(nb)) == 2
    page = notebook_to_html(nb, title="Usage review", context={
        "build_id": "test", "built_at": "now", "suite_version": "0"})
    assert page.count('class="plotly-graph-div"') == 2  # both charts survive HTML export


def test_rower_installed_in_the_log_without_calibration(tmp_path):
    nb = execute_notebook("usage_review", tmp_path, equipment_id="rower",
                          installed="2025-11-01", calibrate=False, draws=2000)
    assert_clean(nb)
    records = read_records(nb)
    assert records["verdict"]["value"] == "above"
    assert records["uptake_factor"]["value"] is None
    # 8,601 sessions in the year (8,973, 172.08 a week, before the demo's log followed its
    # members' segments: demo_logs.TRUE_USE)
    assert records["actual_weekly_sessions"]["value"] == pytest.approx(164.95, abs=0.01)
    # the ramp-up lowers the average forecast over the year below full adoption (73.6)
    assert records["forecast_most_likely"]["value"] < 73.6
    markdown = "".join(o["data"].get("text/markdown", "") for o in code_outputs(nb) if "data" in o)
    assert "ramp-up after installation" in markdown and "turned off" in markdown
    assert [f["label"] for f in read_summary(nb)["key_figures"]] == [
        "Actual use", "Forecast", "Busiest hour"]


def test_a_machine_without_a_log_fails_with_the_fix(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as error:
        execute_notebook("usage_review", tmp_path, equipment_id="reverse_hyper")
    message = str(error.value)
    assert "ValueError" in message
    assert "'reverse_hyper' has no sessions in the usage log" in message
    assert "back_extension_45, leg_press, rower" in message
