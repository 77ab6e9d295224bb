"""The two levels of a district or city plan: the allocation of shared resources to
subdistricts, and each level's KPIs.

A scenario that lists its ``subdistricts`` has two levels. The upper level (the
scenario's ``centre``: a district culture centre or the city's) owns the shared
resources, the units whose ``subdistrict`` is empty, and allocates them to the
subdistricts; each subdistrict's culture centre takes them over and delivers them, with
its own resources, to its committees. The plan says all of it at once: a shared unit's
delivery to a committee is a handover to that committee's subdistrict centre.

- :func:`allocation`: per shared unit, week and subdistrict, the deliveries handed over
  and what of the unit the subdistrict uses that week;
- :func:`level_kpis`: per subdistrict, the four KPIs of ``docs/domain.md`` over its
  committees and its share of the shared deliveries beside its share of the residents;
  for the upper level, the spread between the subdistricts.

A scenario without ``subdistricts`` has one level: :func:`allocation` is empty and
:func:`level_kpis` is None. Nothing here depends on the solver.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner.fairness import gini, jain_index
from planner.kpis import committee_coverage, weighted_mean
from planner.plan import Delivery, Plan
from planner.scenario import Product, ResourceUnit, Scenario, Subdistrict

#: Columns of :attr:`LevelKpis.by_subdistrict`.
BY_SUBDISTRICT_COLUMNS = [
    "subdistrict_id",
    "subdistrict_name",
    "centre_id",
    "centre_name",
    "committees",
    "population",
    "population_share",
    "coverage",
    "min_coverage",
    "worst_committee",
    "worst_committee_name",
    "jain_index",
    "gini",
    "shared_deliveries",
    "shared_share",
]


@dataclass(frozen=True)
class Handover:
    """What one shared unit gives one subdistrict in one week.

    Attributes
    ----------
    unit_id
        The shared unit (a set kind, troupe, lecturer or trainer with no
        ``subdistrict``).
    week
        The 1-based week.
    subdistrict_id
        The subdistrict whose centre takes the unit over.
    handed_over
        Deliveries that start this week at the subdistrict's committees: shows,
        lectures, stays and courses handed to its centre.
    in_use
        What of the unit the subdistrict holds this week, in the unit's own measure (as
        utilisation counts it): shows for a troupe, sessions for a lecturer, course
        sessions for a trainer (one a week per running course), copies for a set kind.
    """

    unit_id: str
    week: int
    subdistrict_id: str
    handed_over: int
    in_use: int


def shared_units(scenario: Scenario) -> list[ResourceUnit]:
    """The units of the upper level (empty ``subdistrict``), in scenario order."""
    return [u for u in scenario.resource_units.values() if not u.service_area]


def _shared_deliveries(scenario: Scenario, plan: Plan) -> list[tuple[Delivery, Subdistrict]]:
    """The plan's deliveries of shared units, each with its committee's subdistrict.

    Deliveries whose committee or unit the scenario does not know (a plan made by hand
    that the validator refuses) are left out.
    """
    shared = {u.id for u in shared_units(scenario)}
    out = []
    for d in plan:
        if d.unit_id(scenario) not in shared:
            continue
        sd = scenario.subdistrict_of(d.committee_id)
        if sd is not None:
            out.append((d, sd))
    return out


def allocation(scenario: Scenario, plan: Plan) -> list[Handover]:
    """Return the allocation of the shared units to the subdistricts, week by week.

    One :class:`Handover` per shared unit, week and subdistrict that the unit serves
    that week (a stay or course counts in every week it runs), ordered by unit (in
    scenario order), week and subdistrict (in the order of ``subdistricts``). Over a
    unit, ``handed_over`` sums to its deliveries in the plan and ``in_use`` to its use
    (``used`` of :func:`planner.kpis.utilisation_frame`).

    Parameters
    ----------
    scenario
        The scenario; without ``subdistricts`` there is no upper level and the
        allocation is empty.
    plan
        The plan.

    Returns
    -------
    list of Handover
        The allocation.
    """
    if not scenario.has_levels:
        return []
    handed: Counter[tuple[str, int, str]] = Counter()
    in_use: Counter[tuple[str, int, str]] = Counter()
    for d, sd in _shared_deliveries(scenario, plan):
        unit_id = d.unit_id(scenario)
        handed[unit_id, d.first_week, sd.id] += 1
        # A show or a lecture is one week; a stay holds its copy and a course its
        # trainer's weekly session in every week it runs.
        weeks = [d.first_week] if d.product in (Product.PERFORMANCE, Product.LECTURE) else d.weeks
        for week in weeks:
            in_use[unit_id, week, sd.id] += 1
    unit_order = {unit_id: k for k, unit_id in enumerate(scenario.resource_units)}
    area_order = {sd.id: k for k, sd in enumerate(scenario.subdistricts)}
    keys = sorted(in_use, key=lambda k: (unit_order[k[0]], k[1], area_order[k[2]]))
    return [Handover(u, w, a, handed[u, w, a], in_use[u, w, a]) for u, w, a in keys]


@dataclass(frozen=True, eq=False)
class LevelKpis:
    """The KPIs of both levels of a plan (see :func:`level_kpis`).

    Attributes
    ----------
    by_subdistrict
        One row per subdistrict with recipients, in the order of ``subdistricts``
        (:data:`BY_SUBDISTRICT_COLUMNS`): its centre; its committees and residents,
        and its share of all residents; over its recipients, the population-weighted
        ``coverage``, ``min_coverage`` with the ``worst_committee``, ``jain_index`` and
        ``gini``; the deliveries of shared units to its committees and their share of
        all shared deliveries (NaN when nothing shared was delivered).
    centre_id, centre_name
        The upper level: the scenario's centre.
    jain_index, gini
        Jain's index and Gini over the subdistricts' coverages, each subdistrict
        counting once.
    min_coverage, min_subdistrict, min_subdistrict_name
        The lowest subdistrict coverage and its subdistrict (first by id on ties).
    max_coverage, max_subdistrict, max_subdistrict_name
        The highest subdistrict coverage and its subdistrict (first by id on ties).
    shared_units
        The upper level's units (empty ``subdistrict``).
    shared_deliveries
        Their deliveries in the plan.
    """

    by_subdistrict: pd.DataFrame = field(repr=False)
    centre_id: str
    centre_name: str
    jain_index: float
    gini: float
    min_coverage: float
    min_subdistrict: str
    min_subdistrict_name: str
    max_coverage: float
    max_subdistrict: str
    max_subdistrict_name: str
    shared_units: int
    shared_deliveries: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable form, floats rounded to 4 decimals (NaN as None).

        Returns
        -------
        dict
            ``upper`` (``centre, centre_name, subdistricts, jain_index, gini,
            min_coverage, min_subdistrict, min_subdistrict_name, max_coverage,
            max_subdistrict, max_subdistrict_name, shared_units, shared_deliveries``)
            and ``subdistricts``, one mapping per row of :attr:`by_subdistrict`.
        """
        upper = {
            "centre": self.centre_id,
            "centre_name": self.centre_name,
            "subdistricts": len(self.by_subdistrict),
            "jain_index": _round(self.jain_index),
            "gini": _round(self.gini),
            "min_coverage": _round(self.min_coverage),
            "min_subdistrict": self.min_subdistrict,
            "min_subdistrict_name": self.min_subdistrict_name,
            "max_coverage": _round(self.max_coverage),
            "max_subdistrict": self.max_subdistrict,
            "max_subdistrict_name": self.max_subdistrict_name,
            "shared_units": self.shared_units,
            "shared_deliveries": self.shared_deliveries,
        }
        rows = [
            {key: _plain(value) for key, value in row.items()}
            for row in self.by_subdistrict.to_dict(orient="records")
        ]
        return {"upper": upper, "subdistricts": rows}


def _round(value: float) -> float | None:
    return round(float(value), 4) if math.isfinite(value) else None


def _plain(value: Any) -> Any:
    """A frame's cell as JSON takes it: floats rounded (NaN as None), numpy ints as int."""
    if isinstance(value, float):
        return _round(value)
    if hasattr(value, "item"):  # a numpy scalar
        return _plain(value.item())
    return value


def level_kpis(
    scenario: Scenario, plan: Plan, coverage: Mapping[str, float] | None = None
) -> LevelKpis | None:
    """Return the KPIs of both levels of a plan, or None for a one-level scenario.

    Each subdistrict's KPIs are those of ``docs/domain.md`` taken over its recipients
    alone (coverage weighted by population, minimum coverage, Jain's index, Gini;
    partner sites count as everywhere); the upper level's are Jain's index and Gini
    over the subdistricts' coverages and the lowest and highest of them. Beside each
    subdistrict's share of the residents stands its share of the shared units'
    deliveries (a stay or a course counts once).

    Parameters
    ----------
    scenario
        The scenario; None is returned when it lists no ``subdistricts``.
    plan
        The plan.
    coverage
        Each recipient's coverage, when already known (the ``coverage`` column of
        :attr:`planner.kpis.Kpis.by_committee`); computed from the plan otherwise
        (:func:`planner.kpis.committee_coverage`).

    Returns
    -------
    LevelKpis or None
        The KPIs of both levels.
    """
    if not scenario.has_levels:
        return None
    coverage = committee_coverage(scenario, plan) if coverage is None else coverage
    members: dict[str, list[str]] = {sd.id: [] for sd in scenario.subdistricts}
    for c in scenario.committees:
        sd = scenario.subdistrict_of(c.id)
        if sd is not None:
            members[sd.id].append(c.id)
    shared = Counter(sd.id for _d, sd in _shared_deliveries(scenario, plan))
    total_shared = sum(shared.values())
    total_population = sum(c.population for c in scenario.committees)
    rows = []
    levels: list[tuple[float, str, str]] = []  # (coverage, id, name) of each subdistrict
    for sd in scenario.subdistricts:
        ids = members[sd.id]
        if not ids:  # grids without committees: nothing to measure, nor to spread
            continue
        committees = [scenario.committee_by_id[cid] for cid in ids]
        covs = [float(coverage[cid]) for cid in ids]
        population = sum(c.population for c in committees)
        worst = min(committees, key=lambda c: (float(coverage[c.id]), c.id))
        level = weighted_mean(covs, [c.population for c in committees], 1.0)
        levels.append((level, sd.id, sd.name))
        rows.append(
            {
                "subdistrict_id": sd.id,
                "subdistrict_name": sd.name,
                "centre_id": sd.centre.id,
                "centre_name": sd.centre.name,
                "committees": len(ids),
                "population": population,
                "population_share": (
                    population / total_population if total_population else math.nan
                ),
                "coverage": level,
                "min_coverage": float(coverage[worst.id]),
                "worst_committee": worst.id,
                "worst_committee_name": worst.name,
                "jain_index": jain_index(covs),
                "gini": gini(covs),
                "shared_deliveries": shared[sd.id],
                "shared_share": shared[sd.id] / total_shared if total_shared else math.nan,
            }
        )
    frame = pd.DataFrame(rows, columns=BY_SUBDISTRICT_COLUMNS)
    lowest = min(levels, default=(math.nan, "", ""))
    highest = min(levels, key=lambda x: (-x[0], x[1]), default=(math.nan, "", ""))
    covs = [x[0] for x in levels]
    return LevelKpis(
        by_subdistrict=frame,
        centre_id=scenario.centre.id,
        centre_name=scenario.centre.name,
        jain_index=jain_index(covs),
        gini=gini(covs),
        min_coverage=lowest[0],
        min_subdistrict=lowest[1],
        min_subdistrict_name=lowest[2],
        max_coverage=highest[0],
        max_subdistrict=highest[1],
        max_subdistrict_name=highest[2],
        shared_units=len(shared_units(scenario)),
        shared_deliveries=total_shared,
    )


__all__ = [
    "BY_SUBDISTRICT_COLUMNS",
    "Handover",
    "LevelKpis",
    "allocation",
    "level_kpis",
    "shared_units",
]
