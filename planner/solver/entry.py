"""The one entry point: ``solve(scenario, params, *, on_progress, stop) -> Result``."""

from __future__ import annotations

import dataclasses
import functools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from planner import wording
from planner.baseline import Baselines
from planner.i18n import _
from planner.params import Progress, SolveParams, relative_gap
from planner.result import Result, SolveStatus, StageReport, StopReason, Term
from planner.scenario import Scenario
from planner.solver.bounded import run_bounded
from planner.solver.conflicts import conflicting_pins, unmatched_pins
from planner.solver.context import SCALE, GoalTerm
from planner.solver.control import SolveControl
from planner.solver.extract import extract_plan
from planner.solver.fallback import (
    BaselineStart,
    add_guarantees,
    baseline_start,
    plan_start,
    stage_key,
)
from planner.solver.guide import PartGuide, add_allotment
from planner.solver.leximin import leximin_stage
from planner.solver.model import BuiltModel, build_model
from planner.solver.progress import CoverageMeter
from planner.solver.search import complete, hint
from planner.solver.stages import StageRun, plan_stages, run_stage

_STATUS: dict[Any, SolveStatus] = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.NO_SOLUTION,
    cp_model.MODEL_INVALID: SolveStatus.ERROR,
}


def solve(
    scenario: Scenario,
    params: SolveParams | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    deadline: float | None = None,
    guide: PartGuide | None = None,
) -> Result:
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
    of the best bound (see docs/solving.md).

    Parameters
    ----------
    scenario
        A validated scenario.
    params
        Time limit, seed, workers and gap. The time limit covers building the model,
        the spreadsheet baseline and all stages: building and the baseline give up
        at the limit (or on a stop), a solve whose model alone takes longer ends
        with ``no_solution``, and the baseline's plan is returned without the
        model's values when there is no time to complete it.
    on_progress
        Called with a :class:`~planner.params.Progress` as building and the baselines
        begin, and on every improving plan and bound, with the best plan's coverage
        (never concurrently).
    stop
        An event the caller may set (from any thread) to end the search: within about
        a second the solve returns the best plan found so far, as ``feasible`` with
        stop reason ``stopped``.
    deadline
        A ``time.perf_counter()`` value by which the solve must return, should that
        come before the end of ``params.time_limit`` (a caller that reads, reports
        and writes within one overall limit). Messages still name the time limit.
    guide
        Only for a part of a scenario split by subdistrict (:mod:`planner.decompose`):
        its share of the shared capacity and the whole scenario's baselines, floors
        and fallback (:class:`~planner.solver.guide.PartGuide`).

    Returns
    -------
    Result
        Status, stop reason, objective (all terms) and bound in points, gap, wall
        time, the plan, the named terms and one report per stage, and a message that
        says in words how it ended. ``optimal`` only when every stage is proven
        optimal; within the gap limit is ``feasible`` with stop reason
        ``gap_limit``. The bound adds the primary stage's bound and the secondary
        stage's bound. Infeasible or timed-out solves are statuses with a message,
        never exceptions.
    """
    control = SolveControl(params or SolveParams(), on_progress, stop, deadline)
    try:
        return _solve(scenario, control, guide)
    finally:
        control.close()


@dataclass
class _Search:
    """What the stages reached together."""

    values: list[int] | None
    reports: list[StageReport] = field(default_factory=list)
    bounds: dict[str, float] = field(default_factory=dict)
    all_optimal: bool = True  # every stage within the gap limit of its bound
    all_proven: bool = True  # every stage at its bound
    failed: Any = None  # the CP-SAT status that ended the solve without a plan
    failed_info: str = ""


#: A solve that ends, not within its gap, with more than this many seconds of its limit
#: left ended because a stage ran out of its share (stop reason ``stage_limit``).
STAGE_LIMIT_MARGIN = 1.0


def _solve(scenario: Scenario, control: SolveControl, guide: PartGuide | None = None) -> Result:
    # Building and the baseline end at the deadline or on a stop (see bounded.py).
    time_left = not control.expired
    control.report("building", None, None)
    built_ok, built = run_bounded(lambda: build_model(scenario), control, "build-model")
    if not built_ok or built is None:
        if control.stopped:
            message = wording.stopped_without_plan_text(control.stopped_at or control.elapsed())
            return _without_plan(
                SolveStatus.NO_SOLUTION, control, message, None, StopReason.STOPPED
            )
        message = wording.build_over_limit_text(control.params.time_limit)
        if not time_left:
            message = wording.no_time_to_build_text(control.params.time_limit)
        return _without_plan(SolveStatus.NO_SOLUTION, control, message, None, StopReason.TIME_LIMIT)
    if built.unmatched_pins:
        return _without_plan(SolveStatus.INFEASIBLE, control, unmatched_pins(built), built)
    ctx = built.ctx
    if guide is not None:
        add_allotment(ctx, guide.allotment)
    if control.wants_progress:
        control.meter = CoverageMeter(ctx)
    control.report("baselines", None, None)
    # The better baseline's plan is the fallback should the search find nothing better
    # in time. It is a hint only when the LP gave a stage no plan to start from (see
    # stages.search_stage): on the reference scenarios hints slowed the first stage.
    baseline = _baseline(built, control, guide)
    if baseline is not None:
        add_guarantees(ctx, baseline)
        # Until the search finds a plan, the baseline's is the best so far.
        control.report("baselines", None, None, baseline.values)
    search = _run_stages(built, control, baseline.values if baseline else None)
    if search.failed == cp_model.INFEASIBLE:
        message = conflicting_pins(built, control)
        return _without_plan(SolveStatus.INFEASIBLE, control, message, built)
    if search.failed == cp_model.MODEL_INVALID:
        message = _("model rejected: {info}").format(info=search.failed_info)
        return _without_plan(SolveStatus.ERROR, control, message, built, StopReason.ERROR)
    return _result(built, control, search, baseline)


def _baseline(
    built: BuiltModel, control: SolveControl, guide: PartGuide | None = None
) -> BaselineStart | None:
    """Both baselines, the better one completed into a solution if time allows.

    None when the baselines were not planned before the deadline or the stop (planning
    them is Python that knows no clock, so it runs bounded). The completions are
    bounded one by one (:func:`~planner.solver.fallback.baseline_start`): should one
    not finish, its plan is still a fallback (without the model's values, so without
    a score).

    With a ``guide`` (a part of a split scenario) the baselines are the whole
    scenario's plans restricted to the part, and the floors the whole scenario's.
    """
    ctx, terms = built.ctx, built.terms
    if guide is not None:
        baselines: Baselines | None = Baselines(
            plans=dict(guide.plans), points={}, best=guide.best, attainable=frozenset()
        )
    else:
        ok, baselines = run_bounded(lambda: plan_start(ctx), control, "baselines")
        if not ok:
            return None
    if baselines is None:
        return None
    start = baseline_start(ctx, terms, baselines, control)
    if guide is not None:
        served = start.served if guide.served is None else dict(guide.served)
        start = dataclasses.replace(start, floor=guide.floor, served=served)
    return start if start.plan is not None else None


def _run_stages(built: BuiltModel, control: SolveControl, baseline: list[int] | None) -> _Search:
    """Run the stages in turn, each keeping what the one before reached."""
    ctx, terms = built.ctx, built.terms
    stages = plan_stages(ctx, terms)
    search = _Search(values=baseline)
    if ctx.scenario.objective.fairness_mode == "leximin":
        report, values, proven = leximin_stage(built, control, search.values)
        search.reports.append(report)
        search.values = values or search.values
        search.all_optimal &= proven
        search.all_proven &= proven
    for k, stage in enumerate(stages):
        if control.should_end():
            search.all_optimal = search.all_proven = False
            break
        last = k == len(stages) - 1
        budget = control.remaining() if last else control.remaining() * stage.share
        ctx.model.maximize(stage.expr)
        offset = (0.0, 0.0)
        if stage.name == "secondary" and "primary" in search.bounds:
            primary = search.reports[-1]
            assert primary.objective is not None
            offset = (primary.objective, search.bounds["primary"])
        run = run_stage(ctx, control, stage, budget, offset, search.values)
        if run.status == cp_model.INFEASIBLE:
            search.failed = run.status
            return search
        if run.values is None:
            search.all_optimal = search.all_proven = False
            search.reports.append(_report(stage.name, run, None))
            if stage.name == "primary" and math.isfinite(run.bound):
                # No plan of its own, but a proven bound (the LP's or the Lagrangian's):
                # the fallback plan is measured against it.
                search.bounds[stage.name] = run.bound / SCALE
            if run.status == cp_model.MODEL_INVALID:
                search.failed, search.failed_info = run.status, run.info
                break
            if stage.name != "fairness":
                break
            # The fairness stage found no plan in its share: the primary stage still
            # runs, from the best plan so far, without a fairness level to keep (the
            # solve had ended there, leaving most of its time unused). A primary stage
            # without a plan ends the solve: a secondary one must keep its level.
            continue
        search.values = run.values
        search.all_optimal &= run.status == cp_model.OPTIMAL
        search.all_proven &= run.proven
        search.bounds[stage.name] = run.bound / SCALE
        search.reports.append(_report(stage.name, run, stage.scale))
        if not last:
            # Keep what this stage reached; its plan, with the auxiliary variables set
            # at their best, is a complete hint for the next stage.
            ctx.model.add(stage.expr >= run.objective)
            x_values = [run.values[x.index] for x in ctx.x]
            _, completed = run_bounded(
                functools.partial(complete, ctx, x_values, terms, control.remaining(), control),
                control,
                "completion",
            )
            search.values = completed or run.values
            hint(ctx.model, search.values)
    return search


def _report(name: str, run: StageRun, scale: float | None) -> StageReport:
    """The stage's report; ``scale`` None when the stage found no plan."""
    figures: dict[str, Any] = {}
    if scale is not None:
        figures = {
            "objective": run.objective / scale,
            "bound": run.bound / scale,
            "seconds": round(run.seconds, 3),
        }
    status = _STATUS[run.status]
    if run.values is not None:
        # A stage within the gap limit but not at its bound is not proven optimal.
        status = SolveStatus.OPTIMAL if run.proven else SolveStatus.FEASIBLE
    return StageReport(
        name=name,
        status=status,
        lp_bound=run.lp_bound,
        lp_seconds=run.lp_seconds,
        lagrangian_bound=run.lagrangian_bound,
        lagrangian_seconds=run.lagrangian_seconds,
        neighbourhoods=tuple(run.neighbourhoods),
        plan_engine=run.plan_engine if run.values is not None else None,
        bound_engine=run.bound_engine if math.isfinite(run.bound) else None,
        mip_bound=run.mip_bound,
        mip_seconds=run.mip_seconds,
        lp_prices=run.lp_prices,
        lp_value=run.lp_value,
        lp_allowance=run.lp_allowance,
        **figures,
    )


def _result(
    built: BuiltModel, control: SolveControl, search: _Search, baseline: BaselineStart | None
) -> Result:
    """The result of a search that ended with or without a plan.

    The status, gap and stop reason describe the plan returned: ``optimal`` only when
    every stage is proven optimal; a fallback to the baseline's plan is measured
    against the bound like any other plan.
    """
    ctx, terms = built.ctx, built.terms
    limit = control.params.time_limit
    # One look at the stop, so that the status, stop reason and message agree.
    stopped_at = control.stopped_at
    stop_reason = StopReason.TIME_LIMIT if stopped_at is None else StopReason.STOPPED
    values = search.values
    base_values = baseline.values if baseline is not None else None
    if values is None and baseline is None:
        message = wording.no_plan_text(limit)
        if stopped_at is not None:
            message = wording.stopped_without_plan_text(stopped_at)
        return _without_plan(SolveStatus.NO_SOLUTION, control, message, built, stop_reason)
    fallback = values is None or values is base_values
    beats_found = False
    if (
        base_values is not None
        and values is not None
        and values is not base_values
        and stage_key(ctx, terms, base_values) > stage_key(ctx, terms, values)
    ):
        # The search stopped on a plan the baseline's beats, stage by stage.
        values, fallback, beats_found = base_values, True, True
    bound = _bound(built, search)
    weights = ctx.scenario.objective
    # Only a fairness stage that was planned (see plan_stages) and did not end counts
    # against the status: with no line any option can serve there is none to run. The
    # leximin rounds take its place (their proof is in search.all_optimal).
    weighted = weights.fairness_mode == "weighted"
    fairness_stage = weighted and weights.fairness_first and weights.fairness > 0
    all_done = search.all_optimal and bound is not None
    if fairness_stage and ctx.fairness_var is not None and "fairness" not in search.bounds:
        all_done = False
    if all_done:
        stop_reason = StopReason.PROVEN if search.all_proven else StopReason.GAP_LIMIT
    elif stopped_at is None and control.remaining() > STAGE_LIMIT_MARGIN:
        # Not at the time limit: an earlier stage ran out of its share.
        stop_reason = StopReason.STAGE_LIMIT
    optimal = all_done and search.all_proven and not fallback
    objective = None if values is None else sum(t.model_points(values) for t in terms)
    gap = None
    if bound is not None and objective is not None:
        gap = relative_gap(objective, bound)
    message = wording.outcome_text(
        stop_reason.value,
        gap,
        time_limit=limit,
        stopped_at=stopped_at,
        fallback=fallback,
        baseline_name=baseline.name if baseline is not None else "spreadsheet",
        passed_over=baseline.passed_over if baseline is not None else (),
        beats_found=beats_found,
    )
    if values is None:
        # The baseline's plan without the model's values: the completion did not
        # finish in time. It keeps every rule; its score is not known here.
        assert baseline is not None
        plan, named = baseline.plan, tuple[Term, ...]()
    else:
        plan, named = extract_plan(ctx, values), tuple(_term(t, values) for t in terms)
    return Result(
        status=SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE,
        objective=objective,
        best_bound=bound,
        gap=gap,
        wall_seconds=control.elapsed(),
        plan=plan,
        terms=named,
        message=message,
        stop_reason=stop_reason,
        stages=tuple(search.reports),
        model_size=built.size,
        baseline_objective=_points(terms, baseline),
        baseline_plan=None if baseline is None else baseline.plan,
    )


def _points(terms: list[GoalTerm], baseline: BaselineStart | None) -> float | None:
    """The fallback baseline's objective points, when it was completed."""
    if baseline is None or baseline.values is None:
        return None
    return sum(t.model_points(baseline.values) for t in terms)


def _bound(built: BuiltModel, search: _Search) -> float | None:
    """The proven bound of all terms: the primary stage's plus the secondary's."""
    primary_bound = search.bounds.get("primary")
    if primary_bound is None:
        return None
    secondary = [t for t in built.terms if t.level == "secondary"]
    return primary_bound + search.bounds.get(
        "secondary", sum(t.upper_bound(built.ctx.model) for t in secondary)
    )


def _term(term: GoalTerm, values: list[int]) -> Term:
    # The description is an N_-marked English text; the result carries it translated.
    return Term(term.name, round(term.points(values), 6), _(term.description))


def _without_plan(
    status: SolveStatus,
    control: SolveControl,
    message: str,
    built: BuiltModel | None,
    stop_reason: StopReason = StopReason.PROVEN,
) -> Result:
    """A result without a plan; ``built`` None when the solve ended while its model
    was built (no model size to report)."""
    return Result(
        status=status,
        objective=None,
        best_bound=None,
        gap=None,
        wall_seconds=control.elapsed(),
        plan=None,
        message=message,
        stop_reason=stop_reason,
        model_size=None if built is None else built.size,
    )
