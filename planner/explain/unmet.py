"""Why demand stays unmet: one reason, named after a hard rule, per unmet demand line.

The reasons come from the static option analysis of :mod:`planner.options` (why a line
has no option at all) and, when options exist, from the :class:`~planner.ledger.Ledger`
of the plan (which coupling rules stand in the way of each option). Nothing here
depends on the solver.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from planner.explain.reasons import BLOCKER_RULES, PLAN_REASON_ORDER, week_rule
from planner.explain.texts import blocker_text, plan_reason_text, traded_off_text
from planner.ledger import Ledger
from planner.options import Option, copy_planned_units, line_blocker, line_options
from planner.plan import Plan
from planner.scenario import DemandLine, Scenario

UNMET_COLUMNS = [
    "demand_id",
    "committee_id",
    "committee_name",
    "product",
    "requested",
    "delivered",
    "reason",
    "explanation",
]


def explain_line(
    scenario: Scenario, plan: Plan, line: DemandLine, ledger: Ledger | None = None
) -> tuple[str, str]:
    """Return why a demand line is not (fully) met: a reason key and an explanation.

    A line without any option gets the rule behind the static blocker of
    :func:`planner.options.line_blocker` (:data:`~planner.explain.reasons.
    BLOCKER_RULES`; for ``weeks`` the week rule blocking the most candidate starts,
    :func:`~planner.explain.reasons.week_rule`) and the blocker's BLOCKERS text.
    Otherwise every option is checked against the plan's ledger. If one would fit
    every hard rule, the reason is ``traded_off``. If not, the rule that alone blocks
    the most options is chosen (relieving it would let the line grow); if every option
    is blocked by several rules at once, the rule blocking the most options. Ties go to
    the more permanent rule (:data:`~planner.explain.reasons.PLAN_REASON_ORDER`:
    ``no_repeat_set``, then ``resource_capacity``, ``duplicate_delivery``,
    ``events_per_week``, ``venue``, ``van_moves``). ``copy_overlap`` blocks an option
    only for a set kind with a pin on one copy (:func:`planner.options.
    copy_planned_units`): the copies of other kinds are interchangeable, so the plan's
    stays could be given other copies whenever each week has one left.

    Parameters
    ----------
    scenario, plan
        The scenario and the plan.
    line
        The demand line.
    ledger
        The plan's ledger, if already counted.

    Returns
    -------
    tuple of str
        The reason key (a key of :data:`~planner.explain.reasons.REASONS`, an English
        identifier) and an explanation naming ids and weeks, in the current language
        (:mod:`planner.i18n`).
    """
    blocker = line_blocker(scenario, line)
    if blocker is not None:
        if blocker == "weeks":
            rule = week_rule(scenario, line)
            return rule, blocker_text(line, blocker, rule)
        return BLOCKER_RULES[blocker], blocker_text(line, blocker)
    ledger = ledger if ledger is not None else Ledger.of(scenario, plan)
    per_copy = copy_planned_units(scenario)
    checked: list[tuple[Option, dict[str, list[int]]]] = []
    free: dict[str, Option] = {}  # the first option that fits, per unit
    for option in line_options(scenario, line):
        if option.unit_id in free:
            continue
        found = ledger.obstacles(line, option)
        # A line short of its count is never at its demand limit; only the rules that
        # can stand in its way are weighed.
        obstacles = {
            r: ws
            for r, ws in found.items()
            if r in PLAN_REASON_ORDER and (r != "copy_overlap" or option.unit_id in per_copy)
        }
        if obstacles:
            checked.append((option, obstacles))
        else:
            free[option.unit_id] = option
    if free:
        return "traded_off", traded_off_text(scenario, line, list(free.values()))
    reason = _choose(obs for _, obs in checked)
    blocked = [(o, obs[reason]) for o, obs in checked if reason in obs]
    return reason, plan_reason_text(scenario, ledger, line, reason, blocked)


def _choose(obstacles: Iterable[Mapping[str, list[int]]]) -> str:
    """The rule blocking the most options alone, else the most options; permanent first."""
    sole: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    for obs in obstacles:
        anywhere.update(obs.keys())
        if len(obs) == 1:
            sole.update(obs.keys())
    counts = sole if sole else anywhere
    order = PLAN_REASON_ORDER
    return max(order, key=lambda r: (counts[r], -order.index(r)))


def unmet_frame(
    scenario: Scenario,
    plan: Plan,
    delivered: Mapping[str, int] | None = None,
    *,
    reasons: bool = True,
) -> pd.DataFrame:
    """Return one row per demand line with fewer deliveries than requested, with reasons.

    Parameters
    ----------
    scenario, plan
        The scenario and the plan.
    delivered
        Deliveries per demand line, if already counted (:func:`planner.kpis.compute_kpis`
        passes those that fit their line); without it, the ledger's count of the
        deliveries naming each line, which is the same for a plan that keeps
        ``theme_fit``.
    reasons
        False to leave ``reason`` and ``explanation`` empty: finding them takes most
        of the time at district scale, and a summary of a plan that is not written
        (the baseline's beside a solve) needs only the unmet lines.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`UNMET_COLUMNS`; see :func:`explain_line` for how the reason is
        chosen. ``reason`` is a rule name (an identifier); ``explanation`` is in the
        current language.
    """
    ledger = Ledger.of(scenario, plan)
    rows = []
    for line in scenario.demand_lines:
        got = delivered.get(line.id, 0) if delivered is not None else ledger.line_use(line.id)
        if got >= line.demand.count:
            continue
        reason, text = explain_line(scenario, plan, line, ledger) if reasons else ("", "")
        c = scenario.committee_by_id[line.committee]
        rows.append(
            {
                "demand_id": line.id,
                "committee_id": c.id,
                "committee_name": c.name,
                "product": line.product.value,
                "requested": line.demand.count,
                "delivered": got,
                "reason": reason,
                "explanation": text,
            }
        )
    return pd.DataFrame(rows, columns=UNMET_COLUMNS)


__all__: Sequence[str] = ["UNMET_COLUMNS", "explain_line", "unmet_frame"]
