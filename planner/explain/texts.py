"""The explanations of the unmet table: each reason's text with the ids and weeks concerned.

The short text of each reason lives in :mod:`planner.wording`; these sentences add what
a planner needs to act on it: the units, the committee and the weeks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from planner.i18n import _
from planner.ledger import Ledger
from planner.options import Option
from planner.scenario import DemandLine, Product, Scenario
from planner.wording import BLOCKERS, UNMET_REASONS, unit_label, weeks_phrase


def blocker_text(line: DemandLine, blocker: str, week_rule: str | None = None) -> str:
    """The BLOCKERS text of a line without options; for ``weeks``, the rule behind it."""
    text = f"{line.id}: {_(BLOCKERS[blocker])}"
    if blocker == "theme" and line.demand.themes:
        text += f" (wished: {', '.join(line.demand.themes)})"
    if week_rule is not None:
        text += f"; mostly: {_(UNMET_REASONS[week_rule])} ({week_rule})"
    return text


def traded_off_text(scenario: Scenario, line: DemandLine, free: list[Option]) -> str:
    """That some unit could still serve the line: the first, and the units with room."""
    first = free[0]
    unit = scenario.resource_units[first.unit_id]
    units = ", ".join(o.unit_id for o in free[:5])
    if len(free) > 5:
        units += f" and {len(free) - 5} more"
    return (
        f"capacity is there: {unit_label(unit)} could serve {line.committee} in "
        f"{weeks_phrase(first.weeks)} without breaking any hard rule (units with room: "
        f"{units}); the plan does not use it (a proven optimal plan trades it off for its "
        "other goals; a plan stopped at the time limit may not have reached it)"
    )


def plan_reason_text(
    scenario: Scenario,
    ledger: Ledger,
    line: DemandLine,
    reason: str,
    blocked: list[tuple[Option, list[int]]],
) -> str:
    """The explanation of a coupling rule blocking a line's options.

    Parameters
    ----------
    scenario, ledger
        The scenario and the plan's ledger.
    line
        The unmet line.
    reason
        The rule chosen (a key of :data:`planner.explain.reasons.PLAN_REASON_ORDER`).
    blocked
        The options the rule blocks, each with the weeks concerned.
    """
    c = scenario.committee_by_id[line.committee]
    weeks = sorted({w for _, ws in blocked for w in ws})
    if reason == "resource_capacity":
        return _capacity_text(scenario, ledger, blocked)
    if reason == "copy_overlap":
        lead = "pinned copies leave no copy free for a whole stay: "
        return _per_unit_text(scenario, blocked, lead, "has no copy free for all of ")
    if reason == "duplicate_delivery":
        lead = f"the fitting resources already come to {c.id} when this line could use them: "
        return _per_unit_text(scenario, blocked, lead, "in ")
    if reason == "events_per_week":
        return (
            f"{c.id} already has its limit of {c.max_events_per_week} event(s) a week "
            f"in {weeks_phrase(weeks)}, when the fitting resources could come"
        )
    if reason == "venue" and line.product == Product.BOOK_SET:
        return (
            f"{c.id}'s {c.venue.shelf_slots} shelf slot(s) are taken in "
            f"{weeks_phrase(weeks)}, when a fitting book set could stay"
        )
    if reason == "venue":
        return (
            f"{c.id}'s {c.venue.board_slots} board slot(s) are taken in "
            f"{weeks_phrase(weeks)}, when a fitting board set could stay"
        )
    if reason == "van_moves":
        return (
            f"the van's {scenario.resources.van.moves_per_week} move(s) a week are used up "
            f"in {weeks_phrase(weeks)}, when a fitting board set could be installed"
        )
    # no_repeat_set
    kinds = sorted({o.unit_id for o, _ in blocked})
    return (
        f"{c.id} has already received the fitting set kind(s) {', '.join(kinds)} this "
        f"season, and a committee gets each set kind at most once (no_repeat_set)"
    )


def _capacity_text(
    scenario: Scenario, ledger: Ledger, blocked: list[tuple[Option, list[int]]]
) -> str:
    full_weeks: dict[str, set[int]] = defaultdict(set)
    for o, ws in blocked:
        full_weeks[o.unit_id].update(ws)
    parts = []
    # Busiest first: the most full weeks, then the most use over the season.
    ranked = sorted(full_weeks, key=lambda u: (-len(full_weeks[u]), -ledger.season_use(u), u))
    for unit_id in ranked[:3]:
        unit = scenario.resource_units[unit_id]
        if unit.season_max is not None and ledger.season_use(unit_id) >= unit.season_max:
            parts.append(
                f"{unit_label(unit)} has reached its season maximum of {unit.season_max} show(s)"
            )
            continue
        parts.append(f"{unit_label(unit)} full in {weeks_phrase(full_weeks[unit_id])}")
    more = len(ranked) - 3
    tail = f" and {more} more" if more > 0 else ""
    return (
        "the fitting resources are fully booked in the weeks this line could use: "
        + "; ".join(parts)
        + tail
    )


def _per_unit_text(
    scenario: Scenario, blocked: list[tuple[Option, list[int]]], lead: str, what: str
) -> str:
    """``<lead><unit> <what><weeks>`` for up to three units, most weeks first."""
    weeks_of: dict[str, set[int]] = defaultdict(set)
    for o, ws in blocked:
        weeks_of[o.unit_id].update(ws or o.weeks)
    ranked = sorted(weeks_of, key=lambda u: (-len(weeks_of[u]), u))
    parts = [
        f"{unit_label(scenario.resource_units[u])} {what}{weeks_phrase(weeks_of[u])}"
        for u in ranked[:3]
    ]
    more = len(ranked) - 3
    tail = f" and {more} more" if more > 0 else ""
    return lead + "; ".join(parts) + tail


__all__: Sequence[str] = ["blocker_text", "plan_reason_text", "traded_off_text"]
