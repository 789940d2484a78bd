"""The version moves with the code: every change bumps pyproject.toml's version and adds its
CHANGELOG heading, and the suite reports the version it was installed as."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import version

import evaluate
from evaluate.paths import PROJECT_ROOT
from support import run_cli

DISTRIBUTION = "club-equipment-suite"
# "## 0.6.0 (2026-12-07): forecasts with a track record"
HEADING = re.compile(r"(\d+)\.(\d+)\.(\d+) \((\d{4}-\d{2}-\d{2})\)(: .+)?")


def pyproject_version() -> str:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]


def changelog_headings() -> list[str]:
    text = (PROJECT_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.findall(r"^## (.*)$", text, re.M)


def test_the_newest_changelog_heading_is_the_version_in_pyproject():
    headings = changelog_headings()
    assert headings
    top = HEADING.fullmatch(headings[0])
    assert top, (f"CHANGELOG.md's top heading {headings[0]!r}: name the release, as "
                 "'## X.Y.Z (YYYY-MM-DD): what changed', with the version in pyproject.toml")
    assert ".".join(top.group(1, 2, 3)) == pyproject_version(), (
        f"pyproject.toml says {pyproject_version()}, CHANGELOG.md's newest is {headings[0]!r}: "
        "every change bumps the one and adds its heading to the other")


def test_changelog_versions_only_go_up():
    found = [HEADING.fullmatch(h) for h in changelog_headings()]
    assert all(found), [h for h, m in zip(changelog_headings(), found, strict=True) if not m]
    versions = [tuple(int(m.group(i)) for i in (1, 2, 3)) for m in found]
    dates = [m.group(4) for m in found]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert dates == sorted(dates, reverse=True)


def test_the_suite_reports_the_version_it_was_installed_as():
    installed = version(DISTRIBUTION)
    assert installed == pyproject_version(), (
        f"installed as {installed}, pyproject.toml says {pyproject_version()}: run make, "
        "which reinstalls when pyproject.toml changes")
    assert evaluate.__version__ == installed
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.split()[-1] == installed, result.stdout


def test_the_version_is_written_down_once():
    """Only pyproject.toml holds it: the package reads its installed metadata."""
    pattern = re.compile(rf"\b{re.escape(pyproject_version())}\b")
    sources = sorted((PROJECT_ROOT / "src").rglob("*.py"))
    assert sources
    written = [str(p.relative_to(PROJECT_ROOT)) for p in sources
               if pattern.search(p.read_text(encoding="utf-8"))]
    assert not written, "take the version from evaluate.__version__"
