"""The ordered list of checks and the two entry points that run it.

:data:`CHECKS` pairs each hard rule of ``docs/rules.md`` with its check, in the order
of the rules tables there; :data:`RULES` and the order of the report follow from it.
Adding a rule is one check function in its group's module and one entry here.
"""

from __future__ import annotations

from planner.i18n import ngettext
from planner.plan import Plan
from planner.scenario import Scenario
from planner.validate.calendar import (
    closed_week,
    excluded_week,
    resource_unavailable,
    rotation_cycle,
)
from planner.validate.capacity import copy_overlap, demand_limit, resource_capacity
from planner.validate.core import Check, Violation, resolve
from planner.validate.references import (
    duration,
    known_reference,
    service_area,
    theme_fit,
    within_season,
)
from planner.validate.season import duplicate_delivery, no_repeat_set, pinned
from planner.validate.venues import events_per_week, van_moves, venue

#: Every hard rule with its check, in the order of the tables in ``docs/rules.md``.
CHECKS: tuple[tuple[str, Check], ...] = (
    # References and fit
    ("known_reference", known_reference),
    ("service_area", service_area),
    ("within_season", within_season),
    ("duration", duration),
    ("theme_fit", theme_fit),
    # Demand and capacity
    ("demand_limit", demand_limit),
    ("resource_capacity", resource_capacity),
    ("copy_overlap", copy_overlap),
    # Calendar
    ("resource_unavailable", resource_unavailable),
    ("closed_week", closed_week),
    ("excluded_week", excluded_week),
    ("rotation_cycle", rotation_cycle),
    # Venues, events and the van
    ("venue", venue),
    ("events_per_week", events_per_week),
    ("van_moves", van_moves),
    # The season as a whole
    ("no_repeat_set", no_repeat_set),
    ("duplicate_delivery", duplicate_delivery),
    ("pinned", pinned),
)

#: The hard rules, in the order of the tables in ``docs/rules.md``.
RULES: tuple[str, ...] = tuple(rule for rule, _ in CHECKS)

_RULE_ORDER = {rule: i for i, rule in enumerate(RULES)}


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
        Every violation, sorted by rule (in the order of the rules tables), then by
        message. An empty list means the plan is valid.
    """
    resolved = resolve(scenario, list(plan))
    out = [v for _, check in CHECKS for v in check(scenario, resolved)]
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
        head = ngettext("plan breaks {count} hard rule:", "plan breaks {count} hard rules:", n)
        raise AssertionError(f"{head.format(count=n)}\n{lines}")


__all__ = ["CHECKS", "RULES", "assert_valid", "check_plan"]
