"""The subdistricts of a two-level scenario: the format, its round trip, and its checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from planner.i18n import use_language
from planner.io import read_scenario, write_scenario
from planner.scenario import ScenarioError
from tests.factories import REFERENCE, build, troupe, two_level_data


def report(data: dict[str, Any]) -> list[str]:
    """The problems of scenario data, as planners read them (no lines: plain data)."""
    with pytest.raises(ScenarioError) as caught:
        build(data)
    return [str(p) for p in caught.value.problems]


# -- the format --------------------------------------------------------------------------


def test_subdistricts_are_read_with_their_centres_and_lookups() -> None:
    """A scenario that lists its subdistricts has two levels; each committee belongs to
    the subdistrict its grid names, found by name and by id."""
    s = build(two_level_data())
    assert s.has_levels
    assert [(sd.id, sd.name, sd.centre.id) for sd in s.subdistricts] == [
        ("SA", "甲街道", "SA-c"),
        ("SB", "乙街道", "SB-c"),
    ]
    assert s.subdistrict_by_name["乙街道"] is s.subdistrict_by_id["SB"]
    assert {c.id: getattr(s.subdistrict_of(c.id), "id", None) for c in s.committees} == {
        "A1": "SA",
        "A2": "SA",
        "B1": "SB",
        "B2": "SB",
    }
    assert s.subdistrict_of("nobody") is None


def test_two_level_scenario_round_trips_through_yaml(tmp_path: Path) -> None:
    """Written and read again, a two-level scenario is the same scenario, its
    subdistricts (with their centres' Chinese names) written after the centre."""
    s = build(two_level_data())
    path = tmp_path / "two.yaml"
    write_scenario(s, path)
    text = path.read_text(encoding="utf-8")
    assert text.index("centre:") < text.index("subdistricts:") < text.index("grids:")
    assert "name: 甲街道社区文化中心" in text
    assert read_scenario(path) == s


def test_one_level_scenarios_are_as_before(tmp_path: Path) -> None:
    """A file without ``subdistricts`` has one level, and writing it adds no such key;
    its grids may still name any subdistrict, or none, as before."""
    reference = read_scenario(REFERENCE)
    assert not reference.has_levels and reference.subdistricts == []
    assert reference.subdistrict_of(reference.committees[0].id) is None
    write_scenario(reference, tmp_path / "again.yaml")
    assert "subdistricts" not in (tmp_path / "again.yaml").read_text(encoding="utf-8")
    data = two_level_data()
    del data["subdistricts"]
    data["grids"][1]["subdistrict"] = "未列出的街道"
    data["resources"]["troupes"][1]["subdistrict"] = "未列出的街道"
    del data["grids"][0]["subdistrict"]
    assert not build(data).has_levels


def test_without_the_list_a_resource_of_a_subdistrict_no_grid_names_is_unknown() -> None:
    """Without ``subdistricts`` the grids say which subdistricts there are: a resource
    whose service area no grid names (it could serve nobody) is an unknown subdistrict,
    as with the list, named at its place with the closest grid subdistrict suggested,
    one problem for all its references, listed with the scenario's other problems."""
    data = two_level_data()
    del data["subdistricts"]
    data["resources"]["troupes"][1]["subdistrict"] = "甲街"
    data["resources"]["book_sets"][0]["subdistrict"] = "甲街"
    data["resources"]["troupes"].append(troupe("TC", home_grid="GA", subdistrict="丙街道"))
    data["committees"][0]["grid"] = "G9"
    assert report(data) == [
        "resources.book_sets[0].subdistrict: unknown subdistrict '甲街'; did you mean '甲街道'? "
        "(and 1 more reference to it: resources.troupes[1].subdistrict)",
        "resources.troupes[2].subdistrict: unknown subdistrict '丙街道'",
        "committees[0].grid: unknown grid 'G9'",
    ]
    with use_language("zh_CN"):
        assert report(data)[1] == "resources.troupes[2].subdistrict: 未知街道 '丙街道'"


def test_without_the_list_an_unreadable_grid_leaves_service_areas_unchecked() -> None:
    """Without ``subdistricts``, a grid whose subdistrict cannot be read may be the one
    a resource names: only the field problem is reported."""
    data = two_level_data()
    del data["subdistricts"]
    data["grids"][0]["subdistrict"] = 7
    assert report(data) == ["grids[0].subdistrict: Input should be text (got 7)"]


# -- the checks --------------------------------------------------------------------------


def test_a_grid_or_resource_naming_an_undeclared_subdistrict() -> None:
    """With the list given, a grid's and a resource's subdistrict must be one of its
    names; a name close to a declared one is suggested."""
    data = two_level_data()
    data["grids"][1]["subdistrict"] = "丙街道"
    data["resources"]["troupes"][1]["subdistrict"] = "甲街"
    assert report(data) == [
        "grids[1].subdistrict: unknown subdistrict '丙街道'",
        "resources.troupes[1].subdistrict: unknown subdistrict '甲街'; did you mean '甲街道'?",
    ]


def test_a_subdistrict_named_by_its_id_suggests_its_name() -> None:
    """Grids and resources name a subdistrict by its name: one written by id is unknown,
    and the name is suggested, once for all its references."""
    data = two_level_data()
    data["grids"][0]["subdistrict"] = "SA"
    data["resources"]["troupes"][1]["subdistrict"] = "SA"
    assert report(data) == [
        "grids[0].subdistrict: unknown subdistrict 'SA'; did you mean '甲街道'? "
        "(and 1 more reference to it: resources.troupes[1].subdistrict)",
    ]


def test_duplicated_ids_names_and_centres() -> None:
    """Two subdistricts may share neither id nor name; a subdistrict's centre shares its
    id with no other place, committee or subdistrict centre."""
    data = two_level_data()
    extra = {
        "id": "SA",
        "name": "乙街道",
        "centre": {"id": "B1", "name": "重复", "location": {"lat": 31.3, "lon": 121.5}},
    }
    data["subdistricts"].append(extra)
    data["subdistricts"][1]["centre"]["id"] = "SA-c"
    assert report(data) == [
        "subdistricts[2].id: duplicated id 'SA' (first at subdistricts[0])",
        "subdistricts[2].name: duplicated subdistrict name '乙街道' (first at subdistricts[1])",
        "subdistricts[0].centre.id: duplicated place id 'SA-c'",
        "subdistricts[1].centre.id: duplicated place id 'SA-c'",
        "subdistricts[2].centre.id: duplicated place id 'B1'",
    ]


def test_every_grid_belongs_to_a_subdistrict_and_every_subdistrict_has_one() -> None:
    """A subdistrict no grid names is a problem; so is a grid naming none, which then
    stands for the empty subdistrict (one slip, one problem)."""
    data = two_level_data()
    data["grids"][1]["subdistrict"] = "甲街道"
    assert report(data) == ["subdistricts[1].name: no grid belongs to subdistrict '乙街道'"]
    data["grids"][1]["subdistrict"] = ""
    assert report(data) == [
        "grids[1].subdistrict: the grid names no subdistrict; when the scenario lists its "
        "subdistricts, every grid belongs to one of them"
    ]


def test_an_empty_subdistrict_name_is_a_field_problem() -> None:
    """A subdistrict's name may not be empty (grids and resources name it)."""
    data = two_level_data()
    data["subdistricts"][0]["name"] = ""
    assert report(data) == ["subdistricts[0].name: Input should not be empty (got '')"]


def test_an_unreadable_subdistrict_does_not_make_its_references_unknown() -> None:
    """A subdistrict whose name cannot be read (or that is not a mapping) leaves the
    grids and resources naming it unchecked: only the field problem is reported."""
    data = two_level_data()
    data["subdistricts"][0]["name"] = ["甲街道"]
    assert report(data) == ["subdistricts[0].name: Input should be text (got ['甲街道'])"]
    data = two_level_data()
    data["subdistricts"][1] = "乙街道"
    problems = report(data)
    assert len(problems) == 1 and problems[0].startswith("subdistricts[1]: ")


def test_an_unreadable_grid_does_not_leave_a_subdistrict_without_grids() -> None:
    """A grid that cannot be read may be the one of a subdistrict: no subdistrict is
    then said to have no grid."""
    data = two_level_data()
    data["grids"][1]["subdistrict"] = 7
    assert report(data) == ["grids[1].subdistrict: Input should be text (got 7)"]


def test_subdistrict_problems_read_in_chinese() -> None:
    """In Chinese, the subdistricts' problems read in Chinese."""
    data = two_level_data()
    data["grids"][1]["subdistrict"] = "丙街道"
    data["subdistricts"][1]["name"] = "甲街道"
    with use_language("zh_CN"):
        assert report(data) == [
            "subdistricts[1].name: 街道名称 '甲街道' 重复（首次出现在 subdistricts[0]）",
            "grids[1].subdistrict: 未知街道 '丙街道'",
        ]
