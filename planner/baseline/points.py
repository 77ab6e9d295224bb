"""The objective's points of a growing plan, counted without the solver.

The greedy baseline (:mod:`planner.baseline.greedy`) adds the delivery with the best
marginal gain in objective points; this module keeps the counts the gains need and
says what one more delivery would add. The goals and their weights are the model's
(:mod:`planner.solver.objective`, ``scenario.objective``), counted here in plain floats:

- coverage: ``weight × 100 × population share × priority / R_c`` per delivery, where
  ``R_c`` is the committee's Σ priority × requested over all its lines;
- fairness: ``weight`` × the lowest committee coverage in percent, and shortfall:
  ``-weight`` × each committee's percent below ``shortfall_target``, both over the
  lines some option can serve (the model leaves the others out);
- travel: ``-weight`` × road km (:meth:`planner.network.Distances.delivery_km`);
- spread: ``-weight`` per event beyond one in a committee-week;
- variety: ``weight`` per distinct (committee, product, theme);
- preference: ``weight`` per delivery starting in a week its line prefers;
- fixtures: ``weight × bonus`` per delivery a fixture favours.

The model rounds its coefficients to 1/1000 of a point and counts coverage in whole
basis points, so its objective of the same plan can differ by rounding.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence

from planner.network import Distances
from planner.options import Option
from planner.scenario import EVENT_PRODUCTS, DemandLine, Product, Scenario

#: The goals counted, in the model's report order.
TERMS: tuple[str, ...] = (
    "coverage",
    "fairness",
    "shortfall",
    "travel",
    "spread",
    "variety",
    "preference",
    "fixtures",
)


class PlanPoints:
    """Objective points of a plan that grows one delivery at a time.

    Parameters
    ----------
    scenario
        The scenario.
    attainable
        Ids of the demand lines some option can serve (fairness and shortfall count
        only these, as the model does).
    distances
        Road distances; built from the scenario when not given.
    """

    def __init__(
        self,
        scenario: Scenario,
        attainable: Iterable[str],
        distances: Distances | None = None,
    ) -> None:
        s = scenario
        self.scenario = s
        self.w = s.objective
        self.distances = distances or Distances(s)
        self._km: dict[tuple[str, str], float] = {}
        requests: dict[str, float] = defaultdict(float)
        for line in s.demand_lines:
            requests[line.committee] += line.demand.priority * line.demand.count
        total = s.total_population
        self.coverage_points: dict[str, float] = {}
        for line in s.demand_lines:
            c = s.committee_by_id[line.committee]
            share = c.population / total if total else 1 / len(s.committees)
            self.coverage_points[line.id] = (
                self.w.coverage * 100 * share * line.demand.priority / requests[c.id]
            )
        attainable = set(attainable)
        self.attainable = attainable
        self.request: dict[str, float] = defaultdict(float)
        for line in s.demand_lines:
            if line.id in attainable:
                self.request[line.committee] += line.demand.priority * line.demand.count
        self.served = dict.fromkeys(self.request, 0.0)
        self.events: dict[str, list[int]] = {c.id: [0] * (s.season.weeks + 2) for c in s.committees}
        self.themes: set[tuple[str, Product, str]] = set()
        self.favoured = [f for f in s.season.fixtures if f.product is not None and f.bonus > 0]
        # (product, week) -> the favouring fixtures' (themes, bonus), for a quick lookup.
        self._bonus: dict[tuple[Product, int], list[tuple[frozenset[str], float]]] = {}
        for f in self.favoured:
            assert f.product is not None
            for week in f.weeks:
                self._bonus.setdefault((f.product, week), []).append((frozenset(f.themes), f.bonus))
        self.points = dict.fromkeys(TERMS, 0.0)
        target = 100 * self.w.shortfall_target
        if self.w.shortfall and target > 0:
            self.points["shortfall"] = (
                -self.w.shortfall * target * len([r for r in self.request.values() if r > 0])
            )
        self._low: tuple[float, float] = (0.0, 0.0)
        self._low_id: str | None = None
        # Every committee's coverage (percent) with its id; entries made stale by a
        # later delivery stay until they reach the top (coverages only grow).
        self._covers = [(100 * self.served[c] / r, c) for c, r in self.request.items() if r > 0]
        heapq.heapify(self._covers)
        self._relow()

    # -- static parts ----------------------------------------------------------------
    def km(self, unit_id: str, committee_id: str) -> float:
        """Road km one delivery of a unit to a committee costs (cached)."""
        key = (unit_id, committee_id)
        km = self._km.get(key)
        if km is None:
            km = self._km[key] = self.distances.delivery_km(unit_id, committee_id)
        return km

    def fixture_bonus(self, product: Product, option: Option) -> float:
        """Σ bonus of the fixtures that favour a delivery of ``option``."""
        found = self._bonus.get((product, option.first_week))
        if not found:
            return 0.0
        return sum(bonus for themes, bonus in found if not themes or option.theme in themes)

    def static_gain(self, committee_id: str, option: Option) -> float:
        """Points of ``option`` that do not depend on the rest of the plan.

        Coverage, travel, preference and fixtures.
        """
        s = self.scenario
        line = s.demand_by_id[option.line_id]
        product = line.product
        gain = self.coverage_points.get(option.line_id, 0.0)
        gain -= self.w.travel * self.km(option.unit_id, committee_id)
        if option.first_week in line.demand.preferred_weeks:
            gain += self.w.preference
        if self.w.fixtures and self.favoured:
            gain += self.w.fixtures * self.fixture_bonus(product, option)
        return gain

    def static_gains(self, line: DemandLine, options: Sequence[Option]) -> list[float]:
        """:meth:`static_gain` of each of a line's options, computed in one pass."""
        w = self.w
        committee_id = line.committee
        base = self.coverage_points.get(line.id, 0.0)
        preferred = set(line.demand.preferred_weeks)
        fixtures = w.fixtures if self.favoured else 0.0
        product = line.product
        travel: dict[str, float] = {}
        bonus: dict[tuple[int, str], float] = {}  # by start week and theme
        out = []
        for option in options:
            unit_id = option.unit_id
            cost = travel.get(unit_id)
            if cost is None:
                cost = travel[unit_id] = w.travel * self.km(unit_id, committee_id)
            gain = base - cost
            if option.first_week in preferred:
                gain += w.preference
            if fixtures:
                key = (option.first_week, option.theme)
                extra = bonus.get(key)
                if extra is None:
                    extra = bonus[key] = fixtures * self.fixture_bonus(product, option)
                gain += extra
            out.append(gain)
        return out

    # -- parts that depend on the plan -------------------------------------------------
    def fairness_gain(self, committee_id: str, priority: float) -> float:
        """Fairness and shortfall points one more delivery of ``priority`` would add."""
        request = self.request.get(committee_id, 0.0)
        if not request:
            return 0.0
        before = 100 * self.served[committee_id] / request
        after = before + 100 * priority / request
        gain = 0.0
        target = 100 * self.w.shortfall_target
        if self.w.shortfall and target > 0:
            gain += self.w.shortfall * (max(target - before, 0.0) - max(target - after, 0.0))
        if self.w.fairness and self._low_id == committee_id:
            # Only the one committee at the minimum raises it, up to the next lowest.
            gain += self.w.fairness * (min(after, self._low[1]) - before)
        return gain

    def plan_gain(self, committee_id: str, product: Product, option: Option) -> float:
        """Spread and variety points of ``option`` given what the committee already has."""
        gain = 0.0
        if self.w.spread and product in EVENT_PRODUCTS:
            events = self.events[committee_id]
            gain -= self.w.spread * sum(1 for w in option.weeks if events[w] >= 1)
        if self.w.variety and (committee_id, product, option.theme) not in self.themes:
            gain += self.w.variety
        return gain

    def gain(self, committee_id: str, option: Option) -> float:
        """Points one more delivery of ``option`` would add to the plan."""
        line = self.scenario.demand_by_id[option.line_id]
        return (
            self.static_gain(committee_id, option)
            + self.fairness_gain(committee_id, line.demand.priority)
            + self.plan_gain(committee_id, line.product, option)
        )

    # -- growing ---------------------------------------------------------------------
    def add(self, committee_id: str, product: Product, option: Option) -> None:
        """Count one delivery of ``option`` (for a pin, whatever its line)."""
        s = self.scenario
        w = self.w
        line = s.demand_by_id.get(option.line_id)
        p = self.points
        p["coverage"] += self.coverage_points.get(option.line_id, 0.0)
        p["travel"] -= w.travel * self.km(option.unit_id, committee_id)
        if line is not None and option.first_week in line.demand.preferred_weeks:
            p["preference"] += w.preference
        if w.fixtures and self.favoured:
            p["fixtures"] += w.fixtures * self.fixture_bonus(product, option)
        if w.variety and (committee_id, product, option.theme) not in self.themes:
            p["variety"] += w.variety
        self.themes.add((committee_id, product, option.theme))
        if product in EVENT_PRODUCTS:
            events = self.events[committee_id]
            for week in option.weeks:
                if 0 <= week < len(events):
                    if events[week] >= 1:
                        p["spread"] -= w.spread
                    events[week] += 1
        if line is None or option.line_id not in self.attainable:
            return
        request = self.request[committee_id]
        old = self.served[committee_id]
        self.served[committee_id] = old + line.demand.priority
        if request > 0 and line.demand.priority:
            heapq.heappush(self._covers, (100 * self.served[committee_id] / request, committee_id))
        target = 100 * w.shortfall_target
        if w.shortfall and target > 0:
            before, after = 100 * old / request, 100 * (old + line.demand.priority) / request
            p["shortfall"] += w.shortfall * (max(target - before, 0.0) - max(target - after, 0.0))
        if 100 * old / request <= self._low[1]:
            self._relow()

    def _relow(self) -> None:
        """Find the lowest and second-lowest committee coverage (percent), ties by id."""
        heap = self._covers
        covers: list[tuple[float, str]] = []
        while heap and len(covers) < 2:
            cover, c = heap[0]
            if cover == 100 * self.served[c] / self.request[c] and (
                not covers or covers[0][1] != c
            ):
                covers.append(heap[0])
            heapq.heappop(heap)  # a stale entry, or one of the two (pushed back below)
        for entry in covers:
            heapq.heappush(heap, entry)
        if not covers:
            self._low, self._low_id = (0.0, 0.0), None
            return
        second = covers[1][0] if len(covers) > 1 else 100.0
        self._low = (covers[0][0], second)
        self._low_id = covers[0][1] if covers[0][0] < second else ""
        self.points["fairness"] = self.w.fairness * covers[0][0]

    @property
    def lowest_two(self) -> tuple[float, float]:
        """The lowest and second-lowest committee coverage, in percent."""
        return self._low

    @property
    def low_committee(self) -> str | None:
        """The one committee at the lowest coverage, or None when several tie there."""
        return self._low_id or None

    def total(self) -> float:
        """The plan's objective points (the sum of the terms)."""
        return sum(self.points.values())


__all__: Sequence[str] = ["TERMS", "PlanPoints"]
