"""Validator messages in Chinese: one plan breaking each hard rule, every message checked.

The suite runs in English; these tests ask for the default, Simplified Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from planner.i18n import use_language
from planner.plan import Delivery, Plan
from planner.scenario import Scenario
from planner.validate import RULES, assert_valid, check_plan
from tests.chinese import assert_chinese, setting
from tests.factories import (
    ask,
    build,
    grid_of,
    pin,
)
from tests.validate.plans import (
    EXHIBITION,
    LECTURE,
    bk,
    ex,
    rich_data,
    show,
    swap,
    talk,
    valid_deliveries,
    with_,
)

Case = Callable[[], tuple[Scenario, Plan]]


def _no_edit(data: dict[str, Any]) -> None:
    """Leave the scenario data as it is."""


def _rich(edit: Callable[[dict[str, Any]], None]) -> Scenario:
    data = rich_data()
    edit(data)
    return build(data)


def _valid_plan() -> Plan:
    return Plan.of(valid_deliveries())


def _service_area(subdistrict: str | None) -> tuple[Scenario, Plan]:
    def edit(data: dict[str, Any]) -> None:
        if subdistrict:
            data["grids"][0]["subdistrict"] = subdistrict
        data["grids"].append(grid_of("殷行"))
        data["resources"]["troupes"][0]["subdistrict"] = "殷行"

    return _rich(edit), Plan.of([show("C1", 1)])


def _duplicate(data: dict[str, Any]) -> None:
    data["resources"]["lecturers"][0]["sessions_per_week"] = 2
    data["demand"][3]["count"] = 2


def _stage_and_audience(data: dict[str, Any]) -> None:
    data["resources"]["troupes"][0].update(needs_stage=True, min_audience=150)
    data["committees"][1]["venue"]["stage"] = False


def _fixture(data: dict[str, Any]) -> None:
    data["season"]["fixtures"] = [
        {"id": "festival", "name": "社区文化节", "weeks": [4, 5], "reserves": ["TR1"]}
    ]


def _pinned(*pins: dict[str, Any], extra_line: bool = False) -> Case:
    def edit(data: dict[str, Any]) -> None:
        if extra_line:
            data["demand"].append(ask("C1", "performance", 1, id="extra"))
        data["pins"] = list(pins)

    return lambda: (_rich(edit), _valid_plan())


GHOST = Delivery("C1", LECTURE, "NOBODY", 2, 2, "C1/lecture/1", "健康")
STRANGER = Delivery("C9", LECTURE, "L1", 7, 7, "C1/lecture/1", "健康")
TALK = talk("C1", 2)

#: Each rule broken by a hand-written plan of the rich scenario of the validator tests:
#: the rule, the plan and the ids its messages must name.
CASES: list[Any] = [
    pytest.param(
        "known_reference", lambda: (_rich(_no_edit), with_(GHOST)), ["'NOBODY'"], id="ghost"
    ),
    pytest.param("known_reference", lambda: (_rich(_no_edit), with_(STRANGER)), ["'C9'"], id="c9"),
    pytest.param(
        "known_reference",
        lambda: (_rich(_no_edit), swap(TALK, replace(TALK, resource_id="T1"))),
        ["'T1'"],
        id="product",
    ),
    pytest.param(
        "known_reference",
        lambda: (_rich(_no_edit), swap(TALK, replace(TALK, demand_id="C1/performance/1"))),
        ["'C1/performance/1'"],
        id="line",
    ),
    pytest.param(
        "known_reference",
        lambda: (_rich(_no_edit), swap(TALK, replace(TALK, demand_id="C1/lecture/7"))),
        ["'C1/lecture/7'"],
        id="no-line",
    ),
    pytest.param("service_area", lambda: _service_area("五角场"), ["'T1'", "'C1'"], id="area"),
    pytest.param("service_area", lambda: _service_area(None), ["'T1'", "'G1'"], id="no-area"),
    pytest.param(
        "within_season",
        lambda: (_rich(_no_edit), swap(bk("C1", "BK2", 5, 6), bk("C1", "BK2", 8, 9))),
        ["'BK2'", "'C1'"],
        id="late",
    ),
    pytest.param(
        "within_season", lambda: (_rich(_no_edit), swap(TALK, talk("C1", 0))), ["'L1'"], id="early"
    ),
    pytest.param(
        "duration",
        lambda: (_rich(_no_edit), swap(bk("C1", "BK2", 5, 6), bk("C1", "BK2", 5, 7))),
        ["'BK2'", "'C1'"],
        id="duration",
    ),
    pytest.param(
        "theme_fit",
        lambda: (_rich(_no_edit), swap(TALK, talk("C1", 2, "美术"))),
        ["'美术'"],
        id="theme",
    ),
    pytest.param(
        "demand_limit",
        lambda: (_rich(_no_edit), with_(show("C2", 4))),
        ["'C2/performance/1'"],
        id="demand",
    ),
    pytest.param(
        "resource_capacity",
        lambda: (_rich(_no_edit), swap(talk("C2", 3, "历史"), talk("C2", 2, "历史"))),
        ["'L1'"],
        id="weekly",
    ),
    pytest.param(
        "resource_capacity",
        lambda: (_rich(setting("resources.troupes.0.max_shows", 2)), _valid_plan()),
        ["'T1'"],
        id="max-shows",
    ),
    pytest.param(
        "copy_overlap",
        lambda: (_rich(_no_edit), swap(bk("C2", "BK1-1", 5, 8), bk("C2", "BK1-1", 3, 6))),
        ["'BK1-1'", "'C1'", "'C2'"],
        id="copy",
    ),
    pytest.param(
        "resource_unavailable",
        lambda: (_rich(setting("resources.troupes.0.unavailable_weeks", [2])), _valid_plan()),
        ["'T1'", "'C2'"],
        id="unavailable",
    ),
    pytest.param(
        "resource_unavailable",
        lambda: (_rich(setting("resources.lecturers.0.available_weeks", [1, 2])), _valid_plan()),
        ["'L1'"],
        id="available",
    ),
    pytest.param(
        "resource_unavailable",
        lambda: (_rich(_fixture), _valid_plan()),
        ["'TR1'", "'festival'"],
        id="fixture",
    ),
    pytest.param(
        "closed_week",
        lambda: (_rich(setting("committees.1.closed_weeks", [2])), _valid_plan()),
        ["'C2'", "'T1'"],
        id="closed",
    ),
    pytest.param(
        "closed_week",
        lambda: (_rich(setting("season.closed_weeks", [8])), _valid_plan()),
        ["'C2'", "'BK1-1'"],
        id="season-closed",
    ),
    pytest.param(
        "excluded_week",
        lambda: (_rich(setting("demand.0.excluded_weeks", [3])), _valid_plan()),
        ["'C1/book_set/1'"],
        id="excluded",
    ),
    pytest.param(
        "rotation_cycle",
        lambda: (_rich(setting("season.rotation_cycle", True)), _valid_plan()),
        ["'TR1'", "'C1'"],
        id="cycle",
    ),
    pytest.param(
        "venue", lambda: (_rich(_stage_and_audience), _valid_plan()), ["'T1'"], id="stage"
    ),
    pytest.param(
        "venue",
        lambda: (_rich(setting("committees.0.venue.fitness_floor", False)), _valid_plan()),
        ["'C1'", "'TR1'"],
        id="floor",
    ),
    pytest.param(
        "venue",
        lambda: (
            _rich(setting("committees.0.venue.shelf_slots", 1)),
            swap(bk("C1", "BK2", 5, 6), bk("C1", "BK2", 3, 4)),
        ),
        ["'C1'", "shelf_slots"],
        id="shelf",
    ),
    pytest.param(
        "venue",
        lambda: (
            _rich(setting("demand.1.count", 2)),
            with_(Delivery("C1", EXHIBITION, "EX2", 2, 3, "C1/exhibition/1", "科普")),
        ),
        ["'C1'", "board_slots"],
        id="boards",
    ),
    pytest.param(
        "events_per_week",
        lambda: (_rich(_no_edit), swap(TALK, talk("C1", 5))),
        ["'C1'", "max_events_per_week"],
        id="events",
    ),
    pytest.param(
        "van_moves",
        lambda: (_rich(_no_edit), swap(ex("C2", "EX1-2", 3, 4), ex("C2", "EX1-2", 1, 2))),
        ["moves_per_week"],
        id="van",
    ),
    pytest.param(
        "no_repeat_set",
        lambda: (_rich(_no_edit), swap(bk("C1", "BK2", 5, 6), bk("C1", "BK1-2", 5, 8))),
        ["'C1'", "'BK1'"],
        id="repeat",
    ),
    pytest.param(
        "duplicate_delivery",
        lambda: (_rich(_duplicate), with_(talk("C1", 2))),
        ["'C1:lecture:L1:w02'"],
        id="duplicate",
    ),
    pytest.param(
        "pinned",
        _pinned(pin("C1", "performance", "T1", 3)),
        ["pins[0]", "'T1'", "'C1'"],
        id="pin",
    ),
    pytest.param(
        "pinned",
        _pinned(pin("C1", "performance", "T1", 1, demand="extra"), extra_line=True),
        ["pins[0]", "'extra'"],
        id="pin-line",
    ),
]


def test_the_cases_break_every_rule() -> None:
    """The table below breaks each hard rule at least once."""
    assert {case.values[0] for case in CASES} == set(RULES)


@pytest.mark.parametrize(("rule", "make", "names"), CASES)
def test_violation_messages_are_chinese(rule: str, make: Case, names: list[str]) -> None:
    """In the default language every message of a plan breaking ``rule`` is Chinese,
    names the ids concerned and keeps no English word but ids and field names."""
    scenario, plan = make()
    with use_language("zh_CN"):
        out = check_plan(scenario, plan)
    assert rule in [v.rule for v in out]
    for v in out:
        # A delivery id is named as it is (its product part is the product's key).
        assert_chinese(v.message, allowed=v.delivery_ids)
    assert all(name in " ".join(v.message for v in out if v.rule == rule) for name in names)
    with use_language("en"):
        english = check_plan(scenario, plan)
    assert sorted(v.rule for v in english) == sorted(v.rule for v in out)


def test_assert_valid_speaks_chinese() -> None:
    """assert_valid's head and every listed violation are Chinese by default."""
    scenario = _rich(_no_edit)
    with use_language("zh_CN"), pytest.raises(AssertionError) as info:
        assert_valid(scenario, with_(show("C2", 4), GHOST))
    head, *lines = str(info.value).splitlines()
    assert head == "方案违反了2条硬性规则："
    assert [line.split(":")[0].strip() for line in lines] == ["known_reference", "demand_limit"]
    for line in lines:
        assert_chinese(line.split(":", 1)[1], allowed=["C1:lecture:NOBODY:w02"])
