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

    SQLite recreates the table for it (a copy, then a rename): still ``AUTOINCREMENT``
    (revision 0003), and with foreign keys off, so that dropping the old table cascades
    to nothing (:func:`api.db.migrate.foreign_keys_off`).
    """
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite and bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "recreating jobs with foreign keys on would cascade the drop: "
            "migrate with foreign keys off (api.db.migrate.foreign_keys_off)"
        )
    kwargs = {"sqlite_autoincrement": True} if sqlite else {}
    with op.batch_alter_table("jobs", table_kwargs=kwargs) as batch:
        batch.drop_column("message")
