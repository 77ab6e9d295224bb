"""The hand-edit loop of the command line: read an edited plan, name its rows, rebuild.

A planner opens ``deliveries.csv`` in Excel or WPS, moves deliveries, saves, and runs

* ``cultplan validate SCENARIO --plan PLAN.csv``: every broken hard rule, each with the
  file's rows of the deliveries involved (``row 12`` / ``第 12 行``);
* ``cultplan report SCENARIO PLAN.csv --out DIR``: checks the plan like ``validate``
  and rebuilds every output from it (``deliveries.csv``, ``kpis.json``, the coverage,
  unmet and utilisation tables, the calendars) with the same
  :func:`planner.io.output.write_output_folder` as a solve, all or nothing.

Both print the encoding the plan was read in. A plan that cannot be read, or breaks a
hard rule, is bad input: exit 2, every problem listed, nothing written (a hand-edited
plan is the planner's input, not a bug of the solver, whose broken plans exit 5).

A solve, and ``report``, never replace a ``deliveries.csv`` edited since cultplan wrote
it, nor one ``report`` wrote from a plan made by hand (:mod:`planner.io.edits`): they
refuse with exit 2 and name a fresh folder, unless given ``--force``. ``report`` may
write into the folder of the plan it reads: that plan is what it writes.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from planner.baseline import plan_baseline
from planner.cli_support import out_folder_problem
from planner.i18n import N_, _, ngettext
from planner.io import read_scenario
from planner.io.csv_text import read_csv_text
from planner.io.deliveries_csv import PlanFile, parse_plan
from planner.io.edits import EditedPlanError, edited_plan, file_sha256, fresh_sibling
from planner.io.output import output_files, write_output_folder
from planner.io.plan_cells import format_rows
from planner.kpis import compute_kpis
from planner.network import Distances
from planner.report import solve_report
from planner.result import Result, SolveStatus, Term
from planner.scenario import Scenario, ScenarioError
from planner.score import score_plan
from planner.validate import Violation, check_plan

#: The exit codes of :mod:`planner.cli` this module uses (a test keeps them equal).
EXIT_INVALID = 2
EXIT_WRITE_FAILED = 6

_out = Console(soft_wrap=True)
_err = Console(stderr=True, soft_wrap=True)


def read_plan(path: Path, scenario: Scenario, err: Console = _err) -> PlanFile:
    """Read a plan file, saying in which encoding (before its problems, if any); on a
    problem, list all and exit 2."""
    try:
        decoded = read_csv_text(path)
        # Said before any problem of the rows: a wrong encoding may be their cause.
        text = _("{path}: read as {encoding}").format(path=path, encoding=decoded.encoding)
        err.print(text, markup=False, highlight=False)
        return parse_plan(decoded.text, scenario, str(path), decoded.encoding)
    except ScenarioError as exc:
        err.print(exc.report(), markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None


def rows_text(rows: list[int]) -> str:
    """``row 12`` / ``rows 3, 12–14`` (empty without rows)."""
    if not rows:
        return ""
    return ngettext("row {rows}", "rows {rows}", len(rows)).format(rows=format_rows(rows))


def violation_lines(violations: list[Violation], plan_file: PlanFile) -> list[str]:
    """Each broken rule as a line that ends with the file's rows of its deliveries."""
    lines = []
    for v in violations:
        rows = rows_text(plan_file.rows_of(v.delivery_ids))
        lines.append(_("{violation} ({rows})").format(violation=v, rows=rows) if rows else str(v))
    return lines


def print_violations(
    path: Path, violations: list[Violation], plan_file: PlanFile, err: Console = _err
) -> None:
    """Print a plan's broken rules on stderr, each with its rows (``validate`` and
    ``report`` say it in the same words)."""
    count = len(violations)
    head = ngettext("{path}: {count} broken hard rule", "{path}: {count} broken hard rules", count)
    err.print(head.format(path=path, count=count), markup=False)
    for line in violation_lines(violations, plan_file):
        err.print(f"  {line}", markup=False, highlight=False)


def refuse_edited_plan(out_dir: Path | None, keep: Path | None = None) -> None:
    """Exit 2 when ``out_dir`` holds a plan edited since it was written (unless it is
    ``keep``, the plan being read), naming a fresh folder and ``--force``."""
    edited = edited_plan(out_dir) if out_dir is not None and out_dir.is_dir() else None
    if edited is None or (keep is not None and _same_file(edited.path, keep)):
        return
    _err.print(edited_text(EditedPlanError(edited)), markup=False, highlight=False)
    raise typer.Exit(EXIT_INVALID)


def edited_text(error: EditedPlanError) -> str:
    """Why a folder is not written over, and what to do instead."""
    edited = error.edited
    fresh = fresh_sibling(edited.path.parent)
    if edited.hand_made:
        text = _(
            "{path} is a plan made by hand (cultplan report wrote this folder from it) and "
            "would be replaced; nothing written. Write into a new folder (--out {fresh}) or "
            "pass --force to replace it"
        )
    elif edited.recorded is None:
        text = _(
            "{path} may hold edits: nothing records that cultplan wrote it (kpis.json is "
            "missing or from an older version); nothing written. Write into a new folder "
            "(--out {fresh}) or pass --force to replace it"
        )
    else:
        text = _(
            "{path} was changed since cultplan wrote it and would be replaced; nothing "
            "written. Write into a new folder (--out {fresh}) or pass --force to replace it"
        )
    return text.format(path=edited.path, fresh=fresh)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def report(
    scenario: Annotated[
        Path,
        typer.Argument(help=N_("Scenario YAML file."), metavar=N_("SCENARIO"), show_default=False),
    ],
    plan: Annotated[
        Path,
        typer.Argument(
            help=N_("The plan (a deliveries.csv, edited)."), metavar=N_("PLAN"), show_default=False
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", help=N_("Write the plan, KPIs and calendars into this folder (not a file).")
        ),
    ],
    force: Annotated[
        bool,
        typer.Option(help=N_("Replace a deliveries.csv in --out edited since it was written.")),
    ] = False,
) -> None:
    """Rebuild every output (KPIs, tables, calendars) from a plan edited by hand.

    The plan is checked first: a plan that cannot be read or breaks a hard rule exits
    2 and writes nothing.
    """
    started = time.perf_counter()
    try:
        s = read_scenario(scenario)
    except ScenarioError as exc:
        _err.print(exc.report(), markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None
    if taken := out_folder_problem(out_dir):
        _err.print(taken, markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID)
    plan_file = read_plan(plan, s)
    violations = check_plan(s, plan_file.plan)
    if violations:
        print_violations(plan, violations, plan_file)
        raise typer.Exit(EXIT_INVALID)
    if not force:
        refuse_edited_plan(out_dir, keep=plan)
    distances = Distances(s)
    base_kpis = compute_kpis(s, plan_baseline(s), distances, reasons=False)
    kpis = compute_kpis(s, plan_file.plan, distances, baseline=base_kpis)
    content = solve_report(
        s,
        _hand_result(s, plan_file, time.perf_counter() - started),
        kpis,
        base_kpis,
        run=_run(scenario, plan, plan_file),
        distances=distances,
    )
    keep_edited = not force and not _same_file(out_dir / "deliveries.csv", plan)
    try:
        write_output_folder(
            out_dir, s, plan_file.plan, content, kpis, keep_edited=keep_edited, plan_source="report"
        )
    except EditedPlanError as exc:
        _err.print(edited_text(exc), markup=False, highlight=False)
        raise typer.Exit(EXIT_INVALID) from None
    except OSError as exc:
        text = _("--out {path}: could not write: {reason}").format(path=out_dir, reason=exc)
        _err.print(text, markup=False)
        raise typer.Exit(EXIT_WRITE_FAILED) from None
    text = _("{path}: {count} deliveries keep every hard rule; coverage {coverage:.1%}")
    _out.print(
        text.format(path=plan, count=len(plan_file.plan), coverage=kpis.coverage), markup=False
    )
    text = _("wrote {path}/ ({files})").format(path=out_dir, files=", ".join(output_files(s)))
    _out.print(text, markup=False)


def _hand_result(s: Scenario, plan_file: PlanFile, seconds: float) -> Result:
    """A plan read from a file as a result: feasible (it keeps every rule), scored."""
    score = score_plan(s, plan_file.plan)
    return Result(
        status=SolveStatus.FEASIBLE,
        objective=round(score.total, 3),
        best_bound=None,
        gap=None,
        wall_seconds=seconds,
        plan=plan_file.plan,
        terms=tuple(Term(t.name, round(t.points, 6), t.name) for t in score.terms),
        message=_("a plan edited by hand, read from {path}").format(path=plan_file.source),
    )


def _run(scenario: Path, plan: Path, plan_file: PlanFile) -> dict[str, Any]:
    """The ``run`` section of ``kpis.json`` of a report: what it was made from."""
    return {
        "command": "report",
        "input": scenario.name,
        "input_sha256": hashlib.sha256(scenario.read_bytes()).hexdigest(),
        "plan": plan.name,
        "plan_sha256": file_sha256(plan),
        "plan_encoding": plan_file.encoding,
    }
