"""cultplan: season planning of cultural resource deliveries to residents' committees.

What a notebook or a service needs is here: read or build a scenario
(:func:`read_scenario`, :func:`reference_scenario`), solve it (:func:`solve`,
:class:`SolveParams`), check the plan (:func:`check_plan`), measure it
(:func:`compute_kpis`, beside :func:`plan_baseline`; a district's or city's two levels
with :func:`level_kpis`) and look at it as DataFrames (:func:`deliveries_frame`,
:func:`committees_frame`, :func:`allocation_frame`, ...). ``dir(planner)`` lists them all.
"""

import importlib
from typing import TYPE_CHECKING, Any

from planner.io import read_deliveries, read_scenario, write_deliveries, write_scenario
from planner.params import Progress, SolveParams
from planner.plan import Delivery, Plan
from planner.result import Result, SolveStatus, StopReason, Term
from planner.scenario import Problem, Product, Scenario, ScenarioError

if TYPE_CHECKING:
    from planner.baseline import plan_baseline
    from planner.decompose import solve
    from planner.frames import (
        allocation_frame,
        committees_frame,
        deliveries_frame,
        demand_frame,
        resources_frame,
        weeks_frame,
    )
    from planner.generate import reference_scenario
    from planner.i18n import use_language
    from planner.io import plan_frame
    from planner.kpis import Kpis, compute_kpis
    from planner.levels import level_kpis
    from planner.validate import Violation, check_plan

#: Names loaded on first use, and their modules. The solver (and OR-Tools) loads only
#: when ``solve`` is first used, so the scenario model, validator, KPIs and I/O stay
#: importable without it; the others wait so that ``import planner`` stays quick.
_LAZY: dict[str, str] = {
    "solve": "planner.decompose",
    "check_plan": "planner.validate",
    "Violation": "planner.validate",
    "compute_kpis": "planner.kpis",
    "Kpis": "planner.kpis",
    "plan_baseline": "planner.baseline",
    "allocation_frame": "planner.frames",
    "level_kpis": "planner.levels",
    "committees_frame": "planner.frames",
    "deliveries_frame": "planner.frames",
    "demand_frame": "planner.frames",
    "resources_frame": "planner.frames",
    "weeks_frame": "planner.frames",
    "plan_frame": "planner.io",
    "reference_scenario": "planner.generate",
    "use_language": "planner.i18n",
}

# The names imported above and those of _LAZY (tests/test_package.py checks that each
# resolves and that none of _LAZY is missing).
__all__ = [
    "Delivery",
    "Kpis",
    "Plan",
    "Problem",
    "Product",
    "Progress",
    "Result",
    "Scenario",
    "ScenarioError",
    "SolveParams",
    "SolveStatus",
    "StopReason",
    "Term",
    "Violation",
    "allocation_frame",
    "check_plan",
    "committees_frame",
    "compute_kpis",
    "deliveries_frame",
    "demand_frame",
    "level_kpis",
    "plan_baseline",
    "plan_frame",
    "read_deliveries",
    "read_scenario",
    "reference_scenario",
    "resources_frame",
    "solve",
    "use_language",
    "weeks_frame",
    "write_deliveries",
    "write_scenario",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'planner' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    # Tab completion and dir() show the public names, the lazily loaded ones before
    # their first use, and not the helpers of this module (Any, importlib, ...).
    return sorted(__all__)
