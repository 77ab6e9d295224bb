"""The ``cultplan`` command line.

Exit codes: 0 a plan (optimal or feasible) or success, 2 invalid input (nothing
written), 3 infeasible (the reason printed), 4 no plan within the time limit.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from planner.baseline import plan_baseline
from planner.generate import generate as generate_scenario
from planner.io import (
    read_deliveries,
    read_scenario,
    scenario_schema,
    write_deliveries,
    write_scenario,
)
from planner.kpis import Kpis, compute_kpis, write_calendars
from planner.plan import Plan
from planner.result import Progress as SolveProgress
from planner.result import Result, SolveParams, SolveStatus
from planner.scenario import Scenario, ScenarioError
from planner.validate import check_plan

EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4

app = typer.Typer(
    help="Plan a season of cultural deliveries to residents' committees.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# soft_wrap: one problem stays on one line (FILE:LINE: place: message), for grep and
# editors, whatever the terminal width.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

ScenarioArg = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]


def _load(path: Path) -> Scenario:
    try:
        return read_scenario(path)
    except ScenarioError as exc:
        err.print(exc.report(), markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None


@app.command()
def validate(
    scenario: ScenarioArg,
    plan: Annotated[
        Path | None, typer.Option(help="Also check this deliveries.csv against the rules.")
    ] = None,
) -> None:
    """Check a scenario (and optionally a plan) and report every problem."""
    s = _load(scenario)
    out.print(
        f"{scenario}: valid scenario '{s.name}': {len(s.committees)} committees, "
        f"{len(s.resource_units)} resource units, {len(s.demand)} demand lines, "
        f"{s.season.weeks} weeks",
        markup=False,
    )
    if plan is None:
        return
    p = _read_plan(plan, s)
    violations = check_plan(s, p)
    if violations:
        err.print(f"{plan}: {len(violations)} broken rule(s)", markup=False)
        for v in violations:
            err.print(f"  {v}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID)
    out.print(f"{plan}: {len(p)} deliveries keep every hard rule", markup=False)


@app.command()
def solve(
    scenario: ScenarioArg,
    time_limit: Annotated[float, typer.Option(help="Seconds for the whole solve.")] = 30.0,
    seed: Annotated[int, typer.Option(help="CP-SAT random seed.")] = 0,
    workers: Annotated[int, typer.Option(help="CP-SAT workers (1 is deterministic).")] = 2,
    gap: Annotated[float, typer.Option(help="Stop at this relative gap.")] = 0.005,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write the plan, KPIs and calendars here.")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
) -> None:
    """Solve a scenario, print its KPIs beside the baseline, and write the outputs."""
    from planner.solver import solve as run_solve

    s = _load(scenario)
    params = SolveParams(time_limit=time_limit, seed=seed, workers=workers, relative_gap=gap)
    result = _solve_with_progress(run_solve, s, params, quiet)
    if result.status == SolveStatus.INFEASIBLE:
        err.print(f"infeasible: {result.message}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INFEASIBLE)
    if not result.status.has_plan or result.plan is None:
        err.print(f"{result.status.value}: {result.message}", markup=False)
        raise typer.Exit(EXIT_NO_PLAN)
    report, plan_kpis = kpi_report(s, result)
    _print_summary(s, result, report)
    if out_dir is not None:
        _write_outputs(out_dir, s, result.plan, report, plan_kpis)
        out.print(f"wrote {out_dir}/ (deliveries.csv, kpis.json, calendars/)", markup=False)


@app.command()
def kpis(
    scenario: ScenarioArg,
    plan: Annotated[Path, typer.Argument(help="A deliveries.csv to evaluate.")],
) -> None:
    """Print the KPIs of a plan (for example one edited by hand) as JSON."""
    s = _load(scenario)
    p = _read_plan(plan, s)
    summary = compute_kpis(s, p).to_dict()
    summary["violations"] = [str(v) for v in check_plan(s, p)]
    summary["baseline"] = compute_kpis(s, plan_baseline(s)).to_dict()
    out.print_json(json.dumps(summary, ensure_ascii=False))


@app.command()
def generate(
    tier: Annotated[str, typer.Option(help="subdistrict, district or city.")] = "subdistrict",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    weeks: Annotated[int | None, typer.Option(help="Season weeks (tier default).")] = None,
    output: Annotated[Path, typer.Option("--out", help="Scenario YAML to write.")] = Path(
        "scenario.yaml"
    ),
) -> None:
    """Generate a seeded scenario of a scale tier."""
    try:
        s = generate_scenario(tier, seed, weeks)
    except ValueError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    write_scenario(s, output, header=f"Generated by cultplan generate --tier {tier} --seed {seed}")
    out.print(
        f"wrote {output}: {len(s.committees)} committees, {len(s.resource_units)} resource "
        f"units, {len(s.demand)} demand lines, {s.season.weeks} weeks",
        markup=False,
    )


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format."""
    sys.stdout.write(scenario_schema() + "\n")


def kpi_report(s: Scenario, result: Result) -> tuple[dict[str, Any], Kpis]:
    """The ``kpis.json`` content (solve figures, KPIs, goal terms and the baseline's
    KPIs) and the plan's full KPIs."""
    assert result.plan is not None
    kpis_ = compute_kpis(s, result.plan)
    report: dict[str, Any] = {
        "scenario": s.name,
        "status": result.status.value,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "wall_seconds": round(result.wall_seconds, 3),
        **kpis_.to_dict(),
        "terms": result.term_points(),
        "stats": result.stats,
        "baseline": compute_kpis(s, plan_baseline(s)).to_dict(),
    }
    return report, kpis_


def _solve_with_progress(run_solve: Any, s: Scenario, params: SolveParams, quiet: bool) -> Result:
    if quiet:
        return run_solve(s, params)
    state: dict[str, Any] = {}
    with Progress(
        TextColumn("[bold]{task.fields[stage]}"),
        BarColumn(),
        TimeElapsedColumn(),
        TextColumn("best {task.fields[best]}  gap {task.fields[gap]}"),
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task("solve", total=params.time_limit, stage="building", best="-", gap="-")

        def report(p: SolveProgress) -> None:
            best = "-" if p.objective is None else f"{p.objective:,.1f}"
            if p.stage == "fairness" and p.objective is not None:
                best = f"min coverage {p.objective:.2f}%"
            gap = "-" if p.gap is None else f"{100 * p.gap:.2f}%"
            bar.update(task, stage=p.stage, best=best, gap=gap)

        def work() -> None:
            state["result"] = run_solve(s, replace(params, progress=report))

        thread = threading.Thread(target=work, daemon=True)
        started = time.perf_counter()
        thread.start()
        while thread.is_alive():
            bar.update(task, completed=min(params.time_limit, time.perf_counter() - started))
            thread.join(0.1)
        bar.update(task, completed=params.time_limit, stage="done")
    return state["result"]


def _print_summary(s: Scenario, result: Result, report: dict[str, Any]) -> None:
    base = report["baseline"]
    table = Table(title=f"{s.name}: {result.status.value}, gap {100 * (result.gap or 0):.2f}%")
    table.add_column("KPI")
    table.add_column("optimised", justify="right")
    table.add_column("baseline", justify="right")
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
        table.add_row(label, fmt.format(report[key]), fmt.format(base[key]))
    out.print(table)
    out.print(
        f"worst served: {report['worst_committee_name']} ({report['worst_committee']}); "
        f"objective {result.objective:,.1f}, bound {result.best_bound:,.1f}, "
        f"{result.wall_seconds:.2f} s",
        markup=False,
    )


def _write_outputs(
    out_dir: Path, s: Scenario, plan: Plan, report: dict[str, Any], kpis_: Kpis
) -> None:
    """Write every output into a fresh folder, then move it in place (all or nothing)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cultplan-", dir=out_dir.parent))
    try:
        write_deliveries(plan, s, staging / "deliveries.csv")
        (staging / "kpis.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
        kpis_.by_committee.to_csv(staging / "coverage.csv", index=False, encoding="utf-8-sig")
        kpis_.unmet.to_csv(staging / "unmet.csv", index=False, encoding="utf-8-sig")
        kpis_.utilisation.to_csv(staging / "utilisation.csv", index=False, encoding="utf-8-sig")
        (staging / "calendars").mkdir()
        write_calendars(s, plan, staging / "calendars")
        out_dir.mkdir(exist_ok=True)
        for item in staging.iterdir():
            target = out_dir / item.name
            if target.is_dir():
                shutil.rmtree(target)
            item.replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _read_plan(path: Path, s: Scenario) -> Plan:
    try:
        return read_deliveries(path, s)
    except ScenarioError as exc:
        err.print(exc.report(), markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None
