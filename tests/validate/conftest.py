"""The fixture the validator tests share."""

from __future__ import annotations

import pytest

from planner.scenario import Scenario
from tests.factories import build
from tests.validate.plans import rich_data


@pytest.fixture
def scenario() -> Scenario:
    """The rich scenario."""
    return build(rich_data())
