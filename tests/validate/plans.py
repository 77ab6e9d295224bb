"""The rich scenario and hand-written plans the validator tests edit."""

from __future__ import annotations

from typing import Any

from planner.plan import Delivery, Plan
from planner.scenario import Product
from planner.validate import Violation
from tests.factories import ask, base_data, board_set, book_set, lecturer, trainer, troupe

BOOK = Product.BOOK_SET
EXHIBITION = Product.EXHIBITION
PERFORMANCE = Product.PERFORMANCE
LECTURE = Product.LECTURE
COURSE = Product.FITNESS_COURSE


def rich_data() -> dict[str, Any]:
    """An 8-week season, three committees and one resource of each product.

    BK1 (2 copies, 4-week stays), BK2 (1 copy, 2-week stays), EX1 (2 copies) and EX2
    (1 copy) with 2-week stays, a van with 1 move a week, troupe T1 (1 show a week),
    lecturer L1 (1 session a week, topics 健康/历史), trainer TR1 (1 course at once,
    3-week courses).
    """
    data = base_data(weeks=8, committees=3)
    data["resources"] = {
        "book_sets": [
            book_set("BK1", "红楼梦", "古典文学", copies=2, stay_weeks=4),
            book_set("BK2", "科普读本", "科普", copies=1, stay_weeks=2),
        ],
        "board_sets": [
            board_set("EX1", "党史展板", "党史", copies=2, stay_weeks=2),
            board_set("EX2", "科普展板", "科普", copies=1, stay_weeks=2),
        ],
        "van": {"moves_per_week": 1},
        "troupes": [troupe("T1", "越剧", name="越剧团")],
        "lecturers": [lecturer("L1", ["健康", "历史"], name="李老师")],
        "trainers": [
            trainer("TR1", ["广场舞"], name="王教练", sessions_per_week=1, course_weeks=3)
        ],
    }
    data["demand"] = [
        ask("C1", "book_set", 2),
        ask("C1", "exhibition", 1),
        ask("C1", "performance", 2),
        ask("C1", "lecture", 1, themes=["健康"]),
        ask("C1", "fitness_course", 1),
        ask("C2", "book_set", 1),
        ask("C2", "exhibition", 1),
        ask("C2", "performance", 1),
        ask("C2", "lecture", 1),
    ]
    return data


def bk(committee: str, copy: str, first: int, last: int, theme: str = "") -> Delivery:
    """A book-set stay on the committee's first book-set line."""
    default = "古典文学" if copy.startswith("BK1") else "科普"
    return Delivery(committee, BOOK, copy, first, last, f"{committee}/book_set/1", theme or default)


def ex(committee: str, copy: str, first: int, last: int) -> Delivery:
    """An exhibition stay of EX1 on the committee's first exhibition line."""
    return Delivery(committee, EXHIBITION, copy, first, last, f"{committee}/exhibition/1", "党史")


def show(committee: str, week: int) -> Delivery:
    """A performance by T1."""
    return Delivery(committee, PERFORMANCE, "T1", week, week, f"{committee}/performance/1", "越剧")


def talk(committee: str, week: int, theme: str = "健康") -> Delivery:
    """A lecture by L1."""
    return Delivery(committee, LECTURE, "L1", week, week, f"{committee}/lecture/1", theme)


def course(committee: str, first: int, last: int) -> Delivery:
    """A fitness course by TR1."""
    return Delivery(
        committee, COURSE, "TR1", first, last, f"{committee}/fitness_course/1", "广场舞"
    )


def valid_deliveries() -> list[Delivery]:
    """A plan for :func:`rich_data` that breaks no hard rule."""
    return [
        bk("C1", "BK1-1", 1, 4),
        bk("C1", "BK2", 5, 6),
        bk("C2", "BK1-1", 5, 8),
        ex("C1", "EX1-1", 1, 2),
        ex("C2", "EX1-2", 3, 4),
        show("C1", 1),
        show("C2", 2),
        show("C1", 5),
        talk("C1", 2),
        talk("C2", 3, "历史"),
        course("C1", 3, 5),
    ]


def swap(old: Delivery, new: Delivery, deliveries: list[Delivery] | None = None) -> Plan:
    """The valid plan with one delivery replaced."""
    items = valid_deliveries() if deliveries is None else deliveries
    assert old in items
    return Plan.of([new if d == old else d for d in items])


def with_(*extra: Delivery) -> Plan:
    """The valid plan with deliveries added."""
    return Plan.of([*valid_deliveries(), *extra])


def rules(violations: list[Violation]) -> list[str]:
    """The rule names reported, in order."""
    return [v.rule for v in violations]
