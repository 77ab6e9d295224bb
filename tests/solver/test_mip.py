"""HiGHS's MIP beside CP-SAT: the same problem exactly, the same optima, bounds that
hold, and a child process that ends when the solve does."""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest
from ortools.sat.python import cp_model

from planner import SolveParams, SolveStatus, StopReason, solve
from planner.result import Result
from planner.scenario import Scenario
from planner.solver import engines, highs, stages
from planner.solver.control import SolveControl, StageControl, new_solver
from planner.solver.leximin import round_rows
from planner.solver.mip import MipModel, NoRow, safe_bound, translate
from planner.solver.model import build_model
from planner.solver.objective import services
from planner.solver.stages import StageRun, plan_stages
from planner.validate import assert_valid
from tests.factories import REFERENCE, assert_scored
from tests.solver.test_exhaustive import check_seed, seed_scenario

#: Tiny scenarios (tests/solver/test_exhaustive.py) with pins (1, 11, 12), fairness
#: first (4, 11, 18), secondary goals (1, 2, 4) and none of these (0, 5).
SEEDS = (0, 1, 2, 4, 5, 11, 12, 18)
#: A tight gap: a run within it of the bound is optimal.
PROVE = SolveParams(time_limit=30, seed=0, workers=2, relative_gap=0.0)


# -- helpers --------------------------------------------------------------------------


def rows_allow(mip: MipModel, point: np.ndarray) -> bool:
    """Whether an integer point keeps the MIP's bounds and rows (exact on integers: the
    rows' coefficients and sides are integers)."""
    variables = mip.proto.variables
    if np.any(point < np.asarray(variables.lower_bounds)):
        return False
    if np.any(point > np.asarray(variables.upper_bounds)):
        return False
    matrix = mip.proto.linear_constraint_matrix
    activity = np.zeros(len(mip.proto.linear_constraints.ids))
    np.add.at(
        activity,
        np.asarray(matrix.row_ids, dtype=np.int64),
        np.asarray(matrix.coefficients) * point[np.asarray(matrix.column_ids, dtype=np.int64)],
    )
    constraints = mip.proto.linear_constraints
    return bool(
        np.all(activity >= np.asarray(constraints.lower_bounds))
        and np.all(activity <= np.asarray(constraints.upper_bounds))
    )


def cp_allows(model: cp_model.CpModel, point: list[int]) -> bool:
    """Whether CP-SAT accepts the point, every variable fixed (assumptions kept)."""
    fixed = model.clone()
    fixed.clear_hints()
    for index, value in enumerate(point):
        domain = fixed.proto.variables[index].domain
        low, high = domain[0], domain[len(domain) - 1]
        if not low <= value <= high:
            return False
        domain[0] = domain[len(domain) - 1] = value
    solver = new_solver()
    solver.parameters.num_workers = 1
    return solver.solve(fixed) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def cp_optimum(model: cp_model.CpModel) -> int:
    """CP-SAT's proven optimum of the model (model units)."""
    solver = new_solver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def mip_optimum(mip: MipModel) -> tuple[float, float]:
    """HiGHS's proven optimum and its safe bound (model units), in this process."""
    outcome = highs.solve_mip(mip.proto, highs.solve_params(30, 0.0, 0))
    assert outcome.proven, outcome.termination
    return mip.model_units(outcome.primal), safe_bound(mip, outcome.dual)


def proven_solve(s: Scenario) -> Result:
    """A two-worker solve of ``s`` (:data:`PROVE`), asserted proven optimal with a plan
    that keeps every rule and scores what the result says."""
    result = solve(s, PROVE)
    assert result.status == SolveStatus.OPTIMAL
    assert result.plan is not None
    assert_valid(s, result.plan)
    assert_scored(s, result)
    return result


def primary_model(s: Scenario) -> cp_model.CpModel:
    """The scenario's model with the primary stage's objective set."""
    built = build_model(s)
    stage = next(st for st in plan_stages(built.ctx, built.terms) if st.name == "primary")
    built.ctx.model.maximize(stage.expr)
    return built.ctx.model


# -- the translation ------------------------------------------------------------------


def test_every_constraint_kind_of_the_model_translates_to_the_same_points() -> None:
    """Around the optimum of each tiny scenario's model (pins, fairness level, week sums,
    goals), moving any one or two variables up or down by one gives a point CP-SAT
    accepts exactly when the MIP's rows do: the translation neither loses nor adds a
    plan there."""
    checked = 0
    for seed in SEEDS:
        _, s = seed_scenario(seed)
        model = primary_model(s)
        mip = translate(model)
        solver = new_solver()
        solver.parameters.num_workers = 1
        assert solver.solve(model) == cp_model.OPTIMAL
        best = np.asarray(solver.response_proto.solution, dtype=np.int64)
        moves = [(i, d) for i in range(len(best)) for d in (-1, 1)]
        for pair in itertools.chain(((m,) for m in moves), itertools.combinations(moves, 2)):
            point = best.copy()
            for index, step in pair:
                point[index] += step
            assert rows_allow(mip, point) == cp_allows(model, point.tolist()), (seed, pair)
            checked += 1
    assert checked > 2000


def test_enforced_and_boolean_constraints_translate_exactly_over_a_whole_box() -> None:
    """Every kind the translation accepts (linear with a domain, bool_or, bool_and,
    at_most_one, exactly_one, a linear enforced by a literal or its negation, the big-M
    form the leximin rounds need, and an assumption) allows the same points of a small
    box in the MIP and in CP-SAT."""
    model = cp_model.CpModel()
    x = model.new_int_var(-2, 3, "x")
    y = model.new_int_var(0, 4, "y")
    a, b, c = (model.new_bool_var(n) for n in "abc")
    model.add_linear_constraint(2 * x + 3 * y, -1, 9)
    model.add(x + y >= 3).only_enforce_if(a)
    model.add(x - 2 * y <= -1).only_enforce_if(~b)
    model.add_bool_or([a, ~c])
    model.add_at_most_one([a, b, c])
    model.add_bool_or([b, c]).only_enforce_if(model.new_bool_var("pin"))
    model.add_assumptions([model.get_bool_var_from_proto_index(5)])
    model.maximize(x + 2 * y - a)
    mip = translate(model)
    count = 0
    for point in itertools.product(range(-2, 4), range(5), *[range(2)] * 4):
        assert rows_allow(mip, np.asarray(point)) == cp_allows(model, list(point)), point
        count += 1
    assert count == 6 * 5 * 16
    assert mip_optimum(mip) == (cp_optimum(model), cp_optimum(model))


def test_a_leximin_round_translates_and_keeps_its_optimum() -> None:
    """A leximin round as the solve writes it (:func:`~planner.solver.leximin.round_rows`:
    every committee at a level ``z``, and a literal per committee that, when true, lifts
    it to ``z + 1``: enforced linear rows) translates, and the MIP has CP-SAT's
    optimum."""
    _, s = seed_scenario(0)
    ctx = build_model(s).ctx
    model = ctx.model
    free = [v for v in services(ctx) if v.request > 0]
    round_rows(model, ctx, free, 0)
    assert free
    assert mip_optimum(translate(model)) == (cp_optimum(model), cp_optimum(model))


def test_constraints_without_an_exact_linear_form_are_refused() -> None:
    """A maximum, a product, a domain with holes, a linear enforced by two literals or a
    boolean constraint enforced by a literal that is not an assumption (a pin's is)
    raise NoRow naming what has no row, so the solve leaves the MIP out."""

    def refused(build: Any) -> str:
        model = cp_model.CpModel()
        x, y = model.new_int_var(0, 5, "x"), model.new_int_var(0, 5, "y")
        build(model, x, y)
        with pytest.raises(NoRow) as caught:
            translate(model)
        return str(caught.value)

    assert "lin_max" in refused(lambda m, x, y: m.add_max_equality(x, [y, 2]))
    assert "int_prod" in refused(lambda m, x, y: m.add_multiplication_equality(x, [y, y]))
    assert "holes" in refused(
        lambda m, x, y: m.new_int_var_from_domain(cp_model.Domain.from_values([1, 3]), "z")
    )
    assert "2 literals" in refused(
        lambda m, x, y: m.add(x <= y).only_enforce_if([m.new_bool_var("a"), m.new_bool_var("b")])
    )
    assert "bool_or enforced by a literal" in refused(
        lambda m, x, y: m.add_bool_or([m.new_bool_var("a")]).only_enforce_if(m.new_bool_var("b"))
    )


# -- optima and bounds ----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_the_mip_optimum_is_cp_sat_s(seed: int) -> None:
    """On a tiny scenario's primary stage, HiGHS's proven optimum of the translated
    model and its safe bound both equal CP-SAT's proven optimum (HiGHS's plan's
    objective up to the float sum's last bits)."""
    _, s = seed_scenario(seed)
    model = primary_model(s)
    optimum = cp_optimum(model)
    primal, bound = mip_optimum(translate(model))
    assert primal == pytest.approx(optimum, rel=1e-12, abs=1e-6)
    assert bound == optimum


def test_safe_bound_rounds_to_the_integer_objective_and_allows_for_tolerances() -> None:
    """The dual bound of the minimised sum is lowered by the tolerance allowance and
    rounded up to an integer: float noise above an integer keeps it, a fraction is cut
    to the integer below in the maximised objective."""
    mip = translate(cp_model.CpModel())
    maximised = MipModel(mip.proto, offset=0.0, scaling=-1.0, box=100.0, num_rows=0)
    assert safe_bound(maximised, -1000.0000001) == 1000
    assert safe_bound(maximised, -1000.4) == 1000
    assert safe_bound(maximised, -999.9999) == 999
    assert safe_bound(maximised, -math.inf) == math.inf
    minimised = MipModel(mip.proto, offset=5.0, scaling=1.0, box=100.0, num_rows=0)
    assert safe_bound(minimised, 10.2) == 16
    assert safe_bound(minimised, 9.9999999999) == 15


def test_a_bound_at_the_time_limit_holds_for_every_plan(reference: Scenario) -> None:
    """HiGHS stopped after a few seconds on the 13-week reference's primary stage proves a
    bound (made safe) at least the objective of a plan CP-SAT finds on the same model.

    CP-SAT's search is limited in deterministic time, so that a loaded machine gives it
    the same work and it always has a plan to compare."""
    model = primary_model(reference)
    mip = translate(model)
    outcome = highs.solve_mip(mip.proto, highs.solve_params(5.0, 0.0, 0))
    bound = safe_bound(mip, outcome.dual)
    solver = new_solver()
    solver.parameters.num_workers = 2
    solver.parameters.max_deterministic_time = 5
    solver.parameters.max_time_in_seconds = 120
    assert solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert math.isfinite(bound)
    assert solver.objective_value <= bound
    assert solver.best_objective_bound >= solver.objective_value


def test_live_bounds_are_read_from_highs_progress_rows_only() -> None:
    """Rows of HiGHS's progress table give (bound, plan), with or without a source
    letter and before the first plan (``inf``); headers, the report and other lines
    give nothing."""
    row = "         0       0         0   0.00%   -6889469.391807 -6889087           0.01%"
    assert highs.parse_progress(row + "  13 0 0 12115 26.1s") == (-6889469.391807, -6889087.0)
    lettered = " L       0       0         0   0.00%   -6889485.19305  -1765287         290.28%"
    assert highs.parse_progress(lettered) == (-6889485.19305, -1765287.0)
    first = "         0       0         0   0.00%   -40226317       inf                  inf"
    assert highs.parse_progress(first) == (-40226317.0, math.inf)
    for line in (
        "Src  Proc. InQueue |  Leaves   Expl. | BestBound       BestSol              Gap |",
        "  Primal bound      -6889087",
        "5629 rows, 12789 cols, 87552 nonzeros  0s",
        "",
    ):
        assert highs.parse_progress(line) is None


# -- in the solve ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", (1, 4, 11))
def test_with_highs_beside_the_solve_still_finds_the_best_valid_plan(seed: int) -> None:
    """With two workers HiGHS runs beside CP-SAT; the proven optimum, stage by stage,
    is still the best of every plan the validator accepts, whichever engine ends each
    stage first (the next two tests make each engine the first)."""
    check_seed(seed, workers=2)


class Late(highs.MipProcess):
    """A HiGHS child that sleeps 30 s before it reads its model, as a child started on
    a loaded machine may: CP-SAT ends every stage of a tiny scenario first. Keeps every
    instance."""

    made: ClassVar[list[Late]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        Late.made.append(self)


@pytest.mark.parametrize("seed", (1, 4, 11))
def test_a_highs_child_that_starts_late_leaves_cp_sat_s_proof_standing(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When HiGHS has told nothing by the time CP-SAT proves a stage (its bound is then
    CP-SAT's float, such as 7165953.000000001 over a plan of 7165953), the stage is
    still proven optimal and closed at once, the child killed without an outcome, and
    the solve's optimum is the best valid plan's. (Seed 4 came out "feasible at the
    time limit" here, after 3 s, when a loaded machine started the child late.)"""
    monkeypatch.setattr(highs, "_BOOT", "import time; time.sleep(30); " + highs._BOOT)
    monkeypatch.setattr(Late, "made", [])
    monkeypatch.setattr(engines, "MipProcess", Late)
    check_seed(seed, workers=2)
    assert Late.made
    for child in Late.made:
        assert child.finished and child.killed and child.wait(0) is None


def test_highs_alone_closes_a_stage_with_a_checked_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With CP-SAT's searches made to find nothing, each stage's plan and bound come from
    HiGHS: its plan, checked by CP-SAT, is proven optimal, keeps every rule and scores
    what the result says, and equals the best valid plan found by enumeration."""

    def idle(
        ctx: Any,
        control: SolveControl,
        stage: Any,
        budget: float,
        offset: Any,
        start: Any = None,
    ) -> StageRun:
        assert isinstance(control, StageControl)
        # Until HiGHS closes the stage (it sets the stage's stop) or the time runs out.
        end = time.perf_counter() + 20
        while not control.stopped and time.perf_counter() < end:
            time.sleep(0.01)
        return StageRun(cp_model.UNKNOWN)

    monkeypatch.setattr(stages, "search_stage", idle)
    for seed in (1, 4):
        check_seed(seed, workers=2)
        _, s = seed_scenario(seed)
        result = proven_solve(s)
        for report in result.stages:
            assert (report.plan_engine, report.bound_engine) == ("highs", "highs")
            assert report.mip_bound == report.bound == report.objective


def test_a_stage_report_names_the_engines(tiny_data: dict[str, Any]) -> None:
    """A two-worker solve reports which engine found each stage's plan and proved its
    bound, HiGHS's bound and time; the plan is valid and scored; with one worker HiGHS
    does not run."""
    _, s = seed_scenario(2)
    result = proven_solve(s)
    for report in result.stages:
        data = report.to_dict()
        assert data["plan_engine"] in ("cp-sat", "highs")
        assert data["bound_engine"] in ("lp", "lagrangian", "cp-sat", "highs")
        assert data["mip_seconds"] >= 0
    alone = solve(s, SolveParams(time_limit=30, seed=0, workers=1, relative_gap=0.0))
    assert all(r.mip_seconds is None and r.plan_engine == "cp-sat" for r in alone.stages)
    assert alone.objective == pytest.approx(result.objective)


@pytest.mark.parametrize("failure", ["no row", "no child"])
def test_without_a_mip_the_stage_runs_cp_sat_alone(
    failure: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A model the translation refuses, or a machine where no child process starts:
    the two-worker solve goes on with CP-SAT alone and still proves its optimum."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        if failure == "no row":
            raise NoRow("constraint 0 is lin_max")
        raise OSError("no child here")

    monkeypatch.setattr(engines, "translate" if failure == "no row" else "MipProcess", refuse)
    _, s = seed_scenario(2)
    result = solve(s, PROVE)
    assert result.status == SolveStatus.OPTIMAL
    assert all(r.mip_seconds is None and r.plan_engine == "cp-sat" for r in result.stages)


class Recorded(highs.MipProcess):
    """A MipProcess that keeps every instance, and may set a stop a while after it starts."""

    made: ClassVar[list[Recorded]] = []
    stop: ClassVar[threading.Event | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        Recorded.made.append(self)
        if Recorded.stop is not None:
            threading.Timer(1.0, Recorded.stop.set).start()


def test_the_child_is_killed_when_the_solve_is_stopped(
    reference: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop set a second after HiGHS starts on the 13-week reference (gap 0, a 60 s
    limit) ends the solve within seconds with a valid plan, and the HiGHS child is gone:
    killed, not left to run to its own time limit."""
    stop = threading.Event()
    monkeypatch.setattr(Recorded, "made", [])
    monkeypatch.setattr(Recorded, "stop", stop)
    monkeypatch.setattr(engines, "MipProcess", Recorded)
    result = solve(
        reference, SolveParams(time_limit=60, seed=0, workers=2, relative_gap=0.0), stop=stop
    )
    assert stop.is_set() and Recorded.made
    assert result.stop_reason == StopReason.STOPPED
    assert result.wall_seconds < 30
    _valid_or_baseline(reference, result)
    for child in Recorded.made:
        assert child.finished and child.killed
        assert child.process.poll() is not None


def test_killing_a_running_child_ends_it_at_once(reference: Scenario) -> None:
    """A HiGHS child given 60 s on the 13-week reference is killed after half a second:
    it is gone within two seconds and gives no outcome."""
    mip = translate(primary_model(reference))
    child = highs.MipProcess(mip.proto, 60.0, 0.0, 0)
    time.sleep(0.5)
    began = time.perf_counter()
    child.kill()
    assert time.perf_counter() - began < 2
    assert child.finished and child.killed and child.process.poll() is not None
    assert child.wait(0) is None


#: A parent process that runs HiGHS on the reference's primary stage (60 s, gap 0) in a
#: child, and hands the read end of the child's output pipe to another process (a
#: ``sleep``, whose id it prints), as a forked process of a server may hold it: the
#: child's writes do not break when the parent dies, so a broken pipe cannot end it.
_SOLVING_PARENT = f"""
import subprocess, time
from planner.io import read_scenario
from planner.solver.highs import MipProcess
from planner.solver.mip import translate
from planner.solver.model import build_model
from planner.solver.stages import plan_stages
built = build_model(read_scenario({str(REFERENCE)!r}))
stage = next(st for st in plan_stages(built.ctx, built.terms) if st.name == "primary")
built.ctx.model.maximize(stage.expr)
child = MipProcess(translate(built.ctx.model).proto, 60.0, 0.0, 0)
holder = subprocess.Popen(["sleep", "60"], pass_fds=(child.process.stdout.fileno(),))
print(holder.pid, flush=True)
time.sleep(120)
"""


def _highs_children(parent: int) -> list[int]:
    """Process ids of the HiGHS children (``highs.py`` on the command line) of ``parent``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except OSError:
            continue
        if ppid == parent and b"highs.py" in command:
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_child_dies_with_a_killed_parent() -> None:
    """A process whose HiGHS child solves the reference (60 s) is killed with SIGKILL
    once the child runs, while another process holds the child's output pipe: the child,
    which nobody can kill any more, is gone within two seconds instead of running on to
    its own time limit."""
    parent = subprocess.Popen(
        [sys.executable, "-c", _SOLVING_PARENT],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert parent.stdout is not None
    children: list[int] = []
    holder = None
    try:
        holder = int(parent.stdout.readline())
        deadline = time.monotonic() + 30
        while not children and parent.poll() is None and time.monotonic() < deadline:
            children = _highs_children(parent.pid)
            time.sleep(0.1)
        assert children, "the parent started no HiGHS child"
        time.sleep(0.5)  # the child is solving, past its start
        assert all(_alive(child) for child in children)
        parent.kill()
        parent.wait()
        killed = time.monotonic()
        while any(_alive(child) for child in children) and time.monotonic() - killed < 2:
            time.sleep(0.05)
        assert not any(_alive(child) for child in children)
    finally:
        parent.kill()
        parent.wait()
        for pid in [*children, *([holder] if holder else [])]:  # left by a failed run
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _valid_or_baseline(s: Scenario, result: Result) -> None:
    """The result has a plan that keeps every rule."""
    assert result.plan is not None
    assert_valid(s, result.plan)
