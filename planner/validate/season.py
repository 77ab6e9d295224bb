"""Rules of the group "The season as a whole" in ``docs/rules.md``.

Rules over all the deliveries of the season: a set kind reaches a committee once, each
delivery id is used once, and every pin is met.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from planner.i18n import _
from planner.scenario import STAY_PRODUCTS, Pin, Scenario
from planner.validate.core import Known, Resolved, Violation
from planner.wording import pin_unmet_text, unit_label, week_span


def no_repeat_set(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A committee receiving one book or board set kind more than once."""
    received: dict[tuple[str, str], list[Known]] = defaultdict(list)
    for k in resolved.known:
        if k.delivery.product in STAY_PRODUCTS:
            received[(k.committee.id, k.unit.id)].append(k)
    out = []
    for (committee_id, _unit_id), items in received.items():
        if len(items) > 1:
            spans = sorted(week_span(k.delivery.first_week, k.delivery.last_week) for k in items)
            # More than once is at least twice: the count needs no singular form.
            text = _("committee {committee!r} receives {unit} {count} times ({weeks})").format(
                committee=committee_id,
                unit=unit_label(items[0].unit),
                count=len(items),
                weeks=_(", ").join(spans),
            )
            out.append(Violation("no_repeat_set", text, tuple(sorted(k.did for k in items))))
    return out


def duplicate_delivery(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """Two or more deliveries with the same delivery id."""
    counts = Counter(k.did for k in resolved.known)
    # Used more than once is used by two or more: the count needs no singular form.
    text = _("delivery id {delivery!r} is used by {count} deliveries")
    return [
        Violation("duplicate_delivery", text.format(delivery=did, count=n), (did,) * n)
        for did, n in counts.items()
        if n > 1
    ]


def _pin_met(scenario: Scenario, pin: Pin, k: Known) -> bool:
    """Whether the delivery meets the pin."""
    d = k.delivery
    if (d.committee_id, d.product, d.first_week) != (pin.committee, pin.product, pin.first_week):
        return False
    if pin.resource in scenario.resource_units:
        resource_ok = k.unit.id == pin.resource  # a unit (set kind) pin: any copy meets it
    else:
        resource_ok = d.resource_id == pin.resource  # a copy pin: only that copy
    return resource_ok and (pin.demand is None or d.demand_id == pin.demand)


def pinned(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A pin that no delivery meets."""
    out = []
    for i, pin in enumerate(scenario.pins):
        if any(_pin_met(scenario, pin, k) for k in resolved.known):
            continue
        out.append(Violation("pinned", pin_unmet_text(scenario, i)))
    return out


__all__ = ["duplicate_delivery", "no_repeat_set", "pinned"]
