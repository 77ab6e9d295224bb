"""The spreadsheet baseline: what a careful planner does by hand, run beside the optimiser.

Every KPI report sets the optimiser's plan beside this baseline to show the gain. The
baseline is meant to be honest: it keeps every hard rule, shares resources fairly by
population and does not leave resources idle while someone still asks. It is greedy and
follows fixed rules, which are:

0. **Pins first.** Pinned (already published) deliveries are placed exactly as pinned:
   committee, product, resource, first week, and the pin's demand line (or the
   committee's first line of that product that still has room). A pin naming a set kind
   gets the lowest-numbered copy free in all its weeks. Pins count towards shares.
1. **Shares proportional to population.** For each product, the season's capacity is
   summed over its units: book and board sets ``copies × ⌊available weeks / stay⌋``;
   troupes ``shows_per_week × available weeks`` (at most ``max_shows``); lecturers
   ``sessions_per_week × available weeks``; trainers ``sessions_per_week ×
   ⌊available weeks / course_weeks⌋``. It is split among the committees that asked for
   the product in proportion to population (largest-remainder rounding, ties to the
   earlier committee), each share capped at what the committee asked for; what a cap
   frees is split again among the others (water-filling). Where resources serve only
   one subdistrict (district scenarios), each subdistrict's own resources are split
   among its committees first; the resources serving everyone then top up all
   committees so that their totals come as close to proportional as caps allow.
2. **Round-robin rotation.** Products are planned in a fixed order, long stays first:
   exhibition, book set, fitness course, performance, lecture. Within a product,
   committees take turns in (grid, id) order; on its turn a committee below its share
   gets one delivery: its demand lines are tried in priority order (highest first, then
   scenario order), and the first line that can take one gets the earliest start week,
   then the first resource in scenario order, that keeps every hard rule given what is
   already planned (resource capacity per week and ``max_shows``, set copies, shelf and
   board slots, events per week, van moves per week, no repeated set kind, no duplicate
   delivery, the line's count; closed, excluded and unavailable weeks, themes, venue
   and service area through :func:`planner.options.line_options`). Events are spaced:
   for performances, lectures and courses a start whose weeks hold no event of the
   committee yet is preferred to an earlier one. Sets get the lowest-numbered copy free
   in all the weeks of the stay. Rounds continue until no committee below its share can
   take another delivery.
3. **Leftovers.** When every product has been shared out, a final round-robin pass
   (same product and committee order, same choice of line, week and resource) lets
   committees take any capacity still free, up to what they asked for.
4. **Deterministic.** No randomness; the same scenario always gives the same plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from planner.capacity import product_season_deliveries
from planner.options import Option, delivered_theme, line_options
from planner.plan import Delivery, Plan
from planner.scenario import (
    EVENT_PRODUCTS,
    STAY_PRODUCTS,
    Committee,
    DemandLine,
    Pin,
    Product,
    Scenario,
)

#: The order products are planned in: long stays first, single events last.
PRODUCT_ORDER: tuple[Product, ...] = (
    Product.EXHIBITION,
    Product.BOOK_SET,
    Product.FITNESS_COURSE,
    Product.PERFORMANCE,
    Product.LECTURE,
)


def split_shares(
    capacity: int,
    asks: Mapping[str, int],
    weights: Mapping[str, int],
    base: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """Split a capacity in proportion to weights, capped at what each asked (water-filling).

    Parameters
    ----------
    capacity
        Deliveries to share out.
    asks
        What each recipient asked for in all; its order breaks ties (earlier first).
    weights
        Each recipient's weight (population).
    base
        What each recipient already holds from elsewhere (its own subdistrict's
        resources); the split then tops up the totals ``base + share`` as evenly in
        proportion to weight as it can. Zero when omitted.

    Returns
    -------
    dict[str, int]
        Each recipient's share of ``capacity``, in the order of ``asks``: at most what it
        still asks (``ask - base``), summing to ``min(capacity, what all still ask)``.
        Exactly: a water level ``t`` is found such that the quotas
        ``clamp(t × weight - base, 0, ask - base)`` add up to the capacity (a recipient
        whose quota reaches its ask is capped and what it frees goes to the others);
        quotas are then rounded by largest remainder (ties to the earlier recipient).
        Recipients of weight zero get only what the others cannot take, evenly.
    """
    held = base or {}
    room = {key: max(ask - held.get(key, 0), 0) for key, ask in asks.items()}
    shares = dict.fromkeys(asks, 0)
    left = max(capacity, 0)
    if left >= sum(room.values()):
        return room
    heavy = [key for key in asks if room[key] > 0 and weights.get(key, 0) > 0]
    light = [key for key in asks if room[key] > 0 and weights.get(key, 0) <= 0]
    heavy_room = sum(room[key] for key in heavy)
    if left >= heavy_room:
        for key in heavy:
            shares[key] = room[key]
        rest = split_shares(left - heavy_room, {k: room[k] for k in light}, dict.fromkeys(light, 1))
        shares.update(rest)
        return shares
    quotas = _level_quotas(left, heavy, room, weights, held)
    floors = {key: int(q) for key, q in quotas.items()}
    extra = left - sum(floors.values())
    position = {key: i for i, key in enumerate(heavy)}
    by_remainder = sorted(heavy, key=lambda key: (-(quotas[key] - floors[key]), position[key]))
    shares.update(floors)
    for key in by_remainder[:extra]:
        shares[key] += 1
    return shares


def _level_quotas(
    capacity: int,
    keys: Sequence[str],
    room: Mapping[str, int],
    weights: Mapping[str, int],
    held: Mapping[str, int],
) -> dict[str, Fraction]:
    """Exact quotas ``clamp(t × w - b, 0, room)`` summing to ``capacity`` (< total room)."""

    def quota(key: str, level: Fraction) -> Fraction:
        q = level * weights[key] - held.get(key, 0)
        return min(max(q, Fraction(0)), Fraction(room[key]))

    def total(level: Fraction) -> Fraction:
        return sum((quota(key, level) for key in keys), Fraction(0))

    points = sorted(
        {Fraction(held.get(k, 0), weights[k]) for k in keys}
        | {Fraction(held.get(k, 0) + room[k], weights[k]) for k in keys}
    )
    lo, hi = 0, len(points) - 1  # total(points[hi]) is the whole room, above capacity
    while lo < hi:  # the first breakpoint where the quotas reach the capacity
        mid = (lo + hi) // 2
        if total(points[mid]) >= capacity:
            hi = mid
        else:
            lo = mid + 1
    upper = points[lo]
    lower = points[lo - 1] if lo > 0 else upper
    below = total(lower)
    if lo == 0 or below >= capacity:
        level = upper
    else:  # the quotas grow linearly between two breakpoints
        level = lower + (capacity - below) / (total(upper) - below) * (upper - lower)
    return {key: quota(key, level) for key in keys}


def baseline_shares(scenario: Scenario) -> dict[Product, dict[str, int]]:
    """Return each committee's share of each product (rule 1).

    Committees that asked for a product are listed in (grid, id) order, with the sum of
    the counts of their lines of that product as their ask and population as weight.
    Resources that serve only one subdistrict are split among that subdistrict's
    committees first; then the resources that serve everyone top up all committees,
    evening out their totals in proportion to population (see :func:`split_shares`).
    Without service areas this is one split of the product's whole capacity. Capacities
    are deliveries per season (:func:`planner.capacity.product_season_deliveries`).
    """
    order = sorted(scenario.committees, key=lambda c: (c.grid, c.id))
    area_of = {
        c.id: (g.subdistrict if (g := scenario.grid_by_id.get(c.grid)) else "") for c in order
    }
    out: dict[Product, dict[str, int]] = {}
    for product in PRODUCT_ORDER:
        asked: dict[str, int] = {}
        for line in scenario.demand_lines:
            if line.product == product:
                asked[line.committee] = asked.get(line.committee, 0) + line.demand.count
        asks = {c.id: asked[c.id] for c in order if c.id in asked}
        weights = {c.id: c.population for c in order if c.id in asked}
        areas = sorted({u.service_area for u in scenario.resource_units.values()} - {""})
        shares = dict.fromkeys(asks, 0)
        for area in areas:
            members = {c: ask for c, ask in asks.items() if area_of[c] == area}
            if members:
                own_capacity = product_season_deliveries(scenario, product, area)
                own = split_shares(own_capacity, members, weights)
                shares.update(own)
        shared_capacity = product_season_deliveries(scenario, product, "")
        everyone = split_shares(shared_capacity, asks, weights, shares)
        shares = {c: shares[c] + everyone[c] for c in asks}
        out[product] = shares
    return out


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
        then leftovers; see the module docstring for the exact rules. Every delivery
        other than an invalid pin keeps every hard rule of ``docs/rules.md``.
    """
    return _Baseline(scenario).run()


class _Baseline:
    """The planner's bookkeeping: per-week usage counters, updated as deliveries go in."""

    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        n = scenario.season.weeks + 2
        units = scenario.resource_units
        self.units = units
        self.unit_rank = {uid: i for i, uid in enumerate(units)}
        self.unit_use = {uid: [0] * n for uid in units}
        self.unit_total = dict.fromkeys(units, 0)
        self.max_shows = {uid: u.season_max for uid, u in units.items() if u.season_max is not None}
        self.copies = {uid: scenario.copy_ids(uid) for uid in units}
        self.copy_busy = {cid: bytearray(n) for ids in self.copies.values() for cid in ids}
        self.committees = scenario.committee_by_id
        self.events = {cid: [0] * n for cid in self.committees}
        self.shelf = {cid: [0] * n for cid in self.committees}
        self.boards = {cid: [0] * n for cid in self.committees}
        self.van = [0] * n
        self.van_moves = scenario.resources.van.moves_per_week
        self.sets_at: set[tuple[str, str]] = set()
        self.keys: set[tuple[str, Product, str, int]] = set()
        self.line_used = {line.id: 0 for line in scenario.demand_lines}
        self.got: dict[tuple[str, Product], int] = {}
        self.deliveries: list[Delivery] = []
        self.order = [c.id for c in sorted(scenario.committees, key=lambda c: (c.grid, c.id))]
        self.lines_of: dict[tuple[str, Product], list[DemandLine]] = {}
        for line in sorted(scenario.demand_lines, key=lambda x: (-x.demand.priority, x.index)):
            self.lines_of.setdefault((line.committee, line.product), []).append(line)
        self.alive: dict[str, list[Option]] = {}
        self.dead: set[tuple[str, Product]] = set()

    # -- the plan --------------------------------------------------------------------
    def run(self) -> Plan:
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
        return Plan.of(self.deliveries)

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
                if share is not None and self._got(c, product) >= share.get(c, 0):
                    continue
                if self._turn(c, product):
                    still.append(c)
                else:
                    self.dead.add((c, product))
            active = still

    def _got(self, committee_id: str, product: Product) -> int:
        return self.got.get((committee_id, product), 0)

    def _turn(self, committee_id: str, product: Product) -> bool:
        """Give a committee one delivery of a product; False if none can be made."""
        committee = self.committees[committee_id]
        for line in self.lines_of[(committee_id, product)]:
            if self.line_used[line.id] >= line.demand.count:
                continue
            picked = self._pick(committee, product, self.alive[line.id])
            if picked is not None:
                option, resource_id = picked
                self._add(committee, product, option.unit_id, resource_id, option, line.id)
                return True
        return False

    def _pick(
        self, committee: Committee, product: Product, alive: list[Option]
    ) -> tuple[Option, str] | None:
        """The earliest feasible option (event-free first for events); prunes dead options.

        The plan only grows, so an option that breaks a rule now breaks it for good and
        is dropped from ``alive``.
        """
        spaced = product in EVENT_PRODUCTS
        events = self.events[committee.id]
        keep: list[Option] = []
        first: tuple[Option, str] | None = None
        chosen: tuple[Option, str] | None = None
        for i, option in enumerate(alive):
            resource_id = self._fits(committee, product, option)
            if resource_id is None:
                continue
            keep.append(option)
            if first is None:
                first = (option, resource_id)
            if not spaced or not any(events[w] for w in option.weeks):
                chosen = (option, resource_id)
                keep.extend(alive[i + 1 :])
                break
        alive[:] = keep
        return chosen if chosen is not None else first

    def _fits(self, committee: Committee, product: Product, option: Option) -> str | None:
        """The resource (copy) id if the option keeps every rule given the plan so far."""
        uid = option.unit_id
        weeks = option.weeks
        first = option.first_week
        unit = self.units[uid]
        use = self.unit_use[uid]
        cap = unit.capacity
        if any(use[w] >= cap for w in weeks):
            return None
        if (committee.id, product, uid, first) in self.keys:
            return None
        if uid in self.max_shows and self.unit_total[uid] >= self.max_shows[uid]:
            return None
        if product in EVENT_PRODUCTS:
            events = self.events[committee.id]
            limit = committee.max_events_per_week
            if any(events[w] >= limit for w in weeks):
                return None
            return uid
        if (committee.id, uid) in self.sets_at:
            return None
        if product == Product.BOOK_SET:
            slots, limit = self.shelf[committee.id], committee.venue.shelf_slots
        else:
            slots, limit = self.boards[committee.id], committee.venue.board_slots
            if self.van[first] >= self.van_moves:
                return None
        if any(slots[w] >= limit for w in weeks):
            return None
        return self._free_copy(uid, weeks)

    def _free_copy(self, unit_id: str, weeks: range) -> str | None:
        """The lowest-numbered copy of a set kind free in all ``weeks``."""
        for copy_id in self.copies[unit_id]:
            busy = self.copy_busy[copy_id]
            if not any(busy[w] for w in weeks):
                return copy_id
        return None

    def _add(
        self,
        committee: Committee,
        product: Product,
        unit_id: str,
        resource_id: str,
        option: Option,
        line_id: str,
    ) -> None:
        """Record a delivery and update every counter."""
        cid = committee.id
        weeks = option.weeks
        use = self.unit_use[unit_id]
        for w in weeks:
            if w < len(use):
                use[w] += 1
        self.unit_total[unit_id] += 1
        self.keys.add((cid, product, unit_id, option.first_week))
        if product in EVENT_PRODUCTS:
            counter = self.events[cid]
        else:
            self.sets_at.add((cid, unit_id))
            counter = self.shelf[cid] if product == Product.BOOK_SET else self.boards[cid]
            busy = self.copy_busy.get(resource_id)
            if busy is not None:
                for w in weeks:
                    if w < len(busy):
                        busy[w] = 1
            if product == Product.EXHIBITION and option.first_week < len(self.van):
                self.van[option.first_week] += 1
        for w in weeks:
            if w < len(counter):
                counter[w] += 1
        if line_id in self.line_used:
            self.line_used[line_id] += 1
        self.got[(cid, product)] = self._got(cid, product) + 1
        self.deliveries.append(
            Delivery(
                cid,
                product,
                resource_id,
                option.first_week,
                option.first_week + option.duration - 1,
                line_id,
                option.theme,
            )
        )

    # -- pins ------------------------------------------------------------------------
    def _place_pins(self) -> None:
        """Place every pin as pinned, copy pins before set-kind pins (rule 0)."""
        pins = self.s.pins
        names_copy = [len(self.copies.get(p.resource, [p.resource])) == 1 for p in pins]
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
        unit = self.units[unit_id]
        line = self._pin_line(pin)
        weeks = range(pin.first_week, pin.first_week + unit.duration)
        resource_id = pin.resource
        if unit.product in STAY_PRODUCTS and pin.resource == unit_id:
            copies = self.copies[unit_id]
            resource_id = self._free_copy(unit_id, weeks) or copies[0]
        theme = (delivered_theme(line, unit) if line is not None else None) or unit.themes[0]
        option = Option(line.id if line else "", unit_id, pin.first_week, unit.duration, theme)
        self._add(committee, pin.product, unit_id, resource_id, option, option.line_id)

    def _pin_line(self, pin: Pin) -> DemandLine | None:
        """The pin's demand line, else the committee's first line of the product with room."""
        s = self.s
        if pin.demand is not None:
            return s.demand_by_id.get(pin.demand)
        lines = [
            x for x in s.demand_lines if x.committee == pin.committee and x.product == pin.product
        ]
        for line in lines:
            if self.line_used[line.id] < line.demand.count:
                return line
        return lines[0] if lines else None


__all__: Sequence[str] = [
    "PRODUCT_ORDER",
    "baseline_shares",
    "plan_baseline",
    "split_shares",
]
