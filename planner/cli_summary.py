"""The summary ``cultplan solve`` prints: KPIs beside both baselines, committees.

Kept apart from :mod:`planner.cli`, which holds the commands, so that each stays
short; both print to the console they are given.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Console
from rich.table import Table

from planner import wording
from planner.i18n import N_, _, ngettext
from planner.kpis import Kpis
from planner.result import Result
from planner.scenario import Scenario

#: How a solve ended, by status, as the summary's title says it.
STATUS_NAMES: dict[str, str] = {
    "optimal": N_("proven optimal"),
    "feasible": N_("feasible"),
    "infeasible": N_("infeasible"),
    "no_solution": N_("no plan"),
    "error": N_("error"),
}

#: Why the search stopped, by stop reason.
STOP_REASON_NAMES: dict[str, str] = {
    "proven": N_("proven"),
    "gap_limit": N_("within the gap limit"),
    "time_limit": N_("time limit reached"),
    "stopped": N_("stopped on request"),
    "error": N_("error"),
}

#: The rows of the KPI table: label, key of the report, format.
KPI_ROWS: tuple[tuple[str, str, str], ...] = (
    (N_("coverage (population-weighted)"), "coverage", "{:.1%}"),
    (N_("minimum committee coverage"), "min_coverage", "{:.1%}"),
    (N_("Jain's index"), "jain_index", "{:.3f}"),
    (N_("Gini"), "gini", "{:.3f}"),
    (N_("travel km"), "travel_km", "{:,.1f}"),
    (N_("deliveries"), "num_deliveries", "{}"),
    (N_("unmet demand lines"), "num_unmet_lines", "{}"),
)


def _name(table: dict[str, str], key: str) -> str:
    return _(table[key]) if key in table else key


def print_summary(out: Console, s: Scenario, result: Result, report: dict[str, Any]) -> None:
    """Print the KPI table of a solve beside both baselines, and what it gains."""
    baselines = report["baselines"]
    status = _name(STATUS_NAMES, result.status.value)
    if result.stop_reason is not None and result.status.value != "optimal":
        status = _("{status} ({reason})").format(
            status=status, reason=_name(STOP_REASON_NAMES, result.stop_reason.value)
        )
    title = _("{scenario}: {status}; {closeness}").format(
        scenario=s.name, status=status, closeness=wording.gap_text(result.gap)
    )
    table = Table(title=title)
    table.add_column(_("KPI"))
    table.add_column(_("optimised"), justify="right")
    for name in baselines:
        table.add_column(
            _("{baseline} baseline").format(baseline=_name(wording.BASELINE_NAMES, name)),
            justify="right",
        )
    for label, key, fmt in KPI_ROWS:
        cells = [fmt.format(b[key]) for b in baselines.values()]
        table.add_row(_(label), fmt.format(report[key]), *cells)
    points = "-" if result.objective is None else f"{result.objective:,.1f}"
    table.add_row(
        _("objective points"), points, *(f"{b['objective']:,.1f}" for b in baselines.values())
    )
    out.print(table)
    # The bound is None when the plan is the baseline's fallback (nothing proven).
    bound = "-" if result.best_bound is None else f"{result.best_bound:,.1f}"
    objective = "-" if result.objective is None else f"{result.objective:,.1f}"
    out.print(
        _(
            "worst served: {name} ({committee}); objective {objective}, bound {bound}, {seconds} s"
        ).format(
            name=report["worst_committee_name"],
            committee=report["worst_committee"],
            objective=objective,
            bound=bound,
            seconds=f"{result.wall_seconds:.2f}",
        ),
        markup=False,
    )
    gains = report["gains"]
    out.print(
        _(
            "against the better baseline ({baseline}, by objective points): {points} points, "
            "coverage {coverage} pp, minimum {minimum} pp, Jain {jain}, Gini {gini}, "
            "travel {travel} km"
        ).format(
            baseline=_name(wording.BASELINE_NAMES, gains["baseline"]),
            points=f"{gains['objective']:+,.1f}",
            coverage=f"{100 * gains['coverage']:+.1f}",
            minimum=f"{100 * gains['min_coverage']:+.1f}",
            jain=f"{gains['jain_index']:+.3f}",
            gini=f"{gains['gini']:+.3f}",
            travel=f"{gains['travel_km']:+,.1f}",
        ),
        markup=False,
    )
    below = report["below_baseline"]
    out.print(
        _("below their baseline coverage: {committees} committees ({residents} residents)").format(
            committees=below["num_committees"], residents=f"{below['num_residents']:,}"
        ),
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
    table = Table(title=_("coverage by committee, lowest first"))
    table.add_column(_("committee"))
    spreadsheet = _("{baseline} baseline").format(baseline=_(wording.BASELINE_NAMES["spreadsheet"]))
    for name in (_("optimised"), spreadsheet, _("change")):
        table.add_column(name, justify="right")
    columns = ["committee_id", "committee_name", "coverage", "baseline_coverage"]
    for cid, name, cov, base in shown[columns].itertuples(index=False, name=None):
        now, before = float(cov), float(base)
        if math.isnan(before):  # KPIs computed without a baseline
            table.add_row(f"{cid} {name}", f"{now:.1%}", "-", "-")
            continue
        change = _("{change} pp").format(change=f"{100 * (now - before):+.1f}")
        table.add_row(f"{cid} {name}", f"{now:.1%}", f"{before:.1%}", change)
    out.print(table)
    if len(shown) < len(rows):
        hidden = len(rows) - len(shown)
        out.print(
            ngettext(
                "{count} more committee not shown; --out writes every committee's coverage "
                "and baseline coverage to coverage.csv",
                "{count} more committees not shown; --out writes every committee's coverage "
                "and baseline coverage to coverage.csv",
                hidden,
            ).format(count=hidden),
            markup=False,
        )
