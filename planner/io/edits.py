"""Telling a plan edited by hand from the one cultplan wrote, so that none is overwritten.

Every output folder's ``kpis.json`` records the SHA-256 of the ``deliveries.csv``
written with it (``run.deliveries_sha256``). A folder whose ``deliveries.csv`` has
another digest, or whose digest is not recorded (``kpis.json`` missing, or written by an
older version), holds a plan someone may have edited: a solve into it is refused unless
forced, and is pointed at a fresh sibling folder instead.

``run.plan_source`` records where the plan came from: ``"solve"``, or ``"report"`` for a
plan a planner made by hand and ``cultplan report`` rebuilt the folder from. Such a plan
is the planner's work even though its digest matches, so it is kept like an edited one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The key of ``kpis.json``'s ``run`` section that holds the plan's digest.
DIGEST_KEY = "deliveries_sha256"
#: The key of ``kpis.json``'s ``run`` section that says where the plan came from.
SOURCE_KEY = "plan_source"
#: The plan sources: found by a solve, or made by hand and read by ``cultplan report``.
PLAN_SOURCES = ("solve", "report")


@dataclass(frozen=True)
class EditedPlan:
    """A ``deliveries.csv`` that is not the one last written into its folder.

    Attributes
    ----------
    path
        The plan file.
    recorded
        The digest recorded when the folder was written (None when none was).
    actual
        The file's digest now.
    hand_made
        The file is the one written, but it holds a plan made by hand (written by
        ``cultplan report``).
    """

    path: Path
    recorded: str | None
    actual: str
    hand_made: bool = False


class EditedPlanError(Exception):
    """Writing would replace a plan edited since it was written.

    Parameters
    ----------
    edited
        The edited plan.
    """

    def __init__(self, edited: EditedPlan) -> None:
        self.edited = edited
        super().__init__(f"{edited.path} was edited since it was written")


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def with_plan_digest(report: dict[str, Any], digest: str, source: str = "solve") -> dict[str, Any]:
    """A copy of a ``kpis.json`` report whose ``run`` records the plan's digest and source
    (one of :data:`PLAN_SOURCES`)."""
    if source not in PLAN_SOURCES:
        raise ValueError(f"unknown plan source {source!r}")
    run = {**report.get("run", {}), DIGEST_KEY: digest, SOURCE_KEY: source}
    return {**report, "run": run}


def _recorded_run(out_dir: str | Path) -> dict[str, Any]:
    """The ``run`` section of a folder's ``kpis.json`` (empty: none, or unreadable)."""
    try:
        report = json.loads((Path(out_dir) / "kpis.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    run = report.get("run") if isinstance(report, dict) else None
    return run if isinstance(run, dict) else {}


def recorded_digest(out_dir: str | Path) -> str | None:
    """The plan digest ``kpis.json`` of a folder records, or None (none, or unreadable)."""
    digest = _recorded_run(out_dir).get(DIGEST_KEY)
    return digest if isinstance(digest, str) else None


def recorded_source(out_dir: str | Path) -> str | None:
    """Where ``kpis.json`` of a folder says its plan came from (``"solve"``, ``"report"``),
    or None (not recorded)."""
    source = _recorded_run(out_dir).get(SOURCE_KEY)
    return source if isinstance(source, str) else None


def edited_plan(out_dir: str | Path) -> EditedPlan | None:
    """The folder's ``deliveries.csv`` if it is not the one last written there, or holds a
    plan made by hand (``plan_source: report``), else None.

    A folder without ``deliveries.csv`` has nothing to lose.
    """
    path = Path(out_dir) / "deliveries.csv"
    if not path.is_file():
        return None
    actual = file_sha256(path)
    recorded = recorded_digest(out_dir)
    if recorded != actual:
        return EditedPlan(path, recorded, actual)
    if recorded_source(out_dir) == "report":
        return EditedPlan(path, recorded, actual, hand_made=True)
    return None


def fresh_sibling(out_dir: str | Path) -> Path:
    """The first of ``<out>-2``, ``<out>-3`` ... beside ``out_dir`` that does not exist."""
    out = Path(out_dir)
    n = 2
    while (candidate := out.with_name(f"{out.name}-{n}")).exists():
        n += 1
    return candidate
