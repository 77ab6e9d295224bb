"""The parts of a split scenario on a real Dask LocalCluster of two worker processes."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from planner.decompose import PartTask, Runner, solve_by_parts
from planner.decompose.split import split_scenario
from planner.params import SolveParams
from planner.result import Result
from planner.sweep import parts as parts_module
from planner.sweep.parts import dask_parts
from planner.validate import assert_valid
from tests.decompose.support import small_district, two_areas

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _workers_import_this_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes import ``planner`` from this tree, as the test process does."""
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(ROOT), path) if p))


def test_parts_on_two_worker_processes_give_the_serial_plan(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Both subdistricts solved on two Dask worker processes (one thread each, so one
    CP-SAT worker per part, fixed seed, proven part optima) give the serial run's plan,
    objective, bound and part reports, and the plan passes the validator. The worker
    processes ignore a Ctrl-C (SIGINT, which a terminal sends them too): they go on,
    the same processes, and the cluster starts and closes without a word on stderr."""
    from distributed import default_client

    scenario = two_areas(weeks=5)
    params = SolveParams(time_limit=30, workers=1, seed=0, relative_gap=0.0, decompose="yes")
    serial = solve_by_parts(scenario, params)
    capfd.readouterr()
    with dask_parts(n_workers=2) as (runner, slots):
        assert slots == 2
        pids = default_client().run(os.getpid)
        for pid in pids.values():
            os.kill(pid, signal.SIGINT)
        on_dask = solve_by_parts(scenario, params, runner=runner, slots=slots)
        assert default_client().run(os.getpid) == pids
    assert capfd.readouterr().err == ""
    assert on_dask.plan == serial.plan
    assert on_dask.objective == serial.objective
    assert on_dask.best_bound == pytest.approx(serial.best_bound, rel=1e-9)
    assert [(p.area, p.status, p.objective) for p in on_dask.parts] == [
        (p.area, p.status, p.objective) for p in serial.parts
    ]
    assert on_dask.plan is not None
    assert_valid(scenario, on_dask.plan)


def _parts_running_here() -> int:
    """On a worker: how many parts are running there (those :func:`stop_parts` stops)."""
    with parts_module._worker_lock:
        return sum(len(stops) for stops in parts_module._running.values())


def _stopped_inside(runner: Runner, tasks: list[PartTask]) -> list[tuple[int, Result]]:
    """Run ``tasks`` (parts that take a minute) and stop the run as soon as both
    workers are inside a part; what the run yielded."""
    from distributed import default_client

    client = default_client()
    stop = threading.Event()

    def stop_once_inside() -> None:
        give_up = time.perf_counter() + 60
        while time.perf_counter() < give_up:
            if sorted(client.run(_parts_running_here).values()) == [1, 1]:
                break
            time.sleep(0.1)
        stop.set()

    watcher = threading.Thread(target=stop_once_inside)
    watcher.start()
    try:
        return list(runner(tasks, stop, time.perf_counter() + 120))
    finally:
        watcher.join()


def test_closing_while_parts_still_run_writes_nothing_and_keeps_the_results(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On two worker processes, a run stopped while both workers are inside its parts
    (three parts of a generated district, gap 0, a minute each) yields none of them
    and stops them; a split solve in the same cluster right after still gives the
    serial run's plan and objective (the first run's parts no longer hold the workers,
    and its stop does not reach the solve's); and closing the cluster just after
    another run was stopped with both workers inside its parts writes nothing to
    stderr: the parts running are told to stop and end on their own, none cancelled
    or killed, and distributed's logging is kept quiet."""
    settled: list[str] = []
    settle = parts_module._settle

    def spied(client: Any, left: set[Any]) -> None:
        futures = list(left)
        settle(client, left)
        settled.extend(f.status for f in futures)

    monkeypatch.setattr(parts_module, "_settle", spied)
    scenario = two_areas(weeks=5)
    params = SolveParams(time_limit=30, workers=1, seed=0, relative_gap=0.0, decompose="yes")
    serial = solve_by_parts(scenario, params)
    long = SolveParams(time_limit=60, workers=1, seed=0, relative_gap=0.0, decompose="no")
    parts = split_scenario(small_district(subdistricts=3, weeks=4), by_weeks=True)
    tasks = [PartTask(k, p.area, p.scenario, long, None) for k, p in enumerate(parts)]
    capfd.readouterr()
    with dask_parts(n_workers=2) as (runner, slots):
        assert _stopped_inside(runner, tasks) == []
        on_dask = solve_by_parts(scenario, params, runner=runner, slots=slots)
        assert _stopped_inside(runner, tasks) == []
    assert on_dask.plan == serial.plan and on_dask.objective == serial.objective
    # Both runs' parts that were running (two each) ended on their own.
    assert len(settled) >= 4 and set(settled) == {"finished"}
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("late", [False, True])
def test_a_part_started_late_on_a_worker_ends_by_the_solves_deadline(
    late: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a worker, a part is solved with the worker's threads and its own time limit,
    cut to what is left before the solve's deadline (``until``, wall-clock time, less
    what a solve overruns) when it starts later than that allows, and not run at all
    (None) when it starts past it."""
    import distributed

    from planner.decompose import PartTask, run
    from planner.sweep import parts

    seen: list[SolveParams] = []

    class Worker:
        class state:
            nthreads = 3

    monkeypatch.setattr(distributed, "get_worker", lambda: Worker())
    monkeypatch.setattr(parts, "solve_part", lambda task, stop: seen.append(task.params))
    scenario = two_areas()
    params = SolveParams(time_limit=20, workers=1, seed=0, decompose="no")
    until = time.time() + (5.0 if late else 60.0)
    parts.part_on_worker(PartTask(0, "东", scenario, params, None, until))
    assert seen[0].workers == 3
    if late:
        assert 5.0 - run.PART_OVERRUN - 1 < seen[0].time_limit <= 5.0 - run.PART_OVERRUN
    else:
        assert seen[0].time_limit == 20
    # Past its deadline it is not run at all (the runner counts it as not run).
    gone = PartTask(0, "东", scenario, params, None, time.time() - 1)
    assert parts.part_on_worker(gone) is None
    assert len(seen) == 1
