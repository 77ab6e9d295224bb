"""A solve's clock, its caller's progress callback and stop event, and the searches under way.

A caller stops a solve by setting a :class:`threading.Event` (an API job's cancel,
Ctrl-C on the command line). Every search the solve runs (CP-SAT searches, GLOP's LP,
the Lagrangian blocks) registers how to halt it while it runs; a watcher thread halts
them within a fraction of a second once the event is set, and keeps halting them until
they return, because a CP-SAT search that has not yet entered ``solve`` would miss a
single stop. The solve then returns the best plan found so far.

Every thread a solve starts for such work is adopted by its control
(:meth:`SolveControl.adopt`), and :meth:`SolveControl.close` halts and joins them all
before the solve returns: a solver thread left running in native code when the
interpreter exits ends the process with SIGABRT ("terminate called without an active
exception"), and in a service's worker process it would go on using a core.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from ortools.sat.python import cp_model

from planner.params import Progress, SolveParams

#: How often the watcher looks at the stop event (seconds).
STOP_POLL_SECONDS = 0.05


def new_solver() -> cp_model.CpSolver:
    """A CP-SAT solver that leaves Ctrl-C to the caller.

    CP-SAT catches SIGINT by default with a handler of its own, which ends the
    process (``std::bad_function_call``) when the signal arrives while a search of
    another thread is being set up; the caller stops a solve with its stop event
    instead.
    """
    solver = cp_model.CpSolver()
    solver.parameters.catch_sigint_signal = False
    return solver


class SolveControl:
    """The clock, progress reports and stop handling of one solve.

    Parameters
    ----------
    params
        The solve's parameters (the time limit counts from construction).
    on_progress
        Called with each :class:`~planner.params.Progress` report; calls are
        serialised, never concurrent.
    stop
        An event the caller sets to stop the solve; None when it cannot be stopped.
    deadline
        A ``time.perf_counter`` value by which the solve must end, when that is before
        the end of its time limit (a caller that needs time after the solve).
    """

    def __init__(
        self,
        params: SolveParams,
        on_progress: Callable[[Progress], None] | None = None,
        stop: threading.Event | None = None,
        deadline: float | None = None,
    ) -> None:
        self.params = params
        self.start = time.perf_counter()
        self._end = self.start + params.time_limit
        if deadline is not None:
            self._end = min(self._end, deadline)
        self.on_progress = on_progress
        self._stop = stop
        self._lock = threading.Lock()
        self._report_lock = threading.Lock()
        self._running: dict[int, Callable[[], None]] = {}
        self._next = 0
        self._closed = threading.Event()
        self._stopped_at: float | None = None
        # The best objective reported in each stage, so that a report without one (a
        # new bound, or a search that has not found its first plan) keeps showing it.
        self._best: dict[str, float] = {}
        # The best bound reported in each stage: engines beside CP-SAT report their own
        # bounds, which may be looser than the stage's best so far.
        self._bounds: dict[str, float] = {}
        # The coverage and minimum coverage of the best plan so far, and how to measure
        # them from a solution (set once the model is built; see CoverageMeter).
        self._coverage: tuple[float, float] | None = None
        self.meter: Callable[[Sequence[int]], tuple[float, float]] | None = None
        # Threads the solve started that must end before it returns (see close()).
        self._threads: list[tuple[threading.Thread, threading.Event]] = []
        self._closing = False
        self._watcher: threading.Thread | None = None
        if stop is not None:
            self._watcher = threading.Thread(target=self._watch, name="solve-stop", daemon=True)
            self._watcher.start()

    # -- the clock ---------------------------------------------------------------------
    def elapsed(self) -> float:
        """Seconds since the solve started."""
        return time.perf_counter() - self.start

    def remaining(self) -> float:
        """Seconds left of the time limit (at least 0.01, so a search can start)."""
        return max(0.01, self._end - time.perf_counter())

    @property
    def deadline(self) -> float:
        """The end of the time limit (or the caller's earlier deadline) on the
        ``time.perf_counter`` clock."""
        return self._end

    @property
    def expired(self) -> bool:
        """Whether the time limit has run out."""
        return time.perf_counter() >= self._end

    def should_end(self) -> bool:
        """Whether work in progress should give up: stopped, or out of time."""
        return self.stopped or self.expired

    # -- stopping ----------------------------------------------------------------------
    @property
    def stopped(self) -> bool:
        """Whether the caller has asked the solve to stop."""
        if self._stop is None or not self._stop.is_set():
            return False
        if self._stopped_at is None:
            self._stopped_at = self.elapsed()
        return True

    @property
    def stopped_at(self) -> float | None:
        """Seconds into the solve when the stop was first seen (None if not stopped)."""
        return self._stopped_at if self.stopped else None

    @contextmanager
    def running(self, halt: Callable[[], None]) -> Iterator[None]:
        """Register a search's ``halt`` function for the duration of the block."""
        with self._lock:
            key = self._next
            self._next += 1
            self._running[key] = halt
        try:
            if self.stopped or self._closing:
                halt()
            yield
        finally:
            with self._lock:
                del self._running[key]

    def adopt(self, thread: threading.Thread, done: threading.Event) -> None:
        """Count ``thread`` among the solve's own: :meth:`close` waits for it to end.

        ``done`` is set by the thread as its last step. :meth:`close` waits on it
        rather than on ``thread.is_alive()``: in CPython 3.11 an exception raised in a
        thread while it waits in ``Thread.join`` (as :func:`~planner.solver.bounded.
        run_bounded` raises one) can mark the joined thread as ended while it still runs.
        """
        with self._lock:
            self._threads = [(t, d) for t, d in self._threads if not d.is_set()]
            self._threads.append((thread, done))

    def close(self) -> None:
        """End the solve: end the watcher, then halt and join every adopted thread.

        A step given up at the deadline or on a stop may still be inside a solver (an LP
        the time limit cut short, a completion's CP-SAT search): every search still
        registered is halted, again and again until the threads end, and one that does
        not listen (HiGHS through MathOpt ignores interrupts) ends by its own time
        limit, which never passes the solve's. When this returns, no thread the solve
        started is running.
        """
        self._closed.set()
        if self._watcher is not None:
            self._watcher.join()
        self._closing = True
        while True:
            with self._lock:
                waiting = [d for _, d in self._threads if not d.is_set()]
                halts = list(self._running.values())
            if not waiting:
                break
            for halt in halts:
                halt()
            waiting[0].wait(STOP_POLL_SECONDS)
        with self._lock:
            threads, self._threads = self._threads, []
        for thread, _ in threads:
            thread.join()

    def _watch(self) -> None:
        assert self._stop is not None
        while not self._closed.is_set():
            if self._stop.wait(STOP_POLL_SECONDS):
                assert self.stopped  # records when the stop was seen
                with self._lock:
                    halts = list(self._running.values())
                for halt in halts:
                    halt()
                # Keep halting: a search registered but not yet started misses one stop.
                self._closed.wait(STOP_POLL_SECONDS)

    # -- engines beside CP-SAT ---------------------------------------------------------
    def outside_bound(self) -> float:
        """The best bound on the stage objective (model units) proven by an engine
        beside CP-SAT (the MIP of :mod:`planner.solver.engines`); inf when none."""
        return math.inf

    def found(self, objective: float) -> None:
        """Tell the engines beside CP-SAT of a plan of the stage (objective in model
        units), so that one of their bounds can end the stage on it."""

    # -- progress ----------------------------------------------------------------------
    @property
    def wants_progress(self) -> bool:
        """Whether the caller listens for progress (so that measuring a plan is worth it)."""
        return self.on_progress is not None

    def report(
        self,
        stage: str,
        objective: float | None,
        bound: float | None,
        values: Sequence[int] | None = None,
    ) -> None:
        """Send a progress report (objective and bound in points, None if unknown).

        The objective reported is the best of the stage so far, and so is the bound:
        searches run one after another and side by side, and a later one may not have
        reached it yet.
        ``values`` (a solution of the model) is the plan the objective belongs to; its
        coverage is reported with every later report until a better plan comes.
        """
        if self.on_progress is None:
            return
        if bound is not None and not math.isfinite(bound):
            bound = None
        with self._report_lock:
            best = self._best.get(stage)
            improves = best is None or (objective is not None and objective >= best)
            if values is not None and self.meter is not None and improves:
                self._coverage = self.meter(values)
            if objective is None or (best is not None and best > objective):
                objective = best
            if objective is not None:
                self._best[stage] = objective
            if bound is not None:
                bound = self._bounds[stage] = min(bound, self._bounds.get(stage, math.inf))
            elif stage in self._bounds:
                bound = self._bounds[stage]
            coverage, lowest = self._coverage or (None, None)
            self.on_progress(Progress(stage, self.elapsed(), objective, bound, coverage, lowest))


class StageControl(SolveControl):
    """The control of one stage's CP-SAT searches while another engine runs beside them.

    It keeps the solve's clock, parameters and progress (every report goes to the
    solve's control), and has a stop of its own, set when the solve is stopped or when
    the engine beside closes the stage; :meth:`outside_bound` and :meth:`found` are the
    engine's.

    Parameters
    ----------
    parent
        The solve's control.
    stop
        The stage's stop.
    params
        The stage searches' parameters (the solve's, maybe with fewer workers).
    outside_bound, found
        The engine's bound (model units) and how it hears of CP-SAT's plans.
    """

    def __init__(
        self,
        parent: SolveControl,
        stop: threading.Event,
        params: SolveParams,
        outside_bound: Callable[[], float],
        found: Callable[[float], None],
    ) -> None:
        super().__init__(params, parent.on_progress, stop, parent.deadline)
        self.start = parent.start
        self._end = parent.deadline
        self.parent = parent
        self.meter = parent.meter
        self._outside_bound = outside_bound
        self._found = found

    def outside_bound(self) -> float:
        """The engine beside's bound (model units)."""
        return self._outside_bound()

    def found(self, objective: float) -> None:
        """Tell the engine beside of a plan (model units)."""
        self._found(objective)

    def report(
        self,
        stage: str,
        objective: float | None,
        bound: float | None,
        values: Sequence[int] | None = None,
    ) -> None:
        """Report through the solve's control (one best per stage for both engines)."""
        self.parent.report(stage, objective, bound, values)
