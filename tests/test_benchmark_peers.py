"""The benchmark's peers: HiGHS on cultplan's own MIP translation, and CP-SAT's default
search, agree with enumeration; the peer's check of a rounded plan counts what it breaks."""

from __future__ import annotations

import itertools
import random

import pytest
from ortools.sat.python import cp_model

from benchmarks.peers import model_violations, solve_cpsat, solve_highs
from benchmarks.suite import time_to_gap
from planner.solver.mip import model_proto, translate


def _random_model(seed: int) -> cp_model.CpModel:
    """A small model using every constraint kind the translation accepts, as the peer
    models use them and more: linear rows with domains, a linear enforced by a literal
    (positive or negated), a pin (a ``bool_or`` enforced by an assumption literal),
    ``bool_or``, ``bool_and``, ``at_most_one``, ``exactly_one``, and an objective with
    negative coefficients and an offset. Seeds 0-7 give four models with a plan and
    four without."""
    rng = random.Random(seed)
    model = cp_model.CpModel()
    bools = [model.new_bool_var(f"b{k}") for k in range(6)]
    ints = [model.new_int_var(0, 3, f"i{k}") for k in range(2)]
    lits = [*bools, *(b.Not() for b in bools)]
    model.add(sum(rng.randint(1, 3) * b for b in bools) + ints[0] <= rng.randint(4, 8))
    model.add(ints[0] - ints[1] + bools[0] >= -1)
    model.add(ints[0] + 2 * ints[1] <= 5).only_enforce_if(rng.choice(lits))
    model.add(ints[1] + bools[2] >= 2).only_enforce_if(rng.choice(bools).Not())
    pin = model.new_bool_var("pin")
    model.add_bool_or(rng.sample(lits, 2)).only_enforce_if(pin)
    model.add_bool_or(rng.sample(lits, 3))
    model.add_bool_and(rng.sample(lits, 2))
    model.add_at_most_one(rng.sample(bools, 3))
    model.add_exactly_one([bools[4], bools[5].Not(), bools[3]])
    model.add_assumptions([pin])
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
def test_the_highs_peer_finds_the_cpsat_and_the_exhaustive_optimum(seed: int) -> None:
    """On small random models the HiGHS peer (cultplan's translation, HiGHS) and the
    CP-SAT peer agree with enumeration on the optimum, or that there is none; HiGHS's
    rounded plan breaks no constraint of the CP-SAT model and its bound holds."""
    model = _random_model(seed)
    kinds = {ct.WhichOneof("constraint") for ct in model_proto(model).constraints}
    assert kinds == {"linear", "bool_or", "bool_and", "at_most_one", "exactly_one"}
    expected = _exhaustive(model)
    highs = solve_highs(translate(model), time_limit=10.0, relative_gap=0.0)
    cpsat = solve_cpsat(model, time_limit=10.0, relative_gap=0.0, workers=1, seed=0)
    if expected is None:
        assert highs.status == "infeasible"
        assert cpsat.status == "infeasible"
        return
    assert highs.status == "optimal"
    assert highs.objective == pytest.approx(expected)
    assert highs.bound == pytest.approx(expected)
    assert cpsat.objective == pytest.approx(expected)
    assert highs.values is not None and model_violations(model.proto, highs.values) == 0
    assert highs.trace and highs.trace[-1][1:] == (highs.objective, highs.bound)


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
