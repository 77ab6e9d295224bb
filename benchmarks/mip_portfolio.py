"""Benchmark: HiGHS's MIP beside CP-SAT, against CP-SAT alone and HiGHS alone.

Run with ``python benchmarks/mip_portfolio.py`` from the repository root (``--weeks 13``
is the default; ``--gap 0`` asks for a proven optimum, ``--repeat`` runs each mode
several times, alternating). For each reference scenario, three runs side by side:

* ``portfolio``: ``planner.solve`` with 2 workers, HiGHS beside CP-SAT (the default);
* ``cp-sat``: the same solve with HiGHS left out (``engines.MIP_MAX_VARIABLES = 0``);
* ``highs``: the model built as a solve builds it (the baseline's guarantees added),
  its primary stage translated (:func:`planner.solver.mip.translate`) and solved by
  HiGHS alone in this process: the model handed whole to HiGHS.

Each prints the wall time (the solves' including building and the baselines; HiGHS's
from the translation on, with building printed apart), the outcome, objective, bound
and gap, and for the solves the engines of each stage's plan and bound. Times are
measured, not asserted: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from planner import read_scenario
from planner.params import SolveParams, relative_gap
from planner.solver import engines, highs
from planner.solver.control import SolveControl
from planner.solver.entry import solve
from planner.solver.fallback import add_guarantees, baseline_start, plan_start
from planner.solver.mip import safe_bound, translate
from planner.solver.model import build_model
from planner.solver.stages import plan_stages
from planner.validate import check_plan

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {13: "wujiaochang-2027-spring.yaml", 26: "wujiaochang-2027-spring-26w.yaml"}


def run_solve(scenario_path: Path, mode: str, gap: float, limit: float, seed: int) -> None:
    """One ``planner.solve`` run, with or without HiGHS beside CP-SAT."""
    scenario = read_scenario(scenario_path)
    saved = engines.MIP_MAX_VARIABLES
    if mode == "cp-sat":
        engines.MIP_MAX_VARIABLES = 0
    try:
        began = time.perf_counter()
        result = solve(
            scenario, SolveParams(time_limit=limit, seed=seed, workers=2, relative_gap=gap)
        )
        wall = time.perf_counter() - began
    finally:
        engines.MIP_MAX_VARIABLES = saved
    problems = len(check_plan(scenario, result.plan)) if result.plan is not None else None
    engines_used = ", ".join(
        f"{r.name}: plan {r.plan_engine}, bound {r.bound_engine}"
        + (f", HiGHS {r.mip_bound:.3f} in {r.mip_seconds:.1f} s" if r.mip_bound else "")
        for r in result.stages
    )
    gap_text = f"{100 * result.gap:.4f} %" if result.gap is not None else "-"
    stopped = result.stop_reason.value if result.stop_reason else "-"
    print(
        f"  {mode:9s} wall {wall:6.2f} s  {result.status.value:8s} "
        f"{stopped:10s} objective {result.objective} bound "
        f"{result.best_bound} gap {gap_text}  rule problems {problems}  ({engines_used})",
        flush=True,
    )


def run_highs(scenario_path: Path, gap: float, limit: float, seed: int) -> None:
    """The primary stage's model, with the solve's guarantees, handed whole to HiGHS."""
    scenario = read_scenario(scenario_path)
    began = time.perf_counter()
    built = build_model(scenario)
    ctx = built.ctx
    control = SolveControl(SolveParams(time_limit=limit, workers=1))
    add_guarantees(ctx, baseline_start(ctx, built.terms, plan_start(ctx), control))
    control.close()
    stage = next(s for s in plan_stages(ctx, built.terms) if s.name == "primary")
    ctx.model.maximize(stage.expr)
    building = time.perf_counter() - began
    began = time.perf_counter()
    mip = translate(ctx.model)
    outcome = highs.solve_mip(mip.proto, highs.solve_params(limit, gap, seed))
    wall = time.perf_counter() - began
    objective = mip.model_units(outcome.primal) / stage.scale if outcome.values else None
    bound = safe_bound(mip, outcome.dual) / stage.scale
    gap_text = f"{100 * relative_gap(objective, bound):.4f} %" if objective is not None else "-"
    print(
        f"  {'highs':9s} wall {wall:6.2f} s  {outcome.termination} objective {objective} "
        f"bound {bound} gap {gap_text}  (primary stage only; building and baselines "
        f"{building:.2f} s apart; {mip.num_variables} columns, {mip.num_rows} rows)",
        flush=True,
    )


def main() -> None:
    """Run the three modes on each scenario asked for and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, choices=sorted(SCENARIOS), action="append")
    parser.add_argument("--gap", type=float, default=0.0, help="relative gap (0 = prove)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--modes", default="portfolio,cp-sat,highs", help="comma-separated modes to run"
    )
    args = parser.parse_args()
    modes = args.modes.split(",")
    for weeks in args.weeks or [13]:
        path = ROOT / "scenarios" / SCENARIOS[weeks]
        print(
            f"{weeks} weeks, gap {100 * args.gap:g} %, limit {args.time_limit:g} s, "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        for _ in range(args.repeat):
            for mode in modes:
                if mode == "highs":
                    run_highs(path, args.gap, args.time_limit, args.seed)
                else:
                    run_solve(path, mode, args.gap, args.time_limit, args.seed)
        print(f"load average at end {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
