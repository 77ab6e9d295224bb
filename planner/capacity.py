"""Capacities: how much the resources can deliver, counted three ways for three uses.

The counts differ because they answer different questions:

- :func:`season_deliveries` and :func:`product_season_deliveries` count *deliveries*
  one unit (or one product) can make in the season if nothing else stood in the way;
  :func:`unit_deliverable` and :func:`product_deliverable` count those that fit in
  runs of open weeks, exhibitions capped by the van: the baseline shares these out
  among committees.
- :func:`available_unit_weeks` counts *uses* of a unit (copy-weeks, shows, sessions,
  course-weeks): the denominator of the KPI report's utilisation.
- :func:`deliverable_by_product` and :func:`capacity_summary` count deliveries per
  product as an *upper bound over runs of free weeks* (a stay must fit in consecutive
  open weeks; board sets also need the van): the generator aims its demand above it,
  and the reference files' headers quote it. It reads the records alone, so the
  generator can use it before a :class:`~planner.scenario.Scenario` exists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

from planner.scenario import Product, Resources, ResourceUnit, Scenario, Season


def season_deliveries(scenario: Scenario, unit: ResourceUnit) -> int:
    """Return how many deliveries one unit can make in the season.

    Parameters
    ----------
    scenario
        The scenario.
    unit
        A resource unit.

    Returns
    -------
    int
        Sets: ``copies × ⌊available weeks / stay⌋``; troupes: ``shows_per_week ×
        available weeks``, at most ``max_shows``; lecturers: ``sessions_per_week ×
        available weeks``; trainers: ``sessions_per_week × ⌊available weeks /
        course_weeks⌋``. Available weeks are the season's weeks less the unit's
        unavailable ones (own, outside ``available_weeks``, fixture reservations).
        Unlike :func:`deliverable_by_product`, available weeks are counted together,
        not in runs, and committees' closed weeks are not subtracted.
    """
    available = scenario.season.weeks - len(
        [w for w in scenario.unavailable_weeks(unit.id) if w <= scenario.season.weeks]
    )
    total = unit.capacity * (available // unit.duration)
    if unit.season_max is not None:
        total = min(total, unit.season_max)
    return total


def product_season_deliveries(scenario: Scenario, product: Product, area: str | None = None) -> int:
    """Return the deliveries of one product its units can make in the season.

    The sum of :func:`season_deliveries` over the product's units. With ``area``, only
    units whose service area is ``area`` count; ``""`` selects the units that serve
    everyone.
    """
    return sum(
        season_deliveries(scenario, unit)
        for unit in scenario.resource_units.values()
        if unit.product == product and (area is None or unit.service_area == area)
    )


def unit_deliverable(scenario: Scenario, unit: ResourceUnit) -> int:
    """Return how many deliveries one unit can actually make in the season.

    ``capacity`` × the deliveries that fit in runs of consecutive weeks the unit is
    available and the season is open (``⌊run / duration⌋`` per run), at most
    ``max_shows``. Unlike :func:`season_deliveries`, a stay or course cannot straddle
    an unavailable or closed week, and season-wide closed weeks count for nobody. The
    van is not counted here (see :func:`van_deliverable`).
    """
    blocked = scenario.unavailable_weeks(unit.id) | frozenset(scenario.season.closed_weeks)
    runs = free_runs(scenario.season.weeks, blocked)
    total = unit.capacity * sum(run // unit.duration for run in runs)
    if unit.season_max is not None:
        total = min(total, unit.season_max)
    return total


def product_deliverable(scenario: Scenario, product: Product, area: str | None = None) -> int:
    """Return the deliveries of one product its units can actually make in the season.

    The sum of :func:`unit_deliverable` over the product's units (with ``area``, the
    units whose service area is ``area``; ``""`` selects those that serve everyone).
    Exhibitions are also capped by :func:`van_deliverable`.
    """
    total = sum(
        unit_deliverable(scenario, unit)
        for unit in scenario.resource_units.values()
        if unit.product == product and (area is None or unit.service_area == area)
    )
    if product == Product.EXHIBITION:
        total = min(total, van_deliverable(scenario))
    return total


def van_deliverable(scenario: Scenario) -> int:
    """Return the board stays the van can install: ``moves_per_week`` × open weeks."""
    open_weeks = scenario.season.weeks - len(set(scenario.season.closed_weeks))
    return scenario.resources.van.moves_per_week * open_weeks


def available_unit_weeks(scenario: Scenario, unit: ResourceUnit) -> int:
    """Return the uses a unit offers in the season: its capacity per week × its weeks.

    A use is what the KPI report counts as used: a copy-week for book and board sets, a
    show for troupes, a session for lecturers and a course-week for trainers. The weeks
    are the season's weeks the unit is available in (see
    :meth:`planner.scenario.Scenario.unavailable_weeks`); a troupe with ``max_shows``
    offers at most that many. Unlike :func:`season_deliveries`, a multi-week delivery
    counts once per week it occupies.
    """
    closed = scenario.unavailable_weeks(unit.id)
    weeks = sum(1 for w in scenario.weeks if w not in closed)
    available = unit.capacity * weeks
    if unit.season_max is not None:
        available = min(available, unit.season_max)
    return available


def free_runs(weeks: int, blocked: AbstractSet[int]) -> list[int]:
    """Lengths of the maximal runs of consecutive weeks not in ``blocked``."""
    runs, current = [], 0
    for w in range(1, weeks + 1):
        if w in blocked:
            if current:
                runs.append(current)
            current = 0
        else:
            current += 1
    if current:
        runs.append(current)
    return runs


def season_blocker(season: Season) -> Callable[..., frozenset[int]]:
    """A function giving the weeks a resource cannot be planned in this season.

    They are its ``unavailable_weeks``, weeks outside its ``available_weeks`` (if given),
    weeks of fixtures that reserve it and season-wide closed weeks.
    """
    weeks = season.weeks
    closed = frozenset(season.closed_weeks)
    reserved: dict[str, set[int]] = {}
    for fixture in season.fixtures:
        for rid in fixture.reserves:
            reserved.setdefault(rid, set()).update(fixture.weeks)

    def blocked(
        rid: str, own: Sequence[int], available: Sequence[int] | None = None
    ) -> frozenset[int]:
        out = closed | frozenset(own) | reserved.get(rid, set())
        if available is not None:
            out |= set(range(1, weeks + 1)) - set(available)
        return out

    return blocked


def deliverable_by_product(season: Season, resources: Resources) -> dict[Product, int]:
    """Return what the resources can deliver in the season, per product.

    An upper bound that ignores venues and travel, read from the records alone (see
    :func:`capacity_summary` for the formulas). Unlike :func:`season_deliveries`, stays
    and courses must fit in runs of consecutive free weeks, season-wide closed weeks
    are free for nobody, and board sets are capped by the van's moves.
    """
    weeks = season.weeks
    closed = set(season.closed_weeks)
    blocked = season_blocker(season)

    def stays(rid: str, own: Sequence[int], length: int) -> int:
        return sum(run // length for run in free_runs(weeks, blocked(rid, own)))

    r = resources
    open_weeks = weeks - len(closed)
    book = sum(b.copies * stays(b.id, b.unavailable_weeks, b.stay_weeks) for b in r.book_sets)
    board = sum(b.copies * stays(b.id, b.unavailable_weeks, b.stay_weeks) for b in r.board_sets)
    board = min(board, r.van.moves_per_week * open_weeks)
    shows = 0
    for t in r.troupes:
        n = t.shows_per_week * (weeks - len(blocked(t.id, t.unavailable_weeks)))
        shows += n if t.max_shows is None else min(n, t.max_shows)
    sessions = sum(
        lec.sessions_per_week
        * (weeks - len(blocked(lec.id, lec.unavailable_weeks, lec.available_weeks)))
        for lec in r.lecturers
    )
    courses = sum(
        tr.sessions_per_week * stays(tr.id, tr.unavailable_weeks, tr.course_weeks)
        for tr in r.trainers
    )
    return {
        Product.BOOK_SET: book,
        Product.EXHIBITION: board,
        Product.PERFORMANCE: shows,
        Product.LECTURE: sessions,
        Product.FITNESS_COURSE: courses,
    }


def capacity_summary(scenario: Scenario) -> dict[str, dict[str, int]]:
    """Units requested by the demand and units the resources can deliver, per product.

    Capacity is an upper bound that ignores venues and travel:

    - book sets and board sets: ``copies`` × stays that fit, i.e. ``floor(weeks /
      stay_weeks)`` summed over the runs of consecutive weeks the set kind is available;
      board sets are also capped by ``van.moves_per_week`` × open weeks;
    - troupes: ``shows_per_week`` × available weeks (at most ``max_shows``);
    - lecturers: ``sessions_per_week`` × available weeks;
    - trainers: ``sessions_per_week`` × ``floor(weeks / course_weeks)`` over available runs.

    A unit's available weeks exclude its ``unavailable_weeks``, weeks outside a lecturer's
    ``available_weeks``, weeks of fixtures that reserve it and season-wide closed weeks.
    Without any of these the formulas are the plain ``floor(weeks / stay_weeks)`` ones.

    Parameters
    ----------
    scenario
        The scenario.

    Returns
    -------
    dict[str, dict[str, int]]
        ``{product: {"requested": units, "capacity": units}}`` for every product, in
        :class:`~planner.scenario.Product` order.
    """
    capacity = deliverable_by_product(scenario.season, scenario.resources)
    requested: Counter[Product] = Counter()
    for d in scenario.demand:
        requested[d.product] += d.count
    return {p.value: {"requested": requested[p], "capacity": capacity[p]} for p in Product}


__all__ = [
    "available_unit_weeks",
    "capacity_summary",
    "deliverable_by_product",
    "free_runs",
    "product_deliverable",
    "product_season_deliveries",
    "season_blocker",
    "season_deliveries",
    "unit_deliverable",
    "van_deliverable",
]
