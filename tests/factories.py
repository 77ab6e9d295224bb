"""Tiny scenarios for tests, built from plain dicts so each test states what it changes."""

from __future__ import annotations

import copy
from typing import Any

from planner.scenario import Scenario
from planner.scenario_io import scenario_from_dict


def base_data(weeks: int = 4, committees: int = 2) -> dict[str, Any]:
    """Return a minimal scenario as data: one grid, ``committees`` committees, no
    resources, no demand, all objective weights at their defaults.

    Committees are ``C1``, ``C2``, … (population 1000 each, 0.5 km apart), grid ``G1``
    with sub-centre ``S1``; the centre is ``centre``. Venues have a stage, a fitness
    floor, audience 100, two shelf slots, one board slot, two events a week.
    """
    return {
        "name": "测试情景",
        "season": {"start": "2027-03-01", "weeks": weeks},
        "centre": {"id": "centre", "name": "文化中心", "location": {"lat": 31.30, "lon": 121.51}},
        "grids": [
            {
                "id": "G1",
                "name": "第一网格",
                "subcentre": {
                    "id": "S1",
                    "name": "第一分中心",
                    "location": {"lat": 31.305, "lon": 121.51},
                },
            }
        ],
        "committees": [
            {
                "id": f"C{i}",
                "name": f"测试{i}居委会",
                "grid": "G1",
                "population": 1000,
                "location": {"lat": 31.30 + 0.0045 * i, "lon": 121.515},
                "venue": {
                    "audience_capacity": 100,
                    "stage": True,
                    "fitness_floor": True,
                    "shelf_slots": 2,
                    "board_slots": 1,
                },
                "max_events_per_week": 2,
            }
            for i in range(1, committees + 1)
        ],
        "resources": {},
        "demand": [],
    }


def build(data: dict[str, Any]) -> Scenario:
    """Validate scenario data (a deep copy, so the caller may keep editing its dict)."""
    return scenario_from_dict(copy.deepcopy(data), "test")
