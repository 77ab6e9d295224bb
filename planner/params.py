"""Solve parameters and progress reports: plain data, no solver import.

:class:`SolveParams` is what a planner (or an API body, or a YAML file) says about a
solve; what the caller wants to hear while it runs (progress) and how it stops the
search (a stop event) are arguments of :func:`planner.solve`, not parameters.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from planner.i18n import _

#: The values of :attr:`SolveParams.decompose`.
DECOMPOSE = ("auto", "yes", "no")


def decompose_value(text: str) -> str:
    """A ``decompose`` setting as a person types it, read as meant: case and spaces
    around it ignored (``YES``, `` Auto``), as ``cultplan solve --decompose`` and the
    service's jobs take it. The result is one of :data:`DECOMPOSE` when the text names
    one; the caller refuses anything else."""
    return text.strip().lower()


@dataclass(frozen=True)
class SolveParams:
    """Parameters of a solve.

    The defaults are the command line's (``cultplan solve`` reads them from here): 30 s,
    seed 0, 2 workers, stop at a relative gap of 0.5 %, no search log, a large scenario of
    several subdistricts solved by subdistrict.

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
        Stop when the relative gap is at most this (0 asks for a proven optimum).
    log
        Print CP-SAT's search log.
    decompose
        ``auto`` (the default): a scenario of several subdistricts that is large
        (:func:`planner.decompose.should_split`) is solved subdistrict by subdistrict,
        the shared capacity split between them; ``yes``: any scenario of several
        subdistricts is; ``no``: the whole model is solved at once.
    """

    time_limit: float = 30.0
    seed: int = 0
    workers: int = 2
    relative_gap: float = 0.005
    log: bool = False
    decompose: str = "auto"

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str | None = None) -> SolveParams:
        """Build parameters from a mapping with the attribute names as keys.

        Values are checked, not converted: ``time_limit`` a number above 0, ``seed`` a
        whole number, ``workers`` a whole number of at least 1, ``relative_gap`` a number
        from 0 to 1, ``log`` true or false, ``decompose`` one of
        ``auto``, ``yes``, ``no``.

        Raises
        ------
        ValueError
            Naming ``source`` (by default "solve parameters", in the reader's language)
            and every unknown key and bad value, all at once.
        """
        allowed = {f.name for f in fields(cls)}
        problems = [
            _("unknown solve parameter {key}").format(key=repr(key))
            for key in sorted(set(data) - allowed)
        ]
        for key, value in data.items():
            if key in allowed and (problem := _check(key, value)):
                problems.append(problem)
        if problems:
            raise ValueError(
                _("{source}: {problems}").format(
                    source=_("solve parameters") if source is None else source,
                    # TRANSLATORS: the separator between the problems of solve parameters.
                    problems=_("; ").join(problems),
                )
            )
        return cls(**data)

    @classmethod
    def from_file(cls, path: str | Path) -> SolveParams:
        """Read parameters from a YAML file with the attribute names as keys."""
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        return cls.from_dict(data, str(path))

    def to_dict(self) -> dict[str, Any]:
        """The parameters as plain data (the inverse of :meth:`from_dict`)."""
        return asdict(self)


def _check(key: str, value: Any) -> str:
    """What is wrong with one parameter value, naming the key and the value ("" when
    nothing)."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    whole = isinstance(value, int) and not isinstance(value, bool)
    if key == "time_limit" and not (number and value > 0 and math.isfinite(value)):
        text = _("{key}: a number of seconds above 0, not {value}")
    elif key == "seed" and not whole:
        text = _("{key}: a whole number, not {value}")
    elif key == "workers" and not (whole and value >= 1):
        text = _("{key}: a whole number of at least 1, not {value}")
    elif key == "relative_gap" and not (number and 0 <= value <= 1):
        text = _("{key}: a number from 0 to 1, not {value}")
    elif key == "log" and not isinstance(value, bool):
        text = _("{key}: true or false, not {value}")
    elif key == "decompose" and value not in DECOMPOSE:
        text = _("{key}: one of auto, yes, no, not {value}")
    else:
        return ""
    return text.format(key=key, value=repr(value))


@dataclass(frozen=True)
class Progress:
    """A progress report sent while solving.

    Attributes
    ----------
    stage
        What the solve is doing: ``building`` (the model), ``baselines`` (planning
        the baselines, the first plan), then the stage being solved (``leximin``,
        ``fairness``, ``primary``, ``secondary``; see :func:`planner.solve`), or
        ``parts`` while a split scenario is solved subdistrict by subdistrict.
    elapsed
        Seconds since the solve started.
    objective, bound
        The stage's best plan's objective and the best proven bound so far, in points
        (None before the first plan or bound).
    coverage, min_coverage
        The headline coverage and the lowest recipient coverage (fractions, as in
        :class:`planner.kpis.Kpis`) of the best plan so far, the baseline's until the
        search finds one (None before any plan, or when nobody listens for progress).
    parts_done, parts
        In the ``parts`` stage: how many subdistricts have been solved, of how many
        (None in every other stage).
    """

    stage: str
    elapsed: float
    objective: float | None
    bound: float | None
    coverage: float | None = None
    min_coverage: float | None = None
    parts_done: int | None = None
    parts: int | None = None

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and bound, or None before the first plan."""
        if self.objective is None or self.bound is None:
            return None
        return relative_gap(self.objective, self.bound)


def relative_gap(objective: float, bound: float) -> float:
    """Relative gap ``|bound - objective| / max(1, |objective|)``."""
    if not math.isfinite(bound):
        return math.inf
    return abs(bound - objective) / max(1.0, abs(objective))
