"""The careful planner's greedy: pins, shared-out rounds, leftovers (rules 0 and 2–4).

See :mod:`planner.baseline` for the rules. Whether an option still fits and which set
copy is free is asked of the :class:`~planner.ledger.Ledger`, which holds every count
of the growing plan; this module only decides the order in which options are tried.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from planner.baseline.memo import LastAnswer
from planner.baseline.pins import add_option, place_pins, resource_of
from planner.baseline.points import PlanPoints
from planner.baseline.shares import PRODUCT_ORDER, baseline_shares
from planner.ledger import Ledger
from planner.network import Distances
from planner.options import Option, options_lister
from planner.plan import Plan
from planner.scenario import EVENT_PRODUCTS, DemandLine, Product, Scenario

#: An option's place in the order options are tried in: week class, km, week, unit rank.
Rank = tuple[int, float, int, int]


#: The answer for the last scenario asked about (see :mod:`planner.baseline.memo`).
_last: LastAnswer[Plan] = LastAnswer()


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
        other than an invalid pin keeps every hard rule of ``docs/rules.md``. Asked
        again about the same scenario object, it gives the same plan without planning.
    """
    remembered = _last.get(scenario)
    if remembered is not None:
        return remembered
    plan = _Spreadsheet(scenario, distances, options).run()
    return _last.put(scenario, plan)


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
        self.rank: dict[Option, Rank] = {}
        # Only for road km and fixture bonuses (no weights): the rules, not the objective.
        self.points = PlanPoints(scenario, (), distances)

    # -- the plan --------------------------------------------------------------------
    def run(self) -> Plan:
        """Pins, then each product's shares, then the leftovers."""
        place_pins(self.ledger)
        lister = options_lister(self.s)
        for line in self.s.demand_lines:
            given = self.options.get(line.id) if self.options is not None else None
            options = list(given) if given is not None else lister(line)
            ranked = self._ranks(line, options)
            ranked.sort(key=lambda ro: ro[0])
            self.alive[line.id] = [option for _, option in ranked]
            if line.product == Product.EXHIBITION:  # the van's stagger reads the ranks again
                self.rank.update((option, rank) for rank, option in ranked)
        shares = baseline_shares(self.s)
        for product in PRODUCT_ORDER:
            self._rounds(product, shares[product])
        for product in PRODUCT_ORDER:
            self._rounds(product, None)
        return self.ledger.plan()

    def _ranks(self, line: DemandLine, options: list[Option]) -> list[tuple[Rank, Option]]:
        """Each option with its place in the order options are tried in (rule 2): a
        fixture week of the product and theme, then a preferred week; then the nearest
        resource, the earliest week and the resource listed first."""
        preferred = set(line.demand.preferred_weeks)
        fixture_bonus = self.points.fixture_bonus
        favoured = bool(self.points.favoured)
        near: dict[str, float] = {}
        out = []
        for option in options:
            unit_id = option.unit_id
            km = near.get(unit_id)
            if km is None:
                km = near[unit_id] = round(self.points.km(unit_id, line.committee), 6)
            if favoured and fixture_bonus(line.product, option) > 0:
                week_class = 0
            elif option.first_week in preferred:
                week_class = 1
            else:
                week_class = 2
            out.append(((week_class, km, option.first_week, self.unit_rank[unit_id]), option))
        return out

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
        :meth:`_rank`; so installs spread over the season instead of bunching early.

        Options are scanned in rank order, dropping those that no longer fit, until one
        of the best class starts in a week with the fewest installs of any week.
        """
        fits = self.ledger.fits
        van = self.ledger.van_moves
        rank = self.rank
        fewest = min(van(w) for w in self.s.weeks)
        best: Option | None = None
        best_key: tuple[int, Rank] | None = None
        keep: list[Option] = []
        for i, option in enumerate(alive):
            if best is not None and rank[option][0] > rank[best][0]:
                keep.extend(alive[i:])
                break
            if not fits(line, option):
                continue
            keep.append(option)
            key = (van(option.first_week), rank[option])
            if best_key is None or key < best_key:
                best, best_key = option, key
                if key[0] == fewest:
                    keep.extend(alive[i + 1 :])
                    break
        alive[:] = keep
        return best


__all__: Sequence[str] = ["plan_baseline"]
