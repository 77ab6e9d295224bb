"""Tests of planner.scenario: the records, units and input problems."""
