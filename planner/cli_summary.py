"""The summary ``cultplan solve`` prints: KPIs beside both baselines, committees.

Kept apart from :mod:`planner.cli`, which holds the commands, so that each stays
short; both print to the console they are given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from planner import wording
from planner.i18n import N_, _, ngettext
from planner.kpis import Kpis
from planner.report import GAIN_KPIS, below_baseline_summary
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


def print_summary(
    out: Console,
    s: Scenario,
    result: Result,
    report: dict[str, Any],
    kpis: Kpis,
    baselines_kpis: Mapping[str, Kpis],
) -> None:
    """Print the KPI table of a solve beside both baselines, and what it gains.

    The title says once, in words, how the solve ended (the result's message); the
    objective points and the proven bound are details, on the line below the table.
    The table rounds the KPIs as computed, ``kpis`` (the plan's) and ``baselines_kpis``
    (each baseline's, by name), not the report's (rounded to 4 decimals already:
    rounded twice, a minimum coverage of 0.326549 would show as 32.6 %, not 32.7 %).
    """
    baselines = report["baselines"]
    outcome = result.message or _name(STATUS_NAMES, result.status.value)
    table = Table(title=_("{scenario}: {outcome}").format(scenario=s.name, outcome=outcome))
    table.add_column(_("KPI"))
    table.add_column(_("optimised"), justify="right")
    for name in baselines:
        table.add_column(
            _("{baseline} baseline").format(baseline=_name(wording.BASELINE_NAMES, name)),
            justify="right",
        )
    columns = [kpis.to_dict(digits=None)]
    columns += [baselines_kpis[name].to_dict(digits=None) for name in baselines]
    for label, key, fmt in KPI_ROWS:
        table.add_row(_(label), *(_cell(fmt, column[key]) for column in columns))
    points = "-" if result.objective is None else f"{result.objective:,.1f}"
    table.add_row(
        _("objective points"), points, *(f"{b['objective']:,.1f}" for b in baselines.values())
    )
    out.print(table)
    out.print(_details(report, result), markup=False)
    _print_gains(out, s, report, columns[0], dict(zip(baselines, columns[1:], strict=True)))
    _print_passed_over(out, s, report, baselines_kpis, result.message)
    below = report["below_baseline"]
    out.print(
        _(
            "below their spreadsheet-baseline coverage: {committees} committees "
            "({residents} residents)"
        ).format(committees=below["num_committees"], residents=f"{below['num_residents']:,}"),
        markup=False,
    )
    if "levels" in report:
        print_levels(out, report)


def _details(report: dict[str, Any], result: Result) -> str:
    """The worst-served committee, the plan's objective points and the proven bound."""
    seconds = f"{result.wall_seconds:.1f}"
    name, committee = report["worst_committee_name"], report["worst_committee"]
    # The bound is None when the plan is the baseline's fallback (nothing proven).
    if result.objective is None or result.best_bound is None:
        return _("worst served: {name} ({committee}); {seconds} s").format(
            name=name, committee=committee, seconds=seconds
        )
    return _(
        "worst served: {name} ({committee}); objective points {objective}, at most "
        "{bound} for the best possible plan; {seconds} s"
    ).format(
        name=name,
        committee=committee,
        objective=f"{result.objective:,.1f}",
        bound=f"{result.best_bound:,.1f}",
        seconds=seconds,
    )


def _print_gains(
    out: Console,
    s: Scenario,
    report: dict[str, Any],
    kpis: dict[str, Any],
    baselines: dict[str, dict[str, Any]],
) -> None:
    """What the plan gains over the baseline with more points, and why it may be less
    fair than the greedy one (which keeps no committee at its spreadsheet coverage).

    The changes are worked out from the KPIs as computed, ``kpis`` and ``baselines``
    (by name; the table's columns, unrounded) and rounded once, not from the report's
    (rounded to 4 decimals already): a change can differ by one in its last digit from
    the table's rounded cells subtracted.
    """
    base = baselines[report["gains"]["baseline"]]
    gains = {
        **report["gains"],
        **{key: kpis[key] - base[key] for key in GAIN_KPIS},
    }
    out.print(
        _(
            "against the {baseline} baseline (the baseline with more objective points): "
            "{points} points, coverage {coverage} pp, minimum {minimum} pp, Jain {jain}, "
            "Gini {gini}, travel {travel} km"
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
    less_fair = gains["min_coverage"] < 0 or gains["jain_index"] < 0 or gains["gini"] > 0
    if gains["baseline"] == "greedy" and less_fair and s.objective.keep_baseline_coverage:
        out.print(
            _(
                "why less fair than the greedy baseline: the plan keeps every committee at "
                "least at its spreadsheet-baseline coverage (keep_baseline_coverage); the "
                "greedy baseline may leave some below it"
            ),
            markup=False,
        )


def _print_passed_over(
    out: Console,
    s: Scenario,
    report: dict[str, Any],
    baselines: Mapping[str, Kpis],
    message: str = "",
) -> None:
    """Why the plan has fewer points than the greedy baseline, when it has: the greedy
    plan breaks a guarantee the objective keeps (``keep_baseline_minimum``: its lowest
    committee coverage is below the spreadsheet's; ``keep_baseline_coverage``: some
    committee is below its spreadsheet coverage), so a solve may not return it. A reason
    the solve's ``message`` already gives (the plan is the fallback) is not said again."""
    gains = report["gains"]
    if gains["baseline"] != "greedy" or gains["objective"] >= 0 or "spreadsheet" not in baselines:
        return
    greedy, spreadsheet = baselines["greedy"], baselines["spreadsheet"]
    reasons = []
    if s.objective.keep_baseline_minimum and greedy.min_coverage < spreadsheet.min_coverage:
        reasons.append("minimum")
    below = below_baseline_summary(s, greedy, spreadsheet)["num_committees"]
    if s.objective.keep_baseline_coverage and below:
        reasons.append("coverage")
    name = _(wording.BASELINE_NAMES["greedy"])
    for reason in reasons:
        # The message's clause (after "; "), said as a sentence of its own.
        text = _(wording.PASSED_OVER[reason]).format(baseline=name).lstrip("；; ")
        if text not in message:
            out.print(text, markup=False)


#: The rows of the two levels' table: label, key of ``levels.upper``, format.
LEVEL_ROWS: tuple[tuple[str, str, str], ...] = (
    (N_("lowest subdistrict coverage"), "min_coverage", "{:.1%}"),
    (N_("highest subdistrict coverage"), "max_coverage", "{:.1%}"),
    (N_("Jain's index between subdistricts"), "jain_index", "{:.3f}"),
    (N_("Gini between subdistricts"), "gini", "{:.3f}"),
)


def _cell(fmt: str, value: Any) -> str:
    return "-" if value is None else fmt.format(value)


def print_levels(out: Console, report: dict[str, Any]) -> None:
    """The spread between the subdistricts of a two-level plan beside both baselines,
    and the plan's lowest and highest subdistrict: coverage, lowest committee, and its
    share of the shared deliveries beside its share of the residents."""
    levels = report["levels"]
    upper = levels["upper"]
    baselines = {name: b["levels"]["upper"] for name, b in report["baselines"].items()}
    table = Table(
        title=_(
            "the two levels: {centre} and its {count} subdistricts ({units} shared units, "
            "{deliveries} deliveries)"
        ).format(
            centre=upper["centre_name"],
            count=upper["subdistricts"],
            units=upper["shared_units"],
            deliveries=upper["shared_deliveries"],
        )
    )
    table.add_column(_("KPI"))
    table.add_column(_("optimised"), justify="right")
    for name in baselines:
        table.add_column(
            _("{baseline} baseline").format(baseline=_name(wording.BASELINE_NAMES, name)),
            justify="right",
        )
    for label, key, fmt in LEVEL_ROWS:
        cells = [_cell(fmt, b[key]) for b in baselines.values()]
        table.add_row(_(label), _cell(fmt, upper[key]), *cells)
    out.print(table)
    rows = {row["subdistrict_id"]: row for row in levels["subdistricts"]}
    texts = (
        (
            upper["min_subdistrict"],
            N_(
                "lowest subdistrict: {name} ({ident}), coverage {coverage}, lowest committee "
                "{minimum}; {shared} of the shared deliveries for {population} of the residents"
            ),
        ),
        (
            upper["max_subdistrict"],
            N_(
                "highest subdistrict: {name} ({ident}), coverage {coverage}, lowest committee "
                "{minimum}; {shared} of the shared deliveries for {population} of the residents"
            ),
        ),
    )
    shown: set[str] = set()
    for ident, text in texts:
        row = rows.get(ident)
        if row is None or ident in shown:  # one subdistrict, or all alike: said once
            continue
        shown.add(ident)
        out.print(
            _(text).format(
                name=row["subdistrict_name"],
                ident=ident,
                coverage=_cell("{:.1%}", row["coverage"]),
                minimum=_cell("{:.1%}", row["min_coverage"]),
                shared=_cell("{:.1%}", row["shared_share"]),
                population=_cell("{:.1%}", row["population_share"]),
            ),
            markup=False,
        )


#: Up to this many recipients, the summary lists every one; beyond, the lowest
#: SUMMARY_COMMITTEES_SHOWN (a district has hundreds; coverage.csv lists them all).
SUMMARY_COMMITTEES_ALL = 60
SUMMARY_COMMITTEES_SHOWN = 20


def print_committees(out: Console, kpis: Kpis) -> None:
    """Each committee's coverage beside its baseline coverage, the lowest first."""
    rows = kpis.by_committee.sort_values(["coverage", "committee_id"], kind="stable")
    shown = rows if len(rows) <= SUMMARY_COMMITTEES_ALL else rows.head(SUMMARY_COMMITTEES_SHOWN)
    table = Table(title=_("coverage by committee against the spreadsheet baseline, lowest first"))
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
