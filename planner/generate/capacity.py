"""What the resources of a scenario can deliver in its season, per product."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet

from planner.scenario import Product, Resources, Scenario, Season


def _runs(weeks: int, blocked: AbstractSet[int]) -> list[int]:
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


def _blocker(season: Season) -> Callable[..., frozenset[int]]:
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


def _capacity(season: Season, resources: Resources) -> dict[Product, int]:
    """What the resources can deliver in the season, per product (see capacity_summary)."""
    weeks = season.weeks
    closed = set(season.closed_weeks)
    blocked = _blocker(season)

    def stays(rid: str, own: Sequence[int], length: int) -> int:
        return sum(run // length for run in _runs(weeks, blocked(rid, own)))

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
    capacity = _capacity(scenario.season, scenario.resources)
    requested: Counter[Product] = Counter()
    for d in scenario.demand:
        requested[d.product] += d.count
    return {p.value: {"requested": requested[p], "capacity": capacity[p]} for p in Product}
