"""Rules of the group "The season as a whole" on hand-written plans."""

from __future__ import annotations

from typing import Any

from planner.plan import Plan
from planner.scenario import Scenario
from planner.validate import check_plan
from tests.factories import ask, build, pin
from tests.validate.plans import bk, rich_data, rules, swap, talk, valid_deliveries, with_

# -- no_repeat_set, duplicate_delivery --------------------------------------------------


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


# -- pinned -----------------------------------------------------------------------------


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
