"""Helpers of the solve-job tests: scenarios stored as revisions, and small scenario texts.

The tiny scenario (:func:`tiny_yaml`) solves to a proven optimum in well under a second;
the reference scenario with a gap of 0 (:data:`LONG_PARAMS`) keeps searching until its
time limit, so a test can watch it run, read its progress and cancel it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
import yaml

from api.db.tables import scenario_revisions, scenarios
from api.jobs import store
from tests.factories import REFERENCE, ask, base_data, lecturer, numbered, troupe

#: Parameters of a quick solve (fixed seed and workers).
QUICK_PARAMS: dict[str, Any] = {
    "time_limit": 10.0,
    "seed": 3,
    "workers": 2,
    "relative_gap": 0.0,
    "decompose": "auto",
}
#: Parameters of a solve that runs until cancelled (the reference scenario, gap 0).
LONG_PARAMS: dict[str, Any] = {
    "time_limit": 60.0,
    "seed": 3,
    "workers": 2,
    "relative_gap": 0.0,
    "decompose": "auto",
}


def tiny_data() -> dict[str, Any]:
    """Two committees, a troupe and a lecturer, four demand lines over four weeks."""
    data = base_data(weeks=4, committees=2)
    data["resources"] = {"troupes": [troupe()], "lecturers": [lecturer()]}
    data["demand"] = numbered(
        [
            ask("C1", "performance", 2),
            ask("C2", "performance", 1),
            ask("C1", "lecture", 1, priority=3),
            ask("C2", "lecture", 2),
        ]
    )
    return data


def tiny_yaml() -> str:
    """:func:`tiny_data` as scenario YAML."""
    return yaml.safe_dump(tiny_data(), allow_unicode=True, sort_keys=False)


def reference_yaml() -> str:
    """The committed reference scenario's text."""
    return REFERENCE.read_text(encoding="utf-8")


def add_scenario(
    engine: sa.Engine, source: str, media_type: str = "application/yaml", name: str = "测试"
) -> int:
    """Store a scenario with one revision (1) holding ``source``; return its id."""
    with engine.begin() as conn:
        scenario_id = int(
            conn.execute(
                sa.insert(scenarios).values(name=name, current_revision=1).returning(scenarios.c.id)
            ).scalar_one()
        )
        conn.execute(
            sa.insert(scenario_revisions).values(
                scenario_id=scenario_id,
                revision=1,
                source=source,
                media_type=media_type,
                sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(),
            )
        )
    return scenario_id


def add_job(engine: sa.Engine, scenario_id: int, params: dict[str, Any] | None = None) -> int:
    """Insert a queued job of revision 1 of a scenario; return its id."""
    with engine.begin() as conn:
        return store.create(conn, scenario_id, 1, params or QUICK_PARAMS)


def job(engine: sa.Engine, job_id: int) -> dict[str, Any]:
    """A job's row as a dict."""
    with engine.connect() as conn:
        row = store.get(conn, job_id)
    assert row is not None
    return dict(row)


def wait_for(check: Callable[[], Any], timeout: float = 60.0, what: str = "the condition") -> Any:
    """Poll ``check`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
