"""Bounds and guidance from the linear relaxation of a CP-SAT model.

Three things come of it (see :func:`planner.solver.solve`):

* the **LP bound**. Dropping integrality, and any constraint the relaxation cannot
  express, only enlarges the feasible set, so the LP optimum (solved with HiGHS, or
  GLOP, in :mod:`planner.solver.lp`) bounds every plan the model allows; CP-SAT's
  own LP on two workers stays well above it for much longer;
* a **Lagrangian bound** (:func:`lagrangian_bound`). The constraints that couple
  blocks of variables (on our model: the committees, coupled by resource capacity
  and by the fairness level) are priced at the LP's dual values, and each block is
  then solved exactly, as integers, by CP-SAT. Any prices of the right sign give a
  valid bound; with the LP's prices it is usually better than the LP bound, where a
  block's own integrality matters (a committee's coverage comes in
  whole deliveries, so its shortfall below the target does too);
* a **neighbourhood**. The options the LP solution uses at all are few (about 1,000
  of 15,661 on the 26-week reference), and a CP-SAT search restricted to them finds
  a good plan fast (a relaxation-induced neighbourhood search, RINS).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from collections.abc import Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

from planner.solver.control import SolveControl, new_solver
from planner.solver.lp import solve_lp
from planner.solver.mip import NoRow, model_proto

#: CP-SAT's "unbounded" domain ends.
_HUGE = 2**62
#: LP values at or below this count as zero (the option is left out of the neighbourhood).
SUPPORT_TOLERANCE = 1e-6
#: Block objectives are scaled to integers by this (rounded down: the bound stays valid).
_COST_SCALE = 1000


@dataclass(frozen=True)
class Row:
    """A linear constraint ``low <= Σ coeffs·vars <= high`` of the relaxation."""

    vars: list[int]
    coeffs: list[float]
    low: float
    high: float
    source: int = -1
    """The index of the model's constraint the row comes from."""


@dataclass(frozen=True)
class Relaxation:
    """The solved LP relaxation of a model, in minimisation form.

    CP-SAT stores every objective as ``scaling × (Σ cost·x + offset)`` with the sum
    minimised (``scaling`` is -1 for a maximised objective); the LP minimises the same
    sum.

    Attributes
    ----------
    bound
        The LP optimum in the model's objective units (as CP-SAT reports objectives):
        an upper bound on a maximised objective, a lower bound on a minimised one.
    values
        The LP solution, one value per model variable.
    seconds
        Wall time to build and solve the LP.
    dropped
        Constraints the relaxation left out (types it cannot express, enforcement
        literals that are not assumptions); leaving them out keeps the bound valid.
    rows, duals
        The LP's constraints and their dual values (for :func:`lagrangian_bound`).
    domains
        Each variable's ``(lowest, highest)`` value.
    cost, offset, scaling
        The minimised objective ``Σ cost[v]·x_v + offset`` and its scaling factor.
    """

    bound: float
    values: list[float]
    seconds: float
    dropped: int
    rows: list[Row]
    duals: list[float]
    domains: list[tuple[int, int]]
    cost: dict[int, float]
    offset: float
    scaling: float

    def to_model_units(self, minimum: float) -> float:
        """Turn a lower bound on the minimised sum into a bound in model units.

        A tiny allowance (one part in a million) covers floating-point tolerances.
        """
        total = minimum + self.offset
        return self.scaling * (total - 1e-6 * max(1.0, abs(total)))


def relax(
    model: cp_model.CpModel, time_limit: float, control: SolveControl | None = None
) -> Relaxation | None:
    """Solve the LP relaxation of ``model`` (with :func:`planner.solver.lp.solve_lp`).

    Assumption literals are taken as true (they are how pins are enforced). Linear,
    clause, at-most-one, exactly-one and conjunction constraints are relaxed exactly;
    any other constraint, or one enforced by a literal that is not an assumption, is
    left out, which only weakens the bound.

    Parameters
    ----------
    model
        A CP-SAT model with a linear objective.
    time_limit
        Seconds the LP solver may use.
    control
        The solve's control, whose stop abandons the LP.

    Returns
    -------
    Relaxation or None
        None when the model has no linear objective, or the LP solver does not prove
        an optimum within the time limit or is stopped (an LP that is stopped early
        bounds nothing), or the model cannot be written out to be read (no usable
        temporary folder): the stage then goes on without an LP.
    """
    start = time.perf_counter()
    # The model as a protobuf message: its fields read several times faster than
    # CpModel.proto's (26-week reference: the rows in 0.4 s instead of 1.0 s, measured
    # side by side on a busy machine). Writing and parsing it (0.2 s there) holds the
    # interpreter and cannot be cut short; the rows after it can.
    try:
        proto = model_proto(model)
    except (NoRow, OSError):
        return None
    if not proto.HasField("objective"):
        return None
    kept = _rows(proto)
    if kept is None:
        return None
    rows, dropped = kept
    if control is not None and control.stopped:
        return None
    # (The proto's repeated fields do not support negative indexes.)
    domains = [_ends(list(v.domain)) for v in proto.variables]
    cost: dict[int, float] = defaultdict(float)
    for var_index, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        cost[var_index] += float(coeff)
    left = time_limit - (time.perf_counter() - start)
    if left <= 0:
        return None
    lp_rows = [(row.vars, row.coeffs, row.low, row.high) for row in rows]
    solution = solve_lp(domains, lp_rows, cost, left, control)
    if solution is None:
        return None
    relaxation = Relaxation(
        bound=0.0,
        values=solution.values,
        seconds=0.0,
        dropped=dropped,
        rows=rows,
        duals=solution.duals,
        domains=domains,
        cost=dict(cost),
        offset=float(proto.objective.offset),
        scaling=float(proto.objective.scaling_factor or 1.0),
    )
    return dataclasses.replace(
        relaxation,
        bound=relaxation.to_model_units(solution.objective),
        seconds=time.perf_counter() - start,
    )


def lagrangian_bound(
    relaxation: Relaxation,
    block_of: Sequence[Hashable],
    time_limit: float,
    seed: int = 0,
    threads: int = 1,
    control: SolveControl | None = None,
) -> float | None:
    """A bound from pricing the constraints that couple blocks at the LP's duals.

    Each constraint whose variables lie in more than one block is moved into the
    objective at its dual value; what is left splits into one small integer
    programme per block, which one CP-SAT worker solves (its proven bound is used if
    the time runs out). For prices ``y`` of the right sign (positive only on a
    finite lower side, negative only on a finite upper side) the result is a lower
    bound on the minimised sum, whatever ``y`` is. With LP-optimal prices it is at
    least as good as the LP bound, but for the rounding of block costs (a caller takes
    the better of the two).

    Parameters
    ----------
    relaxation
        The solved LP relaxation.
    block_of
        The block of each model variable (any hashable label).
    time_limit
        Seconds for all the blocks together.
    seed
        CP-SAT random seed.
    threads
        Blocks solved at once (one CP-SAT worker each).
    control
        The solve's control, whose stop halts the blocks (the bound is then void).

    Returns
    -------
    float or None
        The bound in model units, or None when a block has a variable that can be
        negative (the rounding that keeps the bound valid needs values ≥ 0), or a
        block is infeasible or stops before it proves a bound.
    """
    deadline = time.perf_counter() + time_limit
    if any(low < 0 for low, _ in relaxation.domains):
        return None
    cost = dict(relaxation.cost)
    constant = 0.0
    inner: dict[Hashable, list[Row]] = defaultdict(list)
    for row, dual in zip(relaxation.rows, relaxation.duals, strict=True):
        blocks = {block_of[v] for v in row.vars}
        if len(blocks) == 1:
            inner[blocks.pop()].append(row)
            continue
        # Priced: dual × (side − row); a price of the wrong sign counts as zero.
        side = row.low if dual > 0 else row.high
        if dual == 0 or not math.isfinite(side):
            continue
        constant += dual * side
        for var_index, coeff in zip(row.vars, row.coeffs, strict=True):
            cost[var_index] = cost.get(var_index, 0.0) - dual * coeff
    members: dict[Hashable, list[int]] = defaultdict(list)
    for var_index, block in enumerate(block_of):
        members[block].append(var_index)

    def block_minimum(block: Hashable) -> float | None:
        # Most blocks take a few milliseconds; one that is slow may use up to half
        # of the time left, and its proven bound counts if it does not finish.
        share = (deadline - time.perf_counter()) / 2
        return _block_minimum(relaxation, members[block], inner[block], cost, share, seed, control)

    with ThreadPoolExecutor(max(1, threads)) as pool:
        minima = list(pool.map(block_minimum, members))
    if any(m is None for m in minima):
        return None
    return relaxation.to_model_units(constant + sum(m for m in minima if m is not None))


def _block_minimum(
    relaxation: Relaxation,
    var_indexes: list[int],
    rows: list[Row],
    cost: dict[int, float],
    time_limit: float,
    seed: int,
    control: SolveControl | None = None,
) -> float | None:
    """A lower bound on one block's priced minimum, from CP-SAT on integers."""
    model = cp_model.CpModel()
    local = {v: model.new_int_var(*relaxation.domains[v], f"v{v}") for v in var_indexes}
    for row in rows:
        expr = cp_model.LinearExpr.weighted_sum(
            [local[v] for v in row.vars], [round(c) for c in row.coeffs]
        )
        low = max(row.low, -_HUGE)
        high = min(row.high, _HUGE)
        model.add_linear_constraint(expr, math.ceil(low), math.floor(high))
    # Costs rounded down, on variables that are never negative: the scaled minimum
    # is at most the true one.
    terms = [(local[v], math.floor(cost.get(v, 0.0) * _COST_SCALE)) for v in var_indexes]
    terms = [(var, c) for var, c in terms if c]
    model.minimize(cp_model.LinearExpr.weighted_sum([v for v, _ in terms], [c for _, c in terms]))
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    # The blocks are small: presolve costs more than it saves (measured on the
    # 26-week reference: 1.2 s for all blocks instead of 2.1 s, same bound), and
    # symmetry detection can take seconds on a block that then solves in 4 ms.
    solver.parameters.cp_model_presolve = False
    solver.parameters.symmetry_level = 0
    solver.parameters.linearization_level = 2
    if control is None:
        status = solver.solve(model)
    elif control.stopped:
        return None
    else:
        with control.running(solver.stop_search):
            status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Infeasible, invalid, or stopped before it proved anything: CP-SAT then
        # reports a bound of 0, which bounds nothing.
        return None
    return solver.best_objective_bound / _COST_SCALE


def _ends(domain: list[int]) -> tuple[int, int]:
    return int(domain[0]), int(domain[len(domain) - 1])


def _rows(proto: cp_model_pb2.CpModelProto) -> tuple[list[Row], int] | None:
    """The constraints of ``proto`` the relaxation keeps, and how many it drops.

    None when a constraint allows no value at all. ``proto`` is the model as a protobuf
    message (:func:`planner.solver.mip.model_proto`).
    """
    assumed = set(proto.assumptions)
    rows: list[Row] = []
    dropped = 0

    def row(vars_: list[int], coeffs: list[float], low: float, high: float, source: int) -> None:
        # A variable may appear more than once (x or ¬x twice): add its coefficients,
        # as the LP solver would otherwise keep only the last.
        merged: dict[int, float] = defaultdict(float)
        for var_index, coeff in zip(vars_, coeffs, strict=True):
            merged[var_index] += coeff
        rows.append(Row(list(merged), list(merged.values()), low, high, source))

    def literals(lits: list[int], low: float, high: float, source: int) -> None:
        # Σ literal ∈ [low, high], where a negative literal -k-1 stands for 1 - x_k.
        negated = sum(1 for lit in lits if lit < 0)
        row(
            [lit if lit >= 0 else -lit - 1 for lit in lits],
            [1.0 if lit >= 0 else -1.0 for lit in lits],
            low - negated,
            high - negated,
            source,
        )

    for source, ct in enumerate(proto.constraints):
        kind = ct.WhichOneof("constraint")
        if any(lit not in assumed for lit in ct.enforcement_literal):
            dropped += 1
        elif kind == "linear":
            domain = list(ct.linear.domain)
            if not domain:  # no value allowed: the model has no solution, nothing to bound
                return None
            low = -math.inf if domain[0] <= -_HUGE else float(domain[0])
            high = math.inf if domain[-1] >= _HUGE else float(domain[-1])
            row(list(ct.linear.vars), [float(c) for c in ct.linear.coeffs], low, high, source)
        elif kind == "bool_or":
            literals(list(ct.bool_or.literals), 1, math.inf, source)
        elif kind == "at_most_one":
            literals(list(ct.at_most_one.literals), -math.inf, 1, source)
        elif kind == "exactly_one":
            literals(list(ct.exactly_one.literals), 1, 1, source)
        elif kind == "bool_and":
            for lit in ct.bool_and.literals:
                literals([lit], 1, 1, source)
        else:
            dropped += 1
    return rows, dropped
