"""The one entry point: ``solve(scenario, params) -> Result``."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
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
from planner.solver.relaxation import SUPPORT_TOLERANCE, Relaxation, lagrangian_bound, relax

#: Share of the remaining time the fairness-first stage may use at most.
FAIRNESS_STAGE_SHARE = 0.3
#: Share of the remaining time the primary stage may use at most when a secondary
#: stage follows (a stage that proves its optimum early leaves the rest to the next).
PRIMARY_STAGE_SHARE = 0.7
#: Share of a stage's time the LP relaxation may use at most.
RELAXATION_SHARE = 0.5
#: Share of a stage's time left after the LP that the Lagrangian bound may use at most.
LAGRANGIAN_SHARE = 0.3
#: The neighbourhoods searched in turn: options the LP uses, then also those that
#: start one cycle (a week for events) before or after an option the LP uses.
NEIGHBOURHOOD_REACH = (0, 1)
#: Share of the remaining time each neighbourhood but the last may use at most, and
#: the last too while no neighbourhood has yielded a plan.
NEIGHBOURHOOD_FIRST_SHARE = 0.3
#: Share of the remaining time the last neighbourhood may use at most when it starts
#: from a plan (the full model gets the rest).
NEIGHBOURHOOD_SHARE = 0.8

_STATUS: dict[Any, SolveStatus] = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.NO_SOLUTION,
    cp_model.MODEL_INVALID: SolveStatus.ERROR,
}


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Sends a Progress on every improving plan (and bound, via the solver hook)."""

    def __init__(
        self,
        params: SolveParams,
        stage: str,
        start: float,
        scale: float,
        offset: tuple[float, float] = (0.0, 0.0),
        stop_bound: float = math.inf,
        fixed_bound: bool = False,
        portfolio: _Portfolio | None = None,
    ) -> None:
        super().__init__()
        self.portfolio = portfolio
        # A proven bound of the whole model (model units): the search stops once a
        # plan is within the gap of it. With ``fixed_bound`` it is also the bound
        # reported, for searches of a restricted model whose own bound holds for
        # that model only.
        self.stop_bound = stop_bound
        self.fixed_bound = fixed_bound
        # Points already secured by earlier stages (objective, bound), so that the
        # secondary stage reports totals comparable with the primary stage's.
        self.offset = offset
        self.params = params
        self.stage = stage
        self.start = start
        self.scale = scale
        self.objective: float | None = None
        self.bound: float | None = None

    def on_solution_callback(self) -> None:
        value = self.objective_value
        if self.portfolio is not None:
            with self.portfolio.lock:
                value = self.portfolio.best = max(value, self.portfolio.best)
        self.objective = value / self.scale + self.offset[0]
        self.on_bound(self.best_objective_bound)
        if self.portfolio is not None and self.portfolio.done.is_set():
            self.stop_search()
        elif _within_gap(value, self.stop_bound, self.params):
            if self.portfolio is None:
                self.stop_search()
            else:
                self.portfolio.stop()

    def on_bound(self, bound: float) -> None:
        if self.fixed_bound:
            bound = self.stop_bound
        self.bound = min(bound, self.stop_bound) / self.scale + self.offset[1]
        self._send()

    def _send(self) -> None:
        if self.params.progress is not None:
            elapsed = time.perf_counter() - self.start
            report = Progress(self.stage, elapsed, self.objective, self.bound)
            if self.portfolio is None:
                self.params.progress(report)
            else:
                with self.portfolio.lock:
                    self.params.progress(report)


class _Portfolio:
    """Searches of one model run side by side, one per core, with different seeds.

    They share the best objective (for progress) and stop together once one of them
    is within the gap of the bound.
    """

    def __init__(self, size: int) -> None:
        self.lock = threading.Lock()
        self.best = -math.inf
        self.solvers = [cp_model.CpSolver() for _ in range(size)]
        # Set once a search is within the gap. A search that has not entered
        # ``solve`` yet would miss ``stop_search``: it checks this before it starts
        # and on its first plan.
        self.done = threading.Event()

    def stop(self) -> None:
        """Stop every search of the portfolio."""
        self.done.set()
        for solver in self.solvers:
            solver.stop_search()


def solve(scenario: Scenario, params: SolveParams | None = None) -> Result:
    """Plan a season with CP-SAT.

    Every hard rule of docs/rules.md is kept. The goals of ``scenario.objective`` are
    optimised in stages, each keeping what the previous one reached:

    1. ``fairness`` (only with ``objective.fairness_first``): the worst-served
       committee's coverage;
    2. ``primary``: the weighted sum of the primary goals (coverage, fairness, travel,
       preferred weeks, fixtures);
    3. ``secondary``: among plans at least as good on the primary goals, the weighted
       sum of the secondary goals (spread of events, variety of themes).

    Within the fairness and primary stages, an LP bound and a Lagrangian bound by
    committee come first, then searches of the LP solution's neighbourhoods, then the
    full model; a stage stops as soon as its plan is within ``params.relative_gap``
    of the best bound (see :func:`_run_stage` and docs/solving.md).

    Parameters
    ----------
    scenario
        A validated scenario.
    params
        Time limit (for all stages together), seed, workers, gap and progress callback.

    Returns
    -------
    Result
        Status, objective (all terms) and bound in points, gap, wall time, the plan and
        the named terms. The bound adds the primary stage's bound and the secondary
        stage's bound. Infeasible or timed-out solves are statuses with a message.
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

    objective = scenario.objective
    ctx.fairness_var = fairness_level(ctx)
    terms = [goal(ctx) for goal in GOALS]
    stages = _stages(ctx, terms)
    stats: dict[str, Any] = {
        "num_options": len(ctx.options),
        "num_demand_lines": len(scenario.demand_lines),
        "num_variables": len(ctx.model.proto.variables),
        "num_constraints": len(ctx.model.proto.constraints),
        "stages": {},
    }
    # The baseline's plan is the fallback should the search find nothing better in
    # time. It is not a hint: on the reference scenarios hints slowed the first stage.
    values = _baseline_solution(ctx, terms)
    source = "the spreadsheet baseline's plan" if values is not None else ""
    baseline = values
    if values is not None:
        stats["baseline_objective"] = sum(t.model_points(values) for t in terms)
        if objective.keep_baseline_minimum and ctx.fairness_var is not None:
            # No committee falls below the baseline's worst-served committee.
            ctx.model.add(ctx.fairness_var >= values[ctx.fairness_var.index])
    all_optimal = True
    bounds: dict[str, float] = {}

    def remaining() -> float:
        return max(0.01, params.time_limit - (time.perf_counter() - start))

    for k, stage in enumerate(stages):
        last = k == len(stages) - 1
        budget = remaining() if last else remaining() * stage.share
        ctx.model.maximize(stage.expr)
        offset = (0.0, 0.0)
        if stage.name == "secondary" and "primary" in bounds:
            offset = (stats["stages"]["primary"]["objective"], bounds["primary"])
        run = _run_stage(ctx, params, stage, start, budget, offset)
        if run.status == cp_model.INFEASIBLE:
            return _infeasible(ctx, pins, start, params)
        if run.values is None:
            all_optimal = False
            stats["stages"][stage.name] = {"status": _STATUS[run.status].value, **run.stats}
            if run.status == cp_model.MODEL_INVALID:
                return _without_plan(SolveStatus.ERROR, start, f"model rejected: {run.info}", ctx)
            break
        values = run.values
        source = ""
        found = run.objective
        all_optimal &= run.status == cp_model.OPTIMAL
        bounds[stage.name] = run.bound / SCALE
        stats["stages"][stage.name] = {
            "status": _STATUS[run.status].value,
            "objective": found / stage.scale,
            "bound": run.bound / stage.scale,
            "seconds": round(run.seconds, 3),
            **run.stats,
        }
        if not last:
            # Keep what this stage reached; its plan, with the auxiliary variables set
            # at their best, is a complete hint for the next stage.
            ctx.model.add(stage.expr >= found)
            values = _complete(ctx, [values[x.index] for x in ctx.x], terms) or values
            _hint(ctx.model, values)

    if values is None:
        message = f"no plan was found within the time limit of {params.time_limit:g} s"
        return _without_plan(SolveStatus.NO_SOLUTION, start, message, ctx)

    objective_points = sum(t.model_points(values) for t in terms)
    if (
        baseline is not None
        and values is not baseline
        and _stage_key(ctx, terms, baseline) > _stage_key(ctx, terms, values)
    ):
        # The search stopped on a plan the baseline's beats, stage by stage.
        values, objective_points = baseline, stats["baseline_objective"]
        source = "the spreadsheet baseline's plan, which beats the plan found"
    primary_bound = bounds.get("primary")
    bound = None
    if primary_bound is not None:
        secondary = [t for t in terms if t.level == "secondary"]
        bound = primary_bound + bounds.get(
            "secondary", sum(t.upper_bound(ctx.model) for t in secondary)
        )
    message = ""
    if source:
        message = (
            f"the search found no better plan within {params.time_limit:g} s; this is {source}"
        )
    if objective.fairness_first and "fairness" not in bounds:
        all_optimal = False
    return Result(
        status=SolveStatus.OPTIMAL if all_optimal and bound is not None else SolveStatus.FEASIBLE,
        objective=objective_points,
        best_bound=bound,
        gap=None if bound is None else relative_gap(objective_points, bound),
        wall_seconds=time.perf_counter() - start,
        plan=_extract_plan(ctx, values),
        terms=tuple(_term(t, values) for t in terms),
        message=message,
        stats=stats,
    )


def _stage_key(ctx: ModelContext, terms: list[GoalTerm], values: list[int]) -> tuple[float, ...]:
    """A solution's scores in stage order, to compare plans as the stages rank them."""
    key: list[float] = []
    z = ctx.fairness_var
    if ctx.scenario.objective.fairness_first and z is not None:
        key.append(values[z.index])
    for level in ("primary", "secondary"):
        key.append(sum(t.model_points(values) for t in terms if t.level == level))
    return tuple(key)


@dataclass
class _Stage:
    name: str
    expr: cp_model.LinearExprT
    scale: float
    share: float


def _stages(ctx: ModelContext, terms: list[GoalTerm]) -> list[_Stage]:
    """The solve stages for the scenario's objective (see :func:`solve`)."""
    stages = []
    z = ctx.fairness_var
    objective = ctx.scenario.objective
    if objective.fairness_first and z is not None and objective.fairness > 0:
        stages.append(_Stage("fairness", z, BASIS / 100, FAIRNESS_STAGE_SHARE))
    for level, share in (("primary", PRIMARY_STAGE_SHARE), ("secondary", 1.0)):
        chosen = [t for t in terms if t.level == level and t.coeffs]
        if chosen or level == "primary":
            expr = cp_model.LinearExpr.sum([t.expr() for t in chosen])
            stages.append(_Stage(level, expr, SCALE, share))
    return stages


def _baseline_solution(ctx: ModelContext, terms: list[GoalTerm]) -> list[int] | None:
    """The spreadsheet baseline's plan as a complete solution of the model.

    Returns one value per model variable, or None when the baseline cannot be
    completed (for example when pins conflict with it).
    """
    index = {(o.line_id, o.unit_id, o.first_week): i for i, o in enumerate(ctx.options)}
    s = ctx.scenario
    chosen = set()
    for d in plan_baseline(s):
        i = index.get((d.demand_id, d.unit_id(s), d.first_week))
        if i is not None:
            chosen.add(i)
    return _complete(ctx, [int(i in chosen) for i in range(len(ctx.x))], terms)


def _complete(ctx: ModelContext, x_values: list[int], terms: list[GoalTerm]) -> list[int] | None:
    """Complete a choice of options into a full solution with the best auxiliary values.

    The options are fixed in a copy of the model, whose quick solve sets the auxiliary
    variables (fairness level, excess events, themes received) as well as they can be.
    Returns one value per model variable, or None if the choice breaks a rule.
    """
    fixed = ctx.model.clone()
    fixed.clear_assumptions()
    fixed.clear_hints()
    # With the options fixed nothing trades off: the fairness level is maximised too,
    # so it is the plan's true minimum coverage even when its weight is 0.
    extra = [ctx.fairness_var] if ctx.fairness_var is not None else []
    fixed.maximize(cp_model.LinearExpr.sum([*(t.expr() for t in terms), *extra]))
    for var, value in zip(ctx.x, x_values, strict=True):
        fixed.add(fixed.get_bool_var_from_proto_index(var.index) == value)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 2.0
    status = solver.solve(fixed)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(solver.response_proto.solution)


def _hint(model: cp_model.CpModel, values: list[int]) -> None:
    """Make a full solution of the model (one value per variable) its hint."""
    model.clear_hints()
    for var_index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(var_index), value)


@dataclass
class _StageRun:
    """What one stage's search reached, in the stage objective's model units."""

    status: Any
    values: list[int] | None = None
    objective: int = 0
    bound: float = math.inf
    seconds: float = 0.0
    info: str = ""
    stats: dict[str, Any] = field(default_factory=dict)


def _run_stage(
    ctx: ModelContext,
    params: SolveParams,
    stage: _Stage,
    start: float,
    budget: float,
    offset: tuple[float, float],
) -> _StageRun:
    """Search one stage: bounds from the relaxation, its neighbourhood, the full model.

    1. The LP relaxation (GLOP) and the Lagrangian bound that prices the constraints
       coupling committees at the LP's duals give a proven bound within seconds
       (:mod:`planner.solver.relaxation`).
    2. Single-worker CP-SAT searches, one per core, explore the options the LP
       solution uses, then a wider neighbourhood of them
       (:func:`_search_neighbourhood`); as soon as a plan is within the gap of that
       bound the stage is done.
    3. Otherwise the full model is searched for the rest of the budget, from that
       plan as a hint, and stops as soon as it is within the gap of the bound.

    The secondary stage, which starts from a complete hint, goes straight to step 3.
    The stage's bound is the best of the relaxation's and the full search's.
    """
    began = time.perf_counter()
    deadline = began + budget
    stats: dict[str, Any] = {}
    bound = math.inf
    hint: tuple[list[int], int] | None = None
    relaxation = None
    if stage.name != "secondary":
        relaxation = relax(ctx.model, budget * RELAXATION_SHARE)
    if relaxation is not None:
        bound = math.floor(relaxation.bound)
        stats["lp_bound"] = bound / stage.scale
        stats["lp_seconds"] = round(relaxation.seconds, 3)
        _report_bound(params, stage, start, bound)
        took = time.perf_counter()
        lagrangian = lagrangian_bound(
            relaxation,
            ctx.committee_blocks(),
            LAGRANGIAN_SHARE * (deadline - took),
            params.seed,
            params.workers,
        )
        if lagrangian is not None:
            stats["lagrangian_bound"] = math.floor(lagrangian) / stage.scale
            stats["lagrangian_seconds"] = round(time.perf_counter() - took, 3)
            if lagrangian < bound:
                bound = math.floor(lagrangian)
                _report_bound(params, stage, start, bound)
        hint = _search_neighbourhood(ctx, params, stage, start, deadline, relaxation, bound, stats)
        if hint is not None and _within_gap(hint[1], bound, params):
            return _StageRun(
                cp_model.OPTIMAL,
                hint[0],
                hint[1],
                bound,
                time.perf_counter() - began,
                stats=stats,
            )
    if hint is not None:
        _hint(ctx.model, hint[0])
    solver, status = _cp_solve(
        ctx.model,
        params,
        max(0.01, deadline - time.perf_counter()),
        params.workers,
        _Reporter(params, stage.name, start, stage.scale, offset, stop_bound=bound),
        presolve=stage.name != "secondary",
    )
    run = _StageRun(status, seconds=time.perf_counter() - began, stats=stats)
    run.info = str(solver.response_proto.solution_info)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        run.values = list(solver.response_proto.solution)
        run.objective = round(solver.objective_value)
        run.bound = solver.best_objective_bound
    if hint is not None and (run.values is None or hint[1] > run.objective):
        run.values, run.objective = hint
        run.status = cp_model.FEASIBLE
    run.bound = min(run.bound, bound)
    if run.values is not None and _within_gap(run.objective, run.bound, params):
        run.status = cp_model.OPTIMAL
    return run


def _within_gap(objective: float, bound: float, params: SolveParams) -> bool:
    """Whether a plan is proven good enough: at the bound, or within the gap limit."""
    return objective >= bound or relative_gap(objective, bound) <= params.relative_gap


def _report_bound(params: SolveParams, stage: _Stage, start: float, bound: float) -> None:
    if params.progress is not None:
        elapsed = time.perf_counter() - start
        params.progress(Progress(stage.name, elapsed, None, bound / stage.scale))


def _search_neighbourhood(
    ctx: ModelContext,
    params: SolveParams,
    stage: _Stage,
    start: float,
    deadline: float,
    relaxation: Relaxation,
    bound: float,
    stats: dict[str, Any],
) -> tuple[list[int], int] | None:
    """Search the neighbourhoods of the LP solution; return a plan and its objective.

    Neighbourhood ``r`` (see NEIGHBOURHOOD_REACH) holds the options that start
    within ``r`` cycles of an option the LP solution uses, for the same demand line
    and unit; the other options are fixed to 0 in a copy of the model, which
    :func:`_search_portfolio` searches from the previous neighbourhood's plan. A search
    stops as soon as its plan is within the gap of ``bound``, the
    proven bound of the whole model, and then no further neighbourhood is searched.
    Returns None when no neighbourhood yields a plan in time.
    """

    def cycle(o: Option) -> int:
        return (o.first_week - 1) // o.duration

    used = {
        (o.line_id, o.unit_id, cycle(o))
        for o, x in zip(ctx.options, ctx.x, strict=True)
        if relaxation.values[x.index] > SUPPORT_TOLERANCE
    }
    best: tuple[list[int], int] | None = None
    searched = stats["neighbourhoods"] = []
    for n, reach in enumerate(NEIGHBOURHOOD_REACH):
        restricted = ctx.model.clone()
        restricted.clear_hints()
        kept = 0
        for o, x in zip(ctx.options, ctx.x, strict=True):
            if any((o.line_id, o.unit_id, cycle(o) + d) in used for d in range(-reach, reach + 1)):
                kept += 1
            else:
                restricted.add(restricted.get_bool_var_from_proto_index(x.index) == 0)
        if best is not None:
            _hint(restricted, best[0])
        # The last neighbourhood may take most of the time only when there is a plan
        # to improve; otherwise the full model keeps most of it.
        last = n == len(NEIGHBOURHOOD_REACH) - 1 and best is not None
        budget = (NEIGHBOURHOOD_SHARE if last else NEIGHBOURHOOD_FIRST_SHARE) * (
            deadline - time.perf_counter()
        )
        began = time.perf_counter()
        found = _search_portfolio(restricted, params, stage, start, max(0.01, budget), bound)
        record: dict[str, Any] = {"reach": reach, "options": kept}
        searched.append(record)
        if found is None:
            continue
        record.update(
            objective=found[1] / stage.scale, seconds=round(time.perf_counter() - began, 3)
        )
        if best is None or found[1] > best[1]:
            best = found
        if _within_gap(best[1], bound, params):
            break
    return best


def _search_portfolio(
    model: cp_model.CpModel,
    params: SolveParams,
    stage: _Stage,
    start: float,
    time_limit: float,
    bound: float,
) -> tuple[list[int], int] | None:
    """Search a restricted model with one single-worker search per core.

    The searches alternate between an LP-led search and quick restarts, with seeds
    ``params.seed``, ``params.seed + 1``, … per pair; the one that ends with the best
    plan wins, and all stop as soon as one is within the gap of ``bound``.
    Single-worker searches, because on the reference scenarios one worker's LP cuts
    close these small models fast where one two-worker search stalls; several of
    them, because their paths differ much from strategy to strategy and seed to seed.
    Returns the best plan and its objective, or None.
    """
    portfolio = _Portfolio(max(1, params.workers))
    # Copies made here, so that every search starts at once when its thread does.
    models = [model] + [model.clone() for _ in portfolio.solvers[1:]]

    def one(k: int) -> tuple[cp_model.CpSolver, Any]:
        if portfolio.done.is_set():
            return portfolio.solvers[k], cp_model.UNKNOWN
        # Its own bound holds for the restricted model only: progress shows ``bound``.
        reporter = _Reporter(
            params,
            stage.name,
            start,
            stage.scale,
            stop_bound=bound,
            fixed_bound=True,
            portfolio=portfolio,
        )
        solver = portfolio.solvers[k]
        # All constraints in the LP from the start, and a search led by the LP (or,
        # on the second core, quick restarts): measured on the 26-week reference,
        # these reach a good plan of the neighbourhood in about half the time.
        solver.parameters.add_lp_constraints_lazily = False
        solver.parameters.search_branching = (
            cp_model.LP_SEARCH if k % 2 == 0 else cp_model.PORTFOLIO_WITH_QUICK_RESTART_SEARCH
        )
        return _cp_solve(
            models[k],
            replace(params, seed=params.seed + k // 2),
            time_limit,
            1,
            reporter,
            own_gap=False,
            solver=solver,
        )

    if len(portfolio.solvers) == 1:
        runs = [one(0)]
    else:
        with ThreadPoolExecutor(len(portfolio.solvers)) as pool:
            runs = list(pool.map(one, range(len(portfolio.solvers))))
    found = [
        (list(solver.response_proto.solution), round(solver.objective_value))
        for solver, status in runs
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    ]
    return max(found, key=lambda f: f[1], default=None)


def _cp_solve(
    model: cp_model.CpModel,
    params: SolveParams,
    time_limit: float,
    workers: int,
    reporter: _Reporter,
    own_gap: bool = True,
    presolve: bool = True,
    solver: cp_model.CpSolver | None = None,
) -> tuple[cp_model.CpSolver, Any]:
    solver = solver or cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = time_limit
    p.num_workers = workers
    p.random_seed = params.seed
    # A restricted model's own bound says nothing of the whole model's: such a search
    # stops on the whole model's bound, through the reporter, instead.
    p.relative_gap_limit = params.relative_gap if own_gap else 0.0
    p.log_search_progress = params.log
    # Linearising the at-most-one and Boolean constraints into the LP gives much
    # better bounds on these assignment models (measured on the reference scenario).
    p.linearization_level = 2
    if not presolve:
        # The secondary stage starts from a complete hint; without presolve CP-SAT
        # takes it at once instead of spending a short remaining time presolving
        # (on the 13-week reference at 5 s: secondary goals 412 points instead of none).
        p.cp_model_presolve = False
    if params.progress is not None:
        solver.best_bound_callback = reporter.on_bound
    status = solver.solve(model, reporter)
    return solver, status


def _term(term: GoalTerm, values: list[int]) -> Term:
    return Term(term.name, round(term.points(values), 6), term.description)


def _extract_plan(ctx: ModelContext, values: list[int]) -> Plan:
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
