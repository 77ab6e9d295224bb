"""Committee calendars: each committee's feed of a scenario as of its latest version.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ``committee_calendars`` as :mod:`api.db.tables` has it (the versions
    published before it get theirs when the service starts: the backfill)."""
    op.create_table(
        "committee_calendars",
        sa.Column("scenario_id", sa.Integer, nullable=False),
        sa.Column("committee_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("json", sa.LargeBinary, nullable=False),
        sa.Column("json_etag", sa.String(64), nullable=False),
        sa.Column("ics", sa.LargeBinary, nullable=True),
        sa.Column("ics_etag", sa.String(64), nullable=True),
        sa.Column("html", sa.LargeBinary, nullable=True),
        sa.Column("html_etag", sa.String(64), nullable=True),
        sa.Column(
            "built_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.current_timestamp(),
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenarios.id"],
            name="fk_committee_calendars_scenario_id_scenarios",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scenario_id", "committee_id", name="pk_committee_calendars"),
    )
    op.create_index("ix_committee_calendars_committee_id", "committee_calendars", ["committee_id"])


def downgrade() -> None:
    """Drop the table."""
    op.drop_index("ix_committee_calendars_committee_id", table_name="committee_calendars")
    op.drop_table("committee_calendars")
