"""The careful planner's greedy: pins, shared-out rounds, leftovers (rules 0 and 2–4).

See :mod:`planner.baseline` for the rules. Whether an option still fits and which set
copy is free is asked of the :class:`~planner.ledger.Ledger`, which holds every count
of the growing plan; this module only decides the order in which options are tried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from planner.baseline.shares import PRODUCT_ORDER, baseline_shares
from planner.ledger import Ledger
from planner.options import Option, delivered_theme, line_options
from planner.plan import Delivery, Plan
from planner.scenario import EVENT_PRODUCTS, STAY_PRODUCTS, DemandLine, Pin, Product, Scenario


def plan_baseline(scenario: Scenario) -> Plan:
    """Plan a season the way a careful planner does in a spreadsheet.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    Plan
        Pins as pinned, then population-proportional shares handed out round-robin,
        then leftovers; see :mod:`planner.baseline` for the exact rules. Every delivery
        other than an invalid pin keeps every hard rule of ``docs/rules.md``.
    """
    return _Spreadsheet(scenario).run()


class _Spreadsheet:
    """The planner's turns over a growing plan; every count lives in the ledger."""

    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.ledger = Ledger(scenario)
        self.unit_rank = {uid: i for i, uid in enumerate(scenario.resource_units)}
        self.order = [c.id for c in sorted(scenario.committees, key=lambda c: (c.grid, c.id))]
        self.lines_of: dict[tuple[str, Product], list[DemandLine]] = {}
        for line in sorted(scenario.demand_lines, key=lambda x: (-x.demand.priority, x.index)):
            self.lines_of.setdefault((line.committee, line.product), []).append(line)
        self.alive: dict[str, list[Option]] = {}
        self.dead: set[tuple[str, Product]] = set()

    # -- the plan --------------------------------------------------------------------
    def run(self) -> Plan:
        """Pins, then each product's shares, then the leftovers."""
        self._place_pins()
        for line in self.s.demand_lines:
            options = line_options(self.s, line)
            options.sort(key=lambda o: (o.first_week, self.unit_rank[o.unit_id]))
            self.alive[line.id] = options
        shares = baseline_shares(self.s)
        for product in PRODUCT_ORDER:
            self._rounds(product, shares[product])
        for product in PRODUCT_ORDER:
            self._rounds(product, None)
        return self.ledger.plan()

    def _rounds(self, product: Product, share: Mapping[str, int] | None) -> None:
        """Round-robin turns of one product while committees take deliveries.

        With ``share``, a committee takes turns only while below its share; without,
        until it has what it asked for or nothing more fits (the leftover pass).
        """
        active = [
            c for c in self.order if (c, product) in self.lines_of and (c, product) not in self.dead
        ]
        while active:
            still = []
            for c in active:
                if share is not None and self.ledger.delivered(c, product) >= share.get(c, 0):
                    continue
                if self._turn(c, product):
                    still.append(c)
                else:
                    self.dead.add((c, product))
            active = still

    def _turn(self, committee_id: str, product: Product) -> bool:
        """Give a committee one delivery of a product; False if none can be made."""
        for line in self.lines_of[(committee_id, product)]:
            if self.ledger.line_use(line.id) >= line.demand.count:
                continue
            option = self._pick(line, self.alive[line.id])
            if option is not None:
                self._add(line.committee, product, self._resource(option), option)
                return True
        return False

    def _pick(self, line: DemandLine, alive: list[Option]) -> Option | None:
        """The earliest fitting option (event-free first for events); prunes dead options.

        The plan only grows, so an option that breaks a rule now breaks it for good and
        is dropped from ``alive``.
        """
        spaced = line.product in EVENT_PRODUCTS
        events = self.ledger.events_of(line.committee)
        fits = self.ledger.fits
        keep: list[Option] = []
        first: Option | None = None
        for i, option in enumerate(alive):
            if not fits(line, option):
                continue
            keep.append(option)
            if first is None:
                first = option
            if not spaced or not any(events[w] for w in option.weeks):
                keep.extend(alive[i + 1 :])
                alive[:] = keep
                return option
        alive[:] = keep
        return first

    def _resource(self, option: Option) -> str:
        """The resource of a fitting option: the lowest free copy of a set kind."""
        if self.s.resource_units[option.unit_id].product in STAY_PRODUCTS:
            copy_id = self.ledger.free_copy(option.unit_id, option.weeks)
            assert copy_id is not None  # the option fits, so a copy is free
            return copy_id
        return option.unit_id

    def _add(self, committee_id: str, product: Product, resource_id: str, option: Option) -> None:
        """Record a delivery of ``option`` by ``resource_id`` in the ledger."""
        last = option.first_week + option.duration - 1
        self.ledger.add(
            Delivery(
                committee_id,
                product,
                resource_id,
                option.first_week,
                last,
                option.line_id,
                option.theme,
            )
        )

    # -- pins ------------------------------------------------------------------------
    def _place_pins(self) -> None:
        """Place every pin as pinned, copy pins before set-kind pins (rule 0)."""
        s = self.s
        pins = s.pins
        names_copy = [
            p.resource not in s.resource_units or len(s.copy_ids(p.resource)) == 1 for p in pins
        ]
        for pin in [p for p, one in zip(pins, names_copy, strict=True) if one]:
            self._place_pin(pin)
        for pin in [p for p, one in zip(pins, names_copy, strict=True) if not one]:
            self._place_pin(pin)

    def _place_pin(self, pin: Pin) -> None:
        s = self.s
        committee = s.committee_by_id.get(pin.committee)
        unit_id = s.unit_of_copy.get(pin.resource)
        if committee is None or unit_id is None:
            return
        unit = s.resource_units[unit_id]
        line = self._pin_line(pin)
        weeks = range(pin.first_week, pin.first_week + unit.duration)
        resource_id = pin.resource
        if unit.product in STAY_PRODUCTS and pin.resource == unit_id:
            resource_id = self.ledger.free_copy(unit_id, weeks) or s.copy_ids(unit_id)[0]
        theme = (delivered_theme(line, unit) if line is not None else None) or unit.themes[0]
        option = Option(line.id if line else "", unit_id, pin.first_week, unit.duration, theme)
        self._add(committee.id, pin.product, resource_id, option)

    def _pin_line(self, pin: Pin) -> DemandLine | None:
        """The pin's demand line, else the committee's first line of the product with room."""
        s = self.s
        if pin.demand is not None:
            return s.demand_by_id.get(pin.demand)
        lines = [
            x for x in s.demand_lines if x.committee == pin.committee and x.product == pin.product
        ]
        for line in lines:
            if self.ledger.line_use(line.id) < line.demand.count:
                return line
        return lines[0] if lines else None


__all__: Sequence[str] = ["plan_baseline"]
