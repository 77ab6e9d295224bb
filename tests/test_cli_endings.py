"""How ``cultplan solve`` ends: exit code, message and files for every way a solve ends.

The command runs in this process (Typer's runner), so that a step of it can be replaced
by a stand-in: a solve that returns the baseline's plan without a bound, a plan that
breaks a rule, an unexpected error, a disk that refuses the files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import planner.solver
from planner import cli, cli_support
from planner.baseline import plan_baseline
from planner.io import write_scenario
from planner.io.output import OUTPUT_FILES
from planner.plan import Plan
from planner.result import Result, SolveStatus, StopReason
from planner.scenario import Scenario
from tests.factories import ask, base_data, build, only, troupe

runner = CliRunner()
CULTPLAN = Path(sys.executable).parent / "cultplan"


def _scenario(lines: int = 1) -> Scenario:
    d = base_data(weeks=3, committees=2)
    d["resources"] = {"troupes": [troupe("T1", "沪剧", shows_per_week=1)]}
    d["demand"] = [ask("C1", "performance", 1) for _ in range(lines)]
    d["demand"].append(ask("C2", "performance", 1))
    d["objective"] = only(coverage=100)
    return build(d)


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    write_scenario(_scenario(), path)
    return path


def _solve(path: Path, out: Path, *extra: str) -> Any:
    args = ["solve", str(path), "--quiet", "--workers", "1", "--out", str(out), *extra]
    return runner.invoke(cli.app, args)


def _returns(monkeypatch: pytest.MonkeyPatch, make: Any) -> None:
    """Make the command's solve return ``make(scenario)`` (or raise what it raises)."""

    def fake(scenario: Scenario, params: Any, **kwargs: Any) -> Result:
        result: Result = make(scenario)
        return result

    monkeypatch.setattr(planner.solver, "solve", fake)


def _fallback(scenario: Scenario, plan: Plan | None = None) -> Result:
    baseline = plan_baseline(scenario)
    return Result(
        status=SolveStatus.FEASIBLE,
        objective=None,
        best_bound=None,
        gap=None,
        wall_seconds=0.1,
        plan=plan or baseline,
        message="the spreadsheet baseline's plan (the search found nothing better in time)",
        stop_reason=StopReason.TIME_LIMIT,
        baseline_plan=baseline,
    )


def test_a_proven_solve_exits_0_says_so_and_records_the_run(
    scenario_file: Path, tmp_path: Path
) -> None:
    """A real solve of a tiny scenario at gap 0 exits 0 and prints "proven optimal";
    kpis.json has an empty ``violations`` list and the run's settings, the input's
    SHA-256 among them."""
    out = tmp_path / "out"
    res = _solve(scenario_file, out, "--seed", "3", "--time-limit", "20", "--gap", "0")
    assert res.exit_code == 0, res.output
    assert "proven optimal" in res.output
    report = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert report["status"] == "optimal" and report["stop_reason"] == "proven"
    assert report["violations"] == []
    run = report["run"]
    assert run["input"] == "tiny.yaml"
    assert run["input_sha256"] == hashlib.sha256(scenario_file.read_bytes()).hexdigest()
    assert (run["seed"], run["workers"], run["time_limit"]) == (3, 1, 20.0)
    assert run["relative_gap"] == 0
    assert run["cultplan_version"] and run["ortools_version"] and run["python_version"]


def test_the_baseline_fallback_without_a_bound_is_printed_and_written(
    scenario_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A solve that ends on the baseline's plan with no bound and no objective (which
    once crashed the command with a TypeError): exit 0, the message printed, every
    file written, no traceback."""
    _returns(monkeypatch, _fallback)
    out = tmp_path / "out"
    res = _solve(scenario_file, out)
    assert res.exit_code == 0, res.output
    assert "the spreadsheet baseline's plan" in res.output
    assert "Traceback" not in res.output
    report = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert report["best_bound"] is None and report["violations"] == []
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)


def test_a_plan_that_breaks_a_rule_exits_5_and_writes_nothing(
    scenario_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan with a second show for a line that asked for one (a bug of the solver)
    is caught by the check before writing: exit 5, the broken rule named, nothing
    written."""

    def broken(scenario: Scenario) -> Result:
        baseline = plan_baseline(scenario)
        first = next(iter(baseline))
        week = 3 if first.first_week != 3 else 2
        extra = dataclasses.replace(first, first_week=week, last_week=week)
        return _fallback(scenario, Plan.of([*baseline, extra]))

    _returns(monkeypatch, broken)
    out = tmp_path / "out"
    res = _solve(scenario_file, out)
    assert res.exit_code == cli.EXIT_BROKEN_PLAN == 5, res.output
    assert "bug: the plan found breaks 1 hard rule(s); nothing written" in res.output
    assert "demand_limit" in res.output
    assert not out.exists()


def test_no_time_left_for_building_exits_4_and_says_what_took_the_time(
    scenario_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When reading and the report's reserve leave no time for the solve (here: 100 s
    kept back from a 5 s limit), building gives up at once: exit 4, nothing written,
    within the limit, and the message says what took the time."""
    monkeypatch.setattr(cli, "report_reserve", lambda s, read, writes, limit: 100.0)
    out = tmp_path / "out"
    began = time.perf_counter()
    res = _solve(scenario_file, out, "--time-limit", "5")
    assert time.perf_counter() - began < 5
    assert res.exit_code == cli.EXIT_NO_PLAN == 4, res.output
    assert "no time was left to build the model within the time limit of 5 s" in res.output
    assert "reading the scenario took " in res.output
    assert "100.0 s are kept for the report and the files" in res.output
    assert not out.exists()


def test_an_unexpected_error_is_one_line_with_exit_1(
    scenario_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception inside the solve (a bug) ends the command with exit 1 and one line
    naming it, not a traceback."""

    def boom(scenario: Scenario) -> Result:
        raise RuntimeError("boom")

    _returns(monkeypatch, boom)
    monkeypatch.delenv("CULTPLAN_TRACEBACK", raising=False)
    res = _solve(scenario_file, tmp_path / "out")
    assert res.exit_code == cli_support.EXIT_BUG == 1
    assert "internal error (a bug): RuntimeError: boom" in res.output
    assert "Traceback" not in res.output


def test_an_output_folder_that_cannot_be_written_exits_6(
    scenario_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails (a full disk) ends with exit 6 and the reason, no traceback."""
    _returns(monkeypatch, _fallback)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cli, "write_output_folder", full)
    res = _solve(scenario_file, tmp_path / "out")
    assert res.exit_code == cli.EXIT_WRITE_FAILED == 6
    assert "could not write: disk full" in res.output
    assert "Traceback" not in res.output


def test_the_report_reserve_grows_with_the_lines_and_the_machine_load() -> None:
    """The time kept back for the report is at least the minimum, grows with the demand
    lines: at least what a quiet machine takes a line, up to what a loaded one takes as
    far as a multiple of the reading time says the machine is slow; smaller without
    files."""
    reserve = cli_support.report_reserve
    assert reserve(_scenario(), 0.0, True) == cli_support.REPORT_SECONDS_MIN
    many = _scenario(lines=400)
    lines = len(many.demand_lines)
    with_files = reserve(many, 100.0, True)
    assert with_files == pytest.approx(cli_support.REPORT_SECONDS_PER_LINE * lines)
    # A quick read does not bring it below a quiet machine's time a line ...
    quiet = cli_support.REPORT_SECONDS_PER_LINE_QUIET * lines
    assert reserve(many, 0.0, True) == pytest.approx(max(quiet, cli_support.REPORT_SECONDS_MIN))
    # ... and a slower one raises it, up to the loaded machine's.
    slow = 1.5 * quiet / cli_support.REPORT_READ_RATIO
    assert reserve(many, slow, True) == pytest.approx(1.5 * quiet)
    assert reserve(many, 100.0, False) < with_files
    # Never more than a share of the time limit (a city's lines on a short limit).
    assert reserve(many, 100.0, True, 2.0) == pytest.approx(cli_support.REPORT_SHARE_MAX * 2.0)


def test_a_closed_stdout_still_writes_the_plan(scenario_file: Path, tmp_path: Path) -> None:
    """``cultplan solve … | head -1``: stdout is a pipe whose reader has gone before the
    summary is printed; the output folder is still written, exit 0, no error."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader stops before anything is printed: every print fails
    out = tmp_path / "out"
    args = [str(scenario_file), "--quiet", "--workers", "1", "--time-limit", "20"]
    try:
        proc = subprocess.run(
            [str(CULTPLAN), "solve", *args, "--out", str(out)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)


def test_gap_accepts_a_trailing_percent_sign(scenario_file: Path, tmp_path: Path) -> None:
    """``--gap 0.5%`` is the same as ``--gap 0.5``; a word is still refused, exit 2."""
    out = tmp_path / "out"
    res = _solve(scenario_file, out, "--gap", "0.5%", "--time-limit", "20")
    assert res.exit_code == 0, res.output
    report = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert report["run"]["relative_gap"] == 0.005
    assert _solve(scenario_file, tmp_path / "other", "--gap", "half").exit_code == 2


def test_generate_refuses_a_negative_seed(tmp_path: Path) -> None:
    """``generate --seed -3`` is refused as solve refuses it: exit 2, nothing written."""
    target = tmp_path / "s.yaml"
    res = runner.invoke(cli.app, ["generate", "--seed", "-3", "--out", str(target)])
    assert res.exit_code == cli.EXIT_INVALID == 2
    assert "--seed -3" in res.output
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "option"), [(["--tier", "town"], "--tier town: "), (["--weeks", "0"], "--weeks 0: ")]
)
def test_generate_names_the_option_it_refuses(tmp_path: Path, args: list[str], option: str) -> None:
    """An unknown tier or a season length out of range is refused, exit 2, with the
    option and its value leading the reason."""
    res = runner.invoke(cli.app, ["generate", *args, "--out", str(tmp_path / "s.yaml")])
    assert res.exit_code == cli.EXIT_INVALID
    assert res.output.startswith(option), res.output
