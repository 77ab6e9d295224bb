"""Benchmark: solve the bundled reference scenarios and print the figures.

Run with ``python benchmarks/bench_reference.py`` (add ``--workers 1`` for one core).
Prints, per scenario: model size, the time to build the model alone, the wall time
including model building, the time at which a progress report first showed the stage
within 0.5 % of its bound, status, gap, and the KPIs of the optimised plan beside the
spreadsheet baseline. With ``--prove`` each scenario is then solved again with gap 0
(``--prove-limit`` seconds, 120 by default) to report the time to a proven optimum.
The machine's load average is printed at the start and the end: times on a loaded
machine are inflated.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from planner import Result, Scenario, SolveParams, read_scenario, solve
from planner.baseline import plan_baseline
from planner.kpis import compute_kpis
from planner.params import Progress
from planner.solver.model import build_model
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
    parser.add_argument("--prove", action="store_true", help="also solve with gap 0")
    parser.add_argument("--prove-limit", type=float, default=120.0)
    parser.add_argument("--only", choices=sorted(SCENARIOS), help="one scenario only")
    args = parser.parse_args()
    print(f"load average at start {os.getloadavg()[0]:.1f}")
    for name, target in SCENARIOS.items():
        if args.only and name != args.only:
            continue
        scenario = read_scenario(ROOT / "scenarios" / name)
        started = time.perf_counter()
        build_model(scenario)
        build_seconds = time.perf_counter() - started
        params = SolveParams(
            time_limit=args.time_limit or target,
            seed=args.seed,
            workers=args.workers,
            relative_gap=args.gap,
        )
        result, wall, within = _timed_solve(scenario, params)
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
        print(f"build alone {build_seconds:.2f} s; first within 0.5 % at {_secs(within)}")
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
        if args.prove:
            proof = SolveParams(
                time_limit=args.prove_limit, seed=args.seed, workers=args.workers, relative_gap=0.0
            )
            proved, proof_wall, proof_within = _timed_solve(scenario, proof)
            proven = proved.stop_reason is not None and proved.stop_reason.value == "proven"
            gap = proved.gap if proved.gap is not None else float("inf")
            outcome = f"in {proof_wall:.2f} s" if proven else "NOT reached"
            print(
                f"proof run (gap 0, limit {args.prove_limit:g} s): status {proved.status.value}, "
                f"stop reason {proved.stop_reason}, gap {100 * gap:.3f} %, "
                f"wall {proof_wall:.2f} s, proven optimum {outcome}, "
                f"first within 0.5 % at {_secs(proof_within)}"
            )
    print(f"load average at end {os.getloadavg()[0]:.1f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MiB")


def _timed_solve(scenario: Scenario, params: SolveParams) -> tuple[Result, float, float | None]:
    """Solve; return the result, the wall time, and when a report first showed a gap <= 0.5 %.

    The progress gap is the stage's own (the primary stage is where the time goes).
    """
    within: list[float] = []

    def on_progress(p: Progress) -> None:
        if not within and p.gap is not None and p.gap <= 0.005:
            within.append(p.elapsed)

    started = time.perf_counter()
    result = solve(scenario, params, on_progress=on_progress)
    return result, time.perf_counter() - started, within[0] if within else None


def _secs(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.2f} s"


if __name__ == "__main__":
    main()
