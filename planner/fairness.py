"""Fairness measures over recipients' coverages: Jain's index, Gini and the Lorenz curve.

The definitions are those of ``docs/domain.md`` ("KPI definitions"); the KPI report
(:mod:`planner.kpis`) applies them to the coverages of all recipients, a recipient that
asked for nothing at coverage 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def jain_index(values: Sequence[float]) -> float:
    """Return Jain's index (Σx)² / (n·Σx²); 1.0 for no values or all zeros."""
    n = len(values)
    squares = sum(x * x for x in values)
    if n == 0 or squares == 0:
        return 1.0
    return sum(values) ** 2 / (n * squares)


def gini(values: Sequence[float]) -> float:
    """Return the Gini coefficient ΣᵢΣⱼ|xᵢ − xⱼ| / (2n²·mean); 0.0 when the mean is 0."""
    n = len(values)
    if n == 0:
        return 0.0
    mean = sum(values) / n
    if mean == 0:
        return 0.0
    # Sorted form of the double sum: Σᵢ (2i − n − 1)·x₍ᵢ₎ = ½ ΣᵢΣⱼ|xᵢ − xⱼ|.
    ordered = sorted(values)
    half = sum((2 * i - n - 1) * x for i, x in enumerate(ordered, start=1))
    return 2 * half / (2 * n * n * mean)


def lorenz(values: Sequence[float]) -> list[tuple[float, float]]:
    """Return the Lorenz curve of some values: ``(share of recipients, share of total)``.

    The points start at ``(0, 0)`` and add the values from the smallest up, so the curve
    is the diagonal when all are equal; with a total of 0 every point lies on it.
    """
    n = len(values)
    total = sum(values)
    points = [(0.0, 0.0)]
    running = 0.0
    for i, x in enumerate(sorted(values), start=1):
        running += x
        points.append((i / n, running / total if total > 0 else i / n))
    return points


def below_baseline(
    coverage: Mapping[str, float], baseline: Mapping[str, float], tolerance: float = 1e-9
) -> list[str]:
    """Return the recipients whose coverage is below their coverage in the baseline.

    Parameters
    ----------
    coverage, baseline
        Each recipient's coverage in the plan and in the baseline's plan, by id.
    tolerance
        Differences this small are rounding, not a loss.

    Returns
    -------
    list of str
        The ids, in the order of ``coverage``.
    """
    return [k for k, x in coverage.items() if x < baseline.get(k, 0.0) - tolerance]


__all__: Sequence[str] = ["below_baseline", "gini", "jain_index", "lorenz"]
