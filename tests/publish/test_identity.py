"""A delivery's identity across published versions: committee, demand line and ordinal
by first week, the same when the delivery moves or changes resource."""

from __future__ import annotations

import pytest

from planner.plan import Delivery
from planner.publish import DeliveryIdentity, delivery_identities, identity_key, parse_identity
from planner.scenario import Product
from tests.factories import show, talk
from tests.publish.season import first_plan, second_plan


def _by_key(deliveries: list[Delivery]) -> dict[str, Delivery]:
    return {i.key: d for i, d in delivery_identities(deliveries).items()}


def test_ordinals_follow_first_weeks_within_a_committee_and_line() -> None:
    """A line's deliveries are numbered 1, 2, ... by first week, whatever the input
    order; another committee's or line's deliveries have their own numbering."""
    shows = [show("C1", 5, "C1/performance/1"), show("C1", 1, "C1/performance/1")]
    keys = _by_key([*shows, show("C2", 3, "C2/performance/1"), talk("C1", 2, "C1/lecture/1")])
    assert {k: d.first_week for k, d in keys.items()} == {
        "C1:C1/lecture/1:1": 2,
        "C1:C1/performance/1:1": 1,
        "C1:C1/performance/1:2": 5,
        "C2:C2/performance/1:1": 3,
    }


def test_identity_survives_a_move_and_a_change_of_resource() -> None:
    """The week-5 show moved to week 6 and the lecture given by another lecturer keep
    their identities; the delivery key (what the delivery is) changes."""
    before, after = _by_key(list(first_plan())), _by_key(list(second_plan()))
    moved = "C1:C1/performance/1:2"
    assert (before[moved].first_week, after[moved].first_week) == (5, 6)
    lecture = "C1:C1/lecture/1:1"
    assert (before[lecture].resource_id, after[lecture].resource_id) == ("L1", "L2")


def test_equal_rows_get_distinct_identities() -> None:
    """A hand-made plan that repeats a row gets two identities, not one lost delivery."""
    d = Delivery("C1", Product.LECTURE, "L1", 2, 2, "C1/lecture/1", "党史")
    assert len(delivery_identities([d, d])) == 2


def test_documented_limit_a_cancelled_earlier_delivery_shifts_the_later_one() -> None:
    """The limit the module states: when a line's first delivery goes, its second takes
    ordinal 1 (read as moved) and ordinal 2 disappears (read as cancelled)."""
    after = _by_key([show("C1", 5, "C1/performance/1")])
    assert list(after) == ["C1:C1/performance/1:1"]


def test_keys_parse_back_even_with_separators_in_the_line_id() -> None:
    """The text form splits back into committee, line and ordinal; a malformed one is
    refused."""
    identity = DeliveryIdentity("C1", "odd:line", 3)
    assert parse_identity(identity.key) == identity
    assert str(identity) == identity_key("C1", "odd:line", 3) == "C1:odd:line:3"
    for bad in ("C1", "C1:line", "C1:line:0", "C1:line:x", ":line:1"):
        with pytest.raises(ValueError, match="not a delivery identity"):
            parse_identity(bad)
