"""The progress line of ``cultplan solve``, in the planner's terms.

While the solve runs in a worker thread, the main thread shows what it is doing in words
(building the model, planning the baseline, solving, refining), the coverage and minimum
coverage of the best plan so far, and how close that plan is to the best possible plan
(the proven bound). The bar fills with that closeness once a bound is known, and with
the time used of the time limit before; the text beside the bar says which. The line
stays one line of the terminal's width, however narrow (:func:`fit_line`). Off a
terminal (a log file), where a line cannot be redrawn, only the last state is printed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.progress import Progress, ProgressColumn, Task
from rich.progress_bar import ProgressBar
from rich.table import Column
from rich.text import Text

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


def coverage_text(p: SolveProgress | None) -> str:
    """The best plan so far by its coverage and minimum coverage (the progress line's
    words: how close it is to the best possible plan is the text beside the bar)."""
    if p is None or p.coverage is None or p.min_coverage is None:
        return _("no plan yet")
    return _("coverage {coverage} %, minimum coverage {minimum} %").format(
        coverage=f"{100 * p.coverage:.1f}", minimum=f"{100 * p.min_coverage:.1f}"
    )


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


#: The width of the progress line's bar, in terminal cells.
BAR_WIDTH = 10
#: The fewest cells the plan's text is cut to (ending in "…") before the text beside
#: the bar is left out to make room.
MIN_PLAN_CELLS = 12
#: What ends a text cut short.
ELLIPSIS = "…"


@dataclass(frozen=True)
class LineParts:
    """The parts of the progress line that fit: the stage (padded to the widest stage
    name when there is room, so that the bar does not move), whether the bar is drawn,
    the text beside it and the plan's text (each empty when left out, the plan's cut
    short with "…" when need be)."""

    stage: str
    bar: bool
    measure: str
    plan: str

    def cells(self) -> int:
        """The line's width in terminal cells (a Chinese character takes two)."""
        parts = [self.stage, "x" * BAR_WIDTH if self.bar else "", self.measure, self.plan]
        present = [part for part in parts if part]
        return sum(cell_len(part) for part in present) + max(0, len(present) - 1)


def shorten(text: str, cells: int) -> str:
    """``text`` cut to at most ``cells`` terminal cells, ending in "…" when cut (a
    Chinese character is two cells and is never split)."""
    if cell_len(text) <= cells:
        return text
    if cells <= 0:
        return ""
    line = Text(text)
    line.truncate(cells, overflow="ellipsis")
    return line.plain


def fit_line(width: int, stage: str, measure: str, plan: str, stage_width: int = 0) -> LineParts:
    """The progress line's parts fitted into ``width`` terminal cells, one line.

    Everything when it fits. Otherwise, in this order until it fits: the stage name
    loses its padding to ``stage_width``; the plan's text is cut short with "…" (to no
    fewer than :data:`MIN_PLAN_CELLS` cells); the text beside the bar is left out (the
    plan's text then cut to what is left); the bar is left out; the plan's text is left
    out and the stage name cut short. Widths are counted in terminal cells, a Chinese
    character taking two (:func:`rich.cells.cell_len`).
    """
    padded = stage + " " * max(0, stage_width - cell_len(stage))
    for name in (padded, stage):
        whole = LineParts(name, True, measure, plan)
        if whole.cells() <= width:
            return whole
    for bar, beside in ((True, measure), (True, ""), (False, "")):
        room = width - LineParts(stage, bar, beside, "").cells() - 1
        if room >= min(MIN_PLAN_CELLS, cell_len(plan)):
            return LineParts(stage, bar, beside, shorten(plan, room))
    return LineParts(shorten(stage, width), False, "", "")


class LineColumn(ProgressColumn):
    """The whole progress line as one column, fitted to the console's width when drawn
    (:func:`fit_line`), so that it follows the terminal when it is resized."""

    def __init__(self, console: Console, stage_width: int) -> None:
        super().__init__(table_column=Column(no_wrap=True, overflow="crop"))
        self.console = console
        self.stage_width = stage_width

    def render(self, task: Task) -> Text:
        """The task's line: its ``stage``, ``measure`` and ``plan`` fields and its bar."""
        fields = task.fields
        parts = fit_line(
            self.console.width,
            str(fields.get("stage", "")),
            str(fields.get("measure", "")),
            str(fields.get("plan", "")),
            self.stage_width,
        )
        line = Text(parts.stage, style="bold")
        if parts.bar:
            bar = ProgressBar(total=task.total, completed=task.completed, width=BAR_WIDTH)
            options = self.console.options.update(width=BAR_WIDTH)
            drawn = Text()
            for segment in self.console.render(bar, options):
                if not segment.control:
                    drawn.append(segment.text, segment.style)
            # Without colours the bar draws only its filled part: the rest is blank.
            drawn.align("left", BAR_WIDTH)
            line.append(" ")
            line.append_text(drawn)
        for part in (parts.measure, parts.plan):
            if part:
                line.append(" " + part)
        return line


def progress_bar(console: Console) -> Progress:
    """The live progress line: stage, bar, what the bar measures, the best plan so far.

    One clock only (the time used of the time limit, or the closeness to the best
    possible plan, beside the bar). The line is one line of the console's width, the
    terminal's (``COLUMNS`` when set), however narrow: what does not fit is cut short
    or left out (:func:`fit_line`). The stage name is padded to the longest one in the
    current language when there is room, so that the bar stays put.
    """
    widest = max(cell_len(stage_text(stage)) for stage in STAGE_NAMES)
    return Progress(LineColumn(console, widest), console=console, transient=False)


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
        bar.update(task, completed=full, stage=label, measure=measure, plan=coverage_text(p))

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
