"""A job's message: how the solve that found its plan ended, in words.

A failed job keeps why in ``error``; a job that ended with a plan (finished, or
cancelled with one) had nowhere to keep the solve's own message (proven optimal or how
far from the bound, the baseline's plan kept, the subdistricts planned). ``message``
holds it; jobs that ended before this revision have none.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``jobs.message`` (empty for the jobs there are)."""
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("message", sa.Text, nullable=True))


def downgrade() -> None:
    """Drop ``jobs.message``, keeping every row.

    SQLite recreates the table for it (a copy, then a rename), with foreign keys off as
    every recreation here (:func:`api.db.migrate.foreign_keys_off`): still
    ``AUTOINCREMENT`` (revision 0003), and with the largest id it ever gave kept, so that
    the id of a deleted job is not given again.
    """
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "recreating jobs needs foreign keys off: migrate with api.db.migrate.foreign_keys_off"
        )
    given = None
    if sqlite:
        given = bind.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'jobs'").scalar()
    kwargs = {"sqlite_autoincrement": True} if sqlite else {}
    with op.batch_alter_table("jobs", table_kwargs=kwargs) as batch:
        batch.drop_column("message")
    if given is not None:
        bind.exec_driver_sql(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'jobs'", (given,)
        )
        if not bind.exec_driver_sql("SELECT 1 FROM sqlite_sequence WHERE name = 'jobs'").scalar():
            bind.exec_driver_sql(
                "INSERT INTO sqlite_sequence (name, seq) VALUES ('jobs', ?)", (given,)
            )
