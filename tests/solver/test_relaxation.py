"""The LP relaxation and the Lagrangian bound: valid bounds, and how much they prove."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model
from ortools.util.python import sorted_interval_list

from planner import SolveParams, solve
from planner.params import Progress
from planner.result import Result
from planner.scenario import Scenario
from planner.solver import build_model
from planner.solver.context import ModelContext
from planner.solver.control import SolveControl
from planner.solver.relaxation import lagrangian_bound, relax
from planner.validate import check_plan
from tests.factories import build
from tests.strategies import small_scenarios


def _optimum(model: cp_model.CpModel) -> float:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver.objective_value


def _random_model(rng: random.Random) -> tuple[cp_model.CpModel, int]:
    """A small random model of every constraint form the relaxation reads.

    Booleans and integers with holes in their domains; linear constraints (some
    with holes), clauses, at-most-one, exactly-one and conjunctions over literals
    that may be negated or repeated; some enforced by a free literal, some by an
    assumption. Returns the model and +1 to maximise, -1 to minimise.
    """
    model = cp_model.CpModel()
    variables: list[cp_model.IntVar] = []
    for i in range(rng.randint(3, 8)):
        if rng.random() < 0.3:
            values = sorted(rng.sample(range(0, 7), rng.randint(1, 4)))
            domain = sorted_interval_list.Domain.from_values(values)
            variables.append(model.new_int_var_from_domain(domain, f"v{i}"))
        else:
            variables.append(model.new_bool_var(f"b{i}"))
    bools = [model.new_bool_var(f"l{k}") for k in range(3)]
    variables += bools

    def lits(count: int) -> list[Any]:
        return [b.Not() if rng.random() < 0.4 else b for b in rng.choices(bools, k=count)]

    assumptions = []
    for _ in range(rng.randint(1, 7)):
        kind = rng.choice(["linear", "linear", "or", "amo", "exactly", "and"])
        if kind == "linear":
            sub = rng.sample(variables, rng.randint(1, 4))
            expr = cp_model.LinearExpr.weighted_sum(sub, [rng.choice([-3, -1, 1, 2]) for _ in sub])
            low = rng.randint(-6, 4)
            if rng.random() < 0.4:
                values = sorted(set(rng.sample(range(low, low + 12), rng.randint(1, 5))))
                domain = sorted_interval_list.Domain.from_values(values)
                ct = model.add_linear_expression_in_domain(expr, domain)
            else:
                ct = model.add(expr <= low + rng.randint(0, 6))
        elif kind == "or":
            ct = model.add_bool_or(lits(rng.randint(1, 3)))
        elif kind == "amo":
            ct = model.add_at_most_one(lits(rng.randint(2, 4)))
        elif kind == "exactly":
            ct = model.add_exactly_one(lits(rng.randint(2, 4)))
        else:
            ct = model.add_bool_and(lits(rng.randint(1, 2)))
        roll = rng.random()
        if roll < 0.15:
            ct.only_enforce_if(lits(1)[0])
        elif roll < 0.3:
            pin = model.new_bool_var("pin")
            ct.only_enforce_if(pin)
            assumptions.append(pin)
    model.add_assumptions(assumptions)
    objective = cp_model.LinearExpr.weighted_sum(variables, [rng.randint(-5, 5) for _ in variables])
    if rng.random() < 0.5:
        model.maximize(objective + rng.randint(-10, 10))
        return model, 1
    model.minimize(objective + rng.randint(-10, 10))
    return model, -1


def test_both_bounds_hold_on_random_models() -> None:
    """On 200 random models of every constraint form, both senses, the LP bound and
    the Lagrangian bound (for random blocks, at the LP's prices and at random prices
    of either sign) never cut off the proven optimum."""
    rng = random.Random(7)
    checked = 0
    for _ in range(200):
        model, sense = _random_model(rng)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        if solver.solve(model) != cp_model.OPTIMAL:
            continue  # infeasible: nothing to bound
        optimum = solver.objective_value
        relaxation = relax(model, 5)
        assert relaxation is not None
        assert sense * (relaxation.bound - optimum) >= -1e-9
        count = len(model.proto.variables)
        for prices in (relaxation.duals, [rng.uniform(-5, 5) for _ in relaxation.duals]):
            priced = dataclasses.replace(relaxation, duals=list(prices))
            blocks = [rng.randint(0, 2) for _ in range(count)]
            bound = lagrangian_bound(priced, blocks, 5)
            if bound is not None:
                assert sense * (bound - optimum) >= -1e-9
                checked += 1
    assert checked > 100


def _odd_cycles(coupled: bool) -> tuple[cp_model.CpModel, list[str]]:
    """Two blocks, each three Booleans pairwise exclusive (worth 2 each): the LP takes
    a half of each (3 per block), whole numbers only one (2 per block). With
    ``coupled``, a capacity row ties a1 and b1."""
    model = cp_model.CpModel()
    a = [model.new_bool_var(f"a{i}") for i in range(3)]
    b = [model.new_bool_var(f"b{i}") for i in range(3)]
    for block in (a, b):
        for i in range(3):
            model.add(block[i] + block[(i + 1) % 3] <= 1)
    if coupled:
        model.add(a[0] + b[0] <= 1)
    model.maximize(2 * sum(a) + 2 * sum(b))
    return model, ["a"] * 3 + ["b"] * 3


def test_lp_bound_of_a_knapsack_is_its_fractional_optimum() -> None:
    """max 5x + 4y + 3z with 2x + 3y + z <= 4: the LP fills z, x, then a third of y
    (9 1/3); the integer optimum is 8."""
    model = cp_model.CpModel()
    x, y, z = (model.new_bool_var(n) for n in "xyz")
    model.add(2 * x + 3 * y + z <= 4)
    model.maximize(5 * x + 4 * y + 3 * z)
    relaxation = relax(model, 10)
    assert relaxation is not None
    assert relaxation.bound == pytest.approx(28 / 3, abs=1e-4)
    assert relaxation.bound >= 28 / 3
    assert relaxation.values[0] == pytest.approx(1)
    assert relaxation.values[1] == pytest.approx(1 / 3)
    assert _optimum(model) == 8


def test_lp_bound_of_a_minimised_objective_is_a_lower_bound() -> None:
    """min x + 2y + 3z over a clause, a clause with a negated literal (x implies y) and
    an at-most-one: the LP takes half of x and of y (1.5), below the integer 2."""
    model = cp_model.CpModel()
    x, y, z = (model.new_bool_var(n) for n in "xyz")
    model.add_bool_or([x, y, z])
    model.add_bool_or([x.Not(), y])  # x implies y
    model.add_at_most_one([y, z])
    model.minimize(x + 2 * y + 3 * z)
    relaxation = relax(model, 10)
    assert relaxation is not None
    optimum = _optimum(model)
    assert optimum == 2  # y alone
    assert relaxation.bound <= optimum + 1e-9
    assert relaxation.bound == pytest.approx(1.5, abs=1e-4)


def test_constraints_the_lp_cannot_express_are_dropped_and_counted() -> None:
    """A constraint enforced by a free literal, and one the LP has no form for, are
    left out: the bound stays valid (above the optimum) and the count says so."""
    model = cp_model.CpModel()
    x, y, g = (model.new_bool_var(n) for n in "xyg")
    model.add(x + y <= 1).only_enforce_if(g)
    model.add_multiplication_equality(g, [x, y])
    model.maximize(x + y + g)
    relaxation = relax(model, 10)
    assert relaxation is not None
    assert relaxation.dropped == 2
    assert relaxation.bound >= _optimum(model) - 1e-9


def test_assumptions_are_kept_as_true() -> None:
    """A pin-like clause enforced by an assumption literal binds the LP."""
    model = cp_model.CpModel()
    x, y, pin = (model.new_bool_var(n) for n in ("x", "y", "pin"))
    model.add(x + y <= 1)
    model.add_bool_or([y]).only_enforce_if(pin)
    model.add_assumptions([pin])
    model.maximize(3 * x + y)
    relaxation = relax(model, 10)
    assert relaxation is not None
    assert relaxation.dropped == 0
    assert relaxation.bound == pytest.approx(1, abs=1e-4)


def test_lagrangian_bound_closes_the_gap_the_lp_leaves_inside_blocks() -> None:
    """Odd cycles inside each block: LP bound 6, integer optimum 4; the blocks solved
    as integers at the LP's prices prove 4."""
    for coupled in (False, True):
        model, blocks = _odd_cycles(coupled)
        relaxation = relax(model, 10)
        assert relaxation is not None
        assert relaxation.bound == pytest.approx(6, abs=1e-4)
        bound = lagrangian_bound(relaxation, blocks, 10)
        assert bound is not None
        assert _optimum(model) == 4
        assert bound == pytest.approx(4, abs=1e-3)
        assert bound >= 4


def test_lagrangian_bound_refuses_variables_that_can_be_negative() -> None:
    """Rounding block costs down is only safe on variables that are never negative."""
    model = cp_model.CpModel()
    v = model.new_int_var(-3, 3, "v")
    w = model.new_int_var(0, 3, "w")
    model.add(v + w <= 2)
    model.maximize(v + w)
    relaxation = relax(model, 10)
    assert relaxation is not None
    assert lagrangian_bound(relaxation, ["v", "w"], 10) is None


def _primary_model(data: dict[str, Any]) -> ModelContext:
    """The primary stage's model of a scenario, as the solver builds it."""
    built = build_model(build(data))
    ctx, terms = built.ctx, built.terms
    ctx.model.maximize(cp_model.LinearExpr.sum([t.expr() for t in terms if t.level == "primary"]))
    return ctx


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios())
def test_both_bounds_hold_on_random_scenarios(data: dict[str, Any]) -> None:
    """On tiny scenarios, the proven optimum <= Lagrangian bound <= LP bound."""
    ctx = _primary_model(data)
    optimum = _optimum(ctx.model)
    relaxation = relax(ctx.model, 10)
    assert relaxation is not None
    assert relaxation.bound >= optimum - 1e-6
    bound = lagrangian_bound(relaxation, ctx.committee_blocks(), 10)
    assert bound is not None
    assert optimum - 1e-6 <= bound <= relaxation.bound + 1e-3 * max(1.0, abs(bound))


@pytest.fixture(scope="module")
def two_priorities(reference: Scenario) -> Scenario:
    """The 13-week reference with one of C01's lines at priority 7 (the others 2): C01's
    shortfall row has two coefficients, so its rounding cuts are not its hull and the
    Lagrangian bound by committee is computed (it is skipped on the reference)."""
    data = reference.model_dump(mode="json")
    assert data["demand"][0]["committee"] == "C01"
    data["demand"][0]["priority"] = 7.0
    return build(data, number_lines=False)


def test_reference_solve_reports_its_bounds_and_every_progress_bound_holds(
    two_priorities: Scenario,
) -> None:
    """The 13-week reference with two priorities in one committee: the stage records
    the LP and Lagrangian bounds and the neighbourhoods searched; the Lagrangian bound
    is no looser than the LP's, the stage's bound lies between it and the plan, and no
    progress report ever shows a bound below the plan finally returned (this scenario
    has only the primary stage). The baseline guarantee is off: with it, the committee
    blocks of the Lagrangian bound carry a coverage floor each and take several times
    longer, so on a busy machine the bound may not be ready within its share."""
    scenario = two_priorities.model_copy(
        update={
            "objective": two_priorities.objective.model_copy(
                update={"keep_baseline_coverage": False}
            )
        }
    )
    reports: list[Progress] = []
    # With every start week the LP alone takes seconds on a busy machine; the test is
    # about the bounds, so it gives the solve room (it stops at the gap anyway).
    result = solve(
        scenario,
        SolveParams(time_limit=60, seed=0, workers=2, relative_gap=0.005),
        on_progress=reports.append,
    )
    assert result.plan is not None and result.objective is not None
    assert check_plan(scenario, result.plan) == []
    stage = result.stage("primary")
    assert stage is not None and result.model_size is not None
    assert stage.lagrangian_bound is not None and stage.lp_bound is not None
    assert stage.objective is not None and stage.bound is not None
    # The Lagrangian bound by committee is no looser than the LP's; the stage's bound is
    # the best of all.
    assert stage.lagrangian_bound <= stage.lp_bound + 1e-3
    assert stage.objective <= stage.bound <= stage.lagrangian_bound
    assert stage.neighbourhoods[0].reach == 0
    assert stage.neighbourhoods[0].options < result.model_size.num_options
    assert result.gap is not None
    assert result.status.value != "optimal" or result.gap <= 0.005
    bounds = [r.bound for r in reports if r.bound is not None]
    assert bounds
    assert min(bounds) >= result.objective - 1e-6


def _lagrangian_calls(
    scenario: Scenario, monkeypatch: pytest.MonkeyPatch, empty: bool
) -> tuple[Result, list[tuple[str, float]]]:
    """Solve ``scenario`` with reach 0 giving no plan (proven ``empty`` or not); return
    the result and the neighbourhood searches and Lagrangian bounds asked for, in
    order, each neighbourhood with its share of the time left."""
    from planner.solver import neighbourhood, stages

    calls: list[tuple[str, float]] = []
    real_portfolio = neighbourhood.search_portfolio
    real_lagrangian = stages.lagrangian_bound

    def portfolio(
        model: cp_model.CpModel,
        control: SolveControl,
        stage: str,
        scale: float,
        limit: float,
        bound: float,
    ) -> tuple[tuple[list[int], int] | None, bool]:
        calls.append(("neighbourhood", limit / max(1e-9, control.remaining())))
        if len(calls) == 1:
            return None, empty  # reach 0 gives no plan
        return real_portfolio(model, control, stage, scale, limit, bound)

    def lagrangian(*args: Any, **kwargs: Any) -> float | None:
        calls.append(("lagrangian", 0.0))
        return real_lagrangian(*args, **kwargs)

    monkeypatch.setattr(neighbourhood, "search_portfolio", portfolio)
    monkeypatch.setattr(stages, "lagrangian_bound", lagrangian)
    result = solve(scenario, SolveParams(time_limit=30, seed=0, workers=1, relative_gap=0.005))
    return result, calls


@pytest.mark.parametrize("empty", [True, False])
def test_without_a_plan_in_the_lps_options_the_wider_neighbourhood_comes_first(
    empty: bool, two_priorities: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the LP's own options are proven to hold no plan (reach 0 infeasible, as on
    a district's parts), the wider neighbourhood is searched next, before the
    Lagrangian bound, with most of the time left rather than a third; the plan it finds
    is the stage's and keeps every rule. When reach 0 merely found none in its time,
    the Lagrangian bound comes first, as before (two priorities in a committee, so the
    bound is not skipped)."""
    result, calls = _lagrangian_calls(two_priorities, monkeypatch, empty)
    stage = result.stage("primary")
    assert stage is not None and [n.reach for n in stage.neighbourhoods] == [0, 1]
    assert stage.neighbourhoods[0].empty is empty
    if empty:
        assert [name for name, _ in calls[:2]] == ["neighbourhood", "neighbourhood"]
        assert calls[1][1] > 0.5  # most of what was left, not NEIGHBOURHOOD_FIRST_SHARE
    else:
        assert [name for name, _ in calls[:3]] == ["neighbourhood", "lagrangian", "neighbourhood"]
    assert stage.neighbourhoods[1].objective is not None
    assert result.plan is not None and check_plan(two_priorities, result.plan) == []


def test_with_one_priority_per_committee_the_lagrangian_bound_is_skipped(
    reference: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the reference (one priority per committee, so every shortfall row with its
    rounding cut is its own hull) the primary stage goes from reach 0 to reach 1
    without the Lagrangian bound, and its bound is the LP's or a better one."""
    model = build_model(reference)
    assert model.ctx.shortfall_hull
    result, calls = _lagrangian_calls(reference, monkeypatch, empty=False)
    stage = result.stage("primary")
    assert stage is not None and [n.reach for n in stage.neighbourhoods] == [0, 1]
    assert [name for name, _ in calls] == ["neighbourhood", "neighbourhood"]
    assert stage.lagrangian_bound is None
    assert stage.lp_bound is not None and stage.bound is not None
    assert stage.bound <= stage.lp_bound
    assert result.plan is not None and check_plan(reference, result.plan) == []


def test_every_kind_of_constraint_the_lp_can_express_is_kept() -> None:
    """A model with one linear, bool_or, at_most_one, exactly_one and bool_and constraint
    each: none is dropped, each gives its rows (bool_and one per literal), and the LP
    optimum is the one the at-most-one and exactly-one rows allow."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(6)]
    model.add(x[0] + x[1] <= 1)
    model.add_bool_or([x[1], x[2]])
    model.add_at_most_one([x[2], x[3], x[4]])
    model.add_exactly_one([x[4], x[5]])
    model.add_bool_and([x[0], x[5]])
    model.maximize(sum(x))
    relaxation = relax(model, 10)
    assert relaxation is not None
    assert relaxation.dropped == 0
    assert len(relaxation.rows) == 6
    # x0 = x5 = 1 (bool_and), so x4 = 0 (exactly one), x1 = 0 (x0 + x1 <= 1),
    # x2 = 1 (bool_or), x3 = 0 (at most one of x2..x4): 3 in all.
    assert relaxation.bound == pytest.approx(3.0, abs=1e-4)


def test_a_model_that_cannot_be_written_out_gives_no_lp(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the model not be written out to be read (no usable temporary folder), the
    relaxation gives no LP instead of failing the solve."""
    from planner.solver import relaxation as relaxation_module

    def unwritable(model: cp_model.CpModel) -> Any:
        raise OSError("no temporary folder")

    monkeypatch.setattr(relaxation_module, "model_proto", unwritable)
    model = cp_model.CpModel()
    x = model.new_bool_var("x")
    model.maximize(x)
    assert relax(model, 10) is None


def test_a_neighbourhood_search_that_searched_nothing_does_not_break_the_stage(
    reference: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop that comes before reach 0 is searched leaves no neighbourhood report (as
    when the solve is stopped right after the LP); the stage goes on to the full model
    and returns a plan that keeps every rule, rather than failing."""
    from planner.solver import stages

    monkeypatch.setattr(stages, "search_neighbourhoods", lambda *args, **kwargs: None)
    result = solve(reference, SolveParams(time_limit=20, seed=0, workers=1, relative_gap=0.005))
    stage = result.stage("primary")
    assert stage is not None and stage.neighbourhoods == ()
    assert result.plan is not None and check_plan(reference, result.plan) == []
