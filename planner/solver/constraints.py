"""Hard rules of the plan, one function per rule family (see docs/rules.md).

Rules that depend only on one option (service area, theme fit, venue features, closed,
excluded and unavailable weeks, season bounds, durations) are kept by
:mod:`planner.options`, which creates no variable for a forbidden option. The families
here couple options. Pins are added separately (:func:`add_pins`) because they can make
the model infeasible and must be explained.
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from planner.scenario import Product
from planner.solver.context import ModelContext


def demand_limit(ctx: ModelContext) -> None:
    """No demand line gets more deliveries than it asked for."""
    for line in ctx.scenario.demand_lines:
        idx = ctx.by_line.get(line.id, [])
        if len(idx) > line.demand.count:
            ctx.model.add(ctx.sum(idx) <= line.demand.count)


def resource_capacity(ctx: ModelContext) -> None:
    """Copies out at once, shows, sessions and courses per week; troupes' season caps.

    A set copy planned on its own (a kind with a pin on one copy) is out at most once a
    week; together its copies keep the kind's ``copies``.
    """
    terms = ctx.week_terms("unit")
    for key, idx in ctx.by_unit_week.items():
        capacity = ctx.week_limit("unit", key[:-1])
        if len(idx) > capacity:
            ctx.model.add(cp_model.LinearExpr.sum(terms[key]) <= capacity)
    units = ctx.scenario.resource_units
    for unit in units.values():
        if unit.season_max is not None:
            idx = [i for i, o in enumerate(ctx.options) if o.unit_id == unit.id]
            if len(idx) > unit.season_max:
                ctx.model.add(ctx.sum(idx) <= unit.season_max)


def venue(ctx: ModelContext) -> None:
    """Shelf slots for book sets and board slots for exhibitions, every week."""
    terms = ctx.week_terms("stay")
    for key, idx in ctx.stays.items():
        slots = ctx.week_limit("stay", key[:-1])
        if len(idx) > slots:
            ctx.model.add(cp_model.LinearExpr.sum(terms[key]) <= slots)


def events_per_week(ctx: ModelContext) -> None:
    """At most ``max_events_per_week`` events at a committee in any week."""
    terms = ctx.week_terms("event")
    for key, idx in ctx.events.items():
        limit = ctx.week_limit("event", key[:-1])
        if len(idx) > limit:
            ctx.model.add(cp_model.LinearExpr.sum(terms[key]) <= limit)


def van_moves(ctx: ModelContext) -> None:
    """Exhibition stays starting in a week are at most the van's moves that week."""
    moves = ctx.scenario.resources.van.moves_per_week
    for idx in ctx.board_starts.values():
        if len(idx) > moves:
            ctx.model.add(ctx.sum(idx) <= moves)


def no_repeat_set(ctx: ModelContext) -> None:
    """A committee gets a book or board set kind at most once in the season."""
    units = ctx.scenario.resource_units
    for (_committee_id, unit_id), idx in ctx.by_committee_unit.items():
        if units[unit_id].product in (Product.BOOK_SET, Product.EXHIBITION) and len(idx) > 1:
            ctx.model.add(ctx.sum(idx) <= 1)


def duplicate_delivery(ctx: ModelContext) -> None:
    """Two lines of a committee never take the same unit from the same week."""
    for idx in ctx.by_committee_unit_start.values():
        if len(idx) > 1:
            ctx.model.add(ctx.sum(idx) <= 1)


#: The hard rule families, in the order they are added to the model.
HARD_RULES: list[Callable[[ModelContext], None]] = [
    demand_limit,
    resource_capacity,
    venue,
    events_per_week,
    van_moves,
    no_repeat_set,
    duplicate_delivery,
]

#: Hard rules the model keeps without a rule family of its own, and how.
ENFORCED_ELSEWHERE: dict[str, str] = {
    "known_reference": "options exist only for the scenario's demand lines and for units "
    "of the line's product (planner.options), so every delivery extracted refers to both",
    "copy_overlap": "identical copies are one unit, whose copies out at once are capped "
    "each week by resource_capacity; planner.solver.extract then gives each stay a copy "
    "by colouring the interval graph in start order, which never needs more copies than "
    "the most stays overlapping in one week. A kind with a pin naming one copy is "
    "planned copy by copy instead (planner.options.copy_planned_units), each copy a "
    "unit of capacity one under resource_capacity",
    "pinned": "add_pins: one assumption literal per pin requires one of the pin's options",
}


def pin_options(ctx: ModelContext) -> list[list[int]]:
    """For each pin of the scenario, the options that would meet it (maybe none)."""
    s = ctx.scenario
    out = []
    for pin in s.pins:
        unit_id = s.unit_of_copy.get(pin.resource)
        # A pin naming one copy is met only by that copy's options.
        copy_id = pin.resource if unit_id is not None and pin.resource != unit_id else None
        matches = [
            i
            for i in ctx.by_committee_unit_start.get(
                (pin.committee, unit_id or "", pin.first_week), []
            )
            if ctx.options[i].line_id == (pin.demand or ctx.options[i].line_id)
            and s.demand_by_id[ctx.options[i].line_id].product == pin.product
            and (copy_id is None or ctx.options[i].copy_id == copy_id)
        ]
        out.append(matches)
    return out


def add_pins(ctx: ModelContext, options: list[list[int]] | None = None) -> list[cp_model.IntVar]:
    """Require every pinned delivery; return one assumption literal per pin.

    Each pin is enforced by its literal, so an infeasible model names the pins that
    conflict (CP-SAT's sufficient assumptions for infeasibility). ``options`` are the
    pins' options when already found (:func:`pin_options`).
    """
    literals = []
    for k, matches in enumerate(pin_options(ctx) if options is None else options):
        lit = ctx.model.new_bool_var(f"pin{k}")
        if matches:
            ctx.model.add_bool_or([ctx.x[i] for i in matches]).only_enforce_if(lit)
        else:
            ctx.model.add_bool_or([]).only_enforce_if(lit)
        literals.append(lit)
    if literals:
        ctx.model.add_assumptions(literals)
    return literals
