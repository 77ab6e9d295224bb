"""Benchmark: the primary stage's model handed whole to HiGHS as a MIP, beside cultplan.

Run with ``python benchmarks/peer_highs.py`` from the repository root (``--weeks 13``
for the 13-week reference only). For each reference scenario the model is built as
:func:`planner.solve` builds it (hard rules, pins, goals, and the guarantees' floors
from the spreadsheet baseline, as a solve adds them), the
primary stage's objective is set, and the CP-SAT proto is translated row by row into a
MathOpt MIP (every variable integer, every constraint kept: the run refuses to go on if
the translation had to leave any out). HiGHS then solves it, first to a 0.5 % gap, then
to a proven optimum (gap 0), each within ``--time-limit`` seconds. The times include
building the MIP but not the CP-SAT model. Objectives are printed in points, as
cultplan's ``Result.stages['primary']`` reports them.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from pathlib import Path

from ortools.math_opt import parameters_pb2, result_pb2

from planner import read_scenario
from planner.params import SolveParams
from planner.solver import lp
from planner.solver.control import SolveControl
from planner.solver.fallback import add_guarantees, baseline_start, plan_start
from planner.solver.mip import model_proto
from planner.solver.model import build_model
from planner.solver.relaxation import _ends, _rows
from planner.solver.stages import plan_stages

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {13: "wujiaochang-2027-spring.yaml", 26: "wujiaochang-2027-spring-26w.yaml"}


def main() -> None:
    """Solve each reference's primary stage with HiGHS MIP and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, choices=sorted(SCENARIOS), action="append")
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    print(f"load average at start {os.getloadavg()[0]:.1f}")
    for weeks in args.weeks or sorted(SCENARIOS):
        scenario = read_scenario(ROOT / "scenarios" / SCENARIOS[weeks])
        built = build_model(scenario)
        ctx = built.ctx
        # The same guarantees as a solve (the baseline's floors), from the same baselines.
        control = SolveControl(SolveParams(time_limit=args.time_limit, workers=1))
        start = baseline_start(ctx, built.terms, plan_start(ctx), control)
        add_guarantees(ctx, start)
        control.close()
        stage = next(s for s in plan_stages(ctx, built.terms) if s.name == "primary")
        ctx.model.maximize(stage.expr)
        proto = model_proto(ctx.model)
        for gap in (0.005, 0.0):
            started = time.perf_counter()
            kept = _rows(proto)
            assert kept is not None
            rows, dropped = kept
            if dropped:
                raise SystemExit(f"{dropped} constraints have no row: the MIP would not be whole")
            domains = [_ends(list(v.domain)) for v in proto.variables]
            cost: dict[int, float] = defaultdict(float)
            for var_index, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
                cost[var_index] += float(coeff)
            mip_rows = [(r.vars, r.coeffs, r.low, r.high) for r in rows]
            model = lp._model_proto(domains, mip_rows, cost)
            del model.variables.integers[:]
            model.variables.integers.extend([True] * len(domains))
            params = parameters_pb2.SolveParametersProto()
            params.enable_output = False
            # (MathOpt refuses a thread count for HiGHS; its MIP search is serial.)
            params.relative_gap_tolerance = gap
            params.absolute_gap_tolerance = 0.0 if gap == 0 else 1e-9
            params.time_limit.FromNanoseconds(int(args.time_limit * 1e9))
            result = lp._run(model, parameters_pb2.SOLVER_TYPE_HIGHS, params, None)
            wall = time.perf_counter() - started
            assert result is not None
            reason = result_pb2.TerminationReasonProto.Name(result.termination.reason)
            # Minimised sum -> points: scaling x (sum + offset) / stage scale.
            scaling = proto.objective.scaling_factor or 1.0
            offset = proto.objective.offset

            def points(value: float) -> float:
                return scaling * (value + offset) / stage.scale  # noqa: B023 - used at once

            bounds = result.termination.objective_bounds
            objective = points(bounds.primal_bound) if result.solutions else float("nan")
            bound = points(bounds.dual_bound)
            rel = abs(bound - objective) / max(1.0, abs(objective))
            print(
                f"{weeks} weeks, HiGHS MIP (gap stop {100 * gap:g} %, "
                f"limit {args.time_limit:g} s): {reason}, objective {objective:.3f}, "
                f"bound {bound:.3f}, gap {100 * rel:.3f} %, wall {wall:.2f} s "
                f"({len(domains)} columns, {len(rows)} rows)",
                flush=True,
            )
    print(f"load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
