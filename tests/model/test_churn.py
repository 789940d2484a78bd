"""Cancellation rates by visit band, measured from the roster, and machine users' rate."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaluate.data.members import load_members
from evaluate.model.churn import (
    DAYS_PER_YEAR,
    MIN_MEMBER_YEARS,
    ChurnBands,
    measure_churn,
)
from evaluate.model.demand import demand_segments, users_churn
from evaluate.model.segments import VISIT_BAND_LABELS
from model_support import roster

ROSTER_DAY = "2026-11-16"  # the window: 17 November 2025 to 16 November 2026, 365 days
FULL = 365  # days in the window of a member there all year
HALF = 182  # days from 17 November 2025 to a cancel date of 18 May 2026
ASSUMED = 0.4
HEADER = ("Member ID,Year of Birth,Gender,Start date,Membership status,End date,Fee,"
          "Visits per week")
COLUMNS = """members.csv:
  file: "Membership_Report_*.csv"
  columns:
    Member ID: member_id
    Year of Birth: birth_year
    Gender: {to: sex, values: {Female: F, Male: M}}
    Membership status: {to: status, values: {Current: active, On Hold: frozen,
                                             Expired: cancelled}}
    Start date: {to: join_date, format: "%d/%m/%Y"}
    End date: {to: cancel_date, format: "%d/%m/%Y"}
    Fee: monthly_dues
    Visits per week: visits_per_week
"""


def _rows(count: int, status: str, visits: str, *, join: str = "2019-03-04",
          cancel: str = "") -> list[tuple[str, str, str, str]]:
    return [(join, status, cancel, visits)] * count


def _day(iso: str) -> str:
    return f"{iso[8:]}/{iso[5:7]}/{iso[:4]}" if iso else ""


def _export(path: Path, rows: list[tuple[str, str, str, str]], *,
            cancel_dates: bool = True) -> Path:
    """A club's folder whose member list is written as a club system exports one.

    Its own headers and statuses (Current, Expired, On Hold) brought in by ``columns.yml``,
    day-first dates, money strings, blank cells; without ``cancel_dates``, no end date
    column (an export of current members).
    """
    header, columns = HEADER, COLUMNS
    if not cancel_dates:
        header = header.replace("End date,", "")
        columns = "\n".join(line for line in COLUMNS.splitlines() if "End date" not in line)
    lines = [header]
    for i, (join, status, cancel, visits) in enumerate(rows):
        cells = [f"C-{i:05d}", str(1960 + i % 40), "Female" if i % 2 else "Male", _day(join),
                 status, _day(cancel), '"$1,045.00"' if i == 0 else "$45.00", visits]
        if not cancel_dates:
            del cells[5]
        lines.append(",".join(cells))
    path.mkdir(parents=True, exist_ok=True)
    (path / "Membership_Report_20261116.csv").write_text("\n".join(lines) + "\n",
                                                         encoding="utf-8")
    (path / "columns.yml").write_text(columns + "\n", encoding="utf-8")
    (path / "club.yml").write_text("name: Test club\ncurrency: USD\nexport_date: 2026-11-16\n",
                                   encoding="utf-8")
    return path


def export_rows() -> list[tuple[str, str, str, str]]:
    """Known cancellations per band: each band has members there all year and leavers.

    2 or more a week (2.5): 90 all year, 10 cancelled 18 May 2026, 1 pending cancellation
    (current, end date after the roster date). 1 to under 2 (1.0, on the bound): 80 all
    year, 20 cancelled. Under 1 (0.5): 60 all year, 40 cancelled, 1 on hold, 1 joined on
    18 May 2026 (183 days), 1 cancelled before the window (not in it). 5 with visits blank.
    """
    return [*_rows(90, "Current", "2.5"), *_rows(10, "Expired", "2.5", cancel="2026-05-18"),
            *_rows(1, "Current", "2.5", cancel="2026-12-31"),
            *_rows(80, "Current", "1.0"), *_rows(20, "Expired", "1.0", cancel="2026-05-18"),
            *_rows(60, "Current", "0.5"), *_rows(40, "Expired", "0.5", cancel="2026-05-18"),
            *_rows(1, "On Hold", "0.5"), *_rows(1, "Current", "0.5", join="2026-05-18"),
            *_rows(1, "Expired", "0.5", cancel="2025-06-01"),
            *_rows(5, "Current", "")]


def _rate(cancellations: int, days: int) -> float:
    return 1 - math.exp(-cancellations / (days / DAYS_PER_YEAR))


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> pd.DataFrame:
    return load_members(_export(tmp_path_factory.mktemp("export"), export_rows()))


def test_the_window_by_hand():
    assert (date(2026, 5, 18) - date(2025, 11, 17)).days == HALF
    assert (date(2026, 11, 17) - date(2025, 11, 17)).days == FULL
    assert (date(2026, 11, 17) - date(2026, 5, 18)).days == HALF + 1


def test_cancellations_by_band_from_an_export(export):
    churn = measure_churn(export, ASSUMED, as_of=ROSTER_DAY)
    table = churn.table.set_index("band")
    assert list(table.index) == list(VISIT_BAND_LABELS)
    assert table["members"].tolist() == [102, 100, 101]
    assert table["cancellations"].tolist() == [40, 20, 10]
    days = [61 * FULL + 40 * HALF + HALF + 1, 80 * FULL + 20 * HALF, 91 * FULL + 10 * HALF]
    assert table["member_years"].tolist() == pytest.approx([d / DAYS_PER_YEAR for d in days])
    expected = [_rate(40, days[0]), _rate(20, days[1]), _rate(10, days[2])]
    assert table["rate"].tolist() == pytest.approx(expected)
    assert table["basis"].tolist() == ["measured"] * 3
    assert table["lower"].tolist() == [0, 1, 2] and table["upper"].iloc[-1] == np.inf
    # The club: every band plus the 5 members whose visits are not known (all year, staying).
    assert (churn.members, churn.cancellations, churn.unknown_visits) == (308, 70, 5)
    assert churn.club_rate == pytest.approx(_rate(70, sum(days) + 5 * FULL))
    assert churn.club_basis == "measured"
    assert (churn.start, churn.end) == (date(2025, 11, 17), date(2026, 11, 16))
    assert churn.source == ("measured at the club: cancellations by visits a week, "
                            "17 November 2025 to 16 November 2026")
    assert churn.band_rates == pytest.approx([*expected, churn.club_rate])


def test_the_rate_is_the_share_leaving_in_a_year():
    """0.40 cancellations a member-year: 1 - e^-0.4 = 0.3297 of the members leave in a year."""
    members = roster([{"visits_per_week": 0.5}] * 60
                     + [{"status": "cancelled", "cancel_date": "2026-05-18"}] * 40)
    churn = measure_churn(members, ASSUMED, as_of=ROSTER_DAY)
    assert churn.club_rate == pytest.approx(_rate(40, 60 * FULL + 40 * HALF))


def test_a_band_with_too_few_member_years_takes_the_club_rate(tmp_path):
    rows = [row for row in export_rows() if row[3] != "2.5"] + _rows(20, "Current", "3")
    churn = measure_churn(load_members(_export(tmp_path, rows)), ASSUMED, as_of=ROSTER_DAY)
    band = churn.table.set_index("band").loc["2 or more"]
    assert band["member_years"] < MIN_MEMBER_YEARS
    assert (band["rate"], band["basis"]) == (churn.club_rate, "club-wide")
    assert churn.table["basis"].tolist() == ["measured", "measured", "club-wide"]
    assert churn.source.endswith("16 November 2026 (2 or more visits a week: too few members "
                                 "to measure, the club-wide rate)")


def test_a_roster_without_cancel_dates_takes_the_assumption(tmp_path):
    rows = [row for row in export_rows() if row[1] != "Expired"]  # current members only
    churn = measure_churn(load_members(_export(tmp_path, rows, cancel_dates=False)), ASSUMED,
                          as_of=ROSTER_DAY)
    assert churn.club_rate == ASSUMED and churn.club_basis == "assumption"
    assert (churn.table["rate"] == ASSUMED).all()
    assert (churn.table["basis"] == "assumption").all()
    assert churn.source == ("assumed (baseline_annual_churn): the roster records no cancelled "
                            "member with a cancel date, so cannot measure cancellations")


def test_too_few_member_years_for_the_club_takes_the_assumption():
    members = roster([{"visits_per_week": 2.0, "join_date": "2026-10-01"}] * 50
                     + [{"status": "cancelled", "cancel_date": "2026-10-15",
                         "join_date": "2026-10-01"}])
    churn = measure_churn(members, ASSUMED, as_of=ROSTER_DAY)
    assert churn.member_years < MIN_MEMBER_YEARS
    assert churn.club_rate == ASSUMED and (churn.table["basis"] == "assumption").all()
    assert churn.source.startswith("assumed (baseline_annual_churn): the roster's 6 "
                                   "member-years from 17 November 2025 to 16 November 2026 are "
                                   "too few")


def test_visits_not_recorded_take_the_club_rate(tmp_path):
    rows = [(join, status, cancel, "") for join, status, cancel, _ in export_rows()]
    churn = measure_churn(load_members(_export(tmp_path, rows)), ASSUMED, as_of=ROSTER_DAY)
    assert churn.club_basis == "measured" and churn.unknown_visits == churn.members == 308
    assert (churn.table["rate"] == churn.club_rate).all()
    assert (churn.table["basis"] == "club-wide").all()
    assert churn.source == ("measured at the club: cancellations, 17 November 2025 to "
                            "16 November 2026 (visits a week not recorded: every band takes "
                            "the club-wide rate)")


def test_leavers_without_visits_leave_the_bands_at_the_club_rate(tmp_path):
    """With a check-in log that began late, the leavers' visits are not known: the members
    whose visits are known cancel far less than the club, and the bands are not used."""
    rows = [(j, s, c, "" if c == "2026-05-18" else v) for j, s, c, v in export_rows()]
    churn = measure_churn(load_members(_export(tmp_path, rows)), ASSUMED, as_of=ROSTER_DAY)
    assert (churn.table["basis"] == "club-wide").all()
    assert "visits a week not known for 70 of the 70 members who cancelled" in churn.source


def test_the_year_ends_on_as_of(export):
    """An earlier as_of measures the year before it: members who left after it are members."""
    churn = measure_churn(export, ASSUMED, as_of="2026-05-17")
    assert (churn.start, churn.end) == (date(2025, 5, 18), date(2026, 5, 17))
    assert churn.cancellations == 1  # the member who cancelled on 1 June 2025


def test_demo_rates_by_band(demo_club):
    """Frequent visitors cancel about 10% a year, rare ones about 45%; the club 0.33."""
    churn = measure_churn(demo_club.members, ASSUMED, as_of=demo_club.roster_date)
    table = churn.table.set_index("band")
    assert table["rate"].round(3).tolist() == [0.448, 0.305, 0.101]
    assert table["members"].tolist() == [965, 867, 454]
    assert table["cancellations"].tolist() == [386, 230, 38]
    assert round(churn.club_rate, 3) == 0.329 and churn.club_rate < ASSUMED
    assert churn.source == ("measured at the club: cancellations by visits a week, "
                            "2 November 2025 to 1 November 2026")


# ---------------------------------------------------------------- the users' rate

def _segments(exposure):
    """Strength trainers visit 3 times a week, everyone else half a time; one unknown."""
    members = roster([{"training_goal": "strength", "visits_per_week": 3.0}] * 40
                     + [{"training_goal": "general_fitness", "visits_per_week": 0.5}] * 60
                     + [{"training_goal": "general_fitness", "visits_per_week": None}])
    return demand_segments(members, exposure, as_of="2026-11-01")


def test_segments_count_members_by_visit_band(exposure):
    segments = _segments(exposure)
    assert segments.band_members.shape == (len(segments.table), len(VISIT_BAND_LABELS) + 1)
    assert segments.band_members.sum(axis=1) == pytest.approx(segments.members)
    assert segments.band_members.sum(axis=0).tolist() == [60, 0, 40, 1]


def test_frequent_visitors_machine_has_users_who_cancel_less(exposure):
    segments = _segments(exposure)
    rates = np.array([0.45, 0.30, 0.10, 0.33])  # bands, then the club's
    back_pain = np.full((1, len(segments.table)), 0.2)
    zero = np.zeros((1, 3))
    # Candidates: a posterior-chain machine (strength trainers), one for everyone, one unused.
    posterior = np.array([[0.5, 0.0, 0.0]])
    general = np.array([[0.0, 0.1, 0.0]])
    churn = users_churn(segments, rates, zero, posterior, general, back_pain)
    assert churn.shape == (1, 3)
    assert churn[0, 0] == pytest.approx(0.10)  # only strength trainers use it
    mix = (60 * 0.45 + 40 * 0.10 + 1 * 0.33) / 101
    assert churn[0, 1] == pytest.approx(mix)  # everyone alike: the members' mix
    assert churn[0, 2] == 0.33  # no users: the club's rate
    assert churn[0, 0] < min(churn[0, 1], 0.33)


def test_drawn_band_rates_give_one_rate_per_draw(exposure):
    segments = _segments(exposure)
    rates = np.array([[0.45, 0.30, 0.10, 0.33], [0.50, 0.30, 0.20, 0.40]])
    back_pain = np.full((2, len(segments.table)), 0.2)
    zero = np.zeros((2, 2))
    posterior = np.array([[0.5, 0.0], [0.5, 0.0]])
    churn = users_churn(segments, rates, zero, posterior, zero, back_pain)
    assert churn[:, 0] == pytest.approx([0.10, 0.20])
    assert churn[:, 1].tolist() == [0.33, 0.40]


def test_band_rates_follow_the_segments_columns():
    table = pd.DataFrame({"rate": [0.4, 0.3, 0.1]})
    churn = ChurnBands(table=table, members=0, cancellations=0, member_years=0.0,
                       club_rate=0.33, club_basis="measured", start=date(2025, 1, 1),
                       end=date(2025, 12, 31), unknown_visits=0, source="")
    assert churn.band_rates.tolist() == [0.4, 0.3, 0.1, 0.33]


@pytest.mark.parametrize(("folder", "basis", "source"), [
    ("kaggle-gym", ["assumption"] * 3, "assumed (baseline_annual_churn): the roster records no "
     "cancelled member with a cancel date"),
    ("clubware", ["club-wide"] * 3, "measured at the club: cancellations, 17 November 2025 to "
     "16 November 2026 (visits a week not known for 60 of the 72 members who cancelled"),
])
def test_real_shaped_exports(folder, basis, source):
    """The Kaggle roster lists current members only; Clubware's leavers mostly left before its
    check-in log began, so their visits are not known."""
    from evaluate.data.club_data import load_club_data

    club = load_club_data(Path(__file__).parents[1] / "fixtures" / "exports" / folder)
    churn = measure_churn(club.members, ASSUMED, as_of=club.roster_date)
    assert churn.table["basis"].tolist() == basis
    assert churn.source.startswith(source)
