"""Bounded Python steps: they end at their deadline even when the first telling is lost."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from planner.params import SolveParams
from planner.solver import bounded
from planner.solver.control import SolveControl


def test_a_step_that_swallows_the_first_give_up_is_told_again_and_ends() -> None:
    """A step whose first GaveUp is lost (as when it lands in a weak reference's
    callback, where Python only prints it) is told again: it ends, and the caller gets
    ``(False, None)`` rather than a step left running."""
    control = SolveControl(SolveParams(time_limit=60))
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
                except bounded.GaveUp:
                    if swallowed:
                        raise
                    swallowed.append("first")
            return 0
        finally:
            ended.set()

    try:
        done, value = bounded.run_bounded(
            step, control, "swallow", until=time.perf_counter() + 0.05
        )
        assert (done, value) == (False, None)
        assert ended.wait(10), "the step was left running"
        assert swallowed == ["first"]
    finally:
        control.close()


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
    assert before == ""
    assert "Exception ignored" in after and "still printed" in after
