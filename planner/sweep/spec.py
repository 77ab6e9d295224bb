"""Sweep specifications: a base scenario and a list of variants of its data.

A sweep file is YAML (read within the limits of :mod:`planner.io.safe_yaml`)::

    base: wujiaochang-2027-spring.yaml     # relative to the sweep file's folder
    solve: {time_limit: 10, seed: 0, relative_gap: 0.005}   # optional; no workers
    variants:
      - name: 现状                          # no change: the base itself
      - name: 多一位太极教练
        add_trainer: {id: R99, name: 新教练, skills: [太极], home_grid: G1}
      - name: 政通沪剧团第5–8周外出
        remove_unit: {id: T01, weeks: [5, 6, 7, 8]}   # without weeks: the whole season
      - name: 演出需求加两成
        scale_demand: {factor: 1.2, product: performance}  # product, committees optional
      - name: 第3周停摆
        close_weeks: {weeks: [3]}                    # committees: [C01] closes only them
      - name: 需求抽样
        monte_carlo: {samples: 8, seed: 1, demand_cv: 0.25}

A variant holds a name and any of the changes; they apply to the base scenario's
*data* (the mapping a scenario file holds), in the order of :data:`CHANGES`. A variant
with ``monte_carlo`` stands for ``samples`` variants, each the changed data with every
demand line's count drawn from a gamma distribution with the line's count as mean and
``demand_cv`` as coefficient of variation, rounded, at least 1 (a line's count is a
positive whole number in the format), seeded (sample ``k`` of a seed is the same in
every run).

Every problem of a sweep file is reported at once, with its line and place
(``variants[2].remove_unit.id: no resource 'T99' in the base scenario``); a variant
whose changed scenario is not valid is reported with the scenario's problems under its
place. Nothing here solves: :mod:`planner.sweep.run` does.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.i18n import N_, _
from planner.io.safe_yaml import load, read_text
from planner.io.scenario_yaml import _line as line_of
from planner.io.scenario_yaml import scenario_from_dict
from planner.params import SolveParams
from planner.scenario import Loc, Problem, Product, ScenarioError

#: The changes a variant may make, in the order they apply.
CHANGES = (
    "add_trainer",
    "add_troupe",
    "add_lecturer",
    "remove_unit",
    "scale_demand",
    "close_weeks",
    "monte_carlo",
)
#: The resource list each ``add_*`` change adds a record to.
ADDS = {"add_trainer": "trainers", "add_troupe": "troupes", "add_lecturer": "lecturers"}
#: The resource lists whose records ``remove_unit`` may name.
UNIT_LISTS = ("book_sets", "board_sets", "troupes", "lecturers", "trainers")
#: The most variants one sweep may hold (Monte Carlo samples counted one by one).
MAX_VARIANTS = 10_000
#: The keys of a sweep file.
TOP_KEYS = ("base", "solve", "variants")
#: The solve parameters a sweep file may set (a sweep sets ``workers`` itself).
SOLVE_KEYS = ("time_limit", "seed", "relative_gap")

_MESSAGES = {
    "not_mapping": N_("expected a mapping (key: value), not {found}"),
    "unknown_key": N_("unknown key '{key}'; one of: {keys}"),
    "missing": N_("missing; required"),
    "not_text": N_("expected text, not {value!r}"),
    "not_list": N_("expected a list, not {value!r}"),
    "no_variants": N_("no variants: give at least one"),
    "too_many": N_("{n} variants (Monte Carlo samples counted one by one); at most {limit}"),
    "base_unreadable": N_("the base scenario {path} cannot be used: {reason}"),
    "unknown_unit": N_("no resource '{unit}' in the base scenario"),
    "unknown_committee": N_("no committee '{committee}' in the base scenario"),
    "bad_week": N_("week {week!r} is not a week of the season (1 to {weeks})"),
    "bad_number": N_("expected a number above 0, not {value!r}"),
    "bad_cv": N_("expected a number from 0 to 10, not {value!r}"),
    "bad_samples": N_("expected a whole number from 1 to {limit}, not {value!r}"),
    "bad_seed": N_("expected a whole number of at least 0, not {value!r}"),
    "bad_product": N_("unknown product {value!r}; one of: {products}"),
    "variant_invalid": N_("the changed scenario is not valid: {place}: {problem}"),
    "duplicate_name": N_("another variant has the name '{name}'"),
}


def _msg(name: str, /, **values: object) -> str:
    return _(_MESSAGES[name]).format(**values)


@dataclass(frozen=True)
class Variant:
    """One scenario variant of a sweep, as data to ship to a worker.

    Attributes
    ----------
    index
        Its place in the sweep, from 0 (Monte Carlo samples one by one).
    name
        Its name: the variant's ``name`` (or ``variant k``), a Monte Carlo sample's
        followed by ``#k``.
    changes
        The changes made to the base data (the variant's mapping without ``name``).
    data
        The changed scenario data (plain mappings, lists and scalars).
    sample
        The Monte Carlo sample number from 1, or None.
    """

    index: int
    name: str
    changes: dict[str, Any]
    data: dict[str, Any] = field(repr=False)
    sample: int | None = None


@dataclass(frozen=True)
class SweepSpec:
    """A read sweep: its variants and the solve parameters of each solve.

    Attributes
    ----------
    source
        The sweep file's name (or another name of the input).
    base
        The base scenario file.
    params
        Solve parameters of every solve; ``workers`` is replaced by the threads of the
        worker a solve runs on (1 in a serial run unless given to ``run_sweep``).
    variants
        The variants, Monte Carlo samples one by one, in order.
    """

    source: str
    base: Path
    params: SolveParams
    variants: tuple[Variant, ...]


def read_spec(path: str | Path) -> SweepSpec:
    """Read a sweep file and build every variant's scenario data.

    Parameters
    ----------
    path
        The sweep YAML file; its ``base`` is read relative to the file's folder.

    Returns
    -------
    SweepSpec
        The variants, each checked: its changed scenario is valid.

    Raises
    ------
    ScenarioError
        With every problem of the file at once, each with its line and place.
    """
    path = Path(path)
    return parse_spec(read_text(path), str(path), path.parent)


def parse_spec(text: str, source: str = "<sweep>", folder: str | Path = ".") -> SweepSpec:
    """Parse sweep YAML text; see :func:`read_spec` (``folder`` resolves ``base``)."""
    document, node, duplicates = load(text, source)
    if duplicates:
        raise ScenarioError(source, duplicates)
    problems: list[Problem] = []
    spec = _build(document, source, Path(folder), problems)
    if problems or spec is None:
        located = [Problem(p.loc, p.message, p.line or line_of(node, p.loc)) for p in problems]
        located.sort(key=lambda p: p.line or 0)
        raise ScenarioError(source, located)
    return spec


def _build(doc: Any, source: str, folder: Path, out: list[Problem]) -> SweepSpec | None:
    if not isinstance(doc, dict):
        out.append(Problem((), _msg("not_mapping", found=type(doc).__name__)))
        return None
    for key in doc:
        if key not in TOP_KEYS:
            out.append(Problem((str(key),), _unknown(key, TOP_KEYS)))
    params = _params(doc.get("solve"), out)
    base_path, base = _base(doc.get("base"), folder, out)
    raw = doc.get("variants")
    if not isinstance(raw, list):
        loc: Loc = ("variants",)
        text = _msg("missing") if raw is None else _msg("not_list", value=raw)
        out.append(Problem(loc, text))
        return None
    if not raw:
        out.append(Problem(("variants",), _msg("no_variants")))
        return None
    total = sum(_count(v) for v in raw)
    if total > MAX_VARIANTS:
        out.append(Problem(("variants",), _msg("too_many", n=total, limit=MAX_VARIANTS)))
        return None
    variants: list[Variant] = []
    names: set[str] = set()
    for i, item in enumerate(raw):
        variants.extend(_variant(i, item, base, len(variants), names, out))
    if base_path is None or out:
        return None
    return SweepSpec(source, base_path, params, tuple(variants))


def _unknown(key: object, keys: tuple[str, ...]) -> str:
    return _msg("unknown_key", key=key, keys=", ".join(keys))


def _params(raw: Any, out: list[Problem]) -> SolveParams:
    if raw is None:
        return SolveParams()
    if not isinstance(raw, dict):
        out.append(Problem(("solve",), _msg("not_mapping", found=type(raw).__name__)))
        return SolveParams()
    given = {}
    for key, value in raw.items():
        if key not in SOLVE_KEYS:
            out.append(Problem(("solve", str(key)), _unknown(key, SOLVE_KEYS)))
        else:
            given[key] = value
    try:
        return SolveParams.from_dict(given)
    except ValueError as exc:
        out.append(Problem(("solve",), str(exc)))
        return SolveParams()


def _base(raw: Any, folder: Path, out: list[Problem]) -> tuple[Path | None, dict[str, Any]]:
    if not isinstance(raw, str) or not raw.strip():
        text = _msg("missing") if raw is None else _msg("not_text", value=raw)
        out.append(Problem(("base",), text))
        return None, {}
    path = folder / raw
    try:
        text = read_text(path)
        data, _node, duplicates = load(text, str(path))
        scenario_from_dict(data, str(path))  # the base itself must be valid
        if duplicates:
            raise ScenarioError(str(path), duplicates)
    except ScenarioError as exc:
        reason = "; ".join(str(p) for p in exc.problems[:3])
        out.append(Problem(("base",), _msg("base_unreadable", path=path, reason=reason)))
        return None, {}
    return path, data


def _count(item: Any) -> int:
    """How many variants an item of ``variants`` stands for (for the limit)."""
    if isinstance(item, dict) and isinstance(item.get("monte_carlo"), dict):
        samples = item["monte_carlo"].get("samples")
        if isinstance(samples, int) and not isinstance(samples, bool) and samples > 0:
            return samples
    return 1


def _variant(
    i: int,
    item: Any,
    base: dict[str, Any],
    first_index: int,
    names: set[str],
    out: list[Problem],
) -> list[Variant]:
    loc: Loc = ("variants", i)
    if item is None:
        item = {}
    if not isinstance(item, dict):
        out.append(Problem(loc, _msg("not_mapping", found=type(item).__name__)))
        return []
    before = len(out)
    allowed = ("name", *CHANGES)
    for key in item:
        if key not in allowed:
            out.append(Problem((*loc, str(key)), _unknown(key, allowed)))
    name = item.get("name", _("variant {k}").format(k=i + 1))
    if not isinstance(name, str) or not name.strip():
        out.append(Problem((*loc, "name"), _msg("not_text", value=name)))
        name = str(name)
    elif name in names:
        out.append(Problem((*loc, "name"), _msg("duplicate_name", name=name)))
    names.add(name)
    if not base:  # the base could not be read: check nothing against it
        return []
    data = copy.deepcopy(base)
    for change in CHANGES[:-1]:
        if change in item:
            _APPLY[change](data, item[change], (*loc, change), change, out)
    monte = item.get("monte_carlo")
    samples: list[tuple[int | None, dict[str, Any]]] = [(None, data)]
    if "monte_carlo" in item:
        samples = list(_monte_carlo(data, monte, (*loc, "monte_carlo"), out))
    if len(out) > before:
        return []
    # Every sample differs from the first only in its counts: checking one checks all.
    try:
        scenario_from_dict(samples[0][1])
    except ScenarioError as exc:
        for p in exc.problems:
            text = _msg("variant_invalid", place=p.place, problem=p.message)
            out.append(Problem(loc, text))
        return []
    changes = {k: v for k, v in item.items() if k != "name"}
    return [
        Variant(
            first_index + k,
            name if sample is None else f"{name} #{sample}",
            changes,
            d,
            sample,
        )
        for k, (sample, d) in enumerate(samples)
    ]


# -- the changes --------------------------------------------------------------------------


def _mapping(raw: Any, loc: Loc, out: list[Problem]) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        out.append(Problem(loc, _msg("not_mapping", found=type(raw).__name__)))
        return None
    return raw


def _keys(raw: dict[str, Any], allowed: tuple[str, ...], loc: Loc, out: list[Problem]) -> None:
    for key in raw:
        if key not in allowed:
            out.append(Problem((*loc, str(key)), _unknown(key, allowed)))


def _weeks(raw: Any, data: dict[str, Any], loc: Loc, out: list[Problem]) -> list[int]:
    weeks = int(data.get("season", {}).get("weeks", 0))
    if not isinstance(raw, list) or not raw:
        out.append(Problem(loc, _msg("missing") if raw is None else _msg("not_list", value=raw)))
        return []
    good = []
    for j, w in enumerate(raw):
        if isinstance(w, bool) or not isinstance(w, int) or not 1 <= w <= weeks:
            out.append(Problem((*loc, j), _msg("bad_week", week=w, weeks=weeks)))
        else:
            good.append(w)
    return good


def _committees(raw: Any, data: dict[str, Any], loc: Loc, out: list[Problem]) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        out.append(Problem(loc, _msg("not_list", value=raw)))
        return []
    known = {c.get("id") for c in data.get("committees", []) if isinstance(c, dict)}
    for j, cid in enumerate(raw):
        if cid not in known:
            out.append(Problem((*loc, j), _msg("unknown_committee", committee=cid)))
    return [str(c) for c in raw]


def _add(data: dict[str, Any], raw: Any, loc: Loc, change: str, out: list[Problem]) -> None:
    record = _mapping(raw, loc, out)
    if record is not None:
        data.setdefault("resources", {}).setdefault(ADDS[change], []).append(copy.deepcopy(record))


def _remove(data: dict[str, Any], raw: Any, loc: Loc, change: str, out: list[Problem]) -> None:
    spec = _mapping(raw, loc, out)
    if spec is None:
        return
    _keys(spec, ("id", "weeks"), loc, out)
    unit = spec.get("id")
    resources = data.setdefault("resources", {})
    for kind in UNIT_LISTS:
        records = resources.get(kind) or []
        for k, record in enumerate(records):
            if isinstance(record, dict) and record.get("id") == unit:
                if "weeks" not in spec:
                    del records[k]
                    return
                weeks = _weeks(spec.get("weeks"), data, (*loc, "weeks"), out)
                away = set(record.get("unavailable_weeks") or []) | set(weeks)
                record["unavailable_weeks"] = sorted(away)
                return
    out.append(Problem((*loc, "id"), _msg("unknown_unit", unit=unit)))


def _lines(
    data: dict[str, Any], spec: dict[str, Any], loc: Loc, out: list[Problem]
) -> list[dict[str, Any]]:
    """The demand records a change's ``product`` and ``committees`` select."""
    product = spec.get("product")
    products = [p.value for p in Product]
    if product is not None and product not in products:
        text = _msg("bad_product", value=product, products=", ".join(products))
        out.append(Problem((*loc, "product"), text))
    committees = set(_committees(spec.get("committees"), data, (*loc, "committees"), out))
    return [
        d
        for d in data.get("demand") or []
        if isinstance(d, dict)
        and (product is None or d.get("product") == product)
        and (not committees or d.get("committee") in committees)
    ]


def _scale(data: dict[str, Any], raw: Any, loc: Loc, change: str, out: list[Problem]) -> None:
    spec = _mapping(raw, loc, out)
    if spec is None:
        return
    _keys(spec, ("factor", "product", "committees"), loc, out)
    factor = spec.get("factor")
    if not _positive(factor):
        out.append(Problem((*loc, "factor"), _msg("bad_number", value=factor)))
        return
    for d in _lines(data, spec, loc, out):
        if isinstance(d.get("count"), int):
            d["count"] = max(1, round(d["count"] * factor))


def _close(data: dict[str, Any], raw: Any, loc: Loc, change: str, out: list[Problem]) -> None:
    spec = _mapping(raw, loc, out)
    if spec is None:
        return
    _keys(spec, ("weeks", "committees"), loc, out)
    weeks = _weeks(spec.get("weeks"), data, (*loc, "weeks"), out)
    chosen = _committees(spec.get("committees"), data, (*loc, "committees"), out)
    if not chosen:
        season = data.setdefault("season", {})
        season["closed_weeks"] = sorted(set(season.get("closed_weeks") or []) | set(weeks))
        return
    for c in data.get("committees") or []:
        if isinstance(c, dict) and c.get("id") in chosen:
            c["closed_weeks"] = sorted(set(c.get("closed_weeks") or []) | set(weeks))


def _positive(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def _monte_carlo(
    data: dict[str, Any], raw: Any, loc: Loc, out: list[Problem]
) -> list[tuple[int | None, dict[str, Any]]]:
    spec = _mapping(raw, loc, out)
    if spec is None:
        return []
    _keys(spec, ("samples", "seed", "demand_cv", "product", "committees"), loc, out)
    samples, seed, cv = spec.get("samples"), spec.get("seed", 0), spec.get("demand_cv")
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        text = _msg("bad_samples", value=samples, limit=MAX_VARIANTS)
        out.append(Problem((*loc, "samples"), text))
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        out.append(Problem((*loc, "seed"), _msg("bad_seed", value=seed)))
    if isinstance(cv, bool) or not isinstance(cv, int | float) or not 0 <= cv <= 10:
        out.append(Problem((*loc, "demand_cv"), _msg("bad_cv", value=cv)))
    selected = {id(d) for d in _lines(data, spec, loc, out)}
    if out or not isinstance(samples, int) or not isinstance(cv, int | float):
        return []
    drawn: list[tuple[int | None, dict[str, Any]]] = []
    for k in range(1, samples + 1):
        rng = random.Random(f"monte_carlo/{seed}/{k}")
        sample = copy.deepcopy(data)
        originals = data.get("demand") or []
        for d, mine in zip(originals, sample.get("demand") or [], strict=True):
            if id(d) in selected and isinstance(mine.get("count"), int):
                mine["count"] = sample_count(rng, mine["count"], float(cv))
        drawn.append((k, sample))
    return drawn


def sample_count(rng: random.Random, mean: int, cv: float) -> int:
    """Draw a demand line's count: gamma with mean ``mean`` and coefficient of variation
    ``cv`` (``cv`` 0: the mean), rounded to a whole number, at least 1.

    Parameters
    ----------
    rng
        The random stream (one per sample, so that a sample never depends on others).
    mean
        The line's count in the base scenario.
    cv
        Standard deviation over mean.
    """
    if cv <= 0:
        return mean
    shape = 1.0 / (cv * cv)
    return max(1, round(rng.gammavariate(shape, mean / shape)))


_APPLY: Mapping[str, Callable[[dict[str, Any], Any, Loc, str, list[Problem]], None]] = {
    "add_trainer": _add,
    "add_troupe": _add,
    "add_lecturer": _add,
    "remove_unit": _remove,
    "scale_demand": _scale,
    "close_weeks": _close,
}

__all__ = ["CHANGES", "SweepSpec", "Variant", "parse_spec", "read_spec", "sample_count"]
