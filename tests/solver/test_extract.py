"""Copies of identical sets: the interval colouring behind aggregating copies into one unit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.solver.extract import colour_stays


def _max_overlap(stays: list[range]) -> int:
    """The most stays sharing one week (0 without stays)."""
    weeks = {w for s in stays for w in s}
    return max((sum(w in s for s in stays) for w in weeks), default=0)


@st.composite
def _stays(draw: st.DrawFn) -> list[range]:
    """Random stays of 1-4 weeks starting in weeks 1-10."""
    starts = draw(st.lists(st.integers(1, 10), max_size=12))
    return [range(w, w + draw(st.integers(1, 4))) for w in starts]


@settings(max_examples=300, deadline=None)
@given(_stays())
def test_colouring_needs_no_more_copies_than_the_largest_overlap(stays: list[range]) -> None:
    """With exactly as many copies as the most stays in one week, every stay gets a copy,
    and no copy is at two sites in one week."""
    copies = [f"K-{k}" for k in range(1, _max_overlap(stays) + 1)]
    given_copy = colour_stays(list(enumerate(stays)), copies)
    assert set(given_copy) == set(range(len(stays)))
    for i, a in enumerate(stays):
        for j in range(i + 1, len(stays)):
            if given_copy[i] == given_copy[j]:
                assert set(a).isdisjoint(stays[j]), (a, stays[j], given_copy[i])


def test_colouring_refuses_more_stays_than_copies_in_a_week() -> None:
    """Three stays sharing week 2 with two copies is a bug upstream: it raises, it does not
    put one copy in two places."""
    stays = [(0, range(1, 3)), (1, range(2, 4)), (2, range(2, 3))]
    with pytest.raises(RuntimeError, match="more stays than copies"):
        colour_stays(stays, ["K-1", "K-2"])


def test_colouring_reuses_a_copy_once_its_stay_ends() -> None:
    """Stays in weeks 1-2, 3-4 and 2-3 with two copies: the first two share copy K-1, the
    overlapping one gets K-2."""
    stays = [("a", range(1, 3)), ("b", range(3, 5)), ("c", range(2, 4))]
    assert colour_stays(stays, ["K-1", "K-2"]) == {"a": "K-1", "c": "K-2", "b": "K-1"}
