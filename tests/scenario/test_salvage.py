"""Every problem at once: the checks that still run when some fields are wrong, and what
they leave out; the ids a scenario may use."""

from __future__ import annotations

from typing import Any

import pytest

from planner.scenario import ScenarioError
from tests.factories import ask, board_set, build, lecturer, pin, troupe


def report(data: dict[str, Any]) -> list[str]:
    """The problems of scenario data, as planners read them (no lines: plain data)."""
    with pytest.raises(ScenarioError) as caught:
        build(data)
    return [str(p) for p in caught.value.problems]


def test_field_problems_do_not_hide_references_pins_or_the_network(
    tiny_data: dict[str, Any],
) -> None:
    """A bad population, an unknown committee in the demand, a pin of an unknown
    resource and an unreachable committee are all reported together."""
    tiny_data["committees"][0]["population"] = -1
    tiny_data["resources"] = {"troupes": [troupe()]}
    tiny_data["demand"] = [ask("C7", "performance")]
    tiny_data["pins"] = [pin("C1", "performance", "T9", 1)]
    tiny_data["network"] = {"roads": [{"a": "centre", "b": "S1", "km": 1.0}]}
    assert report(tiny_data) == [
        "committees[0].population: Input should be greater than or equal to 0 (got -1)",
        "demand[0].committee: unknown committee 'C7'",
        "pins[0].resource: unknown resource 'T9'",
        "committees[0].id: committee 'C1' (测试1居委会) cannot be reached from the centre "
        "'centre' by the network's roads",
        "committees[1].id: committee 'C2' (测试2居委会) cannot be reached from the centre "
        "'centre' by the network's roads",
    ]


def test_a_record_with_a_bad_field_is_still_known(tiny_data: dict[str, Any]) -> None:
    """A committee and a troupe whose other fields are wrong still exist for the demand,
    the pins and the fixtures: nothing names them as unknown."""
    tiny_data["committees"][1]["location"] = {"lat": 95, "lon": 121.5}
    tiny_data["resources"] = {"troupes": [troupe(shows_per_week=-1)]}
    tiny_data["season"]["fixtures"] = [{"id": "F", "name": "节", "weeks": [2], "reserves": ["T1"]}]
    tiny_data["demand"] = [ask("C2", "performance")]
    tiny_data["pins"] = [pin("C2", "performance", "T1", 2)]
    assert report(tiny_data) == [
        "committees[1].location.lat: Input should be less than or equal to 90 (got 95)",
        "resources.troupes[0].shows_per_week: Input should be greater than or equal to 0 (got -1)",
    ]


def test_references_to_an_unsafe_id_are_not_reported_again(tiny_data: dict[str, Any]) -> None:
    """A committee id with '/' is refused once, at the id; the demand and pins naming it
    are not called unknown, while a reference to a truly unknown committee still is."""
    tiny_data["committees"][1]["id"] = "a/b"
    tiny_data["resources"] = {"troupes": [troupe()]}
    tiny_data["demand"] = [ask("a/b", "performance"), ask("C9", "performance")]
    tiny_data["pins"] = [pin("a/b", "performance", "T1", 1)]
    problems = report(tiny_data)
    assert [p.split(":")[0] for p in problems] == ["committees[1].id", "demand[1].committee"]
    assert problems[1] == "demand[1].committee: unknown committee 'C9'"


def test_a_bad_grid_id_hides_its_references_and_the_reachability(
    tiny_data: dict[str, Any],
) -> None:
    """With the grid's id refused, committees in that grid are not reported for it, and
    reachability is not judged on a network that lacks the grid's sub-centre."""
    tiny_data["grids"][0]["id"] = "G 1"
    for c in tiny_data["committees"]:
        c["grid"] = "G 1"
    tiny_data["network"] = {"roads": [{"a": "centre", "b": "C1", "km": 1.0}]}
    problems = report(tiny_data)
    assert len(problems) == 1
    assert problems[0].startswith("grids[0].id: id 'G 1' is not allowed")


def test_an_unreadable_season_length_skips_the_week_checks(tiny_data: dict[str, Any]) -> None:
    """With ``season.weeks`` wrong, no week can be judged outside the season, but an
    unknown grid is still found; with only the start wrong, weeks are still checked."""
    tiny_data["season"]["weeks"] = "four"
    tiny_data["committees"][0]["closed_weeks"] = [9]
    tiny_data["committees"][1]["grid"] = "G9"
    problems = report(tiny_data)
    assert problems[1:] == ["committees[1].grid: unknown grid 'G9'"]
    tiny_data["season"]["weeks"] = 4
    tiny_data["season"]["start"] = "2027-03-02"
    assert report(tiny_data) == [
        "season.start: season must start on a Monday, 2027-03-02 is a Tuesday",
        "committees[0].closed_weeks: week 9 is outside the season (1..4)",
        "committees[1].grid: unknown grid 'G9'",
    ]


def test_a_bad_centre_keeps_references_to_its_id(tiny_data: dict[str, Any]) -> None:
    """A centre with a bad location is still the place a lecturer lives at; a bad
    optional field (the van's moves) does not hide the van's unknown depot."""
    tiny_data["centre"]["location"] = {"lat": 100, "lon": 0}
    tiny_data["resources"] = {
        "lecturers": [lecturer(home="centre")],
        "board_sets": [board_set()],
        "van": {"moves_per_week": -2, "depot": "depot9"},
    }
    assert report(tiny_data) == [
        "centre.location.lat: Input should be less than or equal to 90 (got 100)",
        "resources.van.moves_per_week: Input should be greater than or equal to 0 (got -2)",
        "resources.van.depot: unknown place 'depot9'",
    ]


def test_a_record_that_is_not_a_mapping(tiny_data: dict[str, Any]) -> None:
    """A committee written as a bare string is one problem; the other records are still
    checked, at their own indices."""
    tiny_data["committees"].insert(0, "C0")
    tiny_data["committees"][2]["grid"] = "G9"
    assert report(tiny_data) == [
        "committees[0]: Input should be a mapping of keys and values (got 'C0')",
        "committees[2].grid: unknown grid 'G9'",
    ]


def test_a_changed_demand_line_leaves_the_pins_lines_unjudged(tiny_data: dict[str, Any]) -> None:
    """Demand lines may be named by position, so a demand line whose product is wrong
    stops pins' demand lines from being looked up (they could be off by one)."""
    tiny_data["resources"] = {"troupes": [troupe()]}
    tiny_data["demand"] = [ask("C1", "theatre"), ask("C1", "performance")]
    tiny_data["pins"] = [pin("C1", "performance", "T1", 1, demand="C1/performance/2")]
    problems = report(tiny_data)
    assert len(problems) == 1
    assert problems[0].startswith("demand[0].product: Input should be")


# -- ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ident", ["C01", "居委01", "E01-2", "a.b", "_x", "G_1", "x" * 64, "7"], ids=repr
)
def test_safe_ids_are_accepted(tiny_data: dict[str, Any], ident: str) -> None:
    """Letters of any script, digits, '_', '-' and single dots make a committee id."""
    tiny_data["committees"][1]["id"] = ident
    assert build(tiny_data).committees[1].id == ident


@pytest.mark.parametrize(
    "ident",
    [
        "..",
        "a/b",
        "a\\b",
        "../etc",
        "a..b",
        ".hidden",
        "end.",
        "-x",
        "a b",
        "tab\t",
        "\x00",
        "nl\n",
        "x" * 65,
        "",
        "a:b",
        "a*b",
    ],
    ids=repr,
)
def test_unsafe_ids_are_refused(tiny_data: dict[str, Any], ident: str) -> None:
    """Path separators, '..', a leading or trailing dot or dash, white space, control
    characters, characters Windows forbids in file names, and over 64 characters are
    refused, each at the id with its value."""
    tiny_data["committees"][1]["id"] = ident
    assert report(tiny_data) == [
        f"committees[1].id: id {ident!r} is not allowed: ids use letters, digits, '_', '-' "
        "and '.', start and end with a letter, digit or '_', have no '..' and at most 64 "
        "characters"
    ]
