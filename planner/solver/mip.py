"""The CP-SAT model as a MIP, exactly: the same variables, rows and objective for HiGHS.

:func:`translate` reads the proto of a :class:`~ortools.sat.python.cp_model.CpModel`
(as :func:`planner.solver.build_model` and a solve's stages leave it) and writes a
MathOpt model proto of the *same* problem: every variable integer with its bounds,
every constraint as linear rows, and the objective's linear sum. Nothing is relaxed or
dropped: a constraint kind with no exact linear form raises :class:`NoRow`, and the
caller then leaves the MIP out (the solve goes on with CP-SAT alone).

What is translated, and why it is exact on integers:

* ``linear`` with a domain ``[low, high]`` (no holes): one row;
* ``bool_or``, ``at_most_one``, ``exactly_one``: one row over the literals (a negated
  literal ``¬x`` is ``1 - x``); ``bool_and``: each literal fixed by a row;
* enforcement literals that are assumptions (the pins): a solve searches with every
  assumption true, so the assumption variables are fixed at true and the constraint is
  unconditional;
* a ``linear`` enforced by one literal ``b`` (the leximin rounds): the big-M form with
  M from the variables' bounds, ``a·x + (min - low)·b >= min`` and
  ``a·x + (max - high)·b <= max`` (``min``, ``max`` the least and most ``a·x`` can be),
  which says ``low <= a·x <= high`` when ``b`` is true and nothing when it is false;
* the objective ``scaling × (Σ c·x + offset)`` is kept as CP-SAT stores it: the MIP
  minimises ``Σ c·x`` (the offset and scaling are applied to its results).

HiGHS solves it in a child process (:mod:`planner.solver.highs`), which the solve can
kill: MathOpt's HiGHS ignores interrupters and callbacks.
"""

from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.math_opt import model_pb2
from ortools.sat import cp_model_pb2
from ortools.sat.python import cp_model

#: CP-SAT's "unbounded" domain ends (and anything beyond counts as infinite).
_HUGE = 2**62
#: The constraint kinds with an exact linear form here (see the module docstring).
KINDS = ("linear", "bool_or", "bool_and", "at_most_one", "exactly_one")


class NoRow(Exception):
    """A constraint (or objective) with no exact linear form: the MIP would not be the
    same problem, so it is not built."""


@dataclass(frozen=True)
class MipModel:
    """A CP-SAT model written as a MathOpt MIP.

    Attributes
    ----------
    proto
        The MathOpt model: minimise ``Σ c·x`` over the rows and integer bounds.
    offset, scaling
        CP-SAT's objective is ``scaling × (Σ c·x + offset)`` in model units (``scaling``
        is -1 for a maximised objective).
    box
        ``Σ (upper - lower)`` over the variables, for the bound's allowance
        (:func:`safe_bound`).
    num_rows
        Rows written.
    """

    proto: model_pb2.ModelProto
    offset: float
    scaling: float
    box: float
    num_rows: int

    @property
    def num_variables(self) -> int:
        """Columns of the MIP (the CP-SAT model's variables)."""
        return len(self.proto.variables.ids)

    def model_units(self, total: float) -> float:
        """``Σ c·x`` (the minimised sum) in the CP-SAT objective's model units."""
        return self.scaling * (total + self.offset)


#: HiGHS's dual feasibility tolerance (its default): reduced costs may be off by this much.
DUAL_TOLERANCE = 1e-7
#: Relative float allowance on a bound (the sum's magnitude times float64 rounding, with room).
RELATIVE_ALLOWANCE = 1e-9


def safe_bound(mip: MipModel, dual_bound: float) -> float:
    """HiGHS's dual bound on the minimised sum, made a bound on the integer objective.

    HiGHS proves ``Σ c·x >= dual_bound`` up to its tolerances: a reduced cost may be of
    the wrong sign by up to :data:`DUAL_TOLERANCE`, which can overstate an LP bound by
    at most that times the range of every variable (``mip.box``), and the float sum by
    about :data:`RELATIVE_ALLOWANCE` of its size. Less that allowance, the bound holds;
    since every CP-SAT objective coefficient and variable is an integer, ``Σ c·x`` is
    an integer too, so the bound is then rounded up to the next integer. On the 13-week
    reference the allowance is about 0.03 of a model unit (0.00003 points), so a
    proven optimum stays proven.

    Returns
    -------
    float
        The bound in model units (an upper bound on a maximised objective), or ±inf
        when HiGHS proved nothing.
    """
    if not math.isfinite(dual_bound):
        return mip.scaling * -math.inf
    allowance = DUAL_TOLERANCE * mip.box + RELATIVE_ALLOWANCE * max(1.0, abs(dual_bound))
    return mip.model_units(math.ceil(dual_bound - allowance))


def model_proto(model: cp_model.CpModel) -> cp_model_pb2.CpModelProto:
    """The model as a protobuf message.

    ``CpModel.proto`` is a wrapper whose fields cost microseconds each to read; the
    model written to a file and parsed back is read about five times faster (on the
    26-week reference 0.1 s in all, against 0.35 s for the loop alone).
    """
    with tempfile.TemporaryDirectory(prefix="cultplan-mip-") as folder:
        path = os.path.join(folder, "model.pb")
        if not model.export_to_file(path):
            raise NoRow("the model could not be written")
        with open(path, "rb") as file:
            return cp_model_pb2.CpModelProto.FromString(file.read())


def objective_of(proto: Any, values: list[int]) -> int:
    """The CP-SAT objective of a full solution, in model units (an integer)."""
    total = sum(
        c * (values[v] if v >= 0 else -values[-v - 1])
        for v, c in zip(proto.objective.vars, proto.objective.coeffs, strict=True)
    )
    return round((proto.objective.scaling_factor or 1.0) * (total + proto.objective.offset))


def translate(model: cp_model.CpModel | cp_model_pb2.CpModelProto) -> MipModel:
    """Write a CP-SAT model as the same problem in a MathOpt MIP.

    Parameters
    ----------
    model
        The model (or its protobuf message, :func:`model_proto`), with a linear
        objective or none.

    Raises
    ------
    NoRow
        For a constraint kind with no exact linear form here (``lin_max``, ``table``,
        ``no_overlap``, …), a domain with holes, an enforcement that is neither an
        assumption nor one literal on a linear constraint, or a floating-point
        objective. The message names it.
    """
    proto: Any = model_proto(model) if isinstance(model, cp_model.CpModel) else model
    if proto.HasField("floating_point_objective"):
        raise NoRow("floating-point objective")
    count = len(proto.variables)
    lower = np.empty(count)
    upper = np.empty(count)
    for k, var in enumerate(proto.variables):
        domain = list(var.domain)
        if len(domain) != 2:
            raise NoRow(f"variable {k} has a domain with holes")
        lower[k], upper[k] = domain
    assumed: set[int] = set()
    for lit in proto.assumptions:
        # A solve searches with every assumption true: fix its variable.
        var = lit if lit >= 0 else -lit - 1
        assumed.add(lit)
        value = 1.0 if lit >= 0 else 0.0
        if not lower[var] <= value <= upper[var]:
            raise NoRow(f"assumption {lit} contradicts its variable's domain")
        lower[var] = upper[var] = value
    rows = _Rows(lower, upper)
    for index, ct in enumerate(proto.constraints):
        rows.add(index, ct, assumed)
    if proto.HasField("objective"):
        objective = proto.objective
        vars_, coeffs = _signed(list(objective.vars), [float(c) for c in objective.coeffs])
        if len(objective.domain):
            domain = list(objective.domain)
            if len(domain) != 2:
                raise NoRow("objective domain with holes")
            rows.row(vars_, coeffs, *_interval(domain))
        offset = float(objective.offset)
        scaling = float(objective.scaling_factor or 1.0)
    else:
        vars_, coeffs, offset, scaling = [], [], 0.0, 1.0
    mip = model_pb2.ModelProto()
    mip.variables.ids.extend(range(count))
    mip.variables.lower_bounds.extend(lower.tolist())
    mip.variables.upper_bounds.extend(upper.tolist())
    mip.variables.integers.extend([True] * count)
    cost = np.zeros(count)
    np.add.at(cost, np.asarray(vars_, dtype=np.int64), np.asarray(coeffs))
    ids = np.flatnonzero(cost)
    mip.objective.linear_coefficients.ids.extend(ids.tolist())
    mip.objective.linear_coefficients.values.extend(cost[ids].tolist())
    rows.write(mip)
    box = float(np.sum(upper - lower))
    return MipModel(mip, offset, scaling, box, len(rows.low))


def _signed(vars_: list[int], coeffs: list[float]) -> tuple[list[int], list[float]]:
    """Integer references as positive variables: ``-k-1`` stands for ``-x_k``."""
    out_vars = [v if v >= 0 else -v - 1 for v in vars_]
    out_coeffs = [c if v >= 0 else -c for v, c in zip(vars_, coeffs, strict=True)]
    return out_vars, out_coeffs


def _interval(domain: list[int]) -> tuple[float, float]:
    low = -math.inf if domain[0] <= -_HUGE else float(domain[0])
    high = math.inf if domain[-1] >= _HUGE else float(domain[-1])
    return low, high


class _Rows:
    """The MIP's rows as flat lists (row, column, coefficient), merged by numpy."""

    def __init__(self, lower: np.ndarray, upper: np.ndarray) -> None:
        self.lower = lower
        self.upper = upper
        self.row_ids: list[int] = []
        self.columns: list[int] = []
        self.coeffs: list[float] = []
        self.low: list[float] = []
        self.high: list[float] = []

    def row(self, vars_: list[int], coeffs: list[float], low: float, high: float) -> None:
        """``low <= Σ coeffs·x <= high`` over positive variable indexes."""
        r = len(self.low)
        self.row_ids.extend([r] * len(vars_))
        self.columns.extend(vars_)
        self.coeffs.extend(coeffs)
        self.low.append(low)
        self.high.append(high)

    def literals(self, lits: list[int], low: float, high: float) -> None:
        """``low <= Σ literal <= high``, a negated literal ``-k-1`` being ``1 - x_k``."""
        negated = sum(1 for lit in lits if lit < 0)
        self.row(
            [lit if lit >= 0 else -lit - 1 for lit in lits],
            [1.0 if lit >= 0 else -1.0 for lit in lits],
            low - negated,
            high - negated,
        )

    def add(self, index: int, ct: Any, assumed: set[int]) -> None:
        """The rows of one constraint (see :func:`translate`)."""
        kind = ct.WhichOneof("constraint")
        if kind not in KINDS:
            raise NoRow(f"constraint {index} is {kind}")
        enforced = [lit for lit in ct.enforcement_literal if lit not in assumed]
        if kind == "linear":
            domain = list(ct.linear.domain)
            if len(domain) != 2:
                raise NoRow(f"constraint {index}: linear domain with holes")
            vars_, coeffs = _signed(list(ct.linear.vars), [float(c) for c in ct.linear.coeffs])
            low, high = _interval(domain)
            if not enforced:
                self.row(vars_, coeffs, low, high)
            elif len(enforced) == 1:
                self._big_m(index, vars_, coeffs, low, high, enforced[0])
            else:
                raise NoRow(f"constraint {index}: linear enforced by {len(enforced)} literals")
            return
        if enforced:
            raise NoRow(f"constraint {index}: {kind} enforced by a literal")
        if kind == "bool_or":
            self.literals(list(ct.bool_or.literals), 1, math.inf)
        elif kind == "at_most_one":
            self.literals(list(ct.at_most_one.literals), -math.inf, 1)
        elif kind == "exactly_one":
            self.literals(list(ct.exactly_one.literals), 1, 1)
        else:  # bool_and
            for lit in ct.bool_and.literals:
                self.literals([lit], 1, 1)

    def _big_m(
        self,
        index: int,
        vars_: list[int],
        coeffs: list[float],
        low: float,
        high: float,
        lit: int,
    ) -> None:
        """``low <= a·x <= high`` when literal ``lit`` is true, as two exact rows."""
        a = np.asarray(coeffs)
        at = np.asarray(vars_, dtype=np.int64)
        least = float(np.sum(np.minimum(a * self.lower[at], a * self.upper[at])))
        most = float(np.sum(np.maximum(a * self.lower[at], a * self.upper[at])))
        if not (math.isfinite(least) and math.isfinite(most)):
            raise NoRow(f"constraint {index}: enforced on unbounded variables")
        b = lit if lit >= 0 else -lit - 1
        if math.isfinite(low) and low > least:
            m = low - least
            if lit >= 0:  # a·x + (least - low)·b >= least
                self.row([*vars_, b], [*coeffs, -m], least, math.inf)
            else:  # a·x - (low - least)·(1 - b) >= least
                self.row([*vars_, b], [*coeffs, m], low, math.inf)
        if math.isfinite(high) and high < most:
            m = most - high
            if lit >= 0:  # a·x + (most - high)·b <= most
                self.row([*vars_, b], [*coeffs, m], -math.inf, most)
            else:  # a·x + (most - high)·(1 - b) <= most
                self.row([*vars_, b], [*coeffs, -m], -math.inf, high)

    def write(self, model: model_pb2.ModelProto) -> None:
        """The rows into ``model``: duplicates in a row summed, zeros left out, row-major."""
        n_rows = len(self.low)
        constraints = model.linear_constraints
        constraints.ids.extend(range(n_rows))
        if not self.row_ids:
            constraints.lower_bounds.extend(self.low)
            constraints.upper_bounds.extend(self.high)
            return
        count = len(self.lower)
        keys = np.asarray(self.row_ids, dtype=np.int64) * count + np.asarray(
            self.columns, dtype=np.int64
        )
        unique, inverse = np.unique(keys, return_inverse=True)
        summed = np.bincount(inverse, weights=np.asarray(self.coeffs), minlength=len(unique))
        keep = summed != 0
        unique, summed = unique[keep], summed[keep]
        rows = unique // count
        low, high = np.asarray(self.low), np.asarray(self.high)
        if len(rows) and np.all(summed == np.rint(summed)):
            # Each row divided by the gcd of its coefficients, its sides rounded inwards:
            # on integer variables Σ a·x is a multiple of the gcd, so the row allows the
            # same points, in smaller numbers (the fairness rows' coefficients run to
            # 3,000,000 otherwise, and HiGHS warns of them).
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            gcd = np.gcd.reduceat(np.abs(summed).astype(np.int64), starts)
            divisor = np.ones(n_rows, dtype=np.int64)
            divisor[rows[starts]] = np.maximum(gcd, 1)
            summed = summed / divisor[rows]
            # (Integer sides over integer divisors: exact in floating point.)
            low, high = np.ceil(low / divisor), np.floor(high / divisor)
        constraints.lower_bounds.extend(low.tolist())
        constraints.upper_bounds.extend(high.tolist())
        matrix = model.linear_constraint_matrix
        matrix.row_ids.extend(rows.tolist())
        matrix.column_ids.extend((unique % count).tolist())
        matrix.coefficients.extend(summed.tolist())
