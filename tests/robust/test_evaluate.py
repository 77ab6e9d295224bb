"""Robust evaluation: seeded, deterministic, and right by hand on tiny plans."""

from __future__ import annotations

import numpy as np
import pytest

from planner.kpis import compute_kpis
from planner.plan import Plan
from planner.robust import (
    Uncertainty,
    compare_plans,
    evaluate_plan,
    most_robust,
    season_coverages,
    uncertainty_from_dict,
    worst_decile,
)
from planner.scenario import Scenario, ScenarioError
from tests.factories import ask, base_data, build, show, troupe


def _tiny() -> tuple[Scenario, Plan]:
    """Two committees of 1000 residents: C1 asks for two shows and gets both, C2 asks
    for two and gets one."""
    data = base_data(weeks=4, committees=2)
    data["resources"] = {"troupes": [troupe("T1", shows_per_week=2)]}
    data["demand"] = [ask("C1", "performance", 2), ask("C2", "performance", 2)]
    s = build(data)
    plan = Plan(
        (
            show("C1", 1, "C1/performance/1"),
            show("C1", 2, "C1/performance/1"),
            show("C2", 1, "C2/performance/1"),
        )
    )
    return s, plan


def test_without_uncertainty_every_season_is_the_stated_one() -> None:
    """With CV 0 and no no-shows each season's coverage is the KPI: (1 + 1/2) / 2."""
    s, plan = _tiny()
    k = evaluate_plan(s, plan, samples=50, seed=4, uncertainty=Uncertainty(0.0, 0.0))
    assert k.expected_coverage == pytest.approx(0.75)
    assert k.worst_decile_coverage == pytest.approx(0.75)
    assert k.expected_min_coverage == pytest.approx(0.5)
    assert k.nominal_coverage == pytest.approx(compute_kpis(s, plan).coverage)


def test_no_shows_alone_match_the_hand_computed_expectation() -> None:
    """Demand fixed, each delivery kept with probability q = 0.8: C1 covers Bin(2, q)/2
    (mean q), C2 covers Bin(1, q)/2 (mean q/2), so the expected coverage is 3q/4 = 0.6;
    the worst season loses all three shows, and the worst decile is the mean of the
    lowest tenth of the seasons, as computed from them."""
    s, plan = _tiny()
    u = Uncertainty(demand_cv=0.0, no_show=0.2)
    k = evaluate_plan(s, plan, samples=20_000, seed=1, uncertainty=u)
    assert k.expected_coverage == pytest.approx(0.6, abs=0.005)
    seasons, _low = season_coverages(s, plan, samples=20_000, seed=1, uncertainty=u)
    assert set(np.round(seasons, 6)) <= {0.0, 0.25, 0.5, 0.75}
    lowest = np.sort(seasons)[:2000]
    assert k.worst_decile_coverage == pytest.approx(lowest.mean())
    # P(a season's coverage <= 0.25) = 1 - P(>= 0.5); its share sets the decile's mix.
    assert k.worst_decile_coverage < k.expected_coverage


def test_worst_decile_is_the_mean_of_the_lowest_tenth() -> None:
    """CVaR 10 % of 0..19 is the mean of the lowest two values (ceil(20/10))."""
    assert worst_decile(np.arange(20, dtype=float)) == pytest.approx(0.5)
    assert worst_decile(np.array([3.0, 1.0, 2.0])) == pytest.approx(1.0)


def test_the_same_seed_gives_the_same_figures_another_seed_others() -> None:
    """Evaluation is seeded: the same seed repeats exactly, another seed differs."""
    s, plan = _tiny()
    u = Uncertainty(demand_cv=0.4, no_show=0.1)
    a = evaluate_plan(s, plan, samples=300, seed=7, uncertainty=u)
    assert a == evaluate_plan(s, plan, samples=300, seed=7, uncertainty=u)
    assert a != evaluate_plan(s, plan, samples=300, seed=8, uncertainty=u)


def test_plans_meet_the_same_seasons_and_more_deliveries_never_hurt() -> None:
    """Common random numbers: a plan with one more delivery is at least as covered in
    every season, so its worst decile is at least as good, and it is chosen."""
    s, plan = _tiny()
    fuller = Plan((*plan, show("C2", 2, "C2/performance/1")))
    u = Uncertainty(demand_cv=0.3, no_show=0.1)
    small, _a = season_coverages(s, plan, samples=500, seed=2, uncertainty=u)
    big, _b = season_coverages(s, fuller, samples=500, seed=2, uncertainty=u)
    assert np.all(big >= small) and np.any(big > small)
    rows = compare_plans(s, {"less": plan, "more": fuller}, samples=500, seed=2, uncertainty=u)
    assert most_robust(rows).name == "more"
    assert [r.violations for r in rows] == [0, 0]


def test_a_plan_that_breaks_a_rule_is_never_chosen() -> None:
    """A plan with four shows for a two-show line breaks demand_limit: not chosen."""
    s, plan = _tiny()
    extra = Plan((*plan, show("C2", 2, "C2/performance/1"), show("C2", 3, "C2/performance/1")))
    rows = compare_plans(s, {"bad": extra, "good": plan}, samples=100, seed=1)
    assert rows[0].violations > 0
    assert most_robust(rows).name == "good"


def test_per_line_values_win_over_product_values_and_defaults() -> None:
    """A line's own values win, then its product's, then the file's defaults; unknown
    lines and out-of-range values are named."""
    s, _plan = _tiny()
    u = uncertainty_from_dict(
        {
            "demand_cv": 0.1,
            "products": {"performance": {"no_show": 0.3}},
            "lines": {"C1/performance/1": {"demand_cv": 0.5}},
        },
        scenario=s,
    )
    one = u.of_line("C1/performance/1", "performance")
    two = u.of_line("C2/performance/1", "performance")
    assert (one.demand_cv, one.no_show, two.demand_cv, two.no_show) == (0.5, 0.3, 0.1, 0.3)
    with pytest.raises(ScenarioError) as caught:
        uncertainty_from_dict(
            {"no_show": 2, "lines": {"C9/x/1": {"demand_cv": 0.1}}},
            scenario=s,
        )
    assert [str(p) for p in caught.value.problems] == [
        "no_show: expected a number from 0 to 1.0, not 2",
        "lines.C9/x/1: no such product or demand line: 'C9/x/1'",
    ]
