"""Checking a whole club data folder at once, as ``evaluate validate`` and the build do.

Every file is checked, whatever the others hold, so one run lists every problem
in the folder; checks that span files (a check-in for a member who is not in
the roster) run when both files could be read. The loaders themselves live
beside their data (``members``, ``club``, ...); this module only runs them and
gathers what they found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluate.errors import DataError, Problem


@dataclass
class FolderCheck:
    """What checking a club data folder found."""

    data_dir: Path
    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # files read, in order
    missing_optional: list[str] = field(default_factory=list)
    loaded: dict[str, Any] = field(default_factory=dict)  # what each loader read, by name
    roster_date: Any = None  # pd.Timestamp: the club's roster date, once its roster is read

    @property
    def errors(self) -> list[Problem]:
        """Problems that stop a build."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems reported while the build goes on."""
        return [p for p in self.problems if p.severity != "error"]

    def raise_errors(self) -> None:
        """Raise one :class:`DataError` listing every error in the folder, if any."""
        if self.errors:
            raise DataError(problems=self.errors)


def _run(result: FolderCheck, name: str, load: Callable[..., Any], *args: Any,
         **kwargs: Any) -> Any:
    """Run one loader; keep its warnings, or its errors when it raises; return what it read."""
    try:
        value = load(*args, **kwargs)
    except DataError as exc:
        # A problem of a file that several loaders read (columns.yml) is listed once.
        seen = {str(p) for p in result.problems}
        result.problems.extend(p for p in exc.problems if str(p) not in seen)
        return None
    read_from = getattr(value, "attrs", {}).get("file", name)  # logs: the file found, or None
    if name not in result.missing_optional and read_from:
        result.checked.append(Path(read_from).name)
    found = value.attrs.get("warnings", []) if hasattr(value, "attrs") else getattr(
        value, "warnings", [])
    result.problems.extend(found)
    result.loaded[name] = value
    return value


def check_club(data_dir: Path) -> FolderCheck:
    """Check every file of the club data folder ``data_dir``; never raises for bad data."""
    import pandas as pd

    # The loaders' modules by their constants only: members, checkins... name the data read.
    from evaluate.data import reference
    from evaluate.data.assumptions import ASSUMPTIONS_FILE, load_assumptions
    from evaluate.data.checkins import CHECKINS_SCHEMA, check_checkins, peak_warning
    from evaluate.data.club import CLUB_FILE, load_club
    from evaluate.data.equipment import COLUMNS as EQUIPMENT_COLUMNS
    from evaluate.data.equipment import EQUIPMENT_FILE, load_equipment
    from evaluate.data.logs import LOG_SUFFIXES
    from evaluate.data.members import (
        CONTRACT_COLUMNS,
        MEMBERS_FILE,
        cancel_date_problems,
        date_ages,
        load_members,
        not_started,
    )
    from evaluate.data.roster import log_date_problems, roster_date
    from evaluate.data.usage import USAGE_SCHEMA, load_equipment_usage
    from evaluate.data.validation import COLUMN_MAPPING_FILE, check_column_mapping

    data_dir = Path(data_dir)
    result = FolderCheck(data_dir)
    if not data_dir.is_dir():
        result.problems.append(Problem("club data folder not found", file=data_dir,
                                       fix="give --data-dir the folder holding members.csv"))
        return result
    club = _run(result, CLUB_FILE, load_club, data_dir)
    export_date = None if club is None else club.export_date
    if (data_dir / COLUMN_MAPPING_FILE).is_file():  # first: the loaders read it too
        contracts = {MEMBERS_FILE: CONTRACT_COLUMNS, EQUIPMENT_FILE: EQUIPMENT_COLUMNS} | {
            f"{schema.stem}{suffix}": schema.columns for suffix in LOG_SUFFIXES
            for schema in (CHECKINS_SCHEMA, USAGE_SCHEMA)}
        logs = [name for name in contracts if name not in (MEMBERS_FILE, EQUIPMENT_FILE)]
        _run(result, COLUMN_MAPPING_FILE, check_column_mapping, data_dir, contracts, logs)
    # Ages are checked on the roster date, once the logs are read (see below).
    members = _run(result, MEMBERS_FILE, load_members, data_dir, check_ages=False)
    if members is None:  # unreadable: its ages too, on its own latest date (listed once)
        _run(result, MEMBERS_FILE, load_members, data_dir)
    equipment = _run(result, EQUIPMENT_FILE, load_equipment, data_dir)
    # The logs are checked against the roster and the catalogue when those could be read.
    member_ids = pd.Index(members["member_id"]) if members is not None else None
    equipment_ids = list(equipment["equipment_id"]) if equipment is not None else None
    # A log entry is "in the future" after today. Not after the roster's latest join or
    # cancel date: a small club may have neither in the last days before its export.
    # The check-in log is kept as its counts per hour of the week (CheckinProfile), all
    # the model reads from it: a year of a large club's check-ins never becomes a table.
    checkins = _run(result, "check-ins", check_checkins, data_dir, member_ids)
    if checkins is not None:  # a log too short or odd for the busiest hour: the model says so
        result.problems.extend(peak_warning(checkins))
    usage = _run(result, "equipment usage", load_equipment_usage, data_dir, equipment_ids,
                 member_ids)
    for log_frame, name in ((checkins, "check-in log"), (usage, "equipment-usage log")):
        if log_frame is not None and log_frame.attrs.get("file") is None:
            result.missing_optional.append(name)
    result.problems.extend(log_date_problems(checkins, usage, export_date, data_dir))
    if members is not None:  # ages on the club's roster date, which the logs may move on
        try:
            result.roster_date = roster_date(members, checkins, usage, export_date,
                                             data_dir=data_dir)
        except DataError as exc:  # no date at all: the fix is club.yml's export_date
            result.problems.extend(exc.problems)
    if result.roster_date is not None:
        members, problems = date_ages(members, result.roster_date, data_dir / MEMBERS_FILE)
        result.problems.extend(problems)
        result.loaded[MEMBERS_FILE] = members  # stated ages dated on the roster date
        # Pending cancellations and members yet to start: only the roster date tells them.
        result.problems.extend(cancel_date_problems(members, result.roster_date,
                                                    data_dir / MEMBERS_FILE))
        result.problems.extend(not_started(members, result.roster_date,
                                           data_dir / MEMBERS_FILE))
    if not (data_dir / ASSUMPTIONS_FILE).is_file():
        result.missing_optional.append(ASSUMPTIONS_FILE)
    _run(result, ASSUMPTIONS_FILE, load_assumptions, data_dir)
    # Reference data is shared by every club; a broken edit there breaks every build.
    _run(result, reference.PREVALENCE_FILE, reference.load_back_pain_prevalence)
    _run(result, reference.SEDENTARY_FILE, reference.load_sedentary_work)
    _run(result, reference.BENCHMARKS_FILE, reference.load_benchmarks)
    return result


def format_report(result: FolderCheck) -> str:
    """The check's findings as text for a terminal or a log, grouped by file."""
    lines = [f"checked {result.data_dir}: {', '.join(result.checked) or 'nothing readable'}"]
    if result.missing_optional:
        lines.append(f"  not present (optional, defaults used): "
                     f"{', '.join(result.missing_optional)}")
    by_file: dict[str, list[Problem]] = {}
    for problem in sorted(result.problems, key=lambda p: p.severity != "error"):
        by_file.setdefault(Path(str(problem.file)).name if problem.file else "", []).append(
            problem)
    for name, problems in by_file.items():
        lines.append(f"{name}:")
        lines.extend(f"  - {p}" for p in problems)
    n_err, n_warn = len(result.errors), len(result.warnings)
    lines.append(f"{n_err} error(s), {n_warn} warning(s)"
                 + ("" if n_err else ": the data can be used"))
    return "\n".join(lines)
