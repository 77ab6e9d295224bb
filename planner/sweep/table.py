"""The sweep's table: one row per variant, as CSV and JSON, and each variant's plan."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

from planner.io.deliveries_csv import write_deliveries
from planner.scenario import Scenario
from planner.sweep.run import VariantResult

#: The files :func:`write_table` writes into its folder.
TABLE_FILES = ("sweep.csv", "sweep.json")


def write_table(
    results: Sequence[VariantResult],
    folder: str | Path,
    scenarios: dict[int, Scenario] | None = None,
) -> list[Path]:
    """Write the table of variants and KPIs, and each variant's plan if asked.

    Parameters
    ----------
    results
        The sweep's results (:func:`planner.sweep.run_sweep`).
    folder
        The output folder (made if missing).
    scenarios
        The scenario of each variant by index: each variant's plan is then written as
        ``plans/<index>/deliveries.csv``.

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    rows = [r.row() for r in results]
    written = [out / "sweep.csv", out / "sweep.json"]
    with written[0].open("w", encoding="utf-8-sig", newline="") as f:
        columns = list(rows[0]) if rows else []
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    details = [{**r.row(), "message": r.message, "violations": list(r.violations)} for r in results]
    written[1].write_text(json.dumps(details, ensure_ascii=False, indent=1), encoding="utf-8")
    for r in results:
        if scenarios is not None and r.plan is not None and r.index in scenarios:
            path = out / "plans" / str(r.index) / "deliveries.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_deliveries(r.plan, scenarios[r.index], path)
            written.append(path)
    return written
