"""One benchmark run, in a process of its own: ``python -m benchmarks.child SPEC OUT``.

``SPEC`` is a JSON file naming the job (``engine``: ``baselines``, ``cultplan``, ``highs``
or ``cpsat``), the tier, seed, time limit, gap and workers, and optionally
``robust_samples`` and ``uncertainty`` (a file; see :func:`robust_figures`). The run
writes ``OUT`` (JSON) after each step: once the search is over (``phase: solved``), again
with the plan's KPIs and the validator's findings (``phase: checked``), and again with the
plan's coverage over sampled seasons (``phase: done``), so that a run killed while
checking or evaluating its plan still leaves its search's figures. The baselines' job
writes its plans' figures (``phase: planned``), then their figures over sampled seasons
(``phase: done``). Times are seconds since the run began building (after the scenario
was generated, which ``generate_s`` times); checking and evaluating come after the
search and are in no engine's time.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks.instances import load
from planner.kpis import compute_kpis
from planner.params import Progress, SolveParams, relative_gap
from planner.plan import Plan
from planner.robust import DEFAULT_SAMPLES, Uncertainty, evaluate_plan, read_uncertainty
from planner.scenario import Scenario
from planner.validate import check_plan

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
    from planner import solve

    trace: Trace = []
    built_at: list[float] = []

    def progress(p: Progress) -> None:
        if p.stage == "baselines" and not built_at:
            built_at.append(p.elapsed)
        if p.stage in ("primary", "fairness", "secondary", "leximin") and (
            p.objective is not None or p.bound is not None
        ):
            point = (p.elapsed, p.objective, p.bound)
            if not trace or trace[-1][1:] != point[1:]:
                trace.append(point)

    params = SolveParams(
        time_limit=spec["time_limit"],
        seed=spec["seed"],
        workers=spec["workers"],
        relative_gap=spec["gap"],
    )
    result = solve(scenario, params, on_progress=progress)
    build = built_at[0] if built_at else result.wall_seconds
    record.update(
        build_s=build,
        solve_s=result.wall_seconds - build,
        wall_s=result.wall_seconds,
        status=result.status.value,
        stop_reason=result.stop_reason.value if result.stop_reason else "",
        objective=result.objective,
        bound=result.best_bound,
        gap=result.gap,
        message=result.message,
    )
    if result.model_size is not None:
        record.update(
            variables=result.model_size.num_variables,
            constraints=result.model_size.num_constraints,
            options=result.model_size.num_options,
        )
    if result.objective is not None and result.plan is not None:
        trace.append((result.wall_seconds, result.objective, result.best_bound))
    record["trace"] = trace
    return result.plan


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
