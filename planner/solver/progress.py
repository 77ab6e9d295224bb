"""Progress of a CP-SAT search: improving plans and bounds, in the stage's points, and the
coverage of the best plan so far."""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

import numpy as np
from ortools.sat.python import cp_model

from planner.params import relative_gap
from planner.solver.context import ModelContext
from planner.solver.control import SolveControl


def within_gap(objective: float, bound: float, relative: float) -> bool:
    """Whether a plan is proven good enough: at the bound, or within the gap limit.

    "At the bound" is :func:`proven_optimal`'s: stage objectives are integers in model
    units, so a bound with float noise above the plan (CP-SAT reports, say, 7165953 and
    7165953.000000001) still proves it. A plain ``objective >= bound`` read such a stage
    as merely feasible, with a gap limit of 0, whenever no integer bound (HiGHS's)
    came in before CP-SAT closed it.
    """
    return (
        objective >= bound
        or proven_optimal(objective, bound)
        or relative_gap(objective, bound) <= relative
    )


def proven_optimal(objective: float, bound: float) -> bool:
    """Whether an integer objective (model units, an ``int`` or CP-SAT's float of an
    integer value) is proven optimal by ``bound``.

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
        is within the gap of it, or of the bound of an engine beside CP-SAT
        (:meth:`~planner.solver.control.SolveControl.outside_bound`), which CP-SAT
        hears of each plan found.
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
        self.control.found(value)
        self.on_bound(self.best_objective_bound, self._values())
        stop_bound = min(self.stop_bound, self.control.outside_bound())
        if self.shared is not None and self.shared.done.is_set():
            self.stop_search()
        elif within_gap(value, stop_bound, self.control.params.relative_gap):
            if self.shared is None:
                self.stop_search()
            else:
                self.shared.stop()

    def on_bound(self, bound: float, values: Sequence[int] | None = None) -> None:
        """Report a new bound (model units), with the plan just found if any."""
        if self.fixed_bound:
            bound = self.stop_bound
        bound = min(bound, self.stop_bound, self.control.outside_bound())
        self.bound = bound / self.scale + self.offset[1]
        self.control.report(self.stage, self.objective, self.bound, values)

    def _values(self) -> Sequence[int] | None:
        """The plan just found as a solution of the model, when progress is listened to
        (copying it costs about a millisecond per 10,000 variables)."""
        if not self.control.wants_progress:
            return None
        return self.response_proto.solution


class CoverageMeter:
    """The coverage and minimum coverage of a solution of the model, for progress reports.

    The same figures as :func:`planner.kpis.compute_kpis` (``coverage`` and
    ``min_coverage``, see ``docs/domain.md``) counted from the option variables of a
    solution instead of from a plan: each option delivers once for its demand line.

    Parameters
    ----------
    ctx
        The model (its options and their variables).
    """

    def __init__(self, ctx: ModelContext) -> None:
        scenario = ctx.scenario
        lines = scenario.demand_lines
        line_at = {line.id: k for k, line in enumerate(lines)}
        recipient_at = {c.id: k for k, c in enumerate(scenario.committees)}
        self._x = np.array([x.index for x in ctx.x], dtype=np.int64)
        self._line_of_option = np.array([line_at[o.line_id] for o in ctx.options], dtype=np.int64)
        self._count = np.array([line.demand.count for line in lines], dtype=float)
        self._priority = np.array([line.demand.priority for line in lines], dtype=float)
        self._recipient_of_line = np.array(
            [recipient_at[line.committee] for line in lines], dtype=np.int64
        )
        n = len(scenario.committees)
        asked = np.bincount(
            self._recipient_of_line, weights=self._priority * self._count, minlength=n
        )
        self._asked = asked
        self._population = np.array([c.population for c in scenario.committees], dtype=float)

    def __call__(self, values: Sequence[int]) -> tuple[float, float]:
        """Return ``(coverage, min_coverage)`` of a solution (one value per variable)."""
        chosen = np.asarray(values, dtype=float)[self._x]
        delivered = np.bincount(self._line_of_option, weights=chosen, minlength=len(self._count))
        got = self._priority * np.minimum(delivered, self._count)
        n = len(self._asked)
        got_by_recipient = np.bincount(self._recipient_of_line, weights=got, minlength=n)
        # A recipient that asked for nothing is at coverage 1.
        asked = np.where(self._asked > 0, self._asked, 1.0)
        covs = np.where(self._asked > 0, got_by_recipient / asked, 1.0)
        if len(covs) == 0:
            return 1.0, 1.0
        total = self._population.sum()
        headline = (covs * self._population).sum() / total if total > 0 else covs.mean()
        return float(headline), float(covs.min())
