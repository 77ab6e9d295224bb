"""A job's notes: what the solve did otherwise than asked, said once it has ended.

A job with ``decompose: yes`` whose scenario was solved whole after all (it cannot be
split, or pins send it to the whole model) says so, as the command line does.
``notes`` holds such texts as catalogue messages, translated when read; jobs that
ended before this revision have none.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``jobs.notes`` (empty for the jobs there are)."""
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("notes", sa.JSON, nullable=True))


def downgrade() -> None:
    """Drop ``jobs.notes``, keeping every row.

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
        batch.drop_column("notes")
