"""Tests of planner.wording: the phrases every report shares."""

from __future__ import annotations

import ast
from pathlib import Path

from planner import validate, wording
from planner.scenario import Product
from tests.factories import base_data, build


def test_weeks_are_written_with_an_en_dash() -> None:
    """Runs of weeks are compacted with an en dash, one week or several named as such."""
    assert wording.weeks_text([5, 1, 2, 3]) == "1–3, 5"
    assert wording.weeks_phrase([4]) == "week 4"
    assert wording.weeks_phrase([3, 1, 2, 7]) == "weeks 1–3, 7"
    assert wording.week_span(2, 2) == "week 2"
    assert wording.week_span(2, 5) == "weeks 2–5"


def test_unit_label_names_kind_id_and_name() -> None:
    """A unit is named by its kind, quoted id and name."""
    data = base_data()
    data["resources"] = {
        "troupes": [{"id": "T1", "name": "越剧团", "genre": "越剧", "home_grid": "G1"}]
    }
    unit = build(data).resource_units["T1"]
    assert wording.unit_label(unit) == "troupe 'T1' (越剧团)"
    assert wording.weekly_use_text(unit, 2, 3) == (
        "troupe 'T1' (越剧团) gives 2 shows in week 3, capacity 1"
    )


def test_every_product_has_its_words() -> None:
    """Each product has a calendar name, a unit noun and a weekly-use sentence."""
    for table in (wording.PRODUCT_NAMES, wording.UNIT_NOUNS, wording.WEEKLY_USES):
        assert set(table) == set(Product)


def test_pin_phrases() -> None:
    """A pin reads as product, resource, committee and week; a missing one names its line."""
    data = base_data()
    data["resources"] = {"lecturers": [{"id": "L1", "name": "李老师", "topics": ["健康"]}]}
    data["demand"] = [{"id": "D1", "committee": "C1", "product": "lecture", "count": 1}]
    data["pins"] = [
        {"committee": "C1", "product": "lecture", "resource": "L1", "first_week": 2},
        {
            "committee": "C1",
            "product": "lecture",
            "resource": "L1",
            "first_week": 3,
            "demand": "D1",
        },
    ]
    s = build(data)
    assert wording.pin_text(s, 0) == "lecture 'L1' at 'C1' from week 2"
    assert wording.pin_unmet_text(s, 1) == (
        "pins[1] (lecture 'L1' at 'C1' from week 3, demand line 'D1') has no matching delivery"
    )


def test_validator_imports_only_scenario_plan_and_wording() -> None:
    """planner/validate/ imports no planner module but the scenario, plan, wording and
    the message catalogue (besides its own modules)."""
    modules: set[str] = set()
    for path in sorted(Path(validate.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    own = {m for m in modules if m.startswith("planner") and not m.startswith("planner.validate")}
    assert own <= {"planner.scenario", "planner.plan", "planner.wording", "planner.i18n"}


def test_weeks_text_compacts_runs() -> None:
    """Week lists are written as runs."""
    assert wording.weeks_text([5, 1, 2, 3]) == "1–3, 5"
    assert wording.weeks_text([]) == ""


def test_how_a_solve_ended_is_said_in_words() -> None:
    """Each ending of a solve with a plan has its sentence: proven, within the gap,
    stopped at the time limit or on request, and the baseline's plan, each saying how
    close it is to the best possible plan."""
    assert wording.outcome_text("proven", 0.0, time_limit=30) == "proven optimal"
    assert (
        wording.outcome_text("gap_limit", 0.005, time_limit=30)
        == "within 0.5 % of the best possible plan"
    )
    assert wording.outcome_text("time_limit", 0.021, time_limit=30) == (
        "stopped at the time limit of 30 s; within 2.1 % of the best possible plan"
    )
    assert wording.outcome_text("stopped", 0.0031, time_limit=30, stopped_at=12.04) == (
        "stopped on request after 12.0 s; within 0.31 % of the best possible plan; "
        "the best plan found so far"
    )
    assert wording.outcome_text("time_limit", None, time_limit=1, fallback=True) == (
        "the spreadsheet baseline's plan (the search found nothing better in time); "
        "how close it is to the best possible plan is not known yet"
    )
    # A fallback is never "proven optimal", even when every stage was proven.
    assert wording.outcome_text("proven", 0.0, time_limit=1, fallback=True).startswith(
        "the spreadsheet baseline's plan ("
    )


def test_gap_text_rounds_to_hundredths_of_a_percent() -> None:
    """Gaps read in percent to two decimals, never as 0 when not 0."""
    assert wording.gap_text(0.0) == "as good as the best possible plan (it meets the proven bound)"
    assert wording.gap_text(1e-7) == "within 0.01 % of the best possible plan"
    assert wording.gap_text(0.12345) == "within 12.35 % of the best possible plan"
    assert wording.gap_text(float("inf")).startswith("how close it is")
