"""One CP-SAT search, hints and completing a choice of options into a full solution."""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from planner.solver.context import GoalTerm, ModelContext
from planner.solver.control import SolveControl, new_solver
from planner.solver.progress import Reporter

#: Seconds a completion of a fixed choice of options may take at most.
COMPLETE_SECONDS = 2.0


def cp_solve(
    model: cp_model.CpModel,
    control: SolveControl,
    time_limit: float,
    workers: int,
    reporter: Reporter,
    *,
    seed: int | None = None,
    own_gap: bool = True,
    presolve: bool = True,
    solver: cp_model.CpSolver | None = None,
) -> tuple[cp_model.CpSolver, Any]:
    """Run one CP-SAT search that the caller can stop; return the solver and status.

    Parameters
    ----------
    model
        The model to search.
    control
        The solve's control: parameters, progress, stop.
    time_limit, workers
        Seconds and CP-SAT workers for this search.
    reporter
        The solution callback (progress, stop on the whole model's bound).
    seed
        Random seed (the solve's seed when None).
    own_gap
        Stop on the model's own gap; False for a restricted model, whose own bound
        says nothing of the whole model's (it stops through the reporter instead).
    presolve
        False for a search that starts from a complete hint, which CP-SAT then takes
        at once instead of spending a short remaining time presolving (on the 13-week
        reference at 5 s: secondary goals 412 points instead of none).
    solver
        A solver to use (one of a portfolio's), else a new one.
    """
    params = control.params
    solver = solver or new_solver()
    if control.stopped:
        return solver, cp_model.UNKNOWN
    p = solver.parameters
    p.max_time_in_seconds = time_limit
    p.num_workers = workers
    p.random_seed = params.seed if seed is None else seed
    p.relative_gap_limit = params.relative_gap if own_gap else 0.0
    p.log_search_progress = params.log
    # Linearising the at-most-one and Boolean constraints into the LP gives much
    # better bounds on these assignment models (measured on the reference scenario).
    p.linearization_level = 2
    if not presolve:
        p.cp_model_presolve = False
    if control.on_progress is not None:
        solver.best_bound_callback = reporter.on_bound
    with control.running(solver.stop_search):
        status = solver.solve(model, reporter)
    return solver, status


def hint(model: cp_model.CpModel, values: list[int]) -> None:
    """Make a full solution of the model (one value per variable) its hint."""
    model.clear_hints()
    for var_index, value in enumerate(values):
        model.add_hint(model.get_int_var_from_proto_index(var_index), value)


class BreaksARule(Exception):
    """A choice of options that no values of the auxiliary variables complete."""


def complete_checked(
    ctx: ModelContext,
    x_values: list[int],
    terms: list[GoalTerm],
    time_limit: float = COMPLETE_SECONDS,
    control: SolveControl | None = None,
) -> list[int] | None:
    """Complete a choice of options into a full solution with the best auxiliary values.

    The options are fixed in a copy of the model, whose quick solve sets the auxiliary
    variables (fairness level, excess events, themes received) as well as they can be.
    Returns one value per model variable, or None if the completion did not finish
    within ``time_limit`` seconds (at most COMPLETE_SECONDS); raises
    :class:`BreaksARule` if the choice breaks a rule of the model. The solve runs it
    through :func:`planner.solver.bounded.run_bounded` with its remaining time, so the
    deadline and a stop end it too; given the solve's ``control``, the search registers
    with it, so that a stop, or the end of the solve, halts it.
    """
    fixed = ctx.model.clone()
    fixed.clear_assumptions()
    fixed.clear_hints()
    # With the options fixed nothing trades off: the fairness level is maximised too,
    # so it is the plan's true minimum coverage even when its weight is 0.
    extra = [ctx.fairness_var] if ctx.fairness_var is not None else []
    fixed.maximize(cp_model.LinearExpr.sum([*(t.expr() for t in terms), *extra]))
    # Fixing the options through their domains, not one equality each: at district
    # scale (230,000 options) that is seconds faster to write and to presolve.
    variables = fixed.proto.variables
    for var, value in zip(ctx.x, x_values, strict=True):
        domain = variables[var.index].domain
        domain[0] = domain[1] = value
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.01, min(COMPLETE_SECONDS, time_limit))
    if control is None:
        status = solver.solve(fixed)
    else:
        with control.running(solver.stop_search):
            status = solver.solve(fixed)
    if status == cp_model.INFEASIBLE:
        raise BreaksARule
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(solver.response_proto.solution)


def complete(
    ctx: ModelContext,
    x_values: list[int],
    terms: list[GoalTerm],
    time_limit: float = COMPLETE_SECONDS,
    control: SolveControl | None = None,
) -> list[int] | None:
    """:func:`complete_checked`, with None also when the choice breaks a rule."""
    try:
        return complete_checked(ctx, x_values, terms, time_limit, control)
    except BreaksARule:
        return None
