"""Tests of the solver-free validator, one module per group of rules (no solver is run)."""
