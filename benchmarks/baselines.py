"""Benchmark: the baselines' KPIs and objective points on the reference scenarios.

Run with ``python benchmarks/baselines.py [SCENARIO ...]`` from the repository root
(default: both reference scenarios). Prints, per scenario and baseline: build time,
deliveries, coverage, minimum coverage, Jain, Gini, travel km and objective points,
and whether the validator accepts the plan. Run against an older checkout (with its
``planner`` first on ``PYTHONPATH``) it prints that checkout's spreadsheet baseline;
the greedy baseline and the points need this one.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from planner import Plan, Scenario, read_scenario
from planner.baseline import plan_baseline
from planner.kpis import compute_kpis
from planner.validate import check_plan

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = ["wujiaochang-2027-spring.yaml", "wujiaochang-2027-spring-26w.yaml"]


def _planners() -> dict[str, Callable[[Scenario], Plan]]:
    planners: dict[str, Callable[[Scenario], Plan]] = {"spreadsheet": plan_baseline}
    try:
        from planner.baseline import plan_greedy
    except ImportError:  # an older checkout without the greedy baseline
        return planners
    planners["greedy"] = plan_greedy
    return planners


def _points(scenario: Scenario, plan: Plan) -> str:
    try:
        from planner.baseline import plan_points
    except ImportError:
        return "-"
    return f"{sum(plan_points(scenario, plan).values()):,.1f}"


def main() -> None:
    """Plan each baseline on each scenario and print one row each."""
    paths = [Path(a) for a in sys.argv[1:]] or [ROOT / "scenarios" / n for n in REFERENCES]
    print(
        "| scenario | baseline | s | deliveries | coverage | min | Jain | Gini | travel km "
        "| points | valid |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for path in paths:
        scenario = read_scenario(path)
        for name, planner in _planners().items():
            started = time.perf_counter()
            plan = planner(scenario)
            seconds = time.perf_counter() - started
            k = compute_kpis(scenario, plan)
            valid = "yes" if not check_plan(scenario, plan) else "NO"
            print(
                f"| {path.name} | {name} | {seconds:.2f} | {len(plan)} | {k.coverage:.1%} "
                f"| {k.min_coverage:.1%} | {k.jain_index:.3f} | {k.gini:.3f} "
                f"| {k.travel_km:,.0f} | {_points(scenario, plan)} | {valid} |"
            )


if __name__ == "__main__":
    main()
