"""The objective's score of any plan, computed from the plan alone (no solver).

:func:`score_plan` restates the goals of ``planner/solver/objective.py`` with plain
loops over a plan's deliveries (:mod:`planner.score.terms`, which says how it counts as
the model does); :func:`guarantee_problems` restates the constraints a solve adds to
the hard rules (:mod:`planner.score.guarantees`). A plan from a file, the baseline or a
test's enumeration is ranked exactly as the solver ranks plans, and the tests check on
every solve that the solver reports the objective of the plan it returns
(``tests/factories.py``).
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.network import Distances
from planner.plan import Delivery, Plan
from planner.scenario import Scenario
from planner.score.guarantees import Guarantees
from planner.score.terms import (
    BASIS,
    SCALE,
    TERMS,
    TOLERANCE,
    PlanScore,
    Scorer,
    TermScore,
    attainable_lines,
)


def score_plan(
    scenario: Scenario, plan: Plan | Iterable[Delivery], distances: Distances | None = None
) -> PlanScore:
    """The objective's named terms, total and stage values for a plan, without a solver.

    Parameters
    ----------
    scenario
        A validated scenario.
    plan
        The plan (or its deliveries). Every delivery's committee, resource and demand
        line must resolve; the figures mean what the model's would for a plan that
        keeps every hard rule (``planner.validate.check_plan``).
    distances
        Road distances; built from the scenario when not given (scoring many plans of
        one scenario is quicker with a :class:`Scorer`).

    Returns
    -------
    PlanScore
        Each term's exact and model points, the total (what ``Result.objective`` gives
        for the plan) and the value of each stage (what ``Result.stages`` reports).

    Raises
    ------
    ValueError
        If a delivery's committee, resource or demand line does not resolve.
    """
    return Scorer(scenario, distances).score(plan)


def guarantee_problems(scenario: Scenario, plan: Plan | Iterable[Delivery]) -> list[str]:
    """Every guarantee of the objective that a plan breaks; empty when it meets them all.

    The guarantees are the constraints the solve adds to the hard rules, so a plan the
    solver may return both keeps every hard rule and meets these. This is the one place
    that restates them; it mirrors the model (``planner.solver.entry``). With
    ``objective.keep_baseline_minimum``, the lowest committee coverage (over lines some
    option can serve, in whole basis points) is at least the spreadsheet baseline's;
    with ``objective.keep_baseline_coverage``, each committee's coverage (over the same
    lines) is at least its own in the baseline's plan. (The levels of the leximin
    rounds depend on the search and are not restated here.)

    Parameters
    ----------
    scenario
        A validated scenario.
    plan
        The plan (or its deliveries).
    """
    return Guarantees(Scorer(scenario)).problems(plan)


def meets_guarantees(scenario: Scenario, plan: Plan | Iterable[Delivery]) -> bool:
    """Whether a plan meets every guarantee of the objective (:func:`guarantee_problems`)."""
    return not guarantee_problems(scenario, plan)


__all__ = [
    "BASIS",
    "SCALE",
    "TERMS",
    "TOLERANCE",
    "Guarantees",
    "PlanScore",
    "Scorer",
    "TermScore",
    "attainable_lines",
    "guarantee_problems",
    "meets_guarantees",
    "score_plan",
]
