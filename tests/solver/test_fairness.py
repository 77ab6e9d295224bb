"""Fairness settings: the leximin rounds and the baseline coverage guarantee."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import SolveParams, read_scenario
from planner.baseline import plan_baseline
from planner.fairness import below_baseline
from planner.generate import generate
from planner.kpis import Kpis, compute_kpis
from planner.report import solve_report
from planner.scenario import Scenario
from planner.validate import assert_valid
from tests.factories import (
    SCENARIOS,
    ask,
    assert_scored,
    base_data,
    build,
    only,
    pins_of,
    solve_valid,
    troupe,
)
from tests.strategies import small_scenarios


def delivered(result: Any, committee: str) -> int:
    return sum(1 for d in result.plan if d.committee_id == committee)


def coverages(kpis: Kpis) -> dict[str, float]:
    frame = kpis.by_committee
    return dict(zip(frame["committee_id"], frame["coverage"], strict=True))


def below(scenario: Scenario, result: Any) -> list[str]:
    """The committees whose coverage in the result is below the baseline's."""
    base = coverages(compute_kpis(scenario, plan_baseline(scenario)))
    return below_baseline(coverages(compute_kpis(scenario, result.plan)), base)


def three_committees() -> dict[str, Any]:
    """C1 (9000 residents) asks 4 沪剧 shows, C2 and C3 (1000 each) ask 2 沪剧 and 2 越剧
    shows. T1 (沪剧) plays once a week for 4 weeks; T2 (越剧) plays once (week 1)."""
    d = base_data(weeks=4, committees=3)
    d["committees"][0]["population"] = 9000
    d["resources"] = {
        "troupes": [troupe("T1", "沪剧"), troupe("T2", "越剧", unavailable_weeks=[2, 3, 4])]
    }
    d["demand"] = [
        ask("C1", "performance", 4, themes=["沪剧"]),
        ask("C2", "performance", 2, themes=["沪剧"]),
        ask("C3", "performance", 2, themes=["越剧"]),
    ]
    return d


def test_max_min_then_coverage_gives_the_spare_show_to_the_large_committee() -> None:
    """With the lowest coverage first and then coverage, C3 is held at 50 % by T2's one
    show, C1 and C2 get 50 % each from three of T1's shows, and the fourth goes to
    the large C1: coverages (75 %, 50 %, 50 %)."""
    d = three_committees()
    d["objective"] = only(coverage=100, fairness=1000, fairness_first=True)
    r = solve_valid(build(d))
    assert [delivered(r, c) for c in ("C1", "C2", "C3")] == [3, 1, 1]


def test_leximin_raises_the_second_lowest_committee_next() -> None:
    """Leximin fixes C3 at its 50 % (its only troupe plays once), then raises the next
    lowest: the fourth 沪剧 show goes to C2 (50 % → 100 %), not to the large C1
    (50 % → 75 %). Sorted coverages (50 %, 50 %, 100 %) beat (50 %, 50 %, 75 %);
    headline coverage (9000 × 50 % + 1000 × 100 % + 1000 × 50 %) / 11000 = 54.545 %."""
    d = three_committees()
    d["objective"] = only(coverage=100, fairness_mode="leximin")
    r = solve_valid(build(d))
    assert [delivered(r, c) for c in ("C1", "C2", "C3")] == [2, 2, 1]
    assert r.objective == pytest.approx(100 * 6000 / 110, abs=1e-3)
    assert r.status.value == "optimal"
    leximin = r.stages[0]
    assert leximin.name == "leximin"
    # The first round's level: the lowest coverage, 50 %.
    assert leximin.objective == pytest.approx(50)


def test_leximin_reaches_full_coverage_when_there_is_enough() -> None:
    """With enough shows for everyone, leximin stops after one round at 100 %."""
    d = base_data(weeks=4, committees=2)
    d["resources"] = {"troupes": [troupe("T1", "沪剧", shows_per_week=2)]}
    d["demand"] = [ask("C1", "performance", 2), ask("C2", "performance", 3)]
    d["objective"] = only(coverage=100, fairness_mode="leximin")
    r = solve_valid(build(d))
    assert (delivered(r, "C1"), delivered(r, "C2")) == (2, 3)


def test_baseline_guarantee_keeps_each_committee_at_its_baseline_coverage() -> None:
    """Three shows for committees of 3000 and 1000 residents asking 3 each: coverage
    alone gives all three to the larger; the baseline gives 2 and 1, and the guarantee
    keeps both committees at least there (58.33 % coverage)."""
    d = base_data(weeks=3)
    d["committees"][0]["population"] = 3000
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 3), ask("C2", "performance", 3)]
    d["objective"] = only(coverage=100)
    s = build(d)
    r = solve_valid(s)
    assert below(s, r) == ["C2"]

    d["objective"] = only(coverage=100, keep_baseline_coverage=True)
    s = build(d)
    r = solve_valid(s)
    assert below(s, r) == []
    assert (delivered(r, "C1"), delivered(r, "C2")) == (2, 1)
    # 0.75 × 2/3 + 0.25 × 1/3 = 58.33 % coverage.
    assert r.objective == pytest.approx(5_833.333, abs=0.01)


def test_report_counts_committees_and_residents_below_their_baseline() -> None:
    """Coverage alone leaves C2 (1000 residents) below its baseline coverage; the
    report says so, and says nobody is below it with the guarantee on."""
    d = base_data(weeks=3)
    d["committees"][0]["population"] = 3000
    d["resources"] = {"troupes": [troupe("T1", "沪剧")]}
    d["demand"] = [ask("C1", "performance", 3), ask("C2", "performance", 3)]
    d["objective"] = only(coverage=100)
    s = build(d)
    report = solve_report(s, solve_valid(s))
    assert report["below_baseline"] == {
        "num_committees": 1,
        "num_residents": 1000,
        "committees": ["C2"],
    }
    d["objective"] = only(coverage=100, keep_baseline_coverage=True)
    s = build(d)
    report = solve_report(s, solve_valid(s))
    assert report["below_baseline"] == {"num_committees": 0, "num_residents": 0, "committees": []}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios(), st.data())
def test_baseline_guarantee_holds_on_random_scenarios(
    data: dict[str, Any], pick: st.DataObject
) -> None:
    """With the guarantee on, no committee of any tiny scenario ends below its
    coverage in the spreadsheet baseline's plan, leximin or weighted, also with some
    of the baseline's deliveries pinned (the baseline places pins first, so it still
    meets the guarantee and the model stays feasible)."""
    plan = plan_baseline(build(data))
    kept = pick.draw(
        st.lists(st.sampled_from(plan.deliveries), unique=True) if len(plan) else st.just([])
    )
    data["pins"] = pins_of(kept)
    for mode in ("weighted", "leximin"):
        data["objective"] = {"keep_baseline_coverage": True, "fairness_mode": mode}
        s = build(data)
        r = solve_valid(s, time_limit=10)
        assert below(s, r) == []


def default_beats_baseline(scenario: Scenario, time_limit: float) -> None:
    """Solve with the default objective (one worker, seed 0, 0.5 % gap) and assert that
    the plan beats the spreadsheet baseline on coverage, minimum coverage, Jain and
    Gini, with no committee below its baseline coverage."""
    from planner.solver import solve

    params = SolveParams(time_limit=time_limit, seed=0, workers=1, relative_gap=0.005)
    result = solve(scenario, params)
    assert result.plan is not None, result.message
    assert_valid(scenario, result.plan)
    assert_scored(scenario, result)
    assert "baseline" not in result.message, result.message
    plan = compute_kpis(scenario, result.plan)
    base = compute_kpis(scenario, plan_baseline(scenario))
    figures = {
        "coverage": (plan.coverage, base.coverage),
        "min": (plan.min_coverage, base.min_coverage),
        "jain": (plan.jain_index, base.jain_index),
        "gini": (base.gini, plan.gini),  # lower is better: the baseline's first
    }
    assert all(a > b for a, b in figures.values()), figures
    assert below(scenario, result) == []


def test_default_beats_the_baseline_on_the_13_week_reference(reference: Scenario) -> None:
    """The default objective beats the spreadsheet baseline on all four fairness and
    coverage figures on the 13-week reference (the solve ends on its gap, so the
    figures do not depend on the machine's speed)."""
    default_beats_baseline(reference, time_limit=120)


@pytest.mark.slow
@pytest.mark.parametrize("source", ["26w", *(f"seed {n}" for n in range(1, 6))])
def test_default_beats_the_baseline_on_more_scenarios(source: str) -> None:
    """The same on the 26-week reference and five generated subdistrict scenarios."""
    if source == "26w":
        scenario = read_scenario(SCENARIOS / "wujiaochang-2027-spring-26w.yaml")
    else:
        scenario = generate("subdistrict", int(source.split()[1]))
    default_beats_baseline(scenario, time_limit=300)
