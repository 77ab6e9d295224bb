"""Searches of the LP solution's neighbourhoods (relaxation-induced neighbourhood search)."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence

from planner.options import Option
from planner.result import NeighbourhoodReport
from planner.solver.context import ModelContext
from planner.solver.control import SolveControl
from planner.solver.portfolio import search_portfolio
from planner.solver.progress import within_gap
from planner.solver.relaxation import SUPPORT_TOLERANCE, Relaxation
from planner.solver.search import hint

#: The neighbourhoods searched in turn: options the LP uses, then also those that
#: start up to one week before or after an option the LP uses (the nearest other
#: starts, now that every start week is an option).
NEIGHBOURHOOD_REACH = (0, 1)
#: Share of the remaining time each neighbourhood but the last may use at most, and
#: the last too while no neighbourhood has yielded a plan (unless searched ``eager``).
NEIGHBOURHOOD_FIRST_SHARE = 0.3
#: Share of the remaining time the last neighbourhood may use at most when it starts
#: from a plan, or is searched ``eager`` (the full model gets the rest).
NEIGHBOURHOOD_SHARE = 0.8


def search_neighbourhoods(
    ctx: ModelContext,
    control: SolveControl,
    stage: str,
    scale: float,
    deadline: float,
    relaxation: Relaxation,
    bound: float,
    searched: list[NeighbourhoodReport],
    reaches: Sequence[int] = NEIGHBOURHOOD_REACH,
    start: tuple[list[int], int] | None = None,
    eager: bool = False,
) -> tuple[list[int], int] | None:
    """Search the neighbourhoods of the LP solution; return a plan and its objective.

    Neighbourhood ``r`` (see NEIGHBOURHOOD_REACH) holds the options that start
    within ``r`` weeks of an option the LP solution uses, for the same demand line
    and unit; the other options are fixed to 0 in a copy of the model, which
    :func:`~planner.solver.portfolio.search_portfolio` searches from the previous
    neighbourhood's plan. A search stops as soon as its plan is within the gap of
    ``bound``, the proven bound of the whole model, and then no further neighbourhood
    is searched. Each search is appended to ``searched``. ``reaches`` are the
    neighbourhoods to search (all by default); ``start`` a plan found before, to
    start from and to beat. Returns None when no neighbourhood yields a plan in time.
    ``eager``: the last neighbourhood may take most of the time (NEIGHBOURHOOD_SHARE)
    even without a plan to improve.
    """

    used: dict[tuple[str, str], set[int]] = defaultdict(set)
    for o, x in zip(ctx.options, ctx.x, strict=True):
        if relaxation.values[x.index] > SUPPORT_TOLERANCE:
            used[(o.line_id, o.unit_id)].add(o.first_week)

    def near(o: Option, reach: int) -> bool:
        starts = used.get((o.line_id, o.unit_id), ())
        return any(abs(o.first_week - w) <= reach for w in starts)

    best = start
    for n, reach in enumerate(reaches):
        if control.stopped:
            break
        restricted = ctx.model.clone()
        restricted.clear_hints()
        kept = 0
        for o, x in zip(ctx.options, ctx.x, strict=True):
            if near(o, reach):
                kept += 1
            else:
                restricted.add(restricted.get_bool_var_from_proto_index(x.index) == 0)
        if best is not None:
            hint(restricted, best[0])
        # The last neighbourhood may take most of the time only when there is a plan
        # to improve, or when searched eager (the LP's own options proved empty);
        # otherwise the full model keeps most of it.
        last = n == len(reaches) - 1 and (best is not None or eager)
        budget = (NEIGHBOURHOOD_SHARE if last else NEIGHBOURHOOD_FIRST_SHARE) * (
            deadline - time.perf_counter()
        )
        began = time.perf_counter()
        found, empty = search_portfolio(restricted, control, stage, scale, max(0.01, budget), bound)
        if found is None:
            searched.append(NeighbourhoodReport(reach, kept, empty=empty))
            continue
        seconds = round(time.perf_counter() - began, 3)
        searched.append(NeighbourhoodReport(reach, kept, found[1] / scale, seconds))
        if best is None or found[1] > best[1]:
            best = found
        if within_gap(best[1], bound, control.params.relative_gap):
            break
    return best
