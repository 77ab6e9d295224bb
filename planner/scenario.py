"""The scenario model: everything a season plan is built from.

A :class:`Scenario` is immutable, validated data. It never imports the solver. Field
checks (types, signs, ranges) are done by pydantic; cross-references (unknown ids,
duplicated ids, weeks outside the season, stays longer than the season) are collected by
:func:`scenario_problems` so that every problem is reported at once.

Weeks are 1-based: week 1 starts on ``season.start`` (a Monday).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Product(StrEnum):
    """The five products a culture centre delivers."""

    BOOK_SET = "book_set"
    EXHIBITION = "exhibition"
    PERFORMANCE = "performance"
    LECTURE = "lecture"
    FITNESS_COURSE = "fitness_course"


#: Products that are a stay of a physical set (several weeks at one site).
STAY_PRODUCTS = frozenset({Product.BOOK_SET, Product.EXHIBITION})
#: Products that are events held at the committee's venue (count against its weekly limit).
EVENT_PRODUCTS = frozenset({Product.PERFORMANCE, Product.LECTURE, Product.FITNESS_COURSE})

Week = Annotated[int, Field(ge=1)]
NonNegInt = Annotated[int, Field(ge=0)]
PosInt = Annotated[int, Field(ge=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Location(_Model):
    """A point in WGS-84 degrees."""

    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


class Fixture(_Model):
    """A named calendar fixture (reading month, culture festival, holiday theme).

    A fixture may favour deliveries of one product (optionally of given themes) in its
    weeks, and may reserve resources so that they cannot be planned in those weeks.
    """

    id: str
    name: str
    weeks: list[Week] = Field(min_length=1)
    product: Product | None = None
    themes: list[str] = Field(default_factory=list)
    bonus: Annotated[float, Field(ge=0)] = 0.0
    reserves: list[str] = Field(default_factory=list)


class Season(_Model):
    """The planning horizon."""

    start: dt.date
    weeks: Annotated[int, Field(ge=1, le=104)]
    timezone: str = "Asia/Shanghai"
    closed_weeks: list[Week] = Field(default_factory=list)
    fixtures: list[Fixture] = Field(default_factory=list)

    @field_validator("start")
    @classmethod
    def _monday(cls, value: dt.date) -> dt.date:
        if value.weekday() != 0:
            raise ValueError(f"season must start on a Monday, {value} is a {value:%A}")
        return value

    def week_start(self, week: int) -> dt.date:
        """Return the Monday of a 1-based week."""
        return self.start + dt.timedelta(weeks=week - 1)

    def week_end(self, week: int) -> dt.date:
        """Return the Sunday of a 1-based week."""
        return self.week_start(week) + dt.timedelta(days=6)


class Place(_Model):
    """A named place on the network (the centre or a sub-centre)."""

    id: str
    name: str
    location: Location


class Grid(_Model):
    """A grid (网格) of the subdistrict with its culture sub-centre."""

    id: str
    name: str
    subcentre: Place
    subdistrict: str = ""
    """The subdistrict (街道) the grid belongs to, for district and city scenarios."""


class Venue(_Model):
    """What a committee's activity room can host."""

    audience_capacity: NonNegInt = 60
    stage: bool = False
    fitness_floor: bool = False
    shelf_slots: NonNegInt = 1
    board_slots: NonNegInt = 1


class Committee(_Model):
    """A residents' committee (居委) or partner site that receives deliveries."""

    id: str
    name: str
    grid: str
    population: NonNegInt
    elderly_share: Annotated[float, Field(ge=0, le=1)] = 0.25
    location: Location
    venue: Venue = Field(default_factory=Venue)
    max_events_per_week: NonNegInt = 2
    closed_weeks: list[Week] = Field(default_factory=list)
    kind: Literal["committee", "partner"] = "committee"


class BookSet(_Model):
    """A kind of book set; ``copies`` identical sets are interchangeable."""

    id: str
    title: str
    theme: str
    copies: PosInt = 1
    stay_weeks: PosInt = 4
    unavailable_weeks: list[Week] = Field(default_factory=list)
    subdistrict: str = ""
    """Serves only committees of grids in this subdistrict; empty serves all."""


class BoardSet(_Model):
    """A kind of exhibition board set with one theme; ``copies`` are interchangeable."""

    id: str
    title: str
    theme: str
    copies: PosInt = 1
    stay_weeks: PosInt = 2
    unavailable_weeks: list[Week] = Field(default_factory=list)
    subdistrict: str = ""
    """Serves only committees of grids in this subdistrict; empty serves all."""


class Van(_Model):
    """The van that moves exhibition boards: one move installs one board set at a site."""

    moves_per_week: NonNegInt = 3
    depot: str = "centre"


class Troupe(_Model):
    """An amateur arts troupe giving small performances."""

    id: str
    name: str
    genre: str
    shows_per_week: NonNegInt = 1
    home_grid: str
    unavailable_weeks: list[Week] = Field(default_factory=list)
    subdistrict: str = ""
    """Serves only committees of grids in this subdistrict; empty serves all."""
    needs_stage: bool = False
    min_audience: NonNegInt = 0
    max_shows: NonNegInt | None = None


class Lecturer(_Model):
    """A lecturer or demonstrator (often a university volunteer)."""

    id: str
    name: str
    provider: str = ""
    topics: list[str] = Field(min_length=1)
    sessions_per_week: NonNegInt = 1
    available_weeks: list[Week] | None = None
    unavailable_weeks: list[Week] = Field(default_factory=list)
    subdistrict: str = ""
    """Serves only committees of grids in this subdistrict; empty serves all."""
    home: str = "centre"


class Trainer(_Model):
    """A fitness trainer; a course is one trainer at one site for consecutive weeks."""

    id: str
    name: str
    skills: list[str] = Field(min_length=1)
    sessions_per_week: NonNegInt = 2
    home_grid: str
    course_weeks: PosInt = 4
    unavailable_weeks: list[Week] = Field(default_factory=list)
    subdistrict: str = ""
    """Serves only committees of grids in this subdistrict; empty serves all."""


class Resources(_Model):
    """All resources of the centre and its partners."""

    book_sets: list[BookSet] = Field(default_factory=list)
    board_sets: list[BoardSet] = Field(default_factory=list)
    van: Van = Field(default_factory=Van)
    troupes: list[Troupe] = Field(default_factory=list)
    lecturers: list[Lecturer] = Field(default_factory=list)
    trainers: list[Trainer] = Field(default_factory=list)


class Demand(_Model):
    """A demand line: one committee asks for ``count`` units of one product.

    ``themes`` narrows what fits the line: a book or board set's theme, a troupe's genre,
    one of a lecturer's topics, or one of a trainer's skills. Empty means anything fits.
    """

    id: str | None = None
    committee: str
    product: Product
    count: PosInt
    themes: list[str] = Field(default_factory=list)
    preferred_weeks: list[Week] = Field(default_factory=list)
    excluded_weeks: list[Week] = Field(default_factory=list)
    priority: Annotated[float, Field(gt=0, le=100)] = 1.0


class Pin(_Model):
    """A delivery that must stay in the plan (it was already published)."""

    committee: str
    product: Product
    resource: str
    first_week: Week
    demand: str | None = None


class Objective(_Model):
    """Weights of the plan's goals; 0 switches a goal off.

    All terms are in points. Coverage and fairness earn points per percentage point;
    the others per unit named.
    """

    coverage: Annotated[float, Field(ge=0)] = 100.0
    """Points per percentage point of population- and priority-weighted coverage."""
    fairness: Annotated[float, Field(ge=0)] = 10.0
    """Points per percentage point of the worst-served committee's coverage."""
    fairness_first: bool = False
    """Raise the worst-served committee first (a stage of its own), then the rest."""
    shortfall: Annotated[float, Field(ge=0)] = 20.0
    """Points lost per percentage point of each committee's coverage below
    ``shortfall_target``."""
    shortfall_target: Annotated[float, Field(ge=0, le=1)] = 0.5
    """The coverage every committee should reach (for ``shortfall``)."""
    keep_baseline_minimum: bool = True
    """No committee's coverage falls below the spreadsheet baseline's worst-served
    committee (the baseline meets this, so it never makes a scenario infeasible)."""
    travel: Annotated[float, Field(ge=0)] = 0.1
    """Points lost per km travelled by troupes, lecturers, trainers and the van."""
    spread: Annotated[float, Field(ge=0)] = 0.0
    """Points lost per event beyond one in the same week at the same committee."""
    variety: Annotated[float, Field(ge=0)] = 0.0
    """Points per distinct theme a committee receives within a product."""
    preference: Annotated[float, Field(ge=0)] = 1.0
    """Points per delivery that starts in a week its demand line prefers."""
    fixtures: Annotated[float, Field(ge=0)] = 2.0
    """Points per delivery favoured by a fixture (times the fixture's bonus)."""


class Road(_Model):
    """A road link between two network nodes (centre, sub-centre or committee ids)."""

    a: str
    b: str
    km: Annotated[float, Field(gt=0)]


class Network(_Model):
    """Road network; without roads, a default one is built from locations."""

    roads: list[Road] = Field(default_factory=list)
    detour_factor: Annotated[float, Field(ge=1)] = 1.3


class Scenario(_Model):
    """A season planning scenario."""

    name: str
    season: Season
    centre: Place
    grids: list[Grid] = Field(min_length=1)
    committees: list[Committee] = Field(min_length=1)
    resources: Resources = Field(default_factory=Resources)
    demand: list[Demand] = Field(default_factory=list)
    objective: Objective = Field(default_factory=Objective)
    network: Network = Field(default_factory=Network)
    pins: list[Pin] = Field(default_factory=list)

    # -- lookups -------------------------------------------------------------------
    @cached_property
    def committee_by_id(self) -> dict[str, Committee]:
        """Committees by id."""
        return {c.id: c for c in self.committees}

    @cached_property
    def grid_by_id(self) -> dict[str, Grid]:
        """Grids by id."""
        return {g.id: g for g in self.grids}

    @cached_property
    def demand_lines(self) -> list[DemandLine]:
        """Demand lines with their ids resolved (``committee/product/n`` by default)."""
        seen: dict[tuple[str, Product], int] = {}
        lines = []
        for index, d in enumerate(self.demand):
            n = seen.get((d.committee, d.product), 0) + 1
            seen[(d.committee, d.product)] = n
            line_id = d.id or f"{d.committee}/{d.product.value}/{n}"
            lines.append(DemandLine(line_id, index, d))
        return lines

    @cached_property
    def demand_by_id(self) -> dict[str, DemandLine]:
        """Demand lines by resolved id."""
        return {line.id: line for line in self.demand_lines}

    @cached_property
    def resource_units(self) -> dict[str, ResourceUnit]:
        """Every plannable resource unit by id, across all products.

        Book and board set kinds are units too (with ``copies`` > 1); their individual
        copies are named by :meth:`copy_ids`.
        """
        units: dict[str, ResourceUnit] = {}
        r = self.resources
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

    def copy_ids(self, unit_id: str) -> list[str]:
        """Return the ids of the individual copies of a resource unit.

        A book or board set kind with one copy is its own id; with ``n`` copies they are
        ``ID-1`` … ``ID-n``. Troupes, lecturers and trainers are single resources.
        """
        unit = self.resource_units[unit_id]
        if unit.product in STAY_PRODUCTS and unit.capacity > 1:
            return [f"{unit_id}-{k}" for k in range(1, unit.capacity + 1)]
        return [unit_id]

    @cached_property
    def unit_of_copy(self) -> dict[str, str]:
        """Map each individual resource id (a copy id or a unit id) to its unit id."""
        mapping: dict[str, str] = {}
        for unit_id in self.resource_units:
            for copy_id in self.copy_ids(unit_id):
                mapping[copy_id] = unit_id
            mapping.setdefault(unit_id, unit_id)
        return mapping

    def unavailable_weeks(self, unit_id: str) -> frozenset[int]:
        """Weeks in which a unit cannot be planned (its own and fixture reservations)."""
        unit = self.resource_units[unit_id]
        data = unit.data
        weeks = set(getattr(data, "unavailable_weeks", []))
        available = getattr(data, "available_weeks", None)
        if available is not None:
            weeks |= set(self.weeks) - set(available)
        for fixture in self.season.fixtures:
            if unit_id in fixture.reserves:
                weeks |= set(fixture.weeks)
        return frozenset(weeks)

    def closed_weeks(self, committee_id: str) -> frozenset[int]:
        """Weeks in which a committee receives nothing (its own and season-wide)."""
        c = self.committee_by_id[committee_id]
        return frozenset(self.season.closed_weeks) | frozenset(c.closed_weeks)

    def serves(self, unit_id: str, committee_id: str) -> bool:
        """Whether a unit may serve a committee (its ``subdistrict`` service area)."""
        area = getattr(self.resource_units[unit_id].data, "subdistrict", "")
        if not area:
            return True
        grid = self.grid_by_id.get(self.committee_by_id[committee_id].grid)
        return grid is not None and grid.subdistrict == area

    @property
    def weeks(self) -> range:
        """The season's weeks, 1-based."""
        return range(1, self.season.weeks + 1)

    @cached_property
    def total_population(self) -> int:
        """Residents over all committees."""
        return sum(c.population for c in self.committees)


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
