"""The spreadsheet baseline's plan inside the model: floor, fallback and comparison."""

from __future__ import annotations

from planner.baseline import plan_baseline
from planner.plan import Plan
from planner.solver.context import GoalTerm, ModelContext
from planner.solver.search import complete_checked


def baseline_choice(ctx: ModelContext) -> tuple[Plan, list[int]]:
    """The spreadsheet baseline's plan and the options it chooses (one 0/1 per option).

    A delivery of the baseline that is no option of the model chooses nothing (the
    completion then tells whether the rest still keeps the rules).
    """
    index = {
        (o.line_id, o.copy_id or o.unit_id, o.first_week, o.theme): i
        for i, o in enumerate(ctx.options)
    }
    per_copy = {o.unit_id for o in ctx.options if o.copy_id is not None}
    s = ctx.scenario
    plan = plan_baseline(s)
    chosen = set()
    for d in plan:
        unit_id = d.unit_id(s)
        resource = d.resource_id if unit_id in per_copy else unit_id
        i = index.get((d.demand_id, resource, d.first_week, d.theme))
        if i is not None:
            chosen.add(i)
    return plan, [int(i in chosen) for i in range(len(ctx.x))]


def baseline_solution(
    ctx: ModelContext, terms: list[GoalTerm], x_values: list[int], time_limit: float
) -> list[int] | None:
    """The baseline's choice of options as a complete solution of the model.

    Returns one value per model variable, or None when the choice cannot be completed
    within ``time_limit`` seconds; raises :class:`~planner.solver.search.BreaksARule`
    when it breaks a rule of the model.
    """
    return complete_checked(ctx, x_values, terms, time_limit)


def stage_key(ctx: ModelContext, terms: list[GoalTerm], values: list[int]) -> tuple[float, ...]:
    """A solution's scores in stage order, to compare plans as the stages rank them."""
    key: list[float] = []
    z = ctx.fairness_var
    if ctx.scenario.objective.fairness_first and z is not None:
        key.append(values[z.index])
    for level in ("primary", "secondary"):
        key.append(sum(t.model_points(values) for t in terms if t.level == level))
    return tuple(key)
