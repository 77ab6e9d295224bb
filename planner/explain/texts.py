"""The explanations of the unmet table: each reason's text with the ids and weeks concerned.

The short text of each reason lives in :mod:`planner.wording`; these sentences add what
a planner needs to act on it: the units, the committee and the weeks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from planner.i18n import _, ngettext
from planner.ledger import Ledger
from planner.options import Option
from planner.scenario import DemandLine, Product, Scenario
from planner.wording import BLOCKERS, UNMET_REASONS, unit_label, weeks_phrase


def blocker_text(line: DemandLine, blocker: str, week_rule: str | None = None) -> str:
    """The BLOCKERS text of a line without options; for ``weeks``, the rule behind it."""
    reason = _(BLOCKERS[blocker])
    if week_rule is not None:
        return _("{line}: {reason}; mostly: {rule_text} ({rule})").format(
            line=line.id, reason=reason, rule_text=_(UNMET_REASONS[week_rule]), rule=week_rule
        )
    if blocker == "theme" and line.demand.themes:
        return _("{line}: {reason} (wished: {themes})").format(
            line=line.id, reason=reason, themes=_(", ").join(line.demand.themes)
        )
    return _("{line}: {reason}").format(line=line.id, reason=reason)


def traded_off_text(scenario: Scenario, line: DemandLine, free: list[Option]) -> str:
    """That some unit could still serve the line: the first, and the units with room."""
    first = free[0]
    unit = scenario.resource_units[first.unit_id]
    return _(
        "capacity is there: {unit} could serve {committee} in {weeks} without breaking any "
        "hard rule (units with room: {units}); the plan does not use it (a proven optimal "
        "plan trades it off for its other goals; a plan stopped at the time limit may not "
        "have reached it)"
    ).format(
        unit=unit_label(unit),
        committee=line.committee,
        weeks=weeks_phrase(first.weeks),
        units=_some([o.unit_id for o in free], 5, _(", ")),
    )


def plan_reason_text(
    scenario: Scenario,
    ledger: Ledger,
    line: DemandLine,
    reason: str,
    blocked: list[tuple[Option, list[int]]],
) -> str:
    """The explanation of a coupling rule blocking a line's options.

    One whole sentence per rule (and per product where the venue's slots differ), so
    that each is translated as a whole.

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
    weeks = weeks_phrase(sorted({w for _option, ws in blocked for w in ws}))
    if reason == "resource_capacity":
        return _capacity_text(scenario, ledger, blocked)
    if reason == "copy_overlap":
        parts = _per_unit_text(scenario, blocked, _("{unit} has no copy free for all of {weeks}"))
        return _("pinned copies leave no copy free for a whole stay: {units}").format(units=parts)
    if reason == "duplicate_delivery":
        parts = _per_unit_text(scenario, blocked, _("{unit} in {weeks}"))
        return _(
            "the fitting resources already come to {committee} when this line could use "
            "them: {units}"
        ).format(committee=c.id, units=parts)
    if reason in ("events_per_week", "venue", "van_moves"):
        return _weekly_limit_text(scenario, line, reason, weeks)
    # no_repeat_set
    kinds = sorted({o.unit_id for o, _weeks in blocked})
    return ngettext(
        "{committee} has already received the fitting set kind {kinds} this season, and a "
        "committee gets each set kind at most once (no_repeat_set)",
        "{committee} has already received the fitting set kinds {kinds} this season, and a "
        "committee gets each set kind at most once (no_repeat_set)",
        len(kinds),
    ).format(committee=c.id, kinds=_(", ").join(kinds))


def _weekly_limit_text(scenario: Scenario, line: DemandLine, reason: str, weeks: str) -> str:
    """That a weekly limit is reached in ``weeks``: the committee's events, its shelf or
    board slots (by the line's product), or the van's moves."""
    c = scenario.committee_by_id[line.committee]
    if reason == "events_per_week":
        limit = c.max_events_per_week
        return ngettext(
            "{committee} already has its limit of {limit} event a week in {weeks}, when the "
            "fitting resources could come",
            "{committee} already has its limit of {limit} events a week in {weeks}, when the "
            "fitting resources could come",
            limit,
        ).format(committee=c.id, limit=limit, weeks=weeks)
    if reason == "venue" and line.product == Product.BOOK_SET:
        slots = c.venue.shelf_slots
        return ngettext(
            "{committee}'s {slots} shelf slot is taken in {weeks}, when a fitting book set "
            "could stay",
            "{committee}'s {slots} shelf slots are taken in {weeks}, when a fitting book set "
            "could stay",
            slots,
        ).format(committee=c.id, slots=slots, weeks=weeks)
    if reason == "venue":
        slots = c.venue.board_slots
        return ngettext(
            "{committee}'s {slots} board slot is taken in {weeks}, when a fitting board set "
            "could stay",
            "{committee}'s {slots} board slots are taken in {weeks}, when a fitting board set "
            "could stay",
            slots,
        ).format(committee=c.id, slots=slots, weeks=weeks)
    # van_moves
    moves = scenario.resources.van.moves_per_week
    return ngettext(
        "the van's {moves} move a week is used up in {weeks}, when a fitting board set "
        "could be installed",
        "the van's {moves} moves a week are used up in {weeks}, when a fitting board set "
        "could be installed",
        moves,
    ).format(moves=moves, weeks=weeks)


def _capacity_text(
    scenario: Scenario, ledger: Ledger, blocked: list[tuple[Option, list[int]]]
) -> str:
    full_weeks: dict[str, set[int]] = defaultdict(set)
    for o, ws in blocked:
        full_weeks[o.unit_id].update(ws)
    parts = []
    # Busiest first: the most full weeks, then the most use over the season.
    ranked = sorted(full_weeks, key=lambda u: (-len(full_weeks[u]), -ledger.season_use(u), u))
    for unit_id in ranked:
        unit = scenario.resource_units[unit_id]
        if unit.season_max is not None and ledger.season_use(unit_id) >= unit.season_max:
            text = ngettext(
                "{unit} has reached its season maximum of {count} show",
                "{unit} has reached its season maximum of {count} shows",
                unit.season_max,
            )
            parts.append(text.format(unit=unit_label(unit), count=unit.season_max))
            continue
        text = _("{unit} full in {weeks}")
        parts.append(text.format(unit=unit_label(unit), weeks=weeks_phrase(full_weeks[unit_id])))
    return _(
        "the fitting resources are fully booked in the weeks this line could use: {units}"
    ).format(units=_some(parts, 3, _("; ")))


def _per_unit_text(scenario: Scenario, blocked: list[tuple[Option, list[int]]], part: str) -> str:
    """``part`` (a text naming ``{unit}`` and ``{weeks}``) for up to three units, most
    weeks first."""
    weeks_of: dict[str, set[int]] = defaultdict(set)
    for o, ws in blocked:
        weeks_of[o.unit_id].update(ws or o.weeks)
    ranked = sorted(weeks_of, key=lambda u: (-len(weeks_of[u]), u))
    parts = [
        part.format(unit=unit_label(scenario.resource_units[u]), weeks=weeks_phrase(weeks_of[u]))
        for u in ranked
    ]
    return _some(parts, 3, _("; "))


def _some(items: list[str], shown: int, separator: str) -> str:
    """The first ``shown`` items joined by ``separator``, and how many more there are."""
    text = separator.join(items[:shown])
    more = len(items) - shown
    if more <= 0:
        return text
    return _("{items} and {count} more").format(items=text, count=more)


__all__: Sequence[str] = ["blocker_text", "plan_reason_text", "traded_off_text"]
