"""cultplan: season planning of cultural resource deliveries to residents' committees."""

from typing import TYPE_CHECKING, Any

from planner.io import read_deliveries, read_scenario, write_deliveries, write_scenario
from planner.params import Progress, SolveParams
from planner.plan import Delivery, Plan
from planner.result import Result, SolveStatus, StopReason, Term
from planner.scenario import Problem, Product, Scenario, ScenarioError

if TYPE_CHECKING:
    from planner.solver import solve

__all__ = [
    "Delivery",
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
    "read_deliveries",
    "read_scenario",
    "solve",
    "write_deliveries",
    "write_scenario",
]


def __getattr__(name: str) -> Any:
    # The solver (and OR-Tools) loads on first use, so the scenario model, validator,
    # KPIs and I/O stay importable without it.
    if name == "solve":
        from planner.solver import solve

        return solve
    raise AttributeError(f"module 'planner' has no attribute {name!r}")
