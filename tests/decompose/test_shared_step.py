"""A split solve's shared step ends on a stop and at the time limit, without a plan."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from planner import wording
from planner.decompose import run, solve_by_parts
from planner.params import SolveParams
from planner.result import Result, SolveStatus, StopReason
from planner.scenario import Scenario
from tests.decompose.support import small_district

#: One worker, a fixed seed; time enough for the parts (never reached here).
PARAMS = SolveParams(time_limit=60, workers=1, seed=0, decompose="yes")
#: What the shared step's two ways are slowed in: the whole's baselines, the split.
SLOWED = {"whole baselines": "plan_baselines", "by weeks": "split_scenario"}


@pytest.fixture(scope="module")
def district() -> Scenario:
    """A generated district cut to three subdistricts, over four weeks."""
    return small_district(subdistricts=3, weeks=4)


class _Slow:
    """A step of the shared step that does its work and then goes on without end, as a
    city's whole baselines do for minutes (Python that knows no clock).

    ``entered`` is set once the real work is done and the endless part begins; ``ended``
    once the endless part was ended from outside (by an exception raised in it).
    """

    def __init__(self, real: Any) -> None:
        self.real = real
        self.entered = threading.Event()
        self.ended = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.real(*args, **kwargs)
        self.entered.set()
        try:
            while True:
                time.sleep(0.005)
        finally:
            self.ended.set()


@pytest.fixture(params=sorted(SLOWED))
def slow(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Slow]:
    """The shared step slowed in its whole baselines or in its split by weeks."""
    if request.param == "by weeks":
        monkeypatch.setattr(run, "WHOLE_BASELINES_UP_TO", 0)
        monkeypatch.setattr(run, "WHOLE_BASELINES_SECONDS_PER_LINE", math.inf)
    name = SLOWED[request.param]
    step = _Slow(getattr(run, name))
    monkeypatch.setattr(run, name, step)
    yield step


def _assert_no_part_ran(district: Scenario, result: Result) -> None:
    """No plan, and one report per subdistrict, none run."""
    assert result.status == SolveStatus.NO_SOLUTION
    assert result.plan is None and result.baseline_plan is None
    assert [p.subdistrict_id for p in result.parts] == [s.id for s in district.subdistricts]
    assert not any(p.ran for p in result.parts)


def test_a_stop_during_the_shared_step_ends_the_solve_at_once(
    district: Scenario, slow: _Slow
) -> None:
    """A stop set while the shared step runs ends the solve within a second (not when
    the step would end): no plan, stop reason ``stopped``, a message that says when it
    was stopped, while the scenario was being split, no part run, and no thread of the
    solve left running (the step itself was ended)."""
    before = set(threading.enumerate())
    stop = threading.Event()
    stopped_at: list[float] = []

    def stop_inside() -> None:
        assert slow.entered.wait(30)
        stopped_at.append(time.perf_counter())
        stop.set()

    stopper = threading.Thread(target=stop_inside)
    stopper.start()
    began = time.perf_counter()
    result = solve_by_parts(district, PARAMS, stop=stop)
    returned = time.perf_counter()
    stopper.join()
    assert returned - stopped_at[0] < 1.0
    assert slow.ended.is_set()
    assert set(threading.enumerate()) == before
    _assert_no_part_ran(district, result)
    assert result.stop_reason == StopReason.STOPPED
    seconds = float(result.message.split("after ")[1].split(" s")[0])
    assert result.message == wording.stopped_while_splitting_text(seconds)
    # The seconds into the solve when the stop came (the watcher looks every 0.05 s).
    assert seconds == pytest.approx(stopped_at[0] - began, abs=0.15)


def test_the_shared_step_gives_up_at_the_time_limit(district: Scenario, slow: _Slow) -> None:
    """A shared step that outlasts the time limit gives up at it: the solve returns
    within a second and a half of the limit (the watcher's and the thread's ends on a
    busy machine) with no plan, stop reason ``time_limit``, a message
    that says the split took longer than the limit, no part run, and no thread of the
    solve left running."""
    before = set(threading.enumerate())
    params = SolveParams(time_limit=3, workers=1, seed=0, decompose="yes")
    began = time.perf_counter()
    result = solve_by_parts(district, params)
    took = time.perf_counter() - began
    assert slow.entered.is_set() and slow.ended.is_set()
    assert 3.0 <= took < 4.5
    assert set(threading.enumerate()) == before
    _assert_no_part_ran(district, result)
    assert result.stop_reason == StopReason.TIME_LIMIT
    assert result.message == wording.split_over_limit_text(3)


def test_no_time_left_for_the_shared_step_says_so(district: Scenario) -> None:
    """A deadline already past when the solve begins (reading took the whole limit)
    leaves no time for the shared step: no plan at once, stop reason ``time_limit``, and
    a message that says no time was left to split the scenario."""
    result = solve_by_parts(district, PARAMS, deadline=time.perf_counter() - 1)
    assert result.wall_seconds < 0.5
    _assert_no_part_ran(district, result)
    assert result.stop_reason == StopReason.TIME_LIMIT
    assert result.message == wording.no_time_to_split_text(PARAMS.time_limit)
