"""Cross-reference checks of a structurally valid scenario, and how problems are reported."""

from __future__ import annotations

from typing import Any

from planner.scenario import Scenario
from planner.scenario.problems import Problem, ScenarioError, format_loc, scenario_problems
from tests.factories import ask, board_set, book_set, lecturer, pin, trainer, troupe


def problems(data: dict[str, Any]) -> list[str]:
    """The cross-reference problems of scenario data, as planners read them."""
    return [str(p) for p in scenario_problems(Scenario.model_validate(data))]


# -- ids and references ------------------------------------------------------------------


def test_the_tiny_scenario_has_no_problem(tiny_data: dict[str, Any]) -> None:
    """The base scenario of the factories is clean."""
    assert problems(tiny_data) == []


def test_unknown_grid_of_a_committee(tiny_data: dict[str, Any]) -> None:
    """A committee in a grid that does not exist is named with its place."""
    tiny_data["committees"][0]["grid"] = "G9"
    assert problems(tiny_data) == ["committees[0].grid: unknown grid 'G9'"]


def test_unknown_home_grid_of_troupe_and_trainer(tiny_data: dict[str, Any]) -> None:
    """Troupes and trainers must be based in a known grid."""
    tiny_data["resources"] = {
        "troupes": [troupe(home_grid="G2")],
        "trainers": [trainer(home_grid="G3")],
    }
    assert problems(tiny_data) == [
        "resources.troupes[0].home_grid: unknown grid 'G2'",
        "resources.trainers[0].home_grid: unknown grid 'G3'",
    ]


def test_unknown_places_of_van_depot_and_lecturer_home(tiny_data: dict[str, Any]) -> None:
    """The van's depot must be a place; a lecturer's home a place or a committee."""
    tiny_data["resources"] = {
        "van": {"depot": "C1"},
        "lecturers": [lecturer("L1", home="C2"), lecturer("L2", home="nowhere")],
    }
    assert problems(tiny_data) == [
        "resources.van.depot: unknown place 'C1'",
        "resources.lecturers[1].home: unknown place 'nowhere'",
    ]


def test_duplicated_committee_id(tiny_data: dict[str, Any]) -> None:
    """A repeated committee id is reported at the repeat, naming the first."""
    tiny_data["committees"][1]["id"] = "C1"
    assert problems(tiny_data) == ["committees[1].id: duplicated id 'C1' (first at committees[0])"]


def test_duplicated_grid_also_duplicates_its_subcentre(tiny_data: dict[str, Any]) -> None:
    """A copied grid repeats both the grid id and the sub-centre's place id."""
    tiny_data["grids"].append(dict(tiny_data["grids"][0]))
    assert problems(tiny_data) == [
        "grids[1].id: duplicated id 'G1' (first at grids[0])",
        "grids[0].subcentre.id: duplicated place id 'S1'",
        "grids[1].subcentre.id: duplicated place id 'S1'",
    ]


def test_committee_id_that_is_a_place_id(tiny_data: dict[str, Any]) -> None:
    """A committee may not share its id with the centre or a sub-centre."""
    tiny_data["committees"][1]["id"] = "S1"
    assert problems(tiny_data) == ["committees[1].id: id 'S1' is also a place id"]


def test_duplicated_resource_ids_within_and_across_kinds(tiny_data: dict[str, Any]) -> None:
    """A repeat within a kind names the first; an id shared across kinds is named in the
    kind where it is used once."""
    tiny_data["resources"] = {
        "book_sets": [book_set("T1")],
        "troupes": [troupe("T1"), troupe("T1")],
    }
    assert problems(tiny_data) == [
        "resources.book_sets[0].id: id 'T1' is used by another kind of resource",
        "resources.troupes[1].id: duplicated id 'T1' (first at resources.troupes[0])",
    ]


def test_id_clashing_with_a_copy_name(tiny_data: dict[str, Any]) -> None:
    """Copies of a 2-copy set are BK-1 and BK-2, so no other resource may be called BK-2."""
    tiny_data["resources"] = {
        "book_sets": [book_set("BK", copies=2)],
        "board_sets": [board_set("BK-2")],
    }
    assert problems(tiny_data) == [
        "resources.board_sets[0].id: id 'BK-2' clashes with the name of a copy of another set"
    ]


def test_duplicated_demand_id(tiny_data: dict[str, Any]) -> None:
    """Two demand lines with one id: the second is reported."""
    tiny_data["demand"] = [ask("C1", "performance", id="x"), ask("C2", "lecture", id="x")]
    assert problems(tiny_data) == ["demand[1].id: duplicated demand id 'x'"]


def test_unknown_resource_in_a_fixture_reserves(tiny_data: dict[str, Any]) -> None:
    """A fixture may only reserve resources that exist; the place names the list item."""
    tiny_data["season"]["fixtures"] = [
        {"id": "F", "name": "文化节", "weeks": [2], "reserves": ["T1", "X9"]}
    ]
    tiny_data["resources"] = {"troupes": [troupe()]}
    assert problems(tiny_data) == ["season.fixtures[0].reserves[1]: unknown resource 'X9'"]


def test_unknown_committee_in_demand_and_pins(tiny_data: dict[str, Any]) -> None:
    """Demand lines and pins must name a known committee."""
    tiny_data["resources"] = {"troupes": [troupe()]}
    tiny_data["demand"] = [ask("C7", "performance")]
    tiny_data["pins"] = [pin("C8", "performance", "T1", 1)]
    assert problems(tiny_data) == [
        "demand[0].committee: unknown committee 'C7'",
        "pins[0].committee: unknown committee 'C8'",
    ]


def test_unknown_time_zone(tiny_data: dict[str, Any]) -> None:
    """The season's time zone must be a known IANA zone."""
    tiny_data["season"]["timezone"] = "Mars/Base"
    assert problems(tiny_data) == ["season.timezone: unknown time zone 'Mars/Base'"]


# -- weeks and lengths -------------------------------------------------------------------


def test_weeks_outside_the_season(tiny_data: dict[str, Any]) -> None:
    """Every week list is checked against the 4-week season, each bad week once."""
    tiny_data["season"]["closed_weeks"] = [5]
    tiny_data["season"]["fixtures"] = [{"id": "F", "name": "节", "weeks": [4, 6]}]
    tiny_data["committees"][0]["closed_weeks"] = [1, 9]
    tiny_data["resources"] = {
        "book_sets": [book_set(unavailable_weeks=[7])],
        "troupes": [troupe(unavailable_weeks=[8])],
        "lecturers": [lecturer(available_weeks=[1, 5], unavailable_weeks=[6])],
        "trainers": [trainer(course_weeks=2, unavailable_weeks=[10])],
    }
    tiny_data["demand"] = [ask("C1", "lecture", preferred_weeks=[11], excluded_weeks=[12])]
    assert problems(tiny_data) == [
        "season.closed_weeks: week 5 is outside the season (1..4)",
        "committees[0].closed_weeks: week 9 is outside the season (1..4)",
        "resources.book_sets[0].unavailable_weeks: week 7 is outside the season (1..4)",
        "resources.troupes[0].unavailable_weeks: week 8 is outside the season (1..4)",
        "resources.lecturers[0].available_weeks: week 5 is outside the season (1..4)",
        "resources.lecturers[0].unavailable_weeks: week 6 is outside the season (1..4)",
        "resources.trainers[0].unavailable_weeks: week 10 is outside the season (1..4)",
        "season.fixtures[0].weeks: week 6 is outside the season (1..4)",
        "demand[0].preferred_weeks: week 11 is outside the season (1..4)",
        "demand[0].excluded_weeks: week 12 is outside the season (1..4)",
    ]


def test_stay_and_course_longer_than_the_season(tiny_data: dict[str, Any]) -> None:
    """A 5-week stay or a 6-week course cannot fit a 4-week season; 4 weeks can."""
    tiny_data["resources"] = {
        "book_sets": [book_set(stay_weeks=4)],
        "board_sets": [board_set(stay_weeks=5)],
        "trainers": [trainer(course_weeks=6)],
    }
    assert problems(tiny_data) == [
        "resources.board_sets[0].stay_weeks: stay of 5 weeks is longer than the season (4)",
        "resources.trainers[0].course_weeks: course of 6 weeks is longer than the season (4)",
    ]


# -- pins --------------------------------------------------------------------------------


def test_pins_naming_nothing_plannable(tiny_data: dict[str, Any]) -> None:
    """Wrong product, a stay running past the season, a week outside it, an unknown or
    foreign demand line, an unknown resource: each pin is reported at its own field."""
    tiny_data["resources"] = {"troupes": [troupe()], "book_sets": [book_set(stay_weeks=2)]}
    tiny_data["demand"] = [ask("C1", "performance"), ask("C2", "book_set", id="C2/book_set/1")]
    tiny_data["pins"] = [
        pin("C1", "book_set", "T1", 4),
        pin("C1", "book_set", "B1", 4),
        pin("C2", "performance", "T1", 5),
        pin("C1", "performance", "T1", 1, demand="nope"),
        pin("C1", "performance", "T1", 1, demand="C2/book_set/1"),
        pin("C1", "performance", "T9", 1),
    ]
    assert problems(tiny_data) == [
        "pins[0].product: resource 'T1' delivers performance, not book_set",
        "pins[1].first_week: a 2-week delivery from week 4 runs past the season (4 weeks)",
        "pins[2].first_week: week 5 is outside the season (1..4)",
        "pins[3].demand: unknown demand line 'nope'",
        "pins[4].demand: demand line 'C2/book_set/1' is for C2 book_set, not C1 performance",
        "pins[5].resource: unknown resource 'T9'",
    ]


def test_pin_of_a_copy_is_known(tiny_data: dict[str, Any]) -> None:
    """A pin may name one copy of a set kind (BK-2) or the kind itself."""
    tiny_data["resources"] = {"book_sets": [book_set("BK", copies=2, stay_weeks=2)]}
    tiny_data["pins"] = [pin("C1", "book_set", "BK-2", 1), pin("C2", "book_set", "BK", 3)]
    assert problems(tiny_data) == []


def test_pin_resource_checks_wait_for_a_clean_scenario(tiny_data: dict[str, Any]) -> None:
    """With other problems present, a pin's resource is not looked up (its committee
    and week still are), so one mistake does not cascade."""
    tiny_data["committees"][0]["grid"] = "G9"
    tiny_data["resources"] = {"troupes": [troupe()]}
    tiny_data["pins"] = [pin("C1", "performance", "T9", 1)]
    assert problems(tiny_data) == ["committees[0].grid: unknown grid 'G9'"]


def test_pin_of_an_unknown_resource_without_any_resources(tiny_data: dict[str, Any]) -> None:
    """A pin naming a resource is refused when the scenario has no resources at all."""
    tiny_data["pins"] = [pin("C1", "performance", "T9", 1)]
    assert problems(tiny_data) == ["pins[0].resource: unknown resource 'T9'"]


# -- network -----------------------------------------------------------------------------


def test_road_to_an_unknown_node(tiny_data: dict[str, Any]) -> None:
    """Roads join known places or committees; each unknown end is named."""
    tiny_data["network"] = {
        "roads": [
            {"a": "centre", "b": "C1", "km": 1.0},
            {"a": "X", "b": "S1", "km": 2.0},
            {"a": "C2", "b": "Y", "km": 2.0},
        ]
    }
    assert problems(tiny_data) == [
        "network.roads[1].a: unknown place 'X'",
        "network.roads[2].b: unknown place 'Y'",
    ]


# -- several at once, and the report -----------------------------------------------------


def test_several_problems_reported_at_once_in_check_order(tiny_data: dict[str, Any]) -> None:
    """Season first, then grids, committees, resources, fixtures, demand, pins, roads."""
    tiny_data["network"] = {"roads": [{"a": "C1", "b": "Z", "km": 1.0}]}
    tiny_data["pins"] = [pin("C9", "performance", "T1", 1)]
    tiny_data["demand"] = [ask("C8", "performance")]
    tiny_data["resources"] = {"troupes": [troupe(home_grid="G7")]}
    tiny_data["committees"][1]["grid"] = "G6"
    tiny_data["season"]["closed_weeks"] = [5]
    assert problems(tiny_data) == [
        "season.closed_weeks: week 5 is outside the season (1..4)",
        "committees[1].grid: unknown grid 'G6'",
        "resources.troupes[0].home_grid: unknown grid 'G7'",
        "demand[0].committee: unknown committee 'C8'",
        "pins[0].committee: unknown committee 'C9'",
        "network.roads[0].b: unknown place 'Z'",
    ]


def test_format_loc() -> None:
    """Keys are joined by dots, list indices bracketed; the empty path is empty."""
    assert format_loc(("committees", 7, "grid")) == "committees[7].grid"
    assert format_loc(("season", "fixtures", 0, "reserves", 1)) == "season.fixtures[0].reserves[1]"
    assert format_loc(()) == ""


def test_problem_str_and_place() -> None:
    """A problem reads ``place: message``; without a place, ``(top level): message``."""
    problem = Problem(("committees", 0, "grid"), "unknown grid 'G9'", 12)
    assert problem.place == "committees[0].grid"
    assert str(problem) == "committees[0].grid: unknown grid 'G9'"
    assert str(Problem((), "the file is empty")) == "(top level): the file is empty"


def test_scenario_error_report_format() -> None:
    """The report heads with the count, then one ``FILE:LINE: place: message`` line per
    problem (``FILE: place: message`` when the line is unknown); it is also the error's
    text."""
    error = ScenarioError(
        "spring.yaml",
        [
            Problem(("committees", 0, "grid"), "unknown grid 'G9'", 12),
            Problem(("demand", 3, "committee"), "unknown committee 'C7'"),
        ],
    )
    assert error.report() == (
        "spring.yaml: 2 problems\n"
        "  spring.yaml:12: committees[0].grid: unknown grid 'G9'\n"
        "  spring.yaml: demand[3].committee: unknown committee 'C7'"
    )
    assert str(error) == error.report()
    assert error.source == "spring.yaml"
    assert len(error.problems) == 2


def test_scenario_error_with_one_problem_is_singular() -> None:
    """One problem is reported as ``1 problem``."""
    error = ScenarioError("x.yaml", [Problem((), "the file is empty", 1)])
    assert error.report() == "x.yaml: 1 problem\n  x.yaml:1: (top level): the file is empty"
