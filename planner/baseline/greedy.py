"""The greedy baseline: one delivery at a time, the best gain in objective points first.

Where the spreadsheet baseline (:mod:`planner.baseline.spreadsheet`) follows a careful
planner's fixed rules, this one follows the objective alone. Its rules:

0. **Pins first**, exactly as the spreadsheet places them (:mod:`planner.baseline.pins`).
1. **Best marginal gain.** Repeatedly, among the deliveries that still fit (every
   coupling rule, asked of the :class:`~planner.ledger.Ledger`; every static rule, by
   taking only options of :func:`planner.options.line_options`), add the one whose
   marginal gain in objective points is largest, counted with the scenario's weights
   by :class:`~planner.baseline.points.PlanPoints`: coverage, fairness (the lowest
   committee coverage) and shortfall, travel, spread, variety, preferred weeks and
   fixtures. Set copies are the lowest-numbered free in all the weeks of the stay.
2. **Stop** when no delivery that still fits has a positive gain.
3. **Ties** go to the earlier demand line in the scenario, then the earlier start week,
   then the resource listed first. No randomness: the same scenario gives the same plan.

It is fast because gains are evaluated lazily. A line's best option is its first option
that still fits in order of the gain that does not change as the plan grows (coverage,
travel, preference, fixtures), unless spread or variety could lift a later one; a
priority queue holds each line's last gain, which as the plan grows can only fall
(options fill up, shortfall and spread shrink, themes repeat): a popped line whose
gain, evaluated again, still beats the next line's stored gain is the best one. The
one gain that can rise is fairness, when a committee becomes the only one at the
lowest coverage; that committee's lines are then evaluated and queued again.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence

from planner.baseline.memo import LastAnswer
from planner.baseline.pins import add_option, place_pins, resource_of
from planner.baseline.points import PlanPoints
from planner.ledger import Ledger
from planner.network import Distances
from planner.options import Option, options_lister
from planner.plan import Plan
from planner.scenario import DemandLine, Scenario

#: Gains closer than this (in points) are ties.
EPS = 1e-9


#: The answer for the last scenario asked about (see :mod:`planner.baseline.memo`).
_last: LastAnswer[Plan] = LastAnswer()


def plan_greedy(
    scenario: Scenario,
    distances: Distances | None = None,
    options: Mapping[str, list[Option]] | None = None,
) -> Plan:
    """Plan a season by adding the delivery with the best marginal gain, step by step.

    Parameters
    ----------
    scenario
        A validated scenario.
    distances
        Road distances; built from the scenario when not given.
    options
        Each demand line's :func:`~planner.options.line_options` (by line id), when
        already computed.

    Returns
    -------
    Plan
        Pins as pinned, then deliveries in order of gain until no fitting one gains;
        see :mod:`planner.baseline.greedy` for the exact rules. Every delivery other
        than an invalid pin keeps every hard rule of ``docs/rules.md``. Asked again
        about the same scenario object, it gives the same plan without planning.
    """
    remembered = _last.get(scenario)
    if remembered is not None:
        return remembered
    plan = _Greedy(scenario, distances, options).run()
    return _last.put(scenario, plan)


class _Greedy:
    """The greedy's state: the ledger, the points and each line's options by gain."""

    def __init__(
        self,
        scenario: Scenario,
        distances: Distances | None,
        given: Mapping[str, list[Option]] | None,
    ) -> None:
        s = scenario
        self.s = s
        self.ledger = Ledger(s)
        options = dict(given) if given is not None else {}
        lister = options_lister(s)
        for line in s.demand_lines:
            if line.id not in options:
                options[line.id] = lister(line)
        self.points = PlanPoints(s, [lid for lid, opts in options.items() if opts], distances)
        unit_rank = {uid: i for i, uid in enumerate(s.resource_units)}
        self.order = {line.id: line.index for line in s.demand_lines}
        self.alive: dict[str, list[tuple[float, Option]]] = {}
        for line in s.demand_lines:
            line_opts = options[line.id]
            scored = list(zip(self.points.static_gains(line, line_opts), line_opts, strict=True))
            scored.sort(key=lambda so: (-so[0], so[1].first_week, unit_rank[so[1].unit_id]))
            self.alive[line.id] = scored
        self.lines_of: dict[str, list[DemandLine]] = {}
        for line in s.demand_lines:
            self.lines_of.setdefault(line.committee, []).append(line)
        # Only spread and variety make a later option of a line beat an earlier one.
        self.lift = s.objective.variety
        self.heap: list[tuple[float, int, str]] = []

    def run(self) -> Plan:
        """Pins, then the best gain first until nothing that fits gains."""
        for d in place_pins(self.ledger):
            option = Option(
                d.demand_id,
                d.unit_id(self.s),
                d.first_week,
                d.last_week - d.first_week + 1,
                d.theme,
            )
            self.points.add(d.committee_id, d.product, option)
        for line in self.s.demand_lines:
            self._push(line)
        low = self._low()
        while self.heap:
            _, _, line_id = heapq.heappop(self.heap)
            line = self.s.demand_by_id[line_id]
            best = self._best(line)
            if best is None:
                continue
            gain, option = best
            if self.heap and gain < -self.heap[0][0] - EPS:
                heapq.heappush(self.heap, (-gain, self.order[line_id], line_id))
                continue
            if gain <= EPS:
                break
            resource = resource_of(self.ledger, option)
            add_option(self.ledger, line.committee, line.product, resource, option)
            self.points.add(line.committee, line.product, option)
            self._push(line)
            now = self._low()
            if now != low and self.points.low_committee is not None:
                # Fairness is the one gain that rises: re-queue the lowest committee.
                for other in self.lines_of.get(self.points.low_committee, []):
                    self._push(other)
            low = now
        return self.ledger.plan()

    def _low(self) -> tuple[str | None, tuple[float, float]]:
        return self.points.low_committee, self.points.lowest_two

    def _push(self, line: DemandLine) -> None:
        """Queue a line with its gain now, if it can take one more delivery."""
        best = self._best(line)
        if best is not None:
            heapq.heappush(self.heap, (-best[0], self.order[line.id], line.id))

    def _best(self, line: DemandLine) -> tuple[float, Option] | None:
        """The line's best fitting option and its gain now, or None if none fits.

        Options that no longer fit are dropped for good: the plan only grows.
        """
        if self.ledger.line_use(line.id) >= line.demand.count:
            return None
        alive = self.alive[line.id]
        fits = self.ledger.fits
        points = self.points
        base = points.fairness_gain(line.committee, line.demand.priority)
        best: tuple[float, Option] | None = None
        dropped: list[int] = []
        for i, (static, option) in enumerate(alive):
            if best is not None and static + self.lift + base <= best[0]:
                break
            if not fits(line, option):
                dropped.append(i)
                continue
            gain = static + base + points.plan_gain(line.committee, line.product, option)
            if best is None or gain > best[0] + EPS:
                best = (gain, option)
        if dropped:
            gone = set(dropped)
            alive[:] = [x for i, x in enumerate(alive) if i not in gone]
        return best


__all__: Sequence[str] = ["plan_greedy"]
