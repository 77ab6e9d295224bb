"""One benchmark run, in a process of its own: ``python -m benchmarks.child SPEC OUT``.

``SPEC`` is a JSON file naming the job (``engine``: ``baselines``, ``cultplan``, ``highs``
or ``cpsat``), the tier, seed, time limit, gap and workers, and optionally
``robust_samples`` and ``uncertainty`` (a file; see :func:`robust_figures`); for
``cultplan`` also ``decompose`` (``auto``, ``yes`` or ``no``), ``dask_workers`` (its
parts on a local Dask cluster of that many worker processes, one thread each, started
here when the scenario is split) and ``part_time`` (with ``dask_workers``: every part's
own time limit, in place of its share of the run's). The run writes ``OUT`` (JSON)
after each step: once the search is over (``phase: solved``), again with the plan's
KPIs and the validator's findings (``phase: checked``), and again with the plan's
coverage over sampled seasons (``phase: done``), so that a run killed while checking or
evaluating its plan still leaves its search's figures. The baselines' job writes its
plans' figures (``phase: planned``), then their figures over sampled seasons (``phase:
done``). Times are seconds since the run began building (after the scenario was
generated, which ``generate_s`` times); a solve by parts on Dask begins with starting
the cluster. Checking and evaluating come after the search and are in no engine's time.
"""

from __future__ import annotations

import dataclasses
import json
import resource
import sys
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.instances import load
from planner.kpis import compute_kpis
from planner.params import Progress, SolveParams, relative_gap
from planner.plan import Plan
from planner.result import StopReason
from planner.robust import DEFAULT_SAMPLES, Uncertainty, evaluate_plan, read_uncertainty
from planner.scenario import Scenario
from planner.validate import check_plan

if TYPE_CHECKING:
    from planner.decompose import PartTask, Runner
    from planner.result import PartReport, Result

#: Engines a run may use.
ENGINES = ("cultplan", "highs", "cpsat")

Trace = list[tuple[float, float | None, float | None]]


def robust_figures(scenario: Scenario, plan: Plan, spec: dict[str, Any]) -> dict[str, float]:
    """A plan's expected and worst-decile coverage over the run's sampled seasons.

    Every plan of an instance meets the same seasons: ``spec["robust_samples"]`` of them
    (default :data:`planner.robust.DEFAULT_SAMPLES`, as ``cultplan robust``), drawn from
    the instance's seed ``spec["seed"]``, with the uncertainty of the file
    ``spec["uncertainty"]`` or, without one, ``planner.robust.Uncertainty()`` (the
    default of ``cultplan robust``: counts vary by a fifth, one delivery in twenty finds
    nobody).

    Parameters
    ----------
    scenario
        The instance.
    plan
        Any plan of it (an engine's or a baseline's).
    spec
        The run's spec.

    Returns
    -------
    dict
        ``expected_coverage`` and ``worst_decile_coverage`` (CVaR 10 %) of
        :func:`planner.robust.evaluate_plan`.
    """
    path = spec.get("uncertainty")
    uncertainty = read_uncertainty(path) if path else Uncertainty()
    kpis = evaluate_plan(
        scenario,
        plan,
        samples=int(spec.get("robust_samples") or DEFAULT_SAMPLES),
        seed=int(spec["seed"]),
        uncertainty=uncertainty,
    )
    return {
        "expected_coverage": kpis.expected_coverage,
        "worst_decile_coverage": kpis.worst_decile_coverage,
    }


def _peak_mib() -> float:
    """This process's peak resident memory so far (MiB; ``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write(path: Path, record: dict[str, Any]) -> None:
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def _run_cultplan(scenario: Scenario, spec: dict[str, Any], record: dict[str, Any]) -> Plan | None:
    """cultplan's solve: the whole model, or subdistrict by subdistrict (``decompose``),
    its parts in turn in this process or on a local Dask cluster (``dask_workers``)."""
    from planner.decompose import should_split

    params = SolveParams(
        time_limit=spec["time_limit"],
        seed=spec["seed"],
        workers=spec["workers"],
        relative_gap=spec["gap"],
        decompose=spec.get("decompose") or "auto",
    )
    record.update(parts=0, parts_with_plan=0)
    if should_split(scenario, params):
        return _run_parts(scenario, spec, params, record)
    from planner.solver import solve

    trace: Trace = []
    built_at: list[float] = []

    def progress(p: Progress) -> None:
        if p.stage == "baselines" and not built_at:
            built_at.append(p.elapsed)
        _trace(trace, p, 0.0)

    result = solve(scenario, params, on_progress=progress)
    build = built_at[0] if built_at else result.wall_seconds
    record.update(
        build_s=build,
        solve_s=result.wall_seconds - build,
        wall_s=result.wall_seconds,
    )
    _outcome(result, record)
    if result.model_size is not None:
        record.update(
            variables=result.model_size.num_variables,
            constraints=result.model_size.num_constraints,
            options=result.model_size.num_options,
        )
    return _finish_trace(result, trace, 0.0, record)


def _trace(trace: Trace, p: Progress, offset: float) -> None:
    """Add a progress report of a stage with a plan or a bound to the trace."""
    if p.stage in ("primary", "fairness", "secondary", "leximin") and (
        p.objective is not None or p.bound is not None
    ):
        point = (offset + p.elapsed, p.objective, p.bound)
        if not trace or trace[-1][1:] != point[1:]:
            trace.append(point)


def _outcome(result: Result, record: dict[str, Any]) -> None:
    """The solve's status, stop reason, objective, bound, gap and message."""
    record.update(
        status=result.status.value,
        stop_reason=result.stop_reason.value if result.stop_reason else "",
        objective=result.objective,
        bound=result.best_bound,
        gap=result.gap,
        message=result.message,
    )


def _finish_trace(
    result: Result, trace: Trace, offset: float, record: dict[str, Any]
) -> Plan | None:
    """End the trace with the plan returned; record it; the plan."""
    if result.objective is not None and result.plan is not None:
        trace.append((offset + result.wall_seconds, result.objective, result.best_bound))
    record["trace"] = trace
    return result.plan


def own_plan(result: Result) -> bool:
    """Whether a part's solve found a plan of its own, not only its fallback's.

    True when the part's plan scores above the part's fallback (the whole scenario's
    fallback plan restricted to the part; or that fallback was not completed into the
    part's model), or when its search proved its plan within the part's gap (stop
    reason ``proven`` or ``gap_limit``), which may be worth exactly the fallback's.
    False without a plan, or for the fallback's plan returned at the time limit.
    """
    if result.plan is None or result.objective is None:
        return False
    if result.stop_reason in (StopReason.PROVEN, StopReason.GAP_LIMIT):
        return True
    base = result.baseline_objective
    return base is None or result.objective > base + 1e-9


@dataclass
class PartsLog:
    """A runner of parts (:data:`planner.decompose.Runner`) around another that notes
    when the parts begin and end and keeps each part's result.

    With ``part_time`` every part gets that time limit instead of its share of the
    solve's time (for runners that keep a task's limit, as the Dask runner does).
    """

    inner: Runner
    part_time: float | None = None
    began: float | None = None
    ended: float | None = None
    results: dict[int, Result] = field(default_factory=dict)
    limits: dict[int, float] = field(default_factory=dict)

    def run(
        self, tasks: Sequence[PartTask], stop: threading.Event | None, deadline: float
    ) -> Iterator[tuple[int, Result]]:
        """Run ``tasks`` with the inner runner, noting the times and the results."""
        self.began = time.perf_counter()
        if self.part_time is not None:
            tasks = [
                dataclasses.replace(
                    t, params=dataclasses.replace(t.params, time_limit=self.part_time)
                )
                for t in tasks
            ]
        self.limits = {t.index: t.params.time_limit for t in tasks}
        for index, result in self.inner(tasks, stop, deadline):
            self.results[index] = result
            self.ended = time.perf_counter()
            yield index, result


@contextmanager
def _parts_runner(dask_workers: int | None) -> Iterator[tuple[Runner, int]]:
    """The parts' runner and slots: in turn in this process, or a local Dask cluster
    of ``dask_workers`` worker processes of one thread each (closed with the block)."""
    if not dask_workers:
        from planner.decompose import run_in_turn

        yield run_in_turn, 1
        return
    from planner.sweep.parts import dask_parts

    with dask_parts(n_workers=dask_workers) as (runner, slots):
        yield runner, slots


def _run_parts(
    scenario: Scenario, spec: dict[str, Any], params: SolveParams, record: dict[str, Any]
) -> Plan | None:
    """A solve by subdistrict. Times count from before the Dask cluster's start, which
    is part of the run's time limit (as in ``cultplan solve --dask-workers``); with
    ``part_time`` in the spec each part gets that time and the solve no deadline of
    its own beyond ``time_limit``."""
    from planner.decompose import solve_by_parts

    started = time.perf_counter()
    part_time = spec.get("part_time")
    dask_workers = spec.get("dask_workers") or None
    if part_time is not None and dask_workers is None:
        raise ValueError("part_time needs dask_workers: the in-turn runner shares the time out")
    with _parts_runner(dask_workers) as (runner, slots):
        began = time.perf_counter()
        offset = began - started
        log = PartsLog(runner, part_time)
        # No progress reports: each one puts the plan together and works out its KPIs
        # (seconds at district scale, in the time of the parts still to come).
        result = solve_by_parts(
            scenario,
            params,
            deadline=None if part_time is not None else started + params.time_limit,
            runner=log.run,
            slots=slots,
        )
    ended = began + result.wall_seconds
    parts_began = log.began if log.began is not None else ended
    parts_ended = log.ended if log.ended is not None else parts_began
    record.update(
        cluster_s=offset,
        slots=slots,
        shared_s=parts_began - began,
        parts_s=parts_ended - parts_began,
        assemble_s=ended - parts_ended,
        build_s=parts_began - started,
        solve_s=ended - parts_began,
        wall_s=ended - started,
        parts=len(result.parts),
        parts_with_plan=sum(own_plan(r) for r in log.results.values()),
        part_runs=[_part_run(log, k, report) for k, report in enumerate(result.parts)],
    )
    sizes = [r.model_size for r in log.results.values() if r.model_size is not None]
    if sizes and len(sizes) == len(result.parts):
        record.update(
            options=sum(s.num_options for s in sizes),
            variables=sum(s.num_variables for s in sizes),
            constraints=sum(s.num_constraints for s in sizes),
        )
    _outcome(result, record)
    return _finish_trace(result, [], offset, record)


def _part_run(log: PartsLog, index: int, report: PartReport) -> dict[str, Any]:
    """One part's figures for the record."""
    result = log.results.get(index)
    return {
        **report.to_dict(),
        "own_plan": result is not None and own_plan(result),
        "baseline_objective": None if result is None else result.baseline_objective,
        "time_limit": log.limits.get(index),
    }


def _run_peer(
    engine: str, scenario: Scenario, spec: dict[str, Any], record: dict[str, Any]
) -> Plan | None:
    from benchmarks.peers import model_violations, peer_model, solve_cpsat, solve_highs
    from planner.solver.extract import extract_plan
    from planner.solver.mip import NoRow, translate

    started = time.perf_counter()
    model = peer_model(scenario, seed=spec["seed"])
    proto = model.ctx.model.proto
    record.update(
        options=model.size.num_options,
        variables=model.size.num_variables,
        constraints=model.size.num_constraints,
    )
    scale = model.stage.scale
    if engine == "highs":
        try:
            mip = translate(model.ctx.model)
        except NoRow as error:
            record.update(
                status="error",
                message=f"untranslatable: {error}",
                build_s=time.perf_counter() - started,
            )
            return None
        record["mip_rows"] = mip.num_rows
    build = time.perf_counter() - started
    left = spec["time_limit"] - build
    record["build_s"] = build
    if left <= 0:
        record.update(
            status="no_solution",
            stop_reason="time_limit",
            wall_s=build,
            message="building took the whole time limit",
        )
        return None
    if engine == "highs":
        run = solve_highs(mip, left, spec["gap"])
    else:
        run = solve_cpsat(model.ctx.model, left, spec["gap"], spec["workers"], spec["seed"])

    def points(value: float | None) -> float | None:
        return None if value is None else value / scale

    objective, bound = points(run.objective), points(run.bound)
    record.update(
        solve_s=run.seconds,
        wall_s=time.perf_counter() - started,
        status=run.status,
        stop_reason=run.info,
        objective=objective,
        bound=bound,
        gap=None if objective is None or bound is None else relative_gap(objective, bound),
        trace=[(build + t, points(o), points(b)) for t, o, b in run.trace],
    )
    if run.values is None:
        return None
    broken = model_violations(proto, run.values)
    record["model_violations"] = broken
    if broken:
        record["message"] = f"the rounded solution breaks {broken} constraints of the model"
    return extract_plan(model.ctx, run.values)


def _baselines(scenario: Scenario, spec: dict[str, Any], record: dict[str, Any], out: Path) -> None:
    from planner.baseline import plan_baselines
    from planner.report import baselines_report

    started = time.perf_counter()
    report = baselines_report(scenario)
    plans = plan_baselines(scenario).plans
    record["wall_s"] = time.perf_counter() - started
    record["status"] = "done"
    for name, figures in report.items():
        violations = check_plan(scenario, plans[name])
        record[name] = {
            "objective": figures["objective"],
            "coverage": figures["coverage"],
            "min_coverage": figures["min_coverage"],
            "jain_index": figures["jain_index"],
            "gini": figures["gini"],
            "valid": not violations,
            "violations": [v.message for v in violations[:5]],
        }
    record["phase"] = "planned"
    _write(out, record)
    evaluated = time.perf_counter()
    for name in report:
        record[name].update(robust_figures(scenario, plans[name], spec))
    record["robust_s"] = time.perf_counter() - evaluated


def run(spec: dict[str, Any], out: Path) -> None:
    """Run the job of ``spec`` and write its record to ``out`` (see the module text)."""
    record: dict[str, Any] = {
        "engine": spec["engine"],
        "tier": spec["tier"],
        "seed": spec["seed"],
        "phase": "started",
    }
    started = time.perf_counter()
    scenario = load(spec["tier"], spec["seed"])
    record.update(
        generate_s=time.perf_counter() - started,
        committees=len(scenario.committees),
        demand_lines=len(scenario.demand_lines),
    )
    _write(out, record)
    if spec["engine"] == "baselines":
        _baselines(scenario, spec, record, out)
        record["phase"] = "done"
        _write(out, record)
        return
    if spec["engine"] == "cultplan":
        plan = _run_cultplan(scenario, spec, record)
    else:
        plan = _run_peer(spec["engine"], scenario, spec, record)
    record["phase"] = "solved"
    record["deliveries"] = None if plan is None else len(plan)
    _write(out, record)
    if plan is None:
        record["phase"] = "done"
        _write(out, record)
        return
    checked = time.perf_counter()
    violations = check_plan(scenario, plan)
    record["valid"] = not violations
    record["violations"] = [f"{v.rule}: {v.message}" for v in violations[:10]]
    record["violation_count"] = len(violations)
    record["validate_s"] = time.perf_counter() - checked
    kpis = compute_kpis(scenario, plan, reasons=False)
    record.update(
        coverage=kpis.coverage,
        min_coverage=kpis.min_coverage,
        jain_index=kpis.jain_index,
        gini=kpis.gini,
    )
    record["phase"] = "checked"
    record["peak_before_robust_mib"] = _peak_mib()
    _write(out, record)
    evaluated = time.perf_counter()
    record.update(robust_figures(scenario, plan, spec))
    record["robust_s"] = time.perf_counter() - evaluated
    record["phase"] = "done"
    _write(out, record)


def main(argv: list[str]) -> int:
    """Read the spec, run it, write the record; an exception is recorded, exit code 1."""
    spec_path, out = Path(argv[0]), Path(argv[1])
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    try:
        run(spec, out)
    except Exception:
        record: dict[str, Any] = {}
        if out.exists():
            record = json.loads(out.read_text(encoding="utf-8"))
        record.update(
            engine=spec["engine"],
            tier=spec["tier"],
            seed=spec["seed"],
            status="crash",
            message=traceback.format_exc(limit=4)[-2000:],
        )
        _write(out, record)
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
