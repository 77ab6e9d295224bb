"""The baselines' plans inside the model: floor, fallback and comparison.

Both baselines (:mod:`planner.baseline`) are planned; the one with more objective
points that keeps the floor is completed into a solution of the model and becomes the
fallback. The floor (``keep_baseline_minimum``) is the spreadsheet baseline's lowest
committee coverage, as the model counts it; the guarantee (``keep_baseline_coverage``)
keeps each committee at what the spreadsheet baseline serves it, and a baseline that
does not meet the floor or the guarantee is not the fallback.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from planner.baseline import BASELINE_NAMES, Baselines, plan_baselines
from planner.options import Option
from planner.plan import Plan
from planner.solver.bounded import run_bounded
from planner.solver.context import GoalTerm, ModelContext
from planner.solver.control import SolveControl
from planner.solver.objective import BASIS, keep_served, services
from planner.solver.search import BreaksARule, complete_checked


@dataclass(frozen=True)
class BaselineStart:
    """The fallback plan of a solve and the floor it keeps.

    Attributes
    ----------
    values
        The better baseline's plan as a complete solution of the model (one value per
        model variable), or None when neither baseline can be completed (for example
        when pins conflict with them).
    plan
        That baseline's plan, or None when no baseline can serve as the fallback. It
        keeps every rule even when ``values`` is None (the completion did not finish in
        time): it is then returned without the model's score.
    name
        Which baseline ``plan`` is (``"spreadsheet"`` or ``"greedy"``).
    floor
        The spreadsheet baseline's lowest committee coverage in basis points, as the
        model's fairness level counts it; None without committees to count.
    served
        What the spreadsheet baseline serves of each committee, in the units of
        :class:`~planner.solver.objective.Service` (Σ priority in hundredths × BASIS
        over the lines some option can serve): the floors of
        ``keep_baseline_coverage``; empty when the model refuses the spreadsheet's plan.
    passed_over
        The baselines with more points than ``plan`` that were not taken because they
        break a guarantee, each with why: ``"minimum"`` (its lowest coverage is below
        the spreadsheet's, ``keep_baseline_minimum``) or ``"coverage"`` (a committee
        below its spreadsheet coverage, ``keep_baseline_coverage``).
    """

    values: list[int] | None
    plan: Plan | None
    name: str
    floor: int | None
    served: dict[str, int] = field(default_factory=dict)
    passed_over: tuple[tuple[str, str], ...] = ()


def plan_start(ctx: ModelContext) -> Baselines:
    """Plan both baselines from the model's options and distances."""
    # The model's options are the baselines' too, but a kind planned copy by copy has
    # one per copy: the baselines take the kind's (the ledger picks the copy).
    by_line: dict[str, list[Option]] = defaultdict(list)
    seen: set[tuple[str, str, int, str]] = set()
    for option in ctx.options:
        if option.copy_id is None:
            by_line[option.line_id].append(option)
            continue
        key = (option.line_id, option.unit_id, option.first_week, option.theme)
        if key not in seen:
            seen.add(key)
            by_line[option.line_id].append(replace(option, copy_id=None))
    return plan_baselines(ctx.scenario, by_line, ctx.distances)


def baseline_start(
    ctx: ModelContext,
    terms: list[GoalTerm],
    baselines: Baselines,
    control: SolveControl,
) -> BaselineStart:
    """Complete the better baseline into a solution of the model: the fallback.

    The better one has more objective points; with ``keep_baseline_minimum`` a
    baseline whose lowest coverage is below the spreadsheet's is passed over (the
    spreadsheet keeps its own floor). Both plans are completed, the spreadsheet's
    first: the floor holds only when the model accepts that plan (a plan that breaks a
    rule of the model, which a pin can make it do, gives no floor, as
    :class:`planner.score.guarantees.Guarantees` says). Each completion gets at most
    the time left (and at most :data:`~planner.solver.search.COMPLETE_SECONDS`) and
    ends on the solve's stop; a plan whose completion did not finish is still a
    fallback, without values (its floor is then kept: the baseline's own rules keep it
    valid).
    """
    s = ctx.scenario
    completed: dict[str, list[int] | None] = {}
    for name in sorted(BASELINE_NAMES, key=lambda name: name != "spreadsheet"):
        plan = baselines.plans[name]
        try:
            _done, completed[name] = run_bounded(
                lambda plan=plan: _completed(ctx, terms, plan, control),  # type: ignore[misc]
                control,
                f"{name}-completion",
            )
        except BreaksARule:
            continue
    floor = None
    served: dict[str, int] = {}
    if "spreadsheet" in completed:
        # The floor and the guarantee's floors hold only when the model accepts the
        # spreadsheet's plan: a plan no solution meets is no promise the model can keep.
        floor = model_floor(ctx, baselines.plans["spreadsheet"])
        served = model_served(ctx, baselines.plans["spreadsheet"])
    keep = s.objective.keep_baseline_minimum and ctx.fairness_var is not None
    passed: list[tuple[str, str]] = []  # said in the outcome: why not the better one
    for name in sorted(completed, key=lambda name: name != baselines.best):
        plan = baselines.plans[name]
        if keep and floor is not None and (model_floor(ctx, plan) or 0) < floor:
            passed.append((name, "minimum"))
            continue
        if s.objective.keep_baseline_coverage:
            # The fallback must keep every committee at its spreadsheet coverage too.
            mine = model_served(ctx, plan)
            if any(mine.get(c, 0) < x for c, x in served.items()):
                passed.append((name, "coverage"))
                continue
        return BaselineStart(completed[name], plan, name, floor, served, tuple(passed))
    return BaselineStart(None, None, "spreadsheet", floor, served, tuple(passed))


def model_served(ctx: ModelContext, plan: Plan) -> dict[str, int]:
    """What a plan serves of each committee, as :class:`Service` counts it."""
    s = ctx.scenario
    served: dict[str, int] = defaultdict(int)
    for d in plan:
        line = s.demand_by_id.get(d.demand_id)
        if line is None or not ctx.by_line.get(line.id):
            continue
        served[line.committee] += round(line.demand.priority * 100) * BASIS
    return dict(served)


def add_guarantees(ctx: ModelContext, baseline: BaselineStart) -> None:
    """Add the objective's guarantees to the model, from the spreadsheet baseline.

    With ``keep_baseline_minimum`` no committee falls below the spreadsheet baseline's
    worst-served committee; with ``keep_baseline_coverage`` no committee falls below
    its own coverage in that plan (its floors are empty when the model refuses the
    plan). The fallback meets both, so the model stays feasible.
    :class:`planner.score.guarantees.Guarantees` states the same without the solver.
    """
    objective = ctx.scenario.objective
    if (
        baseline.floor is not None
        and objective.keep_baseline_minimum
        and ctx.fairness_var is not None
    ):
        ctx.model.add(ctx.fairness_var >= baseline.floor)
    if objective.keep_baseline_coverage:
        keep_served(ctx, baseline.served)


def model_floor(ctx: ModelContext, plan: Plan) -> int | None:
    """A plan's lowest committee coverage in basis points, as the fairness level counts
    it: over the lines some option can serve, priorities in hundredths, rounded down."""
    s = ctx.scenario
    prio = {line.id: round(line.demand.priority * 100) for line in s.demand_lines}
    request: dict[str, int] = defaultdict(int)
    for line in s.demand_lines:
        if ctx.by_line.get(line.id):
            request[line.committee] += prio[line.id] * line.demand.count
    served = dict.fromkeys(request, 0)
    for d in plan:
        served_line = s.demand_by_id.get(d.demand_id)
        if served_line is None or not ctx.by_line.get(served_line.id):
            continue
        if served_line.committee in served:
            served[served_line.committee] += prio[served_line.id]
    levels = [served[c] * BASIS // r for c, r in request.items() if r > 0]
    return min(levels) if levels else None


def _completed(
    ctx: ModelContext, terms: list[GoalTerm], plan: Plan, control: SolveControl
) -> list[int] | None:
    """A plan as a complete solution of the model; None if the completion did not
    finish within the solve's remaining time; raises :class:`BreaksARule` if it cannot be
    one (a delivery that is no option, one option twice, or a coupling rule broken)."""
    index = {
        (o.line_id, o.copy_id or o.unit_id, o.first_week, o.theme): i
        for i, o in enumerate(ctx.options)
    }
    per_copy = {o.unit_id for o in ctx.options if o.copy_id is not None}
    s = ctx.scenario
    chosen = set()
    for d in plan:
        unit_id = d.unit_id(s)
        resource = d.resource_id if unit_id in per_copy else unit_id
        i = index.get((d.demand_id, resource, d.first_week, d.theme))
        if i is None or i in chosen:
            # No option of the model, or the same option twice (two pins one delivery
            # meets): the plan breaks a rule, and is no solution (nor a floor).
            raise BreaksARule
        chosen.add(i)
    x_values = [int(i in chosen) for i in range(len(ctx.x))]
    return complete_checked(ctx, x_values, terms, control.remaining(), control)


def stage_key(ctx: ModelContext, terms: list[GoalTerm], values: list[int]) -> tuple[float, ...]:
    """A solution's scores in stage order, to compare plans as the stages rank them."""
    key: list[float] = []
    z = ctx.fairness_var
    objective = ctx.scenario.objective
    if objective.fairness_mode == "leximin":
        # The committees' coverages from the lowest up, compared one after another.
        key.extend(sorted(v.coverage_bp(values, ctx) for v in services(ctx)))
    # As plan_stages: a fairness stage runs only when its goal has a weight.
    elif objective.fairness_first and objective.fairness > 0 and z is not None:
        key.append(values[z.index])
    for level in ("primary", "secondary"):
        key.append(sum(t.model_points(values) for t in terms if t.level == level))
    return tuple(key)
