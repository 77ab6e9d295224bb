"""The CP-SAT solver: the only package that imports OR-Tools."""

from planner.solver.solve import solve

__all__ = ["solve"]
