"""The output folder of a solve, written all or nothing."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from planner.frames import allocation_frame
from planner.io.calendars import write_calendars
from planner.io.columns import labelled
from planner.io.deliveries_csv import write_deliveries
from planner.io.edits import EditedPlanError, edited_plan, file_sha256, with_plan_digest
from planner.kpis import Kpis
from planner.plan import Plan
from planner.scenario import Scenario

#: The files and folders of an output folder, in the order they are written.
OUTPUT_FILES = (
    "deliveries.csv",
    "kpis.json",
    "coverage.csv",
    "unmet.csv",
    "utilisation.csv",
    "calendars",
)
#: The files written only for a scenario with two levels (one that lists its
#: subdistricts): the upper level's allocation of shared units to subdistricts.
LEVEL_FILES = ("allocation.csv",)
#: The free-text columns of the files for planners (names and explanations).
HUMAN_TEXT_COLUMNS = (
    "committee_name",
    "name",
    "explanation",
    "subdistrict_name",
    "centre_name",
)


def output_files(scenario: Scenario) -> tuple[str, ...]:
    """The files and folders :func:`write_output_folder` writes for a scenario:
    :data:`OUTPUT_FILES`, and :data:`LEVEL_FILES` when it lists its subdistricts."""
    return OUTPUT_FILES + LEVEL_FILES if scenario.has_levels else OUTPUT_FILES


def write_output_folder(
    out_dir: str | Path,
    scenario: Scenario,
    plan: Plan,
    report: dict[str, Any],
    kpis: Kpis,
    *,
    keep_edited: bool = False,
    plan_source: str = "solve",
) -> Path:
    """Write a plan's files into ``out_dir``, all or nothing.

    Everything is written into a fresh staging folder beside ``out_dir`` first and
    moved into place only when every file is complete; should a move fail, the files
    already moved are taken out and the old ones put back, so a failure leaves
    ``out_dir`` as it was. Files of the same names already in ``out_dir`` are
    replaced; other files there are left alone.

    ``kpis.json`` records the SHA-256 of the ``deliveries.csv`` written beside it
    (``run.deliveries_sha256``) and where the plan came from (``run.plan_source``), so
    that a later run can tell a plan edited or made by hand
    (:func:`planner.io.edits.edited_plan`). ``coverage.csv``, ``unmet.csv`` and
    ``utilisation.csv`` are for planners: their headers are in the current language
    (:func:`planner.io.columns.read_output_csv` reads either) and their names and
    explanations are neutralised against formulas. A scenario that lists its
    subdistricts also gets ``allocation.csv``, the upper level's allocation of shared
    units to subdistricts (:func:`planner.frames.allocation_frame`), written the same
    way; an ``allocation.csv`` left by an earlier scenario in ``out_dir`` is removed
    with the other old files when the scenario has one level.

    Parameters
    ----------
    out_dir
        The output folder (created if missing).
    scenario, plan
        The scenario and the plan.
    report
        The ``kpis.json`` content (:func:`planner.report.solve_report`).
    kpis
        The plan's KPIs (coverage, unmet lines with reasons, utilisation); computed
        with the baseline's (``compute_kpis(..., baseline=...)``), ``coverage.csv``
        gives each committee's baseline coverage beside its own.
    keep_edited
        Refuse (:class:`~planner.io.edits.EditedPlanError`, nothing written) when the
        folder's ``deliveries.csv`` is not the one last written there, or is a plan made
        by hand.
    plan_source
        ``"solve"``, or ``"report"`` for a plan made by hand (recorded in ``kpis.json``).

    Returns
    -------
    Path
        The output folder.

    Raises
    ------
    ValueError
        If the report lists broken hard rules (``violations``): such a plan is a bug
        and is not written.
    EditedPlanError
        With ``keep_edited``, if the folder holds a plan edited since it was written.
    """
    if report.get("violations"):
        raise ValueError(
            f"the plan breaks {len(report['violations'])} hard rule(s); nothing written"
        )
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cultplan-", dir=out.parent))
    try:
        write_deliveries(plan, scenario, staging / "deliveries.csv")
        report = with_plan_digest(report, file_sha256(staging / "deliveries.csv"), plan_source)
        (staging / "kpis.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
        for name, frame in (
            ("coverage.csv", kpis.by_committee),
            ("unmet.csv", kpis.unmet),
            ("utilisation.csv", kpis.utilisation),
        ):
            table = labelled(frame, HUMAN_TEXT_COLUMNS)
            table.to_csv(staging / name, index=False, encoding="utf-8-sig")
        if scenario.has_levels:
            table = labelled(allocation_frame(scenario, plan), HUMAN_TEXT_COLUMNS)
            table.to_csv(staging / "allocation.csv", index=False, encoding="utf-8-sig")
        (staging / "calendars").mkdir()
        write_calendars(scenario, plan, staging / "calendars")
        out.mkdir(exist_ok=True)
        # Checked last, so that a plan edited while the solve ran is kept too.
        edited = edited_plan(out) if keep_edited else None
        if edited is not None:
            raise EditedPlanError(edited)
        _swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def _swap_in(staging: Path, out: Path) -> None:
    """Move the staged files into ``out``, putting the old ones back if a move fails.

    The old files are first moved aside into the staging folder (renames within one
    file system), then the new ones into place; the old ones go when the staging
    folder is removed.
    """
    old = staging / ".old"
    old.mkdir()
    moved_aside: list[str] = []
    moved_in: list[str] = []
    try:
        for name in OUTPUT_FILES + LEVEL_FILES:
            if (out / name).exists():
                (out / name).replace(old / name)
                moved_aside.append(name)
        for name in OUTPUT_FILES + LEVEL_FILES:
            if name in OUTPUT_FILES or (staging / name).exists():
                (staging / name).replace(out / name)
                moved_in.append(name)
    except BaseException:
        for name in moved_in:
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
        for name in moved_aside:
            (old / name).replace(out / name)
        raise
