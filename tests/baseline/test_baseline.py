"""The spreadsheet baseline: shares, rotation, copies, pins, leftovers, validity."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.baseline import baseline_shares, plan_baseline, split_shares
from planner.options import line_options
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from tests.factories import (
    ask,
    base_data,
    board_set,
    book_set,
    build,
    lecturer,
    pin,
    pins_of,
    trainer,
    troupe,
)
from tests.strategies import small_scenarios

PERF = Product.PERFORMANCE
BOOK = Product.BOOK_SET


def assert_valid(scenario: Scenario, plan: Plan) -> None:
    """Check the plan with the project's solver-free validator."""
    from planner.validate import assert_valid as check

    check(scenario, plan)


def weeks_of(plan: Plan, committee: str, product: Product = PERF) -> list[int]:
    """First weeks of one committee's deliveries of a product, sorted."""
    return sorted(
        d.first_week for d in plan if d.committee_id == committee and d.product == product
    )


def shares_3_1_scenario() -> dict[str, Any]:
    """Two committees (3000 and 1000 residents) asking 4 shows of a 4-show troupe."""
    data = base_data(weeks=4, committees=2)
    data["committees"][0]["population"] = 3000
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", 4), ask("C2", "performance", 4)]
    return data


# -- shares --------------------------------------------------------------------------


def test_split_is_proportional_to_population() -> None:
    """Capacity 4 over populations 3000:1000 gives shares 3 and 1."""
    assert split_shares(4, {"C1": 4, "C2": 4}, {"C1": 3000, "C2": 1000}) == {"C1": 3, "C2": 1}


def test_split_water_fills_what_a_cap_frees() -> None:
    """A committee asking little is capped; the rest is re-split, ties to the earlier one."""
    shares = split_shares(6, {"C1": 4, "C2": 4, "C3": 1}, {"C1": 1000, "C2": 1000, "C3": 2000})
    assert shares == {"C1": 3, "C2": 2, "C3": 1}


def test_split_uses_largest_remainders() -> None:
    """Quotas 2.7, 1.6, 0.7 become 3, 1, 1: the two largest remainders get the spare units."""
    shares = split_shares(5, {"A": 9, "B": 9, "C": 9}, {"A": 27, "B": 16, "C": 7})
    assert shares == {"A": 3, "B": 1, "C": 1}


def test_split_with_base_tops_up_the_least_served() -> None:
    """Holding 2 and 0 already, equal committees split 2 more as 0 and 2 (totals 2, 2)."""
    shares = split_shares(2, {"A": 4, "B": 4}, {"A": 1, "B": 1}, base={"A": 2, "B": 0})
    assert shares == {"A": 0, "B": 2}


def test_split_gives_zero_population_only_what_others_cannot_take() -> None:
    """A committee without residents gets the capacity the others' asks leave over."""
    assert split_shares(3, {"A": 2, "B": 5}, {"A": 0, "B": 100}) == {"A": 0, "B": 3}
    assert split_shares(7, {"A": 2, "B": 5}, {"A": 0, "B": 100}) == {"A": 2, "B": 5}
    assert split_shares(6, {"A": 2, "B": 5}, {"A": 0, "B": 100}) == {"A": 1, "B": 5}


def test_split_gives_everyone_their_ask_when_capacity_suffices() -> None:
    """With more capacity than asked, every share equals the ask."""
    assert split_shares(100, {"A": 2, "B": 3}, {"A": 10, "B": 1}) == {"A": 2, "B": 3}


def test_split_of_zero_populations_is_even() -> None:
    """Committees without residents share evenly rather than getting nothing."""
    assert split_shares(4, {"A": 4, "B": 4}, {"A": 0, "B": 0}) == {"A": 2, "B": 2}


def test_season_capacity_per_product() -> None:
    """Shares use each product's season capacity: sets by stays, troupes by weeks and cap."""
    data = base_data(weeks=9, committees=1)
    data["resources"] = {
        "book_sets": [book_set("BK", "书", "红色", copies=2, stay_weeks=4)],
        "troupes": [troupe(shows_per_week=2, unavailable_weeks=[1], max_shows=20)],
        "lecturers": [lecturer("L1", ["健康"], name="讲师", available_weeks=[1, 2])],
        "trainers": [trainer("N1", ["太极"], name="教练", course_weeks=4)],
    }
    data["demand"] = [
        ask("C1", "book_set", 50),
        ask("C1", "performance", 50),
        ask("C1", "lecture", 50),
        ask("C1", "fitness_course", 50),
    ]
    shares = baseline_shares(build(data))
    assert shares[BOOK] == {"C1": 4}  # 2 copies x floor(9 / 4)
    assert shares[PERF] == {"C1": 16}  # 2 shows x 8 available weeks
    assert shares[Product.LECTURE] == {"C1": 2}  # 1 session x 2 available weeks
    assert shares[Product.FITNESS_COURSE] == {"C1": 4}  # 2 at once x floor(9 / 4)


def test_service_area_resources_are_shared_within_their_subdistrict() -> None:
    """A subdistrict's own troupe is split among its committees before shared troupes."""
    data = base_data(weeks=2, committees=3)
    data["grids"].append(
        {
            "id": "G2",
            "name": "第二网格",
            "subdistrict": "B",
            "subcentre": {
                "id": "S2",
                "name": "第二分中心",
                "location": {"lat": 31.31, "lon": 121.5},
            },
        }
    )
    data["grids"][0]["subdistrict"] = "A"
    data["committees"][2]["grid"] = "G2"
    data["resources"] = {
        "troupes": [troupe("TA", subdistrict="A"), troupe("TX", shows_per_week=1)],
    }
    data["demand"] = [ask(f"C{i}", "performance", 2) for i in (1, 2, 3)]
    # TA: 2 shows for C1, C2 (1 each). TX's 2 shows top up C1, C2, C3 (holding 1, 1, 0):
    # quotas 1/3, 1/3, 4/3 round to 1, 0, 1 (the tie to the earlier committee).
    assert baseline_shares(build(data))[PERF] == {"C1": 2, "C2": 1, "C3": 1}


# -- exact plans worked out by hand --------------------------------------------------


def test_shares_3_1_in_round_robin_order() -> None:
    """3000 vs 1000 residents: C1 gets weeks 1, 3, 4 and C2 week 2, turn by turn."""
    scenario = build(shares_3_1_scenario())
    plan = plan_baseline(scenario)
    expected = [Delivery("C1", PERF, "T1", w, w, "C1/performance/1", "越剧") for w in (1, 3, 4)] + [
        Delivery("C2", PERF, "T1", 2, 2, "C2/performance/1", "越剧")
    ]
    assert plan == Plan.of(expected)
    assert_valid(scenario, plan)


def test_water_filling_plan() -> None:
    """Shares 3, 2, 1 of a 6-show troupe, each committee spacing its shows over weeks."""
    data = base_data(weeks=3, committees=3)
    data["committees"][2]["population"] = 2000
    data["resources"] = {"troupes": [troupe(shows_per_week=2)]}
    data["demand"] = [
        ask("C1", "performance", 4),
        ask("C2", "performance", 4),
        ask("C3", "performance", 1),
    ]
    scenario = build(data)
    plan = plan_baseline(scenario)
    # Round 1: C1 w1, C2 w1 (troupe full in w1), C3 w2. Round 2: C1 w2 (no event yet
    # there), C2 w3 (w2 full). Round 3: C1 w3.
    assert weeks_of(plan, "C1") == [1, 2, 3]
    assert weeks_of(plan, "C2") == [1, 3]
    assert weeks_of(plan, "C3") == [2]
    assert_valid(scenario, plan)


def test_copies_are_chosen_lowest_first() -> None:
    """Three committees, one 2-copy set: BK-1, BK-2, then BK-1 again once it is back."""
    data = base_data(weeks=4, committees=3)
    data["committees"][1]["closed_weeks"] = [1]
    data["resources"] = {"book_sets": [book_set("BK", "红色经典", "红色", copies=2, stay_weeks=2)]}
    data["demand"] = [ask(f"C{i}", "book_set", 1) for i in (1, 2, 3)]
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert plan == Plan.of(
        [
            Delivery("C1", BOOK, "BK-1", 1, 2, "C1/book_set/1", "红色"),
            Delivery("C2", BOOK, "BK-2", 2, 3, "C2/book_set/1", "红色"),
            Delivery("C3", BOOK, "BK-1", 3, 4, "C3/book_set/1", "红色"),
        ]
    )
    assert_valid(scenario, plan)


def test_leftover_pass_hands_out_unusable_shares() -> None:
    """C1 (no stage) cannot use its share of 3; the final pass gives C2 all 4 shows."""
    data = shares_3_1_scenario()
    data["committees"][0]["venue"]["stage"] = False
    data["resources"] = {"troupes": [troupe(needs_stage=True)]}
    scenario = build(data)
    assert baseline_shares(scenario)[PERF] == {"C1": 3, "C2": 1}
    plan = plan_baseline(scenario)
    assert weeks_of(plan, "C1") == []
    assert weeks_of(plan, "C2") == [1, 2, 3, 4]
    assert_valid(scenario, plan)


def test_leftovers_wait_until_every_product_is_shared() -> None:
    """A committee's extra show does not take the event slot its lecture share needs."""
    data = base_data(weeks=1, committees=2)
    data["committees"][1]["population"] = 3000
    data["committees"][1]["venue"]["stage"] = False
    data["resources"] = {
        "troupes": [troupe(shows_per_week=2, needs_stage=True)],
        "lecturers": [lecturer("L1", ["健康"], name="讲师")],
    }
    data["demand"] = [
        ask("C1", "performance", 2),
        ask("C1", "lecture", 1),
        ask("C2", "performance", 2),
    ]
    scenario = build(data)
    # Quotas 0.5 and 1.5 of 2 shows round to 1 and 1; C2 (no stage) cannot use its share.
    assert baseline_shares(scenario)[PERF] == {"C1": 1, "C2": 1}
    plan = plan_baseline(scenario)
    # C1's two event slots go to its show and its lecture, not to a second show.
    assert sorted((d.committee_id, d.product.value) for d in plan) == [
        ("C1", "lecture"),
        ("C1", "performance"),
    ]
    assert_valid(scenario, plan)


def test_events_are_spaced_across_products() -> None:
    """Course weeks 1-2 first, then the show in week 3 and the lecture in week 4."""
    data = base_data(weeks=4, committees=1)
    data["resources"] = {
        "troupes": [troupe()],
        "lecturers": [lecturer("L1", ["健康"], name="讲师")],
        "trainers": [trainer("N1", ["太极"], name="教练", course_weeks=2)],
    }
    data["demand"] = [
        ask("C1", "lecture", 1),
        ask("C1", "performance", 1),
        ask("C1", "fitness_course", 1),
    ]
    scenario = build(data)
    plan = plan_baseline(scenario)
    spans = {d.product.value: (d.first_week, d.last_week) for d in plan}
    assert spans == {"fitness_course": (1, 2), "performance": (3, 3), "lecture": (4, 4)}
    assert_valid(scenario, plan)


def test_without_an_event_free_week_the_earliest_is_taken() -> None:
    """A course fills both weeks, so the show goes to the earliest week, week 1."""
    data = base_data(weeks=2, committees=1)
    data["resources"] = {
        "troupes": [troupe()],
        "trainers": [trainer("N1", ["太极"], name="教练", course_weeks=2)],
    }
    data["demand"] = [ask("C1", "performance", 1), ask("C1", "fitness_course", 1)]
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert weeks_of(plan, "C1") == [1]
    assert_valid(scenario, plan)


def test_lines_are_served_in_priority_order() -> None:
    """The priority-3 line is served first (week 1), the priority-1 line after (week 2)."""
    data = base_data(weeks=2, committees=1)
    data["resources"] = {"troupes": [troupe("T1", "越剧"), troupe("T2", "沪剧")]}
    data["demand"] = [
        ask("C1", "performance", 1, themes=["越剧"]),
        ask("C1", "performance", 1, themes=["沪剧"], priority=3),
    ]
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert plan == Plan.of(
        [
            Delivery("C1", PERF, "T2", 1, 1, "C1/performance/2", "沪剧"),
            Delivery("C1", PERF, "T1", 2, 2, "C1/performance/1", "越剧"),
        ]
    )
    assert_valid(scenario, plan)


def test_first_resource_in_scenario_order_breaks_week_ties() -> None:
    """Two troupes free in week 1: the one listed first gets the show."""
    data = base_data(weeks=1, committees=1)
    data["resources"] = {"troupes": [troupe("TB"), troupe("TA")]}
    data["demand"] = [ask("C1", "performance", 1)]
    plan = plan_baseline(build(data))
    assert [d.resource_id for d in plan] == ["TB"]


def test_van_moves_and_no_repeat_limit_exhibitions() -> None:
    """One van move a week and no repeated board set: C1 gets E1 in week 1, C2 E1 in week 2."""
    data = base_data(weeks=2, committees=2)
    data["resources"] = {
        "van": {"moves_per_week": 1},
        "board_sets": [
            board_set("E1", "党史展", "红色", stay_weeks=1),
            board_set("E2", "科普展", "科普", stay_weeks=1),
        ],
    }
    data["demand"] = [ask("C1", "exhibition", 2), ask("C2", "exhibition", 2)]
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert [(d.committee_id, d.resource_id, d.first_week) for d in plan] == [
        ("C1", "E1", 1),
        ("C2", "E1", 2),
    ]
    assert_valid(scenario, plan)


def test_no_duplicate_show_of_one_troupe_in_one_week() -> None:
    """A 2-show troupe gives one committee's two shows in different weeks (distinct ids)."""
    data = base_data(weeks=2, committees=1)
    data["committees"][0]["max_events_per_week"] = 2
    data["resources"] = {"troupes": [troupe(shows_per_week=2)]}
    data["demand"] = [ask("C1", "performance", 2)]
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert weeks_of(plan, "C1") == [1, 2]
    assert_valid(scenario, plan)


# -- pins ----------------------------------------------------------------------------


def test_pins_are_placed_first_and_count_towards_shares() -> None:
    """C2's pinned week-1 show is its share; C1 takes weeks 2-4."""
    data = shares_3_1_scenario()
    data["pins"] = [pin("C2", "performance", "T1", 1)]
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert weeks_of(plan, "C1") == [2, 3, 4]
    assert weeks_of(plan, "C2") == [1]
    assert_valid(scenario, plan)


def test_copy_pins_go_before_set_kind_pins() -> None:
    """A pin of copy BK-1 keeps it; a pin of kind BK in the same week gets BK-2."""
    data = base_data(weeks=2, committees=2)
    data["resources"] = {"book_sets": [book_set("BK", "红色经典", "红色", copies=2, stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set", 1), ask("C2", "book_set", 1)]
    data["pins"] = [
        pin("C1", "book_set", "BK", 1),
        pin("C2", "book_set", "BK-1", 1),
    ]
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert {(d.committee_id, d.resource_id) for d in plan} == {("C1", "BK-2"), ("C2", "BK-1")}
    assert_valid(scenario, plan)


def test_pin_takes_its_named_demand_line() -> None:
    """A pin naming the second line serves it; the first line is then planned normally."""
    data = base_data(weeks=2, committees=1)
    data["resources"] = {"troupes": [troupe("T1", "越剧"), troupe("T2", "沪剧")]}
    data["demand"] = [
        ask("C1", "performance", 1, id="yue"),
        ask("C1", "performance", 1, id="hu", themes=["沪剧"]),
    ]
    data["pins"] = [pin("C1", "performance", "T2", 2, demand="hu")]
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert plan == Plan.of(
        [
            Delivery("C1", PERF, "T2", 2, 2, "hu", "沪剧"),
            Delivery("C1", PERF, "T1", 1, 1, "yue", "越剧"),
        ]
    )
    assert_valid(scenario, plan)


# -- determinism and validity --------------------------------------------------------


def test_baseline_is_deterministic() -> None:
    """Planning the same scenario twice gives the same plan."""
    scenario = build(shares_3_1_scenario())
    assert plan_baseline(scenario) == plan_baseline(build(shares_3_1_scenario()))


def _addable(scenario: Scenario, plan: Plan) -> list[Delivery]:
    """Deliveries the validator would accept on top of the plan, for lines with room."""
    from planner.validate import check_plan

    used: dict[str, int] = {}
    for d in plan:
        used[d.demand_id] = used.get(d.demand_id, 0) + 1
    out = []
    for line in scenario.demand_lines:
        if used.get(line.id, 0) >= line.demand.count:
            continue
        for option in line_options(scenario, line):
            for resource_id in scenario.copy_ids(option.unit_id):
                extra = Delivery(
                    line.committee,
                    line.product,
                    resource_id,
                    option.first_week,
                    option.first_week + option.duration - 1,
                    line.id,
                    option.theme,
                )
                if not check_plan(scenario, Plan.of([*plan, extra])):
                    out.append(extra)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios())
def test_random_baseline_plans_are_valid_and_leave_nothing_idle(data: dict[str, Any]) -> None:
    """Any tiny scenario: the plan keeps every hard rule and no further delivery fits."""
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert_valid(scenario, plan)
    assert _addable(scenario, plan) == []
    assert plan_baseline(scenario) == plan


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios(), st.data())
def test_replanning_with_pins_from_a_baseline_keeps_them_and_stays_valid(
    data: dict[str, Any], pick: st.DataObject
) -> None:
    """Pinning some deliveries of a baseline plan and re-planning keeps them, validly."""
    first = plan_baseline(build(data))
    kept = pick.draw(
        st.lists(st.sampled_from(first.deliveries), unique=True) if len(first) else st.just([])
    )
    data["pins"] = pins_of(kept)
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert set(kept) <= set(plan)
    assert_valid(scenario, plan)
