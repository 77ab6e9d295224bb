"""Solving a linear programme with HiGHS (or GLOP) through OR-Tools' MathOpt.

The relaxation (:mod:`planner.solver.relaxation`) hands its rows here. The LP goes to
the solver as one MathOpt model proto, built from flat lists: adding the 112,000
nonzeros of the 13-week reference one ``SetCoefficient`` at a time through pywraplp
took 0.9 s, the proto 0.1 s. MathOpt is used rather than pywraplp's ``HIGHS_LP``
because pywraplp's HiGHS interface reports row activities where the dual values
belong (the Lagrangian bound needs the duals), and prints a banner to stdout.

HiGHS's dual simplex is tried first, then GLOP: measured side by side under load
(``benchmarks/lp_solvers.py``) HiGHS took 1.1-2.2 s where GLOP took 1.7-3.8 s on the
13-week reference, and 18 s against 41 s on the 26-week one.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.math_opt import (
    callback_pb2,
    model_parameters_pb2,
    model_pb2,
    parameters_pb2,
    result_pb2,
)
from ortools.math_opt.core.python import solver as mathopt_core
from ortools.util.python import solve_interrupter

from planner.solver.control import SolveControl

#: LP solvers to try, best first (GLOP ships with every OR-Tools build).
LP_SOLVERS = (parameters_pb2.SOLVER_TYPE_HIGHS, parameters_pb2.SOLVER_TYPE_GLOP)
#: How often a running LP checks the solve's stop (seconds).
_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class LpSolution:
    """An optimal LP solution: objective, one value per variable, one dual per row."""

    objective: float
    values: list[float]
    duals: list[float]


def solve_lp(
    domains: Sequence[tuple[float, float]],
    rows: Sequence[tuple[Sequence[int], Sequence[float], float, float]],
    cost: dict[int, float],
    time_limit: float,
    control: SolveControl | None = None,
) -> LpSolution | None:
    """Minimise ``Σ cost·x`` over ``low <= Σ coeffs·x <= high`` and the variables' ranges.

    Parameters
    ----------
    domains
        Each variable's ``(lowest, highest)`` value.
    rows
        ``(vars, coeffs, low, high)`` per constraint; a variable appears once per row.
    cost
        The objective's coefficient per variable.
    time_limit
        Seconds the LP solver may use.
    control
        The solve's control. A stop abandons the LP at once: the solver is asked to
        interrupt, and whether or not it listens (HiGHS through MathOpt may not), this
        function returns None within ``_POLL_SECONDS``; the solver's thread then ends
        on its own by its time limit.

    Returns
    -------
    LpSolution or None
        None when no solver proves an optimum in time or the solve is stopped.
    """
    model = _model_proto(domains, rows, cost)
    params = parameters_pb2.SolveParametersProto()
    params.enable_output = False
    params.time_limit.FromNanoseconds(max(1, int(time_limit * 1e9)))
    for solver_type in LP_SOLVERS:
        try:
            result = _run(model, solver_type, params, control)
        except Exception:  # a solver missing from this build (StatusNotOk): try the next
            continue
        if result is None:
            return None
        if (
            result.termination.reason != result_pb2.TERMINATION_REASON_OPTIMAL
            or not result.solutions
        ):
            return None
        solution = result.solutions[0]
        values = [0.0] * len(domains)
        primal = solution.primal_solution.variable_values
        for var_index, value in zip(primal.ids, primal.values, strict=True):
            values[var_index] = value
        duals = [0.0] * len(rows)
        dual = solution.dual_solution.dual_values
        for row_index, value in zip(dual.ids, dual.values, strict=True):
            duals[row_index] = value
        return LpSolution(solution.primal_solution.objective_value, values, duals)
    return None  # pragma: no cover - GLOP ships with every OR-Tools build


def _model_proto(
    domains: Sequence[tuple[float, float]],
    rows: Sequence[tuple[Sequence[int], Sequence[float], float, float]],
    cost: dict[int, float],
) -> model_pb2.ModelProto:
    """The LP as a MathOpt model proto (ids are positions; the matrix row-major, sorted)."""
    model = model_pb2.ModelProto()
    count = len(domains)
    model.variables.ids.extend(range(count))
    model.variables.lower_bounds.extend([float(low) for low, _ in domains])
    model.variables.upper_bounds.extend([float(high) for _, high in domains])
    model.variables.integers.extend([False] * count)
    ids = sorted(v for v, c in cost.items() if c)
    model.objective.linear_coefficients.ids.extend(ids)
    model.objective.linear_coefficients.values.extend([cost[v] for v in ids])
    constraints = model.linear_constraints
    constraints.ids.extend(range(len(rows)))
    constraints.lower_bounds.extend([float(low) for _, _, low, _ in rows])
    constraints.upper_bounds.extend([float(high) for _, _, _, high in rows])
    row_ids: list[int] = []
    column_ids: list[int] = []
    coefficients: list[float] = []
    for row_index, (vars_, coeffs, _, _) in enumerate(rows):
        pairs = sorted(zip(vars_, coeffs, strict=True))
        row_ids.extend([row_index] * len(pairs))
        column_ids.extend(v for v, _ in pairs)
        coefficients.extend(c for _, c in pairs)
    matrix = model.linear_constraint_matrix
    matrix.row_ids.extend(row_ids)
    matrix.column_ids.extend(column_ids)
    matrix.coefficients.extend(coefficients)
    return model


def _run(
    model: model_pb2.ModelProto,
    solver_type: int,
    params: parameters_pb2.SolveParametersProto,
    control: SolveControl | None,
) -> result_pb2.SolveResultProto | None:
    """One solver on the model; None when the control stops it first."""
    interrupter = solve_interrupter.SolveInterrupter()

    def call() -> result_pb2.SolveResultProto:
        return mathopt_core.solve(
            model,
            solver_type,
            parameters_pb2.SolverInitializerProto(),
            params,
            model_parameters_pb2.ModelSolveParametersProto(),
            None,
            callback_pb2.CallbackRegistrationProto(),
            None,
            interrupter.pybind_interrupter,
        )

    if control is None:
        return call()
    if control.stopped:
        return None
    outcome: list[result_pb2.SolveResultProto | BaseException] = []

    def work() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # handed to the caller's thread
            outcome.append(error)

    worker = threading.Thread(target=work, daemon=True)
    with control.running(interrupter.interrupt):
        worker.start()
        while worker.is_alive():
            worker.join(_POLL_SECONDS)
            if control.stopped:
                return None
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]
