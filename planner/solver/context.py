"""Variables of the CP-SAT model and the indexes the rule families share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model
from ortools.util.python import sorted_interval_list

from planner.network import Distances
from planner.options import Option, all_options
from planner.scenario import EVENT_PRODUCTS, Product, Scenario

#: Objective coefficients are points times this, rounded to integers.
SCALE = 1000

#: The week-row families whose options are summed by start (see ModelContext.week_terms),
#: and whether a family's rows belong to one committee (the first part of their key).
WEEK_FAMILIES = {"unit": False, "stay": True, "event": True}


@dataclass
class GoalTerm:
    """A named goal: a linear expression with coefficients in points.

    The objective maximises the sum of all terms; penalties have negative coefficients.
    After solving, the same coefficients give each term's points in the plan.
    """

    name: str
    #: English, marked with ``N_``: the result's :class:`~planner.result.Term` carries it
    #: translated.
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
        # As CpModel.new_bool_var makes them, with one Domain for all (at district
        # scale, 408,365 of them, a second less).
        boolean = sorted_interval_list.Domain(0, 1)
        proto = self.model.model_proto
        self.x = [
            cp_model.IntVar(proto).with_name(f"x{i}").with_domain(boolean)
            for i in range(len(self.options))
        ]
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
        # The same options by family key (a week row's key without its week), start
        # week and duration, for week_terms.
        self.starts: dict[str, dict[tuple[tuple[Hashable, ...], int, int], list[int]]] = {
            family: defaultdict(list) for family in WEEK_FAMILIES
        }
        self._week_terms: dict[str, dict[tuple[Hashable, ...], list[cp_model.IntVar]]] = {}
        # The options each sum of starts y stands for, by y's model index.
        self.start_sums: dict[int, list[int]] = {}
        # A part of a split scenario: its allotment rows by constraint index, each
        # with its key (planner.solver.guide.row_key); `priced` once a guide added them
        # (the stage's LP then reports its value and the rows' prices, even none).
        self.allotment_rows: dict[int, str] = {}
        self.priced = False
        # Every committee's shortfall row has one coefficient and its rounding cut, so
        # with the row the cut is the row's convex hull in whole deliveries
        # (objective.shortfall); the weighted primary stage then skips the Lagrangian
        # bound, which added next to nothing to the LP's (docs/solving.md).
        self.shortfall_hull = False
        self._index_options()

    def _index_options(self) -> None:
        """Fill the shared indexes, each list in option order.

        One pass over the options with every lookup that does not change from option
        to option hoisted out of it (the keys and the order of every index are what
        they would be option by option: the model's rows are written in that order).
        """
        product_of = {uid: u.product for uid, u in self.scenario.resource_units.items()}
        committee_of_line = self.committee_of_line
        by_line, by_unit_week = self.by_line, self.by_unit_week
        by_committee_unit = self.by_committee_unit
        by_committee_unit_start = self.by_committee_unit_start
        events, stays, board_starts = self.events, self.stays, self.board_starts
        unit_starts = self.starts["unit"]
        event_starts = self.starts["event"]
        stay_starts = self.starts["stay"]
        exhibition = Product.EXHIBITION
        for i, o in enumerate(self.options):
            line_id, unit_id, first = o.line_id, o.unit_id, o.first_week
            committee = committee_of_line[line_id]
            product = product_of[unit_id]
            by_line[line_id].append(i)
            by_committee_unit[(committee, unit_id)].append(i)
            by_committee_unit_start[(committee, unit_id, first)].append(i)
            held = o.copy_id or unit_id
            unit_starts[((held,), first, o.duration)].append(i)
            weeks = range(first, first + o.duration)
            if product in EVENT_PRODUCTS:
                event_starts[((committee,), first, o.duration)].append(i)
                for w in weeks:
                    by_unit_week[(held, w)].append(i)
                    events[(committee, w)].append(i)
            else:
                stay_starts[((committee, product), first, o.duration)].append(i)
                for w in weeks:
                    by_unit_week[(held, w)].append(i)
                    stays[(committee, product, w)].append(i)
            if product == exhibition:
                board_starts[first].append(i)

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

    def week_terms(self, family: str) -> dict[tuple[Hashable, ...], list[cp_model.IntVar]]:
        """Per week row of ``family``, variables whose sum is its options occupying the week.

        Keyed like :attr:`by_unit_week` (``"unit"``), :attr:`stays` (``"stay"``) and
        :attr:`events` (``"event"``). Each value sums to the sum of the row's option
        variables, written smaller: the options of one family key, start week and
        duration occupy the same weeks, so where they are several and last several
        weeks their sum is one integer variable ``y = Σ x`` (one equality, each option
        in one row) that stands in every week row they occupy. ``y`` ranges up to the
        row's limit (:meth:`week_limit`), which its first week's row implies. A
        substitution of a sum: no plan is gained or lost. Built once per family.
        """
        if family in self._week_terms:
            return self._week_terms[family]
        terms: dict[tuple[Hashable, ...], list[cp_model.IntVar]] = defaultdict(list)
        for (key, first_week, duration), idx in self.starts[family].items():
            # An option in d rows costs d nonzeros; with y it costs one, y's equality
            # one more and y itself d: worth it where (d - 1)(n - 1) > 2.
            if (duration - 1) * (len(idx) - 1) > 2:
                # The tight range matters to CP-SAT: a y of range 0..1 is a Boolean,
                # so capacity-1 rows stay at-most-one constraints it propagates well.
                high = min(len(idx), self.week_limit(family, key))
                name = "_".join(map(str, [family, *key, first_week, duration]))
                y = self.model.new_int_var(0, high, name)
                self.model.add(y == self.sum(idx))
                self.start_sums[y.index] = idx
                if WEEK_FAMILIES[family]:
                    self.committee_of_var[y.index] = str(key[0])
                parts = [y]
            else:
                parts = [self.x[i] for i in idx]
            for week in range(first_week, first_week + duration):
                terms[(*key, week)].extend(parts)
        self._week_terms[family] = terms
        return terms

    def week_limit(self, family: str, key: Sequence[Hashable]) -> int:
        """The most options of ``family`` a week row with ``key`` (its week left out) allows.

        A unit's capacity (1 for a set copy planned on its own), a committee's shelf or
        board slots, or its ``max_events_per_week``.
        """
        s = self.scenario
        if family == "unit":
            unit = s.resource_units.get(str(key[0]))
            return unit.capacity if unit is not None else 1
        c = s.committee_by_id[str(key[0])]
        if family == "event":
            return c.max_events_per_week
        return c.venue.shelf_slots if key[1] == Product.BOOK_SET else c.venue.board_slots

    def sum(self, indexes: list[int]) -> cp_model.LinearExprT:
        """The sum of the option variables at ``indexes``."""
        return cp_model.LinearExpr.sum([self.x[i] for i in indexes])
