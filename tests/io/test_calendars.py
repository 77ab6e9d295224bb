"""Committee calendars: one row per delivery (per session of a course) with its dates, who
brings it and what the venue prepares, fixtures and closed weeks marked, as a CSV file and
a page named by the committee's id and name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from planner.i18n import use_language
from planner.io.calendars import (
    CALENDAR_COLUMNS,
    calendar_stem,
    committee_calendar,
    safe_file_name,
    write_calendars,
)
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from tests.factories import (
    ask,
    base_data,
    board_set,
    book_set,
    build,
    lecturer,
    show,
    talk,
    trainer,
    troupe,
)

P = Product


@pytest.fixture(autouse=True)
def _chinese() -> Iterator[None]:
    """Committees read their calendars in Chinese, the default language."""
    with use_language("zh_CN"):
        yield


def calendar_scenario() -> tuple[Scenario, Plan]:
    """C1 gets a two-week book stay (weeks 2–3), a board set (weeks 1–2), a show and a
    lecture in week 3 and a two-week fitness course (weeks 5–6); it is closed in week 4,
    the reading month fixture covers weeks 2–3 and a festival week 6; C2 gets nothing."""
    data = base_data(weeks=6)
    data["season"]["fixtures"] = [
        {"id": "reading", "name": "读书月", "weeks": [2, 3], "product": "book_set"},
        {"id": "festival", "name": "文化节", "weeks": [6]},
    ]
    data["committees"][0]["closed_weeks"] = [4]
    data["resources"] = {
        "book_sets": [book_set("BK1", "红色经典", "党史", stay_weeks=2)],
        "board_sets": [board_set("E1", "防诈骗展", "防诈骗", stay_weeks=2)],
        "troupes": [troupe(needs_stage=True, min_audience=80)],
        "lecturers": [lecturer(provider="复旦大学")],
        "trainers": [trainer(course_weeks=2)],
    }
    data["demand"] = [
        ask("C1", "book_set"),
        ask("C1", "exhibition"),
        ask("C1", "performance"),
        ask("C1", "lecture"),
        ask("C1", "fitness_course"),
    ]
    plan = Plan.of(
        [
            Delivery("C1", P.BOOK_SET, "BK1", 2, 3, "C1/book_set/1", "党史"),
            Delivery("C1", P.EXHIBITION, "E1", 1, 2, "C1/exhibition/1", "防诈骗"),
            show("C1", 3, "C1/performance/1"),
            talk("C1", 3, "C1/lecture/1"),
            Delivery("C1", P.FITNESS_COURSE, "N1", 5, 6, "C1/fitness_course/1", "太极"),
        ]
    )
    return build(data), plan


def test_committee_calendar_lists_deliveries_sessions_fixtures_and_closed_weeks() -> None:
    """A stay is one row from its arrival Monday to its collection Sunday, a course one
    row per weekly session, and the fixtures and closed weeks have rows of their own,
    all in date order."""
    scenario, plan = calendar_scenario()
    cal = committee_calendar(scenario, plan, "C1")
    assert list(cal.columns) == CALENDAR_COLUMNS
    rows = list(zip(cal["kind"], cal["product"], cal["first_week"], cal["last_week"], strict=True))
    assert rows == [
        ("delivery", "exhibition", 1, 2),
        ("fixture", "", 2, 3),
        ("delivery", "book_set", 2, 3),
        ("delivery", "performance", 3, 3),
        ("delivery", "lecture", 3, 3),
        ("closed", "", 4, 4),
        ("delivery", "fitness_course", 5, 5),
        ("fixture", "", 6, 6),
        ("delivery", "fitness_course", 6, 6),
    ]
    books = cal[cal["product"] == "book_set"].iloc[0]
    assert (books["start_date"], books["end_date"]) == (
        pd.Timestamp("2027-03-08"),
        pd.Timestamp("2027-03-21"),
    )
    assert books["resource_name"] == "红色经典"
    assert books["delivery_id"] == "C1:book_set:BK1:w02"
    assert books["during"] == "读书月"
    course = cal[cal["product"] == "fitness_course"]
    assert course["session"].tolist() == [1, 2]
    assert course["sessions"].tolist() == [2, 2]
    assert course["start_date"].tolist() == [pd.Timestamp("2027-03-29"), pd.Timestamp("2027-04-05")]
    assert course["during"].tolist() == ["", "文化节"]
    assert set(course["delivery_id"]) == {"C1:fitness_course:N1:w05"}
    assert committee_calendar(scenario, plan, "C2")["kind"].tolist() == ["fixture", "fixture"]
    with pytest.raises(KeyError):
        committee_calendar(scenario, plan, "C9")


def test_committee_calendar_dates_are_dates_and_sessions_nullable() -> None:
    """The analysts' frame has datetime64 dates, as planner.frames, and nullable integer
    sessions: a course's session and count, missing for every other entry (also for a
    calendar with no entry at all)."""
    scenario, plan = calendar_scenario()
    cal = committee_calendar(scenario, plan, "C1")
    assert str(cal["start_date"].dtype) == str(cal["end_date"].dtype) == "datetime64[ns]"
    assert str(cal["session"].dtype) == str(cal["sessions"].dtype) == "Int64"
    course = cal["product"] == "fitness_course"
    assert cal.loc[course, "session"].tolist() == [1, 2]
    assert cal.loc[~course, "session"].isna().all()
    assert cal.loc[~course, "sessions"].isna().all()
    data = scenario.model_dump(mode="json")
    data["season"]["fixtures"] = []
    empty = committee_calendar(build(data, number_lines=False), Plan.of([]), "C2")
    assert empty.empty
    assert str(empty["start_date"].dtype) == "datetime64[ns]"
    assert str(empty["session"].dtype) == "Int64"


def test_calendar_says_who_brings_what_and_what_the_venue_prepares() -> None:
    """Book sets come from the centre, board sets with its van, events with their troupe,
    lecturer (and institution) or trainer; the venue prepares a shelf slot, board space, a
    stage and the troupe's audience, seats, or the fitness floor."""
    scenario, plan = calendar_scenario()
    cal = committee_calendar(scenario, plan, "C1").set_index("product")
    assert cal.loc["book_set", "brought_by"] == "文化中心"
    assert cal.loc["exhibition", "brought_by"] == "文化中心货车"
    assert cal.loc["performance", "brought_by"] == "T1越剧团"
    assert cal.loc["lecture", "brought_by"] == "L1教授（复旦大学）"
    assert cal.loc["book_set", "venue_needs"] == "一个书架位"
    assert cal.loc["exhibition", "venue_needs"] == "一套展板的位置"
    assert cal.loc["performance", "venue_needs"] == "舞台、80个观众座位"
    assert cal.loc["lecture", "venue_needs"] == "观众座位"
    course = cal.loc[["fitness_course"]]
    assert course["venue_needs"].tolist() == ["健身场地", "健身场地"]
    assert course["brought_by"].tolist() == ["N1教练", "N1教练"]


def test_write_calendars_names_files_by_id_and_name(tmp_path: Path) -> None:
    """Each committee gets <id>-<name>.csv and .html; the CSV is UTF-8 with a BOM, has
    Chinese headers and one row per delivery or session, Chinese names intact."""
    scenario, plan = calendar_scenario()
    paths = write_calendars(scenario, plan, tmp_path / "cal")
    assert [p.name for p in paths] == [
        "C1-测试1居委会.csv",
        "C1-测试1居委会.html",
        "C2-测试2居委会.csv",
        "C2-测试2居委会.html",
    ]
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(paths[0], encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns) == [
        "类别",
        "周次",
        "开始日期",
        "结束日期",
        "时间",
        "项目",
        "名称",
        "主题",
        "提供方",
        "场地准备",
        "同期活动",
        "配送编号",
    ]
    assert back["类别"].tolist().count("配送") == 6
    books = back[back["项目"] == "图书"].iloc[0]
    assert books["时间"] == "3月8日送达，3月21日收回"
    assert (books["周次"], books["名称"], books["主题"]) == ("第2–3周", "红色经典", "党史")
    assert back["项目"].tolist().count("健身课程（第5–6周第1/2次）") == 1
    assert back[back["项目"] == "文艺演出"].iloc[0]["时间"] == "3月15日至21日这一周内"
    closed = back[back["类别"] == "闭馆周"].iloc[0]
    assert (closed["周次"], closed["名称"]) == ("第4周", "闭馆，不安排配送")
    assert back[back["类别"] == "节假日/固定活动"]["名称"].tolist() == ["读书月", "文化节"]
    quiet = pd.read_csv(paths[2], encoding="utf-8-sig", keep_default_na=False)
    assert quiet["类别"].tolist() == ["节假日/固定活动", "节假日/固定活动"]


def test_calendar_page_is_chinese_and_escapes_names(tmp_path: Path) -> None:
    """The page is Simplified Chinese by default, names each delivery's details and the
    notes on dates, and escapes what the scenario's names hold."""
    scenario, plan = calendar_scenario()
    data = scenario.model_dump(mode="json")
    data["committees"][0]["name"] = "<b>东</b>居委会"
    scenario = build(data, number_lines=False)
    html = write_calendars(scenario, plan, tmp_path)[1].read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    assert "&lt;b&gt;东&lt;/b&gt;居委会本季配送日历" in html
    assert "<b>东" not in html
    expected = ("第2–3周", "3月8日送达，3月21日收回", "红色经典", "文化中心货车", "第5–6周第2/2次")
    for text in expected:
        assert text in html
    assert "舞台、80个观众座位" in html
    assert "闭馆，不安排配送" in html
    assert "共5项配送" in html
    assert "具体日期和时间与提供方商定" in html


def test_english_calendar_with_the_language_switch(tmp_path: Path) -> None:
    """With English chosen, headers and texts are English; names stay as they are."""
    scenario, plan = calendar_scenario()
    with use_language("en"):
        paths = write_calendars(scenario, plan, tmp_path)
    back = pd.read_csv(paths[0], encoding="utf-8-sig", keep_default_na=False)
    assert list(back.columns)[:5] == ["entry", "weeks", "from", "until", "when"]
    books = back[back["what"] == "books"].iloc[0]
    assert books["when"] == "arrives Mar 8, collected Mar 21"
    assert books["brought by"] == "文化中心"
    assert "fitness course, weeks 5–6, 2/2" in back["what"].tolist()
    html = paths[1].read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert "测试1居委会: deliveries this season" in html


def overlapping_courses() -> tuple[Scenario, Plan]:
    """C1 gets two four-week 太极 courses of the same trainer, weeks 1–4 and 3–6."""
    data = base_data(weeks=6)
    data["resources"] = {"trainers": [trainer(course_weeks=4)]}
    data["demand"] = [ask("C1", "fitness_course", 2)]
    plan = Plan.of(
        [
            Delivery("C1", P.FITNESS_COURSE, "N1", 1, 4, "C1/fitness_course/1", "太极"),
            Delivery("C1", P.FITNESS_COURSE, "N1", 3, 6, "C1/fitness_course/2", "太极"),
        ]
    )
    return build(data), plan


def test_overlapping_courses_of_one_trainer_are_told_apart(tmp_path: Path) -> None:
    """Two courses of the same trainer and theme whose weeks overlap name their sessions
    by the course's weeks, in the CSV file and on the page, in Chinese and English: in
    week 3 one course's third session is not mistaken for the other's first."""
    scenario, plan = overlapping_courses()
    back = pd.read_csv(
        write_calendars(scenario, plan, tmp_path / "zh")[0],
        encoding="utf-8-sig",
        keep_default_na=False,
    )
    week3 = back[back["周次"] == "第3周"]["项目"].tolist()
    assert sorted(week3) == ["健身课程（第1–4周第3/4次）", "健身课程（第3–6周第1/4次）"]
    assert back["项目"].nunique() == 8
    html = (tmp_path / "zh" / "C1-测试1居委会.html").read_text(encoding="utf-8")
    assert html.count("第1–4周第1/4次") == 1
    assert html.count("第3–6周第1/4次") == 1
    with use_language("en"):
        paths = write_calendars(scenario, plan, tmp_path / "en")
    english = pd.read_csv(paths[0], encoding="utf-8-sig", keep_default_na=False)
    assert sorted(english[english["weeks"] == "week 3"]["what"]) == [
        "fitness course, weeks 1–4, 3/4",
        "fitness course, weeks 3–6, 1/4",
    ]
    assert "weeks 1–4, 1/4" in paths[1].read_text(encoding="utf-8")


def test_a_committee_without_deliveries_gets_a_page_that_says_so(tmp_path: Path) -> None:
    """A committee that receives nothing still gets its page, saying so, with the
    season's fixtures."""
    scenario, plan = calendar_scenario()
    html = write_calendars(scenario, plan, tmp_path)[3].read_text(encoding="utf-8")
    assert "本季没有安排到本居委的配送" in html
    assert "读书月" in html


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("五一居委会", "五一居委会"),
        ('a/b\\c:d*e?f"g<h>i|j', "a_b_c_d_e_f_g_h_i_j"),
        ("东\x00西\n南\t北\x7f", "东_西_南_北_"),
        ("零宽\u200b字符", "零宽_字符"),
        ("  前后有空格. ", "前后有空格"),
        ("多   个 空格", "多 个 空格"),
        ("...", ""),
        ("长" * 80, "长" * 60),
    ],
)
def test_safe_file_name(name: str, safe: str) -> None:
    """Characters Windows or Linux refuse in a file name, control and format characters
    become '_'; spaces and dots at the ends go; the name is cut to 60 characters."""
    assert safe_file_name(name) == safe


def test_calendar_stem_falls_back_to_the_id() -> None:
    """A name with nothing left to put in a file name gives the id alone."""
    data = base_data()
    data["committees"][0]["name"] = "..."
    data["committees"][1]["name"] = "C2/五一"
    scenario = build(data)
    stems = [calendar_stem(c) for c in scenario.committees]
    assert stems == ["C1", "C2-C2_五一"]
