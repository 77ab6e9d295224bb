"""Benchmark: the primary stage's LP bound with and without the shortfall rows' rounding cuts.

Run with ``python benchmarks/lp_cuts.py`` from the repository root (``--weeks 13`` for the
13-week reference only; ``--subdistrict-seeds 1,2`` adds generated subdistricts). Each
scenario's model is built as a solve builds it (the baselines' guarantees added, the
primary stage's objective set), once with the cuts of
:func:`planner.solver.objective.rounding_cuts` and once without, and its LP relaxation
solved with HiGHS as a solve does. Prints the LP bound, its time, and the baseline plan's
points (a plan of the model: both bounds must be at least that). With ``--lagrangian``
also the Lagrangian bound by committee at the LP's prices (2 threads, up to the time
limit), which a solve skips when the cuts make every shortfall row its hull.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from planner import read_scenario
from planner.generate import generate
from planner.params import SolveParams
from planner.scenario import Scenario
from planner.solver import objective
from planner.solver.context import SCALE
from planner.solver.control import SolveControl
from planner.solver.fallback import add_guarantees, baseline_start, plan_start
from planner.solver.model import build_model
from planner.solver.relaxation import lagrangian_bound, relax
from planner.solver.stages import plan_stages

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {13: "wujiaochang-2027-spring.yaml", 26: "wujiaochang-2027-spring-26w.yaml"}


def lp_bound(
    scenario: Scenario, time_limit: float, lagrangian: bool = False
) -> tuple[float | None, float, float, int, str]:
    """The primary LP's bound in points, its seconds, the baseline's points, the rows and
    (with ``lagrangian``) the Lagrangian bound and its seconds as text."""
    built = build_model(scenario)
    ctx = built.ctx
    control = SolveControl(SolveParams(time_limit=time_limit))
    start = baseline_start(ctx, built.terms, plan_start(ctx), control)
    add_guarantees(ctx, start)
    primary = next(s for s in plan_stages(ctx, built.terms) if s.name == "primary")
    ctx.model.maximize(primary.expr)
    assert start.values is not None
    baseline = sum(t.points(start.values) for t in built.terms if t.level == "primary")
    began = time.perf_counter()
    relaxation = relax(ctx.model, time_limit)
    seconds = time.perf_counter() - began
    bound = None if relaxation is None else relaxation.bound / SCALE
    extra = ""
    if lagrangian and relaxation is not None:
        began = time.perf_counter()
        value = lagrangian_bound(relaxation, ctx.committee_blocks(), time_limit, 0, 2)
        shown = "none" if value is None else f"{value / SCALE:,.2f}"
        extra = f", Lagrangian {shown} in {time.perf_counter() - began:.1f} s"
    return bound, seconds, baseline, len(ctx.model.proto.constraints), extra


def main() -> None:
    """Print each scenario's LP bound with and without the rounding cuts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, choices=sorted(SCENARIOS), action="append")
    parser.add_argument("--subdistrict-seeds", default="", help="e.g. 1,2,3")
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--lagrangian", action="store_true")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    scenarios: dict[str, Scenario] = {
        f"reference {w} weeks": read_scenario(ROOT / "scenarios" / SCENARIOS[w])
        for w in args.weeks or sorted(SCENARIOS)
    }
    for seed in filter(None, args.subdistrict_seeds.split(",")):
        scenarios[f"subdistrict seed {seed}"] = generate("subdistrict", int(seed))
    cuts = objective.MAX_ROUNDING_CUTS
    for name, scenario in scenarios.items():
        figures = {}
        for label, limit in (("with cuts", cuts), ("without", 0)):
            objective.MAX_ROUNDING_CUTS = limit
            figures[label] = lp_bound(scenario, args.time_limit, args.lagrangian)
        objective.MAX_ROUNDING_CUTS = cuts
        baseline = figures["with cuts"][2]
        print(f"== {name}: baseline plan {baseline:,.1f} points")
        for label, (bound, seconds, _b, rows, extra) in figures.items():
            shown = "no bound" if bound is None else f"{bound:,.2f}"
            print(f"  LP {label:9}: {shown:>10} points, {seconds:.2f} s, {rows} rows{extra}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
