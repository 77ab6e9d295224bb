"""The road network: great-circle distances, default and explicit roads, travel km."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx
import pytest

from planner.generate import generate
from planner.io import read_scenario
from planner.network import (
    EARTH_RADIUS_KM,
    Distances,
    build_network,
    great_circle_km,
    network_problems,
)
from planner.scenario import Location, Scenario, ScenarioError
from tests.factories import (
    REFERENCE,
    base_data,
    board_set,
    book_set,
    build,
    committee,
    lecturer,
    trainer,
    troupe,
)

#: km of one degree along a great circle.
DEGREE_KM = math.radians(1) * EARTH_RADIUS_KM


def at(lat: float, lon: float) -> Location:
    """A location."""
    return Location(lat=lat, lon=lon)


def two_grids() -> dict[str, Any]:
    """The tiny scenario plus grid G2 (sub-centre S2) holding committee C3."""
    data = base_data(weeks=4, committees=2)
    data["grids"].append(
        {
            "id": "G2",
            "name": "第二网格",
            "subcentre": {
                "id": "S2",
                "name": "第二分中心",
                "location": {"lat": 31.32, "lon": 121.5},
            },
        }
    )
    data["committees"].append(committee(3, grid="G2", location={"lat": 31.325, "lon": 121.5}))
    return data


def road(a: str, b: str, km: float) -> dict[str, Any]:
    """A road record."""
    return {"a": a, "b": b, "km": km}


# -- great circle ------------------------------------------------------------------------


def test_great_circle_of_a_point_to_itself_is_zero() -> None:
    """A point is 0 km from itself."""
    assert great_circle_km(at(31.3, 121.51), at(31.3, 121.51)) == 0.0


def test_great_circle_along_a_meridian_and_the_equator() -> None:
    """One degree of latitude, or of longitude on the equator, is 111.195 km; a quarter of
    the equator is 10,007.6 km."""
    assert great_circle_km(at(31.0, 121.5), at(32.0, 121.5)) == pytest.approx(111.195, abs=1e-3)
    assert great_circle_km(at(31.0, 121.5), at(32.0, 121.5)) == pytest.approx(DEGREE_KM)
    assert great_circle_km(at(0.0, 10.0), at(0.0, 11.0)) == pytest.approx(DEGREE_KM)
    assert great_circle_km(at(0.0, 0.0), at(0.0, 90.0)) == pytest.approx(10007.557, abs=1e-3)


def test_great_circle_shrinks_with_latitude() -> None:
    """At 60° north a degree of longitude is half as long as on the equator (to 0.1 %)."""
    assert great_circle_km(at(60.0, 0.0), at(60.0, 1.0)) == pytest.approx(DEGREE_KM / 2, rel=1e-3)


# -- the default network -----------------------------------------------------------------


def test_default_network_edges() -> None:
    """Centre to each sub-centre, sub-centres pairwise, each committee to its sub-centre
    and to the committees of its own grid only."""
    graph = build_network(build(two_grids()))
    edges = {frozenset(e) for e in graph.edges}
    assert edges == {
        frozenset(e)
        for e in [
            ("centre", "S1"),
            ("centre", "S2"),
            ("S1", "S2"),
            ("S1", "C1"),
            ("S1", "C2"),
            ("C1", "C2"),
            ("S2", "C3"),
        ]
    }


def test_default_network_nodes_carry_kind_name_and_grid() -> None:
    """Nodes say what they are; sub-centres and committees name their grid."""
    graph = build_network(build(two_grids()))
    assert graph.nodes["centre"]["kind"] == "centre"
    assert graph.nodes["centre"]["name"] == "文化中心"
    assert (graph.nodes["S2"]["kind"], graph.nodes["S2"]["grid"]) == ("subcentre", "G2")
    assert (graph.nodes["C3"]["kind"], graph.nodes["C3"]["grid"]) == ("committee", "G2")
    assert graph.nodes["C3"]["name"] == "测试3居委会"


def test_default_edges_are_the_straight_line_times_the_detour_factor() -> None:
    """Each link is the great-circle distance times 1.3 by default, times 2 when set."""
    data = two_grids()
    scenario = build(data)
    straight = great_circle_km(scenario.centre.location, scenario.grids[0].subcentre.location)
    graph = build_network(scenario)
    assert graph.edges["centre", "S1"]["km"] == pytest.approx(1.3 * straight)
    data["network"] = {"detour_factor": 2.0}
    graph = build_network(build(data))
    assert graph.edges["centre", "S1"]["km"] == pytest.approx(2.0 * straight)
    c1 = scenario.committee_by_id["C1"].location
    s1 = scenario.grids[0].subcentre.location
    assert graph.edges["S1", "C1"]["km"] == pytest.approx(2.0 * great_circle_km(s1, c1))


def test_default_edges_are_at_least_50_metres() -> None:
    """A committee at its sub-centre's very spot is still 0.05 km away."""
    data = base_data()
    data["committees"][0]["location"] = {"lat": 31.305, "lon": 121.51}
    graph = build_network(build(data))
    assert graph.edges["S1", "C1"]["km"] == 0.05


# -- explicit roads and shortest paths ---------------------------------------------------


def roads_scenario() -> dict[str, Any]:
    """Explicit roads: centre-S1 1 km, S1-C1 2 km, centre-C1 5 km, C1-C2 4 km; C3 of grid
    G2 is on no road (so reading refuses it: see :func:`unchecked`)."""
    data = two_grids()
    data["network"] = {
        "roads": [
            road("centre", "S1", 1.0),
            road("S1", "C1", 2.0),
            road("centre", "C1", 5.0),
            road("C1", "C2", 4.0),
        ]
    }
    return data


def unchecked(data: dict[str, Any]) -> Scenario:
    """The scenario of ``data`` with its fields checked but not its references or roads.

    Reading a file refuses a network that leaves C3 unreachable; these tests look at the
    network code beneath that check.
    """
    return Scenario.model_validate(data)


def test_explicit_roads_are_the_only_edges() -> None:
    """With roads given, the graph has exactly those edges with their km, and no default
    link (S1-C2, centre-S2) appears."""
    graph = build_network(unchecked(roads_scenario()))
    assert {(frozenset((a, b)), km) for a, b, km in graph.edges(data="km")} == {
        (frozenset(("centre", "S1")), 1.0),
        (frozenset(("S1", "C1")), 2.0),
        (frozenset(("centre", "C1")), 5.0),
        (frozenset(("C1", "C2")), 4.0),
    }
    assert set(graph.nodes) == {"centre", "S1", "S2", "C1", "C2", "C3"}


def test_shortest_path_distances() -> None:
    """centre to C1 goes through S1 (3 km, not the 5 km road); to C2 on through C1 (7 km);
    distances are symmetric."""
    distances = Distances(unchecked(roads_scenario()))
    assert distances.km("centre", "C1") == 3.0
    assert distances.km("centre", "C2") == 7.0
    assert distances.km("C2", "centre") == 7.0
    assert distances.km("S1", "S1") == 0.0


def test_unreachable_nodes_are_infinitely_far() -> None:
    """A committee or sub-centre on no road is at infinite distance."""
    distances = Distances(unchecked(roads_scenario()))
    assert distances.km("centre", "C3") == math.inf
    assert distances.km("S2", "C1") == math.inf


def test_delivery_km_per_kind_of_resource() -> None:
    """Round trips from each resource's home: a troupe from its grid's sub-centre, a
    lecturer from home, a trainer once per course week, the van from its depot, book
    sets free."""
    data = roads_scenario()
    data["resources"] = {
        "troupes": [troupe("T1")],
        "lecturers": [lecturer("L1"), lecturer("L2", home="C1")],
        "trainers": [trainer("N1", course_weeks=3)],
        "board_sets": [board_set("E1", stay_weeks=2)],
        "book_sets": [book_set("B1", stay_weeks=2)],
    }
    distances = Distances(unchecked(data))
    assert [distances.home_of(u) for u in ("T1", "L1", "L2", "N1", "E1", "B1")] == [
        "S1",
        "centre",
        "C1",
        "S1",
        "centre",
        "centre",
    ]
    assert [distances.trips(u) for u in ("T1", "L1", "N1", "E1", "B1")] == [1, 1, 3, 1, 0]
    assert distances.delivery_km("T1", "C2") == 2 * 6.0  # S1-C1-C2
    assert distances.delivery_km("L1", "C1") == 2 * 3.0  # centre-S1-C1
    assert distances.delivery_km("L2", "C2") == 2 * 4.0
    assert distances.delivery_km("N1", "C1") == 2 * 3 * 2.0  # three weekly trips
    assert distances.delivery_km("E1", "C2") == 2 * 7.0
    assert distances.delivery_km("B1", "C3") == 0.0  # free even where unreachable


def test_van_travels_from_its_depot() -> None:
    """A van based at sub-centre S1 carries boards from there."""
    data = roads_scenario()
    data["resources"] = {"van": {"depot": "S1"}, "board_sets": [board_set("E1")]}
    distances = Distances(unchecked(data))
    assert distances.home_of("E1") == "S1"
    assert distances.delivery_km("E1", "C1") == 2 * 2.0


def test_delivery_to_an_unreachable_committee_is_infinite() -> None:
    """A troupe cannot reach C3, which is on no road."""
    data = roads_scenario()
    data["resources"] = {"troupes": [troupe("T1")]}
    assert Distances(unchecked(data)).delivery_km("T1", "C3") == math.inf


# -- reachability ------------------------------------------------------------------------


def network_report(data: dict[str, Any]) -> list[str]:
    """The reachability problems of scenario data, as planners read them."""
    return [str(p) for p in network_problems(unchecked(data))]


def test_reading_refuses_a_committee_the_roads_do_not_reach() -> None:
    """C3 and its sub-centre S2 are on no road: reading the scenario names both, at the
    committee and at the grid, instead of letting a solve meet an infinite distance."""
    with pytest.raises(ScenarioError) as caught:
        build(roads_scenario())
    assert [str(p) for p in caught.value.problems] == [
        "committees[2].id: committee 'C3' (测试3居委会) cannot be reached from the centre "
        "'centre' by the network's roads",
        "grids[1].subcentre.id: the sub-centre 'S2' of grid 'G2' cannot be reached from the "
        "centre 'centre' by the network's roads",
    ]


def test_roads_reaching_everything_pass() -> None:
    """With S2 and C3 on roads, nothing is unreachable."""
    data = roads_scenario()
    data["network"]["roads"] += [road("S1", "S2", 2.0), road("S2", "C3", 1.0)]
    assert network_report(data) == []
    assert Distances(build(data)).km("centre", "C3") == 4.0


def test_homes_of_resources_must_be_reached() -> None:
    """A troupe's and a trainer's home sub-centre, a lecturer's home and the van's depot
    (when there are board sets) are checked too; each place is named once."""
    data = roads_scenario()
    data["committees"].pop()  # C3, so that only the homes are unreachable
    data["resources"] = {
        "troupes": [troupe("T1", home_grid="G2")],
        "trainers": [trainer("N1", home_grid="G2")],
        "lecturers": [lecturer("L1", home="S2")],
        "board_sets": [board_set("E1")],
        "van": {"depot": "S2"},
    }
    assert network_report(data) == [
        "grids[1].subcentre.id: the sub-centre 'S2' of grid 'G2' cannot be reached from the "
        "centre 'centre' by the network's roads",
    ]
    data["resources"]["troupes"][0]["home_grid"] = "G1"
    data["resources"]["trainers"][0]["home_grid"] = "G1"
    assert network_report(data) == [
        "resources.van.depot: the van's depot 'S2' cannot be reached from the centre "
        "'centre' by the network's roads",
    ]
    data["resources"]["board_sets"] = []
    assert network_report(data) == [
        "resources.lecturers[0].home: the home 'S2' of lecturer 'L1' cannot be reached from "
        "the centre 'centre' by the network's roads",
    ]


def test_the_default_network_reaches_everything() -> None:
    """Without roads every place is linked, so there is nothing to report."""
    assert network_report(two_grids()) == []


# -- the same km as networkx's Dijkstra ---------------------------------------------------


def _networkx_km(distances: Distances, sources: list[str]) -> dict[tuple[str, str], float]:
    """Every (source, node) distance as networkx's Dijkstra finds it (inf if unreached)."""
    out = {}
    for source in sources:
        found = nx.single_source_dijkstra_path_length(distances.graph, source, weight="km")
        for node in distances.graph.nodes:
            out[(source, node)] = found.get(node, math.inf)
    return out


def _assert_same_km(scenario: Scenario, sources: list[str]) -> None:
    distances = Distances(scenario)
    expected = _networkx_km(distances, sources)
    got = {key: distances.km(*key) for key in expected}
    # Equal floats, not approximately: the model's travel coefficients come from them.
    assert got == expected
    assert all(type(km) is float for km in got.values())


def test_km_equal_networkx_on_explicit_roads_and_unreached_places() -> None:
    """Explicit roads (one of them 1 m, with lengths whose sums round in float) and a
    place on no road: from every node, each distance is the very float networkx's
    Dijkstra gives, inf included."""
    data = roads_scenario()
    data["network"]["roads"] += [road("C2", "S2", 0.001), road("S1", "C2", 0.1 + 0.2)]
    scenario = unchecked(data)
    _assert_same_km(scenario, list(build_network(scenario).nodes))


def test_km_equal_networkx_on_the_reference_and_a_district() -> None:
    """The default network of the 13-week reference (every node a source) and of district
    seed 1 (its 71 homes, the sources the model uses): the same floats as networkx."""
    reference = read_scenario(REFERENCE)
    _assert_same_km(reference, list(build_network(reference).nodes))
    district = generate("district", 1)
    _assert_same_km(district, sorted({u.home for u in district.resource_units.values()}))


def test_delivery_km_is_remembered_and_unknown_sources_are_refused() -> None:
    """Asking twice gives the same km; a source that is no place of the network raises
    networkx's NodeNotFound, as a networkx Dijkstra from it would."""
    distances = Distances(unchecked(roads_scenario()))
    assert distances.km("C1", "centre") == distances.km("C1", "centre") == 3.0
    with pytest.raises(nx.NodeNotFound):
        distances.km("nowhere", "C1")
