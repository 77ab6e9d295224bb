"""The records of the scenario file format: pydantic models, checked field by field.

Field checks (types, signs, ranges) are done by pydantic; cross-references (unknown ids,
duplicated ids, weeks outside the season, stays longer than the season) are collected by
:func:`planner.scenario.problems.scenario_problems` so that every problem is reported at
once.

Weeks are 1-based: week 1 starts on ``season.start`` (a Monday).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from planner.i18n import _
from planner.scenario.field_docs import describe
from planner.scenario.messages import ID_PATTERN, WEEKDAYS, message


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

_ID = re.compile(ID_PATTERN)


def _safe_id(value: str) -> str:
    """Refuse ids that could not name a file (see :data:`ID_PATTERN`)."""
    if not _ID.fullmatch(value):
        raise ValueError(message("bad_id", ident=value))
    return value


#: The id of a grid, place, committee, resource or fixture (:data:`ID_PATTERN`).
Id = Annotated[str, AfterValidator(_safe_id)]
Week = Annotated[int, Field(ge=1)]
NonNegInt = Annotated[int, Field(ge=0)]
PosInt = Annotated[int, Field(ge=1)]


class _Model(BaseModel):
    # describe: each record's and field's description in the JSON Schema.
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=describe)


class Location(_Model):
    """A point in WGS-84 degrees."""

    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]


class Fixture(_Model):
    """A named calendar fixture (reading month, culture festival, holiday theme).

    A fixture may favour deliveries of one product (optionally of given themes) in its
    weeks, and may reserve resources so that they cannot be planned in those weeks.
    """

    id: Id
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
    rotation_cycle: bool = False
    """Opt-in rule ``rotation_cycle``: book and board stays and fitness courses start only
    on their unit's cycle (weeks 1, 1 + d, 1 + 2d, … for duration d), or later in a cycle
    whose first week a closed, excluded or unavailable week blocks. Off by default: any
    start week that keeps the other rules is allowed."""

    @field_validator("start")
    @classmethod
    def _monday(cls, value: dt.date) -> dt.date:
        if value.weekday() != 0:
            weekday = _(WEEKDAYS[value.weekday()])
            raise ValueError(message("not_monday", date=value, weekday=weekday))
        return value

    def week_start(self, week: int) -> dt.date:
        """Return the Monday of a 1-based week."""
        return self.start + dt.timedelta(weeks=week - 1)

    def week_end(self, week: int) -> dt.date:
        """Return the Sunday of a 1-based week."""
        return self.week_start(week) + dt.timedelta(days=6)


class Place(_Model):
    """A named place: the centre or a sub-centre (nodes of the road network), or a
    subdistrict's culture centre (:class:`Subdistrict`)."""

    id: Id
    name: str
    location: Location


class Subdistrict(_Model):
    """A subdistrict (街道) of a district or city scenario: the lower of its two levels.

    The scenario's ``centre`` is then the upper level (a district culture centre,
    区文化馆, or the city's, 市群众艺术馆), which allocates the shared resources (those
    with an empty ``subdistrict``) to the subdistricts; each subdistrict's culture
    centre (社区文化中心) takes them over and delivers them, with its own resources, to
    its committees. Grids and resources name their subdistrict by its ``name``.
    """

    id: Id
    name: Annotated[str, Field(min_length=1)]
    centre: Place
    """The subdistrict's culture centre, where the upper level hands shared resources
    over. It is not a node of the road network: travel is measured from each resource's
    own home, as in a one-level scenario."""


class Grid(_Model):
    """A grid (网格) of the subdistrict with its culture sub-centre."""

    id: Id
    name: str
    subcentre: Place
    subdistrict: str = ""
    """The name of the subdistrict (街道) the grid belongs to, for district and city
    scenarios; one of the ``subdistricts`` when the scenario lists them."""


class Venue(_Model):
    """What a committee's activity room can host."""

    audience_capacity: NonNegInt = 60
    stage: bool = False
    fitness_floor: bool = False
    shelf_slots: NonNegInt = 1
    board_slots: NonNegInt = 1


class Committee(_Model):
    """A residents' committee (居委) or partner site that receives deliveries."""

    id: Id
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

    id: Id
    title: str
    theme: str
    copies: PosInt = 1
    stay_weeks: PosInt = 4
    unavailable_weeks: list[Week] = Field(default_factory=list)
    subdistrict: str = ""
    """Serves only committees of grids in this subdistrict; empty serves all."""


class BoardSet(_Model):
    """A kind of exhibition board set with one theme; ``copies`` are interchangeable."""

    id: Id
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

    id: Id
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

    id: Id
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

    id: Id
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
    priority: Annotated[float, Field(ge=0.01, le=100)] = 1.0
    """The line's weight in coverage. The solver counts it in hundredths, so the least
    priority is 0.01 (a smaller one would count as 0: the line, or a committee of such
    lines, would weigh nothing in the fairness goals and the baseline guarantee)."""


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
    shortfall_target: Annotated[float, Field(ge=0, le=1)] = 0.55
    """The coverage every committee should reach (for ``shortfall``). With
    ``keep_baseline_coverage`` this default beat the spreadsheet baseline on coverage,
    minimum, Jain and Gini on every scenario of the README's price-of-fairness table;
    0.5 did not on one."""
    keep_baseline_minimum: bool = True
    """No committee's coverage falls below the spreadsheet baseline's worst-served
    committee (the baseline meets this, so it never makes a scenario infeasible)."""
    keep_baseline_coverage: bool = True
    """No committee's coverage falls below its own coverage in the spreadsheet
    baseline's plan, over the lines some option can serve (the baseline meets this, so
    it never makes a scenario infeasible)."""
    fairness_mode: Literal["weighted", "leximin"] = "weighted"
    """``weighted``: fairness is traded against the other goals through the
    ``fairness`` and ``shortfall`` weights. ``leximin``: before the other goals, raise
    the worst-served committee's coverage as far as it goes, then the next one's, and
    so on (see docs/solving.md); the other goals then keep those levels."""
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
