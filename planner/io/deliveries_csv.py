"""``deliveries.csv``: a plan as a table, written for planners and read back after edits."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from planner.options import delivered_theme
from planner.plan import Delivery, Plan
from planner.scenario import Problem, Product, ResourceUnit, Scenario, ScenarioError

#: Columns of ``deliveries.csv``, in order.
DELIVERY_COLUMNS = [
    "delivery_id",
    "committee_id",
    "committee_name",
    "grid_id",
    "product",
    "resource_id",
    "resource_name",
    "theme",
    "first_week",
    "last_week",
    "first_date",
    "last_date",
    "demand_id",
]


def plan_frame(plan: Plan, scenario: Scenario) -> pd.DataFrame:
    """Return the plan as a DataFrame with the columns of ``deliveries.csv``."""
    rows = []
    units = scenario.resource_units
    for d in sorted(plan, key=lambda d: (d.first_week, d.committee_id, d.product, d.resource_id)):
        c = scenario.committee_by_id.get(d.committee_id)
        unit = units.get(d.unit_id(scenario))
        rows.append(
            {
                "delivery_id": d.delivery_id(scenario),
                "committee_id": d.committee_id,
                "committee_name": c.name if c else "",
                "grid_id": c.grid if c else "",
                "product": d.product.value,
                "resource_id": d.resource_id,
                "resource_name": unit.name if unit else "",
                "theme": d.theme,
                "first_week": d.first_week,
                "last_week": d.last_week,
                "first_date": scenario.season.week_start(d.first_week).isoformat(),
                "last_date": scenario.season.week_end(d.last_week).isoformat(),
                "demand_id": d.demand_id,
            }
        )
    return pd.DataFrame(rows, columns=DELIVERY_COLUMNS)


def write_deliveries(plan: Plan, scenario: Scenario, path: str | Path) -> None:
    """Write ``deliveries.csv`` (UTF-8 with BOM so that Excel shows Chinese names)."""
    plan_frame(plan, scenario).to_csv(path, index=False, encoding="utf-8-sig")


def read_deliveries(path: str | Path, scenario: Scenario) -> Plan:
    """Read a plan back from ``deliveries.csv`` (possibly edited by hand).

    Only ``committee_id, product, resource_id, first_week, last_week`` are required;
    an empty ``demand_id`` is the committee's first line for that product whose wished
    themes the resource offers and that has room left (else its first line for that
    product), and an empty ``theme`` the one the resource delivers for that line. Dates
    and names are ignored (they are derived). Every bad row is reported at once.

    Raises
    ------
    ScenarioError
        Listing each bad cell as ``row N.column``.
    """
    source = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, [Problem((), f"cannot read as UTF-8 CSV: {exc}")]) from None
    return parse_deliveries(text, scenario, source)


def parse_deliveries(text: str, scenario: Scenario, source: str = "<deliveries>") -> Plan:
    """Parse deliveries CSV text; see :func:`read_deliveries`."""
    reader = csv.DictReader(io.StringIO(text))
    required = ["committee_id", "product", "resource_id", "first_week", "last_week"]
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise ScenarioError(source, [Problem((), f"missing column {c!r}") for c in missing])
    problems: list[Problem] = []
    deliveries: list[Delivery] = []
    taken: dict[str, int] = {}
    for row in reader:
        bad = len(problems)
        # The file's line number: the reader skips blank lines, so counting rows would not.
        loc = f"row {reader.line_num}"
        committee = (row.get("committee_id") or "").strip()
        if committee not in scenario.committee_by_id:
            problems.append(Problem((loc, "committee_id"), f"unknown committee {committee!r}"))
        product_text = (row.get("product") or "").strip()
        try:
            product = Product(product_text)
        except ValueError:
            problems.append(Problem((loc, "product"), f"unknown product {product_text!r}"))
            product = None
        resource = (row.get("resource_id") or "").strip()
        unit_id = scenario.unit_of_copy.get(resource)
        if unit_id is None:
            problems.append(Problem((loc, "resource_id"), f"unknown resource {resource!r}"))
        weeks = []
        for col in ("first_week", "last_week"):
            value = (row.get(col) or "").strip()
            try:
                weeks.append(int(value))
            except ValueError:
                problems.append(Problem((loc, col), f"not a week number: {value!r}"))
        if len(problems) > bad or product is None or unit_id is None:
            continue
        first, last = weeks
        if not 1 <= first <= last:
            problems.append(Problem((loc, "last_week"), f"weeks {first}..{last} are not a span"))
            continue
        unit = scenario.resource_units[unit_id]
        demand_id = (row.get("demand_id") or "").strip()
        if not demand_id:
            demand_id = _fitting_line(scenario, committee, product, unit, taken)
        taken[demand_id] = taken.get(demand_id, 0) + 1
        theme = (row.get("theme") or "").strip()
        line = scenario.demand_by_id.get(demand_id)
        if not theme:
            theme = (delivered_theme(line, unit) if line else None) or unit.themes[0]
        deliveries.append(Delivery(committee, product, resource, first, last, demand_id, theme))
    if problems:
        raise ScenarioError(source, problems)
    return Plan.of(deliveries)


def _fitting_line(
    scenario: Scenario, committee: str, product: Product, unit: ResourceUnit, taken: dict[str, int]
) -> str:
    """The demand line a delivery without ``demand_id`` most plausibly serves."""
    lines = [
        line
        for line in scenario.demand_lines
        if line.committee == committee and line.product == product
    ]
    for line in lines:
        if delivered_theme(line, unit) is not None and taken.get(line.id, 0) < line.demand.count:
            return line.id
    return lines[0].id if lines else ""
