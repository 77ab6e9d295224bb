"""Scenarios as pandas DataFrames, for analysts' notebooks.

Plans have :func:`planner.io.plan_frame`; KPIs are DataFrames already
(:func:`planner.kpis.compute_kpis`). Chinese names are kept as they are.
"""

from __future__ import annotations

import pandas as pd

from planner.scenario import Scenario


def committees_frame(scenario: Scenario) -> pd.DataFrame:
    """One row per committee: id, name, grid, population, venue and limits."""
    rows = []
    for c in scenario.committees:
        grid = scenario.grid_by_id.get(c.grid)
        rows.append(
            {
                "committee_id": c.id,
                "committee_name": c.name,
                "kind": c.kind,
                "grid_id": c.grid,
                "grid_name": grid.name if grid else "",
                "subdistrict": grid.subdistrict if grid else "",
                "population": c.population,
                "elderly_share": c.elderly_share,
                "lat": c.location.lat,
                "lon": c.location.lon,
                "audience_capacity": c.venue.audience_capacity,
                "stage": c.venue.stage,
                "fitness_floor": c.venue.fitness_floor,
                "shelf_slots": c.venue.shelf_slots,
                "board_slots": c.venue.board_slots,
                "max_events_per_week": c.max_events_per_week,
                "closed_weeks": sorted(scenario.closed_weeks(c.id)),
            }
        )
    return pd.DataFrame(rows)


def demand_frame(scenario: Scenario) -> pd.DataFrame:
    """One row per demand line, with its resolved id and the committee's grid."""
    rows = []
    for line in scenario.demand_lines:
        d = line.demand
        c = scenario.committee_by_id.get(d.committee)
        rows.append(
            {
                "demand_id": line.id,
                "committee_id": d.committee,
                "committee_name": c.name if c else "",
                "grid_id": c.grid if c else "",
                "product": d.product.value,
                "count": d.count,
                "themes": list(d.themes),
                "preferred_weeks": list(d.preferred_weeks),
                "excluded_weeks": list(d.excluded_weeks),
                "priority": d.priority,
            }
        )
    return pd.DataFrame(rows)


def resources_frame(scenario: Scenario) -> pd.DataFrame:
    """One row per resource unit: product, themes, capacity, duration, availability."""
    rows = []
    for unit in scenario.resource_units.values():
        off = scenario.unavailable_weeks(unit.id)
        rows.append(
            {
                "unit_id": unit.id,
                "name": unit.name,
                "product": unit.product.value,
                "themes": list(unit.themes),
                "capacity": unit.capacity,
                "duration": unit.duration,
                "subdistrict": unit.service_area,
                "available_weeks": scenario.season.weeks - len(off),
                "unavailable_weeks": sorted(off),
            }
        )
    return pd.DataFrame(rows)
