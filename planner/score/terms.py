"""The named terms of the objective for a plan, counted as the model counts them.

:class:`Scorer` restates the goals of ``planner/solver/objective.py`` with plain loops
over a plan's deliveries: each named term's points, the total and the value of each
solve stage, the same figures as the model's for the same plan.

How the model counts, and so how this module counts
-----------------------------------------------------
* Every goal is a list of ``(variable, points per unit)`` pairs. The model's
  coefficients are the points times :data:`SCALE` rounded to integers, so a term's
  *model points* are ``Σ round(points × SCALE) × value / SCALE``. The stage objectives
  and ``Result.objective`` are in model points; ``Result.terms`` gives each term's
  exact points (unrounded coefficients). :class:`TermScore` carries both.
* Coverage per committee is counted in whole basis points of :data:`BASIS`, as the
  model's integer variables hold it: the fairness level is the largest integer ``z``
  with ``z × request ≤ served`` for every committee (``served // request``), and a
  committee's shortfall the smallest integer ``s ≥ goal − served / request`` (a
  ceiling), where ``served`` is Σ priority × deliveries × BASIS and ``request`` Σ
  priority × count, priorities in whole hundredths, over the committee's lines that
  some option can serve (:func:`attainable_lines`).
* Coefficients are computed with the same floating-point expressions in the same order
  as the model's, so that the rounding to integers gives the same integers.

With that, the model points and stage values equal the model's exactly; sums over
terms may differ from the solver's in the last bits of a float (summation order), which
is why comparisons use :data:`TOLERANCE`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from planner.i18n import _
from planner.network import Distances
from planner.options import line_blocker
from planner.plan import Delivery, Plan
from planner.scenario import EVENT_PRODUCTS, Scenario

#: Objective coefficients are points times this, rounded to integers (the model's
#: ``planner.solver.context.SCALE``; a test checks that they agree).
SCALE = 1000
#: Committee coverage is counted in these parts (the model's
#: ``planner.solver.objective.BASIS``: 10000 = every line met).
BASIS = 10_000
#: The named terms and their levels, in the order of ``planner.solver.objective.GOALS``
#: (a test checks that they agree).
TERMS: tuple[tuple[str, str], ...] = (
    ("coverage", "primary"),
    ("fairness", "primary"),
    ("shortfall", "primary"),
    ("travel", "primary"),
    ("spread", "secondary"),
    ("variety", "secondary"),
    ("preference", "primary"),
    ("fixtures", "primary"),
)
#: Largest difference, in points, between a figure of :func:`score_plan` and the
#: solver's for the same plan. Model points and stage values are integers over SCALE on
#: both sides and agree exactly; sums of several terms may differ by float summation
#: order (about 1e-12 on objectives of 10^4 points), and ``Result.terms`` rounds each
#: term's exact points to 6 decimals (at most 5e-7 off). 1e-6 covers both, and is far
#: below one model unit (1 / SCALE = 0.001 point), the smallest real difference.
TOLERANCE = 1e-6


@dataclass(frozen=True)
class TermScore:
    """One named term of the objective in a plan.

    Attributes
    ----------
    name, level
        The term's name and stage level (``primary`` or ``secondary``), as in
        ``planner.solver.objective.GOALS``.
    points
        Its points with exact coefficients (what ``Result.terms`` reports).
    units
        Its value in model units: Σ round(points per unit × SCALE) × value.
    """

    name: str
    level: str
    points: float
    units: int

    @property
    def model_points(self) -> float:
        """Its points as the model counts them (coefficients rounded to 1/SCALE)."""
        return self.units / SCALE


@dataclass(frozen=True)
class PlanScore:
    """The objective's figures for one plan.

    Attributes
    ----------
    terms
        Every named term, in the order of :data:`TERMS`.
    min_coverage_bp
        The fairness level: the lowest coverage, in basis points rounded down, over
        committees with a line some option can serve; None when no committee has one.
    stages
        The value of each solve stage the scenario's objective has, in stage order, in
        the stage's units as ``Result.stages`` reports them: ``fairness`` (only with
        ``fairness_first``, a ``fairness`` weight and ``fairness_mode: weighted``;
        percent of minimum coverage) or ``leximin`` (only with ``fairness_mode:
        leximin``; the lowest coverage in percent, which is the first round's level
        when the rounds are proven), ``primary`` and ``secondary`` (model points).
    """

    terms: tuple[TermScore, ...]
    min_coverage_bp: int | None
    stages: dict[str, float]

    @property
    def total(self) -> float:
        """The objective in model points: what ``Result.objective`` reports."""
        return sum(t.model_points for t in self.terms)

    @property
    def points(self) -> float:
        """The objective with exact coefficients (the sum of the terms' points)."""
        return sum(t.points for t in self.terms)

    def term_points(self) -> dict[str, float]:
        """Exact points of each named term (comparable with ``Result.term_points``)."""
        return {t.name: t.points for t in self.terms}

    @property
    def key(self) -> tuple[float, ...]:
        """The stage values in stage order: how the solve ranks plans (higher is better)."""
        return tuple(self.stages.values())


def attainable_lines(scenario: Scenario) -> set[str]:
    """The demand lines some option can serve (the model's committee coverage uses only
    these; a line nothing can ever serve is reported as unmet instead)."""
    # line_blocker stops at the first unit with a start week: no options are listed.
    return {line.id for line in scenario.demand_lines if line_blocker(scenario, line) is None}


class Scorer:
    """Scores plans of one scenario; builds its distances and lookups once.

    Parameters
    ----------
    scenario
        A validated scenario.
    distances
        Road distances; built from the scenario when not given.
    attainable
        The lines some option can serve (:func:`attainable_lines`), when already known
        (they are then not looked for again).
    """

    def __init__(
        self,
        scenario: Scenario,
        distances: Distances | None = None,
        attainable: set[str] | None = None,
    ) -> None:
        self.scenario = scenario
        self.distances = distances or Distances(scenario)
        self.attainable = attainable_lines(scenario) if attainable is None else attainable
        s = scenario
        # As planner.solver.objective.coverage_points: a float sum in line order.
        self.requests: dict[str, float] = defaultdict(float)
        for line in s.demand_lines:
            self.requests[line.committee] += line.demand.priority * line.demand.count
        # As committee_service: priorities in whole hundredths, attainable lines only.
        self.prio = {line.id: round(line.demand.priority * 100) for line in s.demand_lines}
        self.request_bp: dict[str, int] = defaultdict(int)
        for line in s.demand_lines:
            if line.id in self.attainable:
                self.request_bp[line.committee] += self.prio[line.id] * line.demand.count

    def score(self, plan: Plan | Iterable[Delivery]) -> PlanScore:
        """The objective's figures for ``plan`` (see :func:`score_plan`)."""
        deliveries = list(plan)
        self._check_references(deliveries)
        min_bp = self.min_coverage_bp(deliveries)
        values = {
            "coverage": self._coverage(deliveries),
            "fairness": self._fairness(min_bp),
            "shortfall": self._shortfall(deliveries),
            "travel": self._travel(deliveries),
            "spread": self._spread(deliveries),
            "variety": self._variety(deliveries),
            "preference": self._preference(deliveries),
            "fixtures": self._fixtures(deliveries),
        }
        terms = []
        for name, level in TERMS:
            pairs = values[name]
            terms.append(
                TermScore(
                    name,
                    level,
                    sum(p * v for p, v in pairs),
                    sum(round(p * SCALE) * v for p, v in pairs),
                )
            )
        objective = self.scenario.objective
        stages: dict[str, float] = {}
        if objective.fairness_mode == "leximin":
            # The leximin rounds report their first level: the lowest coverage.
            if self.request_bp and min_bp is not None:
                stages["leximin"] = min_bp / (BASIS / 100)
        elif objective.fairness_first and min_bp is not None and objective.fairness > 0:
            stages["fairness"] = min_bp / (BASIS / 100)
        for level in ("primary", "secondary"):
            stages[level] = sum(t.units for t in terms if t.level == level) / SCALE
        return PlanScore(tuple(terms), min_bp, stages)

    # -- committee coverage in basis points ------------------------------------------

    def served_bp(self, deliveries: Iterable[Delivery]) -> dict[str, int]:
        """Σ priority (hundredths) × BASIS per delivery, by committee, attainable lines."""
        served: dict[str, int] = defaultdict(int)
        for d in deliveries:
            if d.demand_id in self.attainable:
                served[d.committee_id] += self.prio[d.demand_id] * BASIS
        return served

    def min_coverage_bp(self, deliveries: Iterable[Delivery]) -> int | None:
        """The model's fairness level for these deliveries (None: no attainable line)."""
        if not self.request_bp:
            return None
        served = self.served_bp(deliveries)
        # A committee whose priorities round to 0 hundredths bounds nothing in the model.
        levels = [served[c] // r for c, r in self.request_bp.items() if r > 0]
        return min([BASIS, *levels])

    # -- the goals: (points per unit, value) pairs, as the model's terms ---------------

    def _coverage(self, deliveries: list[Delivery]) -> list[tuple[float, int]]:
        s = self.scenario
        weight = s.objective.coverage
        if not weight:
            return []
        total = s.total_population
        out = []
        for d in deliveries:
            line = s.demand_by_id[d.demand_id]
            c = s.committee_by_id[line.committee]
            share = c.population / total if total else 1 / len(s.committees)
            out.append((weight * 100 * share * line.demand.priority / self.requests[c.id], 1))
        return out

    def _fairness(self, min_bp: int | None) -> list[tuple[float, int]]:
        if min_bp is None:
            return []
        return [(self.scenario.objective.fairness / 100, min_bp)]

    def _shortfall(self, deliveries: list[Delivery]) -> list[tuple[float, int]]:
        objective = self.scenario.objective
        weight, target = objective.shortfall, objective.shortfall_target
        if not weight or target <= 0:
            return []
        goal = round(target * BASIS)
        served = self.served_bp(deliveries)
        out = []
        for committee_id, request in self.request_bp.items():
            if request <= 0:
                continue  # 0 × short ≥ −served holds for any short: the least is 0
            # The least whole short with short × request ≥ goal × request − served.
            short = max(0, -((served[committee_id] - goal * request) // request))
            out.append((-weight / 100, short))
        return out

    def _travel(self, deliveries: list[Delivery]) -> list[tuple[float, int]]:
        weight = self.scenario.objective.travel
        if not weight:
            return []
        return [
            (-weight * self.distances.delivery_km(d.unit_id(self.scenario), d.committee_id), 1)
            for d in deliveries
        ]

    def _spread(self, deliveries: list[Delivery]) -> list[tuple[float, int]]:
        weight = self.scenario.objective.spread
        if not weight:
            return []
        events: Counter[tuple[str, int]] = Counter()
        for d in deliveries:
            if d.product in EVENT_PRODUCTS:
                for w in d.weeks:
                    events[(d.committee_id, w)] += 1
        return [(-weight, n - 1) for n in events.values() if n > 1]

    def _variety(self, deliveries: list[Delivery]) -> list[tuple[float, int]]:
        weight = self.scenario.objective.variety
        if not weight:
            return []
        pairs = {(d.committee_id, d.product, d.theme) for d in deliveries}
        return [(weight, 1)] * len(pairs)

    def _preference(self, deliveries: list[Delivery]) -> list[tuple[float, int]]:
        s = self.scenario
        weight = s.objective.preference
        if not weight:
            return []
        return [
            (weight, 1)
            for d in deliveries
            if d.first_week in s.demand_by_id[d.demand_id].demand.preferred_weeks
        ]

    def _fixtures(self, deliveries: list[Delivery]) -> list[tuple[float, int]]:
        s = self.scenario
        weight = s.objective.fixtures
        favoured = [f for f in s.season.fixtures if f.product is not None and f.bonus > 0]
        if not weight or not favoured:
            return []
        out = []
        for d in deliveries:
            bonus = sum(
                f.bonus
                for f in favoured
                if f.product == d.product
                and d.first_week in f.weeks
                and (not f.themes or d.theme in f.themes)
            )
            out.append((weight * bonus, 1))
        return out

    def _check_references(self, deliveries: list[Delivery]) -> None:
        """Refuse deliveries the objective cannot count (``known_reference`` problems)."""
        s = self.scenario
        for d in deliveries:
            line = s.demand_by_id.get(d.demand_id)
            unit = s.resource_units.get(s.unit_of_copy.get(d.resource_id, ""))
            if (
                line is None
                or unit is None
                or (line.committee, line.product) != (d.committee_id, d.product)
                or unit.product != d.product
            ):
                raise ValueError(
                    _(
                        "cannot score delivery {delivery}: its committee, resource and demand "
                        "line must resolve (see planner.validate.check_plan, rule "
                        "known_reference)"
                    ).format(delivery=d)
                )


__all__ = [
    "BASIS",
    "SCALE",
    "TERMS",
    "TOLERANCE",
    "PlanScore",
    "Scorer",
    "TermScore",
    "attainable_lines",
]
