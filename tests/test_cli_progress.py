"""The progress line of ``cultplan solve`` (planner/cli_progress.py): one line of the
terminal's width, Chinese characters counted two cells wide."""

from __future__ import annotations

import io
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from planner.cli_progress import (
    BAR_WIDTH,
    MIN_PLAN_CELLS,
    STAGE_NAMES,
    bar_state,
    coverage_text,
    fit_line,
    progress_bar,
    stage_text,
)
from planner.i18n import use_language
from planner.params import Progress

#: A best plan so far with a bound (the bar measures closeness).
BOUNDED = Progress("primary", 5.0, 990.0, 1000.0, coverage=0.652, min_coverage=0.4)


def drawn(width: int, stage: str, p: Progress | None, elapsed: float = 3.0) -> list[str]:
    """The progress line as a terminal of ``width`` columns shows it, line by line."""
    console = Console(file=io.StringIO(), width=width, force_terminal=True, color_system=None)
    bar = progress_bar(console)
    full, measure = bar_state(p, elapsed, 30.0)
    task = bar.add_task("solve", total=1.0, stage=stage, measure=measure, plan=coverage_text(p))
    bar.update(task, completed=full)
    console.print(bar.make_tasks_table(bar.tasks))
    return console.file.getvalue().splitlines()  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("width", [24, 40, 60, 80, 100, 140])
def test_the_progress_line_is_one_line_within_the_terminal_width(lang: str, width: int) -> None:
    """At any terminal width, in Chinese (two cells a character) and English, every
    stage's progress line, with and without a plan, is drawn as one line no wider than
    the terminal, and with one clock only (no elapsed-time column)."""
    with use_language(lang):
        stages = [stage_text(s) for s in STAGE_NAMES] + [stage_text("parts", 3, 12)]
        for stage in stages:
            for p in (None, BOUNDED):
                lines = drawn(width, stage, p)
                assert len(lines) == 1, lines
                assert cell_len(lines[0]) <= width, lines
                assert not re.search(r"\d:\d\d:\d\d", lines[0]), lines


def test_at_80_columns_the_chinese_line_is_whole() -> None:
    """At 80 columns the Chinese line (the default language) shows everything: the
    longest stage name, the bar, how close the plan is to the best possible plan and
    its coverage and minimum coverage, nothing cut short."""
    with use_language("zh_CN"):
        longest = max((stage_text(s) for s in STAGE_NAMES), key=cell_len)
        (line,) = drawn(80, longest, BOUNDED)
        assert longest in line and "…" not in line, line
        assert "达到最优方案的 99.0%" in line and "覆盖率 65.2%，最低覆盖率 40.0%" in line, line


def test_fit_line_cuts_the_plan_then_leaves_out_the_measure_and_the_bar() -> None:
    """What does not fit goes in order: the stage's padding, the end of the plan's text
    (cut with "…", a Chinese character never split), the text beside the bar, the bar,
    and last the plan's text, the stage name cut short."""
    stage, measure, plan = "求解", "达到最优方案的 99.0%", "覆盖率 65.2%，最低覆盖率 40.0%"
    whole = fit_line(200, stage, measure, plan, stage_width=16)
    assert (whole.stage, whole.bar, whole.measure, whole.plan) == (
        "求解" + " " * 12,
        True,
        measure,
        plan,
    )
    assert whole.cells() == 16 + 1 + BAR_WIDTH + 1 + 20 + 1 + 30
    unpadded = fit_line(4 + 1 + BAR_WIDTH + 1 + 20 + 1 + 30, stage, measure, plan, 16)
    assert unpadded.stage == "求解" and unpadded.plan == plan
    # 66 cells: the plan's text loses its last cells to "…".
    cut = fit_line(66, stage, measure, plan, 16)
    assert cut.measure == measure and cut.plan == "覆盖率 65.2%，最低覆盖率 40.…"
    # A cut through a two-cell character leaves its cell blank rather than split it.
    assert fit_line(51, stage, measure, plan).plan == "覆盖率 65.2% …"
    # 48 cells leave the plan fewer than MIN_PLAN_CELLS beside the measure: the
    # measure goes, and the plan's text is whole again.
    assert 48 - (4 + 1 + BAR_WIDTH + 1 + 20 + 1) < MIN_PLAN_CELLS
    no_measure = fit_line(48, stage, measure, plan)
    assert (no_measure.bar, no_measure.measure, no_measure.plan) == (True, "", plan)
    no_bar = fit_line(20, stage, measure, plan)
    assert (no_bar.bar, no_bar.measure, no_bar.plan) == (False, "", "覆盖率 65.2%，…")
    alone = fit_line(3, stage, measure, plan)
    assert (alone.stage, alone.bar, alone.measure, alone.plan) == ("求…", False, "", "")
    for width in range(1, 120):
        assert fit_line(width, stage, measure, plan, 16).cells() <= width
