"""The command line's clock, its checks of option values and its guard against tracebacks.

``cultplan solve`` keeps its time limit for the whole command: it counts from the start
of the command (reading the scenario included) and keeps back a reserve for the report
and the files after the search (:func:`report_reserve`). Its option values are checked
before anything is read (:func:`solve_option_problems`). Every command reports an
unexpected error in one line (:func:`no_traceback`).
"""

from __future__ import annotations

import functools
import math
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console

from planner.i18n import _, ngettext
from planner.params import DECOMPOSE
from planner.scenario import Scenario

#: Exit code of an unexpected error (a bug).
EXIT_BUG = 1

#: Seconds ``solve`` keeps back from its time limit for the KPIs, the check and the
#: writing after the search: per demand line at least REPORT_SECONDS_PER_LINE_QUIET
#: (what a quiet machine takes), and up to REPORT_SECONDS_PER_LINE (a loaded one) as far
#: as REPORT_READ_RATIO times the time the scenario took to read says the machine is
#: slow right now; never less than the minimum. Measured: 5.6 ms a line on the generated
#: district scenario (3,528 lines) and 6.6 ms on the 26-week reference on 2 loaded
#: cores; on a quiet machine the district took 8.6 s (2.4 ms a line: the plan's KPIs
#: with the unmet lines' reasons 2.5 s, the report 1.9 s, the calendars of 355
#: committees 3.8 s), 15 times its reading (0.55 s), so reading alone underestimated it.
REPORT_SECONDS_PER_LINE_QUIET = 0.003
REPORT_SECONDS_PER_LINE = 0.006
REPORT_READ_RATIO = 6.0
#: ... and at most this share of the time limit, so that a large scenario (a city's
#: 60,000 lines would keep 180 s) still leaves most of a short limit to the search; the
#: report may then run past the limit.
REPORT_SHARE_MAX = 0.3
REPORT_SECONDS_MIN = 0.5

#: The longest time limit ``solve`` accepts (seconds): a day. A longer one is a typo
#: (minutes or milliseconds read as seconds) more often than a wish.
MAX_TIME_LIMIT = 86_400.0
#: The most CP-SAT workers ``solve`` accepts (CP-SAT gains nothing beyond its portfolio
#: of about 64 subsolvers).
MAX_WORKERS = 64
#: The largest seed: CP-SAT's random seed is a signed 32-bit number.
MAX_SEED = 2**31 - 1

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
            report_bug(exc)
            raise typer.Exit(EXIT_BUG) from None

    return guarded  # type: ignore[return-value]


def PERCENT(value: str | float) -> float:
    """A number of percent, with or without a trailing ``%`` (``--gap 0.5%``)."""
    if not isinstance(value, str):  # the option's default
        return float(value)
    text = value.strip()
    text = text[:-1].strip() if text.endswith("%") else text
    try:
        return float(text)
    except ValueError:
        # click's own words for a number it cannot read: it names the option, and the
        # usage errors translate them (planner.cli_language).
        raise ValueError(f"{value!r} is not a valid float.") from None


class PipeConsole(Console):
    """A console on stdout that outlives its reader (``cultplan solve … | head -1``).

    rich's own console ends the program with exit code 1 when stdout's pipe closes, in
    the middle of a command: the output folder of a solve would not be written. This
    one sends the rest of the printout to the null device, and the command goes on to
    its end and its own exit code.
    """

    def on_broken_pipe(self) -> None:
        """Print nothing more; stdout (the null device from now on) stays usable."""
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, sys.stdout.fileno())
        finally:
            os.close(devnull)


def report_bug(exc: Exception) -> None:
    """Print an unexpected error in one line (see :func:`no_traceback`)."""
    _err.print(
        _(
            "internal error (a bug): {error}: {message}; set CULTPLAN_TRACEBACK=1 to see where"
        ).format(error=type(exc).__name__, message=exc),
        markup=False,
        highlight=False,
    )


def report_reserve(
    s: Scenario, read_seconds: float, writes: bool, time_limit: float = math.inf
) -> float:
    """Seconds to keep back from the time limit for what follows the search.

    The plan's and the baseline's KPIs (the unmet lines' reasons above all), the check
    of the plan and the output files grow with the demand lines and with the load of
    the machine, which reading the scenario has just measured; without ``--out`` the
    files are not written. See REPORT_SECONDS_PER_LINE.
    """
    lines = len(s.demand_lines)
    loaded = min(REPORT_SECONDS_PER_LINE * lines, REPORT_READ_RATIO * read_seconds)
    estimate = max(REPORT_SECONDS_PER_LINE_QUIET * lines, loaded)
    reserve = max(REPORT_SECONDS_MIN, estimate * (1.0 if writes else 0.7))
    return min(reserve, max(REPORT_SECONDS_MIN, REPORT_SHARE_MAX * time_limit))


def cluster_start_text(scheduler: str | None, dask_workers: int | None) -> str:
    """The line said before a split solve's Dask cluster is reached or started (which
    takes seconds of the time limit before the progress line appears)."""
    if scheduler is not None:
        return _("connecting to the Dask scheduler {address}…").format(address=scheduler)
    n = dask_workers or 1
    return ngettext(
        "starting a local Dask cluster of {n} worker process…",
        "starting a local Dask cluster of {n} worker processes…",
        n,
    ).format(n=n)


def parts_option_problems(
    decompose: str, dask_workers: int | None, scheduler: str | None
) -> list[str]:
    """What is wrong with ``--decompose``, ``--dask-workers`` and ``--scheduler``."""
    problems = []
    if decompose not in DECOMPOSE:
        problems.append(_("--decompose {value}: give auto, yes or no").format(value=decompose))
    if dask_workers is not None and not 1 <= dask_workers <= MAX_WORKERS:
        problems.append(
            _("--dask-workers {value}: give a whole number from 1 to {most}").format(
                value=dask_workers, most=MAX_WORKERS
            )
        )
    if dask_workers is not None and scheduler is not None:
        problems.append(
            _("--dask-workers and --scheduler: give one of them (a local cluster or a running one)")
        )
    if scheduler is not None and not _tcp_address(scheduler):
        problems.append(
            _("--scheduler {value}: give a scheduler address such as tcp://HOST:8786").format(
                value=scheduler
            )
        )
    return problems


def _tcp_address(address: str) -> bool:
    """Whether an address is ``tcp://HOST:PORT`` with a port from 1 to 65535."""
    rest = address.removeprefix("tcp://")
    host, _, port = rest.rpartition(":")
    return address.startswith("tcp://") and bool(host) and port.isdigit() and 0 < int(port) < 65536


def solve_option_problems(time_limit: float, seed: int, workers: int, gap: float) -> list[str]:
    """What is wrong with the option values of ``cultplan solve``, one text each.

    ``gap`` is a percentage (0.5 means 0.5 %), from 0 to 100.
    """
    problems = []
    if not (math.isfinite(time_limit) and 0 < time_limit <= MAX_TIME_LIMIT):
        problems.append(
            _("--time-limit {value}: give seconds above 0 and at most {most:g}").format(
                value=f"{time_limit:g}", most=MAX_TIME_LIMIT
            )
        )
    if not 0 <= seed <= MAX_SEED:
        problems.append(
            _("--seed {value}: give a whole number from 0 to {most}").format(
                value=seed, most=MAX_SEED
            )
        )
    if not 1 <= workers <= MAX_WORKERS:
        problems.append(
            _("--workers {value}: give a whole number from 1 to {most}").format(
                value=workers, most=MAX_WORKERS
            )
        )
    if not 0 <= gap <= 100:
        problems.append(
            _(
                "--gap {value}: give a percentage from 0 to 100 (0.5 means 0.5 %, "
                "0 asks for a proven optimal plan)"
            ).format(value=f"{gap:g}")
        )
    return problems


def out_folder_problem(out_dir: Path) -> str | None:
    """Why ``solve --out`` cannot write into ``out_dir`` (None when it can try): it names
    a file, or a folder under a file."""
    if out_dir.exists() and not out_dir.is_dir():
        return _("--out {path}: exists and is not a folder").format(path=out_dir)
    for parent in out_dir.absolute().parents:
        if parent.exists():
            if parent.is_dir():
                return None
            return _("--out {path}: {file} is a file, so no folder can be made under it").format(
                path=out_dir, file=parent
            )
    return None


def out_file_problem(output: Path, force: bool) -> str | None:
    """Why ``generate --out`` may not write ``output`` (None when it may): it exists (and
    ``force`` is not given), it is a folder, or its folder does not exist."""
    if output.is_dir():
        return _("--out {path}: is a folder; name the scenario file to write").format(path=output)
    if output.exists() and not force:
        return _(
            "--out {path}: the file exists; remove it, choose another name or add --force"
        ).format(path=output)
    if not output.parent.is_dir():
        return _("--out {path}: the folder {folder} does not exist").format(
            path=output, folder=output.parent
        )
    return None
