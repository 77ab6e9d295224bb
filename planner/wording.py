"""Planner-facing phrases, in one voice.

Written here once: product names, unit nouns, week spans, unit labels, the reasons an
option cannot exist or a line stays unmet (and why some rules never are), the phrases
naming pins, and the messages of how a solve ended. The validator, the input problems,
the unmet-demand explanations and the command line still compose their longer
sentences (with ids, weeks and values) from these pieces in their own modules; those
sentences move into a message catalogue with the translation. Phrases are English for
now (product names are Chinese: committees read them on their calendars).

Conventions: ids are quoted (``'T01'``), a unit is named with its kind and name
(``troupe 'T01' (政通沪剧团)``), and week runs use an en dash (``weeks 1–3, 5``).

This module imports only the scenario model, so that the validator may use it.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner.scenario import Product, ResourceUnit, Scenario

#: Names of the products as committees read them on their calendars.
PRODUCT_NAMES: dict[Product, str] = {
    Product.BOOK_SET: "图书",
    Product.EXHIBITION: "展板",
    Product.PERFORMANCE: "文艺演出",
    Product.LECTURE: "文化讲座",
    Product.FITNESS_COURSE: "健身课程",
}

#: How planners call the unit of each product.
UNIT_NOUNS: dict[Product, str] = {
    Product.BOOK_SET: "book set",
    Product.EXHIBITION: "board set",
    Product.PERFORMANCE: "troupe",
    Product.LECTURE: "lecturer",
    Product.FITNESS_COURSE: "trainer",
}

#: What a unit does ``n`` times in a week, for capacity messages.
USE_NOUNS: dict[Product, str] = {
    Product.BOOK_SET: "sets out",
    Product.EXHIBITION: "sets out",
    Product.PERFORMANCE: "shows",
    Product.LECTURE: "sessions",
    Product.FITNESS_COURSE: "courses running",
}

#: The verb joining a unit and its uses (``gives 2 shows``, ``has 2 sets out``).
USE_VERBS: dict[Product, str] = {
    Product.BOOK_SET: "has",
    Product.EXHIBITION: "has",
    Product.PERFORMANCE: "gives",
    Product.LECTURE: "gives",
    Product.FITNESS_COURSE: "has",
}

#: Reasons an option is impossible, with the text shown to planners. The order is the
#: order of the static checks (see :func:`planner.options.line_blocker`).
BLOCKERS: dict[str, str] = {
    "no_resource": "no resource delivers this product",
    "theme": "no resource offers the wished themes",
    "service_area": "the resources that fit serve another subdistrict",
    "venue_stage": "the venue has no stage and the troupes that fit need one",
    "venue_audience": "the venue is too small for the troupes that fit",
    "venue_fitness_floor": "the venue has no fitness floor",
    "venue_shelf": "the venue has no shelf slot for a book set",
    "venue_boards": "the venue has no room for exhibition boards",
    "no_events": "the committee takes no events (max_events_per_week is 0)",
    "weeks": "no run of open weeks fits: closed, excluded or unavailable weeks, "
    "or too few weeks left in the season",
}

#: Why a demand line stays unmet, by reason key: the name of the hard rule of
#: ``docs/rules.md`` that stands in the way, or ``no_resource`` (nothing delivers the
#: product) or ``traded_off`` (nothing stands in the way). In the order of the rules
#: page; the unmet table's explanation adds the ids and weeks concerned.
UNMET_REASONS: dict[str, str] = {
    "no_resource": BLOCKERS["no_resource"],
    "service_area": BLOCKERS["service_area"],
    "within_season": "too few weeks are left in the season for a whole stay or course",
    "theme_fit": BLOCKERS["theme"],
    "resource_capacity": "the fitting resources are fully booked in the weeks the line could use",
    "copy_overlap": "pinned copies leave no copy of the fitting set kinds free for a whole "
    "stay in the weeks the line could use",
    "resource_unavailable": "the fitting resources are unavailable in the weeks the line could use",
    "closed_week": "the committee is closed in the weeks the line could use",
    "excluded_week": "the line excludes the weeks the fitting resources could come in",
    "venue": "the venue lacks what the fitting resources need, or its shelf or board slots "
    "are taken in the open weeks",
    "events_per_week": "the committee's weekly event limit is reached in the open weeks "
    "(or it takes no events)",
    "van_moves": "the van's moves are used up in the weeks a board set could be installed",
    "no_repeat_set": "the committee already received every fitting set kind this season",
    "duplicate_delivery": "the fitting resources already come to the committee in the "
    "weeks the line could use",
    "traded_off": "a delivery would still fit every hard rule; the plan does not use it (a "
    "proven optimal plan trades it off for its other goals; a plan stopped at the time "
    "limit may not have reached it)",
}

#: The hard rules that can never be why a demand line stays unmet, with why not.
NOT_A_REASON: dict[str, str] = {
    "known_reference": "the unmet table lists the scenario's own lines, and their options "
    "name only known resources of the line's product",
    "duration": "an option always takes its unit's whole stay, show or course",
    "demand_limit": "an unmet line has fewer deliveries than its count, so its own limit "
    "is never in the way",
    "rotation_cycle": "it never removes every start: a stay or course that fits from "
    "some week lies in a cycle whose first week that fits stays a start",
    "pinned": "pins are kept before anything else is planned; what they take up shows "
    "as the rule it fills (capacity, slots, events, van)",
}


def weeks_text(weeks: Iterable[int]) -> str:
    """Return weeks compactly: ``[1, 2, 3, 5]`` → ``"1–3, 5"``."""
    ordered = sorted(set(weeks))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}–{ordered[j]}")
        i = j + 1
    return ", ".join(parts)


def weeks_phrase(weeks: Iterable[int]) -> str:
    """Return ``"week 3"`` for one week, ``"weeks 1–3, 5"`` for several."""
    ordered = sorted(set(weeks))
    if len(ordered) == 1:
        return f"week {ordered[0]}"
    return f"weeks {weeks_text(ordered)}"


def week_span(first: int, last: int) -> str:
    """Return the weeks of one delivery: ``"week 3"`` or ``"weeks 3–6"``.

    Written as given even when ``last`` comes before ``first`` (a broken delivery
    is named as it is).
    """
    return f"week {first}" if first == last else f"weeks {first}–{last}"


def unit_label(unit: ResourceUnit) -> str:
    """Return a unit as planners name it: ``troupe 'T01' (政通沪剧团)``."""
    return f"{UNIT_NOUNS[unit.product]} {unit.id!r} ({unit.name})"


def weekly_use_text(unit: ResourceUnit, count: int, week: int) -> str:
    """Return that a unit is used ``count`` times in a week, beyond its capacity.

    ``troupe 'T1' (越剧团) gives 2 shows in week 1, capacity 1``.
    """
    label, verb, uses = unit_label(unit), USE_VERBS[unit.product], USE_NOUNS[unit.product]
    return f"{label} {verb} {count} {uses} in week {week}, capacity {unit.capacity}"


def pin_text(scenario: Scenario, k: int) -> str:
    """Return pin ``k`` of the scenario as planners read it.

    ``performance 'T1' at 'C1' from week 3``.
    """
    p = scenario.pins[k]
    return f"{p.product.value} {p.resource!r} at {p.committee!r} from week {p.first_week}"


def pin_unmet_text(scenario: Scenario, k: int) -> str:
    """Return that no delivery meets pin ``k``, naming its demand line if it has one."""
    pin = scenario.pins[k]
    if pin.demand is None:
        return f"pins[{k}] ({pin_text(scenario, k)}) has no matching delivery"
    return (
        f"pins[{k}] ({pin_text(scenario, k)}, demand line {pin.demand!r}) has no matching delivery"
    )


# -- how a solve ended (planner.solver) --------------------------------------------------

#: Heads of the messages of an infeasible solve.
PINS_WITHOUT_OPTION = "the pinned deliveries cannot be kept:"
PINS_IN_CONFLICT = (
    "the pinned deliveries cannot all be kept together (they would break a hard rule: "
    "capacity, venue, weekly events, van moves, demand count or a repeated set):"
)


def pin_without_line_text(committee_id: str, product: Product) -> str:
    """Return that a pin's committee asked for nothing of the pinned product."""
    return f"committee {committee_id!r} has no demand line for {product.value}"


def pin_weeks_text(
    closed: Iterable[int],
    unavailable: Iterable[int],
    unit_id: str,
    excluded: Iterable[int],
    line_id: str,
    past_season: bool,
    off_cycle: bool = False,
) -> str:
    """Return why a pinned delivery's weeks are not open: the weeks each rule closes,
    or that it starts off its rotation cycle (``season.rotation_cycle``)."""
    parts = []
    if closed := sorted(closed):
        parts.append(f"committee closed in week(s) {closed}")
    if unavailable := sorted(unavailable):
        parts.append(f"{unit_id!r} unavailable in week(s) {unavailable}")
    if excluded := sorted(excluded):
        parts.append(f"demand line {line_id!r} excludes week(s) {excluded}")
    if past_season:
        parts.append("runs past the end of the season")
    if off_cycle and not parts:
        parts.append("starts off its rotation cycle (season.rotation_cycle)")
    return "; ".join(parts) or "weeks not available"


def no_plan_text(time_limit: float) -> str:
    """Return that the search found no plan within its time limit."""
    return f"no plan was found within the time limit of {time_limit:g} s"


def stopped_without_plan_text(elapsed: float) -> str:
    """Return that the caller stopped the solve, ``elapsed`` seconds in, before any plan."""
    return f"the search was stopped after {elapsed:.1f} s, before any plan"


#: Head of the message of an infeasible solve that ended before the conflict was narrowed.
PINS_IN_CONFLICT_UNNAMED = (
    "the pinned deliveries cannot all be kept together; the search for the pins in "
    "conflict ended early (stopped or out of time), so all pins are listed:"
)


def build_over_limit_text(time_limit: float) -> str:
    """Return that building the model alone took longer than the time limit."""
    return (
        f"building the model alone took longer than the time limit of {time_limit:g} s; "
        "no plan (allow more time)"
    )


def no_time_to_build_text(time_limit: float) -> str:
    """Return that no time was left to build the model (reading, or the command's
    reserve for its report, took the whole limit)."""
    return (
        f"no time was left to build the model within the time limit of {time_limit:g} s; "
        "no plan (allow more time)"
    )


def gap_text(gap: float | None) -> str:
    """Return how close a plan is to the best possible one, from its relative gap."""
    if gap is None or gap != gap or gap == float("inf"):
        return "how close it is to the best possible plan is not known (no bound yet)"
    if gap <= 0:
        return "as good as the best possible plan (it meets the proven bound)"
    percent = f"{100 * gap:.2f}".rstrip("0").rstrip(".")
    if percent == "0":
        return "within 0.01 % of the best possible plan"
    return f"within {percent} % of the best possible plan"


def outcome_text(
    stop_reason: str,
    gap: float | None,
    *,
    time_limit: float,
    stopped_at: float | None = None,
    fallback: bool = False,
    beats_found: bool = False,
    baseline_name: str = "spreadsheet",
) -> str:
    """Return how a solve with a plan ended, in words.

    Parameters
    ----------
    stop_reason
        The value of :class:`planner.result.StopReason`: ``proven`` (the plan is proven
        optimal), ``gap_limit``, ``time_limit`` or ``stopped``.
    gap
        The plan's relative gap to the proven bound (None without a bound).
    time_limit
        The solve's time limit in seconds.
    stopped_at
        Seconds into the solve when the caller stopped it.
    fallback
        The plan is a baseline's.
    beats_found
        With ``fallback``: the search found a plan, which the baseline's beats.
    baseline_name
        With ``fallback``: which baseline (``spreadsheet`` or ``greedy``).
    """
    if stop_reason == "proven" and not fallback:
        return "proven optimal"
    closeness = gap_text(gap)
    if fallback:
        if beats_found:
            why = "it beats the plan the search found"
        elif stop_reason == "stopped":
            why = "the search was stopped before it found anything better"
        else:
            why = "the search found nothing better in time"
        return f"the {baseline_name} baseline's plan ({why}); {closeness}"
    if stop_reason == "gap_limit":
        return closeness
    if stop_reason == "stopped":
        elapsed = "" if stopped_at is None else f" after {stopped_at:.1f} s"
        return f"stopped on request{elapsed}; {closeness}; the best plan found so far"
    return f"stopped at the time limit of {time_limit:g} s; {closeness}"


__all__ = [
    "BLOCKERS",
    "NOT_A_REASON",
    "PINS_IN_CONFLICT",
    "PINS_IN_CONFLICT_UNNAMED",
    "PINS_WITHOUT_OPTION",
    "PRODUCT_NAMES",
    "UNIT_NOUNS",
    "UNMET_REASONS",
    "USE_NOUNS",
    "USE_VERBS",
    "build_over_limit_text",
    "gap_text",
    "no_plan_text",
    "outcome_text",
    "pin_text",
    "pin_unmet_text",
    "pin_weeks_text",
    "pin_without_line_text",
    "stopped_without_plan_text",
    "unit_label",
    "week_span",
    "weekly_use_text",
    "weeks_phrase",
    "weeks_text",
]
