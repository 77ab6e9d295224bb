"""The corpus of bad scenario files: each is refused by ``cultplan validate`` with exit
code 2 and a located message, hostile ones within a fraction of a second."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import EXIT_INVALID, app
from planner.i18n import use_language
from planner.scenario.messages import MAX_FILE_BYTES

BAD = Path(__file__).resolve().parent / "data" / "bad"
ID_RULE = "ids use letters, digits, '_', '-' and '.'"
UNREACHABLE = "cannot be reached from the centre 'centre' by the network's roads"

#: Each file of the corpus: the exit code of ``cultplan validate`` and fragments of its
#: report (``FILE`` is the file's path), in the order they appear.
CORPUS: dict[str, tuple[int, list[str]]] = {
    # malformed
    "malformed-unclosed-flow-list.yaml": (
        2,
        ["FILE:15: (top level): malformed YAML: did not find expected ',' or ']'"],
    ),
    "tab-indentation.yaml": (
        2,
        ["FILE: 1 problem", "FILE:3: (top level): a tab character on line 3; YAML indents with"],
    ),
    "tab-indentation-nested.yaml": (
        2,
        ["FILE: 1 problem", "FILE:14: (top level): a tab character on line 14; YAML indents"],
    ),
    "fullwidth-colon.yaml": (2, ["FILE:4: (top level): full-width colon '：' after 'weeks'"]),
    "fullwidth-colon-nested.yaml": (
        2,
        ["FILE: 1 problem", "FILE:8: (top level): full-width colon '：' after 'name'"],
    ),
    # full-width punctuation of a Chinese input method: named with its line
    "fullwidth-comma-in-list.yaml": (
        2,
        [
            "FILE:17: demand[0].preferred_weeks[0]: Input should be a whole number (got '1，2'); "
            "full-width comma '，' on line 17; separate items with an ASCII comma and a space"
        ],
    ),
    "fullwidth-comma-in-themes.yaml": (
        2,
        [
            "FILE: 1 problem",
            "FILE:17: demand[0].themes[0]: '沪剧，越剧' reads as one item; separate the items of "
            "a list with an ASCII comma and a space (', '), not '，'",
        ],
    ),
    "fullwidth-comma-between-fields.yaml": (
        2,
        ["FILE: 1 problem", "FILE:17: (top level): full-width comma '，' on line 17"],
    ),
    "fullwidth-space-indentation.yaml": (
        2,
        ["FILE:8: (top level): full-width space (U+3000) on line 8; write ASCII spaces"],
    ),
    "fullwidth-brackets.yaml": (
        2,
        [
            "FILE:18: demand[1].themes: Input should be a list (got '（越剧）'); full-width "
            "bracket '（）' on line 18; write a list as [a, b]"
        ],
    ),
    "fullwidth-quotes.yaml": (
        2,
        [
            "FILE:18: demand[1].committee: unknown committee '“C2”'; full-width quotation mark "
            "'“”' on line 18"
        ],
    ),
    # one slip, one problem: a misspelt key, an id that the references do not use
    "misspelt-top-level-key.yaml": (
        2,
        ["FILE: 1 problem", "FILE:10: commitees: unknown field; did you mean 'committees'?"],
    ),
    "misspelt-nested-key.yaml": (
        2,
        ["FILE: 1 problem", "FILE:11: committees[0].gird: unknown field; did you mean 'grid'?"],
    ),
    "mistyped-committee-id.yaml": (
        2,
        [
            "FILE: 1 problem",
            "FILE:17: demand[0].committee: unknown committee 'C1'; did you mean 'C01'? (and 4 "
            "more references to it: demand[2].committee, demand[3].committee, "
            "demand[4].committee, …)",
        ],
    ),
    "duplicated-demand-key.yaml": (
        2,
        ["FILE:19: demand: duplicated key 'demand' (first on line 16)"],
    ),
    "duplicated-committee-key.yaml": (
        2,
        ["FILE:12: committees[1].name: duplicated key 'name' (first on line 12)"],
    ),
    "empty.yaml": (2, ["FILE: (top level): the file is empty"]),
    "impossible-date.yaml": (
        2,
        ["FILE:3: (top level): the value '2027-02-30' cannot be read: day is out of range"],
    ),
    "python-object-tag.yaml": (
        2,
        [
            "FILE:1: (top level): malformed YAML: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object/apply:os.system'"
        ],
    ),
    "top-level-list.yaml": (2, ["(top level): expected a mapping at the top, found list"]),
    "control-character.yaml": (
        2,
        ["FILE:1: (top level): a control character (U+0007) is not allowed in YAML"],
    ),
    # hostile
    "billion-laughs.yaml": (2, ["more than the limit of 4,000,000 YAML nodes"]),
    "merge-key-bomb.yaml": (2, ["more than the limit of 4,000,000 YAML nodes"]),
    "recursive-alias.yaml": (2, ["FILE:5: (top level): an alias refers to a list or mapping"]),
    "deep-nesting.yaml": (2, ["FILE:1: (top level): nesting deeper than the limit of 32"]),
    "nesting-over-the-limit.yaml": (2, ["FILE:5: (top level): nesting deeper than the limit"]),
    # mis-encoded
    "gbk.yaml": (
        2,
        [
            "FILE:1: (top level): not UTF-8: byte 0xb2 at offset 6 (column 7), the file reads "
            "as GBK/GB18030; save the file as UTF-8"
        ],
    ),
    "utf16-bom.yaml": (2, ["FILE:1: (top level): the file is UTF-16", "save it as UTF-8"]),
    # unsafe ids
    "committee-id-dotdot.yaml": (2, ["FILE:12: committees[1].id: id '..' is not allowed", ID_RULE]),
    "committee-id-slash.yaml": (2, ["FILE:12: committees[1].id: id 'a/b' is not allowed"]),
    "resource-id-control-character.yaml": (
        2,
        ["FILE:15: resources.troupes[0].id: id 'T\\x071' is not allowed"],
    ),
    # the network
    "unreachable-committee.yaml": (
        2,
        [f"FILE:12: committees[1].id: committee 'C2' (测试2居委会) {UNREACHABLE}"],
    ),
    # every problem at once: fields, references and pins
    "many-problems-at-once.yaml": (
        2,
        [
            "FILE: 7 problems",
            "FILE:11: committees[0].population: Input should be greater than or equal to 0",
            "FILE:15: resources.troupes[0].shows_per_week: Input should be a whole number "
            "(got 'many')",
            "FILE:15: resources.troupes[0].home_grid: unknown grid 'G7'",
            "FILE:18: demand[1].committee: unknown committee 'C9'",
            "FILE:20: pins[0].first_week: week 9 is outside the season (1..4)",
            "FILE:20: pins[0].product: resource 'T1' delivers performance, not lecture",
            "FILE:21: pins[1].resource: unknown resource 'T9'",
        ],
    ),
    # the subdistricts of a two-level scenario: every problem at once
    "subdistricts-many-problems.yaml": (
        2,
        [
            "FILE: 6 problems",
            "FILE:6: subdistricts[1].centre.id: duplicated place id 'SA1'",
            "FILE:7: subdistricts[2].id: duplicated id 'SB' (first at subdistricts[1])",
            "FILE:8: subdistricts[3].name: duplicated subdistrict name '甲街道' (first at "
            "subdistricts[0])",
            "FILE:11: grids[1].subdistrict: unknown subdistrict '乙街到'",
            "FILE:12: grids[2].subdistrict: the grid names no subdistrict; when the scenario "
            "lists its subdistricts, every grid belongs to one of them",
            "FILE:20: resources.troupes[1].subdistrict: unknown subdistrict 'SA'; did you mean "
            "'甲街道'? (and 1 more reference to it: resources.troupes[2].subdistrict)",
        ],
    ),
}

#: Files built to exhaust time or memory: refused well within a second.
HOSTILE = {
    "billion-laughs.yaml",
    "merge-key-bomb.yaml",
    "recursive-alias.yaml",
    "deep-nesting.yaml",
}


def validate(path: Path) -> tuple[int, str, float]:
    """Run ``cultplan validate`` in-process: exit code, output with the path as ``FILE``,
    and seconds taken."""
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["validate", str(path)])
    seconds = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output.replace(str(path), "FILE"), seconds


def test_the_corpus_is_the_table() -> None:
    """Every file of the corpus has its row in the table and every row its file."""
    assert sorted(p.name for p in BAD.iterdir()) == sorted(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_bad_file_is_refused_with_its_message(name: str) -> None:
    """``cultplan validate`` exits with the table's code, with no traceback, and reports
    the table's fragments in order; hostile files take well under a second."""
    code, output, seconds = validate(BAD / name)
    expected_code, fragments = CORPUS[name]
    assert code == expected_code, output
    assert "Traceback" not in output
    position = 0
    for fragment in fragments:
        found = output.find(fragment, position)
        assert found >= 0, f"{fragment!r} not in (or out of order in)\n{output}"
        position = found
    if name in HOSTILE:
        assert seconds < 0.5, f"{name} took {seconds:.2f} s"


def test_huge_file_is_refused_unread(tmp_path: Path) -> None:
    """A file over the size limit (sparse, so that the test writes nothing) is refused by
    its size alone, naming the limit, within a fraction of a second."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)
    code, output, seconds = validate(path)
    assert code == EXIT_INVALID
    assert f"FILE: (top level): the file has {MAX_FILE_BYTES + 1:,} bytes, more than the " in (
        output
    )
    assert f"limit of {MAX_FILE_BYTES:,} bytes" in output
    assert seconds < 0.5


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    """A UTF-8 file that starts with a byte-order mark (as Notepad writes) reads as the
    same file without it."""
    text = (BAD / "unreachable-committee.yaml").read_text(encoding="utf-8")
    text = text[: text.index("network:")]
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    code, output, _ = validate(path)
    assert code == 0, output
    assert "FILE: valid scenario '测试情景'" in output


def test_a_folder_is_not_a_scenario(tmp_path: Path) -> None:
    """Naming a folder is one located problem, not a traceback."""
    code, output, _ = validate(tmp_path)
    assert code == EXIT_INVALID
    assert "FILE: (top level): not a file" in output


#: Files of the corpus and fragments of their report in Chinese, the default language.
CHINESE: dict[str, list[str]] = {
    "many-problems-at-once.yaml": [
        "FILE：7 个问题",
        "FILE:11: committees[0].population: 应不小于 0（实为 -5）",
        "FILE:15: resources.troupes[0].shows_per_week: 应为整数（实为 'many'）",
        "FILE:15: resources.troupes[0].home_grid: 未知网格 'G7'",
        "FILE:20: pins[0].first_week: 第9周不在本季内（1..4）",
    ],
    "misspelt-top-level-key.yaml": ["FILE:10: commitees: 未知字段；是否应为 'committees'？"],
    "fullwidth-comma-in-list.yaml": [
        "FILE:17: demand[0].preferred_weeks[0]: 应为整数（实为 '1，2'）；第 17 行有全角逗号“，”",
    ],
    "tab-indentation.yaml": ["FILE:3: （顶层）: 第 3 行有制表符（Tab）"],
    "mistyped-committee-id.yaml": [
        "FILE:17: demand[0].committee: 未知居委 'C1'；是否应为 'C01'？（另有 4 处引用它：",
    ],
    "subdistricts-many-problems.yaml": [
        "FILE：6 个问题",
        "FILE:8: subdistricts[3].name: 街道名称 '甲街道' 重复（首次出现在 subdistricts[0]）",
        "FILE:11: grids[1].subdistrict: 未知街道 '乙街到'",
        "FILE:12: grids[2].subdistrict: 该网格未指明所属街道；场景列出街道时，"
        "每个网格都须属于其中之一",
        "FILE:20: resources.troupes[1].subdistrict: 未知街道 'SA'；是否应为 '甲街道'？",
    ],
}


@pytest.mark.parametrize("name", sorted(CHINESE))
def test_bad_file_is_reported_in_chinese(name: str) -> None:
    """In Chinese every input problem reads in Chinese, pydantic's English included."""
    with use_language("zh_CN"):
        code, output, _seconds = validate(BAD / name)
    assert code == EXIT_INVALID
    position = 0
    for fragment in CHINESE[name]:
        found = output.find(fragment, position)
        assert found >= 0, f"{fragment!r} not in (or out of order in)\n{output}"
        position = found
    assert "Input should" not in output and "unknown" not in output


def test_chinese_is_the_default_for_input_problems() -> None:
    """A process without CULTPLAN_LANG reports input problems in Chinese."""
    env = {k: v for k, v in os.environ.items() if k != "CULTPLAN_LANG"}
    path = BAD / "misspelt-nested-key.yaml"
    done = subprocess.run(
        [sys.executable, "-c", "from planner.cli import app; app()", "validate", str(path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == EXIT_INVALID
    assert f"{path}：1 个问题" in done.stderr
    assert "committees[0].gird: 未知字段；是否应为 'grid'？" in done.stderr
