"""The peers of the benchmark: cultplan's own CP-SAT model given whole to other searches.

Both peers take the model as :func:`planner.solve` builds it before its first stage:
the hard rules, the pins, the goals and the guarantees' floors from the spreadsheet
baseline (:func:`peer_model`), maximising the ``primary`` stage's objective (the whole
objective when the scenario has no secondary goal, as the benchmark tiers do not).

- ``highs``: the CP-SAT model translated into a MathOpt MIP by the translation a solve
  uses for its own HiGHS beside CP-SAT (:func:`planner.solver.mip.translate`: exact or
  refused, every variable keeping its range and integrality, every constraint linear
  rows with the same integer solutions, and a constraint with no exact linear form
  raising :class:`~planner.solver.mip.NoRow` instead of being left out), solved by
  HiGHS (:func:`solve_highs`). Its rounded plan is checked against every constraint
  of the CP-SAT model (:func:`model_violations`).
- ``cpsat``: CP-SAT's default search on the same model (:func:`solve_cpsat`), no
  cultplan stage, bound or neighbourhood, no hint.

Both report how their best plan and bound moved over time, so that the benchmark can
tell when each came within a gap.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from planner.params import SolveParams
from planner.result import ModelSize
from planner.scenario import Scenario
from planner.solver.context import ModelContext
from planner.solver.control import SolveControl
from planner.solver.fallback import add_guarantees, baseline_start, plan_start
from planner.solver.highs import solve_mip, solve_params
from planner.solver.mip import MipModel, safe_bound
from planner.solver.model import BuiltModel, build_model
from planner.solver.progress import proven_optimal
from planner.solver.stages import Stage, plan_stages

__all__ = [
    "PeerModel",
    "PeerRun",
    "model_violations",
    "peer_model",
    "solve_cpsat",
    "solve_highs",
]


@dataclass
class PeerModel:
    """The model a peer solves, and how to read its objective in points.

    Attributes
    ----------
    built
        The built model; ``built.ctx.model`` maximises ``stage.expr``.
    stage
        The ``primary`` stage (its ``scale`` turns model units into points).
    seconds
        Time to build the model, plan the baselines and add the guarantees.
    size
        The model's size as built, before the guarantees (as ``Result.model_size``).
    """

    built: BuiltModel
    stage: Stage
    seconds: float
    size: ModelSize

    @property
    def ctx(self) -> ModelContext:
        """The model's context (option variables, scenario)."""
        return self.built.ctx


def peer_model(scenario: Scenario, seed: int = 0) -> PeerModel:
    """Build the model as :func:`planner.solve` does before its primary stage.

    Parameters
    ----------
    scenario
        A validated scenario.
    seed
        The seed of the baseline completion's single-worker search.

    Returns
    -------
    PeerModel
        The model, maximising the primary stage's objective, with the guarantees'
        floors of the better baseline (as a solve adds them) and no hint.
    """
    started = time.perf_counter()
    built = build_model(scenario)
    size = built.measure()
    ctx = built.ctx
    control = SolveControl(SolveParams(time_limit=86_400.0, workers=1, seed=seed))
    try:
        start = baseline_start(ctx, built.terms, plan_start(ctx), control)
    finally:
        control.close()
    if start.plan is not None:
        add_guarantees(ctx, start)
    stage = next(s for s in plan_stages(ctx, built.terms) if s.name == "primary")
    ctx.model.maximize(stage.expr)
    ctx.model.clear_hints()
    return PeerModel(built, stage, time.perf_counter() - started, size)


def model_violations(proto: Any, values: list[int]) -> int:
    """How many constraints of ``proto`` an assignment breaks (variable ranges included).

    Only the constraint kinds :func:`planner.solver.mip.translate` accepts are checked
    (any other counts as broken); used on a MIP solution rounded to integers, to make
    sure it is a solution of the CP-SAT model.
    """
    broken = 0
    for var, value in zip(proto.variables, values, strict=True):
        domain = list(var.domain)
        if not any(domain[k] <= value <= domain[k + 1] for k in range(0, len(domain), 2)):
            broken += 1

    def lit_value(lit: int) -> int:
        return values[lit] if lit >= 0 else 1 - values[-lit - 1]

    broken += sum(1 for lit in proto.assumptions if not lit_value(lit))
    for ct in proto.constraints:
        if not all(lit_value(e) for e in ct.enforcement_literal):
            continue
        if ct.has_linear():
            total = sum(
                c * values[v] for v, c in zip(ct.linear.vars, ct.linear.coeffs, strict=True)
            )
            domain = list(ct.linear.domain)
            ok = any(domain[k] <= total <= domain[k + 1] for k in range(0, len(domain), 2))
        elif ct.has_bool_or():
            ok = any(lit_value(lit) for lit in ct.bool_or.literals)
        elif ct.has_bool_and():
            ok = all(lit_value(lit) for lit in ct.bool_and.literals)
        elif ct.has_at_most_one():
            ok = sum(lit_value(lit) for lit in ct.at_most_one.literals) <= 1
        elif ct.has_exactly_one():
            ok = sum(lit_value(lit) for lit in ct.exactly_one.literals) == 1
        else:
            ok = False
        broken += not ok
    return broken


@dataclass
class PeerRun:
    """What a peer's search reached.

    Attributes
    ----------
    status
        ``optimal`` (proven), ``feasible`` (a plan, not proven), ``infeasible`` or
        ``no_solution``.
    values
        The best solution, one integer per CP-SAT variable (None without one).
    objective, bound
        Best plan and proven bound in CP-SAT objective units (maximised), None if none.
    seconds
        The search's wall time.
    trace
        ``(seconds since the search began, objective or None, bound or None)`` each
        time either improved.
    info
        The solver's own termination reason.
    """

    status: str
    values: list[int] | None
    objective: float | None
    bound: float | None
    seconds: float
    trace: list[tuple[float, float | None, float | None]]
    info: str = ""


def solve_highs(mip: MipModel, time_limit: float, relative_gap: float, seed: int = 0) -> PeerRun:
    """Solve the MIP with HiGHS through MathOpt, in this process.

    The MIP is cultplan's own translation (:func:`planner.solver.mip.translate`), solved
    as a solve's HiGHS child solves it (:func:`planner.solver.highs.solve_mip`, with
    :func:`~planner.solver.highs.solve_params`): the rows of HiGHS's progress table,
    time-stamped as they come, give the trace of its best plan and bound, and every
    bound is made a bound on the integer objective (:func:`planner.solver.mip.
    safe_bound`). MathOpt's HiGHS interface neither takes a thread count nor listens to
    interrupters: run it in a process of its own to stop it early.

    Parameters
    ----------
    mip
        The translated model.
    time_limit
        Seconds HiGHS may search.
    relative_gap
        HiGHS stops once within this relative gap (0: a proven optimum).
    seed
        HiGHS's random seed (the benchmark keeps HiGHS's default, 0, for every run).

    Returns
    -------
    PeerRun
        The best solution rounded to integers, its objective and the bound in CP-SAT
        units.
    """
    params = solve_params(time_limit, relative_gap, seed)
    # The log is what the trace is read from; it goes through the message callback.
    params.enable_output = True
    started = time.perf_counter()
    trace: list[tuple[float, float | None, float | None]] = []

    def progress(dual: float, primal: float) -> None:
        now = time.perf_counter() - started
        bound = _finite(safe_bound(mip, dual))
        best = mip.model_units(primal) if math.isfinite(primal) else None
        if not trace or trace[-1][1:] != (best, bound):
            trace.append((now, best, bound))

    outcome = solve_mip(mip.proto, params, progress)
    seconds = time.perf_counter() - started
    bound = _finite(safe_bound(mip, outcome.dual))
    objective: float | None = None
    if outcome.values is not None:
        # The rounded plan's own objective, not HiGHS's (of the unrounded values).
        cost = np.zeros(mip.num_variables)
        coefficients = mip.proto.objective.linear_coefficients
        cost[np.asarray(coefficients.ids, dtype=np.int64)] = list(coefficients.values)
        objective = mip.model_units(float(np.dot(cost, np.asarray(outcome.values))))
    if outcome.proven and objective is not None:
        # HiGHS says "optimal" within its gap tolerance too: proven only at the bound.
        status = "optimal" if bound is not None and proven_optimal(objective, bound) else "feasible"
    elif outcome.termination == "TERMINATION_REASON_INFEASIBLE":
        status = "infeasible"
    else:
        status = "feasible" if objective is not None else "no_solution"
    if objective is not None or bound is not None:
        trace.append((seconds, objective, bound))
    return PeerRun(status, outcome.values, objective, bound, seconds, trace, outcome.termination)


def _finite(value: float) -> float | None:
    """The value, or None when it is infinite (nothing proven)."""
    return value if math.isfinite(value) else None


def solve_cpsat(
    model: cp_model.CpModel, time_limit: float, relative_gap: float, workers: int, seed: int
) -> PeerRun:
    """CP-SAT's default search on the model, with its own workers and seed.

    Parameters
    ----------
    model
        The model (maximising its objective), without hints.
    time_limit
        Seconds the search may use.
    relative_gap
        The search stops once within this relative gap (0: a proven optimum).
    workers, seed
        CP-SAT's ``num_workers`` and ``random_seed``.

    Returns
    -------
    PeerRun
        The best solution, objective and bound (CP-SAT's own units).
    """
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.relative_gap_limit = relative_gap
    started = time.perf_counter()
    trace: list[tuple[float, float | None, float | None]] = []
    best: list[float | None] = [None, None]

    class _Plans(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            best[0] = self.ObjectiveValue()
            best[1] = self.BestObjectiveBound()
            trace.append((time.perf_counter() - started, best[0], best[1]))

    def bound_moved(bound: float) -> None:
        best[1] = bound
        trace.append((time.perf_counter() - started, best[0], bound))

    solver.best_bound_callback = bound_moved
    status = solver.solve(model, _Plans())
    seconds = time.perf_counter() - started
    values: list[int] | None = None
    objective = bound = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = list(solver.response_proto.solution)
        objective = solver.objective_value
        bound = solver.best_objective_bound
        trace.append((seconds, objective, bound))
    # CP-SAT says OPTIMAL within its gap limit too: proven only when plan meets bound.
    proven = objective is not None and bound is not None and bound - objective < 1e-6
    name = {
        cp_model.OPTIMAL: "optimal" if proven else "feasible",
        cp_model.FEASIBLE: "feasible",
        cp_model.INFEASIBLE: "infeasible",
    }.get(status, "no_solution")
    return PeerRun(name, values, objective, bound, seconds, trace, solver.status_name(status))
