"""The benchmark suite's command end to end on a tiny instance, and a run killed at its limit."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.suite import COLUMNS, ROOT, run_child


def test_the_benchmark_command_writes_every_column_and_validates_every_plan(
    tmp_path: Path,
) -> None:
    """``python -m benchmarks run`` on the 4-week subdistrict instance: one row per
    engine with every column, each engine's plan checked by the validator (its run's
    record holds the validator's verdict), the baselines' KPIs beside the plan's, the
    ratios against cultplan filled for the peers, and the table printed as it goes."""
    out = tmp_path / "results.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "run",
            "--tier",
            "small",
            "--seeds",
            "1",
            "--time-limit",
            "3",
            "--margin",
            "20",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
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
    assert "small seed 1, highs ÷ cultplan, time to 0.5 %: own bound" in done.stdout


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
