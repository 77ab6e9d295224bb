"""Telling a plan edited by hand from the one cultplan wrote, so that none is overwritten.

Every output folder's ``kpis.json`` records the SHA-256 of the ``deliveries.csv``
written with it (``run.deliveries_sha256``). A folder whose ``deliveries.csv`` has
another digest, or whose digest is not recorded (``kpis.json`` missing, or written by an
older version), holds a plan someone may have edited: a solve into it is refused unless
forced, and is pointed at a fresh sibling folder instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The key of ``kpis.json``'s ``run`` section that holds the plan's digest.
DIGEST_KEY = "deliveries_sha256"


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
    """

    path: Path
    recorded: str | None
    actual: str


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


def with_plan_digest(report: dict[str, Any], digest: str) -> dict[str, Any]:
    """A copy of a ``kpis.json`` report whose ``run`` records the plan's digest."""
    return {**report, "run": {**report.get("run", {}), DIGEST_KEY: digest}}


def recorded_digest(out_dir: str | Path) -> str | None:
    """The plan digest ``kpis.json`` of a folder records, or None (none, or unreadable)."""
    try:
        report = json.loads((Path(out_dir) / "kpis.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    run = report.get("run") if isinstance(report, dict) else None
    digest = run.get(DIGEST_KEY) if isinstance(run, dict) else None
    return digest if isinstance(digest, str) else None


def edited_plan(out_dir: str | Path) -> EditedPlan | None:
    """The folder's ``deliveries.csv`` if it is not the one last written there, else None.

    A folder without ``deliveries.csv`` has nothing to lose.
    """
    path = Path(out_dir) / "deliveries.csv"
    if not path.is_file():
        return None
    actual = file_sha256(path)
    recorded = recorded_digest(out_dir)
    return None if recorded == actual else EditedPlan(path, recorded, actual)


def fresh_sibling(out_dir: str | Path) -> Path:
    """The first of ``<out>-2``, ``<out>-3`` ... beside ``out_dir`` that does not exist."""
    out = Path(out_dir)
    n = 2
    while (candidate := out.with_name(f"{out.name}-{n}")).exists():
        n += 1
    return candidate
