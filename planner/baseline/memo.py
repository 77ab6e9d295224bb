"""One remembered answer per function: the last scenario asked about.

A solve, its report and its KPIs ask for the same baselines of the same scenario; a
scenario is immutable, so the same object always has the same answer. Only the last
scenario is kept (so at most one scenario outlives its caller), and reading the
entry is one load, so a concurrent call about another scenario never gets its answer.
The remembered answer ignores the ``options`` and ``distances`` arguments: both are
derived from the scenario and only save work.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from planner.scenario import Scenario

T = TypeVar("T")


class LastAnswer(Generic[T]):
    """The answer a function gave for the last scenario it was asked about."""

    def __init__(self) -> None:
        self._entry: tuple[Scenario, T] | None = None

    def get(self, scenario: Scenario) -> T | None:
        """The remembered answer if it is for ``scenario`` (the same object), else None."""
        entry = self._entry  # one read: another thread may replace it meanwhile
        if entry is not None and entry[0] is scenario:
            return entry[1]
        return None

    def put(self, scenario: Scenario, answer: T) -> T:
        """Remember ``answer`` for ``scenario`` and return it."""
        self._entry = (scenario, answer)
        return answer
