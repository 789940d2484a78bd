"""Where things live: the only module that builds project paths.

Every path is derived from this file's location, never from the working
directory, so the suite behaves the same from the build, from JupyterLab
(whose working directory is ``notebooks/``) and from the tests.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DATA_DIR = PROJECT_ROOT / "data"
DEMO_DATA_DIR = DATA_DIR / "demo"
REFERENCE_DATA_DIR = DATA_DIR / "reference"
REPORTS_DIR = PROJECT_ROOT / "reports"
DEFAULT_PLAN = NOTEBOOKS_DIR / "plan.yml"
# A build writes into a hidden staging folder of the output folder, then publishes it.
STAGING_PREFIX = ".staging-"
PACKAGE_DIR = Path(__file__).resolve().parent  # src/evaluate: every layer of the suite's code
TEMPLATES_DIR = PACKAGE_DIR / "build" / "templates"  # the report page and the index


def resolve_data_dir(data_dir: str | Path | None) -> Path:
    """Return the club data folder as an absolute path; empty means the bundled demo club."""
    if data_dir is None or str(data_dir).strip() == "":
        return DEMO_DATA_DIR
    path = Path(data_dir).expanduser()
    return path if path.is_absolute() else (Path.cwd() / path).resolve()


def output_folder(path: Path) -> Path:
    """The output folder a path is in: the parent of its staging folder, if it is in one."""
    for parent in path.parents:
        if parent.name.startswith(STAGING_PREFIX):
            return parent.parent
    return path.parent
