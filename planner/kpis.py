"""Key performance indicators of a plan: coverage, fairness, travel, use, unmet demand.

Every figure follows the definitions in ``docs/domain.md`` ("KPI definitions"), so that each
report means the same thing:

- a demand line's *delivered* count is the number of plan deliveries whose ``demand_id``
  is that line and that fit it (:func:`fits_line`); *line coverage* is
  ``min(delivered, requested) / requested``;
- a recipient's coverage is ``Σ priority × min(delivered, requested) / Σ priority ×
  requested`` over its lines, and 1 when it asked for nothing;
- the headline coverage is the population-weighted mean of recipient coverages over all
  recipients (committees and partner sites alike);
- minimum coverage, Jain's index, Gini and the unweighted mean are taken over all
  recipients too, each counting once (a recipient that asked for nothing at 1).

The reasons for unmet demand, named after the hard rules of ``docs/rules.md``, come from
:mod:`planner.explain`. Nothing here depends on the solver.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner.capacity import available_unit_weeks
from planner.explain import unmet_frame
from planner.fairness import gini, jain_index
from planner.network import Distances
from planner.plan import Delivery, Plan
from planner.scenario import DemandLine, Product, Scenario

BY_COMMITTEE_COLUMNS = [
    "committee_id",
    "committee_name",
    "grid_id",
    "population",
    "requested",
    "delivered",
    "coverage",
    "baseline_coverage",
]
BY_GRID_COLUMNS = ["grid_id", "grid_name", "population", "coverage", "min_coverage"]
BY_PRODUCT_COLUMNS = ["product", "requested", "delivered", "coverage"]
UTILISATION_COLUMNS = ["unit_id", "name", "product", "used", "available", "utilisation"]


@dataclass(frozen=True, eq=False)
class Kpis:
    """The KPIs of one plan for one scenario.

    Attributes
    ----------
    coverage
        Headline coverage: Σ population × recipient coverage / Σ population over every
        recipient (committees and partner sites); the unweighted mean if nobody lives
        anywhere.
    min_coverage
        The lowest recipient coverage over all recipients (1.0 when every recipient is
        fully served or asked for nothing).
    worst_committee, worst_committee_name
        The recipient with ``min_coverage``, first by id on ties (so, when every
        coverage is 1, simply the first recipient by id).
    jain_index
        Jain's fairness index over the coverages of all recipients; 1.0 when all are 0.
    gini
        Gini coefficient over the same coverages; 0.0 when their mean is 0.
    mean_coverage
        Unweighted mean of the same coverages.
    travel_km
        Total travel of the plan (:meth:`planner.network.Distances.delivery_km`).
    travel_km_by_product
        Travel per product value, every product listed.
    num_deliveries
        Deliveries in the plan.
    by_committee
        One row per recipient: ``committee_id, committee_name, grid_id, population,
        requested, delivered, coverage, baseline_coverage``; ``delivered`` is capped
        per line; ``baseline_coverage`` is the recipient's coverage under the baseline
        plan given to :func:`compute_kpis` (NaN when none was given).
    by_grid
        One row per grid: ``grid_id, grid_name, population, coverage, min_coverage``;
        ``coverage`` is population-weighted over the grid's recipients.
    by_product
        One row per product with demand: ``product, requested, delivered, coverage``;
        ``delivered`` is capped per line, ``coverage`` priority-weighted over lines.
    utilisation
        One row per resource unit: ``unit_id, name, product, used, available,
        utilisation`` (NaN when nothing is available).
    unmet
        One row per demand line with fewer deliveries than requested: ``demand_id,
        committee_id, committee_name, product, requested, delivered, reason,
        explanation``.
    """

    coverage: float
    min_coverage: float
    worst_committee: str
    worst_committee_name: str
    jain_index: float
    gini: float
    mean_coverage: float
    travel_km: float
    travel_km_by_product: dict[str, float]
    num_deliveries: int
    by_committee: pd.DataFrame = field(repr=False)
    by_grid: pd.DataFrame = field(repr=False)
    by_product: pd.DataFrame = field(repr=False)
    utilisation: pd.DataFrame = field(repr=False)
    unmet: pd.DataFrame = field(repr=False)

    def to_dict(self, digits: int | None = 4) -> dict[str, Any]:
        """Return a JSON-serialisable summary, floats rounded to ``digits`` decimals.

        Non-finite numbers (a unit with nothing available, an unreachable committee)
        become ``None``.

        Parameters
        ----------
        digits
            Decimals kept (4, as ``kpis.json`` has them); None keeps every float as
            computed, for a table that rounds them itself (rounding twice can move the
            last digit shown: 0.326549 would show as 32.6 %, not 32.7 %).

        Returns
        -------
        dict
            ``coverage, min_coverage, worst_committee, worst_committee_name, jain_index,
            gini, mean_coverage, travel_km, travel_km_by_product, num_deliveries,
            num_unmet_lines, coverage_by_product, coverage_by_grid,
            utilisation_by_product``.
        """
        util = self.utilisation.groupby("product", sort=False)["utilisation"].mean()
        return {
            "coverage": _round(self.coverage, digits),
            "min_coverage": _round(self.min_coverage, digits),
            "worst_committee": self.worst_committee,
            "worst_committee_name": self.worst_committee_name,
            "jain_index": _round(self.jain_index, digits),
            "gini": _round(self.gini, digits),
            "mean_coverage": _round(self.mean_coverage, digits),
            "travel_km": _round(self.travel_km, digits),
            "travel_km_by_product": {
                k: _round(v, digits) for k, v in self.travel_km_by_product.items()
            },
            "num_deliveries": int(self.num_deliveries),
            "num_unmet_lines": len(self.unmet),
            "coverage_by_product": {
                str(r.product): _round(r.coverage, digits) for r in self.by_product.itertuples()
            },
            "coverage_by_grid": {
                str(r.grid_id): _round(r.coverage, digits) for r in self.by_grid.itertuples()
            },
            "utilisation_by_product": {str(k): _round(v, digits) for k, v in util.items()},
        }


def _round(value: Any, digits: int | None = 4) -> float | None:
    x = float(value)
    if not math.isfinite(x):
        return None
    return x if digits is None else round(x, digits)


def weighted_mean(values: Sequence[float], weights: Sequence[float], empty: float) -> float:
    """The weighted mean of some values (coverages by population); their plain mean
    when the weights sum to 0 (nobody lives anywhere), ``empty`` when there are none."""
    total = sum(weights)
    if total > 0:
        return sum(v * w for v, w in zip(values, weights, strict=True)) / total
    if values:
        return sum(values) / len(values)
    return empty


# -- the KPIs ----------------------------------------------------------------------------


def fits_line(scenario: Scenario, d: Delivery, line: DemandLine) -> bool:
    """Return whether a delivery fits a demand line, so that it may count for it.

    It fits when it is for the line's committee and product, its resource belongs to a
    unit of that product that offers the delivery's theme, and the theme is one the
    line wishes for, if the line names any (``theme_fit`` in ``docs/rules.md``).
    """
    if d.committee_id != line.committee or d.product != line.product:
        return False
    unit = scenario.resource_units.get(scenario.unit_of_copy.get(d.resource_id, ""))
    if unit is None or unit.product != line.product or d.theme not in unit.themes:
        return False
    wished = line.demand.themes
    return not wished or d.theme in wished


def delivered_per_line(scenario: Scenario, plan: Plan) -> dict[str, int]:
    """Count the plan's deliveries per demand line (uncapped), every line listed.

    A delivery counts for the line its ``demand_id`` names, and only if it fits that
    line (:func:`fits_line`); it never counts for another line.
    """
    counts = {line.id: 0 for line in scenario.demand_lines}
    for d in plan:
        line = scenario.demand_by_id.get(d.demand_id)
        if line is not None and fits_line(scenario, d, line):
            counts[line.id] += 1
    return counts


def committee_coverage(scenario: Scenario, plan: Plan) -> dict[str, float]:
    """Each recipient's coverage in a plan, by id, in scenario order.

    The coverage of :attr:`Kpis.by_committee`: priority-weighted over the recipient's
    lines, capped per line, 1.0 for a recipient that asked for nothing; without the
    rest of :func:`compute_kpis` (travel, utilisation, unmet reasons).
    """
    delivered = delivered_per_line(scenario, plan)
    lines_of: dict[str, list[DemandLine]] = defaultdict(list)
    for line in scenario.demand_lines:
        lines_of[line.committee].append(line)
    return {c.id: _coverage(lines_of.get(c.id, []), delivered) for c in scenario.committees}


def compute_kpis(
    scenario: Scenario,
    plan: Plan,
    distances: Distances | None = None,
    *,
    baseline: Kpis | None = None,
    reasons: bool = True,
) -> Kpis:
    """Compute the KPIs of a plan.

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The plan; a delivery counts only for the demand line it names, and only if it
        fits that line (:func:`fits_line`).
    distances
        Road distances; built from the scenario when not given.
    baseline
        The KPIs of the baseline plan (the spreadsheet baseline,
        :func:`planner.baseline.plan_baseline`), whose committee coverages fill the
        ``baseline_coverage`` column of ``by_committee``; NaN there when not given.
    reasons
        False to leave the unmet lines' reasons empty (see
        :func:`planner.explain.unmet_frame`).

    Returns
    -------
    Kpis
        Coverage, fairness, travel, utilisation and unmet demand with reasons.
    """
    delivered = delivered_per_line(scenario, plan)
    lines_of: dict[str, list[DemandLine]] = defaultdict(list)
    for line in scenario.demand_lines:
        lines_of[line.committee].append(line)
    by_committee, coverage_of = _committee_frame(scenario, lines_of, delivered)
    if baseline is not None:
        before = baseline.by_committee.set_index("committee_id")["coverage"]
        by_committee["baseline_coverage"] = by_committee["committee_id"].map(before)

    # Every recipient counts once in the fairness figures, one that asked for nothing
    # at coverage 1 (docs/domain.md, "KPI definitions").
    committees = scenario.committees
    covs = [coverage_of[c.id] for c in committees]
    headline = weighted_mean(covs, [c.population for c in committees], 1.0)
    worst = min(committees, key=lambda c: (coverage_of[c.id], c.id))
    travel = _travel(scenario, plan, distances)

    return Kpis(
        coverage=headline,
        min_coverage=coverage_of[worst.id],
        worst_committee=worst.id,
        worst_committee_name=worst.name,
        jain_index=jain_index(covs),
        gini=gini(covs),
        mean_coverage=sum(covs) / len(covs),
        travel_km=sum(travel.values()),
        travel_km_by_product=travel,
        num_deliveries=len(plan),
        by_committee=by_committee,
        by_grid=_grid_frame(scenario, coverage_of),
        by_product=_product_frame(scenario, delivered),
        utilisation=utilisation_frame(scenario, plan),
        unmet=unmet_frame(scenario, plan, delivered, reasons=reasons),
    )


def _committee_frame(
    scenario: Scenario, lines_of: Mapping[str, list[DemandLine]], delivered: dict[str, int]
) -> tuple[pd.DataFrame, dict[str, float]]:
    """One row per recipient (see :attr:`Kpis.by_committee`), and each one's coverage."""
    committee_rows = []
    coverage_of: dict[str, float] = {}
    for c in scenario.committees:
        lines = lines_of.get(c.id, [])
        requested = sum(line.demand.count for line in lines)
        capped = sum(min(delivered[line.id], line.demand.count) for line in lines)
        cov = _coverage(lines, delivered)
        coverage_of[c.id] = cov
        committee_rows.append(
            {
                "committee_id": c.id,
                "committee_name": c.name,
                "grid_id": c.grid,
                "population": c.population,
                "requested": requested,
                "delivered": capped,
                "coverage": cov,
                "baseline_coverage": math.nan,
            }
        )
    return pd.DataFrame(committee_rows, columns=BY_COMMITTEE_COLUMNS), coverage_of


def _grid_frame(scenario: Scenario, coverage_of: Mapping[str, float]) -> pd.DataFrame:
    """One row per grid (see :attr:`Kpis.by_grid`)."""
    grid_rows = []
    for g in scenario.grids:
        members = [c for c in scenario.committees if c.grid == g.id]
        covs = [coverage_of[c.id] for c in members]
        grid_rows.append(
            {
                "grid_id": g.id,
                "grid_name": g.name,
                "population": sum(c.population for c in members),
                "coverage": weighted_mean(covs, [c.population for c in members], 1.0),
                "min_coverage": min(covs, default=1.0),
            }
        )
    return pd.DataFrame(grid_rows, columns=BY_GRID_COLUMNS)


def _product_frame(scenario: Scenario, delivered: dict[str, int]) -> pd.DataFrame:
    """One row per product with demand (see :attr:`Kpis.by_product`)."""
    product_rows = []
    for product in Product:
        plines = [line for line in scenario.demand_lines if line.product == product]
        if not plines:
            continue
        product_rows.append(
            {
                "product": product.value,
                "requested": sum(line.demand.count for line in plines),
                "delivered": sum(min(delivered[line.id], line.demand.count) for line in plines),
                "coverage": _coverage(plines, delivered),
            }
        )
    return pd.DataFrame(product_rows, columns=BY_PRODUCT_COLUMNS)


def _travel(scenario: Scenario, plan: Plan, distances: Distances | None) -> dict[str, float]:
    """Travel km per product value, every product listed."""
    dist = distances if distances is not None else Distances(scenario)
    travel = {p.value: 0.0 for p in Product}
    for d in plan:
        unit_id = d.unit_id(scenario)
        if unit_id in scenario.resource_units and d.committee_id in scenario.committee_by_id:
            travel[d.product.value] += dist.delivery_km(unit_id, d.committee_id)
    return travel


def _coverage(lines: Iterable[DemandLine], delivered: dict[str, int]) -> float:
    """Priority-weighted coverage of some lines; 1.0 when they ask for nothing."""
    got = asked = 0.0
    for line in lines:
        d = line.demand
        got += d.priority * min(delivered.get(line.id, 0), d.count)
        asked += d.priority * d.count
    return got / asked if asked > 0 else 1.0


def utilisation_frame(scenario: Scenario, plan: Plan) -> pd.DataFrame:
    """Return the utilisation of every resource unit.

    ``used`` counts copy-weeks for book and board set kinds, shows for troupes, sessions
    for lecturers and course-weeks for trainers. ``available`` is the capacity per week
    times the weeks of the season the unit is available (for a troupe with ``max_shows``,
    at most that many). ``utilisation`` is ``used / available``, NaN when nothing is
    available.
    """
    used: Counter[str] = Counter()
    for d in plan:
        unit_id = d.unit_id(scenario)
        used[unit_id] += 1 if d.product in (Product.PERFORMANCE, Product.LECTURE) else d.duration
    rows = []
    for unit in scenario.resource_units.values():
        available = available_unit_weeks(scenario, unit)
        rows.append(
            {
                "unit_id": unit.id,
                "name": unit.name,
                "product": unit.product.value,
                "used": used[unit.id],
                "available": available,
                "utilisation": used[unit.id] / available if available > 0 else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=UTILISATION_COLUMNS)
