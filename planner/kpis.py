"""Key performance indicators of a plan, reasons for unmet demand, committee calendars.

Every figure follows the definitions in ``docs/domain.md`` ("KPI definitions"), so that each
report means the same thing:

- a demand line's *delivered* count is the number of plan deliveries whose ``demand_id``
  is that line; *line coverage* is ``min(delivered, requested) / requested``;
- a recipient's coverage is ``Σ priority × min(delivered, requested) / Σ priority ×
  requested`` over its lines, and 1 when it asked for nothing;
- the headline coverage is the population-weighted mean of recipient coverages over all
  recipients (committees and partner sites alike);
- minimum coverage, Jain's index, Gini and the unweighted mean are taken over the
  recipients that asked for something.

The reasons for unmet demand come from the static option analysis of
:mod:`planner.options` (why a line has no option at all) and, when options exist, from
replaying the hard rules of ``docs/rules.md`` against the plan (what stands in the way of
each option). Nothing here depends on the solver.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner.capacity import available_unit_weeks
from planner.network import Distances
from planner.options import Option, line_blocker, line_options
from planner.plan import Delivery, Plan, delivery_key
from planner.scenario import (
    EVENT_PRODUCTS,
    STAY_PRODUCTS,
    DemandLine,
    Product,
    ResourceUnit,
    Scenario,
)
from planner.wording import (
    BLOCKERS,
    PRODUCT_NAMES,
    unit_label,
    weeks_phrase,
)

#: Tie-break order of plan reasons: the most permanent obstacle first.
_REASON_ORDER = [
    "already_received",
    "capacity",
    "events_full",
    "shelf_full",
    "boards_full",
    "van_full",
]

BY_COMMITTEE_COLUMNS = [
    "committee_id",
    "committee_name",
    "grid_id",
    "population",
    "requested",
    "delivered",
    "coverage",
]
BY_GRID_COLUMNS = ["grid_id", "grid_name", "population", "coverage", "min_coverage"]
BY_PRODUCT_COLUMNS = ["product", "requested", "delivered", "coverage"]
UTILISATION_COLUMNS = ["unit_id", "name", "product", "used", "available", "utilisation"]
UNMET_COLUMNS = [
    "demand_id",
    "committee_id",
    "committee_name",
    "product",
    "requested",
    "delivered",
    "reason",
    "explanation",
]
CALENDAR_COLUMNS = [
    "week",
    "week_start",
    "week_end",
    "product",
    "product_name",
    "resource_id",
    "resource_name",
    "theme",
    "first_week",
    "last_week",
    "delivery_id",
]


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
        The lowest recipient coverage among recipients that asked for something (1.0 if
        none did).
    worst_committee, worst_committee_name
        The recipient with ``min_coverage`` (first by id on ties); empty if none asked.
    jain_index
        Jain's fairness index over the coverages of recipients that asked for something;
        1.0 when there are none or all are 0.
    gini
        Gini coefficient over the same coverages; 0.0 when their mean is 0.
    mean_coverage
        Unweighted mean of the same coverages (1.0 when there are none).
    travel_km
        Total travel of the plan (:meth:`planner.network.Distances.delivery_km`).
    travel_km_by_product
        Travel per product value, every product listed.
    num_deliveries
        Deliveries in the plan.
    by_committee
        One row per recipient: ``committee_id, committee_name, grid_id, population,
        requested, delivered, coverage``; ``delivered`` is capped per line.
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

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-serialisable summary, floats rounded to 4 decimals.

        Non-finite numbers (a unit with nothing available, an unreachable committee)
        become ``None``.

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
            "coverage": _round(self.coverage),
            "min_coverage": _round(self.min_coverage),
            "worst_committee": self.worst_committee,
            "worst_committee_name": self.worst_committee_name,
            "jain_index": _round(self.jain_index),
            "gini": _round(self.gini),
            "mean_coverage": _round(self.mean_coverage),
            "travel_km": _round(self.travel_km),
            "travel_km_by_product": {k: _round(v) for k, v in self.travel_km_by_product.items()},
            "num_deliveries": int(self.num_deliveries),
            "num_unmet_lines": len(self.unmet),
            "coverage_by_product": {
                str(r.product): _round(r.coverage) for r in self.by_product.itertuples()
            },
            "coverage_by_grid": {
                str(r.grid_id): _round(r.coverage) for r in self.by_grid.itertuples()
            },
            "utilisation_by_product": {str(k): _round(v) for k, v in util.items()},
        }


def _round(value: Any) -> float | None:
    x = float(value)
    if not math.isfinite(x):
        return None
    return round(x, 4)


# -- fairness measures -------------------------------------------------------------------


def jain_index(values: Sequence[float]) -> float:
    """Return Jain's index (Σx)² / (n·Σx²); 1.0 for no values or all zeros."""
    n = len(values)
    squares = sum(x * x for x in values)
    if n == 0 or squares == 0:
        return 1.0
    return sum(values) ** 2 / (n * squares)


def gini(values: Sequence[float]) -> float:
    """Return the Gini coefficient ΣᵢΣⱼ|xᵢ − xⱼ| / (2n²·mean); 0.0 when the mean is 0."""
    n = len(values)
    if n == 0:
        return 0.0
    mean = sum(values) / n
    if mean == 0:
        return 0.0
    # Sorted form of the double sum: Σᵢ (2i − n − 1)·x₍ᵢ₎ = ½ ΣᵢΣⱼ|xᵢ − xⱼ|.
    ordered = sorted(values)
    half = sum((2 * i - n - 1) * x for i, x in enumerate(ordered, start=1))
    return 2 * half / (2 * n * n * mean)


def _weighted_mean(values: Sequence[float], weights: Sequence[float], empty: float) -> float:
    total = sum(weights)
    if total > 0:
        return sum(v * w for v, w in zip(values, weights, strict=True)) / total
    if values:
        return sum(values) / len(values)
    return empty


# -- the KPIs ----------------------------------------------------------------------------


def delivered_per_line(scenario: Scenario, plan: Plan) -> dict[str, int]:
    """Count the plan's deliveries per demand line (uncapped), every line listed."""
    counts = {line.id: 0 for line in scenario.demand_lines}
    for d in plan:
        if d.demand_id in counts:
            counts[d.demand_id] += 1
    return counts


def compute_kpis(scenario: Scenario, plan: Plan, distances: Distances | None = None) -> Kpis:
    """Compute the KPIs of a plan.

    Parameters
    ----------
    scenario
        The scenario the plan was made for.
    plan
        The plan; deliveries naming an unknown demand line count for no line.
    distances
        Road distances; built from the scenario when not given.

    Returns
    -------
    Kpis
        Coverage, fairness, travel, utilisation and unmet demand with reasons.
    """
    delivered = delivered_per_line(scenario, plan)
    lines_of: dict[str, list[DemandLine]] = defaultdict(list)
    for line in scenario.demand_lines:
        lines_of[line.committee].append(line)

    # Recipient coverage.
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
            }
        )
    by_committee = pd.DataFrame(committee_rows, columns=BY_COMMITTEE_COLUMNS)

    committees = scenario.committees
    headline = _weighted_mean(
        [coverage_of[c.id] for c in committees], [c.population for c in committees], 1.0
    )
    asked = sorted(cid for cid, lines in lines_of.items() if cid in coverage_of and lines)
    asked_cov = [coverage_of[cid] for cid in asked]
    if asked:
        worst = min(asked, key=lambda cid: (coverage_of[cid], cid))
        min_cov = coverage_of[worst]
        worst_name = scenario.committee_by_id[worst].name
    else:
        worst, min_cov, worst_name = "", 1.0, ""

    # Grids.
    grid_rows = []
    for g in scenario.grids:
        members = [c for c in committees if c.grid == g.id]
        covs = [coverage_of[c.id] for c in members]
        grid_rows.append(
            {
                "grid_id": g.id,
                "grid_name": g.name,
                "population": sum(c.population for c in members),
                "coverage": _weighted_mean(covs, [c.population for c in members], 1.0),
                "min_coverage": min(covs, default=1.0),
            }
        )
    by_grid = pd.DataFrame(grid_rows, columns=BY_GRID_COLUMNS)

    # Products.
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
    by_product = pd.DataFrame(product_rows, columns=BY_PRODUCT_COLUMNS)

    # Travel.
    dist = distances if distances is not None else Distances(scenario)
    travel = {p.value: 0.0 for p in Product}
    for d in plan:
        unit_id = d.unit_id(scenario)
        if unit_id in scenario.resource_units and d.committee_id in scenario.committee_by_id:
            travel[d.product.value] += dist.delivery_km(unit_id, d.committee_id)

    return Kpis(
        coverage=headline,
        min_coverage=min_cov,
        worst_committee=worst,
        worst_committee_name=worst_name,
        jain_index=jain_index(asked_cov),
        gini=gini(asked_cov),
        mean_coverage=sum(asked_cov) / len(asked_cov) if asked_cov else 1.0,
        travel_km=sum(travel.values()),
        travel_km_by_product=travel,
        num_deliveries=len(plan),
        by_committee=by_committee,
        by_grid=by_grid,
        by_product=by_product,
        utilisation=utilisation_frame(scenario, plan),
        unmet=unmet_frame(scenario, plan, delivered),
    )


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


# -- unmet demand and its reasons --------------------------------------------------------


@dataclass
class _Usage:
    """What the plan already uses, counted the way the hard rules count it."""

    unit_week: Counter[tuple[str, int]] = field(default_factory=Counter)
    unit_total: Counter[str] = field(default_factory=Counter)
    events: Counter[tuple[str, int]] = field(default_factory=Counter)
    books: Counter[tuple[str, int]] = field(default_factory=Counter)
    boards: Counter[tuple[str, int]] = field(default_factory=Counter)
    van_starts: Counter[int] = field(default_factory=Counter)
    received: set[tuple[str, str]] = field(default_factory=set)
    delivery_ids: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, scenario: Scenario, plan: Plan) -> _Usage:
        u = cls()
        for d in plan:
            unit_id = d.unit_id(scenario)
            c = d.committee_id
            u.unit_total[unit_id] += 1
            u.delivery_ids.add(d.delivery_id(scenario))
            for w in d.weeks:
                u.unit_week[(unit_id, w)] += 1
                if d.product in EVENT_PRODUCTS:
                    u.events[(c, w)] += 1
                elif d.product == Product.BOOK_SET:
                    u.books[(c, w)] += 1
                elif d.product == Product.EXHIBITION:
                    u.boards[(c, w)] += 1
            if d.product == Product.EXHIBITION:
                u.van_starts[d.first_week] += 1
            if d.product in STAY_PRODUCTS:
                u.received.add((c, unit_id))
        return u


def _obstacles(
    scenario: Scenario, usage: _Usage, line: DemandLine, option: Option
) -> dict[str, list[int]]:
    """Which hard rules adding ``option`` to the plan would break, with the weeks.

    Week-independent obstacles (a set kind already received, a troupe's season maximum,
    the same delivery already in the plan) carry no weeks.
    """
    c = scenario.committee_by_id[line.committee]
    unit = scenario.resource_units[option.unit_id]
    product = line.product
    found: dict[str, list[int]] = {}

    def add(reason: str, weeks: Iterable[int]) -> None:
        found.setdefault(reason, []).extend(weeks)

    if product in STAY_PRODUCTS and (c.id, unit.id) in usage.received:
        add("already_received", [])
    full = [w for w in option.weeks if usage.unit_week[(unit.id, w)] >= unit.capacity]
    if full:
        add("capacity", full)
    if unit.season_max is not None and usage.unit_total[unit.id] >= unit.season_max:
        add("capacity", [])
    # The same committee, product, unit and first week would duplicate a delivery id:
    # the unit is already booked for this committee that week.
    if delivery_key(c.id, product.value, unit.id, option.first_week) in usage.delivery_ids:
        add("capacity", [])
    if product in EVENT_PRODUCTS:
        busy = [w for w in option.weeks if usage.events[(c.id, w)] >= c.max_events_per_week]
        if busy:
            add("events_full", busy)
    if product == Product.BOOK_SET:
        busy = [w for w in option.weeks if usage.books[(c.id, w)] >= c.venue.shelf_slots]
        if busy:
            add("shelf_full", busy)
    if product == Product.EXHIBITION:
        busy = [w for w in option.weeks if usage.boards[(c.id, w)] >= c.venue.board_slots]
        if busy:
            add("boards_full", busy)
        if usage.van_starts[option.first_week] >= scenario.resources.van.moves_per_week:
            add("van_full", [option.first_week])
    return found


def explain_line(
    scenario: Scenario, plan: Plan, line: DemandLine, usage: _Usage | None = None
) -> tuple[str, str]:
    """Return why a demand line is not (fully) met: a reason code and an explanation.

    A line without any option gets the static blocker of :func:`planner.options.
    line_blocker` and its BLOCKERS text. Otherwise every option is checked against the
    plan. If one would fit every hard rule, the reason is ``traded_off``. If not, the
    reason that alone blocks the most options is chosen (relieving it would let the line
    grow); if every option is blocked by several rules at once, the reason blocking the
    most options. Ties go to the more permanent reason (``already_received``, then
    ``capacity``, ``events_full``, ``shelf_full``, ``boards_full``, ``van_full``).

    Parameters
    ----------
    scenario, plan
        The scenario and the plan.
    line
        The demand line.
    usage
        What the plan uses, if already counted.

    Returns
    -------
    tuple of str
        The reason code (a key of :data:`planner.wording.BLOCKERS` or
        :data:`planner.wording.PLAN_REASONS`) and an English explanation
        naming ids and weeks.
    """
    blocker = line_blocker(scenario, line)
    if blocker is not None:
        return blocker, _blocker_text(scenario, line, blocker)
    usage = usage if usage is not None else _Usage.of(scenario, plan)
    options = line_options(scenario, line)
    checked: list[tuple[Option, dict[str, list[int]]]] = []
    free: dict[str, Option] = {}  # the first option that fits, per unit
    for option in options:
        if option.unit_id in free:
            continue
        obstacles = _obstacles(scenario, usage, line, option)
        if obstacles:
            checked.append((option, obstacles))
        else:
            free[option.unit_id] = option
    if free:
        return "traded_off", _traded_off_text(scenario, line, list(free.values()))
    sole: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    for _, obs in checked:
        anywhere.update(obs.keys())
        if len(obs) == 1:
            sole.update(obs.keys())
    counts = sole if sole else anywhere
    reason = max(_REASON_ORDER, key=lambda r: (counts[r], -_REASON_ORDER.index(r)))
    blocked = [(o, obs[reason]) for o, obs in checked if reason in obs]
    return reason, _plan_reason_text(scenario, usage, line, reason, blocked)


def unmet_frame(
    scenario: Scenario, plan: Plan, delivered: dict[str, int] | None = None
) -> pd.DataFrame:
    """Return one row per demand line with fewer deliveries than requested, with reasons.

    See :func:`explain_line` for how the reason is chosen.
    """
    delivered = delivered if delivered is not None else delivered_per_line(scenario, plan)
    usage = _Usage.of(scenario, plan)
    rows = []
    for line in scenario.demand_lines:
        got = delivered.get(line.id, 0)
        if got >= line.demand.count:
            continue
        reason, text = explain_line(scenario, plan, line, usage)
        c = scenario.committee_by_id[line.committee]
        rows.append(
            {
                "demand_id": line.id,
                "committee_id": c.id,
                "committee_name": c.name,
                "product": line.product.value,
                "requested": line.demand.count,
                "delivered": got,
                "reason": reason,
                "explanation": text,
            }
        )
    return pd.DataFrame(rows, columns=UNMET_COLUMNS)


def _blocker_text(scenario: Scenario, line: DemandLine, blocker: str) -> str:
    text = f"{line.id}: {BLOCKERS[blocker]}"
    if blocker == "theme" and line.demand.themes:
        text += f" (wished: {', '.join(line.demand.themes)})"
    return text


def _traded_off_text(scenario: Scenario, line: DemandLine, free: list[Option]) -> str:
    first = free[0]
    unit = scenario.resource_units[first.unit_id]
    units = ", ".join(o.unit_id for o in free[:5])
    if len(free) > 5:
        units += f" and {len(free) - 5} more"
    return (
        f"capacity is there: {unit_label(unit)} could serve {line.committee} in "
        f"{weeks_phrase(first.weeks)} without breaking any hard rule (units with room: "
        f"{units}); the optimiser chose not to, in favour of its other goals"
    )


def _plan_reason_text(
    scenario: Scenario,
    usage: _Usage,
    line: DemandLine,
    reason: str,
    blocked: list[tuple[Option, list[int]]],
) -> str:
    c = scenario.committee_by_id[line.committee]
    weeks = sorted({w for _, ws in blocked for w in ws})
    if reason == "capacity":
        return _capacity_text(scenario, usage, line, blocked)
    if reason == "events_full":
        return (
            f"{c.id} already has its limit of {c.max_events_per_week} event(s) a week "
            f"in {weeks_phrase(weeks)}, when the fitting resources could come"
        )
    if reason == "shelf_full":
        return (
            f"{c.id}'s {c.venue.shelf_slots} shelf slot(s) are taken in "
            f"{weeks_phrase(weeks)}, when a fitting book set could stay"
        )
    if reason == "boards_full":
        return (
            f"{c.id}'s {c.venue.board_slots} board slot(s) are taken in "
            f"{weeks_phrase(weeks)}, when a fitting board set could stay"
        )
    if reason == "van_full":
        return (
            f"the van's {scenario.resources.van.moves_per_week} move(s) a week are used up "
            f"in {weeks_phrase(weeks)}, when a fitting board set could be installed"
        )
    # already_received
    kinds = sorted({o.unit_id for o, _ in blocked})
    return (
        f"{c.id} has already received the fitting set kind(s) {', '.join(kinds)} this "
        f"season, and a committee gets each set kind at most once (no_repeat_set)"
    )


def _capacity_text(
    scenario: Scenario, usage: _Usage, line: DemandLine, blocked: list[tuple[Option, list[int]]]
) -> str:
    full_weeks: dict[str, set[int]] = defaultdict(set)
    for o, ws in blocked:
        full_weeks[o.unit_id].update(ws)
    parts = []
    # Busiest first: the most full weeks, then the most use over the season.
    ranked = sorted(full_weeks, key=lambda u: (-len(full_weeks[u]), -usage.unit_total[u], u))
    for unit_id in ranked[:3]:
        unit = scenario.resource_units[unit_id]
        if unit.season_max is not None and usage.unit_total[unit_id] >= unit.season_max:
            parts.append(
                f"{unit_label(unit)} has reached its season maximum of {unit.season_max} show(s)"
            )
            continue
        unit_full = full_weeks[unit_id]
        if unit_full:
            parts.append(f"{unit_label(unit)} full in {weeks_phrase(unit_full)}")
        else:
            parts.append(f"{unit_label(unit)} already booked at {line.committee}")
    more = len(ranked) - 3
    tail = f" and {more} more" if more > 0 else ""
    return (
        "the fitting resources are fully booked in the weeks this line could use: "
        + "; ".join(parts)
        + tail
    )


# -- committee calendars -----------------------------------------------------------------


def committee_calendar(scenario: Scenario, plan: Plan, committee_id: str) -> pd.DataFrame:
    """Return a committee's delivery calendar, one row per week and delivery.

    Parameters
    ----------
    scenario, plan
        The scenario and the plan.
    committee_id
        The committee.

    Returns
    -------
    pandas.DataFrame
        Columns ``week, week_start, week_end`` (ISO dates, Monday and Sunday),
        ``product, product_name`` (Chinese), ``resource_id, resource_name, theme,
        first_week, last_week, delivery_id``, sorted by week.

    Raises
    ------
    KeyError
        If the committee is unknown.
    """
    if committee_id not in scenario.committee_by_id:
        raise KeyError(f"unknown committee {committee_id!r}")
    rows = []
    for d in plan.for_committee(committee_id):
        unit = scenario.resource_units.get(d.unit_id(scenario))
        for w in d.weeks:
            rows.append(_calendar_row(scenario, d, w, unit))
    rows.sort(key=lambda r: (r["week"], r["product"], r["resource_id"]))
    return pd.DataFrame(rows, columns=CALENDAR_COLUMNS)


def _calendar_row(
    scenario: Scenario, d: Delivery, week: int, unit: ResourceUnit | None
) -> dict[str, Any]:
    return {
        "week": week,
        "week_start": scenario.season.week_start(week).isoformat(),
        "week_end": scenario.season.week_end(week).isoformat(),
        "product": d.product.value,
        "product_name": PRODUCT_NAMES[d.product],
        "resource_id": d.resource_id,
        "resource_name": unit.name if unit else "",
        "theme": d.theme,
        "first_week": d.first_week,
        "last_week": d.last_week,
        "delivery_id": d.delivery_id(scenario),
    }


def write_calendars(scenario: Scenario, plan: Plan, directory: str | Path) -> list[Path]:
    """Write ``calendar-<committee_id>.csv`` for every committee (UTF-8 with BOM).

    Committees without deliveries get a file with the header only.

    Returns
    -------
    list of Path
        The files written, in the scenario's committee order.
    """
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for c in scenario.committees:
        path = out / f"calendar-{c.id}.csv"
        committee_calendar(scenario, plan, c.id).to_csv(path, index=False, encoding="utf-8-sig")
        paths.append(path)
    return paths
