"""Reading YAML files safely, with errors that point at the line and say how to fix it.

Every YAML file the suite reads (build plans, ``club.yml``, ``columns.yml``,
``assumptions.yml``) goes through :func:`read_yaml`: ``yaml.safe_load`` only, so
a tag that asks to build a Python object (``!!python/object/apply:os.system``)
is refused with a clear message instead of being run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from evaluate.data.limits import (
    YAML_DEPTH_MAX,
    YAML_MAX,
    YAML_VALUES_MAX,
    check_size,
    size_text,
)
from evaluate.errors import DataError, InputError

# libyaml's C parser with the safe constructor when PyYAML was built with it (several times
# faster than the pure-Python one); the same safe rules either way.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_expansion_problem(root: Any) -> str | None:
    """What makes a composed YAML document too large once its aliases are expanded, if any.

    ``root`` is ``yaml.compose``'s node graph, where an alias is the anchored node itself;
    each node's expanded size is counted once (iteratively: no recursion limit), so a
    "billion laughs" document is measured without being expanded.
    """
    import yaml

    if root is None:
        return None
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            size[key], depth[key] = 1, 1
            continue
        children = ([n for pair in node.value for n in pair]
                    if isinstance(node, yaml.MappingNode) else list(node.value))
        if done:
            open_.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
            if size[key] > YAML_VALUES_MAX:
                return (f"it expands to more than {YAML_VALUES_MAX:,} values through its "
                        "aliases (*name)")
            if depth[key] > YAML_DEPTH_MAX:
                return f"it nests more than {YAML_DEPTH_MAX} levels deep"
            continue
        if key in size:
            continue
        if key in open_:
            return "an alias (*name) refers to a value that contains it"
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in size)
        if len(open_) > YAML_DEPTH_MAX:
            return f"it nests more than {YAML_DEPTH_MAX} levels deep"
    return None


_BRACKETS = re.compile(r"[\[\]{}]")


def _flow_depth(text: str) -> int:
    """The deepest nesting of ``[`` and ``{`` in ``text``.

    Quotes are not told apart: an upper bound for a real file, whose brackets in text are
    few and balanced.
    """
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def check_yaml(path: Path, text: str | None = None, *,
               error: type[InputError] = DataError) -> None:
    """Refuse a YAML file too large to read, or one that only its aliases make huge.

    Without ``text``, checks the file's size (:data:`YAML_MAX`) before it is read. With
    it, also checks the document before it is built: its nesting (:data:`YAML_DEPTH_MAX`;
    libyaml crashes the process on some ten thousand nested brackets, so they are counted
    in the text first) and its size once aliases are expanded (:data:`YAML_VALUES_MAX`).
    Text that is not valid YAML is left to the reader, which says where.
    """
    fix = f"{Path(path).name} holds a few kB: check that this is the right file"
    if text is None:
        check_size(path, YAML_MAX, fix=fix, error=error)
        return
    if len(text) > YAML_MAX:
        raise error.single(f"the text is too large to read: {size_text(len(text))}",
                           file=path, rule=f"at most {size_text(YAML_MAX)}", fix=fix)
    problem = (f"it nests more than {YAML_DEPTH_MAX} levels deep"
               if _flow_depth(text) > YAML_DEPTH_MAX else None)
    if problem is None:
        try:
            problem = yaml_expansion_problem(yaml.compose(text, Loader=SAFE_LOADER))
        except yaml.YAMLError:
            return
    if problem:
        raise error.single(f"refused: {problem}", file=path,
                           rule=f"at most {YAML_VALUES_MAX:,} values and {YAML_DEPTH_MAX} "
                                "levels once aliases are expanded (evaluate.data.limits)",
                           fix="write the values out instead of repeating them through "
                               "aliases (&name, *name)" if "alias" in problem else
                               "check that this is the right file: the suite's YAML files "
                               "nest a few levels")


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
    check_yaml(path, error=error)  # its size, before reading it (evaluate.data.limits)
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
