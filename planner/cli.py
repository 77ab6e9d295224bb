"""The ``cultplan`` command line.

It speaks Simplified Chinese unless ``--lang en`` or ``CULTPLAN_LANG=en`` chooses
English (:mod:`planner.cli_language`); ``cultplan --version`` names the versions of
cultplan, OR-Tools and Python.

Exit codes: 0 a plan (optimal or feasible, also the best plan so far after a Ctrl-C) or
success, 1 an unexpected error (a bug; one line on stderr, no traceback unless
``CULTPLAN_TRACEBACK=1``), 2 invalid input or options (an unknown language, an option
value out of range, an output that exists; nothing written), 3 infeasible (the reason
printed), 4 no plan within the time limit (also when building the model alone takes
longer), 5 the solve's plan breaks a hard rule (a bug; nothing written), 6 the output
folder could not be written, 130 a second Ctrl-C abandoned the solve (the first stops
the search and keeps, checks, prints and writes the best plan so far, exit 0). A reader
of the output that stops early (``cultplan solve … | head -1``) loses the rest of the
printout but not the output folder, and the exit code stays that of the command.

Longer than most modules (about 440 lines): it holds every command's options and the
order of its steps, while the work lives in ``cli_*`` modules (language, progress,
summary, support, report, init). The scenario commands (``kpis``, ``generate``,
``schema``) are the part to move out first when it grows.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from planner import cli_report, wording
from planner.baseline import plan_baseline, plan_baselines
from planner.cli_language import LANG_OPTION, CultplanApp, unknown_language_text, versions
from planner.cli_progress import solve_with_progress
from planner.cli_summary import print_committees, print_summary
from planner.cli_support import (
    MAX_SEED,
    PERCENT,
    PipeConsole,
    cluster_start_text,
    no_traceback,
    out_file_problem,
    out_folder_problem,
    parts_option_problems,
    report_reserve,
    solve_option_problems,
)
from planner.generate import generate as generate_scenario
from planner.generate.tiers import TIERS
from planner.i18n import N_, UnknownLanguageError, _, set_language
from planner.io import read_scenario, scenario_schema, write_scenario
from planner.io.edits import EditedPlanError
from planner.io.output import output_files, write_output_folder
from planner.kpis import compute_kpis
from planner.network import Distances
from planner.params import SolveParams, decompose_value
from planner.plan import Plan
from planner.report import (
    baselines_report,
    kpis_of_baselines,
    levels_report,
    run_settings,
    solve_report,
)
from planner.result import Result, SolveStatus, StopReason
from planner.scenario import Scenario, ScenarioError
from planner.validate import check_plan

EXIT_INVALID = 2
EXIT_INFEASIBLE = 3
EXIT_NO_PLAN = 4
#: The plan a solve returned breaks a hard rule: a bug; nothing is written.
EXIT_BROKEN_PLAN = 5
EXIT_WRITE_FAILED = 6
#: Exit code after a second Ctrl-C, which abandons the solve (the shell's 128 + SIGINT).
EXIT_INTERRUPTED = 130
#: Seconds within which a repeated SIGINT counts as the same Ctrl-C.
SIGINT_REPEAT_SECONDS = 0.5

#: The solve options' defaults are the library's (one set of defaults).
_DEFAULTS = SolveParams()

# Help texts are marked with N_ and translated by the entry point once the language is
# known (planner.cli_language.translate_help).
app = CultplanApp(
    help=N_("Plan a season of cultural deliveries to residents' committees."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# soft_wrap: one problem stays on one line (FILE:LINE: place: message), for grep and
# editors, whatever the terminal width.
out = PipeConsole(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

ScenarioArg = Annotated[
    Path,
    typer.Argument(help=N_("Scenario YAML file."), metavar=N_("SCENARIO"), show_default=False),
]


def _show_version(wanted: bool) -> None:
    if wanted:
        out.print(", ".join(f"{name} {v}" for name, v in versions().items()), markup=False)
        raise typer.Exit(0)


@app.callback()
def main(
    lang: Annotated[
        str | None,
        typer.Option(
            LANG_OPTION,
            help=N_("Language of every text: zh_CN (default) or en; or set CULTPLAN_LANG."),
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help=N_("Print the versions of cultplan, OR-Tools and Python, and exit."),
            is_eager=True,
            callback=_show_version,
        ),
    ] = False,
) -> None:
    """Plan a season of cultural deliveries to residents' committees."""
    # The entry point has chosen the language already (before any help was rendered);
    # this keeps --lang working where the group runs without it (Typer's test runner).
    if lang is not None:
        try:
            set_language(lang)
        except UnknownLanguageError as exc:
            err.print(unknown_language_text(exc, from_option=True), markup=False)
            raise typer.Exit(EXIT_INVALID) from None


def _load(path: Path) -> Scenario:
    try:
        return read_scenario(path)
    except ScenarioError as exc:
        err.print(exc.report(), markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None


@app.command(help=N_("Check a scenario (and optionally a plan) and report every problem."))
@no_traceback
def validate(
    scenario: ScenarioArg,
    plan: Annotated[
        Path | None, typer.Option(help=N_("Also check this deliveries.csv against the rules."))
    ] = None,
) -> None:
    """Check a scenario (and optionally a plan) and report every problem."""
    s = _load(scenario)
    out.print(
        _(
            "{path}: valid scenario '{name}': {committees} committees, {units} resource "
            "units, {lines} demand lines, {weeks} weeks"
        ).format(
            path=scenario,
            name=s.name,
            committees=len(s.committees),
            units=len(s.resource_units),
            lines=len(s.demand),
            weeks=s.season.weeks,
        ),
        markup=False,
    )
    if plan is None:
        return
    plan_file = cli_report.read_plan(plan, s, err)
    p = plan_file.plan
    violations = check_plan(s, p)
    if violations:
        # Each with the file's rows of the deliveries involved, as report says it.
        cli_report.print_violations(plan, violations, plan_file, err)
        raise typer.Exit(EXIT_INVALID)
    out.print(
        _("{path}: {count} deliveries keep every hard rule").format(path=plan, count=len(p)),
        markup=False,
    )


@contextmanager
def _solver(
    s: Scenario,
    params: SolveParams,
    dask_workers: int | None,
    scheduler: str | None,
    quiet: bool = False,
) -> Iterator[Callable[..., Result]]:
    """The solve to run: :func:`planner.decompose.solve`, its parts on a Dask cluster
    when one is asked for and the scenario is split (the cluster ends with the block).

    Starting a cluster or reaching a scheduler takes seconds of the time limit before
    the progress line appears; unless ``quiet``, a line says so first.
    """
    from planner.decompose import should_split, solve_by_parts, whole_reason
    from planner.decompose import solve as run_solve

    if (reason := whole_reason(s, params)) is not None:  # a scenario that cannot be split
        err.print(_(reason).format(setting="--decompose yes"), markup=False)
    if dask_workers is None and scheduler is None:
        yield run_solve
        return
    if not should_split(s, params):
        err.print(
            _(
                "the scenario is solved whole (not subdistrict by subdistrict), so "
                "--dask-workers and --scheduler are not used"
            ),
            markup=False,
        )
        yield run_solve
        return
    from planner.sweep.parts import DaskUnavailable, dask_parts

    if not quiet:
        err.print(cluster_start_text(scheduler, dask_workers), markup=False, highlight=False)
    with ExitStack() as stack:
        try:
            runner, slots = stack.enter_context(
                dask_parts(scheduler=scheduler, n_workers=dask_workers)
            )
        except DaskUnavailable as error:
            err.print(
                _("cannot use the Dask cluster {address}: {reason}").format(
                    address=scheduler or "LocalCluster", reason=error.reason
                ),
                markup=False,
                highlight=False,
            )
            raise typer.Exit(EXIT_INVALID) from None
        yield functools.partial(solve_by_parts, runner=runner, slots=slots)


@app.command(
    short_help=N_("Solve a scenario, print its KPIs beside the baselines, and write the outputs."),
    help=N_(
        "Solve a scenario, print its KPIs beside the baselines, and write the outputs. "
        "Ctrl-C stops the search and keeps the best plan found so far (checked, printed "
        "and written like any other, exit 0); a second Ctrl-C abandons the solve (exit 130)."
    ),
)
@no_traceback
def solve(
    scenario: ScenarioArg,
    time_limit: Annotated[
        float,
        typer.Option(help=N_("Seconds for the whole command (reading to writing), up to a day.")),
    ] = _DEFAULTS.time_limit,
    seed: Annotated[int, typer.Option(help=N_("CP-SAT random seed (0 or more)."))] = _DEFAULTS.seed,
    workers: Annotated[
        int, typer.Option(help=N_("CP-SAT workers, 1 to 64 (1 is deterministic)."))
    ] = _DEFAULTS.workers,
    gap: Annotated[
        float,
        typer.Option(
            parser=PERCENT,
            help=N_(
                "Stop once the plan is within this PERCENTAGE of the best possible plan "
                "(0.5 means 0.5 %; 0 asks for a proven optimal plan)."
            ),
        ),
    ] = 100 * _DEFAULTS.relative_gap,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help=N_("Write the plan, KPIs and calendars into this folder (not a file)."),
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option(help=N_("No progress line."))] = False,
    force: Annotated[
        bool,
        typer.Option(help=N_("Replace a deliveries.csv in --out edited since it was written.")),
    ] = False,
    decompose: Annotated[
        str,
        typer.Option(
            metavar="auto|yes|no",
            help=N_(
                "Solve a scenario of several subdistricts one subdistrict at a time: auto "
                "(when it is large), yes or no."
            ),
        ),
    ] = _DEFAULTS.decompose,
    dask_workers: Annotated[
        int | None,
        typer.Option(
            help=N_(
                "Solve the subdistricts side by side on a local Dask cluster of this many "
                "worker processes."
            )
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help=N_(
                "Solve the subdistricts side by side on the Dask cluster of this scheduler "
                "(tcp://HOST:8786)."
            )
        ),
    ] = None,
) -> None:
    """Solve a scenario, print its KPIs beside the baselines, and write the outputs.

    Ctrl-C stops the search and keeps the best plan found so far (printed and
    written like any other); a second Ctrl-C abandons the solve. (Longer than most
    functions: every step from reading to writing and the exit code of each failure
    sit in one place, in the order they happen.)
    """
    # The time limit counts from the start of the command: loading the solver,
    # reading, building, the baseline, the search, the report and the files. (Python's
    # own start and the command line's imports, 1-2 s, come before.)
    started = time.perf_counter()
    problems = solve_option_problems(time_limit, seed, workers, gap)
    decompose = decompose_value(decompose)  # YES, Auto: as meant
    problems += parts_option_problems(decompose, dask_workers, scheduler)
    if out_dir is not None and (taken := out_folder_problem(out_dir)):
        problems.append(taken)
    if problems:
        for problem in problems:
            err.print(problem, markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID)
    params = SolveParams(
        time_limit=time_limit,
        seed=seed,
        workers=workers,
        relative_gap=gap / 100,
        decompose=decompose,
    )

    s = _load(scenario)
    read_seconds = time.perf_counter() - started
    if not force:
        cli_report.refuse_edited_plan(out_dir)  # before the search, not after it
    # Reading is behind us; the report and the files after the search get a reserve.
    reserve = report_reserve(s, read_seconds, out_dir is not None, time_limit)
    deadline = started + time_limit - reserve
    stop = threading.Event()
    # From here until the outputs are written, Ctrl-C asks for the best plan so far
    # (it sets the stop event) instead of ending the command half-way.
    with _first_ctrl_c_stops(stop), _solver(s, params, dask_workers, scheduler, quiet) as run_solve:
        result = solve_with_progress(run_solve, s, params, quiet, stop, err, deadline)
        _say_if_not_split(s, params, result)
        if result.status == SolveStatus.INFEASIBLE:
            err.print(
                _("infeasible: {reason}").format(reason=result.message),
                markup=False,
                highlight=False,
            )
            raise typer.Exit(EXIT_INFEASIBLE)
        if not result.status.has_plan or result.plan is None:
            text = result.message
            if result.model_size is None and result.stop_reason == StopReason.TIME_LIMIT:
                # What else took the time: reading, and the report's reserve.
                text += _(
                    " (reading the scenario took {read} s; {reserve} s are kept for the "
                    "report and the files)"
                ).format(read=f"{read_seconds:.1f}", reserve=f"{reserve:.1f}")
            err.print(_("no plan: {reason}").format(reason=text), markup=False)
            raise typer.Exit(EXIT_NO_PLAN)
        distances = Distances(s)
        # Planned once per scenario: the solve planned them, unless it split by weeks.
        baselines = plan_baselines(s, None, distances)
        both_kpis = kpis_of_baselines(s, baselines, distances)
        base_kpis = both_kpis["spreadsheet"]
        plan_kpis = compute_kpis(s, result.plan, distances, baseline=base_kpis)
        run = run_settings(params, scenario)
        if result.parts:  # solved subdistrict by subdistrict: where the parts ran
            run["parts_on"] = (
                scheduler
                if scheduler is not None
                else (f"LocalCluster({dask_workers})" if dask_workers is not None else "in turn")
            )
        report = solve_report(
            s,
            result,
            plan_kpis,
            base_kpis,
            run=run,
            baselines=baselines,
            baselines_kpis=both_kpis,
            distances=distances,
        )
        if report["violations"]:
            count = len(report["violations"])
            err.print(
                _("bug: the plan found breaks {count} hard rule(s); nothing written").format(
                    count=count
                ),
                markup=False,
            )
            for v in report["violations"]:
                err.print(f"  {v}", markup=False, highlight=False)
            raise typer.Exit(EXIT_BROKEN_PLAN)
        print_summary(out, s, result, report, plan_kpis, both_kpis)
        print_committees(out, plan_kpis)
        if out_dir is not None:
            try:
                write_output_folder(
                    out_dir, s, result.plan, report, plan_kpis, keep_edited=not force
                )
            except EditedPlanError as exc:  # edited while the solve ran
                err.print(cli_report.edited_text(exc), markup=False, highlight=False)
                raise typer.Exit(EXIT_INVALID) from None
            except OSError as exc:
                err.print(
                    _("--out {path}: could not write: {error}").format(path=out_dir, error=exc),
                    markup=False,
                )
                raise typer.Exit(EXIT_WRITE_FAILED) from None
            out.print(
                _("wrote {path}/ ({files})").format(path=out_dir, files=", ".join(output_files(s))),
                markup=False,
            )


def _say_if_not_split(s: Scenario, params: SolveParams, result: Result) -> None:
    """Say so when ``--decompose yes`` on a scenario that can be split was solved whole
    after all: the fallback broke a pin, or pins of two subdistricts need a shared unit
    in the same weeks (the whole model then names the conflict). A scenario that cannot
    be split was said before the solve (:func:`_solver`)."""
    from planner.decompose import whole_reason

    if whole_reason(s, params, result) == wording.PINS_SOLVED_WHOLE:
        err.print(_(wording.PINS_SOLVED_WHOLE).format(setting="--decompose yes"), markup=False)


@contextmanager
def _first_ctrl_c_stops(stop: threading.Event) -> Iterator[None]:
    """Within the block, the first Ctrl-C sets ``stop``; a second one exits with 130.

    The handler runs in the main thread between bytecodes, so it never interrupts the
    writing of a file half-way: a Ctrl-C while the outputs are written only sets the
    (by then unused) stop event. A second Ctrl-C within SIGINT_REPEAT_SECONDS counts as
    the same press: ``timeout -s INT`` and some terminals deliver one interrupt twice
    (to the process and to its group). A later one leaves at once with ``os._exit``,
    because a solve thread may still be inside CP-SAT, whose threads end the process
    with SIGABRT when the interpreter shuts down around them.
    """
    first: list[float] = []

    def on_sigint(signum: int, frame: object) -> None:
        now = time.monotonic()
        if not first:
            first.append(now)
            stop.set()
            err.print(_("stopping: keeping the best plan found so far"), markup=False)
        elif now - first[0] > SIGINT_REPEAT_SECONDS:
            err.print(_("abandoned"), markup=False)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@app.command(help=N_("Print the KPIs of a plan (for example one edited by hand) as JSON."))
@no_traceback
def kpis(
    scenario: ScenarioArg,
    plan: Annotated[
        Path, typer.Argument(help=N_("A deliveries.csv to evaluate."), metavar=N_("PLAN"))
    ],
) -> None:
    """Print the KPIs of a plan (for example one edited by hand) as JSON."""
    s = _load(scenario)
    p = _read_plan(plan, s)
    plan_kpis = compute_kpis(s, p)
    summary = plan_kpis.to_dict()
    if s.has_levels:
        summary["levels"] = levels_report(s, p, plan_kpis)
    summary["violations"] = [str(v) for v in check_plan(s, p)]
    summary["baseline"] = compute_kpis(s, plan_baseline(s)).to_dict()
    summary["baselines"] = baselines_report(s)
    out.print_json(json.dumps(summary, ensure_ascii=False))


@app.command(
    help=N_(
        "Generate a seeded scenario of a scale tier (an existing file is kept unless "
        "--force is given)."
    )
)
@no_traceback
def generate(
    tier: Annotated[
        str, typer.Option(help=N_("Scale tier: subdistrict, district or city."))
    ] = "subdistrict",
    seed: Annotated[int, typer.Option(help=N_("Random seed."))] = 1,
    weeks: Annotated[
        int | None, typer.Option(help=N_("Season weeks (the tier's default if not given)."))
    ] = None,
    output: Annotated[Path, typer.Option("--out", help=N_("Scenario YAML file to write."))] = Path(
        "scenario.yaml"
    ),
    force: Annotated[bool, typer.Option(help=N_("Write over an existing file."))] = False,
) -> None:
    """Generate a seeded scenario of a scale tier (never over an existing file without
    ``--force``)."""
    if problem := out_file_problem(output, force):
        err.print(problem, markup=False)
        raise typer.Exit(EXIT_INVALID)
    if not 0 <= seed <= MAX_SEED:  # as solve: CP-SAT's seeds, and one scenario per seed
        text = _("--seed {value}: give a whole number from 0 to {most}")
        err.print(text.format(value=seed, most=MAX_SEED), markup=False)
        raise typer.Exit(EXIT_INVALID)
    try:
        s = generate_scenario(tier, seed, weeks)
    except ValueError as exc:
        # The generator's reason, led by the option it is about (as solve's problems).
        option = f"--tier {tier}" if tier not in TIERS else f"--weeks {weeks}"
        err.print(_("{option}: {reason}").format(option=option, reason=exc), markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    # Every option that changes the file, so that the header's command reproduces it:
    # the weeks too when the tier's default gave them (a default may change).
    command = f"cultplan generate --tier {tier} --seed {seed} --weeks {s.season.weeks}"
    write_scenario(s, output, header=f"Generated by {command}")
    out.print(
        _(
            "wrote {path}: {committees} committees, {units} resource units, {lines} demand "
            "lines, {weeks} weeks"
        ).format(
            path=output,
            committees=len(s.committees),
            units=len(s.resource_units),
            lines=len(s.demand),
            weeks=s.season.weeks,
        ),
        markup=False,
    )


@app.command(help=N_("Print the JSON Schema of the scenario format."))
@no_traceback
def schema() -> None:
    """Print the JSON Schema of the scenario format."""
    sys.stdout.write(scenario_schema() + "\n")


def _read_plan(path: Path, s: Scenario) -> Plan:
    return cli_report.read_plan(path, s, err).plan


# The hand-edit loop: rebuild every output from an edited plan (planner/cli_report.py).
app.command(
    name="report",
    short_help=N_("Rebuild every output (KPIs, tables, calendars) from a plan edited by hand."),
    help=N_(
        "Rebuild every output (KPIs, tables, calendars) from a plan edited by hand. The plan "
        "is checked first: a plan that cannot be read or breaks a hard rule exits 2 and "
        "writes nothing."
    ),
)(no_traceback(cli_report.report))

# `cultplan init` lives in its own module; registered here, after the other commands.
from planner.cli_init import init as _init  # noqa: E402

app.command(
    name="init",
    help=N_("Write a small, commented starter scenario that validates and solves."),
)(no_traceback(_init))

# Many solves (planner/cli_sweep.py): what-if sweeps on Dask, and robust plans.
from planner import cli_sweep as _cli_sweep  # noqa: E402

app.command(
    name="sweep",
    help=N_(
        "Solve every variant of a sweep file (on Dask workers, or one by one with --local) "
        "and write the table of variants and KPIs."
    ),
)(no_traceback(_cli_sweep.sweep))
app.command(
    name="robust",
    help=N_(
        "Evaluate a plan beside both baselines over sampled seasons of uncertain demand "
        "(expected and worst-decile coverage); --optimise N chooses the most robust of "
        "N candidate plans."
    ),
)(no_traceback(_cli_sweep.robust))
