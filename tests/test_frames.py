"""Scenarios as DataFrames: one row per record, ids resolved, Chinese names intact."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from planner.frames import (
    committees_frame,
    deliveries_frame,
    demand_frame,
    resources_frame,
    weeks_frame,
)
from planner.plan import Delivery, Plan
from planner.scenario import Product
from tests.factories import ask, base_data, book_set, build, show, troupe


def scenario_data() -> dict:
    d = base_data(weeks=4)
    d["committees"][1]["closed_weeks"] = [2]
    d["season"]["closed_weeks"] = [4]
    d["resources"] = {
        "troupes": [troupe("T1", "沪剧", name="沪剧团", unavailable_weeks=[1])],
        "book_sets": [book_set("B1", "上海史话", "上海历史", copies=3)],
    }
    d["demand"] = [
        ask("C1", "performance", 2, themes=["沪剧"]),
        ask("C1", "performance", 1),
        ask("C2", "book_set", 1, priority=2),
    ]
    return d


def test_committees_frame_has_a_row_per_committee_with_closed_weeks() -> None:
    """Each committee is a row; closed weeks merge the season's and its own."""
    frame = committees_frame(build(scenario_data()))
    assert list(frame["committee_id"]) == ["C1", "C2"]
    assert list(frame["committee_name"]) == ["测试1居委会", "测试2居委会"]
    assert list(frame["grid_name"]) == ["第一网格", "第一网格"]
    assert list(frame["closed_weeks"]) == [[4], [2, 4]]
    assert frame["population"].sum() == 2000


def test_demand_frame_resolves_line_ids() -> None:
    """Demand lines get their resolved ids (committee/product/n) and keep their wishes."""
    frame = demand_frame(build(scenario_data()))
    assert list(frame["demand_id"]) == [
        "C1/performance/1",
        "C1/performance/2",
        "C2/book_set/1",
    ]
    assert list(frame["themes"]) == [["沪剧"], [], []]
    assert list(frame["priority"]) == [1.0, 1.0, 2.0]


def test_resources_frame_counts_available_weeks() -> None:
    """Each unit is a row with its capacity, duration and weeks it can be planned."""
    frame = resources_frame(build(scenario_data())).set_index("unit_id")
    assert frame.loc["B1", "capacity"] == 3
    assert frame.loc["B1", "duration"] == 4
    assert frame.loc["T1", "available_weeks"] == 3
    assert frame.loc["T1", "unavailable_weeks"] == [1]
    assert frame.loc["T1", "themes"] == ["沪剧"]


def test_deliveries_frame_gives_dates_as_dates() -> None:
    """A delivery's first and last dates are datetime64 (Monday of the first week,
    Sunday of the last), in week order, beside its names and ids."""
    scenario = build(scenario_data())
    plan = Plan.of(
        [
            show("C1", 3, "C1/performance/2"),
            Delivery("C2", Product.BOOK_SET, "B1-1", 1, 4, "C2/book_set/1", "上海历史"),
        ]
    )
    frame = deliveries_frame(plan, scenario)
    assert pd.api.types.is_datetime64_dtype(frame["first_date"])
    assert pd.api.types.is_datetime64_dtype(frame["last_date"])
    assert list(frame["committee_id"]) == ["C2", "C1"]
    assert list(frame["first_date"]) == [pd.Timestamp("2027-03-01"), pd.Timestamp("2027-03-15")]
    assert list(frame["last_date"]) == [pd.Timestamp("2027-03-28"), pd.Timestamp("2027-03-21")]
    assert list(frame["resource_name"]) == ["上海史话", "沪剧团"]
    assert list(frame["delivery_id"]) == ["C2:book_set:B1:w01", "C1:performance:T1:w03"]


def test_deliveries_frame_of_an_empty_plan_keeps_its_types() -> None:
    """No deliveries: no rows, but the date columns are still dates and weeks whole numbers."""
    frame = deliveries_frame(Plan(), build(scenario_data()))
    assert len(frame) == 0
    assert pd.api.types.is_datetime64_dtype(frame["first_date"])
    assert pd.api.types.is_integer_dtype(frame["first_week"])


def test_weeks_frame_has_each_weeks_dates_closures_and_fixtures() -> None:
    """One row per week: Monday and Sunday as datetime64, the season-wide closed weeks and
    the names of the fixtures that cover each week."""
    data = scenario_data()
    data["season"]["fixtures"] = [{"id": "F1", "name": "读书月", "weeks": [2, 3]}]
    frame = weeks_frame(build(data))
    assert list(frame["week"]) == [1, 2, 3, 4]
    assert pd.api.types.is_datetime64_dtype(frame["week_start"])
    assert frame["week_start"].dt.date.tolist() == [
        dt.date(2027, 3, 1) + dt.timedelta(weeks=n) for n in range(4)
    ]
    assert (frame["week_end"] - frame["week_start"]).eq(pd.Timedelta(days=6)).all()
    assert list(frame["closed"]) == [False, False, False, True]
    assert list(frame["fixtures"]) == [[], ["读书月"], ["读书月"], []]
