"""The command line's other commands: params, demo-data, help and version."""

from __future__ import annotations

from evaluate import __version__
from evaluate.paths import DEMO_DATA_DIR
from support import NOTEBOOKS, broken_club, run_cli


def test_params_command_lists_parameters():
    result = run_cli("params", NOTEBOOKS / "chart.ipynb")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["greeting", "str", "default", "'hello'"]
    assert "text shown in the report" in lines[0]
    assert lines[2].split()[:4] == ["ratio", "float", "default", "0.5"]


def test_params_of_a_missing_notebook_is_a_usage_error(tmp_path):
    result = run_cli("params", tmp_path / "nope.ipynb")
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_demo_data_regenerates_the_committed_demo(tmp_path):
    result = run_cli("demo-data", "--out", tmp_path, "--today", "2026-11-01")
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(p.name for p in DEMO_DATA_DIR.iterdir())
    for name in written:
        assert (tmp_path / name).read_bytes() == (DEMO_DATA_DIR / name).read_bytes(), name


def test_a_generated_club_of_any_size_validates(tmp_path):
    result = run_cli("demo-data", "--out", tmp_path, "--members", "400", "--seed", "5")
    assert result.returncode == 0, result.stderr
    check = run_cli("validate", "--data-dir", tmp_path)
    assert check.returncode == 0, check.stderr + check.stdout
    assert "0 error(s)" in check.stdout and "checkins.parquet" in check.stdout


def test_help_and_version():
    result = run_cli("--help")
    assert result.returncode == 0
    assert all(c in result.stdout for c in ("build", "params", "demo-data"))
    assert __version__ in run_cli("--version").stdout
    build_help = run_cli("build", "--help").stdout
    for option in ("--plan", "--data-dir", "--out", "--jobs", "--only", "--param",
                   "--cell-timeout", "--dry-run"):
        assert option in build_help


def test_validate_command_exit_codes_and_report(tmp_path):
    clean = run_cli("validate", "--data-dir", DEMO_DATA_DIR)
    assert clean.returncode == 0 and "0 error(s)" in clean.stdout
    broken = run_cli("validate", "--data-dir", broken_club(tmp_path))
    assert broken.returncode == 2
    assert "members.csv:" in broken.stderr and "club.yml:" in broken.stderr
    assert "row 5" in broken.stderr and "column 'status'" in broken.stderr
    assert "fix:" in broken.stderr and "rule:" in broken.stderr
    missing = run_cli("validate", "--data-dir", tmp_path / "nowhere")
    assert missing.returncode == 2 and "club data folder not found" in missing.stderr
