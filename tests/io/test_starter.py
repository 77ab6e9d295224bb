"""``cultplan init``: a commented starter scenario that validates and solves, never
written over a file without --force."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import EXIT_INVALID, app
from planner.i18n import use_language
from planner.io import parse_scenario, read_scenario
from planner.io.starter import starter_text
from tests.factories import solve_valid

CJK = re.compile(r"[\u4e00-\u9fff]")


def _comments(text: str) -> list[str]:
    """The comments of a YAML text, but for the commands they quote."""
    found = [line.split("#", 1)[1].strip() for line in text.splitlines() if "#" in line]
    return [c for c in found if not c.startswith("cultplan ")]


def test_starter_is_commented_in_the_current_language() -> None:
    """In Chinese every comment is Chinese; in English none is; both read as the same
    valid scenario."""
    with use_language("zh_CN"):
        chinese = starter_text()
    with use_language("en"):
        english = starter_text()
    assert all(CJK.search(c) for c in _comments(chinese))
    assert not any(CJK.search(c) for c in _comments(english))
    assert parse_scenario(chinese) == parse_scenario(english)


def test_init_writes_a_scenario_that_validates_and_solves(tmp_path: Path) -> None:
    """``cultplan init PATH`` writes a file that reads as a valid scenario, and solving it
    gives a plan that keeps every rule."""
    path = tmp_path / "season.yaml"
    result = CliRunner().invoke(app, ["init", str(path)])
    assert result.exit_code == 0, result.output
    assert f"wrote {path}" in result.output
    s = read_scenario(path)
    assert len(s.committees) == 3
    assert f"cultplan validate {path}" in path.read_text(encoding="utf-8")
    solved = solve_valid(s, time_limit=10.0)
    assert solved.plan


def test_init_refuses_to_write_over_a_file(tmp_path: Path) -> None:
    """Without --force an existing file is kept as it was (exit code 2, said in
    Chinese by default); with --force it is replaced by the starter."""
    path = tmp_path / "scenario.yaml"
    path.write_text("mine\n", encoding="utf-8")
    with use_language("zh_CN"):
        result = CliRunner().invoke(app, ["init", str(path)])
    assert result.exit_code == EXIT_INVALID
    assert f"{path}：文件已存在；加 --force 可覆盖" in result.output
    assert path.read_text(encoding="utf-8") == "mine\n"
    result = CliRunner().invoke(app, ["init", str(path), "--force"])
    assert result.exit_code == 0, result.output
    assert read_scenario(path).name


@pytest.mark.parametrize("where", ["folder", "missing_parent"])
def test_init_refuses_a_path_it_cannot_write(tmp_path: Path, where: str) -> None:
    """``cultplan init`` naming a folder, or a file in a folder that does not exist, is
    refused with exit code 2 and a message naming the path; nothing is written (no
    internal error)."""
    path = tmp_path if where == "folder" else tmp_path / "nodir" / "x.yaml"
    before = sorted(tmp_path.rglob("*"))
    result = CliRunner().invoke(app, ["init", str(path), "--force"])
    assert result.exit_code == 2, result.output
    assert str(path) in result.output
    assert sorted(tmp_path.rglob("*")) == before
