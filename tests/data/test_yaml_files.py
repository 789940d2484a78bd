"""Reading YAML safely (evaluate.data.yaml_files): errors name the file, the line and the fix.

Only plain values are built, never a Python object; a document that grows when read (aliases,
nesting) is refused before it is built.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from evaluate.data.limits import YAML_MAX
from evaluate.data.yaml_files import (
    SAFE_LOADER,
    check_yaml,
    read_yaml,
    top_line,
    undecodable_line,
    yaml_expansion_problem,
)
from evaluate.errors import DataError, PlanError


def written(tmp_path: Path, text: str, name: str = "club.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_values_are_read(tmp_path):
    path = written(tmp_path, "name: Riverside\nopened: 2014-03-01\nbudget: 5000\n")
    assert read_yaml(path) == {"name": "Riverside", "opened": date(2014, 3, 1), "budget": 5000}


def test_a_python_tag_is_refused_on_its_line_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    path = written(tmp_path, f"name: x\nrun: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(DataError) as caught:
        read_yaml(path)
    [problem] = caught.value.problems
    assert problem.message == "refused: the YAML asks to build a Python object"
    assert (problem.file, problem.row) == (path, 2)
    assert problem.fix == "remove the !!python tag and write a plain value"
    assert not marker.exists()


def test_a_syntax_error_names_its_line_and_the_error_type_is_the_callers(tmp_path):
    path = written(tmp_path, "reports:\n  - name: a\n   parameters: {x: 1}\n", "plan.yml")
    with pytest.raises(PlanError) as caught:
        read_yaml(path, error=PlanError)
    [problem] = caught.value.problems
    assert problem.message.startswith("not valid YAML: ")
    assert problem.row == 3 and problem.file == path
    assert problem.rule == "plan.yml is valid YAML (key: value, indented by spaces)"


def test_a_value_yaml_parses_but_cannot_build_is_named_with_its_line(tmp_path):
    path = written(tmp_path, "name: x\nopened: 2026-02-30\n")
    with pytest.raises(DataError) as caught:
        read_yaml(path)
    [problem] = caught.value.problems
    assert problem.message.startswith("not a valid value: ")
    assert (problem.row, problem.value) == (2, "2026-02-30")
    assert "quote it" in problem.fix
    assert read_yaml(written(tmp_path, "opened: '2026-02-30'\n")) == {"opened": "2026-02-30"}


def test_text_that_is_not_utf8_names_its_first_bad_line(tmp_path):
    path = tmp_path / "club.yml"
    path.write_bytes(b"name: Caf\xc3\xa9\ncity: M\xfcnster\n")  # UTF-8, then Latin-1
    assert undecodable_line(path) == 2
    with pytest.raises(DataError) as caught:
        read_yaml(path)
    [problem] = caught.value.problems
    assert problem.message.startswith("not UTF-8 text") and problem.row == 2
    assert problem.fix == "save club.yml as UTF-8"
    assert undecodable_line(written(tmp_path, "name: Café\n")) is None


def test_the_document_starts_at_its_first_key(tmp_path):
    assert top_line("# a comment\n\nname: x\n") == 3
    assert top_line("- a\n- b\n") == 1
    assert top_line("# only a comment\n") is None
    assert top_line("a: [unclosed\n") is None  # not YAML: the reader says where


def test_a_file_beyond_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = written(tmp_path, "#" * (YAML_MAX + 1))
    with pytest.raises(DataError, match="the file is too large to read: 1 MiB"):
        read_yaml(path)
    with pytest.raises(PlanError, match="the text is too large to read"):
        check_yaml(path, "#" * (YAML_MAX + 1), error=PlanError)


def test_expansion_is_measured_on_the_node_graph_without_expanding_it():
    assert yaml_expansion_problem(None) is None
    small = yaml.compose("a: &a [1, 2, 3]\nb: *a\nc: *a\n", Loader=SAFE_LOADER)
    assert yaml_expansion_problem(small) is None
    # Each level repeats the one below ten times: 10**6 values from seven lines.
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 6)]
    big = yaml.compose("\n".join(lines) + "\n", Loader=SAFE_LOADER)
    assert "expands to more than 100,000 values" in yaml_expansion_problem(big)


# "Billion laughs": nine lines that stand for 9**9 (387 million) values.
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n"
    for a, b in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.mark.parametrize(("text", "words"), [
    (BOMB, "expands to more than 100,000 values"),
    ("a: &a [1, *a]\n", "refers to a value that contains it"),
    ("[" * 100_000 + "]" * 100_000, "nests more than 64 levels"),  # crashes libyaml if read
    ("a:\n" + "".join("  " * i + f"  b{i}:\n" for i in range(80)) + "  " * 81 + "x: 1\n",
     "nests more than 64 levels"),
])
def test_yaml_that_only_grows_when_read_is_refused(tmp_path, text, words):
    path = tmp_path / "plan.yml"
    path.write_text(text)
    with pytest.raises(PlanError, match=words):
        read_yaml(path, error=PlanError)


def test_yaml_aliases_of_reasonable_size_still_work(tmp_path):
    path = tmp_path / "plan.yml"
    path.write_text("defaults: &d {budget: 5000.0, draws: 1000}\n"
                    "reports:\n  - {name: a, parameters: *d}\n  - {name: b, parameters: "
                    "{<<: *d, draws: 200}}\n")
    content = read_yaml(path)
    assert content["reports"][1]["parameters"] == {"budget": 5000.0, "draws": 200}
