"""Alembic's environment: runs the migrations on the connection it is given.

:func:`api.db.migrate.upgrade` passes its connection in ``config.attributes``; the
``alembic`` command line (with ``-x url=...`` or ``sqlalchemy.url``) works too.
"""

from __future__ import annotations

from alembic import context

from api.db.engine import make_engine
from api.db.migrate import foreign_keys_off
from api.db.tables import metadata

config = context.config


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("no database URL: pass -x url=... or set sqlalchemy.url")
    engine = make_engine(url)
    with engine.connect() as conn, foreign_keys_off(conn), conn.begin():
        _run(conn)
    engine.dispose()
