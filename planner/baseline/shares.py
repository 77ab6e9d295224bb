"""The baseline's shares: each committee's part of each product (rule 1 of the baseline).

See :mod:`planner.baseline` for the rules; capacities come from :mod:`planner.capacity`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from planner.capacity import product_deliverable, van_deliverable
from planner.scenario import Product, Scenario

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


def _within_van(capacity: dict[str, int], van: int) -> dict[str, int]:
    """Cap the board sets' capacities (by service area, ``""`` for all) at the van's.

    The van serves every area: the areas' own sets keep their capacity while the van
    has room (scaled down in proportion, rounded down, if it has not), and the shared
    sets get what the van has left.
    """
    own = {area: n for area, n in capacity.items() if area}
    total = sum(own.values())
    if total > van:
        own = {area: n * van // total for area, n in own.items()}
    left = van - sum(own.values())
    return {"": min(capacity[""], left), **own}


def baseline_shares(scenario: Scenario) -> dict[Product, dict[str, int]]:
    """Return each committee's share of each product (rule 1).

    Committees that asked for a product are listed in (grid, id) order, with the sum of
    the counts of their lines of that product as their ask and population as weight.
    Resources that serve only one subdistrict are split among that subdistrict's
    committees first; then the resources that serve everyone top up all committees,
    evening out their totals in proportion to population (see :func:`split_shares`).
    Without service areas this is one split of the product's whole capacity. Capacities
    are the deliveries that fit in the season (:func:`planner.capacity.product_deliverable`);
    board sets' are capped at the van's installs, their areas' own sets first.
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
        capacity = {area: product_deliverable(scenario, product, area) for area in ["", *areas]}
        if product == Product.EXHIBITION:
            capacity = _within_van(capacity, van_deliverable(scenario))
        shares = dict.fromkeys(asks, 0)
        for area in areas:
            members = {c: ask for c, ask in asks.items() if area_of[c] == area}
            if members:
                own = split_shares(capacity[area], members, weights)
                shares.update(own)
        shared_capacity = capacity[""]
        everyone = split_shares(shared_capacity, asks, weights, shares)
        shares = {c: shares[c] + everyone[c] for c in asks}
        out[product] = shares
    return out


__all__: Sequence[str] = ["PRODUCT_ORDER", "baseline_shares", "split_shares"]
