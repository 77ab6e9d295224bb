"""The benchmark suite's command end to end on tiny instances (whole and by subdistrict,
the parts on Dask), a run killed at its limit, the memory of a run's process tree, and
the plans' figures over sampled seasons."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from benchmarks import child
from benchmarks.child import PartsLog
from benchmarks.child import run as run_job
from benchmarks.instances import load
from benchmarks.suite import BASELINES, COLUMNS, ROOT, Outcome, _row, run_child, tree_rss_mib
from planner.baseline import plan_baselines
from planner.decompose import PartTask, solve_by_parts, solve_part
from planner.io import write_scenario
from planner.params import SolveParams
from planner.result import Result
from planner.robust import DEFAULT_SAMPLES, Uncertainty, evaluate_plan, read_uncertainty
from tests.decompose.support import AREAS, two_areas


def _run_benchmark(args: list[str]) -> str:
    """Run ``python -m benchmarks run`` with ``args`` from the repository root; it must
    end with exit code 0. Its printed output."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "run", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_benchmark_command_writes_every_column_and_validates_every_plan(
    tmp_path: Path,
) -> None:
    """``python -m benchmarks run`` on the 4-week subdistrict instance: one row per
    engine with every column, each engine's plan checked by the validator (its run's
    record holds the validator's verdict), the baselines' KPIs beside the plan's, the
    ratios against cultplan filled for the peers, and the table printed as it goes.
    Every plan's expected and worst-decile coverage are filled, over the seasons of the
    given uncertainty file and sample count: the baselines' are exactly what
    ``evaluate_plan`` gives their plans over those seasons (the instance's seed), and
    ``beats_baselines_robust`` says whether the plan's are at least theirs."""
    out = tmp_path / "results.csv"
    uncertainty = tmp_path / "uncertainty.yaml"
    uncertainty.write_text(
        "demand_cv: 0.3\nno_show: 0.1\nproducts: {lecture: {no_show: 0.3}}\n", encoding="utf-8"
    )
    printed = _run_benchmark(
        [
            "--tier",
            "small",
            "--seeds",
            "1",
            "--time-limit",
            "3",
            "--margin",
            "20",
            "--robust-samples",
            "300",
            "--uncertainty",
            str(uncertainty),
            "--out",
            str(out),
        ]
    )
    with out.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        rows = list(reader)
    assert [r["engine"] for r in rows] == ["cultplan", "highs", "cpsat"]
    for row in rows:
        assert row["status"] in ("optimal", "feasible"), row
        assert row["validated"] == "yes", row
        assert row["violations"] == "0"
        assert float(row["peak_mib"]) > 10
        assert float(row["objective"]) <= float(row["best_bound_known"]) + 1e-6
        for key in ("coverage", "min_coverage", "jain_index", "gini"):
            assert 0 <= float(row[key]) <= 1
            assert row[f"spreadsheet_{key}"] and row[f"greedy_{key}"]
        assert row["beats_baselines"] in ("yes", "no")
        record = json.loads(
            (tmp_path / "results.csv.runs" / f"small-1-{row['engine']}.json").read_text()
        )
        assert record["valid"] is True and record["phase"] == "done"
    assert all(r["ratio_to_best_gap"] for r in rows[1:])

    scenario = load("small", 1)
    plans = plan_baselines(scenario).plans
    read = read_uncertainty(uncertainty)
    for name in BASELINES:
        mine = evaluate_plan(scenario, plans[name], samples=300, seed=1, uncertainty=read)
        default = evaluate_plan(scenario, plans[name], samples=300, seed=1)
        assert mine.expected_coverage != pytest.approx(default.expected_coverage, abs=1e-6)
        for row in rows:
            assert float(row[f"{name}_expected_coverage"]) == pytest.approx(
                mine.expected_coverage, abs=1e-12
            )
            assert float(row[f"{name}_worst_decile_coverage"]) == pytest.approx(
                mine.worst_decile_coverage, abs=1e-12
            )
    for row in rows:
        assert row["robust_samples"] == "300"
        expected, worst = float(row["expected_coverage"]), float(row["worst_decile_coverage"])
        assert 0 < worst < expected < float(row["coverage"])
        beats = all(
            expected >= float(row[f"{n}_expected_coverage"])
            and worst >= float(row[f"{n}_worst_decile_coverage"])
            for n in BASELINES
        )
        assert row["beats_baselines_robust"] == ("yes" if beats else "no")
    assert "small seed 1, highs ÷ cultplan, time to 0.5 %: own bound" in printed


def test_a_run_past_its_time_is_killed_and_keeps_what_it_wrote(tmp_path: Path) -> None:
    """A run still going when its time is up is killed with its process group; the
    record it wrote so far (the instance's size) is kept and its peak memory measured."""
    spec = {
        "engine": "cultplan",
        "tier": "reference13",
        "seed": 1,
        "time_limit": 60.0,
        "gap": 0.0,
        "workers": 1,
    }
    outcome = run_child(spec, tmp_path, kill_after=4.0, max_mib=None)
    assert outcome.exit == "killed"
    assert 4.0 <= outcome.wall_s < 10.0
    assert outcome.peak_mib > 10
    assert outcome.record.get("phase") == "started"
    assert outcome.record["committees"] > 0


class _Killed(Exception):
    """Stands for the kill that ends a run during its evaluation."""


def test_a_run_ended_during_its_robust_evaluation_keeps_its_search_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run's record on disk when the evaluation over sampled seasons starts already
    holds the search's figures, the validator's verdict and the KPIs; a run killed then
    gives a row with all of them and empty robust columns."""
    seen: dict[str, Any] = {}
    out = tmp_path / "run.json"

    def killed(*args: Any, **kwargs: Any) -> None:
        seen.update(json.loads(out.read_text(encoding="utf-8")))
        raise _Killed

    monkeypatch.setattr(child, "evaluate_plan", killed)
    spec = {
        "engine": "cultplan",
        "tier": "small",
        "seed": 1,
        "time_limit": 3.0,
        "gap": 0.005,
        "workers": 2,
        "robust_samples": 50,
    }
    with pytest.raises(_Killed):
        child.run(spec, out)
    assert seen["phase"] == "checked"
    assert seen["status"] in ("optimal", "feasible")
    assert seen["objective"] is not None and seen["valid"] is True
    assert "expected_coverage" not in seen
    low = {"coverage": 0.1, "min_coverage": 0.0, "jain_index": 0.5, "gini": 0.5}
    baselines = {
        n: {**low, "expected_coverage": 0.1, "worst_decile_coverage": 0.1} for n in BASELINES
    }
    row = _row(spec, Outcome(seen, "killed", 100.0, 20.0), baselines, 0.0)
    assert row["objective"] == seen["objective"] and row["coverage"] == seen["coverage"]
    assert row["validated"] == "yes"
    assert row["expected_coverage"] == row["beats_baselines_robust"] == ""


def test_the_baselines_are_evaluated_over_the_default_seasons(tmp_path: Path) -> None:
    """Without a sample count or an uncertainty file in its spec, the baselines' run
    evaluates both plans over ``DEFAULT_SAMPLES`` seasons of the default uncertainty,
    drawn from the instance's seed, as ``evaluate_plan`` does by default."""
    out = tmp_path / "baselines.json"
    spec = {"engine": "baselines", "tier": "small", "seed": 2, "time_limit": 3.0}
    child.run(spec, out)
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["phase"] == "done"
    scenario = load("small", 2)
    plans = plan_baselines(scenario).plans
    for name in BASELINES:
        kpis = evaluate_plan(
            scenario, plans[name], samples=DEFAULT_SAMPLES, seed=2, uncertainty=Uncertainty()
        )
        assert record[name]["expected_coverage"] == pytest.approx(kpis.expected_coverage, abs=1e-12)
        assert record[name]["worst_decile_coverage"] == pytest.approx(
            kpis.worst_decile_coverage, abs=1e-12
        )


@pytest.fixture
def two_areas_file(tmp_path: Path) -> Path:
    """The decomposition tests' two subdistricts (5 weeks) as a scenario file."""
    path = tmp_path / "two-areas.yaml"
    write_scenario(two_areas(weeks=5), path)
    return path


def _spec(path: Path, **extra: Any) -> dict[str, Any]:
    return {
        "engine": "cultplan",
        "tier": f"file:{path}",
        "seed": 1,
        "time_limit": 10.0,
        "gap": 0.005,
        "workers": 1,
        **extra,
    }


def test_decompose_yes_solves_by_subdistrict_and_no_solves_whole(
    two_areas_file: Path, tmp_path: Path
) -> None:
    """A cultplan run with ``decompose: yes`` on two subdistricts records two parts
    (each with its area, time limit and whether it found its own plan), its phases
    (no cluster in turn, the shared phase, the parts, putting them together) adding
    up to its wall time, and the
    parts' model sizes summed; with ``no`` the same scenario is one model, no parts.
    Both plans pass the validator."""
    by_parts = tmp_path / "parts.json"
    run_job(_spec(two_areas_file, decompose="yes"), by_parts)
    record = json.loads(by_parts.read_text(encoding="utf-8"))
    assert record["phase"] == "done" and record["valid"] is True
    assert record["parts"] == 2
    assert [p["area"] for p in record["part_runs"]] == list(AREAS)
    assert record["parts_with_plan"] == sum(p["own_plan"] for p in record["part_runs"])
    assert all(0 < p["time_limit"] <= 10.0 for p in record["part_runs"])
    phases = ("cluster_s", "shared_s", "parts_s", "assemble_s")
    assert sum(record[k] for k in phases) == pytest.approx(record["wall_s"], abs=1e-6)
    assert record["build_s"] == pytest.approx(record["cluster_s"] + record["shared_s"])
    assert record["slots"] == 1 and record["cluster_s"] < 0.1  # in turn: no cluster
    assert record["options"] > 0 and record["variables"] >= record["options"]
    whole = tmp_path / "whole.json"
    run_job(_spec(two_areas_file, decompose="no"), whole)
    record = json.loads(whole.read_text(encoding="utf-8"))
    assert record["valid"] is True
    assert record["parts"] == 0 and record["parts_with_plan"] == 0
    assert "part_runs" not in record


def test_a_part_time_gives_every_part_that_limit(two_areas_file: Path) -> None:
    """The parts' log around a runner that keeps each task's limit gives every part the
    same fixed time (whatever the solve's time limit would share out), and notes each
    part's result and when the parts began and ended."""
    del two_areas_file
    seen: list[float] = []

    def serial(
        tasks: Sequence[PartTask], stop: threading.Event | None, deadline: float
    ) -> Iterator[tuple[int, Result]]:
        for task in tasks:
            seen.append(task.params.time_limit)
            yield task.index, solve_part(task)

    log = PartsLog(serial, part_time=1.5)
    params = SolveParams(time_limit=60, workers=1, seed=0, decompose="yes")
    result = solve_by_parts(two_areas(weeks=5), params, runner=log.run)
    assert seen == [1.5, 1.5]
    assert log.limits == {0: 1.5, 1: 1.5}
    assert sorted(log.results) == [0, 1]
    assert log.began is not None and log.ended is not None and log.began <= log.ended
    assert [p.area for p in result.parts] == list(AREAS)


def test_the_benchmark_command_runs_the_parts_on_dask_and_counts_their_memory(
    two_areas_file: Path, tmp_path: Path
) -> None:
    """``python -m benchmarks run --decompose yes --dask-workers 2`` on two subdistricts:
    the row says the setting, two parts and how many found their own plan; the plan is
    validated; the Dask cluster started inside the run counts in its time (``build_s``)
    and its two worker processes in the summed memory of the run's processes, which
    exceeds the run's own peak."""
    out = tmp_path / "results.csv"
    printed = _run_benchmark(
        [
            "--tier",
            f"file:{two_areas_file}",
            "--seeds",
            "1",
            "--engines",
            "cultplan",
            "--decompose",
            "yes",
            "--dask-workers",
            "2",
            "--time-limit",
            "20",
            "--out",
            str(out),
        ]
    )
    with out.open(encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["decompose"], row["dask_workers"], row["parts"]) == ("yes", "2", "2")
    assert 0 <= int(row["parts_with_plan"]) <= 2
    assert row["validated"] == "yes" and row["status"] == "feasible"
    assert float(row["tree_peak_mib"]) > 1.5 * float(row["peak_mib"])
    record = json.loads(next((tmp_path / "results.csv.runs").glob("*-cultplan.json")).read_text())
    assert record["slots"] == 2 and record["cluster_s"] > 0
    assert record["build_s"] >= record["cluster_s"] + record["shared_s"] - 1e-6
    assert "decompose yes, parts on 2 Dask workers" in printed


def test_the_memory_of_a_process_tree_sums_its_descendants(tmp_path: Path) -> None:
    """A process whose grandchild holds 200 MiB: the tree's resident memory counts the
    grandchild, which the process's own resident memory does not."""
    script = tmp_path / "tree.py"
    script.write_text(
        textwrap.dedent(
            """
            import subprocess, sys
            hog = "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096]); "
            hog += "print('ready', flush=True); input()"
            child = subprocess.Popen([sys.executable, "-c", hog], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
            child.stdout.readline()
            print("ready", flush=True)
            input()
            child.communicate("")
            """
        ),
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        own = Path(f"/proc/{proc.pid}/status").read_text()
        own_mib = next(int(x.split()[1]) for x in own.splitlines() if x.startswith("VmRSS"))
        tree = tree_rss_mib(proc.pid)
        assert own_mib / 1024 < 100
        assert tree > 200
    finally:
        proc.communicate("", timeout=30)
    assert tree_rss_mib(proc.pid) == 0.0
