"""The progress line of ``cultplan solve``, in the planner's terms.

While the solve runs in a worker thread, the main thread shows what it is doing in words
(building the model, planning the baseline, solving, refining), the coverage and minimum
coverage of the best plan so far, and how close that plan is to the best possible plan
(the proven bound). The bar fills with that closeness once a bound is known, and with
the time used of the time limit before; the text beside the bar says which. Off a
terminal (a log file), where a line cannot be redrawn, only the last state is printed.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Column

from planner import wording
from planner.i18n import N_, _
from planner.params import Progress as SolveProgress
from planner.params import SolveParams
from planner.result import Result
from planner.scenario import Scenario

#: What the solve is doing, by the stage name of its progress reports.
STAGE_NAMES: dict[str, str] = {
    "start": N_("starting"),
    "building": N_("building the model"),
    "baselines": N_("planning the baseline"),
    "parts": N_("solving subdistrict by subdistrict"),
    "leximin": N_("solving (fairness first)"),
    "fairness": N_("solving (fairness first)"),
    "primary": N_("solving"),
    "secondary": N_("refining"),
    "done": N_("done"),
}


def stage_text(stage: str, parts_done: int | None = None, parts: int | None = None) -> str:
    """What a stage of the solve does, in words (the name itself if unknown).

    With ``parts`` (the ``parts`` stage of a split solve), how many subdistricts are
    done follows: "solving subdistrict by subdistrict (3 of 12 done)".
    """
    text = _(STAGE_NAMES[stage]) if stage in STAGE_NAMES else stage
    if parts_done is None or parts is None:
        return text
    return _("{stage} ({done} of {total} done)").format(stage=text, done=parts_done, total=parts)


def plan_text(p: SolveProgress | None) -> str:
    """The best plan so far: its coverage, minimum coverage and closeness to the best."""
    if p is None or p.coverage is None or p.min_coverage is None:
        return _("no plan yet")
    return _("coverage {coverage} %, minimum coverage {minimum} %; {closeness}").format(
        coverage=f"{100 * p.coverage:.1f}",
        minimum=f"{100 * p.min_coverage:.1f}",
        closeness=wording.gap_text(p.gap),
    )


def bar_state(p: SolveProgress | None, elapsed: float, time_limit: float) -> tuple[float, str]:
    """How full the bar is (0 to 1) and what it measures, in words.

    Closeness to the best possible plan (``1 - gap``) once the best plan so far has a
    bound; before that, the time used of the time limit.
    """
    gap = None if p is None else p.gap
    if gap is not None and gap == gap and gap != float("inf"):
        closeness = max(0.0, 1.0 - gap)
        return closeness, _("{percent} % of the best possible plan").format(
            percent=f"{100 * closeness:.1f}"
        )
    used = min(1.0, elapsed / time_limit) if time_limit > 0 else 1.0
    return used, _("{elapsed} s of the {limit} s time limit").format(
        elapsed=f"{elapsed:.0f}", limit=f"{time_limit:g}"
    )


def progress_bar(console: Console) -> Progress:
    """The live progress line: stage, bar, what the bar measures, the best plan so far.

    One clock only (the time used of the time limit, or the closeness to the best
    possible plan, beside the bar). The stage column is as wide as the longest stage
    name in the current language and never wraps, so a narrow terminal (80 columns)
    folds the plan's text, not the stage's name.
    """
    widest = max(cell_len(stage_text(stage)) for stage in STAGE_NAMES)
    return Progress(
        TextColumn(
            "[bold]{task.fields[stage]}",
            table_column=Column(min_width=widest, no_wrap=True),
        ),
        BarColumn(bar_width=10),
        TextColumn("{task.fields[measure]}", table_column=Column(no_wrap=True)),
        # The plan's text takes what is left and folds onto a second line if need be.
        TextColumn("{task.fields[plan]}", table_column=Column(ratio=1, overflow="fold")),
        console=console,
        transient=False,
    )


def solve_with_progress(
    run_solve: Any,
    s: Scenario,
    params: SolveParams,
    quiet: bool,
    stop: threading.Event,
    console: Console,
    deadline: float | None = None,
) -> Result:
    """Solve in a worker thread while the main thread shows progress on ``console``.

    The main thread stays free for Ctrl-C (see :func:`planner.cli._first_ctrl_c_stops`),
    which sets ``stop``: the solve then returns its best plan so far.
    """
    state: dict[str, Any] = {}
    latest: list[SolveProgress] = []
    bar: Progress | None = None
    # Off a terminal (a log, a pipe) a live line cannot be redrawn: one line at the end.
    if not quiet and console.is_terminal:
        bar = progress_bar(console)
        task = bar.add_task("solve", total=1.0, stage=stage_text("start"), measure="", plan="")

    def on_progress(p: SolveProgress) -> None:
        # Called from the solve's threads; the main thread draws the latest report.
        latest[:] = [p]

    finished = threading.Event()

    def work() -> None:
        try:
            state["result"] = run_solve(
                s, params, on_progress=None if quiet else on_progress, stop=stop, deadline=deadline
            )
        except BaseException as exc:  # handed to the main thread, which re-raises it
            state["error"] = exc
        finally:
            finished.set()

    def draw(stage: str | None = None) -> None:
        assert bar is not None
        p = latest[0] if latest else None
        full, measure = bar_state(p, time.perf_counter() - started, params.time_limit)
        if stage is None and p is not None:
            label = stage_text(p.stage, p.parts_done, p.parts)
        else:
            label = stage_text(stage or "start")
        bar.update(
            task,
            completed=full,
            stage=label,
            measure=measure,
            plan=plan_text(p),
        )

    thread = threading.Thread(target=work, name="solve", daemon=True)
    started = time.perf_counter()
    try:
        if bar is not None:
            bar.start()
        thread.start()
        # Waiting on an event, not Thread.join: a signal handler that raises while
        # join() waits can leave is_alive() wrong in CPython 3.11.
        while not finished.wait(0.1):
            if bar is not None:
                draw()
    finally:
        if bar is not None:
            draw("done")
            bar.stop()
        elif not quiet:
            console.print(
                _("{stage}: {plan}").format(
                    stage=stage_text("done"), plan=plan_text(latest[0] if latest else None)
                ),
                markup=False,
                highlight=False,
            )
    if "error" in state:
        raise state["error"]
    result: Result = state["result"]
    return result
