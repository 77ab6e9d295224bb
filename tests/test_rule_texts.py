"""The rule texts in Chinese: every validator message and every unmet-demand explanation.

The suite runs in English (``tests/conftest.py``); these tests ask for the default,
Simplified Chinese, and check that a text is Chinese, still names its ids and leaves no
English word behind but ids, field names and the values of the scenario.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import pytest

from planner.baseline import plan_baseline, plan_greedy
from planner.explain import REASONS, explain_line, unmet_frame
from planner.i18n import use_language
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from planner.validate import RULES, assert_valid, check_plan
from tests.factories import (
    ask,
    base_data,
    board_set,
    book_set,
    build,
    lecturer,
    pin,
    solve_valid,
    trainer,
    troupe,
)
from tests.validate.plans import (
    EXHIBITION,
    LECTURE,
    bk,
    ex,
    rich_data,
    show,
    swap,
    talk,
    valid_deliveries,
    with_,
)

#: Scenario field names that a message may quote as they are.
FIELDS = (
    "max_events_per_week",
    "moves_per_week",
    "unavailable_weeks",
    "available_weeks",
    "closed_weeks",
    "shelf_slots",
    "board_slots",
    "max_shows",
    "season.rotation_cycle",
    "pins",
)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTED = re.compile(r"'[^']*'")
_ID = re.compile(r"\b[A-Z]+\d[\w/-]*")


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The words of ``text`` written in Latin letters, once quoted values, ids, field
    names and the ``allowed`` values are taken out."""
    for value in sorted((*allowed, *FIELDS), key=len, reverse=True):
        text = text.replace(value, " ")
    text = _ID.sub(" ", _QUOTED.sub(" ", text))
    return re.findall(r"[A-Za-z]{2,}", text)


def assert_chinese(text: str, names: Iterable[str] = (), allowed: Iterable[str] = ()) -> None:
    """``text`` is Chinese, names each of ``names`` and has no English word left."""
    assert _CJK.search(text), text
    for name in names:
        assert name in text, (name, text)
    assert english_words(text, allowed) == [], text


def test_english_words_finds_what_is_left() -> None:
    """The check itself: English words count, ids, quoted values and field names do not."""
    assert english_words("团队 'T1 troupe' 在 C1 第2周，max_events_per_week 为 2") == []
    assert english_words("居委 'C1' is closed in 第2周") == ["is", "closed", "in"]


# -- one plan breaking each rule ---------------------------------------------------------

Case = Callable[[], tuple[Scenario, Plan]]


def _rich(edit: Callable[[dict[str, Any]], None]) -> Scenario:
    data = rich_data()
    edit(data)
    return build(data)


def _valid_plan() -> Plan:
    return Plan.of(valid_deliveries())


def _service_area(subdistrict: str | None) -> tuple[Scenario, Plan]:
    def edit(data: dict[str, Any]) -> None:
        if subdistrict:
            data["grids"][0]["subdistrict"] = subdistrict
        data["resources"]["troupes"][0]["subdistrict"] = "殷行"

    return _rich(edit), Plan.of([show("C1", 1)])


def _duplicate(data: dict[str, Any]) -> None:
    data["resources"]["lecturers"][0]["sessions_per_week"] = 2
    data["demand"][3]["count"] = 2


def _stage_and_audience(data: dict[str, Any]) -> None:
    data["resources"]["troupes"][0].update(needs_stage=True, min_audience=150)
    data["committees"][1]["venue"]["stage"] = False


def _fixture(data: dict[str, Any]) -> None:
    data["season"]["fixtures"] = [
        {"id": "festival", "name": "社区文化节", "weeks": [4, 5], "reserves": ["TR1"]}
    ]


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """An edit setting ``data[a][i][b]…`` (dotted, with list indexes) to ``value``."""

    def edit(data: dict[str, Any]) -> None:
        *head, last = path.split(".")
        node: Any = data
        for key in head:
            node = node[int(key)] if key.isdigit() else node[key]
        node[last] = value

    return edit


def _pinned(*pins: dict[str, Any], extra_line: bool = False) -> Case:
    def edit(data: dict[str, Any]) -> None:
        if extra_line:
            data["demand"].append(ask("C1", "performance", 1, id="extra"))
        data["pins"] = list(pins)

    return lambda: (_rich(edit), _valid_plan())


GHOST = Delivery("C1", LECTURE, "NOBODY", 2, 2, "C1/lecture/1", "健康")
STRANGER = Delivery("C9", LECTURE, "L1", 7, 7, "C1/lecture/1", "健康")
TALK = talk("C1", 2)

#: Each rule broken by a hand-written plan of the rich scenario of the validator tests:
#: the rule, the plan and the ids its messages must name.
CASES: list[Any] = [
    pytest.param("known_reference", lambda: (_rich(len), with_(GHOST)), ["'NOBODY'"], id="ghost"),
    pytest.param("known_reference", lambda: (_rich(len), with_(STRANGER)), ["'C9'"], id="c9"),
    pytest.param(
        "known_reference",
        lambda: (_rich(len), swap(TALK, replace(TALK, resource_id="T1"))),
        ["'T1'"],
        id="product",
    ),
    pytest.param(
        "known_reference",
        lambda: (_rich(len), swap(TALK, replace(TALK, demand_id="C1/performance/1"))),
        ["'C1/performance/1'"],
        id="line",
    ),
    pytest.param(
        "known_reference",
        lambda: (_rich(len), swap(TALK, replace(TALK, demand_id="C1/lecture/7"))),
        ["'C1/lecture/7'"],
        id="no-line",
    ),
    pytest.param("service_area", lambda: _service_area("五角场"), ["'T1'", "'C1'"], id="area"),
    pytest.param("service_area", lambda: _service_area(None), ["'T1'", "'G1'"], id="no-area"),
    pytest.param(
        "within_season",
        lambda: (_rich(len), swap(bk("C1", "BK2", 5, 6), bk("C1", "BK2", 8, 9))),
        ["'BK2'", "'C1'"],
        id="late",
    ),
    pytest.param(
        "within_season", lambda: (_rich(len), swap(TALK, talk("C1", 0))), ["'L1'"], id="early"
    ),
    pytest.param(
        "duration",
        lambda: (_rich(len), swap(bk("C1", "BK2", 5, 6), bk("C1", "BK2", 5, 7))),
        ["'BK2'", "'C1'"],
        id="duration",
    ),
    pytest.param(
        "theme_fit", lambda: (_rich(len), swap(TALK, talk("C1", 2, "美术"))), ["'美术'"], id="theme"
    ),
    pytest.param(
        "demand_limit",
        lambda: (_rich(len), with_(show("C2", 4))),
        ["'C2/performance/1'"],
        id="demand",
    ),
    pytest.param(
        "resource_capacity",
        lambda: (_rich(len), swap(talk("C2", 3, "历史"), talk("C2", 2, "历史"))),
        ["'L1'"],
        id="weekly",
    ),
    pytest.param(
        "resource_capacity",
        lambda: (_rich(_set("resources.troupes.0.max_shows", 2)), _valid_plan()),
        ["'T1'"],
        id="max-shows",
    ),
    pytest.param(
        "copy_overlap",
        lambda: (_rich(len), swap(bk("C2", "BK1-1", 5, 8), bk("C2", "BK1-1", 3, 6))),
        ["'BK1-1'", "'C1'", "'C2'"],
        id="copy",
    ),
    pytest.param(
        "resource_unavailable",
        lambda: (_rich(_set("resources.troupes.0.unavailable_weeks", [2])), _valid_plan()),
        ["'T1'", "'C2'"],
        id="unavailable",
    ),
    pytest.param(
        "resource_unavailable",
        lambda: (_rich(_set("resources.lecturers.0.available_weeks", [1, 2])), _valid_plan()),
        ["'L1'"],
        id="available",
    ),
    pytest.param(
        "resource_unavailable",
        lambda: (_rich(_fixture), _valid_plan()),
        ["'TR1'", "'festival'"],
        id="fixture",
    ),
    pytest.param(
        "closed_week",
        lambda: (_rich(_set("committees.1.closed_weeks", [2])), _valid_plan()),
        ["'C2'", "'T1'"],
        id="closed",
    ),
    pytest.param(
        "closed_week",
        lambda: (_rich(_set("season.closed_weeks", [8])), _valid_plan()),
        ["'C2'", "'BK1-1'"],
        id="season-closed",
    ),
    pytest.param(
        "excluded_week",
        lambda: (_rich(_set("demand.0.excluded_weeks", [3])), _valid_plan()),
        ["'C1/book_set/1'"],
        id="excluded",
    ),
    pytest.param(
        "rotation_cycle",
        lambda: (_rich(_set("season.rotation_cycle", True)), _valid_plan()),
        ["'TR1'", "'C1'"],
        id="cycle",
    ),
    pytest.param(
        "venue", lambda: (_rich(_stage_and_audience), _valid_plan()), ["'T1'"], id="stage"
    ),
    pytest.param(
        "venue",
        lambda: (_rich(_set("committees.0.venue.fitness_floor", False)), _valid_plan()),
        ["'C1'", "'TR1'"],
        id="floor",
    ),
    pytest.param(
        "venue",
        lambda: (
            _rich(_set("committees.0.venue.shelf_slots", 1)),
            swap(bk("C1", "BK2", 5, 6), bk("C1", "BK2", 3, 4)),
        ),
        ["'C1'", "shelf_slots"],
        id="shelf",
    ),
    pytest.param(
        "venue",
        lambda: (
            _rich(_set("demand.1.count", 2)),
            with_(Delivery("C1", EXHIBITION, "EX2", 2, 3, "C1/exhibition/1", "科普")),
        ),
        ["'C1'", "board_slots"],
        id="boards",
    ),
    pytest.param(
        "events_per_week",
        lambda: (_rich(len), swap(TALK, talk("C1", 5))),
        ["'C1'", "max_events_per_week"],
        id="events",
    ),
    pytest.param(
        "van_moves",
        lambda: (_rich(len), swap(ex("C2", "EX1-2", 3, 4), ex("C2", "EX1-2", 1, 2))),
        ["moves_per_week"],
        id="van",
    ),
    pytest.param(
        "no_repeat_set",
        lambda: (_rich(len), swap(bk("C1", "BK2", 5, 6), bk("C1", "BK1-2", 5, 8))),
        ["'C1'", "'BK1'"],
        id="repeat",
    ),
    pytest.param(
        "duplicate_delivery",
        lambda: (_rich(_duplicate), with_(talk("C1", 2))),
        ["'C1:lecture:L1:w02'"],
        id="duplicate",
    ),
    pytest.param(
        "pinned",
        _pinned(pin("C1", "performance", "T1", 3)),
        ["pins[0]", "'T1'", "'C1'"],
        id="pin",
    ),
    pytest.param(
        "pinned",
        _pinned(pin("C1", "performance", "T1", 1, demand="extra"), extra_line=True),
        ["pins[0]", "'extra'"],
        id="pin-line",
    ),
]


def test_the_cases_break_every_rule() -> None:
    """The table below breaks each hard rule at least once."""
    assert {case.values[0] for case in CASES} == set(RULES)


@pytest.mark.parametrize(("rule", "make", "names"), CASES)
def test_violation_messages_are_chinese(rule: str, make: Case, names: list[str]) -> None:
    """In the default language every message of a plan breaking ``rule`` is Chinese,
    names the ids concerned and keeps no English word but ids and field names."""
    scenario, plan = make()
    with use_language("zh_CN"):
        out = check_plan(scenario, plan)
    assert rule in [v.rule for v in out]
    for v in out:
        # A delivery id is named as it is (its product part is the product's key).
        assert_chinese(v.message, allowed=v.delivery_ids)
    assert all(name in " ".join(v.message for v in out if v.rule == rule) for name in names)
    with use_language("en"):
        english = check_plan(scenario, plan)
    assert sorted(v.rule for v in english) == sorted(v.rule for v in out)


def test_assert_valid_speaks_chinese() -> None:
    """assert_valid's head and every listed violation are Chinese by default."""
    scenario = _rich(len)
    with use_language("zh_CN"), pytest.raises(AssertionError) as info:
        assert_valid(scenario, with_(show("C2", 4), GHOST))
    head, *lines = str(info.value).splitlines()
    assert head == "方案违反了2条硬性规则："
    assert [line.split(":")[0].strip() for line in lines] == ["known_reference", "demand_limit"]
    for line in lines:
        assert_chinese(line.split(":", 1)[1], allowed=["C1:lecture:NOBODY:w02"])


# -- why demand stays unmet --------------------------------------------------------------


def _line(
    resources: dict[str, Any],
    demand: list[dict[str, Any]],
    plan: Iterable[Delivery] = (),
    *,
    weeks: int = 2,
    committees: int = 1,
    edit: Callable[[dict[str, Any]], None] = len,
    line: str = "",
) -> tuple[Scenario, Plan, str]:
    """A tiny scenario, a plan for it and the unmet line to explain (the first line
    unless ``line`` names another)."""
    data = base_data(weeks=weeks, committees=committees)
    data["resources"] = resources
    data["demand"] = demand
    edit(data)
    scenario = build(data)
    return scenario, Plan.of(plan), line or scenario.demand_lines[0].id


def _stay(
    committee: str, product: Product, copy: str, first: int, last: int, theme: str
) -> Delivery:
    kind = "book_set" if product == Product.BOOK_SET else "exhibition"
    return Delivery(committee, product, copy, first, last, f"{committee}/{kind}/1", theme)


def _show(committee: str, week: int) -> Delivery:
    return Delivery(
        committee, Product.PERFORMANCE, "T1", week, week, f"{committee}/performance/1", "越剧"
    )


def _talk(committee: str, week: int) -> Delivery:
    return Delivery(committee, Product.LECTURE, "L1", week, week, f"{committee}/lecture/1", "党史")


BOOKS = Product.BOOK_SET
BOARDS = Product.EXHIBITION
TWO_KINDS = [
    book_set("BK1", "红色经典", "党史", stay_weeks=2),
    book_set("BK2", "上海故事", "乡土", stay_weeks=2),
]
TWO_BOARDS = [
    board_set("BD1", "党史展", "党史", stay_weeks=1),
    board_set("BD2", "科普展", "科普", stay_weeks=1),
]

#: Each reason an unmet line can be given, on a tiny scenario: the reason, the case and
#: the ids its explanation must name.
UNMET_CASES: list[Any] = [
    pytest.param(
        "no_resource",
        lambda: _line({}, [ask("C1", "lecture")]),
        ["C1/lecture/1"],
        id="no-resource",
    ),
    pytest.param(
        "theme_fit",
        lambda: _line({"troupes": [troupe()]}, [ask("C1", "performance", themes=["评弹"])]),
        ["C1/performance/1", "评弹"],
        id="theme",
    ),
    pytest.param(
        "venue",
        lambda: _line(
            {"troupes": [troupe(needs_stage=True)]},
            [ask("C1", "performance")],
            edit=_set("committees.0.venue.stage", False),
        ),
        ["C1/performance/1"],
        id="stage",
    ),
    pytest.param(
        "resource_unavailable",
        lambda: _line(
            {"lecturers": [lecturer(available_weeks=[2])]},
            [ask("C1", "lecture", excluded_weeks=[2])],
            weeks=3,
        ),
        ["C1/lecture/1", "resource_unavailable"],
        id="weeks",
    ),
    pytest.param(
        "within_season",
        lambda: _line(
            {"trainers": [trainer(course_weeks=4, unavailable_weeks=[1])]},
            [ask("C1", "fitness_course")],
            weeks=4,
        ),
        ["within_season"],
        id="season",
    ),
    pytest.param(
        "service_area",
        lambda: _line(
            {"troupes": [troupe(subdistrict="殷行")]},
            [ask("C1", "performance")],
            edit=_set("grids.0.subdistrict", "五角场"),
        ),
        ["C1/performance/1"],
        id="area",
    ),
    pytest.param(
        "closed_week",
        lambda: _line(
            {"lecturers": [lecturer(unavailable_weeks=[3])]},
            [ask("C1", "lecture")],
            weeks=3,
            edit=_set("committees.0.closed_weeks", [1, 2]),
        ),
        ["C1/lecture/1", "closed_week"],
        id="closed",
    ),
    pytest.param(
        "excluded_week",
        lambda: _line({"lecturers": [lecturer()]}, [ask("C1", "lecture", excluded_weeks=[1, 2])]),
        ["C1/lecture/1", "excluded_week"],
        id="excluded",
    ),
    pytest.param(
        "resource_capacity",
        lambda: _line(
            {"troupes": [troupe()]},
            [ask("C1", "performance", 2), ask("C2", "performance")],
            [_show("C1", 1), _show("C1", 2)],
            committees=2,
            line="C2/performance/1",
        ),
        ["'T1'"],
        id="full",
    ),
    pytest.param(
        "resource_capacity",
        lambda: _line(
            {"troupes": [troupe(max_shows=1)]},
            [ask("C1", "performance"), ask("C2", "performance")],
            [_show("C1", 1)],
            weeks=3,
            committees=2,
            line="C2/performance/1",
        ),
        ["'T1'"],
        id="max-shows",
    ),
    pytest.param(
        "events_per_week",
        lambda: _line(
            {"troupes": [troupe()], "lecturers": [lecturer()]},
            [ask("C1", "lecture", 2), ask("C1", "performance")],
            [_talk("C1", 1), _talk("C1", 2)],
            edit=_set("committees.0.max_events_per_week", 1),
            line="C1/performance/1",
        ),
        ["C1"],
        id="events",
    ),
    pytest.param(
        "traded_off",
        lambda: _line({"troupes": [troupe()]}, [ask("C1", "performance", 2)], [_show("C1", 1)]),
        ["'T1'", "C1"],
        id="traded-off",
    ),
    pytest.param(
        "no_repeat_set",
        lambda: _line(
            {"book_sets": [book_set("BK1", "红色经典", "党史", copies=2, stay_weeks=2)]},
            [ask("C1", "book_set", 2)],
            [_stay("C1", BOOKS, "BK1-1", 1, 2, "党史")],
            weeks=4,
        ),
        ["C1", "BK1"],
        id="repeat",
    ),
    pytest.param(
        "venue",
        lambda: _line(
            {"book_sets": TWO_KINDS},
            [ask("C1", "book_set", 2)],
            [_stay("C1", BOOKS, "BK1", 1, 2, "党史")],
            edit=_set("committees.0.venue.shelf_slots", 1),
        ),
        ["C1"],
        id="shelf",
    ),
    pytest.param(
        "venue",
        lambda: _line(
            {"board_sets": TWO_BOARDS},
            [ask("C1", "exhibition", 2)],
            [_stay("C1", BOARDS, "BD1", 1, 1, "党史")],
            weeks=1,
        ),
        ["C1"],
        id="boards",
    ),
    pytest.param(
        "van_moves",
        lambda: _line(
            {"van": {"moves_per_week": 1}, "board_sets": TWO_BOARDS},
            [ask("C1", "exhibition", 2), ask("C2", "exhibition")],
            [_stay("C1", BOARDS, "BD1", 1, 1, "党史")],
            weeks=1,
            committees=2,
            line="C2/exhibition/1",
        ),
        [],
        id="van",
    ),
    pytest.param(
        "duplicate_delivery",
        lambda: _line(
            {"troupes": [troupe(shows_per_week=2)]},
            [ask("C1", "performance", 2)],
            [_show("C1", 1)],
            weeks=1,
        ),
        ["C1", "'T1'"],
        id="duplicate",
    ),
    pytest.param(
        "copy_overlap",
        lambda: _line(
            {"book_sets": [book_set("BK", copies=2, stay_weeks=2)]},
            [
                ask("C1", "book_set"),
                ask("C2", "book_set"),
                ask("C3", "book_set", excluded_weeks=[1, 4]),
            ],
            [_stay("C1", BOOKS, "BK-1", 1, 2, "文学"), _stay("C2", BOOKS, "BK-2", 3, 4, "文学")],
            weeks=4,
            committees=3,
            edit=lambda d: d.update(
                pins=[pin("C1", "book_set", "BK-1", 1), pin("C2", "book_set", "BK-2", 3)]
            ),
            line="C3/book_set/1",
        ),
        ["'BK'"],
        id="copies",
    ),
]


@pytest.mark.parametrize(("reason", "make", "names"), UNMET_CASES)
def test_unmet_explanations_are_chinese(
    reason: str, make: Callable[[], tuple[Scenario, Plan, str]], names: list[str]
) -> None:
    """In the default language the explanation of each reason is Chinese and names the
    line's ids; the reason itself stays the rule's name."""
    scenario, plan, line_id = make()
    line = scenario.demand_by_id[line_id]
    with use_language("zh_CN"):
        key, text = explain_line(scenario, plan, line)
    assert key == reason
    assert_chinese(text, names, allowed=[line_id, *REASONS, *line.demand.themes])
    with use_language("en"):
        english_key, english = explain_line(scenario, plan, line)
    assert (english_key, english != text) == (key, True)


def test_the_unmet_cases_give_every_reason() -> None:
    """The table above gives each reason the unmet table can show."""
    assert {case.values[0] for case in UNMET_CASES} == set(REASONS)


@pytest.mark.parametrize("planner", [plan_baseline, plan_greedy], ids=["spreadsheet", "greedy"])
def test_reference_unmet_table_is_chinese(
    reference: Scenario, planner: Callable[[Scenario], Plan]
) -> None:
    """The unmet table of a baseline plan of the reference scenario explains every unmet
    line in Chinese; the reasons stay rule names."""
    plan = planner(reference)
    with use_language("zh_CN"):
        unmet = unmet_frame(reference, plan)
    assert len(unmet) > 0
    assert set(unmet["reason"]) <= set(REASONS)
    themes = {t for line in reference.demand_lines for t in line.demand.themes}
    for row in unmet.itertuples():
        assert_chinese(str(row.explanation), allowed=[str(row.demand_id), *REASONS, *themes])


# -- how a solve ends, and the objective's words ------------------------------------------


def _pinned_troupe(committees: int, pins: list[dict[str, Any]], **committee: Any) -> Scenario:
    data = base_data(weeks=4, committees=committees)
    data["committees"][0].update(committee)
    data["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    data["demand"] = [ask(f"C{i}", "performance", 1) for i in range(1, committees + 1)]
    data["pins"] = pins
    return build(data)


@pytest.mark.parametrize(
    ("scenario", "pins"),
    [
        pytest.param(
            lambda: _pinned_troupe(1, [pin("C1", "performance", "T1", 2)], closed_weeks=[2]),
            ["pins[0]"],
            id="pin-without-option",
        ),
        pytest.param(
            lambda: _pinned_troupe(
                2, [pin("C1", "performance", "T1", 1), pin("C2", "performance", "T1", 1)]
            ),
            ["pins[0]", "pins[1]"],
            id="pins-in-conflict",
        ),
    ],
)
def test_infeasible_solve_says_why_in_chinese(
    scenario: Callable[[], Scenario], pins: list[str]
) -> None:
    """An infeasible solve's message is Chinese on every line and names the pins."""
    from planner import SolveParams, SolveStatus, solve

    with use_language("zh_CN"):
        result = solve(scenario(), SolveParams(workers=1, seed=0, time_limit=10))
    assert result.status == SolveStatus.INFEASIBLE
    for line in result.message.splitlines():
        assert_chinese(line)
    assert all(name in result.message for name in pins)


def test_goal_terms_and_guarantees_speak_chinese() -> None:
    """A solve's goal terms are described in Chinese, and a plan below the spreadsheet
    baseline is told so in Chinese (the guarantee's option name kept)."""
    from planner.score import guarantee_problems

    data = base_data(weeks=4)
    data["resources"] = {"book_sets": [book_set("B1", copies=2, stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set", 1), ask("C2", "book_set", 1)]
    scenario = build(data)
    with use_language("zh_CN"):
        result = solve_valid(scenario)
        problems = guarantee_problems(scenario, [])
    assert result.terms
    for term in result.terms:
        assert_chinese(term.description)
    assert problems
    for problem in problems:
        assert_chinese(problem, allowed=["keep_baseline_minimum", "keep_baseline_coverage"])
