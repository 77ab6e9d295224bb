"""Rules of the group "References and fit" in ``docs/rules.md``.

What a delivery names exists, and the unit fits the committee, the season, the
delivery's length and its theme.
"""

from __future__ import annotations

from planner.scenario import Scenario
from planner.validate.core import Resolved, Violation, at
from planner.wording import unit_label, week_span


def known_reference(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """Unknown committees, resources and demand lines, and mismatched products.

    The references are resolved once, before any check runs (every other check needs
    the result; see :func:`planner.validate.core.resolve`); this check reports what the
    resolution found.
    """
    return list(resolved.problems)


def service_area(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A resource with a subdistrict at a committee of another subdistrict."""
    out = []
    for k in resolved.known:
        if scenario.serves(k.unit.id, k.committee.id):
            continue
        area = k.unit.service_area
        grid = scenario.grid_by_id.get(k.committee.grid)
        where = repr(grid.subdistrict) if grid is not None and grid.subdistrict else "none"
        out.append(
            Violation(
                "service_area",
                f"{unit_label(k.unit)} serves only subdistrict {area!r}, but is at "
                f"{k.committee.id!r} (grid {k.committee.grid!r}, subdistrict {where}) in "
                f"{week_span(k.delivery.first_week, k.delivery.last_week)}",
                (k.did,),
            )
        )
    return out


def within_season(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A delivery starting before week 1, ending after the season, or ending before it starts."""
    out = []
    last_week = scenario.season.weeks
    for k in resolved.known:
        d = k.delivery
        reasons = []
        if d.first_week < 1:
            reasons.append(f"starts in week {d.first_week}, before week 1")
        if d.last_week > last_week:
            reasons.append(f"ends in week {d.last_week}, after the season's last week {last_week}")
        if d.last_week < d.first_week:
            reasons.append(f"ends in week {d.last_week}, before it starts in week {d.first_week}")
        if reasons:
            text = "; ".join(reasons)
            out.append(
                Violation(
                    "within_season",
                    f"{d.resource_id!r} at {d.committee_id!r} {text}",
                    (k.did,),
                )
            )
    return out


def duration(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A delivery occupying more or fewer weeks than its unit's duration."""
    out = []
    for k in resolved.known:
        d = k.delivery
        occupied = d.last_week - d.first_week + 1
        if occupied != k.unit.duration:
            out.append(
                Violation(
                    "duration",
                    f"{at(d)} occupies {occupied} week(s), a delivery of "
                    f"{unit_label(k.unit)} lasts {k.unit.duration}",
                    (k.did,),
                )
            )
    return out


def theme_fit(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A theme the unit does not offer, or one its demand line did not ask for."""
    out = []
    for k in resolved.known:
        d = k.delivery
        if d.theme not in k.unit.themes:
            out.append(
                Violation(
                    "theme_fit",
                    f"{at(d)}: theme {d.theme!r} is not among the themes of "
                    f"{unit_label(k.unit)}: {', '.join(k.unit.themes)}",
                    (k.did,),
                )
            )
        asked = k.line.demand.themes
        if asked and d.theme not in asked:
            out.append(
                Violation(
                    "theme_fit",
                    f"{at(d)}: theme {d.theme!r} is not one demand line {k.line.id!r} "
                    f"asks for ({', '.join(asked)})",
                    (k.did,),
                )
            )
    return out


__all__ = ["duration", "known_reference", "service_area", "theme_fit", "within_season"]
