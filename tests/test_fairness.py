"""The Lorenz curve beside Jain's index and Gini, on vectors worked out by hand."""

from __future__ import annotations

from itertools import pairwise

import pytest

from planner.fairness import gini, jain_index, lorenz


def test_lorenz_of_equal_values_is_the_diagonal() -> None:
    """Equal coverages give the diagonal, and so do all zeros."""
    assert lorenz([0.5, 0.5]) == [(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)]
    assert lorenz([0.0, 0.0]) == [(0.0, 0.0), (0.5, 0.5), (1.0, 1.0)]
    assert lorenz([]) == [(0.0, 0.0)]


def test_lorenz_adds_the_smallest_first_and_matches_gini() -> None:
    """Coverages 1 and 0 give the points (½, 0) and (1, 1); twice the area between the
    diagonal and the curve is Gini's coefficient."""
    points = lorenz([1.0, 0.0])
    assert points == [(0.0, 0.0), (0.5, 0.0), (1.0, 1.0)]
    values = [0.2, 0.9, 0.4, 0.4]
    curve = lorenz(values)
    under = sum((x1 - x0) * (y0 + y1) / 2 for (x0, y0), (x1, y1) in pairwise(curve))
    assert 1 - 2 * under == pytest.approx(gini(values))


@pytest.mark.parametrize(
    ("values", "jain", "gini_value"),
    [
        ([1.0, 0.0], 0.5, 0.5),
        ([0.5, 0.5], 1.0, 0.0),
        ([0.0, 0.0], 1.0, 0.0),
        ([], 1.0, 0.0),
        ([1.0, 1.0, 1.0, 0.0], 0.75, 0.25),
    ],
)
def test_jain_and_gini_on_known_vectors(
    values: list[float], jain: float, gini_value: float
) -> None:
    """Jain's index and Gini match hand-computed values, including degenerate cases."""
    assert jain_index(values) == pytest.approx(jain)
    assert gini(values) == pytest.approx(gini_value)
