"""The solver-free validator: every broken hard rule of ``docs/rules.md``.

This module is the independent check of the solver, so it imports no solver and shares
none of its logic: each rule of the "Hard rules" table is re-stated here with plain
loops and counters, straight from the table.

Conventions
-----------
* A delivery with a ``known_reference`` problem (unknown committee, resource or demand
  line; a resource of another product; a demand line of another committee or product)
  is reported once under that rule and left out of every other check, whose results
  would be meaningless for it.
* Checks that look week by week (capacity, unavailable and closed weeks, venue slots,
  events per week, …) look at the occupied weeks inside the season; weeks outside it
  are reported by ``within_season``.
* The output is sorted by the order of the rules in the table, then by message.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from planner.plan import Delivery, Plan, delivery_key
from planner.scenario import (
    EVENT_PRODUCTS,
    STAY_PRODUCTS,
    Committee,
    DemandLine,
    Pin,
    Product,
    ResourceUnit,
    Scenario,
)
from planner.wording import (
    pin_unmet_text,
    unit_label,
    week_span,
    weekly_use_text,
    weeks_phrase,
)

#: The hard rules, in the order of the table in ``docs/rules.md``.
RULES: tuple[str, ...] = (
    "known_reference",
    "service_area",
    "within_season",
    "duration",
    "theme_fit",
    "demand_limit",
    "resource_capacity",
    "copy_overlap",
    "resource_unavailable",
    "closed_week",
    "excluded_week",
    "venue",
    "events_per_week",
    "van_moves",
    "no_repeat_set",
    "duplicate_delivery",
    "pinned",
)

_RULE_ORDER = {rule: i for i, rule in enumerate(RULES)}


@dataclass(frozen=True)
class Violation:
    """One broken hard rule.

    Attributes
    ----------
    rule
        The rule's name in ``docs/rules.md`` (e.g. ``"resource_capacity"``).
    message
        What is wrong, for planners: names ids, weeks and values.
    delivery_ids
        ``Delivery.delivery_id`` of the deliveries involved (empty for a missing pin).
    """

    rule: str
    message: str
    delivery_ids: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


@dataclass(frozen=True)
class _Known:
    """A delivery whose committee, unit and demand line all resolve."""

    delivery: Delivery
    did: str
    committee: Committee
    unit: ResourceUnit
    line: DemandLine


def check_plan(scenario: Scenario, plan: Plan) -> list[Violation]:
    """Return every broken hard rule of ``docs/rules.md``.

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The plan to check (from the solver, a file, or written by hand).

    Returns
    -------
    list[Violation]
        Every violation, sorted by rule (in the order of the rules table), then by
        message. An empty list means the plan is valid.
    """
    deliveries = list(plan)
    out, known = _known_reference(scenario, deliveries)
    out += _service_area(scenario, known)
    out += _within_season(scenario, known)
    out += _duration(known)
    out += _theme_fit(known)
    out += _demand_limit(known)
    out += _resource_capacity(scenario, known)
    out += _copy_overlap(scenario, known)
    out += _resource_unavailable(scenario, known)
    out += _closed_week(scenario, known)
    out += _excluded_week(scenario, known)
    out += _venue(scenario, known)
    out += _events_per_week(scenario, known)
    out += _van_moves(scenario, known)
    out += _no_repeat_set(known)
    out += _duplicate_delivery(known)
    out += _pinned(scenario, known)
    return sorted(out, key=lambda v: (_RULE_ORDER[v.rule], v.message, v.delivery_ids))


def assert_valid(scenario: Scenario, plan: Plan) -> None:
    """Raise if the plan breaks any hard rule.

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The plan to check.

    Raises
    ------
    AssertionError
        Listing every violation, one per line.
    """
    violations = check_plan(scenario, plan)
    if violations:
        n = len(violations)
        lines = "\n".join(f"  {v}" for v in violations)
        raise AssertionError(f"plan breaks {n} hard rule{'s' if n != 1 else ''}:\n{lines}")


# -- formatting helpers --------------------------------------------------------------


def _product_name(product: object) -> str:
    return str(getattr(product, "value", product))


def _delivery_id(scenario: Scenario, d: Delivery) -> str:
    """``d.delivery_id``, still defined when ``d.product`` is not a ``Product``."""
    return delivery_key(d.committee_id, _product_name(d.product), d.unit_id(scenario), d.first_week)


def _at(d: Delivery) -> str:
    """``'T1' at 'C1' in week 3``: a delivery as planners read it."""
    return f"{d.resource_id!r} at {d.committee_id!r} in {week_span(d.first_week, d.last_week)}"


def _season_weeks(scenario: Scenario, d: Delivery) -> range:
    """The occupied weeks of a delivery that lie inside the season."""
    return range(max(d.first_week, 1), min(d.last_week, scenario.season.weeks) + 1)


# -- the rules, in table order -------------------------------------------------------


def _known_reference(
    scenario: Scenario, deliveries: Sequence[Delivery]
) -> tuple[list[Violation], list[_Known]]:
    out: list[Violation] = []
    known: list[_Known] = []
    for d in deliveries:
        did = _delivery_id(scenario, d)
        product = _product_name(d.product)
        problems: list[str] = []
        committee = scenario.committee_by_id.get(d.committee_id)
        if committee is None:
            problems.append(f"unknown committee {d.committee_id!r}")
        unit_id = scenario.unit_of_copy.get(d.resource_id)
        unit = scenario.resource_units.get(unit_id) if unit_id is not None else None
        if unit is None:
            problems.append(f"unknown resource {d.resource_id!r}")
        elif unit.product != d.product:
            problems.append(
                f"resource {d.resource_id!r} delivers {unit.product.value}, not {product}"
            )
        line = scenario.demand_by_id.get(d.demand_id)
        if line is None:
            problems.append(f"unknown demand line {d.demand_id!r}")
        elif line.committee != d.committee_id or line.product != d.product:
            problems.append(
                f"demand line {line.id!r} is for {line.committee} {line.product.value}, "
                f"not {d.committee_id} {product}"
            )
        for problem in problems:
            out.append(Violation("known_reference", f"delivery {did}: {problem}", (did,)))
        if not problems and committee is not None and unit is not None and line is not None:
            known.append(_Known(d, did, committee, unit, line))
    return out, known


def _service_area(scenario: Scenario, known: Sequence[_Known]) -> list[Violation]:
    out = []
    for k in known:
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


def _within_season(scenario: Scenario, known: Sequence[_Known]) -> list[Violation]:
    out = []
    last_week = scenario.season.weeks
    for k in known:
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


def _duration(known: Sequence[_Known]) -> list[Violation]:
    out = []
    for k in known:
        d = k.delivery
        occupied = d.last_week - d.first_week + 1
        if occupied != k.unit.duration:
            out.append(
                Violation(
                    "duration",
                    f"{_at(d)} occupies {occupied} week(s), a delivery of "
                    f"{unit_label(k.unit)} lasts {k.unit.duration}",
                    (k.did,),
                )
            )
    return out


def _theme_fit(known: Sequence[_Known]) -> list[Violation]:
    out = []
    for k in known:
        d = k.delivery
        if d.theme not in k.unit.themes:
            out.append(
                Violation(
                    "theme_fit",
                    f"{_at(d)}: theme {d.theme!r} is not among the themes of "
                    f"{unit_label(k.unit)}: {', '.join(k.unit.themes)}",
                    (k.did,),
                )
            )
        asked = k.line.demand.themes
        if asked and d.theme not in asked:
            out.append(
                Violation(
                    "theme_fit",
                    f"{_at(d)}: theme {d.theme!r} is not one demand line {k.line.id!r} "
                    f"asks for ({', '.join(asked)})",
                    (k.did,),
                )
            )
    return out


def _demand_limit(known: Sequence[_Known]) -> list[Violation]:
    by_line: dict[str, list[_Known]] = defaultdict(list)
    for k in known:
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


def _resource_capacity(scenario: Scenario, known: Sequence[_Known]) -> list[Violation]:
    use: dict[tuple[str, int], list[_Known]] = defaultdict(list)
    per_unit: dict[str, list[_Known]] = defaultdict(list)
    for k in known:
        per_unit[k.unit.id].append(k)
        for w in _season_weeks(scenario, k.delivery):
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


def _copy_overlap(scenario: Scenario, known: Sequence[_Known]) -> list[Violation]:
    by_copy: dict[str, list[_Known]] = defaultdict(list)
    for k in known:
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


def _unavailable_reasons(scenario: Scenario, unit: ResourceUnit, weeks: set[int]) -> list[str]:
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


def _resource_unavailable(scenario: Scenario, known: Sequence[_Known]) -> list[Violation]:
    out = []
    for k in known:
        off = scenario.unavailable_weeks(k.unit.id)
        hit = {w for w in _season_weeks(scenario, k.delivery) if w in off}
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


def _closed_week(scenario: Scenario, known: Sequence[_Known]) -> list[Violation]:
    out = []
    season_closed = set(scenario.season.closed_weeks)
    for k in known:
        closed = scenario.closed_weeks(k.committee.id)
        hit = {w for w in _season_weeks(scenario, k.delivery) if w in closed}
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


def _excluded_week(scenario: Scenario, known: Sequence[_Known]) -> list[Violation]:
    out = []
    for k in known:
        excluded = set(k.line.demand.excluded_weeks)
        hit = {w for w in _season_weeks(scenario, k.delivery) if w in excluded}
        if hit:
            out.append(
                Violation(
                    "excluded_week",
                    f"demand line {k.line.id!r} excludes {weeks_phrase(hit)}, but "
                    f"{_at(k.delivery)} serves it",
                    (k.did,),
                )
            )
    return out


def _venue(scenario: Scenario, known: Sequence[_Known]) -> list[Violation]:
    out = []
    held: dict[tuple[str, Product, int], list[_Known]] = defaultdict(list)
    for k in known:
        d, venue = k.delivery, k.committee.venue
        unit = k.unit
        if unit.needs_stage and not venue.stage:
            out.append(
                Violation(
                    "venue",
                    f"{unit_label(unit)} needs a stage, committee {k.committee.id!r} has "
                    f"none (show in {week_span(d.first_week, d.last_week)})",
                    (k.did,),
                )
            )
        if venue.audience_capacity < unit.min_audience:
            out.append(
                Violation(
                    "venue",
                    f"{unit_label(unit)} needs an audience of {unit.min_audience}, "
                    f"committee {k.committee.id!r} seats {venue.audience_capacity} "
                    f"(show in {week_span(d.first_week, d.last_week)})",
                    (k.did,),
                )
            )
        if unit.needs_fitness_floor and not venue.fitness_floor:
            out.append(
                Violation(
                    "venue",
                    f"a fitness course needs a fitness floor, committee {k.committee.id!r} has "
                    f"none ({_at(d)})",
                    (k.did,),
                )
            )
        if d.product in STAY_PRODUCTS:
            for w in _season_weeks(scenario, d):
                held[(k.committee.id, d.product, w)].append(k)
    for (committee_id, product, week), items in held.items():
        venue = scenario.committee_by_id[committee_id].venue
        if product == Product.BOOK_SET:
            slots, noun, field = venue.shelf_slots, "book sets", "shelf_slots"
        else:
            slots, noun, field = venue.board_slots, "board sets", "board_slots"
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


def _events_per_week(scenario: Scenario, known: Sequence[_Known]) -> list[Violation]:
    events: dict[tuple[str, int], list[_Known]] = defaultdict(list)
    for k in known:
        if k.delivery.product in EVENT_PRODUCTS:
            for w in _season_weeks(scenario, k.delivery):
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


def _van_moves(scenario: Scenario, known: Sequence[_Known]) -> list[Violation]:
    starts: dict[int, list[_Known]] = defaultdict(list)
    for k in known:
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


def _no_repeat_set(known: Sequence[_Known]) -> list[Violation]:
    received: dict[tuple[str, str], list[_Known]] = defaultdict(list)
    for k in known:
        if k.delivery.product in STAY_PRODUCTS:
            received[(k.committee.id, k.unit.id)].append(k)
    out = []
    for (committee_id, _), items in received.items():
        if len(items) > 1:
            spans = ", ".join(
                sorted(week_span(k.delivery.first_week, k.delivery.last_week) for k in items)
            )
            out.append(
                Violation(
                    "no_repeat_set",
                    f"committee {committee_id!r} receives {unit_label(items[0].unit)} "
                    f"{len(items)} times ({spans})",
                    tuple(sorted(k.did for k in items)),
                )
            )
    return out


def _duplicate_delivery(known: Sequence[_Known]) -> list[Violation]:
    counts = Counter(k.did for k in known)
    return [
        Violation(
            "duplicate_delivery",
            f"delivery id {did!r} is used by {n} deliveries",
            (did,) * n,
        )
        for did, n in counts.items()
        if n > 1
    ]


def _pin_met(scenario: Scenario, pin: Pin, k: _Known) -> bool:
    d = k.delivery
    if (d.committee_id, d.product, d.first_week) != (pin.committee, pin.product, pin.first_week):
        return False
    if pin.resource in scenario.resource_units:
        resource_ok = k.unit.id == pin.resource  # a unit (set kind) pin: any copy meets it
    else:
        resource_ok = d.resource_id == pin.resource  # a copy pin: only that copy
    return resource_ok and (pin.demand is None or d.demand_id == pin.demand)


def _pinned(scenario: Scenario, known: Sequence[_Known]) -> list[Violation]:
    out = []
    for i, pin in enumerate(scenario.pins):
        if any(_pin_met(scenario, pin, k) for k in known):
            continue
        out.append(Violation("pinned", pin_unmet_text(scenario, i)))
    return out


__all__ = ["RULES", "Violation", "assert_valid", "check_plan"]
