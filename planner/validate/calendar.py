"""Rules of the group "Calendar" in ``docs/rules.md``.

Weeks in which a delivery may not take place: its unit is unavailable, its committee is
closed, or its demand line excludes them.
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


__all__ = ["closed_week", "excluded_week", "resource_unavailable"]
