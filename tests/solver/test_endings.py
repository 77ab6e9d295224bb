"""Every way a solve can end: status, stop reason, gap, message and plan of the Result.

Endings that a tiny scenario does not reach by itself (a stage only within the gap, a
search out of time, a slow build) are brought about by replacing one step of the solve
with a stand-in; everything else runs as usual, and every plan is checked by the
validator.
"""

from __future__ import annotations

import dataclasses
import math
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from ortools.sat.python import cp_model

from planner import SolveParams, SolveStatus, StopReason, solve
from planner.params import relative_gap
from planner.scenario import Scenario
from planner.solver import entry, fallback
from planner.solver.search import BreaksARule
from planner.solver.stages import StageRun
from planner.validate import check_plan
from tests.factories import ask, base_data, build, only, pin, solve_valid, troupe

#: Gap 0 (not the default 0.5 %): these endings are about proven optima and bounds.
PARAMS = SolveParams(time_limit=20, seed=0, workers=1, relative_gap=0.0)


def _two_stages() -> Scenario:
    """Two committees, two troupes with one show a week over 3 weeks, 5 shows asked:
    a primary stage (coverage) and a secondary one (spread of events)."""
    d = base_data(weeks=3, committees=2)
    d["resources"] = {
        "troupes": [troupe("T1", "沪剧", shows_per_week=1), troupe("T2", "越剧", shows_per_week=1)]
    }
    d["demand"] = [ask("C1", "performance", 3), ask("C2", "performance", 2)]
    d["objective"] = only(coverage=100, spread=10)
    return build(d)


def _patch_stage(
    monkeypatch: pytest.MonkeyPatch, change: Callable[[StageRun, Any], StageRun]
) -> None:
    """Run every stage as usual, then hand its run to ``change`` (with the stage)."""
    real = entry.run_stage

    def patched(
        ctx: Any, control: Any, stage: Any, budget: float, offset: Any, start: Any = None
    ) -> StageRun:
        return change(real(ctx, control, stage, budget, offset, start), stage)

    monkeypatch.setattr(entry, "run_stage", patched)


def _valid(scenario: Scenario, result: Any) -> None:
    assert result.plan is not None
    assert check_plan(scenario, result.plan) == []


def test_a_proven_optimum_is_optimal_with_gap_0_and_says_so() -> None:
    """A tiny solve proven in every stage: ``optimal``, stop reason ``proven``, gap 0,
    every stage report ``optimal``, and the message "proven optimal"."""
    r = solve_valid(_two_stages())
    assert r.status == SolveStatus.OPTIMAL
    assert r.stop_reason == StopReason.PROVEN
    assert r.gap == 0 and r.best_bound == pytest.approx(r.objective)
    assert [s.status for s in r.stages] == [SolveStatus.OPTIMAL, SolveStatus.OPTIMAL]
    assert r.message == "proven optimal"


def test_within_the_gap_but_not_proven_is_feasible_with_stop_reason_gap_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A primary stage whose plan is within the gap limit of a bound it does not reach
    (here: the bound raised by 0.2 %) is no longer called optimal: ``feasible``, stop
    reason ``gap_limit``, its gap reported and said in words."""

    def loosen(run: StageRun, stage: Any) -> StageRun:
        if stage.name == "primary":
            run.bound = run.objective * 1.002
        return run

    _patch_stage(monkeypatch, loosen)
    scenario = _two_stages()
    r = solve(scenario, SolveParams(time_limit=20, seed=0, workers=1, relative_gap=0.005))
    _valid(scenario, r)
    assert r.status == SolveStatus.FEASIBLE
    assert r.stop_reason == StopReason.GAP_LIMIT
    assert r.gap is not None and 0 < r.gap <= 0.005
    assert r.stage("primary").status == SolveStatus.FEASIBLE  # type: ignore[union-attr]
    assert r.message.startswith("within 0.") and r.message.endswith(" % of the best possible plan")


@pytest.mark.parametrize("at_the_limit", [True, False])
def test_a_search_out_of_time_returns_its_plan_as_feasible_at_the_time_limit(
    at_the_limit: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stage that ran out of time far from its bound: ``feasible``, the gap against
    that bound, and a stop reason and message that say where the time ran out: the
    time limit (``time_limit``) when the solve ends at it (here: when any time left
    counts as none), else the stage's share of it (``stage_limit``: the primary stage
    here ends far from its bound and the secondary one on its own, 18 s early)."""

    def unproven(run: StageRun, stage: Any) -> StageRun:
        if stage.name == "primary":
            run.status, run.bound = cp_model.FEASIBLE, run.objective * 2
        return run

    _patch_stage(monkeypatch, unproven)
    if at_the_limit:
        monkeypatch.setattr(entry, "STAGE_LIMIT_MARGIN", math.inf)
    scenario = _two_stages()
    r = solve(scenario, PARAMS)
    _valid(scenario, r)
    assert r.status == SolveStatus.FEASIBLE
    assert r.objective is not None and r.best_bound is not None
    assert r.gap == pytest.approx(relative_gap(r.objective, r.best_bound))
    if at_the_limit:
        assert r.stop_reason == StopReason.TIME_LIMIT
        assert r.message.startswith("stopped at the time limit of 20 s; within ")
    else:
        assert r.stop_reason == StopReason.STAGE_LIMIT
        assert r.message.startswith(
            "a stage used up its share of the 20 s time limit before its goal; within "
        )


def test_a_stop_between_stages_returns_the_plan_so_far_as_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stop set while the primary stage runs skips the secondary stage: the primary
    plan comes back ``feasible`` with stop reason ``stopped`` and says so. (Without
    the baseline, whose spread of events could beat the unfinished plan here.)"""
    stop = threading.Event()

    def then_stop(run: StageRun, stage: Any) -> StageRun:
        stop.set()
        return run

    _patch_stage(monkeypatch, then_stop)
    monkeypatch.setattr(entry, "_baseline", lambda built, control, guide=None: None)
    scenario = _two_stages()
    r = solve(scenario, PARAMS, stop=stop)
    _valid(scenario, r)
    assert r.status == SolveStatus.FEASIBLE
    assert r.stop_reason == StopReason.STOPPED
    assert [s.name for s in r.stages] == ["primary"]
    assert r.message.startswith("stopped on request after ")
    assert r.message.endswith("; the best plan found so far")


def test_a_search_without_a_plan_falls_back_to_the_completed_baseline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No stage finds a plan: the baseline's plan, scored as the model counts it, comes
    back ``feasible`` (stop reason ``time_limit``) with no bound, and the message says
    it is the spreadsheet baseline's plan. This ending crashed the command line."""
    _patch_stage(monkeypatch, lambda run, stage: StageRun(cp_model.UNKNOWN))
    # The stage's instant UNKNOWN stands for one that used the whole limit.
    monkeypatch.setattr(entry, "STAGE_LIMIT_MARGIN", math.inf)
    scenario = _two_stages()
    r = solve(scenario, PARAMS)
    _valid(scenario, r)
    assert r.status == SolveStatus.FEASIBLE
    assert r.stop_reason == StopReason.TIME_LIMIT
    assert r.objective is not None and r.objective == pytest.approx(r.baseline_objective)
    assert r.best_bound is None and r.gap is None
    assert r.baseline_plan is not None and r.plan == r.baseline_plan
    assert r.message.startswith(
        "the spreadsheet baseline's plan (the search found nothing better in time); "
    )


def test_a_fallback_that_beats_the_plan_found_gets_its_own_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A search that returns an empty plan, beaten by the baseline's: the baseline's plan
    is returned and its status, gap and stop reason are its own, against the bound."""

    def empty(run: StageRun, stage: Any) -> StageRun:
        if stage.name == "primary" and run.values is not None:
            # The plan without any delivery, completed as the model would.
            x = [0] * len(run.values)
            run.values, run.objective = x, 0
            run.status, run.bound = cp_model.FEASIBLE, 40_000 * 1000
        return run

    _patch_stage(monkeypatch, empty)
    monkeypatch.setattr(entry, "complete", lambda ctx, x, terms, limit=2.0, control=None: None)
    scenario = _two_stages()
    r = solve(scenario, PARAMS)
    _valid(scenario, r)
    assert r.plan == r.baseline_plan and len(r.plan or ()) > 0
    assert r.status == SolveStatus.FEASIBLE
    assert r.objective == pytest.approx(r.baseline_objective)
    assert r.best_bound is not None and r.objective is not None
    assert r.gap == pytest.approx(relative_gap(r.objective, r.best_bound))
    assert "it beats the plan the search found" in r.message


def test_a_baseline_that_cannot_be_completed_in_time_is_still_returned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the baselines' plans cannot be completed into the model's values in time and
    the search finds nothing, the baseline's plan itself comes back (it keeps every
    rule), without a score or terms, ``feasible`` at the time limit."""
    _patch_stage(monkeypatch, lambda run, stage: StageRun(cp_model.UNKNOWN))
    # The stage's instant UNKNOWN stands for one that used the whole limit.
    monkeypatch.setattr(entry, "STAGE_LIMIT_MARGIN", math.inf)
    monkeypatch.setattr(fallback, "complete_checked", lambda ctx, x, terms, limit, control: None)
    scenario = _two_stages()
    r = solve(scenario, PARAMS)
    _valid(scenario, r)
    assert r.status == SolveStatus.FEASIBLE
    assert r.stop_reason == StopReason.TIME_LIMIT
    assert r.objective is None and r.terms == () and r.baseline_objective is None
    assert r.baseline_plan is not None and r.plan == r.baseline_plan
    assert re.match(r"the (spreadsheet|greedy) baseline's plan", r.message)


def test_a_baseline_the_model_refuses_is_no_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    """A baseline plan whose completion proves it breaks a rule of the model is not
    returned: with no plan from the search, the solve ends without one."""

    def refused(*args: Any) -> None:
        raise BreaksARule

    _patch_stage(monkeypatch, lambda run, stage: StageRun(cp_model.UNKNOWN))
    monkeypatch.setattr(fallback, "complete_checked", refused)
    r = solve(_two_stages(), PARAMS)
    assert r.status == SolveStatus.NO_SOLUTION and r.plan is None
    assert r.baseline_plan is None


def test_no_plan_at_all_is_no_solution_at_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither the search nor the baseline gives a plan: ``no_solution``, stop reason
    ``time_limit``, and a message that no plan was found within the limit."""
    _patch_stage(monkeypatch, lambda run, stage: StageRun(cp_model.UNKNOWN))
    monkeypatch.setattr(entry, "_baseline", lambda built, control, guide=None: None)
    r = solve(_two_stages(), PARAMS)
    assert r.status == SolveStatus.NO_SOLUTION and r.plan is None
    assert r.stop_reason == StopReason.TIME_LIMIT
    assert r.message == "no plan was found within the time limit of 20 s"


def test_conflicting_pins_are_infeasible_with_stop_reason_proven() -> None:
    """Two pins of a one-show troupe in the same week: ``infeasible``, proven, no plan."""
    d = base_data(weeks=2, committees=2)
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 1), ask("C2", "performance", 1)]
    d["pins"] = [pin("C1", "performance", "T1", 1), pin("C2", "performance", "T1", 1)]
    r = solve(build(d), PARAMS)
    assert r.status == SolveStatus.INFEASIBLE and r.plan is None
    assert r.stop_reason == StopReason.PROVEN
    assert "pins[0]" in r.message and "pins[1]" in r.message


def _slow(seconds: float, then: Callable[[], Any]) -> Callable[..., Any]:
    """A step that works (in Python, in short sleeps) for ``seconds``, then calls ``then``."""

    def step(*args: Any, **kwargs: Any) -> Any:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            time.sleep(0.01)
        return then()

    return step


def test_building_over_the_limit_gives_up_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model that would take 30 s to build under a 0.5 s limit: the build gives up at
    the limit, the solve returns ``no_solution`` (stop reason ``time_limit``) within
    the limit plus a second, and the message says building alone took too long."""
    scenario = _two_stages()
    monkeypatch.setattr(entry, "build_model", _slow(30, lambda: None))
    began = time.perf_counter()
    r = solve(scenario, SolveParams(time_limit=0.5, workers=1))
    assert time.perf_counter() - began < 1.5
    assert r.status == SolveStatus.NO_SOLUTION and r.plan is None
    assert r.stop_reason == StopReason.TIME_LIMIT
    assert r.message.startswith("building the model alone took longer than the time limit")


def test_a_slow_baseline_gives_up_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A baseline that would take 30 s under a 1 s limit gives up at the limit: no plan,
    within the limit plus a second."""
    scenario = _two_stages()
    monkeypatch.setattr(entry, "plan_start", _slow(30, lambda: None))
    began = time.perf_counter()
    r = solve(scenario, SolveParams(time_limit=1, workers=1))
    assert time.perf_counter() - began < 2
    assert r.status == SolveStatus.NO_SOLUTION
    assert r.stop_reason == StopReason.TIME_LIMIT


def test_a_stop_while_building_ends_the_solve_without_a_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A stop set while the model is built ends the build within a second: no plan,
    stop reason ``stopped``, and a message that the search was stopped."""
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()
    monkeypatch.setattr(entry, "build_model", _slow(30, lambda: None))
    began = time.perf_counter()
    r = solve(_two_stages(), SolveParams(time_limit=60, workers=1), stop=stop)
    assert time.perf_counter() - began < 2
    assert r.status == SolveStatus.NO_SOLUTION
    assert r.stop_reason == StopReason.STOPPED
    assert r.message.startswith("the search was stopped after ")


def test_fairness_first_without_a_fairness_weight_keeps_the_proven_plan() -> None:
    """``fairness_first`` with a fairness weight of 0 plans no fairness stage, so plans
    are not ranked by the fairness level either (no stage sets it): the proven optimum
    is returned as ``optimal``, not swapped for a baseline's plan."""
    d = base_data(weeks=2, committees=2)
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 1), ask("C2", "performance", 1)]
    d["objective"] = only(coverage=1, travel=10, fairness_first=True)
    r = solve_valid(build(d))
    assert r.status == SolveStatus.OPTIMAL and r.stop_reason == StopReason.PROVEN
    assert r.message == "proven optimal"


def test_a_stop_while_a_baseline_is_completed_keeps_its_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A completion of the baselines that would run past the stop ends on the stop, and
    the baseline's plan is still returned (the search, stopped, found nothing)."""
    stop = threading.Event()
    monkeypatch.setattr(fallback, "complete_checked", _slow(30, lambda: None))
    threading.Timer(0.5, stop.set).start()
    scenario = _two_stages()
    began = time.perf_counter()
    r = solve(scenario, SolveParams(time_limit=60, workers=1), stop=stop)
    assert time.perf_counter() - began < 3
    _valid(scenario, r)
    assert r.status == SolveStatus.FEASIBLE and r.stop_reason == StopReason.STOPPED
    assert r.objective is None and r.plan == r.baseline_plan


def test_a_fallback_after_a_bound_without_a_plan_is_measured_against_that_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A primary stage that proves a bound but finds no plan of its own: the baseline's
    plan comes back ``feasible`` with that bound and its gap, said in words (not "no
    bound yet")."""
    _patch_stage(
        monkeypatch,
        lambda run, stage: StageRun(cp_model.UNKNOWN, bound=run.bound, seconds=run.seconds),
    )
    scenario = _two_stages()
    r = solve(scenario, PARAMS)
    _valid(scenario, r)
    assert r.status == SolveStatus.FEASIBLE and r.plan == r.baseline_plan
    assert r.best_bound is not None and r.objective is not None
    assert r.gap == pytest.approx(relative_gap(r.objective, r.best_bound))
    assert "not known yet" not in r.message


def test_no_time_left_before_building_says_so() -> None:
    """A deadline that has passed before the model is built (the caller's reading and
    reserve took the whole limit): no plan, stop reason ``time_limit``, and a message
    that no time was left, not that building took too long."""
    r = solve(_two_stages(), PARAMS, deadline=time.perf_counter() - 1)
    assert r.status == SolveStatus.NO_SOLUTION and r.plan is None
    assert r.stop_reason == StopReason.TIME_LIMIT
    assert r.message.startswith("no time was left to build the model")


def test_a_better_baseline_that_breaks_the_guarantee_is_named_in_the_outcome(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With ``keep_baseline_coverage``, a greedy baseline with more points that leaves a
    committee below its spreadsheet coverage is not the fallback; the outcome says so
    instead of only "the search found nothing better"."""
    d = base_data(weeks=3, committees=2)
    d["resources"] = {
        "troupes": [troupe("T1", "沪剧", shows_per_week=1), troupe("T2", "越剧", shows_per_week=1)]
    }
    d["demand"] = [ask("C1", "performance", 3), ask("C2", "performance", 2)]
    d["objective"] = {**only(coverage=100), "keep_baseline_coverage": True}
    scenario = build(d)
    real_start, real_served = fallback.plan_start, fallback.model_served
    plans: dict[str, Any] = {}

    def greedy_best(ctx: Any) -> Any:
        baselines = real_start(ctx)
        plans.update(baselines.plans)
        return dataclasses.replace(baselines, best="greedy")

    def greedy_serves_less(ctx: Any, plan: Any) -> dict[str, int]:
        served = real_served(ctx, plan)
        if plan is plans["greedy"]:  # one committee less than the spreadsheet serves it
            served = {c: v - 1 for c, v in served.items()}
        return served

    _patch_stage(monkeypatch, lambda run, stage: StageRun(cp_model.UNKNOWN))
    monkeypatch.setattr(entry, "plan_start", greedy_best)
    monkeypatch.setattr(fallback, "model_served", greedy_serves_less)
    r = solve(scenario, PARAMS)
    _valid(scenario, r)
    assert r.plan == plans["spreadsheet"]
    assert r.message.startswith("the spreadsheet baseline's plan")
    assert "the greedy baseline's plan has more points but leaves some committees" in r.message
