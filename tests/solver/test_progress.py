"""Progress reports: the stages in order, and the coverage of the best plan so far; when
a plan is within the gap of a bound."""

from __future__ import annotations

import math

import pytest

from planner import SolveParams, read_scenario, solve
from planner.kpis import compute_kpis
from planner.params import Progress
from planner.solver.progress import proven_optimal, within_gap
from planner.validate import check_plan
from tests.factories import REFERENCE, ask, base_data, build, troupe


def test_reports_name_building_and_the_baselines_then_carry_the_plans_coverage() -> None:
    """A solve of the reference reports building, then the baselines (with the
    baseline's coverage), then the search; the last report's coverage and minimum
    coverage are those :func:`compute_kpis` gives the plan returned."""
    scenario = read_scenario(REFERENCE)
    reports: list[Progress] = []
    result = solve(
        scenario,
        SolveParams(time_limit=20, seed=0, workers=1, relative_gap=0.005),
        on_progress=reports.append,
    )
    assert result.plan is not None and check_plan(scenario, result.plan) == []
    assert [p.stage for p in reports[:2]] == ["building", "baselines"]
    assert reports[0].coverage is None
    baseline = next(p for p in reports if p.coverage is not None)
    assert baseline.stage == "baselines"
    # The search beat the baseline here, so the last plan reported is the one returned.
    assert "baseline" not in result.message
    kpis = compute_kpis(scenario, result.plan)
    last = reports[-1]
    assert last.coverage == pytest.approx(kpis.coverage)
    assert last.min_coverage == pytest.approx(kpis.min_coverage)


def test_a_progress_built_the_old_way_has_no_coverage() -> None:
    """Progress keeps its four positional fields; the coverage fields default to None."""
    p = Progress("primary", 1.0, 2.0, 3.0)
    assert (p.coverage, p.min_coverage) == (None, None)
    assert p.gap == pytest.approx(0.5)


@pytest.mark.parametrize("with_demand", [False, True])
def test_coverage_in_progress_matches_the_kpis_on_tiny_scenarios(with_demand: bool) -> None:
    """A listened-to solve of a tiny scenario, with no demand line at all or with one
    show, reports the coverage compute_kpis gives its plan (an empty demand list once
    broke the meter's bookkeeping)."""
    data = base_data()
    data["resources"] = {"troupes": [troupe()]}
    data["demand"] = [ask("C1", "performance")] if with_demand else []
    scenario = build(data)
    reports: list[Progress] = []
    result = solve(
        scenario,
        SolveParams(time_limit=10, seed=0, workers=1, relative_gap=0.0),
        on_progress=reports.append,
    )
    assert result.plan is not None and check_plan(scenario, result.plan) == []
    kpis = compute_kpis(scenario, result.plan)
    last = next(p for p in reversed(reports) if p.coverage is not None)
    assert last.coverage == pytest.approx(kpis.coverage)
    assert last.min_coverage == pytest.approx(kpis.min_coverage)


def test_a_bound_with_float_noise_above_an_integer_plan_proves_it() -> None:
    """An integer plan meets a bound that is the same integer plus float noise (as CP-SAT
    reports it) with a gap limit of 0; a bound a whole unit above does not prove it, and
    the gap limit still applies to it."""
    assert within_gap(7165953, 7165953.000000001, 0.0)
    assert within_gap(7165953.0, 7165953.9, 0.0)  # no integer plan between them
    assert proven_optimal(7165953.0, 7165953.000000001)
    assert not within_gap(7165953, 7165954.0, 0.0)
    assert within_gap(7165953, 7165954.0, 1e-6)
    assert not within_gap(7165953, math.inf, 0.5)
