"""Scenarios and plans as pandas DataFrames, for analysts' notebooks.

Dates are dates: the columns of dates (``week_start``, ``week_end``, ``first_date``,
``last_date``) are ``datetime64`` columns (midnight of the day), so that they sort,
filter and resample as dates; weeks stay 1-based whole numbers. KPIs are DataFrames
already (:func:`planner.kpis.compute_kpis`). Chinese names are kept as they are.
"""

from __future__ import annotations

import pandas as pd

from planner.levels import allocation
from planner.plan import Plan
from planner.scenario import Scenario

#: Columns of :func:`deliveries_frame`: those of ``deliveries.csv``, in its order.
DELIVERY_FRAME_COLUMNS = [
    "delivery_id",
    "committee_id",
    "committee_name",
    "grid_id",
    "product",
    "resource_id",
    "resource_name",
    "theme",
    "first_week",
    "last_week",
    "first_date",
    "last_date",
    "demand_id",
]
#: Columns of :func:`weeks_frame`.
WEEK_FRAME_COLUMNS = ["week", "week_start", "week_end", "closed", "fixtures"]
#: Columns of :func:`allocation_frame` (and of ``allocation.csv``).
ALLOCATION_FRAME_COLUMNS = [
    "unit_id",
    "name",
    "product",
    "week",
    "week_start",
    "subdistrict_id",
    "subdistrict_name",
    "centre_name",
    "handed_over",
    "in_use",
]


def _as_dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Turn columns of :class:`datetime.date` into ``datetime64`` columns (also when empty)."""
    for column in columns:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    return frame


def deliveries_frame(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """One row per delivery, with the columns of ``deliveries.csv`` and dates as dates.

    Rows are in week order (then committee, product, resource), as in
    ``deliveries.csv``; ``first_date`` is the Monday of the first week and ``last_date``
    the Sunday of the last, both ``datetime64``.
    """
    rows = []
    units = scenario.resource_units
    for d in sorted(plan, key=lambda d: (d.first_week, d.committee_id, d.product, d.resource_id)):
        c = scenario.committee_by_id.get(d.committee_id)
        unit = units.get(d.unit_id(scenario))
        rows.append(
            {
                "delivery_id": d.delivery_id(scenario),
                "committee_id": d.committee_id,
                "committee_name": c.name if c else "",
                "grid_id": c.grid if c else "",
                "product": d.product.value,
                "resource_id": d.resource_id,
                "resource_name": unit.name if unit else "",
                "theme": d.theme,
                "first_week": d.first_week,
                "last_week": d.last_week,
                "first_date": scenario.season.week_start(d.first_week),
                "last_date": scenario.season.week_end(d.last_week),
                "demand_id": d.demand_id,
            }
        )
    frame = pd.DataFrame(rows, columns=DELIVERY_FRAME_COLUMNS)
    frame = frame.astype({"first_week": "int64", "last_week": "int64"})  # also when empty
    return _as_dates(frame, "first_date", "last_date")


def weeks_frame(scenario: Scenario) -> pd.DataFrame:
    """One row per week of the season: its Monday and Sunday, and what marks it.

    ``week_start`` and ``week_end`` are ``datetime64``; ``closed`` says whether the whole
    season is closed that week (committees' own closed weeks are in
    :func:`committees_frame`); ``fixtures`` lists the names of the calendar fixtures
    (reading month, festivals, holidays) that cover it.
    """
    season = scenario.season
    closed = set(season.closed_weeks)
    rows = [
        {
            "week": week,
            "week_start": season.week_start(week),
            "week_end": season.week_end(week),
            "closed": week in closed,
            "fixtures": [f.name for f in season.fixtures if week in f.weeks],
        }
        for week in range(1, season.weeks + 1)
    ]
    return _as_dates(pd.DataFrame(rows, columns=WEEK_FRAME_COLUMNS), "week_start", "week_end")


def committees_frame(scenario: Scenario) -> pd.DataFrame:
    """One row per committee: id, name, grid, population, venue and limits.

    ``subdistrict`` is the name its grid gives; ``subdistrict_id`` the id of that
    subdistrict when the scenario lists its subdistricts (empty otherwise).
    """
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
                "subdistrict_id": sd.id if (sd := scenario.subdistrict_of(c.id)) else "",
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


def allocation_frame(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """The upper level's allocation of shared units to subdistricts, week by week.

    One row per shared unit (empty ``subdistrict``), week and subdistrict the unit
    serves that week (:func:`planner.levels.allocation`): the unit's id, ``name`` and
    product, the week and its Monday (``week_start``, ``datetime64``), the subdistrict
    and the name of its centre, which takes the unit over, the deliveries
    ``handed_over`` that week and what of the unit the subdistrict holds (``in_use``:
    shows, sessions, course sessions or set copies). Empty (with these columns) for a
    scenario without ``subdistricts``.
    """
    units = scenario.resource_units
    areas = scenario.subdistrict_by_id
    rows = [
        {
            "unit_id": h.unit_id,
            "name": units[h.unit_id].name,
            "product": units[h.unit_id].product.value,
            "week": h.week,
            "week_start": scenario.season.week_start(h.week),
            "subdistrict_id": h.subdistrict_id,
            "subdistrict_name": areas[h.subdistrict_id].name,
            "centre_name": areas[h.subdistrict_id].centre.name,
            "handed_over": h.handed_over,
            "in_use": h.in_use,
        }
        for h in allocation(scenario, plan)
    ]
    frame = pd.DataFrame(rows, columns=ALLOCATION_FRAME_COLUMNS)
    frame = frame.astype({"week": "int64", "handed_over": "int64", "in_use": "int64"})
    return _as_dates(frame, "week_start")
