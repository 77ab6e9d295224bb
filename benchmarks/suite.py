"""The benchmark suite: ``python -m benchmarks run --tier T1,T2 --seeds 1,2,3 --out results.csv``.

For each instance (a tier and a seed, :mod:`benchmarks.instances`) the suite first plans
both baselines, then runs each engine (``cultplan``, ``highs``, ``cpsat``), every job in
a process of its own (:mod:`benchmarks.child`): a crash or a memory blow-up ends that
run only, a run still going at its time limit plus the margin is killed, and the peak
memory is the child's own (``wait4``'s ``ru_maxrss``). Rows are printed as the runs end
and written to the CSV file; once every engine of an instance has run, its ratios
(time to the same gap, peers against cultplan) are printed and the CSV rewritten with
them. After its search (outside every engine's time) each plan, and each baseline's, is
also evaluated over the same seeded samples of uncertain demand and no-shows: expected
and worst-decile coverage (:func:`benchmarks.child.robust_figures`).
``benchmarks/README.md`` describes the columns and how to read the ratios.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks.child import ENGINES
from benchmarks.instances import check_tier, default_time_limit
from planner.params import DECOMPOSE, SolveParams, relative_gap
from planner.robust import DEFAULT_SAMPLES, Uncertainty, read_uncertainty

ROOT = Path(__file__).resolve().parent.parent

#: The CSV columns, in order (``benchmarks/README.md`` says what each holds).
COLUMNS = (
    "tier",
    "seed",
    "engine",
    "status",
    "stop_reason",
    "exit",
    "committees",
    "demand_lines",
    "options",
    "variables",
    "constraints",
    "time_limit",
    "gap_limit",
    "workers",
    "robust_samples",
    "decompose",
    "dask_workers",
    "parts",
    "parts_with_plan",
    "generate_s",
    "build_s",
    "solve_s",
    "wall_s",
    "peak_mib",
    "tree_peak_mib",
    "objective",
    "bound",
    "gap",
    "best_bound_known",
    "time_to_gap_s",
    "time_to_best_gap_s",
    "ratio_to_gap",
    "ratio_to_best_gap",
    "coverage",
    "min_coverage",
    "jain_index",
    "gini",
    "expected_coverage",
    "worst_decile_coverage",
    "spreadsheet_objective",
    "spreadsheet_coverage",
    "spreadsheet_min_coverage",
    "spreadsheet_jain_index",
    "spreadsheet_gini",
    "spreadsheet_expected_coverage",
    "spreadsheet_worst_decile_coverage",
    "greedy_objective",
    "greedy_coverage",
    "greedy_min_coverage",
    "greedy_jain_index",
    "greedy_gini",
    "greedy_expected_coverage",
    "greedy_worst_decile_coverage",
    "beats_baselines",
    "beats_baselines_robust",
    "validated",
    "violations",
    "deliveries",
    "load_1min",
    "message",
)
KPIS = ("coverage", "min_coverage", "jain_index", "gini")
#: A plan's figures over sampled seasons (:func:`benchmarks.child.robust_figures`).
ROBUST = ("expected_coverage", "worst_decile_coverage")
BASELINES = ("spreadsheet", "greedy")
_DEFAULT_UNCERTAINTY = (
    f"demand_cv {Uncertainty().demand_cv:g}, no_show {Uncertainty().no_show:g} on every line"
)


@dataclass
class Outcome:
    """How a child process ended."""

    record: dict[str, Any]
    exit: str
    peak_mib: float
    wall_s: float
    log_tail: str = ""
    tree_peak_mib: float = 0.0


def run_child(
    spec: dict[str, Any], folder: Path, kill_after: float, max_mib: float | None
) -> Outcome:
    """Run one job in its own process; kill it after ``kill_after`` s or above ``max_mib``.

    Returns the job's record (what it wrote before it ended), how it ended (its exit
    code, ``killed`` at the time limit plus margin, ``memory`` above the cap), its peak
    resident memory in MiB as ``wait4`` reports it (``ru_maxrss``: the largest of the
    process's own peak and each waited-for descendant's, not their sum) and the
    largest sum of resident memory over the process and all its descendants, sampled
    every :data:`SAMPLE_SECONDS` (the cap applies to that sum).
    """
    name = f"{spec['tier'].replace('/', '_').replace(':', '_')}-{spec['seed']}-{spec['engine']}"
    spec_path, out_path = folder / f"{name}.spec.json", folder / f"{name}.json"
    log_path = folder / f"{name}.log"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    out_path.unlink(missing_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    started = time.monotonic()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.child", str(spec_path), str(out_path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        ended = "killed"
        tree_peak = 0.0
        sampled = -math.inf
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                ended = str(proc.returncode)
                break
            now = time.monotonic()
            if now - sampled >= SAMPLE_SECONDS:
                sampled = now
                tree_peak = max(tree_peak, tree_rss_mib(proc.pid))
            over_time = now - started > kill_after
            over_memory = max_mib is not None and tree_peak > max_mib
            if over_time or over_memory:
                ended = "killed" if over_time else "memory"
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
                break
            time.sleep(0.05)
    wall = time.monotonic() - started
    record: dict[str, Any] = {}
    if out_path.exists():
        record = json.loads(out_path.read_text(encoding="utf-8"))
    lines = log_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    # ru_maxrss is in KiB on Linux.
    peak = usage.ru_maxrss / 1024
    tail = lines[-1][-300:] if lines else ""
    return Outcome(record, ended, peak, wall, tail, max(tree_peak, peak))


#: How often the resident memory of a run's process tree is summed (seconds).
SAMPLE_SECONDS = 0.2


def tree_rss_mib(pid: int) -> float:
    """Resident memory (MiB) of a process and all its descendants, summed.

    Read from ``/proc/*/stat`` (parent and resident pages of every process). Pages
    two processes share (libraries) count once per process, so the sum can exceed
    what the machine gives them; 0 when the process is gone or ``/proc`` is missing.
    """
    parent: dict[int, int] = {}
    pages: dict[int, int] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0.0
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # After "pid (comm) ": state, ppid, ... rss is the 24th field of the line.
        fields = text[text.rindex(")") + 2 :].split()
        parent[int(entry)] = int(fields[1])
        pages[int(entry)] = int(fields[21])
    children: dict[int, list[int]] = {}
    for child, ppid in parent.items():
        children.setdefault(ppid, []).append(child)
    total, todo = 0, [pid] if pid in pages else []
    while todo:
        current = todo.pop()
        total += pages[current]
        todo.extend(children.get(current, ()))
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def time_to_gap(
    trace: Sequence[Sequence[Any]], gap: float, bound: float | None = None
) -> float | None:
    """First time in ``trace`` a plan is within ``gap`` of its bound (or of ``bound``).

    ``trace`` holds ``(seconds, objective, bound)``; the plan is the best so far, the
    own bound the lowest so far. With ``bound`` given, the plan is measured against
    that bound instead (the best bound known of the instance). None if never.
    """
    best = -math.inf
    own = math.inf
    for seconds, objective, own_bound in trace:
        if objective is not None:
            best = max(best, objective)
        if own_bound is not None:
            own = min(own, own_bound)
        against = own if bound is None else bound
        if (
            best > -math.inf
            and math.isfinite(against)
            and relative_gap(best, against) <= gap + 1e-12
        ):
            return float(seconds)
    return None


def _ratio(peer: float | None, peer_wall: float | None, mine: float | None) -> str:
    """Peer's time ÷ cultplan's, ``>x`` when only cultplan got there (x from the peer's
    whole run), ``<x`` when only the peer did, empty when neither did."""
    if mine is not None and peer is not None:
        return f"{peer / max(mine, 1e-3):.2f}"
    if mine is not None and peer_wall is not None:
        return f">{peer_wall / max(mine, 1e-3):.2f}"
    if peer is not None and mine is None:
        return "<1"
    return ""


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _row(
    spec: dict[str, Any], outcome: Outcome, baselines: dict[str, Any], load: float
) -> dict[str, Any]:
    rec = outcome.record
    row: dict[str, Any] = {c: "" for c in COLUMNS}
    row.update(
        tier=spec["tier"],
        seed=spec["seed"],
        engine=spec["engine"],
        exit=outcome.exit,
        time_limit=spec["time_limit"],
        gap_limit=spec["gap"],
        workers=spec["workers"],
        robust_samples=spec.get("robust_samples", ""),
        peak_mib=round(outcome.peak_mib, 1),
        tree_peak_mib=round(outcome.tree_peak_mib, 1),
        load_1min=round(load, 2),
    )
    if spec["engine"] == "cultplan":
        row.update(decompose=spec.get("decompose", ""), dask_workers=spec.get("dask_workers") or 0)
    for key in (
        "status",
        "stop_reason",
        "committees",
        "demand_lines",
        "options",
        "variables",
        "constraints",
        "generate_s",
        "build_s",
        "solve_s",
        "wall_s",
        "objective",
        "bound",
        "gap",
        "deliveries",
        "message",
        "parts",
        "parts_with_plan",
        *KPIS,
        *ROBUST,
    ):
        if rec.get(key) is not None:
            row[key] = rec[key]
    if outcome.exit == "killed":
        row["status"] = "killed"
        row["message"] = f"killed {outcome.wall_s:.0f} s after its start (time limit + margin)"
    elif outcome.exit == "memory":
        row["status"] = "memory"
        row["message"] = "killed above the memory cap"
    elif outcome.exit != "0" and not row["status"]:
        row["status"] = "crash"
    elif outcome.exit != "0":
        # The run wrote its record, then its process died (at exit, for instance): say so.
        row["message"] = (
            f"{row['message']} [process ended with exit {outcome.exit} after its record: "
            f"{outcome.log_tail}]"
        ).strip()
    if not row["wall_s"]:
        row["wall_s"] = round(outcome.wall_s, 3)
    if "valid" in rec:
        row["validated"] = "yes" if rec["valid"] else "FAILED"
        row["violations"] = rec.get("violation_count", 0)
    elif rec.get("deliveries"):
        row["validated"] = "not run"
    else:
        row["validated"] = "no plan"
    for name in BASELINES:
        figures = baselines.get(name) or {}
        for key in ("objective", *KPIS, *ROBUST):
            if figures.get(key) is not None:
                row[f"{name}_{key}"] = figures[key]
    if row["coverage"] != "" and all(baselines.get(n) for n in BASELINES):
        row["beats_baselines"] = (
            "yes"
            if all(
                row["coverage"] >= baselines[n]["coverage"]
                and row["min_coverage"] >= baselines[n]["min_coverage"]
                and row["jain_index"] >= baselines[n]["jain_index"]
                and row["gini"] <= baselines[n]["gini"]
                for n in BASELINES
            )
            else "no"
        )
    row["beats_baselines_robust"] = beats_robust(rec, baselines)
    row["time_to_gap_s"] = _fmt(time_to_gap(rec.get("trace", []), spec["gap"]), 3)
    return row


def beats_robust(record: dict[str, Any], baselines: dict[str, Any]) -> str:
    """``yes`` when the plan's expected and worst-decile coverage are each at least both
    baselines' (over the same seasons), ``no`` when not, empty when a figure is missing
    (no plan, or a run ended before its evaluation)."""
    figures = [record, *(baselines.get(n) or {} for n in BASELINES)]
    if any(f.get(key) is None for f in figures for key in ROBUST):
        return ""
    mine, *theirs = figures
    better = all(mine[key] >= other[key] for other in theirs for key in ROBUST)
    return "yes" if better else "no"


def _fill_ratios(rows: list[dict[str, Any]], traces: list[list[Any]], gap: float) -> None:
    """Best bound known, time to within the gap of it, and the peers' ratios to cultplan."""
    bounds = [float(r["bound"]) for r in rows if r["bound"] not in ("", None)]
    best = min(bounds) if bounds else None
    for row, trace in zip(rows, traces, strict=True):
        row["best_bound_known"] = "" if best is None else best
        if best is not None:
            row["time_to_best_gap_s"] = _fmt(time_to_gap(trace, gap, best), 3)
    mine = next((r for r in rows if r["engine"] == "cultplan"), None)
    if mine is None:
        return
    for row in rows:
        if row is mine:
            continue
        for column, ratio in (
            ("time_to_gap_s", "ratio_to_gap"),
            ("time_to_best_gap_s", "ratio_to_best_gap"),
        ):
            peer = float(row[column]) if row[column] else None
            own = float(mine[column]) if mine[column] else None
            row[ratio] = _ratio(peer, float(row["wall_s"]) if row["wall_s"] != "" else None, own)


_TABLE = (
    ("tier", 11),
    ("seed", 4),
    ("engine", 11),
    ("status", 11),
    ("parts", 5),
    ("build s", 7),
    ("solve s", 7),
    ("peak MiB", 8),
    ("objective", 10),
    ("bound", 10),
    ("gap %", 6),
    ("to gap s", 8),
    ("cover", 6),
    ("min", 6),
    ("Jain", 6),
    ("Gini", 6),
    ("E cov", 6),
    ("W10", 6),
    ("valid", 7),
)


def _table(show_header: bool) -> Table:
    table = Table(show_header=show_header, box=None, pad_edge=False, header_style="bold")
    for title, width in _TABLE:
        table.add_column(
            title,
            width=width,
            no_wrap=True,
            justify="left" if title in ("tier", "engine", "status", "valid") else "right",
        )
    return table


def _print_row(console: Console, cells: Sequence[Any]) -> None:
    table = _table(False)
    table.add_row(*[_fmt(c, 4) if isinstance(c, float) else str(c) for c in cells])
    console.print(table)


def _cells(row: dict[str, Any]) -> list[Any]:
    def num(key: str, digits: int) -> str:
        value = row.get(key)
        return "" if value in ("", None) else f"{float(value):.{digits}f}"

    gap = "" if row["gap"] in ("", None) else f"{100 * float(row['gap']):.2f}"
    valid = row["validated"]
    parts = f"{row['parts_with_plan']}/{row['parts']}" if row.get("parts") else ""
    return [
        row["tier"],
        row["seed"],
        row["engine"],
        row["status"],
        parts,
        num("build_s", 1),
        num("solve_s", 1),
        num("peak_mib", 0),
        num("objective", 1),
        num("bound", 1),
        gap,
        row["time_to_gap_s"],
        num("coverage", 3),
        num("min_coverage", 3),
        num("jain_index", 3),
        num("gini", 3),
        num("expected_coverage", 3),
        num("worst_decile_coverage", 3),
        f"[bold red]{valid}[/]" if valid == "FAILED" else valid,
    ]


def _write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    partial = path.with_name(path.name + ".part")
    with partial.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    partial.replace(path)


def _machine() -> dict[str, Any]:
    from importlib.metadata import version

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    except OSError:
        commit, dirty = "", ""
    try:
        uptime = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout
    except OSError:
        uptime = ""
    return {
        "cores": os.cpu_count(),
        "load": [round(x, 2) for x in os.getloadavg()],
        "uptime": uptime.strip(),
        "python": platform.python_version(),
        "ortools": version("ortools"),
        "platform": platform.platform(),
        "commit": commit + ("+changes" if dirty.strip() else ""),
    }


def _print_ratios(console: Console, rows: list[dict[str, Any]], gap: float) -> None:
    mine = next((r for r in rows if r["engine"] == "cultplan"), None)
    peers = [r for r in rows if r["engine"] != "cultplan"]
    if mine is None or not peers:
        return
    for peer in peers:
        console.print(
            f"  {peer['tier']} seed {peer['seed']}, {peer['engine']} ÷ cultplan, time to "
            f"{100 * gap:g} %: own bound {peer['time_to_gap_s'] or '-'} / "
            f"{mine['time_to_gap_s'] or '-'} s = [bold]{peer['ratio_to_gap'] or '-'}[/]; "
            f"best bound known ({_fmt(peer['best_bound_known'], 1)}) "
            f"{peer['time_to_best_gap_s'] or '-'} / {mine['time_to_best_gap_s'] or '-'} s "
            f"= [bold]{peer['ratio_to_best_gap'] or '-'}[/]"
        )


def _loud(console: Console, row: dict[str, Any], record: dict[str, Any]) -> None:
    if row["validated"] == "FAILED":
        console.rule("[bold red]VALIDATOR FAILED[/]", style="red")
        console.print(
            f"[bold red]{row['tier']} seed {row['seed']} {row['engine']}: the plan breaks "
            f"{row['violations']} hard rules[/]"
        )
        for message in record.get("violations", []):
            console.print(f"[red]  {message}[/]")
        console.rule(style="red")
    elif row["status"] in ("crash", "killed", "memory", "error"):
        console.print(
            f"[bold yellow]{row['tier']} seed {row['seed']} {row['engine']}: "
            f"{row['status']}: {str(row['message'])[-600:]}[/]"
        )


def run(args: argparse.Namespace) -> int:
    """Run the suite of ``args``; 0 when every plan passed the validator, 1 otherwise."""
    console = Console(highlight=False, width=max(165, Console().width))
    tiers = [t.strip() for t in args.tier.split(",") if t.strip()]
    for tier in tiers:
        check_tier(tier)
    seeds = [int(s) for s in args.seeds.split(",")]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = [e for e in engines if e not in ENGINES]
    if unknown:
        raise SystemExit(f"unknown engine {unknown[0]!r}; expected some of {', '.join(ENGINES)}")
    if args.robust_samples < 1:
        raise ValueError(f"--robust-samples: at least 1, not {args.robust_samples}")
    uncertainty = None
    if args.uncertainty:
        read_uncertainty(args.uncertainty)  # every problem of the file now, exit 2
        uncertainty = str(Path(args.uncertainty).resolve())
    out = Path(args.out)
    folder = Path(args.runs) if args.runs else out.with_name(out.name + ".runs")
    folder.mkdir(parents=True, exist_ok=True)
    machine = _machine()
    (folder / "machine.json").write_text(json.dumps(machine, indent=1), encoding="utf-8")
    console.print(
        f"cultplan benchmark: commit {machine['commit']}, {machine['cores']} cores, "
        f"Python {machine['python']}, OR-Tools {machine['ortools']}"
    )
    console.print(f"uptime at start: {machine['uptime']}")
    dask = f", parts on {args.dask_workers} Dask workers" if args.dask_workers else ""
    console.print(
        f"gap {100 * args.gap:g} %, {args.workers} workers, decompose {args.decompose}{dask}; "
        f"rows in {out}, each run's record and log in {folder}/"
    )
    console.print(
        f"robust figures: {args.robust_samples} sampled seasons per plan, seed: the "
        f"instance's, uncertainty: {uncertainty or _DEFAULT_UNCERTAINTY}"
    )
    console.print(_table(True))
    rows: list[dict[str, Any]] = []
    failed = False
    for tier in tiers:
        limit = args.time_limit or default_time_limit(tier)
        kill_after = limit + (args.margin if args.margin is not None else 30 + 0.25 * limit)
        for seed in seeds:
            base = {
                "tier": tier,
                "seed": seed,
                "time_limit": limit,
                "gap": args.gap,
                "workers": args.workers,
                "robust_samples": args.robust_samples,
                "uncertainty": uncertainty,
                "decompose": args.decompose,
                "dask_workers": args.dask_workers,
            }
            outcome = run_child(
                {**base, "engine": "baselines"},
                folder,
                kill_after,
                args.max_memory and args.max_memory * 1024,
            )
            baselines = {n: outcome.record.get(n) for n in BASELINES}
            for name in BASELINES:
                figures = baselines[name]
                if figures is None:
                    console.print(
                        f"[bold yellow]{tier} seed {seed}: no {name} baseline ({outcome.exit})[/]"
                    )
                    continue
                valid = "yes" if figures["valid"] else "[bold red]FAILED[/]"
                failed |= not figures["valid"]
                _print_row(
                    console,
                    [
                        tier,
                        seed,
                        name,
                        "baseline",
                        "",
                        "",
                        "",
                        "",
                        f"{figures['objective']:.1f}",
                        "",
                        "",
                        "",
                        *(f"{figures[k]:.3f}" for k in KPIS),
                        *(f"{figures[k]:.3f}" if k in figures else "" for k in ROBUST),
                        valid,
                    ],
                )
                if not figures["valid"]:
                    console.print(
                        f"[bold red]VALIDATOR FAILED on the {name} baseline: "
                        f"{figures['violations']}[/]"
                    )
            instance_rows: list[dict[str, Any]] = []
            traces: list[list[Any]] = []
            for engine in engines:
                spec = {**base, "engine": engine}
                load = os.getloadavg()[0]
                outcome = run_child(
                    spec, folder, kill_after, args.max_memory and args.max_memory * 1024
                )
                row = _row(spec, outcome, baselines, load)
                instance_rows.append(row)
                traces.append(outcome.record.get("trace", []))
                rows.append(row)
                failed |= row["validated"] == "FAILED"
                _print_row(console, _cells(row))
                _loud(console, row, outcome.record)
                _write_csv(out, rows)
            _fill_ratios(instance_rows, traces, args.gap)
            _print_ratios(console, instance_rows, args.gap)
            _write_csv(out, rows)
    end = _machine()
    console.print(f"uptime at end: {end['uptime']}")
    console.print(f"{len(rows)} runs written to {out}")
    return 1 if failed else 0


def _positive(text: str) -> int:
    """A whole number of 1 or more (argparse type)."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"give 1 or more, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks``."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="run the suite")
    p.add_argument(
        "--tier",
        default="reference13,reference26,district",
        help="comma-separated tiers: reference13, reference26, small, subdistrict, "
        "district, city, or file:PATH (default: %(default)s)",
    )
    p.add_argument("--seeds", default="1,2,3", help="comma-separated seeds (default: %(default)s)")
    p.add_argument(
        "--engines",
        default=",".join(ENGINES),
        help="comma-separated engines (default: %(default)s)",
    )
    p.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds per run, building included (default: the tier's)",
    )
    p.add_argument(
        "--gap",
        type=float,
        default=SolveParams().relative_gap,
        help="relative gap at which every engine may stop, and the gap the ratios "
        "compare (default: %(default)s)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=SolveParams().workers,
        help="CP-SAT workers of cultplan and cpsat (default: %(default)s)",
    )
    p.add_argument(
        "--decompose",
        choices=DECOMPOSE,
        default=SolveParams().decompose,
        help="cultplan: solve a scenario of several subdistricts one subdistrict at a time "
        "(auto: when it is large; default: %(default)s)",
    )
    p.add_argument(
        "--dask-workers",
        type=_positive,
        default=None,
        help="cultplan: solve the parts of a split scenario side by side on a local Dask "
        "cluster of this many worker processes, one thread each (default: in turn, in "
        "the run's process)",
    )
    p.add_argument(
        "--margin",
        type=float,
        default=None,
        help="seconds past the time limit before a run is killed "
        "(default: 30 + a quarter of the limit)",
    )
    p.add_argument(
        "--max-memory",
        type=float,
        default=None,
        help="GiB of resident memory above which a run is killed (default: none)",
    )
    p.add_argument(
        "--robust-samples",
        type=int,
        default=DEFAULT_SAMPLES,
        help="sampled seasons over which every plan's expected and worst-decile coverage "
        "are measured (default: %(default)s)",
    )
    p.add_argument(
        "--uncertainty",
        default=None,
        metavar="FILE",
        help="uncertainty file of demand and no-shows, as `cultplan robust --uncertainty` "
        f"reads (default: {_DEFAULT_UNCERTAINTY})",
    )
    p.add_argument("--out", default="results.csv", help="CSV file (default: %(default)s)")
    p.add_argument(
        "--runs", default=None, help="folder for each run's record and log (default: OUT.runs)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the suite."""
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except ValueError as error:
        print(f"python -m benchmarks: {error}", file=sys.stderr)
        return 2
