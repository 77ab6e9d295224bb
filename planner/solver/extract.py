"""Turn a solution of the model into a plan: deliveries, and copies of identical sets."""

from __future__ import annotations

from collections import defaultdict

from planner.options import Option
from planner.plan import Delivery, Plan
from planner.scenario import STAY_PRODUCTS
from planner.solver.context import ModelContext


def extract_plan(ctx: ModelContext, values: list[int]) -> Plan:
    """Turn chosen options into deliveries and give set copies their identities."""
    s = ctx.scenario
    chosen = [o for o, var in zip(ctx.options, ctx.x, strict=True) if values[var.index]]
    fixed_copy = {
        (p.committee, s.unit_of_copy[p.resource], p.first_week): p.resource
        for p in s.pins
        if p.resource != s.unit_of_copy[p.resource]
    }
    deliveries = []
    by_unit: dict[str, list[Option]] = defaultdict(list)
    for o in chosen:
        by_unit[o.unit_id].append(o)
    for unit_id, opts in by_unit.items():
        unit = s.resource_units[unit_id]
        if unit.product not in STAY_PRODUCTS:
            for o in opts:
                deliveries.append(_delivery(ctx, o, unit_id))
            continue
        copies = s.copy_ids(unit_id)
        busy: dict[str, set[int]] = {c: set() for c in copies}
        # Pinned copies first, then the rest in start order: greedy colouring of an
        # interval graph never needs more colours than the most overlapping stays.
        ordered = sorted(
            opts,
            key=lambda o: (
                (ctx.committee_of_line[o.line_id], unit_id, o.first_week) not in fixed_copy,
                o.first_week,
                o.line_id,
            ),
        )
        for o in ordered:
            key = (ctx.committee_of_line[o.line_id], unit_id, o.first_week)
            wanted = fixed_copy.get(key)
            candidates = [wanted] if wanted else copies
            copy = next(
                (c for c in candidates if busy[c].isdisjoint(o.weeks)),
                candidates[0],
            )
            busy[copy].update(o.weeks)
            deliveries.append(_delivery(ctx, o, copy))
    return Plan.of(deliveries)


def _delivery(ctx: ModelContext, o: Option, resource_id: str) -> Delivery:
    line = ctx.scenario.demand_by_id[o.line_id]
    return Delivery(
        committee_id=line.committee,
        product=line.product,
        resource_id=resource_id,
        first_week=o.first_week,
        last_week=o.first_week + o.duration - 1,
        demand_id=o.line_id,
        theme=o.theme,
    )
