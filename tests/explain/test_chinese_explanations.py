"""Unmet-demand explanations in Chinese: each reason on a tiny scenario, and the unmet
tables of the reference scenario's baseline plans.

The suite runs in English; these tests ask for the default, Simplified Chinese.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from planner.baseline import plan_baseline, plan_greedy
from planner.explain import REASONS, explain_line, unmet_frame
from planner.i18n import use_language
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from tests.chinese import assert_chinese, setting
from tests.factories import (
    ask,
    base_data,
    board_set,
    book_set,
    build,
    grid_of,
    lecturer,
    pin,
    trainer,
    troupe,
)


def _no_edit(data: dict[str, Any]) -> None:
    """Leave the scenario data as it is."""


def _areas(data: dict[str, Any]) -> None:
    """C1's grid in 五角场, and a grid of 殷行 (whose troupe cannot serve C1)."""
    data["grids"][0]["subdistrict"] = "五角场"
    data["grids"].append(grid_of("殷行"))


def _line(
    resources: dict[str, Any],
    demand: list[dict[str, Any]],
    plan: Iterable[Delivery] = (),
    *,
    weeks: int = 2,
    committees: int = 1,
    edit: Callable[[dict[str, Any]], None] = _no_edit,
    line: str = "",
) -> tuple[Scenario, Plan, str]:
    """A tiny scenario, a plan for it and the unmet line to explain (the first line
    unless ``line`` names another)."""
    data = base_data(weeks=weeks, committees=committees)
    data["resources"] = resources
    data["demand"] = demand
    edit(data)
    scenario = build(data)
    return scenario, Plan.of(plan), line or scenario.demand_lines[0].id


def _stay(
    committee: str, product: Product, copy: str, first: int, last: int, theme: str
) -> Delivery:
    kind = "book_set" if product == Product.BOOK_SET else "exhibition"
    return Delivery(committee, product, copy, first, last, f"{committee}/{kind}/1", theme)


def _show(committee: str, week: int) -> Delivery:
    return Delivery(
        committee, Product.PERFORMANCE, "T1", week, week, f"{committee}/performance/1", "越剧"
    )


def _talk(committee: str, week: int) -> Delivery:
    return Delivery(committee, Product.LECTURE, "L1", week, week, f"{committee}/lecture/1", "党史")


BOOKS = Product.BOOK_SET
BOARDS = Product.EXHIBITION
TWO_KINDS = [
    book_set("BK1", "红色经典", "党史", stay_weeks=2),
    book_set("BK2", "上海故事", "乡土", stay_weeks=2),
]
TWO_BOARDS = [
    board_set("BD1", "党史展", "党史", stay_weeks=1),
    board_set("BD2", "科普展", "科普", stay_weeks=1),
]

#: Each reason an unmet line can be given, on a tiny scenario: the reason, the case and
#: the ids its explanation must name.
UNMET_CASES: list[Any] = [
    pytest.param(
        "no_resource",
        lambda: _line({}, [ask("C1", "lecture")]),
        ["C1/lecture/1"],
        id="no-resource",
    ),
    pytest.param(
        "theme_fit",
        lambda: _line({"troupes": [troupe()]}, [ask("C1", "performance", themes=["评弹"])]),
        ["C1/performance/1", "评弹"],
        id="theme",
    ),
    pytest.param(
        "venue",
        lambda: _line(
            {"troupes": [troupe(needs_stage=True)]},
            [ask("C1", "performance")],
            edit=setting("committees.0.venue.stage", False),
        ),
        ["C1/performance/1"],
        id="stage",
    ),
    pytest.param(
        "resource_unavailable",
        lambda: _line(
            {"lecturers": [lecturer(available_weeks=[2])]},
            [ask("C1", "lecture", excluded_weeks=[2])],
            weeks=3,
        ),
        ["C1/lecture/1", "resource_unavailable"],
        id="weeks",
    ),
    pytest.param(
        "within_season",
        lambda: _line(
            {"trainers": [trainer(course_weeks=4, unavailable_weeks=[1])]},
            [ask("C1", "fitness_course")],
            weeks=4,
        ),
        ["within_season"],
        id="season",
    ),
    pytest.param(
        "service_area",
        lambda: _line(
            {"troupes": [troupe(subdistrict="殷行")]},
            [ask("C1", "performance")],
            edit=_areas,
        ),
        ["C1/performance/1"],
        id="area",
    ),
    pytest.param(
        "closed_week",
        lambda: _line(
            {"lecturers": [lecturer(unavailable_weeks=[3])]},
            [ask("C1", "lecture")],
            weeks=3,
            edit=setting("committees.0.closed_weeks", [1, 2]),
        ),
        ["C1/lecture/1", "closed_week"],
        id="closed",
    ),
    pytest.param(
        "excluded_week",
        lambda: _line({"lecturers": [lecturer()]}, [ask("C1", "lecture", excluded_weeks=[1, 2])]),
        ["C1/lecture/1", "excluded_week"],
        id="excluded",
    ),
    pytest.param(
        "resource_capacity",
        lambda: _line(
            {"troupes": [troupe()]},
            [ask("C1", "performance", 2), ask("C2", "performance")],
            [_show("C1", 1), _show("C1", 2)],
            committees=2,
            line="C2/performance/1",
        ),
        ["'T1'"],
        id="full",
    ),
    pytest.param(
        "resource_capacity",
        lambda: _line(
            {"troupes": [troupe(max_shows=1)]},
            [ask("C1", "performance"), ask("C2", "performance")],
            [_show("C1", 1)],
            weeks=3,
            committees=2,
            line="C2/performance/1",
        ),
        ["'T1'"],
        id="max-shows",
    ),
    pytest.param(
        "events_per_week",
        lambda: _line(
            {"troupes": [troupe()], "lecturers": [lecturer()]},
            [ask("C1", "lecture", 2), ask("C1", "performance")],
            [_talk("C1", 1), _talk("C1", 2)],
            edit=setting("committees.0.max_events_per_week", 1),
            line="C1/performance/1",
        ),
        ["C1"],
        id="events",
    ),
    pytest.param(
        "traded_off",
        lambda: _line({"troupes": [troupe()]}, [ask("C1", "performance", 2)], [_show("C1", 1)]),
        ["'T1'", "C1"],
        id="traded-off",
    ),
    pytest.param(
        "no_repeat_set",
        lambda: _line(
            {"book_sets": [book_set("BK1", "红色经典", "党史", copies=2, stay_weeks=2)]},
            [ask("C1", "book_set", 2)],
            [_stay("C1", BOOKS, "BK1-1", 1, 2, "党史")],
            weeks=4,
        ),
        ["C1", "BK1"],
        id="repeat",
    ),
    pytest.param(
        "venue",
        lambda: _line(
            {"book_sets": TWO_KINDS},
            [ask("C1", "book_set", 2)],
            [_stay("C1", BOOKS, "BK1", 1, 2, "党史")],
            edit=setting("committees.0.venue.shelf_slots", 1),
        ),
        ["C1"],
        id="shelf",
    ),
    pytest.param(
        "venue",
        lambda: _line(
            {"board_sets": TWO_BOARDS},
            [ask("C1", "exhibition", 2)],
            [_stay("C1", BOARDS, "BD1", 1, 1, "党史")],
            weeks=1,
        ),
        ["C1"],
        id="boards",
    ),
    pytest.param(
        "van_moves",
        lambda: _line(
            {"van": {"moves_per_week": 1}, "board_sets": TWO_BOARDS},
            [ask("C1", "exhibition", 2), ask("C2", "exhibition")],
            [_stay("C1", BOARDS, "BD1", 1, 1, "党史")],
            weeks=1,
            committees=2,
            line="C2/exhibition/1",
        ),
        [],
        id="van",
    ),
    pytest.param(
        "duplicate_delivery",
        lambda: _line(
            {"troupes": [troupe(shows_per_week=2)]},
            [ask("C1", "performance", 2)],
            [_show("C1", 1)],
            weeks=1,
        ),
        ["C1", "'T1'"],
        id="duplicate",
    ),
    pytest.param(
        "copy_overlap",
        lambda: _line(
            {"book_sets": [book_set("BK", copies=2, stay_weeks=2)]},
            [
                ask("C1", "book_set"),
                ask("C2", "book_set"),
                ask("C3", "book_set", excluded_weeks=[1, 4]),
            ],
            [_stay("C1", BOOKS, "BK-1", 1, 2, "文学"), _stay("C2", BOOKS, "BK-2", 3, 4, "文学")],
            weeks=4,
            committees=3,
            edit=lambda d: d.update(
                pins=[pin("C1", "book_set", "BK-1", 1), pin("C2", "book_set", "BK-2", 3)]
            ),
            line="C3/book_set/1",
        ),
        ["'BK'"],
        id="copies",
    ),
]


@pytest.mark.parametrize(("reason", "make", "names"), UNMET_CASES)
def test_unmet_explanations_are_chinese(
    reason: str, make: Callable[[], tuple[Scenario, Plan, str]], names: list[str]
) -> None:
    """In the default language the explanation of each reason is Chinese and names the
    line's ids; the reason itself stays the rule's name."""
    scenario, plan, line_id = make()
    line = scenario.demand_by_id[line_id]
    with use_language("zh_CN"):
        key, text = explain_line(scenario, plan, line)
    assert key == reason
    assert_chinese(text, names, allowed=[line_id, *REASONS, *line.demand.themes])
    with use_language("en"):
        english_key, english = explain_line(scenario, plan, line)
    assert (english_key, english != text) == (key, True)


def test_the_unmet_cases_give_every_reason() -> None:
    """The table above gives each reason the unmet table can show."""
    assert {case.values[0] for case in UNMET_CASES} == set(REASONS)


@pytest.mark.parametrize("planner", [plan_baseline, plan_greedy], ids=["spreadsheet", "greedy"])
def test_reference_unmet_table_is_chinese(
    reference: Scenario, planner: Callable[[Scenario], Plan]
) -> None:
    """The unmet table of a baseline plan of the reference scenario explains every unmet
    line in Chinese; the reasons stay rule names."""
    plan = planner(reference)
    with use_language("zh_CN"):
        unmet = unmet_frame(reference, plan)
    assert len(unmet) > 0
    assert set(unmet["reason"]) <= set(REASONS)
    themes = {t for line in reference.demand_lines for t in line.demand.themes}
    for row in unmet.itertuples():
        assert_chinese(str(row.explanation), allowed=[str(row.demand_id), *REASONS, *themes])
