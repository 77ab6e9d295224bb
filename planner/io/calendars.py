"""Committee calendars: each committee's deliveries week by week, as CSV for the committee.

Product names are Chinese, as committees read them; files are UTF-8 with a BOM so that
spreadsheets open them as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from planner.plan import Delivery, Plan
from planner.scenario import ResourceUnit, Scenario
from planner.wording import product_name

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
        "product_name": product_name(d.product),
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
    # Each committee's calendar from its own deliveries: filtering the whole plan once
    # per committee took seconds at district scale (355 committees, 8,867 deliveries).
    own: dict[str, list[Delivery]] = {c.id: [] for c in scenario.committees}
    for d in plan:
        if d.committee_id in own:
            own[d.committee_id].append(d)
    paths = []
    for c in scenario.committees:
        path = out / f"calendar-{c.id}.csv"
        calendar = committee_calendar(scenario, Plan(tuple(own[c.id])), c.id)
        calendar.to_csv(path, index=False, encoding="utf-8-sig")
        paths.append(path)
    return paths


__all__: Sequence[str] = ["CALENDAR_COLUMNS", "committee_calendar", "write_calendars"]
