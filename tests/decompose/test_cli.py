"""``cultplan solve --decompose``, ``--dask-workers`` and ``--scheduler``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner import cli, i18n
from planner.io import write_scenario
from planner.sweep import parts
from tests.decompose.support import two_areas, two_areas_data
from tests.factories import base_data, build


def run(*args: object, lang: str = "en") -> tuple[int, str]:
    """Run ``cultplan`` in-process: exit code and output (stdout and stderr)."""
    result = CliRunner().invoke(cli.app, [str(a) for a in args], env={"CULTPLAN_LANG": lang})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def _keep_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line sets the process's language; put it back after each test."""
    monkeypatch.setattr(i18n, "_process_language", i18n._process_language)


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """The two-subdistrict scenario as a file."""
    path = tmp_path / "two.yaml"
    write_scenario(two_areas(), path)
    return path


def test_decompose_yes_writes_the_parts_and_the_setting(scenario: Path, tmp_path: Path) -> None:
    """``--decompose Yes`` (any case) solves subdistrict by subdistrict: ``kpis.json``
    records the setting, where the parts ran and one report per subdistrict, and the
    plan keeps every rule."""
    out = tmp_path / "out"
    code, output = run(
        "solve", scenario, "--decompose", "Yes", "--workers", 1, "--time-limit", 20,
        "--quiet", "--out", out,
    )  # fmt: skip
    assert code == 0, output
    report = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert report["run"]["decompose"] == "yes"
    assert report["run"]["parts_on"] == "in turn"
    assert all(p["ran"] for p in report["stats"]["parts"])
    assert [p["area"] for p in report["stats"]["parts"]] == ["东街道", "西街道"]
    assert report["violations"] == []
    assert "subdistrict by subdistrict" in output


def test_bad_part_options_are_all_named(scenario: Path) -> None:
    """Bad ``--decompose``, ``--dask-workers`` and ``--scheduler`` values, and both cluster
    options at once, are refused together with exit code 2, nothing solved."""
    code, output = run(
        "solve", scenario, "--decompose", "maybe", "--dask-workers", 0,
        "--scheduler", "inproc://x",
    )  # fmt: skip
    assert code == 2
    for text in ("--decompose maybe", "--dask-workers 0", "--dask-workers and --scheduler"):
        assert text in output
    assert "--scheduler inproc://x" in output


def test_an_unreachable_scheduler_is_an_input_error(
    scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scheduler nobody answers at is named with why, exit code 2, within the
    connection time, not a program defect; before it, a line says the scheduler is
    being reached (seconds of the time limit, before any progress line)."""
    monkeypatch.setattr(parts, "CONNECT_SECONDS", 1.0)
    code, output = run(
        "solve", scenario, "--decompose", "yes", "--scheduler", "tcp://127.0.0.1:9",
        "--time-limit", 20,
    )  # fmt: skip
    assert code == 2, output
    assert "connecting to the Dask scheduler tcp://127.0.0.1:9…" in output
    assert "cannot use the Dask cluster tcp://127.0.0.1:9" in output
    assert output.index("connecting") < output.index("cannot use")


def test_quiet_says_nothing_before_reaching_the_scheduler_and_chinese_is_the_default(
    scenario: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``--quiet`` no line comes before the cluster is reached (the error still
    does); without a language set, the line is Chinese."""
    monkeypatch.setattr(parts, "CONNECT_SECONDS", 1.0)
    args = ("solve", scenario, "--decompose", "yes", "--scheduler", "tcp://127.0.0.1:9")
    code, output = run(*args, "--time-limit", 20, "--quiet")
    assert code == 2, output
    assert "connecting" not in output and "cannot use the Dask cluster" in output
    code, output = run(*args, "--time-limit", 20, lang="zh_CN")
    assert code == 2, output
    assert "正在连接 Dask 调度器 tcp://127.0.0.1:9…" in output


def test_the_local_cluster_line_counts_its_worker_processes() -> None:
    """The line said before a local cluster starts counts its worker processes, in the
    singular for one, and in Chinese by default."""
    from planner.cli_support import cluster_start_text
    from planner.i18n import use_language

    with use_language("en"):
        assert cluster_start_text(None, 1) == "starting a local Dask cluster of 1 worker process…"
        assert cluster_start_text(None, 2) == (
            "starting a local Dask cluster of 2 worker processes…"
        )
    with use_language("zh_CN"):
        assert cluster_start_text(None, 2) == "正在启动本机 Dask 集群（2 个工作进程）…"


def test_decompose_yes_on_a_scenario_that_cannot_be_split_says_so(tmp_path: Path) -> None:
    """``--decompose yes`` on a scenario of one subdistrict says it is solved whole
    rather than silently ignoring the setting."""
    path = tmp_path / "one.yaml"
    write_scenario(build(base_data()), path)
    code, output = run("solve", path, "--decompose", "yes", "--time-limit", 10, "--quiet")
    assert code in (0, 4), output
    assert "--decompose yes: the scenario is not split" in output


def test_decompose_yes_solved_whole_because_of_pins_says_so(tmp_path: Path) -> None:
    """``--decompose yes`` on two subdistricts pinned to the shared troupe in the same
    week: the split cannot keep the pins, the scenario is solved whole (infeasible, the
    pins named), and a line says it was not split and why."""
    data = two_areas_data()
    data["pins"] = [
        {"committee": "C1", "product": "performance", "resource": "T9", "first_week": 2},
        {"committee": "C4", "product": "performance", "resource": "T9", "first_week": 2},
    ]
    path = tmp_path / "pinned.yaml"
    write_scenario(build(data), path)
    code, output = run("solve", path, "--decompose", "yes", "--time-limit", 20, "--quiet")
    assert code == 3, output
    assert "--decompose yes: the pins cannot be kept subdistrict by subdistrict" in output
    assert "C1" in output and "C4" in output


def test_cluster_options_on_a_whole_solve_are_said_to_be_unused(tmp_path: Path) -> None:
    """``--dask-workers`` on a scenario that is solved whole says it is not used."""
    path = tmp_path / "one.yaml"
    data = base_data()
    write_scenario(build(data), path)
    code, output = run("solve", path, "--dask-workers", 2, "--time-limit", 10, "--quiet")
    assert code in (0, 4), output
    assert "--dask-workers and --scheduler are not used" in output
