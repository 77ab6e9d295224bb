"""The service's foundation: settings, the engine, migrations, the app's health check."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient

from api.db.engine import make_engine
from api.db.migrate import alembic_config, current, foreign_keys_off, head, upgrade
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
    assert current(engine) == head()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM tokens")).scalar() == 1


def test_sqlite_ids_are_never_reused_and_the_migration_keeps_every_row(tmp_path: Path) -> None:
    """A SQLite database at ``0002`` with a scenario, its revision, a plan, a version and
    a token, migrated to the head: every row is still there (none cascaded away while its
    table was recreated), foreign keys are on again, and after the newest row of each
    table with an ``id`` is deleted, the next row gets a new id."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.connect() as conn, foreign_keys_off(conn), conn.begin():
        config = alembic_config(url)
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    rows = [
        "INSERT INTO scenarios (id, name, current_revision) VALUES (1, 's', 1)",
        "INSERT INTO scenario_revisions (scenario_id, revision, source, media_type, sha256)"
        " VALUES (1, 1, 'x', 'application/yaml', 'h')",
        "INSERT INTO plans (id, scenario_id, revision, status, deliveries, report)"
        " VALUES (1, 1, 1, 'optimal', '[]', '{}')",
        "INSERT INTO versions (id, scenario_id, number, plan_id) VALUES (1, 1, 1, 1)",
        "INSERT INTO jobs (id, scenario_id, revision, state, params) VALUES (1, 1, 1, 'x', '{}')",
        "INSERT INTO tokens (id, hash, role) VALUES (1, 'h', 'planner')",
    ]
    with engine.begin() as conn:
        for row in rows:
            conn.execute(sa.text(row))
    upgrade(url, engine)
    tables = ("scenarios", "scenario_revisions", "plans", "versions", "jobs", "tokens")
    with engine.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        for table in tables:
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 1, table
        for table in ("versions", "plans", "jobs", "tokens"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
        conn.execute(sa.text("DELETE FROM scenarios"))
        for row in rows:
            if "scenario_revisions" not in row and "versions" not in row:
                conn.execute(sa.text(row.replace("(id, ", "(").replace("VALUES (1, ", "VALUES (")))
        for table in ("scenarios", "plans", "jobs", "tokens"):
            assert conn.execute(sa.text(f"SELECT id FROM {table}")).scalar() == 2, table
    engine.dispose()


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


def test_sqlite_downgrade_from_the_job_messages_keeps_rows_and_never_reused_ids(
    tmp_path: Path,
) -> None:
    """A SQLite database at the head with a job that has a message and notes, taken back
    to ``0003`` (foreign keys off): the job and its plan are still there, ``jobs`` has
    neither column and is still ``AUTOINCREMENT``, and a new job does not get the id of
    one deleted before; migrated up again, it is at the head."""
    url = f"sqlite:///{tmp_path / 'down.db'}"
    engine = make_engine(url)
    upgrade(url, engine)
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO scenarios (id, name, current_revision) VALUES (1, 's', 1)")
        )
        conn.execute(
            sa.text(
                "INSERT INTO jobs (id, scenario_id, revision, state, params, message, notes)"
                " VALUES (1, 1, 1, 'finished', '{}', 'done', '[]')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO jobs (id, scenario_id, revision, state, params)"
                " VALUES (2, 1, 1, 'finished', '{}')"
            )
        )
        conn.execute(sa.text("DELETE FROM jobs WHERE id = 2"))  # its id never comes back
        conn.execute(
            sa.text(
                "INSERT INTO plans (id, scenario_id, revision, status, deliveries, report)"
                " VALUES (1, 1, 1, 'optimal', '[]', '{}')"
            )
        )
    with engine.connect() as conn, foreign_keys_off(conn), conn.begin():
        config = alembic_config(url)
        config.attributes["connection"] = conn
        command.downgrade(config, "0003")
    with engine.begin() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM jobs")).scalar() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM plans")).scalar() == 1
        columns = {c["name"] for c in sa.inspect(conn).get_columns("jobs")}
        assert not {"message", "notes"} & columns
        sql = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'jobs'")).scalar()
        assert "AUTOINCREMENT" in str(sql).upper()
        new_job = "INSERT INTO jobs (scenario_id, revision, state, params) VALUES (1, 1, 'x', '{}')"
        conn.execute(sa.text(new_job))
        assert conn.execute(sa.text("SELECT max(id) FROM jobs")).scalar() == 3
    upgrade(url, engine)
    assert current(engine) == head()
    engine.dispose()
