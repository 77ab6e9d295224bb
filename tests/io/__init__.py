"""Tests of planner.io: file formats and the output folder."""
