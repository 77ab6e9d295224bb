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
    """Drop ``jobs.notes``."""
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("notes")
