"""Hypothesis strategies shared by the property tests (records come from factories)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.factories import ask, base_data, board_set, book_set, lecturer, trainer, troupe

THEMES = ["红色", "科普", "越剧"]


@st.composite
def small_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Random tiny scenarios: 1-4 committees, 1-3 resources, random demand and closures."""
    weeks = draw(st.integers(3, 6))
    n = draw(st.integers(1, 4))
    data = base_data(weeks=weeks, committees=n)
    week = st.integers(1, weeks)
    for c in data["committees"]:
        c["population"] = draw(st.integers(0, 5000))
        c["max_events_per_week"] = draw(st.sampled_from([1, 2, 1, 0]))
        c["closed_weeks"] = draw(st.lists(week, max_size=1, unique=True))
        c["venue"] = {
            "audience_capacity": draw(st.sampled_from([30, 100])),
            "stage": draw(st.sampled_from([True, True, False])),
            "fitness_floor": draw(st.sampled_from([True, True, False])),
            "shelf_slots": draw(st.sampled_from([1, 2, 1, 0])),
            "board_slots": draw(st.sampled_from([1, 2, 1, 0])),
        }
    data["season"]["closed_weeks"] = draw(st.lists(week, max_size=1))
    resources: dict[str, Any] = {"van": {"moves_per_week": draw(st.sampled_from([1, 2, 1, 0]))}}
    products = draw(
        st.lists(
            st.sampled_from(["book_set", "exhibition", "performance", "lecture", "fitness_course"]),
            min_size=1,
            max_size=3,
        )
    )
    for k, product in enumerate(products):
        rid = f"R{k}"
        theme = draw(st.sampled_from(THEMES))
        off = draw(st.lists(week, max_size=1, unique=True))
        if product in ("book_set", "exhibition"):
            key = "book_sets" if product == "book_set" else "board_sets"
            make_set = book_set if product == "book_set" else board_set
            record = make_set(
                rid,
                rid,
                theme,
                copies=draw(st.integers(1, 3)),
                stay_weeks=draw(st.integers(1, 3)),
                unavailable_weeks=off,
            )
        elif product == "performance":
            key = "troupes"
            record = troupe(
                rid,
                theme,
                shows_per_week=draw(st.sampled_from([1, 2, 1, 0])),
                needs_stage=draw(st.booleans()),
                min_audience=draw(st.sampled_from([0, 50])),
                max_shows=draw(st.none() | st.integers(0, 4)),
                unavailable_weeks=off,
            )
        elif product == "lecture":
            key = "lecturers"
            record = lecturer(
                rid,
                [theme, "健康"],
                name=rid,
                sessions_per_week=draw(st.sampled_from([1, 2, 1, 0])),
                available_weeks=draw(st.none() | st.lists(week, min_size=2, unique=True)),
                unavailable_weeks=off,
            )
        else:
            key = "trainers"
            record = trainer(
                rid,
                [theme],
                name=rid,
                sessions_per_week=draw(st.sampled_from([1, 2, 1, 0])),
                course_weeks=draw(st.integers(1, 3)),
                unavailable_weeks=off,
            )
        resources.setdefault(key, []).append(record)
    data["resources"] = resources
    lines = draw(
        st.lists(
            st.tuples(
                st.integers(1, n),
                st.sampled_from(products),
                st.integers(1, 3),
                st.sampled_from([[], [], [], ["红色"], ["健康", "科普"]]),
                st.lists(week, max_size=1, unique=True),
                st.sampled_from([1.0, 2.0, 3.0]),
            ),
            min_size=1,
            max_size=8,
        )
    )
    data["demand"] = [
        ask(f"C{c}", p, count, themes=themes, excluded_weeks=excl, priority=prio)
        for c, p, count, themes, excl, prio in lines
    ]
    return data
