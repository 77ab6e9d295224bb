"""Delivery options: which resource could serve which demand line from which week.

An *option* is a (demand line, resource unit, first week) triple that no static rule
forbids: the unit delivers the product, serves the committee's area, fits the wished
themes and the venue, and every week it would occupy is open for the committee, not
excluded by the line and available for the unit. Capacity, which depends on the rest
of the plan, is left to the solver (or, for the baseline, to the ledger).

The same module finds why an option does not exist (a key of
:data:`planner.wording.BLOCKERS`, whose texts planners read); :mod:`planner.explain`
uses it to give reasons for unmet demand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from planner.scenario import (
    EVENT_PRODUCTS,
    DemandLine,
    Product,
    ResourceUnit,
    Scenario,
)
from planner.wording import BLOCKERS

#: The hard rules of docs/rules.md that hold for one delivery alone: no option breaks
#: them, so neither the model nor the ledger needs to count them. ``venue`` and
#: ``events_per_week`` hold here only in part (a venue's stage, audience and fitness
#: floor; a committee that takes no events at all); their weekly counts couple options
#: and are rules of the model (:data:`planner.solver.constraints.HARD_RULES`).
STATIC_RULES: tuple[str, ...] = (
    "service_area",
    "within_season",
    "duration",
    "theme_fit",
    "resource_unavailable",
    "closed_week",
    "excluded_week",
    "rotation_cycle",
    "venue",
    "events_per_week",
)


@dataclass(frozen=True)
class Option:
    """A possible delivery of ``unit_id`` for ``line_id`` starting in ``first_week``.

    ``copy_id`` names the set copy when the unit's copies are planned one by one.
    """

    line_id: str
    unit_id: str
    first_week: int
    duration: int
    theme: str
    copy_id: str | None = None
    """The individual set copy, for a kind planned copy by copy (see
    :func:`copy_planned_units`); None when the unit is planned as a whole."""

    @property
    def weeks(self) -> range:
        """The weeks the delivery would occupy."""
        return range(self.first_week, self.first_week + self.duration)


def delivered_theme(line: DemandLine, unit: ResourceUnit) -> str | None:
    """The theme a unit would deliver for a line, or None if nothing wished fits.

    The first of the line's wished themes that the unit offers; without wishes, the
    unit's first theme.
    """
    wished = line.demand.themes
    if not wished:
        return unit.themes[0]
    for theme in wished:
        if theme in unit.themes:
            return theme
    return None


def static_blocker(scenario: Scenario, line: DemandLine, unit: ResourceUnit) -> str | None:
    """Return why ``unit`` can never serve ``line`` (a key of BLOCKERS), or None."""
    c = scenario.committee_by_id[line.committee]
    product = line.product
    if unit.product != product:
        return "no_resource"
    if delivered_theme(line, unit) is None:
        return "theme"
    if not scenario.serves(unit.id, c.id):
        return "service_area"
    venue = c.venue
    if unit.needs_stage and not venue.stage:
        return "venue_stage"
    if venue.audience_capacity < unit.min_audience:
        return "venue_audience"
    if unit.needs_fitness_floor and not venue.fitness_floor:
        return "venue_fitness_floor"
    if product == Product.BOOK_SET and venue.shelf_slots < 1:
        return "venue_shelf"
    if product == Product.EXHIBITION and venue.board_slots < 1:
        return "venue_boards"
    if product in EVENT_PRODUCTS and c.max_events_per_week < 1:
        return "no_events"
    return None


def first_weeks(scenario: Scenario, line: DemandLine, unit: ResourceUnit) -> list[int]:
    """The weeks a delivery of ``unit`` for ``line`` may start in (week rules only).

    Every week from which the whole stay, course or event fits in the season and
    occupies no week closed for the committee, excluded by the line or unavailable for
    the unit. With the opt-in rule ``season.rotation_cycle`` (see :func:`cycle_starts`),
    a multi-week stay or course also keeps to its unit's rotation cycle.
    """
    blocked = (
        scenario.closed_weeks(line.committee)
        | scenario.unavailable_weeks(unit.id)
        | frozenset(line.demand.excluded_weeks)
    )
    last_start = scenario.season.weeks - unit.duration + 1
    fits = [
        w
        for w in range(1, last_start + 1)
        if not any(x in blocked for x in range(w, w + unit.duration))
    ]
    if scenario.season.rotation_cycle:
        return cycle_starts(fits, unit.duration)
    return fits


def cycle_starts(fits: Iterable[int], duration: int) -> list[int]:
    """The starts among ``fits`` that keep the rotation cycle (rule ``rotation_cycle``).

    A unit of duration ``d`` rotates on cycles of weeks ``1 + k·d .. (k + 1)·d``: its
    stay or course starts in the first week of a cycle, or, when a closed, excluded or
    unavailable week stops that start, in the first week of that cycle from which it
    fits. Single-week units start in any week that fits.

    Parameters
    ----------
    fits
        The weeks a delivery may start in under the other week rules, ascending.
    duration
        The unit's duration in weeks.
    """
    first_in_cycle: dict[int, int] = {}
    for w in fits:
        first_in_cycle.setdefault((w - 1) // duration, w)
    return sorted(first_in_cycle.values())


def option_themes(scenario: Scenario, line: DemandLine, unit: ResourceUnit) -> list[str]:
    """The themes options of ``unit`` for ``line`` deliver: :func:`delivered_theme` first.

    Every theme the unit offers that fits the line (rule ``theme_fit``) when the theme
    can change the objective: the ``variety`` goal is on, or a fixture with a bonus
    favours some themes of the line's product. Otherwise only the delivered theme, which
    loses no plan: deliveries that differ only in their theme keep and break the same
    hard rules (``theme_fit`` looks at each alone, the others not at the theme) and
    score the same on every other goal (docs/rules.md).
    """
    first = delivered_theme(line, unit)
    if first is None:
        return []
    objective = scenario.objective
    themed_fixture = objective.fixtures > 0 and any(
        f.product == line.product and f.themes and f.bonus > 0 for f in scenario.season.fixtures
    )
    if not (objective.variety > 0 or themed_fixture):
        return [first]
    wished = line.demand.themes
    return [first, *(t for t in unit.themes if t != first and (not wished or t in wished))]


def line_options(scenario: Scenario, line: DemandLine) -> list[Option]:
    """Every option of one demand line, in unit, then theme, then week order."""
    return _OptionLister(scenario).of_line(line)


def options_lister(scenario: Scenario) -> Callable[[DemandLine], list[Option]]:
    """:func:`line_options` for many lines of one scenario, faster: what lines share
    (a unit's checks per committee, start weeks) is worked out once."""
    return _OptionLister(scenario).of_line


def all_options(scenario: Scenario) -> list[Option]:
    """Every option of every demand line, as the model plans them.

    A set kind of :func:`copy_planned_units` gives one option per copy (``copy_id``
    set, copies in id order) for each of its options; every other unit gives one.
    """
    per_copy = copy_planned_units(scenario)
    lister = _OptionLister(scenario)
    out: list[Option] = []
    for line in scenario.demand_lines:
        for o in lister.of_line(line):
            if o.unit_id in per_copy:
                out.extend(_with_copy(o, c) for c in scenario.copy_ids(o.unit_id))
            else:
                out.append(o)
    return out


class _OptionLister:
    """:func:`line_options` for many lines of one scenario, with what lines share kept.

    The same options, in the same order, as :func:`static_blocker`,
    :func:`option_themes` and :func:`first_weeks` give line by line: a unit's
    committee-side checks (service area, venue, events) are the same for every line of
    a committee, and the start weeks for every line of a committee with the same
    excluded weeks: they are worked out once each. Only the units that may serve the
    line's committee by their service area are looked at
    (:meth:`~planner.scenario.Scenario.units_in_area`).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._fits: dict[tuple[str, str], bool] = {}
        self._weeks: dict[tuple[str, str, tuple[int, ...]], list[int]] = {}

    def of_line(self, line: DemandLine) -> list[Option]:
        """The options of ``line`` (:func:`line_options`)."""
        s = self.scenario
        out = []
        excluded = tuple(sorted(set(line.demand.excluded_weeks)))
        # Units of other subdistricts fail the service area (static_blocker): skipped.
        for unit in s.units_in_area(line.product, line.committee):
            if delivered_theme(line, unit) is None or not self._fit(line, unit):
                continue
            themes = option_themes(s, line, unit)
            if not themes:
                continue
            key = (line.committee, unit.id, excluded)
            weeks = self._weeks.get(key)
            if weeks is None:
                weeks = self._weeks[key] = first_weeks(s, line, unit)
            for theme in themes:
                for w in weeks:
                    out.append(Option(line.id, unit.id, w, unit.duration, theme))
        return out

    def _fit(self, line: DemandLine, unit: ResourceUnit) -> bool:
        """Whether :func:`static_blocker` passes ``unit`` for ``line`` (of the unit's
        product, with a theme that fits): its committee-side checks, kept per committee."""
        key = (line.committee, unit.id)
        fit = self._fits.get(key)
        if fit is None:
            fit = self._fits[key] = static_blocker(self.scenario, line, unit) is None
        return fit


def copy_planned_units(scenario: Scenario) -> frozenset[str]:
    """The set kinds the model plans copy by copy: those with a pin naming one copy.

    Other kinds are planned as one unit of capacity ``copies``, which loses no plan
    (docs/rules.md, "What the model leaves out, and why it may"); a pin on one copy
    breaks that argument, so such a kind's copies become units of capacity one.
    """
    return frozenset(
        scenario.unit_of_copy[p.resource]
        for p in scenario.pins
        if p.resource in scenario.unit_of_copy and p.resource != scenario.unit_of_copy[p.resource]
    )


def _with_copy(o: Option, copy_id: str) -> Option:
    return Option(o.line_id, o.unit_id, o.first_week, o.duration, o.theme, copy_id)


def line_blocker(scenario: Scenario, line: DemandLine) -> str | None:
    """Why a line has no option at all (a key of BLOCKERS), or None if it has one.

    Among the units of the right product, the blocker that stops the unit that got
    furthest through the checks is reported (theme before area before venue before
    weeks), so the reason names the last obstacle.
    """
    order = list(BLOCKERS)
    found: list[str] = []
    for unit in scenario.units_in_area(line.product, line.committee):
        blocker = static_blocker(scenario, line, unit)
        if blocker is None:
            if first_weeks(scenario, line, unit):
                return None
            blocker = "weeks"
        found.append(blocker)
    if not found or max(found, key=order.index) in ("no_resource", "theme"):
        # The units of other subdistricts stop at the service area, after the theme.
        near = {u.id for u in scenario.units_in_area(line.product, line.committee)}
        for unit in _units_of(scenario, line.product):
            if unit.id not in near:
                found.append("theme" if delivered_theme(line, unit) is None else "service_area")
    if not found:
        return "no_resource"
    return max(found, key=order.index)


def _units_of(scenario: Scenario, product: Product) -> Iterable[ResourceUnit]:
    return (u for u in scenario.resource_units.values() if u.product == product)
