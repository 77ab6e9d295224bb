"""Robust plans: a plan over sampled seasons of uncertain demand, and the most robust plan.

:func:`evaluate_plan` gives a plan's expected and worst-decile (CVaR 10 %) coverage over
seeded samples of demand and no-shows (:class:`Uncertainty`); :func:`compare_plans`
evaluates several plans over the same seasons; :func:`robust_candidates` and
:func:`most_robust` make candidate plans with the solver and choose the one with the best
worst decile. See ``docs/sweeps.md``.
"""

from planner.robust.choose import Candidate, compare_plans, most_robust, robust_candidates
from planner.robust.evaluate import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    LineUncertainty,
    RobustKpis,
    Uncertainty,
    evaluate_plan,
    read_uncertainty,
    season_coverages,
    uncertainty_from_dict,
    worst_decile,
)

__all__ = [
    "DEFAULT_SAMPLES",
    "DEFAULT_SEED",
    "Candidate",
    "LineUncertainty",
    "RobustKpis",
    "Uncertainty",
    "compare_plans",
    "evaluate_plan",
    "most_robust",
    "read_uncertainty",
    "robust_candidates",
    "season_coverages",
    "uncertainty_from_dict",
    "worst_decile",
]
