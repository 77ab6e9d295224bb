"""Tests of the one delivery id format shared by plans, the validator and the KPIs."""

from __future__ import annotations

from typing import cast

from planner.plan import Delivery, Plan, delivery_key
from planner.scenario import Product, Scenario
from planner.validate import check_plan
from tests.factories import base_data, build


def scenario() -> Scenario:
    """Two committees, a book set kind with two copies and one lecturer."""
    data = base_data(weeks=8, committees=2)
    data["resources"] = {
        "book_sets": [{"id": "BK1", "title": "红楼梦", "theme": "古典文学", "copies": 2}],
        "lecturers": [{"id": "L1", "name": "李老师", "topics": ["健康"]}],
    }
    data["demand"] = [{"committee": "C1", "product": "lecture", "count": 1}]
    return build(data)


def test_key_names_committee_product_unit_and_two_digit_week() -> None:
    """The id is committee:product:unit:wNN with the week zero-padded to two digits."""
    assert delivery_key("C1", "book_set", "BK1", 2) == "C1:book_set:BK1:w02"
    assert delivery_key("C1", "lecture", "L1", 13) == "C1:lecture:L1:w13"


def test_delivery_id_names_the_set_kind_not_the_copy() -> None:
    """Two copies of one set kind at the same place and week share one id."""
    s = scenario()
    a = Delivery("C1", Product.BOOK_SET, "BK1-1", 1, 4, "C1/book_set/1", "古典文学")
    b = Delivery("C1", Product.BOOK_SET, "BK1-2", 1, 4, "C1/book_set/1", "古典文学")
    assert a.delivery_id(s) == b.delivery_id(s) == delivery_key("C1", "book_set", "BK1", 1)


def test_validator_names_a_delivery_of_an_unknown_product_in_the_same_format() -> None:
    """A delivery whose product is not a Product still gets a committee:product:unit:wNN id."""
    bad = Delivery("C1", cast(Product, "poetry"), "L1", 2, 2, "C1/lecture/1", "健康")
    out = check_plan(scenario(), Plan.of([bad]))
    assert out
    assert {v.delivery_ids for v in out} == {("C1:poetry:L1:w02",)}
