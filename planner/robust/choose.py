"""Compare plans over the same sampled seasons, and choose the most robust one.

Optimising the worst decile directly would put every sampled season into the model; the
plans here are instead candidates that the ordinary solver makes for nearby scenarios,
each checked against the stated scenario with the validator, and the one with the best
worst-decile coverage is chosen (ties: the better expected coverage, then the order
given). The candidates of :func:`robust_candidates` are:

- ``cultplan``: the solve of the scenario as stated;
- ``reliability``: the scenario with each line's priority times ``1 - no_show`` (its
  expected share of kept deliveries), so that the solver favours lines whose
  deliveries are more likely to count;
- ``sample k``: the scenario with each line's count drawn as a sampled season draws it,
  kept between 1 and the stated count (so that the plan is valid for the stated
  scenario), for ``k`` = 1 … ``samples``;
- the two baselines (``spreadsheet``, ``greedy``).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from planner.baseline import plan_baselines
from planner.params import SolveParams
from planner.plan import Plan
from planner.robust.evaluate import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    RobustKpis,
    Uncertainty,
    evaluate_plan,
)
from planner.scenario import Scenario
from planner.validate import check_plan


@dataclass(frozen=True)
class Candidate:
    """One plan compared over the sampled seasons.

    Attributes
    ----------
    name
        Its name (``cultplan``, ``spreadsheet``, ``greedy``, ``sample 3`` …).
    plan
        The plan.
    kpis
        Its figures over the seasons.
    violations
        How many hard rules of the stated scenario it breaks (0 for a valid plan; a
        plan that breaks any is never chosen).
    """

    name: str
    plan: Plan
    kpis: RobustKpis
    violations: int


def compare_plans(
    scenario: Scenario,
    plans: Mapping[str, Plan],
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    uncertainty: Uncertainty | None = None,
) -> list[Candidate]:
    """Evaluate plans over the same seasons, each checked by the validator.

    Returns
    -------
    list of Candidate
        In the order given.
    """
    return [
        Candidate(
            name,
            plan,
            evaluate_plan(scenario, plan, samples=samples, seed=seed, uncertainty=uncertainty),
            len(check_plan(scenario, plan)),
        )
        for name, plan in plans.items()
    ]


def most_robust(candidates: list[Candidate]) -> Candidate:
    """The valid candidate with the best worst-decile coverage (ties: the better
    expected coverage, then the first given).

    Raises
    ------
    ValueError
        When no candidate is valid.
    """
    valid = [c for c in candidates if c.violations == 0]
    if not valid:
        raise ValueError("no valid candidate plan")
    return max(
        valid,
        key=lambda c: (
            round(c.kpis.worst_decile_coverage, 9),
            round(c.kpis.expected_coverage, 9),
            -candidates.index(c),
        ),
    )


def _with_lines(scenario: Scenario, change: Callable[[str, dict[str, object]], None]) -> Scenario:
    """The scenario with each demand record changed in place by ``change(line_id, record)``.

    Line ids are pinned explicitly, so that the plan's ``demand_id`` names the stated
    scenario's lines whatever changes.
    """
    data = scenario.model_dump()
    for line, record in zip(scenario.demand_lines, data["demand"], strict=True):
        record["id"] = line.id
        change(line.id, record)
    return Scenario.model_validate(data)


def robust_candidates(
    scenario: Scenario,
    *,
    samples: int = 4,
    seed: int = DEFAULT_SEED,
    uncertainty: Uncertainty | None = None,
    params: SolveParams | None = None,
    on_candidate: Callable[[str], None] | None = None,
) -> dict[str, Plan]:
    """Make the candidate plans of the module's list.

    Parameters
    ----------
    scenario
        The stated scenario.
    samples
        How many sampled-demand solves.
    seed
        Seed of their counts (the ``k``-th sample's stream is the same in every run).
    uncertainty
        The demand uncertainty (default :class:`Uncertainty()`).
    params
        Solve parameters of each solve (default ``SolveParams()``).
    on_candidate
        Called with a candidate's name before it is made.

    Returns
    -------
    dict
        Candidate plans by name (a solve without a plan is left out).
    """
    from planner.solver import solve  # the solver only where candidates are made

    uncertainty = uncertainty or Uncertainty()
    params = params or SolveParams()
    lines = scenario.demand_by_id
    plans: dict[str, Plan] = {}

    def reliability(line_id: str, record: dict[str, object]) -> None:
        line = lines[line_id]
        keep = 1.0 - uncertainty.of_line(line_id, line.product.value).no_show
        record["priority"] = min(100.0, max(1e-6, line.demand.priority * keep))

    variants: list[tuple[str, Scenario]] = [("cultplan", scenario)]
    variants.append(("reliability", _with_lines(scenario, reliability)))
    for k in range(1, samples + 1):
        rng = random.Random(f"robust/{seed}/{k}")

        def sampled(line_id: str, record: dict[str, object], rng: random.Random = rng) -> None:
            line = lines[line_id]
            cv = uncertainty.of_line(line_id, line.product.value).demand_cv
            n = line.demand.count
            if cv > 0:
                shape = 1.0 / (cv * cv)
                n = min(n, max(1, round(rng.gammavariate(shape, n / shape))))
            record["count"] = n

        variants.append((f"sample {k}", _with_lines(scenario, sampled)))
    for name, changed in variants:
        if on_candidate is not None:
            on_candidate(name)
        result = solve(changed, replace(params))
        if result.plan is not None:
            plans[name] = result.plan
    baselines = plan_baselines(scenario)
    plans.update(baselines.plans)
    return plans
