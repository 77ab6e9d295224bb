"""HiGHS on a MIP in a child process that the solve can kill.

MathOpt's HiGHS ignores interrupters and callbacks: once started, a MIP search ends
only at its own time limit or gap. So it runs in a child process
(:class:`MipProcess`): the parent hands it the serialised model, the child solves it
and sends back the rounded values of its best plan and its bounds, and the parent
kills it (``SIGKILL``) when the solve's time runs out, the caller stops the solve, or
CP-SAT closes the stage first.

The child is this file run by the same Python (``subprocess``), not a
``multiprocessing`` process: ``fork`` would copy a solve's CP-SAT threads and their
locks into the child, which is unsafe, and ``spawn`` or ``forkserver`` import the
caller's main module again in the child, which breaks a script without a
``if __name__ == "__main__"`` guard and costs the ``planner`` package's import (about
0.9 s). This file imports nothing of ``planner`` (only OR-Tools' MathOpt, numpy and the
standard library), so a child starts in about 0.2 s. Model and parameters go to its
standard input as length-prefixed protobuf messages; the outcome comes back on its
standard output, pickled as plain data.

The child dies with its parent, even one killed by ``SIGKILL`` (a server or job worker
killed mid-solve), instead of running on to its own time limit: on Linux it asks the
kernel for ``SIGKILL`` when its parent ends (``prctl(PR_SET_PDEATHSIG)``), and on every
system it watches its standard input, which the parent keeps open until the child ends
(end of file: the parent is gone), and its parent's process id (changed: it was
adopted, the parent is gone).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import math
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
from ortools.math_opt import (
    callback_pb2,
    model_parameters_pb2,
    model_pb2,
    parameters_pb2,
    result_pb2,
)
from ortools.math_opt.core.python import solver as mathopt_core

#: Runs this file as the child (``runpy``, so that its folder is not put on ``sys.path``,
#: where modules named like ``model`` could shadow others).
_BOOT = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')"
#: Linux's ``prctl`` option that sends the child a signal when its parent ends.
_PR_SET_PDEATHSIG = 1
#: Seconds between the child's looks at its parent's process id.
PARENT_POLL_SECONDS = 0.25


@dataclass(frozen=True)
class MipOutcome:
    """What HiGHS reached on the minimised sum ``Σ c·x`` (see :mod:`planner.solver.mip`).

    Attributes
    ----------
    termination
        MathOpt's termination reason (``TERMINATION_REASON_OPTIMAL``, ``..._FEASIBLE``
        at a limit, ``..._INFEASIBLE``, …).
    values
        The best plan's values, rounded to integers (None without a plan).
    primal, dual
        HiGHS's best plan's sum and its dual bound on the sum (±inf when none).
    seconds
        Wall time of the child's solve.
    """

    termination: str
    values: list[int] | None
    primal: float
    dual: float
    seconds: float

    @property
    def proven(self) -> bool:
        """Whether HiGHS ended on its gap (or optimum), not at a limit."""
        return self.termination == "TERMINATION_REASON_OPTIMAL"


def solve_params(
    time_limit: float, relative_gap: float, seed: int
) -> parameters_pb2.SolveParametersProto:
    """HiGHS's parameters: quiet, the time limit, the gap, the seed.

    With ``relative_gap`` 0, HiGHS stops when its bound is within half a model unit of
    its plan: every objective is an integer, so that proves the optimum.
    """
    params = parameters_pb2.SolveParametersProto()
    params.enable_output = False
    params.time_limit.FromNanoseconds(max(1, int(time_limit * 1e9)))
    params.relative_gap_tolerance = relative_gap
    params.absolute_gap_tolerance = 0.5
    params.random_seed = seed
    return params


def parse_progress(line: str) -> tuple[float, float] | None:
    """``(dual bound, best plan)`` from a line of HiGHS's MIP progress table, else None.

    A row reads ``[Src] Proc InQueue Leaves Expl% BestBound BestSol Gap ...``; the plan
    is ``inf`` before the first. Lines of any other shape (headers, the report) give
    None, so a change of HiGHS's log costs the live bounds, never a wrong one: the final
    outcome carries MathOpt's own bounds.
    """
    tokens = line.split()
    if tokens and tokens[0].isalpha():
        tokens = tokens[1:]
    if len(tokens) < 7 or not tokens[3].endswith("%"):
        return None
    try:
        int(tokens[0]), int(tokens[1]), int(tokens[2])
        return float(tokens[4]), float(tokens[5])
    except ValueError:
        return None


def solve_mip(
    model: model_pb2.ModelProto,
    params: parameters_pb2.SolveParametersProto,
    on_progress: Callable[[float, float], None] | None = None,
) -> MipOutcome:
    """Solve the MIP with HiGHS in this process (what the child runs).

    ``on_progress(dual, primal)`` is called with each row of HiGHS's progress table
    (read from its log through MathOpt's message callback, the one callback MathOpt's
    HiGHS honours).
    """
    began = time.perf_counter()
    callback = None
    if on_progress is not None:

        def callback(lines: list[str]) -> None:
            for line in lines:
                progress = parse_progress(line)
                if progress is not None:
                    on_progress(*progress)

    result = mathopt_core.solve(
        model,
        parameters_pb2.SOLVER_TYPE_HIGHS,
        parameters_pb2.SolverInitializerProto(),
        params,
        model_parameters_pb2.ModelSolveParametersProto(),
        callback,
        callback_pb2.CallbackRegistrationProto(),
        None,
        None,
    )
    values: list[int] | None = None
    if result.solutions and result.solutions[0].HasField("primal_solution"):
        primal = result.solutions[0].primal_solution.variable_values
        out = np.zeros(len(model.variables.ids), dtype=np.int64)
        out[np.asarray(primal.ids, dtype=np.int64)] = np.rint(np.asarray(primal.values))
        values = out.tolist()
    bounds = result.termination.objective_bounds
    return MipOutcome(
        termination=result_pb2.TerminationReasonProto.Name(result.termination.reason),
        values=values,
        primal=bounds.primal_bound,
        dual=bounds.dual_bound,
        seconds=time.perf_counter() - began,
    )


def _read_message(stream: IO[bytes]) -> bytes | None:
    """One length-prefixed message, or None at the end of the stream."""
    head = stream.read(8)
    if len(head) < 8:
        return None
    (size,) = struct.unpack("<Q", head)
    body = stream.read(size)
    return body if len(body) == size else None


def _write_message(stream: IO[bytes], message: bytes) -> None:
    stream.write(struct.pack("<Q", len(message)))
    stream.write(message)
    stream.flush()


def _die_with_parent(parent: int) -> None:
    """End this process (the child) when ``parent`` ends, however it ends.

    On Linux the kernel sends ``SIGKILL`` when the parent ends; checked against the
    parent's id afterwards, since the parent may have ended before the request. On
    every system a daemon thread looks at the parent's id every
    :data:`PARENT_POLL_SECONDS` and ends the process when it has changed (the child was
    adopted by another process).
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _exit_at_end_of(stream: IO[bytes]) -> None:
    """End this process when ``stream`` (the parent's pipe) reaches its end: the parent
    closed it or is gone. Runs in a daemon thread of the child."""

    def watch() -> None:
        with contextlib.suppress(OSError, ValueError):
            while stream.read(4096):
                pass
        os._exit(1)

    threading.Thread(target=watch, name="stdin-watch", daemon=True).start()


def _child_main() -> None:
    """The child's work: read the model and parameters, solve, write progress and the
    outcome (each a pickled dict); it ends when its parent does (see
    :func:`_die_with_parent`)."""
    if len(sys.argv) > 2:
        _die_with_parent(int(sys.argv[2]))
    # HiGHS prints a banner on file descriptor 1 whatever its options say: the messages
    # go to a copy of the real standard output, and descriptor 1 to standard error.
    sys.stdout.flush()
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    stdin = sys.stdin.buffer
    model_bytes, params_bytes = _read_message(stdin), _read_message(stdin)
    if model_bytes is None or params_bytes is None:
        return
    _exit_at_end_of(stdin)
    model = model_pb2.ModelProto.FromString(model_bytes)
    params = parameters_pb2.SolveParametersProto.FromString(params_bytes)

    def progress(dual: float, primal: float) -> None:
        _write_message(stdout, pickle.dumps({"dual": dual, "primal": primal}))

    try:
        outcome: dict[str, Any] = {"outcome": vars(solve_mip(model, params, progress))}
    except Exception as error:  # told to the parent, which then has no MIP result
        outcome = {"error": repr(error)}
    _write_message(stdout, pickle.dumps(outcome))


class MipProcess:
    """One HiGHS solve in a child process.

    Parameters
    ----------
    model
        The MIP (:func:`planner.solver.mip.translate`).
    time_limit, relative_gap, seed
        HiGHS's own time limit (the child ends by itself then), gap and seed.
    on_progress
        Called (in a thread of the parent's) with ``(dual, primal)`` for each row of
        HiGHS's progress table, and with the final bounds when the child ends.
    on_outcome
        Called in the same thread with the outcome when the child ends with one, before
        :meth:`wait` returns it.
    """

    def __init__(
        self,
        model: model_pb2.ModelProto,
        time_limit: float,
        relative_gap: float,
        seed: int,
        on_progress: Callable[[float, float], None] | None = None,
        on_outcome: Callable[[MipOutcome], None] | None = None,
    ) -> None:
        self.started = time.perf_counter()
        self.time_limit = time_limit
        params = solve_params(time_limit, relative_gap, seed)
        # The log is what the live bounds are read from; it goes through the message
        # callback, not to the terminal.
        params.enable_output = on_progress is not None
        self.on_progress = on_progress
        self.on_outcome = on_outcome
        self.error: str | None = None
        self.dual = -math.inf
        self._outcome: MipOutcome | None = None
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._killed = False
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOT, __file__, str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            # Its own process group: a Ctrl-C at the terminal goes to the solve, which
            # stops and kills the child, not to the child itself.
            start_new_session=True,
        )
        messages = [model.SerializeToString(), params.SerializeToString()]
        self._talker = threading.Thread(
            target=self._talk, args=(messages,), name="highs-child", daemon=True
        )
        self._talker.start()

    def _talk(self, messages: list[bytes]) -> None:
        """Send the model, then read progress and the outcome (in a thread of the parent)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        received: dict[str, Any] = {"error": "the child ended without an outcome"}
        try:
            # Standard input stays open while the child runs: its end tells the child
            # that the parent is gone (closed below once the child has ended).
            for message in messages:
                _write_message(self.process.stdin, message)
            while (data := _read_message(self.process.stdout)) is not None:
                received = pickle.loads(data)
                if "dual" in received:
                    self._progress(received["dual"], received["primal"])
                    received = {"error": "the child ended without an outcome"}
        except Exception as error:  # a broken pipe when killed, a truncated message
            received = {"error": repr(error)}
        with contextlib.suppress(OSError):
            self.process.stdout.close()
        self.process.wait()
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        if "outcome" in received:
            self._outcome = MipOutcome(**received["outcome"])
            self._progress(self._outcome.dual, self._outcome.primal)
            if self.on_outcome is not None and not self._killed:
                try:
                    self.on_outcome(self._outcome)
                except Exception as error:  # kept for the caller: the stage goes on
                    self.error = repr(error)
        else:
            self.error = str(received.get("error"))
        self._done.set()

    def _progress(self, dual: float, primal: float) -> None:
        if dual > self.dual:
            self.dual = dual
        if self.on_progress is not None and not self._killed:
            self.on_progress(dual, primal)

    def wait(self, timeout: float) -> MipOutcome | None:
        """Wait up to ``timeout`` seconds for the child to end; its outcome, or None
        (not ended yet, ended without one, or killed)."""
        self._done.wait(max(0.0, timeout))
        return self._outcome if self._done.is_set() else None

    @property
    def finished(self) -> bool:
        """Whether the child has ended (with an outcome, without one, or killed)."""
        return self._done.is_set()

    @property
    def killed(self) -> bool:
        """Whether the parent killed the child before it ended on its own."""
        return self._killed

    def kill(self) -> None:
        """End the child now (SIGKILL) unless it has ended already; idempotent.

        Returns once the child is gone."""
        with self._lock:
            if not self._done.is_set() and self.process.poll() is None:
                self._killed = True
                with contextlib.suppress(OSError):
                    self.process.kill()
        self._done.wait(5.0)


if __name__ == "__main__":
    _child_main()
