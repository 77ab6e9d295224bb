"""The corpus of plan files as planners' spreadsheets save them: each is read by
``cultplan validate --plan`` in the encoding found, or refused with exit code 2 and
every problem located, never with a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import EXIT_INVALID, app
from planner.io.csv_text import MAX_CSV_BYTES

PLANS = Path(__file__).resolve().parent / "data" / "plans"
SCENARIO = PLANS / "scenario.yaml"
GOOD = "FILE: 3 deliveries keep every hard rule"
DATES = "the weeks are the plan; change the weeks (the dates follow them) or empty the date cells"
QUESTION_MARKS = (
    "where the scenario has Chinese text (rows {rows}; columns {columns}): the file was "
    "saved in an encoding without Chinese characters"
)

#: Each plan file of the corpus: the exit code of ``cultplan validate --plan`` and
#: fragments of its output (``FILE`` is the file's path), in the order they appear.
CORPUS: dict[str, tuple[int, list[str]]] = {
    # read: every encoding and header a spreadsheet saves
    "utf8.csv": (0, ["FILE: read as UTF-8", GOOD]),
    "utf8-bom.csv": (0, ["FILE: read as UTF-8", GOOD]),
    "gbk.csv": (0, ["FILE: read as GB18030", GOOD]),
    "utf16le-bom.csv": (0, ["FILE: read as UTF-16LE", GOOD]),
    "utf16be-bom.csv": (0, ["FILE: read as UTF-16BE", GOOD]),
    "excel-unicode-text.csv": (0, ["FILE: read as UTF-16LE", GOOD]),
    "chinese-header.csv": (0, ["FILE: read as UTF-8", GOOD]),
    "excel-dates.csv": (0, ["FILE: read as GB18030", GOOD]),
    # refused: bytes in no encoding read
    "utf16-without-bom.csv": (
        2,
        ["FILE:1: (top level): a NUL byte at offset 1: the file is not text, or UTF-16"],
    ),
    "utf32-bom.csv": (2, ["FILE:1: (top level): the file is UTF-32, which is not read"]),
    "latin1-bytes.csv": (
        2,
        ["FILE:2: (top level): neither UTF-8 nor GB18030 (GBK): byte 0xe9 at offset 167"],
    ),
    # refused: Chinese text saved as '?': one problem, not one per cell and rule
    "question-marks.csv": (
        2,
        [
            "FILE: 1 problem",
            "FILE:2: (top level): 9 cells hold '?' "
            + QUESTION_MARKS.format(rows="2–4", columns="committee_name, resource_name, theme"),
        ],
    ),
    "question-marks-in-header.csv": (
        2,
        [
            "FILE: 1 problem",
            "FILE:1: (top level): 13 cells hold '?' "
            + QUESTION_MARKS.format(rows="1", columns="the header"),
        ],
    ),
    # refused: a delivery moved by its dates only
    "dates-disagree.csv": (
        2,
        [
            "FILE: read as UTF-8",
            "FILE: 2 problems",
            "row 3.first_date: first_date 2027-03-08 does not agree with first_week 1 "
            f"(2027-03-01): {DATES}",
            "row 3.last_date: last_date 2027-03-21 does not agree with last_week 2 "
            f"(2027-03-14): {DATES}",
        ],
    ),
    # refused: formulas are data to cultplan, never run; here an unknown committee
    "formula-injection.csv": (
        2,
        ["FILE: row 2.committee_id: unknown committee \"=cmd|' /C calc'!A0\""],
    ),
    # refused: a broken rule names the file's row
    "closed-week.csv": (
        2,
        [
            "FILE: read as UTF-8",
            "FILE: 1 broken hard rule\n",
            "closed_week: committee 'C1' is closed in week 4 (the committee's closed_weeks), "
            "but receives 'T1' in week 4 (row 4)",
        ],
    ),
}


def validate_plan(path: Path, env: dict[str, str] | None = None) -> tuple[int, str, float]:
    """Run ``cultplan validate SCENARIO --plan PATH`` in-process: exit code, output with
    the path as ``FILE``, and seconds taken."""
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["validate", str(SCENARIO), "--plan", str(path)], env=env)
    seconds = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.replace(str(path), "FILE"), seconds


def test_the_corpus_is_the_table() -> None:
    """Every plan file of the corpus has its row in the table and every row its file."""
    assert sorted(p.name for p in PLANS.glob("*.csv")) == sorted(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_plan_file_is_read_or_refused_with_its_message(name: str) -> None:
    """``cultplan validate --plan`` exits with the table's code, with no traceback, and
    prints the table's fragments in order."""
    code, output, _seconds = validate_plan(PLANS / name)
    expected_code, fragments = CORPUS[name]
    assert code == expected_code, output
    assert "Traceback" not in output
    position = 0
    for fragment in fragments:
        found = output.find(fragment, position)
        assert found >= 0, f"{fragment!r} not in (or out of order in)\n{output}"
        position = found


def test_encoding_and_problems_are_reported_in_chinese_by_default() -> None:
    """Without a language chosen, the encoding read, the '?' problem and the dates
    problem are Chinese."""
    env = {"CULTPLAN_LANG": "zh_CN"}
    code, output, _seconds = validate_plan(PLANS / "gbk.csv", env)
    assert code == 0, output
    assert "FILE：读取编码：GB18030" in output
    code, output, _seconds = validate_plan(PLANS / "question-marks.csv", env)
    assert code == EXIT_INVALID
    assert "9 个单元格的中文变成了“?”（第 2–4 行；" in output
    code, output, _seconds = validate_plan(PLANS / "dates-disagree.csv", env)
    assert code == EXIT_INVALID
    assert "第 3 行.first_date：" in output or "第 3 行.first_date:" in output
    assert "方案以周为准" in output


def test_huge_plan_is_refused_unread(tmp_path: Path) -> None:
    """A plan over the size limit (sparse, so that the test writes nothing) is refused by
    its size alone, naming the limit, within a fraction of a second."""
    path = tmp_path / "huge.csv"
    with path.open("wb") as f:
        f.truncate(MAX_CSV_BYTES + 1)
    code, output, seconds = validate_plan(path)
    assert code == EXIT_INVALID
    assert f"FILE: (top level): the file has {MAX_CSV_BYTES + 1:,} bytes, more than the " in (
        output
    )
    assert seconds < 0.5


def test_a_field_over_the_csv_limit_is_a_located_problem(tmp_path: Path) -> None:
    """A cell larger than the CSV reader's field limit is refused naming its row."""
    header = (PLANS / "utf8.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "big-cell.csv"
    path.write_text(f'{header}\nC1,"{"x" * 200_000}"\n', encoding="utf-8")
    code, output, _seconds = validate_plan(path)
    assert code == EXIT_INVALID, output
    assert "FILE:2: row 2: the row cannot be read as CSV: field larger than field limit" in output
