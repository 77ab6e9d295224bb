"""The road network of the centre, sub-centres and committees, and travel distances."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from planner.scenario import Loc, Location, Problem, Product, Scenario
from planner.scenario.messages import message
from planner.scenario.problems import NETWORK_REF

EARTH_RADIUS_KM = 6371.0088


def great_circle_km(a: Location, b: Location) -> float:
    """Return the haversine distance between two points in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def build_network(scenario: Scenario) -> nx.Graph:
    """Build the road graph with edge attribute ``km``.

    With ``network.roads`` given, those roads are the edges. Otherwise a default
    network is built: the centre is linked to every sub-centre, sub-centres to each
    other, and each committee to its grid's sub-centre and to the committees of its
    grid, each link as long as the straight line times ``network.detour_factor``.
    Node attributes: ``kind`` (centre, subcentre, committee), ``name``, ``grid``.
    """
    g = nx.Graph()
    s = scenario
    g.add_node(s.centre.id, kind="centre", name=s.centre.name, location=s.centre.location)
    for grid in s.grids:
        sc = grid.subcentre
        g.add_node(sc.id, kind="subcentre", name=sc.name, grid=grid.id, location=sc.location)
    for c in s.committees:
        g.add_node(c.id, kind="committee", name=c.name, grid=c.grid, location=c.location)
    if s.network.roads:
        for road in s.network.roads:
            g.add_edge(road.a, road.b, km=road.km)
        return g
    factor = s.network.detour_factor

    def link(a: str, b: str) -> None:
        km = great_circle_km(g.nodes[a]["location"], g.nodes[b]["location"]) * factor
        g.add_edge(a, b, km=max(km, 0.05))

    subcentres = [grid.subcentre.id for grid in s.grids]
    for i, a in enumerate(subcentres):
        link(s.centre.id, a)
        for b in subcentres[i + 1 :]:
            link(a, b)
    by_grid: dict[str, list[str]] = {}
    for c in s.committees:
        by_grid.setdefault(c.grid, []).append(c.id)
    for grid in s.grids:
        members = by_grid.get(grid.id, [])
        for i, a in enumerate(members):
            link(grid.subcentre.id, a)
            for b in members[i + 1 :]:
                link(a, b)
    return g


def network_problems(scenario: Scenario) -> list[Problem]:
    """Places the road network does not connect to the centre, each as a problem.

    Every committee, its grid's sub-centre, the van's depot (when there are board
    sets) and the home of every troupe, lecturer and trainer must be reachable from the
    centre, so that every travel distance the planner needs is finite (reachable from
    the centre, they are reachable from each other). Only explicit ``roads`` can leave a
    place out; the default network joins everything. Places that are unknown are
    reported by :func:`planner.scenario.scenario_problems`, not here.

    Returns
    -------
    list of Problem
        One per unreachable place, at the record that names it.
    """
    s = scenario
    if not s.network.roads:
        return []
    graph = build_network(s)
    reached = nx.node_connected_component(graph, s.centre.id)
    r = s.resources
    # Each place that must be reached, once, at the first record that needs it.
    needed: dict[str, tuple[Loc, str]] = {}
    for i, c in enumerate(s.committees):
        needed.setdefault(
            c.id, (("committees", i, "id"), message("reach_committee", ident=c.id, name=c.name))
        )
    homes = {c.grid for c in s.committees}
    homes |= {t.home_grid for t in r.troupes} | {t.home_grid for t in r.trainers}
    for j, g in enumerate(s.grids):
        if g.id in homes:
            what = message("reach_subcentre", ident=g.subcentre.id, grid=g.id)
            needed.setdefault(g.subcentre.id, (("grids", j, "subcentre", "id"), what))
    if r.board_sets:
        depot = r.van.depot
        what = message("reach_depot", ident=depot)
        needed.setdefault(depot, (("resources", "van", "depot"), what))
    for i, lec in enumerate(r.lecturers):
        what = message("reach_lecturer_home", ident=lec.home, lecturer=lec.id)
        needed.setdefault(lec.home, (("resources", "lecturers", i, "home"), what))
    return [
        Problem(loc, message("unreachable", what=what, centre=s.centre.id), ref=NETWORK_REF)
        for node, (loc, what) in needed.items()
        if node in graph and node not in reached
    ]


class Distances:
    """Shortest-path road distances (km) from the places resources start from.

    The distances from every place a resource unit starts from (its
    :attr:`~planner.scenario.ResourceUnit.home`) are found at the first question, with
    one run of SciPy's compiled Dijkstra over the road graph for all of them together;
    any other place asked about gets a run of its own. With non-negative lengths every
    node's distance is the least of its neighbours' distances plus the road between,
    summed in ``float64``, whatever the order nodes are settled in: the km are the same
    numbers, to the last bit, as networkx's Dijkstra gives (``tests/test_network.py``),
    in a fraction of the time (the city tier's 1,185 homes on a road graph of 836,525
    roads: networkx took seconds per home).

    Parameters
    ----------
    scenario
        The scenario; its network is built once.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.graph = build_network(scenario)
        self._index = {node: k for k, node in enumerate(self.graph.nodes)}
        size = len(self._index)
        heads, tails, lengths = [], [], []
        for a, b, km in self.graph.edges(data="km"):
            heads.append(self._index[a])
            tails.append(self._index[b])
            lengths.append(float(km))
        # Explicit zeros stay roads in a csgraph built from coordinates (a road of 0 km).
        self._roads = csr_array(
            (np.array(lengths, dtype=np.float64), (np.array(heads), np.array(tails))),
            shape=(size, size),
        )
        self._rows: dict[str, np.ndarray] = {}
        self._homes_done = False
        self._delivery: dict[tuple[str, str], float] = {}

    def _run(self, sources: list[str]) -> None:
        """Distances from each of ``sources`` (places of the graph) to every node."""
        sources = [node for node in dict.fromkeys(sources) if node not in self._rows]
        if not sources:
            return
        table = dijkstra(
            self._roads, directed=False, indices=[self._index[node] for node in sources]
        )
        for node, row in zip(sources, table, strict=True):
            self._rows[node] = row

    def _from(self, source: str) -> np.ndarray:
        """Distances from ``source`` to every node, in the graph's node order."""
        row = self._rows.get(source)
        if row is not None:
            return row
        if source not in self._index:
            raise nx.NodeNotFound(f"Source {source} is not in G")
        if not self._homes_done:
            self._homes_done = True
            homes = {u.home for u in self.scenario.resource_units.values()}
            self._run([source, *sorted(h for h in homes if h in self._index)])
        else:
            self._run([source])
        return self._rows[source]

    def km(self, source: str, target: str) -> float:
        """One-way shortest-path km; ``inf`` when the network does not connect them."""
        row = self._from(source)
        k = self._index.get(target)
        return math.inf if k is None else float(row[k])

    def home_of(self, unit_id: str) -> str:
        """The place a resource unit travels from (a troupe's or trainer's sub-centre,
        a lecturer's home, the van's depot for board sets, the centre for book sets)."""
        return self.scenario.resource_units[unit_id].home

    def trips(self, unit_id: str) -> int:
        """Round trips one delivery of the unit costs (course weeks; one otherwise).

        Book sets travel with the centre's regular book rotation and cost none.
        """
        unit = self.scenario.resource_units[unit_id]
        if unit.product == Product.BOOK_SET:
            return 0
        if unit.product == Product.FITNESS_COURSE:
            return unit.duration
        return 1

    def delivery_km(self, unit_id: str, committee_id: str) -> float:
        """Travel km one delivery of a unit to a committee costs (round trips)."""
        key = (unit_id, committee_id)
        km = self._delivery.get(key)
        if km is None:
            trips = self.trips(unit_id)
            km = 0.0 if trips == 0 else 2.0 * trips * self.km(self.home_of(unit_id), committee_id)
            self._delivery[key] = km
        return km
