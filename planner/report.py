"""The report of a solve: the content of ``kpis.json``.

The command line writes it into the output folder, and the service returns it; both
build it here so that every report means the same thing. Every report checks its plan
with the solver-free validator: ``violations`` lists every broken hard rule, and a
non-empty list is a bug that no caller may write out.
"""

from __future__ import annotations

import hashlib
import math
import platform
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from planner.baseline import Baselines, plan_baselines
from planner.fairness import below_baseline
from planner.kpis import Kpis, compute_kpis
from planner.levels import level_kpis
from planner.network import Distances
from planner.params import SolveParams
from planner.plan import Plan
from planner.result import Result
from planner.scenario import Scenario
from planner.score import score_plan
from planner.score.terms import Scorer
from planner.validate import check_plan

#: The KPIs whose change against the better baseline a report states.
GAIN_KPIS: tuple[str, ...] = ("coverage", "min_coverage", "jain_index", "gini", "travel_km")
#: The significant digits a report's numbers are written with at most (KPIs are
#: rounded to 4 places before): enough for every figure's meaning, short of the binary
#: noise of a float sum (17 digits). Decimal places would write a gap of 1.45e-7 as 0.
REPORT_DIGITS = 12


def tidy_numbers(value: Any, digits: int = REPORT_DIGITS) -> Any:
    """Return ``value`` with every finite float rounded to ``digits`` significant digits.

    A figure such as an objective summed from its terms carries binary noise
    (``6889.0869999999995``); rounded, it is written as the decimal a planner reads
    (``6889.087``), and a tiny gap keeps its figure (``1.45e-07``). Mappings (as
    dicts) and sequences (as lists) are tidied through; other values, and infinities
    and NaN, are returned as they are. The values the program computes with are not
    changed: only the copy that is written is rounded.

    Parameters
    ----------
    value
        Plain data (what ``json.dumps`` takes).
    digits
        Significant digits to keep.

    Returns
    -------
    Any
        The same data with its floats rounded.
    """
    if isinstance(value, float):
        return float(f"{value:.{digits}g}") if math.isfinite(value) else value
    if isinstance(value, Mapping):
        return {k: tidy_numbers(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [tidy_numbers(v, digits) for v in value]
    return value


def kpis_of_baselines(
    scenario: Scenario, baselines: Baselines | None = None, distances: Distances | None = None
) -> dict[str, Kpis]:
    """Each baseline's KPIs, as computed (unmet lines without their reasons).

    Parameters
    ----------
    scenario
        The scenario.
    baselines
        Both baselines' plans, when already computed.
    distances
        Road distances, when already built.

    Returns
    -------
    dict
        :class:`~planner.kpis.Kpis` by baseline name (``spreadsheet``, ``greedy``).
    """
    baselines = baselines if baselines is not None else plan_baselines(scenario)
    distances = distances if distances is not None else Distances(scenario)
    return {
        name: compute_kpis(scenario, plan, distances, reasons=False)
        for name, plan in baselines.plans.items()
    }


def baselines_report(
    scenario: Scenario,
    baselines: Baselines | None = None,
    scorer: Scorer | None = None,
    kpis: Mapping[str, Kpis] | None = None,
) -> dict[str, dict[str, Any]]:
    """Both baselines' KPIs and objective points, for a report.

    ``scorer``, the scenario's :class:`~planner.score.terms.Scorer` when one is at hand
    (building one looks at every line's units and counts each committee's requests);
    ``kpis``, the
    baselines' KPIs when already computed (:func:`kpis_of_baselines`).

    Returns
    -------
    dict
        ``{"spreadsheet": {...}, "greedy": {...}}``: each baseline's KPIs
        (:meth:`planner.kpis.Kpis.to_dict`) with ``objective`` (its points in all) and
        ``terms`` (points by the objective's named terms), counted as the solver counts
        a plan (:func:`planner.score.score_plan`), so that they stand beside the
        solve's own figures; for a scenario with subdistricts, also ``levels``
        (:func:`levels_report`).
    """
    baselines = baselines if baselines is not None else plan_baselines(scenario)
    scorer = scorer if scorer is not None else Scorer(scenario)
    out: dict[str, dict[str, Any]] = {}
    for name, plan in baselines.plans.items():
        score = scorer.score(plan)
        given = kpis.get(name) if kpis is not None else None
        plan_kpis = (
            given
            if given is not None
            else compute_kpis(scenario, plan, scorer.distances, reasons=False)
        )
        out[name] = {
            **plan_kpis.to_dict(),
            "objective": round(score.total, 3),
            "terms": {term: round(p, 3) for term, p in score.term_points().items()},
        }
        if scenario.has_levels:
            out[name]["levels"] = levels_report(scenario, plan, plan_kpis)
    return out


def levels_report(scenario: Scenario, plan: Plan, kpis: Kpis | None = None) -> dict[str, Any]:
    """The KPIs of both levels of a plan, for a report (``levels`` of ``kpis.json``).

    Parameters
    ----------
    scenario
        A scenario that lists its ``subdistricts``.
    plan
        The plan.
    kpis
        The plan's KPIs, when already computed (their committee coverages are used).

    Returns
    -------
    dict
        :meth:`planner.levels.LevelKpis.to_dict`: ``upper`` (the spread between the
        subdistricts) and ``subdistricts`` (each one's KPIs and shares).

    Raises
    ------
    ValueError
        If the scenario has one level (no ``subdistricts``).
    """
    coverage = None
    if kpis is not None:
        frame = kpis.by_committee
        coverage = dict(zip(frame["committee_id"], frame["coverage"], strict=True))
    levels = level_kpis(scenario, plan, coverage)
    if levels is None:
        raise ValueError(f"scenario {scenario.name!r} lists no subdistricts: it has one level")
    return levels.to_dict()


def gains_over(
    scenario: Scenario,
    plan: Plan,
    kpis: dict[str, Any],
    baselines: dict[str, dict[str, Any]],
    scorer: Scorer | None = None,
) -> dict[str, Any]:
    """What a plan gains over the better baseline (by objective points).

    ``scorer``, the scenario's :class:`~planner.score.terms.Scorer` when one is at hand.

    Returns
    -------
    dict
        ``baseline`` (the better one's name), ``objective`` (the plan's points minus
        the baseline's, both counted by :func:`planner.score.score_plan`) and the
        change of each KPI of :data:`GAIN_KPIS` (plan minus baseline; for Gini and
        travel a negative change is a gain).
    """
    best = max(baselines, key=lambda name: baselines[name]["objective"])
    points = round(
        (scorer.score(plan) if scorer is not None else score_plan(scenario, plan)).total, 3
    )
    base = baselines[best]
    gains: dict[str, Any] = {"baseline": best, "objective": round(points - base["objective"], 3)}
    for key in GAIN_KPIS:
        gains[key] = round(kpis[key] - base[key], 4)
    return gains


def solve_report(
    scenario: Scenario,
    result: Result,
    kpis: Kpis | None = None,
    baseline_kpis: Kpis | None = None,
    run: dict[str, Any] | None = None,
    baselines: Baselines | None = None,
    baselines_kpis: Mapping[str, Kpis] | None = None,
    distances: Distances | None = None,
) -> dict[str, Any]:
    """Return the ``kpis.json`` content of a solve that has a plan.

    Parameters
    ----------
    scenario
        The scenario solved.
    result
        The solve's result; it must carry a plan.
    kpis, baseline_kpis
        The plan's and the spreadsheet baseline's KPIs, when already computed (the
        baseline's plan is taken from the result when it carries one).
    run
        The run's settings (:func:`run_settings`), if known.
    baselines
        Both baselines' plans, when already computed.
    baselines_kpis
        Both baselines' KPIs by name, when already computed (:func:`kpis_of_baselines`).
    distances
        The scenario's road distances, when already built.

    Returns
    -------
    dict
        ``scenario, status, stop_reason, message, objective, best_bound, gap,
        wall_seconds``, the plan's ``violations`` (:func:`planner.validate.check_plan`,
        as text; empty for every plan a solve returns), the plan's KPIs
        (:meth:`planner.kpis.Kpis.to_dict`), for a scenario with subdistricts the KPIs
        of both levels under ``levels`` (:func:`levels_report`; each baseline has its
        own there too), the objective's named ``terms``, the
        model and search ``stats``, the spreadsheet baseline's KPIs under ``baseline``,
        both baselines' KPIs and points under ``baselines`` (:func:`baselines_report`),
        under ``gains`` what the plan gains over the better of them (:func:`gains_over`),
        the committees below their coverage in the spreadsheet baseline's plan under
        ``below_baseline`` (:func:`below_baseline_summary`) and the ``run`` settings
        (empty when not given); JSON-serialisable, every number to at most
        :data:`REPORT_DIGITS` significant digits (:func:`tidy_numbers`).

    Raises
    ------
    ValueError
        If the result has no plan.
    """
    if result.plan is None:
        raise ValueError(f"a {result.status.value} result has no plan to report on")
    violations = [str(v) for v in check_plan(scenario, result.plan)]
    kpis = kpis if kpis is not None else compute_kpis(scenario, result.plan)
    distances = distances if distances is not None else Distances(scenario)
    baselines = baselines if baselines is not None else plan_baselines(scenario, None, distances)
    # One scorer for the baselines' points and the plan's gains, with the lines the
    # baselines found attainable (building it otherwise looks at every line's units).
    scorer = Scorer(scenario, distances, set(baselines.attainable))
    both = baselines_report(scenario, baselines, scorer, baselines_kpis)
    plan_kpis = kpis.to_dict()
    spreadsheet = {
        k: v for k, v in both["spreadsheet"].items() if k not in ("objective", "terms", "levels")
    }
    spreadsheet_kpis = (
        baseline_kpis
        or (baselines_kpis or {}).get("spreadsheet")
        or compute_kpis(scenario, baselines.plans["spreadsheet"], reasons=False)
    )
    levels = {"levels": levels_report(scenario, result.plan, kpis)} if scenario.has_levels else {}
    report: dict[str, Any] = {
        "scenario": scenario.name,
        "status": result.status.value,
        "stop_reason": None if result.stop_reason is None else result.stop_reason.value,
        "message": result.message,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "wall_seconds": round(result.wall_seconds, 3),
        "violations": violations,
        **plan_kpis,
        **levels,
        "terms": result.term_points(),
        "stats": result.stats,
        "baseline": baseline_kpis.to_dict() if baseline_kpis is not None else spreadsheet,
        "baselines": both,
        "gains": gains_over(scenario, result.plan, plan_kpis, both, scorer),
        "below_baseline": below_baseline_summary(scenario, kpis, spreadsheet_kpis),
        "run": dict(run or {}),
    }
    return dict(tidy_numbers(report))


def run_settings(params: SolveParams, source: str | Path | None = None) -> dict[str, Any]:
    """Return the settings of a run, so that a report says how it was made.

    Parameters
    ----------
    params
        The solve's parameters.
    source
        The scenario file read, if any (its name and SHA-256 are recorded).

    Returns
    -------
    dict
        ``input, input_sha256, seed, workers, time_limit, relative_gap, decompose,
        cultplan_version, ortools_version, python_version``. Why the search stopped
        is the report's own ``stop_reason`` (reported once, at the top level).
    """
    name = digest = None
    if source is not None:
        path = Path(source)
        name = path.name
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {
        "input": name,
        "input_sha256": digest,
        "seed": params.seed,
        "workers": params.workers,
        "time_limit": params.time_limit,
        "relative_gap": params.relative_gap,
        "decompose": params.decompose,
        "cultplan_version": _version("cultplan"),
        "ortools_version": _version("ortools"),
        "python_version": platform.python_version(),
    }


def _version(distribution: str) -> str | None:
    """The installed version of a distribution (None if it is not installed)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def below_baseline_summary(scenario: Scenario, kpis: Kpis, baseline_kpis: Kpis) -> dict[str, Any]:
    """The committees whose coverage is below their coverage in the baseline's plan.

    Returns
    -------
    dict
        ``num_committees``, ``num_residents`` (their population) and ``committees``
        (their ids, in scenario order).
    """
    ids = below_baseline(_coverages(kpis), _coverages(baseline_kpis))
    population = {c.id: c.population for c in scenario.committees}
    return {
        "num_committees": len(ids),
        "num_residents": sum(population.get(c, 0) for c in ids),
        "committees": ids,
    }


def _coverages(kpis: Kpis) -> dict[str, float]:
    frame = kpis.by_committee
    return {str(k): float(v) for k, v in zip(frame["committee_id"], frame["coverage"], strict=True)}
