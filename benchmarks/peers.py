"""The peers of the benchmark: cultplan's own CP-SAT model given whole to other searches.

Both peers take the model as :func:`planner.solve` builds it before its first stage:
the hard rules, the pins, the goals and the guarantees' floors from the spreadsheet
baseline (:func:`peer_model`), maximising the ``primary`` stage's objective (the whole
objective when the scenario has no secondary goal, as the benchmark tiers do not).

- ``highs``: the CP-SAT proto translated into a MathOpt MIP (:func:`translate`) and
  solved by HiGHS (:func:`solve_highs`). The translation is exact or refused: every
  variable keeps its range and integrality, every constraint becomes linear rows with
  the same integer solutions, and a constraint kind with no exact linear form here
  raises :class:`Untranslatable` instead of being left out.
- ``cpsat``: CP-SAT's default search on the same model (:func:`solve_cpsat`), no
  cultplan stage, bound or neighbourhood, no hint.

Both report how their best plan and bound moved over time, so that the benchmark can
tell when each came within a gap.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.math_opt import (
    callback_pb2,
    model_parameters_pb2,
    model_pb2,
    parameters_pb2,
    result_pb2,
)
from ortools.math_opt.core.python import solver as mathopt_core
from ortools.sat.python import cp_model
from ortools.util.python import solve_interrupter

from planner.params import SolveParams
from planner.result import ModelSize
from planner.scenario import Scenario
from planner.solver.context import ModelContext
from planner.solver.control import SolveControl
from planner.solver.fallback import add_guarantees, baseline_start, plan_start
from planner.solver.model import BuiltModel, build_model
from planner.solver.stages import Stage, plan_stages

#: CP-SAT's stand-ins for an unbounded side of a domain (int64's ends, roughly).
_HUGE = 2**62

__all__ = [
    "Mip",
    "PeerModel",
    "PeerRun",
    "Untranslatable",
    "peer_model",
    "solve_cpsat",
    "solve_highs",
    "translate",
]


class Untranslatable(ValueError):
    """A part of the CP-SAT model that has no exact linear form in :func:`translate`."""


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


@dataclass
class Mip:
    """A CP-SAT model translated into a MathOpt MIP.

    Attributes
    ----------
    model
        The MathOpt model: minimise ``Σ c·x`` (CP-SAT's own objective before scaling).
    scaling, offset
        CP-SAT's objective scaling: the CP-SAT objective is ``scaling × (Σ c·x + offset)``.
    rows
        Linear rows written (a linear constraint with enforcement literals may take two).
    kinds
        How many constraints of each kind were translated.
    """

    model: model_pb2.ModelProto
    scaling: float
    offset: float
    rows: int
    kinds: dict[str, int] = field(default_factory=dict)

    def cpsat_objective(self, value: float) -> float:
        """The CP-SAT objective of a MIP objective value."""
        return self.scaling * (value + self.offset)


class _Rows:
    """Linear rows in coordinate form, literals resolved into variables."""

    def __init__(self) -> None:
        self.row_ids: list[np.ndarray] = []
        self.col_ids: list[np.ndarray] = []
        self.coeffs: list[np.ndarray] = []
        self.low: list[float] = []
        self.high: list[float] = []

    def add(self, cols: list[int], coeffs: list[float], low: float, high: float) -> None:
        """Add ``low <= Σ coeffs·x[cols] <= high`` (a column may repeat: summed)."""
        index = len(self.low)
        col: np.ndarray = np.asarray(cols, dtype=np.int64)
        coef: np.ndarray = np.asarray(coeffs, dtype=np.float64)
        if len(np.unique(col)) != len(col):
            col, inverse = np.unique(col, return_inverse=True)
            coef = np.bincount(inverse, weights=coef, minlength=len(col))
        keep = coef != 0
        self.row_ids.append(np.full(int(keep.sum()), index, dtype=np.int64))
        self.col_ids.append(col[keep])
        self.coeffs.append(coef[keep])
        self.low.append(low)
        self.high.append(high)

    def literals(self, lits: list[int], low: float, high: float) -> None:
        """Add ``low <= Σ literal <= high``; literal ``-k-1`` stands for ``1 - x_k``."""
        negated = sum(1 for lit in lits if lit < 0)
        self.add(
            [lit if lit >= 0 else -lit - 1 for lit in lits],
            [1.0 if lit >= 0 else -1.0 for lit in lits],
            low - negated,
            high - negated,
        )


def _literal_terms(lits: list[int]) -> tuple[list[int], list[float], float]:
    """``Σ literal`` as ``Σ coeff·x + constant``."""
    cols = [lit if lit >= 0 else -lit - 1 for lit in lits]
    coeffs = [1.0 if lit >= 0 else -1.0 for lit in lits]
    return cols, coeffs, float(sum(1 for lit in lits if lit < 0))


def translate(proto: Any) -> Mip:
    """Translate a CP-SAT model proto into the same problem as a MathOpt MIP.

    Every variable becomes an integer column with its range (a domain with holes is
    refused). Assumption literals are fixed true (CP-SAT solves under them). Each
    constraint becomes rows with exactly the same integer solutions:

    - ``linear`` with an interval domain; with enforcement literals ``e``, each finite
      side becomes a big-M row whose M is the expression's range over the variables'
      bounds (exact for bounded integers: with every ``e`` true the side holds, with
      any false it is implied by the bounds);
    - ``bool_or``, ``bool_and`` (with enforcement literals too), ``at_most_one`` and
      ``exactly_one``.

    Parameters
    ----------
    proto
        The CP-SAT model proto (``CpModel.proto``) with a linear objective.

    Returns
    -------
    Mip
        The MIP, minimising CP-SAT's objective before scaling.

    Raises
    ------
    Untranslatable
        For any other constraint kind, a domain with holes, an unbounded variable in
        an enforced linear constraint or a floating-point objective: a MIP without
        the part would be a different problem.
    """
    variables = proto.variables
    n = len(variables)
    lower = np.empty(n)
    upper = np.empty(n)
    for k, var in enumerate(variables):
        domain = list(var.domain)
        if len(domain) != 2:
            raise Untranslatable(f"variable {k} has a domain with holes: {domain}")
        lower[k] = -math.inf if domain[0] <= -_HUGE else float(domain[0])
        upper[k] = math.inf if domain[1] >= _HUGE else float(domain[1])
    for lit in proto.assumptions:
        if lit >= 0:
            lower[lit] = max(lower[lit], 1.0)
        else:
            upper[-lit - 1] = min(upper[-lit - 1], 0.0)
    assumed = set(proto.assumptions)
    rows = _Rows()
    kinds: dict[str, int] = {}

    def enforced_linear(
        cols: list[int], coeffs: list[float], low: float, high: float, enforcement: list[int]
    ) -> None:
        if not enforcement:
            rows.add(cols, coeffs, low, high)
            return
        c = np.asarray(coeffs)
        idx = np.asarray(cols, dtype=np.int64)
        with np.errstate(invalid="ignore"):
            smin = float(np.sum(np.where(c > 0, c * lower[idx], c * upper[idx])))
            smax = float(np.sum(np.where(c > 0, c * upper[idx], c * lower[idx])))
        e_cols, e_coeffs, e_const = _literal_terms(enforcement)
        k = len(enforcement)
        # Σ(1 - e) = k - (Σ e_coeffs·e + e_const) counts the false enforcement literals.
        if math.isfinite(low):
            if not math.isfinite(smin):
                raise Untranslatable("an enforced linear constraint over an unbounded sum")
            big = max(0.0, low - smin)
            # s + big·(k - Σe) >= low  ->  s - big·Σe >= low - big·(k - e_const)
            rows.add(
                cols + e_cols,
                coeffs + [-big * x for x in e_coeffs],
                low - big * (k - e_const),
                math.inf,
            )
        if math.isfinite(high):
            if not math.isfinite(smax):
                raise Untranslatable("an enforced linear constraint over an unbounded sum")
            big = max(0.0, smax - high)
            rows.add(
                cols + e_cols,
                coeffs + [big * x for x in e_coeffs],
                -math.inf,
                high + big * (k - e_const),
            )

    for number, ct in enumerate(proto.constraints):
        enforcement = [lit for lit in ct.enforcement_literal if lit not in assumed]
        if ct.has_linear():
            domain = list(ct.linear.domain)
            if len(domain) != 2:
                raise Untranslatable(f"constraint {number}: a linear domain with holes")
            low = -math.inf if domain[0] <= -_HUGE else float(domain[0])
            high = math.inf if domain[1] >= _HUGE else float(domain[1])
            enforced_linear(
                list(ct.linear.vars), [float(c) for c in ct.linear.coeffs], low, high, enforcement
            )
            kind = "linear"
        elif ct.has_bool_or():
            # (Σ lits) + Σ(1 - e) >= 1
            lits = list(ct.bool_or.literals) + [-lit - 1 for lit in enforcement]
            rows.literals(lits, 1, math.inf)
            kind = "bool_or"
        elif ct.has_bool_and():
            for lit in ct.bool_and.literals:
                rows.literals([lit] + [-e - 1 for e in enforcement], 1, math.inf)
            kind = "bool_and"
        elif ct.has_at_most_one() and not enforcement:
            rows.literals(list(ct.at_most_one.literals), -math.inf, 1)
            kind = "at_most_one"
        elif ct.has_exactly_one() and not enforcement:
            rows.literals(list(ct.exactly_one.literals), 1, 1)
            kind = "exactly_one"
        else:
            raise Untranslatable(f"constraint {number} has no exact linear form here: {ct}")
        kinds[kind] = kinds.get(kind, 0) + 1
    if proto.has_floating_point_objective():
        raise Untranslatable("a floating-point objective")
    objective = proto.objective
    cost = np.zeros(n)
    np.add.at(
        cost,
        np.asarray(list(objective.vars), dtype=np.int64),
        np.asarray(list(objective.coeffs), dtype=np.float64),
    )
    domain = list(objective.domain)
    if domain:
        if len(domain) != 2:
            raise Untranslatable("an objective domain with holes")
        cols = [int(v) for v in np.flatnonzero(cost)]
        rows.add(
            cols,
            [float(cost[v]) for v in cols],
            -math.inf if domain[0] <= -_HUGE else float(domain[0]),
            math.inf if domain[1] >= _HUGE else float(domain[1]),
        )
    model = model_pb2.ModelProto()
    model.variables.ids.extend(range(n))
    model.variables.lower_bounds.extend(lower.tolist())
    model.variables.upper_bounds.extend(upper.tolist())
    model.variables.integers.extend([True] * n)
    ids = np.flatnonzero(cost)
    model.objective.maximize = False
    model.objective.linear_coefficients.ids.extend(ids.tolist())
    model.objective.linear_coefficients.values.extend(cost[ids].tolist())
    model.linear_constraints.ids.extend(range(len(rows.low)))
    model.linear_constraints.lower_bounds.extend(rows.low)
    model.linear_constraints.upper_bounds.extend(rows.high)
    if rows.row_ids:
        r = np.concatenate(rows.row_ids)
        c = np.concatenate(rows.col_ids)
        v = np.concatenate(rows.coeffs)
        order = np.lexsort((c, r))
        matrix = model.linear_constraint_matrix
        matrix.row_ids.extend(r[order].tolist())
        matrix.column_ids.extend(c[order].tolist())
        matrix.coefficients.extend(v[order].tolist())
    scaling = objective.scaling_factor or 1.0
    return Mip(model, scaling, float(objective.offset), len(rows.low), kinds)


def model_violations(proto: Any, values: list[int]) -> int:
    """How many constraints of ``proto`` an assignment breaks (variable ranges included).

    Only the constraint kinds :func:`translate` accepts are checked; used on a MIP
    solution rounded to integers, to make sure it is a solution of the CP-SAT model.
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


def _highs_line(line: str) -> tuple[float, float] | None:
    """Best bound and best plan of a HiGHS MIP log line (its own minimisation), or None."""
    tokens = line.split()
    # "... <Expl.>% <BestBound> <BestSol> <Gap> | ..." : the B&B progress lines.
    for k, token in enumerate(tokens[:-3]):
        if token.endswith("%") and k + 2 < len(tokens):
            try:
                float(token[:-1])
                return float(tokens[k + 1]), float(tokens[k + 2])
            except ValueError:
                return None
    return None


def solve_highs(
    mip: Mip, time_limit: float, relative_gap: float, on_line: Callable[[str], None] | None = None
) -> PeerRun:
    """Solve the MIP with HiGHS through MathOpt.

    HiGHS's log lines (read through MathOpt's message callback, time-stamped as they
    come) give the trace of its best plan and bound. MathOpt's HiGHS interface neither
    takes a thread count nor listens to interrupters: run it in a process of its own
    to stop it early.

    Parameters
    ----------
    mip
        The translated model.
    time_limit
        Seconds HiGHS may search.
    relative_gap
        HiGHS stops once within this relative gap (0: a proven optimum).
    on_line
        Called with each log line.

    Returns
    -------
    PeerRun
        The best solution rounded to integers, objective and bound in CP-SAT units.
    """
    params = parameters_pb2.SolveParametersProto()
    params.enable_output = False
    params.relative_gap_tolerance = relative_gap
    params.absolute_gap_tolerance = 0.0 if relative_gap == 0 else 1e-9
    params.time_limit.FromNanoseconds(max(1, int(time_limit * 1e9)))
    started = time.perf_counter()
    trace: list[tuple[float, float | None, float | None]] = []

    def messages(lines: list[str]) -> None:
        now = time.perf_counter() - started
        for line in lines:
            if on_line is not None:
                on_line(line)
            parsed = _highs_line(line)
            if parsed is None:
                continue
            bound, best = (mip.cpsat_objective(x) if math.isfinite(x) else None for x in parsed)
            if not trace or trace[-1][1:] != (best, bound):
                trace.append((now, best, bound))

    result = mathopt_core.solve(
        mip.model,
        parameters_pb2.SOLVER_TYPE_HIGHS,
        parameters_pb2.SolverInitializerProto(),
        params,
        model_parameters_pb2.ModelSolveParametersProto(),
        messages,
        callback_pb2.CallbackRegistrationProto(),
        None,
        solve_interrupter.SolveInterrupter().pybind_interrupter,
    )
    seconds = time.perf_counter() - started
    reason = result.termination.reason
    bounds = result.termination.objective_bounds
    bound = mip.cpsat_objective(bounds.dual_bound) if math.isfinite(bounds.dual_bound) else None
    values: list[int] | None = None
    objective: float | None = None
    if result.solutions and result.solutions[0].HasField("primal_solution"):
        primal = result.solutions[0].primal_solution.variable_values
        values = [0] * len(mip.model.variables.ids)
        for var_index, value in zip(primal.ids, primal.values, strict=True):
            values[var_index] = round(value)
        objective = mip.cpsat_objective(
            float(np.dot(_objective_vector(mip), np.asarray(values, dtype=np.float64)))
        )
    if reason == result_pb2.TERMINATION_REASON_OPTIMAL and values is not None:
        # HiGHS says "optimal" within its gap tolerance too: proven only at a zero gap.
        proven = bound is not None and objective is not None and bound - objective < 1e-6
        status = "optimal" if proven else "feasible"
    elif reason == result_pb2.TERMINATION_REASON_INFEASIBLE:
        status = "infeasible"
    else:
        status = "feasible" if values is not None else "no_solution"
    if objective is not None or bound is not None:
        trace.append((seconds, objective, bound))
    name = result_pb2.TerminationReasonProto.Name(reason)
    return PeerRun(status, values, objective, bound, seconds, trace, name)


def _objective_vector(mip: Mip) -> np.ndarray:
    cost = np.zeros(len(mip.model.variables.ids))
    coefficients = mip.model.objective.linear_coefficients
    cost[np.asarray(list(coefficients.ids), dtype=np.int64)] = list(coefficients.values)
    return cost


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
