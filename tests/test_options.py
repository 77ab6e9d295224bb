"""Delivery options: static blockers, start weeks, delivered themes and option counts."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.explain.reasons import WEEK_RULES, week_rule
from planner.generate import generate
from planner.options import (
    BLOCKERS,
    Option,
    all_options,
    copy_planned_units,
    delivered_theme,
    first_weeks,
    line_blocker,
    line_options,
    option_themes,
    options_lister,
    static_blocker,
)
from planner.plan import Delivery, Plan
from planner.scenario import Scenario
from planner.validate import check_plan
from tests.factories import (
    ask,
    base_data,
    board_set,
    book_set,
    build,
    grid_of,
    lecturer,
    pin,
    trainer,
    troupe,
    two_level_data,
)
from tests.strategies import small_scenarios


def first_line(data: dict[str, Any]) -> tuple[Scenario, Any]:
    """Build the scenario and return it with its first demand line."""
    scenario = build(data)
    return scenario, scenario.demand_lines[0]


# -- static_blocker: one case per reason ---------------------------------------------------


def _no_resource(d: dict[str, Any]) -> None:
    d["resources"] = {"lecturers": [lecturer("U")]}
    d["demand"] = [ask("C1", "performance")]


def _theme(d: dict[str, Any]) -> None:
    d["resources"] = {"troupes": [troupe("U", "越剧")]}
    d["demand"] = [ask("C1", "performance", themes=["沪剧"])]


def _service_area(d: dict[str, Any]) -> None:
    d["grids"].append(grid_of("A"))
    d["resources"] = {"troupes": [troupe("U", subdistrict="A")]}
    d["demand"] = [ask("C1", "performance")]


def _venue_stage(d: dict[str, Any]) -> None:
    d["committees"][0]["venue"]["stage"] = False
    d["resources"] = {"troupes": [troupe("U", needs_stage=True)]}
    d["demand"] = [ask("C1", "performance")]


def _venue_audience(d: dict[str, Any]) -> None:
    d["resources"] = {"troupes": [troupe("U", min_audience=101)]}
    d["demand"] = [ask("C1", "performance")]


def _venue_fitness_floor(d: dict[str, Any]) -> None:
    d["committees"][0]["venue"]["fitness_floor"] = False
    d["resources"] = {"trainers": [trainer("U", course_weeks=2)]}
    d["demand"] = [ask("C1", "fitness_course")]


def _venue_shelf(d: dict[str, Any]) -> None:
    d["committees"][0]["venue"]["shelf_slots"] = 0
    d["resources"] = {"book_sets": [book_set("U", stay_weeks=2)]}
    d["demand"] = [ask("C1", "book_set")]


def _venue_boards(d: dict[str, Any]) -> None:
    d["committees"][0]["venue"]["board_slots"] = 0
    d["resources"] = {"board_sets": [board_set("U", stay_weeks=2)]}
    d["demand"] = [ask("C1", "exhibition")]


def _no_events(d: dict[str, Any]) -> None:
    d["committees"][0]["max_events_per_week"] = 0
    d["resources"] = {"lecturers": [lecturer("U")]}
    d["demand"] = [ask("C1", "lecture")]


#: How to make unit ``U`` unable to serve C1's first line, for each static reason.
STATIC_CASES: dict[str, Callable[[dict[str, Any]], None]] = {
    "no_resource": _no_resource,
    "theme": _theme,
    "service_area": _service_area,
    "venue_stage": _venue_stage,
    "venue_audience": _venue_audience,
    "venue_fitness_floor": _venue_fitness_floor,
    "venue_shelf": _venue_shelf,
    "venue_boards": _venue_boards,
    "no_events": _no_events,
}


def test_every_static_reason_has_a_case() -> None:
    """Every blocker but 'weeks' (which needs the calendar) is a static one tested here."""
    assert set(STATIC_CASES) == set(BLOCKERS) - {"weeks"}


@pytest.mark.parametrize("reason", list(STATIC_CASES))
def test_static_blocker_names_the_reason(reason: str) -> None:
    """Each broken rule yields its own BLOCKERS key for that unit and line."""
    data = base_data()
    STATIC_CASES[reason](data)
    scenario, line = first_line(data)
    assert static_blocker(scenario, line, scenario.resource_units["U"]) == reason


@pytest.mark.parametrize(
    ("product", "resources"),
    [
        ("book_set", {"book_sets": [book_set("U")]}),
        ("exhibition", {"board_sets": [board_set("U")]}),
        ("performance", {"troupes": [troupe("U", needs_stage=True, min_audience=100)]}),
        ("lecture", {"lecturers": [lecturer("U")]}),
        ("fitness_course", {"trainers": [trainer("U", course_weeks=2)]}),
    ],
)
def test_static_blocker_is_none_when_everything_fits(
    product: str, resources: dict[str, Any]
) -> None:
    """On the tiny scenario's full venue, a unit of each product has no static blocker."""
    data = base_data()
    data["resources"] = resources
    data["demand"] = [ask("C1", product)]
    scenario, line = first_line(data)
    assert static_blocker(scenario, line, scenario.resource_units["U"]) is None


# -- first_weeks -------------------------------------------------------------------------


def test_event_may_start_in_every_free_week() -> None:
    """A show may start in any week not closed, unavailable or excluded: 1, 3 and 6."""
    data = base_data(weeks=6)
    data["committees"][0]["closed_weeks"] = [2]
    data["resources"] = {"troupes": [troupe(unavailable_weeks=[4])]}
    data["demand"] = [ask("C1", "performance", excluded_weeks=[5])]
    scenario, line = first_line(data)
    assert first_weeks(scenario, line, scenario.resource_units["T1"]) == [1, 3, 6]


def test_stay_may_start_in_every_week_that_fits() -> None:
    """A 2-week stay in a 7-week season starts in weeks 1-6 (week 7 would overrun); a
    3-week board stay in weeks 1-5; a 3-week course in an 8-week season in weeks 1-6."""
    data = base_data(weeks=7)
    data["resources"] = {"book_sets": [book_set(stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set")]
    scenario, line = first_line(data)
    assert first_weeks(scenario, line, scenario.resource_units["B1"]) == [1, 2, 3, 4, 5, 6]
    data["resources"] = {"board_sets": [board_set(stay_weeks=3)]}
    data["demand"] = [ask("C1", "exhibition")]
    scenario, line = first_line(data)
    assert first_weeks(scenario, line, scenario.resource_units["E1"]) == [1, 2, 3, 4, 5]
    data = base_data(weeks=8)
    data["resources"] = {"trainers": [trainer(course_weeks=3)]}
    data["demand"] = [ask("C1", "fitness_course")]
    scenario, line = first_line(data)
    assert first_weeks(scenario, line, scenario.resource_units["N1"]) == [1, 2, 3, 4, 5, 6]


def test_stay_starts_around_blocked_weeks() -> None:
    """A 3-week course whose trainer is away in week 1 and whose line excludes week 6, in
    an 8-week season, starts in weeks 2 and 3 (runs 2-4 and 3-5) only."""
    data = base_data(weeks=8)
    data["resources"] = {"trainers": [trainer(course_weeks=3, unavailable_weeks=[1])]}
    data["demand"] = [ask("C1", "fitness_course", excluded_weeks=[6])]
    scenario, line = first_line(data)
    assert first_weeks(scenario, line, scenario.resource_units["N1"]) == [2, 3]


def _rotating(data: dict[str, Any]) -> dict[str, Any]:
    """The scenario data with the opt-in rule rotation_cycle switched on."""
    data["season"]["rotation_cycle"] = True
    return data


def test_rotation_cycle_stay_starts_on_its_cycle() -> None:
    """With rotation_cycle, a 2-week stay in a 7-week season starts in weeks 1, 3 or 5
    (week 7 would overrun)."""
    data = _rotating(base_data(weeks=7))
    data["resources"] = {"book_sets": [book_set(stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set")]
    scenario, line = first_line(data)
    assert first_weeks(scenario, line, scenario.resource_units["B1"]) == [1, 3, 5]


def test_rotation_cycle_stay_starts_later_inside_a_blocked_cycle() -> None:
    """With rotation_cycle and week 3 closed, the cycle of weeks 3-4 starts in week 4
    instead (the first week of that cycle whose stay fits)."""
    data = _rotating(base_data(weeks=7))
    data["season"]["closed_weeks"] = [3]
    data["resources"] = {"book_sets": [book_set(stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set")]
    scenario, line = first_line(data)
    assert first_weeks(scenario, line, scenario.resource_units["B1"]) == [1, 4, 5]


def test_rotation_cycle_stops_at_the_season_end() -> None:
    """With rotation_cycle, a 3-week stay in a 7-week season starts in weeks 1 and 4
    only; in a 5-week season a 2-week stay starts in weeks 1 and 3, never in the last."""
    data = _rotating(base_data(weeks=7))
    data["resources"] = {"board_sets": [board_set(stay_weeks=3)]}
    data["demand"] = [ask("C1", "exhibition")]
    scenario, line = first_line(data)
    assert first_weeks(scenario, line, scenario.resource_units["E1"]) == [1, 4]
    data = _rotating(base_data(weeks=5))
    data["resources"] = {"book_sets": [book_set(stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set")]
    scenario, line = first_line(data)
    assert first_weeks(scenario, line, scenario.resource_units["B1"]) == [1, 3]


def test_rotation_cycle_course_around_unavailable_weeks() -> None:
    """With rotation_cycle, a 3-week course whose trainer is away in week 1 and whose
    line excludes week 6 starts in week 2 (cycle 1-3) only: no 3-week run inside cycles
    4-6 or 7-8 avoids week 6 and fits the 8-week season."""
    data = _rotating(base_data(weeks=8))
    data["resources"] = {"trainers": [trainer(course_weeks=3, unavailable_weeks=[1])]}
    data["demand"] = [ask("C1", "fitness_course", excluded_weeks=[6])]
    scenario, line = first_line(data)
    assert first_weeks(scenario, line, scenario.resource_units["N1"]) == [2]


def test_rotation_cycle_course_without_obstacles() -> None:
    """With rotation_cycle, a 3-week course in an 8-week season starts in weeks 1 and 4
    (7 would overrun); a show still starts in every week."""
    data = _rotating(base_data(weeks=8))
    data["resources"] = {"trainers": [trainer(course_weeks=3)], "troupes": [troupe()]}
    data["demand"] = [ask("C1", "fitness_course"), ask("C1", "performance")]
    scenario = build(data)
    course, show = scenario.demand_lines
    assert first_weeks(scenario, course, scenario.resource_units["N1"]) == [1, 4]
    assert first_weeks(scenario, show, scenario.resource_units["T1"]) == list(range(1, 9))


# -- delivered_theme ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wished", "theme"),
    [([], "健康"), (["书法", "历史", "健康"], "历史"), (["书法"], None)],
)
def test_delivered_theme(wished: list[str], theme: str | None) -> None:
    """Without wishes the unit's first topic; else the first wish it offers; else None."""
    data = base_data()
    data["resources"] = {"lecturers": [lecturer("L1", ["健康", "历史"])]}
    data["demand"] = [ask("C1", "lecture", themes=wished)]
    scenario, line = first_line(data)
    assert delivered_theme(line, scenario.resource_units["L1"]) == theme


# -- line_blocker ------------------------------------------------------------------------


def test_line_blocker_picks_the_furthest_obstacle() -> None:
    """Of a troupe of the wrong genre and one needing a stage, the stage is reported; a
    third troupe that fits but has no free week makes it 'weeks'; a free one, None."""
    data = base_data(weeks=2)
    data["committees"][0]["venue"]["stage"] = False
    data["demand"] = [ask("C1", "performance", themes=["越剧"])]
    data["resources"] = {"troupes": [troupe("TA", "沪剧"), troupe("TB", needs_stage=True)]}
    scenario, line = first_line(data)
    assert line_blocker(scenario, line) == "venue_stage"
    data["resources"]["troupes"].append(troupe("TC", unavailable_weeks=[1, 2]))
    scenario, line = first_line(data)
    assert line_blocker(scenario, line) == "weeks"
    data["resources"]["troupes"].append(troupe("TD", unavailable_weeks=[1]))
    scenario, line = first_line(data)
    assert line_blocker(scenario, line) is None


def test_line_blocker_without_any_unit_of_the_product() -> None:
    """With no unit of the product at all, the reason is 'no_resource'."""
    data = base_data()
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "lecture")]
    scenario, line = first_line(data)
    assert line_blocker(scenario, line) == "no_resource"


# -- line_options and all_options --------------------------------------------------------


def test_option_counts_on_a_tiny_scenario() -> None:
    """4 weeks, C2 closed in week 2: C1's show has 4 options, C2's 2-week stay only the
    run starting in week 3, the lecture on an unoffered topic none; options come in
    line, unit, then week order."""
    data = base_data(weeks=4)
    data["committees"][1]["closed_weeks"] = [2]
    data["resources"] = {
        "troupes": [troupe()],
        "book_sets": [book_set(stay_weeks=2)],
        "lecturers": [lecturer()],
    }
    data["demand"] = [
        ask("C1", "performance"),
        ask("C2", "book_set"),
        ask("C2", "lecture", themes=["健康"]),
    ]
    scenario = build(data)
    options = all_options(scenario)
    assert options == [
        Option("C1/performance/1", "T1", 1, 1, "越剧"),
        Option("C1/performance/1", "T1", 2, 1, "越剧"),
        Option("C1/performance/1", "T1", 3, 1, "越剧"),
        Option("C1/performance/1", "T1", 4, 1, "越剧"),
        Option("C2/book_set/1", "B1", 3, 2, "文学"),
    ]
    assert options[-1].weeks == range(3, 5)
    assert [len(line_options(scenario, line)) for line in scenario.demand_lines] == [4, 1, 0]


def test_options_of_two_units_come_in_unit_order() -> None:
    """Two troupes in a 2-week season give 4 options, the first troupe's weeks first."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe("TB"), troupe("TA")]}
    data["demand"] = [ask("C1", "performance")]
    scenario = build(data)
    assert [(o.unit_id, o.first_week) for o in all_options(scenario)] == [
        ("TB", 1),
        ("TB", 2),
        ("TA", 1),
        ("TA", 2),
    ]


# -- the options are exactly the deliveries the rules allow ------------------------------

#: Rules a single delivery can break only because a capacity is zero (no shows a week,
#: no van moves): the model keeps such options and its coupling rules refuse them.
ZERO_CAPACITY_RULES = {"resource_capacity", "van_moves"}


def _allowed_alone(scenario: Scenario) -> set[tuple[str, str, int]]:
    """(line, unit, first week) of every delivery that the validator accepts as the only
    delivery of a plan, apart from zero capacities: every unit, every week, every theme
    tried, independently of planner.options."""
    out = set()
    for line in scenario.demand_lines:
        for unit in scenario.resource_units.values():
            for week in range(1, scenario.season.weeks + 1):
                for theme in unit.themes:
                    d = Delivery(
                        line.committee,
                        line.product,
                        unit.id,
                        week,
                        week + unit.duration - 1,
                        line.id,
                        theme,
                    )
                    broken = {v.rule for v in check_plan(scenario, Plan.of([d]))}
                    if broken <= ZERO_CAPACITY_RULES:
                        out.add((line.id, unit.id, week))
    return out


@settings(max_examples=60, deadline=None)
@given(small_scenarios(), st.booleans())
def test_options_are_every_delivery_the_rules_allow(data: dict[str, Any], rotate: bool) -> None:
    """On random tiny scenarios, with and without rotation_cycle, the options are exactly
    the deliveries the validator accepts on their own (every start week), and each
    option's theme is one the validator accepts."""
    data["season"]["rotation_cycle"] = rotate
    scenario = build(data)
    options = all_options(scenario)
    assert {(o.line_id, o.unit_id, o.first_week) for o in options} == _allowed_alone(scenario)
    for o in options:
        line = scenario.demand_by_id[o.line_id]
        d = Delivery(
            line.committee,
            line.product,
            o.unit_id,
            o.first_week,
            o.first_week + o.duration - 1,
            o.line_id,
            o.theme,
        )
        assert {v.rule for v in check_plan(scenario, Plan.of([d]))} <= ZERO_CAPACITY_RULES


def test_a_copy_pin_plans_its_kind_copy_by_copy() -> None:
    """A pin naming copy BK-2 gives each option of kind BK once per copy; a pin naming
    the kind alone keeps one option per start."""
    data = base_data(weeks=2)
    data["resources"] = {"book_sets": [book_set("BK", copies=2, stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set"), ask("C2", "book_set")]
    data["pins"] = [pin("C1", "book_set", "BK", 1)]
    assert [o.copy_id for o in all_options(build(data))] == [None, None]
    data["pins"] = [pin("C1", "book_set", "BK-2", 1)]
    scenario = build(data)
    assert copy_planned_units(scenario) == {"BK"}
    assert [(o.line_id, o.copy_id) for o in all_options(scenario)] == [
        ("C1/book_set/1", "BK-1"),
        ("C1/book_set/1", "BK-2"),
        ("C2/book_set/1", "BK-1"),
        ("C2/book_set/1", "BK-2"),
    ]


# -- themes -----------------------------------------------------------------------------


def test_other_fitting_themes_are_options_only_when_a_goal_sees_them() -> None:
    """A two-topic lecturer gives one option per week (the delivered theme) while no
    goal looks at themes; with variety on, or a fixture favouring a topic, one per
    fitting topic, the delivered theme first (and never a topic the line did not wish)."""
    d = base_data(weeks=2, committees=1)
    d["resources"] = {"lecturers": [lecturer("L1", ["党史", "健康", "法律"])]}
    d["demand"] = [ask("C1", "lecture", 1, themes=["健康", "党史"])]

    def themes() -> list[str]:
        return [o.theme for o in all_options(build(d)) if o.first_week == 1]

    assert themes() == ["健康"]
    d["objective"] = {"variety": 1}
    assert themes() == ["健康", "党史"]
    d["objective"] = {}
    d["season"]["fixtures"] = [
        {"id": "F", "name": "节", "weeks": [1], "product": "lecture", "themes": ["党史"],
         "bonus": 1}
    ]  # fmt: skip
    assert themes() == ["健康", "党史"]


# -- units by service area ---------------------------------------------------------------


def _every_unit_blocker(scenario: Scenario, line: Any) -> str | None:
    """line_blocker as it reads when every unit of the product is looked at."""
    order = list(BLOCKERS)
    found: list[str] = []
    for unit in scenario.resource_units.values():
        if unit.product != line.product:
            continue
        blocker = static_blocker(scenario, line, unit)
        if blocker is None:
            if first_weeks(scenario, line, unit):
                return None
            blocker = "weeks"
        found.append(blocker)
    return max(found, key=order.index) if found else "no_resource"


def _every_unit_options(scenario: Scenario, line: Any) -> list[Option]:
    """line_options as it reads when every unit of the product is looked at."""
    out = []
    for unit in scenario.resource_units.values():
        if unit.product != line.product or static_blocker(scenario, line, unit) is not None:
            continue
        for theme in option_themes(scenario, line, unit):
            for w in first_weeks(scenario, line, unit):
                out.append(Option(line.id, unit.id, w, unit.duration, theme))
    return out


@pytest.fixture(scope="module")
def district() -> Scenario:
    """A generated district of four weeks: subdistricts with units of their own."""
    return generate("district", 2, weeks=4)


def test_units_in_area_are_the_units_that_serve(district: Scenario) -> None:
    """For every committee and product of a generated district, the units in its area are
    exactly the units of the product that may serve it, in unit order, and some
    subdistrict has units of its own (so the test looks at a real split)."""
    s = district
    products = {u.product for u in s.resource_units.values()}
    assert any(u.service_area for u in s.resource_units.values())
    for c in s.committees:
        for product in products:
            expected = [
                u.id
                for u in s.resource_units.values()
                if u.product == product and s.serves(u.id, c.id)
            ]
            assert [u.id for u in s.units_in_area(product, c.id)] == expected


def _random_areas(seed: int) -> Scenario:
    """Two subdistricts and a grid without one; committees on any grid (or one not
    listed), some closed weeks and stages missing; troupes and lecturers of either
    subdistrict, of one not listed, or of none, with random genres, topics and weeks."""
    r = random.Random(seed)
    data = two_level_data(weeks=4)
    sub = {"id": "SX1", "name": "无街道分中心", "location": {"lat": 31.32, "lon": 121.52}}
    data["grids"].append({"id": "GX", "name": "无街道网格", "subdistrict": "", "subcentre": sub})
    areas = ["甲街道", "乙街道", "", "丙街道"]
    genres = ["越剧", "沪剧", "京剧"]
    for c in data["committees"]:
        c["grid"] = r.choice(["GA", "GB", "GX", "GZ"])
        c["closed_weeks"] = r.sample([1, 2, 3, 4], r.randint(0, 2))
        if r.random() < 0.2:
            c["venue"] = {**c.get("venue", {}), "stage": False}
    data["resources"]["troupes"] = [
        troupe(
            f"T{i}",
            r.choice(genres),
            home_grid="GA",
            subdistrict=r.choice(areas),
            unavailable_weeks=r.sample([1, 2, 3, 4], r.randint(0, 4)),
            needs_stage=r.random() < 0.3,
        )
        for i in range(r.randint(0, 5))
    ]
    data["resources"]["lecturers"] = [
        lecturer(f"L{i}", [r.choice(["党史", "健康"])], subdistrict=r.choice(areas))
        for i in range(r.randint(0, 3))
    ]
    data["demand"] = [
        ask(
            c["id"],
            r.choice(["performance", "lecture", "book_set"]),
            themes=[r.choice([*genres, "党史", "健康"])] if r.random() < 0.7 else [],
        )
        for c in data["committees"]
        for _ in range(2)
    ]
    return Scenario.model_validate(data)


def test_options_and_blockers_are_those_of_every_unit() -> None:
    """On 150 random scenarios of two subdistricts (committees on a grid without one or
    on an unknown grid, units of either subdistrict, of none or of one not listed), the
    units in a committee's area are those that serve it, and each line's options (in
    order), blocker and blocking week rule are what a look at every unit gives; every
    blocker from the theme on comes up."""
    seen: set[str | None] = set()
    for seed in range(150):
        s = _random_areas(seed)
        lister = options_lister(s)
        products = {u.product for u in s.resource_units.values()}
        for c in s.committees:
            for product in products:
                expected = [
                    u.id
                    for u in s.resource_units.values()
                    if u.product == product and s.serves(u.id, c.id)
                ]
                assert [u.id for u in s.units_in_area(product, c.id)] == expected
        for line in s.demand_lines:
            blocker = line_blocker(s, line)
            assert blocker == _every_unit_blocker(s, line), (seed, line.id)
            assert lister(line) == _every_unit_options(s, line), (seed, line.id)
            if blocker == "weeks":
                assert week_rule(s, line) == _every_unit_week_rule(s, line), (seed, line.id)
            seen.add(blocker)
    assert {None, "no_resource", "theme", "service_area", "venue_stage", "weeks"} <= seen


def _every_unit_week_rule(scenario: Scenario, line: Any) -> str:
    """week_rule as it reads when every unit of the product is looked at."""
    weeks = scenario.season.weeks
    closed = scenario.closed_weeks(line.committee)
    excluded = frozenset(line.demand.excluded_weeks)
    blocked = dict.fromkeys(WEEK_RULES, 0)
    for unit in scenario.resource_units.values():
        if unit.product != line.product or static_blocker(scenario, line, unit) is not None:
            continue
        unavailable = scenario.unavailable_weeks(unit.id)
        for start in range(1, weeks + 1):
            run = range(start, start + unit.duration)
            blocked["within_season"] += run.stop - 1 > weeks
            blocked["resource_unavailable"] += any(w in unavailable for w in run)
            blocked["closed_week"] += any(w in closed for w in run)
            blocked["excluded_week"] += any(w in excluded for w in run)
    return max(WEEK_RULES, key=lambda rule: (blocked[rule], -WEEK_RULES.index(rule)))


def test_line_blocker_names_the_service_area_past_a_near_theme() -> None:
    """When the units of a committee's own subdistrict offer the wrong genre and a unit
    of the other subdistrict offers the right one, the blocker is the service area
    (the obstacle reached last), as when every unit is looked at."""
    data = two_level_data()
    data["resources"]["troupes"] = [
        troupe("TA", "沪剧", home_grid="GA", subdistrict="甲街道"),
        troupe("TB", "越剧", home_grid="GB", subdistrict="乙街道"),
    ]
    data["demand"] = [ask("A1", "performance", themes=["越剧"])]
    scenario, line = first_line(data)
    assert line_blocker(scenario, line) == "service_area"
    assert _every_unit_blocker(scenario, line) == "service_area"
    data["resources"]["troupes"][1]["genre"] = "京剧"
    scenario, line = first_line(data)
    assert line_blocker(scenario, line) == "theme"
