"""The ``cultplan`` command line.

Exit codes: 0 a plan (optimal or feasible) or success, 1 an unexpected error (a bug;
one line on stderr, no traceback unless ``CULTPLAN_TRACEBACK=1``), 2 invalid input
(nothing written), 3 infeasible (the reason printed), 4 no plan within the time limit
(also when building the model alone takes longer), 5 the solve's plan breaks a hard
rule (a bug; nothing written), 6 the output folder could not be written, 130 a second
Ctrl-C abandoned the solve.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from planner import cli_report
from planner.baseline import plan_baseline
from planner.cli_summary import print_committees, print_summary
from planner.cli_support import no_traceback, report_reserve
from planner.generate import generate as generate_scenario
from planner.io import read_scenario, scenario_schema, write_scenario
from planner.io.edits import EditedPlanError
from planner.io.output import OUTPUT_FILES, write_output_folder
from planner.kpis import compute_kpis
from planner.network import Distances
from planner.params import Progress as SolveProgress
from planner.params import SolveParams
from planner.plan import Plan
from planner.report import baselines_report, run_settings, solve_report
from planner.result import Result, SolveStatus, StopReason
from planner.scenario import Scenario, ScenarioError
from planner.scenario.messages import message
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
@no_traceback
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
    plan_file = cli_report.read_plan(plan, s, err)
    p = plan_file.plan
    violations = check_plan(s, p)
    if violations:
        err.print(f"{plan}: {len(violations)} broken rule(s)", markup=False)
        # Each with the file's rows of the deliveries involved.
        for line in cli_report.violation_lines(violations, plan_file):
            err.print(f"  {line}", markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID)
    out.print(f"{plan}: {len(p)} deliveries keep every hard rule", markup=False)


@app.command()
@no_traceback
def solve(
    scenario: ScenarioArg,
    time_limit: Annotated[
        float, typer.Option(help="Seconds for the whole command (reading to writing).")
    ] = 30.0,
    seed: Annotated[int, typer.Option(help="CP-SAT random seed.")] = 0,
    workers: Annotated[int, typer.Option(help="CP-SAT workers (1 is deterministic).")] = 2,
    gap: Annotated[float, typer.Option(help="Stop at this relative gap.")] = 0.005,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write the plan, KPIs and calendars here.")
    ] = None,
    quiet: Annotated[bool, typer.Option(help="No progress bar.")] = False,
    force: Annotated[
        bool, typer.Option(help="Replace a deliveries.csv in --out edited since it was written.")
    ] = False,
) -> None:
    """Solve a scenario, print its KPIs beside the baseline, and write the outputs.

    Ctrl-C stops the search and keeps the best plan found so far (printed and
    written like any other); a second Ctrl-C abandons the solve. (Longer than most
    functions: every step from reading to writing and the exit code of each failure
    sit in one place, in the order they happen.)
    """
    # The time limit counts from the start of the command: loading the solver,
    # reading, building, the baseline, the search, the report and the files. (Python's
    # own start and the command line's imports, 1-2 s, come before.)
    started = time.perf_counter()
    from planner.solver import solve as run_solve

    s = _load(scenario)
    read_seconds = time.perf_counter() - started
    try:
        params = SolveParams.from_dict(
            {"time_limit": time_limit, "seed": seed, "workers": workers, "relative_gap": gap},
            "cultplan solve",
        )
    except ValueError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(EXIT_INVALID) from None
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        err.print(message("out_exists", path=out_dir), markup=False)
        raise typer.Exit(EXIT_INVALID)
    blocking = _file_above(out_dir)
    if out_dir is not None and blocking is not None:
        err.print(message("out_under_file", path=out_dir, file=blocking), markup=False)
        raise typer.Exit(EXIT_INVALID)
    if not force:
        cli_report.refuse_edited_plan(out_dir)  # before the search, not after it
    # Reading is behind us; the report and the files after the search get a reserve.
    reserve = report_reserve(s, read_seconds, out_dir is not None)
    deadline = started + time_limit - reserve
    stop = threading.Event()
    # From here until the outputs are written, Ctrl-C asks for the best plan so far
    # (it sets the stop event) instead of ending the command half-way.
    with _first_ctrl_c_stops(stop):
        result = _solve_with_progress(run_solve, s, params, quiet, stop, deadline)
        if result.status == SolveStatus.INFEASIBLE:
            err.print(f"infeasible: {result.message}", markup=False, highlight=False)
            raise typer.Exit(EXIT_INFEASIBLE)
        if not result.status.has_plan or result.plan is None:
            text = result.message
            if result.model_size is None and result.stop_reason == StopReason.TIME_LIMIT:
                # What else took the time: reading, and the report's reserve.
                text += (
                    f" (reading the scenario took {read_seconds:.1f} s; "
                    f"{reserve:.1f} s are kept for the report and the files)"
                )
            err.print(f"{result.status.value}: {text}", markup=False)
            raise typer.Exit(EXIT_NO_PLAN)
        distances = Distances(s)
        baseline = plan_baseline(s)  # planned once per scenario; the solve planned it
        base_kpis = compute_kpis(s, baseline, distances, reasons=False)
        plan_kpis = compute_kpis(s, result.plan, distances, baseline=base_kpis)
        report = solve_report(s, result, plan_kpis, base_kpis, run=run_settings(params, scenario))
        if report["violations"]:
            err.print(
                f"bug: the plan found breaks {len(report['violations'])} hard rule(s); "
                "nothing written",
                markup=False,
            )
            for v in report["violations"]:
                err.print(f"  {v}", markup=False, highlight=False)
            raise typer.Exit(EXIT_BROKEN_PLAN)
        print_summary(out, s, result, report)
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
                err.print(f"--out {out_dir}: could not write: {exc}", markup=False)
                raise typer.Exit(EXIT_WRITE_FAILED) from None
            out.print(f"wrote {out_dir}/ ({', '.join(OUTPUT_FILES)})", markup=False)


def _file_above(out_dir: Path | None) -> Path | None:
    """The file among ``out_dir``'s ancestors that would stop it being made, if any."""
    if out_dir is None:
        return None
    for parent in out_dir.absolute().parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


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
            err.print("stopping: keeping the best plan found so far", markup=False)
        elif now - first[0] > SIGINT_REPEAT_SECONDS:
            err.print("abandoned", markup=False)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@app.command()
@no_traceback
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
    summary["baselines"] = baselines_report(s)
    out.print_json(json.dumps(summary, ensure_ascii=False))


@app.command()
@no_traceback
def generate(
    tier: Annotated[str, typer.Option(help="subdistrict, district or city.")] = "subdistrict",
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    weeks: Annotated[int | None, typer.Option(help="Season weeks (tier default).")] = None,
    output: Annotated[Path, typer.Option("--out", help="Scenario YAML to write.")] = Path(
        "scenario.yaml"
    ),
) -> None:
    """Generate a seeded scenario of a scale tier (never over an existing file)."""
    if output.exists():
        err.print(message("out_file_exists", path=output), markup=False)
        raise typer.Exit(EXIT_INVALID)
    if not output.parent.is_dir():
        err.print(message("out_no_folder", path=output, folder=output.parent), markup=False)
        raise typer.Exit(EXIT_INVALID)
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
@no_traceback
def schema() -> None:
    """Print the JSON Schema of the scenario format."""
    sys.stdout.write(scenario_schema() + "\n")


def _solve_with_progress(
    run_solve: Any,
    s: Scenario,
    params: SolveParams,
    quiet: bool,
    stop: threading.Event,
    deadline: float | None = None,
) -> Result:
    """Solve in a worker thread while the main thread shows progress.

    The main thread stays free for Ctrl-C (see :func:`_first_ctrl_c_stops`), which sets
    ``stop``: the solve then returns its best plan so far.
    """
    state: dict[str, Any] = {}
    on_progress = None
    bar: Progress | None = None
    if not quiet:
        bar = Progress(
            TextColumn("[bold]{task.fields[stage]}"),
            BarColumn(),
            TimeElapsedColumn(),
            TextColumn("best {task.fields[best]}  gap {task.fields[gap]}"),
            console=err,
            transient=False,
        )
        task = bar.add_task("solve", total=params.time_limit, stage="building", best="-", gap="-")

        def on_progress(p: SolveProgress) -> None:
            assert bar is not None
            best = "-" if p.objective is None else f"{p.objective:,.1f}"
            if p.stage == "fairness" and p.objective is not None:
                best = f"min coverage {p.objective:.2f}%"
            gap = "-" if p.gap is None else f"{100 * p.gap:.2f}%"
            bar.update(task, stage=p.stage, best=best, gap=gap)

    finished = threading.Event()

    def work() -> None:
        try:
            state["result"] = run_solve(
                s, params, on_progress=on_progress, stop=stop, deadline=deadline
            )
        except BaseException as exc:  # handed to the main thread, which re-raises it
            state["error"] = exc
        finally:
            finished.set()

    thread = threading.Thread(target=work, name="solve", daemon=True)
    started = time.perf_counter()
    try:
        if bar is not None:
            bar.start()
        thread.start()
        # Waiting on an event, not Thread.join: a signal handler that raises while
        # join() waits can leave is_alive() wrong in CPython 3.11.
        while not finished.wait(0.1):
            if bar is not None:
                elapsed = time.perf_counter() - started
                bar.update(task, completed=min(params.time_limit, elapsed))
    finally:
        if bar is not None:
            bar.update(task, completed=params.time_limit, stage="done")
            bar.stop()
    if "error" in state:
        raise state["error"]
    result: Result = state["result"]
    return result


def _read_plan(path: Path, s: Scenario) -> Plan:
    return cli_report.read_plan(path, s, err).plan


# The hand-edit loop: rebuild every output from an edited plan (planner/cli_report.py).
app.command(name="report")(no_traceback(cli_report.report))

# `cultplan init` lives in its own module; registered here, after the other commands.
from planner.cli_init import init as _init  # noqa: E402

app.command(name="init")(no_traceback(_init))
