"""Tests of planner.explain: why a demand line stays unmet, by the rule in the way."""
