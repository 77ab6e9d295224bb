"""Rules of the group "Calendar" in ``docs/rules.md``.

Weeks in which a delivery may not take place: its unit is unavailable, its committee is
closed, or its demand line excludes them; and, where the season opts in, the rotation
cycle a stay or course must start on.
"""

from __future__ import annotations

from planner.scenario import ResourceUnit, Scenario
from planner.validate.core import Resolved, Violation, at, season_weeks
from planner.wording import unit_label, week_span, weeks_phrase


def _unavailable_reasons(scenario: Scenario, unit: ResourceUnit, weeks: set[int]) -> list[str]:
    """Why the unit is unavailable in ``weeks``, as planners name the scenario fields."""
    reasons = []
    if weeks & unit.own_unavailable_weeks:
        reasons.append("its unavailable_weeks")
    available = unit.available_weeks
    if available is not None and weeks - available:
        reasons.append("outside its available_weeks")
    for fixture in scenario.season.fixtures:
        if unit.id in fixture.reserves and weeks & set(fixture.weeks):
            reasons.append(f"reserved by fixture {fixture.id!r}")
    return reasons


def resource_unavailable(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A delivery occupying a week in which its unit is unavailable."""
    out = []
    for k in resolved.known:
        off = scenario.unavailable_weeks(k.unit.id)
        hit = {w for w in season_weeks(scenario, k.delivery) if w in off}
        if hit:
            reasons = ", ".join(_unavailable_reasons(scenario, k.unit, hit))
            out.append(
                Violation(
                    "resource_unavailable",
                    f"{unit_label(k.unit)} is unavailable in {weeks_phrase(hit)} ({reasons}), "
                    f"but is at {k.committee.id!r} in "
                    f"{week_span(k.delivery.first_week, k.delivery.last_week)}",
                    (k.did,),
                )
            )
    return out


def closed_week(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A delivery occupying a week closed for its committee."""
    out = []
    season_closed = set(scenario.season.closed_weeks)
    for k in resolved.known:
        closed = scenario.closed_weeks(k.committee.id)
        hit = {w for w in season_weeks(scenario, k.delivery) if w in closed}
        if hit:
            reasons = []
            if hit & season_closed:
                reasons.append("season closed_weeks")
            if hit & set(k.committee.closed_weeks):
                reasons.append("the committee's closed_weeks")
            out.append(
                Violation(
                    "closed_week",
                    f"committee {k.committee.id!r} is closed in {weeks_phrase(hit)} "
                    f"({', '.join(reasons)}), but receives {k.delivery.resource_id!r} in "
                    f"{week_span(k.delivery.first_week, k.delivery.last_week)}",
                    (k.did,),
                )
            )
    return out


def excluded_week(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A delivery occupying a week its demand line excludes."""
    out = []
    for k in resolved.known:
        excluded = set(k.line.demand.excluded_weeks)
        hit = {w for w in season_weeks(scenario, k.delivery) if w in excluded}
        if hit:
            out.append(
                Violation(
                    "excluded_week",
                    f"demand line {k.line.id!r} excludes {weeks_phrase(hit)}, but "
                    f"{at(k.delivery)} serves it",
                    (k.did,),
                )
            )
    return out


def rotation_cycle(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """With ``season.rotation_cycle``, a stay or course that starts off its cycle.

    A unit of duration d rotates on cycles of weeks 1 + k·d .. (k + 1)·d. A delivery
    keeps the cycle when it starts in its cycle's first week, or later in the cycle when
    no earlier week of that cycle could start a whole run of d weeks inside the season
    that is open for the committee, available for the unit and not excluded by the line.
    """
    if not scenario.season.rotation_cycle:
        return []
    out = []
    for k in resolved.known:
        d = k.unit.duration
        first = k.delivery.first_week
        if d <= 1 or first < 1:
            continue
        blocked = (
            scenario.closed_weeks(k.committee.id)
            | scenario.unavailable_weeks(k.unit.id)
            | set(k.line.demand.excluded_weeks)
        )
        cycle_first = first - (first - 1) % d
        earlier = [
            w
            for w in range(cycle_first, first)
            if w + d - 1 <= scenario.season.weeks and not any(x in blocked for x in range(w, w + d))
        ]
        if earlier:
            out.append(
                Violation(
                    "rotation_cycle",
                    f"{unit_label(k.unit)} starts at {k.committee.id!r} in week {first}, off "
                    f"its {d}-week rotation cycle: the cycle of "
                    f"{week_span(cycle_first, cycle_first + d - 1)} starts in week {earlier[0]}",
                    (k.did,),
                )
            )
    return out


__all__ = ["closed_week", "excluded_week", "resource_unavailable", "rotation_cycle"]
