"""Solving subdistrict by subdistrict: valid plans, honest bounds, the right dispatch."""

from __future__ import annotations

import dataclasses
import math
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, cast

import pytest

from planner import wording
from planner.decompose import SPLIT_FROM, run, should_split, solve, solve_by_parts
from planner.decompose.split import split_scenario
from planner.network import Distances
from planner.params import Progress, SolveParams
from planner.result import Result, SolveStatus, StopReason
from planner.scenario import Scenario
from planner.score import meets_guarantees, score_plan
from planner.solver.guide import PartGuide
from planner.validate import assert_valid
from tests.decompose.support import AREAS, two_areas, two_areas_data
from tests.factories import base_data, build, solve_valid, two_level_data

#: One worker, a fixed seed, proven optima where time allows.
PARAMS = SolveParams(time_limit=20, workers=1, seed=0, relative_gap=0.0, decompose="yes")


def _varied(seed: int) -> dict[str, Any]:
    """The two-subdistrict scenario with its counts, copies, caps and van drawn by seed."""
    rng = random.Random(seed)
    data = two_areas_data(weeks=rng.choice((4, 5, 6)))
    for line in data["demand"]:
        line["count"] = rng.randint(1, 3)
        line["priority"] = rng.choice((1.0, 1.5, 2.0))
    data["resources"]["board_sets"][0]["copies"] = rng.randint(1, 2)
    data["resources"]["troupes"][2]["max_shows"] = rng.randint(2, 6)
    data["resources"]["troupes"][2]["shows_per_week"] = rng.randint(1, 2)
    data["resources"]["van"]["moves_per_week"] = rng.randint(1, 2)
    data["objective"] = {"fairness": rng.choice((0.0, 10.0, 30.0)), "shortfall": 20.0}
    return data


@pytest.mark.parametrize("seed", range(8))
def test_the_parts_plan_is_valid_and_the_whole_bound_holds(seed: int) -> None:
    """On small scenarios of two subdistricts sharing a troupe, a board set kind and
    the van, the plan put together from the parts keeps every hard rule and the
    guarantees, scores (without the solver) what the result says, is at most the
    whole model's proven optimum, and the bound made from the parts' LP prices is at
    least that optimum and at least the whole model's LP bound."""
    scenario = build(_varied(seed))
    whole = solve_valid(scenario)
    assert whole.status == SolveStatus.OPTIMAL
    assert whole.objective is not None
    result = solve_by_parts(scenario, PARAMS)
    assert result.status == SolveStatus.FEASIBLE
    assert result.plan is not None and result.objective is not None
    assert_valid(scenario, result.plan)
    assert meets_guarantees(scenario, result.plan)
    assert score_plan(scenario, result.plan).total == pytest.approx(result.objective, abs=1e-6)
    assert result.objective <= whole.objective + 1e-6
    assert result.best_bound is not None
    assert result.best_bound >= whole.objective - 1e-6
    # It bounds the whole model's LP relaxation too (a stronger check of its prices).
    primary = whole.stage("primary")
    assert primary is not None and primary.lp_bound is not None
    assert result.best_bound >= primary.lp_bound - 1e-6
    assert result.gap is not None and result.gap >= 0
    assert [p.area for p in result.parts] == list(AREAS)
    assert all(p.status.has_plan and p.ran for p in result.parts)
    # Never worse than the fallback it starts from.
    assert result.baseline_objective is not None
    assert result.objective >= result.baseline_objective - 1e-6


def test_each_parts_report_names_its_subdistrict_by_id_and_name() -> None:
    """The report of each part of a scenario that lists its subdistricts gives the
    subdistrict's id and its name (``area``), in ``Result.parts`` and in ``stats.parts``
    (the ``kpis.json`` form)."""
    result = solve_by_parts(build(two_level_data()), PARAMS)
    assert result.status == SolveStatus.FEASIBLE
    assert [(p.subdistrict_id, p.area) for p in result.parts] == [
        ("SA", "甲街道"),
        ("SB", "乙街道"),
    ]
    parts = result.stats["parts"]
    assert [(p["subdistrict_id"], p["area"]) for p in parts] == [("SA", "甲街道"), ("SB", "乙街道")]


def _stop_as_the_parts_begin(
    stop: threading.Event, seen: list[Progress] | None = None
) -> Callable[[Progress], None]:
    """A progress callback that sets ``stop`` at the first report of the parts (the
    shared step done, no part started), and keeps every report in ``seen``."""

    def on_progress(progress: Progress) -> None:
        if progress.stage == "parts":
            stop.set()
        if seen is not None:
            seen.append(progress)

    return on_progress


def test_a_stop_after_every_part_ended_leaves_the_solve_as_it_ends() -> None:
    """A stop (a cancel) that comes once every part has ended on its own, while the
    plan is put together, does not make the solve read as stopped: its stop reason is
    the one it would have had, and every part's plan is kept. A stop at the first
    report of the parts still reads as stopped (the test above)."""
    scenario = two_areas()
    stop = threading.Event()

    def on_progress(progress: Progress) -> None:
        if progress.stage == "parts" and progress.parts_done == progress.parts:
            stop.set()

    result = solve_by_parts(scenario, PARAMS, stop=stop, on_progress=on_progress)
    assert stop.is_set()
    assert all(p.ran for p in result.parts)
    assert result.stop_reason != StopReason.STOPPED
    assert result.plan is not None
    assert_valid(scenario, result.plan)


def test_a_stop_before_the_parts_keeps_the_baselines_plan() -> None:
    """A stop set once the shared step is done, before any part, ends the solve with
    the fallback baseline's plan for every subdistrict, said so (the baseline's plan,
    both subdistricts without their own), and stop reason ``stopped``."""
    scenario = two_areas()
    stop = threading.Event()
    result = solve_by_parts(scenario, PARAMS, stop=stop, on_progress=_stop_as_the_parts_begin(stop))
    assert result.stop_reason == StopReason.STOPPED
    assert result.plan is not None
    assert result.plan == result.baseline_plan
    assert all(p.status == SolveStatus.NO_SOLUTION for p in result.parts)
    # Never run, and kpis.json says so.
    assert not any(p.ran for p in result.parts)
    assert all(p.to_dict()["ran"] is False for p in result.parts)
    # The message names the whole fallback and the baseline passed over, exactly.
    setup = run._with_whole_baselines(scenario, Distances(scenario))
    assert setup is not None
    # Here the greedy plan has more points but leaves a committee below its coverage.
    assert (setup.fallback_name, setup.passed_over) == ("spreadsheet", [("greedy", "coverage")])
    assert "so it cannot be used" in result.message
    assert result.message == wording.parts_text(
        2,
        2,
        wording.outcome_text(
            "stopped",
            None,
            time_limit=PARAMS.time_limit,
            fallback=True,
            baseline_name=setup.fallback_name,
            passed_over=setup.passed_over,
        ),
    )


def test_progress_reports_each_part_with_the_plan_so_far() -> None:
    """Progress comes as the baselines begin, as the parts begin (none of two done, the
    whole fallback's plan so far), and after each part, with how many subdistricts are
    done and the coverage of the plan so far; no parts are counted outside the parts
    stage."""
    seen: list[Progress] = []
    solve_by_parts(two_areas(), PARAMS, on_progress=seen.append)
    assert [p.stage for p in seen] == ["baselines", "parts", "parts", "parts"]
    assert [(p.parts_done, p.parts) for p in seen] == [(None, None), (0, 2), (1, 2), (2, 2)]
    # As the parts begin, the plan so far is the whole fallback's.
    assert all(p.coverage is not None and p.coverage > 0 for p in seen[1:])


@pytest.mark.parametrize("ratio", [0.0, 1e9])
def test_progress_waits_in_proportion_to_what_a_report_costs(
    ratio: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Of three subdistricts, the parts' reports come after each part when reports cost
    nothing to wait for; when the wait is PROGRESS_COST_RATIO times the last report's
    cost and that is huge, the second part's report is left out (the first part's end
    and the last are always reported)."""
    monkeypatch.setattr(run, "PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr(run, "PROGRESS_COST_RATIO", ratio)
    data = two_areas_data()
    south = {**data["grids"][1], "id": "G3", "name": "南网格", "subdistrict": "南街道"}
    south["subcentre"] = {**south["subcentre"], "id": "S3", "name": "南分中心"}
    data["grids"].append(south)
    data["committees"][5]["grid"] = "G3"
    seen: list[Progress] = []
    solve_by_parts(build(data), PARAMS, on_progress=seen.append)
    counts = [(p.parts_done, p.parts) for p in seen if p.stage == "parts"]
    if ratio:
        assert counts == [(0, 3), (1, 3), (3, 3)]
    else:
        assert counts == [(0, 3), (1, 3), (2, 3), (3, 3)]


def test_only_large_scenarios_of_several_subdistricts_are_split_by_default() -> None:
    """``decompose: auto`` splits a scenario of several subdistricts only from
    SPLIT_FROM demand lines × weeks; ``yes`` splits any such scenario, ``no`` none,
    and a scenario of one subdistrict is never split."""
    small = two_areas()
    assert not should_split(small, SolveParams())
    assert should_split(small, SolveParams(decompose="yes"))
    assert not should_split(small, SolveParams(decompose="no"))
    assert not should_split(build(base_data()), SolveParams(decompose="yes"))
    data = two_areas_data(weeks=52)
    copies = SPLIT_FROM // (52 * len(data["demand"])) + 1
    data["demand"] = [{**line, "id": f"L{k}"} for k, line in enumerate(data["demand"] * copies)]
    assert should_split(build(data), SolveParams())


def test_solve_dispatches_to_the_parts_or_the_whole_model() -> None:
    """``planner.decompose.solve`` returns a result with one report per subdistrict when
    it splits, and none when it solves the whole model."""
    scenario = two_areas()
    assert len(solve(scenario, PARAMS).parts) == 2
    whole = solve(scenario, SolveParams(time_limit=20, workers=1, decompose="no"))
    assert whole.parts == ()


def test_decompose_is_a_checked_solve_parameter() -> None:
    """A bad ``decompose`` value is named with the values allowed."""
    with pytest.raises(ValueError, match="decompose: one of auto, yes, no"):
        SolveParams.from_dict({"decompose": "maybe"})


def _by_weeks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every split a split by weeks: the whole's baselines never fit the time."""
    monkeypatch.setattr(run, "WHOLE_BASELINES_UP_TO", 0)
    monkeypatch.setattr(run, "WHOLE_BASELINES_SECONDS_PER_LINE", math.inf)


def test_a_city_plans_the_whole_baselines_when_the_time_allows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Up to WHOLE_BASELINES_UP_TO lines the whole's baselines are always planned; beyond,
    only when their estimated time is at most WHOLE_BASELINES_SHARE of the time left,
    and a split solve then allots from the whole's baselines, else it splits by weeks."""
    scenario = two_areas()
    lines = len(scenario.demand_lines)
    assert run.plans_whole_baselines(scenario, 0.0)
    monkeypatch.setattr(run, "WHOLE_BASELINES_UP_TO", lines - 1)
    monkeypatch.setattr(run, "WHOLE_BASELINES_SECONDS_PER_LINE", 0.1)
    need = 0.1 * lines / run.WHOLE_BASELINES_SHARE
    assert run.plans_whole_baselines(scenario, need * 1.001)
    assert not run.plans_whole_baselines(scenario, need * 0.999)
    made: list[str] = []
    for name in ("_with_whole_baselines", "_by_weeks"):
        real = getattr(run, name)
        monkeypatch.setattr(run, name, _recorded(real, name, made))
    for limit in (need + 2, need / 2):  # the parts' gap is 0: they take their time
        result = solve_by_parts(scenario, dataclasses.replace(PARAMS, time_limit=limit))
        assert result.plan is not None
        assert_valid(scenario, result.plan)
    assert made == ["_with_whole_baselines", "_by_weeks"]


def _recorded(real: Callable[..., Any], name: str, made: list[str]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        made.append(name)
        return real(*args)

    return call


@pytest.mark.parametrize("seed", range(4))
def test_a_split_by_weeks_gives_a_valid_plan_without_a_whole_bound(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Split by weeks (as a city is: each part with its share of the shared units in
    its own scenario, and its own baselines), the parts' plans together keep every hard
    rule, score what the result says, and are at most the proven optimum of the whole
    model without the guarantees (each part keeps its own baseline's, not the whole's);
    no whole bound is claimed; the fallback is the parts' own fallbacks together."""
    _by_weeks(monkeypatch)
    data = _varied(seed)
    scenario = build(data)
    data["objective"].update(keep_baseline_minimum=False, keep_baseline_coverage=False)
    whole = solve_valid(build(data))
    assert whole.objective is not None
    result = solve_by_parts(scenario, PARAMS)
    assert result.plan is not None and result.objective is not None
    assert_valid(scenario, result.plan)
    assert score_plan(scenario, result.plan).total == pytest.approx(result.objective, abs=1e-6)
    assert result.objective <= whole.objective + 1e-6
    assert result.best_bound is None and result.gap is None
    assert all(p.status.has_plan for p in result.parts)
    assert result.baseline_plan is not None
    assert_valid(scenario, result.baseline_plan)


@pytest.mark.parametrize("fill_seconds", [run.FILL_SECONDS, 0.0])
def test_subdistricts_never_solved_in_a_split_by_weeks_get_their_spreadsheet_plan(
    fill_seconds: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Split by weeks and stopped before any part is solved (once the split is made):
    each subdistrict is given its own spreadsheet baseline's plan (in its share of the
    shared units), the plan together keeps every rule, and the message says they keep
    their own baseline's deliveries; the last progress report shows that plan. With no
    time for it (FILL_SECONDS 0) they have no deliveries, and the message says that
    instead."""
    _by_weeks(monkeypatch)
    monkeypatch.setattr(run, "FILL_SECONDS", fill_seconds)
    scenario = two_areas()
    stop = threading.Event()
    seen: list[Progress] = []
    on_progress = _stop_as_the_parts_begin(stop, seen)
    result = solve_by_parts(scenario, PARAMS, stop=stop, on_progress=on_progress)
    # The last report shows the plan as it ends: the fills' coverage, or none.
    assert seen[-1].stage == "parts" and (seen[-1].parts_done, seen[-1].parts) == (0, 2)
    assert (seen[-1].coverage is not None) == bool(fill_seconds)
    assert result.plan is not None and result.stop_reason == StopReason.STOPPED
    assert_valid(scenario, result.plan)
    assert not any(p.ran for p in result.parts)
    served = {d.committee_id for d in result.plan}
    if fill_seconds:
        assert all(served & part.committees for part in split_scenario(scenario))
        assert result.plan == result.baseline_plan
        assert "keep their own spreadsheet baseline's deliveries" in result.message
        assert "have no deliveries" not in result.message
    else:
        assert not served
        assert "2 subdistricts got no plan in time and have no deliveries" in result.message


def test_pins_the_baselines_cannot_keep_go_to_the_whole_model() -> None:
    """Two subdistricts pinned to the shared troupe in the same week (one show a week):
    the baselines cannot keep both, so the scenario is solved whole, which says it is
    infeasible and names the pins; no plan that breaks a rule comes back."""
    data = two_areas_data()
    data["pins"] = [
        {"committee": "C1", "product": "performance", "resource": "T9", "first_week": 2},
        {"committee": "C4", "product": "performance", "resource": "T9", "first_week": 2},
    ]
    result = solve_by_parts(build(data), PARAMS)
    assert result.status == SolveStatus.INFEASIBLE
    assert result.plan is None
    assert "C1" in result.message and "C4" in result.message


def test_kind_pins_on_a_shared_board_set_keep_the_parts_plans() -> None:
    """Pins on the shared board set kind in two subdistricts: the stays are given copies
    again over the whole season, the plan keeps every rule and every pin, and it is the
    parts' plan, not the fallback."""
    data = two_areas_data()
    data["pins"] = [
        {"committee": "C1", "product": "exhibition", "resource": "E9", "first_week": 1},
        {"committee": "C4", "product": "exhibition", "resource": "E9", "first_week": 2},
    ]
    scenario = build(data)
    result = solve_by_parts(scenario, PARAMS)
    assert result.plan is not None
    assert_valid(scenario, result.plan)
    assert "未通过检查" not in result.message and "did not pass" not in result.message
    stays = sorted((d.first_week, d.resource_id) for d in result.plan if d.product == "exhibition")
    assert (1, "E9-1") in stays or (1, "E9-2") in stays


def test_the_stop_reason_claims_the_gap_only_when_the_whole_is_within_it() -> None:
    """A solve by parts reports ``gap_limit`` only when its whole gap is within the gap
    limit; when every part ended on its own optimum but the whole bound is further,
    it reports ``parts_done``."""
    for seed in range(4):
        result = solve_by_parts(build(_varied(seed)), PARAMS)
        assert result.gap is not None
        if result.stop_reason == StopReason.GAP_LIMIT:
            assert result.gap <= PARAMS.relative_gap
        else:
            assert result.stop_reason == StopReason.PARTS_DONE


def _three_areas() -> Scenario:
    """two_areas with C6 in a third subdistrict 南街道, its only committee."""
    data = two_areas_data()
    south = {**data["grids"][1], "id": "G3", "name": "南网格", "subdistrict": "南街道"}
    south["subcentre"] = {**south["subcentre"], "id": "S3", "name": "南分中心"}
    data["grids"].append(south)
    data["committees"][5]["grid"] = "G3"
    return build(data)


def test_parts_with_most_unmet_demand_go_first_when_parts_need_more_than_their_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When a part's size needs more time than the share of the time left
    (part_seconds), the parts go in order of the coverage points their share of the
    fallback leaves unmet, most first, each with what it needs within the time left;
    when none does, or when the split is by weeks (a part not reached would keep
    nothing), they keep the split's order and share the time."""
    scenario = _three_areas()
    seen: list[list[tuple[int, float]]] = []

    def runner(
        tasks: Sequence[run.PartTask], stop: threading.Event | None, deadline: float
    ) -> Iterator[tuple[int, Result]]:
        seen.append([(t.index, t.params.time_limit) for t in tasks])
        # Each task carries the deadline as wall-clock time, for a late start on a worker.
        left = deadline - time.perf_counter()
        assert all(t.until == pytest.approx(time.time() + left, abs=0.5) for t in tasks)
        return iter(())

    parts = split_scenario(scenario)
    setup = run._with_whole_baselines(scenario, Distances(scenario))
    assert setup is not None and setup.whole_fallback is not None
    unmet = run._unmet_points(scenario, parts, setup.whole_fallback, setup.scorer.attainable)
    assert len(set(unmet)) == 3  # the order is not a tie's
    monkeypatch.setattr(run, "PART_SECONDS", 1e12)
    solve_by_parts(scenario, PARAMS, runner=runner)
    assert [k for k, _ in seen[-1]] == sorted(range(3), key=lambda k: -unmet[k])
    # Each needs more than there is: all of the time left (never more).
    assert all(PARAMS.time_limit - 5 < limit < PARAMS.time_limit for _, limit in seen[-1])
    monkeypatch.setattr(run, "PART_SECONDS", 1e-6)
    solve_by_parts(scenario, PARAMS, runner=runner)
    assert [k for k, _ in seen[-1]] == [0, 1, 2]
    assert all(0.5 < limit < PARAMS.time_limit / 3 for _, limit in seen[-1])
    # Split by weeks (no whole fallback for a part not reached): equal shares, in order.
    monkeypatch.setattr(run, "PART_SECONDS", 1e12)
    _by_weeks(monkeypatch)
    solve_by_parts(scenario, PARAMS, runner=runner)
    assert [k for k, _ in seen[-1]] == [0, 1, 2]
    assert all(0.5 < limit < PARAMS.time_limit / 3 for _, limit in seen[-1])


def test_in_turn_each_part_gets_what_its_size_needs_while_it_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Solved in turn (each part taking all its time, on a clock of the test's own), a
    part is given at least what its size needs while that much is left, more when the
    time left shared over the parts to come gives more, and the last only what is left."""
    clock = [0.0]
    limits: list[float] = []

    def solve_part(task: run.PartTask, stop: threading.Event | None = None) -> Result:
        limits.append(task.params.time_limit)
        clock[0] += task.params.time_limit + run.PART_OVERRUN
        return Result(
            status=SolveStatus.NO_SOLUTION,
            objective=None,
            best_bound=None,
            gap=None,
            wall_seconds=0.0,
            plan=None,
        )

    monkeypatch.setattr(run, "solve_part", solve_part)
    monkeypatch.setattr(run.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(run, "part_seconds", lambda scenario: 8.0)
    parts = split_scenario(two_areas())
    guide = cast(PartGuide, object())  # a part with the whole's fallback (not read here)
    tasks = [run.PartTask(k, p.area, p.scenario, PARAMS, guide) for k, p in enumerate(parts * 3)]
    list(run.run_in_turn(tasks, None, 20.0))
    # 20 s over six parts would be 2.4 s each: the first two get 8 s, the third what
    # is left (20 - 2 × 8.9 - 0.9), and none is started after that.
    assert limits == pytest.approx([8.0, 8.0, 20.0 - 2 * 8.9 - 0.9])


def test_a_part_needs_time_with_the_square_of_its_size() -> None:
    """part_seconds is PART_SECONDS at PART_SECONDS_SIZE demand lines × weeks, four times
    that at twice the size, a quarter at half."""
    data = two_areas_data(weeks=4)
    base = build(data)
    size = len(base.demand_lines) * 4
    ratio = run.part_seconds(base) / run.PART_SECONDS
    assert ratio == pytest.approx((size / run.PART_SECONDS_SIZE) ** 2)
    assert run.part_seconds(two_areas(weeks=8)) == pytest.approx(4 * run.part_seconds(base))
