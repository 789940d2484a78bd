"""Charts of the model's outputs: plain names, units in titles, small figures, right order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluate.reports import model_charts as mc
from evaluate.reports.formatting import share
from evaluate.reports.tables import npv_summary, tornado_rows
from support import notes

NAMES = {"rh": "Reverse hyperextension", "bx": "45-degree back extension", "rw": "Rowing machine"}


# ------------------------------------------------------------------ adoption

@pytest.fixture
def curve() -> pd.DataFrame:
    rows = []
    for eid, full in (("rh", 100.0), ("bx", 80.0)):
        for scenario, factor, months in (("low", 0.5, 6), ("most_likely", 1.0, 3),
                                         ("high", 1.5, 1)):
            for month in range(1, 13):
                ramp = min(month / months, 1.0)
                rows.append((eid, scenario, month, ramp, ramp * full * factor))
    return pd.DataFrame(rows, columns=["equipment_id", "scenario", "month", "ramp",
                                       "weekly_sessions"])


def test_adoption_has_a_panel_per_machine_with_line_and_band(curve):
    fig = mc.adoption_chart(curve, NAMES)
    panel_titles = [a.text for a in fig.layout.annotations][:2]
    assert panel_titles == ["Reverse hyperextension", "45-degree back extension"]
    bands = [t for t in fig.data if t.fill == "toself"]
    lines = [t for t in fig.data if t.mode == "lines" and t.fill != "toself"]
    assert len(bands) == len(lines) == 2
    rh_high = curve.query("equipment_id == 'rh' and scenario == 'high'")["weekly_sessions"]
    rh_low = curve.query("equipment_id == 'rh' and scenario == 'low'")["weekly_sessions"]
    np.testing.assert_allclose(bands[0].y, np.r_[rh_high, rh_low[::-1]])
    assert lines[0].name == "Reverse hyperextension"
    assert "100 a week" in notes(fig)  # the full-adoption level at the line's end
    assert fig.layout.xaxis.title.text == "Months after installation"
    assert fig.layout.yaxis.title.text == "Sessions per week"


def test_adoption_picks_candidates_and_rejects_unknown_ones(curve):
    fig = mc.adoption_chart(curve, NAMES, candidates=["bx"])
    assert [t.name for t in fig.data if t.mode == "lines" and t.fill != "toself"] == [
        "45-degree back extension"]
    with pytest.raises(ValueError, match="no adoption curve for 'zz'"):
        mc.adoption_chart(curve, NAMES, candidates=["zz"])


# ------------------------------------------------------------------ NPV distribution

def test_npv_chart_is_small_ordered_and_marks_zero():
    rng = np.random.default_rng(1)
    ids = [f"m{i}" for i in range(6)]
    draws = {eid: rng.normal(1000 * i, 3000, 10_000) for i, eid in enumerate(ids)}
    names = {eid: f"Machine {i}" for i, eid in enumerate(ids)}
    fig = mc.npv_distribution_chart(npv_summary(draws), names, currency="USD")
    size = len(fig.to_json())
    assert size < 50_000, size
    assert all(len(t.x) <= 6 for t in fig.data)  # summaries, not draws
    bar = fig.data[0]
    assert list(bar.y) == [f"Machine {i}" for i in range(5, -1, -1)]  # best median on top
    assert fig.layout.xaxis.title.text == "Net present value (USD)"
    assert any(s.x0 == 0 and s.x1 == 0 for s in fig.layout.shapes)  # the NPV = 0 line
    assert "<b>Chance<br>above 0</b>" in [a.text for a in fig.layout.annotations]
    p = float(np.mean(draws["m5"] > 0))
    assert share(p) in [a.text for a in fig.layout.annotations]


# ------------------------------------------------------------------ tornado

@pytest.fixture
def swings() -> pd.DataFrame:
    frame = pd.DataFrame({
        "assumption": ["uptake_back_care", "discount_rate", "floor_cost_per_m2_year",
                       "horizon_years", "price", "new_joins_per_year"],
        "unit": ["fraction", "fraction/year", "currency/m2/year", "years", "currency",
                 "members/year"],
        "low_value": [0.04, 0.04, 50.0, 5.0, 500.0, 0.0],
        "high_value": [0.15, 0.10, 300.0, 5.0, 1000.0, 6.0],
        "npv_at_low": [900.0, 1200.0, 1300.0, 1000.0, 1100.0, -400.0],
        "npv_at_high": [1500.0, 800.0, 600.0, 1000.0, 900.0, 3000.0]})
    frame["swing"] = (frame["npv_at_high"] - frame["npv_at_low"]).abs()
    frame.attrs["npv_most_likely"] = 1000.0
    return frame


def test_tornado_sorted_by_swing_limited_and_labelled(swings):
    fig = mc.tornado_chart(swings, "npv_at_low", "npv_at_high",
                           swings.attrs["npv_most_likely"], value_title="Net present value (GBP)",
                           currency="GBP", top=3, zero_label="NPV = 0",
                           assumption_labels={"new_joins_per_year": "New members a year"})
    low, high = fig.data
    assert list(low.y) == ["New members a year", "Floor cost per m2 year", "Uptake back care"]
    np.testing.assert_allclose(low.base, 1000.0)
    np.testing.assert_allclose(np.asarray(low.x) + 1000.0, [-400.0, 1300.0, 900.0])
    np.testing.assert_allclose(np.asarray(high.x) + 1000.0, [3000.0, 600.0, 1500.0])
    labels = notes(fig)
    assert "0 members/year" in labels and "6 members/year" in labels
    assert "50 GBP/m²/year" in labels and "300 GBP/m²/year" in labels
    assert "4%" in labels and "15%" in labels
    assert "Most likely: 1,000" in labels and "NPV = 0" in labels
    assert fig.layout.xaxis.title.text == "Net present value (GBP)"
    assert "low end" in fig.layout.title.subtitle.text


def test_tornado_drops_inputs_that_move_nothing(swings):
    fig = mc.tornado_chart(swings, "npv_at_low", "npv_at_high", 1000.0,
                           value_title="Net present value (USD)")
    assert len(fig.data[0].y) == 5  # horizon_years has no range
    assert "Horizon years" not in fig.data[0].y
    assert list(tornado_rows(swings, "npv_at_low", "npv_at_high", 2)["assumption"]) == [
        "new_joins_per_year", "floor_cost_per_m2_year"]  # swings 3,400 and 700


def test_tornado_names_a_machines_price_by_its_name():
    frame = pd.DataFrame({"assumption": ["price (rh)"], "unit": ["currency"],
                          "low_value": [500.0], "high_value": [1000.0],
                          "margin_at_low": [0.2], "margin_at_high": [0.1]})
    fig = mc.tornado_chart(frame, "margin_at_low", "margin_at_high", 0.15, names=NAMES,
                           value_title="Lead over the runner-up (score points)",
                           currency="USD")
    assert list(fig.data[0].y) == ["Reverse hyperextension price"]
    assert "1,000 USD" in notes(fig)


def test_tornado_names_a_machines_model_error_as_its_use_against_the_forecast():
    from evaluate.model.prepared import DEMAND_ERROR_PREFIX, DEMAND_ERROR_UNIT

    frame = pd.DataFrame({"assumption": [DEMAND_ERROR_PREFIX + "rh"], "unit": [DEMAND_ERROR_UNIT],
                          "low_value": [0.2544], "high_value": [3.93],
                          "margin_at_low": [0.56], "margin_at_high": [-0.47]})
    fig = mc.tornado_chart(frame, "margin_at_low", "margin_at_high", 0.56, names=NAMES,
                           value_title="Score margin over the runner-up")
    assert list(fig.data[0].y) == ["Reverse hyperextension use"]
    assert "0.25× forecast" in notes(fig) and "3.9× forecast" in notes(fig)
    summary = fig.layout.meta["summary"]
    assert "reverse hyperextension use" in summary and "(3.9× forecast)" in summary


# ------------------------------------------------------------------ peak load

def test_peak_load_against_the_target():
    forecast = pd.DataFrame({
        "equipment_id": np.repeat(["rh", "bx"], 3),
        "scenario": ["low", "most_likely", "high"] * 2,
        "utilisation": [0.1, 0.3, 0.9, 0.2, 0.6, 1.2]})
    forecast.attrs.update(peak_hour="Mon 18:00", peak_source="check-in log")
    fig = mc.peak_load_chart(forecast, NAMES, target=0.5)
    bar = fig.data[0]
    assert list(bar.y) == ["45-degree back extension", "Reverse hyperextension"]
    np.testing.assert_allclose(bar.x, [60.0, 30.0])
    np.testing.assert_allclose(bar.error_x.array, [60.0, 60.0])
    np.testing.assert_allclose(bar.error_x.arrayminus, [40.0, 20.0])
    assert list(bar.marker.pattern.shape) == ["/", ""]  # above the target: hatched
    assert {s.x0 for s in fig.layout.shapes} == {50.0, 100.0}
    assert "Target 50%" in notes(fig) and "60%" in notes(fig)
    assert "Mon 18:00" in fig.layout.title.subtitle.text
    assert "(%)" in fig.layout.xaxis.title.text


def test_peak_load_over_capacity_and_from_the_assumption():
    """A machine whose forecast demand is 15 times its capacity is labelled "over capacity",
    not "1540%", and the footnote says what that means; a forecast whose busiest hour is the
    assumption because the log could not measure it says so."""
    forecast = pd.DataFrame({
        "equipment_id": np.repeat(["rh", "bx"], 3),
        "scenario": ["low", "most_likely", "high"] * 2,
        "utilisation": [9.0, 15.4, 23.0, 0.2, 0.6, 1.2]})
    forecast.attrs.update(peak_hour=None, peak_source="assumption peak_hour_share",
                          peak_note="it covers 1 day, fewer than 28 (four full weeks)")
    fig = mc.peak_load_chart(forecast, NAMES, target=0.5)
    labels = [a.text for a in fig.layout.annotations if a.xref == "paper" and a.x == 1.02]
    assert labels[1:] == ["over capacity", "60%"]
    assert "1540" not in notes(fig) and "1540" not in "".join(fig.data[0].hovertext)
    assert fig.data[0].hovertext[0] == ("Reverse hyperextension: over capacity most likely "
                                        "(low over capacity to high over capacity)")
    assert "the queue grows without limit" in notes(fig)
    assert "too short or too odd to measure the busiest hour" in notes(fig)
    assert "assumption peak_hour_share" in fig.layout.title.subtitle.text
