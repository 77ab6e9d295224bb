"""The diff of two plans per committee: added, moved, changed, cancelled, unchanged."""

from __future__ import annotations

import json

from planner.plan import Plan
from planner.publish import diff_plans
from tests.factories import show
from tests.publish.season import first_plan, season, second_plan


def test_diff_classifies_each_committees_deliveries() -> None:
    """Between the two versions C1 has a show and a course moved, a lecture changed
    (another lecturer), its book stay and other show unchanged (another copy of the same
    set is no change); C2 has its lecture cancelled and its show unchanged."""
    s = season()
    diff = diff_plans(s, first_plan(), s, second_plan())
    assert diff.committee("C1").counts == {
        "added": 0,
        "moved": 2,
        "changed": 1,
        "cancelled": 0,
        "unchanged": 2,
    }
    assert diff.committee("C2").counts == {
        "added": 0,
        "moved": 0,
        "changed": 0,
        "cancelled": 1,
        "unchanged": 1,
    }
    statuses = {c.identity.key: (c.status, c.fields) for c in diff.committee("C1").changes}
    assert statuses["C1:C1/lecture/1:1"] == ("changed", ("resource",))
    assert statuses["C1:C1/performance/1:2"] == ("moved", ("weeks",))
    assert statuses["C1:C1/book_set/1:1"] == ("unchanged", ())
    assert diff.counts == {"added": 0, "moved": 2, "changed": 1, "cancelled": 1, "unchanged": 3}


def test_reverse_diff_adds_what_was_cancelled() -> None:
    """Read backwards, the cancelled lecture is added and the moves move back."""
    s = season()
    diff = diff_plans(s, second_plan(), s, first_plan())
    assert diff.committee("C2").counts["added"] == 1
    back = {c.identity.key: c for c in diff.committee("C1").changes}
    moved = back["C1:C1/performance/1:2"]
    assert moved.old is not None and moved.new is not None
    assert (moved.old.first_week, moved.new.first_week) == (6, 5)


def test_a_move_that_also_changes_resource_is_a_move_listing_both() -> None:
    """Weeks and troupe changed together: moved, with both fields named."""
    s = season()
    old = Plan.of([show("C2", 2, "C2/performance/1")])
    new = Plan.of([show("C2", 3, "C2/performance/1", tid="T2")])
    (change,) = diff_plans(s, old, s, new).committee("C2").changes
    assert (change.status, change.fields) == ("moved", ("weeks", "resource"))


def test_identical_plans_and_every_committee_listed() -> None:
    """A plan against itself is all unchanged; every committee of the scenario has a
    row, one without deliveries with zero counts."""
    s = season()
    diff = diff_plans(s, first_plan(), s, first_plan())
    assert [c.committee_id for c in diff.committees] == ["C1", "C2"]
    assert not any(c.changed for c in diff.committees)
    empty = diff_plans(s, Plan(), s, Plan())
    assert [sum(c.counts.values()) for c in empty.committees] == [0, 0]


def test_diff_is_json_ready_and_can_leave_out_unchanged_rows() -> None:
    """``to_dict`` survives a JSON round trip; without unchanged rows the counts stay."""
    s = season()
    diff = diff_plans(s, first_plan(), s, second_plan())
    data = json.loads(json.dumps(diff.to_dict(unchanged=False)))
    c2 = data["committees"][1]
    assert c2["counts"]["unchanged"] == 1
    assert [c["status"] for c in c2["changes"]] == ["cancelled"]
    assert c2["changes"][0]["old"] == {
        "product": "lecture",
        "resource_id": "L1",
        "unit_id": "L1",
        "first_week": 4,
        "last_week": 4,
        "theme": "党史",
    }
    assert c2["changes"][0]["new"] is None
    assert c2["changes"][0]["identity"] == "C2:C2/lecture/1:1"
