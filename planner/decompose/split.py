"""A scenario split into one part per subdistrict.

A part keeps the whole road network (every grid, so that distances are the whole
scenario's), its own committees and their demand lines (with their ids made explicit,
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
    """

    area: str
    scenario: Scenario
    committees: frozenset[str]
    population: int


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


def split_scenario(scenario: Scenario) -> list[Part]:
    """One part per subdistrict, in the order the subdistricts' first committees come.

    Parameters
    ----------
    scenario
        A validated scenario for which :func:`splittable` holds.

    Returns
    -------
    list[Part]
        The parts; every committee, demand line and pin is in exactly one.

    Raises
    ------
    ValueError
        When the scenario is not splittable.
    """
    if not splittable(scenario):
        raise ValueError("the scenario has fewer than two subdistricts to split by")
    data = scenario.model_dump(mode="json")
    line_ids = [line.id for line in scenario.demand_lines]
    for raw, line_id in zip(data["demand"], line_ids, strict=True):
        raw["id"] = line_id
    total = scenario.total_population
    areas = subdistricts(scenario)
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
        part["resources"] = resources
        population = sum(scenario.committee_by_id[c].population for c in committee_ids)
        part["objective"] = part_objective(data["objective"], population, total, len(areas))
        parts.append(
            Part(area, Scenario.model_validate(part), frozenset(committee_ids), population)
        )
    return parts


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
