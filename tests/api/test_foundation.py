"""The service's foundation: settings, the engine, migrations, the app's health check."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient

from api.db.engine import make_engine
from api.db.migrate import current, head, upgrade
from api.db.tables import metadata
from api.settings import Settings
from tests.api.conftest import both_databases


def test_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    """Without a database URL the service uses ``cultplan.db`` in its data directory."""
    settings = Settings(data_dir=tmp_path)
    assert settings.url == f"sqlite:///{tmp_path.resolve() / 'cultplan.db'}"


def test_settings_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``CULTPLAN_*`` variables set the settings."""
    monkeypatch.setenv("CULTPLAN_WORKERS", "3")
    monkeypatch.setenv("CULTPLAN_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    settings = Settings()
    assert settings.workers == 3
    assert settings.url == "sqlite:////tmp/elsewhere.db"


def test_sqlite_engine_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    """A SQLite file is opened with write-ahead logging and foreign keys on."""
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


@both_databases
def test_migrations_create_exactly_the_tables_schema(engine: sa.Engine) -> None:
    """After ``upgrade`` the database matches ``api.db.tables`` (autogenerate finds no
    difference: tables, columns, types, indexes, constraints, server defaults)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, metadata) == []
        assert set(sa.inspect(conn).get_table_names()) == set(metadata.tables) | {"alembic_version"}


@both_databases
def test_upgrade_is_idempotent(engine: sa.Engine, settings: Settings) -> None:
    """A second ``upgrade`` on a migrated database changes nothing and stays at the head."""
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO tokens (hash, role) VALUES ('h', 'analyst')"))
    upgrade(settings.url, engine)
    assert current(engine) == head() == "0002"
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM tokens")).scalar() == 1


def test_health_check_needs_no_token(client: TestClient) -> None:
    """``GET /healthz`` answers 200 without a token."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "pool": "alive"}


def test_health_check_reports_a_stopped_pool(client: TestClient) -> None:
    """Once the solve pool's dispatcher has ended, ``GET /healthz`` answers 503 and says
    the pool stopped."""
    client.app.state.pool.shutdown()  # type: ignore[attr-defined]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "pool": "stopped"}


def test_unknown_path_is_a_404_error_body(client: TestClient) -> None:
    """An unknown path answers 404 with the service's error body."""
    response = client.get("/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_body_above_the_limit_is_413(client: TestClient) -> None:
    """A body above ``max_body_bytes`` is refused with 413 and a message naming the limit."""
    response = client.post("/healthz", content=b"x" * 300_000)
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert "200000" in response.json()["message"]
