"""Small helpers the routes share: the engine, stored scenarios read through the cache."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa
from fastapi import Request

from api.db import scenarios as scenario_store
from api.documents import ScenarioCache
from api.errors import not_found
from planner.scenario import Scenario

_CACHE = ScenarioCache()


def engine_of(request: Request) -> sa.Engine:
    """The app's engine."""
    engine: sa.Engine = request.app.state.engine
    return engine


def stored_scenario(engine: sa.Engine, scenario_id: int, revision: int) -> Scenario:
    """The scenario of a stored revision (read once, then cached); 404 when unknown."""
    with engine.connect() as conn:
        row = scenario_store.revision(conn, scenario_id, revision)
    if row is None:
        raise not_found("scenario", scenario_id)
    return _CACHE.get(
        row.sha256 + row.media_type, row.source, row.media_type, f"scenario {scenario_id}"
    )


async def in_thread(function: Any, *args: Any, **kwargs: Any) -> Any:
    """Run blocking work (database, the library) off the event loop, in this context."""
    return await asyncio.to_thread(function, *args, **kwargs)
