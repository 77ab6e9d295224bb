"""A small season for the published-version tests: two committees, their lines, and
hand-built plans that move, change and cancel deliveries between versions."""

from __future__ import annotations

from typing import Any

from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from tests.factories import (
    ask,
    base_data,
    book_set,
    build,
    lecturer,
    show,
    talk,
    trainer,
    troupe,
)

P = Product


def season() -> Scenario:
    """The scenario of :func:`season_data`."""
    return build(season_data())


def season_data() -> dict[str, Any]:
    """Eight weeks from 2027-03-01, committees C1 and C2; a two-copy book set BK1 (two-week
    stays), troupes T1 and T2, lecturers L1 and L2, a trainer N1 (three-week courses);
    C1 asks for a book set, two shows, a lecture and a course; C2 for a show and a
    lecture. C1 is closed in week 8; the reading month fixture covers weeks 2–3."""
    data = base_data(weeks=8)
    data["season"]["fixtures"] = [{"id": "reading", "name": "读书月", "weeks": [2, 3]}]
    data["committees"][0]["closed_weeks"] = [8]
    data["resources"] = {
        "book_sets": [book_set("BK1", "红色经典", "党史", stay_weeks=2, copies=2)],
        "troupes": [troupe("T1", "越剧"), troupe("T2", "沪剧")],
        "lecturers": [lecturer("L1"), lecturer("L2")],
        "trainers": [trainer(course_weeks=3)],
    }
    data["demand"] = [
        ask("C1", "book_set"),
        ask("C1", "performance", count=2),
        ask("C1", "lecture"),
        ask("C1", "fitness_course"),
        ask("C2", "performance"),
        ask("C2", "lecture"),
    ]
    return data


def first_plan() -> Plan:
    """Version 1: C1 gets BK1 in weeks 2–3, shows in weeks 1 and 5, a lecture in week 3
    and a course in weeks 4–6; C2 a show in week 2 and a lecture in week 4."""
    return Plan.of(
        [
            Delivery("C1", P.BOOK_SET, "BK1-1", 2, 3, "C1/book_set/1", "党史"),
            show("C1", 1, "C1/performance/1"),
            show("C1", 5, "C1/performance/1"),
            talk("C1", 3, "C1/lecture/1"),
            Delivery("C1", P.FITNESS_COURSE, "N1", 4, 6, "C1/fitness_course/1", "太极"),
            show("C2", 2, "C2/performance/1"),
            talk("C2", 4, "C2/lecture/1"),
        ]
    )


def second_plan() -> Plan:
    """Version 2: C1's book stay on the other copy (no change for C1), its week-5 show
    moved to week 6, its lecture given by L2, its course moved to weeks 5–7; C2's lecture
    cancelled and its show unchanged."""
    return Plan.of(
        [
            Delivery("C1", P.BOOK_SET, "BK1-2", 2, 3, "C1/book_set/1", "党史"),
            show("C1", 1, "C1/performance/1"),
            show("C1", 6, "C1/performance/1"),
            talk("C1", 3, "C1/lecture/1", lid="L2"),
            Delivery("C1", P.FITNESS_COURSE, "N1", 5, 7, "C1/fitness_course/1", "太极"),
            show("C2", 2, "C2/performance/1"),
        ]
    )
