"""The tests mirror the package: a test module per source module, in folders like the layers.

``src/evaluate/<folders>/<name>.py`` is tested in ``tests/<folders>/test_<name>.py`` (so
``evaluate/reports/decision/charts.py`` in ``tests/reports/decision/test_charts.py``, and
``evaluate/cli.py`` in ``tests/test_cli.py``). Tests of what the whole suite promises rather
than one module (faults, artifact privacy, the bad-input corpus, endurance, determinism,
hostile content, input limits, output names) are in ``tests/promises/``; whole report runs
and builds in ``tests/notebooks/``; the browser tests in ``tests/browser/``; checks of the
repository itself (lint, layers, this layout) in ``tests/repository/``. Helpers shared by
tests (``support.py``, ``model_support.py``, ``hostile_data.py``) stay at the top of tests/,
importable through pytest's ``pythonpath``.
"""

from __future__ import annotations

from pathlib import Path

from evaluate.paths import PACKAGE_DIR, PROJECT_ROOT

TESTS_DIR = PROJECT_ROOT / "tests"
OWN_FOLDERS = ("promises", "notebooks", "browser", "repository")  # no source module each
NOT_MODULES = ("__init__.py", "__main__.py")  # tested through the package and the command
DATA_FOLDERS = ("fixtures",)  # inputs the tests read, not tests


def expected_tests(package: Path) -> dict[Path, Path]:
    """Each test module the package calls for (relative to tests/), and its source module."""
    found = {}
    for source in sorted(package.rglob("*.py")):
        if source.name in NOT_MODULES:
            continue
        relative = source.relative_to(package)
        found[relative.with_name(f"test_{relative.name}")] = source
    return found


def layout_problems(package: Path, tests: Path) -> list[str]:
    """Every source module without its test module, and every test module without a source
    module outside the folders of their own (or a helper in a sub-folder), one line each."""
    expected = expected_tests(package)
    problems = [f"tests/{test}: missing, the test module of "
                f"{source.relative_to(package.parent)}" for test, source in expected.items()
                if not (tests / test).is_file()]
    for path in sorted(tests.rglob("*.py")):
        relative = path.relative_to(tests)
        folder = relative.parts[0] if len(relative.parts) > 1 else ""
        if folder in DATA_FOLDERS or path.name == "conftest.py":
            continue
        if not path.name.startswith("test_"):
            if folder:
                problems.append(f"tests/{relative}: a helper belongs at the top of tests/, "
                                "where every test can import it")
            continue
        if folder in OWN_FOLDERS or relative in expected:
            continue
        problems.append(f"tests/{relative}: tests no module (no "
                        f"{package.name}/{relative.parent / relative.name[5:]}); move its "
                        f"tests to the module they test, or to tests/{{{','.join(OWN_FOLDERS)}}}/")
    return problems


def test_every_source_module_has_its_test_module():
    missing = [p for p in layout_problems(PACKAGE_DIR, TESTS_DIR) if ": missing," in p]
    assert not missing, "\n".join(missing)


def test_every_test_module_tests_a_source_module_or_a_promise():
    stray = [p for p in layout_problems(PACKAGE_DIR, TESTS_DIR) if ": missing," not in p]
    assert not stray, "\n".join(stray)


def test_the_check_sees_a_missing_and_a_stray_test_module(tmp_path):
    package, tests = tmp_path / "evaluate", tmp_path / "tests"
    for name in ("__init__.py", "__main__.py", "cli.py", "model/__init__.py",
                 "model/demand.py", "model/queueing.py"):
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).touch()
    for name in ("test_cli.py", "model/test_demand.py", "model/test_money.py", "test_foo.py",
                 "promises/test_faults.py", "browser/conftest.py", "support.py",
                 "model/model_support.py", "fixtures/notebooks/test_x.py"):
        (tests / name).parent.mkdir(parents=True, exist_ok=True)
        (tests / name).touch()
    assert layout_problems(package, tests) == [
        "tests/model/test_queueing.py: missing, the test module of evaluate/model/queueing.py",
        "tests/model/model_support.py: a helper belongs at the top of tests/, where every test "
        "can import it",
        "tests/model/test_money.py: tests no module (no evaluate/model/money.py); move its "
        "tests to the module they test, or to tests/{promises,notebooks,browser,repository}/",
        "tests/test_foo.py: tests no module (no evaluate/foo.py); move its tests to the module "
        "they test, or to tests/{promises,notebooks,browser,repository}/",
    ]
