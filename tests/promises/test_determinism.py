"""Two builds of the same inputs and seed give identical numbers in every summary.json."""

from __future__ import annotations

import json

import pytest

from support import run_cli

pytestmark = pytest.mark.notebooks

RUN_SPECIFIC = {"build_id"}  # the only key that may differ between two builds


def summaries(out) -> dict[str, dict]:
    folder = out / "latest"
    found = {}
    for path in sorted(folder.glob("*.summary.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[path.name] = {k: v for k, v in data.items() if k not in RUN_SPECIFIC}
    return found


def test_two_forced_builds_give_identical_summaries(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        result = run_cli("build", "--out", out, "--force", "--param", "draws=2000")
        assert result.returncode == 0, result.stderr
    one, two = summaries(first), summaries(second)
    assert set(one) == set(two) and len(one) == 5
    for name in one:
        assert one[name] == two[name], name
