"""The child process that solves one job.

:func:`main` is the target of a worker process (started by :class:`api.jobs.pool.JobPool`
with the ``forkserver`` or ``spawn`` context, never by ``fork``). It ties its life to the
service's process first (:func:`die_with_parent`), then:

1. claims the job (queued to running; a job cancelled meanwhile is left alone);
2. reads the job's scenario revision through :mod:`planner.io`, so the network checks
   and located problems are the library's;
3. solves with :class:`planner.SolveParams` from the job's parameters, with a progress
   callback and a stop event. A monitor thread writes the latest progress at most
   twice a second, only while the job is running, and sets the stop event when the
   job's ``cancel_requested`` flag is raised (``DELETE /jobs/{id}``);
4. checks the plan with :func:`planner.check_plan`: a plan that breaks a hard rule is
   never stored (the job fails as a bug);
5. writes the plan row (deliveries and :func:`planner.report.solve_report`) and the
   job's end state with the solve's message and notes (:func:`solve_notes`) in one
   transaction.

A solve that ends without a plan fails with the library's reason; any other error is
stored as its type and message (the traceback goes to the process's stderr, the
service's log, never to a client).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from api.db import plans as plan_store
from api.db import scenarios as scenario_store
from api.db.engine import make_engine, writing
from api.documents import parse
from api.errors import ApiError
from api.jobs import store
from planner import Progress, Result, Scenario, SolveParams, StopReason
from planner.i18n import set_language

#: Seconds between two progress writes (and two polls of the cancel flag).
PROGRESS_INTERVAL = 0.5
#: Linux prctl option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker process needs from the service's settings (picklable).

    Attributes
    ----------
    database_url
        The service's database (the worker opens its own engine).
    language
        The language of the library's texts the job stores (errors, reasons).
    parent_pid
        The service's process: the worker ends itself when it is gone.
    nice
        The niceness the worker adds to its own (``os.nice``) before it solves, so that
        the service's process keeps a core while the solver's threads run.
    """

    database_url: str
    language: str
    parent_pid: int
    nice: int = 0


def die_with_parent(parent_pid: int) -> None:
    """End this process when the service's process ends, even by SIGKILL.

    On Linux the kernel sends SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``);
    as the parent may be a fork server rather than the service itself, a daemon thread
    also checks twice a second that ``parent_pid`` is alive and that this process was
    not re-parented, and ends the process at once when either fails.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the thread suffices
            pass
    first_parent = os.getppid()

    def watch() -> None:
        while True:
            if os.getppid() != first_parent or not _alive(parent_pid):
                os._exit(1)
            time.sleep(PROGRESS_INTERVAL)

    if not _alive(parent_pid):
        os._exit(1)
    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


def _alive(pid: int) -> bool:
    """Whether a process exists (and is not a zombie waiting for its parent)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def read_revision(conn: sa.Connection, scenario_id: int, revision: int) -> Scenario:
    """Read a scenario revision's source through :mod:`planner.io` (by its media type,
    as the routes read it: :func:`api.documents.parse`), every check of the library
    included, the road network's too.

    Raises
    ------
    ApiError
        With the library's located problems (``invalid_scenario``, ``malformed``).
    LookupError
        When the revision does not exist.
    """
    row = scenario_store.revision(conn, scenario_id, revision)
    if row is None:
        raise LookupError(f"scenario {scenario_id} has no revision {revision}")
    return parse(row.source, row.media_type, f"scenario {scenario_id} revision {revision}")


def progress_json(p: Progress) -> dict[str, Any]:
    """A progress report as stored in ``jobs.progress`` (non-finite numbers as None).

    ``stage`` is the solve's stage name; the service shows it in the planner's words
    (:func:`planner.cli_progress.stage_text`) in the reader's language.
    """
    return store.json_safe(
        {
            "stage": p.stage,
            "elapsed": round(p.elapsed, 3),
            "objective": p.objective,
            "bound": p.bound,
            "gap": p.gap,
            "coverage": p.coverage,
            "min_coverage": p.min_coverage,
            "parts_done": p.parts_done,
            "parts": p.parts,
        }
    )


class Monitor:
    """The worker's monitor thread: throttled progress writes and the cancel flag.

    The solve's callback only keeps the latest report (:meth:`report`); every
    ``interval`` seconds the thread writes it if it changed (only while the job is
    running) and reads ``cancel_requested``, setting ``stop`` when it is raised.
    """

    def __init__(
        self, engine: sa.Engine, job_id: int, stop: threading.Event, interval: float
    ) -> None:
        self.engine = engine
        self.job_id = job_id
        self.stop = stop
        self.interval = interval
        self.latest: dict[str, Any] | None = None
        self.written: dict[str, Any] | None = None
        self.writes = 0
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="job-monitor", daemon=True)

    def report(self, p: Progress) -> None:
        """The solve's progress callback: keep the latest report."""
        with self._lock:
            self.latest = progress_json(p)

    def start(self) -> None:
        """Start polling."""
        self._thread.start()

    def close(self) -> None:
        """Stop polling (after one last write of the latest progress)."""
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            finished = self._done.wait(self.interval)
            try:
                self._tick()
            except sa.exc.OperationalError as exc:  # a busy database: try again next tick
                print(f"job {self.job_id}: progress not written: {exc}", file=sys.stderr)
            if finished:
                return

    def _tick(self) -> None:
        with self._lock:
            latest = self.latest
        with self.engine.begin() as conn:
            if latest is not None and latest != self.written:
                store.write_progress(conn, self.job_id, latest)
                self.written = latest
                self.writes += 1
            if store.cancel_requested(conn, self.job_id):
                self.stop.set()


def lower_priority(nice: int) -> None:
    """Add ``nice`` to this process's niceness (``os.nice``), so that the service's
    process keeps a core while the solver runs. Called before the solver starts its
    threads, which take the niceness of the thread that starts them."""
    if nice > 0:
        os.nice(nice)


def main(config: WorkerConfig, job_id: int) -> None:
    """The target of a worker process: tie its life to the service's, then
    :func:`run_job`."""
    die_with_parent(config.parent_pid)
    lower_priority(config.nice)
    # Ctrl-C reaches the whole process group: the service ends its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_language(config.language)
    run_job(config, job_id)


def run_job(
    config: WorkerConfig,
    job_id: int,
    solve: Callable[..., Result] | None = None,
    interval: float = PROGRESS_INTERVAL,
) -> str:
    """Solve one job and store its outcome; return its end state.

    Runs in a worker process (:func:`main`); tests also call it in their own process.
    ``solve`` stands in for :func:`planner.solve` (tests only); ``interval`` is the time
    between progress writes. An unexpected error fails the job as ``crashed`` with the
    error's type and message (the traceback goes to stderr, the service's log).
    """
    engine = make_engine(config.database_url)
    try:
        return _run(engine, job_id, solve, interval)
    except Exception as exc:  # a crash is the job's end, never the pool's
        traceback.print_exc()
        with engine.begin() as conn:
            store.finish(
                conn, job_id, store.FAILED, store.error_text(store.CRASHED, _describe(exc))
            )
        return store.FAILED
    finally:
        engine.dispose()


def _describe(exc: BaseException) -> str:
    """An exception as one line: its type and message (no traceback)."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _run(
    engine: sa.Engine,
    job_id: int,
    solve: Callable[..., Result] | None,
    interval: float,
) -> str:
    # The claim is the only write here, kept short: the scenario is read (and its
    # networks checked) outside the write lock, which other writers need meanwhile.
    with writing(engine) as conn:
        if not store.claim(conn, job_id):
            row = store.get(conn, job_id)
            return "missing" if row is None else str(row["state"])
        row = store.get(conn, job_id)
        assert row is not None
    with engine.connect() as conn:
        try:
            scenario = read_revision(conn, row["scenario_id"], row["revision"])
        except ApiError as exc:
            scenario_error: str | None = exc.message
        else:
            scenario_error = None
    if scenario_error is not None:
        with engine.begin() as conn:
            store.finish(
                conn, job_id, store.FAILED, store.error_text(store.INVALID_SCENARIO, scenario_error)
            )
        return store.FAILED
    try:
        params = SolveParams.from_dict(dict(row["params"]))
    except (ValueError, TypeError) as exc:
        with engine.begin() as conn:
            store.finish(
                conn, job_id, store.FAILED, store.error_text(store.INVALID_PARAMS, str(exc))
            )
        return store.FAILED
    if solve is None:
        from planner import solve as planner_solve

        solve = planner_solve
    stop = threading.Event()
    monitor = Monitor(engine, job_id, stop, interval)
    monitor.start()
    try:
        result = solve(scenario, params, on_progress=monitor.report, stop=stop)
    finally:
        monitor.close()
    # Whether the job was cancelled is the result's to say (stop reason ``stopped``):
    # a cancel that reached the stop event after the search had ended on its own (the
    # monitor's last poll, or the solve's last steps) stopped nothing.
    return store_outcome(engine, job_id, row, scenario, params, result)


#: How a job's notes name the setting they are about (the command line's is
#: ``--decompose yes``): the job's body as it was sent.
DECOMPOSE_YES = '"decompose": "yes"'


def solve_notes(scenario: Scenario, params: SolveParams, result: Result) -> list[str]:
    """What the solve did otherwise than the job asked, as :func:`api.jobs.store.catalogued`
    messages (translated when read): with ``decompose: yes``, that the scenario was solved
    whole after all and why, in the catalogue's text of the command line's note
    (:func:`planner.decompose.whole_reason`)."""
    from planner.decompose import whole_reason

    reason = whole_reason(scenario, params, result)
    return [] if reason is None else [store.catalogued(reason, setting=DECOMPOSE_YES)]


def store_outcome(
    engine: sa.Engine,
    job_id: int,
    job: sa.RowMapping | Mapping[str, Any],
    scenario: Scenario,
    params: SolveParams,
    result: Result,
) -> str:
    """Store a finished solve: the plan row and the job's end state in one transaction.

    A job whose solve was stopped by its cancel (the result's stop reason ``stopped``)
    ends ``cancelled`` with its best plan kept; otherwise ``finished``, also when a
    cancel was asked for after the search had ended on its own (its plan is the
    solve's). Without a plan the job ends ``failed`` with the library's reason
    (``cancelled`` when it was stopped before any plan). A plan that breaks a hard rule
    is not stored: the job fails as a bug, naming the broken rules.
    """
    from planner.baseline import plan_baselines
    from planner.kpis import compute_kpis
    from planner.network import Distances
    from planner.report import kpis_of_baselines, run_settings, solve_report
    from planner.validate import check_plan

    stopped = result.stop_reason == StopReason.STOPPED
    notes = solve_notes(scenario, params, result)
    final = store.json_safe(
        {
            "stage": "done",
            "elapsed": round(result.wall_seconds, 3),
            "objective": result.objective,
            "bound": result.best_bound,
            "gap": result.gap,
            "coverage": None,
            "min_coverage": None,
        }
    )
    if not result.status.has_plan or result.plan is None:
        state = store.CANCELLED if stopped else store.FAILED
        code = store.STOPPED if stopped else store.NO_PLAN
        with engine.begin() as conn:
            store.finish(
                conn,
                job_id,
                state,
                store.error_text(code, result.message),
                progress=final,
                notes=notes,
            )
        return state
    violations = check_plan(scenario, result.plan)
    if violations:
        text = store.catalogued(
            store.BROKEN_PLAN_MESSAGE,
            n=len(violations),
            rules="; ".join(str(v) for v in violations),
        )
        with engine.begin() as conn:
            error = store.error_text(store.BROKEN_PLAN, text)
            store.finish(conn, job_id, store.FAILED, error, progress=final, notes=notes)
        return store.FAILED
    distances = Distances(scenario)
    # Planned once per scenario: the solve planned them, unless it split by weeks.
    baselines = plan_baselines(scenario, None, distances)
    both_kpis = kpis_of_baselines(scenario, baselines, distances)
    base_kpis = both_kpis["spreadsheet"]
    kpis = compute_kpis(scenario, result.plan, distances, baseline=base_kpis)
    report = store.json_safe(
        solve_report(
            scenario,
            result,
            kpis,
            base_kpis,
            run=run_settings(params),
            baselines=baselines,
            baselines_kpis=both_kpis,
            distances=distances,
        )
    )
    final["coverage"] = kpis.coverage
    final["min_coverage"] = kpis.min_coverage
    state = store.CANCELLED if stopped else store.FINISHED
    with writing(engine) as conn:
        # The end state first: a job no longer running (failed by a restart meanwhile)
        # gets no plan.
        if not store.finish(
            conn, job_id, state, None, progress=final, message=result.message, notes=notes
        ):
            row = store.get(conn, job_id)
            return "missing" if row is None else str(row["state"])
        plan_store.insert(
            conn,
            scenario_id=job["scenario_id"],
            revision=job["revision"],
            plan=result.plan,
            report=report,
            job_id=job_id,
        )
    return state
