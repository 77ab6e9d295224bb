"""The kpis.json report and the all-or-nothing output folder, as library functions."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from planner.baseline import plan_baseline
from planner.explain.unmet import UNMET_COLUMNS
from planner.frames import ALLOCATION_FRAME_COLUMNS
from planner.i18n import use_language
from planner.io import output, read_deliveries
from planner.io.columns import chinese_labels, neutralise, read_output_csv, restore
from planner.io.deliveries_csv import DELIVERY_COLUMNS
from planner.io.edits import EditedPlanError, edited_plan, file_sha256, fresh_sibling
from planner.io.output import OUTPUT_FILES, output_files, write_output_folder
from planner.kpis import BY_COMMITTEE_COLUMNS, UTILISATION_COLUMNS, compute_kpis
from planner.plan import Plan
from planner.report import solve_report
from planner.result import Result, SolveStatus, StageReport, StopReason
from planner.scenario import Scenario
from tests.factories import ask, base_data, build, troupe, two_level_data


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


def test_kpis_json_writes_figures_as_decimals_not_binary_noise(tmp_path: Path) -> None:
    """A solve's figures that carry binary noise (an objective summed from its terms,
    a gap, a stage's bound) are written to kpis.json to twelve significant digits,
    while the result keeps the values it computed with."""
    scenario = _scenario()
    noisy = Result(
        status=SolveStatus.FEASIBLE,
        objective=6889.0869999999995,
        best_bound=6908.71,
        gap=0.0028484180850090156,
        wall_seconds=3.4159999999999995,
        plan=plan_baseline(scenario),
        stop_reason=StopReason.GAP_LIMIT,
        stages=(StageReport("primary", SolveStatus.FEASIBLE, 6889.0869999999995, 0.1 + 0.2, 1.5),),
        baseline_objective=6186.570000000001,
    )
    assert noisy.plan is not None
    kpis = compute_kpis(scenario, noisy.plan)
    out = write_output_folder(
        tmp_path / "out", scenario, noisy.plan, solve_report(scenario, noisy), kpis
    )
    text = (out / "kpis.json").read_text(encoding="utf-8")
    for number in re.findall(r"\d+\.\d+", text):
        assert len(number.replace(".", "").lstrip("0")) <= 12, number
    written = json.loads(text)
    assert written["objective"] == 6889.087
    assert written["gap"] == 0.00284841808501
    assert written["wall_seconds"] == 3.416
    assert written["stats"]["stages"]["primary"]["bound"] == 0.3
    assert written["stats"]["baseline_objective"] == 6186.57
    assert noisy.objective == 6889.0869999999995


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


def test_kpis_json_records_the_digest_of_deliveries_csv(tmp_path: Path) -> None:
    """kpis.json's run section records the SHA-256 of the deliveries.csv written beside
    it and that a solve made the plan, keeping the run settings it was given; the folder
    then counts as unedited."""
    scenario = _scenario()
    result = _result(scenario)
    assert result.plan is not None
    report = {**solve_report(scenario, result), "run": {"seed": 7}}
    out = write_output_folder(
        tmp_path / "out", scenario, result.plan, report, compute_kpis(scenario, result.plan)
    )
    run = json.loads((out / "kpis.json").read_text(encoding="utf-8"))["run"]
    digest = file_sha256(out / "deliveries.csv")
    assert run == {"seed": 7, "deliveries_sha256": digest, "plan_source": "solve"}
    assert edited_plan(out) is None


def test_a_folder_written_from_a_hand_made_plan_is_kept(tmp_path: Path) -> None:
    """A folder written with plan_source report holds a plan made by hand: unchanged, it
    still counts as one to keep (hand_made), unlike one a solve wrote."""
    scenario = _scenario()
    result = _result(scenario)
    assert result.plan is not None
    report = solve_report(scenario, result)
    kpis = compute_kpis(scenario, result.plan)
    out = write_output_folder(
        tmp_path / "out", scenario, result.plan, report, kpis, plan_source="report"
    )
    edited = edited_plan(out)
    assert edited is not None and edited.hand_made
    assert edited.recorded == edited.actual


def test_keep_edited_refuses_an_edited_plan_and_writes_nothing(tmp_path: Path) -> None:
    """With keep_edited, a folder whose deliveries.csv changed since it was written is
    left as it was (EditedPlanError); an unedited one is written over as before."""
    scenario = _scenario()
    result = _result(scenario)
    assert result.plan is not None
    report = solve_report(scenario, result)
    kpis = compute_kpis(scenario, result.plan)
    out = write_output_folder(tmp_path / "out", scenario, result.plan, report, kpis)
    write_output_folder(out, scenario, result.plan, report, kpis, keep_edited=True)
    with (out / "deliveries.csv").open("a", encoding="utf-8") as f:
        f.write("C1,performance,T1,4,4\n")
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    with pytest.raises(EditedPlanError) as caught:
        write_output_folder(out, scenario, result.plan, report, kpis, keep_edited=True)
    assert caught.value.edited.path == out / "deliveries.csv"
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
    assert fresh_sibling(out) == tmp_path / "out-2"


def test_tables_for_planners_have_chinese_headers_and_read_back_by_key(tmp_path: Path) -> None:
    """In Chinese, coverage.csv, unmet.csv and utilisation.csv carry Chinese headers
    (deliveries.csv keeps its keys); read_output_csv gives the stable keys either way."""
    scenario = _scenario()
    result = _result(scenario)
    assert result.plan is not None
    kpis = compute_kpis(scenario, result.plan)
    with use_language("zh_CN"):
        zh = write_output_folder(
            tmp_path / "zh", scenario, result.plan, solve_report(scenario, result), kpis
        )
    en = write_output_folder(
        tmp_path / "en", scenario, result.plan, solve_report(scenario, result), kpis
    )
    header = (zh / "coverage.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("居委编号,居委名称,网格编号,居民人数")
    assert (zh / "deliveries.csv").read_text(encoding="utf-8-sig").startswith("delivery_id,")
    for name, frame in (
        ("coverage.csv", kpis.by_committee),
        ("unmet.csv", kpis.unmet),
        ("utilisation.csv", kpis.utilisation),
    ):
        assert (en / name).read_text(encoding="utf-8-sig").startswith(",".join(frame.columns))
        assert list(read_output_csv(zh / name).columns) == list(frame.columns)
        assert read_output_csv(zh / name).equals(read_output_csv(en / name))


def test_human_csvs_name_products_and_round_ratios(tmp_path: Path) -> None:
    """In Chinese, unmet.csv and utilisation.csv name the product 文艺演出 (not the key),
    unmet.csv's headers say its reason is a code (原因代码) beside the Chinese
    explanation, ratios have at most 4 decimals; read_output_csv gives the keys back."""
    data = base_data(weeks=3, committees=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", 3), ask("C2", "performance", 1)]
    scenario = build(data)
    plan = Plan.of(list(plan_baseline(scenario))[:1])  # one show in three weeks: 1/3 used
    kpis = compute_kpis(scenario, plan)
    report = solve_report(scenario, _result(scenario))
    report["violations"] = []
    with use_language("zh_CN"):
        out = write_output_folder(tmp_path / "out", scenario, plan, report, kpis)
    unmet = (out / "unmet.csv").read_text(encoding="utf-8-sig").splitlines()
    header = unmet[0].split(",")
    assert "原因代码" in header and "说明" in header
    assert all(",文艺演出," in line for line in unmet[1:]) and len(unmet) > 1
    reason_at, explanation_at = header.index("原因代码"), header.index("说明")
    row = unmet[1].split(",")
    assert row[reason_at].isascii() and not row[explanation_at].isascii()
    assert ",文艺演出," in (out / "utilisation.csv").read_text(encoding="utf-8-sig")
    assert "performance" not in (out / "utilisation.csv").read_text(encoding="utf-8-sig")
    for name in ("coverage.csv", "utilisation.csv"):
        for line in (out / name).read_text(encoding="utf-8-sig").splitlines()[1:]:
            decimals = [cell.split(".")[1] for cell in line.split(",") if "." in cell]
            assert all(len(d) <= 4 for d in decimals if d.isdigit()), line
    assert ",0.3333" in (out / "utilisation.csv").read_text(encoding="utf-8-sig")
    assert set(read_output_csv(out / "unmet.csv")["product"]) == {"performance"}
    assert set(read_output_csv(out / "utilisation.csv")["product"]) == {"performance"}


def test_each_files_headers_are_distinct_in_chinese() -> None:
    """No two columns of one written file share a Chinese header, so that reading one
    back maps each header to one key."""
    labels = chinese_labels()
    files = [
        DELIVERY_COLUMNS,
        BY_COMMITTEE_COLUMNS,
        UNMET_COLUMNS,
        UTILISATION_COLUMNS,
    ]
    for columns in files:
        headers = [labels[c] for c in columns]
        assert len(set(headers)) == len(headers), headers
        assert all(h != c for h, c in zip(headers, columns, strict=True))


def test_names_that_look_like_formulas_are_neutralised(tmp_path: Path) -> None:
    """A committee name starting with '=' is written behind an apostrophe in
    deliveries.csv and coverage.csv (numbers such as -1 never are), and reads back as
    it was; a troupe's name so written is behind one in the committee's calendar."""
    data = base_data(weeks=4, committees=2)
    data["committees"][0]["name"] = '=HYPERLINK("http://x")'
    data["resources"] = {"troupes": [troupe(name="=1+2")]}
    data["demand"] = [ask("C1", "performance", 1)]
    scenario = build(data)
    plan = plan_baseline(scenario)
    result = Result(SolveStatus.FEASIBLE, None, None, None, 0.1, plan)
    out = write_output_folder(
        tmp_path / "out",
        scenario,
        plan,
        solve_report(scenario, result),
        compute_kpis(scenario, plan),
    )
    text = (out / "deliveries.csv").read_text(encoding="utf-8-sig")
    assert ',"\'=HYPERLINK(""http://x"")",' in text
    coverage = read_output_csv(out / "coverage.csv")
    assert coverage["committee_name"][0] == '=HYPERLINK("http://x")'
    assert read_deliveries(out / "deliveries.csv", scenario) == plan
    (calendar,) = (out / "calendars").glob("C1-*.csv")
    calendar_text = calendar.read_text(encoding="utf-8-sig")
    assert "'=1+2" in calendar_text and ",=1+2" not in calendar_text
    assert neutralise("-1") == "'-1" and restore("'-1") == "-1" and restore("'x") == "'x"


def test_allocation_csv_is_written_for_two_levels_only(tmp_path: Path) -> None:
    """A scenario with subdistricts gets allocation.csv beside the other files; a
    one-level scenario written into the same folder afterwards takes it away with the
    other old files, so that no allocation of another scenario is left behind."""
    two = build(two_level_data())
    plan = plan_baseline(two)
    result = Result(SolveStatus.FEASIBLE, None, None, None, 0.1, plan)
    out = tmp_path / "out"
    write_output_folder(out, two, plan, solve_report(two, result), compute_kpis(two, plan))
    assert sorted(p.name for p in out.iterdir()) == sorted(output_files(two))
    assert "allocation.csv" in output_files(two)
    assert set(read_output_csv(out / "allocation.csv")["subdistrict_id"]) <= {"SA", "SB"}
    one = _scenario()
    result = _result(one)
    assert result.plan is not None
    kpis = compute_kpis(one, result.plan)
    write_output_folder(out, one, result.plan, solve_report(one, result), kpis)
    assert (
        sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES) == sorted(output_files(one))
    )


def test_allocation_headers_are_distinct_in_chinese() -> None:
    """allocation.csv's columns have Chinese headers of their own, none shared."""
    labels = chinese_labels()
    headers = [labels[c] for c in ALLOCATION_FRAME_COLUMNS]
    assert len(set(headers)) == len(headers), headers
    assert all(h != c for h, c in zip(headers, ALLOCATION_FRAME_COLUMNS, strict=True))
