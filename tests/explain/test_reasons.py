"""Unmet-demand reasons in the KPI report, on tiny hand-written plans: each reason by its rule."""

from __future__ import annotations

import pandas as pd

from planner.kpis import compute_kpis
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from planner.wording import BLOCKERS
from tests.factories import (
    ask,
    base_data,
    board_set,
    book_set,
    build,
    cell,
    lecturer,
    show,
    talk,
    troupe,
)

P = Product


def unmet_row(scenario: Scenario, plan: Plan, line_id: str) -> pd.Series:
    """The unmet-demand row of one line."""
    unmet = compute_kpis(scenario, plan).unmet.set_index("demand_id")
    row = unmet.loc[line_id]
    assert isinstance(row, pd.Series)  # line ids are unique, so one row
    return row


def test_blocker_theme() -> None:
    """A wished genre no troupe plays is reported as 'theme_fit' with the BLOCKERS text."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", themes=["评弹"])]
    row = unmet_row(build(data), Plan(), "C1/performance/1")
    assert row["reason"] == "theme_fit"
    assert BLOCKERS["theme"] in row["explanation"]
    assert "评弹" in row["explanation"]
    assert (row["requested"], row["delivered"]) == (1, 0)
    assert row["committee_name"] == "测试1居委会"


def test_blocker_venue_stage() -> None:
    """A troupe that needs a stage and a venue without one give 'venue', with the
    stage's BLOCKERS text."""
    data = base_data(weeks=2)
    data["committees"][0]["venue"]["stage"] = False
    data["resources"] = {"troupes": [troupe(needs_stage=True)]}
    data["demand"] = [ask("C1", "performance")]
    row = unmet_row(build(data), Plan(), "C1/performance/1")
    assert row["reason"] == "venue"
    assert BLOCKERS["venue_stage"] in row["explanation"]


def test_blocker_weeks() -> None:
    """A lecturer available only in a week the line excludes gives the week rule that
    blocks the most starts: unavailable in weeks 1 and 3, excluded only in week 2."""
    data = base_data(weeks=3)
    data["resources"] = {"lecturers": [lecturer(available_weeks=[2])]}
    data["demand"] = [ask("C1", "lecture", excluded_weeks=[2])]
    row = unmet_row(build(data), Plan(), "C1/lecture/1")
    assert row["reason"] == "resource_unavailable"
    assert BLOCKERS["weeks"] in row["explanation"]


def test_capacity_names_the_busy_unit() -> None:
    """When the only troupe is fully booked in every open week, the reason is
    'resource_capacity'."""
    data = base_data(weeks=2, committees=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", 2), ask("C2", "performance")]
    plan = Plan.of([show("C1", 1, "C1/performance/1"), show("C1", 2, "C1/performance/1")])
    row = unmet_row(build(data), plan, "C2/performance/1")
    assert row["reason"] == "resource_capacity"
    assert "troupe 'T1' (T1越剧团) full in weeks 1–2" in row["explanation"]


def test_capacity_when_troupe_reached_max_shows() -> None:
    """A troupe that has given its season's maximum of shows blocks with
    'resource_capacity'."""
    data = base_data(weeks=3, committees=2)
    data["resources"] = {"troupes": [troupe(max_shows=1)]}
    data["demand"] = [ask("C1", "performance"), ask("C2", "performance")]
    row = unmet_row(build(data), Plan.of([show("C1", 1, "C1/performance/1")]), "C2/performance/1")
    assert row["reason"] == "resource_capacity"
    expected = "troupe 'T1' (T1越剧团) has reached its season maximum of 1 show"
    assert row["explanation"].endswith(expected)


def test_events_full() -> None:
    """A committee at its weekly event limit in every open week gives 'events_per_week'."""
    data = base_data(weeks=2, committees=1)
    data["committees"][0]["max_events_per_week"] = 1
    data["resources"] = {"troupes": [troupe()], "lecturers": [lecturer()]}
    data["demand"] = [ask("C1", "lecture", 2), ask("C1", "performance")]
    plan = Plan.of([talk("C1", 1, "C1/lecture/1"), talk("C1", 2, "C1/lecture/1")])
    row = unmet_row(build(data), plan, "C1/performance/1")
    assert row["reason"] == "events_per_week"
    assert "C1 already has its limit of 1 event a week in weeks 1–2" in row["explanation"]


def test_traded_off_when_an_option_still_fits() -> None:
    """An unmet line that a free troupe could still serve is 'traded_off', honestly said."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", 2)]
    row = unmet_row(build(data), Plan.of([show("C1", 1, "C1/performance/1")]), "C1/performance/1")
    assert row["reason"] == "traded_off"
    assert (row["requested"], row["delivered"]) == (2, 1)
    assert "troupe 'T1' (T1越剧团) could serve C1 in week 2" in row["explanation"]
    assert "the plan does not use it" in row["explanation"]


def test_already_received_set_kind() -> None:
    """When the only fitting book set kind was already delivered, the reason is no-repeat."""
    data = base_data(weeks=4)
    data["resources"] = {"book_sets": [book_set("BK1", "红色经典", "党史", copies=2, stay_weeks=2)]}
    data["demand"] = [ask("C1", "book_set", 2)]
    plan = Plan.of([Delivery("C1", P.BOOK_SET, "BK1-1", 1, 2, "C1/book_set/1", "党史")])
    row = unmet_row(build(data), plan, "C1/book_set/1")
    assert row["reason"] == "no_repeat_set"
    assert "BK1" in row["explanation"]


def test_shelf_full() -> None:
    """A free set kind that finds the committee's only shelf slot taken gives 'venue'."""
    data = base_data(weeks=2)
    data["committees"][0]["venue"]["shelf_slots"] = 1
    data["resources"] = {
        "book_sets": [
            book_set("BK1", "红色经典", "党史", stay_weeks=2),
            book_set("BK2", "上海故事", "乡土", stay_weeks=2),
        ]
    }
    data["demand"] = [ask("C1", "book_set", 2)]
    plan = Plan.of([Delivery("C1", P.BOOK_SET, "BK1", 1, 2, "C1/book_set/1", "党史")])
    assert unmet_row(build(data), plan, "C1/book_set/1")["reason"] == "venue"


def test_boards_full_and_van_full() -> None:
    """A taken board slot gives 'venue'; the van's moves used up give 'van_moves'."""
    data = base_data(weeks=1, committees=2)
    data["resources"] = {
        "van": {"moves_per_week": 1},
        "board_sets": [
            board_set("BD1", "党史展", "党史", stay_weeks=1),
            board_set("BD2", "科普展", "科普", stay_weeks=1),
        ],
    }
    data["demand"] = [ask("C1", "exhibition", 2), ask("C2", "exhibition")]
    plan = Plan.of([Delivery("C1", P.EXHIBITION, "BD1", 1, 1, "C1/exhibition/1", "党史")])
    k = compute_kpis(build(data), plan)
    reasons = dict(zip(k.unmet["demand_id"], k.unmet["reason"], strict=True))
    # C1: both options are blocked by several rules at once (BD1: received, booked, slot,
    # van; BD2: slot, van); slot and van block the most options, the slot wins the tie.
    assert reasons["C1/exhibition/1"] == "venue"
    # C2: BD2 is free, C2's slot is free, but the van's single move is used.
    assert reasons["C2/exhibition/1"] == "van_moves"
    text = cell(k.unmet.set_index("demand_id"), "C2/exhibition/1", "explanation")
    assert "the van's 1 move a week is used up in week 1" in text


def test_boards_full_alone() -> None:
    """With the van free, a second board kind blocked by the taken slot gives 'venue'."""
    data = base_data(weeks=1, committees=1)
    data["resources"] = {
        "board_sets": [
            board_set("BD1", "党史展", "党史", stay_weeks=1),
            board_set("BD2", "科普展", "科普", stay_weeks=1),
        ],
    }
    data["demand"] = [ask("C1", "exhibition", 2)]
    plan = Plan.of([Delivery("C1", P.EXHIBITION, "BD1", 1, 1, "C1/exhibition/1", "党史")])
    assert unmet_row(build(data), plan, "C1/exhibition/1")["reason"] == "venue"
