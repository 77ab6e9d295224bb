"""Sweeps on a real Dask LocalCluster of two worker processes equal the serial run."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import socket
from pathlib import Path

import pytest

from planner.sweep import read_spec, run_sweep, write_table
from tests.sweep.support import write_spec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _workers_import_this_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes import ``planner`` from this tree, as the test process does."""
    path = os.environ.get("PYTHONPATH", "")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(p for p in (str(ROOT), path) if p))


def test_a_local_cluster_of_two_processes_gives_the_serial_results(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], recwarn: pytest.WarningsRecorder
) -> None:
    """Every variant solved on two Dask worker processes (one thread each, so one
    CP-SAT worker per solve, fixed seed, proven optima) gives the status, objective,
    bound, KPIs and the very plan of the serial run; every plan passes the validator,
    and the Dask workers' threads set the solves' CP-SAT workers. The cluster starts
    and closes without a word on stderr or a warning of Dask's, even with port 8787
    (Dask's default for its web server) taken."""
    spec = read_spec(write_spec(tmp_path))
    serial = run_sweep(spec, local=True)
    seen: list[tuple[int, int]] = []
    capfd.readouterr()
    with socket.socket() as taken:
        with contextlib.suppress(OSError):  # already taken by something else: as good
            taken.bind(("", 8787))
            taken.listen()
        on_dask = run_sweep(spec, n_workers=2, on_done=lambda k, n, r: seen.append((k, n)))
    assert capfd.readouterr().err == ""
    assert [str(w.message) for w in recwarn if "distributed" in w.filename] == []
    assert [r.name for r in on_dask] == [v.name for v in spec.variants]
    assert on_dask == serial
    assert [r.plan for r in on_dask] == [r.plan for r in serial]
    assert all(r.validated and r.status == "optimal" for r in on_dask)
    assert {r.threads for r in on_dask} == {1}
    assert seen == [(k, len(spec.variants)) for k in range(1, len(spec.variants) + 1)]
    # The changes change the outcome: the troupe away for half the season loses shows.
    by_name = {r.name: r for r in serial}
    assert by_name["剧团外出"].kpis["coverage"] < by_name["现状"].kpis["coverage"]


def test_the_table_has_one_row_per_variant(tmp_path: Path) -> None:
    """The CSV and JSON tables list every variant with its KPIs and validation, in
    order, and each variant's plan is written."""
    spec = read_spec(write_spec(tmp_path))
    results = run_sweep(spec, local=True)
    from planner.io.scenario_yaml import scenario_from_dict

    scenarios = {v.index: scenario_from_dict(v.data) for v in spec.variants}
    write_table(results, tmp_path / "out", scenarios)
    with (tmp_path / "out" / "sweep.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == [v.name for v in spec.variants]
    assert all(r["validated"] == "True" for r in rows)
    details = json.loads((tmp_path / "out" / "sweep.json").read_text(encoding="utf-8"))
    assert [d["coverage"] for d in details] == [r.kpis["coverage"] for r in results]
    assert (tmp_path / "out" / "plans" / "0" / "deliveries.csv").is_file()
