"""Rule 0 of both baselines: pinned (already published) deliveries go first, as pinned.

See :mod:`planner.baseline` for the rule; the ledger records each pin whatever rules
it breaks, so that both baselines plan around what was published.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.ledger import Ledger
from planner.options import Option, delivered_theme
from planner.plan import Delivery
from planner.scenario import STAY_PRODUCTS, DemandLine, Pin, Product


def add_option(
    ledger: Ledger, committee_id: str, product: Product, resource_id: str, option: Option
) -> Delivery:
    """Record a delivery of ``option`` by ``resource_id`` in the ledger and return it."""
    delivery = Delivery(
        committee_id,
        product,
        resource_id,
        option.first_week,
        option.first_week + option.duration - 1,
        option.line_id,
        option.theme,
    )
    ledger.add(delivery)
    return delivery


def place_pins(ledger: Ledger) -> list[Delivery]:
    """Place every pin as pinned, copy pins before set-kind pins; return the deliveries.

    A pin naming a set kind gets the lowest-numbered copy free in all its weeks; a pin
    without a demand line takes the committee's first line of the product with room.
    Pins naming an unknown committee or resource are skipped (input checks report them).
    """
    s = ledger.scenario
    names_copy = [
        p.resource not in s.resource_units or len(s.copy_ids(p.resource)) == 1 for p in s.pins
    ]
    ordered = [p for p, one in zip(s.pins, names_copy, strict=True) if one]
    ordered += [p for p, one in zip(s.pins, names_copy, strict=True) if not one]
    placed = []
    for pin in ordered:
        delivery = _place_pin(ledger, pin)
        if delivery is not None:
            placed.append(delivery)
    return placed


def _place_pin(ledger: Ledger, pin: Pin) -> Delivery | None:
    s = ledger.scenario
    committee = s.committee_by_id.get(pin.committee)
    unit_id = s.unit_of_copy.get(pin.resource)
    if committee is None or unit_id is None:
        return None
    unit = s.resource_units[unit_id]
    line = _pin_line(ledger, pin)
    weeks = range(pin.first_week, pin.first_week + unit.duration)
    resource_id = pin.resource
    if unit.product in STAY_PRODUCTS and pin.resource == unit_id:
        resource_id = ledger.free_copy(unit_id, weeks) or s.copy_ids(unit_id)[0]
    theme = (delivered_theme(line, unit) if line is not None else None) or unit.themes[0]
    option = Option(line.id if line else "", unit_id, pin.first_week, unit.duration, theme)
    return add_option(ledger, committee.id, pin.product, resource_id, option)


def _pin_line(ledger: Ledger, pin: Pin) -> DemandLine | None:
    """The pin's demand line, else the committee's first line of the product with room."""
    s = ledger.scenario
    if pin.demand is not None:
        return s.demand_by_id.get(pin.demand)
    lines = [x for x in s.demand_lines if x.committee == pin.committee and x.product == pin.product]
    for line in lines:
        if ledger.line_use(line.id) < line.demand.count:
            return line
    return lines[0] if lines else None


def resource_of(ledger: Ledger, option: Option) -> str:
    """The resource of a fitting option: the lowest free copy of a set kind."""
    s = ledger.scenario
    if s.resource_units[option.unit_id].product in STAY_PRODUCTS:
        copy_id = ledger.free_copy(option.unit_id, option.weeks)
        assert copy_id is not None  # the option fits, so a copy is free
        return copy_id
    return option.unit_id


__all__: Sequence[str] = ["add_option", "place_pins", "resource_of"]
