"""The PostgreSQL fixtures give a real server: the service's tables, JSON and aware times
round-trip through SQLAlchemy, many sessions run at once, and missing programs fail."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from api.db.tables import jobs, metadata, scenario_revisions, scenarios
from tests.api.postgres import (
    BINDIR_VARIABLE,
    INSTALL,
    SERVER_PROGRAMS,
    PostgresServer,
    PostgresUnavailable,
    find_bindir,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine(fresh_postgres_url: str) -> Iterator[sa.Engine]:
    """An engine on a fresh database holding the service's tables."""
    engine = sa.create_engine(fresh_postgres_url, pool_size=10)
    metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def test_the_server_is_postgresql_on_loopback(
    postgres_url: str, postgres_server: PostgresServer
) -> None:
    """The session's URL reaches a PostgreSQL server over TCP on 127.0.0.1 through the
    psycopg driver, running with the fixture's fast settings."""
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(sa.text("select version()")).scalar_one()
            address = conn.execute(sa.text("select host(inet_server_addr())")).scalar_one()
            port = conn.execute(sa.text("select inet_server_port()")).scalar_one()
            fsync = conn.execute(sa.text("show fsync")).scalar_one()
            database = conn.execute(sa.text("select current_database()")).scalar_one()
    finally:
        engine.dispose()
    assert postgres_url.startswith("postgresql+psycopg://")
    assert version.startswith(f"PostgreSQL {postgres_server.version.split()[0]} ")
    assert (address, port) == ("127.0.0.1", postgres_server.port)
    assert fsync == "off"
    assert database == "cultplan"


def test_tables_round_trip_json_and_aware_times(engine: sa.Engine) -> None:
    """The service's tables are made by metadata.create_all; a job's JSON (Chinese text,
    nesting, nulls) comes back equal, its times come back aware and the same instant
    whatever the session's time zone, and deleting a scenario cascades to its revisions."""
    started = datetime(2025, 3, 1, 9, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    params = {"workers": 2, "seed": 7, "time_limit": 1.5, "gap": None}
    progress = {"coverage": 0.875, "phase": "正在寻找更好的方案", "stages": [1, [2, 3]]}
    with engine.begin() as conn:
        scenario_id = conn.execute(
            scenarios.insert()
            .values(name="长宁区 2025 春季", current_revision=1)
            .returning(scenarios.c.id)
        ).scalar_one()
        conn.execute(
            scenario_revisions.insert().values(
                scenario_id=scenario_id,
                revision=1,
                source="season: 春季\n",
                media_type="application/yaml",
                sha256="0" * 64,
            )
        )
        job_id = conn.execute(
            jobs.insert()
            .values(
                scenario_id=scenario_id,
                revision=1,
                state="running",
                params=params,
                progress=progress,
                started_at=started,
            )
            .returning(jobs.c.id)
        ).scalar_one()
    with engine.connect() as conn:
        conn.execute(sa.text("set time zone 'America/New_York'"))
        row = conn.execute(sa.select(jobs).where(jobs.c.id == job_id)).one()
        kinds: dict[str, str] = dict(
            conn.execute(
                sa.text(
                    "select column_name, data_type from information_schema.columns"
                    " where table_name = 'jobs'"
                )
            ).all()
        )
        tables = set(sa.inspect(conn).get_table_names())
    assert tables == set(metadata.tables)
    assert (kinds["params"], kinds["started_at"]) == ("json", "timestamp with time zone")
    assert (row.params, row.progress) == (params, progress)
    assert row.started_at == started
    assert row.started_at.utcoffset() is not None
    assert row.created_at.tzinfo is not None
    assert abs(row.created_at - datetime.now(UTC)).total_seconds() < 3600
    with engine.begin() as conn:
        conn.execute(scenarios.delete().where(scenarios.c.id == scenario_id))
        left = conn.execute(sa.select(sa.func.count()).select_from(scenario_revisions))
        assert left.scalar_one() == 0


def test_concurrent_sessions(engine: sa.Engine) -> None:
    """Eight sessions hold transactions open at the same time, each in its own server
    process, and all their writes land; a row locked by one session is refused to
    another (NOWAIT) until the first commits."""
    sessions = 8
    barrier = threading.Barrier(sessions, timeout=60)
    pids: list[int] = []
    seen: list[int] = []
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            with engine.begin() as conn:
                pids.append(conn.execute(sa.text("select pg_backend_pid()")).scalar_one())
                for revision in range(5):
                    conn.execute(
                        jobs.insert().values(
                            scenario_id=index, revision=revision, state="queued", params={}
                        )
                    )
                barrier.wait()  # every session's transaction is open now
                seen.append(
                    conn.execute(
                        sa.text(
                            "select count(*) from pg_stat_activity"
                            " where datname = current_database() and xact_start is not null"
                        )
                    ).scalar_one()
                )
                barrier.wait()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(pids)) == sessions
    assert min(seen) >= sessions
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(jobs)).scalar_one() == 40

    with engine.connect() as holder, engine.connect() as other:
        holder.execute(sa.select(jobs.c.id).where(jobs.c.id == 1).with_for_update())
        with pytest.raises(OperationalError, match="could not obtain lock"):
            other.execute(sa.select(jobs.c.id).where(jobs.c.id == 1).with_for_update(nowait=True))
        other.rollback()
        holder.commit()
        locked = other.execute(
            sa.select(jobs.c.id).where(jobs.c.id == 1).with_for_update(nowait=True)
        )
        assert locked.scalar_one() == 1


def test_fresh_databases_are_empty_and_dropped(
    postgres_server: PostgresServer, postgres_url: str, fresh_postgres_url: str
) -> None:
    """A test's fresh database is empty and not the session's; dropping a database ends
    the sessions still connected to it (a leaked engine cannot keep it alive)."""
    fresh = sa.create_engine(fresh_postgres_url)
    try:
        with fresh.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
    finally:
        fresh.dispose()
    assert fresh_postgres_url.rsplit("/", 1)[1] != postgres_url.rsplit("/", 1)[1]

    name = postgres_server.create_database()
    leaked = postgres_server.connect(name)
    postgres_server.drop_database(name)
    with postgres_server.connect() as admin:
        listed = admin.execute("select 1 from pg_database where datname = %s", (name,))
        assert listed.fetchone() is None
    with leaked, pytest.raises(psycopg.OperationalError):
        leaked.execute("select 1")


def test_find_bindir_wants_every_server_program(tmp_path: Path) -> None:
    """Only a folder with initdb, pg_ctl and postgres is taken; without one the error
    names the folders looked in and what to install."""
    partial, whole = tmp_path / "partial", tmp_path / "whole"
    for folder, names in ((partial, ("initdb",)), (whole, SERVER_PROGRAMS)):
        folder.mkdir()
        for name in names:
            (folder / name).write_text("#!/bin/sh\n")
            (folder / name).chmod(0o755)
    assert find_bindir([partial, whole]) == whole
    with pytest.raises(PostgresUnavailable) as caught:
        find_bindir([partial, tmp_path / "missing"])
    assert INSTALL in str(caught.value)
    assert str(partial) in str(caught.value)


def test_missing_server_fails_a_test_that_needs_it(tmp_path: Path) -> None:
    """A test asking for postgres_url, in a pytest run that finds no server programs,
    errors with the install command: it is not skipped."""
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["tests.api.postgres"]\n')
    (tmp_path / "test_needs_it.py").write_text("def test_it(postgres_url):\n    pass\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), BINDIR_VARIABLE: str(tmp_path / "none")}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 error" in run.stdout
    assert "skipped" not in run.stdout
    assert INSTALL in run.stdout
