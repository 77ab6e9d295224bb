"""Tests of planner.capacity: the moved capacity counts give the numbers they gave before."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner import capacity, generate
from planner.io import read_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.mark.parametrize("name", sorted(generate.REFERENCE_FILES.values()))
def test_capacity_summary_equals_the_generators(name: str) -> None:
    """capacity.capacity_summary gives the generator's summary on both reference files."""
    scenario = read_scenario(SCENARIOS / name)
    assert capacity.capacity_summary(scenario) == generate.capacity_summary(scenario)


@pytest.mark.parametrize("name", sorted(generate.REFERENCE_FILES.values()))
def test_product_deliveries_sum_unit_deliveries(name: str) -> None:
    """A product's season deliveries are the sum over its units, split by service area."""
    scenario = read_scenario(SCENARIOS / name)
    areas = {u.service_area for u in scenario.resource_units.values()}
    for product in {u.product for u in scenario.resource_units.values()}:
        whole = capacity.product_season_deliveries(scenario, product)
        by_area = sum(capacity.product_season_deliveries(scenario, product, a) for a in areas)
        assert whole == by_area > 0
