"""The shortfall rows' rounding cuts: they remove no plan and they tighten the LP.

A cut that removed a whole-delivery point of its row would make "optimal" and the
bound describe a smaller problem than the planner's; every small row is therefore
checked point by point. The exhaustive solver tests (``test_exhaustive.py``) check the
whole model with the cuts against every valid plan of tiny scenarios.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from planner import SolveParams, solve
from planner.i18n import use_language
from planner.io import read_scenario
from planner.scenario import ScenarioError
from planner.solver import objective
from planner.solver.model import build_model
from planner.solver.objective import BASIS, rounding_cuts
from planner.validate import check_plan
from tests.factories import REFERENCE, ask, base_data, build, troupe


def _least_short(coeffs: list[int], x: tuple[int, ...], rhs: int, request: int) -> Fraction:
    """The smallest ``short ≥ 0`` the row allows at ``x`` (exact)."""
    served = sum(a * k for a, k in zip(coeffs, x, strict=True))
    return max(Fraction(0), Fraction(rhs - served, request))


@pytest.mark.parametrize("seed", range(200))
def test_no_whole_point_of_a_row_is_cut(seed: int) -> None:
    """Every whole-delivery point of a random small row (up to 7 options, 1–3
    priorities, whole counts up to 2) meets every cut at the least shortfall the row
    allows."""
    rng = random.Random(seed)
    n = rng.randint(1, 7)
    # Priorities in hundredths: round ones, odd ones, and 0 (a priority of 0.004).
    priorities = rng.sample([0, 7, 33, 50, 100, 150, 200, 300], rng.randint(1, 3))
    coeffs = [rng.choice(priorities) * BASIS for _ in range(n)]
    request = sum(coeffs) // BASIS + rng.randint(1, 400)
    rhs = rng.randint(1, BASIS) * request
    cuts = rounding_cuts(coeffs, rhs)
    for x in itertools.product(range(3), repeat=n):
        short = _least_short(coeffs, x, rhs, request)
        for cut, cut_rhs in cuts:
            lhs = request * short + sum(c * k for c, k in zip(cut, x, strict=True))
            assert lhs >= cut_rhs, (coeffs, rhs, x, cut, cut_rhs)


def test_with_one_priority_the_cut_is_the_line_through_the_last_two_whole_points() -> None:
    """Six options of one priority, a target of 5.5 deliveries' worth: the cut is met
    with equality at 5 deliveries (short by half a delivery) and at 6 (short by
    nothing), and it cuts the LP's point of 5.5 deliveries with no shortfall."""
    d, request = 100 * BASIS, 6 * 100
    rhs = 11 * d // 2  # 5.5 deliveries' worth
    (cut, cut_rhs), *others = rounding_cuts([d] * 6, rhs)
    assert others == []

    def lhs(k: Fraction) -> Fraction:
        served = Fraction(d) * k
        short = max(Fraction(0), (rhs - served) / request)
        return request * short + cut[0] * k

    assert lhs(Fraction(5)) == cut_rhs
    assert lhs(Fraction(6)) == cut_rhs
    assert lhs(Fraction(11, 2)) < cut_rhs


def test_a_priority_rounded_to_zero_is_no_divisor() -> None:
    """A coefficient of 0 (a priority under half a hundredth) is never a divisor: a row
    of zeros gets no cut, and beside other coefficients it gets coefficient 0."""
    assert rounding_cuts([0, 0], 5) == []
    assert rounding_cuts([0, 300, 300], 900 + 100) == [([0, 100, 100], 400)]


def test_a_priority_that_would_count_as_zero_is_refused_and_the_least_one_solves() -> None:
    """A priority of 0.004 (0 in the solver's hundredths) is refused as input, with the
    line's place and the value in Chinese; one of 0.01 (the least) beside others builds,
    and the solve's plan keeps every rule."""
    data = base_data()
    data["resources"] = {"troupes": [troupe("T1")]}
    data["demand"] = [
        ask("C1", "performance", priority=0.004),
        ask("C1", "performance"),
        ask("C2", "performance", count=2),
    ]
    with pytest.raises(ScenarioError) as caught, use_language("zh_CN"):
        build(data)
    (problem,) = [str(p) for p in caught.value.problems]
    assert "demand[0].priority" in problem and "0.004" in problem and "0.01" in problem
    data["demand"][0]["priority"] = 0.01
    s = build(data)
    assert build_model(s).ctx.x
    result = solve(s, SolveParams(time_limit=20, seed=0, workers=1))
    assert result.plan is not None and check_plan(s, result.plan) == []


def test_a_row_that_whole_deliveries_meet_exactly_gets_no_cut() -> None:
    """When the target is a whole number of deliveries (``rhs`` a multiple of the
    coefficient), the row is already tight at whole points and no cut is made."""
    assert rounding_cuts([300] * 4, 900) == []
    assert rounding_cuts([300, 300], 0) == []


def test_at_most_three_cuts_most_frequent_coefficient_first() -> None:
    """A row of four distinct coefficients gets three cuts, the first with the most
    frequent coefficient as divisor."""
    coeffs = [7, 7, 7, 5, 5, 3, 11]
    cuts = rounding_cuts(coeffs, 40)
    assert len(cuts) == objective.MAX_ROUNDING_CUTS
    # Divisor 7: r = 40 mod 7 = 5, right-hand side 5 × (5 + 1).
    assert cuts[0] == ([5, 5, 5, 5, 5, 3, 9], 30)


def test_the_cuts_tighten_the_reference_lp(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 13-week reference's primary LP bound is lower with the cuts than without,
    and still above the baseline plan's objective (a plan of the model)."""
    from benchmarks.lp_cuts import lp_bound

    scenario = read_scenario(REFERENCE)
    with_cuts, _, baseline, _, _ = lp_bound(scenario, 60)
    monkeypatch.setattr(objective, "MAX_ROUNDING_CUTS", 0)
    without, _, _, _, _ = lp_bound(scenario, 60)
    assert with_cuts is not None and without is not None
    assert baseline < with_cuts < without - 5
