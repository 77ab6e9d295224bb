"""Tests of the pool of worker processes (api.jobs.pool): real processes on a real,
migrated SQLite file; the server's SIGKILL is a real subprocess killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from api.jobs import store
from api.jobs.pool import JobPool
from api.settings import Settings
from planner.i18n import use_language
from tests.api.jobs_support import (
    LONG_PARAMS,
    add_job,
    add_scenario,
    job,
    reference_yaml,
    tiny_yaml,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def two_workers(settings: Settings) -> Settings:
    """The test settings with a pool of two workers, texts in English."""
    return settings.model_copy(update={"workers": 2, "language": "en"})


@pytest.fixture
def pool(two_workers: Settings, engine: sa.Engine) -> Iterator[JobPool]:
    """A started pool of two workers, shut down after the test."""
    pool = JobPool(two_workers, engine)
    pool.start()
    yield pool
    pool.shutdown()


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def running_with_a_plan(engine: sa.Engine, job_id: int) -> bool:
    """Whether a job runs and its progress has a plan's objective."""
    row = job(engine, job_id)
    return row["state"] == "running" and (row["progress"] or {}).get("objective") is not None


def test_jobs_run_in_at_most_the_pools_worker_processes(pool: JobPool, engine: sa.Engine) -> None:
    """Five jobs on a pool of two: never more than two worker processes at once, none
    in the service's process, and every job finishes with its plan."""
    scenario_id = add_scenario(engine, tiny_yaml())
    ids = [add_job(engine, scenario_id) for _ in range(5)]
    for job_id in ids:
        pool.submit(job_id)
    most = 0
    while any(job(engine, i)["state"] not in store.END_STATES for i in ids):
        pids = pool.pids()
        most = max(most, len(pids))
        assert os.getpid() not in pids.values()
        time.sleep(0.02)
    assert 1 <= most <= 2
    assert [pool.wait(i, 60) for i in ids] == ["finished"] * 5


def test_cancel_reaches_the_worker_and_keeps_the_best_plan(
    pool: JobPool, engine: sa.Engine
) -> None:
    """A long solve cancelled while it runs ends cancelled within seconds (not at its
    60 s limit), with the best plan found stored; the worker process ends."""
    job_id = add_job(engine, add_scenario(engine, reference_yaml()), LONG_PARAMS)
    pool.submit(job_id)
    wait_for(lambda: running_with_a_plan(engine, job_id), 60, "a plan in progress")
    (pid,) = pool.pids().values()
    assert pool.cancel(job_id) == "running"
    assert pool.wait(job_id, 45) == "cancelled"
    with engine.connect() as conn:
        plan = conn.execute(
            sa.text("select stop_reason from plans where job_id = :j"), {"j": job_id}
        )
        assert plan.scalar_one() == "stopped"
    wait_for(lambda: not alive(pid), 30, "the worker to end")


def test_a_queued_job_cancelled_never_runs(two_workers: Settings, engine: sa.Engine) -> None:
    """Cancelling a job still waiting for a worker ends it at once and takes it off the
    queue."""
    pool = JobPool(two_workers, engine)  # not started: nothing is dispatched
    job_id = add_job(engine, add_scenario(engine, tiny_yaml()))
    pool.submit(job_id)
    assert pool.queued() == [job_id]
    assert pool.cancel(job_id) == "cancelled"
    assert pool.queued() == []
    assert pool.cancel(999) is None


def test_a_restart_fails_running_jobs_and_queues_the_queued_ones(
    two_workers: Settings, engine: sa.Engine
) -> None:
    """A job left running by a dead server is failed as interrupted (and retried on
    request); a job left queued runs to its end."""
    scenario_id = add_scenario(engine, tiny_yaml())
    stuck, waiting = add_job(engine, scenario_id), add_job(engine, scenario_id)
    with engine.begin() as conn:
        store.claim(conn, stuck)
    pool = JobPool(two_workers, engine)
    try:
        assert pool.start() == [stuck]
        assert pool.wait(waiting, 60) == "finished"
        row = job(engine, stuck)
        assert row["state"] == "failed" and store.split_error(row["error"])[0] == "interrupted"
        with engine.begin() as conn:
            again = store.retry(conn, stuck)
        assert again is not None
        pool.submit(again)
        assert pool.wait(again, 60) == "finished"
    finally:
        pool.shutdown()


def test_shutdown_ends_the_workers_and_fails_their_jobs_as_interrupted(
    two_workers: Settings, engine: sa.Engine
) -> None:
    """Shutting the pool down mid-solve ends the worker process; the job is failed as
    interrupted, never left running."""
    pool = JobPool(two_workers, engine)
    pool.start()
    job_id = add_job(engine, add_scenario(engine, reference_yaml()), LONG_PARAMS)
    pool.submit(job_id)
    wait_for(lambda: job(engine, job_id)["state"] == "running", 60, "the job to run")
    wait_for(pool.pids, 10, "the worker's pid")
    (pid,) = pool.pids().values()
    pool.shutdown()
    assert not alive(pid)
    row = job(engine, job_id)
    assert row["state"] == "failed" and store.split_error(row["error"])[0] == "interrupted"


def test_a_worker_killed_fails_its_job(pool: JobPool, engine: sa.Engine) -> None:
    """A worker process that dies (SIGKILL) fails its job as crashed, naming the signal;
    the pool goes on with the next job."""
    scenario_id = add_scenario(engine, reference_yaml())
    job_id = add_job(engine, scenario_id, LONG_PARAMS)
    pool.submit(job_id)
    wait_for(lambda: job(engine, job_id)["state"] == "running", 60, "the job to run")
    pids = wait_for(pool.pids, 10, "the worker's pid")
    os.kill(pids[job_id], signal.SIGKILL)
    assert pool.wait(job_id, 30) == "failed"
    code, message = store.split_error(job(engine, job_id)["error"])
    assert code == "crashed"
    with use_language("en"):
        assert store.message_text(message) == "the worker process was killed by signal 9"
    with use_language("zh_CN"):
        assert "9" in (store.message_text(message) or "")
        assert store.message_text(message) != "the worker process was killed by signal 9"
    after = add_job(engine, add_scenario(engine, tiny_yaml()))
    pool.submit(after)
    assert pool.wait(after, 60) == "finished"


SERVER = textwrap.dedent(
    """
    import sys, time
    from api.db.engine import make_engine
    from api.jobs.pool import JobPool
    from api.settings import Settings

    settings = Settings(data_dir=sys.argv[1], workers=1, language="en", bootstrap=False)
    pool = JobPool(settings, make_engine(settings.url))
    pool.start()
    pool.submit(int(sys.argv[2]))
    while not pool.pids():
        time.sleep(0.05)
    print(pool.pids()[int(sys.argv[2])], flush=True)
    time.sleep(600)
    """
)


def test_a_server_killed_leaves_no_orphan_solve(settings: Settings, engine: sa.Engine) -> None:
    """SIGKILL of the process that owns the pool ends its worker too (no orphan solve);
    the next start fails the job as interrupted, and a retry of it finishes."""
    job_id = add_job(engine, add_scenario(engine, reference_yaml()), LONG_PARAMS)
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(settings.data_dir), str(job_id)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        worker_pid = int(server.stdout.readline())
        wait_for(lambda: job(engine, job_id)["state"] == "running", 60, "the job to run")
    finally:
        server.kill()
        server.wait(10)
    wait_for(lambda: not alive(worker_pid), 30, "the orphaned worker to end")
    assert job(engine, job_id)["state"] == "running"  # nobody was left to say otherwise
    pool = JobPool(settings.model_copy(update={"language": "en"}), engine)
    try:
        assert pool.start() == [job_id]
        assert store.split_error(job(engine, job_id)["error"])[0] == "interrupted"
    finally:
        pool.shutdown()


def _niceness(pid: int) -> int:
    """A process's niceness (its main thread's, from ``/proc``)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_worker_processes_take_the_solve_niceness(two_workers: Settings, engine: sa.Engine) -> None:
    """A worker process runs ``solve_nice`` steps nicer than the service's process, so
    that the service keeps a core while the solver's threads run."""
    settings = two_workers.model_copy(update={"solve_nice": 7})
    pool = JobPool(settings, engine)
    pool.start()
    try:
        job_id = add_job(engine, add_scenario(engine, reference_yaml()), LONG_PARAMS)
        pool.submit(job_id)
        pid = wait_for(lambda: pool.pids().get(job_id), 30, "the worker to start")
        expected = min(19, os.nice(0) + 7)
        wait_for(lambda: alive(pid) and _niceness(pid) == expected, 30, "the worker's niceness")
    finally:
        pool.shutdown()


def test_the_dispatcher_survives_a_failing_look(
    pool: JobPool, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database error while reaping a worker does not end the dispatcher: it backs
    off, reaps the process at a later look and still runs the next job."""
    failures: list[int] = []
    reap = pool._reap

    def failing_once(job_id: int, process: Any) -> None:
        if not failures:
            failures.append(job_id)
            raise sa.exc.OperationalError("reap", {}, Exception("database is locked"))
        reap(job_id, process)

    monkeypatch.setattr(pool, "_reap", failing_once)
    scenario_id = add_scenario(engine, tiny_yaml())
    first = add_job(engine, scenario_id)
    pool.submit(first)
    assert pool.wait(first, 60) == "finished"
    wait_for(lambda: bool(failures) and pool.pids() == {}, 30, "the failed reap retried")
    second = add_job(engine, scenario_id)
    pool.submit(second)
    assert pool.wait(second, 60) == "finished"
    assert failures == [first] and pool.alive()


def test_a_worker_started_while_the_pool_closes_is_ended_and_its_job_failed(
    two_workers: Settings, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker process the dispatcher started just as the pool began to close is
    ended at once (not left running unwatched), and its job fails as interrupted."""
    pool = JobPool(two_workers, engine)  # not started: the test plays the dispatcher
    started: list[Any] = []
    make = pool.context.Process  # type: ignore[attr-defined]

    def recorded(*args: Any, **kwargs: Any) -> Any:
        process = make(*args, **kwargs)
        started.append(process)
        pool._closing = True  # the shutdown begins while the process starts
        return process

    monkeypatch.setattr(pool.context, "Process", recorded)
    job_id = add_job(engine, add_scenario(engine, reference_yaml()), LONG_PARAMS)
    pool._start(job_id)
    (process,) = started
    assert not process.is_alive() and process.exitcode is not None
    assert pool.pids() == {}
    row = job(engine, job_id)
    assert row["state"] == "failed"
    assert store.split_error(row["error"])[0] == store.INTERRUPTED
