"""Both baselines at once, with their objective points, and which of them is better.

Every report sets the optimiser's plan beside the spreadsheet baseline and the greedy
one; the solver's gains are stated against the better of the two by objective points
(:class:`~planner.baseline.points.PlanPoints`). Both share one set of options and
distances, so building them together costs little more than building one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from planner.baseline.greedy import plan_greedy
from planner.baseline.memo import LastAnswer
from planner.baseline.points import PlanPoints
from planner.baseline.spreadsheet import plan_baseline
from planner.network import Distances
from planner.options import Option, options_lister
from planner.plan import Plan
from planner.scenario import Scenario

#: The baselines, in report order.
BASELINE_NAMES: tuple[str, ...] = ("spreadsheet", "greedy")


@dataclass(frozen=True)
class Baselines:
    """The plans of both baselines and their objective points.

    Attributes
    ----------
    plans
        ``{"spreadsheet": plan, "greedy": plan}``.
    points
        Each plan's objective points, by the objective's named terms, counted without
        the solver (:class:`~planner.baseline.points.PlanPoints`).
    best
        The name of the plan with more objective points (the spreadsheet on a tie).
    attainable
        The demand lines some option can serve (see :func:`plan_points`).
    """

    plans: dict[str, Plan]
    points: dict[str, dict[str, float]]
    best: str
    attainable: frozenset[str]

    def total(self, name: str) -> float:
        """A baseline's objective points in all."""
        return sum(self.points[name].values())


def plan_points(
    scenario: Scenario,
    plan: Plan,
    attainable: Iterable[str] | None = None,
    distances: Distances | None = None,
) -> dict[str, float]:
    """The objective's named terms of any plan, in points, counted without the solver.

    ``attainable`` names the demand lines some option of
    :func:`~planner.options.line_options` can serve (fairness and shortfall count only
    these, as the model does); it is found when not given. Deliveries are counted as
    they are, whatever rules they break.
    """
    if attainable is None:
        lister = options_lister(scenario)
        attainable = [line.id for line in scenario.demand_lines if lister(line)]
    points = PlanPoints(scenario, attainable, distances)
    for d in plan:
        option = Option(
            d.demand_id,
            d.unit_id(scenario),
            d.first_week,
            d.last_week - d.first_week + 1,
            d.theme,
        )
        points.add(d.committee_id, d.product, option)
    return dict(points.points)


#: The answer for the last scenario asked about (see :mod:`planner.baseline.memo`).
_last: LastAnswer[Baselines] = LastAnswer()


def plan_baselines(
    scenario: Scenario,
    options: Mapping[str, list[Option]] | None = None,
    distances: Distances | None = None,
) -> Baselines:
    """Plan both baselines and count their objective points.

    The answer for the scenario last asked about is kept and given again.

    Parameters
    ----------
    scenario
        A validated scenario.
    options
        Each demand line's :func:`~planner.options.line_options` (by line id; a line
        left out has none), when already computed (the solver's model has them).
    distances
        Road distances, when already built.

    Returns
    -------
    Baselines
        Both plans (:func:`~planner.baseline.plan_baseline`,
        :func:`~planner.baseline.plan_greedy`), their points and the better one.
    """
    remembered = _last.get(scenario)
    if remembered is not None:
        return remembered
    distances = distances or Distances(scenario)
    if options is None:
        lister = options_lister(scenario)
        options = {line.id: lister(line) for line in scenario.demand_lines}
    else:
        options = {line.id: list(options.get(line.id, [])) for line in scenario.demand_lines}
    plans = {
        "spreadsheet": plan_baseline(scenario, distances, options),
        "greedy": plan_greedy(scenario, distances, options),
    }
    attainable = frozenset(lid for lid, opts in options.items() if opts)
    points = {
        name: plan_points(scenario, plan, attainable, distances) for name, plan in plans.items()
    }
    totals = {name: sum(p.values()) for name, p in points.items()}
    best = max(BASELINE_NAMES, key=lambda name: (totals[name], -BASELINE_NAMES.index(name)))
    baselines = Baselines(plans, points, best, attainable)
    return _last.put(scenario, baselines)


__all__: Sequence[str] = ["BASELINE_NAMES", "Baselines", "plan_baselines", "plan_points"]
