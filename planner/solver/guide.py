"""What a solve of one part of a larger scenario is given from outside.

A scenario split by subdistrict (:mod:`planner.decompose`) is solved part by part.
Each part is a scenario of its own (its committees, its demand, its own resources and
the shared ones), but the shared resources' capacity and the van's moves are split
between the parts, and the floors of the objective's guarantees come from the whole
scenario's spreadsheet baseline. A :class:`PartGuide` carries both into
:func:`planner.solver.solve`: the allotment as extra rows of the part's model, the
baselines' plans restricted to the part as its floor and fallback.

Only plain data: a guide travels to a Dask worker with its part.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from planner.plan import Plan
from planner.solver.context import ModelContext


@dataclass(frozen=True)
class Allotment:
    """The share of the shared capacity one part may use.

    Attributes
    ----------
    unit_weeks
        ``{(unit id, week): most options of that unit occupying the week}`` for the
        shared units (shows, sessions, courses running, set copies out at once).
    unit_season
        ``{unit id: most deliveries in the season}`` for shared units with a season
        cap (a troupe's ``max_shows``).
    van_weeks
        ``{week: most exhibition stays starting that week}`` (the van's moves).
    """

    unit_weeks: dict[tuple[str, int], int] = field(default_factory=dict)
    unit_season: dict[str, int] = field(default_factory=dict)
    van_weeks: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PartGuide:
    """What a part's solve takes from the whole scenario.

    Attributes
    ----------
    allotment
        The part's share of the shared capacity, added to its model as rows.
    plans
        The whole scenario's baseline plans (``"spreadsheet"``, ``"greedy"``)
        restricted to the part's committees: the part's baselines, so that its floors
        and fallback are the whole scenario's.
    best
        The baseline the whole scenario falls back on (tried first).
    floor
        The whole scenario's ``keep_baseline_minimum`` floor in basis points (the
        spreadsheet baseline's lowest coverage over all committees), or None.
    served
        The ``keep_baseline_coverage`` floors of the part's committees (what the whole
        spreadsheet baseline serves each, in the units of
        :class:`~planner.solver.objective.Service`), or None to take them from
        ``plans["spreadsheet"]`` as a solve of a whole scenario does.
    """

    allotment: Allotment
    plans: dict[str, Plan]
    best: str
    floor: int | None = None
    served: dict[str, int] | None = None


def row_key(kind: str, unit_id: str | None = None, week: int | None = None) -> str:
    """The key of an allotment row: ``unit:<id>:<week>``, ``season:<id>`` or ``van:<week>``."""
    if kind == "unit":
        return f"unit:{unit_id}:{week}"
    if kind == "season":
        return f"season:{unit_id}"
    return f"van:{week}"


def add_allotment(ctx: ModelContext, allotment: Allotment) -> int:
    """Add the allotment's rows to a part's model; returns how many rows were added.

    A row is added only where the allotment is below what the model already allows
    (the unit's capacity, the van's moves), so an allotment of the whole capacity
    changes nothing. Each row's constraint index and :func:`row_key` are kept in
    ``ctx.allotment_rows`` (the stage's LP prices them).
    """
    s = ctx.scenario
    ctx.priced = True
    units = s.resource_units
    occupying: dict[tuple[str, int], list[int]] = defaultdict(list)
    of_unit: dict[str, list[int]] = defaultdict(list)
    shared = {u for u, _w in allotment.unit_weeks} | set(allotment.unit_season)
    for i, o in enumerate(ctx.options):
        if o.unit_id in shared:
            of_unit[o.unit_id].append(i)
            for w in range(o.first_week, o.first_week + o.duration):
                occupying[(o.unit_id, w)].append(i)
    added = 0
    for (unit_id, week), cap in sorted(allotment.unit_weeks.items()):
        idx = occupying.get((unit_id, week), [])
        if len(idx) > cap and cap < units[unit_id].capacity:
            row = ctx.model.add(ctx.sum(idx) <= cap)
            ctx.allotment_rows[row.index] = row_key("unit", unit_id, week)
            added += 1
    for unit_id, cap in sorted(allotment.unit_season.items()):
        idx = of_unit.get(unit_id, [])
        season_max = units[unit_id].season_max
        if len(idx) > cap and (season_max is None or cap < season_max):
            row = ctx.model.add(ctx.sum(idx) <= cap)
            ctx.allotment_rows[row.index] = row_key("season", unit_id)
            added += 1
    moves = s.resources.van.moves_per_week
    for week, cap in sorted(allotment.van_weeks.items()):
        idx = ctx.board_starts.get(week, [])
        if len(idx) > cap and cap < moves:
            row = ctx.model.add(ctx.sum(idx) <= cap)
            ctx.allotment_rows[row.index] = row_key("van", week=week)
            added += 1
    return added


__all__ = ["Allotment", "PartGuide", "add_allotment", "row_key"]
