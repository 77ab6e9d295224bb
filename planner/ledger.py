"""The ledger: what a growing plan uses, counted the way the hard rules count it.

The rules of ``docs/rules.md`` fall in two families. *Static* rules (service area,
themes, venue features, closed, excluded and unavailable weeks) depend on one delivery
alone; :mod:`planner.options` enforces them by never offering an option that breaks
them. *Coupling* rules depend on the rest of the plan: how many deliveries a line, a
unit, a copy, a venue, a committee's week or the van already has. The ledger counts
exactly what these rules count, so that the spreadsheet baseline can ask whether an
option still fits and the KPI report can say which rules stand in the way of an unmet
line. Both read the same counts; neither keeps its own.

The counts are flat lists indexed by week (index 0 and the week after the season are
padding), one list per unit, copy and committee, so that the baseline's inner loop
reads them without dictionary lookups per week. Weeks outside the lists (a pin or a
hand-made delivery outside the season) are not counted: no option ever occupies them.

The ledger never checks static rules and never refuses a delivery: :meth:`Ledger.add`
records whatever it is given, also a pin that breaks a rule. The solver-free validator
(``planner/validate*``) does not use it: it is the independent check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from planner.options import STATIC_RULES, Option
from planner.plan import Delivery, Plan
from planner.scenario import EVENT_PRODUCTS, DemandLine, Product, Scenario

#: The coupling rules the ledger counts, in the order of ``docs/rules.md``; these are the
#: keys :meth:`Ledger.obstacles` reports.
LEDGER_RULES: tuple[str, ...] = (
    "demand_limit",
    "resource_capacity",
    "copy_overlap",
    "venue",
    "events_per_week",
    "van_moves",
    "no_repeat_set",
    "duplicate_delivery",
)

#: The hard rules the ledger does not count, and why.
NOT_COUNTED: dict[str, str] = {
    "known_reference": "whether a delivery's committee, unit and line exist does not depend "
    "on the rest of the plan",
    **{
        rule: "holds for one delivery alone: planner.options offers no option that breaks it"
        for rule in STATIC_RULES
        if rule not in LEDGER_RULES
    },
    "pinned": "a pin is a delivery the plan must hold, not a use to count: the baseline "
    "adds pins first and the validator checks they are there",
}


class Ledger:
    """What a plan uses, per rule; grows one delivery at a time.

    Parameters
    ----------
    scenario
        The scenario the plan is for.

    Notes
    -----
    Counted per week: deliveries of each unit occupying it (``resource_capacity``), the
    weeks each set copy is out (``copy_overlap``), book and board sets at each committee
    (``venue``), events at each committee (``events_per_week``), board stays starting
    (``van_moves``). Counted per season: deliveries of each unit (a troupe's
    ``max_shows``), deliveries of each demand line (``demand_limit``), the set kinds each
    committee received (``no_repeat_set``) and the delivery ids (``duplicate_delivery``).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        n = scenario.season.weeks + 2
        self._n = n
        units = scenario.resource_units
        self._units = units
        self._committees = scenario.committee_by_id
        self._van_moves = scenario.resources.van.moves_per_week
        self._unit_use = {uid: [0] * n for uid in units}
        self._unit_total = dict.fromkeys(units, 0)
        self._copies = {uid: scenario.copy_ids(uid) for uid in units}
        self._copy_busy = {cid: bytearray(n) for ids in self._copies.values() for cid in ids}
        self._events = {cid: [0] * n for cid in self._committees}
        self._shelf = {cid: [0] * n for cid in self._committees}
        self._boards = {cid: [0] * n for cid in self._committees}
        self._van = [0] * n
        self._received: set[tuple[str, str]] = set()
        self._keys: set[tuple[str, Product, str, int]] = set()
        self._line_use: dict[str, int] = {}
        self._delivered: dict[tuple[str, Product], int] = {}
        self._deliveries: list[Delivery] = []

    @classmethod
    def of(cls, scenario: Scenario, plan: Iterable[Delivery]) -> Ledger:
        """Return the ledger of a whole plan (any deliveries, also ones breaking rules)."""
        ledger = cls(scenario)
        for d in plan:
            ledger.add(d)
        return ledger

    # -- growing -----------------------------------------------------------------------
    def add(self, delivery: Delivery) -> None:
        """Record a delivery, whatever rules it breaks.

        A resource that is no known unit counts for no unit, a committee that is not in
        the scenario for no venue; weeks outside the season are not counted.
        """
        d = delivery
        cid = d.committee_id
        product = d.product
        unit_id = d.unit_id(self.scenario)
        weeks = self._clip(d.weeks)
        use = self._unit_use.get(unit_id)
        if use is not None:
            for w in weeks:
                use[w] += 1
            self._unit_total[unit_id] += 1
        self._keys.add((cid, product, unit_id, d.first_week))
        counter: list[int] | None
        if product in EVENT_PRODUCTS:
            counter = self._events.get(cid)
        else:
            self._received.add((cid, unit_id))
            table = self._shelf if product == Product.BOOK_SET else self._boards
            counter = table.get(cid)
            busy = self._copy_busy.get(d.resource_id)
            if busy is not None:
                for w in weeks:
                    busy[w] = 1
            if product == Product.EXHIBITION and 0 <= d.first_week < self._n:
                self._van[d.first_week] += 1
        if counter is not None:
            for w in weeks:
                counter[w] += 1
        self._line_use[d.demand_id] = self._line_use.get(d.demand_id, 0) + 1
        self._delivered[(cid, product)] = self._delivered.get((cid, product), 0) + 1
        self._deliveries.append(d)

    def plan(self) -> Plan:
        """The deliveries recorded so far, as a plan."""
        return Plan.of(self._deliveries)

    # -- reading -----------------------------------------------------------------------
    def line_use(self, line_id: str) -> int:
        """Deliveries recorded for a demand line."""
        return self._line_use.get(line_id, 0)

    def delivered(self, committee_id: str, product: Product) -> int:
        """Deliveries of a product recorded for a committee (pins without a line too)."""
        return self._delivered.get((committee_id, product), 0)

    def season_use(self, unit_id: str) -> int:
        """Deliveries of a unit in the season (what a troupe's ``max_shows`` limits)."""
        return self._unit_total.get(unit_id, 0)

    def van_moves(self, week: int) -> int:
        """Board stays starting in ``week`` (van installs); 0 outside the season."""
        return self._van[week] if 0 <= week < self._n else 0

    def events_of(self, committee_id: str) -> Sequence[int]:
        """A committee's events per week, indexed by week (read only)."""
        return self._events[committee_id]

    def free_copy(self, unit_id: str, weeks: range) -> str | None:
        """The lowest-numbered copy of a unit free in all ``weeks``, or None.

        Weeks outside the season count as free.
        """
        inside = self._clip(weeks)
        for copy_id in self._copies[unit_id]:
            busy = self._copy_busy[copy_id]
            if not any(busy[w] for w in inside):
                return copy_id
        return None

    # -- asking ------------------------------------------------------------------------
    def fits(self, line: DemandLine, option: Option) -> bool:
        """Whether adding ``option`` for ``line`` keeps every coupling rule.

        The same answer as ``not self.obstacles(line, option)``, found without listing
        the obstacles: this is the baseline's inner loop.
        """
        demand = line.demand
        if self._line_use.get(line.id, 0) >= demand.count:
            return False
        uid = option.unit_id
        first = option.first_week
        stop = first + option.duration
        weeks = range(first, stop)
        if first < 0 or stop > self._n:
            weeks = self._clip(weeks)
        cid = demand.committee
        product = demand.product
        unit = self._units[uid]
        use = self._unit_use[uid]
        cap = unit.capacity
        if any(use[w] >= cap for w in weeks):
            return False
        if (cid, product, uid, first) in self._keys:
            return False
        if unit.season_max is not None and self._unit_total[uid] >= unit.season_max:
            return False
        committee = self._committees[cid]
        if product in EVENT_PRODUCTS:
            events = self._events[cid]
            limit = committee.max_events_per_week
            return not any(events[w] >= limit for w in weeks)
        if (cid, uid) in self._received:
            return False
        if product == Product.BOOK_SET:
            slots, limit = self._shelf[cid], committee.venue.shelf_slots
        else:
            slots, limit = self._boards[cid], committee.venue.board_slots
            van = self._van[first] if 0 <= first < self._n else 0
            if van >= self._van_moves:
                return False
        if any(slots[w] >= limit for w in weeks):
            return False
        return self.free_copy(uid, weeks) is not None

    def obstacles(self, line: DemandLine, option: Option) -> dict[str, list[int]]:
        """Which coupling rules adding ``option`` for ``line`` would break, with the weeks.

        Parameters
        ----------
        line
            The demand line the option serves.
        option
            An option of the line (static rules are not checked).

        Returns
        -------
        dict of str to list of int
            Keys are rule names of :data:`LEDGER_RULES`, in that order; each value lists
            the weeks concerned: full weeks of the unit, of the venue's slots or of the
            committee's events, the stay's weeks in which a copy is out, the first week
            for the van and for a duplicate delivery. A troupe's season maximum adds an
            empty list to ``resource_capacity``; ``demand_limit`` and ``no_repeat_set``
            carry no weeks. Empty when the option fits.
        """
        c = self._committees[line.committee]
        unit = self._units[option.unit_id]
        product = line.product
        first = option.first_week
        weeks = self._clip(option.weeks)
        found: dict[str, list[int]] = {}
        if self._line_use.get(line.id, 0) >= line.demand.count:
            found["demand_limit"] = []
        use = self._unit_use[unit.id]
        full = [w for w in weeks if use[w] >= unit.capacity]
        if full:
            found["resource_capacity"] = full
        if unit.season_max is not None and self._unit_total[unit.id] >= unit.season_max:
            found.setdefault("resource_capacity", [])
        if not full and product not in EVENT_PRODUCTS and self.free_copy(unit.id, weeks) is None:
            # Each week has a copy left, but no single copy is free in all of them.
            out = [w for w in weeks if any(self._copy_busy[k][w] for k in self._copies[unit.id])]
            found["copy_overlap"] = out
        if product in EVENT_PRODUCTS:
            events = self._events[c.id]
            busy = [w for w in weeks if events[w] >= c.max_events_per_week]
        elif product == Product.BOOK_SET:
            shelf = self._shelf[c.id]
            busy = [w for w in weeks if shelf[w] >= c.venue.shelf_slots]
        else:
            boards = self._boards[c.id]
            busy = [w for w in weeks if boards[w] >= c.venue.board_slots]
        if busy:
            found["events_per_week" if product in EVENT_PRODUCTS else "venue"] = busy
        van = self._van[first] if 0 <= first < self._n else 0
        if product == Product.EXHIBITION and van >= self._van_moves:
            found["van_moves"] = [first]
        if product not in EVENT_PRODUCTS and (c.id, unit.id) in self._received:
            found["no_repeat_set"] = []
        if (c.id, product, unit.id, first) in self._keys:
            found["duplicate_delivery"] = [first]
        return {rule: found[rule] for rule in LEDGER_RULES if rule in found}

    def _clip(self, weeks: range) -> range:
        """The part of a run of weeks that the per-week lists hold."""
        return range(max(weeks.start, 0), min(weeks.stop, self._n))


__all__: Sequence[str] = ["LEDGER_RULES", "NOT_COUNTED", "Ledger"]
