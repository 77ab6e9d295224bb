"""End-to-end tests of the ``cultplan`` command line, run as the installed console script."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from rich.console import Console

from planner import cli, cli_summary, wording
from planner.baseline import plan_baseline, plan_baselines
from planner.io import read_deliveries
from planner.kpis import Kpis, compute_kpis
from planner.plan import Plan
from planner.report import kpis_of_baselines, solve_report
from planner.result import Result, SolveStatus
from planner.scenario import Product, Scenario
from planner.score import TOLERANCE, score_plan
from planner.validate import check_plan
from tests.factories import REFERENCE, ask, base_data, book_set, build, pin, show, troupe

CULTPLAN = Path(sys.executable).parent / "cultplan"

#: Deterministic, quiet solves: one worker, seed 0, no progress bar.
SOLVE = ["--workers", "1", "--seed", "0", "--quiet"]

DELIVERY_COLUMNS = {
    "delivery_id",
    "committee_id",
    "committee_name",
    "product",
    "resource_id",
    "first_week",
    "last_week",
    "first_date",
    "last_date",
}
KPI_KEYS = {"coverage", "min_coverage", "jain_index", "gini"}
SOLVE_KEYS = {"status", "objective", "best_bound", "gap", "wall_seconds"}
PRODUCTS = {p.value for p in Product}

#: Environment variables that would make rich colour or resize the output.
_TERMINAL_VARS = {"FORCE_COLOR", "COLUMNS", "LINES", "TTY_COMPATIBLE", "TTY_INTERACTIVE"}


def cultplan(*args: object, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the console script with ``args`` and capture its output as UTF-8 text."""
    env = {k: v for k, v in os.environ.items() if k not in _TERMINAL_VARS}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [str(CULTPLAN), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=timeout,
        check=False,
    )


def says(text: str, expected: str) -> bool:
    """Whether ``text`` contains ``expected``, whitespace ignored.

    rich folds long lines (even inside a file name) at the console width; this helper
    looks through that, and ``test_each_problem_is_reported_on_one_line`` checks it.
    """
    return "".join(expected.split()) in "".join(text.split())


def both(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout + proc.stderr


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def solved(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """One solve of the reference scenario, shared by the tests that read its outputs."""
    out = tmp_path_factory.mktemp("solve") / "out"
    proc = cultplan("solve", REFERENCE, *SOLVE, "--time-limit", 6, "--out", out)
    return proc, out


@pytest.fixture(scope="module")
def kpis_json(solved: tuple[subprocess.CompletedProcess[str], Path]) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((solved[1] / "kpis.json").read_text(encoding="utf-8"))
    return data


# -- solve ---------------------------------------------------------------------------


def test_solve_reference_exits_0_and_writes_outputs(
    solved: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """Solving the reference scenario exits 0 and writes deliveries, KPIs and calendars."""
    proc, out = solved
    assert proc.returncode == 0, both(proc)
    assert "Traceback" not in both(proc)
    assert (out / "deliveries.csv").is_file()
    assert (out / "kpis.json").is_file()
    assert (out / "calendars").is_dir()
    # The outputs are staged beside the folder and moved in: no staging folder is left.
    assert [p.name for p in out.parent.iterdir()] == ["out"]


def test_deliveries_csv_has_columns_products_and_dates(
    solved: tuple[subprocess.CompletedProcess[str], Path], reference: Scenario
) -> None:
    """deliveries.csv has the documented columns, known products and week-consistent dates."""
    rows = read_csv(solved[1] / "deliveries.csv")
    assert rows
    assert set(rows[0]) >= DELIVERY_COLUMNS
    assert {r["product"] for r in rows} <= PRODUCTS
    start = reference.season.start
    for r in rows:
        first, last = int(r["first_week"]), int(r["last_week"])
        assert 1 <= first <= last <= reference.season.weeks
        assert r["first_date"] == (start + dt.timedelta(weeks=first - 1)).isoformat()
        assert r["last_date"] == (start + dt.timedelta(weeks=last, days=-1)).isoformat()


def test_committee_names_survive_in_utf8(
    solved: tuple[subprocess.CompletedProcess[str], Path], reference: Scenario
) -> None:
    """Chinese committee names are written intact and match the scenario's names."""
    rows = read_csv(solved[1] / "deliveries.csv")
    names = {c.id: c.name for c in reference.committees}
    assert "武东居委会" in {r["committee_name"] for r in rows}
    assert all(r["committee_name"] == names[r["committee_id"]] for r in rows)


def test_delivery_ids_are_unique_and_derived(
    solved: tuple[subprocess.CompletedProcess[str], Path], reference: Scenario
) -> None:
    """Each delivery_id is unique and reads committee:product:unit:wNN of its own row."""
    rows = read_csv(solved[1] / "deliveries.csv")
    ids = [r["delivery_id"] for r in rows]
    assert len(ids) == len(set(ids))
    pattern = re.compile(r"^[^:]+:[a-z_]+:[^:]+:w\d{2}$")
    for r in rows:
        unit = reference.unit_of_copy[r["resource_id"]]
        expected = f"{r['committee_id']}:{r['product']}:{unit}:w{int(r['first_week']):02d}"
        assert pattern.match(r["delivery_id"]), r["delivery_id"]
        assert r["delivery_id"] == expected


def test_one_calendar_per_committee(
    solved: tuple[subprocess.CompletedProcess[str], Path], reference: Scenario
) -> None:
    """calendars/ holds <id>-<name>.csv and .html for each of the 32 committees."""
    files = sorted(p.name for p in (solved[1] / "calendars").iterdir())
    assert len(reference.committees) == 32
    expected = [f"{c.id}-{c.name}.{ext}" for c in reference.committees for ext in ("csv", "html")]
    assert files == sorted(expected)


def test_written_plan_keeps_every_hard_rule(
    solved: tuple[subprocess.CompletedProcess[str], Path], reference: Scenario
) -> None:
    """The plan read back from deliveries.csv breaks no hard rule."""
    plan = read_deliveries(solved[1] / "deliveries.csv", reference)
    assert len(plan) > 0
    assert [str(v) for v in check_plan(reference, plan)] == []


def test_written_plan_scores_the_objective_kpis_json_reports(
    solved: tuple[subprocess.CompletedProcess[str], Path],
    reference: Scenario,
    kpis_json: dict[str, Any],
) -> None:
    """The plan read back from deliveries.csv, scored without the solver, gives the
    objective and the named terms that kpis.json reports."""
    plan = read_deliveries(solved[1] / "deliveries.csv", reference)
    score = score_plan(reference, plan)
    assert abs(score.total - kpis_json["objective"]) <= TOLERANCE
    assert kpis_json["terms"].keys() == score.term_points().keys()
    for name, points in score.term_points().items():
        assert abs(points - kpis_json["terms"][name]) <= TOLERANCE, name


def test_kpis_json_has_solve_figures_kpis_and_baseline(kpis_json: dict[str, Any]) -> None:
    """kpis.json holds the solve figures, the KPIs, the baseline's KPIs, the plan's
    (empty) list of broken rules and the run's settings."""
    assert set(kpis_json) >= SOLVE_KEYS | KPI_KEYS | {"baseline", "violations", "run"}
    assert set(kpis_json["baseline"]) >= KPI_KEYS
    assert kpis_json["status"] in {"optimal", "feasible"}
    assert kpis_json["violations"] == []
    assert kpis_json["run"]["input"] == REFERENCE.name
    assert set(kpis_json["run"]) >= {"input_sha256", "seed", "workers", "time_limit"}


def test_summary_and_kpis_json_count_committees_below_their_baseline(
    solved: tuple[subprocess.CompletedProcess[str], Path], kpis_json: dict[str, Any]
) -> None:
    """kpis.json counts the committees (and residents) below their baseline coverage,
    and the printed summary gives the same counts."""
    below = kpis_json["below_baseline"]
    assert below["num_committees"] == len(below["committees"])
    line = (
        f"below their spreadsheet-baseline coverage: {below['num_committees']} committees "
        f"({below['num_residents']:,} residents)"
    )
    assert says(solved[0].stdout, line), solved[0].stdout


def test_summary_says_how_the_solve_ended_once_and_which_baseline_it_compares_with(
    solved: tuple[subprocess.CompletedProcess[str], Path], kpis_json: dict[str, Any]
) -> None:
    """The outcome (closeness to the best possible plan) is printed once, in the title;
    the gains line names its baseline; when that is the greedy baseline and the plan is
    less fair than it, the summary says why (the spreadsheet-coverage guarantee)."""
    stdout = solved[0].stdout
    assert stdout.count(kpis_json["message"]) == 1, stdout
    assert stdout.count("of the best possible plan") <= 1, stdout
    assert "within the gap limit" not in stdout
    gains = kpis_json["gains"]
    assert says(stdout, f"against the {gains['baseline']} baseline"), stdout
    less_fair = gains["min_coverage"] < 0 or gains["jain_index"] < 0 or gains["gini"] > 0
    noted = says(stdout, "why less fair than the greedy baseline")
    assert noted == (gains["baseline"] == "greedy" and less_fair), stdout
    assert says(stdout, "coverage by committee against the spreadsheet baseline"), stdout


def test_kpis_json_reports_both_baselines_and_the_gains_over_the_better(
    kpis_json: dict[str, Any],
) -> None:
    """kpis.json holds each baseline's KPIs and points, and the gains are stated against
    the one with more points; the spreadsheet's KPIs stay under ``baseline``."""
    baselines = kpis_json["baselines"]
    assert set(baselines) == {"spreadsheet", "greedy"}
    for name in baselines:
        assert set(baselines[name]) >= KPI_KEYS | {"objective", "terms"}
        # The terms are exact points; the objective is in the model's points, whose
        # coefficients are rounded to 1/1000 point (at most four per delivery).
        rounding = 0.002 * baselines[name]["num_deliveries"]
        assert baselines[name]["objective"] == pytest.approx(
            sum(baselines[name]["terms"].values()), abs=rounding
        )
    best = max(baselines, key=lambda name: baselines[name]["objective"])
    gains = kpis_json["gains"]
    assert gains["baseline"] == best
    assert gains["coverage"] == pytest.approx(
        kpis_json["coverage"] - baselines[best]["coverage"], abs=1e-3
    )
    assert kpis_json["baseline"]["coverage"] == baselines["spreadsheet"]["coverage"]


def test_optimised_plan_scores_at_least_the_baseline(kpis_json: dict[str, Any]) -> None:
    """The search starts from the baseline's plan, so the plan it returns scores at
    least as many objective points. (Whether it also beats the baseline on coverage
    and on the worst-served committee within a time limit is measured by
    benchmarks/bench_reference.py, not asserted in a timed test.)"""
    assert kpis_json["objective"] >= kpis_json["stats"]["baseline_objective"] - 1e-6


def test_coverage_csv_and_summary_set_each_committee_beside_its_baseline(
    solved: tuple[subprocess.CompletedProcess[str], Path], reference: Scenario
) -> None:
    """coverage.csv gives every committee's coverage and its coverage under the
    spreadsheet baseline, and the printed summary lists each committee with both."""
    proc, out = solved
    rows = read_csv(out / "coverage.csv")
    assert [r["committee_id"] for r in rows] == [c.id for c in reference.committees]
    base = compute_kpis(reference, plan_baseline(reference)).by_committee
    expected = dict(zip(base["committee_id"], base["coverage"], strict=True))
    for r in rows:
        # coverage.csv gives ratios to 4 decimals
        assert float(r["baseline_coverage"]) == pytest.approx(expected[r["committee_id"]], abs=5e-5)
        now, before = float(r["coverage"]), float(r["baseline_coverage"])
        shown = re.compile(
            rf"{r['committee_id']}\s+{r['committee_name']}\W+(\d+\.\d)%\W+(\d+\.\d)%\W+"
            r"([+-]\d+\.\d) pp"
        )
        match = shown.search(proc.stdout)
        assert match, (r, proc.stdout)
        # The summary shows the unrounded coverages to 0.1 percent points.
        printed = [float(group) for group in match.groups()]
        assert printed == pytest.approx([100 * now, 100 * before, 100 * (now - before)], abs=0.06)


def test_summary_lists_the_lowest_committees_of_a_large_scenario(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond 60 committees the summary shows the 20 lowest and says where the rest
    are; up to 60 it shows every one."""
    data = base_data(weeks=2, committees=61)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask(f"C{i}", "performance") for i in range(1, 62)]
    scenario = build(data)
    plan = Plan.of([show(f"C{i}", 1 + i % 2, f"C{i}/performance/1") for i in (5, 6)])
    kpis = compute_kpis(scenario, plan, baseline=compute_kpis(scenario, Plan()))
    text = printed_committees(monkeypatch, kpis)
    listed = re.findall(r"\b(C\d+) 测试", text)
    # Lowest first: the 59 at 0 % by id (as text: C1, C10, C11, …), C5 and C6 at 100 % last.
    at_zero = sorted(f"C{i}" for i in range(1, 62) if i not in (5, 6))
    assert listed == at_zero[:20]
    assert "41 more committees not shown" in text
    # Three committees that asked for nothing: all listed, no baseline given.
    small = compute_kpis(build(base_data(committees=3)), Plan())
    text = printed_committees(monkeypatch, small)
    assert len(re.findall(r"\bC\d 测试\d居委会\W+100\.0%\W+-\W+-", text)) == 3, text


def test_the_kpi_table_rounds_each_kpi_once() -> None:
    """The summary's KPI table rounds the KPIs as computed, not those of ``kpis.json``
    (rounded to 4 decimals already): a minimum coverage of 0.326549 (0.3265 in the
    report) shows as 32.7 %, not 32.6 %, and a baseline's 0.00154999 (0.0015) as 0.2 %,
    not 0.1 %; the gains line below it subtracts the same unrounded values."""
    data = base_data(weeks=2, committees=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance"), ask("C2", "performance")]
    scenario = build(data)
    plan = Plan.of([show("C1", 1, "C1/performance/1")])
    result = Result(
        status=SolveStatus.FEASIBLE,
        objective=score_plan(scenario, plan).total,
        best_bound=None,
        gap=None,
        wall_seconds=0.1,
        plan=plan,
        message="a plan",
    )
    baselines = plan_baselines(scenario)
    both = kpis_of_baselines(scenario, baselines)
    both["greedy"] = dataclasses.replace(both["greedy"], min_coverage=0.00154999)
    kpis = compute_kpis(scenario, plan, baseline=both["spreadsheet"])
    kpis = dataclasses.replace(kpis, min_coverage=0.326549, jain_index=0.98749)
    both = {name: dataclasses.replace(k, jain_index=0.987) for name, k in both.items()}
    report = solve_report(
        scenario, result, kpis, both["spreadsheet"], baselines=baselines, baselines_kpis=both
    )
    assert report["min_coverage"] == 0.3265
    assert report["baselines"]["greedy"]["min_coverage"] == 0.0015
    spreadsheet = f"{both['spreadsheet'].min_coverage:.1%}"
    printed = io.StringIO()
    cli_summary.print_summary(
        Console(file=printed, width=160), scenario, result, report, kpis, both
    )
    row = next(r for r in printed.getvalue().splitlines() if "minimum committee coverage" in r)
    assert re.findall(r"\d+\.\d%", row) == ["32.7%", spreadsheet, "0.2%"], row
    # The gains line subtracts the KPIs as computed too, not the report's.
    best = report["gains"]["baseline"]
    change = f"{100 * (0.326549 - both[best].min_coverage):+.1f}"
    gains = " ".join(printed.getvalue().split())
    assert f"minimum {change} pp" in gains, gains
    assert "Jain +0.000" in gains, gains  # the report's 0.9875 - 0.9870 would show +0.001


def printed_committees(monkeypatch: pytest.MonkeyPatch, kpis: Kpis) -> str:
    """What the summary's committee table prints for ``kpis``."""
    printed = io.StringIO()
    cli_summary.print_committees(Console(file=printed, width=120), kpis)
    return printed.getvalue()


def test_bad_input_lists_every_problem_and_writes_nothing(
    tmp_path: Path, tiny_data: dict[str, Any], out_dir: Path
) -> None:
    """Unknown grid plus negative population: exit 2, both problems with places, no output."""
    data = tiny_data
    data["committees"][0]["grid"] = "G9"
    data["committees"][1]["population"] = -5
    scenario = write_yaml(tmp_path / "bad.yaml", data)
    out = out_dir
    proc = cultplan("solve", scenario, *SOLVE, "--time-limit", 2, "--out", out)
    assert proc.returncode == 2, both(proc)
    assert "Traceback" not in both(proc)
    assert not out.exists()
    assert says(proc.stderr, f"{scenario}:"), proc.stderr
    assert says(
        proc.stderr, "committees[1].population: Input should be greater than or equal to 0"
    ), proc.stderr
    assert says(proc.stderr, "committees[0].grid: unknown grid 'G9'"), proc.stderr
    assert says(proc.stderr, f"{scenario}: 2 problems"), proc.stderr


def test_each_problem_is_reported_on_one_line(tmp_path: Path, tiny_data: dict[str, Any]) -> None:
    """Each problem is one unwrapped ``  FILE:LINE: place: message`` line on stderr."""
    data = tiny_data
    data["committees"][1]["population"] = -5
    scenario = write_yaml(tmp_path / "negative-population.yaml", data)
    proc = cultplan("validate", scenario)
    assert proc.returncode == 2, both(proc)
    line = re.compile(
        rf"^  {re.escape(str(scenario))}:\d+: committees\[1\]\.population: "
        r"Input should be greater than or equal to 0 \(got -5\)$",
        re.MULTILINE,
    )
    assert line.search(proc.stderr), proc.stderr


def _long_stay() -> dict[str, Any]:
    data = base_data(weeks=4)
    data["resources"] = {"book_sets": [book_set("B1", "书", "科普", stay_weeks=9)]}
    return data


def _duplicated_committee() -> dict[str, Any]:
    data = base_data()
    data["committees"][1]["id"] = "C1"
    return data


BAD_FILES: dict[str, tuple[bytes | None, str]] = {
    "malformed": (b"name: x\nseason: [1, 2\n", "malformed YAML"),
    "empty": (b"", "the file is empty"),
    "non-utf8": (b"\xff\xfen\x00a\x00m\x00e\x00:\x00", "the file is UTF-16"),
    "missing": (None, "cannot read file"),
    "duplicated-id": (
        yaml.safe_dump(_duplicated_committee(), allow_unicode=True).encode(),
        "committees[1].id: duplicated id 'C1' (first at committees[0])",
    ),
    "long-stay": (
        yaml.safe_dump(_long_stay(), allow_unicode=True).encode(),
        "resources.book_sets[0].stay_weeks: stay of 9 weeks is longer than the season (4)",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_unreadable_or_invalid_scenario_exits_2(tmp_path: Path, out_dir: Path, case: str) -> None:
    """A broken scenario file exits 2 naming file and problem, no traceback, no output."""
    content, message = BAD_FILES[case]
    scenario = tmp_path / f"{case}.yaml"
    if content is not None:
        scenario.write_bytes(content)
    out = out_dir
    proc = cultplan("solve", scenario, *SOLVE, "--time-limit", 2, "--out", out)
    assert proc.returncode == 2, both(proc)
    assert "Traceback" not in both(proc)
    assert not out.exists()
    assert says(proc.stderr, str(scenario)), proc.stderr
    assert says(proc.stderr, message), proc.stderr


def test_pin_in_a_closed_week_exits_3_with_reason(tmp_path: Path, out_dir: Path) -> None:
    """A pin in the committee's closed week exits 3, names pins[0] and writes nothing."""
    data = base_data(weeks=4, committees=1)
    data["committees"][0]["closed_weeks"] = [2]
    data["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    data["demand"] = [ask("C1", "performance", 1)]
    data["pins"] = [pin("C1", "performance", "T1", 2)]
    scenario = write_yaml(tmp_path / "pinned.yaml", data)
    out = out_dir
    proc = cultplan("solve", scenario, *SOLVE, "--time-limit", 3, "--out", out)
    assert proc.returncode == 3, both(proc)
    assert "Traceback" not in both(proc)
    assert not out.exists()
    assert says(proc.stderr, "infeasible"), proc.stderr
    assert says(proc.stderr, "pins[0]"), proc.stderr
    assert says(proc.stderr, "closed in week 2"), proc.stderr


# -- validate, kpis, schema ----------------------------------------------------------


def test_validate_accepts_the_reference_scenario() -> None:
    """validate exits 0 on the reference scenario and states its size."""
    proc = cultplan("validate", REFERENCE)
    assert proc.returncode == 0, both(proc)
    assert says(proc.stdout, "32 committees"), proc.stdout


def test_validate_accepts_the_solved_plan(
    solved: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    """validate --plan exits 0 on the plan solve wrote."""
    proc = cultplan("validate", REFERENCE, "--plan", solved[1] / "deliveries.csv")
    assert proc.returncode == 0, both(proc)
    assert says(proc.stdout, "keep every hard rule"), proc.stdout


def _duplicate_first_row(rows: list[dict[str, str]], scenario: Scenario) -> str:
    rows.append(dict(rows[0]))
    return "duplicate_delivery"


def _move_into_closed_week(rows: list[dict[str, str]], scenario: Scenario) -> str:
    closed = {c.id: sorted(scenario.closed_weeks(c.id)) for c in scenario.committees}
    row = next(r for r in rows if closed[r["committee_id"]])
    week = closed[row["committee_id"]][0]
    duration = int(row["last_week"]) - int(row["first_week"])
    first = max(1, min(week, scenario.season.weeks - duration))
    row["first_week"], row["last_week"] = str(first), str(first + duration)
    # The dates follow the weeks (dates that disagree with them are refused on reading).
    row["first_date"] = scenario.season.week_start(first).isoformat()
    row["last_date"] = scenario.season.week_end(first + duration).isoformat()
    return "closed_week"


@pytest.mark.parametrize("breakage", [_duplicate_first_row, _move_into_closed_week])
def test_validate_rejects_a_hand_broken_plan(
    solved: tuple[subprocess.CompletedProcess[str], Path],
    reference: Scenario,
    tmp_path: Path,
    breakage: Any,
) -> None:
    """validate --plan exits 2 on a hand-edited plan and names the broken rule and the
    file's rows of the deliveries involved."""
    rows = read_csv(solved[1] / "deliveries.csv")
    rule = breakage(rows, reference)
    plan = write_csv(tmp_path / "deliveries.csv", rows)
    proc = cultplan("validate", REFERENCE, "--plan", plan)
    assert proc.returncode == 2, both(proc)
    assert "Traceback" not in both(proc)
    assert says(proc.stderr, f"  {rule}: "), proc.stderr
    assert re.search(r"\d+ broken hard rules?$", proc.stderr, re.MULTILINE), proc.stderr
    assert re.search(rf"^  {rule}: .* \(rows? \d", proc.stderr, re.MULTILINE), proc.stderr


def test_kpis_prints_json_with_coverage_and_baseline(
    solved: tuple[subprocess.CompletedProcess[str], Path], kpis_json: dict[str, Any]
) -> None:
    """kpis prints the plan's KPIs, no violations and the baseline's KPIs as JSON."""
    proc = cultplan("kpis", REFERENCE, solved[1] / "deliveries.csv")
    assert proc.returncode == 0, both(proc)
    summary = json.loads(proc.stdout)
    assert set(summary) >= KPI_KEYS | {"baseline", "baselines", "violations"}
    assert set(summary["baseline"]) >= KPI_KEYS
    assert set(summary["baselines"]) == {"spreadsheet", "greedy"}
    assert summary["violations"] == []
    assert summary["coverage"] == pytest.approx(kpis_json["coverage"])
    assert summary["baseline"]["coverage"] == pytest.approx(kpis_json["baseline"]["coverage"])


def test_schema_prints_json_schema() -> None:
    """schema prints a JSON Schema whose properties are the scenario's sections."""
    proc = cultplan("schema")
    assert proc.returncode == 0, both(proc)
    schema = json.loads(proc.stdout)
    assert set(schema["properties"]) >= {"season", "committees", "resources", "demand", "pins"}


# -- generate ------------------------------------------------------------------------


def test_generate_is_reproducible_and_valid(tmp_path: Path) -> None:
    """generate with one tier and seed writes byte-identical files that validate accepts."""
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (first, second):
        proc = cultplan("generate", "--tier", "subdistrict", "--seed", 3, "--out", path)
        assert proc.returncode == 0, both(proc)
    assert first.read_bytes() == second.read_bytes()
    proc = cultplan("validate", first)
    assert proc.returncode == 0, both(proc)


@pytest.mark.parametrize("weeks", [(), ("--weeks", 8)])
def test_generate_header_names_the_command_that_reproduces_the_file(
    tmp_path: Path, weeks: tuple[object, ...]
) -> None:
    """The header comment of a generated scenario names every option that changes it
    (tier, seed and season weeks, the tier's default too), and running that command
    writes the same file byte for byte."""
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    proc = cultplan("generate", "--tier", "subdistrict", "--seed", 3, *weeks, "--out", first)
    assert proc.returncode == 0, both(proc)
    header = first.read_text(encoding="utf-8").splitlines()[0]
    expected = 8 if weeks else 13
    assert (
        header == f"# Generated by cultplan generate --tier subdistrict --seed 3 --weeks {expected}"
    )
    command = header.split("cultplan ", 1)[1].split()
    proc = cultplan(*command, "--out", second)
    assert proc.returncode == 0, both(proc)
    assert second.read_bytes() == first.read_bytes()


def test_generate_unknown_tier_exits_2(tmp_path: Path) -> None:
    """generate with an unknown tier exits 2, names the tier, and writes no file."""
    path = tmp_path / "x.yaml"
    proc = cultplan("generate", "--tier", "village", "--out", path)
    assert proc.returncode == 2, both(proc)
    assert "Traceback" not in both(proc)
    assert says(proc.stderr, "unknown tier 'village'"), proc.stderr
    assert not path.exists()


def test_generate_never_writes_over_a_file(tmp_path: Path) -> None:
    """generate refuses an --out that exists (the file is kept) or whose folder does not,
    with exit code 2 and before generating anything."""
    taken = tmp_path / "taken.yaml"
    taken.write_text("keep me", encoding="utf-8")
    proc = cultplan("generate", "--out", taken)
    assert proc.returncode == 2, both(proc)
    assert says(
        proc.stderr,
        f"--out {taken}: the file exists; remove it, choose another name or add --force",
    )
    assert taken.read_text(encoding="utf-8") == "keep me"
    nowhere = tmp_path / "missing" / "s.yaml"
    proc = cultplan("generate", "--out", nowhere)
    assert proc.returncode == 2, both(proc)
    assert says(proc.stderr, f"--out {nowhere}: the folder {nowhere.parent} does not exist")
    assert "Traceback" not in both(proc)


def test_solve_of_bad_input_lists_every_problem_and_writes_nothing(out_dir: Path) -> None:
    """A file with field, reference and pin problems is refused by solve with all of them
    listed, exit code 2, and no output folder."""
    bad = Path(__file__).resolve().parent / "io" / "data" / "bad" / "many-problems-at-once.yaml"
    proc = cultplan("solve", bad, *SOLVE, "--out", out_dir)
    assert proc.returncode == 2, both(proc)
    assert says(proc.stderr, f"{bad}: 7 problems")
    assert says(proc.stderr, f"{bad}:21: pins[1].resource: unknown resource 'T9'")
    assert not out_dir.exists()


def _interrupted_solve(out: Path, delays: list[float]) -> tuple[int, str]:
    """Start a long solve of the reference, send SIGINT after each delay (seconds after
    the previous one), and return the exit code and what it printed on stderr."""
    env = {k: v for k, v in os.environ.items() if k not in _TERMINAL_VARS}
    env["PYTHONIOENCODING"] = "utf-8"
    args = [str(CULTPLAN), "solve", str(REFERENCE), *SOLVE, "--gap", "0"]
    proc = subprocess.Popen(
        [*args, "--time-limit", "300", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )
    for delay in delays:
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
    _stdout, stderr = proc.communicate(timeout=60)
    return proc.returncode, stderr


def test_ctrl_c_stops_the_solve_and_writes_the_best_plan_so_far(
    tmp_path: Path, reference: Scenario
) -> None:
    """Ctrl-C (SIGINT) during a long solve stops the search: the command exits 0 within
    seconds, says it was stopped, and writes a valid plan with stop reason ``stopped``.
    Start-up, model and baselines take a few seconds here (more on a busy machine); 12 s
    in, the search is under way with the baselines' plan in hand."""
    out = tmp_path / "out"
    code, stderr = _interrupted_solve(out, [12])
    assert code == 0, stderr
    assert "stopping: keeping the best plan found so far" in stderr
    assert "Traceback" not in stderr
    report = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert report["status"] == "feasible"
    assert report["stop_reason"] == "stopped"
    assert check_plan(reference, read_deliveries(out / "deliveries.csv", reference)) == []


def test_one_interrupt_delivered_twice_counts_once(tmp_path: Path) -> None:
    """Two SIGINTs 10 ms apart (``timeout -s INT`` sends one to the process and to its
    group) stop the search once: exit 0 and the plan is written."""
    code, stderr = _interrupted_solve(tmp_path / "out", [12, 0.01])
    assert code == 0, stderr
    assert stderr.count("stopping: keeping the best plan found so far") == 1
    assert (tmp_path / "out" / "deliveries.csv").exists()


def test_ctrl_c_policy_stop_then_repeat_then_abandon(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process, with real SIGINTs: the first sets the stop event, a repeat within
    0.5 s is the same press, a later one leaves at once through ``os._exit(130)``
    (which skips the interpreter's shutdown, where CP-SAT threads would abort), and the
    previous handler is back afterwards."""

    class Left(Exception):
        pass

    def fake_exit(code: int) -> None:
        raise Left(code)

    monkeypatch.setattr(cli.os, "_exit", fake_exit)
    stop = threading.Event()
    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(Left) as left, cli._first_ctrl_c_stops(stop):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        assert stop.is_set()
        os.kill(os.getpid(), signal.SIGINT)  # the same press, delivered twice
        time.sleep(cli.SIGINT_REPEAT_SECONDS + 0.2)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)
    assert left.value.args == (cli.EXIT_INTERRUPTED,)
    assert signal.getsignal(signal.SIGINT) == before


def test_out_naming_a_file_exits_2_before_solving(tmp_path: Path) -> None:
    """``--out`` naming an existing file is refused at once, naming it, and the file is
    left as it was."""
    target = tmp_path / "afile"
    target.write_text("keep me", encoding="utf-8")
    proc = cultplan("solve", REFERENCE, *SOLVE, "--out", target)
    assert proc.returncode == 2
    assert says(proc.stderr, f"--out {target}: exists and is not a folder")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_out_under_a_file_exits_2_before_solving(tmp_path: Path) -> None:
    """``--out`` naming a folder under an existing file (which can never be made) is
    refused at once, naming the file, instead of after the solve."""
    target = tmp_path / "afile"
    target.write_text("keep me", encoding="utf-8")
    began = time.perf_counter()
    proc = cultplan("solve", REFERENCE, *SOLVE, "--out", target / "out")
    assert proc.returncode == 2
    assert says(
        proc.stderr,
        f"--out {target / 'out'}: {target} is a file, so no folder can be made under it",
    )
    assert time.perf_counter() - began < 20  # well before a 30 s solve would end


def test_bad_solve_parameters_exit_2_listing_each(tmp_path: Path) -> None:
    """Bad numbers are refused before solving, every one named with its option and value.
    (``--gap`` is a percentage now, so 2 is a good value and 200 a bad one.)"""
    proc = cultplan("solve", REFERENCE, "--time-limit", "-5", "--workers", "0", "--gap", "200")
    assert proc.returncode == 2
    for line in (
        "--time-limit -5: give seconds above 0 and at most 86400",
        "--workers 0: give a whole number from 1 to 64",
        "--gap 200: give a percentage from 0 to 100",
    ):
        assert says(proc.stderr, line), proc.stderr


def test_the_summary_says_why_the_greedy_plan_with_more_points_was_not_taken() -> None:
    """Against a greedy baseline with more points whose lowest committee coverage is below
    the spreadsheet's, the summary says the greedy plan cannot be used for that reason
    (keep_baseline_minimum), and that some committee is below its spreadsheet coverage
    when one is (keep_baseline_coverage); nothing with the guarantees off, nor when the
    plan has at least the greedy plan's points, nor a reason the solve's message gives."""
    data = base_data(weeks=2, committees=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance"), ask("C2", "performance")]
    scenario = build(data)
    both = kpis_of_baselines(scenario, plan_baselines(scenario))
    spreadsheet = dataclasses.replace(both["spreadsheet"], min_coverage=0.5)
    greedy = dataclasses.replace(both["greedy"], min_coverage=0.25)
    frame = greedy.by_committee.copy()
    frame["coverage"] = 0.0  # every committee below its spreadsheet coverage
    greedy = dataclasses.replace(greedy, by_committee=frame)
    kpis = {"spreadsheet": spreadsheet, "greedy": greedy}

    def printed(objective: float, s: Scenario = scenario, message: str = "") -> str:
        out = io.StringIO()
        report = {"gains": {"baseline": "greedy", "objective": objective}}
        cli_summary._print_passed_over(Console(file=out, width=200), s, report, kpis, message)
        return out.getvalue()

    text = printed(-5.0)
    assert "lowest committee coverage is below the spreadsheet baseline's" in text, text
    assert "leaves some committees below their spreadsheet-baseline coverage" in text, text
    assert printed(0.0) == ""
    # A reason the solve's message gives already (the plan is the fallback) is not repeated.
    said = wording.outcome_text(
        "time_limit",
        None,
        time_limit=60,
        stopped_at=None,
        fallback=True,
        baseline_name="spreadsheet",
        passed_over=[("greedy", "minimum")],
    )
    again = printed(-5.0, message=said)
    assert "lowest committee coverage" not in again and "leaves some committees" in again
    data["objective"] = {"keep_baseline_minimum": False, "keep_baseline_coverage": False}
    assert printed(-5.0, build(data)) == ""
