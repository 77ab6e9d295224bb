"""The two levels on the command line: ``cultplan solve`` of a district of two
subdistricts writes ``allocation.csv`` and the levels in ``kpis.json``, and prints the
spread between the subdistricts; ``kpis`` and ``report`` carry them too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from planner import cli
from planner.io import read_deliveries, read_scenario, write_scenario
from planner.io.columns import read_output_csv
from planner.io.output import LEVEL_FILES, OUTPUT_FILES
from tests.factories import build, two_level_data


def run(*args: object, lang: str = "en") -> tuple[int, str]:
    """Run ``cultplan`` in-process: exit code and output (stdout and stderr)."""
    result = CliRunner().invoke(cli.app, [str(a) for a in args], env={"CULTPLAN_LANG": lang})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """The two-subdistrict district over two weeks (more shows asked than the troupes
    give), solved in Chinese with 2 workers and seed 1: scenario file, output folder and
    printout."""
    folder = tmp_path_factory.mktemp("levels")
    scenario = folder / "two-levels.yaml"
    write_scenario(build(two_level_data(weeks=2)), scenario)
    out = folder / "out"
    code, output = run(
        "solve", scenario, "--time-limit", 20, "--workers", 2, "--seed", 1, "--quiet",
        "--out", out, lang="zh_CN",
    )  # fmt: skip
    assert code == 0, output
    return scenario, out, output


def _kpis(out: Path) -> dict[str, Any]:
    return dict(json.loads((out / "kpis.json").read_text(encoding="utf-8")))


def test_solve_writes_allocation_csv_beside_the_other_outputs(
    solved: tuple[Path, Path, str],
) -> None:
    """The folder holds every output and allocation.csv, whose Chinese headers read
    back as keys; its handovers are the plan's deliveries of shared units (T0, BK),
    unit by unit, each to the subdistrict of the committee delivered to."""
    scenario_file, out, output = solved
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES + LEVEL_FILES)
    header = (out / "allocation.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("资源单位编号,名称,配送类别,周次,周一日期,街道编号,街道名称")
    table = read_output_csv(out / "allocation.csv")
    scenario = read_scenario(scenario_file)
    plan = read_deliveries(out / "deliveries.csv", scenario)
    shared = [d for d in plan if d.unit_id(scenario) in {"T0", "BK"}]
    assert shared
    assert set(table["unit_id"]) <= {"T0", "BK"}
    assert table.groupby("unit_id")["handed_over"].sum().to_dict() == {
        unit: sum(1 for d in shared if d.unit_id(scenario) == unit)
        for unit in {d.unit_id(scenario) for d in shared}
    }
    area_of = {"A1": "SA", "A2": "SA", "B1": "SB", "B2": "SB"}
    columns = ["unit_id", "week", "subdistrict_id", "handed_over"]
    handed = sorted(
        (str(unit), int(week), str(area))
        for unit, week, area, times in table[columns].itertuples(index=False, name=None)
        for _k in range(int(times))
    )
    assert handed == sorted(
        (d.unit_id(scenario), d.first_week, area_of[d.committee_id]) for d in shared
    )
    assert "allocation.csv" in output


def test_kpis_json_has_the_levels_of_the_plan_and_both_baselines(
    solved: tuple[Path, Path, str],
) -> None:
    """kpis.json carries ``levels`` for the plan and for each baseline (not in the
    spreadsheet's copy under ``baseline``); the subdistricts' residents weigh their
    coverages into the plan's headline coverage."""
    report = _kpis(solved[1])
    levels = report["levels"]
    assert levels["upper"]["centre_name"] == "区文化馆"
    assert [r["subdistrict_id"] for r in levels["subdistricts"]] == ["SA", "SB"]
    weighted = sum(r["coverage"] * r["population"] for r in levels["subdistricts"]) / 8000
    assert weighted == pytest.approx(report["coverage"], abs=1e-4)
    assert levels["upper"]["min_coverage"] == min(r["coverage"] for r in levels["subdistricts"])
    for name in ("spreadsheet", "greedy"):
        assert [r["subdistrict_id"] for r in report["baselines"][name]["levels"]["subdistricts"]]
    assert "levels" not in report["baseline"]


def test_solve_prints_the_two_levels_in_chinese(solved: tuple[Path, Path, str]) -> None:
    """The summary has the two levels' table (lowest and highest subdistrict coverage,
    Jain and Gini between subdistricts, beside both baselines) and names the lowest
    subdistrict with its share of the shared deliveries against its share of residents."""
    report = _kpis(solved[1])
    upper = report["levels"]["upper"]
    output = solved[2]
    title = (
        f"两级：区文化馆及其 2 个街道（共享资源单位 2 个，配送 {upper['shared_deliveries']} 次）"
    )
    assert title in output
    for label in ("街道最低覆盖率", "街道最高覆盖率", "街道间 Jain 指数", "街道间基尼系数"):
        assert label in output
    row = next(
        r
        for r in report["levels"]["subdistricts"]
        if r["subdistrict_id"] == upper["min_subdistrict"]
    )
    assert (
        f"覆盖率最低的街道：{row['subdistrict_name']}（{row['subdistrict_id']}），"
        f"覆盖率 {row['coverage']:.1%}" in output
    )
    assert f"以 {row['population_share']:.1%} 的居民获得共享资源配送的" in output


def test_kpis_and_report_carry_the_levels(solved: tuple[Path, Path, str], tmp_path: Path) -> None:
    """``cultplan kpis`` prints the plan's levels with its KPIs; ``cultplan report``
    rebuilds allocation.csv and the levels from the plan file, as the solve wrote them
    (in the same language)."""
    scenario, out, _output = solved
    code, output = run("kpis", scenario, out / "deliveries.csv")
    assert code == 0, output
    printed = json.loads(output[output.index("{") :])  # after the encoding read, on stderr
    assert printed["levels"] == _kpis(out)["levels"]
    again = tmp_path / "again"
    code, output = run("report", scenario, out / "deliveries.csv", "--out", again, lang="zh_CN")
    assert code == 0, output
    assert (again / "allocation.csv").read_bytes() == (out / "allocation.csv").read_bytes()
    assert _kpis(again)["levels"] == _kpis(out)["levels"]
