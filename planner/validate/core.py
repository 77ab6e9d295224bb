"""What every check shares: the violation, the resolved delivery and the phrasing helpers.

References are resolved once, before any check runs: a delivery whose committee, unit
and demand line all resolve becomes a :class:`Known`; the others are reported under
``known_reference`` and left out of every other check, whose results would be
meaningless for them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from planner.i18n import _
from planner.plan import Delivery, delivery_key
from planner.scenario import Committee, DemandLine, Product, ResourceUnit, Scenario
from planner.wording import product_name as product_words
from planner.wording import week_span


@dataclass(frozen=True)
class Violation:
    """One broken hard rule.

    Attributes
    ----------
    rule
        The rule's name in ``docs/rules.md`` (e.g. ``"resource_capacity"``).
    message
        What is wrong, for planners, in the language current when the plan was checked
        (:mod:`planner.i18n`): names ids, weeks and values.
    delivery_ids
        ``Delivery.delivery_id`` of the deliveries involved (empty for a missing pin).
    """

    rule: str
    message: str
    delivery_ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True)
class Known:
    """A delivery whose committee, unit and demand line all resolve.

    Attributes
    ----------
    delivery
        The delivery as the plan gives it.
    did
        Its delivery id.
    committee, unit, line
        The committee, resource unit and demand line it names.
    """

    delivery: Delivery
    did: str
    committee: Committee
    unit: ResourceUnit
    line: DemandLine


@dataclass(frozen=True)
class Resolved:
    """The deliveries of a plan, their references resolved.

    Attributes
    ----------
    known
        The deliveries whose references all resolve, in plan order; every check but
        ``known_reference`` looks only at these.
    problems
        The ``known_reference`` violations of the other deliveries.
    """

    known: tuple[Known, ...]
    problems: tuple[Violation, ...]


#: A check of one hard rule: given the scenario and the resolved plan, every violation
#: of its rule (in any order; :func:`planner.validate.check_plan` sorts them).
Check = Callable[[Scenario, Resolved], list[Violation]]


def product_name(product: object) -> str:
    """Return the product's value, also for a product that is not a ``Product``."""
    return str(getattr(product, "value", product))


def product_label(product: object) -> str:
    """Return a product as planners read it (``文艺演出``), or as given if it is no
    ``Product`` (a broken delivery is named as it is)."""
    return product_words(product) if isinstance(product, Product) else str(product)


def delivery_id(scenario: Scenario, d: Delivery) -> str:
    """Return ``d.delivery_id``, still defined when ``d.product`` is not a ``Product``."""
    return delivery_key(d.committee_id, product_name(d.product), d.unit_id(scenario), d.first_week)


def at(d: Delivery) -> str:
    """Return ``'T1' at 'C1' in week 3``: a delivery as planners read it."""
    return _("{resource!r} at {committee!r} in {weeks}").format(
        resource=d.resource_id,
        committee=d.committee_id,
        weeks=week_span(d.first_week, d.last_week),
    )


def season_weeks(scenario: Scenario, d: Delivery) -> range:
    """Return the occupied weeks of a delivery that lie inside the season."""
    return range(max(d.first_week, 1), min(d.last_week, scenario.season.weeks) + 1)


def resolve(scenario: Scenario, deliveries: Sequence[Delivery]) -> Resolved:
    """Resolve the references of every delivery (rule ``known_reference``).

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    deliveries
        The plan's deliveries.

    Returns
    -------
    Resolved
        The deliveries that resolve, and one violation per problem of the others (a
        delivery may have several).
    """
    out: list[Violation] = []
    known: list[Known] = []
    for d in deliveries:
        did = delivery_id(scenario, d)
        problems: list[str] = []
        committee = scenario.committee_by_id.get(d.committee_id)
        if committee is None:
            problems.append(_("unknown committee {committee!r}").format(committee=d.committee_id))
        unit_id = scenario.unit_of_copy.get(d.resource_id)
        unit = scenario.resource_units.get(unit_id) if unit_id is not None else None
        if unit is None:
            problems.append(_("unknown resource {resource!r}").format(resource=d.resource_id))
        elif unit.product != d.product:
            problems.append(
                _("resource {resource!r} delivers {actual}, not {product}").format(
                    resource=d.resource_id,
                    actual=product_label(unit.product),
                    product=product_label(d.product),
                )
            )
        line = scenario.demand_by_id.get(d.demand_id)
        if line is None:
            problems.append(_("unknown demand line {line!r}").format(line=d.demand_id))
        elif line.committee != d.committee_id or line.product != d.product:
            problems.append(
                _(
                    "demand line {line!r} is for {committee} {product}, "
                    "not {delivery_committee} {delivery_product}"
                ).format(
                    line=line.id,
                    committee=line.committee,
                    product=product_label(line.product),
                    delivery_committee=d.committee_id,
                    delivery_product=product_label(d.product),
                )
            )
        for problem in problems:
            message = _("delivery {delivery}: {problem}").format(delivery=did, problem=problem)
            out.append(Violation("known_reference", message, (did,)))
        if not problems and committee is not None and unit is not None and line is not None:
            known.append(Known(d, did, committee, unit, line))
    return Resolved(tuple(known), tuple(out))


__all__ = [
    "Check",
    "Known",
    "Resolved",
    "Violation",
    "at",
    "delivery_id",
    "product_label",
    "product_name",
    "resolve",
    "season_weeks",
]
