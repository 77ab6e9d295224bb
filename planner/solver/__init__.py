"""The CP-SAT solver: the only package that imports OR-Tools."""

from planner.solver.model import BuiltModel, build_model
from planner.solver.solve import solve

__all__ = ["BuiltModel", "build_model", "solve"]
