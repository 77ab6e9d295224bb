"""The objective's guarantees: the constraints a solve adds to the hard rules.

This is the one place that restates them without the solver; it mirrors the model
(``planner/solver/entry.py``). A guarantee added to the model is added here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property

from planner.baseline import plan_baseline
from planner.i18n import _
from planner.plan import Delivery, Plan
from planner.score.terms import Scorer
from planner.validate import check_plan


class Guarantees:
    """The guarantees of one scenario's objective.

    With ``objective.keep_baseline_minimum``, the lowest committee coverage (over lines
    some option can serve, in whole basis points, as :meth:`Scorer.min_coverage_bp`
    counts it) is at least the spreadsheet baseline's. With
    ``objective.keep_baseline_coverage``, each committee's coverage (over the same
    lines, as :meth:`Scorer.served_bp` counts it) is at least its own in the baseline's
    plan. The levels of the leximin rounds depend on the search and are not restated.

    Parameters
    ----------
    scorer
        The scorer of the scenario (its committee coverage counts).
    """

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    @cached_property
    def baseline_plan(self) -> Plan | None:
        """The spreadsheet baseline's plan when the model accepts it, else None.

        The model keeps the baseline's floors only as long as the baseline's plan is a
        solution of the model, i.e. keeps every hard rule but the pins (the model
        completes it without its pins). A baseline plan that breaks a rule is a bug of
        the baseline; the model then keeps no floor, and neither does this.
        """
        s = self.scorer.scenario
        baseline = plan_baseline(s)
        if any(v.rule != "pinned" for v in check_plan(s, baseline)):
            return None
        return baseline

    @cached_property
    def baseline_floor(self) -> int | None:
        """The lowest committee coverage every plan keeps, in basis points, or None.

        Mirrors the model: with ``objective.keep_baseline_minimum``, the fairness level
        stays at least at the spreadsheet baseline's (see :attr:`baseline_plan`).
        """
        scorer = self.scorer
        if not scorer.scenario.objective.keep_baseline_minimum or not scorer.request_bp:
            return None
        baseline = self.baseline_plan
        return None if baseline is None else scorer.min_coverage_bp(baseline)

    @cached_property
    def baseline_served(self) -> dict[str, int] | None:
        """What the baseline's plan serves of each committee, or None.

        Mirrors the model (``planner.solver.objective.keep_served``): with
        ``objective.keep_baseline_coverage``, each committee's Σ priority × deliveries
        over its attainable lines stays at least at the spreadsheet baseline's (see
        :attr:`baseline_plan`).
        """
        if not self.scorer.scenario.objective.keep_baseline_coverage:
            return None
        baseline = self.baseline_plan
        return None if baseline is None else dict(self.scorer.served_bp(baseline))

    def problems(self, plan: Plan | Iterable[Delivery]) -> list[str]:
        """Every guarantee the plan breaks, in words (in the current language, the
        guarantee's option name first); empty when it meets them all."""
        deliveries = list(plan)
        problems = []
        low = self._below_floor(deliveries)
        if low is not None:
            level, floor = low
            problems.append(
                _(
                    "keep_baseline_minimum: the lowest committee coverage is {level} %, "
                    "below the spreadsheet baseline's {floor} %"
                ).format(level=f"{level / 100:.2f}", floor=f"{floor / 100:.2f}")
            )
        for committee_id, served, request, floor_c in self._below_served(deliveries):
            problems.append(
                _(
                    "keep_baseline_coverage: committee {committee} has coverage "
                    "{coverage} %, below its {floor} % in the spreadsheet baseline's plan"
                ).format(
                    committee=committee_id,
                    coverage=f"{served / request / 100:.2f}",
                    floor=f"{floor_c / request / 100:.2f}",
                )
            )
        return problems

    def broken(self, plan: Plan | Iterable[Delivery]) -> list[str]:
        """Which guarantees the plan breaks, as the reasons a baseline's plan is passed
        over are named (``minimum``, ``coverage``; see ``planner.wording.PASSED_OVER``):
        empty exactly when :meth:`problems` is."""
        deliveries = list(plan)
        reasons = []
        if self._below_floor(deliveries) is not None:
            reasons.append("minimum")
        if self._below_served(deliveries):
            reasons.append("coverage")
        return reasons

    def _below_floor(self, deliveries: list[Delivery]) -> tuple[int, int] | None:
        """``(lowest coverage, floor)`` in basis points when the lowest committee
        coverage is below the spreadsheet baseline's floor, else None."""
        floor = self.baseline_floor
        if floor is None:
            return None
        level = self.scorer.min_coverage_bp(deliveries)
        assert level is not None  # a floor exists only when some line is attainable
        return (level, floor) if level < floor else None

    def _below_served(self, deliveries: list[Delivery]) -> list[tuple[str, int, int, int]]:
        """``(committee, served, requested, floor)`` for each committee below its own
        coverage in the spreadsheet baseline's plan (weighted basis points)."""
        base = self.baseline_served
        if base is None:
            return []
        served = self.scorer.served_bp(deliveries)
        return [
            (committee_id, served[committee_id], request, base.get(committee_id, 0))
            for committee_id, request in self.scorer.request_bp.items()
            if request > 0 and served[committee_id] < base.get(committee_id, 0)
        ]


__all__ = ["Guarantees"]
