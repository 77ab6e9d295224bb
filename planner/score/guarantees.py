"""The objective's guarantees: the constraints a solve adds to the hard rules.

This is the one place that restates them without the solver; it mirrors the model
(``planner/solver/entry.py``). A guarantee added to the model is added here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from planner.baseline import plan_baseline
from planner.plan import Delivery, Plan
from planner.score.terms import Scorer
from planner.validate import check_plan


class Guarantees:
    """The guarantees of one scenario's objective.

    Today there is one: with ``objective.keep_baseline_minimum``, the lowest committee
    coverage (over lines some option can serve, in whole basis points, as
    :meth:`Scorer.min_coverage_bp` counts it) is at least the spreadsheet baseline's.

    Parameters
    ----------
    scorer
        The scorer of the scenario (its committee coverage counts).
    """

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    @cached_property
    def baseline_floor(self) -> int | None:
        """The lowest committee coverage every plan keeps, in basis points, or None.

        Mirrors the model: with ``objective.keep_baseline_minimum``, the fairness level
        stays at least at the spreadsheet baseline's, as long as the baseline's plan is
        a solution of the model, i.e. keeps every hard rule but the pins (the model
        completes it without its pins). A baseline plan that breaks a rule is a bug of
        the baseline; the model then keeps no floor, and neither does this.
        """
        scorer = self.scorer
        s = scorer.scenario
        if not s.objective.keep_baseline_minimum or not scorer.request_bp:
            return None
        baseline = plan_baseline(s)
        if any(v.rule != "pinned" for v in check_plan(s, baseline)):
            return None
        return scorer.min_coverage_bp(baseline)

    def problems(self, plan: Plan | Iterable[Delivery]) -> list[str]:
        """Every guarantee the plan breaks, in words; empty when it meets them all."""
        floor = self.baseline_floor
        if floor is None:
            return []
        level = self.scorer.min_coverage_bp(list(plan))
        assert level is not None  # a floor exists only when some line is attainable
        if level >= floor:
            return []
        return [
            f"keep_baseline_minimum: the lowest committee coverage is {level / 100:.2f} %, "
            f"below the spreadsheet baseline's {floor / 100:.2f} %"
        ]


__all__ = ["Guarantees"]
