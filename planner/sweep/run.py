"""Run a sweep: every variant solved, on Dask workers or one after another.

Variants travel to the workers as scenario *data* (plain mappings), never as models:
a CP-SAT model does not pickle, and the data is smaller. Each worker validates the data,
builds the model and solves it with as many CP-SAT workers as it has threads
(``distributed.get_worker().state.nthreads``), checks the plan with the solver-free
validator and measures its KPIs; only plain results (and the plan) come back.

By default :func:`run_sweep` starts a :class:`distributed.LocalCluster` of worker
processes on the loopback interface (one thread each, so one CP-SAT worker per solve),
and closes it afterwards; given a scheduler address (``tcp://HOST:8786``) it uses that
cluster, whose workers must be able to import this package. ``local=True`` solves the
variants one after another in this process, without Dask.

With one CP-SAT worker and a fixed seed, a solve that ends on its gap or optimum
before a time limit cuts it is deterministic, so a sweep on a cluster gives the same
results as a serial run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from planner.io.scenario_yaml import scenario_from_dict
from planner.kpis import compute_kpis
from planner.params import SolveParams
from planner.plan import Plan
from planner.sweep.spec import SweepSpec, Variant
from planner.validate import check_plan

#: The KPIs a sweep's table shows, as :meth:`planner.kpis.Kpis.to_dict` names them.
KPI_KEYS = ("coverage", "min_coverage", "jain_index", "gini", "travel_km", "num_deliveries")


@dataclass(frozen=True)
class VariantResult:
    """The outcome of one variant's solve.

    Attributes
    ----------
    index, name, sample
        The variant's place in the sweep, its name and Monte Carlo sample (or None).
    status, stop_reason, message
        How the solve ended (:class:`planner.result.Result`'s values, as text).
    objective, best_bound, gap
        The plan's objective, the proven bound and their relative gap (None when
        missing).
    wall_seconds
        The solve's wall time, model building included (not compared: two runs of
        one variant are equal when all else is).
    threads
        The CP-SAT workers the solve used (the Dask worker's threads).
    kpis
        :data:`KPI_KEYS` of the plan (empty without a plan).
    violations
        The validator's findings on the plan, as text (empty: the plan keeps every hard
        rule; anything else is a bug).
    plan
        The plan (None without one).
    """

    index: int
    name: str
    sample: int | None
    status: str
    stop_reason: str | None
    message: str
    objective: float | None
    best_bound: float | None
    gap: float | None
    wall_seconds: float = field(compare=False)
    threads: int = 1
    kpis: dict[str, Any] = field(default_factory=dict)
    violations: tuple[str, ...] = ()
    plan: Plan | None = field(default=None, repr=False, compare=False)

    @property
    def validated(self) -> bool:
        """Whether there is a plan and the validator found nothing wrong with it."""
        return self.plan is not None and not self.violations

    def row(self) -> dict[str, Any]:
        """The result as one row of the sweep's table (no plan; KPIs as columns)."""
        return {
            "index": self.index,
            "name": self.name,
            "sample": self.sample,
            "status": self.status,
            "stop_reason": self.stop_reason,
            "objective": _rounded(self.objective),
            "best_bound": _rounded(self.best_bound),
            "gap": _rounded(self.gap, 6),
            **{key: self.kpis.get(key) for key in KPI_KEYS},
            "validated": self.validated,
            "violations": len(self.violations),
            "wall_seconds": round(self.wall_seconds, 3),
            "threads": self.threads,
        }


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def solve_variant(
    index: int,
    name: str,
    sample: int | None,
    data: dict[str, Any],
    params: SolveParams,
    threads: int,
) -> VariantResult:
    """Validate one variant's scenario data, solve it, check and measure the plan.

    This is what each Dask worker runs (and what a serial run runs in turn).

    Parameters
    ----------
    index, name, sample
        The variant's place, name and Monte Carlo sample, passed through.
    data
        The variant's scenario data.
    params
        Solve parameters; ``workers`` is replaced by ``threads``.
    threads
        CP-SAT workers for this solve.

    Returns
    -------
    VariantResult
        The outcome, with the plan.
    """
    from planner.solver import solve  # the solver only where a solve runs

    started = time.perf_counter()
    scenario = scenario_from_dict(data, name)
    result = solve(scenario, replace(params, workers=threads))
    kpis: dict[str, Any] = {}
    violations: tuple[str, ...] = ()
    if result.plan is not None:
        summary = compute_kpis(scenario, result.plan).to_dict()
        kpis = {key: summary[key] for key in KPI_KEYS}
        violations = tuple(str(v) for v in check_plan(scenario, result.plan))
    return VariantResult(
        index=index,
        name=name,
        sample=sample,
        status=str(result.status.value),
        stop_reason=None if result.stop_reason is None else str(result.stop_reason.value),
        message=result.message,
        objective=result.objective,
        best_bound=result.best_bound,
        gap=result.gap,
        wall_seconds=time.perf_counter() - started,
        threads=threads,
        kpis=kpis,
        violations=violations,
        plan=result.plan,
    )


def _on_dask_worker(
    index: int, name: str, sample: int | None, data: dict[str, Any], params: SolveParams
) -> VariantResult:
    """Solve one variant on the Dask worker this runs on, with all its threads."""
    from distributed import get_worker

    threads = max(1, int(get_worker().state.nthreads))
    return solve_variant(index, name, sample, data, params, threads)


#: Called after each variant: (variants done, variants in all, the result).
OnDone = Callable[[int, int, VariantResult], None]


def run_sweep(
    spec: SweepSpec,
    *,
    scheduler: str | None = None,
    n_workers: int | None = None,
    on_done: OnDone | None = None,
    local: bool = False,
    threads: int = 1,
) -> list[VariantResult]:
    """Solve every variant of a sweep; return the results in the sweep's order.

    Parameters
    ----------
    spec
        The sweep (:func:`planner.sweep.read_spec`).
    scheduler
        The address of a running Dask scheduler (``tcp://HOST:8786``); None starts a
        :class:`distributed.LocalCluster` for the sweep.
    n_workers
        Worker processes of the local cluster (one thread each); None: Dask's choice
        (the machine's cores). Ignored with ``scheduler``.
    on_done
        Called in this process after each variant, in the order they finish.
    local
        Solve one after another in this process, without Dask.
    threads
        CP-SAT workers per solve of a serial run (Dask workers use their threads).

    Returns
    -------
    list of VariantResult
        One per variant, in the order of ``spec.variants``.
    """
    total = len(spec.variants)
    results: list[VariantResult] = []
    if local:
        for v in spec.variants:
            r = solve_variant(v.index, v.name, v.sample, v.data, spec.params, threads)
            results.append(r)
            if on_done is not None:
                on_done(len(results), total, r)
        return results
    from distributed import Client, as_completed

    from planner.sweep.cluster import close_local, local_cluster

    cluster: Any = None
    client: Any = None
    if scheduler is None:
        cluster = local_cluster(n_workers)
    try:
        client = Client(cluster if cluster is not None else scheduler)
        futures = [_submit(client, v, spec.params) for v in spec.variants]
        for future in as_completed(futures):
            r = future.result()
            results.append(r)
            if on_done is not None:
                on_done(len(results), total, r)
    finally:
        if cluster is not None:
            close_local(cluster, client)  # quietly: see planner.sweep.cluster
        elif client is not None:
            client.close()
    return sorted(results, key=lambda r: r.index)


def _submit(client: Any, v: Variant, params: SolveParams) -> Any:
    # pure=False: two variants with equal data are still two solves.
    return client.submit(_on_dask_worker, v.index, v.name, v.sample, v.data, params, pure=False)
