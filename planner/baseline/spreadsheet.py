"""The careful planner's greedy: pins, shared-out rounds, leftovers (rules 0 and 2–4).

See :mod:`planner.baseline` for the rules. Whether an option still fits and which set
copy is free is asked of the :class:`~planner.ledger.Ledger`, which holds every count
of the growing plan; this module only decides the order in which options are tried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from planner.baseline.pins import add_option, place_pins, resource_of
from planner.baseline.points import PlanPoints
from planner.baseline.shares import PRODUCT_ORDER, baseline_shares
from planner.ledger import Ledger
from planner.network import Distances
from planner.options import Option, line_options
from planner.plan import Plan
from planner.scenario import EVENT_PRODUCTS, DemandLine, Product, Scenario


def plan_baseline(
    scenario: Scenario,
    distances: Distances | None = None,
    options: Mapping[str, list[Option]] | None = None,
) -> Plan:
    """Plan a season the way a careful planner does in a spreadsheet.

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
        Pins as pinned, then population-proportional shares handed out round-robin,
        then leftovers; see :mod:`planner.baseline` for the exact rules. Every delivery
        other than an invalid pin keeps every hard rule of ``docs/rules.md``.
    """
    return _Spreadsheet(scenario, distances, options).run()


class _Spreadsheet:
    """The planner's turns over a growing plan; every count lives in the ledger."""

    def __init__(
        self,
        scenario: Scenario,
        distances: Distances | None,
        options: Mapping[str, list[Option]] | None,
    ) -> None:
        self.s = scenario
        self.options = options
        self.ledger = Ledger(scenario)
        self.unit_rank = {uid: i for i, uid in enumerate(scenario.resource_units)}
        self.order = [c.id for c in sorted(scenario.committees, key=lambda c: (c.grid, c.id))]
        self.lines_of: dict[tuple[str, Product], list[DemandLine]] = {}
        for line in sorted(scenario.demand_lines, key=lambda x: (-x.demand.priority, x.index)):
            self.lines_of.setdefault((line.committee, line.product), []).append(line)
        self.alive: dict[str, list[Option]] = {}
        self.dead: set[tuple[str, Product]] = set()
        self.rank: dict[Option, tuple[int, float, int, int]] = {}
        # Only for road km and fixture bonuses (no weights): the rules, not the objective.
        self.points = PlanPoints(scenario, (), distances)

    # -- the plan --------------------------------------------------------------------
    def run(self) -> Plan:
        """Pins, then each product's shares, then the leftovers."""
        place_pins(self.ledger)
        for line in self.s.demand_lines:
            given = self.options.get(line.id) if self.options is not None else None
            options = list(given) if given is not None else line_options(self.s, line)
            for option in options:
                self.rank[option] = self._rank(line, option)
            options.sort(key=self.rank.__getitem__)
            self.alive[line.id] = options
        shares = baseline_shares(self.s)
        for product in PRODUCT_ORDER:
            self._rounds(product, shares[product])
        for product in PRODUCT_ORDER:
            self._rounds(product, None)
        return self.ledger.plan()

    def _rank(self, line: DemandLine, option: Option) -> tuple[int, float, int, int]:
        """The order options are tried in (rule 2): a fixture week of the product and
        theme, then a preferred week, then the nearest resource, the earliest week and
        the resource listed first."""
        if self.points.fixture_bonus(line.product, option) > 0:
            week_class = 0
        elif option.first_week in line.demand.preferred_weeks:
            week_class = 1
        else:
            week_class = 2
        km = self.points.km(option.unit_id, line.committee)
        return (week_class, round(km, 6), option.first_week, self.unit_rank[option.unit_id])

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
            if product == Product.EXHIBITION:
                option = self._pick_install(line, self.alive[line.id])
            else:
                option = self._pick(line, self.alive[line.id])
            if option is not None:
                resource = resource_of(self.ledger, option)
                add_option(self.ledger, line.committee, product, resource, option)
                return True
        return False

    def _pick(self, line: DemandLine, alive: list[Option]) -> Option | None:
        """The first fitting option (event-free first for events); prunes dead options.

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

    def _pick_install(self, line: DemandLine, alive: list[Option]) -> Option | None:
        """The exhibition stay to plan: within the best week class (fixture, preferred,
        other), the start week with the fewest van installs so far, then the order of
        :meth:`_rank`; so installs spread over the season instead of bunching early."""
        fits = self.ledger.fits
        alive[:] = [o for o in alive if fits(line, o)]
        if not alive:
            return None
        rank = self.rank
        best_class = rank[alive[0]][0]
        van = self.ledger.van_moves
        same = [o for o in alive if rank[o][0] == best_class]
        return min(same, key=lambda o: (van(o.first_week), rank[o]))


__all__: Sequence[str] = ["plan_baseline"]
