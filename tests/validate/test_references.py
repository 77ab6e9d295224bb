"""Rules of the group "References and fit" on hand-written plans."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from planner.validate import check_plan
from tests.factories import build, grid_of
from tests.validate.plans import (
    LECTURE,
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
    data["grids"].append(grid_of("殷行"))
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


# -- within_season, duration ------------------------------------------------------------


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
    assert "occupies 3 weeks, a delivery of" in out[0].message
    assert "book set 'BK2' (科普读本) lasts 2" in out[0].message
    assert out[0].delivery_ids == ("C1:book_set:BK2:w05",)


def test_course_cut_short(scenario: Scenario) -> None:
    """A 2-week course of a 3-week trainer breaks duration."""
    old = course("C1", 3, 5)
    out = check_plan(scenario, swap(old, course("C1", 3, 4)))
    assert rules(out) == ["duration"]
    assert "trainer 'TR1' (王教练) lasts 3" in out[0].message


# -- theme_fit --------------------------------------------------------------------------


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
