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

Each row goes to the solver divided by its largest coefficient (:func:`row_scales`).
The coverage rows of the fairness goals carry coefficients up to 3,000,000 beside rows
of ones, a spread HiGHS's own scaling handles poorly: on the 26-week reference's primary
LP, dual simplex took 7.2-7.7 s as written and 4.3-4.6 s with the rows divided, to the
same optimum (13 weeks: 0.78-0.86 s against 0.55-0.62 s; ``benchmarks/lp_solvers.py``,
quiet machine). The duals are multiplied back, so callers see the duals of the rows
they gave. (The figures of HiGHS against GLOP above were measured under load, before
the rows were divided.)
"""

from __future__ import annotations

import threading
import time
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

from planner.solver.bounded import GaveUp
from planner.solver.control import SolveControl

#: LP solvers to try, best first (GLOP ships with every OR-Tools build).
LP_SOLVERS: tuple[int, ...] = (parameters_pb2.SOLVER_TYPE_HIGHS, parameters_pb2.SOLVER_TYPE_GLOP)
#: A row whose largest coefficient is more than this many times its smallest is handed
#: over as written: divided, its smallest could fall below HiGHS's ``small_matrix_value``
#: (1e-9) and be dropped, which would void the bound (the widest span in the reference
#: scenarios is 3,333).
MAX_ROW_SPAN = 1e8
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
    scale_rows: bool = True,
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
        Seconds this call may take, writing the LP for the solver included (each
        solver tried gets what is left of them when it starts).
    control
        The solve's control. A stop abandons the LP at once: the solver is asked to
        interrupt, and whether or not it listens (GLOP does; HiGHS through MathOpt
        does not), this function returns None within ``_POLL_SECONDS``. The solver's
        thread is adopted by the control, which joins it before the solve returns
        (HiGHS's then ends by its time limit).
    scale_rows
        Hand each row to the solver divided by its largest coefficient
        (:func:`row_scales`; see the module's docstring); False hands them over as
        written (``benchmarks/lp_solvers.py`` compares both).

    Returns
    -------
    LpSolution or None
        None when no solver proves an optimum in time or the solve is stopped.
    """
    began = time.perf_counter()
    scales = row_scales(rows) if scale_rows else [1.0] * len(rows)
    model = _model_proto(domains, rows, cost, scales)
    params = parameters_pb2.SolveParametersProto()
    params.enable_output = False
    for solver_type in LP_SOLVERS:
        # Writing the proto counts: the solver gets what is left, so that it ends in time.
        left = time_limit - (time.perf_counter() - began)
        if left <= 0:
            return None
        params.time_limit.FromNanoseconds(max(1, int(left * 1e9)))
        try:
            result = _run(model, solver_type, params, control)
        except GaveUp:  # the step that wants this LP gave up: so does the LP
            raise
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
            # The solver's row is the given row times its scale, so is its dual's price.
            duals[row_index] = value * scales[row_index]
        return LpSolution(solution.primal_solution.objective_value, values, duals)
    return None  # pragma: no cover - GLOP ships with every OR-Tools build


def row_scales(rows: Sequence[tuple[Sequence[int], Sequence[float], float, float]]) -> list[float]:
    """The factor each row is multiplied by for the solver: one over its largest coefficient.

    Parameters
    ----------
    rows
        ``(vars, coeffs, low, high)`` per constraint, as :func:`solve_lp` takes them.

    Returns
    -------
    list of float
        One positive factor per row. A row without nonzero coefficients, or whose
        coefficients span more than :data:`MAX_ROW_SPAN`, keeps factor 1.
    """
    scales: list[float] = []
    for _, coeffs, _, _ in rows:
        sizes = [abs(c) for c in coeffs if c]
        if not sizes or max(sizes) > MAX_ROW_SPAN * min(sizes):
            scales.append(1.0)
        else:
            scales.append(1.0 / max(sizes))
    return scales


def _model_proto(
    domains: Sequence[tuple[float, float]],
    rows: Sequence[tuple[Sequence[int], Sequence[float], float, float]],
    cost: dict[int, float],
    scales: Sequence[float] | None = None,
) -> model_pb2.ModelProto:
    """The LP as a MathOpt model proto (ids are positions; the matrix row-major, sorted).

    With ``scales``, row ``i`` (its coefficients and both sides) is multiplied by
    ``scales[i]``, which must be positive; infinite sides stay infinite.
    """
    if scales is None:
        scales = [1.0] * len(rows)
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
    constraints.lower_bounds.extend(
        [float(low) * scale for (_, _, low, _), scale in zip(rows, scales, strict=True)]
    )
    constraints.upper_bounds.extend(
        [float(high) * scale for (_, _, _, high), scale in zip(rows, scales, strict=True)]
    )
    row_ids: list[int] = []
    column_ids: list[int] = []
    coefficients: list[float] = []
    for row_index, ((vars_, coeffs, _, _), scale) in enumerate(zip(rows, scales, strict=True)):
        pairs = sorted(zip(vars_, coeffs, strict=True))
        row_ids.extend([row_index] * len(pairs))
        column_ids.extend(v for v, _ in pairs)
        if scale == 1.0:
            coefficients.extend(c for _, c in pairs)
        else:
            coefficients.extend(c * scale for _, c in pairs)
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
    finished = threading.Event()

    def work() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # handed to the caller's thread
            outcome.append(error)
        finally:
            finished.set()

    worker = threading.Thread(target=work, name="lp", daemon=True)
    with control.running(interrupter.interrupt):
        worker.start()
        # The solve joins the LP's thread before it returns (SolveControl.close).
        control.adopt(worker, finished)
        try:
            # An event, not worker.join: see SolveControl.adopt.
            while not finished.wait(_POLL_SECONDS):
                if control.stopped:
                    interrupter.interrupt()
                    return None
        except BaseException:  # given up (bounded.GaveUp): the LP is no longer wanted
            interrupter.interrupt()
            raise
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]
