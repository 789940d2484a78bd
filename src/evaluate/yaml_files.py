"""Reading YAML files safely, with errors that point at the line and say how to fix it.

Every YAML file the suite reads (build plans, ``club.yml``, ``columns.yml``,
``assumptions.yml``) goes through :func:`read_yaml`: ``yaml.safe_load`` only, so
a tag that asks to build a Python object (``!!python/object/apply:os.system``)
is refused with a clear message instead of being run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from evaluate.errors import DataError, InputError
from evaluate.limits import check_yaml

# libyaml's C parser with the safe constructor when PyYAML was built with it (several times
# faster than the pure-Python one); the same safe rules either way.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def undecodable_line(path: Path) -> int | None:
    """The number of the first line of ``path`` that is not UTF-8 text (1 is the first line).

    A spreadsheet's row number for a CSV file (the header is row 1), unless a quoted cell
    above spans several lines. Read line by line, so a large file is never held whole.
    """
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def top_line(text: str) -> int | None:
    """The line where the YAML document in ``text`` starts (its first key or item), if any."""
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        return None
    return node.start_mark.line + 1 if node is not None else None


def _unbuildable(text: str) -> tuple[int, str] | None:
    """The line and text of the first value in ``text`` that YAML parses but cannot build.

    ``2026-02-30`` parses as a date and then fails (no such day); so does ``!!int abc``.
    """
    try:
        root = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        return None
    builder = yaml.SafeLoader("")
    nodes = [root] if root is not None else []
    while nodes:
        node = nodes.pop(0)
        if isinstance(node, yaml.ScalarNode):
            try:
                builder.construct_object(node, deep=True)
            except (ValueError, KeyError, TypeError, OverflowError, yaml.YAMLError):
                return node.start_mark.line + 1, str(node.value)
        elif isinstance(node, yaml.SequenceNode):
            nodes.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            nodes.extend(n for pair in node.value for n in pair)
    return None


def read_yaml(path: Path, *, error: type[InputError] = DataError, text: str | None = None) -> Any:
    """Safe-load the YAML file ``path`` (or ``text`` read from it); raise ``error`` if it fails.

    The error names the file and the line, and tells a refused ``!!python`` tag
    apart from a plain syntax error.
    """
    check_yaml(path, error=error)  # its size, before reading it (evaluate.limits)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise error.single(f"not UTF-8 text ({exc.reason})", file=path,
                               row=undecodable_line(path), rule=f"{path.name} is UTF-8 text",
                               fix=f"save {path.name} as UTF-8") from None
    check_yaml(path, text, error=error)  # nesting and aliases, before building it
    try:
        return yaml.load(text, Loader=SAFE_LOADER)  # a safe loader: never builds objects
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        # Parsed, but a value cannot be built: a date that does not exist, `!!int abc`.
        line, value = _unbuildable(text) or (None, None)
        why = str(exc) if isinstance(exc, ValueError) else "not a value its tag allows"
        raise error.single(f"not a valid value: {why}", file=path, row=line, value=value,
                           rule="dates are real days written YYYY-MM-DD; a value fits its tag",
                           fix="correct the value, or quote it ('...') to keep it as text"
                           ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        if "python/" in str(exc):
            raise error.single("refused: the YAML asks to build a Python object", file=path,
                               row=mark.line + 1 if mark else None,
                               value=getattr(exc, "problem", None),
                               rule="plain YAML values only (numbers and text); no !! tags",
                               fix="remove the !!python tag and write a plain value") from None
        raise error.single(f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                           file=path, row=mark.line + 1 if mark else None,
                           rule=f"{path.name} is valid YAML (key: value, indented by spaces)",
                           fix="check indentation, colons and quoting on that line") from None
