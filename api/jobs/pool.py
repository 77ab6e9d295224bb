"""The bounded pool of worker processes that runs solve jobs.

:class:`JobPool` keeps the queue in the service's process and starts one worker process
per job (:func:`api.jobs.worker.main`), at most ``settings.workers`` at a time, from a
``forkserver`` context that has the solver loaded already (``spawn`` where there is no
fork server). A dispatcher thread starts and reaps the processes, so the event loop
never waits for a solve. Each worker ends itself when the service's process ends, even
by SIGKILL (:func:`api.jobs.worker.die_with_parent`): no orphan solve survives its server.

The database is the truth: a job's state, progress and cancel flag live in its row,
so any process can read them (``GET /jobs/{id}``) and a restart knows what was going on.
On :meth:`JobPool.start` every job left ``running`` by a previous life is failed as
``interrupted`` (retryable), and every ``queued`` one is queued again.
"""

from __future__ import annotations

import collections
import logging
import multiprocessing
import os
import sys
import threading
import time
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Protocol

import sqlalchemy as sa

from api.db.engine import writing
from api.jobs import store
from api.jobs.worker import WorkerConfig, main

#: Why a job is failed when the service stopped while it ran (stored untranslated).
INTERRUPTED_MESSAGE = store.catalogued(store.INTERRUPTED_MESSAGE)
#: Seconds between two looks of the dispatcher at its processes (and of wait() at a job).
POLL = 0.1
#: The longest pause of the dispatcher after a failing look.
MAX_BACKOFF = 5.0
#: Modules the fork server loads once, so that a worker starts without importing them.
PRELOAD = ["api.jobs.worker", "planner.solver", "planner.report"]


class PoolSettings(Protocol):
    """What the pool reads from the service's settings."""

    workers: int
    language: str
    solve_nice: int

    @property
    def url(self) -> str:
        """The database URL."""
        ...


log = logging.getLogger("cultplan.jobs")


def worker_context() -> BaseContext:
    """The multiprocessing context of the workers: ``forkserver`` with the solver
    preloaded where available, else ``spawn`` (never ``fork``: the service has threads)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


class JobPool:
    """Runs solve jobs in at most ``settings.workers`` worker processes.

    Parameters
    ----------
    settings
        ``workers`` (the pool's size, at least 1), ``url`` (the database; the workers
        open it themselves), ``language`` (of the library's texts the jobs store) and
        ``solve_nice`` (the workers' niceness).
    engine
        The service's engine (the pool reads and writes job rows with it).
    context
        The multiprocessing context (default :func:`worker_context`).
    """

    def __init__(
        self, settings: PoolSettings, engine: sa.Engine, context: BaseContext | None = None
    ) -> None:
        if settings.workers < 1:
            raise ValueError(f"workers must be at least 1, not {settings.workers}")
        self.size = int(settings.workers)
        self.engine = engine
        self.config = WorkerConfig(
            database_url=str(settings.url),
            language=str(settings.language),
            parent_pid=os.getpid(),
            nice=int(settings.solve_nice),
        )
        self.context = context if context is not None else worker_context()
        self._queue: collections.deque[int] = collections.deque()
        self._running: dict[int, BaseProcess] = {}
        self._wake = threading.Condition()
        self._closing = False
        self._thread: threading.Thread | None = None

    # -- life -----------------------------------------------------------------------------

    def start(self) -> list[int]:
        """Recover from a previous life, then start dispatching; return the failed ids.

        Jobs left ``running`` (their workers died with the previous server) are failed
        as ``interrupted``, which ``POST /jobs/{id}/retry`` accepts; ``queued`` jobs are
        queued again, oldest first.
        """
        with writing(self.engine) as conn:
            failed = store.fail_running(conn, INTERRUPTED_MESSAGE)
            queued = store.queued_ids(conn)
        with self._wake:
            self._queue.extend(i for i in queued if i not in self._queue)
        self._thread = threading.Thread(target=self._dispatch, name="job-pool", daemon=True)
        self._thread.start()
        return failed

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop dispatching, end the running workers, fail their jobs as interrupted.

        Queued jobs stay queued (the next start queues them again).
        """
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
        with self._wake:
            running = dict(self._running)
            self._running.clear()
        for process in running.values():
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + timeout
        for process in running.values():
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)
        if running:
            with writing(self.engine) as conn:
                store.fail_running(conn, INTERRUPTED_MESSAGE, list(running))

    # -- jobs -----------------------------------------------------------------------------

    def submit(self, job_id: int) -> None:
        """Queue a job (already inserted as ``queued``) for a worker."""
        with self._wake:
            if job_id not in self._queue and job_id not in self._running:
                self._queue.append(job_id)
            self._wake.notify_all()

    def cancel(self, job_id: int) -> str | None:
        """Ask a job to stop early; return its state now (None for an unknown id).

        A queued job is cancelled at once. A running one is flagged: its worker sees the
        flag within a second, stops the search and keeps the best plan found (the job
        then ends ``cancelled`` with that plan).
        """
        with writing(self.engine) as conn:
            state = store.request_cancel(conn, job_id)
        if state == store.CANCELLED:
            with self._wake:
                if job_id in self._queue:
                    self._queue.remove(job_id)
        return state

    def wait(self, job_id: int, timeout: float | None = None) -> str | None:
        """Wait until a job ends (or ``timeout`` seconds pass); return its state."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self.engine.connect() as conn:
                row = store.get(conn, job_id)
            state = None if row is None else str(row["state"])
            if state is None or state in store.END_STATES:
                return state
            if deadline is not None and time.monotonic() >= deadline:
                return state
            time.sleep(POLL)

    def pids(self) -> dict[int, int]:
        """The worker processes now running: job id to process id."""
        with self._wake:
            return {job_id: p.pid for job_id, p in self._running.items() if p.pid is not None}

    def queued(self) -> list[int]:
        """The jobs waiting for a worker, in order."""
        with self._wake:
            return list(self._queue)

    # -- the dispatcher thread ------------------------------------------------------------

    def alive(self) -> bool:
        """Whether the dispatcher thread runs (``GET /healthz`` reports it)."""
        return self._thread is not None and self._thread.is_alive()

    def _dispatch(self) -> None:
        """Start and reap worker processes until the pool closes.

        One failing look (the database locked or gone a moment) is logged and the
        dispatcher backs off and goes on: a process not reaped stays in the running set
        and is reaped at the next look, a job not started goes back to the queue's head.
        """
        backoff = POLL
        while True:
            with self._wake:
                if self._closing:
                    return
            try:
                self._dispatch_once()
                backoff = POLL
            except Exception:
                log.exception("job pool: dispatch failed; retrying in %.1f s", backoff)
                with self._wake:
                    if not self._closing:
                        self._wake.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            with self._wake:
                if not self._closing:
                    self._wake.wait(POLL)

    def _dispatch_once(self) -> None:
        """Reap the ended worker processes, then start queued jobs in the free places."""
        with self._wake:
            ended = {i: p for i, p in self._running.items() if p.exitcode is not None}
        for job_id, process in ended.items():
            self._reap(job_id, process)
            with self._wake:
                self._running.pop(job_id, None)
        while True:
            with self._wake:
                if self._closing or not self._queue or len(self._running) >= self.size:
                    return
                job_id = self._queue.popleft()
            try:
                self._start(job_id)
            except BaseException:
                with self._wake:
                    if job_id not in self._running:
                        self._queue.appendleft(job_id)
                raise

    def _start(self, job_id: int) -> None:
        process = self.context.Process(  # type: ignore[attr-defined]
            target=main, args=(self.config, job_id), name=f"cultplan-job-{job_id}", daemon=True
        )
        try:
            process.start()
        except Exception as exc:  # the job fails, the pool goes on
            print(f"job {job_id}: worker not started: {exc!r}", file=sys.stderr)
            with writing(self.engine) as conn:
                store.finish(
                    conn,
                    job_id,
                    store.FAILED,
                    store.error_text(
                        store.CRASHED, store.catalogued(store.WORKER_NOT_STARTED, error=str(exc))
                    ),
                    expected=(store.QUEUED, store.RUNNING),
                )
            return
        with self._wake:
            closing = self._closing
            if not closing:
                self._running[job_id] = process
        if closing:  # started while the pool shuts down: ended here, its job failed
            process.terminate()
            process.join(5.0)
            if process.is_alive():
                process.kill()
                process.join(1.0)
            with writing(self.engine) as conn:
                store.fail_running(conn, INTERRUPTED_MESSAGE, [job_id])
                store.finish(
                    conn,
                    job_id,
                    store.FAILED,
                    store.error_text(store.INTERRUPTED, INTERRUPTED_MESSAGE),
                    expected=(store.QUEUED,),
                )

    def _reap(self, job_id: int, process: BaseProcess) -> None:
        """A worker ended: a job it left unfinished failed with the process."""
        process.join()
        code = process.exitcode
        if code is not None and code < 0:
            how = store.catalogued(store.WORKER_KILLED, signal=-code)
        else:
            how = store.catalogued(store.WORKER_EXITED, code=code)
        with writing(self.engine) as conn:
            store.finish(
                conn,
                job_id,
                store.FAILED,
                store.error_text(store.CRASHED, how),
                expected=(store.QUEUED, store.RUNNING),
            )
