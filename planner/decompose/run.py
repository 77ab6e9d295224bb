"""Solving a scenario subdistrict by subdistrict, and putting the parts together.

1. The whole scenario's options and both baselines are planned (the floors of the
   objective's guarantees and the fallback are the whole scenario's, as in a solve of
   the whole model): always up to :data:`WHOLE_BASELINES_UP_TO` demand lines (a
   district), beyond (a city) when the time left allows
   (:func:`plans_whole_baselines`); otherwise each part plans its own (step 2).
   Steps 1 and 2 (the shared step) run bounded: on a stop or at the deadline they
   give up, and the solve ends without a plan (:func:`_shared_step`).
2. The scenario is split by subdistrict (:mod:`planner.decompose.split`) and the
   shared capacity (district or city troupes, lecturers, trainers and set kinds; the
   van's moves) is allotted to the parts: from the whole scenario's fallback, at least
   what it uses in each (:mod:`planner.decompose.allot`); without the whole's
   baselines, by whole weeks in the parts' own scenarios
   (:func:`planner.decompose.split.week_shares`).
3. Each part is solved by :func:`planner.solver.solve` with its allotment as rows of
   its model and the whole scenario's baselines restricted to it
   (:class:`~planner.solver.guide.PartGuide`): one after another here, or side by
   side on a Dask cluster (``planner.sweep.parts``).
4. The parts' plans together are the plan: the allotments keep the shared capacity,
   every other rule is the part's own. Copies of shared set kinds are given again
   over the whole season. The plan is scored without the solver, checked by the
   validator and against the guarantees; a plan that fails is replaced by the
   fallback baseline's, and the message says so.

The plan is ``feasible``, never ``optimal``. The parts' own bounds hold for their
allotments only; the whole scenario's bound is made from the parts' LP values and
the prices their LPs put on the allotments (:func:`whole_bound`), when every part's
LP was solved (see docs/solving.md).
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from planner import wording
from planner.baseline import BASELINE_NAMES, Baselines, plan_baselines
from planner.decompose.allot import allot
from planner.decompose.split import (
    Part,
    PinsAcrossParts,
    split_scenario,
    splittable,
    subdistricts,
)
from planner.i18n import _
from planner.network import Distances
from planner.options import line_blocker, options_lister
from planner.params import DECOMPOSE, Progress, SolveParams, relative_gap
from planner.plan import Delivery, Plan
from planner.result import PartReport, Result, SolveStatus, StopReason, Term
from planner.scenario import STAY_PRODUCTS, Scenario
from planner.score import Guarantees, PlanScore, Scorer
from planner.solver.bounded import run_bounded
from planner.solver.context import SCALE
from planner.solver.control import SolveControl
from planner.solver.extract import colour_stays
from planner.solver.guide import Allotment, PartGuide, row_key
from planner.solver.objective import coverage_points
from planner.validate import check_plan

#: A scenario is split under ``decompose: auto`` from this many demand lines × weeks
#: (the 26-week reference has 8,320; a district about 90,000).
SPLIT_FROM = 40_000
#: Up to this many demand lines the whole scenario's baselines are always planned and
#: the shared capacity allotted from them (a district has about 3,500). Beyond (a city
#: has about 60,000), only when they take at most WHOLE_BASELINES_SHARE of the time
#: left (:func:`plans_whole_baselines`); else the shared units are split by weeks and
#: each part plans its own.
WHOLE_BASELINES_UP_TO = 10_000
#: Seconds a demand line that the whole scenario's baselines take to plan (listing its
#: options, both baselines, their points, the allotment and the parts' guides): city
#: seed 1's 60,109 lines took 149 s (2.5 ms a line) on the 2-core machine at a load of
#: about 1; the margin is for a busier machine.
WHOLE_BASELINES_SECONDS_PER_LINE = 0.0035
#: The share of the time left that the whole scenario's baselines may take in a split.
#: Nearly all of it: a report of the plan (the command line's, the service's) plans them
#: anyway, and with them every part starts from the whole's fallback, so the plan is
#: never below it; a split by weeks is for a time too short to plan them at all.
WHOLE_BASELINES_SHARE = 0.9
#: Seconds a demand line kept back from the parts for putting their plans together,
#: scoring and checking the whole: city seed 1's parts, given what their size needs,
#: ended their solves 3-6 s past their limits and the whole took about 10 s more, so a
#: solve ran 22 s past its deadline without it (24 s for its 60,109 lines; a district's
#: 3,528, 1.4 s).
ASSEMBLE_SECONDS_PER_LINE = 0.0004
#: Least seconds between two progress reports of the plan so far.
PROGRESS_SECONDS = 2.0
#: And at least this many times as long as the last report took (putting the plan
#: together, scoring it, its KPIs): the reports then take at most a tenth or so of
#: the main process, which shares the machine with the parts' workers.
PROGRESS_COST_RATIO = 10.0
#: Seconds a part's solve takes beyond its time limit (joining its threads, ending the
#: HiGHS child), measured at 0.9 s on city parts; kept back from each part's share.
PART_OVERRUN = 0.9
#: A part of PART_SECONDS_SIZE demand lines × weeks needs about PART_SECONDS to find a
#: plan better than its share of the fallback: city seed 1's parts (about 310 lines, 26
#: weeks) found none in 10 s (their LP takes about 4 s), 279 points more in 20 s and 503
#: in 40 s (one part alone). A part is given at least what its size needs
#: (:func:`part_seconds`), within the time left.
PART_SECONDS = 20.0
PART_SECONDS_SIZE = 8_000
#: In a split by weeks, a subdistrict whose solve gave no plan at all (never run before
#: the deadline or a stop, or its worker failed) is given its own spreadsheet
#: baseline's plan afterwards (about 0.25 s each for a city's subdistricts), so that its
#: committees are not left without deliveries; this many seconds past the deadline (or
#: past a stop) at most, after which the rest are left without.
FILL_SECONDS = 3.0


@dataclass(frozen=True)
class PartTask:
    """One part's solve, as shipped to whoever runs it (plain data: it pickles).

    Attributes
    ----------
    index
        The part's position in the split.
    area
        Its subdistrict.
    scenario
        The part's scenario.
    params
        Its solve parameters (its share of the time).
    guide
        Its allotment, baselines and floors; None for a part that plans its own (a
        split by weeks).
    until
        The wall-clock time (``time.time()``) by which the part must end, for a runner
        that starts it later than it was made (a Dask worker cuts its time limit to
        it; the machines' clocks are taken to agree, as NTP keeps them); None for no
        such time.
    """

    index: int
    area: str
    scenario: Scenario
    params: SolveParams
    guide: PartGuide | None
    until: float | None = None


#: Runs part tasks and yields ``(index, result)`` as each ends, in any order. It is
#: given the tasks, the solve's stop event and the time by which all must end
#: (``time.perf_counter()``).
Runner = Callable[[Sequence[PartTask], threading.Event | None, float], Iterator[tuple[int, Result]]]


def should_split(scenario: Scenario, params: SolveParams) -> bool:
    """Whether :func:`planner.decompose.solve` splits a scenario by subdistrict.

    ``decompose: yes`` splits any scenario of two subdistricts or more;
    ``auto`` only one whose demand lines × weeks reach :data:`SPLIT_FROM`; ``no`` none.
    """
    if params.decompose not in DECOMPOSE:
        raise ValueError(f"decompose: one of {', '.join(DECOMPOSE)}, not {params.decompose!r}")
    if params.decompose == "no" or not splittable(scenario):
        return False
    if params.decompose == "yes":
        return True
    return len(scenario.demand_lines) * scenario.season.weeks >= SPLIT_FROM


def plans_whole_baselines(scenario: Scenario, seconds: float) -> bool:
    """Whether a split of ``scenario`` with ``seconds`` left plans the whole scenario's
    baselines (and allots the shared capacity from their fallback) rather than splitting
    the shared units by weeks: always up to :data:`WHOLE_BASELINES_UP_TO` demand lines,
    beyond when :func:`whole_baselines_seconds` is at most
    :data:`WHOLE_BASELINES_SHARE` of ``seconds``."""
    lines = len(scenario.demand_lines)
    if lines <= WHOLE_BASELINES_UP_TO:
        return True
    return whole_baselines_seconds(scenario) <= WHOLE_BASELINES_SHARE * seconds


def whole_baselines_seconds(scenario: Scenario) -> float:
    """About how long planning the whole scenario's baselines takes
    (:data:`WHOLE_BASELINES_SECONDS_PER_LINE` a demand line)."""
    return WHOLE_BASELINES_SECONDS_PER_LINE * len(scenario.demand_lines)


def whole_reason(
    scenario: Scenario, params: SolveParams, result: Result | None = None
) -> str | None:
    """Why a solve asked to go subdistrict by subdistrict was solved whole, if it was.

    Parameters
    ----------
    scenario, params
        The scenario and the solve's parameters.
    result
        The solve's result (None before the solve: only a scenario that cannot be
        split is known then).

    Returns
    -------
    str or None
        The untranslated catalogue text (with ``{setting}`` for how the caller asked):
        :data:`planner.wording.NOT_SPLITTABLE` for ``decompose: yes`` on a scenario
        that cannot be split, :data:`planner.wording.PINS_SOLVED_WHOLE` for one that
        can but whose result has no parts (the fallback broke a pin, or pins of two
        subdistricts need a shared unit in the same weeks); None when ``decompose`` is
        not ``yes`` or the solve was split (or, without a result, may be).
    """
    if params.decompose != "yes":
        return None
    if not splittable(scenario):
        return wording.NOT_SPLITTABLE
    if result is not None and not result.parts:
        return wording.PINS_SOLVED_WHOLE
    return None


def solve_part(task: PartTask, stop: threading.Event | None = None) -> Result:
    """Solve one part (what a runner runs, here or on a Dask worker)."""
    from planner.solver import solve  # the solver where the part is solved

    return solve(task.scenario, task.params, stop=stop, guide=task.guide)


def run_in_turn(
    tasks: Sequence[PartTask], stop: threading.Event | None, deadline: float
) -> Iterator[tuple[int, Result]]:
    """Solve the parts one after another in this process.

    Each part gets an equal share of the time left when it starts (so time a part
    does not use goes to the next), at least what its size needs
    (:func:`part_seconds`) while that much is left, and the solve's stop.
    """
    for k, task in enumerate(tasks):
        if stop is not None and stop.is_set():
            return
        left = deadline - time.perf_counter()
        if left <= PART_OVERRUN:  # it would end past the deadline whatever its limit
            return
        need = min(
            part_seconds(task.scenario) if task.guide is not None else 0.0, left - PART_OVERRUN
        )
        share = max(left / (len(tasks) - k) - PART_OVERRUN, need)
        params = dataclasses.replace(task.params, time_limit=max(share, 0.001))
        yield task.index, solve_part(dataclasses.replace(task, params=params), stop)


def solve_by_parts(
    scenario: Scenario,
    params: SolveParams | None = None,
    *,
    on_progress: Callable[[Progress], None] | None = None,
    stop: threading.Event | None = None,
    deadline: float | None = None,
    runner: Runner | None = None,
    slots: int = 1,
) -> Result:
    """Plan a scenario of several subdistricts one subdistrict at a time.

    Parameters
    ----------
    scenario
        A validated scenario with two subdistricts or more (:func:`splittable`).
    params
        The solve's parameters; the time limit covers everything (planning the whole
        scenario's baselines, the parts, putting them together and checking). The
        shared step gives up at the limit (:func:`_shared_step`).
    on_progress
        Called as the baselines begin (stage ``baselines``), as the parts begin and
        after a part ends (stage ``parts``, at most every :data:`PROGRESS_SECONDS`, and
        once more when the count of parts done has changed since), with how many
        parts are done (``Progress.parts_done`` of ``Progress.parts``) and the plan so
        far: the parts solved, the fallback's deliveries for the rest (as the parts
        begin, the whole fallback's; none yet in a split by weeks, whose parts plan
        their own).
    stop
        An event that ends the solve early: parts not yet solved keep the fallback's
        deliveries. Set while the whole scenario's baselines are planned or the split
        is made (the shared step), it ends the solve there, without a plan.
    deadline
        A ``time.perf_counter()`` value by which the solve must return, if sooner than
        the time limit.
    runner
        Runs the part tasks (:data:`Runner`): by default :func:`run_in_turn`;
        ``planner.sweep.parts.dask_parts`` gives one that runs them on a Dask cluster.
    slots
        How many parts the runner solves at once: each task's time limit is the time
        left × ``slots`` / parts, or what its size needs (:func:`part_seconds`) when
        more, within the time left; then the parts with the most unmet demand go
        first (the in-turn runner shares the time out itself, likewise).

    Returns
    -------
    Result
        ``feasible`` with the plan of all parts together, its objective and terms as
        :func:`planner.score.score_plan` counts them for the whole scenario, the
        whole scenario's bound (:func:`whole_bound`; None when a part's LP was not
        solved) and its gap, and one :class:`~planner.result.PartReport` per part.
        ``no_solution`` (stop reason ``stopped`` or ``time_limit``, no part run) when
        the shared step gave up.
    """
    params = params or SolveParams()
    if params.decompose not in DECOMPOSE:
        raise ValueError(f"decompose: one of {', '.join(DECOMPOSE)}, not {params.decompose!r}")
    began = time.perf_counter()
    end = began + params.time_limit
    if deadline is not None:
        end = min(end, deadline)

    def report(
        stage: str,
        objective: float | None = None,
        plan: Plan | None = None,
        parts: tuple[int, int] | None = None,
    ) -> None:
        if on_progress is None:
            return
        coverage = minimum = None
        if plan is not None:
            from planner.kpis import compute_kpis

            kpis = compute_kpis(scenario, plan, distances, reasons=False)
            coverage, minimum = kpis.coverage, kpis.min_coverage
        done, total = parts if parts is not None else (None, None)
        elapsed = time.perf_counter() - began
        on_progress(Progress(stage, elapsed, objective, None, coverage, minimum, done, total))

    report("baselines")
    shared = _shared_step(scenario, params, stop, began, end)
    if isinstance(shared, Result):
        return shared
    distances, setup = shared
    if setup is None:
        from planner.solver import solve as solve_whole

        left = max(0.001, end - time.perf_counter())
        whole = dataclasses.replace(params, time_limit=left)
        return solve_whole(scenario, whole, on_progress=on_progress, stop=stop)
    parts, scorer = setup.parts, setup.scorer
    results: dict[int, Result] = {}
    reported, reported_done, report_cost = -math.inf, -1, 0.0

    def report_parts() -> None:
        nonlocal reported, reported_done, report_cost
        began_report = time.perf_counter()
        count = (len(results), len(parts))
        if not results and setup.whole_fallback is None and not setup.fills:
            report("parts", parts=count)  # a split by weeks: no plan before its parts
        else:
            plan = _together(scenario, parts, results, setup.fallback(results))
            report("parts", scorer.score(plan).total, plan, count)
        reported, reported_done = time.perf_counter(), len(results)
        report_cost = reported - began_report

    if on_progress is not None:
        report_parts()  # before the parts' shares are worked out: it takes about a second
        reported = -math.inf  # the first part's end is reported at once
    tasks = []
    # Parts run in waves of `slots`: each gets the time left over the waves, less what a
    # solve takes beyond its limit (joining its threads, the HiGHS child), and at least
    # what a part of its size needs (part_seconds), within the time left. When some need
    # more than the share, the parts with the most unmet demand go first, and those not
    # reached by the deadline keep the fallback's deliveries.
    # The parts end early enough for the plan to be put together, scored and checked.
    parts_end = end - ASSEMBLE_SECONDS_PER_LINE * len(scenario.demand_lines)
    left = max(0.0, parts_end - time.perf_counter())
    share = left / math.ceil(len(parts) / max(1, slots)) - PART_OVERRUN
    # Only with the whole's fallback: a part not reached keeps its share of it (split by
    # weeks, such a part would be left to a fill, or without deliveries).
    needs = [
        part_seconds(part.scenario) if setup.whole_fallback is not None else 0.0 for part in parts
    ]
    order = list(range(len(parts)))
    if any(need > share for need in needs):
        unmet = _unmet_points(scenario, parts, setup.whole_fallback, scorer.attainable)
        order.sort(key=lambda k: -unmet[k])
    until = time.time() + (parts_end - time.perf_counter())
    for k in order:
        part = parts[k]
        limit = max(min(max(share, needs[k]), left - PART_OVERRUN), 0.001)
        task_params = dataclasses.replace(params, time_limit=limit, decompose="no")
        tasks.append(PartTask(k, part.area, part.scenario, task_params, setup.guides[k], until))
    run = runner or run_in_turn
    for index, result in run(tasks, stop, parts_end):
        results[index] = result
        if result.status == SolveStatus.INFEASIBLE:
            # Only pins can make a part infeasible (the fallback restricted to the
            # part keeps its share, and pinned weeks go to the pin's part): the whole
            # scenario is infeasible too.
            return dataclasses.replace(
                result,
                message=_("{area}: {message}").format(
                    area=parts[index].area, message=result.message
                ),
                wall_seconds=time.perf_counter() - began,
                parts=_reports(parts, results),
            )
        # The plan so far is put together, scored and measured for a report: at most
        # every PROGRESS_SECONDS, and PROGRESS_COST_RATIO times as long as the last
        # report took (5 s at city scale), and after the last part.
        wait = max(PROGRESS_SECONDS, PROGRESS_COST_RATIO * report_cost)
        due = time.perf_counter() - reported >= wait or len(results) == len(parts)
        if on_progress is not None and due:
            report_parts()
    # A stop counts when it cut the parts short (a part stopped, or not run); one that
    # comes after every part had ended on its own leaves the solve as it would end.
    cut_short = (
        stop is not None
        and stop.is_set()
        and (
            len(results) < len(parts)
            or any(r.stop_reason == StopReason.STOPPED for r in results.values())
        )
    )
    # After a stop the grace counts from now: the caller wants the plan so far soon.
    now = time.perf_counter()
    filled = len(setup.fills)
    _fill(
        setup,
        results,
        (now if stop is not None and stop.is_set() else max(now, end)) + FILL_SECONDS,
    )
    if on_progress is not None and (reported_done != len(results) or len(setup.fills) > filled):
        # Parts that never ran, a report held back, or the fills: the plan as it ends.
        report_parts()
    fallback = setup.fallback(results)
    plan = _together(scenario, parts, results, fallback)
    problems = [str(v) for v in check_plan(scenario, plan)]
    if setup.guarantees is not None:
        problems += setup.guarantees.problems(plan)
    used_fallback = bool(problems)
    if used_fallback:
        plan = fallback
        if check_plan(scenario, fallback):
            # Parts without a plan of their own left pins or rules unkept: no plan.
            return _without_plan(
                began,
                wording.no_plan_text(params.time_limit),
                StopReason.STOPPED if cut_short else StopReason.TIME_LIMIT,
                _reports(parts, results),
            )
    score = scorer.score(plan)
    objective = score.total
    bound = None
    if setup.allotments is not None:
        bound = whole_bound(scenario, parts, results, setup.allotments)
    gap = None if bound is None else relative_gap(objective, bound)
    missing = len(parts) - sum(1 for r in results.values() if r.plan is not None)
    if cut_short:
        stop_reason = StopReason.STOPPED
    elif gap is not None and gap <= params.relative_gap:
        stop_reason = StopReason.GAP_LIMIT
    elif missing or time.perf_counter() >= end - PART_OVERRUN:
        stop_reason = StopReason.TIME_LIMIT
    else:
        # Every part ended on its own gap or optimum; the whole is not known to be.
        stop_reason = StopReason.PARTS_DONE
    message = wording.parts_text(
        len(parts),
        missing,
        wording.outcome_text(
            stop_reason.value,
            gap,
            time_limit=params.time_limit,
            stopped_at=None,
            # No subdistrict found better than the whole fallback: say whose plan it is
            # (the same deliveries, the copies of a set kind perhaps given anew).
            fallback=setup.whole_fallback is not None
            and all(_kept_fallback(r) for r in results.values()),
            baseline_name=setup.fallback_name,
            passed_over=setup.passed_over,
        ),
        baseline_kept=setup.whole_fallback is not None,
        empty=len(setup.planless(results)),
    )
    if used_fallback:
        message = wording.parts_fallback_text(setup.fallback_name)
    return Result(
        status=SolveStatus.FEASIBLE,
        objective=objective,
        best_bound=bound,
        gap=gap,
        wall_seconds=time.perf_counter() - began,
        plan=plan,
        terms=_terms(score, results.values()),
        message=message,
        stop_reason=stop_reason,
        baseline_objective=scorer.score(fallback).total,
        baseline_plan=fallback,
        parts=_reports(parts, results),
    )


def _shared_step(
    scenario: Scenario,
    params: SolveParams,
    stop: threading.Event | None,
    began: float,
    end: float,
) -> tuple[Distances, _Setup | None] | Result:
    """The split's shared step (steps 1 and 2 of the module's docstring), bounded.

    The distances, and the whole scenario's baselines and allotments or the split by
    weeks (:func:`_with_whole_baselines`, :func:`_by_weeks`): Python that knows no clock
    (a city's whole baselines take minutes), so it runs in a helper thread that gives up
    at ``end`` or on a ``stop`` (:func:`planner.solver.bounded.run_bounded`), as a solve
    of the whole model builds its model.

    Returns
    -------
    tuple or Result
        The distances and the split (None: the scenario is to be solved whole), or,
        when the step gave up, the solve's result: ``no_solution`` without a plan, with
        stop reason ``stopped`` or ``time_limit`` and a message that says which.
    """

    def step() -> tuple[Distances, _Setup | None]:
        distances = Distances(scenario)
        setup = None
        if not plans_whole_baselines(scenario, end - time.perf_counter()):
            setup = _by_weeks(scenario, distances)
        if setup is None:
            setup = _with_whole_baselines(scenario, distances)
        return distances, setup

    control = SolveControl(params, stop=stop, deadline=end)
    time_left = not control.expired
    try:
        done, shared = run_bounded(step, control, "split-shared-step")
    finally:
        control.close()  # the step's thread has ended when this returns
    if done and shared is not None:
        return shared
    stopped_at = control.stopped_at
    if stopped_at is not None:
        # Seconds into the solve (the control's clock started a little later).
        message = wording.stopped_while_splitting_text(stopped_at + control.start - began)
        reason = StopReason.STOPPED
    else:
        message = wording.split_over_limit_text(params.time_limit)
        if not time_left:
            message = wording.no_time_to_split_text(params.time_limit)
        reason = StopReason.TIME_LIMIT
    return _without_plan(began, message, reason, _none_ran(scenario))


def _without_plan(
    began: float, message: str, reason: StopReason, parts: tuple[PartReport, ...]
) -> Result:
    """A split solve's result without a plan (``no_solution``), with its parts' reports."""
    return Result(
        status=SolveStatus.NO_SOLUTION,
        objective=None,
        best_bound=None,
        gap=None,
        wall_seconds=time.perf_counter() - began,
        plan=None,
        message=message,
        stop_reason=reason,
        parts=parts,
    )


def _none_ran(scenario: Scenario) -> tuple[PartReport, ...]:
    """One report per subdistrict, none run: the reports of a split whose shared step
    gave up (so that the result says it was split, and no part was solved)."""
    out = []
    for area, committees in subdistricts(scenario).items():
        listed = scenario.subdistrict_by_name.get(area)
        out.append(
            PartReport(
                area=area,
                committees=len(committees),
                status=SolveStatus.NO_SOLUTION,
                stop_reason=None,
                objective=None,
                bound=None,
                seconds=0.0,
                ran=False,
                subdistrict_id=None if listed is None else listed.id,
            )
        )
    return tuple(out)


@dataclass
class _Setup:
    """The parts of a split and what goes with them.

    ``guides`` has one entry per part (None: the part plans its own baselines);
    ``guarantees`` and ``allotments`` are None when the whole scenario's baselines were
    not planned (a split by weeks). :meth:`fallback` is the whole scenario's fallback
    plan: the whole's better baseline, or the parts' own fallbacks together, with the
    spreadsheet plans ``fills`` (:func:`_fill`) of the parts whose solves gave none.
    """

    parts: list[Part]
    guides: list[PartGuide | None]
    scorer: Scorer
    fallback_name: str
    whole_fallback: Plan | None = None
    guarantees: Guarantees | None = None
    allotments: dict[str, Allotment] | None = None
    passed_over: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    fills: dict[int, Plan] = dataclasses.field(default_factory=dict)

    def fallback(self, results: dict[int, Result]) -> Plan:
        """The fallback plan of the whole scenario (see the class's docstring)."""
        if self.whole_fallback is not None:
            return self.whole_fallback
        deliveries: list[Delivery] = []
        for k in range(len(self.parts)):
            result = results.get(k)
            if result is not None and result.baseline_plan is not None:
                deliveries.extend(result.baseline_plan)
            elif k in self.fills:
                deliveries.extend(self.fills[k])
        return Plan.of(deliveries)

    def planless(self, results: dict[int, Result]) -> list[int]:
        """The parts with no plan at all: no result, or neither a plan nor a fallback
        of their own, and no fill (always none when the whole's fallback stands in)."""
        if self.whole_fallback is not None:
            return []
        return [
            k
            for k in range(len(self.parts))
            if k not in self.fills
            and (
                (result := results.get(k)) is None
                or (result.plan is None and result.baseline_plan is None)
            )
        ]


def _fill(setup: _Setup, results: dict[int, Result], until: float) -> None:
    """Plan the spreadsheet baseline of each part with no plan at all, until ``until``.

    Each is planned on the part's own scenario, within its share of the shared units, as
    the part's own solve would have planned it; the whole plan is checked afterwards.
    """
    from planner.baseline import plan_baseline

    for k in setup.planless(results):
        if time.perf_counter() >= until:
            return
        setup.fills[k] = plan_baseline(setup.parts[k].scenario)


def _with_whole_baselines(scenario: Scenario, distances: Distances) -> _Setup | None:
    """The split of a district: the whole scenario's baselines, floors and fallback; the
    shared capacity allotted from the fallback (:func:`planner.decompose.allot.allot`).

    None when the fallback breaks a rule (pins it cannot keep): then the scenario is
    solved whole, which says which pins conflict.
    """
    lister = options_lister(scenario)
    options = {line.id: lister(line) for line in scenario.demand_lines}
    baselines = plan_baselines(scenario, options, distances)
    scorer = Scorer(scenario, distances, {lid for lid, found in options.items() if found})
    guarantees = Guarantees(scorer)
    fallback_name, fallback, passed_over = _fallback(scenario, baselines, guarantees)
    if check_plan(scenario, fallback):
        # Pins the baselines cannot keep (the whole model names their conflict):
        # the allotments, made from the fallback, would keep nothing.
        return None
    parts = split_scenario(scenario)
    part_of = {c: p.area for p in parts for c in p.committees}
    allotments = allot(scenario, part_of, options, fallback)
    served = guarantees.baseline_served
    guides: list[PartGuide | None] = []
    by_part = {name: _by_part(plan, parts) for name, plan in baselines.plans.items()}
    for k, part in enumerate(parts):
        guides.append(
            PartGuide(
                allotment=allotments[part.area],
                plans={name: plans[k] for name, plans in by_part.items()},
                best=fallback_name,
                floor=guarantees.baseline_floor,
                # No floors in the whole (its spreadsheet plan is refused): none here.
                served={}
                if served is None
                else {c: x for c, x in served.items() if c in part.committees},
            )
        )
    return _Setup(
        parts, guides, scorer, fallback_name, fallback, guarantees, allotments, passed_over
    )


def _by_weeks(scenario: Scenario, distances: Distances) -> _Setup | None:
    """The split of a city: shared units by whole weeks in the parts' own scenarios
    (:func:`planner.decompose.split.week_shares`), each part with its own baselines.

    Planning the whole scenario's baselines would list every option of every line
    (8.3 million for a city, minutes); here each part lists its own. The lines some
    option can serve in the whole scenario (for its score) are found part by part on
    the parts before their shares. None when pins of two subdistricts need a shared
    unit in the same weeks (the split by weeks cannot keep both).
    """
    whole_parts = split_scenario(scenario)
    attainable = {
        line.id
        for part in whole_parts
        for line in part.scenario.demand_lines
        if line_blocker(part.scenario, line) is None
    }
    try:
        parts = split_scenario(scenario, by_weeks=True)
    except PinsAcrossParts:
        return None
    scorer = Scorer(scenario, distances, attainable)
    return _Setup(parts, [None] * len(parts), scorer, "spreadsheet")


def whole_bound(
    scenario: Scenario,
    parts: Sequence[Part],
    results: dict[int, Result],
    allotments: dict[str, Allotment],
) -> float | None:
    """A proven bound on the whole scenario's objective from the parts' LPs, or None.

    Each part's LP at its allotment ``a_p`` has a value ``v_p`` and prices ``y_p`` of
    its allotment rows. By LP duality, at any other allotment ``a'`` the part's LP is
    worth at most ``v_p + y_p · (a' − a_p)`` (the duals stay feasible when only the
    right-hand sides change). The whole scenario's LP relaxation is the best split
    ``a'`` of the shared capacity, so it is worth at most
    ``Σ_p (v_p − y_p · a_p) + Σ_k cap_k × max(0, max_p y_pk)``: each capacity goes
    whole to the part that prices it highest. The parts' objectives add up to at
    least the whole's (:func:`planner.decompose.split.part_objective`), up to the
    rounding of coverage points to the model's resolution, which is added, as are the
    LPs' tolerances (``lp_allowance``). A row a part did not need (its allotment was
    the whole capacity) has price 0 there.

    None unless every part's primary stage solved its LP, and the objective has only
    a primary stage (no fairness-first stage, no leximin rounds, no secondary goals:
    their levels would be kept in a part's LP, which no longer bounds the whole).
    """
    objective = scenario.objective
    if (
        objective.fairness_mode != "weighted"
        or (objective.fairness_first and objective.fairness > 0)
        or objective.spread
        or objective.variety
    ):
        return None
    capacity = _capacities(scenario, allotments)
    total = _coverage_rounding(scenario, parts)
    best: dict[str, float] = defaultdict(float)
    for k, part in enumerate(parts):
        result = results.get(k)
        size = None if result is None else result.model_size
        if size is not None and size.num_options == 0:
            continue  # nothing can be delivered there: it adds nothing
        primary = None if result is None else result.stage("primary")
        if primary is None or primary.lp_value is None or primary.lp_prices is None:
            return None
        amounts = _amounts(allotments[part.area])
        total += primary.lp_value + primary.lp_allowance
        for key, price in primary.lp_prices.items():
            total -= price * amounts[key]
            best[key] = max(best[key], price)
    total += sum(capacity[key] * price for key, price in best.items() if price > 0)
    return total


def _amounts(allotment: Allotment) -> dict[str, int]:
    """An allotment by row key."""
    out = {row_key("unit", u, w): n for (u, w), n in allotment.unit_weeks.items()}
    out.update({row_key("season", u): n for u, n in allotment.unit_season.items()})
    out.update({row_key("van", week=w): n for w, n in allotment.van_weeks.items()})
    return out


def _capacities(scenario: Scenario, allotments: dict[str, Allotment]) -> dict[str, int]:
    """The whole capacity of every allotment row's key."""
    units = scenario.resource_units
    out: dict[str, int] = {}
    for allotment in allotments.values():
        for unit_id, week in allotment.unit_weeks:
            out[row_key("unit", unit_id, week)] = units[unit_id].capacity
        for unit_id in allotment.unit_season:
            out[row_key("season", unit_id)] = units[unit_id].season_max or 0
        for week in allotment.van_weeks:
            out[row_key("van", week=week)] = scenario.resources.van.moves_per_week
    return out


def _coverage_rounding(scenario: Scenario, parts: Sequence[Part]) -> float:
    """The most the whole's coverage points can exceed the parts' (in points).

    The model rounds each delivery's points to 1/SCALE; a line's points, worked out
    from the part's weight and population, may round one unit lower than the whole's.
    """
    whole = coverage_points(scenario)
    extra = 0
    for part in parts:
        mine = coverage_points(part.scenario)
        for line in part.scenario.demand_lines:
            short = round(whole[line.id] * SCALE) - round(mine[line.id] * SCALE)
            extra += max(0, short) * line.demand.count
    return extra / SCALE


def _fallback(
    scenario: Scenario, baselines: Baselines, guarantees: Guarantees
) -> tuple[str, Plan, list[tuple[str, str]]]:
    """The baseline the whole scenario falls back on: the one with more points that
    meets the guarantees (the spreadsheet's, which meets its own, otherwise), as a
    solve of the whole model chooses, and the baselines with more points passed over,
    each with the guarantee it breaks (as the whole model's result names them). The
    caller checks it keeps every rule (pins can make a baseline break one)."""
    passed_over: list[tuple[str, str]] = []
    for name in sorted(BASELINE_NAMES, key=lambda name: name != baselines.best):
        plan = baselines.plans[name]
        reasons = guarantees.broken(plan)
        if not reasons:
            return name, plan, passed_over
        passed_over.append((name, reasons[0]))
    return "spreadsheet", baselines.plans["spreadsheet"], []


def _kept_fallback(result: Result) -> bool:
    """Whether a part's solve kept its fallback's deliveries (no plan, or none better)."""
    if result.plan is None or result.objective is None:
        return True
    return result.baseline_objective is not None and result.objective <= (
        result.baseline_objective + 1e-6
    )


def part_seconds(scenario: Scenario) -> float:
    """About how long a part's solve needs to find a plan better than its share of the
    fallback: :data:`PART_SECONDS` at :data:`PART_SECONDS_SIZE` demand lines × weeks,
    growing with the square of the size (a guess fitted to one size: see
    docs/solving.md)."""
    size = len(scenario.demand_lines) * scenario.season.weeks
    return PART_SECONDS * (size / PART_SECONDS_SIZE) ** 2


def _unmet_points(
    scenario: Scenario, parts: Sequence[Part], plan: Plan | None, attainable: Iterable[str]
) -> list[float]:
    """Each part's coverage points of the ``attainable`` demand ``plan`` leaves unmet
    (all of it without a plan): how much a solve of the part might gain, before it is
    solved (a line no option can serve gains nothing)."""
    can = set(attainable)
    delivered: dict[str, int] = defaultdict(int)
    for d in plan or ():
        delivered[d.demand_id] += 1
    points = coverage_points(scenario)
    index = {c: k for k, part in enumerate(parts) for c in part.committees}
    out = [0.0] * len(parts)
    for line in scenario.demand_lines:
        k = index.get(line.committee)
        if k is not None and line.id in can:
            out[k] += max(0, line.demand.count - delivered[line.id]) * points[line.id]
    return out


def _by_part(plan: Plan, parts: Sequence[Part]) -> list[Plan]:
    """A plan's deliveries to each part's committees, in the parts' order (one pass
    over the plan: a city's 200 parts would each look at its 60,000 deliveries)."""
    index = {c: k for k, part in enumerate(parts) for c in part.committees}
    groups: list[list[Delivery]] = [[] for _ in parts]
    for d in plan:
        k = index.get(d.committee_id)
        if k is not None:
            groups[k].append(d)
    return [Plan.of(group) for group in groups]


def _together(
    scenario: Scenario, parts: Sequence[Part], results: dict[int, Result], fallback: Plan
) -> Plan:
    """The parts' plans as one plan (the fallback's deliveries for a part without a plan),
    with the copies of set kinds used in several parts given again."""
    deliveries: list[Delivery] = []
    rest: list[Plan] | None = None  # the fallback by part, once a part needs it
    for k in range(len(parts)):
        result = results.get(k)
        if result is not None and result.plan is not None:
            deliveries.extend(result.plan)
            continue
        rest = rest if rest is not None else _by_part(fallback, parts)
        deliveries.extend(rest[k])
    return Plan.of(_recoloured(scenario, deliveries, parts))


def _recoloured(
    scenario: Scenario, deliveries: Iterable[Delivery], parts: Sequence[Part]
) -> list[Delivery]:
    """Give the stays of a set kind delivered in several parts their copies again.

    Each part gave its stays copies of its own; together two parts may put one copy at
    two sites in a week. The allotments keep every week's stays of a kind within its
    copies, so colouring the kind's stays over the whole season again always succeeds
    (:func:`planner.solver.extract.colour_stays`). A kind with a pin on one copy is
    left as it is (its pinned copy is its own; the validator has the last word).
    """
    part_of = {c: p.area for p in parts for c in p.committees}
    copies = scenario.unit_of_copy
    stays: dict[str, list[Delivery]] = defaultdict(list)
    out: list[Delivery] = []
    for d in deliveries:
        unit_id = copies.get(d.resource_id)
        if unit_id is None or d.product not in STAY_PRODUCTS:
            out.append(d)
        else:
            stays[unit_id].append(d)
    # A pin on one copy (not on the kind) fixes that copy: such a kind is left as the
    # parts gave it (the validator has the last word).
    pinned = {
        copies[p.resource]
        for p in scenario.pins
        if p.resource in copies and p.resource != copies[p.resource]
    }
    for unit_id, group in stays.items():
        if unit_id in pinned or len({part_of[d.committee_id] for d in group}) < 2:
            out.extend(group)
            continue
        try:
            colour = colour_stays(
                [(k, d.weeks) for k, d in enumerate(group)], scenario.copy_ids(unit_id)
            )
        except RuntimeError:  # more stays than copies in a week: the validator says so
            out.extend(group)
            continue
        out.extend(dataclasses.replace(d, resource_id=colour[k]) for k, d in enumerate(group))
    return out


def _reports(parts: Sequence[Part], results: dict[int, Result]) -> tuple[PartReport, ...]:
    """One report per part, in split order."""
    out = []
    for k, part in enumerate(parts):
        r = results.get(k)
        out.append(
            PartReport(
                area=part.area,
                committees=len(part.committees),
                status=r.status if r is not None else SolveStatus.NO_SOLUTION,
                stop_reason=r.stop_reason if r is not None else None,
                objective=r.objective if r is not None else None,
                bound=r.best_bound if r is not None else None,
                seconds=r.wall_seconds if r is not None else 0.0,
                ran=r is not None,
                subdistrict_id=part.subdistrict_id,
            )
        )
    return tuple(out)


def _terms(score: PlanScore, results: Iterable[Result]) -> tuple[Term, ...]:
    """The whole plan's named terms, described as the parts' solves describe them."""
    described = {t.name: t.description for r in results for t in r.terms}
    return tuple(
        Term(t.name, round(t.points, 6), described.get(t.name, t.name)) for t in score.terms
    )
