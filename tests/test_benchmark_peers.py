"""The benchmark's peers: the CP-SAT model translated exactly into a MIP, or refused."""

from __future__ import annotations

import itertools
import random

import pytest
from ortools.sat.python import cp_model

from benchmarks.peers import (
    Untranslatable,
    model_violations,
    solve_cpsat,
    solve_highs,
    translate,
)
from benchmarks.suite import time_to_gap


def _random_model(seed: int) -> cp_model.CpModel:
    """A small model using every constraint kind the translation accepts."""
    rng = random.Random(seed)
    model = cp_model.CpModel()
    bools = [model.new_bool_var(f"b{k}") for k in range(6)]
    ints = [model.new_int_var(0, 3, f"i{k}") for k in range(2)]
    lits = [*bools, *(b.Not() for b in bools)]
    model.add(sum(rng.randint(1, 3) * b for b in bools) + ints[0] <= rng.randint(4, 8))
    model.add(ints[0] - ints[1] + bools[0] >= -1)
    model.add(ints[0] + 2 * ints[1] <= 5).only_enforce_if(rng.choice(lits))
    model.add(ints[1] + bools[2] >= 2).only_enforce_if([rng.choice(lits), rng.choice(lits)])
    model.add_bool_or(rng.sample(lits, 3))
    model.add_bool_or(rng.sample(lits, 2)).only_enforce_if(rng.choice(lits))
    model.add_bool_and(rng.sample(lits, 2)).only_enforce_if(rng.choice(lits))
    model.add_at_most_one(rng.sample(bools, 3))
    model.add_exactly_one([bools[4], bools[5].Not(), bools[3]])
    model.add_assumption(rng.choice(lits))
    model.maximize(
        sum(rng.randint(-3, 5) * b for b in bools) + rng.randint(1, 4) * ints[0] - ints[1] + 7
    )
    return model


def _exhaustive(model: cp_model.CpModel) -> float | None:
    """The best objective over every assignment that breaks no constraint, by enumeration."""
    proto = model.proto
    # (list(): the proto's repeated fields take no negative index)
    domains = [list(v.domain) for v in proto.variables]
    ranges = [range(d[0], d[-1] + 1) for d in domains]
    best = None
    objective = proto.objective
    for values in itertools.product(*ranges):
        if model_violations(proto, list(values)):
            continue
        raw = sum(c * values[v] for v, c in zip(objective.vars, objective.coeffs, strict=True))
        value = (objective.scaling_factor or 1.0) * (raw + objective.offset)
        best = value if best is None else max(best, value)
    return best


@pytest.mark.parametrize("seed", range(8))
def test_the_mip_optimum_is_the_cpsat_and_the_exhaustive_optimum(seed: int) -> None:
    """Every constraint kind translates, and HiGHS, CP-SAT and enumeration agree on the
    optimum (or that there is none) of small random models."""
    model = _random_model(seed)
    expected = _exhaustive(model)
    mip = translate(model.proto)
    highs = solve_highs(mip, time_limit=10.0, relative_gap=0.0)
    cpsat = solve_cpsat(model, time_limit=10.0, relative_gap=0.0, workers=1, seed=0)
    assert set(mip.kinds) == {"linear", "bool_or", "bool_and", "at_most_one", "exactly_one"}
    if expected is None:
        assert highs.status == "infeasible"
        assert cpsat.status == "infeasible"
        return
    assert highs.status == "optimal"
    assert highs.objective == pytest.approx(expected)
    assert cpsat.objective == pytest.approx(expected)
    assert highs.bound is not None and highs.bound >= expected - 1e-6
    assert highs.values is not None and model_violations(model.proto, highs.values) == 0


def test_a_constraint_without_an_exact_linear_form_is_refused() -> None:
    """A product of variables is refused rather than left out of the MIP."""
    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 3, "x"), model.new_int_var(0, 3, "y")
    z = model.new_int_var(0, 9, "z")
    model.add_multiplication_equality(z, [x, y])
    model.maximize(z)
    with pytest.raises(Untranslatable, match="no exact linear form"):
        translate(model.proto)


def test_a_domain_with_holes_is_refused() -> None:
    """A variable whose domain is not one interval cannot be a MIP column as it stands."""
    model = cp_model.CpModel()
    x = model.new_int_var_from_domain(cp_model.Domain.from_values([0, 2, 5]), "x")
    model.maximize(x)
    with pytest.raises(Untranslatable, match="holes"):
        translate(model.proto)


def test_a_broken_assignment_is_counted() -> None:
    """The model check counts each broken constraint and each value outside its range."""
    model = cp_model.CpModel()
    a, b = model.new_bool_var("a"), model.new_bool_var("b")
    model.add_at_most_one([a, b])
    assert model_violations(model.proto, [1, 0]) == 0
    assert model_violations(model.proto, [1, 1]) == 1
    assert model_violations(model.proto, [2, 0]) == 2  # a outside 0..1, and 2 + 0 > 1


def test_time_to_gap_takes_the_best_plan_and_bound_so_far() -> None:
    """The time to a gap is the first moment the best plan so far is within the gap of
    the lowest bound so far, or of a given bound."""
    trace = [(1.0, 90.0, 120.0), (2.0, 80.0, 100.0), (3.0, None, 99.5), (4.0, 99.0, 99.2)]
    assert time_to_gap(trace, 0.12) == 2.0  # 90 against 100: 10 / 90
    assert time_to_gap(trace, 0.01) == 4.0
    assert time_to_gap(trace, 0.001) is None
    assert time_to_gap(trace, 0.01, bound=99.0) == 4.0
    assert time_to_gap(trace, 0.01, bound=99.9) == 4.0
    assert time_to_gap(trace, 0.01, bound=100.0) is None
    assert time_to_gap([], 0.5) is None
