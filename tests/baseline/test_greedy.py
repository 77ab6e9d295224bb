"""The greedy baseline: best gain first, valid plans, points as the objective counts them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.baseline import plan_baselines, plan_greedy, plan_points
from planner.baseline.points import PlanPoints
from planner.options import line_options
from planner.scenario import Scenario
from planner.validate import assert_valid
from tests.factories import (
    REFERENCE,
    SCENARIOS,
    ask,
    base_data,
    book_set,
    build,
    lecturer,
    only,
    pins_of,
    solve_valid,
    troupe,
)
from tests.strategies import small_scenarios


def one_show_scenario() -> dict[str, Any]:
    """Three committees wanting one show of a troupe free in week 2 only: one fits."""
    data = base_data(weeks=3, committees=3)
    data["committees"][0]["population"] = 1000
    data["committees"][1]["population"] = 3000
    data["committees"][2]["population"] = 2000
    data["resources"] = {"troupes": [troupe(unavailable_weeks=[1, 3])]}
    data["demand"] = [ask(f"C{i}", "performance", 1) for i in (1, 2, 3)]
    return data


def test_the_one_show_goes_to_the_best_gain() -> None:
    """With room for one show, the most populous committee gets it (most coverage)."""
    scenario = build(one_show_scenario())
    plan = plan_greedy(scenario)
    assert [(d.committee_id, d.first_week) for d in plan] == [("C2", 2)]
    assert_valid(scenario, plan)


def test_the_first_pick_is_the_largest_gain_of_every_option() -> None:
    """Varied priorities and a far lecturer: the one delivery that fits is the option
    with the largest gain of all, counted by PlanPoints on the empty plan."""
    data = one_show_scenario()
    data["demand"] = [
        ask("C1", "performance", 1, priority=3.0),
        ask("C2", "performance", 2),
        ask("C3", "performance", 1, preferred_weeks=[2]),
    ]
    scenario = build(data)
    points = PlanPoints(scenario, [line.id for line in scenario.demand_lines])
    gains = {
        (line.committee, o.first_week): points.gain(line.committee, o)
        for line in scenario.demand_lines
        for o in line_options(scenario, line)
    }
    best = max(gains, key=lambda k: gains[k])
    plan = plan_greedy(scenario)
    assert [(d.committee_id, d.first_week) for d in plan] == [best]


def test_nothing_is_added_without_a_positive_gain() -> None:
    """With travel the only goal, every delivery loses points: the plan stays empty."""
    data = one_show_scenario()
    data["objective"] = only(travel=1.0)
    assert len(plan_greedy(build(data))) == 0


def test_shortfall_lifts_the_committee_below_target() -> None:
    """Two equal committees, two lecture slots: C1 already has its first lecture
    pinned, so the shortfall gain sends the free slot to C2 (at 0 %), not to C1."""
    data = base_data(weeks=2, committees=2)
    data["resources"] = {"lecturers": [lecturer("L1", ["健康"])]}
    data["demand"] = [ask("C1", "lecture", 2), ask("C2", "lecture", 2)]
    data["objective"] = only(coverage=100, shortfall=20, shortfall_target=0.5)
    data["pins"] = [{"committee": "C1", "product": "lecture", "resource": "L1", "first_week": 1}]
    plan = plan_greedy(build(data))
    assert sorted((d.committee_id, d.first_week) for d in plan) == [("C1", 1), ("C2", 2)]


def _tolerance(scenario: Scenario, deliveries: int) -> float:
    """How far the model's objective may lie from the float count: each coefficient is
    rounded to 1/1000 point, and each committee's coverage to a whole basis point
    (0.01 %) in the fairness and shortfall terms."""
    w = scenario.objective
    return 0.001 * (deliveries + 10) + 0.01 * (w.fairness + w.shortfall * len(scenario.committees))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios())
def test_plan_points_equal_the_solvers_objective(data: dict[str, Any]) -> None:
    """Counted without the solver, the points of the solver's plan are its objective."""
    scenario = build(data)
    result = solve_valid(scenario)
    assert result.plan is not None and result.objective is not None
    total = sum(plan_points(scenario, result.plan).values())
    assert total == pytest.approx(result.objective, abs=_tolerance(scenario, len(result.plan)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios())
def test_random_greedy_plans_are_valid_and_repeat(data: dict[str, Any]) -> None:
    """Any tiny scenario: the greedy plan keeps every hard rule and repeats exactly."""
    scenario = build(data)
    plan = plan_greedy(scenario)
    assert_valid(scenario, plan)
    assert plan_greedy(build(data)) == plan


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios(), st.data())
def test_greedy_keeps_pins_and_stays_valid(data: dict[str, Any], pick: st.DataObject) -> None:
    """Pinning some deliveries of a greedy plan and planning again keeps them, validly."""
    first = plan_greedy(build(data))
    kept = pick.draw(
        st.lists(st.sampled_from(first.deliveries), unique=True) if len(first) else st.just([])
    )
    data["pins"] = pins_of(kept)
    scenario = build(data)
    plan = plan_greedy(scenario)
    assert set(kept) <= set(plan)
    assert_valid(scenario, plan)


@pytest.mark.parametrize("name", [REFERENCE.name, "wujiaochang-2027-spring-26w.yaml"])
def test_both_baselines_are_valid_on_the_reference_scenarios(name: str) -> None:
    """Both baselines keep every hard rule on both reference scenarios, and the better
    one by points is named."""
    from planner.io import read_scenario

    scenario = read_scenario(SCENARIOS / name)
    baselines = plan_baselines(scenario)
    for plan in baselines.plans.values():
        assert_valid(scenario, plan)
    totals = {n: baselines.total(n) for n in baselines.plans}
    assert baselines.best == max(totals, key=lambda n: totals[n])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios(), st.lists(st.integers(min_value=0, max_value=10_000), max_size=30))
def test_the_lowest_two_coverages_follow_every_delivery(
    data: dict[str, Any], picks: list[int]
) -> None:
    """On random tiny scenarios, after each of a random run of deliveries counted by
    PlanPoints (each line at most its count, as the greedy adds them), its lowest and
    second-lowest committee coverage and the one committee at the lowest are what a
    look at every committee gives (ties by committee id)."""
    scenario = build(data)
    lines = [line for line in scenario.demand_lines if line_options(scenario, line)]
    points = PlanPoints(scenario, [line.id for line in lines])

    def every_committee() -> tuple[tuple[float, float], str | None]:
        covers = sorted((100 * points.served[c] / r, c) for c, r in points.request.items() if r > 0)
        if not covers:
            return (0.0, 0.0), None
        second = covers[1][0] if len(covers) > 1 else 100.0
        return (covers[0][0], second), (covers[0][1] if covers[0][0] < second else None)

    assert (points.lowest_two, points.low_committee) == every_committee()
    left = {line.id: line.demand.count for line in lines}  # as the greedy: up to the count
    for pick in picks:
        open_lines = [line for line in lines if left[line.id]]
        if not open_lines:
            break
        line = open_lines[pick % len(open_lines)]
        left[line.id] -= 1
        options = line_options(scenario, line)
        points.add(line.committee, line.product, options[pick % len(options)])
        assert (points.lowest_two, points.low_committee) == every_committee()


def test_static_gains_of_a_line_are_each_options_static_gain() -> None:
    """With fixtures favouring one theme in some weeks, another theme in others and one
    favouring every theme, and book sets of three themes, the gains counted for a line
    in one pass are each option's static gain, and the fixtures make some differ."""
    data = base_data(weeks=6, committees=2)
    data["season"]["fixtures"] = [
        {
            "id": "F1",
            "name": "读书月",
            "weeks": [1, 2],
            "product": "book_set",
            "themes": ["文学"],
            "bonus": 1.5,
        },
        {
            "id": "F2",
            "name": "科普周",
            "weeks": [2, 5],
            "product": "book_set",
            "themes": ["科普"],
            "bonus": 0.5,
        },
        {"id": "F3", "name": "全民阅读", "weeks": [3], "product": "book_set", "bonus": 2.0},
    ]
    data["resources"] = {
        "book_sets": [
            book_set("B1", theme="文学", stay_weeks=2),
            book_set("B2", theme="科普", stay_weeks=1),
            book_set("B3", theme="历史", stay_weeks=1),
        ]
    }
    data["demand"] = [ask("C1", "book_set", 2), ask("C2", "book_set", 1, preferred_weeks=[2])]
    data["objective"] = only(coverage=1.0, travel=0.1, preference=1.0, fixtures=2.0)
    scenario = build(data)
    points = PlanPoints(scenario, [line.id for line in scenario.demand_lines])
    gains: set[float] = set()
    for line in scenario.demand_lines:
        options = line_options(scenario, line)
        assert len({o.theme for o in options}) > 1
        each = [points.static_gain(line.committee, o) for o in options]
        assert points.static_gains(line, options) == pytest.approx(each, abs=1e-12)
        gains.update(round(g, 9) for g in each)
    assert len(gains) > 3
