"""Rules of the group "Calendar" on hand-written plans."""

from __future__ import annotations

from planner.plan import Plan
from planner.validate import check_plan
from tests.factories import build
from tests.validate.plans import rich_data, rules, valid_deliveries

# -- resource_unavailable ---------------------------------------------------------------


def test_troupe_in_its_unavailable_week() -> None:
    """A show in a week the troupe is away breaks resource_unavailable."""
    data = rich_data()
    data["resources"]["troupes"][0]["unavailable_weeks"] = [2]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["resource_unavailable"]
    assert "troupe 'T1' (越剧团) is unavailable in week 2 (its unavailable_weeks)" in out[0].message
    assert "'C2'" in out[0].message


def test_lecturer_outside_available_weeks() -> None:
    """A lecture outside the lecturer's available weeks breaks resource_unavailable."""
    data = rich_data()
    data["resources"]["lecturers"][0]["available_weeks"] = [1, 2]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["resource_unavailable"]
    assert "lecturer 'L1' (李老师) is unavailable in week 3 (outside its available_weeks)" in (
        out[0].message
    )


def test_resource_reserved_by_a_fixture() -> None:
    """A course in weeks a fixture reserves the trainer breaks resource_unavailable."""
    data = rich_data()
    data["season"]["fixtures"] = [
        {"id": "festival", "name": "社区文化节", "weeks": [4, 5], "reserves": ["TR1"]}
    ]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["resource_unavailable"]
    assert (
        "trainer 'TR1' (王教练) is unavailable in weeks 4–5 (reserved by fixture 'festival')"
        in out[0].message
    )


# -- closed_week, excluded_week ---------------------------------------------------------


def test_delivery_in_a_committee_closed_week() -> None:
    """A show in a week the committee is closed breaks closed_week."""
    data = rich_data()
    data["committees"][1]["closed_weeks"] = [2]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["closed_week"]
    assert "committee 'C2' is closed in week 2 (the committee's closed_weeks)" in out[0].message


def test_stay_over_a_season_closed_week() -> None:
    """A stay spanning a season-wide closed week breaks closed_week."""
    data = rich_data()
    data["season"]["closed_weeks"] = [8]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["closed_week"]
    assert "committee 'C2' is closed in week 8 (season closed_weeks)" in out[0].message
    assert "receives 'BK1-1' in weeks 5–8" in out[0].message


def test_delivery_in_an_excluded_week() -> None:
    """A stay occupying a week its demand line excludes breaks excluded_week."""
    data = rich_data()
    data["demand"][0]["excluded_weeks"] = [3, 6]
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["excluded_week", "excluded_week"]
    text = " | ".join(v.message for v in out)
    assert "demand line 'C1/book_set/1' excludes week 3" in text
    assert "demand line 'C1/book_set/1' excludes week 6" in text


# -- rotation_cycle ----------------------------------------------------------------------


def test_off_cycle_course_is_valid_without_rotation_cycle() -> None:
    """Without the opt-in rule, the valid plan's 3-week course from week 3 (off the
    cycle 1, 4, 7) breaks nothing."""
    data = rich_data()
    assert check_plan(build(data), Plan.of(valid_deliveries())) == []


def test_off_cycle_course_breaks_rotation_cycle() -> None:
    """With season.rotation_cycle, the same course from week 3 breaks rotation_cycle: its
    cycle, weeks 1-3, could start in week 1."""
    data = rich_data()
    data["season"]["rotation_cycle"] = True
    out = check_plan(build(data), Plan.of(valid_deliveries()))
    assert rules(out) == ["rotation_cycle"]
    assert out[0].message == (
        "trainer 'TR1' (王教练) starts at 'C1' in week 3, off its 3-week rotation cycle: "
        "the cycle of weeks 1–3 starts in week 1"
    )
    assert out[0].delivery_ids == ("C1:fitness_course:TR1:w03",)


def test_rotation_cycle_allows_a_later_start_when_earlier_ones_are_blocked() -> None:
    """With season.rotation_cycle and the course line excluding week 2, neither week 1
    nor week 2 can start a 3-week course, so week 3 is its cycle's start."""
    data = rich_data()
    data["season"]["rotation_cycle"] = True
    data["demand"][4]["excluded_weeks"] = [2]
    assert check_plan(build(data), Plan.of(valid_deliveries())) == []
