"""A smoke run of the service's load benchmark (``python -m benchmarks.service_load``):
a real server on a small scenario, 200 requests from 5 clients."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmarks import service_load
from tests.api.support import small_yaml


def test_the_load_benchmark_runs_and_prints_its_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The benchmark starts a server, pulls the committees' documents with their own
    tokens while a solve runs, publishes, and prints latency percentiles, requests per
    second, publish times, the load average and the targets' verdict; every answer was
    a 200 and the JSON file holds the same figures."""
    scenario = tmp_path / "small.yaml"
    scenario.write_text(small_yaml(), encoding="utf-8")
    figures = tmp_path / "figures.json"
    code = service_load.main(
        [
            "--scenario", str(scenario),
            "--requests", "200",
            "--clients", "5",
            "--warmup", "10",
            "--publishes", "2",
            "--bootstrap-limit", "3",
            "--plan-limit", "2",
            "--solve-limit", "30",
            "--json", str(figures),
        ]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert re.search(r"200 requests, p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms, max", printed)
    assert re.search(r"\d+ requests/s", printed)
    assert re.search(r"publish: 2 times, p50 \d+ ms, max \d+ ms \(first publish \d+ ms\)", printed)
    assert "load average" in printed and "targets: p99" in printed
    saved = json.loads(figures.read_text(encoding="utf-8"))
    assert saved["latencies"] and all(x["statuses"] == {"200": 200} for x in saved["latencies"])
    assert len(saved["publish_seconds"]) == 2
