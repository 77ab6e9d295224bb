"""Ids never reused: the tables with an ``id`` become ``AUTOINCREMENT`` on SQLite.

Without it SQLite gives a new row the largest id plus one, so the id of the newest
scenario, job, plan, version or token comes back after it is deleted, and a link or a
token naming the old one names the new one. SQLite cannot add ``AUTOINCREMENT`` to a
table: each is recreated (Alembic's batch mode: a copy with the rows, then a rename),
with foreign keys off (:func:`api.db.migrate.foreign_keys_off`), so that dropping the old
table cascades to nothing. PostgreSQL's sequences never go back: nothing to do there.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-09
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

#: The tables with an ``id`` primary key, parents before the tables referring to them.
TABLES = ("scenarios", "jobs", "plans", "versions", "tokens")


def _recreate(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "recreating tables with foreign keys on would cascade the drops: "
            "migrate with api.db.migrate.upgrade"
        )
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    """Recreate the tables with ``AUTOINCREMENT`` (SQLite only), keeping every row."""
    _recreate(True)


def downgrade() -> None:
    """Recreate them without it (SQLite only)."""
    _recreate(False)
