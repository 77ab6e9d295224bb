"""Splitting a scenario by subdistrict, and allotting the shared capacity."""

from __future__ import annotations

from collections import defaultdict

import pytest

from planner.baseline import plan_baselines
from planner.decompose import allot, shared_units, split_scenario, splittable
from planner.decompose.split import PinsAcrossParts
from planner.generate import generate
from planner.network import Distances
from planner.options import line_options
from planner.scenario import Product
from planner.score import Scorer
from tests.decompose.support import AREAS, two_areas, two_areas_data
from tests.factories import base_data, build, two_level_data


def test_every_committee_line_and_pin_lands_in_one_part_with_its_own_id() -> None:
    """Each part has its subdistrict's committees, their demand lines under the whole
    scenario's line ids, its own resources and every shared one, and the grids its
    distances need (its own, and those its units come from)."""
    s = two_areas()
    parts = split_scenario(s)
    assert [p.area for p in parts] == list(AREAS)
    assert sorted(c for p in parts for c in p.committees) == sorted(c.id for c in s.committees)
    ids = [line.id for p in parts for line in p.scenario.demand_lines]
    assert sorted(ids) == sorted(line.id for line in s.demand_lines)
    east, west = parts
    assert {t.id for t in east.scenario.resources.troupes} == {"T1", "T9"}
    assert {t.id for t in west.scenario.resources.troupes} == {"T2", "T9"}
    assert [b.id for b in east.scenario.resources.book_sets] == ["B1"]
    assert [g.id for g in east.scenario.grids] == ["G1"]
    assert [g.id for g in west.scenario.grids] == ["G1", "G2"]  # T9 comes from G1
    assert east.population + west.population == s.total_population


def test_a_part_carries_its_subdistricts_id_when_the_scenario_lists_them() -> None:
    """A part of a scenario that lists its ``subdistricts`` carries the listed id beside
    the name its grids use; a scenario whose grids only name subdistricts has no id."""
    listed = split_scenario(build(two_level_data()))
    assert [(p.subdistrict_id, p.area) for p in listed] == [("SA", "甲街道"), ("SB", "乙街道")]
    assert [p.subdistrict_id for p in split_scenario(two_areas())] == [None, None]


def test_parts_terms_add_up_to_the_whole_scenarios() -> None:
    """With the parts' weights, any plan's coverage, shortfall, travel and preference
    points summed over the parts equal the whole scenario's, and the parts' fairness
    points add up to at least the whole's (so the parts' objectives bound the whole's)."""
    s = two_areas()
    plan = plan_baselines(s).plans["greedy"]
    whole = {t.name: t.points for t in Scorer(s).score(plan).terms}
    summed: dict[str, float] = defaultdict(float)
    for part in split_scenario(s):
        mine = [d for d in plan if d.committee_id in part.committees]
        for t in Scorer(part.scenario).score(mine).terms:
            summed[t.name] += t.points
    for name in ("coverage", "shortfall", "travel", "preference", "fixtures"):
        assert summed[name] == pytest.approx(whole[name], abs=1e-9)
    assert summed["fairness"] >= whole["fairness"] - 1e-9
    assert whole["coverage"] > 0 and whole["fairness"] > 0


def test_a_scenario_of_one_subdistrict_is_not_split() -> None:
    """One subdistrict, or committees outside any, keep the scenario whole; asking to
    split it anyway says why."""
    assert not splittable(build(base_data()))
    data = two_areas_data()
    data["grids"][1]["subdistrict"] = ""
    for unit in (*data["resources"]["book_sets"], *data["resources"]["troupes"]):
        if unit.get("subdistrict") == AREAS[1]:
            unit["subdistrict"] = ""  # no grid names the west any more: shared units
    assert not splittable(build(data))
    with pytest.raises(ValueError, match="fewer than two subdistricts"):
        split_scenario(build(base_data()))


def test_allotments_of_a_week_never_exceed_the_capacity_and_keep_the_base_plan() -> None:
    """For every shared unit and week, and for the van's moves, the parts' allotments
    add up to at most the capacity, each part gets at least what the base plan uses in
    it, and season caps add up to at most the troupe's ``max_shows``."""
    s = two_areas(weeks=6)
    options = {line.id: line_options(s, line) for line in s.demand_lines}
    part_of = {c: p.area for p in split_scenario(s) for c in p.committees}
    assert shared_units(s, options, part_of) == {"T9", "E9"}
    base = plan_baselines(s).plans["spreadsheet"]
    allotments = allot(s, part_of, options, base)
    units = s.resource_units
    keys = {k for a in allotments.values() for k in a.unit_weeks}
    assert {u for u, _w in keys} == {"T9", "E9"}
    for unit_id, week in keys:
        total = sum(a.unit_weeks.get((unit_id, week), 0) for a in allotments.values())
        assert total <= units[unit_id].capacity
    for week in range(1, 7):
        assert sum(a.van_weeks.get(week, 0) for a in allotments.values()) <= 1
    assert sum(a.unit_season.get("T9", 0) for a in allotments.values()) <= 3
    for area, a in allotments.items():
        mine = [d for d in base if part_of[d.committee_id] == area]
        for d in mine:
            unit_id = d.unit_id(s)
            if unit_id in ("T9", "E9"):
                for w in d.weeks:
                    used = sum(1 for e in mine if e.unit_id(s) == unit_id and w in e.weeks)
                    assert a.unit_weeks[(unit_id, w)] >= used
            if d.product == Product.EXHIBITION:
                starts = sum(
                    1
                    for e in mine
                    if e.product == Product.EXHIBITION and e.first_week == d.first_week
                )
                assert a.van_weeks[d.first_week] >= starts
        shows = sum(1 for d in mine if d.resource_id == "T9")
        assert a.unit_season["T9"] >= shows


def test_split_by_weeks_gives_each_week_of_a_shared_unit_to_one_part() -> None:
    """By weeks, each shared unit's weeks go in blocks of its duration to exactly one
    part (the others have it unavailable then), season caps and van moves are shared
    out without exceeding the whole's, and the parts' own units are untouched."""
    s = two_areas(weeks=8)
    parts = split_scenario(s, by_weeks=True)
    for unit_id, duration in (("T9", 1), ("E9", 2)):
        owners: dict[int, list[str]] = {w: [] for w in range(1, 9)}
        for part in parts:
            unit = part.scenario.resource_units[unit_id]
            blocked = set(unit.own_unavailable_weeks)
            for w in range(1, 9):
                if w not in blocked:
                    owners[w].append(part.area)
        assert all(len(areas) == 1 for areas in owners.values())
        for start in range(1, 9, duration):
            assert len({owners[w][0] for w in range(start, start + duration)}) == 1
    caps = [p.scenario.resource_units["T9"].season_max or 0 for p in parts]
    assert sum(caps) == 3
    assert sum(p.scenario.resources.van.moves_per_week for p in parts) == 1
    east = parts[0].scenario.resource_units["T1"]
    assert not east.own_unavailable_weeks


def test_a_pinned_week_of_a_shared_unit_goes_to_the_pins_part() -> None:
    """A pin on a shared unit takes its weeks to the pin's subdistrict; pins of two
    subdistricts on the same unit and week cannot be split by weeks."""
    data = two_areas_data(weeks=6)
    data["pins"] = [
        {"committee": "C5", "product": "performance", "resource": "T9", "first_week": 1}
    ]
    parts = split_scenario(build(data), by_weeks=True)
    west = next(p for p in parts if p.area == AREAS[1])
    assert 1 not in west.scenario.resource_units["T9"].own_unavailable_weeks
    data["pins"].append(
        {"committee": "C1", "product": "performance", "resource": "T9", "first_week": 1}
    )
    with pytest.raises(PinsAcrossParts):
        split_scenario(build(data), by_weeks=True)


def test_a_part_keeps_the_whole_scenarios_distances_with_fewer_grids() -> None:
    """On a generated district (default network), each part keeps only the grids its
    committees and units are in, and every unit's km to every committee of the part is
    the whole scenario's."""
    s = generate("district", 2, weeks=4)
    whole = Distances(s)
    for part in split_scenario(s, by_weeks=True):
        assert len(part.scenario.grids) < len(s.grids)
        mine = Distances(part.scenario)
        for unit_id in part.scenario.resource_units:
            for c in part.committees:
                assert mine.delivery_km(unit_id, c) == pytest.approx(
                    whole.delivery_km(unit_id, c), rel=1e-12
                )
