"""The database engine: one function, the same for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

#: The execution option that makes an SQLite transaction take the write lock at BEGIN.
IMMEDIATE = "cultplan_immediate"

#: How long an SQLite connection waits for a lock before giving up, in milliseconds.
BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str, **kwargs: Any) -> sa.Engine:
    """Return an engine for ``url``.

    SQLite files get write-ahead logging (readers never wait for a writer), foreign
    keys and a busy timeout, so that several processes (the API and its solve
    workers) share the file; PostgreSQL URLs are used as they are.

    Parameters
    ----------
    url
        An SQLAlchemy URL (``sqlite:///path.db``, ``postgresql+psycopg://...``).
    **kwargs
        Passed to :func:`sqlalchemy.create_engine`.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return sa.create_engine(url, **kwargs)
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
    connect_args.setdefault("check_same_thread", False)
    engine = sa.create_engine(url, connect_args=connect_args, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is switched off so that BEGIN is
        # issued by the "begin" listener below: a write transaction (see
        # :func:`writing`) takes the write lock up front, so two publishes never
        # deadlock upgrading a read lock.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if parsed.database and parsed.database != ":memory:":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A write transaction: committed at the end, rolled back on an exception.

    On SQLite it takes the write lock at its start (``BEGIN IMMEDIATE``), so that a
    transaction that reads and then writes (a publish numbering its version) waits for
    another instead of failing; on PostgreSQL it is an ordinary transaction.
    """
    with engine.connect() as conn:
        conn = conn.execution_options(**{IMMEDIATE: True})
        with conn.begin():
            yield conn
