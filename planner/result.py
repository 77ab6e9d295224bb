"""Solve parameters and results (no solver import, so the API and KPIs can use them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from planner.plan import Plan


class SolveStatus(StrEnum):
    """How a solve ended."""

    OPTIMAL = "optimal"
    """A plan proven best for the objective in every stage (within
    ``SolveParams.relative_gap`` when that is above 0)."""
    FEASIBLE = "feasible"
    """A plan, not proven best within the time limit."""
    INFEASIBLE = "infeasible"
    """No plan keeps every hard rule (with the pins as given); see ``Result.message``."""
    NO_SOLUTION = "no_solution"
    """No plan was found within the time limit."""
    ERROR = "error"
    """The model was rejected by the solver (a bug; see ``Result.message``)."""

    @property
    def has_plan(self) -> bool:
        """Whether the result carries a plan."""
        return self in {SolveStatus.OPTIMAL, SolveStatus.FEASIBLE}


@dataclass(frozen=True)
class Progress:
    """A progress report sent while solving."""

    stage: str
    elapsed: float
    objective: float | None
    bound: float | None

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and bound, or None before the first plan."""
        if self.objective is None or self.bound is None:
            return None
        return relative_gap(self.objective, self.bound)


@dataclass(frozen=True)
class SolveParams:
    """Parameters of a solve.

    Attributes
    ----------
    time_limit
        Wall-clock seconds for the whole solve (all stages).
    seed
        CP-SAT random seed.
    workers
        CP-SAT search workers (and single-worker searches run side by side in a
        stage's neighbourhood search). With 1 worker a solve that ends on its gap or
        optimum before any time limit cuts a search is deterministic; the time
        limits of the steps within a stage are wall-clock shares.
    relative_gap
        Stop when the relative gap is at most this.
    log
        Print CP-SAT's search log.
    """

    time_limit: float = 30.0
    seed: int = 0
    workers: int = 2
    relative_gap: float = 0.0
    log: bool = False
    progress: Callable[[Progress], None] | None = field(default=None, compare=False)

    @classmethod
    def from_file(cls, path: str | Path) -> SolveParams:
        """Read parameters from a YAML file with the attribute names as keys."""
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        allowed = {"time_limit", "seed", "workers", "relative_gap", "log"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ValueError(f"{path}: unknown solve parameter(s) {', '.join(unknown)}")
        return cls(**data)


@dataclass(frozen=True)
class Term:
    """A named goal term of the objective, with its value in points in the result."""

    name: str
    points: float
    description: str


@dataclass(frozen=True)
class Result:
    """The outcome of :func:`planner.solve`.

    Attributes
    ----------
    status
        How the solve ended.
    objective, best_bound
        Objective of the plan and the proven bound, in points (None without a plan;
        the bound is None when the search returned the baseline's plan).
    gap
        Relative gap ``|bound - objective| / max(1, |objective|)``.
    wall_seconds
        Wall time including model building.
    plan
        The plan (None without one).
    terms
        The objective's named terms with their points in this plan. The objective is
        their sum as the model counts it (coefficients rounded to 1/1000 point), so
        the terms add up to it within that rounding.
    message
        For infeasible or failed solves, the reason in planners' words.
    stats
        Model and search figures (options, variables, stage objectives).
    """

    status: SolveStatus
    objective: float | None
    best_bound: float | None
    gap: float | None
    wall_seconds: float
    plan: Plan | None
    terms: tuple[Term, ...] = ()
    message: str = ""
    stats: dict[str, Any] = field(default_factory=dict)

    def term_points(self) -> dict[str, float]:
        """Points of each named term."""
        return {t.name: t.points for t in self.terms}


def relative_gap(objective: float, bound: float) -> float:
    """Relative gap between an objective and its bound."""
    return abs(bound - objective) / max(1.0, abs(objective))
