"""Rule texts in Chinese outside the validator and the unmet table: the check itself, an
infeasible solve's message, the goal terms and the guarantee problems.

The suite runs in English; these tests ask for the default, Simplified Chinese. The
validator's messages are checked in ``tests/validate/test_chinese_messages.py``, the
unmet explanations in ``tests/explain/test_chinese_explanations.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from planner.i18n import use_language
from planner.scenario import Scenario
from tests.chinese import assert_chinese, english_words
from tests.factories import (
    ask,
    base_data,
    book_set,
    build,
    pin,
    solve_valid,
    troupe,
)


def test_english_words_finds_what_is_left() -> None:
    """The check itself: English words count, ids, quoted values and field names do not."""
    assert english_words("团队 'T1 troupe' 在 C1 第2周，max_events_per_week 为 2") == []
    assert english_words("居委 'C1' is closed in 第2周") == ["is", "closed", "in"]


def _pinned_troupe(committees: int, pins: list[dict[str, Any]], **committee: Any) -> Scenario:
    data = base_data(weeks=4, committees=committees)
    data["committees"][0].update(committee)
    data["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    data["demand"] = [ask(f"C{i}", "performance", 1) for i in range(1, committees + 1)]
    data["pins"] = pins
    return build(data)


@pytest.mark.parametrize(
    ("scenario", "pins"),
    [
        pytest.param(
            lambda: _pinned_troupe(1, [pin("C1", "performance", "T1", 2)], closed_weeks=[2]),
            ["pins[0]"],
            id="pin-without-option",
        ),
        pytest.param(
            lambda: _pinned_troupe(
                2, [pin("C1", "performance", "T1", 1), pin("C2", "performance", "T1", 1)]
            ),
            ["pins[0]", "pins[1]"],
            id="pins-in-conflict",
        ),
    ],
)
def test_infeasible_solve_says_why_in_chinese(
    scenario: Callable[[], Scenario], pins: list[str]
) -> None:
    """An infeasible solve's message is Chinese on every line and names the pins."""
    from planner import SolveParams, SolveStatus, solve

    with use_language("zh_CN"):
        result = solve(scenario(), SolveParams(workers=1, seed=0, time_limit=10))
    assert result.status == SolveStatus.INFEASIBLE
    for line in result.message.splitlines():
        assert_chinese(line)
    assert all(name in result.message for name in pins)


def test_goal_terms_and_guarantees_speak_chinese() -> None:
    """A solve's goal terms are described in Chinese, and a plan below the spreadsheet
    baseline is told so in Chinese (the guarantee's option name kept)."""
    from planner.score import guarantee_problems

    data = base_data(weeks=4)
    data["resources"] = {"book_sets": [book_set("B1", copies=2, stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set", 1), ask("C2", "book_set", 1)]
    scenario = build(data)
    with use_language("zh_CN"):
        result = solve_valid(scenario)
        problems = guarantee_problems(scenario, [])
    assert result.terms
    for term in result.terms:
        assert_chinese(term.description)
    assert problems
    for problem in problems:
        assert_chinese(problem, allowed=["keep_baseline_minimum", "keep_baseline_coverage"])
