"""Turn a solution of the model into a plan: deliveries, and copies of identical sets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import TypeVar

from planner.options import Option
from planner.plan import Delivery, Plan
from planner.scenario import STAY_PRODUCTS
from planner.solver.context import ModelContext

K = TypeVar("K", bound=Hashable)


def extract_plan(ctx: ModelContext, values: list[int]) -> Plan:
    """Turn chosen options into deliveries and give set copies their identities.

    An option planned on one copy keeps its copy; the stays of a kind planned as a
    whole get copies by :func:`colour_stays`.
    """
    s = ctx.scenario
    chosen = [o for o, var in zip(ctx.options, ctx.x, strict=True) if values[var.index]]
    deliveries = []
    by_unit: dict[str, list[Option]] = defaultdict(list)
    for o in chosen:
        if o.copy_id is not None:
            deliveries.append(_delivery(ctx, o, o.copy_id))
        elif s.resource_units[o.unit_id].product in STAY_PRODUCTS:
            by_unit[o.unit_id].append(o)
        else:
            deliveries.append(_delivery(ctx, o, o.unit_id))
    for unit_id, opts in by_unit.items():
        copies = colour_stays([(i, o.weeks) for i, o in enumerate(opts)], s.copy_ids(unit_id))
        deliveries.extend(_delivery(ctx, o, copies[i]) for i, o in enumerate(opts))
    return Plan.of(deliveries)


def colour_stays(stays: Sequence[tuple[K, range]], copies: Sequence[str]) -> dict[K, str]:
    """Give each stay of one set kind a copy, no copy at two sites in one week.

    Stays are taken in start order and each gets the first copy free for all its
    weeks. A copy that is busy when a stay starts holds an earlier stay that covers
    that start week, so it is busy only if as many stays as busy copies, plus this
    one, occupy that week: when no week has more stays than copies (which the model's
    ``resource_capacity`` guarantees), a copy is always free. This is the classic
    interval graph colouring with as many colours as the largest overlap.

    Parameters
    ----------
    stays
        ``(key, weeks)`` per stay; keys are distinct.
    copies
        The kind's copy ids, in the order they are tried.

    Returns
    -------
    dict[K, str]
        The copy id of each stay, by key.

    Raises
    ------
    RuntimeError
        When some week has more stays than copies: the model let a plan through that
        breaks ``resource_capacity``, which is a bug.
    """
    busy_until = dict.fromkeys(copies, 0)
    out: dict[K, str] = {}
    for key, weeks in sorted(stays, key=lambda s: (s[1].start, s[1].stop)):
        copy = next((c for c in copies if busy_until[c] < weeks.start), None)
        if copy is None:
            raise RuntimeError(
                f"no copy of {', '.join(copies)} is free in weeks {weeks.start}-"
                f"{weeks.stop - 1}: more stays than copies overlap (a bug in the model)"
            )
        busy_until[copy] = weeks.stop - 1
        out[key] = copy
    return out


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
