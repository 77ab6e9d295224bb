"""Benchmark: the price of fairness, one row per scenario and fairness setting.

Run with ``python benchmarks/fairness.py`` from the repository root (``--help`` for the
options; ``--seeds`` picks the generated subdistrict scenarios). Every scenario is solved
once per setting of :data:`SETTINGS`, with the other objective weights as the scenario
gives them. Printed per run: population-weighted coverage, minimum committee coverage,
Jain's index, Gini, the committees (and residents) below their coverage in the
spreadsheet baseline's plan, status and wall time; then per setting the number of
scenarios on which the plan beats the baseline on all four of coverage (higher), minimum
(higher), Jain (higher) and Gini (lower); the last lines give the mean of each figure over
the scenarios, as a Markdown table.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planner import SolveParams, read_scenario, solve
from planner.baseline import plan_baseline
from planner.fairness import below_baseline
from planner.generate import generate
from planner.kpis import Kpis, compute_kpis
from planner.scenario import Scenario
from planner.validate import check_plan

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = {
    "wujiaochang-2027-spring.yaml": 5.0,
    "wujiaochang-2027-spring-26w.yaml": 15.0,
}
#: Seconds per generated subdistrict scenario (13 weeks, like the 13-week reference).
GENERATED_SECONDS = 5.0

#: The fairness settings a planner would choose between: objective fields changed from
#: the scenario's own objective.
SETTINGS: dict[str, dict[str, Any]] = {
    "target 0.50": {
        "shortfall_target": 0.5,
        "keep_baseline_coverage": False,
        "fairness_mode": "weighted",
    },
    "target 0.55": {
        "shortfall_target": 0.55,
        "keep_baseline_coverage": False,
        "fairness_mode": "weighted",
    },
    "target 0.50 + baseline guarantee": {
        "shortfall_target": 0.5,
        "keep_baseline_coverage": True,
        "fairness_mode": "weighted",
    },
    "target 0.55 + baseline guarantee": {
        "shortfall_target": 0.55,
        "keep_baseline_coverage": True,
        "fairness_mode": "weighted",
    },
    "leximin": {"keep_baseline_coverage": False, "fairness_mode": "leximin"},
}


@dataclass
class Row:
    """The figures of one solve."""

    scenario: str
    setting: str
    kpis: Kpis
    baseline: Kpis
    below: int
    residents_below: int
    status: str
    wall: float
    beats: bool


def with_objective(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """The scenario with some objective fields changed."""
    return scenario.model_copy(update={"objective": scenario.objective.model_copy(update=changes)})


def coverages(kpis: Kpis) -> dict[str, float]:
    """Each committee's coverage, by id."""
    frame = kpis.by_committee
    return dict(zip(frame["committee_id"], frame["coverage"], strict=True))


def beats(plan: Kpis, base: Kpis) -> bool:
    """Whether a plan beats the baseline on coverage, minimum, Jain and Gini."""
    return (
        plan.coverage > base.coverage
        and plan.min_coverage > base.min_coverage
        and plan.jain_index > base.jain_index
        and plan.gini < base.gini
    )


def run(name: str, scenario: Scenario, seconds: float, args: argparse.Namespace) -> list[Row]:
    """Solve one scenario under every setting and print one line per setting."""
    base = compute_kpis(scenario, plan_baseline(scenario))
    base_cov = coverages(base)
    population = {c.id: c.population for c in scenario.committees}
    print(
        f"{name:<36}{'baseline':<34}{100 * base.coverage:>7.1f}{100 * base.min_coverage:>7.1f}"
        f"{base.jain_index:>7.3f}{base.gini:>7.3f}",
        flush=True,
    )
    rows = []
    for setting, changes in SETTINGS.items():
        s = with_objective(scenario, changes)
        params = SolveParams(
            time_limit=seconds * args.time_factor,
            seed=args.seed,
            workers=args.workers,
            relative_gap=args.gap,
        )
        started = time.perf_counter()
        result = solve(s, params)
        wall = time.perf_counter() - started
        assert result.plan is not None, result.message
        assert not check_plan(s, result.plan), "the plan breaks a hard rule"
        k = compute_kpis(s, result.plan)
        below = below_baseline(coverages(k), base_cov)
        row = Row(
            name,
            setting,
            k,
            base,
            len(below),
            sum(population[c] for c in below),
            result.status.value,
            wall,
            beats(k, base),
        )
        rows.append(row)
        print(
            f"{'':<36}{setting:<34}{100 * k.coverage:>7.1f}{100 * k.min_coverage:>7.1f}"
            f"{k.jain_index:>7.3f}{k.gini:>7.3f}{row.below:>7}{row.residents_below:>9}"
            f"  {row.status:<9}{wall:>6.1f} s  {'beats' if row.beats else '-'}",
            flush=True,
        )
    return rows


def main() -> None:
    """Solve the reference and generated scenarios under each setting; print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2, 3, 4, 5])
    parser.add_argument(
        "--references", nargs="*", default=list(REFERENCES), help="reference files to solve"
    )
    parser.add_argument("--gap", type=float, default=0.005, help="relative gap stop")
    parser.add_argument(
        "--settings", nargs="*", default=list(SETTINGS), help="settings to solve (names)"
    )
    parser.add_argument(
        "--time-factor",
        type=float,
        default=1.0,
        help="multiply every time limit (5 s for 13 weeks, 15 s for 26) by this",
    )
    args = parser.parse_args()
    for name in [k for k in SETTINGS if k not in args.settings]:
        del SETTINGS[name]
    print(
        f"{'scenario':<36}{'setting':<34}{'cov %':>7}{'min %':>7}{'Jain':>7}{'Gini':>7}"
        f"{'below':>7}{'resid.':>9}  status    wall"
    )
    rows: list[Row] = []
    for name in args.references:
        seconds = REFERENCES[name]
        rows += run(name, read_scenario(ROOT / "scenarios" / name), seconds, args)
    for seed in args.seeds:
        scenario = generate("subdistrict", seed)
        rows += run(f"generated subdistrict seed {seed}", scenario, GENERATED_SECONDS, args)
    n = len(rows) // len(SETTINGS)
    print()
    print(
        f"Mean over {n} scenarios ({args.workers} workers, seed {args.seed}, gap stop "
        f"{args.gap:g}, time limits x{args.time_factor:g}); "
        "'beats' counts the scenarios where the plan beats the spreadsheet baseline on "
        "coverage, minimum, Jain and Gini."
    )
    print()
    print("| setting | coverage | minimum | Jain | Gini | committees below baseline | beats |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    first = [r for r in rows if r.setting == next(iter(SETTINGS))]
    mean = _means([r.baseline for r in first])
    print(
        f"| spreadsheet baseline | {100 * mean['coverage']:.1f} % "
        f"| {100 * mean['min_coverage']:.1f} % | {mean['jain_index']:.3f} "
        f"| {mean['gini']:.3f} | – | – |"
    )
    for setting in SETTINGS:
        mine = [r for r in rows if r.setting == setting]
        mean = _means([r.kpis for r in mine])
        below = sum(r.below for r in mine) / len(mine)
        won = sum(r.beats for r in mine)
        print(
            f"| {setting} | {100 * mean['coverage']:.1f} % | {100 * mean['min_coverage']:.1f} % "
            f"| {mean['jain_index']:.3f} | {mean['gini']:.3f} | {below:.1f} | {won}/{len(mine)} |"
        )


def _means(kpis: list[Kpis]) -> dict[str, float]:
    """The mean of coverage, minimum, Jain and Gini over some plans' KPIs."""
    return {
        key: sum(getattr(k, key) for k in kpis) / len(kpis)
        for key in ("coverage", "min_coverage", "jain_index", "gini")
    }


if __name__ == "__main__":
    main()
