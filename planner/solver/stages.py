"""The stages of a solve and how one stage is searched (see docs/solving.md)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from planner.result import NeighbourhoodReport
from planner.solver import engines, mip
from planner.solver.bounded import run_bounded
from planner.solver.context import SCALE, GoalTerm, ModelContext
from planner.solver.control import SolveControl
from planner.solver.neighbourhood import NEIGHBOURHOOD_REACH, search_neighbourhoods
from planner.solver.objective import BASIS
from planner.solver.progress import Reporter, proven_optimal, within_gap
from planner.solver.relaxation import Relaxation, lagrangian_bound, relax
from planner.solver.search import cp_solve, hint

#: Share of the remaining time the fairness-first stage may use at most.
FAIRNESS_STAGE_SHARE = 0.3
#: Share of the remaining time the primary stage may use at most when a secondary
#: stage follows (a stage that proves its optimum early leaves the rest to the next).
PRIMARY_STAGE_SHARE = 0.7
#: Share of a stage's time the LP relaxation may use at most.
RELAXATION_SHARE = 0.75
#: Share of a stage's time left after the LP that the Lagrangian bound may use at most.
LAGRANGIAN_SHARE = 0.3


@dataclass
class Stage:
    """One stage: the expression it maximises, its units and its share of the time.

    Attributes
    ----------
    name
        ``fairness``, ``primary`` or ``secondary``.
    expr
        The stage objective (model units).
    scale
        Model units per point (per percent of minimum coverage for ``fairness``).
    share
        Share of the remaining time the stage may use when a stage follows it.
    """

    name: str
    expr: cp_model.LinearExprT
    scale: float
    share: float


def plan_stages(ctx: ModelContext, terms: list[GoalTerm]) -> list[Stage]:
    """The solve stages for the scenario's objective (see :func:`planner.solver.solve`)."""
    stages = []
    z = ctx.fairness_var
    objective = ctx.scenario.objective
    # The leximin rounds (planner.solver.leximin) raise the lowest coverage first
    # already, so they take the fairness stage's place.
    weighted = objective.fairness_mode == "weighted"
    if weighted and objective.fairness_first and z is not None and objective.fairness > 0:
        stages.append(Stage("fairness", z, BASIS / 100, FAIRNESS_STAGE_SHARE))
    for level, share in (("primary", PRIMARY_STAGE_SHARE), ("secondary", 1.0)):
        chosen = [t for t in terms if t.level == level and t.coeffs]
        if chosen or level == "primary":
            expr = cp_model.LinearExpr.sum([t.expr() for t in chosen])
            stages.append(Stage(level, expr, SCALE, share))
    return stages


@dataclass
class StageRun:
    """What one stage's search reached, in the stage objective's model units.

    ``status`` is CP-SAT's OPTIMAL when the plan is within the gap limit of the bound
    (proven or not; see :attr:`proven`), FEASIBLE for another plan, or the status that
    ended the stage without one.
    """

    status: Any
    values: list[int] | None = None
    objective: int = 0
    bound: float = math.inf
    seconds: float = 0.0
    info: str = ""
    lp_bound: float | None = None
    lp_seconds: float | None = None
    lagrangian_bound: float | None = None
    lagrangian_seconds: float | None = None
    neighbourhoods: list[NeighbourhoodReport] = field(default_factory=list)
    plan_engine: str | None = None
    bound_engine: str | None = None
    mip_bound: float | None = None
    mip_seconds: float | None = None
    lp_prices: dict[str, float] | None = None
    lp_value: float | None = None
    lp_allowance: float = 0.0

    @property
    def proven(self) -> bool:
        """Whether the stage's plan is proven optimal (its objective meets its bound).

        ``status`` is CP-SAT's OPTIMAL also for a plan merely within the gap limit.
        """
        return self.values is not None and proven_optimal(self.objective, self.bound)


def run_stage(
    ctx: ModelContext,
    control: SolveControl,
    stage: Stage,
    budget: float,
    offset: tuple[float, float],
    start: list[int] | None = None,
) -> StageRun:
    """Search one stage with CP-SAT and, on small models, HiGHS's MIP beside it.

    HiGHS runs beside CP-SAT (:mod:`planner.solver.engines`) when the solve has
    ``MIP_MIN_WORKERS`` workers or more and the model ``MIP_MAX_VARIABLES`` variables
    or fewer (:func:`planner.solver.engines.wanted`), and the model translates exactly;
    each engine's bounds end the other's search once a plan is within the gap, and the
    stage keeps the better plan and the lower bound. Otherwise CP-SAT searches alone
    (:func:`search_stage`).
    """
    beside = engines.start(ctx, control, stage.name, stage.scale, offset, budget)
    if beside is None:
        return search_stage(ctx, control, stage, budget, offset, start)
    run: StageRun | None = None
    # A stop of the solve ends the stage's searches (through their own control) and HiGHS.
    with control.running(beside.stop.set):
        try:
            run = search_stage(ctx, beside.control, stage, budget, offset, start)
        finally:
            outcome = beside.finish(_closed(run, beside, control))
    run.mip_seconds = round(outcome.seconds if outcome else beside.seconds, 3)
    if math.isfinite(beside.bound):
        run.mip_bound = beside.bound / stage.scale
        if beside.bound < run.bound:
            run.bound, run.bound_engine = beside.bound, "highs"
    if beside.plan is not None and (run.values is None or beside.plan[1] > run.objective):
        run.values, run.objective = beside.plan
        run.plan_engine = "highs"
        if run.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            run.status = cp_model.FEASIBLE
    if run.values is not None:
        within = within_gap(run.objective, run.bound, control.params.relative_gap)
        run.status = cp_model.OPTIMAL if within else cp_model.FEASIBLE
    return run


def _closed(run: StageRun | None, beside: engines.MipBeside, control: SolveControl) -> bool:
    """Whether the stage needs nothing more of HiGHS: CP-SAT's plan is within the gap
    of the best bound, CP-SAT proved the stage has no plan, or its search failed."""
    if run is None:
        return True
    if run.status == cp_model.INFEASIBLE:
        return True
    if run.values is None:
        return False
    bound = min(run.bound, beside.bound)
    return within_gap(run.objective, bound, control.params.relative_gap)


def search_stage(
    ctx: ModelContext,
    control: SolveControl,
    stage: Stage,
    budget: float,
    offset: tuple[float, float],
    start: list[int] | None = None,
) -> StageRun:
    """Search one stage with CP-SAT: bounds from the relaxation, its neighbourhood, the
    full model.

    1. The LP relaxation (HiGHS) gives a proven bound within seconds
       (:mod:`planner.solver.relaxation`).
    2. Single-worker CP-SAT searches, one per core, explore the options the LP
       solution uses (:func:`~planner.solver.neighbourhood.search_neighbourhoods`);
       a plan within the gap of the LP bound ends the stage. Otherwise the
       Lagrangian bound, which prices the constraints coupling committees at the
       LP's duals, may tighten the bound, and a wider neighbourhood is searched; as
       soon as a plan is within the gap of the bound the stage is done.
    3. Otherwise the full model is searched for the rest of the budget, from that
       plan as a hint, and stops as soon as it is within the gap of the bound. When
       steps 1 and 2 gave no plan (the LP did not finish in its share of the time),
       ``start``, a complete solution (the fallback baseline's), is the hint instead.

    The secondary stage, which starts from a complete hint, goes straight to step 3.
    The stage's bound is the best of the relaxation's and the full search's. A stop
    from the caller ends whichever step runs and skips the rest.
    """
    began = time.perf_counter()
    deadline = began + budget
    run = StageRun(cp_model.UNKNOWN)
    bound = math.inf
    found: tuple[list[int], int] | None = None
    if stage.name != "secondary":
        bound, found = _bound_and_neighbourhoods(ctx, control, stage, deadline, run)
        if found is not None:
            control.found(found[1])
        if found is not None and (
            within_gap(found[1], bound, control.params.relative_gap)
            # The stage's stop: the engine beside CP-SAT closed it.
            or control.stopped
        ):
            run.status, run.values, run.objective = cp_model.FEASIBLE, found[0], found[1]
            run.plan_engine = "cp-sat"
            run.bound, run.seconds = bound, time.perf_counter() - began
            if within_gap(found[1], bound, control.params.relative_gap):
                run.status = cp_model.OPTIMAL
            return run
    if found is not None:
        hint(ctx.model, found[0])
    elif start is not None and stage.name != "secondary":
        # Without the LP's plans the search would start from nothing: the fallback
        # is a complete solution that keeps every constraint of the stage.
        hint(ctx.model, start)
    reporter = Reporter(control, stage.name, stage.scale, offset, stop_bound=bound)
    solver, status = cp_solve(
        ctx.model,
        control,
        max(0.01, deadline - time.perf_counter()),
        control.params.workers,
        reporter,
        presolve=stage.name != "secondary",
    )
    run.status = status
    run.seconds = time.perf_counter() - began
    if status == cp_model.MODEL_INVALID:
        run.info = str(solver.response_proto.solution_info)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        run.values = list(solver.response_proto.solution)
        run.objective = round(solver.objective_value)
        run.bound = solver.best_objective_bound
        run.plan_engine = "cp-sat"
    if found is not None and (run.values is None or found[1] > run.objective):
        run.values, run.objective = found
        run.status = cp_model.FEASIBLE
        run.plan_engine = "cp-sat"
    if run.bound < bound:
        run.bound_engine = "cp-sat"
    run.bound = min(run.bound, bound)
    if run.values is not None and within_gap(run.objective, run.bound, control.params.relative_gap):
        run.status = cp_model.OPTIMAL
    return run


def _bound_and_neighbourhoods(
    ctx: ModelContext, control: SolveControl, stage: Stage, deadline: float, run: StageRun
) -> tuple[float, tuple[list[int], int] | None]:
    """Steps 1 and 2 of :func:`run_stage`: the best bound and the neighbourhoods' plan.

    Records the bounds, their times and the neighbourhood searches in ``run``.
    """
    budget = deadline - time.perf_counter()
    # Writing the LP is Python that knows no clock: it ends at its share of the time.
    _, relaxation = run_bounded(
        lambda: relax(ctx.model, budget * RELAXATION_SHARE, control),
        control,
        "relaxation",
        until=time.perf_counter() + budget * RELAXATION_SHARE,
    )
    if relaxation is None:
        return math.inf, None
    bound = math.floor(relaxation.bound)
    run.lp_bound = bound / stage.scale
    run.bound_engine = "lp"
    run.lp_seconds = round(relaxation.seconds, 3)
    if ctx.priced:
        run.lp_prices, run.lp_value, run.lp_allowance = _prices(ctx, relaxation, stage.scale)
    control.report(stage.name, None, bound / stage.scale)
    # The LP's own neighbourhood first: when its plan is within the gap of the LP
    # bound, the Lagrangian bound (seconds on the larger models) is not needed.
    gap = control.params.relative_gap

    def neighbourhoods(
        reaches: tuple[int, ...],
        start: tuple[list[int], int] | None = None,
        eager: bool = False,
    ) -> tuple[list[int], int] | None:
        # Searched against the best bound so far (the LP's, then the Lagrangian's).
        return search_neighbourhoods(
            ctx,
            control,
            stage.name,
            stage.scale,
            deadline,
            relaxation,
            bound,
            run.neighbourhoods,
            reaches=reaches,
            start=start,
            eager=eager,
        )

    found = neighbourhoods(NEIGHBOURHOOD_REACH[:1])
    widened = False
    # (A stopped solve searches no neighbourhood at all: nothing to widen then.)
    proven_empty = bool(run.neighbourhoods) and run.neighbourhoods[-1].empty
    if found is None and proven_empty and not control.stopped:
        # The LP's own options are proven to hold no plan (on a district's parts, whose
        # guarantees want whole deliveries, in a fraction of a second; a reach 0 that
        # merely ran out of time does not count): the wider neighbourhoods come at once,
        # before the Lagrangian bound,
        # with most of the time, since without a plan of the stage's own the full
        # model is searched from the fallback, which rarely finds a better one.
        found = neighbourhoods(NEIGHBOURHOOD_REACH[1:], eager=True)
        widened = True
    if found is not None:
        control.found(found[1])
    if found is not None and within_gap(found[1], min(bound, control.outside_bound()), gap):
        return bound, found
    took = time.perf_counter()
    share = LAGRANGIAN_SHARE * (deadline - took)
    lagrangian = None
    # With the shortfall rows in their hull the Lagrangian bound by committee was the
    # LP's within a tenth of a point on the weighted objective (docs/solving.md), after a
    # minute of blocks. Leximin's floors are rows the cuts leave fractional: kept there.
    weighted = ctx.scenario.objective.fairness_mode == "weighted"
    if not (stage.name == "primary" and weighted and ctx.shortfall_hull):
        _, lagrangian = run_bounded(
            lambda: lagrangian_bound(
                relaxation,
                ctx.committee_blocks(),
                share,
                control.params.seed,
                control.params.workers,
                control,
            ),
            control,
            "lagrangian",
            until=took + share,
        )
    if lagrangian is not None:
        run.lagrangian_bound = math.floor(lagrangian) / stage.scale
        run.lagrangian_seconds = round(time.perf_counter() - took, 3)
        if lagrangian < bound:
            bound = math.floor(lagrangian)
            run.bound_engine = "lagrangian"
            control.report(stage.name, None, bound / stage.scale)
    if widened or (
        found is not None and within_gap(found[1], min(bound, control.outside_bound()), gap)
    ):
        return bound, found
    found = neighbourhoods(NEIGHBOURHOOD_REACH[1:], found)
    return bound, found


def _prices(
    ctx: ModelContext, relaxation: Relaxation, scale: float
) -> tuple[dict[str, float], float, float]:
    """The LP's prices of a part's allotment rows, its value and its allowance, in points.

    The price of a row is the LP's gain per unit more of its right-hand side: for the
    minimised sum a row's dual, times the objective's scaling (a maximised objective
    is minimised negated), in points. The allowance is what the LP's tolerances may
    add to a bound made from the duals: the dual feasibility tolerance times the
    range of every variable (as :func:`planner.solver.mip.safe_bound` allows for
    HiGHS's MIP bound), plus one part in a million of the LP's value.
    """
    prices: dict[str, float] = {}
    for row, dual in zip(relaxation.rows, relaxation.duals, strict=True):
        key = ctx.allotment_rows.get(row.source)
        if key is not None:
            prices[key] = relaxation.scaling * dual / scale
    box = sum(high - low for low, high in relaxation.domains)
    value = relaxation.bound / scale
    allowance = (mip.DUAL_TOLERANCE * box) / scale + 1e-6 * max(1.0, abs(value))
    return prices, value, allowance
