"""Rules of the group "Venues, events and the van" in ``docs/rules.md``.

What a committee's venue offers and holds, how many events it takes in a week, and how
many board sets the van installs in a week.
"""

from __future__ import annotations

from collections import defaultdict

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
        if unit.needs_stage and not site.stage:
            out.append(
                Violation(
                    "venue",
                    f"{unit_label(unit)} needs a stage, committee {k.committee.id!r} has "
                    f"none (show in {week_span(d.first_week, d.last_week)})",
                    (k.did,),
                )
            )
        if site.audience_capacity < unit.min_audience:
            out.append(
                Violation(
                    "venue",
                    f"{unit_label(unit)} needs an audience of {unit.min_audience}, "
                    f"committee {k.committee.id!r} seats {site.audience_capacity} "
                    f"(show in {week_span(d.first_week, d.last_week)})",
                    (k.did,),
                )
            )
        if unit.needs_fitness_floor and not site.fitness_floor:
            out.append(
                Violation(
                    "venue",
                    f"a fitness course needs a fitness floor, committee {k.committee.id!r} has "
                    f"none ({at(d)})",
                    (k.did,),
                )
            )
        if d.product in STAY_PRODUCTS:
            for w in season_weeks(scenario, d):
                held[(k.committee.id, d.product, w)].append(k)
    for (committee_id, product, week), items in held.items():
        site = scenario.committee_by_id[committee_id].venue
        if product == Product.BOOK_SET:
            slots, noun, field = site.shelf_slots, "book sets", "shelf_slots"
        else:
            slots, noun, field = site.board_slots, "board sets", "board_slots"
        if len(items) > slots:
            out.append(
                Violation(
                    "venue",
                    f"committee {committee_id!r} holds {len(items)} {noun} in week {week}, "
                    f"{field} {slots}",
                    tuple(sorted(k.did for k in items)),
                )
            )
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
            out.append(
                Violation(
                    "events_per_week",
                    f"committee {committee_id!r} has {len(items)} events in week {week}, "
                    f"max_events_per_week {limit}",
                    tuple(sorted(k.did for k in items)),
                )
            )
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
            out.append(
                Violation(
                    "van_moves",
                    f"{len(items)} exhibition stays start in week {week}, "
                    f"van moves_per_week {limit}",
                    tuple(sorted(k.did for k in items)),
                )
            )
    return out


__all__ = ["events_per_week", "van_moves", "venue"]
