"""The command line's clock and its guard against tracebacks.

``cultplan solve`` keeps its time limit for the whole command: it counts from the start
of the command (reading the scenario included) and keeps back a reserve for the report
and the files after the search (:func:`report_reserve`). Every command reports an
unexpected error in one line (:func:`no_traceback`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.console import Console

from planner.scenario import Scenario

#: Exit code of an unexpected error (a bug).
EXIT_BUG = 1

#: Seconds ``solve`` keeps back from its time limit for the KPIs, the check and the
#: writing after the search: per demand line, at most this many times the time the
#: scenario took to read (the machine's speed right now), and at least the minimum.
#: Measured on 2 loaded cores: 5.6 ms a line on the generated district scenario
#: (3,528 lines, 3.1 times its reading), 6.6 ms on the 26-week reference.
REPORT_SECONDS_PER_LINE = 0.006
REPORT_READ_RATIO = 4.0
REPORT_SECONDS_MIN = 0.5

_err = Console(stderr=True, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., None])


def no_traceback(command: F) -> F:
    """Report an unexpected error of ``command`` in one line and exit 1, not a traceback.

    Such an error is a bug; ``CULTPLAN_TRACEBACK=1`` shows its traceback.
    """

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
            raise
        except Exception as exc:
            if os.environ.get("CULTPLAN_TRACEBACK") == "1":
                raise
            _err.print(
                f"internal error (a bug): {type(exc).__name__}: {exc}; "
                "set CULTPLAN_TRACEBACK=1 to see where",
                markup=False,
                highlight=False,
            )
            raise typer.Exit(EXIT_BUG) from None

    return guarded  # type: ignore[return-value]


def report_reserve(s: Scenario, read_seconds: float, writes: bool) -> float:
    """Seconds to keep back from the time limit for what follows the search.

    The plan's and the baseline's KPIs (the unmet lines' reasons above all), the check
    of the plan and the output files grow with the demand lines and with the load of
    the machine, which reading the scenario has just measured; without ``--out`` the
    files are not written. See REPORT_SECONDS_PER_LINE.
    """
    estimate = min(REPORT_SECONDS_PER_LINE * len(s.demand_lines), REPORT_READ_RATIO * read_seconds)
    return max(REPORT_SECONDS_MIN, estimate * (1.0 if writes else 0.7))
