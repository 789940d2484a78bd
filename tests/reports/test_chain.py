"""A chain roll-up: each club's decision, and the machines ranked by where they pay off."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from evaluate.data.demo import write_demo_chain
from evaluate.reports import chain
from evaluate.reports.decision.analysis import analyse_decision
from evaluate.reports.notebook_params import DecisionReportParams

DRAWS = 300


@pytest.fixture(scope="module")
def clubs(tmp_path_factory) -> list[str]:
    out = tmp_path_factory.mktemp("chain")
    return [str(p) for p in write_demo_chain(out, 3, members=300, seed=5,
                                             today=date(2026, 11, 1))]


@pytest.fixture(scope="module")
def summaries(clubs) -> list[dict]:
    return chain.summaries_from_data(clubs, {"draws": DRAWS})


def test_roll_up_agrees_with_each_clubs_own_decision(clubs, summaries):
    outcomes = chain.outcomes_table(summaries)
    assert outcomes["club"].nunique() == 3
    assert outcomes.groupby("club")["recommended"].sum().eq(1).all()
    for club_dir in clubs:
        own = analyse_decision(DecisionReportParams(data_dir=club_dir, draws=DRAWS))
        row = outcomes[(outcomes["club"] == own.data.club.name) & outcomes["recommended"]]
        assert row["equipment_id"].item() == own.recommendation
        npv = own.ranking.loc[own.recommendation, "npv_p50"]
        assert row["npv_p50"].item() == pytest.approx(npv)
    ranking = chain.payoff_ranking(outcomes)
    assert ranking["recommended_in"].sum() == 3
    assert list(ranking["rank"]) == list(range(1, len(ranking) + 1))
    top = ranking.iloc[0]
    best = outcomes[outcomes["equipment_id"] == top["equipment_id"]]["npv_p50"].max()
    assert top["best_npv_p50"] == pytest.approx(best)


def test_summaries_are_read_from_a_build_folder(tmp_path, summaries):
    for i, summary in enumerate(summaries):
        data = {**summary, "report": f"club-{i}-decision", "status": "ok"}
        (tmp_path / f"club-{i}-decision.summary.json").write_text(json.dumps(data))
    (tmp_path / "member-profile.summary.json").write_text(json.dumps(
        {"report": "member-profile", "status": "ok", "headline": "x"}))
    read = chain.read_club_summaries(tmp_path)
    assert len(read) == 3
    pd.testing.assert_frame_equal(
        chain.outcomes_table(read).drop(columns="report"),
        chain.outcomes_table(summaries).drop(columns="report"))


def test_one_currency_per_roll_up(summaries):
    mixed = [summaries[0], {**summaries[1], "currency": "EUR"}]
    with pytest.raises(ValueError, match="different currencies"):
        chain.payoff_ranking(chain.outcomes_table(mixed))


def test_roll_up_words_and_summary(summaries):
    outcomes = chain.outcomes_table(summaries)
    ranking = chain.payoff_ranking(outcomes)
    text = chain.headline_markdown(ranking, outcomes)
    assert "pays off best across the chain" in text and "of 3 clubs" in text
    fields = chain.summary_fields(ranking, outcomes)
    assert fields["clubs"] == 3 and len(fields["recommendations"]) == 3
    assert chain.payoff_display(ranking, "USD").shape[0] == len(ranking)
    assert chain.clubs_display(outcomes).shape[0] == 3


def test_a_failed_or_missing_club_report_stops_the_roll_up(tmp_path, summaries):
    with pytest.raises(ValueError, match="no club decision summary"):
        chain.read_club_summaries(tmp_path)
    (tmp_path / "club-01-decision.summary.json").write_text(json.dumps(
        {**summaries[0], "report": "club-01-decision", "status": "ok"}))
    (tmp_path / "club-02-decision.summary.json").write_text(json.dumps(
        {"report": "club-02-decision", "status": "failed", "failure": {"kind": "cell"}}))
    with pytest.raises(ValueError, match="club-02-decision failed in this build"):
        chain.read_club_summaries(tmp_path)


def test_machines_that_pay_off_the_same_are_called_a_tie():
    """Each first choice at one club of two, with the same best median NPV: a tie."""
    outcomes = pd.DataFrame({
        "club": ["North", "North", "South", "South"],
        "equipment_id": ["reverse_hyper", "rower", "reverse_hyper", "rower"],
        "name": ["Reverse hyperextension", "Rowing machine *2*"] * 2,
        "recommended": [True, False, False, True], "p_npv_positive": [0.9, 0.8, 0.7, 0.9],
        "npv_p50": [21_434.2, 9_000.0, 8_000.0, 21_433.9], "currency": "USD"})
    ranking = chain.payoff_ranking(outcomes)
    assert chain.leaders(ranking, "USD") == 2
    text = chain.headline_markdown(ranking, outcomes)
    assert text.startswith("**The reverse hyperextension and the rowing machine \\*2\\* tie "
                           "across the chain:** each is the first choice of 1 of 2 clubs")
    assert "pays off best" not in text
    assert chain.summary_fields(ranking, outcomes)["headline"] == (
        "The reverse hyperextension and the rowing machine *2* tie: first choice in 1 of 2 "
        "clubs each.")
    ahead = outcomes.assign(npv_p50=[25_000.0, 9_000.0, 8_000.0, 21_433.9])
    assert chain.leaders(chain.payoff_ranking(ahead), "USD") == 1


def test_each_club_counts_what_its_own_first_screen_says_to_buy(summaries):
    """A club whose best-scoring machine does not fit its limits recommends the best that
    does, as its decision report's first screen says; where nothing fits, it recommends
    nothing, and says so. The roll-up once counted the rank-1 machine whatever the limits."""
    first, second, third = (dict(s) for s in summaries)
    other = next(i for i in first["candidates"] if i != first["recommendation"])
    first["recommendation_within_limits"] = other
    second["recommendation_within_limits"] = None
    del third["recommendation_within_limits"]  # a summary from before the field: rank 1
    outcomes = chain.outcomes_table([first, second, third])
    chosen = outcomes[outcomes["recommended"]].set_index("club")["equipment_id"]
    assert chosen.to_dict() == {first["club"]: other,
                                third["club"]: third["recommendation"]}
    shown = chain.clubs_display(outcomes)
    assert shown.loc[second["club"], "Recommendation"] == chain.NOTHING_FITS
    assert list(shown.index) == [first["club"], third["club"], second["club"]]


def _published(out: Path, summaries: list[dict], build: str = "2026-12-01-060000") -> Path:
    """An output folder holding one build of ``summaries`` and ``latest`` pointing at it."""
    folder = out / build
    folder.mkdir(parents=True)
    for i, summary in enumerate(summaries):
        data = {"status": "ok", **summary, "report": f"club-{i}-decision"}
        (folder / f"club-{i}-decision.summary.json").write_text(json.dumps(data))
    (out / "latest").symlink_to(build)
    return folder


def test_clubs_built_in_other_output_folders_join_the_roll_up(tmp_path, summaries):
    first = _published(tmp_path / "out" / "club-a", summaries[:1])
    second = _published(tmp_path / "out" / "club-b", summaries[1:2])
    this = tmp_path / "this-build"
    this.mkdir()
    (this / "club-9-decision.summary.json").write_text(json.dumps(
        {**summaries[2], "report": "club-9-decision", "status": "ok"}))
    folders = chain.summary_folders(["out/club-*"], base=tmp_path)
    assert folders == [first.resolve(), second.resolve()]  # each output folder's latest build
    assert chain.summary_folders([str(first), "out/club-a"], base=tmp_path) == [
        first.resolve()]  # a build folder as it is; each folder once
    read = chain.read_club_summaries(this, folders)
    assert [s["club"] for s in read] == [summaries[i]["club"] for i in (2, 0, 1)]
    assert chain.outcomes_table(read)["club"].nunique() == 3
    assert [s["club"] for s in chain.read_club_summaries("", folders)] == [
        summaries[0]["club"], summaries[1]["club"]]


def test_a_missing_folder_a_foreign_summary_or_a_club_twice_is_named(tmp_path, summaries):
    with pytest.raises(ValueError, match=r"'out/nowhere' \(.*out/nowhere\) is no folder"):
        chain.summary_folders(["out/nowhere"], base=tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match=r"empty holds no build \(no latest/"):
        chain.summary_folders(["empty"], base=tmp_path)
    wrong = _published(tmp_path / "wrong", [{**summaries[0], "candidates": "none"}])
    with pytest.raises(ValueError, match=re.escape(
            f"{wrong}/club-0-decision.summary.json: not a decision summary of this suite's "
            "schema (1 problem(s), the first: candidates: ")):
        chain.read_club_summaries("", [wrong])
    (wrong / "club-0-decision.summary.json").write_text("{not json")
    with pytest.raises(ValueError, match="club-0-decision.summary.json: cannot be read"):
        chain.read_club_summaries("", [wrong])
    one = _published(tmp_path / "one", summaries[:1])
    again = _published(tmp_path / "again", summaries[:1])
    with pytest.raises(ValueError, match=re.escape(
            f"club {summaries[0]['club']!r} comes twice, in "
            f"{one}/club-0-decision.summary.json and {again}")):
        chain.read_club_summaries("", [one, again])
    failed = _published(tmp_path / "failed", [{**summaries[1], "status": "failed"}])
    with pytest.raises(ValueError, match=re.escape(f"club-0-decision failed in {failed}")):
        chain.read_club_summaries("", [one, failed])
