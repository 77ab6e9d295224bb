"""check_plan as a whole: valid plans, the rules contract, the report and its imports."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from planner import validate
from planner.plan import Delivery, Plan
from planner.scenario import Scenario
from planner.validate import RULES, Violation, assert_valid, check_plan
from planner.validate.checks import CHECKS
from tests.factories import build
from tests.rules_page import documented_rules
from tests.validate.plans import (
    BOOK,
    LECTURE,
    bk,
    rich_data,
    rules,
    show,
    swap,
    talk,
    valid_deliveries,
)

# -- valid plans ------------------------------------------------------------------------


def test_valid_plan_has_no_violations(scenario: Scenario) -> None:
    """A hand-written plan that keeps every rule is reported valid."""
    assert check_plan(scenario, Plan.of(valid_deliveries())) == []


def test_empty_plan_is_valid(scenario: Scenario) -> None:
    """An empty plan breaks no hard rule (without pins)."""
    assert check_plan(scenario, Plan()) == []


def test_assert_valid_passes_on_valid_plan(scenario: Scenario) -> None:
    """assert_valid returns quietly for a valid plan."""
    assert_valid(scenario, Plan.of(valid_deliveries()))


# -- the hard rules tables of docs/rules.md ---------------------------------------------


def test_rules_are_the_rows_of_the_hard_rules_tables() -> None:
    """RULES equals the rule names of the hard rules tables, in the page's order."""
    documented = documented_rules()
    assert len(documented) == 18
    assert tuple(rule for _, rule in documented) == RULES


def test_each_group_of_rules_has_its_own_module() -> None:
    """Each check is named after its rule, and each group of the page is one module."""
    check_of = dict(CHECKS)
    assert all(check.__name__ == rule for rule, check in CHECKS)
    modules: dict[str, set[str]] = defaultdict(set)
    for group, rule in documented_rules():
        modules[group].add(check_of[rule].__module__)
    assert all(len(m) == 1 for m in modules.values()), modules
    assert len({next(iter(m)) for m in modules.values()}) == len(modules)
    assert all(group for group in modules), "every hard rule sits under a group heading"


# -- reporting --------------------------------------------------------------------------


def test_all_violations_reported_at_once_in_rule_order() -> None:
    """Several broken rules are all reported, sorted by the rules table then message."""
    data = rich_data()
    data["committees"][1]["closed_weeks"] = [2]
    deliveries = valid_deliveries()
    deliveries.remove(bk("C1", "BK2", 5, 6))
    deliveries += [
        Delivery("C1", BOOK, "GHOST", 1, 1, "C1/book_set/1", "x"),  # known_reference
        bk("C1", "BK2", 5, 7),  # duration
        show("C2", 6),  # demand_limit: C2 asked for one show
        talk("C1", 1),  # demand_limit: C1 asked for one lecture
        talk("C2", 1, "历史"),  # demand_limit, and L1 gives two sessions in week 1
    ]  # and C2's show in week 2 falls in its closed week
    out = check_plan(build(data), Plan.of(deliveries))
    assert rules(out) == [
        "known_reference",
        "duration",
        "demand_limit",
        "demand_limit",
        "demand_limit",
        "resource_capacity",
        "closed_week",
    ]
    assert [v.message.split(" (")[0] for v in out if v.rule == "demand_limit"] == [
        "demand line 'C1/lecture/1'",
        "demand line 'C2/lecture/1'",
        "demand line 'C2/performance/1'",
    ]
    assert out == sorted(out, key=lambda v: (RULES.index(v.rule), v.message))


def test_violation_str_names_the_rule() -> None:
    """str(Violation) is 'rule: message'."""
    v = Violation("van_moves", "2 exhibition stays start in week 1, van moves_per_week 1")
    assert str(v) == "van_moves: 2 exhibition stays start in week 1, van moves_per_week 1"


def test_assert_valid_lists_every_violation(scenario: Scenario) -> None:
    """assert_valid raises an AssertionError naming every violation."""
    old = show("C2", 2)
    plan = swap(old, show("C2", 1))
    plan = Plan.of([*plan, Delivery("C1", LECTURE, "NOBODY", 2, 2, "C1/lecture/1", "健康")])
    with pytest.raises(AssertionError) as info:
        assert_valid(scenario, plan)
    text = str(info.value)
    assert "plan breaks 2 hard rules" in text
    assert "resource_capacity: troupe 'T1' (越剧团) gives 2 shows in week 1, capacity 1" in text
    assert "known_reference: delivery C1:lecture:NOBODY:w02: unknown resource 'NOBODY'" in text


def test_validate_imports_no_solver() -> None:
    """No module of planner/validate/ imports ortools or planner.solver."""
    imported: list[str] = []
    for path in sorted(Path(validate.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert imported
    assert not [m for m in imported if m.startswith(("ortools", "planner.solver"))]
