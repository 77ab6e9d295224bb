"""The summary ``cultplan solve`` prints: KPIs beside both baselines, committees.

Kept apart from :mod:`planner.cli`, which holds the commands, so that each stays
short; both print to the console they are given.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from planner.kpis import Kpis
from planner.result import Result
from planner.scenario import Scenario


def print_summary(out: Console, s: Scenario, result: Result, report: dict[str, Any]) -> None:
    baselines = report["baselines"]
    gap = "-" if result.gap is None else f"{100 * result.gap:.2f}%"
    reason = f" ({result.stop_reason.value})" if result.stop_reason is not None else ""
    table = Table(title=f"{s.name}: {result.status.value}{reason}, gap {gap}")
    table.add_column("KPI")
    table.add_column("optimised", justify="right")
    for name in baselines:
        table.add_column(f"{name} baseline", justify="right")
    rows = [
        ("coverage (population-weighted)", "coverage", "{:.1%}"),
        ("minimum committee coverage", "min_coverage", "{:.1%}"),
        ("Jain's index", "jain_index", "{:.3f}"),
        ("Gini", "gini", "{:.3f}"),
        ("travel km", "travel_km", "{:,.1f}"),
        ("deliveries", "num_deliveries", "{}"),
        ("unmet demand lines", "num_unmet_lines", "{}"),
    ]
    for label, key, fmt in rows:
        cells = [fmt.format(b[key]) for b in baselines.values()]
        table.add_row(label, fmt.format(report[key]), *cells)
    points = "-" if result.objective is None else f"{result.objective:,.1f}"
    table.add_row(
        "objective points", points, *(f"{b['objective']:,.1f}" for b in baselines.values())
    )
    out.print(table)
    # The bound is None when the plan is the baseline's fallback (nothing proven).
    bound = "-" if result.best_bound is None else f"{result.best_bound:,.1f}"
    objective = "-" if result.objective is None else f"{result.objective:,.1f}"
    out.print(
        f"worst served: {report['worst_committee_name']} ({report['worst_committee']}); "
        f"objective {objective}, bound {bound}, {result.wall_seconds:.2f} s",
        markup=False,
    )
    gains = report["gains"]
    out.print(
        f"against the better baseline ({gains['baseline']}, by objective points): "
        f"{gains['objective']:+,.1f} points, coverage {100 * gains['coverage']:+.1f} pp, "
        f"minimum {100 * gains['min_coverage']:+.1f} pp, Jain {gains['jain_index']:+.3f}, "
        f"Gini {gains['gini']:+.3f}, travel {gains['travel_km']:+,.1f} km",
        markup=False,
    )
    below = report["below_baseline"]
    out.print(
        f"below their baseline coverage: {below['num_committees']} committees "
        f"({below['num_residents']:,} residents)",
        markup=False,
    )
    if result.message:
        out.print(result.message, markup=False, highlight=False)


#: Up to this many recipients, the summary lists every one; beyond, the lowest
#: SUMMARY_COMMITTEES_SHOWN (a district has hundreds; coverage.csv lists them all).
SUMMARY_COMMITTEES_ALL = 60
SUMMARY_COMMITTEES_SHOWN = 20


def print_committees(out: Console, kpis: Kpis) -> None:
    """Each committee's coverage beside its baseline coverage, the lowest first."""
    rows = kpis.by_committee.sort_values(["coverage", "committee_id"], kind="stable")
    shown = rows if len(rows) <= SUMMARY_COMMITTEES_ALL else rows.head(SUMMARY_COMMITTEES_SHOWN)
    table = Table(title="coverage by committee, lowest first")
    table.add_column("committee")
    for name in ("optimised", "spreadsheet baseline", "change"):
        table.add_column(name, justify="right")
    columns = ["committee_id", "committee_name", "coverage", "baseline_coverage"]
    for cid, name, cov, base in shown[columns].itertuples(index=False, name=None):
        now, before = float(cov), float(base)
        if math.isnan(before):  # KPIs computed without a baseline
            table.add_row(f"{cid} {name}", f"{now:.1%}", "-", "-")
            continue
        table.add_row(
            f"{cid} {name}", f"{now:.1%}", f"{before:.1%}", f"{100 * (now - before):+.1f} pp"
        )
    out.print(table)
    if len(shown) < len(rows):
        out.print(
            f"{len(rows) - len(shown)} more committees not shown; --out writes every "
            "committee's coverage and baseline coverage to coverage.csv",
            markup=False,
        )
