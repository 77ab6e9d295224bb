"""Tiny scenarios for tests, built from plain dicts so each test states what it changes."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from planner.io import scenario_from_dict
from planner.plan import Delivery
from planner.result import Result, SolveParams
from planner.scenario import Scenario


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


def solve_valid(scenario: Scenario, time_limit: float = 20.0) -> Result:
    """Solve with one worker and seed 0, and assert the plan keeps every hard rule."""
    from planner.solver import solve
    from planner.validate import assert_valid

    result = solve(scenario, SolveParams(time_limit=time_limit, seed=0, workers=1))
    assert result.status.has_plan, f"{result.status}: {result.message}"
    assert result.plan is not None
    assert_valid(scenario, result.plan)
    return result


def only(**weights: float) -> dict[str, Any]:
    """An objective with every weight 0 except those given (fairness_first and the
    baseline floor off)."""
    base: dict[str, Any] = {
        "coverage": 0,
        "fairness": 0,
        "shortfall": 0,
        "travel": 0,
        "spread": 0,
        "variety": 0,
        "preference": 0,
        "fixtures": 0,
        "fairness_first": False,
        "keep_baseline_minimum": False,
    }
    base.update(weights)
    return base


def pins_of(deliveries: Iterable[Delivery]) -> list[dict[str, Any]]:
    """Scenario ``pins`` records that pin exactly these deliveries (copy and line too)."""
    return [
        {
            "committee": d.committee_id,
            "product": d.product.value,
            "resource": d.resource_id,
            "first_week": d.first_week,
            "demand": d.demand_id,
        }
        for d in deliveries
    ]
