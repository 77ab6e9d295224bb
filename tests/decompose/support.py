"""A small scenario of two subdistricts that share a troupe, a board set kind and the van."""

from __future__ import annotations

from typing import Any

from planner.scenario import Scenario
from tests.factories import ask, base_data, board_set, book_set, build, committee, troupe

#: The two subdistricts.
AREAS = ("东街道", "西街道")


def two_areas_data(weeks: int = 4) -> dict[str, Any]:
    """Two subdistricts of three committees each (C1-C3 east, C4-C6 west).

    Each has its own book set kind and troupe; the shared troupe T9 (one show a week,
    at most three in the season), the shared board set kind E9 (two copies) and the
    van (one move a week) serve both, and both ask for more than they can give.
    """
    data = base_data(weeks=weeks, committees=0)
    sub = data["grids"][0]["subcentre"]
    data["grids"] = [
        {"id": "G1", "name": "东网格", "subdistrict": AREAS[0], "subcentre": sub},
        {
            "id": "G2",
            "name": "西网格",
            "subdistrict": AREAS[1],
            "subcentre": {**sub, "id": "S2", "location": {"lat": 31.31, "lon": 121.53}},
        },
    ]
    data["committees"] = [
        committee(i, grid="G1" if i <= 3 else "G2", population=1000 + 300 * i) for i in range(1, 7)
    ]
    data["resources"] = {
        "book_sets": [
            book_set("B1", subdistrict=AREAS[0], stay_weeks=2),
            book_set("B2", subdistrict=AREAS[1], stay_weeks=2),
        ],
        "board_sets": [board_set("E9", copies=2, stay_weeks=2)],
        "troupes": [
            troupe("T1", subdistrict=AREAS[0]),
            troupe("T2", home_grid="G2", subdistrict=AREAS[1]),
            troupe("T9", genre="沪剧", max_shows=3),
        ],
        "van": {"moves_per_week": 1},
    }
    data["demand"] = [
        line
        for i in range(1, 7)
        for line in (
            ask(f"C{i}", "performance", 2),
            ask(f"C{i}", "book_set", 1),
            ask(f"C{i}", "exhibition", 1),
        )
    ]
    return data


def two_areas(weeks: int = 4) -> Scenario:
    """:func:`two_areas_data` as a validated scenario."""
    return build(two_areas_data(weeks))
