"""Errors a user sees, each carrying what they need to fix the problem.

Every error type of the suite lives here. The command line (``evaluate.cli``) turns an
:class:`InputError` (bad data, plan or parameter) into exit status 2, a build with a failed
report into 1, a :class:`BuildLockedError` or a :class:`ClusterUnavailable` (nothing ran, try
later) into 3, an :class:`OutputWriteError` (a file the disk refuses) into 4 and a
:class:`BuildInterrupted` into 130.
"""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self, TypedDict, Unpack

from evaluate.paths import output_folder


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return "did you mean 'x'? " for the choice closest to a misspelt ``word``, or ""."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{close[0]}'? " if close else ""


@dataclass
class Problem:
    """One thing wrong with an input: where it is, what rule it breaks and how to fix it."""

    message: str
    file: str | Path | None = None
    row: int | str | None = None
    column: str | None = None
    value: object = None
    rule: str | None = None
    fix: str | None = None
    severity: str = "error"  # "error" stops a build; "warning" is reported and it goes on

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = (": ".join([", ".join(where), self.message]) if where else self.message)
        if self.severity != "error":
            text = f"{self.severity}: {text}"
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.rule:
            text += f"\n    rule: {self.rule}"
        if self.fix:
            text += f"\n    fix:  {self.fix}"
        return text


class Location(TypedDict, total=False):
    """The fields of a :class:`Problem` after its message and file, passed on as keywords."""

    row: int | str | None
    column: str | None
    value: object
    rule: str | None
    fix: str | None
    severity: str


class Where(Location, total=False):
    """The fields of a :class:`Problem` after its message, passed on as keywords."""

    file: str | Path | None


class EvaluateError(Exception):
    """Base class of every error the suite raises on purpose."""

    exit_code = 1


@dataclass
class InputError(EvaluateError):
    """Bad input or usage: a plan, a parameter or a data file. Exit status 2."""

    problems: list[Problem] = field(default_factory=list)
    exit_code = 2

    def __post_init__(self) -> None:
        # The same problem found twice (a --param checked for each report of one notebook)
        # is listed once.
        unique = {str(p): p for p in self.problems}
        self.problems = list(unique.values())
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]
        head = "1 problem" if len(lines) == 1 else f"{len(lines)} problems"
        return f"{self.kind}: {head}\n" + "\n".join(f"  - {line}" for line in lines)

    @property
    def kind(self) -> str:
        """A short name for the kind of input that is wrong."""
        return "bad input"

    @classmethod
    def single(cls, message: str, **where: Unpack[Where]) -> Self:
        """Build the error from one problem."""
        return cls([Problem(message, **where)])


class PlanError(InputError):
    """The build plan is malformed or refers to something that does not exist."""

    @property
    def kind(self) -> str:  # noqa: D102
        return "bad build plan"


class ParameterError(InputError):
    """A notebook parameter is unknown, of the wrong type or out of range."""

    @property
    def kind(self) -> str:  # noqa: D102
        return "bad parameter"


class DataError(InputError):
    """A club data file is missing, malformed or holds impossible values."""

    @property
    def kind(self) -> str:  # noqa: D102
        return "bad data"


class BuildLockedError(EvaluateError):
    """Another build is writing to the same output folder. Exit status 3."""

    exit_code = 3


class ClusterUnavailable(EvaluateError):
    """The Dask cluster a build hands its reports to cannot run them now. Exit status 3.

    Its scheduler cannot be reached or has no worker (nothing ran), or a worker was lost
    while a report ran (the build stops, nothing is published). Like a locked output folder,
    it is the environment, not the input: the same build may succeed later.
    """

    exit_code = 3


class SourceUnavailable(EvaluateError):
    """The database ``evaluate extract`` reads cannot be reached now. Exit status 3.

    No server answered at the address (refused, timed out, name not found): like a locked
    output folder, the environment, not the input, so a scheduler may retry. A server that
    answers and refuses the login is bad input (exit status 2): retrying will not help.
    """

    exit_code = 3


class BadParameter(ValueError):
    """A value a notebook's model refuses, naming the parameter and how to fix it.

    Raised by a model's validator that checks several fields at once (pydantic then
    gives no field), or that can say more than "invalid value"; the build turns it into
    a :class:`ParameterError`.
    """

    def __init__(self, parameter: str, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.fix = fix


class BuildInterrupted(Exception):
    """The build was asked to stop (Ctrl-C or SIGTERM)."""


class PdfError(Exception):
    """A report page could not be printed; the message says why, in one line."""


_WHY = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up",
        errno.EFBIG: "the file is over this process's file-size limit (ulimit -f)",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied", errno.EPERM: "permission denied"}


class OutputWriteError(EvaluateError):
    """A file of the output folder could not be written. Exit status 4.

    Its message is one line: the file, why, what became of the build (``outcome``,
    set by the build) and the fix.
    """

    exit_code = 4

    def __init__(self, path: Path, error: OSError, folder: Path | None = None,
                 what: str | None = None) -> None:
        self.path, self.error = Path(path), error
        self.folder = folder or output_folder(self.path)
        self.what = what or str(self.path)  # the file, or which files when it is not known
        self.outcome = ""
        super().__init__(str(self))

    def __str__(self) -> str:
        code = self.error.errno
        why = ((_WHY.get(code) if code is not None else None) or self.error.strerror
               or str(self.error))
        if code in (errno.ENOSPC, errno.EDQUOT):
            fix = (f"free space on the disk of {self.folder} (df -h {self.folder}), or give "
                   "--out a folder on another disk, then build again")
        elif code == errno.EFBIG:
            fix = (f"raise the file-size limit (ulimit -f unlimited) or free space in "
                   f"{self.folder}, then build again")
        elif code in (errno.EROFS, errno.EACCES, errno.EPERM):
            fix = f"make {self.folder} writable for this user, or give --out another folder"
        else:
            fix = f"check the disk of {self.folder}, or give --out another folder"
        outcome = f"; {self.outcome}" if self.outcome else ""
        return f"could not write {self.what} ({why}){outcome}. fix: {fix}"
