"""The resource units that serve a region, as demand generation sees them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from planner.capacity import free_runs, season_blocker
from planner.generate.resources import _Block
from planner.scenario import Product, Season, Troupe, Venue


@dataclass(frozen=True)
class _Unit:
    """A resource unit as demand generation sees it: what it offers and when."""

    product: Product
    themes: tuple[str, ...]
    duration: int
    blocked: frozenset[int]
    needs_stage: bool = False
    min_audience: int = 0

    def fits(self, venue: Venue) -> bool:
        """Whether the unit can deliver at a venue (stage, audience, floor, shelves, boards)."""
        if self.product == Product.FITNESS_COURSE and not venue.fitness_floor:
            return False
        if self.product == Product.BOOK_SET and venue.shelf_slots < 1:
            return False
        if self.product == Product.EXHIBITION and venue.board_slots < 1:
            return False
        return (
            venue.stage or not self.needs_stage
        ) and venue.audience_capacity >= self.min_audience


@dataclass
class _Catalogue:
    """The resource units that serve a region, and a cache of which week sets allow a start."""

    weeks: int
    units: list[_Unit]
    starts: dict[tuple[frozenset[int], int], bool] = field(default_factory=dict)

    def can_start(self, blocked: frozenset[int], duration: int) -> bool:
        """Whether ``duration`` consecutive weeks of the season avoid ``blocked``."""
        key = (blocked, duration)
        known = self.starts.get(key)
        if known is None:
            known = any(run >= duration for run in free_runs(self.weeks, blocked))
            self.starts[key] = known
        return known

    def longest(self, product: Product) -> int:
        return max((u.duration for u in self.units if u.product == product), default=1)


def _catalogue(block: _Block, shared_troupes: Sequence[Troupe], season: Season) -> _Catalogue:
    blocked = season_blocker(season)
    units = [
        *(
            _Unit(Product.BOOK_SET, (b.theme,), b.stay_weeks, blocked(b.id, b.unavailable_weeks))
            for b in block.book_sets
        ),
        *(
            _Unit(Product.EXHIBITION, (b.theme,), b.stay_weeks, blocked(b.id, b.unavailable_weeks))
            for b in block.board_sets
        ),
        *(
            _Unit(
                Product.PERFORMANCE,
                (t.genre,),
                1,
                blocked(t.id, t.unavailable_weeks),
                t.needs_stage,
                t.min_audience,
            )
            for t in [*block.troupes, *shared_troupes]
        ),
        *(
            _Unit(
                Product.LECTURE,
                tuple(lec.topics),
                1,
                blocked(lec.id, lec.unavailable_weeks, lec.available_weeks),
            )
            for lec in block.lecturers
        ),
        *(
            _Unit(
                Product.FITNESS_COURSE,
                tuple(tr.skills),
                tr.course_weeks,
                blocked(tr.id, tr.unavailable_weeks),
            )
            for tr in block.trainers
        ),
    ]
    return _Catalogue(season.weeks, units)
