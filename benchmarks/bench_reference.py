"""Benchmark: solve the bundled reference scenarios and print the figures.

Run with ``python benchmarks/bench_reference.py`` (add ``--workers 1`` for one core).
Prints, per scenario: model size, wall time including model building, status, gap,
and the KPIs of the optimised plan beside the spreadsheet baseline.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from planner import SolveParams, read_scenario, solve
from planner.baseline import plan_baseline
from planner.kpis import compute_kpis
from planner.validate import check_plan

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    "wujiaochang-2027-spring.yaml": 5.0,
    "wujiaochang-2027-spring-26w.yaml": 15.0,
}


def main() -> None:
    """Solve each reference scenario and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--time-limit", type=float, default=None, help="seconds (default: the target)"
    )
    parser.add_argument("--gap", type=float, default=0.005)
    args = parser.parse_args()
    for name, target in SCENARIOS.items():
        scenario = read_scenario(ROOT / "scenarios" / name)
        started = time.perf_counter()
        result = solve(
            scenario,
            SolveParams(
                time_limit=args.time_limit or target,
                seed=args.seed,
                workers=args.workers,
                relative_gap=args.gap,
            ),
        )
        wall = time.perf_counter() - started
        assert result.plan is not None, result.message
        assert result.model_size is not None
        size = result.model_size
        violations = check_plan(scenario, result.plan)
        started = time.perf_counter()
        baseline_plan = plan_baseline(scenario)
        baseline_seconds = time.perf_counter() - started
        opt = compute_kpis(scenario, result.plan)
        base = compute_kpis(scenario, baseline_plan)
        limit = args.time_limit or target
        print(
            f"== {name} ({scenario.season.weeks} weeks, {args.workers} workers, "
            f"seed {args.seed}, time limit {limit:g} s, gap stop {args.gap:g})"
        )
        print(
            f"options {size.num_options}, variables {size.num_variables}, "
            f"constraints {size.num_constraints}"
        )
        gap = result.gap if result.gap is not None else float("inf")
        proven = result.status.value == "optimal" or gap <= 0.005
        print(
            f"status {result.status.value}, gap {100 * gap:.3f} %, wall {wall:.2f} s "
            f"(target: optimal or gap <= 0.5 % within {target:g} s: "
            f"{'met' if proven and wall <= target + 0.5 else 'MISSED'})"
        )
        print(f"stop reason: {result.stop_reason}; stages: {result.stats['stages']}")
        print(f"violations of hard rules: {len(violations)}")
        print(f"baseline built in {baseline_seconds:.3f} s")
        print(f"{'KPI':<32}{'optimised':>12}{'baseline':>12}")
        for key, label in (
            ("coverage", "coverage (population-weighted)"),
            ("min_coverage", "minimum committee coverage"),
            ("jain_index", "Jain's index"),
            ("gini", "Gini"),
            ("travel_km", "travel km"),
            ("num_deliveries", "deliveries"),
        ):
            a, b = getattr(opt, key), getattr(base, key)
            print(f"{label:<32}{a:>12.4f}{b:>12.4f}")
        better = opt.coverage >= base.coverage and opt.min_coverage > base.min_coverage
        print(
            "optimised >= baseline on coverage and > on minimum coverage: "
            f"{'met' if better else 'MISSED'}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MiB")


if __name__ == "__main__":
    main()
