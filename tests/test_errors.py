"""Errors a user sees (evaluate.errors): each names where the problem is, the rule and the fix."""

from __future__ import annotations

import errno

import pytest

from evaluate.errors import (
    BadParameter,
    BuildLockedError,
    ClusterUnavailable,
    DataError,
    EvaluateError,
    InputError,
    OutputWriteError,
    ParameterError,
    PlanError,
    Problem,
    did_you_mean,
)


def test_a_problem_reads_where_what_value_rule_and_fix():
    problem = Problem("not a known status", file="members.csv", row=5, column="status",
                      value="actve", rule="status is active, frozen or cancelled",
                      fix="correct the spelling")
    assert str(problem) == (
        "members.csv, row 5, column 'status': not a known status (got 'actve')\n"
        "    rule: status is active, frozen or cancelled\n"
        "    fix:  correct the spelling")


def test_a_problem_says_only_what_it_knows_and_a_warning_says_so():
    assert str(Problem("club data folder not found")) == "club data folder not found"
    assert str(Problem("no check-in log", file="club", severity="warning")) == (
        "warning: club: no check-in log")
    assert str(Problem("empty", row="2, 3 and 4 more", value=0)) == (
        "row 2, 3 and 4 more: empty (got 0)")


def test_did_you_mean_offers_the_closest_choice_or_nothing():
    assert did_you_mean("staus", ["member_id", "status", "sex"]) == "did you mean 'status'? "
    assert did_you_mean("zzz", ["member_id", "status"]) == ""


def test_an_input_error_counts_its_problems_once_each_under_its_kind():
    twice = Problem("unknown parameter 'drwas'", fix="did you mean 'draws'?")
    error = ParameterError([twice, Problem("unknown parameter 'drwas'",
                                           fix="did you mean 'draws'?"), Problem("other")])
    assert len(error.problems) == 2  # the same problem found for two reports is listed once
    assert str(error) == ("bad parameter: 2 problems\n"
                          "  - unknown parameter 'drwas'\n    fix:  did you mean 'draws'?\n"
                          "  - other")
    assert str(error.args[0]) == str(error)
    one = DataError.single("the file is empty", file="members.csv")
    assert str(one) == "bad data: 1 problem\n  - members.csv: the file is empty"
    assert PlanError.single("x").kind == "bad build plan"
    assert InputError.single("x").kind == "bad input"


def test_each_kind_of_error_has_its_exit_status():
    assert EvaluateError.exit_code == 1
    assert DataError.exit_code == PlanError.exit_code == ParameterError.exit_code == 2
    assert BuildLockedError.exit_code == ClusterUnavailable.exit_code == 3  # not now
    assert OutputWriteError.exit_code == 4
    assert issubclass(DataError, EvaluateError) and issubclass(OutputWriteError, EvaluateError)


def test_a_bad_parameter_carries_its_name_and_fix():
    error = BadParameter("candidates", "lists 'rower' twice", fix="name each machine once")
    assert isinstance(error, ValueError)  # what a pydantic validator may raise
    assert (error.parameter, str(error), error.fix) == (
        "candidates", "lists 'rower' twice", "name each machine once")


@pytest.mark.parametrize(("code", "why", "fix"), [
    (errno.EDQUOT, "the disk quota is used up", "free space on the disk of {folder}"),
    (errno.EFBIG, "the file is over this process's file-size limit (ulimit -f)",
     "raise the file-size limit (ulimit -f unlimited) or free space in {folder}"),
    (errno.EROFS, "the file system is read-only", "make {folder} writable for this user"),
    (errno.EIO, "Input/output error", "check the disk of {folder}, or give --out another folder"),
])
def test_a_refused_write_says_why_in_words_and_how_to_fix_it(tmp_path, code, why, fix):
    error = OutputWriteError(tmp_path / "r.html", OSError(code, "Input/output error"))
    assert error.folder == tmp_path
    text = str(error)
    assert text.startswith(f"could not write {tmp_path / 'r.html'} ({why}). fix: ")
    assert fix.format(folder=tmp_path) in text
    assert "\n" not in text  # one line, as cron mails it


def test_a_refused_write_names_what_was_written_and_the_build_outcome(tmp_path):
    error = OutputWriteError(tmp_path / "x.csv", OSError(errno.ENOSPC, "full"),
                             folder=tmp_path / "reports", what="the report tables")
    error.outcome = "the build was removed; latest is unchanged"
    assert str(error) == (
        "could not write the report tables (the disk is full); the build was removed; latest "
        f"is unchanged. fix: free space on the disk of {tmp_path / 'reports'} (df -h "
        f"{tmp_path / 'reports'}), or give --out a folder on another disk, then build again")
