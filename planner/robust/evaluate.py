"""A plan over sampled seasons: expected and worst-decile coverage under uncertain demand.

A plan is made for the demand the scenario states; the season that comes asks for more
or less, and some deliveries find nobody there (a no-show: the committee cancels, the
audience stays away). Given, per demand line, a coefficient of variation of its count and
a no-show probability (:class:`Uncertainty`: defaults for the scenario, per product and
per line), each sampled season draws:

- every line's requested count from a gamma distribution with the line's count as mean
  and its coefficient of variation, rounded to a whole number (it may be 0: nothing
  asked this season); coefficient 0 keeps the count;
- for each of the line's deliveries in the plan, whether it is kept: kept with
  probability ``1 - no_show``.

A line's coverage in the season is ``min(kept, requested)``; the season's coverage is
the KPI of ``docs/domain.md`` with these counts (priority-weighted per recipient, a
recipient that asks for nothing at 1, population-weighted over recipients). Over ``S``
seasons the report gives the expected coverage (the mean), the worst-decile coverage
(CVaR 10 %: the mean of the worst ``ceil(S / 10)`` seasons), and the expected minimum
coverage over recipients.

The draws are seeded and do not depend on the plan: the line counts come from one stream,
and the deliveries' keep-or-not from uniforms drawn for every *slot* of a line (one per
unit of its stated count; a valid plan never gives a line more), so two plans evaluated
with the same seed meet the same seasons (common random numbers), and the comparison of
plans is not noise. A plan's deliveries beyond a line's count are not counted. Samples are
drawn in blocks of :data:`BLOCK` seasons, so memory stays bounded at any tier.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from planner.i18n import N_, _
from planner.kpis import delivered_per_line
from planner.plan import Plan
from planner.scenario import Problem, Product, Scenario, ScenarioError

#: Seasons drawn at once (the draws depend on it: keep it fixed).
BLOCK = 64
#: The default number of sampled seasons and seed of the command line.
DEFAULT_SAMPLES = 1000
DEFAULT_SEED = 1
#: The share of worst seasons whose mean is the worst-decile coverage.
TAIL = 0.10


@dataclass(frozen=True)
class LineUncertainty:
    """How uncertain one demand line is.

    Attributes
    ----------
    demand_cv
        Coefficient of variation of the line's count (standard deviation over mean).
    no_show
        Probability that a delivery to the line finds nobody there.
    """

    demand_cv: float = 0.2
    no_show: float = 0.05


@dataclass(frozen=True)
class Uncertainty:
    """The demand uncertainty of a scenario: defaults, per product and per line.

    A line takes its own values (by demand id) where given, else its product's, else the
    defaults; each of the two numbers separately.

    Attributes
    ----------
    demand_cv, no_show
        The scenario's defaults (a rough guess when nothing better is known: counts
        vary by a fifth, one delivery in twenty finds nobody).
    products
        Values by product (``performance``), each a mapping with either key.
    lines
        Values by demand line id, each a mapping with either key.
    """

    demand_cv: float = 0.2
    no_show: float = 0.05
    products: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    lines: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def of_line(self, line_id: str, product: str) -> LineUncertainty:
        """Return the uncertainty of one demand line."""
        own = self.lines.get(line_id, {})
        kind = self.products.get(product, {})
        return LineUncertainty(
            demand_cv=float(own.get("demand_cv", kind.get("demand_cv", self.demand_cv))),
            no_show=float(own.get("no_show", kind.get("no_show", self.no_show))),
        )


_KEYS = ("demand_cv", "no_show")


def read_uncertainty(path: str | Path, scenario: Scenario | None = None) -> Uncertainty:
    """Read an uncertainty file (YAML)::

        demand_cv: 0.2          # defaults of every line
        no_show: 0.05
        products: {performance: {no_show: 0.1}}
        lines: {C01/lecture/1: {demand_cv: 0.5, no_show: 0.2}}

    Parameters
    ----------
    path
        The file.
    scenario
        When given, line ids are checked against its demand lines.

    Raises
    ------
    ScenarioError
        With every problem at once, each with its place.
    """
    source = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, [Problem((), str(exc).splitlines()[0])]) from None
    return uncertainty_from_dict(data or {}, source, scenario)


def uncertainty_from_dict(
    data: Any, source: str = "<uncertainty>", scenario: Scenario | None = None
) -> Uncertainty:
    """Check and build an :class:`Uncertainty` from plain data; see :func:`read_uncertainty`."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise ScenarioError(source, [Problem((), _("expected a mapping (key: value)"))])
    for key in data:
        if key not in (*_KEYS, "products", "lines"):
            problems.append(Problem((str(key),), _unknown(key, (*_KEYS, "products", "lines"))))
    values = {k: data[k] for k in _KEYS if k in data}
    _check_values(values, (), problems)
    groups: dict[str, dict[str, dict[str, float]]] = {"products": {}, "lines": {}}
    known = {
        "products": {p.value for p in Product},
        "lines": None if scenario is None else set(scenario.demand_by_id),
    }
    for group in ("products", "lines"):
        raw = data.get(group) or {}
        if not isinstance(raw, dict):
            problems.append(Problem((group,), _("expected a mapping (key: value)")))
            continue
        for name, entry in raw.items():
            loc = (group, str(name))
            names = known[group]
            if names is not None and name not in names:
                text = _("no such product or demand line: '{name}'").format(name=name)
                problems.append(Problem(loc, text))
            if not isinstance(entry, dict):
                problems.append(Problem(loc, _("expected a mapping (key: value)")))
                continue
            for key in entry:
                if key not in _KEYS:
                    problems.append(Problem((*loc, str(key)), _unknown(key, _KEYS)))
            _check_values(entry, loc, problems)
            groups[group][str(name)] = {k: float(entry[k]) for k in _KEYS if k in entry}
    if problems:
        raise ScenarioError(source, problems)
    return Uncertainty(
        demand_cv=float(values.get("demand_cv", 0.2)),
        no_show=float(values.get("no_show", 0.05)),
        products=groups["products"],
        lines=groups["lines"],
    )


_UNKNOWN = N_("unknown key '{key}'; one of: {keys}")


def _unknown(key: object, keys: tuple[str, ...]) -> str:
    return _(_UNKNOWN).format(key=key, keys=", ".join(keys))


def _check_values(values: Mapping[str, Any], loc: tuple[str, ...], out: list[Problem]) -> None:
    limits = {"demand_cv": 10.0, "no_show": 1.0}
    for key, top in limits.items():
        if key not in values:
            continue
        v = values[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= top:
            text = _("expected a number from 0 to {top}, not {value!r}").format(top=top, value=v)
            out.append(Problem((*loc, key), text))


@dataclass(frozen=True)
class RobustKpis:
    """One plan's coverage over sampled seasons.

    Attributes
    ----------
    expected_coverage
        Mean of the seasons' coverage.
    worst_decile_coverage
        CVaR 10 %: mean coverage of the worst ``ceil(samples / 10)`` seasons.
    expected_min_coverage
        Mean over seasons of the lowest recipient coverage.
    nominal_coverage
        The coverage of the season the scenario states (every count as stated, every
        delivery kept): the headline KPI of :func:`planner.kpis.compute_kpis`.
    samples, seed
        How many seasons, drawn from which seed.
    """

    expected_coverage: float
    worst_decile_coverage: float
    expected_min_coverage: float
    nominal_coverage: float
    samples: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        """The figures as a JSON-ready mapping, rounded to 4 decimals."""
        return {
            "expected_coverage": round(self.expected_coverage, 4),
            "worst_decile_coverage": round(self.worst_decile_coverage, 4),
            "expected_min_coverage": round(self.expected_min_coverage, 4),
            "nominal_coverage": round(self.nominal_coverage, 4),
            "samples": self.samples,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class _Lines:
    """The scenario's lines in recipient order, as arrays."""

    count: np.ndarray  # stated count per line
    priority: np.ndarray
    cv: np.ndarray
    no_show: np.ndarray
    starts: np.ndarray  # first line of each recipient with lines (reduceat)
    with_lines: np.ndarray  # indices (into recipients) of those recipients
    population: np.ndarray  # per recipient
    order: list[str]  # line ids in this order
    slot_line: np.ndarray  # the line of each slot
    slot_pos: np.ndarray  # the slot's number within its line
    slot_starts: np.ndarray  # first slot of each line


def _lines(scenario: Scenario, uncertainty: Uncertainty) -> _Lines:
    recipients = sorted(c.id for c in scenario.committees)
    rank = {cid: i for i, cid in enumerate(recipients)}
    lines = sorted(scenario.demand_lines, key=lambda ln: (rank[ln.committee], ln.index))
    count = np.array([ln.demand.count for ln in lines], dtype=np.int64)
    each = [uncertainty.of_line(ln.id, ln.product.value) for ln in lines]
    owners = np.array([rank[ln.committee] for ln in lines], dtype=np.int64)
    with_lines, starts = np.unique(owners, return_index=True)
    slot_starts = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    slot_line = np.repeat(np.arange(len(lines)), count)
    slot_pos = np.arange(int(count.sum())) - np.repeat(slot_starts, count)
    by_id = scenario.committee_by_id
    return _Lines(
        count=count,
        priority=np.array([ln.demand.priority for ln in lines], dtype=float),
        cv=np.array([u.demand_cv for u in each], dtype=float),
        no_show=np.array([u.no_show for u in each], dtype=float),
        starts=starts,
        with_lines=with_lines,
        population=np.array([by_id[c].population for c in recipients], dtype=float),
        order=[ln.id for ln in lines],
        slot_line=slot_line,
        slot_pos=slot_pos,
        slot_starts=slot_starts,
    )


def _coverages(
    lines: _Lines, requested: np.ndarray, kept: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Headline and minimum coverage of each season (rows of ``requested``, ``kept``)."""
    seasons = requested.shape[0]
    recipients = np.ones((seasons, len(lines.population)))
    if len(lines.order):
        met = np.minimum(kept, requested) * lines.priority
        asked = requested * lines.priority
        met_r = np.add.reduceat(met, lines.starts, axis=1)
        asked_r = np.add.reduceat(asked, lines.starts, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            cov = np.where(asked_r > 0, met_r / np.where(asked_r > 0, asked_r, 1), 1.0)
        recipients[:, lines.with_lines] = cov
    total = lines.population.sum()
    # Nobody lives anywhere: the unweighted mean, as the KPI does.
    headline = recipients @ lines.population / total if total > 0 else recipients.mean(axis=1)
    return headline, recipients.min(axis=1)


def season_coverages(
    scenario: Scenario,
    plan: Plan,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    uncertainty: Uncertainty | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return each sampled season's coverage and minimum coverage, in draw order.

    See the module's description for the draws; :func:`evaluate_plan` summarises them.
    """
    if samples < 1:
        raise ValueError(
            _("samples: a whole number of at least 1, not {value}").format(value=samples)
        )
    lines = _lines(scenario, uncertainty or Uncertainty())
    per_line = delivered_per_line(scenario, plan)
    delivered = np.minimum(
        np.array([per_line[i] for i in lines.order], dtype=np.int64), lines.count
    )
    shape = np.where(lines.cv > 0, 1.0 / np.maximum(lines.cv, 1e-12) ** 2, 1.0)
    scale = lines.count / shape
    in_plan = lines.slot_pos < delivered[lines.slot_line]
    kept_if = lines.no_show[lines.slot_line]
    rng = np.random.default_rng(seed)
    headline, minimum = [], []
    for first in range(0, samples, BLOCK):
        n = min(BLOCK, samples - first)
        drawn = rng.gamma(shape, scale, size=(n, len(lines.order)))
        requested = np.where(lines.cv > 0, np.rint(drawn), lines.count)
        uniforms = rng.random((n, len(lines.slot_line)))
        kept_slot = (uniforms >= kept_if) & in_plan
        if len(lines.order):
            kept = np.add.reduceat(kept_slot.astype(np.int64), lines.slot_starts, axis=1)
        else:
            kept = np.zeros((n, 0))
        h, m = _coverages(lines, requested, kept)
        headline.append(h)
        minimum.append(m)
    return np.concatenate(headline), np.concatenate(minimum)


def evaluate_plan(
    scenario: Scenario,
    plan: Plan,
    *,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    uncertainty: Uncertainty | None = None,
) -> RobustKpis:
    """Evaluate a plan over ``samples`` seasons drawn from ``seed``.

    Parameters
    ----------
    scenario
        The scenario the plan is for.
    plan
        The plan (any plan: its deliveries count only where they fit their lines).
    samples, seed
        How many seasons, from which seed (the same seed gives the same seasons to
        every plan).
    uncertainty
        The demand uncertainty (default :class:`Uncertainty()`).

    Returns
    -------
    RobustKpis
        Expected, worst-decile, expected minimum and nominal coverage.
    """
    headline, minimum = season_coverages(
        scenario, plan, samples=samples, seed=seed, uncertainty=uncertainty
    )
    lines = _lines(scenario, Uncertainty(demand_cv=0.0, no_show=0.0))
    per_line = delivered_per_line(scenario, plan)
    delivered = np.array([per_line[i] for i in lines.order], dtype=float)
    nominal, _low = _coverages(lines, lines.count[None, :].astype(float), delivered[None, :])
    return RobustKpis(
        expected_coverage=float(headline.mean()),
        worst_decile_coverage=worst_decile(headline),
        expected_min_coverage=float(minimum.mean()),
        nominal_coverage=float(nominal[0]),
        samples=samples,
        seed=seed,
    )


def worst_decile(values: np.ndarray) -> float:
    """CVaR 10 %: the mean of the lowest ``ceil(n / 10)`` values."""
    k = max(1, math.ceil(TAIL * len(values)))
    return float(np.sort(values)[:k].mean())
