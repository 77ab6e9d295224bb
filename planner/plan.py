"""A season plan: the deliveries and their identities."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from planner.scenario import Product, Scenario


def delivery_key(committee_id: str, product: str, unit_id: str, first_week: int) -> str:
    """Return the id of a delivery: ``committee:product:unit:wNN``.

    Derived from what the delivery is, not from its position, so an unchanged delivery
    keeps its id across re-solves.

    Parameters
    ----------
    committee_id
        The receiving committee.
    product
        The product's string value (``"book_set"``, ...).
    unit_id
        The resource unit: the set kind, not the copy, so that relabelling identical
        copies keeps the id.
    first_week
        The first week; written with at least two digits. A value that is not a whole
        number (a hand-made plan can hold one) is written as it is.
    """
    week = f"{first_week:02d}" if isinstance(first_week, int) else f"{first_week}"
    return f"{committee_id}:{product}:{unit_id}:w{week}"


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
        that relabelling identical copies keeps the id) and first week; see
        :func:`delivery_key`.
        """
        return delivery_key(
            self.committee_id, self.product.value, self.unit_id(scenario), self.first_week
        )


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
