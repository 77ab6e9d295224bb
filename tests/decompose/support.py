"""Small scenarios of several subdistricts: two that share a troupe, a board set kind and
the van; and a generated district cut to a few subdistricts."""

from __future__ import annotations

from typing import Any

from planner.scenario import Scenario, scenario_problems
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


def small_district(subdistricts: int = 3, weeks: int = 4, seed: int = 2) -> Scenario:
    """A generated district (:func:`planner.generate.generate`, ``district`` tier) cut to
    its first ``subdistricts`` subdistricts: their grids, committees, demand and own
    resources, the district's shared troupes based in them, and the van's moves in
    proportion."""
    from planner.generate import generate

    district = generate("district", seed, weeks=weeks)
    data = district.model_dump(mode="json")
    kept = data["subdistricts"][:subdistricts]
    names = {s["name"] for s in kept}
    grids = [g for g in data["grids"] if g["subdistrict"] in names]
    grid_ids = {g["id"] for g in grids}
    committees = [c for c in data["committees"] if c["grid"] in grid_ids]
    committee_ids = {c["id"] for c in committees}
    resources = dict(data["resources"])
    for kind in ("book_sets", "board_sets", "troupes", "lecturers", "trainers"):
        resources[kind] = [
            r
            for r in resources[kind]
            if r.get("subdistrict") in names
            or (not r.get("subdistrict") and r.get("home_grid") in grid_ids)
        ]
    van = dict(resources["van"])
    van["moves_per_week"] = van["moves_per_week"] * subdistricts // len(data["subdistricts"])
    resources["van"] = van
    data.update(
        subdistricts=kept,
        grids=grids,
        committees=committees,
        resources=resources,
        demand=[d for d in data["demand"] if d["committee"] in committee_ids],
        pins=[],
    )
    scenario = Scenario.model_validate(data)
    assert not scenario_problems(scenario)
    return scenario
