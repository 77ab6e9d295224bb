"""Rules of the group "Demand and capacity" in ``docs/rules.md``.

How many deliveries each demand line asked for, how many uses a unit has in a week and
in the season, and where each individual set copy is.
"""

from __future__ import annotations

from collections import defaultdict

from planner.scenario import STAY_PRODUCTS, Scenario
from planner.validate.core import Known, Resolved, Violation, season_weeks
from planner.wording import unit_label, week_span, weekly_use_text


def demand_limit(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A demand line with more deliveries than its count."""
    by_line: dict[str, list[Known]] = defaultdict(list)
    for k in resolved.known:
        by_line[k.line.id].append(k)
    out = []
    for line_id, items in by_line.items():
        line = items[0].line
        count = line.demand.count
        if len(items) > count:
            out.append(
                Violation(
                    "demand_limit",
                    f"demand line {line_id!r} ({line.committee} {line.product.value}) asks for "
                    f"{count}, the plan delivers {len(items)}",
                    tuple(sorted(k.did for k in items)),
                )
            )
    return out


def resource_capacity(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A unit used beyond its capacity in a week, or a troupe beyond ``max_shows``."""
    use: dict[tuple[str, int], list[Known]] = defaultdict(list)
    per_unit: dict[str, list[Known]] = defaultdict(list)
    for k in resolved.known:
        per_unit[k.unit.id].append(k)
        for w in season_weeks(scenario, k.delivery):
            use[(k.unit.id, w)].append(k)
    out = []
    for (unit_id, week), items in use.items():
        unit = scenario.resource_units[unit_id]
        if len(items) > unit.capacity:
            out.append(
                Violation(
                    "resource_capacity",
                    weekly_use_text(unit, len(items), week),
                    tuple(sorted(k.did for k in items)),
                )
            )
    for unit_id, items in per_unit.items():
        unit = scenario.resource_units[unit_id]
        max_shows = unit.season_max
        if max_shows is not None and len(items) > max_shows:
            out.append(
                Violation(
                    "resource_capacity",
                    f"{unit_label(unit)} gives {len(items)} shows in the season, "
                    f"max_shows {max_shows}",
                    tuple(sorted(k.did for k in items)),
                )
            )
    return out


def copy_overlap(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """One individual set copy at two sites in overlapping weeks."""
    by_copy: dict[str, list[Known]] = defaultdict(list)
    for k in resolved.known:
        if k.unit.product not in STAY_PRODUCTS:
            continue
        # Only an individual copy can be at two places; a multi-copy kind named by its
        # kind id is counted by resource_capacity alone.
        if k.delivery.resource_id in scenario.copy_ids(k.unit.id):
            by_copy[k.delivery.resource_id].append(k)
    out = []
    for copy_id, items in by_copy.items():
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                da, db = a.delivery, b.delivery
                first = max(da.first_week, db.first_week)
                last = min(da.last_week, db.last_week)
                if first > last:
                    continue
                span_a = week_span(da.first_week, da.last_week)
                span_b = week_span(db.first_week, db.last_week)
                out.append(
                    Violation(
                        "copy_overlap",
                        f"copy {copy_id!r} is at {da.committee_id!r} ({span_a}) and at "
                        f"{db.committee_id!r} ({span_b}), both in {week_span(first, last)}",
                        tuple(sorted((a.did, b.did))),
                    )
                )
    return out


__all__ = ["copy_overlap", "demand_limit", "resource_capacity"]
