"""Rules of the group "Demand and capacity" in ``docs/rules.md``.

How many deliveries each demand line asked for, how many uses a unit has in a week and
in the season, and where each individual set copy is.
"""

from __future__ import annotations

from collections import defaultdict

from planner.i18n import _, ngettext
from planner.scenario import STAY_PRODUCTS, Scenario
from planner.validate.core import Known, Resolved, Violation, product_label, season_weeks
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
            text = _(
                "demand line {line!r} ({committee} {product}) asks for {count}, "
                "the plan delivers {delivered}"
            ).format(
                line=line_id,
                committee=line.committee,
                product=product_label(line.product),
                count=count,
                delivered=len(items),
            )
            out.append(Violation("demand_limit", text, tuple(sorted(k.did for k in items))))
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
            text = ngettext(
                "{unit} gives {count} show in the season, max_shows {max_shows}",
                "{unit} gives {count} shows in the season, max_shows {max_shows}",
                len(items),
            ).format(unit=unit_label(unit), count=len(items), max_shows=max_shows)
            out.append(Violation("resource_capacity", text, tuple(sorted(k.did for k in items))))
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
                text = _(
                    "copy {copy!r} is at {committee!r} ({span}) and at {other!r} ({other_span}), "
                    "both in {weeks}"
                ).format(
                    copy=copy_id,
                    committee=da.committee_id,
                    span=week_span(da.first_week, da.last_week),
                    other=db.committee_id,
                    other_span=week_span(db.first_week, db.last_week),
                    weeks=week_span(first, last),
                )
                out.append(Violation("copy_overlap", text, tuple(sorted((a.did, b.did)))))
    return out


__all__ = ["copy_overlap", "demand_limit", "resource_capacity"]
