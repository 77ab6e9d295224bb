"""Reading scenario files: problems with their lines, unreadable files, round trips, schema."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from planner.i18n import use_language
from planner.io import read_scenario, scenario_schema, write_scenario
from planner.scenario import ScenarioError
from planner.scenario.messages import os_error_text
from tests.factories import base_data, build

#: A valid two-committee scenario written by hand, so that line numbers are known.
#: Line 20 is C1's audience capacity, lines 23-24 its closed weeks, line 27 C2's grid
#: and line 29 C2's location (a flow mapping).
GOOD = """\
name: 测试情景
season:
  start: 2027-03-01
  weeks: 4
centre: {id: centre, name: 文化中心, location: {lat: 31.30, lon: 121.51}}
grids:
  - id: G1
    name: 第一网格
    subcentre:
      id: S1
      name: 第一分中心
      location: {lat: 31.305, lon: 121.51}
committees:
  - id: C1
    name: 测试1居委会
    grid: G1
    population: 1000
    location: {lat: 31.3045, lon: 121.515}
    venue:
      audience_capacity: 60
      stage: true
    closed_weeks:
      - 2
      - 3
  - id: C2
    name: 测试2居委会
    grid: G1
    population: 1000
    location: {lat: 31.309, lon: 121.515}
"""


def problems_of(tmp_path: Path, text: str | bytes) -> list[str]:
    """Write ``text`` to a file, read it, and return the report's problem lines with the
    file name replaced by ``FILE``."""
    path = tmp_path / "scenario.yaml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    with pytest.raises(ScenarioError) as caught:
        read_scenario(path)
    assert caught.value.source == str(path)
    return [row.strip().replace(str(path), "FILE") for row in caught.value.report().splitlines()]


def test_the_hand_written_scenario_reads(tmp_path: Path) -> None:
    """The text the other tests break is itself valid."""
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    scenario = read_scenario(path)
    assert [c.name for c in scenario.committees] == ["测试1居委会", "测试2居委会"]
    assert scenario.committees[0].closed_weeks == [2, 3]


def test_line_of_a_bad_value_in_a_nested_mapping(tmp_path: Path) -> None:
    """A bad value two mappings deep is reported on its own line."""
    text = GOOD.replace("audience_capacity: 60", "audience_capacity: -1")
    assert problems_of(tmp_path, text) == [
        "FILE: 1 problem",
        "FILE:20: committees[0].venue.audience_capacity: "
        "Input should be greater than or equal to 0 (got -1)",
    ]


def test_line_of_a_bad_list_item(tmp_path: Path) -> None:
    """A bad item of a block list is reported on the item's line."""
    text = GOOD.replace("      - 3\n", "      - 0\n")
    assert problems_of(tmp_path, text) == [
        "FILE: 1 problem",
        "FILE:24: committees[0].closed_weeks[1]: "
        "Input should be greater than or equal to 1 (got 0)",
    ]


def test_line_of_a_bad_value_in_flow_style(tmp_path: Path) -> None:
    """Inside a flow mapping, the value's own line is reported, also when the mapping
    spans two lines."""
    one_line = GOOD.replace("{lat: 31.309, lon: 121.515}", "{lat: 95, lon: 121.515}")
    assert problems_of(tmp_path, one_line) == [
        "FILE: 1 problem",
        "FILE:29: committees[1].location.lat: Input should be less than or equal to 90 (got 95)",
    ]
    two_lines = GOOD.replace("{lat: 31.309, lon: 121.515}", "{lat: 31.309,\n    lon: 200}")
    assert problems_of(tmp_path, two_lines) == [
        "FILE: 1 problem",
        "FILE:30: committees[1].location.lon: Input should be less than or equal to 180 (got 200)",
    ]


def test_line_of_a_flow_list_item(tmp_path: Path) -> None:
    """A bad item of a one-line flow list is reported on that line."""
    text = GOOD.replace("    closed_weeks:\n      - 2\n      - 3\n", "    closed_weeks: [2, 0]\n")
    assert problems_of(tmp_path, text) == [
        "FILE: 1 problem",
        "FILE:22: committees[0].closed_weeks[1]: "
        "Input should be greater than or equal to 1 (got 0)",
    ]


def test_field_and_reference_problems_together_sorted_by_line(tmp_path: Path) -> None:
    """When fields are bad, unknown grids are still found in the raw data, and all
    problems come in file order."""
    text = GOOD.replace("audience_capacity: 60", "audience_capacity: -1").replace(
        "    grid: G1\n    population: 1000\n    location: {lat: 31.309",
        "    grid: G9\n    population: 1000\n    location: {lat: 95",
    )
    assert problems_of(tmp_path, text) == [
        "FILE: 3 problems",
        "FILE:20: committees[0].venue.audience_capacity: "
        "Input should be greater than or equal to 0 (got -1)",
        "FILE:27: committees[1].grid: unknown grid 'G9'",
        "FILE:29: committees[1].location.lat: Input should be less than or equal to 90 (got 95)",
    ]


def test_lines_of_missing_unknown_and_cross_reference_problems(tmp_path: Path) -> None:
    """A missing field points at its mapping, an unknown key at itself, and a week outside
    the season (found after the field checks) at its list's key."""
    unknown = GOOD.replace("  weeks: 4\n", "  weeks: 4\n  colour: red\n")
    assert problems_of(tmp_path, unknown) == [
        "FILE: 1 problem",
        "FILE:5: season.colour: unknown field",
    ]
    missing = GOOD.replace(
        "    population: 1000\n    location: {lat: 31.309", "    location: {lat: 31.309"
    )
    assert problems_of(tmp_path, missing) == [
        "FILE: 1 problem",
        "FILE:25: committees[1].population: required field is missing",
    ]
    outside = GOOD.replace("      - 3\n", "      - 7\n")
    assert problems_of(tmp_path, outside) == [
        "FILE: 1 problem",
        "FILE:22: committees[0].closed_weeks: week 7 is outside the season (1..4)",
    ]


# -- files that cannot be read as a scenario ---------------------------------------------


@pytest.mark.parametrize("text", ["", "  \n\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    """An empty or blank file is one top-level problem without a line."""
    assert problems_of(tmp_path, text) == [
        "FILE: 1 problem",
        "FILE: (top level): the file is empty",
    ]


def test_gbk_bytes_are_refused(tmp_path: Path) -> None:
    """A file saved as GBK is refused, naming the first byte that is not UTF-8 with its
    line and column, and the encoding it reads as."""
    data = "name: x\ncentre: 测试\n".encode("gbk")
    assert data[16] == 0xB2
    assert problems_of(tmp_path, data) == [
        "FILE: 1 problem",
        "FILE:2: (top level): not UTF-8: byte 0xb2 at offset 16 (column 9), the file reads "
        "as GBK/GB18030; save the file as UTF-8",
    ]


def test_missing_file(tmp_path: Path) -> None:
    """A file that does not exist is one problem naming the reason in our own words,
    in Chinese too (not the system's English text)."""
    with pytest.raises(ScenarioError) as caught:
        read_scenario(tmp_path / "nope.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "(top level): cannot read file: no such file"
    ]
    with use_language("zh_CN"), pytest.raises(ScenarioError) as caught:
        read_scenario(tmp_path / "nope.yaml")
    assert caught.value.problems[0].message == "无法读取文件：文件不存在"


def test_common_os_errors_are_said_in_our_words() -> None:
    """Permission denied and a folder get catalogue texts; another errno keeps the
    system's text."""
    with use_language("zh_CN"):
        assert os_error_text(PermissionError(errno.EACCES, "Permission denied")) == "没有权限"
        assert os_error_text(IsADirectoryError(errno.EISDIR, "Is a directory")) == (
            "这是文件夹，不是文件"
        )
        assert os_error_text(OSError(errno.EIO, "Input/output error")) == "Input/output error"


def test_yaml_syntax_error_has_its_line(tmp_path: Path) -> None:
    """An unclosed flow list is malformed YAML, reported where the parser gave up."""
    assert problems_of(tmp_path, "name: x\nseason: [1, 2\n") == [
        "FILE: 1 problem",
        "FILE:3: (top level): malformed YAML: did not find expected ',' or ']'",
    ]


@pytest.mark.parametrize(
    ("text", "found"), [("- a\n- b\n", "list"), ("just text\n", "str"), ("42\n", "int")]
)
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str, found: str) -> None:
    """A list or a scalar at the top is refused, naming what was found."""
    assert problems_of(tmp_path, text) == [
        "FILE: 1 problem",
        f"FILE: (top level): expected a mapping at the top, found {found}",
    ]


# -- writing, and the schema -------------------------------------------------------------


def test_write_then_read_keeps_chinese_text(tmp_path: Path) -> None:
    """write_scenario writes Chinese literally (not escaped), the header as comments, and
    reading the file back gives an equal scenario."""
    scenario = build(base_data())
    path = tmp_path / "s.yaml"
    write_scenario(scenario, path, header="五角场 春季\nsecond line")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# 五角场 春季\n# second line\nname: 测试情景\n")
    assert "测试1居委会" in text and "第一分中心" in text
    assert "\\u" not in text
    assert read_scenario(path) == scenario


def test_scenario_schema_is_json_naming_the_top_level_keys() -> None:
    """The schema is JSON whose properties are the scenario's top-level keys, five of them
    required, with Chinese descriptions kept literally."""
    text = scenario_schema()
    schema = json.loads(text)
    assert schema["title"] == "Scenario"
    assert list(schema["properties"]) == [
        "name",
        "season",
        "centre",
        "subdistricts",
        "grids",
        "committees",
        "resources",
        "demand",
        "objective",
        "network",
        "pins",
    ]
    assert schema["required"] == ["name", "season", "centre", "grids", "committees"]
    with use_language("zh_CN"):
        assert "网格" in scenario_schema()
