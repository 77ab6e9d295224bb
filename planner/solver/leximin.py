"""The leximin stage: raise the worst-served committee first, then the next, and so on.

Iterative max-min with fixing (see docs/solving.md, "The leximin stage"). Each round
works on the committees not yet fixed (at first, every committee some option can
serve) and maximises, in one CP-SAT search,

    (number of free committees + 1) × z + Σ_c b_c

where ``z`` is a level (basis points of coverage) that every free committee reaches and
``b_c`` says that free committee ``c`` reaches ``z + 1`` as well. The weight on ``z``
makes the level come first; among plans at that level, as many free committees as
possible rise above it. The free committees that do not are fixed at the level; the
others stay free, now at least one basis point higher, for the next round. Rounds end
when no committee is free, every free one is fully covered, time runs out or the caller
stops. The levels reached become floors of the model, which the later stages keep.

The rounds search a copy of the model, so that their level and indicator variables do
not weigh on the later stages; only the floors (one linear constraint per committee)
are added to the model itself.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.result import SolveStatus, StageReport
from planner.solver.bounded import run_bounded
from planner.solver.context import ModelContext
from planner.solver.control import SolveControl
from planner.solver.model import BuiltModel
from planner.solver.objective import BASIS, Service, services
from planner.solver.progress import Reporter
from planner.solver.search import complete, cp_solve, hint

#: Share of the remaining time the leximin rounds may use at most.
LEXIMIN_STAGE_SHARE = 0.5

#: Share of the leximin stage's remaining time one round may use at most, so that a
#: slow round leaves time for the rounds after it.
ROUND_SHARE = 0.5


@dataclass
class LeximinRun:
    """What the leximin rounds reached.

    Attributes
    ----------
    levels
        Each committee's floor, in basis points of coverage (over the lines some option
        can serve); committees still free when the rounds ended have the last level
        reached by all of them.
    values
        The last round's solution of the model (one value per variable of the model
        itself), or None if no round found a plan.
    proven
        Whether every round was solved to optimality and the rounds ran to the end.
    rounds
        The level reached in each round, in basis points.
    seconds
        Wall time of the rounds.
    """

    levels: dict[str, int] = field(default_factory=dict)
    values: list[int] | None = None
    proven: bool = True
    rounds: list[int] = field(default_factory=list)
    seconds: float = 0.0


def leximin_stage(
    built: BuiltModel, control: SolveControl, start: list[int] | None
) -> tuple[StageReport, list[int] | None, bool]:
    """Run the leximin rounds and keep their levels as floors of the model.

    The rounds get at most LEXIMIN_STAGE_SHARE of the remaining time. Returns the
    stage's report, the last round's plan completed into a solution of the model
    (None if no round found a plan; it then hints the next stage) and whether every
    round was proven optimal.
    """
    ctx, terms = built.ctx, built.terms
    budget = control.remaining() * LEXIMIN_STAGE_SHARE
    run = leximin_levels(ctx, control, budget, start=start)
    lowest = run.rounds[0] / 100 if run.rounds else None
    report = StageReport(
        name="leximin",
        status=SolveStatus.OPTIMAL if run.proven else SolveStatus.FEASIBLE,
        objective=lowest,
        bound=lowest if run.proven else None,
        seconds=round(run.seconds, 3),
    )
    if run.values is None:
        return report, None, run.proven
    keep_levels(ctx, run.levels)
    x_values = [run.values[x.index] for x in ctx.x]
    _, completed = run_bounded(
        functools.partial(complete, ctx, x_values, terms, control.remaining(), control),
        control,
        "completion",
    )
    values = completed or run.values
    hint(ctx.model, values)
    return report, values, run.proven


def leximin_levels(
    ctx: ModelContext, control: SolveControl, budget: float, start: list[int] | None = None
) -> LeximinRun:
    """Run the leximin rounds within ``budget`` seconds and return the levels reached.

    ``start`` (a solution of the model, such as the spreadsheet baseline's) hints the
    first round. The floors are not added to ``ctx.model``; :func:`keep_levels` does
    that.
    """
    began = time.perf_counter()
    deadline = began + budget
    run = LeximinRun()
    free = {v.committee_id: v for v in services(ctx)}
    work = ctx.model.clone()
    work.clear_hints()
    if start is not None:
        _hint(work, start)
    num_vars = len(ctx.model.proto.variables)
    floor = 0
    while free:
        if control.stopped or time.perf_counter() >= deadline:
            run.proven = False
            break
        left = deadline - time.perf_counter()
        hinted = run.values if run.values is not None else start
        found = _round(work, ctx, control, list(free.values()), floor, left * ROUND_SHARE, hinted)
        if found is None:
            run.proven = False
            break
        level, raised, optimal, values = found
        run.proven &= optimal
        run.rounds.append(level)
        run.values = values[:num_vars]
        for committee_id in [c for c in free if c not in raised]:
            v = free.pop(committee_id)
            run.levels[committee_id] = level
            _at_least(work, ctx, v, level)
        floor = level + 1
        if level >= BASIS:
            break
        _hint(work, values)
    for committee_id in free:
        run.levels[committee_id] = max(0, floor - 1) if run.rounds else 0
    run.seconds = time.perf_counter() - began
    return run


def keep_levels(ctx: ModelContext, levels: dict[str, int]) -> None:
    """Keep each committee's coverage at least at its leximin level in ``ctx.model``."""
    for v in services(ctx):
        level = levels.get(v.committee_id, 0)
        if level > 0:
            _at_least(ctx.model, ctx, v, level)


def _round(
    work: cp_model.CpModel,
    ctx: ModelContext,
    control: SolveControl,
    free: list[Service],
    floor: int,
    seconds: float,
    hinted: list[int] | None,
) -> tuple[int, set[str], bool, list[int]] | None:
    """One round: the highest level every free committee reaches, and which rise above.

    The round's variables and constraints are added to ``work`` and stay there but are
    inert afterwards: the level ``z`` is free again and the indicators only imply.
    Returns ``(level, raised committees, proven optimal, solution)``, or None if the
    search found nothing in time. ``hinted`` is the solution (of the model itself)
    that hints the round, if any.
    """
    n = len(free)
    z, raised = round_rows(work, ctx, free, floor)
    if hinted is not None:
        # Complete the hint with the round's own variables, so that CP-SAT can take
        # the hinted plan as its first solution.
        level = max(floor, min(v.coverage_bp(hinted, ctx) for v in free))
        work.add_hint(z, level)
        for v, b in zip(free, raised, strict=True):
            work.add_hint(b, v.served_in(hinted, ctx) >= (level + 1) * v.request)
    reporter = Reporter(control, "leximin", (n + 1) * BASIS / 100)
    solver, status = cp_solve(
        work, control, max(0.01, seconds), control.params.workers, reporter, own_gap=False
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    level = solver.value(z)
    up = {v.committee_id for v, b in zip(free, raised, strict=True) if solver.value(b)}
    # z is a variable of this round only: with its objective gone it could drift, so
    # it is pinned to the level reached (which the fixed floors imply anyway).
    work.add(z == level)
    return level, up, status == cp_model.OPTIMAL, list(solver.response_proto.solution)


def round_rows(
    work: cp_model.CpModel, ctx: ModelContext, free: list[Service], floor: int
) -> tuple[cp_model.IntVar, list[cp_model.IntVar]]:
    """Add a round's level, indicators, rows and objective to ``work``.

    Every free committee is served at least at level ``z`` (``floor`` to ``BASIS``), and
    its indicator, when true, lifts it to ``z + 1`` (a linear row enforced by one
    literal); ``work`` maximises ``(n + 1)·z + Σ indicators``: the highest common level
    first, then as many committees above it as possible.

    Returns
    -------
    tuple
        The level ``z`` and the indicators, one per free committee, in order.
    """
    z = work.new_int_var(floor, BASIS, f"leximin_level_{floor}")
    raised = []
    for v in free:
        served = _served(work, ctx, v)
        work.add(z * v.request <= served)
        b = work.new_bool_var(f"leximin_above_{v.committee_id}_{floor}")
        work.add(served >= (z + 1) * v.request).only_enforce_if(b)
        raised.append(b)
    work.maximize((len(free) + 1) * z + cp_model.LinearExpr.sum(raised))
    return z, raised


def _served(model: cp_model.CpModel, ctx: ModelContext, v: Service) -> cp_model.LinearExprT:
    """A committee's served expression over ``model``'s own option variables (``model``
    is ``ctx.model`` or a copy of it)."""
    return cp_model.LinearExpr.weighted_sum(
        [model.get_bool_var_from_proto_index(ctx.x[i].index) for i in v.options], v.coeffs
    )


def _at_least(model: cp_model.CpModel, ctx: ModelContext, v: Service, level: int) -> None:
    """Keep a committee's coverage at ``level`` basis points or more."""
    model.add(_served(model, ctx, v) >= level * v.request)


def _hint(model: cp_model.CpModel, values: list[int]) -> None:
    """Hint the next round with the last round's values of the variables it has."""
    model.clear_hints()
    for var_index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(var_index), value)
