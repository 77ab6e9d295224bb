"""Pure-Python steps of a solve that end at its deadline or on its stop.

Building the model and planning the spreadsheet baseline are long loops of Python in
modules that know nothing of a solve's clock (at district scale each takes seconds to
tens of seconds). Rather than thread a deadline through every rule family and every
round of the baseline, :func:`run_bounded` runs such a step in a helper thread and, once
the time limit runs out or the caller stops the solve, raises :class:`GaveUp` inside it
(``PyThreadState_SetAsyncExc``): the step ends at its next Python instruction and
whatever it built is dropped. A step inside a long native call (a CP-SAT search) ends
only when that call returns, so such calls get their own time limit as well; a step
that does not end within :data:`ABANDON_SECONDS` of being told is left to finish on its
own (its result is ignored), and the solve's control joins its thread before the solve
returns (:meth:`~planner.solver.control.SolveControl.close`).

The exception may land where Python cannot raise it: in a callback the interpreter
runs on the step's thread, such as a weak reference's (``WeakSet._remove``, run when
the garbage collector frees an object). Python then prints "Exception ignored in …"
and goes on, and so would the step. Such a swallowed :class:`GaveUp` is not printed
but noted (:func:`_quiet_gave_up`, installed as ``sys.unraisablehook``, which Python
calls on the thread that swallowed it; every other unraisable exception goes to the
hook before it), and the step is then told again, within :data:`RETRY_SECONDS`, until
it ends or is left behind. A step that was not seen to swallow it is told once only, so
that its own clean-up is not cut short a second time.
"""

from __future__ import annotations

import contextvars
import ctypes
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from planner.solver.control import SolveControl

T = TypeVar("T")

#: How often the waiting thread looks at the clock and the stop (seconds).
POLL_SECONDS = 0.02
#: Seconds a step that was told to give up may take to end before it is left behind.
ABANDON_SECONDS = 0.5
#: Seconds between two looks at whether a telling was swallowed (see above).
RETRY_SECONDS = 0.1

#: The threads whose GaveUp the interpreter swallowed, not yet told again.
_swallowed: set[int] = set()
_swallowed_lock = threading.Lock()


class GaveUp(Exception):
    """Raised inside a step whose solve ran out of time or was stopped."""


def run_bounded(
    step: Callable[[], T], control: SolveControl, name: str, until: float | None = None
) -> tuple[bool, T | None]:
    """Run ``step`` until it returns, the time limit runs out, or the solve is stopped.

    Parameters
    ----------
    step
        The work; it must not touch state that outlives it other than through its
        return value (it may be cut short anywhere).
    control
        The solve's clock and stop.
    name
        The helper thread's name.
    until
        An earlier end for this step (a ``time.perf_counter`` value), if any.

    Returns
    -------
    tuple
        ``(True, value)`` when the step returned, ``(False, None)`` when it gave up.
        An exception raised by the step itself is raised here.
    """

    def over() -> bool:
        return control.should_end() or (until is not None and time.perf_counter() >= until)

    if over():
        return False, None
    box: dict[str, object] = {}
    finished = threading.Event()
    # GaveUp is raised only while the step runs: "inside" is cleared under the lock as
    # soon as it returns, and an exception asked for just before is caught below.
    lock = threading.Lock()
    inside = [True]

    def work() -> None:
        try:
            try:
                value = step()
                with lock:
                    inside[0] = False
                box["value"] = value
            except GaveUp:
                box.pop("value", None)
            except BaseException as exc:  # raised again in the waiting thread
                box["error"] = exc
        except GaveUp:
            box.pop("value", None)
        finally:
            # Inline, not in a function of its own: a GaveUp still pending is raised at
            # the entry of the next Python function called, here caught by the loop.
            while True:
                try:
                    with lock:
                        inside[0] = False
                    finished.set()
                    break
                except GaveUp:
                    continue

    # The step runs in this context's copy, so that texts it writes are in the caller's
    # language (planner.i18n keeps the choice in a context variable).
    context = contextvars.copy_context()
    thread = threading.Thread(target=context.run, args=(work,), name=name, daemon=True)
    thread.start()
    control.adopt(thread, finished)
    while not finished.wait(POLL_SECONDS):
        if over():
            left_behind = time.perf_counter() + ABANDON_SECONDS
            told = False
            while not finished.is_set() and time.perf_counter() < left_behind:
                if not told or _was_swallowed(thread):
                    with lock:
                        if inside[0]:
                            _raise_in(thread)
                    told = True
                finished.wait(min(RETRY_SECONDS, max(0.0, left_behind - time.perf_counter())))
            break
    if not finished.is_set():
        return False, None
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    if "value" not in box:
        return False, None
    return True, box["value"]  # type: ignore[return-value]


def _was_swallowed(thread: threading.Thread) -> bool:
    """Whether the interpreter swallowed a GaveUp on ``thread`` since last asked."""
    with _swallowed_lock:
        if thread.ident in _swallowed:
            _swallowed.discard(thread.ident)
            return True
    return False


def _quiet_gave_up(unraisable: sys.UnraisableHookArgs) -> None:
    """``sys.unraisablehook`` that notes a swallowed :class:`GaveUp` for its thread (the
    step is told again) instead of printing it, and passes everything else to the hook
    installed before it."""
    if isinstance(unraisable.exc_value, GaveUp):
        with _swallowed_lock:
            _swallowed.add(threading.get_ident())
        return
    _previous_hook(unraisable)


_previous_hook = sys.unraisablehook
sys.unraisablehook = _quiet_gave_up


def _raise_in(thread: threading.Thread) -> None:
    """Raise :class:`GaveUp` in ``thread`` at its next Python instruction."""
    if thread.ident is None or not thread.is_alive():
        return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread.ident), ctypes.py_object(GaveUp)
    )
