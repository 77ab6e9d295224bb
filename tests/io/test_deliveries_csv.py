"""Reading a plan back from deliveries.csv: bad rows, encodings and resolved demand lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from planner.i18n import use_language
from planner.io.columns import chinese_labels
from planner.io.deliveries_csv import (
    parse_deliveries,
    parse_plan,
    read_deliveries,
    write_deliveries,
)
from planner.io.plan_cells import parse_date
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario, ScenarioError
from tests.factories import ask, base_data, book_set, build, troupe

HEADER = "committee_id,product,resource_id,first_week,last_week"
PERF = Product.PERFORMANCE


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    """C1 asks for a 沪剧 show and two shows of any genre; troupe T1 plays 越剧; book set
    BK has two copies."""
    data = base_data()
    data["resources"] = {
        "troupes": [troupe()],
        "book_sets": [book_set("BK", "书", "文学", copies=2, stay_weeks=2)],
    }
    data["demand"] = [
        ask("C1", "performance", themes=["沪剧"]),
        ask("C1", "performance"),
        ask("C1", "performance"),
        ask("C2", "book_set"),
    ]
    return build(data)


def report_of(text: str, scenario: Scenario) -> list[str]:
    """The problem lines of parsing ``text`` (source ``p.csv``), without indentation."""
    with pytest.raises(ScenarioError) as caught:
        parse_deliveries(text, scenario, "p.csv")
    return [row.strip() for row in caught.value.report().splitlines()]


def test_missing_columns_are_each_named(scenario: Scenario) -> None:
    """Each required column that is absent is one top-level problem, in column order."""
    assert report_of("committee_id,product\nC1,performance\n", scenario) == [
        "p.csv: 3 problems",
        "p.csv: (top level): missing column 'resource_id'",
        "p.csv: (top level): missing column 'first_week'",
        "p.csv: (top level): missing column 'last_week'",
    ]


def test_every_bad_row_is_reported_at_once(scenario: Scenario) -> None:
    """Unknown committee, product and resource, non-numeric weeks and reversed or
    zero-based spans are all listed, each as ``row N.column`` (the header is row 1)."""
    text = "\n".join(
        [
            HEADER,
            "C9,performance,T1,1,1",
            "C1,show,T1,1,1",
            "C1,performance,T9,1,1",
            "C1,performance,T1,x,",
            "C1,performance,T1,3,2",
            "C1,performance,T1,0,1",
            "C1,performance,T1,2,2",
        ]
    )
    assert report_of(text, scenario) == [
        "p.csv: 7 problems",
        "p.csv: row 2.committee_id: unknown committee 'C9'",
        "p.csv: row 3.product: unknown product 'show'",
        "p.csv: row 4.resource_id: unknown resource 'T9'",
        "p.csv: row 5.first_week: not a week number: 'x'",
        "p.csv: row 5.last_week: not a week number: ''",
        "p.csv: row 6.last_week: weeks 3..2 are not a span",
        "p.csv: row 7.last_week: weeks 0..1 are not a span",
    ]


def test_one_row_with_several_bad_cells(scenario: Scenario) -> None:
    """Every bad cell of one row is reported, with its column as the place."""
    with pytest.raises(ScenarioError) as caught:
        parse_deliveries(f"{HEADER}\nC9,show,T9,a,b\n", scenario, "p.csv")
    assert [p.place for p in caught.value.problems] == [
        "row 2.committee_id",
        "row 2.product",
        "row 2.resource_id",
        "row 2.first_week",
        "row 2.last_week",
    ]


def test_an_unknown_id_in_many_rows_is_one_problem(scenario: Scenario) -> None:
    """An unknown committee or resource named in several rows is one problem with its
    count and rows; one named once keeps its row; when most rows name unknown ids the
    plan is said to belong perhaps to another scenario, first."""
    rows = (
        ["C04,performance,T1,1,1"] * 4 + ["C1,performance,T7,1,1"] * 2 + ["C05,performance,T1,2,2"]
    )
    text = "\n".join([HEADER, *rows, "C1,performance,T1,3,3"])
    assert report_of(text, scenario) == [
        "p.csv: 4 problems",
        "p.csv: (top level): 7 of 8 rows name committees or resources the scenario does not "
        "have: the plan may belong to another scenario",
        "p.csv:2: committee_id: unknown committee 'C04' in 4 rows (2–5)",
        "p.csv:6: resource_id: unknown resource 'T7' in 2 rows (6–7)",
        "p.csv: row 8.committee_id: unknown committee 'C05'",
    ]


def test_row_numbers_count_blank_lines(scenario: Scenario) -> None:
    """A bad row after a blank line is reported with its own line number in the file."""
    assert report_of(f"{HEADER}\n\nC9,performance,T1,1,1\n", scenario) == [
        "p.csv: 1 problem",
        "p.csv: row 3.committee_id: unknown committee 'C9'",
    ]


def test_cells_are_trimmed(scenario: Scenario) -> None:
    """Spaces around cell values are ignored."""
    plan = parse_deliveries(f"{HEADER}\n C1 , performance , T1 , 2 , 2 \n", scenario)
    assert [(d.committee_id, d.resource_id, d.first_week) for d in plan] == [("C1", "T1", 2)]


def test_empty_demand_id_is_resolved_to_the_fitting_line(scenario: Scenario) -> None:
    """Without demand_id, a 越剧 show skips the 沪剧 line and fills the open lines in
    order; once every fitting line is full it falls back to the first line; an empty
    theme becomes the one the troupe delivers."""
    text = "\n".join(
        [
            f"{HEADER},demand_id,theme",
            "C1,performance,T1,1,1,,",
            "C1,performance,T1,2,2,,",
            "C1,performance,T1,3,3,,",
            "C2,book_set,BK-2,1,2,,",
        ]
    )
    assert parse_deliveries(text, scenario) == Plan.of(
        [
            Delivery("C1", PERF, "T1", 1, 1, "C1/performance/2", "越剧"),
            Delivery("C1", PERF, "T1", 2, 2, "C1/performance/3", "越剧"),
            Delivery("C1", PERF, "T1", 3, 3, "C1/performance/1", "越剧"),
            Delivery("C2", Product.BOOK_SET, "BK-2", 1, 2, "C2/book_set/1", "文学"),
        ]
    )


def test_given_demand_id_and_theme_are_kept(scenario: Scenario) -> None:
    """A written demand_id and theme are taken as they are (the validator judges them)."""
    text = f"{HEADER},demand_id,theme\nC1,performance,T1,1,1,C1/performance/1,沪剧\n"
    assert list(parse_deliveries(text, scenario)) == [
        Delivery("C1", PERF, "T1", 1, 1, "C1/performance/1", "沪剧")
    ]


# -- files -------------------------------------------------------------------------------


def test_bom_prefixed_utf8_is_accepted(tmp_path: Path, scenario: Scenario) -> None:
    """A file saved by Excel (UTF-8 with BOM) reads, its first column name intact."""
    path = tmp_path / "deliveries.csv"
    path.write_text(f"{HEADER},theme\nC1,performance,T1,1,1,越剧\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfcommittee_id")
    assert list(read_deliveries(path, scenario)) == [
        Delivery("C1", PERF, "T1", 1, 1, "C1/performance/2", "越剧")
    ]


def test_unreadable_bytes_are_refused_naming_the_file(tmp_path: Path, scenario: Scenario) -> None:
    """Bytes that are neither UTF-8 nor GB18030 are one problem under the file's name,
    giving the first bad byte, its offset and its line."""
    path = tmp_path / "deliveries.csv"
    prefix = f"{HEADER},theme\nC1,performance,T1,1,1,".encode()
    path.write_bytes(prefix + b"\xff\xff\n")
    with pytest.raises(ScenarioError) as caught:
        read_deliveries(path, scenario)
    assert caught.value.source == str(path)
    assert [(p.line, str(p)) for p in caught.value.problems] == [
        (
            2,
            f"(top level): neither UTF-8 nor GB18030 (GBK): byte 0xff at offset {len(prefix)} "
            "cannot be read; save the file as UTF-8 (in Excel: CSV UTF-8)",
        )
    ]


def test_missing_file_is_refused_naming_the_file(tmp_path: Path, scenario: Scenario) -> None:
    """A file that does not exist is a ScenarioError under its name, not an OSError."""
    path = tmp_path / "none.csv"
    with pytest.raises(ScenarioError) as caught:
        read_deliveries(path, scenario)
    assert caught.value.source == str(path)
    assert caught.value.problems[0].message.startswith("cannot read file: ")


def test_written_plan_reads_back_equal(tmp_path: Path, scenario: Scenario) -> None:
    """write_deliveries then read_deliveries gives the same plan."""
    plan = Plan.of(
        [
            Delivery("C1", PERF, "T1", 1, 1, "C1/performance/2", "越剧"),
            Delivery("C2", Product.BOOK_SET, "BK-1", 3, 4, "C2/book_set/1", "文学"),
        ]
    )
    path = tmp_path / "deliveries.csv"
    write_deliveries(plan, scenario, path)
    assert read_deliveries(path, scenario) == plan


# -- hand edits ----------------------------------------------------------------------------


def test_each_delivery_keeps_its_rows(scenario: Scenario) -> None:
    """parse_plan gives each delivery id the file's rows (lines, the header is row 1,
    blank lines counted); deliveries that look alike share an id and list every row."""
    text = "\n".join(
        [
            HEADER,
            "C1,performance,T1,1,1",
            "",
            "C2,book_set,BK-1,1,2",
            "C2,book_set,BK-2,1,2",
        ]
    )
    plan_file = parse_plan(text, scenario, "p.csv")
    assert plan_file.rows == {
        "C1:performance:T1:w01": (2,),
        "C2:book_set:BK:w01": (4, 5),
    }
    assert plan_file.rows_of(["C2:book_set:BK:w01", "C1:performance:T1:w01"]) == [2, 4, 5]


def test_products_named_as_cultplan_prints_them_read_as_their_keys(scenario: Scenario) -> None:
    """A product column holding the names cultplan prints (文艺演出, 图书; performance,
    books), in either language in force, reads as the product keys do."""
    keys = parse_deliveries(f"{HEADER}\nC1,performance,T1,1,1\nC2,book_set,BK-1,1,2\n", scenario)
    for lang in ("zh_CN", "en"):
        with use_language(lang):
            for show, books in (("文艺演出", "图书"), ("performance", "Books")):
                text = f"{HEADER}\nC1,{show},T1,1,1\nC2,{books},BK-1,1,2\n"
                assert parse_deliveries(text, scenario) == keys


def test_chinese_header_reads_like_the_keys(scenario: Scenario) -> None:
    """A header of Chinese labels (in any order, English text in force or not) reads
    the same plan as the keys; a column given twice is a problem."""
    with use_language("en"):
        labels = chinese_labels()
    header = ",".join(labels[k] for k in ("first_week", "product", "committee_id"))
    header += f",{labels['resource_id']},{labels['last_week']}"
    plan = parse_deliveries(f"{header}\n1,performance,C1,T1,1\n", scenario)
    assert plan == parse_deliveries(f"{HEADER}\nC1,performance,T1,1,1\n", scenario)
    assert report_of(f"{HEADER},{labels['committee_id']}\nC1,performance,T1,1,1,C1\n", scenario)[
        1:
    ] == ["p.csv:1: (top level): column 'committee_id' is given twice (as '居委编号')"]


def test_dates_as_spreadsheets_write_them_are_read() -> None:
    """Dates are read as ISO, with slashes or dots, in 年月日, with Excel's time of day;
    impossible or day-first dates are not dates."""
    day = dt.date(2027, 3, 8)
    for text in ("2027-03-08", "2027/3/8", "2027.3.8", "2027年3月8日", "2027/3/8 0:00"):
        assert parse_date(text) == day, text
    for text in ("2027-02-30", "8/3/2027", "week 2", ""):
        assert parse_date(text) is None, text


def test_empty_dates_agree_and_bad_dates_are_named(scenario: Scenario) -> None:
    """Empty date cells agree with any weeks; a date that is no date is a problem."""
    header = f"{HEADER},first_date,last_date"
    assert len(parse_deliveries(f"{header}\nC1,performance,T1,2,2,,\n", scenario)) == 1
    assert report_of(f"{header}\nC1,performance,T1,2,2,March 8,2027/3/14\n", scenario) == [
        "p.csv: 1 problem",
        "p.csv: row 2.first_date: not a date: 'March 8'; write it as 2027-03-08",
    ]


def test_chinese_ids_that_became_question_marks_are_one_problem() -> None:
    """Where the scenario's committee ids are Chinese, an id cell of '?' is counted with
    the other '?' cells instead of being an unknown committee."""
    data = base_data()
    data["committees"][0]["id"] = "五一"
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("五一", "performance")]
    chinese = build(data)
    with pytest.raises(ScenarioError) as caught:
        parse_deliveries(f"{HEADER},theme\n??,performance,T1,1,1,??\n", chinese, "p.csv")
    assert [p.message.split(" (")[0] for p in caught.value.problems] == [
        "2 cells hold '?' where the scenario has Chinese text"
    ]
    assert "(rows 2; columns committee_id, theme)" in caught.value.problems[0].message
