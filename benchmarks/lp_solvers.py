"""Benchmark: the primary stage's LP relaxation in each LP solver, side by side.

Run with ``python benchmarks/lp_solvers.py`` from the repository root (``--weeks 13`` for
the 13-week reference only). HiGHS runs twice: on the rows divided by their largest
coefficient, as a solve hands them over, and on the rows as written. Prints, per
reference scenario and solver: the time to
build the solver's model, the time to solve it, the LP optimum and how many dual values
are nonzero. Runs back to back in one process, so that the figures share the machine's
load; compare the rows, not the absolute times.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from pathlib import Path

from ortools.math_opt import parameters_pb2

from planner import read_scenario
from planner.solver import lp
from planner.solver.mip import model_proto
from planner.solver.model import build_model
from planner.solver.relaxation import _ends, _rows
from planner.solver.stages import plan_stages

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {13: "wujiaochang-2027-spring.yaml", 26: "wujiaochang-2027-spring-26w.yaml"}
#: name: (solver, rows divided by their largest coefficient as a solve does)
SOLVERS = {
    "HiGHS": (parameters_pb2.SOLVER_TYPE_HIGHS, True),
    "HiGHS, rows as written": (parameters_pb2.SOLVER_TYPE_HIGHS, False),
    "GLOP": (parameters_pb2.SOLVER_TYPE_GLOP, True),
}


def main() -> None:
    """Build each reference's primary-stage LP and solve it with every LP solver."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, choices=sorted(SCENARIOS), action="append")
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    for weeks in args.weeks or sorted(SCENARIOS):
        built = build_model(read_scenario(ROOT / "scenarios" / SCENARIOS[weeks]))
        stage = next(s for s in plan_stages(built.ctx, built.terms) if s.name == "primary")
        built.ctx.model.maximize(stage.expr)
        proto = model_proto(built.ctx.model)
        kept = _rows(proto)
        assert kept is not None
        rows = [(r.vars, r.coeffs, r.low, r.high) for r in kept[0]]
        domains = [_ends(list(v.domain)) for v in proto.variables]
        cost: dict[int, float] = defaultdict(float)
        for var_index, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
            cost[var_index] += float(coeff)
        nonzeros = sum(len(r[0]) for r in rows)
        print(f"== {weeks} weeks: {len(domains)} columns, {len(rows)} rows, {nonzeros} nonzeros")
        for name, (solver_type, scaled) in SOLVERS.items():
            lp.LP_SOLVERS = (solver_type,)
            started = time.perf_counter()
            scales = lp.row_scales(rows) if scaled else None
            model = lp._model_proto(domains, rows, cost, scales)
            built_in = time.perf_counter() - started
            started = time.perf_counter()
            solution = lp.solve_lp(domains, rows, cost, args.time_limit, scale_rows=scaled)
            took = time.perf_counter() - started
            if solution is None:
                print(f"{name:<22} not solved within {args.time_limit:g} s")
                continue
            duals = sum(1 for d in solution.duals if abs(d) > 1e-9)
            print(
                f"{name:<22} proto {built_in:.2f} s ({len(model.linear_constraint_matrix.row_ids)}"
                f" nonzeros), solve {took:.2f} s, optimum {solution.objective:.1f}, "
                f"nonzero duals {duals}"
            )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
