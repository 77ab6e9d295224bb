"""Tests of the solver-free validator on hand-written plans (no solver is run)."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest

from planner import validate
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from planner.validate import RULES, Violation, assert_valid, check_plan
from tests.factories import (
    ask,
    base_data,
    board_set,
    book_set,
    build,
    lecturer,
    pin,
    trainer,
    troupe,
)

BOOK = Product.BOOK_SET
EXHIBITION = Product.EXHIBITION
PERFORMANCE = Product.PERFORMANCE
LECTURE = Product.LECTURE
COURSE = Product.FITNESS_COURSE


def rich_data() -> dict[str, Any]:
    """An 8-week season, three committees and one resource of each product.

    BK1 (2 copies, 4-week stays), BK2 (1 copy, 2-week stays), EX1 (2 copies) and EX2
    (1 copy) with 2-week stays, a van with 1 move a week, troupe T1 (1 show a week),
    lecturer L1 (1 session a week, topics 健康/历史), trainer TR1 (1 course at once,
    3-week courses).
    """
    data = base_data(weeks=8, committees=3)
    data["resources"] = {
        "book_sets": [
            book_set("BK1", "红楼梦", "古典文学", copies=2, stay_weeks=4),
            book_set("BK2", "科普读本", "科普", copies=1, stay_weeks=2),
        ],
        "board_sets": [
            board_set("EX1", "党史展板", "党史", copies=2, stay_weeks=2),
            board_set("EX2", "科普展板", "科普", copies=1, stay_weeks=2),
        ],
        "van": {"moves_per_week": 1},
        "troupes": [troupe("T1", "越剧", name="越剧团")],
        "lecturers": [lecturer("L1", ["健康", "历史"], name="李老师")],
        "trainers": [
            trainer("TR1", ["广场舞"], name="王教练", sessions_per_week=1, course_weeks=3)
        ],
    }
    data["demand"] = [
        ask("C1", "book_set", 2),
        ask("C1", "exhibition", 1),
        ask("C1", "performance", 2),
        ask("C1", "lecture", 1, themes=["健康"]),
        ask("C1", "fitness_course", 1),
        ask("C2", "book_set", 1),
        ask("C2", "exhibition", 1),
        ask("C2", "performance", 1),
        ask("C2", "lecture", 1),
    ]
    return data


def bk(committee: str, copy: str, first: int, last: int, theme: str = "") -> Delivery:
    """A book-set stay on the committee's first book-set line."""
    default = "古典文学" if copy.startswith("BK1") else "科普"
    return Delivery(committee, BOOK, copy, first, last, f"{committee}/book_set/1", theme or default)


def ex(committee: str, copy: str, first: int, last: int) -> Delivery:
    """An exhibition stay of EX1 on the committee's first exhibition line."""
    return Delivery(committee, EXHIBITION, copy, first, last, f"{committee}/exhibition/1", "党史")


def show(committee: str, week: int) -> Delivery:
    """A performance by T1."""
    return Delivery(committee, PERFORMANCE, "T1", week, week, f"{committee}/performance/1", "越剧")


def talk(committee: str, week: int, theme: str = "健康") -> Delivery:
    """A lecture by L1."""
    return Delivery(committee, LECTURE, "L1", week, week, f"{committee}/lecture/1", theme)


def course(committee: str, first: int, last: int) -> Delivery:
    """A fitness course by TR1."""
    return Delivery(
        committee, COURSE, "TR1", first, last, f"{committee}/fitness_course/1", "广场舞"
    )


def valid_deliveries() -> list[Delivery]:
    """A plan for :func:`rich_data` that breaks no hard rule."""
    return [
        bk("C1", "BK1-1", 1, 4),
        bk("C1", "BK2", 5, 6),
        bk("C2", "BK1-1", 5, 8),
        ex("C1", "EX1-1", 1, 2),
        ex("C2", "EX1-2", 3, 4),
        show("C1", 1),
        show("C2", 2),
        show("C1", 5),
        talk("C1", 2),
        talk("C2", 3, "历史"),
        course("C1", 3, 5),
    ]


def swap(old: Delivery, new: Delivery, deliveries: list[Delivery] | None = None) -> Plan:
    """The valid plan with one delivery replaced."""
    items = valid_deliveries() if deliveries is None else deliveries
    assert old in items
    return Plan.of([new if d == old else d for d in items])


def with_(*extra: Delivery) -> Plan:
    """The valid plan with deliveries added."""
    return Plan.of([*valid_deliveries(), *extra])


def rules(violations: list[Violation]) -> list[str]:
    """The rule names reported, in order."""
    return [v.rule for v in violations]


@pytest.fixture
def scenario() -> Scenario:
    """The rich scenario."""
    return build(rich_data())


# -- valid plans ------------------------------------------------------------------------


def test_valid_plan_has_no_violations(scenario: Scenario) -> None:
    """A hand-written plan that keeps every rule is reported valid."""
    assert check_plan(scenario, Plan.of(valid_deliveries())) == []


def test_empty_plan_is_valid(scenario: Scenario) -> None:
    """An empty plan breaks no hard rule (without pins)."""
    assert check_plan(scenario, Plan()) == []


def test_assert_valid_passes_on_valid_plan(scenario: Scenario) -> None:
    """assert_valid returns quietly for a valid plan."""
    assert_valid(scenario, Plan.of(valid_deliveries()))


def test_rules_match_the_contract() -> None:
    """RULES lists the hard rules of the table in docs/rules.md, in table order."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text("utf-8")
    table = text.split("## Hard rules", 1)[1].split("\n## ", 1)[0]
    documented = tuple(re.findall(r"^\| `([a-z_]+)` \|", table, flags=re.MULTILINE))
    assert len(documented) == 17
    assert documented == RULES


# -- known_reference --------------------------------------------------------------------


def test_unknown_resource_is_reported_and_does_not_crash(scenario: Scenario) -> None:
    """A delivery of an unknown resource is a known_reference problem, skipped elsewhere."""
    bad = Delivery("C1", LECTURE, "NOBODY", 99, 3, "C1/lecture/1", "健康")
    out = check_plan(scenario, with_(bad))
    assert rules(out) == ["known_reference"]
    assert "unknown resource 'NOBODY'" in out[0].message
    assert out[0].delivery_ids == ("C1:lecture:NOBODY:w99",)


def test_unknown_product_does_not_crash(scenario: Scenario) -> None:
    """A delivery whose product is not a Product is a known_reference problem."""
    bad = Delivery("C1", cast(Product, "poetry"), "L1", 2, 2, "C1/lecture/1", "健康")
    out = check_plan(scenario, with_(bad))
    assert rules(out) == ["known_reference", "known_reference"]
    text = " | ".join(v.message for v in out)
    assert "resource 'L1' delivers lecture, not poetry" in text
    assert "not C1 poetry" in text


def test_unknown_committee_is_reported(scenario: Scenario) -> None:
    """A delivery to an unknown committee is a known_reference problem."""
    bad = Delivery("C9", LECTURE, "L1", 7, 7, "C1/lecture/1", "健康")
    out = check_plan(scenario, with_(bad))
    assert rules(out) == ["known_reference", "known_reference"]
    text = " | ".join(v.message for v in out)
    assert "unknown committee 'C9'" in text
    assert "demand line 'C1/lecture/1' is for C1 lecture, not C9 lecture" in text


def test_unknown_demand_line_is_reported(scenario: Scenario) -> None:
    """A delivery naming an unknown demand line is a known_reference problem."""
    old = talk("C1", 2)
    out = check_plan(scenario, swap(old, replace(old, demand_id="C1/lecture/7")))
    assert rules(out) == ["known_reference"]
    assert "unknown demand line 'C1/lecture/7'" in out[0].message


def test_resource_of_another_product_is_reported(scenario: Scenario) -> None:
    """A troupe delivering a lecture is a known_reference problem."""
    old = talk("C1", 2)
    out = check_plan(scenario, swap(old, replace(old, resource_id="T1")))
    assert rules(out) == ["known_reference"]
    assert "resource 'T1' delivers performance, not lecture" in out[0].message


def test_demand_line_of_another_product_is_reported(scenario: Scenario) -> None:
    """A delivery on a demand line of another product is a known_reference problem."""
    old = talk("C1", 2)
    out = check_plan(scenario, swap(old, replace(old, demand_id="C1/performance/1")))
    assert rules(out) == ["known_reference"]
    assert "is for C1 performance, not C1 lecture" in out[0].message


# -- service_area -----------------------------------------------------------------------


def test_resource_outside_its_service_area(scenario: Scenario) -> None:
    """A troupe of another subdistrict may not perform at the committee."""
    data = rich_data()
    data["grids"][0]["subdistrict"] = "五角场"
    data["resources"]["troupes"][0]["subdistrict"] = "殷行"
    s = build(data)
    out = check_plan(s, Plan.of([show("C1", 1)]))
    assert rules(out) == ["service_area"]
    assert "troupe 'T1' (越剧团) serves only subdistrict '殷行'" in out[0].message
    assert "'五角场'" in out[0].message


def test_resource_inside_its_service_area_is_valid() -> None:
    """A resource serving the committee's subdistrict is fine."""
    data = rich_data()
    data["grids"][0]["subdistrict"] = "五角场"
    data["resources"]["troupes"][0]["subdistrict"] = "五角场"
    assert check_plan(build(data), Plan.of(valid_deliveries())) == []


# -- within_season, duration ---------------------------------------------------------------


def test_delivery_past_the_season(scenario: Scenario) -> None:
    """A stay running past the last week breaks within_season only."""
    old = bk("C1", "BK2", 5, 6)
    out = check_plan(scenario, swap(old, bk("C1", "BK2", 8, 9)))
    assert rules(out) == ["within_season"]
    assert "ends in week 9, after the season's last week 8" in out[0].message


def test_delivery_before_the_season(scenario: Scenario) -> None:
    """A lecture in week 0 breaks within_season."""
    old = talk("C1", 2)
    out = check_plan(scenario, swap(old, talk("C1", 0)))
    assert rules(out) == ["within_season"]
    assert "starts in week 0, before week 1" in out[0].message


def test_stay_of_the_wrong_length(scenario: Scenario) -> None:
    """A 3-week stay of a 2-week book set breaks duration."""
    old = bk("C1", "BK2", 5, 6)
    out = check_plan(scenario, swap(old, bk("C1", "BK2", 5, 7)))
    assert rules(out) == ["duration"]
    assert "occupies 3 week(s)" in out[0].message
    assert "book set 'BK2' (科普读本) lasts 2" in out[0].message
    assert out[0].delivery_ids == ("C1:book_set:BK2:w05",)


def test_course_cut_short(scenario: Scenario) -> None:
    """A 2-week course of a 3-week trainer breaks duration."""
    old = course("C1", 3, 5)
    out = check_plan(scenario, swap(old, course("C1", 3, 4)))
    assert rules(out) == ["duration"]
    assert "trainer 'TR1' (王教练) lasts 3" in out[0].message


# -- theme_fit ---------------------------------------------------------------------------


def test_theme_outside_unit_and_line(scenario: Scenario) -> None:
    """A lecture topic the lecturer lacks and the line did not ask for: two theme_fit."""
    old = talk("C1", 2)
    out = check_plan(scenario, swap(old, talk("C1", 2, "美术")))
    assert rules(out) == ["theme_fit", "theme_fit"]
    text = " | ".join(v.message for v in out)
    assert "theme '美术' is not among the themes of lecturer 'L1' (李老师): 健康, 历史" in text
    assert "demand line 'C1/lecture/1' asks for (健康)" in text


def test_theme_of_the_unit_but_not_of_the_line(scenario: Scenario) -> None:
    """A lecturer topic the demand line did not ask for breaks theme_fit once."""
    old = talk("C1", 2)
    out = check_plan(scenario, swap(old, talk("C1", 2, "历史")))
    assert rules(out) == ["theme_fit"]
    assert "'历史'" in out[0].message


# -- demand_limit ------------------------------------------------------------------------


def test_more_deliveries_than_asked(scenario: Scenario) -> None:
    """A second show on a line asking for one breaks demand_limit."""
    out = check_plan(scenario, with_(show("C2", 4)))
    assert rules(out) == ["demand_limit"]
    assert "'C2/performance/1' (C2 performance) asks for 1, the plan delivers 2" in out[0].message
    assert out[0].delivery_ids == ("C2:performance:T1:w02", "C2:performance:T1:w04")


# -- resource_capacity -------------------------------------------------------------------


def test_lecturer_over_capacity(scenario: Scenario) -> None:
    """Two lectures by a one-session lecturer in one week break resource_capacity."""
    old = talk("C2", 3, "历史")
    out = check_plan(scenario, swap(old, talk("C2", 2, "历史")))
    assert rules(out) == ["resource_capacity"]
    assert out[0].message == "lecturer 'L1' (李老师) gives 2 sessions in week 2, capacity 1"


def test_troupe_over_capacity(scenario: Scenario) -> None:
    """Two shows of a one-show troupe in one week break resource_capacity."""
    old = show("C2", 2)
    out = check_plan(scenario, swap(old, show("C2", 1)))
    assert rules(out) == ["resource_capacity"]
    assert out[0].message == "troupe 'T1' (越剧团) gives 2 shows in week 1, capacity 1"


def test_trainer_over_capacity() -> None:
    """Two overlapping courses of a one-course trainer break resource_capacity per week."""
    data = rich_data()
    data["demand"].append(ask("C2", "fitness_course", 1))
    out = check_plan(build(data), with_(course("C2", 4, 6)))
    assert rules(out) == ["resource_capacity", "resource_capacity"]
    assert [v.message for v in out] == [
        "trainer 'TR1' (王教练) has 2 courses running in week 4, capacity 1",
        "trainer 'TR1' (王教练) has 2 courses running in week 5, capacity 1",
    ]


def test_set_kind_over_its_copies() -> None:
    """Three stays of a two-copy set kind in the same weeks break resource_capacity."""
    data = rich_data()
    data["demand"].append(ask("C3", "book_set", 1))
    # The third stay names the kind, not a copy: only the count of copies can catch it.
    deliveries = [bk("C1", "BK1-1", 1, 4), bk("C2", "BK1-2", 1, 4), bk("C3", "BK1", 2, 5)]
    out = check_plan(build(data), Plan.of(deliveries))
    assert rules(out) == ["resource_capacity"] * 3
    assert [v.message for v in out] == [
        f"book set 'BK1' (红楼梦) has 3 sets out in week {w}, capacity 2" for w in (2, 3, 4)
    ]


def test_troupe_max_shows_over_the_season() -> None:
    """A troupe giving more shows than max_shows in the season breaks resource_capacity."""
    data = rich_data()
    data["resources"]["troupes"][0]["max_shows"] = 2
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["resource_capacity"]
    assert out[0].message == "troupe 'T1' (越剧团) gives 3 shows in the season, max_shows 2"
    assert len(out[0].delivery_ids) == 3


# -- copy_overlap ------------------------------------------------------------------------


def test_one_copy_at_two_sites(scenario: Scenario) -> None:
    """The same copy at two committees in overlapping weeks breaks copy_overlap."""
    old = bk("C2", "BK1-1", 5, 8)
    out = check_plan(scenario, swap(old, bk("C2", "BK1-1", 3, 6)))
    assert rules(out) == ["copy_overlap"]
    assert out[0].message == (
        "copy 'BK1-1' is at 'C1' (weeks 1–4) and at 'C2' (weeks 3–6), both in weeks 3–4"
    )
    assert out[0].delivery_ids == ("C1:book_set:BK1:w01", "C2:book_set:BK1:w03")


def test_two_copies_of_a_kind_may_overlap(scenario: Scenario) -> None:
    """Different copies of one kind may be out in the same weeks."""
    old = bk("C2", "BK1-1", 5, 8)
    assert check_plan(scenario, swap(old, bk("C2", "BK1-2", 3, 6))) == []


# -- resource_unavailable ----------------------------------------------------------------


def test_troupe_in_its_unavailable_week() -> None:
    """A show in a week the troupe is away breaks resource_unavailable."""
    data = rich_data()
    data["resources"]["troupes"][0]["unavailable_weeks"] = [2]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["resource_unavailable"]
    assert "troupe 'T1' (越剧团) is unavailable in week 2 (its unavailable_weeks)" in out[0].message
    assert "'C2'" in out[0].message


def test_lecturer_outside_available_weeks() -> None:
    """A lecture outside the lecturer's available weeks breaks resource_unavailable."""
    data = rich_data()
    data["resources"]["lecturers"][0]["available_weeks"] = [1, 2]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["resource_unavailable"]
    assert "lecturer 'L1' (李老师) is unavailable in week 3 (outside its available_weeks)" in (
        out[0].message
    )


def test_resource_reserved_by_a_fixture() -> None:
    """A course in weeks a fixture reserves the trainer breaks resource_unavailable."""
    data = rich_data()
    data["season"]["fixtures"] = [
        {"id": "festival", "name": "社区文化节", "weeks": [4, 5], "reserves": ["TR1"]}
    ]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["resource_unavailable"]
    assert (
        "trainer 'TR1' (王教练) is unavailable in weeks 4–5 (reserved by fixture 'festival')"
        in out[0].message
    )


# -- closed_week, excluded_week ----------------------------------------------------------


def test_delivery_in_a_committee_closed_week() -> None:
    """A show in a week the committee is closed breaks closed_week."""
    data = rich_data()
    data["committees"][1]["closed_weeks"] = [2]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["closed_week"]
    assert "committee 'C2' is closed in week 2 (the committee's closed_weeks)" in out[0].message


def test_stay_over_a_season_closed_week() -> None:
    """A stay spanning a season-wide closed week breaks closed_week."""
    data = rich_data()
    data["season"]["closed_weeks"] = [8]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["closed_week"]
    assert "committee 'C2' is closed in week 8 (season closed_weeks)" in out[0].message
    assert "receives 'BK1-1' in weeks 5–8" in out[0].message


def test_delivery_in_an_excluded_week() -> None:
    """A stay occupying a week its demand line excludes breaks excluded_week."""
    data = rich_data()
    data["demand"][0]["excluded_weeks"] = [3, 6]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["excluded_week", "excluded_week"]
    text = " | ".join(v.message for v in out)
    assert "demand line 'C1/book_set/1' excludes week 3" in text
    assert "demand line 'C1/book_set/1' excludes week 6" in text


# -- venue -------------------------------------------------------------------------------


def test_show_needing_a_stage_and_audience() -> None:
    """A stage troupe at a stageless, small venue breaks venue twice."""
    data = rich_data()
    data["resources"]["troupes"][0].update(needs_stage=True, min_audience=150)
    data["committees"][1]["venue"]["stage"] = False
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["venue"] * 4
    text = " | ".join(v.message for v in out)
    assert "troupe 'T1' (越剧团) needs a stage, committee 'C2' has none (show in week 2)" in text
    assert "troupe 'T1' (越剧团) needs an audience of 150, committee 'C1' seats 100" in text


def test_course_without_fitness_floor() -> None:
    """A course at a venue without a fitness floor breaks venue."""
    data = rich_data()
    data["committees"][0]["venue"]["fitness_floor"] = False
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["venue"]
    assert "needs a fitness floor, committee 'C1' has none" in out[0].message


def test_book_sets_over_shelf_slots() -> None:
    """Two book sets at once at a one-shelf venue break venue, week by week."""
    data = rich_data()
    data["committees"][0]["venue"]["shelf_slots"] = 1
    old = bk("C1", "BK2", 5, 6)
    out = check_plan(build(data), swap(old, bk("C1", "BK2", 3, 4)))
    assert rules(out) == ["venue", "venue"]
    assert [v.message for v in out] == [
        "committee 'C1' holds 2 book sets in week 3, shelf_slots 1",
        "committee 'C1' holds 2 book sets in week 4, shelf_slots 1",
    ]


def test_board_sets_over_board_slots() -> None:
    """Two board sets at once at a one-slot venue break venue."""
    data = rich_data()
    data["demand"][1]["count"] = 2
    extra = Delivery("C1", EXHIBITION, "EX2", 2, 3, "C1/exhibition/1", "科普")
    out = check_plan(build(data), with_(extra))
    assert rules(out) == ["venue"]
    assert out[0].message == "committee 'C1' holds 2 board sets in week 2, board_slots 1"


# -- events_per_week ---------------------------------------------------------------------


def test_too_many_events_in_a_week(scenario: Scenario) -> None:
    """A show, a lecture and a course week together break events_per_week."""
    old = talk("C1", 2)
    out = check_plan(scenario, swap(old, talk("C1", 5)))
    assert rules(out) == ["events_per_week"]
    assert out[0].message == "committee 'C1' has 3 events in week 5, max_events_per_week 2"
    assert len(out[0].delivery_ids) == 3


def test_stays_are_not_events() -> None:
    """Book and board stays do not count against the weekly event limit."""
    data = rich_data()
    for c in data["committees"]:
        c["max_events_per_week"] = 1
    deliveries = [bk("C1", "BK1-1", 1, 4), ex("C1", "EX1-1", 1, 2), show("C1", 1)]
    assert check_plan(build(data), Plan.of(deliveries)) == []


# -- van_moves, no_repeat_set, duplicate_delivery ----------------------------------------


def test_too_many_exhibitions_starting_in_a_week(scenario: Scenario) -> None:
    """Two board stays starting in one week with one van move break van_moves."""
    old = ex("C2", "EX1-2", 3, 4)
    out = check_plan(scenario, swap(old, ex("C2", "EX1-2", 1, 2)))
    assert rules(out) == ["van_moves"]
    assert out[0].message == "2 exhibition stays start in week 1, van moves_per_week 1"


def test_same_set_kind_twice_at_a_committee(scenario: Scenario) -> None:
    """Two copies of one kind at one committee break no_repeat_set."""
    old = bk("C1", "BK2", 5, 6)
    out = check_plan(scenario, swap(old, bk("C1", "BK1-2", 5, 8)))
    assert rules(out) == ["no_repeat_set"]
    assert out[0].message == (
        "committee 'C1' receives book set 'BK1' (红楼梦) 2 times (weeks 1–4, weeks 5–8)"
    )


def test_duplicate_delivery_id() -> None:
    """The same delivery twice breaks duplicate_delivery (and nothing else here)."""
    data = rich_data()
    data["resources"]["lecturers"][0]["sessions_per_week"] = 2
    data["demand"][3]["count"] = 2
    out = check_plan(build(data), with_(talk("C1", 2)))
    assert rules(out) == ["duplicate_delivery"]
    assert out[0].message == "delivery id 'C1:lecture:L1:w02' is used by 2 deliveries"


def test_two_copies_same_week_share_an_id(scenario: Scenario) -> None:
    """Two copies of a kind at one committee from the same week share a delivery id."""
    old = bk("C1", "BK2", 5, 6)
    out = check_plan(scenario, swap(old, bk("C1", "BK1-2", 1, 4)))
    assert rules(out) == ["no_repeat_set", "duplicate_delivery"]
    assert "'C1:book_set:BK1:w01'" in out[1].message


# -- pinned ------------------------------------------------------------------------------


def pinned(pins: list[dict[str, Any]]) -> Scenario:
    """The rich scenario with pins."""
    data = rich_data()
    data["pins"] = pins
    return build(data)


def test_pins_met_by_the_plan() -> None:
    """Pins of a troupe, a set kind (any copy) and a copy with its line are met."""
    s = pinned(
        [
            pin("C1", "performance", "T1", 5),
            pin("C2", "book_set", "BK1", 5),
            pin("C1", "book_set", "BK1-1", 1, demand="C1/book_set/1"),
        ]
    )
    assert check_plan(s, Plan.of(valid_deliveries())) == []


def test_pin_without_delivery() -> None:
    """A pinned show that the plan moved breaks pinned."""
    s = pinned([pin("C1", "performance", "T1", 3)])
    out = check_plan(s, Plan.of(valid_deliveries()))
    assert rules(out) == ["pinned"]
    assert out[0].message == (
        "pins[0] (performance 'T1' at 'C1' from week 3) has no matching delivery"
    )
    assert out[0].delivery_ids == ()


def test_copy_pin_needs_that_copy() -> None:
    """A pin naming one copy is not met by another copy of the same kind."""
    s = pinned([pin("C2", "book_set", "BK1-2", 5)])
    out = check_plan(s, Plan.of(valid_deliveries()))
    assert rules(out) == ["pinned"]
    assert "'BK1-2'" in out[0].message


def test_pin_with_another_demand_line() -> None:
    """A pin naming a demand line is not met by a delivery on another line."""
    data = rich_data()
    data["demand"].append(ask("C1", "performance", 1, id="extra"))
    data["pins"] = [pin("C1", "performance", "T1", 1, demand="extra")]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["pinned"]
    assert "demand line 'extra'" in out[0].message


# -- reporting ---------------------------------------------------------------------------


def test_all_violations_reported_at_once_in_rule_order() -> None:
    """Several broken rules are all reported, sorted by the rules table then message."""
    data = rich_data()
    data["committees"][1]["closed_weeks"] = [2]
    deliveries = valid_deliveries()
    deliveries.remove(bk("C1", "BK2", 5, 6))
    deliveries += [
        Delivery("C1", BOOK, "GHOST", 1, 1, "C1/book_set/1", "x"),  # known_reference
        bk("C1", "BK2", 5, 7),  # duration
        show("C2", 6),  # demand_limit: C2 asked for one show
        talk("C1", 1),  # demand_limit: C1 asked for one lecture
        talk("C2", 1, "历史"),  # demand_limit, and L1 gives two sessions in week 1
    ]  # and C2's show in week 2 falls in its closed week
    out = check_plan(build(data), Plan.of(deliveries))
    assert rules(out) == [
        "known_reference",
        "duration",
        "demand_limit",
        "demand_limit",
        "demand_limit",
        "resource_capacity",
        "closed_week",
    ]
    assert [v.message.split(" (")[0] for v in out if v.rule == "demand_limit"] == [
        "demand line 'C1/lecture/1'",
        "demand line 'C2/lecture/1'",
        "demand line 'C2/performance/1'",
    ]
    assert out == sorted(out, key=lambda v: (RULES.index(v.rule), v.message))


def test_violation_str_names_the_rule() -> None:
    """str(Violation) is 'rule: message'."""
    v = Violation("van_moves", "2 exhibition stays start in week 1, van moves_per_week 1")
    assert str(v) == "van_moves: 2 exhibition stays start in week 1, van moves_per_week 1"


def test_assert_valid_lists_every_violation(scenario: Scenario) -> None:
    """assert_valid raises an AssertionError naming every violation."""
    old = show("C2", 2)
    plan = swap(old, show("C2", 1))
    plan = Plan.of([*plan, Delivery("C1", LECTURE, "NOBODY", 2, 2, "C1/lecture/1", "健康")])
    with pytest.raises(AssertionError) as info:
        assert_valid(scenario, plan)
    text = str(info.value)
    assert "plan breaks 2 hard rules" in text
    assert "resource_capacity: troupe 'T1' (越剧团) gives 2 shows in week 1, capacity 1" in text
    assert "known_reference: delivery C1:lecture:NOBODY:w02: unknown resource 'NOBODY'" in text


def test_validate_imports_no_solver() -> None:
    """No module of planner/validate/ imports ortools or planner.solver."""
    imported: list[str] = []
    for path in sorted(Path(validate.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert imported
    assert not [m for m in imported if m.startswith(("ortools", "planner.solver"))]
