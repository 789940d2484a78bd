"""Small-group suppression: nothing under 10 members is shown, nor recoverable by subtraction."""

from __future__ import annotations

import pandas as pd
import pytest

from evaluate.reports.privacy import MIN_GROUP_SIZE, merge_small_groups, suppress_small_groups


def one_way(counts: list[int]) -> pd.DataFrame:
    total = sum(counts)
    return pd.DataFrame({"band": [f"b{i}" for i in range(len(counts))], "members": counts,
                         "share": [c / total for c in counts]})


def test_minimum_is_ten():
    assert MIN_GROUP_SIZE == 10


def test_small_count_hidden_with_its_share_and_next_smallest_too():
    table = one_way([5, 50, 0, 12, 30])
    out = suppress_small_groups(table)
    # 5 is primary; with the total published, 12 (the smallest other non-empty) goes as well.
    assert out["suppressed"].tolist() == [True, False, False, True, False]
    assert out["members"].isna().tolist() == [True, False, False, True, False]
    assert out["share"].isna().tolist() == [True, False, False, True, False]
    assert out.loc[2, "members"] == 0  # an empty group identifies nobody
    assert str(out["members"].dtype) == "Int64"
    assert table["members"].tolist() == [5, 50, 0, 12, 30]  # input untouched


def test_two_small_counts_need_no_complement():
    out = suppress_small_groups(one_way([3, 4, 40, 50]))
    assert out["suppressed"].tolist() == [True, True, False, False]


def test_nothing_small_nothing_hidden():
    out = suppress_small_groups(one_way([10, 11, 0]))
    assert not out["suppressed"].any()
    assert out["members"].tolist() == [10, 11, 0]


def test_min_size_can_be_raised_not_lowered():
    raised = suppress_small_groups(one_way([12, 15, 40]), min_size=13)
    assert raised["suppressed"].tolist() == [True, True, False]
    lowered = suppress_small_groups(one_way([9, 8, 40]), min_size=3)
    assert lowered["suppressed"].tolist() == [True, True, False]


def test_within_groups_hides_a_complement_in_each_row_and_column():
    table = pd.DataFrame({"band": ["a", "a", "b", "b"], "sex": ["F", "M", "F", "M"],
                          "members": [4, 40, 30, 50]})
    out = suppress_small_groups(table, within=["band", "sex"])
    # 4 hidden; row a then needs 40 hidden, column F needs 30, then row b needs 50.
    assert out["suppressed"].all()
    plain = suppress_small_groups(table)
    assert plain["suppressed"].tolist() == [True, False, True, False]


def test_merge_small_groups_into_other_then_suppress():
    table = pd.DataFrame({"goal": ["a", "b", "c", "d", "e"], "members": [100, 4, 3, 50, 0]})
    merged = merge_small_groups(table, "goal")
    assert merged.to_dict("list") == {"goal": ["a", "d", "other"], "members": [100, 50, 7]}
    assert suppress_small_groups(merged)["suppressed"].tolist() == [False, True, True]
    big_enough = merge_small_groups(pd.DataFrame({"goal": ["a", "b", "c"],
                                                  "members": [100, 6, 5]}), "goal")
    assert big_enough.to_dict("list") == {"goal": ["a", "other"], "members": [100, 11]}


@pytest.mark.parametrize("counts", [[1, 2, 3, 4, 100, 200], [9, 10, 11], [1, 1000]])
def test_no_visible_count_below_minimum(counts):
    out = suppress_small_groups(one_way(counts))
    visible = out["members"].dropna()
    assert ((visible == 0) | (visible >= MIN_GROUP_SIZE)).all()
    assert out["suppressed"].sum() != 1  # one hidden cell could be recovered from the total


def test_a_share_is_shown_only_when_both_sides_hold_ten_or_none():
    from evaluate.reports.privacy import shown_split

    assert shown_split(10, 20) and shown_split(0, 12) and shown_split(12, 12)
    assert not shown_split(9, 20) and not shown_split(10, 19) and not shown_split(1, 100)
    assert not shown_split(0, 5) and not shown_split(5, 5)  # the whole is a small group
    assert not shown_split(12, 24, min_group_size=13)
    assert not shown_split(9, 18, min_group_size=3)  # never below MIN_GROUP_SIZE


def test_every_cell_of_a_group_under_ten_is_hidden_empty_ones_too():
    """4 members, all in one band: the 0s would say that all 4 are in the fifth."""
    out = suppress_small_groups(one_way([0, 0, 0, 0, 4]))
    assert out["suppressed"].all() and out["members"].isna().all()
    # A row of 7 members (with known totals by row): its 0 would give the 7 away too.
    table = pd.DataFrame({"band": ["a", "a", "b", "b"], "sex": ["F", "M", "F", "M"],
                          "members": [0, 7, 40, 50]})
    out = suppress_small_groups(table, within=["band"])
    assert out["suppressed"].tolist() == [True, True, False, False]
    assert suppress_small_groups(one_way([0, 12]))["members"].tolist() == [0, 12]


def usage_log(rows: list[tuple[str, str, float, str | None]]) -> pd.DataFrame:
    """(timestamp, equipment_id, minutes, member_id) rows as the loader returns them."""
    return pd.DataFrame({
        "timestamp": pd.to_datetime([r[0] for r in rows]).astype("datetime64[us]"),
        "equipment_id": pd.Categorical([r[1] for r in rows], categories=["bench", "rower"]),
        "duration_min": [float(r[2]) for r in rows],
        "member_id": pd.Categorical([r[3] for r in rows])})


def test_a_figure_of_a_log_rests_on_its_distinct_members_anonymous_ones_never_enough():
    from evaluate.reports.privacy import members_behind, shown_group

    rows = ([("2026-01-05 18:00", "bench", 10, f"M{i % 3}") for i in range(30)]
            + [("2026-01-05 09:00", "rower", 10, f"M{i}") for i in range(12)]
            + [("2026-01-06 09:00", "rower", 10, None)] * 5)
    log = usage_log(rows)
    behind = members_behind(log, ["equipment_id"])
    assert behind.to_dict("list") == {"equipment_id": ["bench", "rower"], "rows": [30, 17],
                                      "members": [3, 12]}
    assert members_behind(log).to_dict("list") == {"rows": [47], "members": [12]}
    anonymous = usage_log([("2026-01-06 09:00", "rower", 10, None)] * 40)
    assert members_behind(anonymous)["members"].tolist() == [1]  # someone, never enough
    assert members_behind(anonymous.drop(columns="member_id"))["members"].tolist() == [1]
    assert members_behind(log.iloc[0:0])["members"].tolist() == [0]
    assert shown_group(0) and shown_group(10) and not shown_group(1) and not shown_group(9)
    assert not shown_group(12, min_group_size=13) and not shown_group(9, min_group_size=3)


def test_the_members_of_an_hour_are_those_with_a_session_in_it():
    from evaluate.reports.privacy import members_in_hour

    log = usage_log([("2026-01-05 17:50", "bench", 20, "M1"),  # Monday, into 18:00
                     ("2026-01-05 18:30", "bench", 10, "M2"),
                     ("2026-01-12 18:59", "bench", 1, "M3"),   # the next Monday
                     ("2026-01-05 19:00", "bench", 30, "M4"),  # starts as 18:00 ends
                     ("2026-01-06 18:10", "bench", 30, "M5")])  # a Tuesday
    assert members_in_hour(log, 0, 18) == 3
    assert members_in_hour(log, 0, 17) == 1 and members_in_hour(log, 1, 18) == 1
    assert members_in_hour(log, 6, 3) == 0 and members_in_hour(log.iloc[0:0], 0, 18) == 0


def test_a_machine_used_by_too_few_members_is_no_ones_comparable():
    from evaluate.reports.privacy import comparable_equipment, private_machines

    rows = ([("2026-01-05 18:00", "bench", 10, f"M{i % 3}") for i in range(30)]
            + [("2026-01-05 09:00", "rower", 10, f"M{i}") for i in range(12)])
    assert private_machines(usage_log(rows)) == ["bench"]
    assert private_machines(usage_log(rows), min_group_size=13) == ["bench", "rower"]
    equipment = pd.DataFrame({"equipment_id": ["bench", "rower", "new"],
                              "owned_units": [1, 2, 0]})
    owned = comparable_equipment(equipment, usage_log(rows))
    assert owned["owned_units"].tolist() == [0, 2, 0]
    assert equipment["owned_units"].tolist() == [1, 2, 0]  # input untouched
