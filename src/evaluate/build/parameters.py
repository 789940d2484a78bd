"""Notebook parameters: what a notebook declares, and checking values against it.

papermill injects any value under any name: ``-p x 9`` becomes an ``int`` even
where the default is ``9.0`` (nteract/papermill#55, open), and a misspelt name
only logs a warning. The build checks every value here first, so a wrong name or
type stops the build with exit status 2 before any notebook runs. Types come from
the annotation in the notebook's ``parameters`` cell
(``status: str = "active"  # help``), or, without one, from the type of the
default literal.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from evaluate.errors import ParameterError, Problem, did_you_mean

#: Types a parameter may have; the key is the annotation as written in the notebook, or the
#: container of a generic one (``dict`` of ``dict[str, float]``).
SUPPORTED_TYPES: dict[str, type] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "list": list,
    "dict": dict,
}


@dataclass(frozen=True)
class NotebookParameter:
    """One parameter a notebook declares in its ``parameters`` cell."""

    name: str
    type_name: str
    default: Any
    help: str

    @property
    def type(self) -> type | None:
        """The Python type values must have, or None when the notebook leaves it open.

        A generic annotation checks its container here (``list[str]``: a list); the items
        are checked by the notebook's parameter model (:func:`check_models`).
        """
        return SUPPORTED_TYPES.get(self.type_name.split("[", 1)[0].strip())


def inspect_parameters(notebook: str | Path) -> dict[str, NotebookParameter]:
    """Return the parameters ``notebook`` declares, by name, in the order it declares them."""
    return declared_from(inspect_declared(notebook))


def inspect_declared(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """The parameters cell of ``notebook`` as papermill reads it: plain strings, JSON-safe.

    The build cache remembers it by the notebook's sha256 (``evaluate.build.cache``).
    """
    import papermill

    try:
        return dict(papermill.inspect_notebook(str(notebook)))
    except Exception as exc:  # unreadable JSON, no kernelspec, not a notebook
        raise ParameterError.single(
            f"cannot read the notebook's parameters: {exc}", file=notebook,
            fix="open it in JupyterLab and save it with the Python 3 (python3) kernel") from None


def declared_from(declared: Mapping[str, Mapping[str, Any]]) -> dict[str, NotebookParameter]:
    """The parameters from papermill's reading of a parameters cell (:func:`inspect_declared`)."""
    found: dict[str, NotebookParameter] = {}
    for name, info in declared.items():
        try:
            default = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            default = info["default"]  # an expression, not a literal: keep its source text
        type_name = (info.get("inferred_type_name") or "None").strip()
        if type_name == "None" and type(default).__name__ in SUPPORTED_TYPES:
            type_name = type(default).__name__
        found[name] = NotebookParameter(name, type_name, default, info.get("help") or "")
    return found



def _model_problem(err: Mapping[str, Any], origin: str) -> Problem:
    """One pydantic error of a notebook's parameter model as a problem: key, rule and fix."""
    cause = (err.get("ctx") or {}).get("error")
    loc = [str(p) for p in err["loc"]]
    name = getattr(cause, "parameter", None) or (loc[0] if loc else None)
    column = ".".join(loc) if loc else name
    ctx = err.get("ctx") or {}
    bounds = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}
    limits = [f"{sign} {ctx[key]}" for key, sign in bounds.items() if key in ctx]
    if cause_fix := getattr(cause, "fix", None):
        fix = cause_fix
    elif limits:
        fix = f"give {name} a value {' and '.join(limits)}"
    elif err["type"] == "literal_error":
        fix = f"give {name} one of {ctx.get('expected')}"
    else:
        fix = f"correct {name}; `evaluate params NOTEBOOK` says what it accepts"
    message = str(cause) if cause is not None else err["msg"]
    value = err.get("input")
    if not loc:  # a check of the whole model: its input is every parameter
        value = value.get(name) if isinstance(value, Mapping) else None
    return Problem(message, file=origin, column=column,
                   value=None if err["type"] == "missing" else value, rule=err["type"], fix=fix)


#: Where a ``--param`` problem is: the command that was run, not the plan file.
COMMAND_LINE = "the command line"


def parse_assignments(items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Split command-line ``KEY=VALUE`` strings into a dict of raw string values."""
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ParameterError.single(
                "a parameter must be written KEY=VALUE", file=COMMAND_LINE, column="--param",
                value=item,
                rule="--param NAME=VALUE, the name a parameter some notebook declares",
                fix="write for example --param status=cancelled")
        result[key.strip()] = value
    return result


def _coerce(param: NotebookParameter, value: Any) -> Any:
    """Return ``value`` as the parameter's type, or raise ValueError saying why not."""
    want = param.type
    if want is None:
        return value
    if want is str and isinstance(value, date):
        return value.isoformat()  # a plan's `as_of: 2026-03-01` is read by YAML as a date
    if isinstance(value, str) and want is not str:
        # A raw string from the command line: read it as a YAML scalar or collection.
        try:
            value = yaml.safe_load(value) if value.strip() else value
        except yaml.YAMLError as exc:
            raise ValueError(f"cannot read {value!r} as {param.type_name}") from exc
    if want is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if want is int and isinstance(value, bool):
        raise ValueError(f"expected {param.type_name}, got a true/false value")
    if not isinstance(value, want):
        raise ValueError(f"expected {param.type_name}, got {type(value).__name__}")
    return value


def check_values(notebook: str | Path, values: Mapping[str, Any], *,
                 declared: dict[str, NotebookParameter] | None = None,
                 origin: str = "") -> dict[str, Any]:
    """Check ``values`` against the notebook's declared parameters; return them coerced.

    Collects every problem (unknown names with a "did you mean" hint, values of
    the wrong type) into one :class:`ParameterError`. ``origin`` says where the
    values came from, for the message (a plan file, the command line).
    """
    declared = inspect_parameters(notebook) if declared is None else declared
    problems: list[Problem] = []
    checked: dict[str, Any] = {}
    # Values from a file (a plan) are found there; values from the command line are
    # checked against the notebook that declares them, so the message names that.
    option = origin.startswith("--")
    where = str(notebook) if option or not origin else origin
    given = f" (given with {origin})" if option else ""
    for name, value in values.items():
        param = declared.get(name)
        if param is None:
            hint = did_you_mean(name, declared)
            problems.append(Problem(
                f"unknown parameter '{name}' for notebook {Path(notebook).name}{given}",
                file=where, column=name, value=value, rule="a parameter the notebook declares",
                fix=f"{hint}known parameters: {', '.join(declared) or 'none'}"))
            continue
        try:
            checked[name] = _coerce(param, value)
        except ValueError as exc:
            problems.append(Problem(
                f"wrong type for parameter '{name}'{given}: {exc}", file=where, column=name,
                value=value, rule=f"{name}: {param.type_name}",
                fix=f"give a value of type {param.type_name}, like the default "
                    f"{param.default!r}"))
    if problems:
        raise ParameterError(problems)
    return checked


def check_with_model(model: type[BaseModel], values: Mapping[str, Any], *,
                     origin: str) -> BaseModel:
    """Validate a full parameter set with the notebook's own pydantic model.

    This catches what the type alone cannot (a value out of range, an unknown
    choice) before any notebook runs, with the same rules the notebook applies.
    """
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        raise ParameterError([_model_problem(e, origin) for e in exc.errors()]) from None
