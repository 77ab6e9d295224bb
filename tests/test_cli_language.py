"""The command line in the planner's terms: its language, option values, version, progress.

Chinese is the default: the tests about it start ``cultplan`` without ``CULTPLAN_LANG``
(the suite sets it to ``en``). The others read English.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import planner.solver
from planner import cli
from planner.cli_language import language_arguments
from planner.cli_progress import bar_state, coverage_text, plan_text, stage_text
from planner.i18n import use_language
from planner.io import read_deliveries, write_scenario
from planner.params import Progress, SolveParams
from planner.result import Result
from planner.scenario import Scenario
from planner.validate import check_plan
from tests.factories import REFERENCE, ask, base_data, build, only, troupe
from tests.test_cli import _TERMINAL_VARS, CULTPLAN, both, says


def run(*args: object, lang: str | None = "en") -> subprocess.CompletedProcess[str]:
    """Run ``cultplan`` in ``lang`` (None: without CULTPLAN_LANG, so the default)."""
    env = {k: v for k, v in os.environ.items() if k not in _TERMINAL_VARS | {"CULTPLAN_LANG"}}
    env["PYTHONIOENCODING"] = "utf-8"
    if lang is not None:
        env["CULTPLAN_LANG"] = lang
    return subprocess.run(
        [str(CULTPLAN), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


def _tiny() -> Scenario:
    d = base_data(weeks=3, committees=2)
    d["resources"] = {"troupes": [troupe("T1", "沪剧", shows_per_week=1)]}
    d["demand"] = [ask("C1", "performance", 1), ask("C2", "performance", 1)]
    d["objective"] = only(coverage=100)
    return build(d)


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    write_scenario(_tiny(), path)
    return path


# -- the language ----------------------------------------------------------------------


def test_help_is_chinese_by_default_and_english_with_lang_en() -> None:
    """``cultplan --help`` and ``cultplan solve --help`` without CULTPLAN_LANG are in
    Chinese (usage, panel titles, command and option help); ``--lang en`` (before or
    after the command) gives English."""
    top = run("--help", lang=None)
    assert top.returncode == 0, both(top)
    for text in ("用法：cultplan", "为居委规划一季的文化配送", "选项", "命令", "显示本帮助后退出"):
        assert says(top.stdout, text), top.stdout
    solve = run("solve", "--help", lang=None)
    assert solve.returncode == 0, both(solve)
    for text in ("求解场景", "百分", "[默认：", "场景文件"):
        assert says(solve.stdout, text), solve.stdout
    for args in (("--lang", "en", "solve", "--help"), ("solve", "--help", "--lang=en")):
        english = run(*args, lang=None)
        assert english.returncode == 0, both(english)
        assert says(english.stdout, "Usage: cultplan solve"), english.stdout
        assert says(english.stdout, "PERCENTAGE"), english.stdout
        assert "求解" not in english.stdout


def test_lang_option_wins_over_the_environment() -> None:
    """``--lang zh_CN`` gives Chinese help even with CULTPLAN_LANG=en."""
    proc = run("--lang", "zh_CN", "--help", lang="en")
    assert proc.returncode == 0, both(proc)
    assert says(proc.stdout, "用法：cultplan"), proc.stdout


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (("--lang", "fr", "--help"), "en", "--lang 'fr': unknown language; the languages are"),
        (("--lang", "fr", "--help"), None, "--lang 'fr'：未知语言；可选语言为"),
        (("--help",), "klingon", "CULTPLAN_LANG='klingon'：未知语言；可选语言为"),
    ],
)
def test_an_unknown_language_exits_2_listing_the_languages(
    args: tuple[str, ...], env: str | None, expected: str
) -> None:
    """An unknown --lang or CULTPLAN_LANG is refused with exit 2, naming the value and
    every language offered, before anything else is printed (in CULTPLAN_LANG's language
    when that one is known, else in Chinese)."""
    proc = run(*args, lang=env)
    assert proc.returncode == 2, both(proc)
    assert says(proc.stderr, expected), proc.stderr
    assert says(proc.stderr, "zh_CN (简体中文), en (English)"), proc.stderr
    assert proc.stdout == ""


def test_language_arguments_move_lang_to_the_front() -> None:
    """--lang is taken from anywhere before ``--`` and put in front of the command."""
    assert language_arguments(["solve", "x.yaml", "--lang", "en"]) == (
        ["--lang", "en", "solve", "x.yaml"],
        "en",
    )
    assert language_arguments(["--lang=zh", "kpis"]) == (["--lang", "zh", "kpis"], "zh")
    assert language_arguments(["solve", "--", "--lang", "en"]) == (
        ["solve", "--", "--lang", "en"],
        None,
    )


def test_usage_errors_are_told_in_chinese_naming_option_and_value() -> None:
    """Click's own usage errors (a value that is no number, an unknown option, a missing
    argument, an unknown command) come in the catalogue's Chinese, exit 2, no traceback."""
    cases = [
        (("solve", "--workers", "x", "s.yaml"), "错误：--workers 的值 'x' 无效：应为整数"),
        (("solve", "--wrkers", "3", "s.yaml"), "错误：没有这个选项：--wrkers（是否想用"),
        (("solve",), "错误：缺少参数 场景文件"),
        (("frob",), "错误：没有这个命令：frob"),
    ]
    for args, expected in cases:
        proc = run(*args, lang=None)
        assert proc.returncode == 2, both(proc)
        assert says(proc.stderr, expected), proc.stderr
        assert "Traceback" not in both(proc)
        assert "Error" not in proc.stderr and "Usage" not in proc.stderr


def test_usage_errors_in_english_name_option_and_value() -> None:
    """The same errors in English name the option and the value given."""
    proc = run("solve", "--gap", "lots", "s.yaml")
    assert proc.returncode == 2, both(proc)
    assert says(proc.stderr, "error: invalid value 'lots' for --gap: a number"), proc.stderr


def test_version_names_cultplan_ortools_and_python() -> None:
    """``cultplan --version`` prints the three versions and exits 0."""
    proc = run("--version")
    assert proc.returncode == 0, both(proc)
    assert proc.stdout.strip() == (
        f"cultplan {metadata.version('cultplan')}, OR-Tools {metadata.version('ortools')}, "
        f"Python {platform.python_version()}"
    )


# -- option values -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "expected"),
    [
        ("--gap", "100.5", "--gap 100.5: give a percentage from 0 to 100 (0.5 means 0.5 %"),
        ("--gap", "-1", "--gap -1: give a percentage from 0 to 100"),
        ("--gap", "nan", "--gap nan: give a percentage from 0 to 100"),
        ("--workers", "0", "--workers 0: give a whole number from 1 to 64"),
        ("--workers", "65", "--workers 65: give a whole number from 1 to 64"),
        ("--time-limit", "0", "--time-limit 0: give seconds above 0 and at most 86400"),
        ("--time-limit", "90000", "--time-limit 90000: give seconds above 0 and at most 86400"),
        ("--time-limit", "inf", "--time-limit inf: give seconds above 0 and at most 86400"),
        ("--seed", "-1", "--seed -1: give a whole number from 0 to 2147483647"),
    ],
)
def test_each_bad_option_value_exits_2_and_writes_nothing(
    out_dir: Path, option: str, value: str, expected: str
) -> None:
    """A value out of its range is refused with exit 2 and the option's message, before
    the scenario is read, and no output folder is made."""
    proc = run("solve", REFERENCE, "--quiet", "--out", out_dir, option, value)
    assert proc.returncode == 2, both(proc)
    assert says(proc.stderr, expected), proc.stderr
    assert "Traceback" not in both(proc)
    assert not out_dir.exists()


def test_a_bad_option_value_is_told_in_chinese_by_default(tmp_path: Path) -> None:
    """Without CULTPLAN_LANG the range messages and the --out message are Chinese."""
    taken = tmp_path / "taken"
    taken.write_text("keep me", encoding="utf-8")
    proc = run("solve", REFERENCE, "--gap", "150", "--out", taken, lang=None)
    assert proc.returncode == 2, both(proc)
    assert says(proc.stderr, "--gap 150：请给出 0 到 100 之间的百分比"), proc.stderr
    assert says(proc.stderr, f"--out {taken}：已存在且不是文件夹"), proc.stderr
    assert taken.read_text(encoding="utf-8") == "keep me"


def test_gap_is_a_percentage_and_defaults_come_from_solve_params(
    monkeypatch: pytest.MonkeyPatch, tiny_file: Path, tmp_path: Path
) -> None:
    """``--gap 1`` asks for 1 % (a relative gap of 0.01); without options the solve gets
    SolveParams' own defaults."""
    seen: list[SolveParams] = []
    real = planner.solver.solve

    def spy(scenario: Scenario, params: SolveParams, **kwargs: Any) -> Result:
        seen.append(params)
        result: Result = real(scenario, params, **kwargs)
        return result

    monkeypatch.setattr(planner.solver, "solve", spy)
    runner = CliRunner()
    res = runner.invoke(cli.app, ["solve", str(tiny_file), "--quiet", "--gap", "1"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli.app, ["solve", str(tiny_file), "--quiet"])
    assert res.exit_code == 0, res.output
    assert seen[0].relative_gap == pytest.approx(0.01)
    defaults = SolveParams()
    assert (seen[1].time_limit, seen[1].seed, seen[1].workers) == (
        defaults.time_limit,
        defaults.seed,
        defaults.workers,
    )
    assert seen[1].relative_gap == pytest.approx(defaults.relative_gap)


# -- generate ---------------------------------------------------------------------------


def test_generate_writes_over_a_file_only_with_force(tmp_path: Path) -> None:
    """generate refuses an existing --out (exit 2, file kept) and writes over it with
    --force; a folder is refused even with --force."""
    taken = tmp_path / "taken.yaml"
    taken.write_text("keep me", encoding="utf-8")
    proc = run("generate", "--out", taken)
    assert proc.returncode == 2, both(proc)
    assert taken.read_text(encoding="utf-8") == "keep me"
    proc = run("generate", "--out", taken, "--force")
    assert proc.returncode == 0, both(proc)
    assert taken.read_text(encoding="utf-8").startswith("# Generated by cultplan generate")
    proc = run("generate", "--out", tmp_path, "--force")
    assert proc.returncode == 2, both(proc)
    assert says(proc.stderr, f"--out {tmp_path}: is a folder"), proc.stderr


# -- the summary and the progress line --------------------------------------------------


def test_solve_summary_is_chinese_by_default(tiny_file: Path, out_dir: Path) -> None:
    """A solve without CULTPLAN_LANG prints the KPI table's title, headers and rows, the
    committee table and the closing line in Chinese, and its progress line in the
    planner's terms (stage in words, coverage; no objective points)."""
    proc = run("solve", tiny_file, "--workers", 1, "--gap", 0, "--out", out_dir, lang=None)
    assert proc.returncode == 0, both(proc)
    for text in (
        "已证明最优",
        "指标",
        "优化方案",
        "电子表格基准方案",
        "覆盖率（按人口加权）",
        "居委最低覆盖率",
        "未满足需求条数",
        "各居委覆盖率（与电子表格基准方案相比，从低到高）",
        "低于其电子表格基准方案覆盖率：",
        f"已写出 {out_dir}/",
    ):
        assert says(proc.stdout, text), proc.stdout
    assert "coverage" not in proc.stdout.replace("coverage.csv", "")
    # Off a terminal the progress line is printed once, at the end.
    for text in ("完成：覆盖率 100.0%，最低覆盖率 100.0%；与最优方案一样好",):
        assert says(proc.stderr, text), proc.stderr
    assert "best" not in proc.stderr and "primary" not in proc.stderr


def test_progress_texts_speak_of_coverage_and_the_best_possible_plan() -> None:
    """The progress line names the stage in words, the best plan's coverage and minimum
    coverage and how close it is to the best possible plan; the bar measures closeness
    once there is a bound, and time before."""
    with use_language("zh_CN"):
        assert [stage_text(s) for s in ("building", "baselines", "primary", "secondary")] == [
            "建立模型",
            "计算基准方案",
            "求解",
            "精炼",
        ]
        # A split solve says how many subdistricts are done.
        assert stage_text("parts", 3, 12) == "按街道逐个求解（已完成 3/12 个街道）"
        assert stage_text("parts") == "按街道逐个求解"
        assert plan_text(None) == "尚无方案"
        p = Progress("primary", 5.0, 990.0, 1000.0, coverage=0.652, min_coverage=0.4)
        assert plan_text(p) == "覆盖率 65.2%，最低覆盖率 40.0%；与最优方案相差不超过 1.01%"
        # The live line's words: the closeness is the text beside the bar.
        assert coverage_text(p) == "覆盖率 65.2%，最低覆盖率 40.0%"
        assert coverage_text(None) == "尚无方案"
        full, measure = bar_state(p, 5.0, 30.0)
        assert full == pytest.approx(1 - 10 / 990)
        assert measure == "达到最优方案的 99.0%"
        early = Progress("baselines", 3.0, None, None, coverage=0.6, min_coverage=0.4)
        full, measure = bar_state(early, 3.0, 30.0)
        assert full == pytest.approx(0.1)
        assert measure == "时限 30 秒已用 3 秒"
    with use_language("en"):
        assert plan_text(p) == (
            "coverage 65.2 %, minimum coverage 40.0 %; within 1.01 % of the best possible plan"
        )
        assert stage_text("parts", 3, 12) == "solving subdistrict by subdistrict (3 of 12 done)"


# -- Ctrl-C -------------------------------------------------------------------------------


def test_ctrl_c_once_the_progress_shows_a_plan_writes_that_plan(
    tmp_path: Path, reference: Scenario
) -> None:
    """A long solve of the reference, interrupted (SIGINT) once its progress line shows
    a plan's coverage: exit 0, the summary says it was stopped on request, and the
    folder holds a valid plan whose kpis.json says ``stopped``. (rich draws the live
    progress line only on a terminal; TTY_COMPATIBLE makes the pipe count as one.)"""
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k not in _TERMINAL_VARS}
    env.update(PYTHONIOENCODING="utf-8", CULTPLAN_LANG="en", TTY_COMPATIBLE="1", COLUMNS="200")
    args = [str(CULTPLAN), "solve", str(REFERENCE), "--workers", "1", "--seed", "0"]
    proc = subprocess.Popen(
        [*args, "--gap", "0", "--time-limit", "600", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stderr is not None and proc.stdout is not None
    seen: list[bytes] = []
    # The live line is redrawn with carriage returns, not newlines: read what comes.
    fd = proc.stderr.fileno()
    reader = threading.Thread(target=lambda: seen.extend(iter(lambda: os.read(fd, 4096), b"")))
    reader.start()
    began = time.monotonic()
    while b"minimum coverage" not in b"".join(seen) and time.monotonic() - began < 180:
        time.sleep(0.2)
    assert b"minimum coverage" in b"".join(seen), b"".join(seen)
    proc.send_signal(signal.SIGINT)
    stdout = proc.stdout.read().decode("utf-8")
    code = proc.wait(timeout=120)
    reader.join(timeout=10)
    stderr = b"".join(seen).decode("utf-8", "replace")
    assert code == 0, stderr
    assert "stopping: keeping the best plan found so far" in stderr
    # The outcome says the stop once, in words (the baseline's plan, if the search had
    # found nothing better by then).
    assert "stopped on request" in stdout or "the search was stopped" in stdout, stdout
    report = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert report["stop_reason"] == "stopped"
    assert check_plan(reference, read_deliveries(out / "deliveries.csv", reference)) == []


@pytest.mark.parametrize(
    ("env_lang", "flag", "cjk_expected"), [(None, "en", False), ("en", "zh_CN", True)]
)
def test_lang_reaches_the_solve_and_its_outputs(
    tiny_file: Path, tmp_path: Path, env_lang: str | None, flag: str, cjk_expected: bool
) -> None:
    """``--lang`` wins over the environment in everything a solve writes, also what the
    solve thread words: the outcome message in kpis.json is in the chosen language."""
    out = tmp_path / "out"
    proc = run("--lang", flag, "solve", tiny_file, "--out", out, "--quiet", lang=env_lang)
    assert proc.returncode == 0, both(proc)
    message = json.loads((out / "kpis.json").read_text(encoding="utf-8"))["message"]
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in message)
    assert has_cjk == cjk_expected, message


def test_report_and_init_name_their_arguments_in_chinese() -> None:
    """The usage lines of ``report`` and ``init`` name their arguments as the other
    commands do (translated metavars), not by the Python parameter names."""
    for command, names in (("report", ("{场景文件}", "{方案文件}")), ("init", ("[场景文件路径]",))):
        proc = run(command, "--help", lang=None)
        assert proc.returncode == 0, both(proc)
        for name in names:
            assert says(proc.stdout, name), proc.stdout
        assert "{scenario}" not in proc.stdout and "[path]" not in proc.stdout
