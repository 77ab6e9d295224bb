"""The reasons a demand line can stay unmet: rule names, their order and the static ones.

A reason is the name of the hard rule of ``docs/rules.md`` that stands in the way, or
``no_resource`` (nothing delivers the product) or ``traded_off`` (nothing stands in the
way: the optimiser preferred its other goals). A line without any option gets the rule
behind its static blocker (:func:`planner.options.line_blocker`); a line with options
gets the coupling rule the :class:`~planner.ledger.Ledger` reports.
"""

from __future__ import annotations

from collections.abc import Sequence

from planner.options import static_blocker
from planner.scenario import DemandLine, Scenario
from planner.wording import NOT_A_REASON, UNMET_REASONS

#: Every reason key the unmet table can show, with its text (docs/rules.md order). The
#: texts are English marked with ``N_`` (and so are those of :data:`NOT_A_REASON`): show
#: them translated, with ``planner.i18n._`` or :func:`planner.wording.unmet_reason_text`.
REASONS: dict[str, str] = dict(UNMET_REASONS)

#: The static blockers of :data:`planner.wording.BLOCKERS` as the rules they stand for;
#: ``weeks`` is resolved per line by :func:`week_rule`.
BLOCKER_RULES: dict[str, str] = {
    "no_resource": "no_resource",
    "theme": "theme_fit",
    "service_area": "service_area",
    "venue_stage": "venue",
    "venue_audience": "venue",
    "venue_fitness_floor": "venue",
    "venue_shelf": "venue",
    "venue_boards": "venue",
    "no_events": "events_per_week",
}

#: The rules that can block every start of a fitting unit, in docs/rules.md order.
WEEK_RULES: tuple[str, ...] = (
    "within_season",
    "resource_unavailable",
    "closed_week",
    "excluded_week",
)

#: Tie-break order of the reasons found by replaying the plan: the most permanent
#: obstacle first (a set kind received stays received; full weeks may still empty in
#: a re-plan; a slot or the van is one delivery away from free).
PLAN_REASON_ORDER: tuple[str, ...] = (
    "no_repeat_set",
    "resource_capacity",
    "copy_overlap",
    "duplicate_delivery",
    "events_per_week",
    "venue",
    "van_moves",
)


def week_rule(scenario: Scenario, line: DemandLine) -> str:
    """Which week rule stops a line whose fitting units have no start week at all.

    Every start week of the season of every unit that passes the static checks is a
    candidate; each rule counts the candidates it blocks (a run reaching past the
    season for ``within_season``, a week of the run unavailable for the unit, closed
    for the committee or excluded by the line). The rule blocking the most wins, ties
    in docs/rules.md order.

    Parameters
    ----------
    scenario
        The scenario.
    line
        A line for which :func:`planner.options.line_blocker` says ``weeks``.

    Returns
    -------
    str
        One of :data:`WEEK_RULES`.
    """
    weeks = scenario.season.weeks
    closed = scenario.closed_weeks(line.committee)
    excluded = frozenset(line.demand.excluded_weeks)
    blocked = dict.fromkeys(WEEK_RULES, 0)
    for unit in scenario.units_in_area(line.product, line.committee):
        if static_blocker(scenario, line, unit) is not None:
            continue
        unavailable = scenario.unavailable_weeks(unit.id)
        for start in range(1, weeks + 1):
            run = range(start, start + unit.duration)
            blocked["within_season"] += run.stop - 1 > weeks
            blocked["resource_unavailable"] += any(w in unavailable for w in run)
            blocked["closed_week"] += any(w in closed for w in run)
            blocked["excluded_week"] += any(w in excluded for w in run)
    return max(WEEK_RULES, key=lambda rule: (blocked[rule], -WEEK_RULES.index(rule)))


__all__: Sequence[str] = [
    "BLOCKER_RULES",
    "NOT_A_REASON",
    "PLAN_REASON_ORDER",
    "REASONS",
    "WEEK_RULES",
    "week_rule",
]
