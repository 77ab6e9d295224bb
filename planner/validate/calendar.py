"""Rules of the group "Calendar" in ``docs/rules.md``.

Weeks in which a delivery may not take place: its unit is unavailable, its committee is
closed, or its demand line excludes them; and, where the season opts in, the rotation
cycle a stay or course must start on.
"""

from __future__ import annotations

from planner.i18n import _
from planner.scenario import ResourceUnit, Scenario
from planner.validate.core import Resolved, Violation, at, season_weeks
from planner.wording import unit_label, week_span, weeks_phrase


def _unavailable_reasons(scenario: Scenario, unit: ResourceUnit, weeks: set[int]) -> list[str]:
    """Why the unit is unavailable in ``weeks``, as planners name the scenario fields."""
    reasons = []
    if weeks & unit.own_unavailable_weeks:
        reasons.append(_("its unavailable_weeks"))
    available = unit.available_weeks
    if available is not None and weeks - available:
        reasons.append(_("outside its available_weeks"))
    for fixture in scenario.season.fixtures:
        if unit.id in fixture.reserves and weeks & set(fixture.weeks):
            reasons.append(_("reserved by fixture {fixture!r}").format(fixture=fixture.id))
    return reasons


def resource_unavailable(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A delivery occupying a week in which its unit is unavailable."""
    out = []
    for k in resolved.known:
        off = scenario.unavailable_weeks(k.unit.id)
        hit = {w for w in season_weeks(scenario, k.delivery) if w in off}
        if hit:
            reasons = _(", ").join(_unavailable_reasons(scenario, k.unit, hit))
            text = _(
                "{unit} is unavailable in {weeks} ({reasons}), but is at {committee!r} in {span}"
            ).format(
                unit=unit_label(k.unit),
                weeks=weeks_phrase(hit),
                reasons=reasons,
                committee=k.committee.id,
                span=week_span(k.delivery.first_week, k.delivery.last_week),
            )
            out.append(Violation("resource_unavailable", text, (k.did,)))
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
                reasons.append(_("season closed_weeks"))
            if hit & set(k.committee.closed_weeks):
                reasons.append(_("the committee's closed_weeks"))
            text = _(
                "committee {committee!r} is closed in {weeks} ({reasons}), "
                "but receives {resource!r} in {span}"
            ).format(
                committee=k.committee.id,
                weeks=weeks_phrase(hit),
                reasons=_(", ").join(reasons),
                resource=k.delivery.resource_id,
                span=week_span(k.delivery.first_week, k.delivery.last_week),
            )
            out.append(Violation("closed_week", text, (k.did,)))
    return out


def excluded_week(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A delivery occupying a week its demand line excludes."""
    out = []
    for k in resolved.known:
        excluded = set(k.line.demand.excluded_weeks)
        hit = {w for w in season_weeks(scenario, k.delivery) if w in excluded}
        if hit:
            text = _("demand line {line!r} excludes {weeks}, but {delivery} serves it").format(
                line=k.line.id, weeks=weeks_phrase(hit), delivery=at(k.delivery)
            )
            out.append(Violation("excluded_week", text, (k.did,)))
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
            # The duration is at least 2 here, so the cycle's length needs no plural form.
            text = _(
                "{unit} starts at {committee!r} in week {week}, off its {length}-week rotation "
                "cycle: the cycle of {cycle} starts in week {start}"
            ).format(
                unit=unit_label(k.unit),
                committee=k.committee.id,
                week=first,
                length=d,
                cycle=week_span(cycle_first, cycle_first + d - 1),
                start=earlier[0],
            )
            out.append(Violation("rotation_cycle", text, (k.did,)))
    return out


__all__ = ["closed_week", "excluded_week", "resource_unavailable", "rotation_cycle"]
