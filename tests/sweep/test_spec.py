"""Sweep files: variants applied to scenario data, and every problem located."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.scenario import ScenarioError
from planner.sweep import read_spec
from planner.sweep.spec import sample_count
from tests.sweep.support import write_spec


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        read_spec(write_spec(tmp_path, text))
    return [f"{p.line}: {p}" for p in caught.value.problems]


def test_each_change_lands_in_the_data(tmp_path: Path) -> None:
    """add_trainer adds the record, remove_unit with weeks makes them unavailable,
    scale_demand scales the chosen product's counts, close_weeks closes the season's
    weeks, and Monte Carlo gives seeded samples, each a variant of its own."""
    spec = read_spec(write_spec(tmp_path))
    v = {x.name: x.data for x in spec.variants}
    assert [t["id"] for t in v["多一位教练"]["resources"]["trainers"]] == ["N1", "N2"]
    assert v["剧团外出"]["resources"]["troupes"][0]["unavailable_weeks"] == [1, 2]
    assert [d["count"] for d in v["演出加倍"]["demand"]] == [1, 1, 4, 4, 6]
    assert v["第2周停摆"]["season"]["closed_weeks"] == [2]
    samples = [x for x in spec.variants if x.sample is not None]
    assert [x.name for x in samples] == ["抽样 #1", "抽样 #2", "抽样 #3"]
    assert [x.index for x in spec.variants] == list(range(8))
    again = read_spec(tmp_path / "sweep.yaml")
    assert [x.data for x in again.variants] == [x.data for x in spec.variants]
    assert spec.params.seed == 3 and spec.params.relative_gap == 0


def test_problems_are_located_all_at_once(tmp_path: Path) -> None:
    """Unknown changes, unknown units and committees, weeks outside the season, bad
    numbers and a variant whose changed scenario is invalid are each named with their
    line and place, together."""
    text = """\
base: tiny.yaml
variants:
  - name: a
    remove_unit: {id: T9}
  - name: b
    close_weeks: {weeks: [9], committees: [C7]}
  - name: c
    scale_demand: {factor: -1}
  - name: d
    add_troop: {id: X}
  - name: e
    monte_carlo: {samples: 0, demand_cv: 0.2}
  - name: f
    add_trainer: {id: N3, name: x, skills: [太极], home_grid: G9}
"""
    found = _problems(tmp_path, text)
    assert found == [
        "4: variants[0].remove_unit.id: no resource 'T9' in the base scenario",
        "6: variants[1].close_weeks.weeks[0]: week 9 is not a week of the season (1 to 4)",
        "6: variants[1].close_weeks.committees[0]: no committee 'C7' in the base scenario",
        "8: variants[2].scale_demand.factor: expected a number above 0, not -1",
        "10: variants[3].add_troop: unknown key 'add_troop'; one of: name, add_trainer, "
        "add_troupe, add_lecturer, remove_unit, scale_demand, close_weeks, monte_carlo",
        "12: variants[4].monte_carlo.samples: expected a whole number from 1 to 10000, not 0",
        "13: variants[5]: the changed scenario is not valid: resources.trainers[1].home_grid: "
        "unknown grid 'G9'",
    ]


def test_a_missing_base_and_variants_are_named(tmp_path: Path) -> None:
    """A base that cannot be read and a missing variants list are both reported."""
    found = _problems(tmp_path, "base: nowhere.yaml\nsolve: {workers: 3}\n")
    assert found[0] == "None: variants: missing; required"
    assert found[1].startswith("1: base: the base scenario ")
    assert "nowhere.yaml" in found[1]
    assert found[2] == (
        "2: solve.workers: unknown key 'workers'; one of: time_limit, seed, relative_gap"
    )


def test_sampled_counts_have_the_mean_and_spread_asked_for() -> None:
    """Gamma draws with mean 10 and CV 0.3 average about 10 with a standard deviation
    of about 3 (rounded, at least 1); CV 0 keeps the count."""
    import random
    import statistics

    rng = random.Random(5)
    draws = [sample_count(rng, 10, 0.3) for _ in range(4000)]
    assert statistics.fmean(draws) == pytest.approx(10, abs=0.2)
    assert statistics.stdev(draws) == pytest.approx(3, abs=0.2)
    assert min(draws) >= 1
    assert sample_count(rng, 7, 0.0) == 7
