"""Fixtures shared across the test suite.

Record builders live in :mod:`tests.factories`; this module only holds what pytest
injects: the reference scenario (read once per session, it takes a while to validate),
a fresh tiny scenario as data, and an output directory path.

Most tests read messages in English, the language the texts are written in, so the
suite runs with ``CULTPLAN_LANG=en`` (set here, before any test, and inherited by the
command-line processes the tests start). The Chinese default is tested where it is the
point: ``tests/test_i18n.py`` checks that every text has its Chinese form and that a
process without the variable speaks Chinese, and the calendar and command-line tests
ask for Chinese explicitly.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from planner.io import read_scenario
from planner.scenario import Scenario
from tests.factories import REFERENCE, base_data

os.environ["CULTPLAN_LANG"] = "en"

#: Fixture modules for the whole suite (pytest reads this only in the root conftest):
#: a real PostgreSQL server (postgres_server, postgres_url, fresh_postgres_url).
pytest_plugins = ["tests.api.postgres"]


@pytest.fixture(scope="session")
def reference() -> Scenario:
    """The committed 13-week reference scenario, read once per session (it is frozen)."""
    return read_scenario(REFERENCE)


@pytest.fixture
def tiny_data() -> dict[str, Any]:
    """A fresh :func:`tests.factories.base_data` dict (4 weeks, C1 and C2) to edit freely."""
    return base_data()


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """A path for command outputs inside ``tmp_path``, not yet created (so a test can
    check that a failed command created nothing)."""
    return tmp_path / "out"
