"""Tests of planner.baseline: shares and the careful planner's turns (every plan validated)."""
