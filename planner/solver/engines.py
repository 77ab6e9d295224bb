"""HiGHS's MIP beside CP-SAT in one stage: a portfolio of two engines on one model.

While a stage's CP-SAT searches run (:func:`planner.solver.stages.run_stage`), the same
model, translated exactly (:mod:`planner.solver.mip`), is solved by HiGHS in a child
process (:mod:`planner.solver.highs`). What each finds serves the other:

* **bounds.** Every bound HiGHS proves (read live from its progress table, then its
  final bound) is made valid for the integer objective (:func:`~planner.solver.mip.
  safe_bound`) and offered to CP-SAT's searches: a CP-SAT plan within the gap of it
  ends the stage, and a bound that arrives when CP-SAT's best plan is already within
  the gap ends the stage at once;
* **plans.** HiGHS's plan is rounded to integers and checked by CP-SAT on a copy of the
  stage's model with every variable fixed (else completed, with the options fixed and
  the rest free), so the plan the stage returns is always a CP-SAT assignment of the
  model, with every hard rule kept. A checked plan within the gap of the best bound
  ends the stage too.

The stage's plan is the better of the two engines', its bound the lower; its report
names the engine of each (``plan_engine``, ``bound_engine``), HiGHS's bound and time.
A stage is proven optimal only when its plan meets the best bound in the model's
integer units: a HiGHS proof of the same model counts like CP-SAT's.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time

from ortools.sat.python import cp_model

from planner.solver.context import ModelContext
from planner.solver.control import SolveControl, StageControl, new_solver
from planner.solver.highs import MipOutcome, MipProcess
from planner.solver.mip import MipModel, NoRow, objective_of, safe_bound, translate
from planner.solver.progress import within_gap

#: HiGHS runs beside CP-SAT only when the solve has at least this many workers: it
#: takes one core of its own (MathOpt's HiGHS is single-threaded), and CP-SAT keeps the
#: others.
MIP_MIN_WORKERS = 2
#: ... and only on models of at most this many variables. Measured with
#: benchmarks/mip_portfolio.py (docs/solving.md): on the 13-week reference (12,789)
#: HiGHS proves the optimum CP-SAT does not; on the 26-week one (36,257) HiGHS alone
#: came within 0.002 % of its bound in 60 s where CP-SAT alone ended 0.79 % from its
#: own. At district scale (231,000 options) HiGHS needed 2.6 GB and 228 s for a first
#: plan (issue 11), more than a machine of the planning service can give beside CP-SAT.
MIP_MAX_VARIABLES = 50_000
#: Seconds a check or completion of HiGHS's plan may take at most.
CHECK_SECONDS = 2.0
#: Seconds the stage waits for HiGHS's outcome after CP-SAT ends at the time limit,
#: before killing it.
OUTCOME_GRACE_SECONDS = 0.5
#: Time kept back from HiGHS's own limit, so that its best plan arrives and is checked
#: before the stage's time is up: this many seconds (the child's start takes about
#: 0.2 s) ...
CHILD_MARGIN_SECONDS = 0.5
#: ... and this share of the stage's time (HiGHS overshoots its limit a little on the
#: larger models, and the check of a 36,000-variable plan takes a fraction of a second).
CHILD_MARGIN_SHARE = 0.05


def wanted(ctx: ModelContext, control: SolveControl) -> bool:
    """Whether a stage runs HiGHS beside CP-SAT (see :data:`MIP_MIN_WORKERS`,
    :data:`MIP_MAX_VARIABLES`)."""
    return (
        control.params.workers >= MIP_MIN_WORKERS
        and len(ctx.model.proto.variables) <= MIP_MAX_VARIABLES
    )


class MipBeside:
    """HiGHS on the stage's model in a child process, and what it found so far.

    Parameters
    ----------
    ctx
        The model, with the stage's objective set.
    control
        The solve's control.
    stage, scale, offset
        The stage's name, model units per point and the points already secured (as
        :class:`~planner.solver.progress.Reporter` takes them), for progress reports.
    budget
        Seconds HiGHS may use (its own time limit).
    mip
        The translated model.
    """

    def __init__(
        self,
        ctx: ModelContext,
        control: SolveControl,
        stage: str,
        scale: float,
        offset: tuple[float, float],
        budget: float,
        mip: MipModel,
    ) -> None:
        self.stage, self.scale, self.offset = stage, scale, offset
        self.parent = control
        self.mip = mip
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self.bound = math.inf  # HiGHS's best safe bound (model units, maximised objective)
        self.best_found = -math.inf  # CP-SAT's best plan so far (model units)
        self.plan: tuple[list[int], int] | None = None  # HiGHS's checked plan
        # The check runs on a copy taken now, since the stage's searches go on with
        # (and may add hints to) ctx.model in other threads.
        self._check_model = ctx.model.clone()
        self._check_model.clear_hints()
        self._check_model.clear_assumptions()
        self._x = [x.index for x in ctx.x]
        params = control.params
        self.process = MipProcess(
            mip.proto,
            budget,
            params.relative_gap,
            params.seed,
            on_progress=self._on_progress,
            on_outcome=self.take_outcome,
        )
        # HiGHS takes a core of its own: CP-SAT searches with the others.
        searches = dataclasses.replace(params, workers=max(1, params.workers - 1))
        self.control = StageControl(control, self.stop, searches, self.outside_bound, self.found)

    # -- what CP-SAT's searches ask --------------------------------------------------
    def outside_bound(self) -> float:
        """HiGHS's best bound so far (model units)."""
        return self.bound

    def found(self, objective: float) -> None:
        """CP-SAT found a plan of ``objective`` (model units)."""
        with self._lock:
            self.best_found = max(self.best_found, objective)

    # -- what HiGHS tells --------------------------------------------------------------
    def _on_progress(self, dual: float, primal: float) -> None:
        """A row of HiGHS's progress table, or its final bounds (the talker thread)."""
        bound = safe_bound(self.mip, dual)
        with self._lock:
            better = bound < self.bound
            if better:
                self.bound = bound
        if better:
            self.parent.report(self.stage, None, bound / self.scale + self.offset[1])
        self._close_if_done()

    def take_outcome(self, outcome: MipOutcome) -> None:
        """Check HiGHS's final plan and keep it (the talker thread, as the child ends)."""
        if outcome.values is None:
            return
        checked = self._check(outcome.values)
        if checked is None:
            return
        with self._lock:
            if self.plan is None or checked[1] > self.plan[1]:
                self.plan = checked
        values, objective = checked
        self.parent.report(
            self.stage,
            objective / self.scale + self.offset[0],
            self.bound / self.scale + self.offset[1],
            values,
        )
        self._close_if_done()

    def _close_if_done(self) -> None:
        """End CP-SAT's searches when a plan of either engine is within the gap of the
        best bound."""
        gap = self.parent.params.relative_gap
        with self._lock:
            best = max(self.best_found, self.plan[1] if self.plan else -math.inf)
            done = math.isfinite(best) and within_gap(best, self.bound, gap)
        if done:
            self.stop.set()

    def _check(self, values: list[int]) -> tuple[list[int], int] | None:
        """HiGHS's rounded plan as a CP-SAT solution of the stage's model.

        First every variable is fixed at its value (a check); should that fail (a value
        rounded across a row's limit), the options alone are fixed and CP-SAT sets the
        rest at their best for the stage (a completion). None when neither finds a
        solution in time.
        """
        for fix in (range(len(values)), self._x):
            model = self._check_model.clone()
            variables = model.proto.variables
            for index in fix:
                domain = variables[index].domain
                domain[0] = domain[1] = values[index]
            solver = new_solver()
            solver.parameters.num_workers = 1
            solver.parameters.max_time_in_seconds = min(
                CHECK_SECONDS, max(0.01, self.parent.remaining())
            )
            with self.parent.running(solver.stop_search):
                status = solver.solve(model)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                solution = list(solver.response_proto.solution)
                return solution, objective_of(self._check_model.proto, solution)
        return None

    def finish(self, closed: bool) -> MipOutcome | None:
        """End HiGHS: at once when CP-SAT ``closed`` the stage (or the solve is over),
        else after its outcome or a short grace; the outcome's plan is checked."""
        if closed or self.parent.should_end():
            self.process.kill()
        else:
            self.process.wait(min(OUTCOME_GRACE_SECONDS, self.parent.remaining()))
            self.process.kill()
        self.control.close()
        return self.process.wait(0.0)

    @property
    def seconds(self) -> float:
        """Wall time since HiGHS started."""
        return time.perf_counter() - self.process.started


def start(
    ctx: ModelContext,
    control: SolveControl,
    stage: str,
    scale: float,
    offset: tuple[float, float],
    budget: float,
) -> MipBeside | None:
    """HiGHS started on the stage's model, or None when it is not wanted, the model has a
    constraint with no exact linear form (:class:`~planner.solver.mip.NoRow`), too
    little time is left, or no child process can be started: CP-SAT then searches alone."""
    if not wanted(ctx, control) or control.should_end():
        return None
    try:
        mip = translate(ctx.model)
    except NoRow:
        return None
    budget = min(budget, control.remaining())
    left = budget * (1 - CHILD_MARGIN_SHARE) - CHILD_MARGIN_SECONDS
    if left <= 0:
        return None
    try:
        return MipBeside(ctx, control, stage, scale, offset, left, mip)
    except OSError:  # no child process here (no Python executable to run, no fork)
        return None
