"""The FastAPI application: :func:`create_app`.

The lifespan migrates the database, starts the solve pool (``api.jobs.pool`` when it is
installed), runs the first start's bootstrap (:mod:`api.bootstrap`), gives published
versions without committee calendars theirs (:func:`api.calendars.backfill`; calendars
are built at each publish by the hooks installed here) and shuts the pool down at the
end. Routers are included from ``api.routes``; the jobs router only when its module
exists, so that the service runs with or without the solve pool.
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Response
from starlette.types import ASGIApp

from api import calendars, errors
from api.auth import public
from api.db.engine import make_engine
from api.db.migrate import upgrade
from api.fastpath import FastPath, TokenCache
from api.middleware import BodyLimit, HeadAsGet, Language
from api.settings import Settings

log = logging.getLogger("cultplan.api")

#: The routers of the service, in the order of the API's description.
ROUTERS = (
    "api.routes.scenarios",
    "api.routes.plans",
    "api.routes.versions",
    "api.routes.jobs",
    "api.routes.calendars",
)


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def make_pool(settings: Settings, engine: Any) -> Any | None:
    """Return the solve pool (``api.jobs.pool.JobPool``), or ``None`` when not installed."""
    if not _module_exists("api.jobs.pool"):
        return None
    module = importlib.import_module("api.jobs.pool")
    return module.JobPool(settings, engine)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Return the service's application.

    Parameters
    ----------
    settings
        The settings; read from the environment (``CULTPLAN_*``) when not given.
    """
    settings = settings if settings is not None else Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.url)
    calendars.install(settings.language)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(upgrade, settings.url, engine)
        pool = make_pool(settings, engine)
        app.state.pool = pool
        if pool is not None:
            await asyncio.to_thread(pool.start)
        try:
            if settings.bootstrap:
                from api.bootstrap import bootstrap

                await asyncio.to_thread(bootstrap, settings, engine, pool)
            await asyncio.to_thread(calendars.backfill, engine, settings.language)
            # What the start loaded (the library, pandas, OR-Tools) lives as long as the
            # process: out of the collector's sight, a full collection stays short.
            gc.collect()
            gc.freeze()
            yield
        finally:
            if pool is not None:
                await asyncio.to_thread(pool.shutdown)
            engine.dispose()

    app = FastAPI(
        title="cultplan",
        summary="Season plans of a subdistrict culture centre: scenarios, solves, published "
        "versions and committee calendars.",
        version=_version(),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.pool = None
    app.state.tokens = TokenCache(ttl=settings.token_cache_seconds)
    errors.install(app)
    # the last added runs first: the language is chosen before the size limit may refuse
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(Language, default=settings.language)
    app.add_middleware(HeadAsGet)

    @app.get("/healthz", tags=["service"], dependencies=[Depends(public)])
    def healthz(response: Response) -> dict[str, str]:
        """Whether the service answers and its solve pool dispatches (no token needed).

        ``pool`` is ``alive`` while the pool's dispatcher thread runs, ``stopped`` when
        it has ended (the answer is then 503) and ``absent`` without a pool.
        """
        pool = app.state.pool
        if pool is None:
            return {"status": "ok", "pool": "absent"}
        if pool.alive():
            return {"status": "ok", "pool": "alive"}
        response.status_code = 503
        return {"status": "degraded", "pool": "stopped"}

    for name in ROUTERS:
        if _module_exists(name):
            app.include_router(importlib.import_module(name).router)
    return app


def served(app: FastAPI) -> ASGIApp:
    """The application as ``cultplan serve`` runs it: :class:`api.fastpath.FastPath`
    around the whole app (outside FastAPI's own middleware, which it skips when it
    answers), sharing the app's token cache."""
    return FastPath(app, tokens=app.state.tokens, state=app.state)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cultplan")
    except PackageNotFoundError:
        return "0"
