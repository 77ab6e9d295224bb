"""``build_model``: the one place that wires hard rules, pins and goals into CP-SAT."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from planner.network import Distances
from planner.result import ModelSize
from planner.scenario import Scenario
from planner.solver.constraints import HARD_RULES, add_pins, pin_options
from planner.solver.context import GoalTerm, ModelContext
from planner.solver.objective import GOALS, fairness_level


@dataclass
class BuiltModel:
    """The CP-SAT model of a scenario, ready to solve.

    Attributes
    ----------
    ctx
        The model, its option variables and shared indexes.
    terms
        The goals' named terms, in the order of ``GOALS``.
    pins
        One assumption literal per pin of the scenario.
    unmatched_pins
        Indexes of the pins no option can meet (the model is then infeasible).
    size
        The model's size as built (a solve adds constraints as it goes).
    """

    ctx: ModelContext
    terms: list[GoalTerm]
    pins: list[cp_model.IntVar]
    unmatched_pins: list[int]
    size: ModelSize | None = None

    def measure(self) -> ModelSize:
        """How big the model is now."""
        proto = self.ctx.model.proto
        return ModelSize(
            num_options=len(self.ctx.options),
            num_demand_lines=len(self.ctx.scenario.demand_lines),
            num_variables=len(proto.variables),
            num_constraints=len(proto.constraints),
        )


def build_model(scenario: Scenario, distances: Distances | None = None) -> BuiltModel:
    """Build the CP-SAT model of a scenario: every hard rule, the pins and the goals.

    The hard rules come from ``HARD_RULES`` in order, then the pins (as assumption
    literals, so that an infeasible model names the conflicting pins), then the
    fairness level and the goals of ``GOALS``. No objective is set: each stage of
    :func:`planner.solver.solve` maximises its own sum of terms.

    Parameters
    ----------
    scenario
        A validated scenario.
    distances
        Road distances; built from the scenario when not given.
    """
    ctx = ModelContext(scenario, distances or Distances(scenario))
    for rule in HARD_RULES:
        rule(ctx)
    matches = pin_options(ctx)
    pins = add_pins(ctx, matches)
    ctx.fairness_var = fairness_level(ctx)
    terms = [goal(ctx) for goal in GOALS]
    unmatched = [k for k, m in enumerate(matches) if not m]
    built = BuiltModel(ctx, terms, pins, unmatched)
    built.size = built.measure()
    return built
