"""Demand lines and resource units: the scenario's records as the planner uses them."""

from __future__ import annotations

from collections.abc import Sequence

from planner.scenario.records import (
    BoardSet,
    BookSet,
    Demand,
    Grid,
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

    Every fact the planner needs about a unit is resolved here, once, from its record,
    so that no other module asks which kind of record a unit holds.

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
        The scenario record (for frames and I/O; planning reads the facts below).
    service_area
        The subdistrict whose committees the unit serves; ``""`` serves everyone.
    own_unavailable_weeks
        The record's own ``unavailable_weeks`` (fixture reservations are not included;
        see :meth:`planner.scenario.Scenario.unavailable_weeks`).
    available_weeks
        The only weeks the unit may be planned in (a lecturer's ``available_weeks``);
        None when not restricted.
    needs_stage, min_audience
        What a venue must offer for the unit's events (troupes).
    needs_fitness_floor
        Whether the venue needs a fitness floor (trainers' courses).
    season_max
        The most deliveries the unit makes in the season (a troupe's ``max_shows``);
        None when only its weekly capacity limits it.
    home
        The network node the unit travels from: a troupe's or trainer's home grid's
        sub-centre, a lecturer's ``home``, the van's depot for board sets and the centre
        for book sets (``""`` when the home grid is unknown).
    """

    __slots__ = (
        "available_weeks",
        "capacity",
        "data",
        "duration",
        "home",
        "id",
        "min_audience",
        "name",
        "needs_fitness_floor",
        "needs_stage",
        "own_unavailable_weeks",
        "product",
        "season_max",
        "service_area",
        "themes",
    )

    def __init__(
        self,
        unit_id: str,
        product: Product,
        name: str,
        themes: tuple[str, ...],
        capacity: int,
        duration: int,
        data: BookSet | BoardSet | Troupe | Lecturer | Trainer,
        *,
        service_area: str = "",
        own_unavailable_weeks: frozenset[int] = frozenset(),
        available_weeks: frozenset[int] | None = None,
        needs_stage: bool = False,
        min_audience: int = 0,
        needs_fitness_floor: bool = False,
        season_max: int | None = None,
        home: str = "",
    ) -> None:
        self.id = unit_id
        self.product = product
        self.name = name
        self.themes = themes
        self.capacity = capacity
        self.duration = duration
        self.data = data
        self.service_area = service_area
        self.own_unavailable_weeks = own_unavailable_weeks
        self.available_weeks = available_weeks
        self.needs_stage = needs_stage
        self.min_audience = min_audience
        self.needs_fitness_floor = needs_fitness_floor
        self.season_max = season_max
        self.home = home

    def __repr__(self) -> str:
        return f"ResourceUnit({self.id!r}, {self.product.value})"


def build_units(
    resources: Resources, grids: Sequence[Grid], centre: str
) -> dict[str, ResourceUnit]:
    """Return every plannable resource unit by id, across all products.

    Book and board set kinds are units too (with ``copies`` > 1); their individual
    copies are named by :meth:`planner.scenario.Scenario.copy_ids`. This is the one
    place that reads the records of each resource family; everything else asks the
    unit's resolved facts.

    Parameters
    ----------
    resources
        The scenario's resources.
    grids
        The scenario's grids (their sub-centres are troupes' and trainers' homes).
    centre
        The centre's place id (book sets' home).
    """
    subcentre = {g.id: g.subcentre.id for g in grids}
    r = resources
    units = [
        *(_book_set_unit(b, centre) for b in r.book_sets),
        *(_board_set_unit(e, r.van.depot) for e in r.board_sets),
        *(_troupe_unit(t, subcentre.get(t.home_grid, "")) for t in r.troupes),
        *(_lecturer_unit(lec) for lec in r.lecturers),
        *(_trainer_unit(tr, subcentre.get(tr.home_grid, "")) for tr in r.trainers),
    ]
    return {unit.id: unit for unit in units}


def _book_set_unit(b: BookSet, home: str) -> ResourceUnit:
    """A book set kind: ``copies`` sets out at once, each stay ``stay_weeks`` long."""
    return ResourceUnit(
        b.id,
        Product.BOOK_SET,
        b.title,
        (b.theme,),
        b.copies,
        b.stay_weeks,
        b,
        service_area=b.subdistrict,
        own_unavailable_weeks=frozenset(b.unavailable_weeks),
        home=home,
    )


def _board_set_unit(e: BoardSet, depot: str) -> ResourceUnit:
    """A board set kind, moved by the van from its depot."""
    return ResourceUnit(
        e.id,
        Product.EXHIBITION,
        e.title,
        (e.theme,),
        e.copies,
        e.stay_weeks,
        e,
        service_area=e.subdistrict,
        own_unavailable_weeks=frozenset(e.unavailable_weeks),
        home=depot,
    )


def _troupe_unit(t: Troupe, home: str) -> ResourceUnit:
    """A troupe: shows per week, venue needs, an optional season maximum."""
    return ResourceUnit(
        t.id,
        Product.PERFORMANCE,
        t.name,
        (t.genre,),
        t.shows_per_week,
        1,
        t,
        service_area=t.subdistrict,
        own_unavailable_weeks=frozenset(t.unavailable_weeks),
        needs_stage=t.needs_stage,
        min_audience=t.min_audience,
        season_max=t.max_shows,
        home=home,
    )


def _lecturer_unit(lec: Lecturer) -> ResourceUnit:
    """A lecturer: sessions per week, optionally only in some weeks."""
    available = frozenset(lec.available_weeks) if lec.available_weeks is not None else None
    return ResourceUnit(
        lec.id,
        Product.LECTURE,
        lec.name,
        tuple(lec.topics),
        lec.sessions_per_week,
        1,
        lec,
        service_area=lec.subdistrict,
        own_unavailable_weeks=frozenset(lec.unavailable_weeks),
        available_weeks=available,
        home=lec.home,
    )


def _trainer_unit(tr: Trainer, home: str) -> ResourceUnit:
    """A trainer: courses of ``course_weeks`` weeks, which need a fitness floor."""
    return ResourceUnit(
        tr.id,
        Product.FITNESS_COURSE,
        tr.name,
        tuple(tr.skills),
        tr.sessions_per_week,
        tr.course_weeks,
        tr,
        service_area=tr.subdistrict,
        own_unavailable_weeks=frozenset(tr.unavailable_weeks),
        needs_fitness_floor=True,
        home=home,
    )
