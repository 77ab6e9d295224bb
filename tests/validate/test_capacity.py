"""Rules of the group "Demand and capacity" on hand-written plans."""

from __future__ import annotations

from planner.plan import Plan
from planner.scenario import Scenario
from planner.validate import check_plan
from tests.factories import ask, build
from tests.validate.plans import (
    bk,
    course,
    rich_data,
    rules,
    show,
    swap,
    talk,
    valid_deliveries,
    with_,
)

# -- demand_limit -----------------------------------------------------------------------


def test_more_deliveries_than_asked(scenario: Scenario) -> None:
    """A second show on a line asking for one breaks demand_limit."""
    out = check_plan(scenario, with_(show("C2", 4)))
    assert rules(out) == ["demand_limit"]
    assert "'C2/performance/1' (C2 performance) asks for 1, the plan delivers 2" in out[0].message
    assert out[0].delivery_ids == ("C2:performance:T1:w02", "C2:performance:T1:w04")


# -- resource_capacity ------------------------------------------------------------------


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


# -- copy_overlap -----------------------------------------------------------------------


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
