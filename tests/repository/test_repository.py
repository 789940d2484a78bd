"""What the repository itself must keep true: clean notebooks, matching environments, lint."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml

from evaluate.build.parameters import inspect_parameters
from evaluate.data.reference import (
    BENCHMARKS_FILE,
    PREVALENCE_FILE,
    SEDENTARY_FILE,
)
from evaluate.paths import (
    DATA_DIR,
    NOTEBOOKS_DIR,
    PACKAGE_DIR,
    PROJECT_ROOT,
    REFERENCE_DATA_DIR,
)
from evaluate.reports.notebook_params import (
    PARAMETER_MODELS,
)
from support import FIXTURES

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb")) + sorted(
    (PROJECT_ROOT / "tests" / "fixtures" / "notebooks").glob("*.ipynb"))

# Citations of what does not ship with the repository: the design notes, the outside reference
# notes (by file name, or by section with or without the section sign), and numbered issues of
# the project's tracker. A year before "issue" is a journal's issue ("Health Club Management
# 2015 issue 9") and is allowed.
UNSHIPPED_CITATION = re.compile(
    r"DESIGN\.md|ARCHITECTURE\.md|STYLE\.md|\.\./shared"
    r"|(?:decision-methods|decision-quality|epidemiology-and-industry|club-exports"
    r"|notebook-pipeline)\.md"
    r"|\bREF §|\breference (?:§|section )?\(?\d"
    r"|(?<!\d{4} )\bissue \d",
    re.IGNORECASE)
# data/ too: the sources and meanings of its assumptions.yml and equipment.csv reach the reports.
CITATION_FOLDERS = ("src", "bench", "tests", "notebooks", "data")
CITATION_FILES = ("README.md",)
TEXT_SUFFIXES = {".py", ".ipynb", ".md", ".j2", ".yml", ".yaml", ".json", ".toml", ".txt",
                 ".csv"}


def test_there_are_report_notebooks():
    assert list(NOTEBOOKS_DIR.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_clean_with_the_python3_kernel(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code), (
        "store notebooks without outputs: jupyter nbconvert --clear-output --inplace")
    assert "papermill" not in nb["metadata"]
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.name)
def test_every_report_parameter_is_typed_and_documented(path: Path):
    declared = inspect_parameters(path)
    assert declared
    for param in declared.values():
        assert param.type is not None, f"{param.name}: annotate its type"
        assert param.help, f"{param.name}: add a `# help` comment"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.name)
def test_report_markdown_is_displayed_with_its_dollar_signs_escaped(path: Path):
    """IPython's own ``Markdown`` would let "$814 ... $39" open a maths span: the reports show
    their Markdown through ``evaluate.reports.formatting.markdown``."""
    code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))
                     ["cells"] if c["cell_type"] == "code")
    assert "Markdown" not in code, "display(markdown(...)) from evaluate.reports.formatting"
    assert "display(markdown(" in code


def _names(specs: list[str]) -> dict[str, str]:
    found = {}
    for spec in specs:
        match = re.match(r"^([A-Za-z0-9_.\-]+)(\[.*\])?\s*(.*)$", spec.strip())
        found[match.group(1).lower().replace("_", "-")] = match.group(3).replace(" ", "")
    return found


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = _names(project["dependencies"] + [d for group in extras.values() for d in group
                                               if not d.startswith(project["name"])])
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda = _names([d for d in env["dependencies"] if isinstance(d, str)]
                   + [d for d in pip_section if not d.startswith("-e")])
    python = conda.pop("python")
    conda.pop("pip")
    assert conda == wanted
    assert python == project["requires-python"]
    assert "-e ." in pip_section


def test_playwright_is_in_the_pdf_extra_that_dev_includes():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert "playwright" not in _names(project["dependencies"])
    assert "playwright" in _names(project["optional-dependencies"]["pdf"])
    own = [d for d in project["optional-dependencies"]["dev"] if d.startswith(project["name"])]
    assert len(own) == 1 and "pdf" in re.match(r".*\[(.*)\]", own[0]).group(1).split(",")


def test_generated_output_is_ignored_by_git():
    ignored = (PROJECT_ROOT / ".gitignore").read_text().splitlines()
    assert "/reports/*" in ignored and "!/reports/README.md" in ignored
    assert "/.venv/" in ignored
    assert ".mypy_cache/" in ignored  # make lint's mypy keeps its cache there


def test_code_is_ruff_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "tests", "bench",
                             "notebooks"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_src_is_mypy_clean(tmp_path):
    # The configuration is pyproject.toml's [tool.mypy] (files: src), as `make lint` runs it;
    # the cache goes to a temporary folder, so the run leaves no .mypy_cache in the project.
    result = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path)],
                            cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues found" in result.stdout, result.stdout


def test_readme_documents_the_exit_codes_and_commands():
    from evaluate import cli

    readme = (PROJECT_ROOT / "README.md").read_text()
    for code in (cli.EXIT_OK, cli.EXIT_REPORT_FAILED, cli.EXIT_BAD_INPUT, cli.EXIT_LOCKED,
                 cli.EXIT_WRITE_FAILED, cli.EXIT_INTERRUPTED):
        assert re.search(rf"^\| `{code}` \|", readme, re.M), f"exit status {code} in README"
    for command in ("make reports", "make test", "make lab", "make clean", "evaluate build",
                    "evaluate params", "evaluate init", "--data-dir", "crontab"):
        assert command in readme


def test_public_api_names_resolve_and_import_evaluate_stays_light():
    import evaluate

    for name in evaluate.__all__:
        assert getattr(evaluate, name) is not None, name
    probe = subprocess.run([sys.executable, "-c", "import sys, evaluate; "
                            "print('pandas' in sys.modules, 'plotly' in sys.modules)"],
                           capture_output=True, text=True, check=True)
    assert probe.stdout.split() == ["False", "False"]


def _shipped_text_files() -> list[Path]:
    """The text files of CITATION_FOLDERS and CITATION_FILES, without generated output."""
    files = [PROJECT_ROOT / name for name in CITATION_FILES]
    for folder in CITATION_FOLDERS:
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            parts = path.relative_to(PROJECT_ROOT).parts
            if (path.suffix in TEXT_SUFFIXES and path.is_file() and parts[:2] != ("bench", "out")
                    and not any(p.startswith(".") or p == "__pycache__" for p in parts)):
                files.append(path)
    return files


def _pattern_lines() -> set[int]:
    """Lines of this file that define UNSHIPPED_CITATION: the one place the patterns may be."""
    for node in ast.parse(Path(__file__).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "UNSHIPPED_CITATION" for t in node.targets):
            return set(range(node.lineno, node.end_lineno + 1))
    raise AssertionError("UNSHIPPED_CITATION is not defined at the top of this file")


def test_docstrings_cite_only_what_ships():
    """Docstrings, comments, docs and data sources cite data/reference, the README or a paper.

    Never a design note, an outside reference note or a tracker issue: a reader of the
    repository has none of them. Each offence is named as file:line.
    """
    own, exempt = Path(__file__).resolve(), _pattern_lines()
    found = []
    for path in _shipped_text_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if path.resolve() == own and number in exempt:
                continue
            if UNSHIPPED_CITATION.search(line):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()[:80]}")
    assert not found, "cite what ships instead:\n" + "\n".join(found)


def test_data_folder_stays_under_10_mb():
    size = sum(p.stat().st_size for p in DATA_DIR.rglob("*") if p.is_file())
    assert size < 10_000_000


STEMS = sorted(PARAMETER_MODELS)


def notebook(stem: str):
    return NOTEBOOKS_DIR / f"{stem}.ipynb"


@pytest.mark.parametrize("stem", STEMS)
def test_notebook_is_stored_clean(stem):
    nb = nbformat.read(str(notebook(stem)), as_version=4)
    assert nb.metadata.kernelspec == {"name": "python3", "display_name": "Python 3",
                                      "language": "python"}
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0] is code[0]
    sources = "\n".join(c.source for c in code)
    assert "def " not in sources and "class " not in sources
    assert "papermill" not in json.dumps(nb.metadata)


# A citation of rows of a shipped table, as the data's sources write it:
# "industry_benchmarks.csv: a_row, another_row, grade B" (the grade is not a row).
REFERENCE_FILES = (PREVALENCE_FILE, SEDENTARY_FILE, BENCHMARKS_FILE)
ROW_CITATION = re.compile(r"\b(" + "|".join(map(re.escape, REFERENCE_FILES))
                          + r"): ((?!grade\b)\w+(?:, (?!grade\b)\w+)*)")


def source_texts() -> list[Path]:
    """The files whose ``source`` and ``meaning`` texts reach a report's readers."""
    files = [PACKAGE_DIR / "data" / "assumptions.py"]  # the catalogue of defaults
    for folder in (DATA_DIR, FIXTURES):
        files += sorted(folder.rglob("*.yml")) + sorted(folder.rglob("*.csv"))
    return files


def test_data_sources_cite_rows_that_exist():
    """Every "file.csv: row" a source cites is a row of that file in data/reference/."""
    rows = {name: set(pd.read_csv(REFERENCE_DATA_DIR / name, dtype=str).iloc[:, 0])
            for name in REFERENCE_FILES}
    cited, missing = 0, []
    for path in source_texts():
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            for match in ROW_CITATION.finditer(line):
                name, ids = match.group(1), match.group(2).split(", ")
                cited += len(ids)
                missing += [f"{path}:{number}: no row {row!r} in {name}"
                            for row in ids if row not in rows[name]]
    assert cited, "the demo's sources cite rows of data/reference/"
    assert not missing, "\n".join(missing)
