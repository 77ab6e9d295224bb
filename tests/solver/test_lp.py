"""The LP solver behind the relaxation: optimum, duals with GLOP's signs, stopping."""

from __future__ import annotations

import threading
import time

import pytest

from planner.params import SolveParams
from planner.solver import lp
from planner.solver.control import SolveControl


def test_solve_lp_gives_the_optimum_and_duals_signed_for_minimisation() -> None:
    """min x - y with 1 <= x <= 5 (row 0) and x + y <= 3 (row 1): the optimum is
    x = 1, y = 2, and the duals are positive (+2) on the binding lower side of row 0 and
    negative (-1) on the binding upper side of row 1, the signs the Lagrangian bound
    relies on."""
    rows = [([0], [1.0], 1.0, 5.0), ([0, 1], [1.0, 1.0], float("-inf"), 3.0)]
    solution = lp.solve_lp([(0, 10), (0, 10)], rows, {0: 1.0, 1: -1.0}, 10)
    assert solution is not None
    assert solution.objective == pytest.approx(-1.0)
    assert solution.values == pytest.approx([1.0, 2.0])
    assert solution.duals == pytest.approx([2.0, -1.0])


def test_duals_are_those_of_the_rows_as_given_when_the_solver_gets_them_divided() -> None:
    """The same LP with row 0 written as 1000 x in [1000, 5000] and row 1 as
    2.5 x + 2.5 y <= 7.5: the solver sees both rows divided by their largest
    coefficient, and the duals come back for the rows as given (2/1000 and -1/2.5),
    so that dual times row still prices the objective."""
    rows = [([0], [1000.0], 1000.0, 5000.0), ([0, 1], [2.5, 2.5], float("-inf"), 7.5)]
    assert lp.row_scales(rows) == pytest.approx([1e-3, 0.4])
    # What the solver gets: rows of ones, sides divided, the infinite side infinite.
    model = lp._model_proto([(0, 10), (0, 10)], rows, {0: 1.0, 1: -1.0}, lp.row_scales(rows))
    assert list(model.linear_constraint_matrix.coefficients) == pytest.approx([1.0, 1.0, 1.0])
    assert list(model.linear_constraints.lower_bounds) == [pytest.approx(1.0), float("-inf")]
    assert list(model.linear_constraints.upper_bounds) == pytest.approx([5.0, 3.0])
    solution = lp.solve_lp([(0, 10), (0, 10)], rows, {0: 1.0, 1: -1.0}, 10)
    assert solution is not None
    assert solution.objective == pytest.approx(-1.0)
    assert solution.values == pytest.approx([1.0, 2.0])
    assert solution.duals == pytest.approx([2.0e-3, -0.4])


def test_rows_too_wide_to_divide_and_empty_rows_keep_factor_one() -> None:
    """A row whose coefficients span more than MAX_ROW_SPAN is handed over as written
    (divided, its smallest coefficient could fall below what HiGHS keeps), as is a row
    without nonzero coefficients; a row of zeros and one coefficient is divided by it."""
    wide = ([0, 1], [1.0, 10 * lp.MAX_ROW_SPAN], 0.0, 5.0)
    assert lp.row_scales([wide, ([], [], 0.0, 1.0), ([0, 1], [0.0, 4.0], 0.0, 8.0)]) == [
        1.0,
        1.0,
        0.25,
    ]


def test_a_stopped_solve_abandons_the_lp_at_once() -> None:
    """With the stop already set, no LP solution comes back, and it comes back fast."""
    stop = threading.Event()
    stop.set()
    control = SolveControl(SolveParams(), stop=stop)
    try:
        started = time.perf_counter()
        rows = [([0, 1], [1.0, 1.0], float("-inf"), 1.0)]
        assert lp.solve_lp([(0, 1), (0, 1)], rows, {0: -1.0, 1: -1.0}, 10, control) is None
        assert time.perf_counter() - started < 2
    finally:
        control.close()
