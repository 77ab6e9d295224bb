"""Fixtures of the service's tests: settings on a temporary data directory with a real
SQLite file (or, for tests marked :data:`both_databases`, a fresh database on the real
PostgreSQL server as well), the app, an in-process HTTP client, and a token for each role.

The app's lifespan runs (migrations, the solve pool when installed) inside the
``client`` fixture; the first start's bootstrap is off unless a test asks for it.
Texts are asked for in English (``Accept-Language: en``) unless a test says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.db import tokens as token_store
from api.db.engine import make_engine
from api.db.migrate import upgrade
from api.settings import Settings

#: The committee of the ``committee_token`` fixture, and another one.
OWN_COMMITTEE = "C1"
OTHER_COMMITTEE = "C2"


#: The databases the service runs on.
DATABASES = ("sqlite", "postgresql")

#: Run a test (or, as ``pytestmark``, a module) once on a real SQLite file and once on a
#: fresh database of the real PostgreSQL server.
both_databases = pytest.mark.parametrize("database", DATABASES, indirect=True)


@pytest.fixture
def database(request: pytest.FixtureRequest) -> str:
    """The database of the test: ``sqlite`` unless parametrized by :data:`both_databases`."""
    name = str(getattr(request, "param", "sqlite"))
    assert name in DATABASES, name
    return name


@pytest.fixture
def database_url(database: str, request: pytest.FixtureRequest) -> str:
    """The settings' database URL: empty for the SQLite file in the data directory, a
    fresh PostgreSQL database's URL (dropped after the test) for ``postgresql``."""
    if database == "postgresql":
        return str(request.getfixturevalue("fresh_postgres_url"))
    return ""


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings on a fresh data directory and database (a real SQLite file unless the
    test runs on PostgreSQL), one solve worker, short solves, no bootstrap."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        workers=1,
        solve_time_limit=5.0,
        bootstrap_time_limit=5.0,
        bootstrap=False,
        max_body_bytes=200_000,
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[sa.Engine]:
    """An engine on the settings' database, migrated to the head."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.url)
    upgrade(settings.url, engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The service's app on the test settings (its lifespan runs in ``client``)."""
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """An in-process client with the lifespan run (database migrated), asking for English."""
    with TestClient(app, headers={"Accept-Language": "en"}) as client:
        yield client


def _token(app: FastAPI, role: str, committee_id: str | None = None) -> str:
    engine: sa.Engine = app.state.engine
    with engine.begin() as conn:
        return token_store.create(conn, role, committee_id).secret


@pytest.fixture
def planner_token(app: FastAPI, client: TestClient) -> str:
    """A planner's secret token."""
    return _token(app, "planner")


@pytest.fixture
def analyst_token(app: FastAPI, client: TestClient) -> str:
    """An analyst's secret token."""
    return _token(app, "analyst")


@pytest.fixture
def committee_token(app: FastAPI, client: TestClient) -> str:
    """The secret token of committee :data:`OWN_COMMITTEE`."""
    return _token(app, "committee", OWN_COMMITTEE)


@pytest.fixture
def other_committee_token(app: FastAPI, client: TestClient) -> str:
    """The secret token of committee :data:`OTHER_COMMITTEE`."""
    return _token(app, "committee", OTHER_COMMITTEE)


def bearer(token: str) -> dict[str, str]:
    """The ``Authorization`` header of a token."""
    return {"Authorization": f"Bearer {token}"}
