"""Rules of the group "References and fit" in ``docs/rules.md``.

What a delivery names exists, and the unit fits the committee, the season, the
delivery's length and its theme.
"""

from __future__ import annotations

from planner.i18n import _, ngettext
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
        span = week_span(k.delivery.first_week, k.delivery.last_week)
        if grid is not None and grid.subdistrict:
            text = _(
                "{unit} serves only subdistrict {area!r}, but is at {committee!r} "
                "(grid {grid!r}, subdistrict {subdistrict!r}) in {weeks}"
            ).format(
                unit=unit_label(k.unit),
                area=area,
                committee=k.committee.id,
                grid=k.committee.grid,
                subdistrict=grid.subdistrict,
                weeks=span,
            )
        else:
            text = _(
                "{unit} serves only subdistrict {area!r}, but is at {committee!r} "
                "(grid {grid!r}, no subdistrict) in {weeks}"
            ).format(
                unit=unit_label(k.unit),
                area=area,
                committee=k.committee.id,
                grid=k.committee.grid,
                weeks=span,
            )
        out.append(Violation("service_area", text, (k.did,)))
    return out


def within_season(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A delivery starting before week 1, ending after the season, or ending before it starts."""
    out = []
    last_week = scenario.season.weeks
    for k in resolved.known:
        d = k.delivery
        reasons = []
        if d.first_week < 1:
            reasons.append(_("starts in week {week}, before week 1").format(week=d.first_week))
        if d.last_week > last_week:
            reasons.append(
                _("ends in week {week}, after the season's last week {last}").format(
                    week=d.last_week, last=last_week
                )
            )
        if d.last_week < d.first_week:
            reasons.append(
                _("ends in week {week}, before it starts in week {first}").format(
                    week=d.last_week, first=d.first_week
                )
            )
        if reasons:
            # TRANSLATORS: {problems} is one or more of "starts in week …" and "ends in week …".
            text = _("{resource!r} at {committee!r} {problems}").format(
                resource=d.resource_id, committee=d.committee_id, problems=_("; ").join(reasons)
            )
            out.append(Violation("within_season", text, (k.did,)))
    return out


def duration(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A delivery occupying more or fewer weeks than its unit's duration."""
    out = []
    for k in resolved.known:
        d = k.delivery
        occupied = d.last_week - d.first_week + 1
        if occupied != k.unit.duration:
            text = ngettext(
                "{delivery} occupies {occupied} week, a delivery of {unit} lasts {duration}",
                "{delivery} occupies {occupied} weeks, a delivery of {unit} lasts {duration}",
                occupied,
            ).format(
                delivery=at(d), occupied=occupied, unit=unit_label(k.unit), duration=k.unit.duration
            )
            out.append(Violation("duration", text, (k.did,)))
    return out


def theme_fit(scenario: Scenario, resolved: Resolved) -> list[Violation]:
    """A theme the unit does not offer, or one its demand line did not ask for."""
    out = []
    for k in resolved.known:
        d = k.delivery
        if d.theme not in k.unit.themes:
            text = _("{delivery}: theme {theme!r} is not among the themes of {unit}: {themes}")
            themes = _(", ").join(k.unit.themes)
            message = text.format(
                delivery=at(d), theme=d.theme, unit=unit_label(k.unit), themes=themes
            )
            out.append(Violation("theme_fit", message, (k.did,)))
        asked = k.line.demand.themes
        if asked and d.theme not in asked:
            text = _(
                "{delivery}: theme {theme!r} is not one demand line {line!r} asks for ({themes})"
            )
            message = text.format(
                delivery=at(d), theme=d.theme, line=k.line.id, themes=_(", ").join(asked)
            )
            out.append(Violation("theme_fit", message, (k.did,)))
    return out


__all__ = ["duration", "known_reference", "service_area", "theme_fit", "within_season"]
