"""Scenarios as DataFrames: one row per record, ids resolved, Chinese names intact."""

from __future__ import annotations

from planner.frames import committees_frame, demand_frame, resources_frame
from tests.factories import ask, base_data, book_set, build, troupe


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
