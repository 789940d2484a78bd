"""The package's layers: imports point down, never in a circle.

Every ``import`` of an ``evaluate`` module is read from the source (at module level and inside
functions alike: a lazy import is still a dependency), and checked against the layers:

========== ==========================================================================
layer      may import
========== ==========================================================================
top        ``errors`` imports ``paths``; ``cli`` anything; ``__init__`` nothing
data       top (``errors``, ``paths``) and data
model      top, data and model
mcda       ``errors`` and mcda: pure numbers on any decision matrix
reports    top, data, model, mcda and reports
build      top, build, and only the few data and reports modules listed in
           :data:`BUILD_NEEDS`, each for a stated reason
========== ==========================================================================
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from evaluate.paths import PACKAGE_DIR

LAYERS = ("data", "model", "mcda", "reports", "build")
TOP = ("cli", "paths", "errors")
MAY_IMPORT = {
    "data": {"top", "data"},
    "model": {"top", "data", "model"},
    "mcda": {"top", "mcda"},
    "reports": {"top", "data", "model", "mcda", "reports"},
    "build": {"top", "build"},
}
# What the build needs from the layers below it, and why: nothing else.
BUILD_NEEDS = {
    "evaluate.data.yaml_files": "the plan is read with the suite's safe YAML reader",
    "evaluate.data.checks": "the club folder is checked before any notebook runs",
    "evaluate.data.club": "the index names the club",
    "evaluate.reports.notebook_params": "parameters are checked against the notebooks' models",
    "evaluate.reports.results": "what a notebook records is read back for summary.json",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else "top"


def imports_of(module: str) -> set[str]:
    """The evaluate modules ``module`` imports (a name imported from a package counts as its
    module when it is one, else as the package)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "evaluate"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "evaluate":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    found.discard(module)
    return found


GRAPH = {m: imports_of(m) for m in MODULES}


def test_the_package_has_its_layers_and_little_at_the_top():
    top = sorted(p.name for p in PACKAGE_DIR.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "cli.py", "errors.py", "paths.py"]
    assert sorted(p.name for p in PACKAGE_DIR.iterdir()
                  if p.is_dir() and p.name != "__pycache__") == sorted(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str):
    layer = layer_of(module)
    wrong = []
    for target in sorted(GRAPH[module]):
        target_layer = layer_of(target)
        if layer == "top":
            short = module.removeprefix("evaluate.")
            allowed = {"errors": {"evaluate.paths"}, "paths": set(),
                       "evaluate": set(), "__main__": {"evaluate.cli"}}.get(short)
            if allowed is not None and target not in allowed:
                wrong.append(target)
        elif target_layer == "top":
            if target not in ("evaluate.errors", "evaluate.paths", "evaluate"):
                wrong.append(target)  # nothing below the top imports the command line
            elif layer == "mcda" and target != "evaluate.errors":
                wrong.append(target)
        elif target_layer not in MAY_IMPORT[layer] and not (layer == "build"
                                                            and target in BUILD_NEEDS):
            wrong.append(target)
    assert not wrong, f"{module} ({layer}) must not import {wrong}"


def test_no_module_imports_in_a_circle():
    """Tarjan's strongly connected components of the import graph: each must be one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH.get(node, ()):
            if nxt not in MODULES:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in sorted(MODULES):
        if module not in index:
            visit(module)
    assert not circles, f"modules that import each other: {circles}"


def test_the_check_sees_a_wrong_import(tmp_path, monkeypatch):
    """The rule is not vacuous: a data module importing the model is caught."""
    path = PACKAGE_DIR / "data" / "members.py"
    monkeypatch.setitem(MODULES, "evaluate.data.members", tmp_path / "members.py")
    (tmp_path / "members.py").write_text(path.read_text()
                                         + "\nfrom evaluate.model import demand\n")
    monkeypatch.setitem(GRAPH, "evaluate.data.members", imports_of("evaluate.data.members"))
    with pytest.raises(AssertionError, match="must not import"):
        test_imports_point_down("evaluate.data.members")
