"""The candidate profile on the demo club: whom a machine serves, its use and money, its care.

The notebook itself runs in tests/notebooks/test_decision_notebooks.py; here the analysis and
each piece of text and table it shows, for a machine the club does not own (calibrated on the
comparable one it owns) and for one it owns.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import numpy as np
import pytest

from evaluate.data.club_data import load_club_data
from evaluate.paths import DEMO_DATA_DIR
from evaluate.reports import candidate_profile as profile
from evaluate.reports.audience import GROUPS
from evaluate.reports.formatting import DISCLAIMER, markdown_text, money
from evaluate.reports.notebook_params import CandidateProfileParams
from evaluate.reports.results import summary_problems
from support import STALE_ROSTER, stale_club

DRAWS = 500


@pytest.fixture(scope="module")
def data():
    return load_club_data(DEMO_DATA_DIR)


@pytest.fixture(scope="module")
def new(data) -> profile.CandidateAnalysis:
    """The reverse hyperextension: not owned, calibrated on the owned back extension."""
    return profile.analyse_candidate(CandidateProfileParams(draws=DRAWS), data)


@pytest.fixture(scope="module")
def owned(data) -> profile.CandidateAnalysis:
    """The rowing machine: the club owns two."""
    return profile.analyse_candidate(CandidateProfileParams(equipment_id="rower", draws=DRAWS),
                                     data)


def test_the_analysis_is_of_the_one_machine_asked_for(new):
    assert new.equipment_id == "reverse_hyper" and new.name == "Reverse hyperextension"
    assert new.currency == "USD"  # club.yml's, as no currency was given
    assert list(new.forecast["scenario"].astype(str)) == ["low", "most_likely", "high"]
    assert new.most_likely["scenario"] == "most_likely"
    band = new.band("npv")
    assert band["p10"] <= band["p50"] <= band["p90"]
    assert new.calibration is not None and "pooled from the usage logs" in new.calibration.method
    assert list(new.audience["group"]) == list(GROUPS)


def test_the_headline_words_the_analysis_figures(new):
    text = profile.headline_markdown(new)
    assert text.startswith("**Reverse hyperextension** (")
    total = new.audience.set_index("group").loc["All active members"]
    assert f"about {total['users']:,.0f} regular users of the {total['members']:,.0f} active " \
           "members" in text
    assert f"{new.most_likely['weekly_sessions']:.0f} sessions a week once adopted" in text
    # Money reads "\$": a dollar sign Markdown shows as one (two would open a maths span).
    assert markdown_text(f"NPV {money(new.finance['npv'], 'USD', signed=True)} (P10–P90: ") \
        in text
    assert markdown_text(f"{money(new.finance['up_front'], 'USD')} up front") in text
    assert "**Caution:**" not in text  # the club owns none yet
    assert "_" not in text.split("\n")[0]  # muscles read as words
    # The demo's 116 active members of 16 and 17 are left out of the back-pain figures.
    assert ("of them with back pain. By group (they overlap): ") in text
    assert (". 116 junior members (under 18) are left out of the back-pain figures: no "
            "published adult rate applies to them.") in text


def test_a_machine_the_club_owns_is_not_calibrated_and_says_how_another_unit_counts(owned):
    assert owned.calibration is None
    assert profile.calibration_table(owned) is None
    assert profile.calibration_markdown(owned).startswith(
        "Not calibrated on its own: the club already owns this machine")
    assert profile.headline_markdown(owned).endswith(
        "**Note:** the club already owns 2 of these: another unit shares their members, and "
        "adds members only where they are short of room at the busiest hour.")


def test_calibration_is_told_with_machine_names_not_ids(new, data):
    text = profile.calibration_markdown(new)
    assert text.startswith("Calibrated on the club's own machines: pooled from the usage logs "
                           "of 3 owned machines (45-degree back extension, ")
    table = profile.calibration_table(new)
    assert table.index.name == "quantity" and list(table.columns) == ["unit", "before", "after",
                                                                      "note"]
    shown = table.to_string()
    for equipment_id in data.equipment["equipment_id"]:
        assert equipment_id not in shown
    assert all(re.fullmatch(r"[\d,.]+|–", v) for v in [*table["before"], *table["after"]])
    off = profile.analyse_candidate(CandidateProfileParams(draws=100, calibrate=False), data)
    assert off.calibration is None
    assert profile.calibration_markdown(off).startswith("Calibration is switched off")


def test_the_audience_table_is_text_by_overlapping_group(new):
    table = profile.audience_display(new)
    assert table.index.name == "Group (they overlap)" and list(table.index) == list(GROUPS)
    row = new.audience.set_index("group").loc["Desk workers"]
    assert table.loc["Desk workers", "Members"] == f"{row['members']:,.0f}"
    assert table.loc["Desk workers", "Expected regular users"] == f"{row['users']:,.0f}"


def test_every_figure_shows_its_status_and_where_it_comes_from(new):
    table = profile.figures_table(new)
    assert list(table.index) == ["price", "installation cost", "annual maintenance",
                                 "lifespan years", "floor space", "session length, stations"]
    price = table.loc["price"]
    assert price["Value"] == "$775 (range $500–$1,000)" and price["Status"] == "placeholder"
    assert price["Source or basis"].startswith("PLACEHOLDER ESTIMATE")
    # A blank cost is filled from an assumption, and says which.
    assert table.loc["installation cost", "Source or basis"].startswith(
        "assumption installation_share_of_price")
    assert table.loc["annual maintenance", "Unit"] == "USD/year"
    assert profile.placeholder_note(new).startswith(
        "**Placeholders:** price, installation cost, annual maintenance, lifespan years of the "
        "reverse hyperextension are estimates")


def test_the_summary_fields_follow_the_rules_of_summary_json(new):
    fields = profile.summary_fields(new)
    assert summary_problems(fields) == []
    assert fields["kind"] == "candidate_profile" and fields["equipment_id"] == "reverse_hyper"
    assert fields["headline"] == (
        f"Reverse hyperextension: about {new.most_likely['weekly_sessions']:.0f} sessions a "
        f"week and an NPV of {money(new.finance['npv'], 'USD', signed=True)} (most likely).")
    figures = {f["label"]: f["text"] for f in fields["key_figures"]}
    uses = new.band("weekly_sessions")
    assert figures["Weekly uses (P10–P90)"] == f"{uses['p10']:.0f}–{uses['p90']:.0f}"
    assert figures["Evidence for back care"] == "low"


def test_the_demo_banner_and_the_care_section(new, owned):
    assert profile.demo_banner(new).startswith("> **Demo data.**")
    care = profile.care_markdown(new)
    assert care.startswith("- **Evidence for its back-care claim:** low.")
    assert "a trainer present for first uses" in care and care.endswith(f"**{DISCLAIMER}**")
    assert "- **Supervision:** no supervision needed." in profile.care_markdown(owned)


def test_a_hidden_group_reads_as_not_shown_in_the_sentence():
    assert profile._users_of(float("nan"), float("nan"), "desk workers") == (
        "desk workers (numbers not shown)")
    assert profile._users_of(float("nan"), 230, "desk workers") == (
        "the 230 desk workers (users not shown)")
    assert profile._users_of(12.4, 230, "desk workers") == "12 of the 230 desk workers"


def test_a_stale_roster_is_profiled_on_its_last_check_in(tmp_path):
    """No join since 2019, check-ins to 2026-10-31: the profile's members are counted and aged
    on that day; the first screen states a date far from today; as_of still wins."""
    stale = load_club_data(stale_club(tmp_path))
    c = profile.analyse_candidate(CandidateProfileParams(draws=DRAWS), stale)
    assert profile.roster_notice(c, today=date(2026, 12, 6)) == ""
    assert profile.roster_notice(c, today=date(2027, 6, 1)).startswith(
        "> **These figures are for the roster on 31 October 2026**, 7 months before")
    # Aged 45 or over: more members on 2026-10-31 than on 2019-03-03.
    over = c.audience
    then = profile.analyse_candidate(CandidateProfileParams(draws=DRAWS, as_of=STALE_ROSTER),
                                     stale)
    groups = dict(zip(over["group"], over["members"], strict=True))
    earlier = dict(zip(then.audience["group"], then.audience["members"], strict=True))
    assert groups["Aged 45 or over"] > earlier["Aged 45 or over"]
    assert profile.roster_notice(then, today=date(2026, 12, 6)).endswith(
        "7 years before this report was made (6 December 2026): the date set by as_of.")


def test_groups_the_roster_does_not_record_are_said_so(data):
    """Without occupation or goal columns (most exports), 'Whom it serves' says those groups
    are not recorded, not "numbers not shown" as if privacy had hidden them."""
    bare = dataclasses.replace(data, members=data.members.assign(
        occupation_activity=np.nan, training_goal=np.nan))
    text = profile.headline_markdown(profile.analyse_candidate(
        CandidateProfileParams(draws=DRAWS), bare))
    assert "desk workers not recorded in the roster" in text
    assert "members who train for strength or sport not recorded in the roster" in text
    assert "numbers not shown" not in text and "members aged 45 or over" in text


# ---------------------------------------------------------------- money: items, basis, owned

def test_the_money_section_splits_the_npv_and_gives_the_break_even(new):
    text = profile.money_markdown(new)
    assert text.startswith("Over 5 years, the reverse hyperextension's net present value of "
                           + money(new.finance["npv"], "USD", signed=True))
    assert "It pays for itself if it keeps about 0.8 members a year" in text
    assert ("about 16 would have been on the leg press, 12 on the 45-degree back extension "
            "and 10 on the rowing machine") in text
    table = profile.money_table(new)
    assert table.loc["Reverse hyperextension", "NPV"] == money(new.finance["npv"], "USD",
                                                               signed=True)
    assert table.loc["Reverse hyperextension",
                     "Pays for itself at: members kept or won a year"] == "0.8"
    basis = profile.basis_table(new)
    assert list(basis.index) == ["Keeping members", "Trainer sessions", "New members"]
    assert set(basis["Basis"]) == {"assumption (judgement)"}


def test_a_second_unit_adds_no_one_and_draws_its_sessions_from_the_first(owned):
    added = profile.added_use(owned).iloc[0]
    assert added["added_users"] == pytest.approx(0, abs=1e-9)
    assert added["drawn_from"][0][0] == "rower"
    assert "would have been on the rowing machine the club already has" in \
        profile.money_markdown(owned)


def test_a_club_that_owns_nothing_draws_nothing(data):
    club = dataclasses.replace(data, equipment=data.equipment.assign(owned_units=0))
    alone = profile.analyse_candidate(CandidateProfileParams(draws=DRAWS), club)
    added = profile.added_use(alone).iloc[0]
    assert added["added_users"] == pytest.approx(added["regular_users"])
    assert added["drawn"] == 0
    assert "The club owns no machine yet" in profile.money_markdown(alone)
