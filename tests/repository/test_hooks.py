"""The pre-commit hooks: local only, and the repository passes them as it stands.

The hooks run in a scratch git repository holding a copy of the files they look at (with
``PRE_COMMIT_HOME`` there too), with this environment's tools first on the PATH, as when the
environment is active: nothing is downloaded and the repository is left alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from evaluate.paths import PROJECT_ROOT

CONFIG = PROJECT_ROOT / ".pre-commit-config.yaml"
HOOKED = ("*.py", "*.pyi", "*.ipynb")  # the files the hooks check, and ruff's configuration:
COPIED = (".pre-commit-config.yaml", "pyproject.toml")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          timeout=60).stdout


def run_hooks(repo: Path) -> subprocess.CompletedProcess:
    """``pre-commit run --all-files`` in ``repo``, with this environment's bin/ on the PATH."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
           "PATH": f"{Path(sys.prefix) / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files",
                           "--show-diff-on-failure", "--color=never"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A git repository of the working tree's files that the hooks look at (tracked or new)."""
    repo = tmp_path / "repo"
    files = git("ls-files", "--cached", "--others", "--exclude-standard", "--", *HOOKED,
                *COPIED, cwd=PROJECT_ROOT).splitlines()
    for name in files:
        if (PROJECT_ROOT / name).is_file():  # not a file deleted from the working tree
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_ROOT / name, repo / name)
    assert {".pre-commit-config.yaml", "pyproject.toml"} <= set(files)
    git("init", "-q", cwd=repo)
    git("add", "-A", cwd=repo)
    return repo


def test_every_hook_is_local_and_runs_the_environments_tool():
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert [repo["repo"] for repo in config["repos"]] == ["local"], "no hook is downloaded"
    assert {h["language"] for h in hooks.values()} == {"system"}
    assert hooks["ruff"]["entry"].startswith("ruff check")
    assert "jupyter" in hooks["ruff"]["types_or"] and "python" in hooks["ruff"]["types_or"]
    assert hooks["nbstripout"]["entry"].split() == ["nbstripout", "--keep-id"]


def test_the_repository_passes_its_hooks_and_they_catch_a_dirty_commit(scratch):
    clean = run_hooks(scratch)
    assert clean.returncode == 0, "the hooks change the repository:\n" + clean.stdout
    assert "nbstripout --keep-id" in clean.stdout and "ruff check" in clean.stdout
    assert "Passed" in clean.stdout and "no files to check" not in clean.stdout

    # A notebook saved after a run, and an import out of order: both are put right.
    path = scratch / "notebooks" / "decision_report.ipynb"
    stored = json.loads(path.read_text(encoding="utf-8"))
    run = json.loads(json.dumps(stored))
    cell = next(c for c in run["cells"] if c["cell_type"] == "code")
    cell["execution_count"] = 7
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["member 4711\n"]}]
    path.write_text(json.dumps(run, indent=1), encoding="utf-8")
    module = scratch / "src" / "evaluate" / "unsorted.py"
    module.write_text('"""Imports out of order."""\n\nimport sys\nimport os\n\n'
                      "print(os.sep, sys.argv)\n", encoding="utf-8")
    git("add", "-A", cwd=scratch)

    dirty = run_hooks(scratch)
    assert dirty.returncode == 1, dirty.stdout
    assert json.loads(path.read_text(encoding="utf-8")) == stored, "outputs stripped, ids kept"
    assert module.read_text(encoding="utf-8") == ('"""Imports out of order."""\n\n'
                                                 "import os\nimport sys\n\n"
                                                 "print(os.sep, sys.argv)\n")
