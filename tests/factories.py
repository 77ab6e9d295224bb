"""Tiny scenarios for tests, built from plain dicts so each test states what it changes.

This module is the one home of the record builders (committees, resources, demand
lines, pins): each returns the plain dict a scenario file would hold, with keyword
arguments added or overriding the defaults.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from planner.io import scenario_from_dict
from planner.params import SolveParams
from planner.plan import Delivery
from planner.result import Result
from planner.scenario import Product, Scenario

#: The committed scenario files.
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
#: The 13-week reference scenario file.
REFERENCE = SCENARIOS / "wujiaochang-2027-spring.yaml"


def committee(i: int, **extra: Any) -> dict[str, Any]:
    """Committee ``C{i}`` of grid G1 as :func:`base_data` lays it out (1000 residents,
    0.5 km apart, a venue with stage, fitness floor, audience 100, two shelf slots, one
    board slot, two events a week)."""
    return {
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
        **extra,
    }


def book_set(
    bid: str = "B1", title: str = "书", theme: str = "文学", **extra: Any
) -> dict[str, Any]:
    """A book set kind (one copy, default stay, unless ``extra`` says otherwise)."""
    return {"id": bid, "title": title, "theme": theme, **extra}


def board_set(
    bid: str = "E1", title: str = "展", theme: str = "党史", **extra: Any
) -> dict[str, Any]:
    """An exhibition board set kind (one copy, default stay, unless ``extra`` says otherwise)."""
    return {"id": bid, "title": title, "theme": theme, **extra}


def grid_of(subdistrict: str, gid: str = "GX") -> dict[str, Any]:
    """A grid ``gid`` of ``subdistrict`` without committees (sub-centre ``{gid}-S``): in a
    scenario that does not list its subdistricts, the grids say which there are, so a
    resource may serve only a subdistrict some grid names."""
    location = {"lat": 31.32, "lon": 121.52}
    subcentre = {"id": f"{gid}-S", "name": f"{subdistrict}分中心", "location": location}
    return {
        "id": gid,
        "name": f"{subdistrict}网格",
        "subdistrict": subdistrict,
        "subcentre": subcentre,
    }


def troupe(tid: str = "T1", genre: str = "越剧", **extra: Any) -> dict[str, Any]:
    """A troupe of grid G1 named ``{tid}{genre}团`` (one show a week unless ``extra`` says
    otherwise)."""
    return {"id": tid, "name": f"{tid}{genre}团", "genre": genre, "home_grid": "G1", **extra}


def lecturer(lid: str = "L1", topics: Iterable[str] = ("党史",), **extra: Any) -> dict[str, Any]:
    """A lecturer named ``{lid}教授``, based at the centre."""
    return {"id": lid, "name": f"{lid}教授", "topics": list(topics), **extra}


def trainer(nid: str = "N1", skills: Iterable[str] = ("太极",), **extra: Any) -> dict[str, Any]:
    """A fitness trainer of grid G1 named ``{nid}教练`` (default course length)."""
    return {"id": nid, "name": f"{nid}教练", "skills": list(skills), "home_grid": "G1", **extra}


def ask(committee: str, product: str, count: int = 1, **extra: Any) -> dict[str, Any]:
    """A demand line: ``committee`` asks for ``count`` of ``product``."""
    return {"committee": committee, "product": product, "count": count, **extra}


def pin(
    committee: str, product: str, resource: str, first_week: int, **extra: Any
) -> dict[str, Any]:
    """A pin record: ``resource`` delivers ``product`` to ``committee`` from ``first_week``."""
    return {
        "committee": committee,
        "product": product,
        "resource": resource,
        "first_week": first_week,
        **extra,
    }


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
        "committees": [committee(i) for i in range(1, committees + 1)],
        "resources": {},
        "demand": [],
    }


def two_level_data(weeks: int = 4) -> dict[str, Any]:
    """Return a district of two subdistricts as data: the two levels at their smallest.

    The district centre ``centre`` (区文化馆) lists subdistricts ``SA`` 甲街道 (grid
    ``GA``: ``A1`` with 3000 residents, ``A2`` with 1000) and ``SB`` 乙街道 (grid ``GB``:
    ``B1`` and ``B2``, 2000 each), each with its culture centre. Shared units (no
    ``subdistrict``): troupe ``T0`` and book set ``BK`` (one copy, two-week stays); 甲街道
    has its own troupe ``TA``. Demand: ``A1``, ``A2`` and ``B1`` ask for two shows each,
    ``B2`` for one show and one book set.
    """
    data = base_data(weeks=weeks, committees=0)
    data["centre"]["name"] = "区文化馆"
    data["subdistricts"] = [
        {
            "id": sid,
            "name": name,
            "centre": {"id": f"{sid}-c", "name": f"{name}社区文化中心", "location": location},
        }
        for sid, name, location in (
            ("SA", "甲街道", {"lat": 31.31, "lon": 121.51}),
            ("SB", "乙街道", {"lat": 31.33, "lon": 121.51}),
        )
    ]
    data["grids"] = [
        {
            "id": gid,
            "name": name,
            "subdistrict": area,
            "subcentre": {"id": sub, "name": f"{name}分中心", "location": location},
        }
        for gid, name, area, sub, location in (
            ("GA", "甲一网格", "甲街道", "SA1", {"lat": 31.311, "lon": 121.512}),
            ("GB", "乙一网格", "乙街道", "SB1", {"lat": 31.331, "lon": 121.512}),
        )
    ]
    data["committees"] = [
        committee(i, id=cid, name=f"{cid}居委会", grid=grid, population=population)
        for i, (cid, grid, population) in enumerate(
            (("A1", "GA", 3000), ("A2", "GA", 1000), ("B1", "GB", 2000), ("B2", "GB", 2000)),
            start=2,
        )
    ]
    data["resources"] = {
        "book_sets": [book_set("BK", stay_weeks=2)],
        "troupes": [
            troupe("T0", home_grid="GA"),
            troupe("TA", home_grid="GA", subdistrict="甲街道"),
        ],
    }
    data["demand"] = [
        ask("A1", "performance", 2),
        ask("A2", "performance", 2),
        ask("B1", "performance", 2),
        ask("B2", "performance", 1),
        ask("B2", "book_set", 1),
    ]
    return data


def build(data: dict[str, Any], *, number_lines: bool = True) -> Scenario:
    """Validate scenario data (a deep copy, so the caller may keep editing its dict).

    Like ``cultplan generate``, it gives every demand line without ``id`` the explicit
    id ``committee/product/n`` (``n`` counting that committee's lines of that product
    in file order), so that tests can name lines; ``number_lines=False`` leaves the
    lines as they are, for tests of the ids derived from a line's content.
    """
    data = copy.deepcopy(data)
    if number_lines and isinstance(data.get("demand"), list):
        data["demand"] = numbered(data["demand"])
    return scenario_from_dict(data, "test")


def numbered(demand: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Demand records, each without ``id`` given ``committee/product/n`` (see :func:`build`)."""
    seen: dict[tuple[Any, Any], int] = {}
    out = []
    for record in demand:
        if isinstance(record, dict):
            key = (record.get("committee"), record.get("product"))
            seen[key] = seen.get(key, 0) + 1
            if "id" not in record:
                record = {"id": f"{key[0]}/{key[1]}/{seen[key]}", **record}
        out.append(record)
    return out


def solve_valid(scenario: Scenario, time_limit: float = 20.0) -> Result:
    """Solve with one worker, seed 0 and gap 0, and assert the plan keeps every hard rule,
    meets the objective's guarantees and scores, without the solver, what the solver says.

    Gap 0, not the 0.5 % of ``SolveParams()``: the tests that use this pin proven optima."""
    from planner.solver import solve
    from planner.validate import assert_valid

    result = solve(
        scenario, SolveParams(time_limit=time_limit, seed=0, workers=1, relative_gap=0.0)
    )
    assert result.status.has_plan, f"{result.status}: {result.message}"
    assert result.plan is not None
    assert_valid(scenario, result.plan)
    assert_scored(scenario, result)
    return result


def assert_scored(scenario: Scenario, result: Result) -> None:
    """Assert that :func:`planner.score.score_plan` of the result's plan gives the
    result's objective, terms and (for a plan the search returned) stage values, and
    that the plan meets the objective's guarantees."""
    from planner.score import TOLERANCE, guarantee_problems, score_plan

    assert result.plan is not None and result.objective is not None
    score = score_plan(scenario, result.plan)
    assert abs(score.total - result.objective) <= TOLERANCE, (score.total, result.objective)
    reported = result.term_points()
    assert set(reported) == set(score.term_points())
    wrong = {
        name: (points, reported[name])
        for name, points in score.term_points().items()
        if abs(points - reported[name]) > TOLERANCE
    }
    assert wrong == {}, f"term points (score, solver): {wrong}"
    assert guarantee_problems(scenario, result.plan) == []


def only(**weights: float | str) -> dict[str, Any]:
    """An objective with every weight 0 except those given (fairness_first, the
    baseline floor and the baseline guarantee off)."""
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
        "keep_baseline_coverage": False,
    }
    base.update(weights)
    return base


def pins_of(deliveries: Iterable[Delivery]) -> list[dict[str, Any]]:
    """Scenario ``pins`` records that pin exactly these deliveries (copy and line too)."""
    return [
        pin(d.committee_id, d.product.value, d.resource_id, d.first_week, demand=d.demand_id)
        for d in deliveries
    ]


def show(committee: str, week: int, line: str, tid: str = "T1") -> Delivery:
    """A performance of ``tid`` in ``week``."""
    return Delivery(committee, Product.PERFORMANCE, tid, week, week, line, "越剧")


def talk(committee: str, week: int, line: str, lid: str = "L1") -> Delivery:
    """A lecture of ``lid`` in ``week``."""
    return Delivery(committee, Product.LECTURE, lid, week, week, line, "党史")


# -- reading frames ---------------------------------------------------------------------


def cells(frame: pd.DataFrame, label: str, *columns: str) -> list[Any]:
    """The values of ``columns`` in row ``label`` of a frame whose index is unique.

    pandas cannot tell statically that ``frame.loc[label, columns]`` is one row (with
    a repeated label it is a frame), so the row is taken and checked first.
    """
    row = frame.loc[label]
    assert isinstance(row, pd.Series)
    return row[list(columns)].tolist()


def cell(frame: pd.DataFrame, label: object, column: str) -> Any:
    """The value in row ``label``, column ``column`` of a frame (any scalar type)."""
    return frame.at[label, column]
