"""The hand-edit loop on the command line: ``cultplan report`` rebuilds the outputs from
an edited plan, and neither it nor a solve replaces a plan edited since it was written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from planner import cli, cli_report
from planner.io.columns import read_output_csv
from planner.io.edits import file_sha256
from planner.io.output import OUTPUT_FILES

PLANS = Path(__file__).resolve().parent / "io" / "data" / "plans"
SCENARIO = PLANS / "scenario.yaml"


def run(*args: object, lang: str = "en") -> tuple[int, str]:
    """Run ``cultplan`` in-process: exit code and output (stdout and stderr)."""
    result = CliRunner().invoke(cli.app, [str(a) for a in args], env={"CULTPLAN_LANG": lang})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def snapshot(folder: Path) -> dict[Path, bytes]:
    """Every file under ``folder`` with its bytes."""
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def reported(tmp_path: Path) -> Path:
    """An output folder written by ``cultplan report`` from the corpus's good plan."""
    out = tmp_path / "out"
    code, output = run("report", SCENARIO, PLANS / "utf8.csv", "--out", out)
    assert code == 0, output
    return out


def drop_last_row(path: Path) -> None:
    """Edit a plan by hand: delete its last delivery."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8-sig")


def test_exit_codes_are_the_command_lines() -> None:
    """The report command exits with the same codes as the rest of the command line."""
    assert cli_report.EXIT_INVALID == cli.EXIT_INVALID
    assert cli_report.EXIT_WRITE_FAILED == cli.EXIT_WRITE_FAILED


def test_report_writes_every_output_and_records_the_plans_digest(tmp_path: Path) -> None:
    """report writes the same files as a solve; kpis.json is the edited plan's (feasible,
    its deliveries, no violations) and records the digest of the deliveries.csv beside it."""
    out = reported(tmp_path)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    report = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert report["status"] == "feasible"
    assert report["num_deliveries"] == 3
    assert report["violations"] == []
    assert report["run"]["plan"] == "utf8.csv"
    assert report["run"]["plan_encoding"] == "UTF-8"
    assert report["run"]["deliveries_sha256"] == file_sha256(out / "deliveries.csv")


def test_report_rebuilds_the_folder_of_the_plan_it_reads(tmp_path: Path) -> None:
    """Editing out/deliveries.csv and reporting it into out/ rewrites every output from
    the edited plan (one delivery fewer) and records the new digest."""
    out = reported(tmp_path)
    drop_last_row(out / "deliveries.csv")
    code, output = run("report", SCENARIO, out / "deliveries.csv", "--out", out)
    assert code == 0, output
    assert "2 deliveries keep every hard rule" in output
    report = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert report["num_deliveries"] == 2
    assert report["run"]["deliveries_sha256"] == file_sha256(out / "deliveries.csv")
    coverage = read_output_csv(out / "coverage.csv")
    assert list(coverage["delivered"]) == [1, 1]


def test_report_of_a_plan_breaking_a_rule_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    """A hand-edited plan that breaks a hard rule is bad input: exit 2, the rule with the
    plan's row, no output folder."""
    out = tmp_path / "out"
    code, output = run("report", SCENARIO, PLANS / "closed-week.csv", "--out", out)
    assert code == cli.EXIT_INVALID, output
    assert "closed-week.csv: 1 broken hard rule" in output
    assert "closed_week: committee 'C1' is closed in week 4" in output
    assert output.rstrip().endswith("(row 4)")
    assert not out.exists()


def test_report_names_the_rows_in_chinese_by_default(tmp_path: Path) -> None:
    """In Chinese the rows of a broken rule read 第 N 行 and the encoding 读取编码."""
    code, output = run(
        "report", SCENARIO, PLANS / "closed-week.csv", "--out", tmp_path / "o", lang="zh_CN"
    )
    assert code == cli.EXIT_INVALID, output
    assert "读取编码：UTF-8" in output
    assert "（第 4 行）" in output


def test_report_never_replaces_another_edited_plan(tmp_path: Path) -> None:
    """Reporting plan A into a folder whose deliveries.csv was edited since it was
    written exits 2, names a fresh sibling folder and --force, and changes nothing;
    with --force it writes."""
    out = reported(tmp_path)
    drop_last_row(out / "deliveries.csv")
    before = snapshot(out)
    code, output = run("report", SCENARIO, PLANS / "gbk.csv", "--out", out)
    assert code == cli.EXIT_INVALID, output
    assert "was changed since cultplan wrote it" in output
    assert f"--out {tmp_path / 'out-2'}" in output
    assert "--force" in output
    assert snapshot(out) == before
    code, output = run("report", SCENARIO, PLANS / "gbk.csv", "--out", out, "--force")
    assert code == 0, output
    assert json.loads((out / "kpis.json").read_text(encoding="utf-8"))["num_deliveries"] == 3


def test_solve_refuses_an_edited_plan_before_solving(tmp_path: Path) -> None:
    """A solve into a folder whose deliveries.csv was edited exits 2 before the search
    and leaves the folder as it was; so does one whose plan has no recorded digest."""
    out = reported(tmp_path)
    drop_last_row(out / "deliveries.csv")
    before = snapshot(out)
    code, output = run("solve", SCENARIO, "--workers", "1", "--quiet", "--out", out)
    assert code == cli.EXIT_INVALID, output
    assert "was changed since cultplan wrote it" in output
    assert snapshot(out) == before
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(PLANS / "utf8.csv", bare / "deliveries.csv")
    code, output = run("solve", SCENARIO, "--workers", "1", "--quiet", "--out", bare)
    assert code == cli.EXIT_INVALID, output
    assert "may hold edits: nothing records that cultplan wrote it" in output
    assert [p.name for p in bare.iterdir()] == ["deliveries.csv"]


def test_readme_loop_keeps_the_hand_made_plan_from_a_later_solve(tmp_path: Path) -> None:
    """The README's loop: solve into a folder, edit its plan, report it into that folder
    (kpis.json says plan_source report); a later solve into it exits 2 naming a fresh
    folder and --force and changes nothing; with --force it writes (plan_source solve)."""
    out = tmp_path / "edit1"
    code, output = run("solve", SCENARIO, "--workers", "1", "--quiet", "--out", out)
    assert code == 0, output
    assert json.loads((out / "kpis.json").read_text(encoding="utf-8"))["run"]["plan_source"] == (
        "solve"
    )
    drop_last_row(out / "deliveries.csv")
    code, output = run("report", SCENARIO, out / "deliveries.csv", "--out", out)
    assert code == 0, output
    run_section = json.loads((out / "kpis.json").read_text(encoding="utf-8"))["run"]
    assert run_section["plan_source"] == "report"
    before = snapshot(out)
    code, output = run("solve", SCENARIO, "--workers", "1", "--quiet", "--out", out)
    assert code == cli.EXIT_INVALID, output
    assert "is a plan made by hand" in output
    assert f"--out {tmp_path / 'edit1-2'}" in output
    assert snapshot(out) == before
    code, output = run("report", SCENARIO, out / "deliveries.csv", "--out", out)
    assert code == 0, output  # the loop goes on: the plan read is the plan written
    code, output = run("solve", SCENARIO, "--workers", "1", "--quiet", "--out", out, "--force")
    assert code == 0, output
    assert json.loads((out / "kpis.json").read_text(encoding="utf-8"))["run"]["plan_source"] == (
        "solve"
    )


def test_validate_and_report_say_a_broken_rule_in_the_same_words(tmp_path: Path) -> None:
    """In Chinese, validate --plan and report head a plan's broken rules with the same
    line (违反 1 条硬性规则), after the encoding it was read in."""
    heads = []
    for args in (
        ("validate", SCENARIO, "--plan", PLANS / "closed-week.csv"),
        ("report", SCENARIO, PLANS / "closed-week.csv", "--out", tmp_path / "o"),
    ):
        code, output = run(*args, lang="zh_CN")
        assert code == cli.EXIT_INVALID, output
        (head,) = [line for line in output.splitlines() if "硬性规则" in line]
        assert output.index("读取编码：UTF-8") < output.index(head)
        heads.append(head)
    assert heads[0] == heads[1] == f"{PLANS / 'closed-week.csv'}：违反 1 条硬性规则"


def test_the_encoding_is_said_before_the_problems_of_a_plan(tmp_path: Path) -> None:
    """A plan with bad rows still says the encoding it was read in, before its problems."""
    plan = tmp_path / "p.csv"
    plan.write_bytes(
        "committee_id,product,resource_id,first_week,last_week\nC9,图书,X,1,1\n".encode("gb18030")
    )
    code, output = run("validate", SCENARIO, "--plan", plan)
    assert code == cli.EXIT_INVALID, output
    assert output.index(f"{plan}: read as GB18030") < output.index("unknown committee 'C9'")
