"""Progress of a CP-SAT search: improving plans and bounds, in the stage's points."""

from __future__ import annotations

import math
import threading

from ortools.sat.python import cp_model

from planner.params import relative_gap
from planner.solver.control import SolveControl


def within_gap(objective: float, bound: float, relative: float) -> bool:
    """Whether a plan is proven good enough: at the bound, or within the gap limit."""
    return objective >= bound or relative_gap(objective, bound) <= relative


def proven_optimal(objective: int, bound: float) -> bool:
    """Whether an integer objective (model units) is proven optimal by ``bound``.

    Every stage objective has integer coefficients on integer variables, so no plan
    scores above the bound rounded down (the small tolerance absorbs the float noise of
    a bound reported as, say, 1000.0000001).
    """
    return math.isfinite(bound) and objective >= math.floor(bound + 1e-6)


class SharedBest:
    """The best objective of searches run side by side, and their common stop.

    Attributes
    ----------
    done
        Set once one search is within the gap: the others stop on their next plan,
        and a search that has not started yet does not start.
    """

    def __init__(self, solvers: list[cp_model.CpSolver]) -> None:
        self.lock = threading.Lock()
        self.best = -math.inf
        self.solvers = solvers
        self.done = threading.Event()

    def stop(self) -> None:
        """Stop every search that shares this best."""
        self.done.set()
        for solver in self.solvers:
            solver.stop_search()


class Reporter(cp_model.CpSolverSolutionCallback):
    """Sends a progress report on every improving plan (and bound, via the solver hook).

    Parameters
    ----------
    control
        The solve's control (progress callback, clock).
    stage
        The stage name shown in reports.
    scale
        Model units per point of the stage objective.
    offset
        Points already secured by earlier stages (objective, bound), so that the
        secondary stage reports totals comparable with the primary stage's.
    stop_bound
        A proven bound of the whole model (model units): the search stops once a plan
        is within the gap of it.
    fixed_bound
        Report ``stop_bound`` as the bound, for searches of a restricted model whose
        own bound holds for that model only.
    shared
        The best of searches run side by side, if this is one of them.
    """

    def __init__(
        self,
        control: SolveControl,
        stage: str,
        scale: float,
        offset: tuple[float, float] = (0.0, 0.0),
        stop_bound: float = math.inf,
        fixed_bound: bool = False,
        shared: SharedBest | None = None,
    ) -> None:
        super().__init__()
        self.control = control
        self.stage = stage
        self.scale = scale
        self.offset = offset
        self.stop_bound = stop_bound
        self.fixed_bound = fixed_bound
        self.shared = shared
        self.objective: float | None = None
        self.bound: float | None = None

    def on_solution_callback(self) -> None:
        """Report the plan; stop once it is within the gap of the stop bound."""
        value = self.objective_value
        if self.shared is not None:
            with self.shared.lock:
                value = self.shared.best = max(value, self.shared.best)
        self.objective = value / self.scale + self.offset[0]
        self.on_bound(self.best_objective_bound)
        if self.shared is not None and self.shared.done.is_set():
            self.stop_search()
        elif within_gap(value, self.stop_bound, self.control.params.relative_gap):
            if self.shared is None:
                self.stop_search()
            else:
                self.shared.stop()

    def on_bound(self, bound: float) -> None:
        """Report a new bound (model units)."""
        if self.fixed_bound:
            bound = self.stop_bound
        self.bound = min(bound, self.stop_bound) / self.scale + self.offset[1]
        self.control.report(self.stage, self.objective, self.bound)
