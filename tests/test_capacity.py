"""Tests of planner.capacity: each named capacity counts what it says."""

from __future__ import annotations

import pytest

from planner import capacity, generate
from planner.io import read_scenario
from tests.factories import SCENARIOS


@pytest.mark.parametrize("name", sorted(generate.REFERENCE_FILES.values()))
def test_product_deliveries_sum_unit_deliveries(name: str) -> None:
    """A product's season deliveries are the sum over its units, split by service area."""
    scenario = read_scenario(SCENARIOS / name)
    areas = {u.service_area for u in scenario.resource_units.values()}
    for product in {u.product for u in scenario.resource_units.values()}:
        whole = capacity.product_season_deliveries(scenario, product)
        by_area = sum(capacity.product_season_deliveries(scenario, product, a) for a in areas)
        assert whole == by_area > 0
