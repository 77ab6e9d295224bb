"""Each rule family of the CP-SAT model on 2–5 item instances with exact optima."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from planner import SolveParams, SolveStatus, solve, wording
from planner.result import StopReason
from planner.validate import check_plan
from tests.factories import (
    ask,
    base_data,
    board_set,
    book_set,
    build,
    lecturer,
    only,
    pin,
    solve_valid,
    trainer,
    troupe,
)


def delivered(result: Any, committee: str | None = None) -> int:
    return sum(1 for d in result.plan if committee is None or d.committee_id == committee)


def test_demand_limit_caps_deliveries_at_the_request() -> None:
    """A troupe free all 4 weeks gives a committee that asked for 2 shows exactly 2."""
    d = base_data(weeks=4, committees=1)
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 2)]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert r.status == SolveStatus.OPTIMAL
    assert delivered(r) == 2
    # Full coverage is worth 100 points per percentage point: 100 × 100.
    assert r.objective == pytest.approx(10_000)


def test_resource_capacity_shares_weekly_shows() -> None:
    """One show a week over 4 weeks serves 4 of the 6 shows asked, split 2 and 2 fairly."""
    d = base_data(weeks=4)
    d["resources"] = {"troupes": [troupe("T1", "沪剧", shows_per_week=1)]}
    d["demand"] = [ask("C1", "performance", 3), ask("C2", "performance", 3)]
    d["objective"] = only(coverage=100, fairness=50, fairness_first=True)
    r = solve_valid(build(d))
    assert r.plan is not None
    assert r.status == SolveStatus.OPTIMAL
    assert delivered(r) == 4
    assert delivered(r, "C1") == delivered(r, "C2") == 2
    assert Counter(dl.first_week for dl in r.plan) == {1: 1, 2: 1, 3: 1, 4: 1}


def test_troupe_season_cap_limits_shows() -> None:
    """A troupe with max_shows 1 gives one show in the season although weeks are free."""
    d = base_data(weeks=4, committees=1)
    d["resources"] = {"troupes": [troupe("T1", "沪剧", max_shows=1)]}
    d["demand"] = [ask("C1", "performance", 3)]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert delivered(r) == 1


def test_identical_book_set_copies_get_distinct_identities() -> None:
    """Two copies of one 2-week set serve three committees; overlapping stays get
    different copies and every committee is served (4 stays fit, 3 asked)."""
    d = base_data(weeks=4, committees=3)
    d["resources"] = {"book_sets": [book_set("BK", "上海史话", "上海历史", copies=2, stay_weeks=2)]}
    d["demand"] = [ask(f"C{i}", "book_set", 1) for i in (1, 2, 3)]
    d["objective"] = only(coverage=100)
    s = build(d)
    r = solve_valid(s)
    assert r.plan is not None
    assert delivered(r) == 3
    assert {dl.resource_id for dl in r.plan} <= {"BK-1", "BK-2"}
    assert all(dl.duration == 2 for dl in r.plan)


def test_no_repeat_set_allows_one_stay_of_a_kind_per_committee() -> None:
    """A committee asking for 2 book sets gets only 1 when there is a single kind."""
    d = base_data(weeks=8, committees=1)
    d["resources"] = {"book_sets": [book_set("BK", "上海史话", "上海历史", copies=2, stay_weeks=2)]}
    d["demand"] = [ask("C1", "book_set", 2)]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert delivered(r) == 1


def test_shelf_slots_limit_book_sets_at_once() -> None:
    """With one shelf slot and a 2-week season, two 2-week sets cannot both stay."""
    d = base_data(weeks=2, committees=1)
    d["committees"][0]["venue"]["shelf_slots"] = 1
    d["resources"] = {
        "book_sets": [
            book_set("B1", "甲", "文学", stay_weeks=2),
            book_set("B2", "乙", "历史", stay_weeks=2),
        ]
    }
    d["demand"] = [ask("C1", "book_set", 2)]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert delivered(r) == 1


def test_venue_without_stage_gets_no_stage_show() -> None:
    """A troupe that needs a stage only plays at the committee that has one."""
    d = base_data(weeks=2)
    d["committees"][1]["venue"]["stage"] = False
    d["resources"] = {"troupes": [troupe("T1", "沪剧", needs_stage=True, shows_per_week=2)]}
    d["demand"] = [ask("C1", "performance", 1), ask("C2", "performance", 1)]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert delivered(r, "C1") == 1
    assert delivered(r, "C2") == 0


def test_events_per_week_limit() -> None:
    """A committee taking one event a week, in a 1-week season, gets one of two events."""
    d = base_data(weeks=1, committees=1)
    d["committees"][0]["max_events_per_week"] = 1
    d["resources"] = {
        "troupes": [troupe("T1", "沪剧")],
        "lecturers": [lecturer("L1", ["党史"], name="王教授")],
    }
    d["demand"] = [ask("C1", "performance", 1), ask("C1", "lecture", 1)]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert delivered(r) == 1


def test_van_moves_limit_exhibition_installs() -> None:
    """With one van move a week and 2-week stays in a 2-week season, one board set is
    installed although three committees asked."""
    d = base_data(weeks=2, committees=3)
    d["resources"] = {
        "van": {"moves_per_week": 1},
        "board_sets": [board_set(f"E{i}", f"展板{i}", f"主题{i}", stay_weeks=2) for i in (1, 2, 3)],
    }
    d["demand"] = [ask(f"C{i}", "exhibition", 1) for i in (1, 2, 3)]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert delivered(r) == 1


def test_fitness_course_is_contiguous_and_needs_floor() -> None:
    """A 3-week course runs weeks contiguously at the committee with a fitness floor."""
    d = base_data(weeks=4)
    d["committees"][1]["venue"]["fitness_floor"] = False
    d["resources"] = {"trainers": [trainer("TR1", ["太极"], name="李教练", course_weeks=3)]}
    d["demand"] = [ask("C1", "fitness_course", 1), ask("C2", "fitness_course", 1)]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert r.plan is not None
    (course,) = r.plan
    assert course.committee_id == "C1"
    assert course.last_week - course.first_week == 2


def test_closed_and_unavailable_weeks_are_avoided() -> None:
    """Week 2 is closed for the committee and week 3 the troupe is away: of 3 shows
    asked, weeks 1 and 4 are the only ones left."""
    d = base_data(weeks=4, committees=1)
    d["committees"][0]["closed_weeks"] = [2]
    d["resources"] = {"troupes": [troupe("T1", "沪剧", unavailable_weeks=[3])]}
    d["demand"] = [ask("C1", "performance", 3)]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert r.plan is not None
    assert sorted(dl.first_week for dl in r.plan) == [1, 4]


def test_fixture_reserves_a_troupe() -> None:
    """A festival that reserves the troupe in weeks 1–2 leaves weeks 3–4 for shows."""
    d = base_data(weeks=4, committees=1)
    d["season"]["fixtures"] = [
        {"id": "F", "name": "社区文化节", "weeks": [1, 2], "reserves": ["T1"]}
    ]
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 4)]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert r.plan is not None
    assert sorted(dl.first_week for dl in r.plan) == [3, 4]


def test_theme_wishes_select_the_resource() -> None:
    """A line wishing 越剧 is served by the 越剧 troupe, never the 沪剧 one."""
    d = base_data(weeks=2, committees=1)
    d["resources"] = {
        "troupes": [troupe("T1", "沪剧"), troupe("T2", "越剧")],
    }
    d["demand"] = [ask("C1", "performance", 2, themes=["越剧"])]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert r.plan is not None
    assert {dl.resource_id for dl in r.plan} == {"T2"}
    assert {dl.theme for dl in r.plan} == {"越剧"}


def test_fairness_first_raises_the_small_committee() -> None:
    """Two shows for committees of 9000 and 1000 residents asking 2 each: coverage
    alone gives both to the larger; fairness first gives one each (min 50 %)."""
    d = base_data(weeks=2)
    d["committees"][0]["population"] = 9000
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 2), ask("C2", "performance", 2)]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert delivered(r, "C1") == 2
    # Coverage = 0.9 × 100 % → 9000 points.
    assert r.objective == pytest.approx(9_000)

    d["objective"] = only(coverage=100, fairness=50, fairness_first=True)
    r = solve_valid(build(d))
    assert delivered(r, "C1") == delivered(r, "C2") == 1
    # 0.9 × 50 % + 0.1 × 50 % = 50 % coverage; 50 % minimum × 50 points.
    assert r.term_points()["coverage"] == pytest.approx(5_000)
    assert r.term_points()["fairness"] == pytest.approx(2_500)


def test_a_fairness_stage_without_a_plan_leaves_the_primary_stage_to_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With fairness_first, a fairness stage that finds no plan in its share (as on a
    busy machine) does not end the solve on the baseline's plan: the primary stage
    still runs and its plan is returned, the fairness stage reported without one, and
    the stop reason says a stage ran out of its share (``stage_limit``), not the time
    limit."""
    from ortools.sat.python import cp_model

    from planner.solver import entry
    from planner.solver.stages import StageRun

    real = entry.run_stage

    def no_fairness_plan(ctx: Any, control: Any, stage: Any, *args: Any) -> StageRun:
        if stage.name == "fairness":
            return StageRun(status=cp_model.UNKNOWN)
        return real(ctx, control, stage, *args)

    monkeypatch.setattr(entry, "run_stage", no_fairness_plan)
    d = base_data(weeks=2)
    d["committees"][0]["population"] = 9000
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 2), ask("C2", "performance", 2)]
    d["objective"] = only(coverage=100, fairness=50, fairness_first=True)
    s = build(d)
    r = solve(s, SolveParams(time_limit=20, seed=0, workers=1))
    fairness, primary = r.stages
    assert (fairness.name, fairness.status) == ("fairness", SolveStatus.NO_SOLUTION)
    assert primary.name == "primary" and primary.objective is not None
    # Not optimal: the fairness stage did not end; and the solve ended well before its
    # 20 s, so the message does not say it stopped at the time limit.
    assert r.status == SolveStatus.FEASIBLE
    assert r.stop_reason == StopReason.STAGE_LIMIT
    assert r.wall_seconds < 19
    assert r.message == wording.outcome_text("stage_limit", r.gap, time_limit=20)
    assert r.plan is not None and check_plan(s, r.plan) == []
    # The primary stage alone, without the fairness stage's level to keep: both shows
    # to the larger committee (90 % coverage, 9000 points, beats 5000 + 50 % × 50).
    assert delivered(r, "C1") == 2
    assert r.objective == pytest.approx(9_000)


def test_travel_prefers_the_nearer_troupe() -> None:
    """Of two identical troupes, the one based in the committee's own grid plays."""
    d = base_data(weeks=1, committees=1)
    d["grids"].append(
        {
            "id": "G2",
            "name": "第二网格",
            "subcentre": {
                "id": "S2",
                "name": "第二分中心",
                "location": {"lat": 31.40, "lon": 121.60},
            },
        }
    )
    d["resources"] = {"troupes": [troupe("FAR", "沪剧", home_grid="G2"), troupe("NEAR", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 1)]
    d["objective"] = only(coverage=100, travel=1)
    r = solve_valid(build(d))
    assert r.plan is not None
    assert [dl.resource_id for dl in r.plan] == ["NEAR"]
    assert r.term_points()["travel"] < 0


def test_spread_puts_events_in_different_weeks() -> None:
    """Two shows by two troupes for one committee land in different weeks."""
    d = base_data(weeks=2, committees=1)
    d["resources"] = {"troupes": [troupe("T1", "沪剧"), troupe("T2", "越剧")]}
    d["demand"] = [ask("C1", "performance", 2)]
    d["objective"] = only(coverage=100, spread=10)
    r = solve_valid(build(d))
    assert r.plan is not None
    assert sorted(dl.first_week for dl in r.plan) == [1, 2]
    assert r.term_points()["spread"] == 0


def test_preferred_week_is_taken() -> None:
    """A line preferring week 3 gets its single show in week 3."""
    d = base_data(weeks=4, committees=1)
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 1, preferred_weeks=[3])]
    d["objective"] = only(coverage=100, preference=5)
    r = solve_valid(build(d))
    assert r.plan is not None
    assert [dl.first_week for dl in r.plan] == [3]
    assert r.objective == pytest.approx(10_005)


def test_fixture_bonus_pulls_deliveries_into_its_weeks() -> None:
    """The reading month (weeks 3–4) draws the single book stay to start in it."""
    d = base_data(weeks=4, committees=1)
    d["season"]["fixtures"] = [
        {"id": "R", "name": "读书月", "weeks": [3, 4], "product": "book_set", "bonus": 1}
    ]
    d["resources"] = {"book_sets": [book_set("B1", "甲", "文学", stay_weeks=1)]}
    d["demand"] = [ask("C1", "book_set", 1)]
    d["objective"] = only(coverage=100, fixtures=10)
    r = solve_valid(build(d))
    assert r.plan is not None
    assert r.plan.deliveries[0].first_week in (3, 4)
    assert r.term_points()["fixtures"] == pytest.approx(10)


def test_variety_prefers_two_genres() -> None:
    """Two shows for one committee come from two genres when variety counts."""
    d = base_data(weeks=2, committees=1)
    d["resources"] = {"troupes": [troupe("T1", "沪剧", shows_per_week=2), troupe("T2", "越剧")]}
    d["demand"] = [ask("C1", "performance", 2)]
    d["objective"] = only(coverage=100, variety=5)
    r = solve_valid(build(d))
    assert r.plan is not None
    assert {dl.theme for dl in r.plan} == {"沪剧", "越剧"}


def test_variety_takes_a_lecturers_second_topic() -> None:
    """One lecturer with two topics gives a committee that wished for none of them one
    talk on each when variety counts (the second topic is an option of the model)."""
    d = base_data(weeks=2, committees=1)
    d["resources"] = {"lecturers": [lecturer("L1", ["党史", "健康"])]}
    d["demand"] = [ask("C1", "lecture", 2)]
    d["objective"] = only(coverage=100, variety=5)
    r = solve_valid(build(d))
    assert r.plan is not None
    assert sorted(dl.theme for dl in r.plan) == ["健康", "党史"]


def test_pin_is_kept() -> None:
    """A pinned show in week 3 stays in week 3, although week 1 is as good otherwise."""
    d = base_data(weeks=4, committees=1)
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 1)]
    d["pins"] = [pin("C1", "performance", "T1", 3)]
    r = solve_valid(build(d))
    assert r.plan is not None
    assert [(dl.resource_id, dl.first_week) for dl in r.plan] == [("T1", 3)]


def test_pin_in_a_closed_week_is_infeasible_with_reason() -> None:
    """A pin in the committee's closed week makes the scenario infeasible, and the
    message names the pin and the closed week."""
    d = base_data(weeks=4, committees=1)
    d["committees"][0]["closed_weeks"] = [2]
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 1)]
    d["pins"] = [pin("C1", "performance", "T1", 2)]
    r = solve(build(d), SolveParams(workers=1, time_limit=10))
    assert r.status == SolveStatus.INFEASIBLE
    assert r.plan is None
    assert "pins[0]" in r.message
    assert "closed in week 2" in r.message


def test_conflicting_pins_are_named() -> None:
    """Two pins for one troupe in the same week at two committees exceed its capacity;
    the explanation names both pins and no other."""
    d = base_data(weeks=4, committees=3)
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask(f"C{i}", "performance", 1) for i in (1, 2, 3)]
    d["pins"] = [
        pin("C3", "performance", "T1", 4),
        pin("C1", "performance", "T1", 1),
        pin("C2", "performance", "T1", 1),
    ]
    r = solve(build(d), SolveParams(workers=1, time_limit=10))
    assert r.status == SolveStatus.INFEASIBLE
    assert "pins[1]" in r.message and "pins[2]" in r.message
    assert "pins[0]" not in r.message


def test_same_seed_and_one_worker_give_the_same_plan() -> None:
    """Solving twice with one worker and the same seed gives identical plans."""
    d = base_data(weeks=6, committees=3)
    d["resources"] = {
        "troupes": [troupe("T1", "沪剧"), troupe("T2", "越剧")],
        "book_sets": [book_set("B1", "甲", "文学", copies=2, stay_weeks=2)],
    }
    d["demand"] = [ask(f"C{i}", p, 2) for i in (1, 2, 3) for p in ("performance", "book_set")]
    s = build(d)
    first, second = solve_valid(s), solve_valid(s)
    assert first.plan == second.plan
    assert first.objective == second.objective


def test_terms_add_up_to_the_objective() -> None:
    """The named goal terms of a result sum to its objective."""
    d = base_data(weeks=4)
    d["resources"] = {
        "troupes": [troupe("T1", "沪剧")],
        "lecturers": [lecturer("L1", ["党史"], name="王")],
    }
    d["demand"] = [ask("C1", "performance", 2), ask("C2", "lecture", 1, preferred_weeks=[2])]
    r = solve_valid(build(d))
    assert sum(r.term_points().values()) == pytest.approx(r.objective, abs=0.01)
    assert {t.name for t in r.terms} == {
        "coverage",
        "fairness",
        "shortfall",
        "travel",
        "spread",
        "variety",
        "preference",
        "fixtures",
    }


def test_no_demand_gives_an_empty_optimal_plan() -> None:
    """A scenario nobody asked anything of solves to an empty plan."""
    d = base_data(weeks=2)
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    r = solve_valid(build(d))
    assert r.plan is not None
    assert r.status == SolveStatus.OPTIMAL
    assert len(r.plan) == 0


def test_fairness_first_without_a_servable_line_is_optimal() -> None:
    """With fairness_first but no line any option can serve there is no fairness stage
    to run: the proven empty plan is optimal, not feasible."""
    d = base_data(weeks=2)
    d["resources"] = {"board_sets": [board_set("E1", stay_weeks=2)]}
    d["season"]["closed_weeks"] = [2]  # no two-week stay fits
    d["demand"] = [ask("C1", "exhibition", 1)]
    d["objective"] = {"fairness_first": True}
    r = solve_valid(build(d))
    assert r.status == SolveStatus.OPTIMAL
    assert [st.name for st in r.stages] == ["primary"]


def test_bound_covers_the_objective_with_a_secondary_stage() -> None:
    """With spread and variety on, the solve runs a secondary stage and the reported
    bound (primary bound plus secondary bound) covers the objective."""
    d = base_data(weeks=6, committees=3)
    d["resources"] = {"troupes": [troupe("T1", "沪剧", shows_per_week=2), troupe("T2", "越剧")]}
    d["demand"] = [ask(f"C{i}", "performance", 3) for i in (1, 2, 3)]
    d["objective"] = {"spread": 3, "variety": 2}
    r = solve_valid(build(d))
    assert r.best_bound is not None and r.objective is not None
    assert r.best_bound >= r.objective - 1e-6
    assert {stage.name for stage in r.stages} == {"primary", "secondary"}


def test_baseline_minimum_is_kept() -> None:
    """Three shows for committees of 3000 and 1000 residents asking 3 each: coverage
    alone gives all three to the larger (the smaller gets 0 %); the baseline gives 2
    and 1, so keeping its minimum (1/3) gives the smaller committee its show."""
    d = base_data(weeks=3)
    d["committees"][0]["population"] = 3000
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 3), ask("C2", "performance", 3)]
    d["objective"] = only(coverage=100)
    assert delivered(solve_valid(build(d)), "C2") == 0

    d["objective"] = only(coverage=100, keep_baseline_minimum=True)
    r = solve_valid(build(d))
    assert (delivered(r, "C1"), delivered(r, "C2")) == (2, 1)
    # 0.75 × 2/3 + 0.25 × 1/3 = 58.33 % coverage.
    assert r.objective == pytest.approx(5_833.333, abs=0.01)


def test_shortfall_lifts_committees_below_the_target() -> None:
    """Two shows for committees of 9000 and 1000 residents asking 2 each: coverage
    alone gives both to the larger; 100 points per percentage point below a 50 %
    target give one each (both at 50 %: 5000 coverage points, no shortfall)."""
    d = base_data(weeks=2)
    d["committees"][0]["population"] = 9000
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 2), ask("C2", "performance", 2)]
    d["objective"] = only(coverage=100, shortfall=100, shortfall_target=0.5)
    r = solve_valid(build(d))
    assert delivered(r, "C1") == delivered(r, "C2") == 1
    assert r.objective == pytest.approx(5_000)
    assert r.term_points()["shortfall"] == 0


# -- start weeks, copy pins and the opt-in rotation cycle ---------------------------------


def test_board_stay_pinned_off_the_old_cycle_is_kept() -> None:
    """A 2-week board stay pinned from week 2 (off the cycle 1, 3) is a plan the rules
    allow; the solve keeps it."""
    d = base_data(weeks=4, committees=1)
    d["resources"] = {"board_sets": [board_set("E1", stay_weeks=2)]}
    d["demand"] = [ask("C1", "exhibition")]
    d["pins"] = [pin("C1", "exhibition", "E1", 2)]
    r = solve_valid(build(d))
    assert r.plan is not None
    assert [(dl.resource_id, dl.first_week, dl.last_week) for dl in r.plan] == [("E1", 2, 3)]


def test_every_start_week_serves_more_than_the_cycle() -> None:
    """One 2-week set, two committees closed in week 1, 5 weeks: stays 2-3 and 4-5 serve
    both (optimum 2). With rotation_cycle the starts are weeks 2 and 3 only, whose stays
    overlap, so one committee is served (optimum 1)."""
    d = base_data(weeks=5, committees=2)
    d["season"]["closed_weeks"] = [1]
    d["resources"] = {"book_sets": [book_set("B1", stay_weeks=2)]}
    d["demand"] = [ask("C1", "book_set"), ask("C2", "book_set")]
    d["objective"] = only(coverage=100)
    r = solve_valid(build(d))
    assert r.status == SolveStatus.OPTIMAL
    assert r.plan is not None
    assert sorted(dl.first_week for dl in r.plan) == [2, 4]
    d["season"]["rotation_cycle"] = True
    r = solve_valid(build(d))
    assert r.status == SolveStatus.OPTIMAL
    assert delivered(r) == 1


def test_pin_off_the_rotation_cycle_is_infeasible_with_reason() -> None:
    """With rotation_cycle, a 2-week stay pinned from week 2 (the cycle starts in week 1)
    makes the scenario infeasible, and the message names the pin and the cycle."""
    d = base_data(weeks=4, committees=1)
    d["season"]["rotation_cycle"] = True
    d["resources"] = {"board_sets": [board_set("E1", stay_weeks=2)]}
    d["demand"] = [ask("C1", "exhibition")]
    d["pins"] = [pin("C1", "exhibition", "E1", 2)]
    r = solve(build(d), SolveParams(workers=1, time_limit=10))
    assert r.status == SolveStatus.INFEASIBLE
    assert "pins[0]" in r.message
    assert "starts off its rotation cycle (season.rotation_cycle)" in r.message


def test_one_copy_pinned_at_two_committees_at_once_is_infeasible() -> None:
    """Copy BK-1 pinned at C1 from week 1 and at C2 from week 2 (2-week stays) would be
    at two sites in week 2: infeasible, and the message names those two pins only."""
    d = base_data(weeks=4, committees=3)
    d["resources"] = {"book_sets": [book_set("BK", copies=2, stay_weeks=2)]}
    d["demand"] = [ask(f"C{i}", "book_set") for i in (1, 2, 3)]
    d["pins"] = [
        pin("C3", "book_set", "BK-2", 1),
        pin("C1", "book_set", "BK-1", 1),
        pin("C2", "book_set", "BK-1", 2),
    ]
    r = solve(build(d), SolveParams(workers=1, time_limit=10))
    assert r.status == SolveStatus.INFEASIBLE
    assert r.plan is None
    assert "pins[1]" in r.message and "pins[2]" in r.message
    assert "pins[0]" not in r.message


def test_copy_pins_that_leave_no_copy_free_keep_copy_overlap() -> None:
    """Two copies, BK-1 pinned at C1 in weeks 1-2 and BK-2 at C2 in weeks 3-4. C3 can
    only take weeks 2-3 (it excludes 1 and 4): each of those weeks has a copy left, but
    no copy is free for both, so C3 stays unserved (optimum 2 stays) and the plan is
    valid. Without the exclusions C3 gets a stay (3 stays), again valid."""
    d = base_data(weeks=4, committees=3)
    d["resources"] = {"book_sets": [book_set("BK", copies=2, stay_weeks=2)]}
    d["demand"] = [
        ask("C1", "book_set"),
        ask("C2", "book_set"),
        ask("C3", "book_set", excluded_weeks=[1, 4]),
    ]
    d["objective"] = only(coverage=100)
    d["pins"] = [pin("C1", "book_set", "BK-1", 1), pin("C2", "book_set", "BK-2", 3)]
    r = solve_valid(build(d))
    assert r.status == SolveStatus.OPTIMAL
    assert r.plan is not None
    assert sorted((dl.committee_id, dl.resource_id, dl.first_week) for dl in r.plan) == [
        ("C1", "BK-1", 1),
        ("C2", "BK-2", 3),
    ]
    d["demand"][2] = ask("C3", "book_set")
    r = solve_valid(build(d))
    assert r.status == SolveStatus.OPTIMAL
    assert delivered(r) == 3
