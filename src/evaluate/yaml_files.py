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
                               rule=f"{path.name} is UTF-8 text",
                               fix=f"save {path.name} as UTF-8") from None
    check_yaml(path, text, error=error)  # nesting and aliases, before building it
    try:
        return yaml.load(text, Loader=SAFE_LOADER)  # a safe loader: never builds objects
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
