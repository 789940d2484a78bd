"""Locked installs: uv.lock in step with pyproject.toml, requirements/ exactly its export.

``make`` installs requirements/dev.txt with ``pip --require-hashes`` and then the suite with
``--no-deps``; ``make lock`` refreshes uv.lock and re-exports requirements/. These tests run
the environment's own uv offline: they need no network.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from evaluate.paths import PROJECT_ROOT

UV = Path(sys.prefix) / "bin" / "uv"
REQUIREMENTS = PROJECT_ROOT / "requirements"
# How `make lock` writes each exported file (the Makefile's EXPORT, then these arguments).
EXPORT = ["export", "--frozen", "--no-emit-project", "--format", "requirements-txt"]
EXPORTS = {"base.txt": [], "dev.txt": ["--extra", "dev"]}
FIX = "run `make lock LOCK_ARGS=` (keeps every pin that still fits) and commit what it changes"


def uv(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    """Run the environment's uv offline (``UV_OFFLINE`` keeps the exported header as typed)."""
    if not UV.is_file():
        pytest.fail(f"{UV} is missing: the dev extra installs uv (make)")
    return subprocess.run([str(UV), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "UV_OFFLINE": "1",
                                            "UV_NO_PROGRESS": "1"})


def requirements(path: Path) -> list[tuple[str, str]]:
    """Each requirement of an exported file: its name and its line, continuations joined."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    found = []
    for line in text.splitlines():
        line = line.split(" #")[0].strip()
        if line and not line.startswith("#"):
            name = re.match(r"[A-Za-z0-9_.\-]+", line).group(0).lower().replace("_", "-")
            found.append((name, line))
    return found


def _names(specs: list[str]) -> set[str]:
    return {re.match(r"[A-Za-z0-9_.\-]+", s).group(0).lower().replace("_", "-") for s in specs}


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_each_requirements_file_is_exactly_the_export_of_uv_lock(name):
    result = uv(*EXPORT, *EXPORTS[name])
    assert result.returncode == 0, result.stderr
    assert (REQUIREMENTS / name).read_text(encoding="utf-8") == result.stdout, (
        f"requirements/{name} is not the export of uv.lock: {FIX}")


def test_the_makefile_exports_with_the_same_commands():
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^EXPORT := (.*)$", makefile, re.M).group(1).split() == EXPORT
    for name, args in EXPORTS.items():
        assert f"$(BIN)/uv $(EXPORT){''.join(' ' + a for a in args)} > requirements/{name}" \
            in makefile


def test_uv_lock_is_in_step_with_pyproject():
    result = uv("lock", "--check", "--python", sys.executable)
    assert result.returncode == 0, f"uv.lock is out of step with pyproject.toml: {FIX}\n" \
        + result.stderr


def test_the_lock_check_fails_when_pyproject_gains_a_dependency(tmp_path):
    """The check above can fail: a scratch copy whose pyproject.toml asks for one more."""
    for name in ("pyproject.toml", "uv.lock", "README.md"):
        shutil.copy2(PROJECT_ROOT / name, tmp_path / name)
    pyproject = tmp_path / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace("dependencies = [\n", 'dependencies = [\n    "tabulate",\n',
                                      1), encoding="utf-8")
    assert pyproject.read_text(encoding="utf-8") != text
    assert uv("lock", "--check", "--python", sys.executable, cwd=tmp_path).returncode != 0


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_every_requirement_is_pinned_with_its_hashes(name):
    found = requirements(REQUIREMENTS / name)
    assert found
    loose = [line for _, line in found
             if not re.match(r"[A-Za-z0-9_.\-]+(\[[^]]*\])?==\S+ ", line)
             or "--hash=sha256:" not in line]
    assert not loose, f"unpinned or unhashed in requirements/{name}: {loose}"
    assert "club-equipment-suite" not in dict(found), "the suite is installed with --no-deps -e ."


def test_base_holds_the_runtime_and_dev_everything_make_test_needs():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    runtime = _names(project["dependencies"])
    everything = runtime | _names([d for group in extras.values() for d in group
                                   if not d.startswith(project["name"])])
    base, dev = ({name for name, _ in requirements(REQUIREMENTS / f"{n}.txt")}
                 for n in ("base", "dev"))
    assert runtime <= base and everything <= dev
    assert not {"playwright", "pytest", "psycopg", "distributed"} & base
    assert base <= dev


def test_make_and_ci_install_only_from_the_lock():
    """Every pip install outside `make lock` takes the hashed lock, or the suite with no deps."""
    lines = [line.strip() for path in (PROJECT_ROOT / "Makefile", PROJECT_ROOT / ".ci" / "run")
             for line in path.read_text(encoding="utf-8").splitlines()
             if re.search(r"(\bpip|\$\(PIP\)) install\b", line)
             and not line.lstrip().startswith("#") and '"uv>=' not in line]
    assert lines
    open_ranges = [line for line in lines if "--require-hashes -r $(REQUIREMENTS)" not in line
                   and "--no-deps -e ." not in line]
    assert not open_ranges
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^REQUIREMENTS := requirements/dev\.txt$", makefile, re.M)
    assert re.search(r"^\$\(STAMP\): .*\$\(REQUIREMENTS\).*uv\.lock.*pyproject\.toml", makefile,
                     re.M), "the environment is refreshed when the lock or pyproject changes"
    assert "make test" in (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
