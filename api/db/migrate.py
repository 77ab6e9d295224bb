"""Programmatic Alembic migrations: ``upgrade(url)`` brings a database to the head.

The migrations live in ``api/db/migrations``; ``0001`` creates exactly the tables of
:mod:`api.db.tables` (a test compares the migrated schema with that metadata).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

#: The folder of the migration scripts.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration for ``url`` (no ``alembic.ini`` needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser treats % as interpolation: a password may contain one.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def foreign_keys_off(conn: sa.Connection) -> Iterator[None]:
    """Run the block with SQLite's foreign keys off on ``conn`` (no effect elsewhere).

    A migration that recreates a table on SQLite (Alembic's batch mode: copy, drop,
    rename) must not have the drop of a table cascade to the rows that refer to it.
    SQLite ignores the setting inside a transaction, so it is set on the driver's
    connection before the block's transaction begins; after it, any row left without
    its parent fails the migration, and the setting is back on.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"rows without their parent after migrating: {broken[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def upgrade(url: str, engine: sa.Engine | None = None) -> None:
    """Migrate the database at ``url`` to the newest revision (nothing to do: no change).

    On SQLite the migrations run with foreign keys off (see :func:`foreign_keys_off`),
    checked after.

    Parameters
    ----------
    url
        An SQLAlchemy URL.
    engine
        An engine for ``url`` to use (one is made and disposed of otherwise).
    """
    from api.db.engine import make_engine

    own = engine is None
    engine = engine if engine is not None else make_engine(url)
    try:
        with engine.connect() as conn, foreign_keys_off(conn), conn.begin():
            config = alembic_config(url)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    finally:
        if own:
            engine.dispose()


def head() -> str | None:
    """The newest migration's revision id."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current(engine: sa.Engine) -> str | None:
    """The revision a database is at (``None``: not migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
