"""How a solve by subdistrict scales on Dask: the same time per part on 1 and 2 workers.

Run from the repository root (not part of the tests; about shared phase × 2 + part
time × parts × (1 + 1/2) plus starts, some four minutes for the district tier)::

    python -m benchmarks.parts_scaling --tier district --seed 1 --part-time 10
    python -m benchmarks.parts_scaling --tier district --seed 1 --part-time 10 --dask-workers 1,2,3

For each number of worker processes N, one cultplan run of the benchmark suite
(:func:`benchmarks.suite.run_child`, a process of its own) solves the scenario by
subdistrict (``decompose: yes``) with its parts on a local Dask cluster of N worker
processes of one thread each (so one CP-SAT worker per part), started inside the run.
Every part gets the same time limit, ``--part-time`` (:class:`benchmarks.child.PartsLog`),
whatever N, so the runs differ only in how many parts are solved at once. Printed side
by side: the cluster's start, the shared phase (the whole scenario's options and
baselines, the split and the allotment), the parts' wall time, the sum and the largest of
the parts' own solve times, putting the plan together, the whole wall time, the parts
that found their own plan, objective, bound, gap, KPIs, peak memory; then the parts'
speed-up from the first N to each other, and a model of how the wall time grows beyond:

    wall(N) ≈ cluster + shared + makespan_N(part times) + overhead + assemble

where ``makespan_N`` is the parts' solve times dealt in order to whichever of N workers
is free first (as Dask hands them out; about Σ part / N, at least the largest part), and
``overhead`` is what the parts' wall time adds to it (workers importing the planner on
their first part, shipping each part's data and its result). Each run's record and log
go to ``--runs``.
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.instances import check_tier
from benchmarks.suite import Outcome, run_child
from planner.params import SolveParams

#: Worker counts the model projects to, beyond those measured.
PROJECT = (1, 2, 4, 8, 12, 24)


def makespan(seconds: Sequence[float], workers: int) -> float:
    """The time ``workers`` take to run jobs of ``seconds``, each handed in order to the
    worker free first (list scheduling, as a Dask cluster hands out submitted tasks)."""
    free = [0.0] * max(1, workers)
    for s in seconds:
        start = heapq.heappop(free)
        heapq.heappush(free, start + s)
    return max(free)


def _uptime() -> str:
    try:
        return subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return f"load average {os.getloadavg()}"


def _run(args: argparse.Namespace, workers: int, folder: Path) -> tuple[Outcome, float]:
    """One run on a cluster of ``workers`` processes; its outcome and the load as it began."""
    spec = {
        "engine": "cultplan",
        "tier": args.tier,
        "seed": args.seed,
        # A limit no run reaches: each part's own limit is the part time.
        "time_limit": args.limit,
        "gap": args.gap,
        "workers": 1,
        "decompose": "yes",
        "dask_workers": workers,
        "part_time": args.part_time,
    }
    run_folder = folder / f"workers-{workers}"
    run_folder.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    return run_child(spec, run_folder, kill_after=args.limit + 120, max_mib=None), load


def _figures(outcome: Outcome, load: float) -> dict[str, Any]:
    """The figures of one run (seconds, plan, memory) from its record."""
    rec = outcome.record
    runs = rec.get("part_runs", [])
    seconds = [float(p["seconds"]) for p in runs]
    return {
        "exit": outcome.exit,
        "status": rec.get("status", ""),
        "load_1min": round(load, 2),
        "cluster_s": rec.get("cluster_s"),
        "shared_s": rec.get("shared_s"),
        "parts_s": rec.get("parts_s"),
        "sum_part_s": sum(seconds),
        "largest_part_s": max(seconds, default=0.0),
        "part_seconds": seconds,
        "assemble_s": rec.get("assemble_s"),
        "wall_s": rec.get("wall_s"),
        "parts": rec.get("parts"),
        "parts_with_plan": rec.get("parts_with_plan"),
        "objective": rec.get("objective"),
        "bound": rec.get("bound"),
        "gap": rec.get("gap"),
        "coverage": rec.get("coverage"),
        "min_coverage": rec.get("min_coverage"),
        "jain_index": rec.get("jain_index"),
        "gini": rec.get("gini"),
        "valid": rec.get("valid"),
        "peak_mib": round(outcome.peak_mib, 1),
        "tree_peak_mib": round(outcome.tree_peak_mib, 1),
        "message": rec.get("message", outcome.log_tail),
    }


def _cell(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


ROWS = (
    ("load average (1 min) as it began", "load_1min", 2),
    ("cluster start, s", "cluster_s", 1),
    ("shared phase, s (options, baselines, split, allotment)", "shared_s", 1),
    ("parts' wall time, s", "parts_s", 1),
    ("Σ parts' own solve time, s", "sum_part_s", 1),
    ("largest part, s", "largest_part_s", 1),
    ("putting together, scoring, checking, s", "assemble_s", 1),
    ("wall time, s (cluster start included)", "wall_s", 1),
    ("parts / with their own plan", "parts_pair", 0),
    ("status", "status", 0),
    ("objective", "objective", 1),
    ("bound", "bound", 1),
    ("gap, %", "gap_pct", 2),
    ("coverage", "coverage", 4),
    ("minimum coverage", "min_coverage", 4),
    ("Jain", "jain_index", 4),
    ("Gini", "gini", 4),
    ("validated", "valid", 0),
    ("peak MiB, wait4 (largest process)", "peak_mib", 0),
    ("peak MiB, all processes summed", "tree_peak_mib", 0),
)


def report(args: argparse.Namespace, runs: dict[int, dict[str, Any]]) -> list[str]:
    """The comparison of the runs and the model of larger clusters, as printed lines."""
    lines: list[str] = []
    workers = sorted(runs)
    measured = [n for n in workers if runs[n]["parts_s"] is not None and runs[n]["part_seconds"]]
    for f in runs.values():
        f["parts_pair"] = f"{f['parts']} / {f['parts_with_plan']}"
        f["gap_pct"] = None if f["gap"] is None else 100 * f["gap"]
    head = f"| {args.tier} seed {args.seed}, part time {args.part_time:g} s |"
    lines.append(head + "".join(f" {n} worker{'s' if n > 1 else ''} |" for n in workers))
    lines.append("| --- |" + " --- |" * len(workers))
    for title, key, digits in ROWS:
        cells = "".join(f" {_cell(runs[n][key], digits)} |" for n in workers)
        lines.append(f"| {title} |{cells}")
    if not measured:
        return lines
    first = measured[0]
    base = runs[first]
    lines.append("")
    for n in measured[1:]:
        f = runs[n]
        if base["parts_s"] and f["parts_s"]:
            lines.append(
                f"speed-up of the parts {first}→{n} workers: "
                f"{base['parts_s'] / f['parts_s']:.2f} (ideal {n / first:g}); of the whole "
                f"wall time: {base['wall_s'] / f['wall_s']:.2f}"
            )
    # The model: fixed costs from the measured runs, the parts' time dealt to N workers.
    part_seconds = base["part_seconds"]
    overheads = {n: runs[n]["parts_s"] - makespan(runs[n]["part_seconds"], n) for n in measured}
    overhead = max(overheads.values())
    shared = sum(runs[n]["shared_s"] for n in measured) / len(measured)
    assemble = sum(runs[n]["assemble_s"] for n in measured) / len(measured)
    cluster = max(runs[n]["cluster_s"] for n in measured)
    lines.append(
        "overhead of the parts' wall time over the parts dealt to the workers "
        "(makespan of their own solve times): "
        + ", ".join(f"{n} worker{'s' if n > 1 else ''} {o:.1f} s" for n, o in overheads.items())
    )
    lines.append("")
    lines.append(
        f"model, from the {first}-worker run's part times ({len(part_seconds)} parts, "
        f"Σ {sum(part_seconds):.1f} s, largest {max(part_seconds):.1f} s) with shared phase "
        f"{shared:.1f} s, cluster start {cluster:.1f} s, overhead {overhead:.1f} s, "
        f"putting together {assemble:.1f} s (cores permitting: one per worker):"
    )
    lines.append(
        "| workers | parts' makespan, s | parts' wall, s | wall, s | parts' share of wall |"
    )
    lines.append("| --- | --- | --- | --- | --- |")
    for n in sorted(set(PROJECT) | set(measured)):
        span = makespan(part_seconds, n)
        wall = cluster + shared + span + overhead + assemble
        lines.append(
            f"| {n} | {span:.1f} | {span + overhead:.1f} | {wall:.1f} | "
            f"{(span + overhead) / wall:.0%} |"
        )
    floor = cluster + shared + max(part_seconds) + overhead + assemble
    lines.append(
        f"limits: from {len(part_seconds)} workers on the parts take the largest part "
        f"({max(part_seconds):.1f} s), so the wall time stays above {floor:.1f} s; the "
        f"shared phase ({shared:.1f} s) and the cluster start ({cluster:.1f} s) run once, "
        "on one core, whatever N (Amdahl); each part pays the Dask round trip and each "
        "worker the planner's import on its first part (the overhead above)."
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the scaling comparison and print it (see the module's docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.parts_scaling",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--tier", default="district", help="tier (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1, help="seed (default: %(default)s)")
    parser.add_argument(
        "--part-time",
        type=float,
        default=10.0,
        help="seconds each part may use, its building included (default: %(default)s)",
    )
    parser.add_argument(
        "--dask-workers",
        default="1,2",
        help="comma-separated worker processes, one run each (default: %(default)s)",
    )
    parser.add_argument(
        "--gap",
        type=float,
        default=SolveParams().relative_gap,
        help="relative gap at which a part may stop (default: %(default)s)",
    )
    parser.add_argument(
        "--limit",
        type=float,
        default=3600.0,
        help="the solve's own time limit, above any run's (default: %(default)s)",
    )
    parser.add_argument(
        "--runs", default="parts-scaling.runs", help="folder of the runs' records and logs"
    )
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    check_tier(args.tier)
    workers = sorted({int(n) for n in args.dask_workers.split(",")})
    if not workers or workers[0] < 1:
        parser.error("--dask-workers: give whole numbers of 1 or more")
    folder = Path(args.runs)
    print(f"uptime at start: {_uptime()}", flush=True)
    runs: dict[int, dict[str, Any]] = {}
    for n in workers:
        outcome, load = _run(args, n, folder)
        runs[n] = _figures(outcome, load)
        f = runs[n]
        print(
            f"{n} worker{'s' if n > 1 else ''}: exit {f['exit']}, {f['status']}, wall "
            f"{_cell(f['wall_s'])} s, parts {_cell(f['parts_s'])} s; {f['message']}",
            flush=True,
        )
    print(f"uptime at end: {_uptime()}")
    print()
    print("\n".join(report(args, runs)))
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1, ensure_ascii=False), "utf-8")
    failed = any(f["exit"] != "0" or f["valid"] is False for f in runs.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
