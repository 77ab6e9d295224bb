"""The CP-SAT solver: the only package that imports OR-Tools."""

from planner.solver.entry import solve
from planner.solver.model import BuiltModel, build_model

__all__ = ["BuiltModel", "build_model", "solve"]
