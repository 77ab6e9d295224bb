"""Findings of a new-user trial: every lexical slip named at once, every out-of-season
week of a list, a missing section without a misleading line, full-width commas in a list
of names."""

from __future__ import annotations

import pytest

from planner.i18n import use_language
from planner.io.scenario_yaml import parse_scenario
from planner.scenario import ScenarioError
from planner.scenario.messages import message

#: A small valid scenario, with a comment header so that the top level starts late.
BASE = """\
# 测试情景
# 第二行注释
name: 测试情景
season:
  start: 2027-03-01
  weeks: 13
centre: {id: centre, name: 文化中心, location: {lat: 31.30, lon: 121.51}}
grids:
  - id: G1
    name: 第一网格
    subcentre: {id: S1, name: 第一分中心, location: {lat: 31.305, lon: 121.51}}
committees:
  - {id: C1, name: 测试1居委会, grid: G1, population: 1000, location: {lat: 31.3045, lon: 121.515}}
  - {id: C2, name: 测试2居委会, grid: G1, population: 1000, location: {lat: 31.309, lon: 121.515}}
resources:
  troupes:
    - {id: T1, name: 越剧团, genre: 越剧, home_grid: G1}
demand:
  - {committee: C1, product: performance, count: 1}
  - {committee: C2, product: performance, count: 1}
"""


def _problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    return [(p.line, p.message) for p in info.value.problems]


def test_base_is_valid() -> None:
    """The base text of these tests reads without a problem."""
    assert parse_scenario(BASE).name == "测试情景"


def test_every_tab_and_fullwidth_colon_is_named_at_once() -> None:
    """A tab and two full-width colons further down are named together, each with its
    line."""
    rows = BASE.split("\n")
    rows[4] = "\tstart: 2027-03-01"
    rows[8] = "  - id：G1"
    rows[9] = "    name：第一网格"
    found = _problems("\n".join(rows))
    lines = [line for line, _msg in found]
    assert 5 in lines and 9 in lines and 10 in lines
    assert any("tab" in m for line, m in found if line == 5)
    assert any("'id'" in m for line, m in found if line == 9)
    assert any("'name'" in m for line, m in found if line == 10)


def test_two_tabs_are_named_at_once() -> None:
    """Two lines indented with tabs are both named."""
    rows = BASE.split("\n")
    rows[4] = "\tstart: 2027-03-01"
    rows[5] = "\tweeks: 13"
    lines = [line for line, m in _problems("\n".join(rows)) if "tab" in m]
    assert lines == [5, 6]


def test_missing_section_has_no_misleading_line() -> None:
    """A missing top-level section is named without the line of an unrelated key."""
    start = BASE.index("committees:")
    text = BASE[:start] + BASE[BASE.index("resources:") :]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    assert [(p.loc, p.line) for p in info.value.problems] == [(("committees",), None)]


def test_every_week_outside_the_season_is_named() -> None:
    """Of ``[0, 9, 20]`` in a 13-week season both 0 and 20 are named; 9 is not."""
    text = BASE.replace("count: 1}", "count: 1, preferred_weeks: [0, 9, 20]}", 1)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    found = [(p.loc, p.line) for p in info.value.problems]
    weeks = ("demand", 0, "preferred_weeks")
    assert found == [((*weeks, 0), 19), (weeks, 19)]
    assert info.value.problems[1].message == message("outside_season", week=20, weeks=13)


@pytest.mark.parametrize("char", ["，", "、"])
def test_chinese_comma_in_a_list_of_names_is_a_problem(char: str) -> None:
    """``themes: [沪剧，越剧]`` is refused with its line instead of reading as one theme
    that no troupe offers; a topic or a skill likewise."""
    text = BASE.replace("count: 1}", f"count: 1, themes: [沪剧{char}越剧]}}", 1)
    text = text.replace(
        "  troupes:",
        f"  lecturers:\n    - {{id: L1, name: 李老师, topics: [书法{char}绘画]}}\n  troupes:",
    )
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    found = [(p.loc, p.line) for p in info.value.problems]
    assert found == [
        (("resources", "lecturers", 0, "topics", 0), 17),
        (("demand", 0, "themes", 0), 21),
    ]
    theme = info.value.problems[1].message
    assert theme == message("comma_in_name", item=f"沪剧{char}越剧", char=char)


def test_chinese_comma_in_a_list_of_names_is_named_in_chinese() -> None:
    """The problem reads in Chinese when Chinese is the language."""
    text = BASE.replace("count: 1}", "count: 1, themes: [沪剧，越剧]}", 1)
    with use_language("zh_CN"), pytest.raises(ScenarioError) as info:
        parse_scenario(text)
    assert "逗号" in info.value.problems[0].message


def test_chinese_comma_in_a_name_outside_a_list_is_kept() -> None:
    """A committee name with a Chinese comma is a name, not a slip."""
    text = BASE.replace("name: 测试1居委会", "name: 测试1居委会，东片", 1)
    assert parse_scenario(text).committees[0].name == "测试1居委会，东片"


def test_chinese_comma_in_a_list_of_names_gets_no_second_hint() -> None:
    """The problem already says what to write; the line's full-width comma hint is not
    added to it, in English or in Chinese."""
    text = BASE.replace("count: 1}", "count: 1, themes: [沪剧，越剧]}", 1)
    for language in ("en", "zh_CN"):
        with use_language(language):
            with pytest.raises(ScenarioError) as info:
                parse_scenario(text)
            expected = message("comma_in_name", item="沪剧，越剧", char="，")
        assert info.value.problems[0].message == expected
