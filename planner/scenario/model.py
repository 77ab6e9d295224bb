"""The scenario: every record of one season's planning, with the lookups the planner uses.

A :class:`Scenario` is immutable, validated data. It never imports the solver.
"""

from __future__ import annotations

from functools import cached_property

from pydantic import Field

from planner.scenario.line_ids import line_ids
from planner.scenario.records import (
    STAY_PRODUCTS,
    Committee,
    Demand,
    Grid,
    Network,
    Objective,
    Pin,
    Place,
    Product,
    Resources,
    Season,
    Subdistrict,
    _Model,
)
from planner.scenario.units import DemandLine, ResourceUnit, build_units


class Scenario(_Model):
    """A season planning scenario."""

    name: str
    season: Season
    centre: Place
    subdistricts: list[Subdistrict] = Field(default_factory=list)
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

    @property
    def has_levels(self) -> bool:
        """Whether the scenario has two levels: it lists its ``subdistricts``."""
        return bool(self.subdistricts)

    @cached_property
    def subdistrict_by_name(self) -> dict[str, Subdistrict]:
        """Declared subdistricts by name (the first of a duplicated name)."""
        out: dict[str, Subdistrict] = {}
        for sd in self.subdistricts:
            out.setdefault(sd.name, sd)
        return out

    @cached_property
    def subdistrict_by_id(self) -> dict[str, Subdistrict]:
        """Declared subdistricts by id (the first of a duplicated id)."""
        out: dict[str, Subdistrict] = {}
        for sd in self.subdistricts:
            out.setdefault(sd.id, sd)
        return out

    def subdistrict_of(self, committee_id: str) -> Subdistrict | None:
        """The declared subdistrict a committee belongs to (through its grid), if any."""
        c = self.committee_by_id.get(committee_id)
        grid = self.grid_by_id.get(c.grid) if c is not None else None
        if grid is None:
            return None
        return self.subdistrict_by_name.get(grid.subdistrict)

    @cached_property
    def demand_lines(self) -> list[DemandLine]:
        """Demand lines with their ids resolved.

        A line keeps its explicit ``id``; a line without one gets an id derived from
        what it asks for (:func:`planner.scenario.line_ids.line_ids`), so adding,
        removing or reordering other lines never changes it.
        """
        ids = line_ids(self.demand)
        return [
            DemandLine(line_id, index, d)
            for index, (line_id, d) in enumerate(zip(ids, self.demand, strict=True))
        ]

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
        return build_units(self.resources, self.grids, self.centre.id)

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
        weeks = set(unit.own_unavailable_weeks)
        if unit.available_weeks is not None:
            weeks |= set(self.weeks) - unit.available_weeks
        for fixture in self.season.fixtures:
            if unit_id in fixture.reserves:
                weeks |= set(fixture.weeks)
        return frozenset(weeks)

    def closed_weeks(self, committee_id: str) -> frozenset[int]:
        """Weeks in which a committee receives nothing (its own and season-wide)."""
        c = self.committee_by_id[committee_id]
        return frozenset(self.season.closed_weeks) | frozenset(c.closed_weeks)

    @cached_property
    def units_by_area(self) -> dict[tuple[Product, str], list[ResourceUnit]]:
        """The units that may serve a subdistrict's committees (:meth:`serves`), by
        product and subdistrict: those without a service area and those of the
        subdistrict, in unit order. Under ``(product, "")``, those without one only."""
        own: dict[tuple[Product, str], list[ResourceUnit]] = {}
        for unit in self.resource_units.values():
            own.setdefault((unit.product, unit.service_area), []).append(unit)
        order = {unit_id: k for k, unit_id in enumerate(self.resource_units)}
        out: dict[tuple[Product, str], list[ResourceUnit]] = {}
        for (product, area), units in own.items():
            if not area:
                out.setdefault((product, ""), units)
                continue
            merged = [*own.get((product, ""), ()), *units]
            merged.sort(key=lambda u: order[u.id])
            out[(product, area)] = merged
        return out

    def units_in_area(self, product: Product, committee_id: str) -> list[ResourceUnit]:
        """The units of ``product`` that may serve a committee by their service area
        (:meth:`serves`), in unit order; every other unit of the product fails it.

        Of city seed 1's 7,729 units, a subdistrict's committees may have 51–59 (35–43
        of its own, 16 shared), so callers that check units line by line look at these
        only. The list is shared: do not change it.
        """
        grid = self.grid_by_id.get(self.committee_by_id[committee_id].grid)
        if grid is None:  # no subdistrict: only units without an area serve it
            return self.units_by_area.get((product, ""), [])
        units = self.units_by_area.get((product, grid.subdistrict))
        if units is None:  # no unit of the subdistrict's own
            return self.units_by_area.get((product, ""), [])
        return units

    def serves(self, unit_id: str, committee_id: str) -> bool:
        """Whether a unit may serve a committee (its ``subdistrict`` service area)."""
        area = self.resource_units[unit_id].service_area
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
