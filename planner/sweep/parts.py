"""The subdistricts of a split scenario solved side by side on a Dask cluster.

:func:`dask_parts` opens a :class:`distributed.LocalCluster` of worker processes (one
thread each) on loopback, or connects to a running scheduler, and gives a runner for
:func:`planner.decompose.solve_by_parts`: each part's task (its scenario, allotment
and baselines, all plain data) is shipped to a worker, which builds the part's model
there (CP-SAT models do not pickle) and solves it with as many CP-SAT workers as the
Dask worker has threads. Results come back as they end.

When a run ends at its deadline or on a stop, the parts it no longer waits for are told
to stop on their workers (:func:`stop_parts`: those running end within about a second,
as a stopped solve does; those not begun are not run), and those the scheduler has not
given to a worker yet are cancelled; as the block ends, the others are waited for, so
that the cluster closes with idle workers. A local cluster is then closed quietly
(:func:`planner.sweep.cluster.close_local`).
"""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from planner.decompose import PartTask, Runner, solve_part
from planner.decompose.run import PART_OVERRUN
from planner.result import Result

#: How often a runner waiting for parts looks at the solve's stop (seconds).
POLL_SECONDS = 0.2
#: Seconds to reach a scheduler and to see its first worker.
CONNECT_SECONDS = 10.0
#: Seconds the parts told to stop at the end of a run are waited for as the block ends
#: (a part ends within about a second; one in HiGHS's LP, which ignores a stop, when
#: the LP's own limit comes); those still running then are cancelled.
STOP_SECONDS = 5.0
#: Seconds to reach every worker with a call outside the tasks (telling a run's parts
#: to stop); a worker not reached ends its part at the part's own time limit.
CALL_SECONDS = 5.0

# On a worker: the runs told to stop (a run's id is a few bytes; a worker keeps them all),
# and the stop events of the parts running here, by run.
_stopped_runs: set[str] = set()
_running: dict[str, set[threading.Event]] = {}
_worker_lock = threading.Lock()


class DaskUnavailable(RuntimeError):
    """The Dask cluster could not be reached, or has no worker.

    Attributes
    ----------
    address
        The scheduler's address (``None`` for a local cluster).
    reason
        What went wrong.
    """

    def __init__(self, address: str, reason: BaseException) -> None:
        super().__init__(f"{address}: {type(reason).__name__}: {reason}")
        self.address = address
        self.reason = reason


def part_on_worker(task: PartTask, run: str = "") -> Result | None:
    """Solve one part on the Dask worker this runs on, with all its threads; None for a
    part started too late to end by the solve's deadline, or after its run was told to
    stop (not run). ``run`` names the run the part is of (:func:`stop_parts`)."""
    from distributed import get_worker
    from distributed.gc import disable_gc_diagnosis

    # A solve ends its bounded steps by raising in their threads at the deadline
    # (planner.solver.bounded); Dask's garbage-collection diagnosis runs callbacks in
    # any thread, where such an exception would land and be swallowed. Off it goes.
    disable_gc_diagnosis(force=True)
    threads = max(1, int(get_worker().state.nthreads))
    params = dataclasses.replace(task.params, workers=threads)
    if task.until is not None:
        # A part started late (after others on this worker) ends by the solve's
        # deadline: the main process, putting the plan together and reporting then,
        # would otherwise share the machine with parts whose results it no longer takes.
        left = task.until - time.time() - PART_OVERRUN
        if left <= 0:  # it would end past the deadline whatever its limit: not run
            return None
        params = dataclasses.replace(params, time_limit=min(params.time_limit, left))
    stop = threading.Event()
    with _worker_lock:
        if run in _stopped_runs:
            return None
        _running.setdefault(run, set()).add(stop)
    try:
        return solve_part(dataclasses.replace(task, params=params), stop)
    finally:
        with _worker_lock:
            mine = _running[run]
            mine.discard(stop)
            if not mine:
                del _running[run]


def stop_parts(run: str) -> int:
    """On a worker: stop the parts of ``run`` running here (each ends within about a
    second, as a stopped solve does) and keep any not begun from running; how many
    were running."""
    with _worker_lock:
        _stopped_runs.add(run)
        stops = list(_running.get(run, ()))
    for stop in stops:
        stop.set()
    return len(stops)


@contextmanager
def dask_parts(
    scheduler: str | None = None, n_workers: int | None = None
) -> Iterator[tuple[Runner, int]]:
    """A runner of parts on a Dask cluster, and how many parts it solves at once.

    Parameters
    ----------
    scheduler
        The address of a running scheduler (``tcp://HOST:8786``); None starts a local
        cluster, closed when the block ends.
    n_workers
        Worker processes of the local cluster (one thread each); None: Dask's choice
        (the machine's cores). Ignored with ``scheduler``.

    Yields
    ------
    tuple
        The runner (:data:`planner.decompose.Runner`) and the cluster's threads in all,
        the ``slots`` of :func:`planner.decompose.solve_by_parts`.

    Raises
    ------
    DaskUnavailable
        When the scheduler cannot be reached, or shows no worker, within
        :data:`CONNECT_SECONDS`.

    Notes
    -----
    A script that starts a local cluster must guard its work with ``if __name__ ==
    "__main__":``: Dask's worker processes import the script again.

    As the block ends, the parts the runs left running (told to stop) are waited for,
    up to :data:`STOP_SECONDS`; a local cluster is then closed, workers before the
    scheduler, with distributed's logging kept off the terminal
    (:func:`planner.sweep.cluster.close_local`). A running scheduler's cluster is left
    as it is, its logging too.
    """
    from distributed import Client

    from planner.sweep.cluster import close_local, local_cluster

    cluster: Any = None
    client: Any = None
    if scheduler is None:
        cluster = local_cluster(n_workers)
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler, timeout=CONNECT_SECONDS)
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError, TypeError, MemoryError) as error:
            raise DaskUnavailable(str(scheduler), error) from error
        slots = max(1, sum(client.nthreads().values()))
        left: set[Any] = set()
        try:
            yield _runner(client, left), slots
        finally:
            _settle(client, left)
    finally:
        if cluster is not None:
            close_local(cluster, client)
        elif client is not None:
            client.close()


def _runner(client: Any, left: set[Any]) -> Runner:
    """Submit every part at once (none after the deadline); yield each result as it
    ends; on a stop or at the deadline, stop the parts still pending (:func:`_stop_run`;
    their results are not waited for) and add those given to a worker to ``left``. A
    part whose task fails (a lost worker) is left out: its subdistrict keeps the
    fallback's plan."""
    from distributed import wait

    def run(
        tasks: Sequence[PartTask], stop: threading.Event | None, deadline: float
    ) -> Iterator[tuple[int, Result]]:
        if time.perf_counter() >= deadline:
            return
        name = uuid.uuid4().hex  # this run's, for stopping its parts (stop_parts)
        # pure=False: two parts with equal data are still two solves.
        futures = {client.submit(part_on_worker, t, name, pure=False): t.index for t in tasks}
        pending = set(futures)
        try:
            while pending:
                if stop is not None and stop.is_set():
                    return
                if time.perf_counter() >= deadline:
                    return  # the parts still running keep the fallback's deliveries
                try:
                    done, pending = wait(
                        pending, timeout=POLL_SECONDS, return_when="FIRST_COMPLETED"
                    )
                except TimeoutError:  # none ended yet: look at the stop again
                    continue
                for future in done:
                    try:
                        result = future.result()
                    except Exception:
                        # The part keeps the fallback's deliveries, as one not run.
                        continue
                    if result is None:  # started too late to run: as one not run
                        continue
                    yield futures[future], result
        finally:
            if pending:
                left.update(_stop_run(client, name, pending))

    return run


def _stop_run(client: Any, name: str, pending: Iterable[Any]) -> list[Any]:
    """Stop the parts of run ``name`` that ``pending`` holds: tell the workers to stop
    them (:func:`stop_parts`), then cancel those the scheduler has not given to a worker;
    the others (running and ending within about a second, or given to a worker and not
    to be run) are returned.

    A running task is not cancelled: its thread would go on with the part (Dask cannot
    interrupt it), on a worker the scheduler takes for idle.
    """
    try:
        client.run(stop_parts, name, callback_timeout=CALL_SECONDS)
        begun = {key for keys in client.processing().values() for key in keys}
    except (OSError, TimeoutError):
        # The scheduler or a worker out of reach: all are cancelled, and a part still
        # running ends at its own time limit.
        begun = set()
    running = [f for f in pending if f.key in begun]
    client.cancel([f for f in pending if f.key not in begun])
    return running


def _settle(client: Any, left: set[Any]) -> None:
    """Wait up to :data:`STOP_SECONDS` for the parts ``left`` running (told to stop) to
    end; cancel those still running then."""
    from distributed import wait

    if not left:
        return
    try:
        wait(list(left), timeout=STOP_SECONDS)
    except (OSError, TimeoutError):
        client.cancel([f for f in left if not f.done()])
    left.clear()
