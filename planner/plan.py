"""A season plan: the deliveries and their identities."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from planner.scenario import Product, Scenario


@dataclass(frozen=True, order=True)
class Delivery:
    """One delivery: a resource at a committee for one or more consecutive weeks.

    Attributes
    ----------
    committee_id
        The receiving committee.
    product
        What is delivered.
    resource_id
        The individual resource: a set copy (``BK01-2``), a troupe, lecturer or trainer.
    first_week, last_week
        1-based weeks, inclusive; a stay or a course spans several weeks.
    demand_id
        The demand line this delivery serves.
    theme
        The theme, genre, topic or skill delivered.
    """

    committee_id: str
    product: Product
    resource_id: str
    first_week: int
    last_week: int
    demand_id: str
    theme: str = ""

    @property
    def weeks(self) -> range:
        """The weeks this delivery occupies."""
        return range(self.first_week, self.last_week + 1)

    @property
    def duration(self) -> int:
        """Number of weeks."""
        return self.last_week - self.first_week + 1

    def unit_id(self, scenario: Scenario) -> str:
        """The resource unit (set kind, troupe, lecturer, trainer) of this delivery."""
        return scenario.unit_of_copy.get(self.resource_id, self.resource_id)

    def delivery_id(self, scenario: Scenario) -> str:
        """A stable id derived from what the delivery is, not from its position.

        It names the committee, product, resource unit (the set kind, not the copy, so
        that relabelling identical copies keeps the id) and first week.
        """
        unit = self.unit_id(scenario)
        return f"{self.committee_id}:{self.product.value}:{unit}:w{self.first_week:02d}"


@dataclass(frozen=True)
class Plan:
    """A season plan: a sorted tuple of deliveries."""

    deliveries: tuple[Delivery, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, deliveries: Iterable[Delivery]) -> Plan:
        """Build a plan from deliveries in any order."""
        return cls(tuple(sorted(deliveries)))

    def __iter__(self) -> Iterator[Delivery]:
        return iter(self.deliveries)

    def __len__(self) -> int:
        return len(self.deliveries)

    def for_committee(self, committee_id: str) -> list[Delivery]:
        """The deliveries to one committee, in week order."""
        return sorted(
            (d for d in self.deliveries if d.committee_id == committee_id),
            key=lambda d: (d.first_week, d.product, d.resource_id),
        )
