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
