"""The rules page is the contract: every layer names every rule and goal, and no other.

A hard rule of docs/rules.md must appear in the model (a rule family of ``HARD_RULES``,
a static rule of the options, or a rule the model keeps by construction, with its
argument), in the validator (``RULES``), in the ledger (counted, or named with why it
is not) and among the unmet-demand reasons (a reason, or named with why it never is).
Each goal of the page is one goal function of the model and one weight of
``Objective``. Grep a rule's name and you land on one place per layer.
"""

from __future__ import annotations

import pytest

from planner.explain import NOT_A_REASON, REASONS
from planner.ledger import LEDGER_RULES, NOT_COUNTED
from planner.options import STATIC_RULES
from planner.scenario import Objective
from planner.solver import build_model
from planner.solver.constraints import ENFORCED_ELSEWHERE, HARD_RULES
from planner.solver.objective import GOALS
from planner.validate import RULES
from tests.factories import base_data, build
from tests.rules_page import documented_goals, documented_rules

#: Unmet-demand reasons that are not hard rules: nothing delivers the product at all, or
#: a delivery would still fit and the optimiser chose otherwise.
REASONS_BEYOND_RULES = {"no_resource", "traded_off"}

RULES_ON_PAGE = [rule for _, rule in documented_rules()]

#: Each layer: the rules it names (with their reasons, where it says why it does not).
LAYERS: dict[str, list[str]] = {
    "model": [
        *(family.__name__ for family in HARD_RULES),
        *STATIC_RULES,
        *ENFORCED_ELSEWHERE,
    ],
    "validator": list(RULES),
    "ledger": [*LEDGER_RULES, *NOT_COUNTED],
    "unmet reasons": [*(set(REASONS) - REASONS_BEYOND_RULES), *NOT_A_REASON],
}


def test_the_page_names_eighteen_rules_once_each() -> None:
    """The page's hard rules tables hold 18 rules, none twice."""
    assert len(RULES_ON_PAGE) == len(set(RULES_ON_PAGE)) == 18


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_every_rule_of_the_page_is_in_every_layer(layer: str) -> None:
    """Each layer names every hard rule of docs/rules.md."""
    missing = [rule for rule in RULES_ON_PAGE if rule not in LAYERS[layer]]
    assert missing == [], f"{layer} misses {missing}"


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_no_layer_names_a_rule_the_page_does_not_have(layer: str) -> None:
    """A rule named in a layer is a rule of the page (a typo or a removed rule fails)."""
    unknown = sorted(set(LAYERS[layer]) - set(RULES_ON_PAGE))
    assert unknown == [], f"{layer} names {unknown}"


def test_layers_that_explain_a_rule_do_not_also_use_it() -> None:
    """A rule is either counted or explained as not counted, a reason or explained as
    never one, kept by a rule family or explained as kept elsewhere: never both."""
    families = {family.__name__ for family in HARD_RULES}
    assert set(LEDGER_RULES).isdisjoint(NOT_COUNTED)
    assert set(REASONS).isdisjoint(NOT_A_REASON)
    assert families.isdisjoint(ENFORCED_ELSEWHERE)
    assert all(NOT_COUNTED.values()) and all(NOT_A_REASON.values())
    assert all(ENFORCED_ELSEWHERE.values())


def test_the_validator_reports_rules_in_the_page_order() -> None:
    """The validator's rules are the page's, in the page's order."""
    assert list(RULES) == RULES_ON_PAGE


def test_every_goal_is_a_goal_function_and_an_objective_weight() -> None:
    """The goals table, the model's goal functions and the objective's weights name the
    same goals (``shortfall_target`` is the shortfall goal's target, not a weight)."""
    on_page = {term for term, _ in documented_goals()}
    functions = {goal.__name__ for goal in GOALS}
    weights = {
        name for name, field in Objective.model_fields.items() if field.annotation is float
    } - {"shortfall_target"}
    assert on_page == functions == weights
    assert len(on_page) == 8


def test_every_goal_has_the_level_the_page_gives_it() -> None:
    """Built with every weight on, each goal's term has the page's level (primary or
    secondary) and the page's name."""
    data = base_data(weeks=2)
    data["objective"] = {name: 1.0 for name, _ in documented_goals()}
    built = build_model(build(data))
    levels = {term.name: term.level for term in built.terms}
    assert levels == dict(documented_goals())
