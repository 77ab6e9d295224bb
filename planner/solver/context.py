"""Variables of the CP-SAT model and the indexes the rule families share."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from planner.network import Distances
from planner.options import Option, all_options
from planner.scenario import EVENT_PRODUCTS, Product, Scenario

#: Objective coefficients are points times this, rounded to integers.
SCALE = 1000


@dataclass
class GoalTerm:
    """A named goal: a linear expression with coefficients in points.

    The objective maximises the sum of all terms; penalties have negative coefficients.
    After solving, the same coefficients give each term's points in the plan.
    """

    name: str
    description: str
    level: str = "primary"
    coeffs: list[tuple[cp_model.IntVar, float]] = field(default_factory=list)

    def add(self, var: cp_model.IntVar, points: float) -> None:
        """Add ``points`` per unit of ``var``."""
        if points:
            self.coeffs.append((var, points))

    def expr(self) -> cp_model.LinearExprT:
        """The term as an integer linear expression (scaled by SCALE)."""
        return cp_model.LinearExpr.weighted_sum(
            [v for v, _ in self.coeffs], [round(p * SCALE) for _, p in self.coeffs]
        )

    def upper_bound(self, model: cp_model.CpModel) -> float:
        """The most points the term can give, from its variables' domains in ``model``."""
        variables = model.proto.variables
        total = 0.0
        for var, p in self.coeffs:
            domain = list(variables[var.index].domain)
            total += max(p * domain[0], p * domain[-1])
        return total

    def model_points(self, values: list[int]) -> float:
        """The term's points as the model counts them (coefficients rounded to 1/SCALE),
        comparable with the solver's bounds."""
        return sum(round(p * SCALE) * values[v.index] for v, p in self.coeffs) / SCALE

    def points(self, values: list[int]) -> float:
        """The term's points in a solution given as one value per model variable."""
        return sum(p * values[v.index] for v, p in self.coeffs)


class ModelContext:
    """The CP-SAT model of one scenario: one Boolean per option and shared indexes.

    Parameters
    ----------
    scenario
        The scenario to plan.
    distances
        Road distances; built from the scenario when not given.
    """

    def __init__(self, scenario: Scenario, distances: Distances | None = None) -> None:
        self.scenario = scenario
        self.distances = distances or Distances(scenario)
        self.model = cp_model.CpModel()
        self.options: list[Option] = all_options(scenario)
        self.x = [self.model.new_bool_var(f"x{i}") for i in range(len(self.options))]
        self.fairness_var: cp_model.IntVar | None = None
        # Auxiliary variables that belong to one committee (by model index), so that
        # the Lagrangian bound can split the model by committee.
        self.committee_of_var: dict[int, str] = {}
        self.committee_of_line = {line.id: line.committee for line in scenario.demand_lines}

        self.by_line: dict[str, list[int]] = defaultdict(list)
        # Keyed by the unit, or by the copy for a kind planned copy by copy.
        self.by_unit_week: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.by_committee_unit: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_committee_unit_start: dict[tuple[str, str, int], list[int]] = defaultdict(list)
        self.events: dict[tuple[str, int], list[int]] = defaultdict(list)
        self.stays: dict[tuple[str, Product, int], list[int]] = defaultdict(list)
        self.board_starts: dict[int, list[int]] = defaultdict(list)
        units = scenario.resource_units
        for i, o in enumerate(self.options):
            committee = self.committee_of_line[o.line_id]
            product = units[o.unit_id].product
            self.by_line[o.line_id].append(i)
            self.by_committee_unit[(committee, o.unit_id)].append(i)
            self.by_committee_unit_start[(committee, o.unit_id, o.first_week)].append(i)
            for w in o.weeks:
                self.by_unit_week[(o.copy_id or o.unit_id, w)].append(i)
                if product in EVENT_PRODUCTS:
                    self.events[(committee, w)].append(i)
                else:
                    self.stays[(committee, product, w)].append(i)
            if product == Product.EXHIBITION:
                self.board_starts[o.first_week].append(i)

    def committee(self, option_index: int) -> str:
        """The committee an option delivers to."""
        return self.committee_of_line[self.options[option_index].line_id]

    def committee_blocks(self) -> list[str]:
        """The block of each model variable for the Lagrangian bound.

        An option and a committee's own auxiliary variables belong to the committee;
        every other variable (the fairness level, pin literals) to one shared block.
        """
        blocks = ["*"] * len(self.model.proto.variables)
        for var_index, committee_id in self.committee_of_var.items():
            blocks[var_index] = committee_id
        for i, x in enumerate(self.x):
            blocks[x.index] = self.committee(i)
        return blocks

    def sum(self, indexes: list[int]) -> cp_model.LinearExprT:
        """The sum of the option variables at ``indexes``."""
        return cp_model.LinearExpr.sum([self.x[i] for i in indexes])
