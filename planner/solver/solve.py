"""The one entry point: ``solve(scenario, params) -> Result``."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from planner.baseline import plan_baseline
from planner.network import Distances
from planner.options import BLOCKERS, Option, first_weeks, static_blocker
from planner.plan import Delivery, Plan
from planner.result import Progress, Result, SolveParams, SolveStatus, Term, relative_gap
from planner.scenario import STAY_PRODUCTS, Scenario
from planner.solver.constraints import HARD_RULES, add_pins, pin_options
from planner.solver.context import SCALE, GoalTerm, ModelContext
from planner.solver.objective import BASIS, GOALS, fairness_level

#: Share of the time limit the fairness-first stage may use at most.
FAIRNESS_STAGE_SHARE = 0.4

_STATUS: dict[Any, SolveStatus] = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.NO_SOLUTION,
    cp_model.MODEL_INVALID: SolveStatus.ERROR,
}


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Sends a Progress on every improving plan (and bound, via the solver hook)."""

    def __init__(self, params: SolveParams, stage: str, start: float, scale: float) -> None:
        super().__init__()
        self.params = params
        self.stage = stage
        self.start = start
        self.scale = scale
        self.objective: float | None = None
        self.bound: float | None = None

    def on_solution_callback(self) -> None:
        self.objective = self.objective_value / self.scale
        self.bound = self.best_objective_bound / self.scale
        self._send()

    def on_bound(self, bound: float) -> None:
        self.bound = bound / self.scale
        self._send()

    def _send(self) -> None:
        if self.params.progress is not None:
            elapsed = time.perf_counter() - self.start
            self.params.progress(Progress(self.stage, elapsed, self.objective, self.bound))


def solve(scenario: Scenario, params: SolveParams | None = None) -> Result:
    """Plan a season with CP-SAT.

    Every hard rule of docs/rules.md is kept; the goals of ``scenario.objective`` are
    maximised. With ``objective.fairness_first`` the worst-served committee's coverage
    is maximised first (stage "fairness") and kept while the weighted sum of all goals
    is maximised (stage "plan").

    Parameters
    ----------
    scenario
        A validated scenario.
    params
        Time limit, seed, workers, gap and progress callback.

    Returns
    -------
    Result
        Status, objective and bound in points, gap, wall time, the plan and the named
        terms. Infeasible or timed-out solves are statuses with a message, not errors.
    """
    params = params or SolveParams()
    start = time.perf_counter()
    ctx = ModelContext(scenario, Distances(scenario))
    for rule in HARD_RULES:
        rule(ctx)

    missing = [k for k, m in enumerate(pin_options(ctx)) if not m]
    if missing:
        message = "the pinned deliveries cannot be kept:\n" + "\n".join(
            f"  pins[{k}]: {_pin_text(scenario, k)}: {_pin_blocker(scenario, k)}" for k in missing
        )
        return _without_plan(SolveStatus.INFEASIBLE, start, message, ctx)
    pins = add_pins(ctx)

    stats: dict[str, object] = {
        "num_options": len(ctx.options),
        "num_demand_lines": len(scenario.demand_lines),
    }
    objective = scenario.objective
    ctx.fairness_var = fairness_level(ctx)
    terms = [goal(ctx) for goal in GOALS]
    ctx.model.maximize(sum((t.expr() for t in terms), cp_model.LinearExpr.sum([])))
    stats["baseline_hint_deliveries"] = _hint_baseline(ctx)

    def deadline() -> float:
        return max(0.01, params.time_limit - (time.perf_counter() - start))

    z = ctx.fairness_var
    if objective.fairness_first and z is not None and objective.fairness > 0:
        ctx.model.maximize(z)
        solver, status = _run(
            ctx, params, "fairness", start, BASIS / 100, deadline() * FAIRNESS_STAGE_SHARE
        )
        if status == cp_model.INFEASIBLE:
            return _infeasible(ctx, pins, start, params)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            best_z = int(solver.value(z))
            stats["fairness_stage"] = {
                "status": _STATUS[status].value,
                "min_coverage": best_z / BASIS,
                "bound": solver.best_objective_bound / BASIS,
                "seconds": round(solver.wall_time, 3),
            }
            ctx.model.add(z >= best_z)
            ctx.model.clear_hints()
            for var in ctx.x:
                ctx.model.add_hint(var, solver.boolean_value(var))
            ctx.model.add_hint(z, best_z)

    ctx.model.maximize(sum((t.expr() for t in terms), cp_model.LinearExpr.sum([])))
    solver, status = _run(ctx, params, "plan", start, SCALE, deadline())
    result_status = _STATUS[status]
    if status == cp_model.INFEASIBLE:
        return _infeasible(ctx, pins, start, params)
    if not result_status.has_plan:
        message = (
            f"no plan was found within the time limit of {params.time_limit:g} s"
            if result_status == SolveStatus.NO_SOLUTION
            else f"the solver rejected the model: {solver.response_proto.solution_info}"
        )
        return _without_plan(result_status, start, message, ctx)

    objective_points = solver.objective_value / SCALE
    bound_points = solver.best_objective_bound / SCALE
    stats.update(
        num_variables=len(ctx.model.proto.variables),
        num_constraints=len(ctx.model.proto.constraints),
        conflicts=solver.num_conflicts,
    )
    return Result(
        status=result_status,
        objective=objective_points,
        best_bound=bound_points,
        gap=relative_gap(objective_points, bound_points),
        wall_seconds=time.perf_counter() - start,
        plan=_extract_plan(ctx, solver),
        terms=tuple(_term(t, solver) for t in terms),
        stats=stats,
    )


def _hint_baseline(ctx: ModelContext) -> int:
    """Start the search from the spreadsheet baseline's plan (a valid plan).

    The baseline's deliveries fix the option variables of a copy of the model, whose
    quick solve completes the auxiliary variables (fairness level, excess events,
    themes); the whole solution is then the hint. Returns the number of baseline
    deliveries matched to options (0 when the hint could not be completed).
    """
    index = {(o.line_id, o.unit_id, o.first_week): i for i, o in enumerate(ctx.options)}
    s = ctx.scenario
    chosen = set()
    for d in plan_baseline(s):
        i = index.get((d.demand_id, d.unit_id(s), d.first_week))
        if i is not None:
            chosen.add(i)
    fixed = ctx.model.clone()
    fixed.clear_assumptions()
    for i, var in enumerate(ctx.x):
        fixed.add(fixed.get_bool_var_from_proto_index(var.index) == int(i in chosen))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 2.0
    status = solver.solve(fixed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0
    values = solver.response_proto.solution
    ctx.model.clear_hints()
    for var_index, value in enumerate(values):
        ctx.model.add_hint(ctx.model.get_int_var_from_proto_index(var_index), value)
    return len(chosen)


def _run(
    ctx: ModelContext,
    params: SolveParams,
    stage: str,
    start: float,
    scale: float,
    time_limit: float,
) -> tuple[cp_model.CpSolver, Any]:
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = time_limit
    p.num_workers = params.workers
    p.random_seed = params.seed
    p.relative_gap_limit = params.relative_gap
    p.log_search_progress = params.log
    # Linearising the at-most-one and Boolean constraints into the LP gives much
    # better bounds on these assignment models (measured on the reference scenario).
    p.linearization_level = 2
    reporter = _Reporter(params, stage, start, scale)
    if params.progress is not None:
        solver.best_bound_callback = reporter.on_bound
    status = solver.solve(ctx.model, reporter)
    return solver, status


def _term(term: GoalTerm, solver: cp_model.CpSolver) -> Term:
    return Term(term.name, round(term.points(solver), 6), term.description)


def _extract_plan(ctx: ModelContext, solver: cp_model.CpSolver) -> Plan:
    """Turn chosen options into deliveries and give set copies their identities."""
    s = ctx.scenario
    chosen = [o for o, var in zip(ctx.options, ctx.x, strict=True) if solver.boolean_value(var)]
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


def _without_plan(status: SolveStatus, start: float, message: str, ctx: ModelContext) -> Result:
    return Result(
        status=status,
        objective=None,
        best_bound=None,
        gap=None,
        wall_seconds=time.perf_counter() - start,
        plan=None,
        message=message,
        stats={"num_options": len(ctx.options)},
    )


def _infeasible(
    ctx: ModelContext, pins: list[cp_model.IntVar], start: float, params: SolveParams
) -> Result:
    """Explain infeasibility by the pins that cannot be kept together.

    Every delivery is optional, so only pins can make a plan impossible. The conflict
    is found with assumptions on a single worker (multi-worker search may not return a
    core).
    """
    ctx.model.clear_objective()
    ctx.model.clear_hints()
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(1.0, params.time_limit / 4)
    solver.solve(ctx.model)
    literal_index = {lit.index: k for k, lit in enumerate(pins)}
    core = [
        literal_index[i]
        for i in solver.sufficient_assumptions_for_infeasibility()
        if i in literal_index
    ]
    s = ctx.scenario
    if not core:
        core = list(range(len(s.pins)))
    message = (
        "the pinned deliveries cannot all be kept together (they would break a hard rule: "
        "capacity, venue, weekly events, van moves, demand count or a repeated set):\n"
        + "\n".join(f"  pins[{k}]: {_pin_text(s, k)}" for k in sorted(core))
    )
    return _without_plan(SolveStatus.INFEASIBLE, start, message, ctx)


def _pin_text(s: Scenario, k: int) -> str:
    p = s.pins[k]
    return f"{p.product.value} {p.resource!r} at {p.committee!r} from week {p.first_week}"


def _pin_blocker(s: Scenario, k: int) -> str:
    """Why one pin has no option: the first static rule it breaks."""
    pin = s.pins[k]
    unit = s.resource_units[s.unit_of_copy[pin.resource]]
    lines = [
        line
        for line in s.demand_lines
        if line.committee == pin.committee
        and line.product == pin.product
        and (pin.demand is None or line.id == pin.demand)
    ]
    if not lines:
        return f"committee {pin.committee!r} has no demand line for {pin.product.value}"
    reasons = []
    for line in lines:
        blocker = static_blocker(s, line, unit)
        if blocker is not None:
            reasons.append(BLOCKERS[blocker])
        elif pin.first_week not in first_weeks(s, line, unit):
            weeks = range(pin.first_week, pin.first_week + unit.duration)
            closed = sorted(s.closed_weeks(pin.committee).intersection(weeks))
            away = sorted(s.unavailable_weeks(unit.id).intersection(weeks))
            excluded = sorted(set(line.demand.excluded_weeks).intersection(weeks))
            parts = []
            if closed:
                parts.append(f"committee closed in week(s) {closed}")
            if away:
                parts.append(f"{unit.id!r} unavailable in week(s) {away}")
            if excluded:
                parts.append(f"demand line {line.id!r} excludes week(s) {excluded}")
            if weeks.stop - 1 > s.season.weeks:
                parts.append("runs past the end of the season")
            reasons.append("; ".join(parts) or "weeks not available")
    return " / ".join(dict.fromkeys(reasons))
