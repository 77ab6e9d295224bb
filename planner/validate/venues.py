"""Rules of the group "Venues, events and the van" in ``docs/rules.md``.

What a committee's venue offers and holds, how many events it takes in a week, and how
many board sets the van installs in a week.
"""

from __future__ import annotations

from collections import defaultdict

from planner.i18n import _, ngettext
from planner.scenario import EVENT_PRODUCTS, STAY_PRODUCTS, Product, Scenario
from planner.validate.core import Known, Resolved, Violation, at, season_weeks
from planner.wording import unit_label, week_span


def venue(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A venue lacking a stage, seats or a fitness floor, or over its shelf or board slots."""
    out = []
    held: dict[tuple[str, Product, int], list[Known]] = defaultdict(list)
    for k in resolved.known:
        d, site = k.delivery, k.committee.venue
        unit = k.unit
        span = week_span(d.first_week, d.last_week)
        if unit.needs_stage and not site.stage:
            text = _("{unit} needs a stage, committee {committee!r} has none (show in {weeks})")
            message = text.format(unit=unit_label(unit), committee=k.committee.id, weeks=span)
            out.append(Violation("venue", message, (k.did,)))
        if site.audience_capacity < unit.min_audience:
            text = _(
                "{unit} needs an audience of {audience}, committee {committee!r} seats {seats} "
                "(show in {weeks})"
            )
            message = text.format(
                unit=unit_label(unit),
                audience=unit.min_audience,
                committee=k.committee.id,
                seats=site.audience_capacity,
                weeks=span,
            )
            out.append(Violation("venue", message, (k.did,)))
        if unit.needs_fitness_floor and not site.fitness_floor:
            text = _(
                "a fitness course needs a fitness floor, committee {committee!r} has none "
                "({delivery})"
            )
            message = text.format(committee=k.committee.id, delivery=at(d))
            out.append(Violation("venue", message, (k.did,)))
        if d.product in STAY_PRODUCTS:
            for w in season_weeks(scenario, d):
                held[(k.committee.id, d.product, w)].append(k)
    for (committee_id, product, week), items in held.items():
        site = scenario.committee_by_id[committee_id].venue
        if product == Product.BOOK_SET:
            slots = site.shelf_slots
            text = ngettext(
                "committee {committee!r} holds {count} book set in week {week}, "
                "shelf_slots {slots}",
                "committee {committee!r} holds {count} book sets in week {week}, "
                "shelf_slots {slots}",
                len(items),
            )
        else:
            slots = site.board_slots
            text = ngettext(
                "committee {committee!r} holds {count} board set in week {week}, "
                "board_slots {slots}",
                "committee {committee!r} holds {count} board sets in week {week}, "
                "board_slots {slots}",
                len(items),
            )
        if len(items) > slots:
            message = text.format(committee=committee_id, count=len(items), week=week, slots=slots)
            out.append(Violation("venue", message, tuple(sorted(k.did for k in items))))
    return out


def events_per_week(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A committee with more events in a week than its ``max_events_per_week``."""
    events: dict[tuple[str, int], list[Known]] = defaultdict(list)
    for k in resolved.known:
        if k.delivery.product in EVENT_PRODUCTS:
            for w in season_weeks(scenario, k.delivery):
                events[(k.committee.id, w)].append(k)
    out = []
    for (committee_id, week), items in events.items():
        limit = scenario.committee_by_id[committee_id].max_events_per_week
        if len(items) > limit:
            text = ngettext(
                "committee {committee!r} has {count} event in week {week}, "
                "max_events_per_week {limit}",
                "committee {committee!r} has {count} events in week {week}, "
                "max_events_per_week {limit}",
                len(items),
            ).format(committee=committee_id, count=len(items), week=week, limit=limit)
            out.append(Violation("events_per_week", text, tuple(sorted(k.did for k in items))))
    return out


def van_moves(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """More exhibition stays starting in a week than the van's moves."""
    starts: dict[int, list[Known]] = defaultdict(list)
    for k in resolved.known:
        if k.delivery.product == Product.EXHIBITION:
            starts[k.delivery.first_week].append(k)
    limit = scenario.resources.van.moves_per_week
    out = []
    for week, items in starts.items():
        if len(items) > limit:
            text = ngettext(
                "{count} exhibition stay starts in week {week}, van moves_per_week {limit}",
                "{count} exhibition stays start in week {week}, van moves_per_week {limit}",
                len(items),
            ).format(count=len(items), week=week, limit=limit)
            out.append(Violation("van_moves", text, tuple(sorted(k.did for k in items))))
    return out


__all__ = ["events_per_week", "van_moves", "venue"]
