"""The solver on hypothesis-generated tiny scenarios: every plan keeps every hard rule."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.baseline import plan_baseline
from tests.factories import build, pins_of, solve_valid
from tests.strategies import small_scenarios

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(small_scenarios())
def test_random_scenarios_solve_to_valid_plans_no_worse_than_the_baseline(
    data: dict[str, Any],
) -> None:
    """Any tiny scenario solves to a plan the validator accepts, scoring at least the
    baseline's points (the search starts from the baseline), under its bound."""
    scenario = build(data)
    result = solve_valid(scenario, time_limit=10)
    baseline_points = result.baseline_objective
    assert baseline_points is not None
    assert result.objective is not None
    assert result.objective >= baseline_points - 1e-6
    if result.best_bound is not None:
        assert result.best_bound >= result.objective - 1e-6


@SETTINGS
@given(small_scenarios(), st.data())
def test_pins_taken_from_a_valid_plan_are_kept(data: dict[str, Any], pick: st.DataObject) -> None:
    """Pinning any deliveries of a valid plan gives a solvable scenario whose plan
    contains every pinned delivery."""
    plan = plan_baseline(build(data))
    kept = pick.draw(
        st.lists(st.sampled_from(plan.deliveries), unique=True) if len(plan) else st.just([])
    )
    data["pins"] = pins_of(kept)
    result = solve_valid(build(data), time_limit=10)
    assert result.plan is not None
    got = {(d.committee_id, d.resource_id, d.first_week) for d in result.plan}
    for d in kept:
        assert (d.committee_id, d.resource_id, d.first_week) in got
