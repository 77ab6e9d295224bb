"""Reasons for unmet demand named after the hard rules: the week rules, copies, duplicates."""

from __future__ import annotations

import pandas as pd

from planner.explain import NOT_A_REASON, REASONS, explain_line, unmet_frame
from planner.explain.reasons import BLOCKER_RULES, PLAN_REASON_ORDER
from planner.ledger import LEDGER_RULES
from planner.plan import Delivery, Plan
from planner.scenario import Product, Scenario
from planner.wording import BLOCKERS
from tests.factories import ask, base_data, book_set, build, lecturer, pin, trainer, troupe
from tests.rules_page import documented_rules

P = Product


def reason_of(scenario: Scenario, plan: Plan, line_id: str) -> tuple[str, str]:
    """The reason and explanation of one line."""
    return explain_line(scenario, plan, scenario.demand_by_id[line_id])


def test_every_rule_is_a_reason_or_never_one() -> None:
    """Each hard rule is either a reason the table can show or named as never one; the
    other reasons are exactly no_resource and traded_off."""
    names = [rule for _, rule in documented_rules()]
    assert set(REASONS) & set(NOT_A_REASON) == set()
    assert set(REASONS) | set(NOT_A_REASON) == set(names) | {"no_resource", "traded_off"}
    assert all(REASONS[key] for key in REASONS) and all(NOT_A_REASON.values())


def test_reason_keys_come_from_the_rules() -> None:
    """Static blockers and plan reasons map onto reason keys the table lists."""
    assert set(BLOCKER_RULES) == set(BLOCKERS) - {"weeks"}
    assert set(BLOCKER_RULES.values()) <= set(REASONS)
    assert set(PLAN_REASON_ORDER) <= set(REASONS) & set(LEDGER_RULES)


def test_within_season_when_a_course_is_longer_than_the_weeks_left() -> None:
    """A four-week course whose trainer is away in week 1 of a four-week season has no
    run of weeks: every start reaches past the season, so 'within_season'."""
    data = base_data(weeks=4)
    data["resources"] = {"trainers": [trainer(course_weeks=4, unavailable_weeks=[1])]}
    data["demand"] = [ask("C1", "fitness_course")]
    reason, text = reason_of(build(data), Plan(), "C1/fitness_course/1")
    assert reason == "within_season"
    assert BLOCKERS["weeks"] in text


def test_closed_week() -> None:
    """A committee closed in weeks 1-2 with the lecturer away in week 3 gives
    'closed_week' (two starts closed, one unavailable)."""
    data = base_data(weeks=3)
    data["committees"][0]["closed_weeks"] = [1, 2]
    data["resources"] = {"lecturers": [lecturer(unavailable_weeks=[3])]}
    data["demand"] = [ask("C1", "lecture")]
    assert reason_of(build(data), Plan(), "C1/lecture/1")[0] == "closed_week"


def test_excluded_week_wins_a_tie_after_the_rules_before_it() -> None:
    """One start excluded by the line and one closed: the tie goes to 'closed_week',
    earlier on the rules page; two excluded starts make it 'excluded_week'."""
    data = base_data(weeks=2)
    data["committees"][0]["closed_weeks"] = [1]
    data["resources"] = {"lecturers": [lecturer()]}
    data["demand"] = [ask("C1", "lecture", excluded_weeks=[2])]
    assert reason_of(build(data), Plan(), "C1/lecture/1")[0] == "closed_week"
    data["demand"] = [ask("C1", "lecture", excluded_weeks=[1, 2])]
    data["committees"][0]["closed_weeks"] = []
    assert reason_of(build(data), Plan(), "C1/lecture/1")[0] == "excluded_week"


def test_no_events_is_the_events_rule() -> None:
    """A committee taking no events gives 'events_per_week' with the no_events text."""
    data = base_data(weeks=2)
    data["committees"][0]["max_events_per_week"] = 0
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance")]
    reason, text = reason_of(build(data), Plan(), "C1/performance/1")
    assert reason == "events_per_week"
    assert BLOCKERS["no_events"] in text


def test_duplicate_delivery() -> None:
    """A troupe with room for two shows a week, already showing at the committee in the
    only week, cannot come again that week: 'duplicate_delivery'."""
    data = base_data(weeks=1)
    data["resources"] = {"troupes": [troupe(shows_per_week=2)]}
    data["demand"] = [ask("C1", "performance", 2)]
    s = build(data)
    plan = Plan.of([Delivery("C1", P.PERFORMANCE, "T1", 1, 1, "C1/performance/1", "越剧")])
    reason, text = reason_of(s, plan, "C1/performance/1")
    assert reason == "duplicate_delivery"
    assert "troupe 'T1' (T1越剧团) in week 1" in text


def test_copies_out_in_turn_are_traded_off_not_a_reason() -> None:
    """Two copies out in turn leave no one copy free for a whole stay at a third
    committee in weeks 3-4, but a copy is left each week: giving the stays other copies
    makes room, so the line is traded off (without a pin on one copy, copy_overlap is
    never why a line is unmet)."""
    data = base_data(weeks=5, committees=3)
    data["committees"][2]["closed_weeks"] = [2]
    data["resources"] = {"book_sets": [book_set("BK", copies=2, stay_weeks=2)]}
    data["demand"] = [ask(f"C{i}", "book_set") for i in (1, 2, 3)]
    s = build(data)
    plan = Plan.of(
        [
            Delivery("C1", P.BOOK_SET, "BK-1", 2, 3, "C1/book_set/1", "文学"),
            Delivery("C2", P.BOOK_SET, "BK-2", 4, 5, "C2/book_set/1", "文学"),
        ]
    )
    # C3's first stay is weeks 3-4 (closed in week 2): one copy is out in each of them,
    # a different one each week.
    reason, text = reason_of(s, plan, "C3/book_set/1")
    assert reason == "traded_off"
    assert "could serve C3 in weeks 3–4" in text


def test_unmet_table_counts_deliveries_itself() -> None:
    """Without the counts given, the unmet table counts each line's deliveries."""
    data = base_data(weeks=2)
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance", 3)]
    s = build(data)
    plan = Plan.of(
        [Delivery("C1", P.PERFORMANCE, "T1", w, w, "C1/performance/1", "越剧") for w in (1, 2)]
    )
    frame = unmet_frame(s, plan)
    assert isinstance(frame, pd.DataFrame)
    assert frame[["delivered", "reason"]].values.tolist() == [[2, "resource_capacity"]]


def test_copy_pins_that_leave_no_copy_free_are_the_reason() -> None:
    """Two copies, BK-1 pinned at C1 in weeks 1-2 and BK-2 at C2 in weeks 3-4: C3 (which
    excludes weeks 1 and 4) could only take weeks 2-3, where each week has a copy left
    but no copy is free for both. The reason is copy_overlap, not traded_off."""
    d = base_data(weeks=4, committees=3)
    d["resources"] = {"book_sets": [book_set("BK", copies=2, stay_weeks=2)]}
    d["demand"] = [
        ask("C1", "book_set"),
        ask("C2", "book_set"),
        ask("C3", "book_set", excluded_weeks=[1, 4]),
    ]
    d["pins"] = [pin("C1", "book_set", "BK-1", 1), pin("C2", "book_set", "BK-2", 3)]
    scenario = build(d)
    plan = Plan.of(
        [
            Delivery("C1", P.BOOK_SET, "BK-1", 1, 2, "C1/book_set/1", "文学"),
            Delivery("C2", P.BOOK_SET, "BK-2", 3, 4, "C2/book_set/1", "文学"),
        ]
    )
    reason, text = explain_line(scenario, plan, scenario.demand_by_id["C3/book_set/1"])
    assert reason == "copy_overlap"
    assert text == (
        "pinned copies leave no copy free for a whole stay: book set 'BK' (书) has no copy "
        "free for all of weeks 2–3"
    )
