"""Demand lines and resource units: the scenario's records seen the way the planner uses them."""

from __future__ import annotations

from planner.scenario.records import (
    BoardSet,
    BookSet,
    Demand,
    Lecturer,
    Product,
    Resources,
    Trainer,
    Troupe,
)


class DemandLine:
    """A demand line with its resolved id and position in ``Scenario.demand``."""

    __slots__ = ("demand", "id", "index")

    def __init__(self, line_id: str, index: int, demand: Demand) -> None:
        self.id = line_id
        self.index = index
        self.demand = demand

    @property
    def committee(self) -> str:
        """The committee id."""
        return self.demand.committee

    @property
    def product(self) -> Product:
        """The product asked for."""
        return self.demand.product

    def __repr__(self) -> str:
        return f"DemandLine({self.id!r})"


class ResourceUnit:
    """A plannable resource seen uniformly across products.

    Parameters
    ----------
    id, product, name
        Identity.
    themes
        Book/board theme, troupe genre, lecturer topics or trainer skills.
    capacity
        Copies in use at once (sets), shows per week (troupes), sessions per week
        (lecturers) or courses running at once (trainers).
    duration
        Weeks one delivery occupies: stay length, 1 for an event, course length.
    data
        The scenario record.
    """

    __slots__ = ("capacity", "data", "duration", "id", "name", "product", "themes")

    def __init__(
        self,
        unit_id: str,
        product: Product,
        name: str,
        themes: tuple[str, ...],
        capacity: int,
        duration: int,
        data: BookSet | BoardSet | Troupe | Lecturer | Trainer,
    ) -> None:
        self.id = unit_id
        self.product = product
        self.name = name
        self.themes = themes
        self.capacity = capacity
        self.duration = duration
        self.data = data

    def __repr__(self) -> str:
        return f"ResourceUnit({self.id!r}, {self.product.value})"


def build_units(resources: Resources) -> dict[str, ResourceUnit]:
    """Return every plannable resource unit by id, across all products.

    Book and board set kinds are units too (with ``copies`` > 1); their individual
    copies are named by :meth:`planner.scenario.Scenario.copy_ids`.
    """
    units: dict[str, ResourceUnit] = {}
    r = resources
    for b in r.book_sets:
        units[b.id] = ResourceUnit(
            b.id, Product.BOOK_SET, b.title, (b.theme,), b.copies, b.stay_weeks, b
        )
    for e in r.board_sets:
        units[e.id] = ResourceUnit(
            e.id, Product.EXHIBITION, e.title, (e.theme,), e.copies, e.stay_weeks, e
        )
    for t in r.troupes:
        units[t.id] = ResourceUnit(
            t.id, Product.PERFORMANCE, t.name, (t.genre,), t.shows_per_week, 1, t
        )
    for lec in r.lecturers:
        units[lec.id] = ResourceUnit(
            lec.id,
            Product.LECTURE,
            lec.name,
            tuple(lec.topics),
            lec.sessions_per_week,
            1,
            lec,
        )
    for tr in r.trainers:
        units[tr.id] = ResourceUnit(
            tr.id,
            Product.FITNESS_COURSE,
            tr.name,
            tuple(tr.skills),
            tr.sessions_per_week,
            tr.course_weeks,
            tr,
        )
    return units
