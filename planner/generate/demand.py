"""Demand generation: lines grown committee by committee until they exceed capacity.

Demand is generated to exceed what the resources can deliver (``capacity_summary``) by at
least :data:`MIN_OVERALL_RATIO` overall and :data:`MIN_PRODUCT_RATIO` for every product,
while every demand line fits at least one resource that serves its committee and suits its
venue, and no committee asks for more than its venue and calendar can take.
:func:`_checked` holds every generated scenario to these minima.
"""

from __future__ import annotations

import math
import random
from bisect import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from planner.capacity import capacity_summary, deliverable_by_product, free_runs
from planner.generate.catalogue import _Catalogue, _catalogue, _Unit
from planner.generate.resources import _Block
from planner.generate.season import _block_weeks
from planner.generate.streams import _rng
from planner.generate.vocab import _ELDERLY_THEMES, _YOUNG_THEMES
from planner.scenario import (
    STAY_PRODUCTS,
    Committee,
    Demand,
    Fixture,
    Product,
    Scenario,
    ScenarioError,
    Season,
    Troupe,
    scenario_problems,
)

#: Demand must exceed capacity by this factor over all products ...
MIN_OVERALL_RATIO = 1.5
#: ... and by this factor for every product.
MIN_PRODUCT_RATIO = 1.2

# -- generation targets -------------------------------------------------------------------

# Requested / capacity aimed at per product (phase 1) and overall (phase 2). They sit
# above the minima so that rounding and per-committee limits never pull a seed below.
_PRODUCT_TARGET = {
    Product.BOOK_SET: 1.3,
    Product.EXHIBITION: 1.9,
    Product.PERFORMANCE: 1.6,
    Product.LECTURE: 1.7,
    Product.FITNESS_COURSE: 1.3,
}
_OVERALL_TARGET = 1.56
# Order in which products are filled to their targets.
_FILL_ORDER = (
    Product.FITNESS_COURSE,
    Product.BOOK_SET,
    Product.EXHIBITION,
    Product.LECTURE,
    Product.PERFORMANCE,
)
# Products topped up, in turn, when the overall target is not yet met.
_TOP_UP = (Product.PERFORMANCE, Product.LECTURE, Product.EXHIBITION, Product.BOOK_SET)
_MAX_LINES_PER_PRODUCT = 3

# -- demand lines -------------------------------------------------------------------------


@dataclass
class _Line:
    product: Product
    themes: list[str]
    count: int = 0
    preferred: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)


@dataclass
class _Want:
    """What one committee may still ask for, and the lines it has asked so far."""

    committee: Committee
    caps: dict[Product, int]
    options: dict[Product, list[str]]
    kinds: dict[Product, Counter[str]]
    usable: dict[Product, list[tuple[_Unit, frozenset[int]]]]
    """Units that could serve the committee, with the weeks blocked for each there."""
    budget: int
    priority: float
    used: int = 0
    totals: Counter[Product] = field(default_factory=Counter)
    lines: dict[Product, list[_Line]] = field(default_factory=dict)


def _want(c: Committee, cat: _Catalogue, closed: set[int]) -> _Want:
    """A committee's limits: what fits its venue and open weeks, per product.

    Only units that fit the venue and have a run of weeks open both for them and for
    the committee count; their themes are what the committee may wish for.
    """
    closed_here = frozenset(closed | set(c.closed_weeks))
    runs = free_runs(cat.weeks, closed_here)
    open_weeks = sum(runs)
    usable: dict[Product, list[tuple[_Unit, frozenset[int]]]] = {p: [] for p in Product}
    for u in cat.units:
        if u.fits(c.venue):
            weeks_blocked = u.blocked | closed_here
            if cat.can_start(weeks_blocked, u.duration):
                usable[u.product].append((u, weeks_blocked))
    options = {p: list(dict.fromkeys(t for u, _ in usable[p] for t in u.themes)) for p in Product}
    kinds = {p: Counter(u.themes[0] for u, _ in usable[p]) for p in STAY_PRODUCTS}
    v = c.venue

    def stays(p: Product, slots: int) -> int:
        length = cat.longest(p)
        return min(slots * sum(r // length for r in runs), kinds[p].total())

    courses = sum(r // cat.longest(Product.FITNESS_COURSE) for r in runs)
    caps = {
        Product.BOOK_SET: stays(Product.BOOK_SET, v.shelf_slots),
        Product.EXHIBITION: stays(Product.EXHIBITION, v.board_slots),
        Product.PERFORMANCE: open_weeks if usable[Product.PERFORMANCE] else 0,
        Product.LECTURE: open_weeks if usable[Product.LECTURE] else 0,
        Product.FITNESS_COURSE: courses * min(2, c.max_events_per_week)
        if usable[Product.FITNESS_COURSE]
        else 0,
    }
    priority = 1.0 + (c.elderly_share >= 0.30) + (c.elderly_share >= 0.38)
    return _Want(
        committee=c,
        caps=caps,
        options=options,
        kinds=kinds,
        usable=usable,
        budget=c.max_events_per_week * open_weeks,
        priority=priority,
    )


class _DemandMaker:
    """Grows demand lines committee by committee until the targets are met."""

    def __init__(self, rng: random.Random, cat: _Catalogue, fixtures: Sequence[Fixture]) -> None:
        self.rng = rng
        self.cat = cat
        self.weeks = weeks = cat.weeks
        self.fixtures = fixtures
        course_weeks = cat.longest(Product.FITNESS_COURSE)
        # At most 3 stays or 4 events per line in a 13-week season, more in longer ones.
        scale = max(1, round(weeks / 13))
        self.max_count = {p: (3 if p in STAY_PRODUCTS else 4) * scale for p in Product}
        self.cost = {
            Product.BOOK_SET: 0,
            Product.EXHIBITION: 0,
            Product.PERFORMANCE: 1,
            Product.LECTURE: 1,
            Product.FITNESS_COURSE: course_weeks,
        }

    def headroom(self, w: _Want, p: Product) -> bool:
        return w.totals[p] < w.caps[p] and w.used + self.cost[p] <= w.budget

    def line_cap(self, w: _Want, line: _Line) -> int:
        cap = self.max_count[line.product]
        if line.product in STAY_PRODUCTS and line.themes:
            kinds = w.kinds[line.product]
            return min(cap, sum(kinds[t] for t in line.themes))
        return cap

    def add(self, w: _Want, p: Product, new_line: bool = False) -> bool:
        """Ask for one more unit of ``p`` (a new line or one more on a line); False if not."""
        if not self.headroom(w, p):
            return False
        mine = w.lines.setdefault(p, [])
        open_lines = [line for line in mine if line.count < self.line_cap(w, line)]
        line: _Line | None = None
        if open_lines and not new_line and self.rng.random() < 0.9:
            line = self.rng.choice(open_lines)
        elif len(mine) < _MAX_LINES_PER_PRODUCT:
            line = self.new_line(w, p, mine)
            if line is not None:
                mine.append(line)
        if line is None:
            if not open_lines:
                return False
            line = self.rng.choice(open_lines)
        line.count += 1
        w.totals[p] += 1
        w.used += self.cost[p]
        return True

    def new_line(self, w: _Want, p: Product, mine: list[_Line]) -> _Line | None:
        rng = self.rng
        # Lines of one committee never share a theme: a set kind comes at most once, so a
        # themed set line asks for at most as many kinds as carry its themes.
        taken = {t for line in mine for t in line.themes}
        options = [t for t in w.options[p] if t not in taken]
        unthemed = any(not line.themes for line in mine)
        # The last line a committee may add for a product is unthemed, so that themed
        # lines that reached their kinds never block it from asking for more.
        last = len(mine) == _MAX_LINES_PER_PRODUCT - 1
        themes: list[str] = []
        stay = p in STAY_PRODUCTS
        if options and (unthemed or (not last and rng.random() < (0.6 if stay else 0.5))):
            # Set lines name 2–3 themes (one theme has only a kind or two); event lines 1–2.
            wanted = rng.choice((2, 2, 3)) if stay else rng.choice((1, 1, 2))
            weights = [self.theme_weight(w, t) for t in options]
            while options and len(themes) < wanted:
                pick = rng.choices(range(len(options)), weights)[0]
                themes.append(options.pop(pick))
                weights.pop(pick)
        elif unthemed or not w.options[p]:
            return None
        line = _Line(product=p, themes=themes)
        relevant = [
            f
            for f in self.fixtures
            if f.product == p and (not f.themes or not themes or set(f.themes) & set(themes))
        ]
        if relevant and rng.random() < 0.6:
            line.preferred = list(rng.choice(relevant).weeks)
        elif rng.random() < 0.25:
            line.preferred = _block_weeks(rng, self.weeks, rng.randint(2, 4))
        if p in (Product.PERFORMANCE, Product.LECTURE) and rng.random() < 0.15:
            excluded = _block_weeks(rng, self.weeks, rng.choice((1, 2)))
            excluded = [x for x in excluded if x not in line.preferred]
            # Keep the exclusion only if some unit that fits the line still has a week.
            more = frozenset(excluded)
            if any(
                self.cat.can_start(blocked | more, u.duration)
                for u, blocked in w.usable[p]
                if not themes or set(themes) & set(u.themes)
            ):
                line.excluded = excluded
        return line

    @staticmethod
    def theme_weight(w: _Want, theme: str) -> float:
        share = w.committee.elderly_share
        if theme in _ELDERLY_THEMES:
            return 1.0 + 4.0 * share
        if theme in _YOUNG_THEMES:
            return 1.0 + 4.0 * (0.5 - share)
        return 1.5

    def fill(self, wants: list[_Want], p: Product, target: float) -> None:
        """Add units of ``p`` at committees drawn by population until ``target``."""
        requested = sum(w.totals[p] for w in wants)
        eligible = [w for w in wants if self.headroom(w, p)]
        cumulative = list(accumulate(max(1, w.committee.population) for w in eligible))
        while requested < target and eligible:
            i = bisect(cumulative, self.rng.random() * cumulative[-1])
            added = self.add(eligible[i], p)
            if added:
                requested += 1
            if not added or not self.add_possible(eligible[i], p):
                eligible.pop(i)
                cumulative = list(accumulate(max(1, w.committee.population) for w in eligible))

    def add_possible(self, w: _Want, p: Product) -> bool:
        if not self.headroom(w, p):
            return False
        mine = w.lines.get(p, [])
        if any(line.count < self.line_cap(w, line) for line in mine):
            return True
        return len(mine) < _MAX_LINES_PER_PRODUCT


def _region_demand(
    rng: random.Random,
    wants: list[_Want],
    capacity: dict[Product, float],
    maker: _DemandMaker,
) -> None:
    """Grow the demand of one region's committees to the targets of its capacity."""
    # Every committee starts with 3–5 products it can be served with.
    for w in wants:
        products = [p for p in Product if w.caps[p] > 0 and w.options[p]]
        for p in rng.sample(products, min(len(products), rng.randint(3, 5))):
            maker.add(w, p, new_line=True)
    # Courses first: they take four event weeks each and fit fewer venues.
    for p in _FILL_ORDER:
        maker.fill(wants, p, math.ceil(_PRODUCT_TARGET[p] * capacity[p]))
    goal = _OVERALL_TARGET * sum(capacity.values())
    total = sum(w.totals.total() for w in wants)
    stuck: set[Product] = set()
    while total < goal and len(stuck) < len(_TOP_UP):
        for p in _TOP_UP:
            if p in stuck:
                continue
            before = sum(w.totals[p] for w in wants)
            maker.fill(wants, p, before + 1)
            if sum(w.totals[p] for w in wants) == before:
                stuck.add(p)
            else:
                total += 1


def _demand_lines(wants: list[_Want]) -> list[Demand]:
    """The demand lines of committees, in committee and product order.

    Every line gets an explicit id, ``committee/product/n`` with ``n`` counting the
    committee's lines of that product, so that a planner who edits the written file
    never moves the id a published plan names.
    """
    out = []
    for w in wants:
        numbered = (
            (n, line)
            for p in Product
            for n, line in enumerate((x for x in w.lines.get(p, []) if x.count > 0), start=1)
        )
        for n, line in numbered:
            out.append(
                Demand(
                    id=f"{w.committee.id}/{line.product.value}/{n}",
                    committee=w.committee.id,
                    product=line.product,
                    count=line.count,
                    themes=line.themes,
                    preferred_weeks=sorted(line.preferred),
                    excluded_weeks=sorted(line.excluded),
                    priority=w.priority,
                )
            )
    return out


def _block_demand(
    key: str,
    block: _Block,
    *,
    season: Season,
    shared: Sequence[Troupe],
    shared_share: dict[Product, float],
) -> list[Demand]:
    """Demand of one subdistrict, aimed at its own capacity plus a share of shared troupes."""
    weeks = season.weeks
    own = block.resources()
    capacity: dict[Product, float] = dict(deliverable_by_product(season, own))
    for p, extra in shared_share.items():
        capacity[p] += extra
    cat = _catalogue(block, shared, season)
    closed = set(season.closed_weeks)
    wants = [_want(c, cat, closed) for c in block.committees]
    rng = _rng(key, f"demand{weeks}")
    maker = _DemandMaker(rng, cat, season.fixtures)
    _region_demand(rng, wants, capacity, maker)
    return _demand_lines(wants)


def _checked(scenario: Scenario, source: str) -> Scenario:
    """Raise if the scenario has cross-reference problems or too little demand."""
    problems = scenario_problems(scenario)
    if problems:
        raise ScenarioError(source, problems)
    summary = capacity_summary(scenario)
    requested = sum(v["requested"] for v in summary.values())
    capacity = sum(v["capacity"] for v in summary.values())
    short = [p for p, v in summary.items() if v["requested"] < MIN_PRODUCT_RATIO * v["capacity"]]
    if requested < MIN_OVERALL_RATIO * capacity or short:
        raise RuntimeError(
            f"{source}: generated demand {requested} against capacity {capacity} "
            f"(products short of {MIN_PRODUCT_RATIO}×: {short or 'none'})"
        )
    return scenario
