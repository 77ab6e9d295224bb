"""The parts of a split scenario on a real Dask LocalCluster of two worker processes."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from planner.decompose import solve_by_parts
from planner.params import SolveParams
from planner.sweep.parts import dask_parts
from planner.validate import assert_valid
from tests.decompose.support import two_areas

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _workers_import_this_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes import ``planner`` from this tree, as the test process does."""
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(ROOT), path) if p))


def test_parts_on_two_worker_processes_give_the_serial_plan() -> None:
    """Both subdistricts solved on two Dask worker processes (one thread each, so one
    CP-SAT worker per part, fixed seed, proven part optima) give the serial run's plan,
    objective, bound and part reports, and the plan passes the validator."""
    scenario = two_areas(weeks=5)
    params = SolveParams(time_limit=30, workers=1, seed=0, relative_gap=0.0, decompose="yes")
    serial = solve_by_parts(scenario, params)
    with dask_parts(n_workers=2) as (runner, slots):
        assert slots == 2
        on_dask = solve_by_parts(scenario, params, runner=runner, slots=slots)
    assert on_dask.plan == serial.plan
    assert on_dask.objective == serial.objective
    assert on_dask.best_bound == pytest.approx(serial.best_bound, rel=1e-9)
    assert [(p.area, p.status, p.objective) for p in on_dask.parts] == [
        (p.area, p.status, p.objective) for p in serial.parts
    ]
    assert on_dask.plan is not None
    assert_valid(scenario, on_dask.plan)


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
    monkeypatch.setattr(parts, "solve_part", lambda task: seen.append(task.params))
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
