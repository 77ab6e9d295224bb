"""Rules of the group "Venues, events and the van" on hand-written plans."""

from __future__ import annotations

from planner.plan import Delivery, Plan
from planner.scenario import Scenario
from planner.validate import check_plan
from tests.factories import build
from tests.validate.plans import (
    EXHIBITION,
    bk,
    ex,
    rich_data,
    rules,
    show,
    swap,
    talk,
    valid_deliveries,
    with_,
)

# -- venue ------------------------------------------------------------------------------


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


# -- events_per_week --------------------------------------------------------------------


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


# -- van_moves --------------------------------------------------------------------------


def test_too_many_exhibitions_starting_in_a_week(scenario: Scenario) -> None:
    """Two board stays starting in one week with one van move break van_moves."""
    old = ex("C2", "EX1-2", 3, 4)
    out = check_plan(scenario, swap(old, ex("C2", "EX1-2", 1, 2)))
    assert rules(out) == ["van_moves"]
    assert out[0].message == "2 exhibition stays start in week 1, van moves_per_week 1"
