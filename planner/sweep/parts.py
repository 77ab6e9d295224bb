"""The subdistricts of a split scenario solved side by side on a Dask cluster.

:func:`dask_parts` opens a :class:`distributed.LocalCluster` of worker processes (one
thread each) on loopback, or connects to a running scheduler, and gives a runner for
:func:`planner.decompose.solve_by_parts`: each part's task (its scenario, allotment
and baselines, all plain data) is shipped to a worker, which builds the part's model
there (CP-SAT models do not pickle) and solves it with as many CP-SAT workers as the
Dask worker has threads. Results come back as they end.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from planner.decompose import PartTask, Runner, solve_part
from planner.decompose.run import PART_OVERRUN
from planner.result import Result

#: How often a runner waiting for parts looks at the solve's stop (seconds).
POLL_SECONDS = 0.2
#: Seconds to reach a scheduler and to see its first worker.
CONNECT_SECONDS = 10.0


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


def part_on_worker(task: PartTask) -> Result | None:
    """Solve one part on the Dask worker this runs on, with all its threads; None for a
    part started too late to end by the solve's deadline (not run)."""
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
    return solve_part(dataclasses.replace(task, params=params))


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
    """
    from distributed import Client

    from planner.sweep.cluster import local_cluster

    cluster: Any = None
    if scheduler is None:
        cluster = local_cluster(n_workers)
    try:
        try:
            client = Client(cluster if cluster is not None else scheduler, timeout=CONNECT_SECONDS)
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError, ValueError, TypeError, MemoryError) as error:
            raise DaskUnavailable(str(scheduler), error) from error
        with client:
            slots = max(1, sum(client.nthreads().values()))
            yield _runner(client), slots
    finally:
        if cluster is not None:
            cluster.close()


def _runner(client: Any) -> Runner:
    """Submit every part at once (none after the deadline); yield each result as it
    ends; on a stop or at the deadline, cancel the parts still waiting (a part already
    running ends at its own time limit; its result is not waited for). A part whose
    task fails (a lost worker) is left out: its subdistrict keeps the fallback's plan."""
    from distributed import wait

    def run(
        tasks: Sequence[PartTask], stop: threading.Event | None, deadline: float
    ) -> Iterator[tuple[int, Result]]:
        if time.perf_counter() >= deadline:
            return
        # pure=False: two parts with equal data are still two solves.
        futures = {client.submit(part_on_worker, t, pure=False): t.index for t in tasks}
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
            for future in pending:
                future.cancel()

    return run
