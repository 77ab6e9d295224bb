"""Tests of planner.generate: reference facts and seeded tiers."""
