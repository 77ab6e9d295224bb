"""What a solve returns: status, stop reason, stage reports and the plan (no solver import)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from planner.plan import Plan

__all__ = [
    "ModelSize",
    "NeighbourhoodReport",
    "Result",
    "SolveStatus",
    "StageReport",
    "StopReason",
    "Term",
]


class SolveStatus(StrEnum):
    """How a solve ended."""

    OPTIMAL = "optimal"
    """A plan proven best for the objective in every stage: each stage's objective
    meets its proven bound (stop reason ``proven``)."""
    FEASIBLE = "feasible"
    """A plan, not proven best: within the gap limit of the bound (``gap_limit``), or
    the time limit ran out (``time_limit``) or the caller stopped the search
    (``stopped``); ``Result.gap`` says how far from the bound it may be."""
    INFEASIBLE = "infeasible"
    """No plan keeps every hard rule (with the pins as given); see ``Result.message``."""
    NO_SOLUTION = "no_solution"
    """No plan was found within the time limit (or before the stop); also when
    building the model alone took longer than the time limit."""
    ERROR = "error"
    """The model was rejected by the solver (a bug; see ``Result.message``)."""

    @property
    def has_plan(self) -> bool:
        """Whether the result carries a plan."""
        return self in {SolveStatus.OPTIMAL, SolveStatus.FEASIBLE}


class StopReason(StrEnum):
    """Why the search ended."""

    PROVEN = "proven"
    """Every stage reached its proven optimum, or no plan can exist."""
    GAP_LIMIT = "gap_limit"
    """Every stage's plan came within ``SolveParams.relative_gap`` of its bound, not
    every one proven optimal."""
    TIME_LIMIT = "time_limit"
    """``SolveParams.time_limit`` ran out."""
    STAGE_LIMIT = "stage_limit"
    """A stage ran out of its share of the time limit short of its gap (the leximin
    rounds' half, the fairness stage's 30 %, the primary stage's 70 % before a secondary
    one), and the solve ended before ``SolveParams.time_limit``: the stages after it
    ended on their own gap or optimum."""
    PARTS_DONE = "parts_done"
    """A scenario solved subdistrict by subdistrict: every part ended on its own gap
    or optimum, but the whole plan is not known to be within the gap limit (its gap
    against the whole scenario's bound is larger, or there is no such bound)."""
    STOPPED = "stopped"
    """The caller set the stop event (a cancelled job, Ctrl-C)."""
    ERROR = "error"
    """The solver rejected the model."""


@dataclass(frozen=True)
class Term:
    """A named goal term of the objective, with its value in points in the result."""

    name: str
    points: float
    description: str


@dataclass(frozen=True)
class ModelSize:
    """How big the CP-SAT model of a scenario is."""

    num_options: int
    num_demand_lines: int = 0
    num_variables: int = 0
    num_constraints: int = 0


@dataclass(frozen=True)
class NeighbourhoodReport:
    """One neighbourhood search of a stage (see docs/solving.md).

    Attributes
    ----------
    reach
        Weeks around the LP solution's options' starts that the neighbourhood keeps.
    options
        Options kept.
    objective, seconds
        The stage objective of its best plan and the time it took (None without a plan).
    empty
        Whether the search proved the neighbourhood holds no plan (rather than finding
        none in its time).
    """

    reach: int
    options: int
    objective: float | None = None
    seconds: float | None = None
    empty: bool = False


@dataclass(frozen=True)
class StageReport:
    """What one stage of the solve reached (see docs/solving.md).

    Attributes
    ----------
    name
        ``fairness``, ``primary`` or ``secondary``.
    status
        ``optimal`` (proven, or within the gap), ``feasible``, or the status that ended
        the solve in this stage.
    objective, bound
        The stage objective of its plan and its proven bound, in the stage's own units
        (percent of minimum coverage for ``fairness``, points otherwise).
    seconds
        Wall time of the stage.
    lp_bound, lp_seconds, lagrangian_bound, lagrangian_seconds
        The relaxation's bounds and their times (None when not computed).
    neighbourhoods
        The neighbourhood searches, in order.
    plan_engine, bound_engine
        Which engine found the stage's plan (``cp-sat`` or ``highs``) and proved its
        bound (``lp``, ``lagrangian``, ``cp-sat`` or ``highs``); None when none did.
    mip_bound, mip_seconds
        HiGHS's bound (stage units, valid for the integer objective) and its wall time,
        when HiGHS ran beside CP-SAT (docs/solving.md).
    lp_prices, lp_value, lp_allowance
        Only in a part of a scenario split by subdistrict, when the stage's LP was
        solved: the LP's value, in points, of one more unit of each allotment row
        (by :func:`planner.solver.guide.row_key`), the LP's optimum in points (not
        rounded down as ``lp_bound`` is), and the points by which the LP's tolerances
        may overstate a bound worked out from them. The whole scenario's bound is made
        from them (``planner.decompose``).
    """

    name: str
    status: SolveStatus
    objective: float | None = None
    bound: float | None = None
    seconds: float | None = None
    lp_bound: float | None = None
    lp_seconds: float | None = None
    lagrangian_bound: float | None = None
    lagrangian_seconds: float | None = None
    neighbourhoods: tuple[NeighbourhoodReport, ...] = ()
    plan_engine: str | None = None
    bound_engine: str | None = None
    mip_bound: float | None = None
    mip_seconds: float | None = None
    lp_prices: dict[str, float] | None = None
    lp_value: float | None = None
    lp_allowance: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data, leaving out figures that were not computed (and
        the allotment rows' prices)."""
        out: dict[str, Any] = {"status": self.status.value}
        for key in (
            "objective",
            "bound",
            "seconds",
            "lp_bound",
            "lp_seconds",
            "lagrangian_bound",
            "lagrangian_seconds",
            "plan_engine",
            "bound_engine",
            "mip_bound",
            "mip_seconds",
        ):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.neighbourhoods:
            out["neighbourhoods"] = [
                {k: v for k, v in vars(n).items() if v is not None} for n in self.neighbourhoods
            ]
        return out


@dataclass(frozen=True)
class PartReport:
    """What the solve of one part (a subdistrict) of a split scenario reached.

    Attributes
    ----------
    area
        The subdistrict's name (as its grids name it), for display.
    committees
        Its number of committees.
    status, stop_reason
        How the part's solve ended (``no_solution`` when it found no plan in time or
        was never run: the whole scenario's fallback plan, restricted to the part,
        stands in for it then).
    objective, bound
        The part's plan and its proven bound, in the part's own points (its share of
        the shared capacity as allotted; None without them).
    seconds
        Wall time of the part's solve.
    ran
        Whether the part's solve returned a result (False: it was not started before
        the deadline or a stop, its worker failed, or on Dask its result was not
        awaited at the deadline).
    subdistrict_id
        The subdistrict's ``id`` in the scenario's ``subdistricts`` (None when the
        scenario does not list them: its grids name their subdistricts only).
    """

    area: str
    committees: int
    status: SolveStatus
    stop_reason: StopReason | None
    objective: float | None
    bound: float | None
    seconds: float
    ran: bool = True
    subdistrict_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for ``kpis.json``)."""
        return {
            "subdistrict_id": self.subdistrict_id,
            "area": self.area,
            "committees": self.committees,
            "status": self.status.value,
            "stop_reason": None if self.stop_reason is None else self.stop_reason.value,
            "objective": self.objective,
            "bound": self.bound,
            "seconds": round(self.seconds, 3),
            "ran": self.ran,
        }


@dataclass(frozen=True)
class Result:
    """The outcome of :func:`planner.solve`.

    Attributes
    ----------
    status
        How the solve ended.
    objective, best_bound
        Objective of the plan and the proven bound, in points (None without a plan;
        the bound is None when no stage proved one; the objective is None for the
        baseline's plan when it could not be completed into the model's values in
        time).
    gap
        Relative gap ``|bound - objective| / max(1, |objective|)`` of the plan
        returned (the baseline's after a fallback); None without both.
    wall_seconds
        Wall time including model building.
    plan
        The plan (None without one).
    terms
        The objective's named terms with their points in this plan. The objective is
        their sum as the model counts it (coefficients rounded to 1/1000 point), so
        the terms add up to it within that rounding.
    message
        How the solve ended in planners' words: for a plan, "proven optimal", "within
        0.3 % of the best possible plan", stopped at the time limit or on request, or
        the baseline's plan; otherwise why there is none.
    stop_reason
        Why the search ended; ``proven`` for an optimum or a proven infeasibility.
    stages
        One report per stage that ran, in order.
    model_size
        The model's size (None when no model was built).
    baseline_objective
        The fallback baseline's objective as the model counts it (None when its plan
        did not complete into a solution of the model in time).
    baseline_plan
        The fallback baseline's plan (the better of the spreadsheet and the greedy
        baseline that keeps the floor; None when none was made before the time limit
        or the stop).
    parts
        For a scenario solved subdistrict by subdistrict (``planner.decompose``), one
        report per part; empty otherwise.
    """

    status: SolveStatus
    objective: float | None
    best_bound: float | None
    gap: float | None
    wall_seconds: float
    plan: Plan | None
    terms: tuple[Term, ...] = ()
    message: str = ""
    stop_reason: StopReason | None = None
    stages: tuple[StageReport, ...] = ()
    model_size: ModelSize | None = None
    baseline_objective: float | None = None
    baseline_plan: Plan | None = None
    parts: tuple[PartReport, ...] = ()

    def term_points(self) -> dict[str, float]:
        """Points of each named term."""
        return {t.name: t.points for t in self.terms}

    def stage(self, name: str) -> StageReport | None:
        """The report of the stage called ``name``, or None if it did not run."""
        return next((s for s in self.stages if s.name == name), None)

    @property
    def stats(self) -> dict[str, Any]:
        """Model and search figures as plain data (the ``stats`` of ``kpis.json``)."""
        out: dict[str, Any] = {}
        if self.model_size is not None:
            out.update(vars(self.model_size))
        out["stages"] = {s.name: s.to_dict() for s in self.stages}
        if self.baseline_objective is not None:
            out["baseline_objective"] = self.baseline_objective
        if self.parts:
            out["parts"] = [p.to_dict() for p in self.parts]
        return out
