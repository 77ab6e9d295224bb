"""``cultplan sweep`` and ``cultplan robust`` (registered in planner/cli.py).

``sweep`` solves every variant of a sweep file on Dask workers (a local cluster of
worker processes, or a running cluster by its scheduler address) or one by one
(``--local``), says after each one how far it is, and writes the table of variants and
KPIs (``sweep.csv``, ``sweep.json``) and each variant's ``deliveries.csv``. ``robust``
evaluates a plan beside both baselines over sampled seasons of uncertain demand and, with
``--optimise N``, makes candidate plans and chooses the one with the best worst decile.
Exit codes as the other commands: 0 done, 2 invalid input, 5 a plan broke a hard rule
(a bug).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from planner.baseline import plan_baselines
from planner.cli_report import read_plan
from planner.i18n import N_, _
from planner.io import read_scenario
from planner.io.deliveries_csv import write_deliveries
from planner.io.scenario_yaml import scenario_from_dict
from planner.params import SolveParams
from planner.plan import Plan
from planner.robust import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    Candidate,
    Uncertainty,
    compare_plans,
    most_robust,
    read_uncertainty,
    robust_candidates,
)
from planner.scenario import Scenario, ScenarioError
from planner.sweep import VariantResult, read_spec, run_sweep, write_table

#: Exit codes (as planner.cli's).
EXIT_INVALID = 2
EXIT_BROKEN_PLAN = 5

_out = Console(soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)


def _fail(error: ScenarioError) -> typer.Exit:
    _err.print(error.report(), markup=False, highlight=False)
    return typer.Exit(EXIT_INVALID)


def _pct(value: object) -> str:
    return "—" if not isinstance(value, int | float) else f"{100 * value:.1f}%"


def sweep(
    spec: Annotated[
        Path, typer.Argument(help=N_("Sweep YAML file."), metavar=N_("SPEC"), show_default=False)
    ],
    output: Annotated[
        Path, typer.Option("--out", help=N_("Folder for the table and the plans."))
    ] = Path("sweep-out"),
    scheduler: Annotated[
        str | None,
        typer.Option(
            help=N_("Address of a running Dask scheduler (tcp://HOST:8786)."),
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help=N_("Worker processes of the local Dask cluster (default: one per core)."),
            min=1,
            max=64,
            show_default=False,
        ),
    ] = None,
    local: Annotated[
        bool, typer.Option(help=N_("Solve one variant after another, without Dask."))
    ] = False,
) -> None:
    """Solve every variant of a sweep file and write the table of variants and KPIs."""
    if output.exists() and not output.is_dir():
        _err.print(_("{path}: is a file; name a folder").format(path=output), markup=False)
        raise typer.Exit(EXIT_INVALID)
    try:
        s = read_spec(spec)
    except ScenarioError as exc:
        raise _fail(exc) from None
    n = len(s.variants)
    where = (
        _("one after another")
        if local
        else (scheduler or _("a local Dask cluster of {n} worker processes").format(n=workers))
        if workers or scheduler
        else _("a local Dask cluster")
    )
    _err.print(
        _("{n} variants of {base}, solved on {where}").format(n=n, base=s.base, where=where),
        markup=False,
    )

    def done(k: int, total: int, r: VariantResult) -> None:
        text = _("variant {k}/{n} done: {name}, coverage {coverage}, {status}").format(
            k=k,
            n=total,
            name=r.name,
            coverage=_pct(r.kpis.get("coverage")),
            status=r.message or r.status,
        )
        _err.print(text, markup=False, highlight=False)

    results = run_sweep(s, scheduler=scheduler, n_workers=workers, on_done=done, local=local)
    scenarios = {v.index: scenario_from_dict(v.data, v.name) for v in s.variants}
    write_table(results, output, scenarios)
    _print_sweep(results)
    _out.print(_("wrote {path}").format(path=output / "sweep.csv"), markup=False)
    if any(r.violations for r in results):
        bad = ", ".join(r.name for r in results if r.violations)
        _err.print(_("a plan breaks a hard rule (a bug): {names}").format(names=bad), markup=False)
        raise typer.Exit(EXIT_BROKEN_PLAN)


def _print_sweep(results: list[VariantResult]) -> None:
    head = [
        _("variant"),
        _("status"),
        _("objective"),
        _("gap"),
        _("coverage"),
        _("min coverage"),
        _("Jain"),
        _("Gini"),
        _("valid"),
    ]
    _out.print("\t".join(head), markup=False)
    for r in results:
        k = r.kpis
        row = [
            r.name,
            r.status,
            "—" if r.objective is None else f"{r.objective:,.1f}",
            "—" if r.gap is None else f"{100 * r.gap:.2f}%",
            _pct(k.get("coverage")),
            _pct(k.get("min_coverage")),
            "—" if k.get("jain_index") is None else f"{k['jain_index']:.3f}",
            "—" if k.get("gini") is None else f"{k['gini']:.3f}",
            _("yes") if r.validated else _("no"),
        ]
        _out.print("\t".join(row), markup=False, highlight=False)


def robust(
    scenario: Annotated[
        Path,
        typer.Argument(help=N_("Scenario YAML file."), metavar=N_("SCENARIO"), show_default=False),
    ],
    plan: Annotated[
        Path, typer.Argument(help=N_("A deliveries.csv to evaluate."), metavar=N_("PLAN"))
    ],
    samples: Annotated[
        int, typer.Option(help=N_("Sampled seasons."), min=10, max=1_000_000)
    ] = DEFAULT_SAMPLES,
    seed: Annotated[int, typer.Option(help=N_("Random seed."), min=0)] = DEFAULT_SEED,
    uncertainty: Annotated[
        Path | None,
        typer.Option(
            help=N_("Uncertainty YAML file (demand_cv, no_show; per product and per line)."),
            show_default=False,
        ),
    ] = None,
    optimise: Annotated[
        int,
        typer.Option(
            help=N_("Also solve this many sampled-demand candidates and choose the most robust."),
            min=0,
            max=100,
        ),
    ] = 0,
    time_limit: Annotated[
        float,
        typer.Option(help=N_("Seconds for each candidate's solve."), min=0.1, max=86_400),
    ] = 10.0,
    output: Annotated[
        Path | None,
        typer.Option(
            "--out", help=N_("Write the chosen plan here (deliveries.csv)."), show_default=False
        ),
    ] = None,
) -> None:
    """Evaluate a plan beside both baselines over sampled seasons of uncertain demand."""
    try:
        s = read_scenario(scenario)
        u = read_uncertainty(uncertainty, s) if uncertainty is not None else Uncertainty()
    except ScenarioError as exc:
        raise _fail(exc) from None
    given = read_plan(plan, s, _err).plan
    plans = {_("this plan"): given, **_baseline_plans(s)}
    if optimise:

        def say(name: str) -> None:
            _err.print(_("making candidate plan {name}…").format(name=name), markup=False)

        params = SolveParams(time_limit=time_limit, seed=seed)
        plans.update(
            robust_candidates(
                s, samples=optimise, seed=seed, uncertainty=u, params=params, on_candidate=say
            )
        )
    rows = compare_plans(s, plans, samples=samples, seed=seed, uncertainty=u)
    _print_robust(rows, samples, seed)
    if optimise or output is not None:
        best = most_robust(rows)
        _out.print(
            _("most robust plan: {name} (worst decile {cvar}, expected {mean})").format(
                name=best.name,
                cvar=_pct(best.kpis.worst_decile_coverage),
                mean=_pct(best.kpis.expected_coverage),
            ),
            markup=False,
        )
        if output is not None:
            write_deliveries(best.plan, s, output)
            _out.print(_("wrote {path}").format(path=output), markup=False)


def _baseline_plans(s: Scenario) -> dict[str, Plan]:
    plans = plan_baselines(s).plans
    return {_("spreadsheet"): plans["spreadsheet"], _("greedy"): plans["greedy"]}


def _print_robust(rows: list[Candidate], samples: int, seed: int) -> None:
    _out.print(
        _("{samples} sampled seasons, seed {seed}").format(samples=samples, seed=seed),
        markup=False,
    )
    head = [
        _("plan"),
        _("stated coverage"),
        _("expected coverage"),
        _("worst decile (CVaR 10%)"),
        _("expected min coverage"),
        _("valid"),
    ]
    _out.print("\t".join(head), markup=False)
    for c in rows:
        k = c.kpis
        row = [
            c.name,
            _pct(k.nominal_coverage),
            _pct(k.expected_coverage),
            _pct(k.worst_decile_coverage),
            _pct(k.expected_min_coverage),
            _("yes") if c.violations == 0 else _("no"),
        ]
        _out.print("\t".join(row), markup=False, highlight=False)
