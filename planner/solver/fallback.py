"""The spreadsheet baseline's plan inside the model: floor, fallback and comparison."""

from __future__ import annotations

from planner.baseline import plan_baseline
from planner.solver.context import GoalTerm, ModelContext
from planner.solver.objective import services
from planner.solver.search import complete


def baseline_solution(ctx: ModelContext, terms: list[GoalTerm]) -> list[int] | None:
    """The spreadsheet baseline's plan as a complete solution of the model.

    Returns one value per model variable, or None when the baseline cannot be
    completed (for example when pins conflict with it).
    """
    index = {(o.line_id, o.unit_id, o.first_week): i for i, o in enumerate(ctx.options)}
    s = ctx.scenario
    chosen = set()
    for d in plan_baseline(s):
        i = index.get((d.demand_id, d.unit_id(s), d.first_week))
        if i is not None:
            chosen.add(i)
    return complete(ctx, [int(i in chosen) for i in range(len(ctx.x))], terms)


def stage_key(ctx: ModelContext, terms: list[GoalTerm], values: list[int]) -> tuple[float, ...]:
    """A solution's scores in stage order, to compare plans as the stages rank them."""
    key: list[float] = []
    z = ctx.fairness_var
    objective = ctx.scenario.objective
    if objective.fairness_mode == "leximin":
        # The committees' coverages from the lowest up, compared one after another.
        key.extend(sorted(v.coverage_bp(values, ctx) for v in services(ctx)))
    elif objective.fairness_first and z is not None:
        key.append(values[z.index])
    for level in ("primary", "secondary"):
        key.append(sum(t.model_points(values) for t in terms if t.level == level))
    return tuple(key)
