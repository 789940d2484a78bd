"""The package's layers: imports point down, never in a circle.

README, "How the code is laid out".

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
import subprocess
import sys
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
    "evaluate.reports.chain": "a roll-up's summaries_from (other builds' club summaries) is "
                              "found and checked before anything runs",
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


# What each top-level module may import; below the top, a layer may import these two.
TOP_MAY_IMPORT = {"evaluate": set(), "evaluate.paths": set(),
                  "evaluate.errors": {"evaluate.paths"}, "evaluate.__main__": {"evaluate.cli"}}
SHARED_TOP = {"evaluate", "evaluate.errors", "evaluate.paths"}  # the version, errors, paths


def allowed(module: str, target: str) -> bool:
    """May ``module`` import ``target``?"""
    layer, target_layer = layer_of(module), layer_of(target)
    if layer == "top":
        return module not in TOP_MAY_IMPORT or target in TOP_MAY_IMPORT[module]
    if target_layer == "top":
        return target == "evaluate.errors" if layer == "mcda" else target in SHARED_TOP
    return target_layer in MAY_IMPORT[layer] or (layer == "build" and target in BUILD_NEEDS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down(module: str):
    wrong = sorted(t for t in GRAPH[module] if not allowed(module, t))
    assert not wrong, f"{module} ({layer_of(module)}) must not import {wrong}"


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
    wrong = path.read_text() + "\nfrom evaluate.model import demand\n"
    (tmp_path / "members.py").write_text(wrong)
    monkeypatch.setitem(GRAPH, "evaluate.data.members", imports_of("evaluate.data.members"))
    with pytest.raises(AssertionError, match="must not import"):
        test_imports_point_down("evaluate.data.members")


def test_importing_a_layer_loads_nothing_heavy():
    """A subpackage's ``__init__`` imports nothing: a no-change rebuild, which imports the
    build's modules only, stays free of pandas, papermill and Plotly."""
    packages = [m for m, p in MODULES.items() if p.name == "__init__.py" and m != "evaluate"]
    assert len(packages) >= 5
    code = ("import sys, importlib\n"
            f"for name in {packages!r}: importlib.import_module(name)\n"
            "print(sorted(m for m in ('pandas', 'numpy', 'papermill', 'plotly', 'nbformat')"
            " if m in sys.modules))")
    probe = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True)
    assert probe.stdout.split() == ["[]"]
    for package in packages:
        tree = ast.parse(MODULES[package].read_text(encoding="utf-8"))
        assert not [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)], package


# The demo generator holds the synthetic world's true parameters (demo_logs.TRUE_USE): the model
# and the reports forecast without them, directly or through another module, so that a
# calibration or a backtest on the demo's logs has something real to find.
DEMO_GENERATOR = {"evaluate.data.demo", "evaluate.data.demo_logs"}


def reachable(module: str) -> set[str]:
    """Every evaluate module ``module`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        for nxt in GRAPH.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer_of(m) in ("model",
                                                                                 "reports")))
def test_the_model_never_reads_the_demo_truth(module: str):
    assert not reachable(module) & DEMO_GENERATOR, f"{module} imports the demo generator"
