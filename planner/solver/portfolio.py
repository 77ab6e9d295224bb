"""Single-worker CP-SAT searches of one model, one per core, run side by side."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ortools.sat.python import cp_model

from planner.solver.control import SolveControl, new_solver
from planner.solver.progress import Reporter, SharedBest
from planner.solver.search import cp_solve


def search_portfolio(
    model: cp_model.CpModel,
    control: SolveControl,
    stage: str,
    scale: float,
    time_limit: float,
    bound: float,
) -> tuple[tuple[list[int], int] | None, bool]:
    """Search a restricted model with one single-worker search per core.

    The searches alternate between an LP-led search and quick restarts, with seeds
    ``params.seed``, ``params.seed + 1``, … per pair; the one that ends with the best
    plan wins, and all stop as soon as one is within the gap of ``bound`` (the whole
    model's proven bound, in model units). Single-worker searches, because on the
    reference scenarios one worker's LP cuts close these small models fast where one
    two-worker search stalls; several of them, because their paths differ much from
    strategy to strategy and seed to seed.

    Returns
    -------
    tuple
        The best plan (one value per variable) and its objective in model units, or
        None when no search found a plan; and whether a search proved the model has
        no plan at all (CP-SAT's INFEASIBLE), rather than running out of time.
    """
    params = control.params
    shared = SharedBest([new_solver() for _ in range(max(1, params.workers))])
    # Copies made here, so that every search starts at once when its thread does.
    models = [model] + [model.clone() for _ in shared.solvers[1:]]

    def one(k: int) -> tuple[cp_model.CpSolver, Any]:
        solver = shared.solvers[k]
        if shared.done.is_set():
            return solver, cp_model.UNKNOWN
        # Its own bound holds for the restricted model only: progress shows ``bound``.
        reporter = Reporter(
            control, stage, scale, stop_bound=bound, fixed_bound=True, shared=shared
        )
        # All constraints in the LP from the start, and a search led by the LP (or,
        # on the second core, quick restarts): measured on the 26-week reference,
        # these reach a good plan of the neighbourhood in about half the time.
        solver.parameters.add_lp_constraints_lazily = False
        solver.parameters.search_branching = (
            cp_model.LP_SEARCH if k % 2 == 0 else cp_model.PORTFOLIO_WITH_QUICK_RESTART_SEARCH
        )
        return cp_solve(
            models[k],
            control,
            time_limit,
            1,
            reporter,
            seed=params.seed + k // 2,
            own_gap=False,
            solver=solver,
        )

    if len(shared.solvers) == 1:
        runs = [one(0)]
    else:
        with ThreadPoolExecutor(len(shared.solvers)) as pool:
            runs = list(pool.map(one, range(len(shared.solvers))))
    found = [
        (list(solver.response_proto.solution), round(solver.objective_value))
        for solver, status in runs
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    ]
    empty = any(status == cp_model.INFEASIBLE for _, status in runs)
    return max(found, key=lambda f: f[1], default=None), empty
