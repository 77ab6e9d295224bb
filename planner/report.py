"""The report of a solve: the content of ``kpis.json``.

The command line writes it into the output folder, and the service returns it; both
build it here so that every report means the same thing.
"""

from __future__ import annotations

from typing import Any

from planner.baseline import plan_baseline
from planner.fairness import below_baseline
from planner.kpis import Kpis, compute_kpis
from planner.result import Result
from planner.scenario import Scenario


def solve_report(
    scenario: Scenario,
    result: Result,
    kpis: Kpis | None = None,
    baseline_kpis: Kpis | None = None,
) -> dict[str, Any]:
    """Return the ``kpis.json`` content of a solve that has a plan.

    Parameters
    ----------
    scenario
        The scenario solved.
    result
        The solve's result; it must carry a plan.
    kpis, baseline_kpis
        The plan's and the spreadsheet baseline's KPIs, when already computed.

    Returns
    -------
    dict
        ``scenario, status, stop_reason, message, objective, best_bound, gap,
        wall_seconds``, the plan's KPIs (:meth:`planner.kpis.Kpis.to_dict`), the
        objective's named ``terms``, the model and search ``stats``, the
        baseline's KPIs under ``baseline``, and the committees below their baseline
        coverage under ``below_baseline`` (:func:`below_baseline_summary`);
        JSON-serialisable.

    Raises
    ------
    ValueError
        If the result has no plan.
    """
    if result.plan is None:
        raise ValueError(f"a {result.status.value} result has no plan to report on")
    kpis = kpis if kpis is not None else compute_kpis(scenario, result.plan)
    if baseline_kpis is None:
        baseline_kpis = compute_kpis(scenario, plan_baseline(scenario))
    return {
        "scenario": scenario.name,
        "status": result.status.value,
        "stop_reason": None if result.stop_reason is None else result.stop_reason.value,
        "message": result.message,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "wall_seconds": round(result.wall_seconds, 3),
        **kpis.to_dict(),
        "terms": result.term_points(),
        "stats": result.stats,
        "baseline": baseline_kpis.to_dict(),
        "below_baseline": below_baseline_summary(scenario, kpis, baseline_kpis),
    }


def below_baseline_summary(scenario: Scenario, kpis: Kpis, baseline_kpis: Kpis) -> dict[str, Any]:
    """The committees whose coverage is below their coverage in the baseline's plan.

    Returns
    -------
    dict
        ``num_committees``, ``num_residents`` (their population) and ``committees``
        (their ids, in scenario order).
    """
    ids = below_baseline(_coverages(kpis), _coverages(baseline_kpis))
    population = {c.id: c.population for c in scenario.committees}
    return {
        "num_committees": len(ids),
        "num_residents": sum(population.get(c, 0) for c in ids),
        "committees": ids,
    }


def _coverages(kpis: Kpis) -> dict[str, float]:
    frame = kpis.by_committee
    return {str(k): float(v) for k, v in zip(frame["committee_id"], frame["coverage"], strict=True)}
