"""A scenario split into one part per subdistrict.

A part keeps the road network its distances need (every grid given roads; on the
default network its own grids and those its units come from, which give the same
distances), its own committees and their demand lines (with their ids made explicit,
so that they stay the whole scenario's), its pins, the resources that serve only its
subdistrict and every shared resource (one whose ``subdistrict`` is empty). Its
objective's weights are set so that the parts' terms add up to the whole scenario's
(:func:`part_objective`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from planner.scenario import Scenario
from planner.solver.context import SCALE

#: The resource lists of the format, each a list of records with a ``subdistrict``.
RESOURCE_KINDS = ("book_sets", "board_sets", "troupes", "lecturers", "trainers")


@dataclass(frozen=True)
class Part:
    """One subdistrict of a split scenario.

    Attributes
    ----------
    area
        The subdistrict's name (its grids' ``subdistrict``).
    scenario
        The part as a scenario of its own (see the module's docstring).
    committees
        Its committees' ids.
    population
        Its committees' population.
    subdistrict_id
        The subdistrict's ``id`` when the scenario lists its ``subdistricts`` (None
        when it does not: its grids name their subdistricts only).
    """

    area: str
    scenario: Scenario
    committees: frozenset[str]
    population: int
    subdistrict_id: str | None = None


def subdistricts(scenario: Scenario) -> dict[str, list[str]]:
    """Each subdistrict's committees (by the grids' ``subdistrict``), in order."""
    area_of_grid = {g.id: g.subdistrict for g in scenario.grids}
    out: dict[str, list[str]] = defaultdict(list)
    for c in scenario.committees:
        out[area_of_grid.get(c.grid, "")].append(c.id)
    return dict(out)


def splittable(scenario: Scenario) -> bool:
    """Whether the scenario has two subdistricts or more, every committee in one.

    A committee of a grid without a subdistrict, or a resource serving a subdistrict
    that has no committee, keeps the scenario whole.
    """
    areas = subdistricts(scenario)
    if len(areas) < 2 or "" in areas:
        return False
    served = {
        getattr(r, "subdistrict", "")
        for kind in RESOURCE_KINDS
        for r in getattr(scenario.resources, kind)
    }
    return served - {""} <= set(areas)


def split_scenario(scenario: Scenario, *, by_weeks: bool = False) -> list[Part]:
    """One part per subdistrict, in the order the subdistricts' first committees come.

    Parameters
    ----------
    scenario
        A validated scenario for which :func:`splittable` holds.
    by_weeks
        Split the shared capacity in the parts' own scenarios (:func:`week_shares`):
        each part gets a shared unit only in the weeks given to it, a share of its
        season cap and a share of the van's moves, so that the parts are scenarios
        like any other (their own baselines, floors and fallback) and their plans
        together keep every rule. Without it every part has every shared unit whole,
        and the caller allots the capacity (:mod:`planner.decompose.allot`).

    Returns
    -------
    list[Part]
        The parts; every committee, demand line and pin is in exactly one.

    Raises
    ------
    ValueError
        When the scenario is not splittable.
    PinsAcrossParts
        With ``by_weeks``, when pins of two subdistricts need one shared unit in the
        same block of weeks.
    """
    if not splittable(scenario):
        raise ValueError("the scenario has fewer than two subdistricts to split by")
    data = scenario.model_dump(mode="json")
    line_ids = [line.id for line in scenario.demand_lines]
    for raw, line_id in zip(data["demand"], line_ids, strict=True):
        raw["id"] = line_id
    total = scenario.total_population
    areas = subdistricts(scenario)
    shares = week_shares(scenario, areas) if by_weeks else None
    parts = []
    for area, committee_ids in areas.items():
        mine = set(committee_ids)
        part = dict(data)
        part["name"] = f"{scenario.name} · {area}"
        part["committees"] = [c for c in data["committees"] if c["id"] in mine]
        part["demand"] = [d for d in data["demand"] if d["committee"] in mine]
        part["pins"] = [p for p in data["pins"] if p["committee"] in mine]
        resources: dict[str, Any] = dict(data["resources"])
        for kind in RESOURCE_KINDS:
            resources[kind] = [r for r in resources[kind] if r.get("subdistrict", "") in ("", area)]
        if shares is not None:
            resources = shares.apply(area, resources)
        part["resources"] = resources
        if not scenario.network.roads:
            _keep_needed_grids(part, data)
        population = sum(scenario.committee_by_id[c].population for c in committee_ids)
        part["objective"] = part_objective(data["objective"], population, total, len(areas))
        listed = scenario.subdistrict_by_name.get(area)
        parts.append(
            Part(
                area,
                Scenario.model_validate(part),
                frozenset(committee_ids),
                population,
                None if listed is None else listed.id,
            )
        )
    return parts


class PinsAcrossParts(ValueError):
    """Pins of two subdistricts need one shared unit in the same block of weeks."""


def _keep_needed_grids(part: dict[str, Any], data: dict[str, Any]) -> None:
    """Keep only the grids a part's distances need (default network only).

    On the default network every pair of sub-centres is linked by the straight line
    times the detour factor, so a shortest path from a unit's home to a committee never
    passes through another grid's sub-centre (straight lines keep the triangle
    inequality): the part's own grids and the grids its units, lecturers' homes and the
    van's depot are in give the whole scenario's distances. A city part keeps a few
    dozen grids instead of 1,300, and its network is built in milliseconds, not 4 s.
    Subdistricts left without a grid are dropped from its ``subdistricts`` list.
    """
    committee_grids = {c["grid"] for c in part["committees"]}
    needed = set(committee_grids)
    subcentre_grid = {g["subcentre"]["id"]: g["id"] for g in data["grids"]}
    resources = part["resources"]
    for kind in ("troupes", "trainers"):
        needed.update(r["home_grid"] for r in resources[kind])
    places = [r.get("home", "") for r in resources["lecturers"]]
    places.append(resources["van"].get("depot", ""))
    needed.update(subcentre_grid[p] for p in places if p in subcentre_grid)
    part["grids"] = [g for g in data["grids"] if g["id"] in needed]
    areas = {g.get("subdistrict", "") for g in part["grids"]}
    if data.get("subdistricts"):
        part["subdistricts"] = [sd for sd in data["subdistricts"] if sd["name"] in areas]


@dataclass(frozen=True)
class WeekShares:
    """The shared capacity split by whole weeks (see :func:`week_shares`).

    Attributes
    ----------
    weeks
        ``{unit id: {week: part}}``: the part that has the shared unit in a week.
    season
        ``{unit id: {part: cap}}``: each part's share of a season cap.
    van
        ``{part: moves per week}``.
    """

    weeks: dict[str, dict[int, str]]
    season: dict[str, dict[str, int]]
    van: dict[str, int]

    def apply(self, area: str, resources: dict[str, Any]) -> dict[str, Any]:
        """A part's resources (as data) with its shares: the other parts' weeks of each
        shared unit unavailable, its share of season caps and of the van's moves."""
        out = dict(resources)
        for kind in RESOURCE_KINDS:
            records = []
            for record in resources[kind]:
                given = self.weeks.get(record["id"])
                if given is not None:
                    record = dict(record)
                    others = [w for w, part in given.items() if part != area]
                    record["unavailable_weeks"] = sorted(
                        set(record.get("unavailable_weeks") or []) | set(others)
                    )
                    if record["id"] in self.season:
                        record["max_shows"] = self.season[record["id"]].get(area, 0)
                records.append(record)
            out[kind] = records
        if self.van:
            out["van"] = {**resources["van"], "moves_per_week": self.van.get(area, 0)}
        return out


def week_shares(scenario: Scenario, areas: dict[str, list[str]]) -> WeekShares:
    """Split every shared unit and the van between the subdistricts, by whole weeks.

    A unit with an empty ``subdistrict`` is shared. Each subdistrict's claim on it is
    what its demand lines that the unit could serve ask for (Σ count × priority over
    the lines of its product whose themes it offers). Its season is cut into blocks of
    its duration (a week for shows and talks; a stay's or a course's length), and each
    block goes whole to the subdistrict furthest behind its share of the blocks so far
    (largest deficit first, ties by name), so every stay or course a part can plan
    keeps to its own weeks. A season cap (``max_shows``) is shared in proportion to the
    weeks given (largest remainders), and so are the van's moves, by the exhibitions
    asked for. Weeks, caps and moves add up to at most the whole's, so the parts' plans
    together keep ``resource_capacity`` and ``van_moves``. A block a pin needs goes to
    the pin's subdistrict first.

    Raises
    ------
    PinsAcrossParts
        When pins of two subdistricts need the same unit in the same block.
    """
    part_of = {c: area for area, members in areas.items() for c in members}
    units = scenario.resource_units
    shared = [
        record
        for kind in RESOURCE_KINDS
        for record in getattr(scenario.resources, kind)
        if not record.subdistrict
    ]
    claims: dict[str, dict[str, float]] = {r.id: defaultdict(float) for r in shared}
    exhibitions: dict[str, float] = defaultdict(float)
    for line in scenario.demand_lines:
        weight = line.demand.count * line.demand.priority
        area = part_of[line.committee]
        if line.product == "exhibition":
            exhibitions[area] += weight
        for record in shared:
            unit = units[record.id]
            fits = not line.demand.themes or set(line.demand.themes) & set(unit.themes)
            if unit.product == line.product and fits:
                claims[record.id][area] += weight
    weeks: dict[str, dict[int, str]] = {}
    season: dict[str, dict[str, int]] = {}
    num_weeks = scenario.season.weeks
    pinned: dict[tuple[str, int], str] = {}  # (unit, week) a pin needs: its part
    for pin in scenario.pins:
        unit_id = scenario.unit_of_copy.get(pin.resource, pin.resource)
        pinned_unit = units.get(unit_id)
        if pinned_unit is None or pinned_unit.service_area:
            continue
        for w in range(pin.first_week, pin.first_week + pinned_unit.duration):
            area = part_of[pin.committee]
            if pinned.setdefault((unit_id, w), area) != area:
                raise PinsAcrossParts(unit_id)
    for record in shared:
        claim = {area: c for area, c in claims[record.id].items() if c > 0}
        if not claim:
            claim = dict.fromkeys(areas, 1.0)
        duration = max(1, units[record.id].duration)
        blocks = [
            range(b, min(b + duration, num_weeks + 1)) for b in range(1, num_weeks + 1, duration)
        ]
        given: dict[str, int] = dict.fromkeys(claim, 0)
        total = sum(claim.values())
        owner: dict[int, str] = {}
        for k, block in enumerate(blocks, start=1):
            needs = {pinned[(record.id, w)] for w in block if (record.id, w) in pinned}
            if len(needs) > 1:
                raise PinsAcrossParts(record.id)
            if needs:
                area = needs.pop()
                claim.setdefault(area, 0.0)
                given.setdefault(area, 0)
            else:
                area = max(sorted(claim), key=lambda a: claim[a] / total * k - given[a])
            given[area] += 1
            for w in block:
                owner[w] = area
        weeks[record.id] = owner
        cap = units[record.id].season_max
        if cap is not None:
            season[record.id] = _apportion(cap, {a: float(n) for a, n in given.items()})
    van = {}
    if len([a for a, x in exhibitions.items() if x > 0]) > 1:
        van = _apportion(scenario.resources.van.moves_per_week, dict(exhibitions))
    return WeekShares(weeks, season, van)


def _apportion(amount: int, weights: dict[str, float]) -> dict[str, int]:
    """``amount`` in whole units in proportion to ``weights`` (largest remainders; ties by
    name); the shares add up to ``amount`` (0 each when no weight is positive)."""
    total = sum(w for w in weights.values() if w > 0)
    if total <= 0:
        return dict.fromkeys(weights, 0)
    exact = {a: amount * max(0.0, w) / total for a, w in weights.items()}
    out = {a: math.floor(x) for a, x in exact.items()}
    rest = amount - sum(out.values())
    for a in sorted(exact, key=lambda a: (-(exact[a] - out[a]), a))[:rest]:
        out[a] += 1
    return out


def part_objective(
    objective: dict[str, Any], population: int, total: int, num_parts: int
) -> dict[str, Any]:
    """A part's objective weights, so that the parts' terms add up to the whole's.

    Coverage points are shares of the whole population: a part's coverage weight is
    the whole's times its share of the population, which gives each of its deliveries
    the points it earns in the whole scenario. Shortfall, travel, preferred weeks,
    fixtures, spread and variety are sums over committees or deliveries and keep their
    weights. The whole scenario's fairness term is its weight times the lowest
    coverage of all committees, which is at most the lowest of any part: each part
    gets ``1 / num_parts`` of the weight for its own lowest coverage, rounded up to
    the model's resolution (1/SCALE point per basis point), so that the parts'
    fairness terms add up, as the models count them, to at least the whole's.
    """
    out = dict(objective)
    share = population / total if total else 1 / num_parts
    out["coverage"] = objective["coverage"] * share
    # The model's coefficient of the fairness level is round(fairness / 100 × SCALE)
    # per basis point; each part's is the whole's divided by the parts, rounded up.
    whole = round(objective["fairness"] / 100 * SCALE)
    out["fairness"] = math.ceil(whole / num_parts) / SCALE * 100
    return out
