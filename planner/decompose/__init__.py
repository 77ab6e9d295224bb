"""Solving a large scenario subdistrict by subdistrict.

A district or city scenario is many subdistricts that share a few resources (the
district's or city's troupes, the van). :func:`solve` solves such a scenario, when it
is large, one subdistrict at a time with the shared capacity allotted between them
(:func:`solve_by_parts`), and any other scenario as one model
(:func:`planner.solver.solve`). See docs/solving.md.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from planner.decompose.allot import allot, shared_units
from planner.decompose.run import (
    SPLIT_FROM,
    PartTask,
    Runner,
    run_in_turn,
    should_split,
    solve_by_parts,
    solve_part,
    whole_reason,
)
from planner.decompose.split import Part, part_objective, split_scenario, splittable, subdistricts
from planner.params import Progress, SolveParams
from planner.result import Result
from planner.scenario import Scenario


def solve(
    scenario: Scenario,
    params: SolveParams | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    deadline: float | None = None,
) -> Result:
    """Plan a season: by subdistrict when :func:`should_split` says so, else whole.

    The parameters and the result are those of :func:`planner.solver.solve`; see
    :func:`solve_by_parts` for what a solve by subdistrict returns.
    """
    params = params or SolveParams()
    if should_split(scenario, params):
        return solve_by_parts(
            scenario, params, on_progress=on_progress, stop=stop, deadline=deadline
        )
    from planner.solver import solve as solve_whole

    return solve_whole(scenario, params, on_progress=on_progress, stop=stop, deadline=deadline)


__all__ = [
    "SPLIT_FROM",
    "Part",
    "PartTask",
    "Runner",
    "allot",
    "part_objective",
    "run_in_turn",
    "shared_units",
    "should_split",
    "solve",
    "solve_by_parts",
    "solve_part",
    "split_scenario",
    "splittable",
    "subdistricts",
    "whole_reason",
]
