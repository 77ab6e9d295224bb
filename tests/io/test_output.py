"""The kpis.json report and the all-or-nothing output folder, as library functions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.baseline import plan_baseline
from planner.io import output
from planner.io.output import OUTPUT_FILES, write_output_folder
from planner.kpis import compute_kpis
from planner.plan import Plan
from planner.report import solve_report
from planner.result import Result, SolveStatus, StopReason
from planner.scenario import Scenario
from tests.factories import ask, base_data, build, troupe


def _scenario() -> Scenario:
    data = base_data(weeks=4, committees=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", 2), ask("C2", "performance", 1)]
    return build(data)


def _result(scenario: Scenario) -> Result:
    """A result carrying the baseline's plan, as a stopped solve returns it."""
    return Result(
        status=SolveStatus.FEASIBLE,
        objective=None,
        best_bound=None,
        gap=None,
        wall_seconds=0.5,
        plan=plan_baseline(scenario),
        message="this is the spreadsheet baseline's plan",
        stop_reason=StopReason.STOPPED,
    )


def test_report_has_solve_figures_kpis_terms_and_baseline() -> None:
    """The report names the status, stop reason and message, carries the plan's KPIs
    and the baseline's, and is JSON-serialisable."""
    scenario = _scenario()
    report = solve_report(scenario, _result(scenario))
    assert report["status"] == "feasible"
    assert report["stop_reason"] == "stopped"
    assert report["message"] == "this is the spreadsheet baseline's plan"
    assert report["best_bound"] is None
    # Two committees each get the troupe's show in some week: 3 asked, 3 fit in 4 weeks.
    assert report["num_deliveries"] == 3
    assert report["baseline"]["num_deliveries"] == 3
    assert report["baselines"]["greedy"]["num_deliveries"] == 3
    assert report["gains"]["baseline"] in {"spreadsheet", "greedy"}
    # The stop reason is reported once, at the top level; stats hold the search figures.
    assert report["stats"] == {"stages": {}}
    json.dumps(report)


def test_report_refuses_a_result_without_a_plan() -> None:
    """A result without a plan has nothing to report on: a ValueError names its status."""
    scenario = _scenario()
    empty = Result(SolveStatus.INFEASIBLE, None, None, None, 0.1, None)
    with pytest.raises(ValueError, match="a infeasible result has no plan"):
        solve_report(scenario, empty)


def test_output_folder_holds_every_file(tmp_path: Path) -> None:
    """Every output file and each committee's calendar (CSV and page, named by id and
    name) are written."""
    scenario = _scenario()
    result = _result(scenario)
    assert result.plan is not None
    kpis = compute_kpis(scenario, result.plan)
    out = write_output_folder(
        tmp_path / "out", scenario, result.plan, solve_report(scenario, result), kpis
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert sorted(p.name for p in (out / "calendars").iterdir()) == [
        "C1-测试1居委会.csv",
        "C1-测试1居委会.html",
        "C2-测试2居委会.csv",
        "C2-测试2居委会.html",
    ]
    assert json.loads((out / "kpis.json").read_text(encoding="utf-8"))["status"] == "feasible"


def test_failed_write_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing (here: the calendars) changes nothing already in the
    output folder and leaves no staging folder behind."""
    scenario = _scenario()
    result = _result(scenario)
    assert result.plan is not None
    out = tmp_path / "out"
    out.mkdir()
    (out / "deliveries.csv").write_text("edited by hand", encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(output, "write_calendars", broken)
    kpis = compute_kpis(scenario, result.plan)
    with pytest.raises(OSError, match="disk full"):
        write_output_folder(out, scenario, result.plan, solve_report(scenario, result), kpis)
    assert [p.name for p in out.iterdir()] == ["deliveries.csv"]
    assert (out / "deliveries.csv").read_text(encoding="utf-8") == "edited by hand"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_failed_move_puts_the_old_files_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When moving the new files into place fails half-way (here: at the calendars), the
    files already moved are taken out and the old ones, calendars included, put back."""
    scenario = _scenario()
    result = _result(scenario)
    assert result.plan is not None
    kpis = compute_kpis(scenario, result.plan)
    report = solve_report(scenario, result)
    out = write_output_folder(tmp_path / "out", scenario, result.plan, report, kpis)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (out / "notes.txt").write_text("the planner's own file", encoding="utf-8")
    real_replace = Path.replace

    def failing_replace(self: Path, target: str | Path) -> Path:
        # Only the new calendars, coming from the staging folder, fail to move.
        if self.name == "calendars" and self.parent.name.startswith(".cultplan-"):
            raise OSError("device busy")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)
    other = Plan.of(list(result.plan)[:1])
    with pytest.raises(OSError, match="device busy"):
        write_output_folder(out, scenario, other, report, compute_kpis(scenario, other))
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after.pop(Path("notes.txt")) == b"the planner's own file"
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
