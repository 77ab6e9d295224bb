"""The careful rules of the spreadsheet baseline: nearest resource, calendar, van, shares."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.baseline import baseline_shares, plan_baseline
from planner.network import Distances
from planner.scenario import Product
from planner.validate import assert_valid
from tests.factories import ask, base_data, board_set, book_set, build, troupe
from tests.strategies import small_scenarios


def far_grid(data: dict[str, Any]) -> None:
    """Add grid G2, whose sub-centre lies about 11 km north of grid G1's committees."""
    data["grids"].append(
        {
            "id": "G2",
            "name": "第二网格",
            "subcentre": {
                "id": "S2",
                "name": "第二分中心",
                "location": {"lat": 31.40, "lon": 121.5},
            },
        }
    )


def test_the_nearest_troupe_gives_the_show() -> None:
    """A troupe of the far grid is listed first, but the one next door gives the show."""
    data = base_data(weeks=1, committees=1)
    far_grid(data)
    data["resources"] = {"troupes": [troupe("TF", home_grid="G2"), troupe("TN")]}
    data["demand"] = [ask("C1", "performance", 1)]
    scenario = build(data)
    distances = Distances(scenario)
    assert distances.delivery_km("TN", "C1") < distances.delivery_km("TF", "C1")
    plan = plan_baseline(scenario)
    assert [d.resource_id for d in plan] == ["TN"]
    assert_valid(scenario, plan)


def test_the_nearest_free_resource_comes_before_an_earlier_week() -> None:
    """The near troupe's only free week is 2: the show waits for it rather than
    bringing the far troupe in week 1."""
    data = base_data(weeks=2, committees=1)
    far_grid(data)
    data["resources"] = {
        "troupes": [troupe("TF", home_grid="G2"), troupe("TN", unavailable_weeks=[1])]
    }
    data["demand"] = [ask("C1", "performance", 1)]
    plan = plan_baseline(build(data))
    assert [(d.resource_id, d.first_week) for d in plan] == [("TN", 2)]


def reading_month(weeks: list[int], **extra: Any) -> dict[str, Any]:
    """A fixture favouring book sets in ``weeks``."""
    return {
        "id": "rm",
        "name": "读书月",
        "weeks": weeks,
        "product": "book_set",
        "bonus": 1,
        **extra,
    }


def test_a_book_stay_starts_in_the_reading_month() -> None:
    """With the reading month in week 3, the stay starts there rather than in week 1."""
    data = base_data(weeks=4, committees=1)
    data["season"]["fixtures"] = [reading_month([3])]
    data["resources"] = {"book_sets": [book_set("BK", stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set", 1)]
    plan = plan_baseline(build(data))
    assert [(d.first_week, d.last_week) for d in plan] == [(3, 4)]


def test_a_fixture_of_another_theme_does_not_count() -> None:
    """A fixture for 党史 boards does not pull a 科普 board stay into its week."""
    data = base_data(weeks=4, committees=1)
    data["season"]["fixtures"] = [
        {"id": "qm", "name": "清明", "weeks": [3], "product": "exhibition", "themes": ["党史"]}
        | {"bonus": 1}
    ]
    data["resources"] = {"board_sets": [board_set("E1", theme="科普", stay_weeks=1)]}
    data["demand"] = [ask("C1", "exhibition", 1)]
    plan = plan_baseline(build(data))
    assert [d.first_week for d in plan] == [1]


def test_a_preferred_week_is_taken_and_a_fixture_week_comes_first() -> None:
    """C1 prefers week 2 and gets it; C2 prefers week 2 too, but the reading month
    (week 3) comes first for it once the fixture is set."""
    data = base_data(weeks=4, committees=2)
    data["resources"] = {"book_sets": [book_set("BK", copies=2, stay_weeks=1)]}
    data["demand"] = [
        ask("C1", "book_set", 1, preferred_weeks=[2]),
        ask("C2", "book_set", 1, preferred_weeks=[2]),
    ]
    plan = plan_baseline(build(data))
    assert sorted((d.committee_id, d.first_week) for d in plan) == [("C1", 2), ("C2", 2)]
    data["season"]["fixtures"] = [reading_month([3])]
    plan = plan_baseline(build(data))
    assert sorted((d.committee_id, d.first_week) for d in plan) == [("C1", 3), ("C2", 3)]


def test_van_installs_are_staggered_over_the_weeks() -> None:
    """Four committees, a van for two installs a week: stays start in weeks 1, 2, 3, 4
    (one install each), not two in week 1 and two in week 2."""
    data = base_data(weeks=4, committees=4)
    data["resources"] = {
        "van": {"moves_per_week": 2},
        "board_sets": [board_set("E1", copies=4, stay_weeks=1)],
    }
    data["demand"] = [ask(f"C{i}", "exhibition", 1) for i in (1, 2, 3, 4)]
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert sorted(d.first_week for d in plan) == [1, 2, 3, 4]
    assert_valid(scenario, plan)


def test_exhibition_shares_count_the_van() -> None:
    """Six board stays fit, but the van installs one a week in 3 weeks: shares add to 3."""
    data = base_data(weeks=3, committees=2)
    data["resources"] = {
        "van": {"moves_per_week": 1},
        "board_sets": [board_set("E1", copies=2, stay_weeks=1)],
    }
    data["demand"] = [ask("C1", "exhibition", 3), ask("C2", "exhibition", 3)]
    shares = baseline_shares(build(data))[Product.EXHIBITION]
    assert sum(shares.values()) == 3


def test_shares_count_stays_that_fit_between_unavailable_weeks() -> None:
    """A 2-week stay in a 7-week season, the set away in week 4, fits once on each side
    (weeks 1-3 and 5-7 hold one stay each): 2, not ⌊6 available weeks / 2⌋ = 3."""
    data = base_data(weeks=7, committees=1)
    data["resources"] = {"book_sets": [book_set("BK", stay_weeks=2, unavailable_weeks=[4])]}
    data["demand"] = [ask("C1", "book_set", 9)]
    assert baseline_shares(build(data))[Product.BOOK_SET] == {"C1": 2}


@st.composite
def calendar_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Tiny scenarios with preferred weeks on some lines and a fixture for one product."""
    data = draw(small_scenarios())
    weeks = data["season"]["weeks"]
    for line in data["demand"]:
        line["preferred_weeks"] = draw(st.lists(st.integers(1, weeks), max_size=2, unique=True))
    product = draw(st.sampled_from(["book_set", "exhibition", "performance", "fitness_course"]))
    fixture_weeks = draw(st.lists(st.integers(1, weeks), min_size=1, max_size=2, unique=True))
    data["season"]["fixtures"] = [
        {"id": "f", "name": "节", "weeks": fixture_weeks, "product": product, "bonus": 1.0}
    ]
    return data


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendar_scenarios())
def test_random_plans_with_calendar_wishes_are_valid_and_repeat(data: dict[str, Any]) -> None:
    """Any tiny scenario with preferred weeks and a fixture: the plan keeps every hard
    rule and is the same when planned again."""
    scenario = build(data)
    plan = plan_baseline(scenario)
    assert_valid(scenario, plan)
    assert plan_baseline(build(data)) == plan
