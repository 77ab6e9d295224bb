"""Tests of planner.solver: the model, the stages, bounds, stopping (every plan is validated)."""
