"""Bounded Python steps: they end at their deadline even when the first telling is lost."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from planner.params import SolveParams
from planner.solver import bounded
from planner.solver.control import SolveControl


def _run(step: Callable[[], int], until: float) -> tuple[bool, int | None, SolveControl]:
    """``run_bounded`` on ``step`` with a solve control of 60 s; the control is returned
    open, for the caller to close."""
    control = SolveControl(SolveParams(time_limit=60))
    done, value = bounded.run_bounded(step, control, "step", until=until)
    return done, value, control


def test_a_step_whose_give_up_the_interpreter_swallowed_is_told_again_and_ends() -> None:
    """A step whose GaveUp is swallowed (it lands in a weak reference's callback, where
    Python only reports it to ``sys.unraisablehook``) is told again: it ends, and the
    caller gets ``(False, None)`` rather than a step left running."""
    swallowed: list[str] = []
    ended = threading.Event()
    # Should it never be told again, the step ends by itself after 30 s (the test fails).
    safety = time.perf_counter() + 30

    def step() -> int:
        try:
            while time.perf_counter() < safety:
                try:
                    while time.perf_counter() < safety:
                        pass
                except bounded.GaveUp as exc:
                    if swallowed:
                        raise
                    swallowed.append("first")
                    # What the interpreter does with it in a callback, on this thread.
                    bounded._quiet_gave_up(SimpleNamespace(exc_value=exc))
            return 0
        finally:
            ended.set()

    done, value, control = _run(step, time.perf_counter() + 0.05)
    try:
        assert (done, value) == (False, None)
        assert ended.wait(10), "the step was left running"
        assert swallowed == ["first"]
    finally:
        control.close()


def test_a_step_that_catches_give_up_itself_is_told_once_only() -> None:
    """A step that catches GaveUp in its own code (not swallowed by the interpreter) is
    not told again: its clean-up is not cut short twice; it is left behind, and the
    solve's control waits for it to end on its own."""
    told: list[str] = []
    safety = time.perf_counter() + 2

    def step() -> int:
        while time.perf_counter() < safety:
            try:
                while time.perf_counter() < safety:
                    pass
            except bounded.GaveUp:
                told.append("told")
        return 0

    done, value, control = _run(step, time.perf_counter() + 0.05)
    control.close()  # returns once the step has ended by itself
    assert (done, value) == (False, None)
    assert told == ["told"]


class _EventTellingLate(threading.Event):
    """An event whose first ``set`` is hit by a GaveUp at its entry, as a telling still
    pending when the step returns would be."""

    hit = False

    def set(self) -> None:
        if not _EventTellingLate.hit:
            _EventTellingLate.hit = True
            raise bounded.GaveUp
        super().set()


def test_a_give_up_landing_as_the_step_ends_still_wakes_the_waiter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A GaveUp raised as the step's thread marks it ended (at the entry of the event's
    ``set``) is caught there: the waiter wakes, the step's value comes back, and the
    solve's control does not wait forever."""
    proxy = SimpleNamespace(**vars(threading))
    proxy.Event = _EventTellingLate
    monkeypatch.setattr(bounded, "threading", proxy)
    done, value, control = _run(lambda: 42, time.perf_counter() + 30)
    closer = threading.Thread(target=control.close)
    closer.start()
    closer.join(10)
    assert not closer.is_alive(), "the control waited forever"
    assert _EventTellingLate.hit
    assert (done, value) == (True, 42)


_CALLBACK_RAISES = """
import gc, sys, weakref
from planner.solver import bounded

class Thing:
    pass

def raises(error):
    thing = Thing()
    def callback(_):
        raise error
    ref = weakref.ref(thing, callback)
    del thing
    gc.collect()

raises(bounded.GaveUp())
print("--", file=sys.stderr)
raises(ValueError("still printed"))
"""


def test_a_give_up_swallowed_in_a_callback_is_not_printed() -> None:
    """In a process of its own (pytest replaces the hook in tests): a GaveUp raised
    where Python cannot raise it (a weak reference's callback) is not printed as
    "Exception ignored"; any other exception there still is."""
    done = subprocess.run(
        [sys.executable, "-c", _CALLBACK_RAISES], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    before, after = done.stderr.split("--\n")
    assert "Exception ignored" not in before and "GaveUp" not in before
    assert "Exception ignored" in after and "still printed" in after
